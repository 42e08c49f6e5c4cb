"""``check_model`` on Amazon's limits (intents, slot values) and on the shapes its schema takes
(lists of strings, true or false, slots apart in a sample): each an error, where the model was
read as something else or said to have no problems."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from alexaskill.understanding import InteractionModel, check_model
from alexaskill.understanding.limits import limit_problems

from .understanding_check_shared import _value, messages, model


def test_samples_synonyms_or_values_that_are_no_list_of_strings_are_errors() -> None:
    # They were dropped silently: a string of samples read as no samples ("needs sample
    # utterances"), synonyms as none, a number as its digits; Amazon's schema has lists of
    # strings there, and its build refuses anything else.
    data = model(
        intents=[
            {
                "name": "OrderIntent",
                "samples": "order a pizza",
                "slots": [{"name": "size", "type": "Size", "samples": ["{size}", 7]}],
            }
        ],
        types=[{"name": "Size", "values": [{"name": {"value": "large", "synonyms": "big"}}]}],
    )
    assert messages(data) == [
        "intent OrderIntent: slot size: samples: an item is not a string",
        "intent OrderIntent: samples is not a list",
        "slot type Size: synonyms is not a list",
    ]


def _letters(number: int) -> str:
    """A name of ASCII letters for ``number``: intent and type names take no digits."""
    name = ""
    while True:
        number, digit = divmod(number, 26)
        name += "abcdefghijklmnopqrstuvwxyz"[digit]
        if not number:
            return name


def test_more_intents_than_amazon_takes_is_an_error() -> None:
    # 251 intents (five built-in ones among them) were "no problems found"; Amazon's build
    # takes at most 250.
    custom = [{"name": f"Ask_{_letters(n)}", "samples": [f"ask {_letters(n)}"]} for n in range(246)]
    errors = messages(model(intents=custom))
    assert [e for e in errors if "intents" in e] == [
        "the model has 251 intents; Amazon's build takes at most 250, built-in intents "
        "included: remove 1 (or merge intents that differ only in a word into one intent with "
        "a slot)"
    ]
    assert limit_problems(InteractionModel.from_json(model(intents=custom[:-1]))) == []


def test_more_slot_values_than_amazon_takes_is_an_error() -> None:
    # 50,001 values over two custom types were "no problems found"; synonyms do not count.
    data = model(
        intents=[
            {
                "name": "Order",
                "slots": [{"name": "dish", "type": "Dish"}, {"name": "drink", "type": "Drink"}],
                "samples": ["order {dish}", "drink {drink}"],
            }
        ],
        types=[
            {"name": "Dish", "values": [_value(f"dish {n}") for n in range(30_000)]},
            {"name": "Drink", "values": [_value(f"drink {n}") for n in range(20_001)]},
        ],
    )
    dishes = data["interactionModel"]["languageModel"]["types"][0]["values"]
    dishes[0] = _value("dish 0", synonyms=[f"plate {n}" for n in range(100)])
    read = InteractionModel.from_json(data)
    assert [f.message for f in check_model(read) if "values in all" in f.message] == [
        "the model's slot types have 50,001 values in all; Amazon's build takes at most 50,000 "
        "across every custom slot type (the largest: Dish 30,000, Drink 20,001); remove 1"
    ]
    drink = read.types["Drink"]
    fewer = {**read.types, "Drink": dataclasses.replace(drink, values=drink.values[:-1])}
    assert limit_problems(dataclasses.replace(read, types=fewer)) == []  # 50,000 is taken


def test_two_slots_written_together_in_a_sample_are_an_error() -> None:
    # "{a}{b}" passed the check, though Amazon's build takes slots apart; "{a} {b}" passes.
    slots = [{"name": "count", "type": "AMAZON.NUMBER"}, {"name": "city", "type": "AMAZON.City"}]

    def errors(sample: str) -> list[str]:
        return messages(model(intents=[{"name": "Add", "slots": slots, "samples": [sample]}]))

    assert errors("add {count}{city}") == [
        "intent Add: sample 'add {count}{city}': slots {count} and {city} are written together; "
        "Amazon's build takes slots apart: a space between them ({count} {city}), or better a "
        "word (an utterance cannot say where one value ends)"
    ]
    assert errors("add {count} {city}") == []
    assert errors("add {count} in {city}") == []


@pytest.mark.parametrize("enabled", ["false", "true", 1])
def test_a_true_or_false_field_that_is_no_boolean_is_an_error(enabled: Any) -> None:
    # {"enabled": "false"} made the slot a multiple-value one, and "elicitationRequired":
    # "false" a required slot (any value but false, 0 or null did), with no word from the
    # check; Amazon's schema takes true or false.
    slot = {"name": "x", "type": "AMAZON.NUMBER", "multipleValues": {"enabled": enabled}}
    data = model(intents=[{"name": "Add", "slots": [slot], "samples": ["add {x}"]}])
    data["interactionModel"]["dialog"] = {
        "intents": [
            {
                "name": "Add",
                "confirmationRequired": enabled,
                "slots": [{"name": "x", "type": "AMAZON.NUMBER", "elicitationRequired": enabled}],
            }
        ]
    }
    assert messages(data) == [
        f"intent Add: slot x: multipleValues: enabled is {enabled!r}, not true or false",
        f"dialog intent Add: slot x: elicitationRequired is {enabled!r}, not true or false",
        f"dialog intent Add: confirmationRequired is {enabled!r}, not true or false",
    ]
    slot["multipleValues"] = {"enabled": None}  # null: absent
    data["interactionModel"]["dialog"]["intents"][0].update(confirmationRequired=False)
    data["interactionModel"]["dialog"]["intents"][0]["slots"][0]["elicitationRequired"] = False
    assert messages(data) == []
