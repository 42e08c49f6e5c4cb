"""Slot conversion of the built-in formats of dates and times: AMAZON.DATE (a day, or
`AlexaDate`'s week, weekend, month, season, year, decade), AMAZON.TIME and AMAZON.DURATION (the
rest: tests/test_slots.py)."""

from __future__ import annotations

import datetime

import msgspec
import pytest

from alexaskill.slots import (
    MISSING,
    AlexaDate,
    AlexaDuration,
    AlexaTime,
    DateKind,
    Season,
    TimeKind,
    TimeOfDay,
)

from .slots_shared import D, convert

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
