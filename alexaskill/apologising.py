"""What a failure is answered with, and who is told: the apology in the request's language (or
the silent reply where Alexa takes no speech), and the ``on_handler_error`` listener."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Final, NamedTuple

from . import messages
from .dispatch import Call
from .exceptions import ResponseError
from .handler_bugs import as_raised, handler_bug, is_not_a_reply, let_through_by
from .log_values import request_name
from .models import Envelope, Request
from .registration import Registration
from .responses import Response, encode_response, speak
from .responses.encoding import data_refusal, no_reply_carries
from .rules import failure_reply

if TYPE_CHECKING:
    from .i18n import Translations

__all__ = ["APOLOGY", "Answer", "Apologising", "failed_request_id"]

logger = logging.getLogger("alexaskill")

#: The requestId of the request whose handler failed, while `on_handler_error` is told.
_FAILED_REQUEST: Final[ContextVar[str]] = ContextVar("alexaskill_failed_request", default="")


def failed_request_id() -> str:
    """In an ``on_handler_error`` listener: the ``requestId`` of the request whose handler
    raised (a server answers others meanwhile); "" anywhere else."""
    return _FAILED_REQUEST.get()


# What the framework says by itself, in English (`alexaskill.messages` documents each); a
# request in another language hears it in that language.
APOLOGY: Final = messages.APOLOGY

_APOLOGY_BODY: Final = encode_response(speak(APOLOGY))


class Answer(NamedTuple):
    """An encoded response envelope, and how it came about (for the request's log line)."""

    body: bytes
    #: "ok", "unhandled", "before_request" (a before-request hook answered), "exception_handler",
    #: "slot_retry", "permission_consent", "handler_error" or "deadline".
    outcome: str


class Apologising(Registration):
    """How a `Skill` answers a failure (the apology) and tells of it (the log, the listener)."""

    # Set by `Skill.__init__` (documented there).
    translations: Translations | None
    on_handler_error: Callable[[Exception], None] | None

    def _said_too_large(self, call: Call, exc: Exception) -> bool:
        """Whether ``exc`` comes of session attributes that came too large for any reply (the
        handler is not to blame): then said in one WARNING line, without a traceback."""
        if not isinstance(exc, ResponseError) or not call.has_session:
            return False
        session = call.envelope.raw.get("session")  # (as the request brought them)
        brought = session.get("attributes") if isinstance(session, dict) else None
        why = no_reply_carries(call.session_attributes, brought)
        if why is not None:
            where = request_name(call.envelope.request)
            logger.warning("%s: %s; the apology answers, ending the session", where, why)
        return why is not None

    def _said_data_fault(self, exc: Exception, failed: str) -> bool:
        """Whether ``exc`` is the `ResponseError` of a reply refused for the data the handler
        put in it, and if so, say it: one ERROR line, ``failed`` and the reason, without a
        traceback (it would show alexaskill's encoder, not the handler's code: the fault is the
        data, and the reason says which). The refusals `data_refusal` says: a value of the
        response or session attributes JSON cannot hold, the path to it named (an object, a str
        that does not encode, a directive that holds itself) or, past what the search looks
        through, in the encoder's words; session attributes that are no dict (a handler's
        ``session.attributes = [...]``), that JSON would change (`_attributes_refusal`: a set, a
        key not a string, NaN, a dict that holds itself), that it would write out past any
        reply (a list held in several places, at each) or nested too deeply for the session's
        next request to bring them back (`_nested_too_deep`); a body past Alexa's size limit, its
        size, the limit and its largest parts said; and a save of persistent attributes refused
        for a value the handler gave (`store.data_faults._refused`: one JSON cannot hold, a set
        or an object, or would write out past a save's bound, a list held in several places; a
        key not a string or empty, a number or a nesting no store keeps; an empty store key, a
        name no str, an increment refused, a save past DynamoDB's sizes, attributes changed for
        a request that names no user or device to save them for). Any other exception (the
        handler's own, alexaskill's bug) is left to the caller, to log with its traceback."""
        why = data_refusal(exc)
        if why is None:  # (another ResponseError: a traceback may help)
            return False
        logger.error("%s: %s", failed, why)
        return True

    def _said_failure(self, exc: Exception, where: str) -> None:
        """Say that the handler failed for ``where`` (the request, who raised): a data fault in
        one line (`_said_data_fault`); any other `ResponseError` (a reply refused as the handler
        built it: SSML Alexa refuses, speech or a card past a limit) with its reason in the
        line too, where ``record.getMessage()`` and a one-line JSON log show it, and its
        traceback (which points at the handler's line that built the reply), but a result that
        is no `Response` (`is_not_a_reply`), said in the line alone; anything else with its
        traceback."""
        self._said_failed(exc, "handler failed for %s", where)

    def _said_failed(self, exc: Exception, failed: str, *args: object) -> None:
        """Say what failed (``failed % args``: a handler, an exception handler, asking again) for
        ``exc``, as `_said_failure` says a handler's failure: a data fault in one line, any
        other `ResponseError` with its reason in the line and its traceback, anything else with
        its traceback. (The line's message is ``failed``, its values in ``args``: none of them
        is read as a format.)"""
        if self._said_data_fault(exc, failed % args):
            return
        if isinstance(exc, ResponseError):
            # A result that is no Response: its traceback would show alexaskill's frames
            # alone, never the handler's line; the reason names the handler and the fix.
            traced = None if is_not_a_reply(exc) else exc
            logger.error(f"{failed}: %s", *args, exc, exc_info=traced)
        else:
            logger.error(failed, *args, exc_info=exc)

    def _apology_for(self, envelope: Envelope, exc: BaseException) -> Answer:
        """The apology, logged as a handler's failure, for ``exc``: a `BaseException` that left
        the answering of ``envelope`` (a KeyboardInterrupt taken for a Ctrl-C, one an exception
        handler raised), or a reply's `ResponseError`. For AWS Lambda (`as_raised`).

        A refusal of the reply's data (one nested too deep for Lambda's runtime) is said as
        `_said_data_fault` says the others, in one ERROR line; anything else with its
        traceback."""
        failure = as_raised(exc)
        who = let_through_by()  # (the handler, a hook...), named as in `_recover`'s line
        where = request_name(envelope.request) + (f" ({who})" if who else "")
        call = Call(envelope)
        self._said_failure(failure, where)
        self._tell(failure, envelope)
        return Answer(self._apology_body(call), "handler_error")

    def _say(self, message: str, request: Request) -> str:
        """One of the framework's sentences, in the request's language (`alexaskill.messages`)."""
        locale = request.locale
        if self.translations is None and (not locale or locale.startswith("en")):
            return message
        return messages.spoken(message, locale, self.translations)

    @staticmethod
    def _silent_reply(call: Call) -> Response | None:
        """The reply to a failure where Alexa takes no speech (`failure_reply`), else None."""
        envelope = call.envelope
        return failure_reply(envelope.request, in_session=envelope.session is not None)

    def _apology_body(self, call: Call) -> bytes:
        """The spoken apology, or the silent reply where Alexa takes no speech."""
        reply = self._silent_reply(call)
        if reply is not None:
            return encode_response(reply)
        apology = self._say(APOLOGY, call.envelope.request)
        return _APOLOGY_BODY if apology == APOLOGY else encode_response(speak(apology))

    def _tell(self, exc: Exception, envelope: Envelope) -> None:
        listener = self.on_handler_error
        if listener is not None:
            token = _FAILED_REQUEST.set(envelope.request.request_id)
            try:
                listener(exc)
            except BaseException as failure:
                # An error reporter whose service is down: the user still hears the apology
                # (it made the answer a 500; on Lambda, a failed invocation).
                if not isinstance(failure, Exception) and handler_bug(failure) is None:
                    raise
                logger.error("the on_handler_error listener failed", exc_info=failure)
            finally:
                _FAILED_REQUEST.reset(token)
