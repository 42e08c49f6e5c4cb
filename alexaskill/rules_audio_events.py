"""What a reply to an AudioPlayer, PlaybackController or System.ExceptionEncountered request may
carry, for `alexaskill.rules`: no speech, card or reprompt, and only the AudioPlayer directives
each event takes (Amazon's AudioPlayer interface reference); the rest dropped as a
`RuleViolation`, ``shouldEndSession`` silently (those requests have no session).
"""

from __future__ import annotations

from typing import Final

from msgspec import UNSET

from .exceptions import RuleViolation
from .models import Request
from .responses import Response, directive_type
from .rules_reports import _report

__all__ = [
    "audio_directives_allowed",
    "audio_reply_directives",
    "takes_only_audio",
]

# What a reply to each AudioPlayer / PlaybackController / System event may carry, from Amazon's
# "AudioPlayer Interface Reference" (section "Requests", each request's "Response" part), the
# "PlaybackController Interface Reference" and the "System.ExceptionEncountered" request
# reference. A type not listed takes any AudioPlayer directive.
_STOP_OR_CLEAR: Final = frozenset({"AudioPlayer.Stop", "AudioPlayer.ClearQueue"})
_NO_RESPONSE: Final[frozenset[str]] = frozenset()
#: The AudioPlayer interface's directives: a mapping of another "AudioPlayer." type is none.
_AUDIO_DIRECTIVES: Final = frozenset({"AudioPlayer.Play"}) | _STOP_OR_CLEAR
_AUDIO_REPLIES: Final[dict[str, frozenset[str]]] = {
    # "Can't respond with more than 0 play directives" is Alexa's answer to a Play here.
    "AudioPlayer.PlaybackStarted": _STOP_OR_CLEAR,
    "AudioPlayer.PlaybackFinished": _STOP_OR_CLEAR,
    "AudioPlayer.PlaybackStopped": _NO_RESPONSE,
    "System.ExceptionEncountered": _NO_RESPONSE,
}


def audio_directives_allowed(request_type: str) -> frozenset[str] | None:
    """The directive types a reply to ``request_type`` may carry; None: any AudioPlayer one.

    Only meaningful where `takes_only_audio` is true: an empty set means no response at all.
    `audio_reply_directives` names the types that None stands for.
    """
    return _AUDIO_REPLIES.get(request_type)


def audio_reply_directives(request_type: str) -> frozenset[str]:
    """The AudioPlayer directive types a reply to ``request_type`` (where `takes_only_audio`)
    may carry, each named: empty where it takes no response at all."""
    allowed = audio_directives_allowed(request_type)
    return _AUDIO_DIRECTIVES if allowed is None else allowed


def takes_only_audio(request_type: str) -> bool:
    """Whether replies to ``request_type`` may carry only AudioPlayer directives."""
    return request_type.startswith(("AudioPlayer.", "PlaybackController.")) or (
        request_type == "System.ExceptionEncountered"
    )


def _audio_rule(request_type: str, allowed: frozenset[str] | None) -> str:
    if allowed is None:
        return f"Alexa takes only AudioPlayer directives in reply to {request_type}"
    if not allowed:
        return f"Alexa takes no response to {request_type}"
    return f"Alexa takes only {' or '.join(sorted(allowed))} in reply to {request_type}"


def _only_audio(
    response: Response,
    request: Request,
    handler: str,
    violations: list[RuleViolation] | None,
) -> Response:
    """``response`` to ``request`` (where `takes_only_audio`) with only what Alexa takes in
    reply to it; what is dropped is reported as a `RuleViolation` of ``handler``."""
    request_type = request.type
    allowed = audio_directives_allowed(request_type)
    known = audio_reply_directives(request_type)
    dropped = [
        name
        for name, part in (
            ("outputSpeech", response.output_speech),
            ("card", response.card),
            ("reprompt", response.reprompt),
            ("apiResponse", response.api_response),
        )
        if part is not UNSET
    ]
    kept = []
    for directive in response.directives:
        type_ = directive_type(directive)
        if type_ in known:
            kept.append(directive)
        else:
            dropped.append(type_)
    if dropped:
        rule = _audio_rule(request_type, allowed)
        if allowed is None or allowed:
            rule += ", and no speech, card or reprompt"
        unknown = [
            t for t in dropped if t.startswith("AudioPlayer.") and t not in _AUDIO_DIRECTIVES
        ]
        if unknown:
            rule += (
                f"; {' and '.join(unknown)} is no AudioPlayer directive, which are "
                f"{', '.join(sorted(_AUDIO_DIRECTIVES))}"
            )
        _report(
            RuleViolation(
                request_type,
                tuple(dropped),
                rule,
                handler=handler,
                request_id=request.request_id,
            ),
            violations,
        )
    if dropped or response.should_end_session is not UNSET:
        return Response(directives=tuple(kept), experimentation=response.experimentation)
    return response
