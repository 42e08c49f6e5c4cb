"""Slot conversion of multiple-value slots (lists, each value with its own entity resolution)
and of enums (matched by resolved id, resolved name, then the value), through the converter and
the signed test client (the rest: tests/test_slots.py)."""

from __future__ import annotations

import enum
import typing
from typing import Any, Final

import pytest

from alexaskill.exceptions import ConfigurationError
from alexaskill.models import Slot, SlotValue
from alexaskill.slots import MISSING, AlexaDate, converter_for, is_slot_annotation
from alexaskill.testing import DEFAULT_SKILL_ID

from .slots_shared import AUTHORITY, City, convert, decode, resolved

# --- multiple-value slots ----------------------------------------------------------------------

TOPPINGS = """
{
  "name": "toppings",
  "confirmationStatus": "NONE",
  "source": "USER",
  "slotValue": {
    "type": "List",
    "values": [
      {"type": "Simple", "value": "pepperoni", "resolutions": {"resolutionsPerAuthority": [
        {"authority": "amzn1.er-authority.echo-sdk.amzn1.ask.skill.x.Topping",
         "status": {"code": "ER_SUCCESS_MATCH"},
         "values": [{"value": {"name": "pepperoni", "id": "PEPPERONI"}}]}]}},
      {"type": "Simple", "value": "shrooms", "resolutions": {"resolutionsPerAuthority": [
        {"authority": "amzn1.er-authority.echo-sdk.amzn1.ask.skill.x.Topping",
         "status": {"code": "ER_SUCCESS_MATCH"},
         "values": [{"value": {"name": "mushrooms", "id": "MUSHROOM"}}]}]}},
      {"type": "Simple", "value": "olives", "resolutions": {"resolutionsPerAuthority": [
        {"authority": "amzn1.er-authority.echo-sdk.amzn1.ask.skill.x.Topping",
         "status": {"code": "ER_SUCCESS_NO_MATCH"}}]}}
    ]
  }
}
"""


@pytest.mark.parametrize(
    "annotation",
    [list[str], list, typing.List[str], list[str] | None],  # noqa: UP006
)
def test_list_of_str(annotation: Any) -> None:
    converter = converter_for("tests.handler", "toppings", annotation)
    assert converter(decode(TOPPINGS)) == ["pepperoni", "shrooms", "olives"]
    assert converter(Slot(name="toppings", value="ham")) == ["ham"]
    assert converter(Slot(name="toppings")) is MISSING
    assert converter(None) is MISSING


def test_list_elements_convert_and_one_failure_makes_the_list_missing() -> None:
    def numbers(*values: str) -> Slot:
        items = ", ".join(f'{{"type": "Simple", "value": "{v}"}}' for v in values)
        return decode(f'{{"name": "n", "slotValue": {{"type": "List", "values": [{items}]}}}}')

    as_ints = converter_for("tests.handler", "n", list[int])
    assert as_ints(numbers("1", "2", "30")) == [1, 2, 30]
    assert as_ints(numbers("1", "?", "3")) is MISSING
    assert as_ints(numbers("1", "", "3")) == [1, 3]  # empty values are skipped
    assert as_ints(numbers()) is MISSING
    as_dates = converter_for("tests.handler", "n", list[AlexaDate])
    assert [d.kind for d in as_dates(numbers("2015-11-25", "2015-W48"))] == ["day", "week"]


# --- enums -------------------------------------------------------------------------------------


class Topping(enum.Enum):
    PEPPERONI = "Pepperoni"
    MUSHROOM = "Mushroom"
    OLIVE = "Olive"


def test_enum_matches_resolved_id_then_resolved_name_then_value() -> None:
    converter = converter_for("tests.handler", "city", City | None)
    by_id = decode('{"name": "city", ' + resolved("big apple", ("New York", "NYC"))[1:])
    assert converter(by_id) is City.NEW_YORK
    by_name = decode('{"name": "city", ' + resolved("city of light", ("paris", None))[1:])
    assert converter(by_name) is City.PARIS
    assert converter(Slot(name="city", value="Paris")) is City.PARIS  # the value, any case
    assert converter(Slot(name="city", value="new_york")) is City.NEW_YORK  # a member's name
    assert converter(Slot(name="city", value="London")) is MISSING
    unmatched = decode(
        '{"name": "city", ' + resolved("nyc", ("Nowhere", "NOPE"), code="ER_SUCCESS_NO_MATCH")[1:]
    )
    assert converter(unmatched) is City.NEW_YORK  # no match: the value itself is tried


@pytest.mark.parametrize("annotation", [City, list[City]])
def test_absent_unfilled_and_empty_enum_slots_are_missing(annotation: Any) -> None:
    # Enums convert on a path of their own (with each value's resolutions): MISSING there too,
    # not None, which the handler would get in place of its default or of asking again.
    converter = converter_for("tests.handler", "city", annotation)
    assert converter(None) is MISSING
    assert converter(Slot(name="city")) is MISSING
    assert converter(Slot(name="city", value="")) is MISSING
    empty_list = '{"type": "List", "values": [{"type": "Simple", "value": ""}]}'
    assert converter(decode(f'{{"name": "city", "slotValue": {empty_list}}}')) is MISSING


def test_enum_reads_a_value_given_only_in_slot_value() -> None:
    # A slot may carry its value and resolutions in slotValue alone (no top-level value): an
    # enum reads them there, as str does (test_str_reads_a_value_given_only_in_slot_value).
    converter = converter_for("tests.handler", "city", City)
    said = decode('{"name": "city", "slotValue": {"type": "Simple", "value": "Paris"}}')
    assert converter(said) is City.PARIS
    resolved_only = decode(
        '{"name": "city", "slotValue": {"type": "Simple", '
        + resolved("big apple", ("New York", "NYC"))[1:]
        + "}"
    )
    assert converter(resolved_only) is City.NEW_YORK
    assert resolved_only.resolved_id == "NYC" and resolved_only.resolved_name == "New York"
    assert resolved_only.match_status == "ER_SUCCESS_MATCH"
    # Both given, as Alexa sends a simple slot: the top-level value and resolutions win, as for
    # str (test_scalar_takes_the_first_value_of_every_shape), even where slotValue has none.
    both = decode(
        '{"name": "city", '
        + resolved("big apple", ("New York", "NYC"))[1:-1]
        + ', "slotValue": {"type": "Simple", "value": "big apple"}}'
    )
    assert converter(both) is City.NEW_YORK
    assert converter(Slot(name="city", value="paris", slot_value=SlotValue(value="nyc"))) is (
        City.PARIS
    )


def test_list_of_enum_resolves_each_value() -> None:
    converter = converter_for("tests.handler", "toppings", list[Topping])
    slot = decode(TOPPINGS)
    # "shrooms" resolves to MUSHROOM; "olives" has no match and is no member's value or name.
    assert converter(slot) is MISSING
    slot.slot_value.values.pop()  # type: ignore[union-attr]
    assert converter(slot) == [Topping.PEPPERONI, Topping.MUSHROOM]


def test_enum_values_must_be_strings() -> None:
    class Size(enum.IntEnum):
        SMALL = 1

    with pytest.raises(ConfigurationError, match=r"tests.handler.*Size.*SMALL.*not a str"):
        converter_for("tests.handler", "size", Size)
    assert not is_slot_annotation(Size)


# --- multiple-value slots, value by value (through the signed test client) ---------------------


def _value(said: str, *matches: tuple[str, str], code: str = "ER_SUCCESS_MATCH") -> dict[str, Any]:
    """One value of a List slot, with its own entity resolution by one authority."""
    return {
        "type": "Simple",
        "value": said,
        "resolutions": {
            "resolutionsPerAuthority": [
                {
                    "authority": f"{AUTHORITY}.Topping",
                    "status": {"code": code},
                    "values": [{"value": {"name": name, "id": id_}} for name, id_ in matches],
                }
            ]
        },
    }


#: "ham and cheese and olives": each value resolved on its own; cheese matches two values.
LIST_SLOT: Final = {
    "name": "toppings",
    "confirmationStatus": "NONE",
    "slotValue": {
        "type": "List",
        "values": [
            _value("ham", ("Ham", "HAM")),
            _value("cheese", ("Cheddar", "CHEDDAR"), ("Mushroom", "MUSHROOM")),
            _value("olives", code="ER_SUCCESS_NO_MATCH"),
        ],
    },
}


def test_each_value_of_a_multiple_value_slot_has_its_own_resolution() -> None:
    from alexaskill import Skill, speak
    from alexaskill.testing import TestClient

    skill = Skill(skill_id=DEFAULT_SKILL_ID)

    @skill.intent("Order")
    def order(toppings: Slot) -> Any:
        parts = [
            f"{v.value}={v.resolved_name}/{v.resolved_id}/{v.match_status}"
            for v in toppings.slot_values
        ]
        first = f"{toppings.resolved_name}/{toppings.resolved_id}/{toppings.match_status}"
        return speak(f"{'; '.join(parts)} (first: {first})")

    with TestClient(skill) as client:
        result = client.intent("Order", toppings=dict(LIST_SLOT))
        single = client.intent("Order", toppings="ham")
    assert result.speech == (
        "ham=Ham/HAM/ER_SUCCESS_MATCH; cheese=Cheddar/CHEDDAR/ER_SUCCESS_MATCH; "
        "olives=None/None/ER_SUCCESS_NO_MATCH (first: Ham/HAM/ER_SUCCESS_MATCH)"
    )
    assert single.speech == "ham=None/None/None (first: None/None/None)"


class Pizza(enum.Enum):
    HAM = "HAM"
    MUSHROOM = "MUSHROOM"  # cheese's second match: its first, Cheddar, is no member
    OLIVES = "olives"  # no match: the value the user said


def test_enum_conversion_tries_every_entity_resolution_match() -> None:
    from alexaskill import Skill, speak
    from alexaskill.testing import TestClient

    skill = Skill(skill_id=DEFAULT_SKILL_ID)

    @skill.intent("Order")
    def order(toppings: list[Pizza], first: Pizza | None = None) -> Any:
        return speak(f"{[t.name for t in toppings]} {first and first.name}")

    cheese = {"name": "first", "value": "cheese", "confirmationStatus": "NONE"}
    cheese["resolutions"] = _value("cheese", ("Cheddar", "C"), ("Mushroom", "X"))["resolutions"]
    with TestClient(skill) as client:
        result = client.intent("Order", toppings=dict(LIST_SLOT), first=cheese)
    assert result.speech == "['HAM', 'MUSHROOM', 'OLIVES'] MUSHROOM"


def test_scalar_takes_the_first_value_of_every_shape() -> None:
    # A str parameter reads the slot's first value, whether the slot has one value (the fast
    # case), a multiple-value slotValue (even with a top-level value), or only slotValue.value.
    as_str = converter_for("tests.handler", "toppings", str)
    assert as_str(decode(TOPPINGS)) == "pepperoni"
    listed = decode(TOPPINGS)
    assert as_str(Slot(name="toppings", value="ham", slot_value=listed.slot_value)) == "pepperoni"
    assert as_str(Slot(name="toppings", value="ham")) == "ham"
    assert as_str(Slot(name="toppings", value="", slot_value=SlotValue(value="ham"))) is MISSING
    assert as_str(Slot(name="toppings", slot_value=SlotValue(value="ham"))) == "ham"
    simple = SlotValue(value="cheese")
    assert as_str(Slot(name="toppings", value="ham", slot_value=simple)) == "ham"
    assert as_str(Slot(name="toppings", value="")) is MISSING


def test_an_enum_with_two_values_equal_but_for_case_is_refused() -> None:
    # Matching ignores case, so "x" and "X" are one slot value: the first member was never
    # given for its own value (the second took it), without a word.
    class Size(enum.Enum):
        SMALL = "s"
        LARGE = "S"

    with pytest.raises(ConfigurationError) as raised:
        converter_for("tests.handler", "size", Size)
    message = str(raised.value)
    assert "SMALL" in message and "LARGE" in message
    assert "ignoring case" in message


def test_an_enum_without_members_is_refused() -> None:
    # Nothing matches a member of none: every request was asked again, for ever.
    class Nothing(enum.Enum):
        pass

    with pytest.raises(ConfigurationError, match="has no members"):
        converter_for("tests.handler", "x", Nothing)
    with pytest.raises(ConfigurationError, match="has no members"):
        converter_for("tests.handler", "x", list[Nothing])


def test_a_slot_with_only_empty_values_is_not_filled() -> None:
    # An empty value is no value (the policy above), but `is_filled` said True of one, so a
    # handler taking the Slot went on with "" where a str parameter would have asked again.
    assert decode('{"name": "x", "value": ""}').is_filled is False
    empty_list = '{"type": "List", "values": [{"type": "Simple", "value": ""}]}'
    assert decode(f'{{"name": "x", "slotValue": {empty_list}}}').is_filled is False
    assert decode('{"name": "x", "value": "Paris"}').is_filled is True


def test_an_enum_alias_name_matches_its_member() -> None:
    # `BIG = "large"` beside `LARGE = "large"` is an alias of LARGE (Size["BIG"] is LARGE); the
    # slot value "big" matched nothing, as the members were read without their aliases.
    class Size(enum.Enum):
        SMALL = "small"
        LARGE = "large"
        BIG = "large"

    assert convert(Size, "big") is Size.LARGE
    assert convert(Size, "Large") is Size.LARGE
    assert convert(Size, "small") is Size.SMALL
    assert convert(Size, "huge") is MISSING
