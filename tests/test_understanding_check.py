"""``check_model``: what the build refuses, and conflicts.

Its warnings are in tests/test_understanding_check_warnings.py, Amazon's limits and the shapes
its schema takes in tests/test_understanding_check_limits.py, and ``alexaskill model --check``
in tests/test_understanding_check_command.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from alexaskill.understanding import check_model
from alexaskill.understanding.check_conflicts import said_with_examples
from alexaskill.understanding.model import (
    InteractionModel,
    ModelIntent,
    ModelSlot,
    ModelType,
    TypeValue,
)

from .conftest import SKILL_ID
from .understanding_check_shared import MODEL_FILE, _value, messages, model


def test_a_clean_hand_written_model() -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert messages(data) == []


def test_slot_types_misspelt_or_unknown() -> None:
    data = model(
        intents=[
            {
                "name": "Scale",
                "samples": ["scale to {servings}", "cook {dish}", "find {show}"],
                "slots": [
                    {"name": "servings", "type": "AMAZON.Number"},
                    {"name": "dish", "type": "Dsh"},
                    {"name": "show", "type": "AMAZON.Hologram"},
                ],
            }
        ],
        types=[{"name": "Dish", "values": [{"name": {"value": "pancakes"}}]}],
    )
    errors = messages(data)
    assert any("'AMAZON.Number'" in e and "did you mean AMAZON.NUMBER?" in e for e in errors)
    assert any("slot type Dsh is not defined" in e and "did you mean Dish?" in e for e in errors)
    assert not any("Hologram" in e for e in errors)
    (unknown,) = [w for w in messages(data, "warning") if "Hologram" in w]
    assert "not one of Amazon's built-in slot types" in unknown


def test_the_same_sample_in_two_intents() -> None:
    data = model(
        intents=[
            {"name": "Order", "samples": ["get me a pizza"]},
            {"name": "Deliver", "samples": ["Get me a pizza", "bring it"]},
        ]
    )
    assert "sample 'Get me a pizza' is in intent Order and in intent Deliver" in messages(data)


def test_a_sample_understood_as_another_intent() -> None:
    # "order a {size} pizza" said with a listed size is "order a large pizza", a sample of
    # another intent.
    data = model(
        intents=[
            {
                "name": "Order",
                "slots": [{"name": "size", "type": "Size"}],
                "samples": ["order a {size} pizza"],
            },
            {"name": "OrderLarge", "samples": ["order a large pizza"]},
        ],
        types=[{"name": "Size", "values": [{"name": {"value": "large"}}]}],
    )
    assert messages(data) == [
        "intent Order: sample 'order a {size} pizza', said as 'order a large pizza', is "
        'understood as OrderLarge (sample "order a large pizza")'
    ]


def test_values_shared_by_two_types_of_one_intent() -> None:
    data = model(
        intents=[
            {
                "name": "Pair",
                "slots": [{"name": "wine", "type": "Wine"}, {"name": "dish", "type": "Dish"}],
                "samples": ["{wine} with {dish}"],
            }
        ],
        types=[
            {"name": "Wine", "values": [{"name": {"value": "port", "synonyms": ["rose"]}}]},
            {"name": "Dish", "values": [{"name": {"value": "rosé", "synonyms": ["Rose"]}}]},
        ],
    )
    assert "intent Pair: slots wine (Wine) and dish (Dish) share values: 'rose'" in messages(data)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ({"invocationName": "Alexa Pizza"}, "must be lower case"),
        ({"invocationName": None}, "the model has no invocation name"),
        ({"intents": [{"name": "Order", "samples": ["order 2 pizzas"]}]}, "spell numbers out"),
        ({"intents": [{"name": "Order", "samples": ["order pizza!"]}]}, "character '!'"),
        ({"intents": [{"name": "Order", "samples": ["order {size}"]}]}, "names slot {size}"),
        ({"intents": [{"name": "Order", "samples": []}]}, "needs sample utterances"),
        (
            {
                "intents": [
                    {
                        "name": "Order",
                        "slots": [{"name": "s", "type": "Size"}],
                        "samples": ["order {s}"],
                    }
                ]
            },
            "slot type Size is not defined",
        ),
        (
            {
                "intents": [
                    {
                        "name": "Ask",
                        "slots": [{"name": "q", "type": "AMAZON.SearchQuery"}],
                        "samples": ["{q}"],
                    }
                ]
            },
            "needs a carrier phrase",
        ),
        ({"types": [{"name": "Size", "values": []}]}, "slot type Size has no values"),
        # What the builder refuses in the models it writes (value_problems, type names, slot
        # samples), a hand-written model file escaped.
        (
            {"types": [{"name": "Size", "values": [_value("big"), _value("Big ")]}]},
            "slot type Size: value 'Big ' is listed twice",
        ),
        (
            {"types": [{"name": "Size", "values": [_value(" ")]}]},
            "slot type Size: a value is empty",
        ),
        (
            {"types": [{"name": "Size", "values": [_value("big", synonyms=["large", ""])]}]},
            "slot type Size: value 'big' has an empty synonym",
        ),
        (
            {"types": [{"name": "Size", "values": [_value("big", "L"), _value("huge", "L")]}]},
            "slot type Size: values 'big' and 'huge' have the same id 'L'",
        ),
        (
            {"types": [{"name": "Pizza-Size", "values": [_value("big")]}]},
            "slot type 'Pizza-Size': a custom slot type name is ASCII letters and underscores",
        ),
        (
            {"types": [{"name": "AMAZON.NUMBER", "values": [_value("a dozen")]}]},
            "slot type 'AMAZON.NUMBER': a custom slot type name is ASCII letters and underscores",
        ),
        (
            {
                "intents": [
                    {
                        "name": "Order",
                        "slots": [
                            {
                                "name": "s",
                                "type": "AMAZON.City",
                                "samples": ["{s}", "to {s}", "{s}"],
                            }
                        ],
                        "samples": ["order {s}"],
                    }
                ]
            },
            "intent Order, slot s: sample '{s}' is listed twice",
        ),
        (
            {
                "types": [
                    {"name": "Size", "values": [_value("big")]},
                    {"name": "Size", "values": [_value("small")]},
                ]
            },
            "slot type Size is defined twice",
        ),
        (
            {"types": [{"name": "Size", "values": [_value("x" * 141)]}]},
            "(141 characters) is too long; Amazon takes at most 140 characters",
        ),
        # A built-in intent Amazon does not have (registration refuses its handler).
        (
            {"intents": [{"name": "AMAZON.StopIntnet", "samples": []}]},
            "intent AMAZON.StopIntnet: 'AMAZON.StopIntnet' is not one of Amazon's built-in "
            "intents, so Alexa never sends it; did you mean AMAZON.StopIntent?",
        ),
    ],
)
def test_what_amazons_build_refuses(language: dict[str, Any], expected: str) -> None:
    data = model(**language)
    if language.get("invocationName", "") is None:
        del data["interactionModel"]["languageModel"]["invocationName"]
    assert any(expected in message for message in messages(data)), messages(data)


def test_missing_built_in_intents() -> None:
    data = {
        "languageModel": {
            "invocationName": "pizza palace",
            "intents": [{"name": "Order", "samples": ["order a pizza"]}],
        }
    }
    errors = messages(data)
    assert "the model lacks AMAZON.StopIntent, which every custom skill must have" in errors
    assert "the model lacks AMAZON.FallbackIntent" in messages(data, "warning")


def test_dialog_model_problems() -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    dialog = data["interactionModel"]["dialog"]["intents"][0]
    dialog["slots"][0]["prompts"] = {}
    dialog["slots"].append({"name": "crust", "type": "AMAZON.Food", "elicitationRequired": False})
    dialog["slots"][2]["validations"].append({"type": "isInDuration", "prompt": "Nope"})
    data["interactionModel"]["dialog"]["intents"].append({"name": "Unknown", "slots": []})
    errors = messages(data)
    assert "intent OrderPizza, slot size: required but has no elicitation prompt" in errors
    assert "intent OrderPizza, slot crust: in the dialog model but not in the intent" in errors
    assert (
        "intent OrderPizza, slot count: validation isInDuration needs AMAZON.DATE or "
        "AMAZON.TIME, not AMAZON.NUMBER" in errors
    )
    assert (
        "intent OrderPizza, slot count's validation isInDuration names prompt Nope, which the "
        "model lacks" in errors
    )
    assert "the dialog model names intent Unknown, which the model lacks" in errors


def test_a_required_slot_without_samples_is_told_what_to_add() -> None:
    # The warning said what is missing, not where a skill's code or a model file gives it.
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert (
        "intent OrderPizza, slot count: required but has no slot samples; users answering the "
        "prompt are understood only through the intent's samples and the bare value: give it "
        'samples of the answers, DialogSlot(..., samples=["{count}", ...]) in the code, the '
        'slot\'s "samples" in a model file' in messages(data, "warning")
    )


def test_time_windows_and_their_bounds() -> None:
    # Amazon's isInDuration takes AMAZON.TIME too, with bounds in hours or minutes or hh:mm.
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    [dialog] = data["interactionModel"]["dialog"]["intents"]
    time = dialog["slots"][3]
    assert time["type"] == "AMAZON.TIME"
    prompt = dialog["slots"][2]["validations"][0]["prompt"]
    time["validations"] = [
        {"type": "isInDuration", "prompt": prompt, "start": "PT0H", "end": "PT2H"},
        {"type": "isNotInDuration", "prompt": prompt, "start": "12:00", "end": "13:00"},
    ]
    assert messages(data) == []
    time["validations"].append(
        {"type": "isInDuration", "prompt": prompt, "start": "P1D", "end": "soon"}
    )
    assert messages(data) == [
        "intent OrderPizza, slot time: validation isInDuration: start 'P1D' is no bound for "
        "AMAZON.TIME, which takes hours or minutes, or an hh:mm time",
        "intent OrderPizza, slot time: validation isInDuration: end 'soon' is not an ISO 8601 "
        "duration ('P1D', 'PT2H'), a day (YYYY-MM-DD) or a clock time (hh:mm)",
    ]


def test_window_bounds_in_weeks_or_seconds() -> None:
    # Amazon's SMAPI IsInDuration: "Y, M or D" components for a date, "H or M" for a time.
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    [dialog] = data["interactionModel"]["dialog"]["intents"]
    time = dialog["slots"][3]
    prompt = dialog["slots"][2]["validations"][0]["prompt"]
    time["validations"] = [
        {"type": "isInDuration", "prompt": prompt, "start": "PT0H", "end": "PT90S"},
    ]
    assert messages(data) == [
        "intent OrderPizza, slot time: validation isInDuration: end 'PT90S' counts seconds, "
        "which Amazon's rule does not take (a date window takes years, months or days; a time "
        "window hours or minutes)"
    ]


def test_a_window_with_neither_bound() -> None:
    # Validate.in_duration(None, None, ...) raises; the same rule in a model file is reported.
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    [dialog] = data["interactionModel"]["dialog"]["intents"]
    time = dialog["slots"][3]
    prompt = dialog["slots"][2]["validations"][0]["prompt"]
    time["validations"] = [
        {"type": "isNotInDuration", "prompt": prompt},
        {"type": "isInDuration", "prompt": prompt, "start": None, "end": None},
    ]
    assert messages(data) == [
        "intent OrderPizza, slot time: validation isNotInDuration needs a start, an end, or both",
        "intent OrderPizza, slot time: validation isInDuration needs a start, an end, or both",
    ]


def test_entity_match_on_a_built_in_type() -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    [dialog] = data["interactionModel"]["dialog"]["intents"]
    time = dialog["slots"][3]
    prompt = dialog["slots"][2]["validations"][0]["prompt"]
    time["validations"] = [{"type": "hasEntityResolutionMatch", "prompt": prompt}]
    assert messages(data) == [
        "intent OrderPizza, slot time: validation hasEntityResolutionMatch needs a custom slot "
        "type, not AMAZON.TIME"
    ]


def test_a_model_the_builder_writes_passes_the_check() -> None:
    from alexaskill import DialogSlot, Skill
    from alexaskill.understanding import model_from_skill

    skill = Skill(SKILL_ID)
    city = DialogSlot("AMAZON.City", elicit="Where?", samples=["to {city}", "नमस्ते {city}"])

    @skill.intent("Go", utterances=["go to {city}", "नमस्ते दुनिया {city}"], slots={"city": city})
    def go(city: str) -> None: ...

    found = check_model(model_from_skill(skill, invocation="city helper"))
    assert [finding for finding in found if finding.level == "error"] == []


def test_a_prompt_variation_in_ssml_alexa_refuses_is_an_error() -> None:
    data = model(
        intents=[
            {
                "name": "OrderIntent",
                "samples": ["order a {size} pizza"],
                "slots": [{"name": "size", "type": "AMAZON.NUMBER"}],
            }
        ],
    )
    data["interactionModel"]["dialog"] = {
        "intents": [
            {
                "name": "OrderIntent",
                "slots": [
                    {
                        "name": "size",
                        "type": "AMAZON.NUMBER",
                        "elicitationRequired": True,
                        "prompts": {"elicitation": "Elicit.Size"},
                    }
                ],
            }
        ]
    }
    data["interactionModel"]["prompts"] = [
        {
            "id": "Elicit.Size",
            "variations": [
                {"type": "PlainText", "value": "Salt & pepper size?"},
                {"type": "SSML", "value": "<speak>Salt & pepper size?</speak>"},
            ],
        }
    ]
    [error] = messages(data)
    assert error.startswith("prompt Elicit.Size: SSML Alexa refuses, a bare '&' at index 12")


def test_samples_are_said_with_real_values_or_not_at_all() -> None:
    # A slot of a type with no example value was said with "kiwi", whatever its type: a word
    # fit for the check's own reading (built-in list types read any words), but a made-up
    # value to anything offering the sample to users (the simulator's things to try).
    intent = ModelIntent(
        "Order",
        slots=(
            ModelSlot("drink", "Drink"),
            ModelSlot("city", "AMAZON.City"),
            ModelSlot("actor", "AMAZON.Actor"),
        ),
    )
    drinks = ModelType("Drink", (TypeValue("chai"),))
    built = InteractionModel(None, (intent,), {"Drink": drinks})
    assert said_with_examples(built, intent, "a {drink} in {city}") == "a chai in paris"
    assert said_with_examples(built, intent, "a film with {actor}") is None
    assert said_with_examples(built, intent, "a {drink} for {nobody}") is None
