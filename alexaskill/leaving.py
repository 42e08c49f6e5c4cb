"""The intents by which a user leaves (Stop, Cancel, NavigateHome): their replies end the session.

Without a handler of their own these intents end the session in silence (`alexaskill.answering`).
A fallback (or an ``@skill.on("IntentRequest")`` handler) answers them too, and one written for
what the skill did not understand keeps the microphone open (``ask("Sorry, which city?")``):
the user could not leave, and Amazon's certification requires Stop and Cancel to end the
session. Such a reply is replaced by the session's end, and the skill is warned at start-up.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final

from .models import IntentRequest
from .responses import Response

if TYPE_CHECKING:
    from .dispatch import Handler, Registry
    from .models import Request

__all__ = ["END", "LEAVING", "ended", "leaving_warnings"]

logger = logging.getLogger("alexaskill")

#: Intents that end the session when the skill has no handler for them.
LEAVING: Final = frozenset(
    ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent")
)
#: The ones Amazon's certification tests (a skill must end the session for them).
_CERTIFIED: Final = ("AMAZON.StopIntent", "AMAZON.CancelIntent")
END: Final = Response(should_end_session=True)


def ended(
    response: Response | None, request: Request, handler: Handler, registry: Registry
) -> Response | None:
    """``response``, made by ``handler`` for ``request``, or the session's end if ``handler``
    answers a leaving intent it was not registered for and ``response`` leaves it open."""
    if (response is not None and response.should_end_session is True) or not isinstance(
        request, IntentRequest
    ):
        return response
    name = request.intent.name
    if name not in LEAVING or ("IntentRequest", name) in registry.handlers:
        return response
    logger.warning(
        "%s answered %s without ending the session: the session ends instead (the user wants "
        "out); handle %s to say goodbye",
        handler.name,
        name,
        name,
    )
    return END


def leaving_warnings(registry: Registry) -> list[str]:
    """The start-up warning of a skill whose fallback (or catch-all intent handler) answers
    AMAZON.StopIntent or AMAZON.CancelIntent, for want of a handler of their own."""
    answering = registry.handlers.get(("IntentRequest", None)) or registry.fallback
    if answering is None:
        return []
    unhandled = [name for name in _CERTIFIED if ("IntentRequest", name) not in registry.handlers]
    if not unhandled:
        return []
    what = "the fallback" if answering is registry.fallback else "the intent handler"
    names = " and ".join(unhandled)
    has, them = ("has", "it") if len(unhandled) == 1 else ("have", "them")
    return [
        f"{what} {answering.name} answers {names}, which {has} no handler: where its "
        "reply leaves the session open, the session ends without it (Amazon requires "
        f'Stop and Cancel to end the session); handle {them} to say goodbye: @skill.intent("'
        f'{unhandled[0]}")'
    ]
