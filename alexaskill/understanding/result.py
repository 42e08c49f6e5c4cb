"""What understanding returns: `Understanding` (the request, and why) and `SlotReading`.

`slot_json` lays a slot out as Alexa sends it: unfilled, one value with its entity resolution
(``value``, ``resolutions``, ``slotValue`` of type Simple), or several (``slotValue`` of type
List, no top-level ``value``), per Amazon's "Request Types Reference" (IntentRequest, Slot).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..models.intents import sent_slot, simple_value
from ..shown_names import shown, shown_value
from .quoted import named
from .slottypes import Fill, value_id

__all__ = ["SlotReading", "Understanding", "reading", "slot_json"]


@dataclass(frozen=True, slots=True)
class SlotReading:
    """Which words filled one slot, and what its value became."""

    name: str
    type: str
    #: The words as the user said them.
    words: str
    #: The value sent (None for a multiple-value slot holding several values).
    value: str | None
    #: Each value of a multiple-value slot.
    values: tuple[str, ...] = ()
    #: "typed" (a built-in type parsed it), "listed" (a custom value or synonym), "unlisted"
    #: (a custom type's other words), "free" (a free-form type) or "list".
    kind: str = "free"
    #: Entity resolution: the canonical values matched, as (name, id).
    resolved: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        """One line: the slot, its words, its value and how it was read; long words and values
        cut, as notes cut them (`named`)."""
        said = f"{shown(self.name)} = {named(self.words)}"
        if self.kind == "typed":
            return f"{said} → {shown(str(self.value))} ({self.type})"
        if self.kind == "listed":
            names = ", ".join(
                f"{shown(name)} (id {shown(value_id)})" for name, value_id in self.resolved
            )
            return f"{said} ({self.type}: ER_SUCCESS_MATCH {names})"
        if self.kind == "unlisted":
            return f"{said} ({self.type}: not a listed value, ER_SUCCESS_NO_MATCH)"
        if self.kind == "list":
            return f"{said} → {shown_value(list(self.values))} ({self.type}, several values)"
        return f"{said} ({self.type}, taken as said)"


@dataclass(frozen=True)
class Understanding:
    """What Alexa makes of one utterance: the ``request`` it sends, and why."""

    utterance: str
    #: The ``request`` object ({"type": ...} and its fields, without id, timestamp and
    #: locale), or None when nothing is sent (`kind` says why: "empty", "too long", "answer",
    #: "out of domain").
    request: dict[str, Any] | None
    #: "launch", "intent", "end" (SessionEndedRequest), "answer" (a yes or no that answers a
    #: dialog's confirmation: no request of its own), "empty", "too long" (over `MAX_WORDS`
    #: words: nothing sent) or "out of domain" (no sample near, no AMAZON.FallbackIntent: Alexa
    #: sends one of the model's intents, which one cannot be told, so nothing is sent).
    kind: str
    intent: str | None = None
    #: The sample utterance that matched, as the model writes it.
    sample: str | None = None
    slots: tuple[SlotReading, ...] = ()
    #: Every word matched the sample (no word added, left out or ignored).
    exact: bool = True
    #: No sample was close enough: AMAZON.FallbackIntent (or the closest intent, or no request).
    fallback: bool = False
    #: The skill was addressed by name ("open ...", "ask ... to ..."): a new session starts.
    new_session: bool = False
    notes: tuple[str, ...] = ()
    #: How well the sample covers the words said (the matcher's sum: higher is closer; below 0
    #: for a closest intent no sample is near); shown for a match that is not exact.
    score: float = 0.0
    #: The filled slots' readings by name, for the dialog emulation.
    fills: Mapping[str, Fill] = field(default_factory=dict, repr=False, compare=False)

    def explain(self) -> str:
        """A few lines saying what was understood and from which words."""
        if self.request is None and self.kind != "answer":
            head = "nothing to understand"
            if self.kind == "out of domain":
                head = "no request: which of the model's intents Alexa would send cannot be told"
            return "\n".join([head, *(f"  note: {n}" for n in self.notes)])
        head = str(self.request["type"]) if self.request is not None else "an answer:"
        if self.intent:
            head += f" {self.intent}"
        lines = [head]
        if self.sample is not None:
            how = "closest intent" if self.fallback else "exact" if self.exact else "loose match"
            if not self.exact:  # (a poor match's score says how poor, to a skill's author)
                how += f", score {self.score:.2f}"
            lines.append(f"  sample: {named(self.sample)} ({how})")
        lines.extend(f"  {slot.describe()}" for slot in self.slots)
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)

    def in_new_session(self, note: str) -> Understanding:
        """This understanding, said addressing the skill by name: a new session, noted first."""
        return replace(self, new_session=True, notes=(note, *self.notes))

    def to_json(self) -> dict[str, Any]:
        """The understanding as JSON (for tools and the simulator)."""
        return {
            "utterance": self.utterance,
            "request": self.request,
            "kind": self.kind,
            "intent": self.intent,
            "sample": self.sample,
            "exact": self.exact,
            "fallback": self.fallback,
            "newSession": self.new_session,
            "slots": [
                {
                    "name": slot.name,
                    "type": slot.type,
                    "words": slot.words,
                    "value": slot.value,
                    "values": list(slot.values),
                    "kind": slot.kind,
                    "resolved": [{"name": name, "id": id_} for name, id_ in slot.resolved],
                }
                for slot in self.slots
            ],
            "notes": list(self.notes),
            "explanation": self.explain(),
            "score": round(self.score, 3),
        }


def slot_json(name: str, fill: Fill | None, confirmation: str = "NONE") -> dict[str, Any]:
    """A slot as Alexa sends it: unfilled, one value (with its resolutions), or a list."""
    if fill is None:
        return sent_slot(name, None, confirmation)
    if fill.parts:
        values = [simple_value(part.value, part.resolutions) for part in fill.parts]
        return sent_slot(name, values, confirmation)
    return sent_slot(name, simple_value(fill.value, fill.resolutions), confirmation)


def reading(name: str, slot_type: str, fill: Fill) -> SlotReading:
    """How ``fill`` reads as slot ``name`` of ``slot_type``, for explanations."""
    if fill.parts:
        return SlotReading(
            name,
            slot_type,
            fill.words,
            None,
            tuple(part.value for part in fill.parts),
            "list",
            tuple((v.name, value_id(v)) for part in fill.parts for v in part.matched),
        )
    resolved = tuple((value.name, value_id(value)) for value in fill.matched)
    return SlotReading(name, slot_type, fill.words, fill.value, (fill.value,), fill.kind, resolved)
