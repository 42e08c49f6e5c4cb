"""The interaction model's slot types: a slot without one, a custom type never declared or
misspelt, built-in types extended or not, and the values a custom type may hold."""

from __future__ import annotations

import enum
from typing import Any

import pytest

from alexaskill import ConfigurationError, Skill, Slot
from alexaskill.interaction import SlotTypeValue, model_warnings

from .conftest import SKILL_ID
from .interaction_shared import intents, language, problems


@pytest.mark.parametrize("annotation", [str, Slot, Any, None])
def test_a_slot_parameter_without_a_slot_type(annotation: Any) -> None:
    skill = Skill(SKILL_ID)

    def find(city):  # type: ignore[no-untyped-def]
        return None

    if annotation is not None:
        find.__annotations__["city"] = annotation
    skill.add_intent_handler("Find", find, utterances=["find {city}"])
    (problem,) = problems(skill)
    assert problem.startswith("intent Find: parameter 'city' of ")
    assert "has no slot type; declare one, e.g. @skill.intent('Find', slots={'city':" in problem


def test_a_custom_slot_type_never_declared() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Order", utterances=["order {topping}"], slots={"topping": "Topping"})
    def order(topping: str) -> None:
        return None

    (problem,) = problems(skill)
    assert problem.startswith("intent Order, slot topping: slot type 'Topping' is never declared")
    assert "skill.add_slot_type('Topping', [...])" in problem


def test_a_misspelt_custom_slot_type_says_did_you_mean() -> None:
    skill = Skill(SKILL_ID)
    skill.add_slot_type("Dish", ["pancakes"])

    @skill.intent("Cook", utterances=["cook {dish}"], slots={"dish": "Dsh"})
    def cook(dish: str) -> None:
        return None

    (problem,) = problems(skill)
    assert "slot type 'Dsh' is never declared; did you mean Dish?" in problem


@pytest.mark.parametrize(
    ("declared", "meant"),
    [
        ("AMAZON.Number", "AMAZON.NUMBER"),
        ("AMAZON.NUMBR", "AMAZON.NUMBER"),
        ("amazon.city", "AMAZON.City"),
        ("AMAZON.DURATOIN", "AMAZON.DURATION"),
        ("AMAZON.FourDigitNumber", "AMAZON.FOUR_DIGIT_NUMBER"),
    ],
)
def test_a_misspelt_built_in_slot_type_is_refused_at_registration(
    declared: str, meant: str
) -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=rf"did you mean {meant}\?"):

        @skill.intent("Scale", utterances=["scale to {servings}"], slots={"servings": declared})
        def scale(servings: int | None = None) -> None:
            return None

    assert not skill.registry.handlers


@pytest.mark.parametrize(
    "declared", ["AMAZON.NUMBER", "AMAZON.SearchQuery", "AMAZON.Actor", "AMAZON.ES_CITY"]
)
def test_known_and_unknown_but_unlike_built_in_slot_types_pass(declared: str) -> None:
    skill = Skill(SKILL_ID)
    skill.intent("Find", utterances=["find {thing}"], slots={"thing": declared})(
        lambda thing=None: None
    )
    assert intents(skill)["Find"]["slots"] == [{"name": "thing", "type": declared}]


def test_an_annotation_contradicting_a_built_in_slot_type_is_a_warning() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Plan", utterances=["plan for {day}"], slots={"day": "AMAZON.DATE"})
    def plan(day: int | None = None) -> None:
        return None

    @skill.intent("Scale", utterances=["scale to {servings}"], slots={"servings": "AMAZON.NUMBER"})
    def scale(servings: int | None = None) -> None:
        return None

    (warning,) = [w for w in model_warnings(skill) if "contradict" in w or "convert" in w]
    assert "intent Plan" in warning and "'day'" in warning and "AMAZON.DATE" in warning
    assert "int" in warning


def test_a_built_in_list_type_can_be_extended_with_values() -> None:
    skill = Skill(SKILL_ID)
    skill.add_slot_type("AMAZON.City", ["gotham", "metropolis"])

    @skill.intent("GoTo", utterances=["go to {city}"], slots={"city": "AMAZON.City"})
    def go(city: str) -> None:
        return None

    built = language(skill, invocation="city helper")
    assert built["types"] == [
        {
            "name": "AMAZON.City",
            "values": [{"name": {"value": "gotham"}}, {"name": {"value": "metropolis"}}],
        }
    ]


@pytest.mark.parametrize(
    "name", ["AMAZON.NUMBER", "AMAZON.DATE", "AMAZON.SearchQuery", "AMAZON.2x"]
)
def test_a_built_in_type_with_a_format_cannot_be_extended(name: str) -> None:
    skill = Skill(SKILL_ID)
    skill.add_slot_type(name, ["gotham"])
    found = problems(skill)
    assert len(found) == 1
    assert found[0].startswith(f"slot type {name!r}: ")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["", "big"], "slot type Size: a value is empty"),
        (
            [{"name": "big", "synonyms": ["", "large"]}],
            "slot type Size: value 'big' has an empty synonym",
        ),
        (
            [{"name": "big", "id": "X"}, {"name": "small", "id": "X"}],
            "slot type Size: values 'big' and 'small' have the same id 'X'",
        ),
        (["big", "small", "Big"], "slot type Size: value 'Big' is listed twice"),
        ({"en-US": ["big"], "de-DE": ["groß", " "]}, "slot type Size: a value is empty (de-DE)"),
        # The console: "Slot value length exceeds the limit of 140 characters".
        (
            ["big", "x" * 141],
            f"slot type Size: value '{'x' * 70}…{'x' * 30}' (141 characters) is too long; "
            "Amazon takes at most 140 characters",
        ),
        (
            [{"name": "big", "synonyms": ["y" * 150]}],
            f"slot type Size: value 'big' has a synonym too long, '{'y' * 70}…{'y' * 30}' "
            "(150 characters); Amazon takes at most 140 characters",
        ),
    ],
)
def test_slot_type_values_are_checked_where_they_are_declared(values: Any, message: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Skill(SKILL_ID).add_slot_type("Size", values)
    assert str(caught.value) == message


class Blank(enum.Enum):
    NOTHING = ""


def test_values_of_140_characters_are_taken() -> None:
    skill = Skill(SKILL_ID)
    skill.add_slot_type("Size", [{"name": "x" * 140, "synonyms": ["y" * 140]}])
    assert skill.slot_types["Size"].values[0].name == "x" * 140


def test_an_enum_value_that_is_empty_is_a_problem() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Fill", utterances=["fill {blank}"])
    def fill(blank: Blank) -> None:
        return None

    assert problems(skill) == ("slot type Blank: a value is empty",)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        # Written into the model as the synonym "None" (or "5"), without a word.
        ({"name": "red", "synonyms": [None]}, "value 'red': a synonym is a string, not None"),
        ({"name": "red", "synonyms": ["crimson", 5]}, "value 'red': a synonym is a string, not 5"),
        ({"name": "red", "id": {"code": 1}}, "value 'red': its id is a string, not {'code': 1}"),
        # A misspelt key was dropped: the value had no synonyms.
        (
            {"name": "red", "synonym": ["crimson"]},
            "value 'red': unknown key 'synonym'; did you mean synonyms?; a value is "
            "{'name': ..., 'id': ..., 'synonyms': [...]}",
        ),
    ],
)
def test_a_slot_type_value_is_refused_naming_what_is_wrong(value: Any, message: str) -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:
        skill.add_slot_type("Colour", [value])
    assert str(caught.value) == f"slot type Colour: {message}"


def test_a_slot_type_value_as_amazons_model_writes_it_is_taken() -> None:
    # Values copied from a model the console wrote: {"id", "name": {"value", "synonyms"}}.
    # They were refused as "not a value name, SlotTypeValue or mapping", though a mapping.
    skill = Skill(SKILL_ID)
    declared = skill.add_slot_type(
        "Colour", [{"id": "R", "name": {"value": "red", "synonyms": ["crimson"]}}]
    )
    assert declared.values == (SlotTypeValue("red", "R", ("crimson",)),)


def test_a_slot_type_named_by_no_string_or_misspelling_a_built_in_one_is_refused() -> None:
    skill = Skill(SKILL_ID)
    # A crash (TypeError) in build_interaction_model.
    with pytest.raises(ConfigurationError, match=r"^a slot type's name is a string, like 'Size', "):
        skill.add_slot_type(5, ["five"])  # type: ignore[arg-type]
    # Written into the model, which Amazon's build refuses: AMAZON.Citty is no type of its.
    with pytest.raises(ConfigurationError) as caught:
        skill.add_slot_type("AMAZON.Citty", ["gotham"])
    assert str(caught.value) == (
        "slot type 'AMAZON.Citty': 'AMAZON.Citty' is not one of Amazon's built-in slot types, "
        "so Amazon's build refuses it; did you mean AMAZON.City?"
    )
    assert skill.slot_types == {}


@pytest.mark.parametrize(
    "value", [{"name": "red", "id": ""}, {"name": "red", "id": " "}, SlotTypeValue("red", "")]
)
def test_a_slot_type_value_with_an_empty_id_is_refused(value: Any) -> None:
    # Written into the model as "id": "", and sent as the resolution's id: meant as no id.
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:
        skill.add_slot_type("Colour", [value])
    assert str(caught.value) == (
        "slot type Colour: value 'red': its id is empty; give one, or leave it out"
    )


def test_a_dialog_slot_with_a_blank_type_is_refused() -> None:
    # It was taken, and `alexaskill model` said to declare a slot type named '  '.
    from alexaskill.dialog_model import DialogSlot

    with pytest.raises(ConfigurationError, match=r"^DialogSlot needs the slot's type"):
        DialogSlot("  ", elicit="Which city?")
