"""AMAZON.TIME on the 24-hour clock: hours said or typed with "hours" ("1700 hours", "nineteen
thirty hours"), no hour 24, and the leading zero said or typed ("oh nine oh five", "0730"),
which a part of the day does not move. Other clock times: test_understanding_times.py."""

from __future__ import annotations

import pytest

from alexaskill.understanding import language_for
from tests.understanding_shared import NOW, value


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("1700 hours", "17:00"),
        ("0730 hours", "07:30"),
        ("17:00 hours", "17:00"),
        ("7:30 hours", "07:30"),
    ],
)
def test_a_time_typed_in_hours_as_the_military_says_it(said: str, expected: str) -> None:
    # "seventeen hundred hours" was 17:00, "1700 hours" typed no time.
    assert value(said, "AMAZON.TIME") == expected
    assert value("1760 hours", "AMAZON.TIME") is None
    assert value("1700", "AMAZON.TIME") is None  # without "hours": a number as likely
    assert value("1700 hours", "AMAZON.DURATION") == "PT1700H"
    assert value("17 hours", "AMAZON.TIME") is None  # a duration


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("nineteen thirty hours", "19:30"),
        ("twenty one thirty hours", "21:30"),
        ("zero seven thirty hours", "07:30"),
        ("seven oh five hours", "07:05"),
        ("nineteen hundred hours", "19:00"),
    ],
)
def test_a_time_said_in_hours_with_its_minutes(said: str, expected: str) -> None:
    # "nineteen thirty hours" was no time: only "... hundred hours" was read with "hours",
    # though "1930 hours" typed is 19:30. An hour said alone with "hours" is a duration.
    assert value(said, "AMAZON.TIME") == expected
    assert value("1930 hours", "AMAZON.TIME") == "19:30"
    assert value("nineteen hours", "AMAZON.TIME") is None
    assert value("half past seven hours", "AMAZON.TIME") is None


@pytest.mark.parametrize(
    "said",
    [
        "24:30",
        "24.30",
        "2430 hours",
        "24:00",
        "twenty four thirty",
        "twenty four hundred",
        "half past twenty four",
        "ten to twenty four",
    ],
)
def test_an_hour_24_is_no_time(said: str) -> None:
    # "24:30" (and "2430 hours", "24.30") was read as 00:30: there is no such time, and
    # AMAZON.TIME documents no hour 24, so it fills no AMAZON.TIME slot.
    parse = language_for("en-US").slot_parser("AMAZON.TIME")
    assert parse is not None
    assert parse(said.split(), NOW) is None
    assert value(said, "AMAZON.TIME") is None
    # Midnight by name still counts: the hour after 23.
    assert value("ten to midnight", "AMAZON.TIME") == "23:50"
    assert value("ten past midnight", "AMAZON.TIME") == "00:10"
    assert value("23:59", "AMAZON.TIME") == "23:59"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("oh nine oh five", "09:05"),
        ("zero seven hundred hours", "07:00"),
        ("oh seven hundred", "07:00"),
        ("zero zero thirty", "00:30"),
    ],
)
def test_a_twenty_four_hour_time_said_with_its_leading_zero(said: str, expected: str) -> None:
    # The zero said before an hour below ten was read as no part of the time: "oh nine oh
    # five" and "zero seven hundred hours" fell back (the zero could not be left out as a
    # filler), though "0905" and "0700 hours" typed were times.
    parse = language_for("en-US").slot_parser("AMAZON.TIME")
    assert parse is not None
    assert parse(said.split(), NOW) == expected
    assert value(said, "AMAZON.TIME") == expected
    assert parse(["oh", "five"], NOW) is None  # an exclamation and a five: no time


@pytest.mark.parametrize("zero", ["oh", "zero"])
@pytest.mark.parametrize(
    ("said", "typed", "expected"),
    [
        ("seven thirty", "07:30", "07:30"),
        ("seven thirty tonight", "07:30 tonight", None),
        ("seven thirty in the evening", "07:30 in the evening", None),
        ("seven thirty am", "07:30 am", "07:30"),
        ("seven thirty pm", "07:30 pm", "19:30"),
        ("seven thirty in the morning", "07:30 in the morning", "07:30"),
        ("nine hundred hours", "0900 hours", "09:00"),
    ],
)
def test_a_leading_zero_said_is_the_24_hour_clock_as_typed(
    zero: str, said: str, typed: str, expected: str | None
) -> None:
    # "oh seven thirty tonight" (and "in the evening") was 19:30, the "oh" left out as a
    # filler, where "07:30 tonight" is no time: the zero said writes the 24-hour clock, whose
    # hour a part of the day does not move. "zero seven thirty am" ("pm", "in the morning")
    # was no time, where "07:30 am" is 07:30: the zero was read only with no "am" or "pm".
    assert value(typed, "AMAZON.TIME") == expected
    assert value(f"{zero} {said}", "AMAZON.TIME") == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("zero nine", "09:00"),
        ("oh nine", "09:00"),
        ("09", "09:00"),
        ("zero nine am", "09:00"),
        ("zero nine pm", "21:00"),
        ("zero nine tonight", None),
    ],
)
def test_an_hour_said_with_its_zero_alone_is_that_hour(said: str, expected: str | None) -> None:
    # "zero nine" was no time, where "oh nine" is 09:00 (its "oh" left out as a filler) and
    # "09" typed 09:00: the zero said writes the 24-hour clock's hour, as "zero nine hundred"
    # does; a part of the day does not move it ("09 tonight" is no time either).
    assert value(said, "AMAZON.TIME") == expected


def test_an_oh_said_apart_from_the_time_is_a_filler() -> None:
    # After a pause, or with no minutes after its hour, "oh" is an exclamation, left out.
    assert value("oh, seven thirty tonight", "AMAZON.TIME") == "19:30"
    assert value("oh seven", "AMAZON.TIME") == "07:00"


@pytest.mark.parametrize(
    ("said", "typed", "expected"),
    [
        ("0730 tonight", "07:30 tonight", None),
        ("0730 in the evening", "07:30 in the evening", None),
        ("0930 in the morning", "09:30 in the morning", "09:30"),
        ("0730 am", "07:30 am", "07:30"),
        ("730 tonight", "7:30 tonight", "19:30"),
        ("1030 tonight", "10:30 tonight", "22:30"),
    ],
)
def test_a_four_digit_time_typed_with_its_leading_zero_is_the_24_hour_clock(
    said: str, typed: str, expected: str | None
) -> None:
    # "0730 tonight" was 19:30 while "07:30 tonight" was no time: a leading zero writes the
    # 24-hour clock, whose hour a part of the day does not move, with a colon or without.
    assert value(said, "AMAZON.TIME") == expected
    assert value(typed, "AMAZON.TIME") == expected
