"""``check_model``'s warnings: what Amazon's build takes but a user's words may not reach as
meant (a word of two values, a phrase of a built-in intent, a slot named twice in a sample or
letters written against one, a slot on a standard built-in intent, not on a library one), and a
slot type no slot uses."""

from __future__ import annotations

from typing import Any

import pytest

from alexaskill.shown_names import shown
from alexaskill.understanding import InteractionModel
from alexaskill.understanding.compiled import MAX_WORDS, CompiledModel

from .understanding_check_shared import _value, messages, model


def test_warnings() -> None:
    data = model(
        intents=[
            {"name": "Quit", "samples": ["never mind"]},
            {"name": "Order", "samples": ["order a pizza"]},
        ],
        types=[{"name": "Unused", "values": [_value("a"), _value("b", synonyms=["A"])]}],
    )
    warnings = messages(data, "warning")
    assert "slot type Unused is used by no slot" in warnings
    # A synonym of one value that is another value (two values alike are an error).
    assert "slot type Unused: 'A' is listed for both 'a' and 'b'" in warnings
    assert (
        "intent Quit: sample 'never mind' is also a common phrasing of AMAZON.CancelIntent; "
        "users saying it may reach either" in warnings
    )


@pytest.mark.parametrize(
    ("values", "warned"),
    [
        # A value named after an earlier value's synonym: either value could take "big".
        (
            [_value("large", synonyms=["big"]), _value("big")],
            ["'big' is listed for both 'large' and 'big'"],
        ),
        # A synonym naming an earlier value.
        (
            [_value("big"), _value("large", synonyms=["Big"])],
            ["'Big' is listed for both 'big' and 'large'"],
        ),
        # A synonym naming a later value.
        (
            [_value("large", synonyms=["big"]), _value("small"), _value("Big")],
            ["'Big' is listed for both 'large' and 'Big'"],
        ),
        # Two values alike are value_problems' error ("listed twice"), not a warning as well.
        ([_value("Big"), _value("big")], []),
        ([_value("big", synonyms=["large"]), _value(" BIG ")], []),
    ],
)
def test_a_word_of_two_values_is_a_warning(values: list[Any], warned: list[str]) -> None:
    data = model(
        intents=[
            {
                "name": "Order",
                "slots": [{"name": "size", "type": "SIZE"}],
                "samples": ["a {size} pizza"],
            }
        ],
        types=[{"name": "SIZE", "values": values}],
    )
    warnings = [w.removeprefix("slot type SIZE: ") for w in messages(data, "warning")]
    assert [w for w in warnings if "listed for both" in w] == warned


@pytest.mark.parametrize(("slot", "slot_type"), [("city", "AMAZON.City"), ("day", "AMAZON.DATE")])
def test_a_sample_naming_one_slot_twice_is_a_warning(slot: str, slot_type: str) -> None:
    # "from {city} to {city}": the user says two cities, the one slot carries one of them. The
    # slots to give are named after the slot, as the registration's warning names them: the
    # check said ({from_city}, {to_city}) of any slot, {day} too.
    data = model(
        intents=[
            {
                "name": "TripIntent",
                "samples": [f"from {{{slot}}} to {{{slot}}}", f"to {{{slot}}}"],
                "slots": [{"name": slot, "type": slot_type}],
            }
        ],
    )
    assert messages(data) == []
    assert [message for message in messages(data, "warning") if "twice" in message] == [
        f"intent TripIntent: sample 'from {{{slot}}} to {{{slot}}}' names slot {{{slot}}} twice; "
        "a slot holds one value, so one of the two is lost: give each its own slot "
        f"({{from_{slot}}}, {{to_{slot}}})"
    ]


def test_a_standard_built_in_intent_with_slots_is_a_warning() -> None:
    # Amazon's docs do not say its build refuses the slot: a warning, not an error.
    data = model()
    help_intent = data["interactionModel"]["languageModel"]["intents"][1]
    help_intent["slots"] = [{"name": "topic", "type": "AMAZON.SearchQuery"}]
    help_intent["samples"] = ["help with {topic}"]
    assert messages(data) == []
    [warning] = [w for w in messages(data, "warning") if "AMAZON.HelpIntent" in w]
    assert warning.startswith("intent AMAZON.HelpIntent: slot topic: Amazon documents"), warning


def test_a_library_intent_with_slots_is_no_built_in_slot_warning() -> None:
    data = model()
    data["interactionModel"]["languageModel"]["intents"].append(
        {
            "name": "AMAZON.SearchAction<object@WeatherForecast>",
            "slots": [{"name": "location", "type": "AMAZON.City"}],
            "samples": [],
        }
    )
    assert messages(data) == []
    assert not [w for w in messages(data, "warning") if "slot location" in w]


def _feeding(*samples: str) -> dict[str, Any]:
    return model(
        intents=[
            {
                "name": "Feed",
                "slots": [
                    {"name": "count", "type": "AMAZON.NUMBER"},
                    {"name": "animal", "type": "Animal"},
                    {"name": "name", "type": "AMAZON.FirstName"},
                ],
                "samples": list(samples),
            }
        ],
        types=[{"name": "Animal", "values": [_value("dog")]}],
    )


def test_letters_written_against_a_slot_are_named() -> None:
    # "{count} {animal}s" was said only as "said as 'five dogs', is understood as
    # AMAZON.FallbackIntent", which did not point at the "s"; and chat fell back in silence.
    data = _feeding("{count} {animal}s", "feed un{animal} {count}")
    assert [w for w in messages(data, "warning") if "against" in w] == [
        "intent Feed: sample '{count} {animal}s' writes 's' against slot {animal}: a slot's "
        "value is whole words, so 's' is read as a word of its own after it; write the slot "
        "apart, and list the forms users say (plurals too) among the values or synonyms of its "
        "type (a possessive, {animal}'s, is not concerned)",
        "intent Feed: sample 'feed un{animal} {count}' writes 'un' against slot {animal}: a "
        "slot's value is whole words, so 'un' is read as a word of its own before it; write the "
        "slot apart, and list the forms users say (plurals too) among the values or synonyms of "
        "its type (a possessive, {animal}'s, is not concerned)",
    ]
    [error] = messages(data)
    assert error.startswith("intent Feed: sample '{count} {animal}s', said as 'five dogs', is ")
    assert error.endswith(" (its 's' written against slot {animal} is a word of its own)")


def test_a_possessive_or_a_slot_apart_is_no_letters_against_it() -> None:
    data = _feeding("feed {name}'s {animal}", "feed {count} {animal} now")
    assert [w for w in messages(data, "warning") if "against" in w] == []


def test_a_sample_s_words_are_counted_as_compiling_cuts_them() -> None:
    # The check counted words apart by whitespace, compiling as an utterance's are cut: "what's"
    # is two words ("what is"), "word!" one. A sample the check took was never compiled (a
    # contraction 60 times: 120 words), and one it warned of was (60 words, each with a "!").
    contracted = " ".join(["what's"] * 60)
    marked = " ".join(["word !"] * 60)
    data = model(intents=[{"name": "Ask", "samples": [contracted, marked]}])
    warned = [said for said in messages(data, "warning") if "words understood" in said]
    assert warned == [
        f"intent Ask: sample {shown(contracted, quoted=True)} is 120 words, more than the "
        f"{MAX_WORDS} words understood in one utterance: chat, the simulator and client.say() "
        "never match it",
    ], warned
    compiled = CompiledModel(InteractionModel.from_json(data))
    (intent,) = [each for each in compiled.model.intents if each.name == "Ask"]
    assert [sample.text for sample in compiled.compile(intent, [contracted, marked])] == [marked]


def test_a_sample_longer_than_any_utterance_understood_is_a_warning() -> None:
    # A sample past MAX_WORDS words is never compiled (its loose reading recursed), so chat and
    # the simulator never match it; the check said nothing of it.
    long = " ".join(["where is my order"] * 30)
    slot_sample = " ".join(["to {city}"] * 60)
    data = model(
        intents=[
            {
                "name": "TrackOrder",
                "slots": [{"name": "city", "type": "AMAZON.City", "samples": [slot_sample]}],
                "samples": ["where is my order", long, " ".join(["word"] * MAX_WORDS)],
            }
        ]
    )
    warned = [said for said in messages(data, "warning") if "words understood" in said]
    assert sorted(warned) == [
        f"intent TrackOrder, slot city: sample {shown(slot_sample, quoted=True)} is 120 words, "
        f"more than the {MAX_WORDS} words understood in one utterance: chat, the simulator and "
        "client.say() never match it",
        f"intent TrackOrder: sample {shown(long, quoted=True)} is 120 words, more than the "
        f"{MAX_WORDS} words understood in one utterance: chat, the simulator and client.say() "
        "never match it",
    ], warned
