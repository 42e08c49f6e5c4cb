"""AMAZON.TIME: clock times said or typed (to and past the hour, "half five", the 24-hour clock),
and what is no time (minute 60, a range of hours). Hours said with "hours", hour 24 and a
leading zero: test_understanding_times_24_hour.py; "pm" said once for two times:
test_understanding_times_two.py; a part of the day with a range:
test_understanding_time_ranges.py."""

from __future__ import annotations

import pytest

from alexaskill.slots import AlexaTime
from tests.understanding_shared import NOW, intent_understander, slot, understander, value


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("noon", "12:00"),
        ("midnight", "00:00"),
        ("three p m", "15:00"),
        ("3 pm", "15:00"),
        ("3pm", "15:00"),
        ("three thirty p.m.", "15:30"),
        ("seven a m", "07:00"),
        ("twelve a m", "00:00"),
        ("four in the morning", "04:00"),
        ("two in the afternoon", "14:00"),
        ("eight in the evening", "20:00"),
        ("eleven at night", "23:00"),
        ("half past three", "03:30"),
        ("quarter past six", "06:15"),
        ("quarter to five", "04:45"),
        ("ten to nine p m", "20:50"),
        ("three thirty", "03:30"),
        ("seven oh five", "07:05"),
        ("ten o'clock", "10:00"),
        ("15:45", "15:45"),
        ("in the morning", "MO"),
        ("this afternoon", "AF"),
        ("in the evening", "EV"),
        ("tonight", "NI"),
        ("at night", "NI"),
    ],
)
def test_amazon_time(said: str, expected: str) -> None:
    found = value(said, "AMAZON.TIME")
    assert found == expected
    AlexaTime.parse(found)


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("12:30pm", "AMAZON.TIME", "12:30"),
        ("3:30pm", "AMAZON.TIME", "15:30"),
        ("7:05am", "AMAZON.TIME", "07:05"),
        ("1.5hours", "AMAZON.DURATION", "PT1H30M"),
    ],
)
def test_a_clock_time_or_decimal_written_against_its_unit_is_one_number(
    said: str, slot_type: str, expected: str
) -> None:
    # "12:30pm" was cut "12:3", "0", "pm" (the number backed off a digit to let letters follow):
    # the time slot stayed empty, and "1.5hours" was read as five hours.
    assert value(said, slot_type) == expected


@pytest.mark.parametrize("said", ["12:60", "7:99 pm", "1275 pm"])
def test_a_minute_past_fifty_nine_is_no_time(said: str) -> None:
    # A typed "12:60" was sent as the AMAZON.TIME value "12:60", which no clock shows (and
    # alexaskill's own AlexaTime refuses).
    assert slot(said, "AMAZON.TIME") is None
    assert value("12:59", "AMAZON.TIME") == "12:59"


@pytest.mark.parametrize("said", ["from 5 to 6 pm", "from five to six", "from ten to six"])
def test_a_time_range_opened_by_from_fills_no_time_slot(said: str) -> None:
    # "from" was left out and "5 to 6 pm" read as five to six, 17:55: a range said as a time
    # Alexa cannot send. "Five to six" alone, and a range whose start is no time, stay one time.
    understood = understander("AMAZON.TIME").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent"
    ranged = f"'{said}' is a range, not one value)"
    assert any(note.endswith(ranged) for note in understood.notes), understood.notes
    assert value("5 to 6 pm", "AMAZON.TIME") == "17:55"
    assert value("from quarter to six", "AMAZON.TIME") == "05:45"


@pytest.mark.parametrize("said", ["5 to", "5 past", "five after", "ten to"])
def test_a_time_half_said_fills_no_time_slot(said: str) -> None:
    # The utterance ended before the hour: "5 to" was 05:00, the word "to" left out. Which hour
    # it was to or past is unknown: no value, as "13 pm" gives none.
    understood = understander("AMAZON.TIME").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent"
    left_out = f"would leave out '{said.split()[-1]}')"
    assert any(note.endswith(left_out) for note in understood.notes), understood.notes
    assert value("5 past 6", "AMAZON.TIME") == "06:05"
    assert value("at 5", "AMAZON.TIME") == "05:00"


@pytest.mark.parametrize("said", ["3::30", "3:30:00", "3:.30"])
def test_a_garbled_clock_time_fills_no_time_slot(said: str) -> None:
    # The tokenizer split "3::30" at its colons into 3 and 30, which AMAZON.TIME read as
    # "three thirty", 03:30: a typing slip taken for a time. "3:30" is one.
    assert slot(said, "AMAZON.TIME") is None
    assert value("3:30", "AMAZON.TIME") == "03:30"
    assert value("12:30pm", "AMAZON.TIME") == "12:30"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("ten to midnight", "23:50"),
        ("quarter past noon", "12:15"),
        ("quarter past midnight", "00:15"),
        ("half past midday", "12:30"),
    ],
)
def test_a_time_said_to_or_past_noon_or_midnight_is_read(said: str, expected: str) -> None:
    # The hour after "to" or "past" had to be a number: "ten to midnight" was no time at all
    # (its reading dropped as the range "ten to midnight").
    assert value(said, "AMAZON.TIME") == expected
    assert slot(f"{said} pm", "AMAZON.TIME") is None  # noon and midnight take no "pm"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("half five", "05:30"),
        ("half seven pm", "19:30"),
        ("half six in the evening", "18:30"),
        ("half twelve", "12:30"),
        ("quarter of seven", "06:45"),
        ("ten of six", "05:50"),
        ("twenty of twelve", "11:40"),
    ],
)
def test_british_half_five_and_american_quarter_of_seven(said: str, expected: str) -> None:
    # Both filled no slot: "half five" is half past five in British English, "quarter of
    # seven" a quarter to seven in American English.
    assert value(said, "AMAZON.TIME") == expected
    assert value(said, "AMAZON.TIME", locale="en-GB") == expected


@pytest.mark.parametrize("said", ["half twenty", "half midnight", "half of seven"])
def test_half_with_no_twelve_hour_clock_hour_is_no_time(said: str) -> None:
    assert slot(said, "AMAZON.TIME") is None


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("ten till seven", "AMAZON.TIME", "06:50"),
        ("quarter till ten", "AMAZON.TIME", "09:45"),
        ("quarter of an hour", "AMAZON.DURATION", "PT15M"),
        ("a quarter of an hour", "AMAZON.DURATION", "PT15M"),
        ("a quarter hour", "AMAZON.DURATION", "PT15M"),
    ],
)
def test_till_for_to_and_a_quarter_of_an_hour(said: str, slot_type: str, expected: str) -> None:
    # "ten till seven" was dropped as a range; "quarter of an hour" (its "an" read as "a")
    # filled no slot, though "three quarters of an hour" did.
    assert value(said, slot_type) == expected
    assert slot("from ten till seven", "AMAZON.TIME") is None  # still a range


@pytest.mark.parametrize(
    ("said", "expected"),
    [("7.30", "07:30"), ("7.30pm", "19:30"), ("7.30 p m", "19:30"), ("19.45", "19:45")],
)
def test_a_time_typed_with_a_dot(said: str, expected: str) -> None:
    # British English writes "7.30" for 7:30: it filled no AMAZON.TIME slot.
    assert value(said, "AMAZON.TIME") == expected


@pytest.mark.parametrize("said", ["7.75", "7.5", "25.30", "13.30pm"])
def test_no_time_typed_with_a_dot_that_is_none(said: str) -> None:
    assert value(said, "AMAZON.TIME") is None


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("5 o clock", "05:00"),
        ("five oclock pm", "17:00"),
        ("seven o clock in the evening", "19:00"),
    ],
)
def test_o_clock_typed_apart_or_together(said: str, expected: str) -> None:
    # Only "o'clock" was read: "5 o clock" was no time, "five oclock" read with "oclock"
    # left out as a word not in the sample.
    understood = understander("AMAZON.TIME").understand(f"say {said}", now=NOW)
    assert [reading.value for reading in understood.slots] == [expected]
    assert understood.exact, understood.notes


@pytest.mark.parametrize("said", ["6 to 7", "six to seven", "9 to 5", "six till seven", "1 of 2"])
def test_hours_said_with_to_and_no_minutes_are_no_time(said: str) -> None:
    # "6 to 7" filled an AMAZON.TIME slot with 06:54 and "9 to 5" with 04:51: six minutes to
    # seven is said "six minutes to seven"; said bare, two hours so are a range (or two
    # numbers). The reading is dropped, and the explanation says why ("6 to 7": a range).
    understood = understander("AMAZON.TIME").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.request
    # ("six till seven" too: "till" is "until", no word of the time said with it.)
    ranged = " to " in said or " till " in said
    range_note = f"'{said}' is a range, not one value)"
    assert any(note.endswith(range_note) for note in understood.notes) == ranged
    assert value("six minutes to seven", "AMAZON.TIME") == "06:54"
    assert value("5 to 6", "AMAZON.TIME") == "05:55"  # five, ten, twenty to: a clock time
    assert value("twenty five to eight", "AMAZON.TIME") == "07:35"
    assert value("six past seven", "AMAZON.TIME") == "07:06"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("a minute to midnight", "23:59"),
        ("a minute past noon", "12:01"),
        ("a minute to six", "05:59"),
        ("one minute past 5 pm", "17:01"),
    ],
)
def test_a_minute_to_or_past_an_hour_is_one_minute(said: str, expected: str) -> None:
    # "one minute to midnight" was 23:59, but "a minute to midnight" no time: after "minute"
    # was set aside, the "a" was read as no number.
    assert value(said, "AMAZON.TIME") == expected
    assert value("two minutes to six", "AMAZON.TIME") == "05:58"


@pytest.mark.parametrize(
    ("said", "slot_type", "expected"),
    [
        ("ten sixty six", "AMAZON.TIME", None),
        ("nineteen ninety nine", "AMAZON.TIME", None),
        ("november twenty six", "AMAZON.TIME", None),  # was 06:00, "november twenty" left out
        ("ten sixty six", "AMAZON.FOUR_DIGIT_NUMBER", "1066"),
        ("ten sixty six", "AMAZON.DATE", "1066"),
        ("ten thirty", "AMAZON.TIME", "10:30"),
    ],
)
def test_a_number_cut_short_is_no_time_said_with_a_year(
    said: str, slot_type: str, expected: str | None
) -> None:
    # "ten sixty six" in a time slot was 06:00: "six" read as the time, and "ten sixty" left
    # out as a year (1060) said along with it, as "friday" is with "5 pm". The three words
    # are one number, 1066, no time (its minutes would be 66); the time "six" is cut from it.
    assert value(said, slot_type) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("2026 at night", None),
        ("2026 tonight", None),
        ("2026 in the evening", None),
        ("twenty twenty six at night", None),
        ("1930 tonight", None),
        ("nineteen hundred tonight", None),
        # The twelve-hour clock, or the 24-hour clock typed with its colon, is a time.
        ("1030 tonight", "22:30"),
        ("ten thirty tonight", "22:30"),
        ("730 in the evening", "19:30"),
        ("20:26 at night", "20:26"),
        ("1700 hours", "17:00"),
    ],
)
def test_a_year_said_with_a_part_of_the_day_is_no_time(said: str, expected: str | None) -> None:
    # "2026 at night" (or "twenty twenty six at night") was the time 20:26: the number read on
    # the 24-hour clock, with the part of the day it is in. A number past 12 hundred said so is
    # a year (Duckling's English reads 1000 to 2100 as one, and the 24-hour clock with no
    # colon only with "am" or "pm", hours to 12), and the 24-hour clock needs no part of the
    # day; Amazon's slot type reference documents neither reading.
    assert value(said, "AMAZON.TIME") == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("nineteen thirty", "19:30"),
        ("twenty twenty six", "20:26"),
        ("nineteen hundred", "19:00"),
        ("twenty one thirty", "21:30"),
    ],
)
def test_the_24_hour_clock_said_alone_fills_a_time_slot(said: str, expected: str) -> None:
    # Decided, not overlooked: an AMAZON.TIME slot said "nineteen thirty" alone is the 24-hour
    # clock, as someone setting an alarm means it, though "1930" typed alone is no time. A
    # year is read only where a part of the day would make it a clock time it cannot be (the
    # test above) or where an AMAZON.DATE slot beside it takes it ("nineteen ninety").
    assert value(said, "AMAZON.TIME") == expected


def test_a_year_said_with_a_part_of_the_day_is_no_reminders_time() -> None:
    # "remind me 2026 at night tonight" was the time 20:26 tonight.
    reminders = intent_understander(
        "Remind", {"time": "AMAZON.TIME", "date": "AMAZON.DATE"}, ["remind me {time} {date}"]
    )
    understood = reminders.understand("remind me 2026 at night tonight", now=NOW)
    assert "20:26" not in [fill.value for fill in understood.fills.values()]


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("ten to one pm", "12:50"),
        ("quarter to one p m", "12:45"),
        ("ten to one am", "00:50"),
        ("five past twelve pm", "12:05"),
        ("ten to two pm", "13:50"),
        ("ten to thirteen pm", None),
    ],
)
def test_minutes_to_one_am_or_pm_are_in_the_hour_before(said: str, expected: str | None) -> None:
    # "ten to one pm" was no time: the minutes taken off the hour gave 00:50, an hour 0 that
    # "am" or "pm" (the 12-hour clock, hours 1 to 12) refused. On that clock it is 12:50, and
    # "ten to one am" 00:50, as "five past twelve pm" is 12:05.
    assert value(said, "AMAZON.TIME") == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("ten to twelve pm", None),
        ("quarter to twelve p m", None),
        ("ten to twelve am", None),
        ("ten to twelve in the afternoon", None),
        ("ten to twelve this afternoon", None),
        ("ten to twelve in the morning", "11:50"),
        ("ten to twelve at night", "23:50"),
        ("ten to twelve", "11:50"),
        ("ten past twelve pm", "12:10"),
        ("ten to one pm", "12:50"),
    ],
)
def test_minutes_to_twelve_with_am_pm_or_the_afternoon_are_no_time(
    said: str, expected: str | None
) -> None:
    # "ten to twelve pm" (and "in the afternoon") was 23:50: the minutes were taken off twelve
    # and "pm" then moved 11:50 twelve hours on. Twelve pm is noon, so the words say 11:50 as
    # much as 23:50, and 11:50 is no time of the afternoon, nor 23:50 either; "ten to twelve
    # am" is 11:50 or ten to midnight (twelve am) alike. Which one is meant is a guess: no
    # time. A part of the day that says no hour ("in the morning", "at night") is the time's.
    assert value(said, "AMAZON.TIME") == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("midnight at night", "00:00"),
        ("midnight tonight", "00:00"),
        ("twelve midnight at night", "00:00"),
        ("midnight in the morning", "00:00"),
        ("noon in the afternoon", "12:00"),
        ("midday this afternoon", "12:00"),
        ("midnight in the evening", None),
        ("midnight in the afternoon", None),
        ("noon in the morning", None),
        ("noon at night", None),
        ("noon in the evening", None),
        ("midnight pm", None),
    ],
)
def test_noon_or_midnight_said_in_a_part_of_the_day(said: str, expected: str | None) -> None:
    # "midnight at night" was no time (and, to "{date} at {time}", the night, NI, "midnight"
    # left out): the hour "at night" was said of had to be a number. Midnight is in the night
    # (and the morning, as "12 in the morning" is 00:00), noon in the afternoon; either said in
    # a part of the day it is not in is no time, as "12 in the evening" is.
    assert value(said, "AMAZON.TIME") == expected
