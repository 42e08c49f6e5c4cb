"""A slot value said alone ("tea") that no sample reads: the one intent with a slot of its type.

Amazon's docs call these slot-only utterances, and advise a sample of the slot alone
("{drink}"); without one, Alexa still usually sends the intent whose slot type lists the words.
Emulated only where nothing else reads the words, and narrowly: every word said is one value or
synonym a custom type lists (not a built-in type's format: "five" is no intent of its own), and
exactly one slot of one intent takes it. Two intents (or slots) that would take it: which the
user meant the words cannot tell, and the fallback stays.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .model import ModelIntent, ModelSlot
from .result import Understanding, reading
from .slottypes import Fill, SlotKind
from .spans import SpanCache

__all__ = ["slot_only"]

#: The note of an understanding read so.
_SLOT_ONLY_NOTE = (
    "a value of the slot's type said alone, no sample of the slot alone: Alexa sends the one "
    "intent with a slot of that type (a slot-only utterance)"
)


def slot_only(
    text: str,
    intents: Sequence[ModelIntent],
    kind_of: Callable[[ModelIntent, ModelSlot], SlotKind],
    spans: SpanCache,
    request: Callable[[str, Mapping[str, Fill]], dict[str, Any]],
) -> Understanding | None:
    """``text`` (its ``spans``) read as a listed value of exactly one slot among the skill's own
    ``intents`` (Amazon's built-in intents aside), its ``request`` made so; else None."""
    found: list[tuple[ModelIntent, ModelSlot, Fill]] = []
    for intent in intents:
        if intent.name.startswith("AMAZON."):
            continue
        for slot in intent.slots:
            fill = kind_of(intent, slot).fill(spans.tokens, spans.now)
            if fill is not None and fill.kind == "listed":
                found.append((intent, slot, fill))
                if len(found) > 1:
                    return None
    if not found:
        return None
    (intent, slot, fill), fills = found[0], {found[0][1].name: found[0][2]}
    return Understanding(
        text,
        request(intent.name, fills),
        "intent",
        intent=intent.name,
        slots=(reading(slot.name, slot.type, fill),),
        exact=False,
        notes=(_SLOT_ONLY_NOTE,),
        fills=fills,
    )
