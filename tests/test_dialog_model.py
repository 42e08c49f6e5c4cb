"""The dialog model declared beside handlers, and what ``alexaskill model`` makes of it. (The
date and time windows of a slot's validations: tests/test_dialog_model_windows.py.)"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from alexaskill import DialogSlot, Skill, Validate, speak
from alexaskill.exceptions import ConfigurationError
from alexaskill.interaction import InteractionModelError, build_interaction_model

from .catalogs import catalog
from .conftest import BREAK_ALEXA_REFUSES, BREAK_APP_SENDS, SKILL_ID
from .dialog_model_shared import built


def trip_skill(auto_delegate: bool | None = False) -> Skill:
    skill = Skill(SKILL_ID)
    skill.add_slot_type("Cabin", ["economy", "business"])

    @skill.intent(
        "PlanTrip",
        utterances=["plan a trip", "plan a trip to {city}"],
        slots={
            "city": DialogSlot(
                "AMAZON.City",
                elicit=["Where would you like to go?", "Which city?"],
                samples=["to {city}", "{city}"],
            ),
            "date": DialogSlot(
                "AMAZON.DATE",
                elicit="When do you leave?",
                confirm="Leaving {date}, right?",
                validations=[Validate.in_duration("P0D", "P1Y", "Please pick a day this year.")],
            ),
            "travellers": DialogSlot(
                "AMAZON.NUMBER",
                validations=[
                    Validate.at_least(1, "At least one traveller."),
                    Validate.less_than(10, "<speak>Fewer than ten, please.</speak>"),
                ],
            ),
            "cabin": DialogSlot(
                "Cabin", validations=[Validate.entity_match("Economy or business?")]
            ),
        },
        confirm="A trip to {city} on {date}. Shall I book it?",
        auto_delegate=auto_delegate,
    )
    def plan_trip(
        city: str | None = None,
        date: datetime.date | None = None,
        travellers: int | None = None,
        cabin: str | None = None,
    ) -> Any:
        return speak("Booked.")

    @skill.intent("Hello", utterances=["hello"])
    def hello() -> Any:
        return speak("Hi.")

    return skill


def test_the_dialog_model_and_its_prompts() -> None:
    model = built(trip_skill())
    [plan] = [i for i in model["languageModel"]["intents"] if i["name"] == "PlanTrip"]
    assert plan["slots"][0] == {
        "name": "city",
        "type": "AMAZON.City",
        "samples": ["to {city}", "{city}"],
    }
    dialog = model["dialog"]
    assert dialog["delegationStrategy"] == "ALWAYS"
    [intent] = dialog["intents"]
    assert intent["name"] == "PlanTrip"
    assert intent["delegationStrategy"] == "SKILL_RESPONSE"
    assert intent["confirmationRequired"] is True
    assert intent["prompts"] == {"confirmation": "Confirm.Intent.PlanTrip"}
    city, date, travellers, cabin = intent["slots"]
    assert city == {
        "name": "city",
        "type": "AMAZON.City",
        "confirmationRequired": False,
        "elicitationRequired": True,
        "prompts": {"elicitation": "Elicit.Slot.PlanTrip.city"},
    }
    assert date["confirmationRequired"] is True
    assert date["prompts"] == {
        "elicitation": "Elicit.Slot.PlanTrip.date",
        "confirmation": "Confirm.Slot.PlanTrip.date",
    }
    assert date["validations"] == [
        {
            "type": "isInDuration",
            "prompt": "Slot.Validation.PlanTrip.date.1",
            "start": "P0D",
            "end": "P1Y",
        }
    ]
    assert travellers["elicitationRequired"] is False
    assert travellers["validations"] == [
        {
            "type": "isGreaterThanOrEqualTo",
            "prompt": "Slot.Validation.PlanTrip.travellers.1",
            "value": "1",
        },
        {"type": "isLessThan", "prompt": "Slot.Validation.PlanTrip.travellers.2", "value": "10"},
    ]
    assert cabin["validations"] == [
        {"type": "hasEntityResolutionMatch", "prompt": "Slot.Validation.PlanTrip.cabin.1"}
    ]
    prompts = {prompt["id"]: prompt["variations"] for prompt in model["prompts"]}
    assert prompts["Elicit.Slot.PlanTrip.city"] == [
        {"type": "PlainText", "value": "Where would you like to go?"},
        {"type": "PlainText", "value": "Which city?"},
    ]
    assert prompts["Slot.Validation.PlanTrip.travellers.2"] == [
        {"type": "SSML", "value": "<speak>Fewer than ten, please.</speak>"}
    ]
    assert prompts["Confirm.Intent.PlanTrip"] == [
        {"type": "PlainText", "value": "A trip to {city} on {date}. Shall I book it?"}
    ]


def test_the_models_prompts_are_the_walk_the_declaration_checks() -> None:
    # dialog_json walked the declarations by hand, beside IntentDialog.prompts (the walk the
    # declaration check, dialog_problems and the translation warnings take), free to drift
    # from it: one walk now, each prompt with its id in the model, in the model's order.
    skill = trip_skill()
    dialog = skill.intent_declarations["PlanTrip"].dialog
    assert dialog is not None
    walked = [(p.prompt_id("PlanTrip"), p.slot, p.what, p.variations) for p in dialog.each_prompt()]
    assert walked == [
        (
            "Elicit.Slot.PlanTrip.city",
            "city",
            "elicitation",
            ("Where would you like to go?", "Which city?"),
        ),
        ("Elicit.Slot.PlanTrip.date", "date", "elicitation", ("When do you leave?",)),
        ("Confirm.Slot.PlanTrip.date", "date", "confirmation", ("Leaving {date}, right?",)),
        (
            "Slot.Validation.PlanTrip.date.1",
            "date",
            "validation 1 (isInDuration)",
            ("Please pick a day this year.",),
        ),
        (
            "Slot.Validation.PlanTrip.travellers.1",
            "travellers",
            "validation 1 (isGreaterThanOrEqualTo)",
            ("At least one traveller.",),
        ),
        (
            "Slot.Validation.PlanTrip.travellers.2",
            "travellers",
            "validation 2 (isLessThan)",
            ("<speak>Fewer than ten, please.</speak>",),
        ),
        (
            "Slot.Validation.PlanTrip.cabin.1",
            "cabin",
            "validation 1 (hasEntityResolutionMatch)",
            ("Economy or business?",),
        ),
        (
            "Confirm.Intent.PlanTrip",
            None,
            "confirmation",
            ("A trip to {city} on {date}. Shall I book it?",),
        ),
    ]
    model = [
        (prompt["id"], tuple(variation["value"] for variation in prompt["variations"]))
        for prompt in built(skill)["prompts"]
    ]
    assert model == [(prompt_id, variations) for prompt_id, _, _, variations in walked]
    # The flat walk, a variation at a time, is the same walk.
    assert list(dialog.prompts()) == [
        (slot, what, text) for _, slot, what, variations in walked for text in variations
    ]


@pytest.mark.parametrize(("auto", "strategy"), [(True, "ALWAYS"), (None, "ALWAYS")])
def test_auto_delegation_is_amazons_default(auto: bool | None, strategy: str) -> None:
    [intent] = built(trip_skill(auto_delegate=auto))["dialog"]["intents"]
    assert intent["delegationStrategy"] == strategy


def test_a_skill_without_dialogs_has_no_dialog_model() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Hello", utterances=["hello"])
    def hello() -> Any:
        return speak("Hi.")

    assert set(built(skill)) == {"languageModel"}


def problems(**declaration: Any) -> tuple[str, ...]:
    skill = Skill(SKILL_ID)

    @skill.intent("Order", utterances=["order {item}", "order {count} {item}"], **declaration)
    def order(item: str | None = None, count: int | None = None) -> Any:
        return speak("ok")

    with pytest.raises(InteractionModelError) as caught:
        built(skill)
    return caught.value.problems


def test_what_amazons_build_would_refuse() -> None:
    found = problems(
        slots={
            "item": DialogSlot("AMAZON.Food", elicit="What {dish}?", samples=["an item"]),
            "count": DialogSlot(
                "AMAZON.NUMBER",
                samples=["{count} of them"],
                validations=[Validate.in_duration("P0D", "P1D", "Soon.")],
            ),
        }
    )
    assert "intent Order, slot item: slot sample 'an item' must contain {item}" in found
    assert (
        "intent Order, slot count: samples are what users answer when asked; add elicit=" in found
    )
    assert (
        "intent Order, slot count: validation isInDuration needs AMAZON.DATE or AMAZON.TIME, "
        "not AMAZON.NUMBER" in found
    )
    assert "intent Order: slot item's prompts name unknown slot {dish}: 'What {dish}?'" in found


def test_entity_match_needs_a_custom_type() -> None:
    found = problems(
        slots={"item": DialogSlot("AMAZON.Food", validations=[Validate.entity_match("?")])}
    )
    assert "validation hasEntityResolutionMatch needs a custom slot type" in found[0]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: DialogSlot(""), "needs the slot's type"),
        (lambda: DialogSlot("AMAZON.City", elicit=""), "non-empty string"),
        (lambda: DialogSlot("AMAZON.City", samples="to {city}"), "samples must be a list"),
        (
            lambda: DialogSlot("AMAZON.City", validations=["isInSet"]),  # type: ignore[list-item]
            "build one with Validate",
        ),
        (lambda: Validate.in_set([], "No."), "isInSet needs at least one value"),
        (lambda: Validate.not_in_set([], "No."), "isNotInSet needs at least one value"),
        (
            lambda: Validate.in_duration("tomorrow", "P1Y", "No."),
            "isInDuration: start 'tomorrow' is not an ISO 8601 duration",
        ),
        (
            lambda: Validate.not_in_duration("P0D", "", "No."),
            "isNotInDuration: end '' is not an ISO 8601 duration",
        ),
    ],
)
def test_declaration_mistakes_fail_where_they_are_made(make: Any, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        make()


def test_registration_mistakes() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match="auto_delegate needs a dialog"):

        @skill.intent("A", utterances=["a"], auto_delegate=False)
        def a() -> None: ...

    with pytest.raises(ConfigurationError, match="give its type"):

        @skill.intent("B", utterances=["b {x}"], slots={"x": 5})  # type: ignore[dict-item]
        def b() -> None: ...


def test_entity_match_takes_an_extended_built_in_list_type() -> None:
    skill = Skill(SKILL_ID)
    skill.add_slot_type("AMAZON.City", ["gotham"])
    city = DialogSlot(
        "AMAZON.City", elicit="Where?", validations=[Validate.entity_match("Which city?")]
    )

    @skill.intent("GoTo", utterances=["go to {city}"], slots={"city": city})
    def go(city: str) -> Any:
        return speak("ok")

    slots = built(skill)["dialog"]["intents"][0]["slots"]
    assert slots[0]["validations"] == [
        {"type": "hasEntityResolutionMatch", "prompt": "Slot.Validation.GoTo.city.1"}
    ]


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ('<speak version="1.1">Which city?</speak>', '<speak version="1.1">Which city?</speak>'),
        ('<?xml version="1.0"?>\n<speak>Which city?</speak>', "<speak>Which city?</speak>"),
    ],
)
def test_a_prompt_is_ssml_whatever_its_roots_attributes_or_prolog(written: str, value: str) -> None:
    # Only "<speak>" exactly was SSML: these were PlainText, their tags read aloud. Sent from
    # the root, as speech is (alexaskill.responses.SsmlSpeech).
    skill = Skill(SKILL_ID)

    @skill.intent(
        "Go",
        utterances=["go to {city}"],
        slots={"city": DialogSlot("AMAZON.City", elicit=written, samples=["{city}"])},
    )
    def go(city: str) -> Any:
        return speak("Off we go.")

    prompts = {prompt["id"]: prompt["variations"] for prompt in built(skill)["prompts"]}
    assert prompts["Elicit.Slot.Go.city"] == [{"type": "SSML", "value": value}]


#: A prompt the check where the intent is declared takes, and its German translation, which
#: the builder alone reads: a <break time> in a form Amazon's SSML reference never writes.
PROMPT_WRITTEN = f"<speak>Which city?{BREAK_APP_SENDS}</speak>"
TRANSLATED = {
    "5S": f"<speak>Welche Stadt?{BREAK_ALEXA_REFUSES}</speak>",
    " 2s ": "<speak>Welche <break time=' 2s '/>Stadt?</speak>",
}


def _translating_skill(tmp_path: Path, translated: str, *utterances: str) -> Skill:
    """A skill whose one prompt, `PROMPT_WRITTEN`, its de catalog gives as ``translated``."""
    catalog(
        tmp_path, "de", f"msgid {json.dumps(PROMPT_WRITTEN)}\nmsgstr {json.dumps(translated)}\n"
    )
    skill = Skill(SKILL_ID, translations=tmp_path)
    said = {"de": ["plane eine reise nach {city}", *utterances]}

    @skill.intent(
        "PlanTrip",
        utterances=said,
        slots={"city": DialogSlot("AMAZON.City", elicit=PROMPT_WRITTEN)},
    )
    def plan(city: str) -> Any:
        return speak("ok")

    return skill


@pytest.mark.parametrize("time", sorted(TRANSLATED))
def test_a_prompt_in_ssml_alexa_refuses_is_a_problem(tmp_path: Path, time: str) -> None:
    # Written as an SSML variation all the same, the model failed Amazon's build (or the
    # prompt failed when spoken); the builder and --check say which prompt. The check where
    # the intent is declared refuses such SSML as the source text (the app's own check, one
    # with the builder's): a catalog's translation is what reaches the builder with it.
    skill = _translating_skill(tmp_path, TRANSLATED[time])
    with pytest.raises(InteractionModelError) as caught:
        build_interaction_model(skill, locale="de-DE", invocation="reise planer")
    [problem] = caught.value.problems
    assert problem.startswith("prompt Elicit.Slot.PlanTrip.city: SSML Alexa refuses, <break time=")
    assert repr(TRANSLATED[time]) in problem


def test_a_prompt_in_ssml_alexa_refuses_is_refused_where_its_intent_is_declared() -> None:
    # The app refuses such SSML as the builder does (it sent "5S" as written before).
    skill = Skill(SKILL_ID)
    elicit = f"<speak>Which {BREAK_ALEXA_REFUSES}city?</speak>"
    with pytest.raises(ConfigurationError, match=r"<break time='5S'>: write '5s'"):

        @skill.intent(
            "PlanTrip",
            utterances=["plan a trip to {city}"],
            slots={"city": DialogSlot("AMAZON.City", elicit=elicit)},
        )
        def plan(city: str) -> Any:
            return speak("ok")


def test_a_prompt_in_ssml_alexa_refuses_is_listed_with_the_other_problems(tmp_path: Path) -> None:
    # It was checked only once every other problem was fixed: the author saw it last.
    skill = _translating_skill(tmp_path, TRANSLATED["5S"], "plane 2 reisen nach {city}")
    with pytest.raises(InteractionModelError) as caught:
        build_interaction_model(skill, locale="de-DE", invocation="reise planer")
    found = caught.value.problems
    assert len(found) == 2, found
    assert found[0].endswith("spell numbers out in words"), found
    assert found[1].startswith("prompt Elicit.Slot.PlanTrip.city: SSML Alexa refuses"), found


def test_a_long_prompt_in_ssml_alexa_refuses_and_its_id_are_quoted_cut(tmp_path: Path) -> None:
    # A 5,000-character slot name (its prompt's id) and a translation of 6,000 characters were
    # each quoted whole in the problem.
    slot = "c" * 5000 + "END"
    translated = f"<speak>{'Welche Stadt? ' * 430}{BREAK_ALEXA_REFUSES}</speak>"
    catalog(
        tmp_path, "de", f"msgid {json.dumps(PROMPT_WRITTEN)}\nmsgstr {json.dumps(translated)}\n"
    )
    skill = Skill(SKILL_ID, translations=tmp_path)
    names: dict[str, Any] = {"speak": speak}
    exec(f"def plan({slot}: str): return speak('ok')", names)  # (a name no file would write)
    skill.add_intent_handler(
        "PlanTrip",
        names["plan"],
        utterances={"de": [f"plane eine reise nach {{{slot}}}"]},
        slots={slot: DialogSlot("AMAZON.City", elicit=PROMPT_WRITTEN)},
    )
    with pytest.raises(InteractionModelError) as caught:
        build_interaction_model(skill, locale="de-DE", invocation="reise planer")
    [problem] = caught.value.problems
    assert problem.startswith("prompt Elicit.Slot.PlanTrip.cccc"), problem[:200]
    assert "SSML Alexa refuses" in problem and "<speak>Welche Stadt?" in problem, problem[:200]
    assert len(problem) < 1000, problem[:200]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        # A string is a sequence of its letters: the model's set was "a", "i", "s", "l", "e".
        (lambda: Validate.in_set("aisle", "No."), "isInSet takes a list of values, not the str"),
        (
            lambda: Validate.not_in_set(["red", 3], "No."),  # type: ignore[list-item]
            "isNotInSet: each value is a non-empty",
        ),
        (lambda: Validate.in_set(["red", ""], "No."), "isInSet: each value is a non-empty"),
        # True was the limit 1; nan and inf went into the model as "nan" and "inf".
        (lambda: Validate.less_than(True, "No."), "limit is a finite number, not True"),
        (lambda: Validate.at_least(float("nan"), "No."), "limit is a finite number, not nan"),
        (lambda: Validate.greater_than(float("inf"), "No."), "limit is a finite number, not inf"),
        (
            lambda: Validate.at_most("ten", "No."),  # type: ignore[arg-type]
            "limit is a finite number, not 'ten'",
        ),
    ],
)
def test_validation_values_alexa_cannot_read_fail_where_they_are_made(
    make: Any, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        make()
    assert Validate.at_most(2.5, "No.").value == "2.5"
    assert Validate.at_most(1e20, "No.").value == "100000000000000000000"
    assert Validate.in_set(("red", "blue"), "No.").values == ("red", "blue")


def test_a_prompt_whose_ssml_elements_do_not_nest_is_refused_where_declared() -> None:
    # The reply asking it would be refused by the app (a stray end tag, an element left open):
    # said where the intent is declared, as the reply's check says it.
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=r"<speak> never ends \(no </speak>\)"):
        skill.intent(
            "PlanTrip",
            utterances=["plan a trip to {city}"],
            slots={"city": DialogSlot("AMAZON.City", elicit="<speak>Which city?<break/>")},
        )(lambda city: speak("ok"))
