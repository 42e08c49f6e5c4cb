"""``alexaskill replay --url``: the ``slot:`` rows of a server's answer, told from the request sent
and the answer got, as the skill's INFO lines tell them in process.

The server keeps its log; what it would say is worked out here: the APP's handler of the request
sent, each slot parameter's value that does not convert to its annotation (the same conversion),
and from the answer, whether the server asked again. Without an APP nothing is known of the
handlers' parameters, and no row is shown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..app import Skill
    from ..injection import Handler
    from ..models import Envelope
    from ..testing import SkillResponse

__all__ = ["served_slot_lines"]


def served_slot_lines(
    skill: Skill | None, envelope: Mapping[str, Any], result: SkillResponse
) -> list[str]:
    """The lines the skill would log (INFO) for the slot values of ``envelope`` (as sent) its
    handler's parameters cannot take, the server having answered ``result``; none without
    ``skill``."""
    from ..asking_again import ASKING_AGAIN_LINE
    from ..exceptions import SlotError
    from ..handler_signature import read_signature
    from ..models import decode_envelope
    from ..slots import unconverted_value
    from ..slots.converters import unwrap_optional
    from ..slots.reasons import FALLBACK_LINE, default_given

    if skill is None:
        return []
    try:
        decoded = decode_envelope(json.dumps(envelope, ensure_ascii=False))
    except Exception:  # (a file Alexa never sends: the server said what is wrong with it)
        return []
    intent = getattr(decoded.request, "intent", None)
    slots = getattr(intent, "slots", None)
    handler = _handler(skill, decoded)
    if handler is None or intent is None or not slots:
        return []
    where = f"{intent.name}: " if intent.name else ""
    parameters = read_signature(handler.func).parameters
    lines: list[str] = []
    for name, annotation in handler.slots:
        slot = slots.get(name)
        if slot is None or not slot.is_filled:
            continue
        unconverted = unconverted_value(annotation, slot)
        if unconverted is None:
            continue
        error = SlotError(name, *unconverted)
        param = parameters.get(name)
        if param is not None and param.default is not param.empty:
            given = default_given(param.default)
            lines.append(FALLBACK_LINE % (where, error, name, given))
        elif unwrap_optional(annotation)[1]:
            lines.append(FALLBACK_LINE % (where, error, name, "None"))
        elif decoded.request.type == "IntentRequest":  # (a probe is answered without it)
            lines.append(ASKING_AGAIN_LINE % (where, error, _asked_with(result.json, name)))
    return lines


def _handler(skill: Skill, envelope: Envelope) -> Handler | None:
    """The handler of ``envelope`` (as the registry resolves it, without its typo warning)."""
    registry = skill.registry
    request = envelope.request
    intent = getattr(request, "intent", None)
    handlers = registry.handlers
    found = handlers.get((request.type, getattr(intent, "name", None)))
    if found is None and intent is not None:
        found = handlers.get((request.type, None))
    if found is None and request.type != "CanFulfillIntentRequest":
        found = registry.fallback
    return found


def _asked_with(answer: Any, name: str) -> str:
    """How the server's ``answer`` asks again for slot ``name``, for the line's end."""
    body = answer.get("response") if isinstance(answer, dict) else None
    directives = body.get("directives") if isinstance(body, dict) else None
    for directive in directives if isinstance(directives, list) else ():
        if not isinstance(directive, dict):
            continue
        if directive.get("type") == "Dialog.ElicitSlot" and directive.get("slotToElicit") == name:
            return "the server's Dialog.ElicitSlot"
        if directive.get("type") == "Dialog.Delegate":
            return "the dialog model (the server's Dialog.Delegate)"
    return "the server's answer"
