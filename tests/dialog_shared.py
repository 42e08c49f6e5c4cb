"""What the dialog tests share (tests/test_understanding_dialog.py, _dialog_refusals,
_confirmations, _replies, _prompts): the hand-written pizza model, a fixed now, a skill that
answers from a script (delegating unless told otherwise), a conversation with it, and a trip
planner that asks for a city and its confirmation."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from alexaskill.understanding import InteractionModel, Understander
from alexaskill.understanding.dialog import Conversation

from .understanding_shared import MODEL_FILE, NOW

__all__ = ["MODEL_FILE", "NOW", "Reply", "Skill", "answer", "conversation", "delegate"]


@dataclass
class Reply:
    status_code: int
    json: Any


def answer(
    speech: str | None = None,
    *,
    end: bool | None = True,
    directives: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    response: dict[str, Any] = {}
    if speech is not None:
        response["outputSpeech"] = {"type": "PlainText", "text": speech}
    if directives:
        response["directives"] = directives
    if end is not None:
        response["shouldEndSession"] = end
    return {"version": "1.0", "response": response}


def delegate(updated: Mapping[str, Any] | None = None, speech: str | None = None) -> dict[str, Any]:
    directive: dict[str, Any] = {"type": "Dialog.Delegate"}
    if updated is not None:
        directive["updatedIntent"] = updated
    return answer(speech, end=False, directives=[directive])


class Skill:
    """A transport whose skill answers from a script: delegate unless told otherwise."""

    def __init__(self, *replies: dict[str, Any]) -> None:
        self.replies = list(replies)
        self.sent: list[tuple[dict[str, Any], bool]] = []

    def send(self, request: Mapping[str, Any], *, new_session: bool) -> Reply:
        self.sent.append((copy.deepcopy(dict(request)), new_session))
        if self.replies:
            return Reply(200, self.replies.pop(0))
        if request.get("dialogState") in ("STARTED", "IN_PROGRESS"):
            return Reply(200, delegate())
        return Reply(200, answer("Done."))

    @property
    def last(self) -> dict[str, Any]:
        return self.sent[-1][0]

    def slot(self, name: str) -> dict[str, Any]:
        slot: dict[str, Any] = self.last["intent"]["slots"][name]
        return slot


def conversation(
    skill: Skill, *, delegation: str | None = None, screen: bool = False
) -> Conversation:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    if delegation is not None:
        data["interactionModel"]["dialog"]["intents"][0]["delegationStrategy"] = delegation
    understander = Understander(InteractionModel.from_json(data))
    return Conversation(understander, skill, now=lambda: NOW, screen=screen)


def trip_confirming_city(
    city_type: str,
    more_cities: tuple[str, ...] = (),
    built_ins: tuple[str, ...] | Mapping[str, tuple[str, ...]] = (),
    samples: tuple[str, ...] = ("plan a trip to {city}",),
) -> tuple[Skill, Conversation]:
    """A trip planner asking for a city (``city_type``) and its confirmation, auto-delegated;
    ``more_cities`` are listed by the custom type besides paris, berlin and new york;
    ``built_ins`` are intents of the model besides AMAZON.FallbackIntent (with samples of the
    model's own, given as a mapping); ``samples``: PlanTrip's."""
    city = {"name": "city", "type": city_type, "samples": ["{city}", "to {city}"]}
    own = built_ins if isinstance(built_ins, Mapping) else dict.fromkeys(built_ins, ())
    language_model = {
        "invocationName": "trip planner",
        "intents": [
            {"name": "PlanTrip", "slots": [city], "samples": list(samples)},
            {"name": "AMAZON.FallbackIntent", "samples": []},
            *({"name": name, "samples": list(samples)} for name, samples in own.items()),
        ],
        "types": [
            {
                "name": "Cities",
                "values": [
                    *({"name": {"value": v}} for v in ("paris", "berlin", *more_cities)),
                    {"name": {"value": "new york", "synonyms": ["nyc", "the big apple"]}},
                ],
            }
        ],
    }
    prompts = {"elicitation": "Elicit.city", "confirmation": "Confirm.city"}
    dialog_slot = {"name": "city", "type": city_type, "elicitationRequired": True}
    dialog_slot |= {"confirmationRequired": True, "prompts": prompts}
    dialog = {
        "delegationStrategy": "ALWAYS",
        "intents": [{"name": "PlanTrip", "confirmationRequired": False, "slots": [dialog_slot]}],
    }
    said = {"Elicit.city": "Where to?", "Confirm.city": "{city}, right?"}
    variations = [
        {"id": key, "variations": [{"type": "PlainText", "value": value}]}
        for key, value in said.items()
    ]
    data = {"languageModel": language_model, "dialog": dialog, "prompts": variations}
    skill = Skill()
    model = InteractionModel.from_json({"interactionModel": data})
    return skill, Conversation(Understander(model), skill, now=lambda: NOW)
