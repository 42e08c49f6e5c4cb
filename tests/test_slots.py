"""Slot conversion: every built-in format, the missing-value policy, and annotation errors."""

from __future__ import annotations

import datetime
import enum
import inspect
import typing
from typing import Any, Final

import msgspec
import pytest

from alexaskill.exceptions import ConfigurationError
from alexaskill.models import Intent, Slot, SlotValue
from alexaskill.slots import (
    MISSING,
    AlexaDate,
    AlexaDuration,
    AlexaTime,
    DateKind,
    Season,
    TimeKind,
    TimeOfDay,
    converter_for,
    is_slot_annotation,
)
from alexaskill.testing import DEFAULT_SKILL_ID

D = datetime.date
AUTHORITY = f"amzn1.er-authority.echo-sdk.{DEFAULT_SKILL_ID}"


def convert(annotation: Any, value: str | None) -> Any:
    """Convert a simple slot holding ``value`` (unfilled when ``None``) as ``annotation``."""
    return converter_for("tests.handler", "x", annotation)(Slot(name="x", value=value))


def decode(json: str) -> Slot:
    return msgspec.json.decode(json, type=Slot)


def resolved(value: str, *matches: tuple[str, str | None], code: str = "ER_SUCCESS_MATCH") -> str:
    """The JSON of a simple slot value with one authority's resolution."""
    values = ", ".join(
        f'{{"value": {{"name": "{name}"' + (f', "id": "{id_}"' if id_ else "") + "}}"
        for name, id_ in matches
    )
    return (
        f'{{"value": "{value}", "resolutions": {{"resolutionsPerAuthority": [{{'
        f'"authority": "{AUTHORITY}.City", "status": {{"code": "{code}"}}, "values": [{values}]'
        "}]}}"
    )


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


# --- AMAZON.DATE -------------------------------------------------------------------------------


def test_date_is_only_an_exact_day() -> None:
    assert convert(datetime.date, "2015-11-25") == D(2015, 11, 25)
    assert convert(datetime.date | None, "2016-02-29") == D(2016, 2, 29)


@pytest.mark.parametrize(
    "raw",
    [
        "2015-W48",
        "2015-W48-WE",
        "2015-11",
        "2015",
        "201X",
        "2017-WI",
        "PRESENT_REF",
        "2015-02-30",  # no such day
        "2015-11-25T10:00",
        "20151125",  # date.fromisoformat would accept these two
        "2015-W48-1",
        "15-11-25",
        "2015-11-25\n",
    ],
)
def test_date_rejects_every_other_form(raw: str) -> None:
    assert convert(datetime.date, raw) is MISSING


@pytest.mark.parametrize(
    ("raw", "kind", "start", "end"),
    [
        ("2015-11-25", DateKind.DAY, D(2015, 11, 25), D(2015, 11, 25)),
        ("2015-W48", DateKind.WEEK, D(2015, 11, 23), D(2015, 11, 29)),
        ("2009-W01", DateKind.WEEK, D(2008, 12, 29), D(2009, 1, 4)),  # starts the year before
        ("2020-W53", DateKind.WEEK, D(2020, 12, 28), D(2021, 1, 3)),  # a 53-week year
        ("2015-W53", DateKind.WEEK, D(2015, 12, 28), D(2016, 1, 3)),
        ("2015-W48-WE", DateKind.WEEKEND, D(2015, 11, 28), D(2015, 11, 29)),
        ("2020-W53-WE", DateKind.WEEKEND, D(2021, 1, 2), D(2021, 1, 3)),
        ("2015-11", DateKind.MONTH, D(2015, 11, 1), D(2015, 11, 30)),
        ("2016-02", DateKind.MONTH, D(2016, 2, 1), D(2016, 2, 29)),
        ("2015-12-XX", DateKind.MONTH, D(2015, 12, 1), D(2015, 12, 31)),
        ("2016", DateKind.YEAR, D(2016, 1, 1), D(2016, 12, 31)),
        ("2016-XX", DateKind.YEAR, D(2016, 1, 1), D(2016, 12, 31)),
        ("2016-XX-XX", DateKind.YEAR, D(2016, 1, 1), D(2016, 12, 31)),
        ("201X", DateKind.DECADE, D(2010, 1, 1), D(2019, 12, 31)),
        ("199X", DateKind.DECADE, D(1990, 1, 1), D(1999, 12, 31)),
        ("2017-SP", DateKind.SEASON, D(2017, 3, 1), D(2017, 5, 31)),
        ("2017-SU", DateKind.SEASON, D(2017, 6, 1), D(2017, 8, 31)),
        ("2017-FA", DateKind.SEASON, D(2017, 9, 1), D(2017, 11, 30)),
        ("2017-WI", DateKind.SEASON, D(2017, 12, 1), D(2018, 2, 28)),
        ("2019-WI", DateKind.SEASON, D(2019, 12, 1), D(2020, 2, 29)),  # into a leap February
        ("PRESENT_REF", DateKind.PRESENT, None, None),
    ],
)
def test_alexa_date(raw: str, kind: DateKind, start: D | None, end: D | None) -> None:
    value = convert(AlexaDate, raw)
    assert value == AlexaDate(kind=kind, start=start, end=end, season=value.season, raw=raw)
    assert AlexaDate.parse(raw) == value


def test_weekend_is_saturday_and_sunday_and_week_is_monday_to_sunday() -> None:
    for week in range(1, 53):
        weekend = AlexaDate.parse(f"2024-W{week:02}-WE")
        whole = AlexaDate.parse(f"2024-W{week:02}")
        assert weekend.start is not None and weekend.end is not None
        assert whole.start is not None and whole.end is not None
        assert (weekend.start.weekday(), weekend.end.weekday()) == (5, 6)
        assert (whole.start.weekday(), whole.end - whole.start) == (0, datetime.timedelta(days=6))
        assert whole.start < weekend.start and weekend.end == whole.end


def test_alexa_date_names_the_season() -> None:
    assert AlexaDate.parse("2017-WI").season is Season.WINTER
    assert AlexaDate.parse("2017-FA").season is Season.FALL
    assert AlexaDate.parse("2017-11").season is None


@pytest.mark.parametrize(
    "raw",
    [
        "2021-W53",  # 2021 has 52 weeks
        "2015-W00",
        "2015-W48-WX",
        "2015-13",
        "2015-00",
        "0000",
        "201x",
        "20XX",
        "2015-wi",
        "2015-AU",
        "present_ref",
        "PRESENT",
        "2015-11-25 ",
        "tomorrow",
    ],
)
def test_alexa_date_rejects(raw: str) -> None:
    assert convert(AlexaDate, raw) is MISSING
    with pytest.raises(ValueError, match=r"AMAZON\.DATE"):
        AlexaDate.parse(raw)


def test_alexa_date_is_a_frozen_value() -> None:
    value = AlexaDate.parse("2015-W48")
    assert value == AlexaDate.parse("2015-W48") and hash(value) == hash(AlexaDate.parse("2015-W48"))
    with pytest.raises(AttributeError):
        value.raw = "2016"  # type: ignore[misc]
    # It encodes, so it can be kept in session attributes.
    assert msgspec.json.decode(msgspec.json.encode(value), type=AlexaDate) == value


# --- AMAZON.TIME -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("14:30", datetime.time(14, 30)),
        ("00:00", datetime.time(0, 0)),
        ("23:59", datetime.time(23, 59)),
        ("14:30:15", datetime.time(14, 30, 15)),
    ],
)
def test_time(raw: str, expected: datetime.time) -> None:
    assert convert(datetime.time, raw) == expected
    assert convert(AlexaTime, raw) == AlexaTime(kind=TimeKind.TIME, time=expected, raw=raw)


@pytest.mark.parametrize(
    ("raw", "period"),
    [
        ("MO", TimeOfDay.MORNING),
        ("AF", TimeOfDay.AFTERNOON),
        ("EV", TimeOfDay.EVENING),
        ("NI", TimeOfDay.NIGHT),
    ],
)
def test_time_periods_are_alexa_times_only(raw: str, period: TimeOfDay) -> None:
    assert convert(datetime.time, raw) is MISSING
    value = convert(AlexaTime, raw)
    assert value == AlexaTime(kind=TimeKind.PERIOD, period=period, raw=raw)
    assert value.time is None
    assert AlexaTime.parse(raw) == value


@pytest.mark.parametrize(
    "raw", ["24:00", "9:30", "14:60", "14:30:60", "1430", "2pm", "mo", "MORNING", "14:30Z"]
)
def test_time_rejects(raw: str) -> None:
    assert convert(datetime.time, raw) is MISSING
    assert convert(AlexaTime, raw) is MISSING
    with pytest.raises(ValueError, match=r"AMAZON\.TIME"):
        AlexaTime.parse(raw)


# --- AMAZON.DURATION ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("PT10M", datetime.timedelta(minutes=10)),
        ("PT5H", datetime.timedelta(hours=5)),
        ("P3D", datetime.timedelta(days=3)),
        ("PT45S", datetime.timedelta(seconds=45)),
        ("P8W", datetime.timedelta(weeks=8)),
        ("PT5H10M", datetime.timedelta(hours=5, minutes=10)),
        ("P1DT2H", datetime.timedelta(days=1, hours=2)),
        ("PT1.5S", datetime.timedelta(seconds=1.5)),
        ("PT0.5H", datetime.timedelta(minutes=30)),
        ("P1W2DT3H4M5S", datetime.timedelta(weeks=1, days=2, hours=3, minutes=4, seconds=5)),
        ("P0Y0M1D", datetime.timedelta(days=1)),  # zero years and months have a length
    ],
)
def test_timedelta(raw: str, expected: datetime.timedelta) -> None:
    assert convert(datetime.timedelta, raw) == expected
    assert AlexaDuration.parse(raw).to_timedelta() == expected


@pytest.mark.parametrize(
    "raw",
    [
        "P2Y",  # years and months have no fixed length
        "P1M",
        "P2YT3H10M",
        "P",
        "PT",
        "P1DT",
        "PT5",
        "10M",
        "pt10m",
        "-PT10M",
        "PT-10M",
        "PT10M5H",  # out of order
        "P1D1D",
        "PT1,5S",
        "P99999999999W",  # beyond timedelta
    ],
)
def test_timedelta_rejects(raw: str) -> None:
    assert convert(datetime.timedelta, raw) is MISSING


def test_alexa_duration_keeps_years_and_months() -> None:
    value = convert(AlexaDuration, "P2YT3H10M")
    assert value == AlexaDuration(years=2, hours=3, minutes=10, raw="P2YT3H10M")
    assert type(value.years) is int and type(value.days) is int
    with pytest.raises(ValueError, match="no fixed length"):
        value.to_timedelta()
    # M is months before T and minutes after it.
    assert AlexaDuration.parse("P1M") == AlexaDuration(months=1, raw="P1M")
    assert AlexaDuration.parse("PT1M") == AlexaDuration(minutes=1, raw="PT1M")
    full = AlexaDuration.parse("P1Y2M3W4DT5H6M7.5S")
    fields = (full.years, full.months, full.weeks, full.days, full.hours, full.minutes)
    assert fields == (1, 2, 3, 4, 5, 6) and full.seconds == 7.5


@pytest.mark.parametrize(
    "raw",
    # Two past a float's range ("PT9…9S", an int of 309 digits, raised OverflowError).
    [
        "P",
        "PT",
        "PT5",
        "P1.5",
        "PT10M ",
        "P-1D",
        "P1W1Y",
        "P" + "9" * 400 + ".5D",
        "PT" + "9" * 309 + "S",
        "P" + "9" * 4301 + "D",  # more digits than int() takes from a string (4300)
    ],
)
def test_alexa_duration_rejects(raw: str) -> None:
    assert convert(AlexaDuration, raw) is MISSING
    with pytest.raises(ValueError, match=r"AMAZON\.DURATION"):
        AlexaDuration.parse(raw)


def test_a_duration_too_long_for_a_timedelta_is_a_value_error() -> None:
    # As documented for years and months: ValueError, not OverflowError (a value built by hand:
    # parsing refuses one so long).
    huge = AlexaDuration(days=9999999999, raw="P9999999999D")
    with pytest.raises(ValueError, match="too long for a timedelta"):
        huge.to_timedelta()
    assert convert(datetime.timedelta, "P9999999999D") is MISSING
    assert convert(datetime.timedelta, "PT" + "9" * 309 + "S") is MISSING


@pytest.mark.parametrize(
    "raw",
    [
        "P99999999999999999999Y",  # converted to years=99999999999999999999 before
        "P2732241Y",  # a year counted as 366 days: past 999,999,999 days
        "P2732240Y6M",  # and a month as 31
        "P32258065M",
        "P142857143W",
        "P1000000000D",
        "PT24000000000H",
        "PT1440000000000M",
        "P999999999DT24H",
        "P" + "9" * 400 + "Y",
    ],
)
def test_a_duration_longer_than_a_timedelta_holds_does_not_convert(raw: str) -> None:
    # Not to AlexaDuration either: its parts would be numbers no date arithmetic takes, and
    # longer than anything a user asks for (a timedelta holds some 2.7 million years).
    assert convert(AlexaDuration, raw) is MISSING
    assert convert(list[AlexaDuration], raw) is MISSING
    assert convert(datetime.timedelta, raw) is MISSING
    with pytest.raises(ValueError, match=r"AMAZON\.DURATION value longer than a timedelta"):
        AlexaDuration.parse(raw)


def test_the_longest_durations_that_convert() -> None:
    assert convert(AlexaDuration, "P999999Y").years == 999999
    assert convert(AlexaDuration, "P2732240Y") == AlexaDuration(years=2732240, raw="P2732240Y")
    assert convert(AlexaDuration, "P2732240Y5M").months == 5
    assert convert(AlexaDuration, "P32258064M").months == 32258064
    assert convert(AlexaDuration, "P142857142W").weeks == 142857142
    longest = "P999999999DT23H59M59.999999S"
    assert convert(datetime.timedelta, longest) == datetime.timedelta.max
    assert AlexaDuration.parse(longest).to_timedelta() == datetime.timedelta.max
    assert convert(datetime.timedelta, "PT86399999999999S") == datetime.timedelta(
        days=999999999, seconds=86399
    )


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


class City(enum.StrEnum):
    NEW_YORK = "nyc"
    PARIS = "paris"


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
