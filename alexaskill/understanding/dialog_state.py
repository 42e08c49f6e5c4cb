"""The state of a dialog Alexa runs, and requests as Alexa sends them (for `Conversation`)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from ..responses.response import is_dialog_step
from ..shown_names import shown_value
from .model import DialogIntentModel, InteractionModel
from .result import Understanding
from .turns import Turn, speech_of

__all__ = [
    "DialogState",
    "complete_intent",
    "listening_after",
    "opens_microphone",
    "outside_session",
    "reprompt_of",
    "updated_intent_problem",
]

#: The confirmation statuses Alexa knows, of an intent and of a slot.
_STATUSES: Final = ("NONE", "CONFIRMED", "DENIED")

#: What Alexa sends the skill whose stream the device's player holds, for a built-in intent
#: said without the skill's name (Amazon's AudioPlayer interface reference): "stop" and
#: "cancel" pause the stream.
_PLAYBACK: Final = {
    "AMAZON.StopIntent": "AMAZON.PauseIntent",
    "AMAZON.CancelIntent": "AMAZON.PauseIntent",
    **{
        name: name
        for name in (
            "AMAZON.PauseIntent",
            "AMAZON.ResumeIntent",
            "AMAZON.NextIntent",
            "AMAZON.PreviousIntent",
            "AMAZON.StartOverIntent",
            "AMAZON.RepeatIntent",
            "AMAZON.LoopOnIntent",
            "AMAZON.LoopOffIntent",
            "AMAZON.ShuffleOnIntent",
            "AMAZON.ShuffleOffIntent",
        )
    },
}
#: Those that reach a stream paused or stopped, not only one playing.
_HELD: Final = frozenset(
    ("AMAZON.ResumeIntent", "AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.StartOverIntent")
)


@dataclass
class DialogState:
    """A dialog in progress: its intent (as the next request carries it), model and step."""

    intent: dict[str, Any]
    model: DialogIntentModel | None
    state: str = "STARTED"
    #: ("elicit" | "confirm_slot" | "confirm_intent", slot name or None)
    pending: tuple[str, str | None] | None = None
    #: The pending step came from the skill's own directive: the answer goes back to the skill.
    from_skill: bool = False
    validated: set[tuple[str, str]] = field(default_factory=set)
    #: What the user said for each slot, with the value it gave: a prompt says it back.
    heard: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Values of each slot that failed validation in a row (Alexa gives up after a few).
    failures: dict[str, int] = field(default_factory=dict)
    #: The words the language's built-in types read with a value ("at", "on" in English),
    #: left out of what a prompt says back (`Language.value_carriers`).
    carriers: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return str(self.intent.get("name"))

    @property
    def auto(self) -> bool:
        return self.model is not None and self.model.delegation == "ALWAYS"

    def slots(self) -> dict[str, dict[str, Any]]:
        slots = self.intent.get("slots")
        if not isinstance(slots, dict):
            slots = self.intent["slots"] = {}
        return slots

    def value(self, slot: str) -> str | None:
        entry = self.slots().get(slot)
        if not isinstance(entry, dict):
            return None
        value = entry.get("value")
        if value is None:
            slot_value = entry.get("slotValue")
            if isinstance(slot_value, dict) and slot_value.get("type") == "List":
                return ", ".join(said for said, _ in self._listed(slot_value)) or None
        return None if value in (None, "") else str(value)

    @staticmethod
    def _listed(slot_value: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
        """The values a ``List`` slot value holds, each with its item (items without one, as a
        skill's ``updatedIntent`` may send, left out)."""
        items = slot_value.get("values")
        return [
            (str(item["value"]), item)
            for item in (items if isinstance(items, list) else ())
            if isinstance(item, dict) and item.get("value") not in (None, "")
        ]

    def values(self, slot: str) -> list[tuple[str, Mapping[str, Any]]]:
        """Each value of ``slot`` with the object that carries its resolutions: one, or each of a
        multiple-value slot's list (validated one by one); none when it is unfilled."""
        entry = self.slots().get(slot)
        if not isinstance(entry, dict):
            return []
        slot_value = entry.get("slotValue")
        if isinstance(slot_value, dict) and slot_value.get("type") == "List":
            return self._listed(slot_value)
        value = self.value(slot)
        return [] if value is None else [(value, entry)]

    def hear(self, slot: str, words: str) -> None:
        """The user said ``words`` for ``slot``, which now holds the value they gave. A word a
        built-in type reads along with its value ("at noon" for "12:00", in the language's
        `carriers`) is no part of what a prompt says back."""
        value = self.value(slot)
        if value is None or not words:
            return
        first, _, rest = words.partition(" ")
        if words != value and first.casefold() in self.carriers and rest:
            words = rest
        self.heard[slot] = (value, words)

    def spoken(self, slot: str) -> str | None:
        """How a prompt says ``slot``: the words the user said for its value, or the value as
        the request carries it (one the skill set); None when it has no value."""
        value = self.value(slot)
        if value is None:
            return None
        heard = self.heard.get(slot)
        return heard[1] if heard is not None and heard[0] == value else value

    @property
    def expecting(self) -> str | None:
        """What Alexa waits for: "slot city", "confirmation of slot date", … or None."""
        if self.pending is None:
            return None
        step, slot = self.pending
        return {
            "elicit": f"slot {slot}",
            "confirm_slot": f"confirmation of slot {slot}",
            "confirm_intent": "confirmation of the intent",
        }[step]

    def clear(self, slot: str) -> None:
        self.slots()[slot] = {"name": slot, "confirmationStatus": "NONE"}


def complete_intent(intent: dict[str, Any], model: InteractionModel) -> dict[str, Any]:
    """``intent`` as Alexa sends it: every slot its model defines (unfilled ones with no value)
    and a confirmation status, whatever the skill's ``updatedIntent`` left out."""
    intent.setdefault("confirmationStatus", "NONE")
    found = intent.get("slots")
    given: dict[str, Any] = found if isinstance(found, dict) else {}
    defined = model.intent(str(intent.get("name")))
    names = [slot.name for slot in defined.slots] if defined is not None else []
    slots: dict[str, Any] = {}
    for name in [*names, *(name for name in given if name not in names)]:  # the model's order
        entry = given.get(name)
        entry = dict(entry) if isinstance(entry, dict) else {}
        entry.setdefault("name", name)
        entry.setdefault("confirmationStatus", "NONE")
        slots[name] = entry
    if slots or "slots" in intent:
        intent["slots"] = slots
    return intent


def updated_intent_problem(raw: Mapping[str, Any], model: InteractionModel) -> str | None:
    """Why Alexa refuses a dialog directive's ``updatedIntent`` (``raw``, an object with a
    name), or None: a confirmationStatus it does not know, slots that are no object of slot
    objects, or a slot the model does not give the intent (Amazon's Dialog Interface
    Reference: ``updatedIntent`` is the intent with its slots, as a request carries them)."""
    name = str(raw.get("name"))
    status = raw.get("confirmationStatus", "NONE")
    if status not in _STATUSES:
        said = shown_value(status)
        return f"updatedIntent confirmationStatus is {said}, not one of {', '.join(_STATUSES)}"
    slots = raw.get("slots")
    if slots is None:
        return None
    if not isinstance(slots, Mapping) or not all(isinstance(s, Mapping) for s in slots.values()):
        return "updatedIntent slots is no object of slot objects"
    for slot, entry in slots.items():
        if entry.get("name", slot) != slot:
            return f"updatedIntent slot {slot} is named {shown_value(entry.get('name'))}"
        status = entry.get("confirmationStatus", "NONE")
        if status not in _STATUSES:
            return f"updatedIntent slot {slot} confirmationStatus is {shown_value(status)}"
    defined = model.intent(name)
    unknown = sorted(str(s) for s in slots if defined is not None and defined.slot(str(s)) is None)
    if unknown:
        return f"updatedIntent sets {', '.join(unknown)}: no slot of intent {name} in the model"
    return None


def listening_after(turn: Turn) -> tuple[bool, str | None] | None:
    """Whether the microphone is open after ``turn`` in a session, and what a silence would
    hear then; None when the turn changed neither (no answer, no prompt)."""
    if turn.prompts:
        return True, turn.prompts[-1]
    replies = [e for e in turn.exchanges if not e.notice and e.refusal is None]
    if not replies:
        return None
    response = replies[-1].response
    return opens_microphone(response), reprompt_of(response)


def opens_microphone(response: Mapping[str, Any]) -> bool:
    """Whether Alexa listens for the user's answer after a ``response`` object:
    ``shouldEndSession: false``, or left out beside a dialog directive (the dialog waits for
    the user's answer, as `ends_session` keeps the session open for it)."""
    end = response.get("shouldEndSession")
    if isinstance(end, bool):
        return not end
    directives = response.get("directives")
    return isinstance(directives, list) and any(map(is_dialog_step, directives))


def reprompt_of(response: Mapping[str, Any]) -> str | None:
    """What the user hears of a ``response`` object's reprompt, or None."""
    reprompt = response.get("reprompt")
    said = speech_of(reprompt.get("outputSpeech")) if isinstance(reprompt, dict) else None
    return said or None


def outside_session(
    understood: Understanding, player: Mapping[str, Any] | None, invocation: str | None
) -> tuple[dict[str, Any] | None, str]:
    """What Alexa does with a request said outside a session without the skill's name: the
    request it sends the skill whose stream the player holds (a playback intent), or None;
    and why, as a note."""
    name = str(understood.intent)
    routed = _PLAYBACK.get(name)
    activity = player.get("playerActivity") if player is not None else None
    held = activity in ("PAUSED", "STOPPED") and player is not None and player.get("token")
    reaches = activity == "PLAYING" or (held and routed in _HELD)
    if routed is not None and understood.request is not None and reaches:
        request = copy.deepcopy(understood.request)
        request["intent"] = {**request.get("intent", {}), "name": routed}
        if routed != name:
            return request, f"{name} while the skill's audio plays: Alexa sends {routed}"
        return request, f"{name} goes to the skill whose stream the player holds"
    said = invocation or "the skill"
    return None, f"Alexa would not route this to the skill: say 'ask {said} …' or 'open {said}'"
