"""The intents by which a user leaves (Stop, Cancel, NavigateHome): their replies end the session.

Without a handler of their own these intents end the session in silence (`alexaskill.answering`).
A fallback (or an ``@skill.on("IntentRequest")`` handler, a before-request hook of every intent,
an exception handler when their handler failed) answers them too, and one written for what the
skill did not understand keeps the microphone open (``ask("Sorry, which city?")``): the user
could not leave, and Amazon's certification requires Stop and Cancel to end the session. Such a
reply is replaced by the session's end (a goodbye that leaves ``shouldEndSession`` out is kept,
ending it), and the skill is warned at start-up, and with a WARNING line (once a handler and
intent every `WARNING_EVERY` seconds, with how many went unsaid). An after-request hook of every
intent that reopens a reply that ended the session has its change dropped (`kept_ended`).
Whether a handler is such a catch-all is decided when it is registered (`Handler.catch_all`):
the replies of the others are never looked at.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final

from msgspec import UNSET

from .models import IntentRequest
from .responses import Response
from .responses.directive import directive_type
from .responses.response import DIALOG_DIRECTIVES

if TYPE_CHECKING:
    from .dispatch import Handler, Registry
    from .log_repeats import Repeats
    from .models import Request

__all__ = [
    "END",
    "LEAVING",
    "WARNING_EVERY",
    "ended",
    "kept_ended",
    "leaving_warnings",
    "unhandled",
]

logger = logging.getLogger("alexaskill")

#: Intents that end the session when the skill has no handler for them.
LEAVING: Final = frozenset(
    ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent")
)
#: The ones Amazon's certification tests (a skill must end the session for them).
_CERTIFIED: Final = ("AMAZON.StopIntent", "AMAZON.CancelIntent")
END: Final = Response(should_end_session=True)
#: Directives no goodbye carries: the dialog's (they continue it, never with
#: ``shouldEndSession: true``), and those that start something for a user who wants out (a
#: stream, a video (Alexa takes no ``shouldEndSession`` with it), another skill).
_NOT_GOODBYE: Final = DIALOG_DIRECTIVES | {
    "AudioPlayer.Play",
    "VideoApp.Launch",
    "Connections.StartConnection",
    "Connections.SendRequest",
}
_DYNAMIC_ENTITIES: Final = "Dialog.UpdateDynamicEntities"
#: Seconds between two warnings of one handler's replies to one leaving intent (`ended`).
WARNING_EVERY: Final = 10.0


def ended(
    response: Response | None,
    request: Request,
    handler: Handler,
    said: Repeats,
    *,
    after: bool = False,
) -> Response | None:
    """``response``, made by the catch-all ``handler`` (`Handler.catch_all`: the fallback, or the
    handler of every IntentRequest) for ``request``, or the session's end if ``request`` is a
    leaving intent (which has no handler of its own) and ``response`` leaves the session open.

    A ``response`` that leaves ``shouldEndSession`` out, without a reprompt or a directive that
    continues or starts something (a dialog's, ``AudioPlayer.Play``: `_NOT_GOODBYE`), is kept,
    ending the session: a goodbye with ``AudioPlayer.Stop``.

    A handler's replies to one intent are warned of once every `WARNING_EVERY` seconds (``said``
    remembers when: the skill's); ``after``: ``handler`` is an after-request hook (`kept_ended`).
    """
    if (response is not None and response.should_end_session is True) or not isinstance(
        request, IntentRequest
    ):
        return response
    name = request.intent.name
    if name not in LEAVING:
        return response
    if response is None:  # nothing to say, nothing dropped: the end it would get unhandled
        return END
    kind = f"{handler.name} {'changed the reply to' if after else 'answered'} {name}"
    unsaid = said.unsaid(kind, _say_unsaid)
    if unsaid is not None:
        since = f" ({unsaid} more since the last such line)" if unsaid else ""
        # A hook's change is dropped whether the intent has a handler or not: it is the hook
        # that must leave the reply alone.
        advice = f"return None from it for {name}" if after else f"handle {name} to say goodbye"
        logger.warning(
            "%s without ending the session: the session ends instead (the user wants out); %s%s",
            kind,
            advice,
            since,
        )
    return _closing(response)


def kept_ended(
    before: Response | None,
    response: Response,
    request: Request,
    hook: Handler,
    said: Repeats,
) -> Response | None:
    """``response``, the change an after-request ``hook`` that is a catch-all made to the reply
    ``before``, unless ``before`` ended the session of a leaving intent and ``response`` opens it
    again (an ``ask("Anything else?")`` added to every reply): then ``before`` stands (or
    ``response`` ending the session, as `ended` keeps it), with `ended`'s warning."""
    if before is None or before.should_end_session is not True:
        return response
    closed = ended(response, request, hook, said, after=True)
    return before if closed is END else closed


def _closing(response: Response | None) -> Response:
    """``response`` ending the session where Alexa takes it so, else the session's end."""
    if (
        response is None
        or response.should_end_session is not UNSET
        or response.reprompt is not UNSET
        or response.can_fulfill_intent is not UNSET
        or any(directive_type(d) in _NOT_GOODBYE for d in response.directives)
    ):
        return END
    directives = response.directives
    if any(directive_type(d) == _DYNAMIC_ENTITIES for d in directives):
        # For turns that will not come, and never with shouldEndSession true: left out.
        directives = tuple(d for d in directives if directive_type(d) != _DYNAMIC_ENTITIES)
        return response.replace(should_end_session=True, directives=directives)
    return response.replace(should_end_session=True)


def unhandled(name: str) -> Response:
    """The reply to the leaving intent ``name`` when nothing handles it: the session's end.

    "Sorry, I can't help with that." with the microphone open would keep the user in (every
    model alexaskill builds has these intents).
    """
    logger.info("no handler for %s: the session ends", name)
    return END


def _say_unsaid(kind: str, unsaid: int) -> None:
    """The replacements of ``kind`` left unsaid when their window ended, or at shutdown."""
    times = "time" if unsaid == 1 else "times"
    logger.warning(
        "%s without ending the session %d more %s since the last such line: the session ended "
        "instead",
        kind,
        unsaid,
        times,
    )


def leaving_warnings(registry: Registry) -> list[str]:
    """The start-up warning of a skill whose catch-alls answer AMAZON.StopIntent or
    AMAZON.CancelIntent, for want of a handler of their own: the fallback (or catch-all intent
    handler), and the hooks of every intent, and then the exception handlers, each kind named
    once."""
    unhandled = [name for name in _CERTIFIED if ("IntentRequest", name) not in registry.handlers]
    if not unhandled:
        return []
    answering = registry.handlers.get(("IntentRequest", None)) or registry.fallback
    kinds = [
        (kind, list(dict.fromkeys(hook.handler.name for hook in hooks if hook.handler.catch_all)))
        for kind, hooks in (
            ("before-request hook", registry.before_hooks),
            ("after-request hook", registry.after_hooks),
        )
    ]
    if answering is None and not any(names for _, names in kinds):
        return []
    # They fail too, or the handler does: then an exception handler answers Stop.
    kinds.append(("exception handler", [h.name for h in registry.exception_handlers.values()]))
    others = _listed(
        [
            f"the {kind}{'s' if len(names) > 1 else ''} {_listed(names)}"
            for kind, names in kinds
            if names
        ]
    )
    names = " and ".join(unhandled)
    has, them = ("has", "it") if len(unhandled) == 1 else ("have", "them")
    if answering is None:
        run = "runs" if sum(len(found) for _, found in kinds) == 1 else "run"
        who = f"{others} {run} for {names}, which {has} no handler"
    else:
        what = "the fallback" if answering is registry.fallback else "the intent handler"
        who = f"{what} {answering.name} answers {names}, which {has} no handler"
        if others:
            who += f" ({others} run for {them} too)"
    return [
        f"{who}: where a reply leaves the session open, the session ends without it (Amazon "
        f"requires Stop and Cancel to end the session); handle {them} to say goodbye: @skill."
        f'intent("{unhandled[0]}")'
    ]


def _listed(items: list[str]) -> str:
    """``items`` as English lists them: "a", "a and b", "a, b and c"."""
    return " and ".join(filter(None, (", ".join(items[:-1]), items[-1]))) if items else ""
