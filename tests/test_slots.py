"""Slot conversion: the missing-value policy, str, Slot, AMAZON.NUMBER, annotations and their
errors, and a whole intent as Alexa sends it.

AMAZON.DATE, TIME and DURATION: tests/test_slots_temporal.py; multiple-value slots and enums:
tests/test_slots_lists_and_enums.py; what the modules share: tests/slots_shared.py.
"""

from __future__ import annotations

import datetime
import inspect
import typing
from typing import Any

import msgspec
import pytest

from alexaskill.exceptions import ConfigurationError
from alexaskill.models import Intent, Slot
from alexaskill.slots import (
    MISSING,
    AlexaDate,
    AlexaDuration,
    AlexaTime,
    TimeOfDay,
    converter_for,
    is_slot_annotation,
)

from .slots_shared import City, D, convert, decode, resolved

# --- the missing-value policy ------------------------------------------------------------------


def test_missing_is_a_recognisable_singleton() -> None:
    assert repr(MISSING) == "MISSING"
    assert str(MISSING) == "MISSING"
    assert MISSING is not None


@pytest.mark.parametrize("annotation", [str, int, datetime.date, AlexaDate, list[str]])
def test_absent_unfilled_and_empty_slots_are_missing(annotation: Any) -> None:
    converter = converter_for("tests.handler", "x", annotation)
    assert converter(None) is MISSING
    assert converter(Slot(name="x")) is MISSING
    assert converter(Slot(name="x", value="")) is MISSING
    assert converter(decode('{"name": "x", "confirmationStatus": "NONE"}')) is MISSING


# --- str, Any, no annotation -------------------------------------------------------------------


@pytest.mark.parametrize("annotation", [str, Any, inspect.Parameter.empty, str | None])
def test_str_is_the_value_as_sent(annotation: Any) -> None:
    assert convert(annotation, "New York") == "New York"
    assert convert(annotation, "?") == "?"  # a string: not checked against any slot type


def test_str_takes_the_first_value_of_a_multiple_value_slot() -> None:
    slot = decode(
        '{"name": "x", "slotValue": {"type": "List", "values": ['
        '{"type": "Simple", "value": "ham"}, {"type": "Simple", "value": "eggs"}]}}'
    )
    assert converter_for("tests.handler", "x", str)(slot) == "ham"


def test_str_reads_a_value_given_only_in_slot_value() -> None:
    slot = decode('{"name": "x", "slotValue": {"type": "Simple", "value": "Paris"}}')
    assert converter_for("tests.handler", "x", str)(slot) == "Paris"


# --- Slot --------------------------------------------------------------------------------------


@pytest.mark.parametrize("annotation", [Slot, Slot | None, typing.Optional[Slot]])  # noqa: UP045
def test_slot_annotation_gives_the_slot_itself(annotation: Any) -> None:
    converter = converter_for("tests.handler", "city", annotation)
    slot = decode('{"name": "city", ' + resolved("big apple", ("New York", "NYC"))[1:])
    assert converter(slot) is slot
    assert slot.resolved_name == "New York" and slot.resolved_id == "NYC"
    unfilled = Slot(name="city")
    assert converter(unfilled) is unfilled  # the handler can look at confirmationStatus, …
    assert converter(None) is MISSING


# --- AMAZON.NUMBER -----------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [("5", 5), ("-3", -3), ("0", 0), ("007", 7)])
def test_int(raw: str, expected: int) -> None:
    value = convert(int, raw)
    assert value == expected and type(value) is int


@pytest.mark.parametrize(
    "raw",
    [
        "?",
        "2.5",
        "five",
        " 5 ",
        "5 ",
        "5\n",
        "+5",
        "1_000",
        "0x10",
        "1e3",
        "--1",
        "-",
        "\u0665",
        "9" * 5000,
    ],
)
def test_int_rejects(raw: str) -> None:
    assert convert(int, raw) is MISSING


def test_int_takes_what_64_bits_hold_and_no_more() -> None:
    # AMAZON.NUMBER gives digits, as many as were said; an int slot takes a 64-bit integer
    # (what a store, an API or a JSON reader of doubles downstream has a chance to hold).
    for value in (2**63 - 1, -(2**63), 10**18, -(10**18)):
        assert convert(int, str(value)) == value
    assert convert(int, "0" * 30 + "5") == 5  # (leading zeros are no size)
    for value in (2**63, -(2**63) - 1, 10**22, -(10**30)):
        assert convert(int, str(value)) is MISSING, value
    assert convert(list[int], str(2**64)) is MISSING


@pytest.mark.parametrize(
    ("raw", "expected"), [("2.5", 2.5), ("5", 5.0), ("-3", -3.0), ("-0.25", -0.25)]
)
def test_float(raw: str, expected: float) -> None:
    value = convert(float, raw)
    assert value == expected and type(value) is float


@pytest.mark.parametrize(
    "raw", ["?", "nan", "NaN", "inf", "-inf", "1e5", ".5", "5.", "1_000.5", " 2.5", "9" * 400]
)
def test_float_rejects(raw: str) -> None:
    assert convert(float, raw) is MISSING


# --- annotations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "annotation",
    [
        int | None,
        typing.Optional[int],  # noqa: UP045
        typing.Union[int, None],  # noqa: UP007
        typing.Union[None, int],  # noqa: UP007
    ],
)
def test_optional_is_unwrapped(annotation: Any) -> None:
    assert convert(annotation, "5") == 5
    assert convert(annotation, "?") is MISSING  # None is the dispatcher's call, not ours


@pytest.mark.parametrize(
    "annotation",
    [
        bool,
        datetime.datetime,
        dict,
        dict[str, str],
        tuple[str, ...],
        set[str],
        list[bool],
        list[Slot],
        list[list[str]],
        int | str,
        int | str | None,
        object,
        bytes,
        "str",  # not evaluated
        None,
        typing.Literal["a"],
    ],
)
def test_unsupported_annotations_fail_naming_function_and_parameter(annotation: Any) -> None:
    with pytest.raises(ConfigurationError, match=r"^module\.handler: parameter 'when' ") as info:
        converter_for("module.handler", "when", annotation)
    assert not is_slot_annotation(annotation)
    message = str(info.value)
    if annotation in (bool, list[bool]):
        assert "bool is not supported" in message and "Enum" in message
    else:
        assert "supported: str, int, float, datetime.date" in message


def test_unsupported_annotation_message_names_the_annotation() -> None:
    with pytest.raises(ConfigurationError, match=r"annotated datetime\.datetime \| None, which"):
        converter_for("m.f", "when", datetime.datetime | None)
    with pytest.raises(ConfigurationError, match=r"annotated bool,"):
        converter_for("m.f", "flag", bool)


@pytest.mark.parametrize(
    "annotation",
    [
        str,
        int,
        float,
        datetime.date,
        datetime.time,
        datetime.timedelta,
        AlexaDate,
        AlexaTime,
        AlexaDuration,
        Slot,
        City,
        list[City],
        list[float],
        AlexaDate | None,
        inspect.Parameter.empty,
        Any,
    ],
)
def test_supported_annotations(annotation: Any) -> None:
    assert is_slot_annotation(annotation)


# --- a whole intent, as Alexa sends it ---------------------------------------------------------


def test_slots_of_a_real_intent() -> None:
    intent = msgspec.json.decode(
        b"""
        {"name": "PlanTrip", "confirmationStatus": "NONE", "slots": {
          "city": {"name": "city", "value": "big apple", "confirmationStatus": "NONE",
                   "source": "USER", "resolutions": {"resolutionsPerAuthority": [
            {"authority": "amzn1.er-authority.echo-sdk.amzn1.ask.skill.x.City",
             "status": {"code": "ER_SUCCESS_NO_MATCH"}},
            {"authority": "amzn1.er-authority.echo-sdk.dynamic.amzn1.ask.skill.x.City",
             "status": {"code": "ER_SUCCESS_MATCH"},
             "values": [{"value": {"name": "New York", "id": "nyc"}}]}]}},
          "when": {"name": "when", "value": "2015-W48-WE", "confirmationStatus": "NONE"},
          "start": {"name": "start", "value": "EV", "confirmationStatus": "NONE"},
          "stay": {"name": "stay", "value": "P3D", "confirmationStatus": "NONE"},
          "people": {"name": "people", "value": "?", "confirmationStatus": "NONE"},
          "budget": {"name": "budget", "confirmationStatus": "NONE"}
        }}
        """,
        type=Intent,
    )

    def get(name: str, annotation: Any) -> Any:
        return converter_for("trip.plan", name, annotation)(intent.slot(name))

    assert get("city", str) == "big apple"
    assert get("city", City) is City.NEW_YORK
    assert get("when", datetime.date) is MISSING
    assert get("when", AlexaDate).start == D(2015, 11, 28)
    assert get("start", AlexaTime).period is TimeOfDay.EVENING
    assert get("stay", datetime.timedelta) == datetime.timedelta(days=3)
    assert get("people", int | None) is MISSING
    assert get("budget", float) is MISSING
    assert get("budget", Slot).is_filled is False
    assert get("luggage", str) is MISSING  # no such slot in the intent
