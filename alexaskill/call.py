"""`Call`: what one request gives its handler, and what answering it notes on the way (the
deadline's, the code running), for the log lines that tell of it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from .models import Envelope, Session

if TYPE_CHECKING:
    from .injection import Handler

__all__ = ["Call"]

#: Requests in a session whose reply carries no ``sessionAttributes``.
_NO_REPLY_SESSION: Final = frozenset(("CanFulfillIntentRequest", "SessionEndedRequest"))


class Call:
    """What one request gives its handler: the envelope, the session, and services made by the app.

    ``session`` is the request's session, or a detached one when the request has none (its
    attributes are then not sent back, nor are a CanFulfillIntentRequest's). ``services`` maps
    a service type to the object the app made for this request (see `Registry`
    ``service_types``).
    """

    __slots__ = (
        "answered",
        "caught",
        "deadline",
        "envelope",
        "exception",
        "expired",
        "fallbacks_said",
        "finishing",
        "grace",
        "has_session",
        "latest",
        "making",
        "overran",
        "queued",
        "response",
        "running",
        "services",
        "session",
        "setters",
        "watched",
    )

    def __init__(self, envelope: Envelope) -> None:
        self.envelope = envelope
        session = envelope.session
        # A CanFulfillIntentRequest's session is Alexa's probe, not a conversation: its reply
        # carries canFulfillIntent alone, without sessionAttributes (Amazon's CanFulfillIntent
        # reference). A SessionEndedRequest's session is over: Alexa takes no reply to it.
        self.has_session = session is not None and envelope.request.type not in _NO_REPLY_SESSION
        self.session = session if session is not None else Session()
        self.services: dict[type, Any] = {}
        #: The exception being handled, while an exception handler runs.
        self.exception: BaseException | None = None
        #: When the answer is due (`time.perf_counter`), or None; True once that time has passed
        #: without one (the app answered through `DeadlineExceeded`).
        self.deadline: float | None = None
        self.expired = False
        #: The watchdog and task that enforce the deadline (`alexaskill.deadline.watch`), or None.
        self.watched: Any = None
        #: Under a deadline, the name of the def function whose call waits for a worker thread
        #: (None once it started): what the deadline's warning says of it.
        self.queued: str | None = None
        #: The service type being made for the code about to run (Attributes: the store's
        #: load), or None: what the deadline's warning says of a call held back by it.
        self.making: type | None = None
        #: The service type being finished once the reply is made (Attributes: the store's
        #: save), or None: what the log says raised, when no handler made the reply.
        self.finishing: type | None = None
        #: The handler or hook being called, left set when it raises (for the log), else None.
        self.running: Handler | None = None
        #: Under a deadline, the first handler or hook to return past it, and the first to return
        #: having caught its cancellation: what the deadline's warnings name as what ran late.
        self.overran: Handler | None = None
        self.caught: Handler | None = None
        #: The reply so far, while after-request hooks run (None: an empty reply).
        self.response: Any = None
        #: True once the answer is made, to be sent: Alexa plays no progressive response then.
        self.answered = False

    fallbacks_said: set[str]  # slots whose dropped value is logged (`log_fallback`), once set
    #: Where hooks ran, the code that set each kind of attributes: what the log names for a value
    #: their save refuses (`alexaskill.finishing.settable`). Left unset by ``__init__``, not None:
    #: a store less for every request where no hook runs (~100 instructions, count_instructions),
    #: as ``fallbacks_said``; so it is read with getattr (`set_by`, `Finishing._setter`), and
    #: dropped with del when an exception handler takes over (`Answering._recover`).
    setters: dict[type, Handler]
    #: On AWS Lambda, the `time.perf_counter` time by which the answer must leave (the
    #: handler's, or the exception handler's for `DeadlineExceeded`), Lambda ending the function
    #: `LAMBDA_MARGIN` later (`alexaskill.deadline.lambda_deadline`'s ``latest``); None
    #: elsewhere. What bounds the wait for its save (`alexaskill.finishing.Finishing._save`). Set
    #: with ``watched`` alone (`alexaskill.deadline_answering`), where it is read: unset on a
    #: call without a deadline, as ``setters``, a store less for each.
    latest: float | None

    #: For the exception handler of `DeadlineExceeded`: the seconds of grace it was given,
    #: `DEADLINE_GRACE` or less on AWS Lambda (`alexaskill.deadline_answering`), what the
    #: WARNING of a save that ended past it says; or for that of a save that failed past the
    #: deadline (`alexaskill.finishing.Finishing._watch_again`: what is left of that grace after
    #: the deadline, or less on AWS Lambda): then no second grace is given.
    #: Unset elsewhere, read with getattr.
    grace: float

    @property
    def session_attributes(self) -> dict[str, Any] | None:
        """The attributes to send back as ``sessionAttributes``, or None outside a session."""
        return self.session.attributes if self.has_session else None
