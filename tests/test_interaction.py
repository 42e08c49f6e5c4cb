"""The interaction model built from a skill's handlers and declarations."""

from __future__ import annotations

import datetime

from alexaskill import (
    AlexaDate,
    AlexaDuration,
    AlexaTime,
    Context,
    IntentRequest,
    Session,
    Skill,
    speak,
)
from alexaskill.interaction import REQUIRED_INTENTS, SlotTypeValue

from .conftest import SKILL_ID
from .interaction_shared import Color, intents, language


def test_a_skill_with_no_intents_has_the_required_built_ins() -> None:
    built = language(Skill(SKILL_ID), invocation="space facts")
    assert built["invocationName"] == "space facts"
    assert built["intents"] == [{"name": name, "samples": []} for name in REQUIRED_INTENTS]
    assert built["types"] == []


def test_declared_utterances_and_slot_types() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "GetWeather",
        utterances=["what's the weather in {city}", "weather for {city} on {date}"],
        slots={"city": "AMAZON.City"},
    )
    def weather(city: str, date: datetime.date | None = None) -> None:
        return None

    assert intents(skill)["GetWeather"] == {
        "name": "GetWeather",
        "slots": [{"name": "city", "type": "AMAZON.City"}, {"name": "date", "type": "AMAZON.DATE"}],
        "samples": ["what's the weather in {city}", "weather for {city} on {date}"],
    }


def test_slot_types_from_unambiguous_annotations() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "Everything",
        utterances=["all {day} {span} {at} {part} {length} {period} {count} {ratio} {numbers}"],
    )
    def everything(
        day: datetime.date,
        span: AlexaDate,
        at: datetime.time,
        part: AlexaTime | None,
        length: datetime.timedelta,
        period: AlexaDuration,
        count: int,
        ratio: float = 1.0,
        numbers: list[int] | None = None,
    ) -> None:
        return None

    slots = {slot["name"]: slot for slot in intents(skill)["Everything"]["slots"]}
    assert {name: slot["type"] for name, slot in slots.items()} == {
        "day": "AMAZON.DATE",
        "span": "AMAZON.DATE",
        "at": "AMAZON.TIME",
        "part": "AMAZON.TIME",
        "length": "AMAZON.DURATION",
        "period": "AMAZON.DURATION",
        "count": "AMAZON.NUMBER",
        "ratio": "AMAZON.NUMBER",
        "numbers": "AMAZON.NUMBER",
    }
    assert slots["numbers"]["multipleValues"] == {"enabled": True}
    assert "multipleValues" not in slots["count"]


def test_injected_parameters_are_not_slots() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Plain", utterances=["plain"])
    def plain(session: Session, request: IntentRequest, context: Context | None) -> None:
        return None

    assert "slots" not in intents(skill)["Plain"]


def test_an_enum_makes_a_custom_type() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Paint", utterances=["paint it {color}", "paint it {colors}"])
    def paint(color: Color, colors: list[Color] | None = None) -> None:
        return None

    built = language(skill)
    assert built["types"] == [
        {
            "name": "Color",
            "values": [
                {"id": "RED", "name": {"value": "red"}},
                {"id": "DARK_BLUE", "name": {"value": "dark blue"}},
            ],
        }
    ]
    slots = built["intents"][0]["slots"]
    assert slots == [
        {"name": "color", "type": "Color"},
        {"name": "colors", "type": "Color", "multipleValues": {"enabled": True}},
    ]


def test_a_declared_slot_type_wins_over_an_enum_of_that_name() -> None:
    skill = Skill(SKILL_ID)
    skill.add_slot_type(
        "Color",
        [
            SlotTypeValue("red", "RED", ("scarlet", "crimson")),
            {"name": "dark blue", "id": "DARK_BLUE", "synonyms": ["navy"]},
            "green",
        ],
    )
    skill.add_slot_type("Unused", ["thing"])

    @skill.intent("Paint", utterances=["paint it {color}"])
    def paint(color: Color) -> None:
        return None

    assert language(skill)["types"] == [
        {
            "name": "Color",
            "values": [
                {"id": "RED", "name": {"value": "red", "synonyms": ["scarlet", "crimson"]}},
                {"id": "DARK_BLUE", "name": {"value": "dark blue", "synonyms": ["navy"]}},
                {"name": {"value": "green"}},
            ],
        },
        {"name": "Unused", "values": [{"name": {"value": "thing"}}]},
    ]


def test_built_in_intents_from_handlers_are_merged_not_repeated() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("AMAZON.StopIntent", lambda: speak("bye"))
    skill.add_intent_handler(
        "AMAZON.HelpIntent", lambda: speak("help"), utterances=["what can I say"]
    )
    skill.add_intent_handler("AMAZON.YesIntent", lambda: speak("yes"))
    names = [intent["name"] for intent in language(skill)["intents"]]
    assert names == [
        "AMAZON.StopIntent",
        "AMAZON.HelpIntent",
        "AMAZON.YesIntent",
        "AMAZON.CancelIntent",
        "AMAZON.NavigateHomeIntent",
        "AMAZON.FallbackIntent",
    ]
    assert intents(skill)["AMAZON.HelpIntent"]["samples"] == ["what can I say"]


def test_can_fulfill_handlers_name_intents_too() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Order", utterances=["order {count} pizzas"])
    def order(count: int) -> None:
        return None

    @skill.can_fulfill("Order")
    def can_order(count: int | None = None) -> None:
        return None

    assert intents(skill)["Order"]["slots"] == [{"name": "count", "type": "AMAZON.NUMBER"}]
