"""AMAZON.TIME: clock times said or typed (to and past the hour, "half five", the 24-hour clock,
"pm" said once for two times), and what is no time (hour 24, minute 60, a range of hours)."""

from __future__ import annotations

import pytest

from alexaskill.slots import AlexaTime
from alexaskill.understanding import Understander, language_for
from tests.understanding_shared import NOW, intent_understander, slot, understander, value, values


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
    assert understood.notes[-1].endswith(f"'{said}' is a range, not one value)")
    assert value("5 to 6 pm", "AMAZON.TIME") == "17:55"
    assert value("from quarter to six", "AMAZON.TIME") == "05:45"


@pytest.mark.parametrize("said", ["5 to", "5 past", "five after", "ten to"])
def test_a_time_half_said_fills_no_time_slot(said: str) -> None:
    # The utterance ended before the hour: "5 to" was 05:00, the word "to" left out. Which hour
    # it was to or past is unknown: no value, as "13 pm" gives none.
    understood = understander("AMAZON.TIME").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent"
    assert understood.notes[-1].endswith(f"would leave out '{said.split()[-1]}')")
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


@pytest.mark.parametrize("said", ["6 to 7", "six to seven", "9 to 5", "six till seven", "1 of 2"])
def test_hours_said_with_to_and_no_minutes_are_no_time(said: str) -> None:
    # "6 to 7" filled an AMAZON.TIME slot with 06:54 and "9 to 5" with 04:51: six minutes to
    # seven is said "six minutes to seven"; said bare, two hours so are a range (or two
    # numbers). The reading is dropped, and the explanation says why ("6 to 7": a range).
    understood = understander("AMAZON.TIME").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.request
    # ("six till seven" too: "till" is "until", no word of the time said with it.)
    ranged = " to " in said or " till " in said
    assert understood.notes[-1].endswith(f"'{said}' is a range, not one value)") == ranged
    assert value("six minutes to seven", "AMAZON.TIME") == "06:54"
    assert value("5 to 6", "AMAZON.TIME") == "05:55"  # five, ten, twenty to: a clock time
    assert value("twenty five to eight", "AMAZON.TIME") == "07:35"
    assert value("six past seven", "AMAZON.TIME") == "07:06"


@pytest.mark.parametrize(
    ("said", "listed"),
    [
        ("11 and 12 pm", ["11:00", "12:00"]),
        ("9 and 5 pm", ["09:00", "17:00"]),
        ("11, 12 and 1 pm", ["11:00", "12:00", "13:00"]),
        # The afternoon runs from noon to seven: eleven is in it neither as 11:00 nor as
        # 23:00 ("11 in the afternoon" is no time), so the list is no reading, not 11:00.
        ("eleven or twelve in the afternoon", None),
        ("eleven and one in the afternoon", None),
        ("one or two in the afternoon", ["13:00", "14:00"]),
    ],
)
def test_pm_said_once_is_no_earlier_hours_it_would_put_after_the_last(
    said: str, listed: list[str] | None
) -> None:
    # "11 and 12 pm" filled a multiple-value AMAZON.TIME slot with 23:00 and 12:00: the "pm"
    # read into the 11 put it eleven hours after the noon said with it. An hour it would put
    # after the last is taken as said (11:00: "11 to 12 pm", eleven to noon).
    assert values(said, "AMAZON.TIME") == listed
    assert values("5 and 6 pm", "AMAZON.TIME") == ["17:00", "18:00"]
    assert values("11 and 11:30 pm", "AMAZON.TIME") == ["23:00", "23:30"]


@pytest.mark.parametrize(
    ("said", "listed"),
    [
        ("seven or eight in the afternoon", None),
        ("ten to eight or eight in the afternoon", None),
        ("nine or ten in the morning", ["09:00", "10:00"]),
        ("eight or nine pm in the morning", None),
        ("nine or ten am in the morning", ["09:00", "10:00"]),  # said twice, as "7 pm at night"
        ("one or two at night", ["01:00", "02:00"]),
        # The time beside the words is the one in it: the last (10:00 is in no night).
        ("ten am or 7 pm at night", ["10:00", "19:00"]),
        ("ten or eleven am in the morning", ["10:00", "11:00"]),
        ("three or four am at night", ["03:00", "04:00"]),  # the night ends at five
        ("four or five am at night", None),
        ("eleven am or 12 pm in the morning", None),  # noon is in no morning
        ("eleven am or noon in the morning", None),
        ("seven or eight", ["07:00", "08:00"]),
    ],
)
def test_a_list_of_times_leaving_out_the_part_of_the_day_said_after_it_is_no_reading(
    said: str, listed: list[str] | None
) -> None:
    # "seven or eight in the afternoon" filled a multiple-value AMAZON.TIME slot with 07:00
    # and 08:00: no list reads "in the afternoon" (seven is in no afternoon), and a loose
    # reading left those words out, keeping the hours as said, in the morning. A part of the
    # day left out beside a list is weighed as beside one time ("11 in the afternoon" is no
    # 11:00): the list's time next to it must be in it.
    assert values(said, "AMAZON.TIME") == listed


def test_a_part_of_the_day_said_once_after_two_slots_puts_neither_out_of_it() -> None:
    # "between eleven and twelve in the afternoon" read the start as 11:00, as said: the
    # afternoon said once is the start's too, and eleven is in no afternoon.
    assert "11:00" not in window_fills("between eleven and twelve in the afternoon").values()
    assert window_fills("between one and two in the afternoon") == {
        "start": "13:00",
        "end": "14:00",
    }


def window_understander(*more: str) -> Understander:
    """An intent with two AMAZON.TIME slots, ``start`` and ``end`` (samples ``more`` too)."""
    slots = {"start": "AMAZON.TIME", "end": "AMAZON.TIME"}
    samples = ["between {start} and {end}", "from {start} to {end}", "{start} or {end}", *more]
    return intent_understander("Window", slots, samples)


def window_fills(said: str) -> dict[str, str]:
    """The values ``said`` fills `window_understander`'s slots with."""
    understood = window_understander().understand(said, now=NOW)
    return {name: fill.value for name, fill in understood.fills.items()}


@pytest.mark.parametrize(
    ("said", "start", "end"),
    [
        ("between 5 and six thirty pm", "17:00", "18:30"),
        ("from 5 to 6 pm", "17:00", "18:00"),
        ("from 9 to 5 pm", "09:00", "17:00"),
        ("between 11 and 12 pm", "11:00", "12:00"),
        ("7 or 8 in the evening", "19:00", "20:00"),
        ("from 10 am to 2 pm", "10:00", "14:00"),
        ("from 9 to 5", "09:00", "05:00"),
        ("from noon to 5 pm", "12:00", "17:00"),
    ],
)
def test_pm_said_once_after_two_time_slots_is_the_first_ones_too(
    said: str, start: str, end: str
) -> None:
    # "between 5 and six thirty pm" filled start with 05:00 and end with 18:30: the "pm" said
    # once for both was read into the second only, as it was in a multiple-value slot before.
    assert window_fills(said) == {"start": start, "end": end}


@pytest.mark.parametrize(
    ("said", "start", "end"),
    [
        ("from 7 tonight to 8", "19:00", "20:00"),
        ("between 7 in the evening and 9", "19:00", "21:00"),
        ("7 tonight or 8", "19:00", "20:00"),
        ("from 2 in the afternoon to 4", "14:00", "16:00"),
        ("from 9 in the morning to 11", "09:00", "11:00"),
        ("from 7 tonight to 8 am", "19:00", "08:00"),  # its "am" its own
        # One in no evening is as said: the range runs into the night.
        ("from 7 in the evening to 1", "19:00", "01:00"),
        ("between 7 in the evening and 1", "19:00", "01:00"),
    ],
)
def test_a_part_of_the_day_said_after_the_first_of_two_time_slots_is_the_seconds_too(
    said: str, start: str, end: str
) -> None:
    # "from 7 tonight to 8" filled end with 08:00: the part of the day said once after the
    # first of two times joined by "to", "and" or "or" was read into the first only, as it
    # was in a multiple-value slot ("7 tonight or 8", now 19:00 and 20:00).
    assert window_fills(said) == {"start": start, "end": end}


@pytest.mark.parametrize(
    ("said", "start", "end"),
    [
        ("quiet hours tonight at 7 to 8", "19:00", "20:00"),
        ("quiet hours this evening at seven to eight", "19:00", "20:00"),
        ("tonight at 7 or 8", "19:00", "20:00"),
        ("quiet hours tonight from 7 to 8", "19:00", "20:00"),
        ("tonight between 7 and 8", "19:00", "20:00"),
        ("quiet hours tonight from 11 to 1", "23:00", "01:00"),
        # The second's own words, or a second in no such part, as said (the range runs on).
        ("quiet hours tonight at 7 to 8 am", "19:00", "08:00"),
        ("quiet hours tonight from 7 to 8 am", "19:00", "08:00"),
        ("quiet hours this evening at 7 to 1", "19:00", "01:00"),
        ("quiet hours tonight from 9 to 5 am", "21:00", "05:00"),
    ],
)
def test_a_part_of_the_day_said_before_two_time_slots_is_both_ones(
    said: str, start: str, end: str
) -> None:
    # "tonight at 7 to 8" filled end with 08:00 (the part of the day, said before the first of
    # two times, was the first's only), "tonight between 7 and 8" both with 07:00 and 08:00
    # ("tonight" left out), and "quiet hours tonight from 7 to 8" was no reading: a
    # multiple-value slot reads "tonight at 7 or 8" as 19:00 and 20:00, and a range now too.
    understood = quiet_hours().understand(said, now=NOW)
    found = {name: fill.value for name, fill in understood.fills.items()}
    assert found == {"start": start, "end": end}
    assert not [note for note in understood.notes if note.startswith("words not in")]


@pytest.mark.parametrize(
    "said", ["quiet hours tonight from 1 pm to 2", "quiet hours tonight from noon to 2"]
)
def test_a_part_of_the_day_said_before_two_time_slots_the_first_is_not_in_is_no_reading(
    said: str,
) -> None:
    # As "tonight at 1 pm" is no time: the first is in no night.
    understood = quiet_hours().understand(said, now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills


def quiet_hours() -> Understander:
    """`window_understander` with samples that have a word of meaning besides "from" and "to"
    (a sample of function words alone is read exactly only)."""
    return window_understander("quiet hours {start} to {end}", "quiet hours from {start} to {end}")


@pytest.mark.parametrize(
    ("said", "listed"),
    [
        ("7 pm or 8", ["19:00", "20:00"]),
        ("7 pm, 8 or 9", ["19:00", "20:00", "21:00"]),
        ("7 p m or eight thirty", ["19:00", "20:30"]),
        ("7:30 pm or 8", ["19:30", "20:00"]),
        ("12 pm or 1", ["12:00", "13:00"]),
        # A later hour whose "pm" would put it further from the first is as said: one after
        # eleven at night is 01:00, no 13:00 (and "7 pm or 6" 18:00: see the test below).
        ("11 pm or 1", ["23:00", "01:00"]),
        ("7 pm or 8 am", ["19:00", "08:00"]),  # its "am" its own
        ("7 am or 8", ["07:00", "08:00"]),
        ("11 am or 12", ["11:00", "12:00"]),  # no "12 am", midnight
    ],
)
def test_pm_said_after_the_first_time_is_a_later_number_alones_too(
    said: str, listed: list[str] | None
) -> None:
    # "7 pm or 8" filled a multiple-value AMAZON.TIME slot with 19:00 and 08:00: the "pm" said
    # once, after the first time, was that time's only, as "11 pm or 1" is no 13:00. A later
    # number alone takes it when that puts it nearer the first (either way round the clock);
    # one it would put further from it is as said.
    assert values(said, "AMAZON.TIME") == listed


@pytest.mark.parametrize(
    ("said", "start", "end"),
    [
        ("from 7 pm to 8", "19:00", "20:00"),
        ("between 7 pm and 8", "19:00", "20:00"),
        ("from 11 pm to 1", "23:00", "01:00"),
        ("from 7 pm to 6", "19:00", "06:00"),
    ],
)
def test_pm_said_after_the_first_of_two_time_slots_is_a_later_seconds_too(
    said: str, start: str, end: str
) -> None:
    # "from 7 pm to 8" filled end with 08:00, as in a multiple-value slot.
    assert window_fills(said) == {"start": start, "end": end}


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


@pytest.mark.parametrize(
    ("said", "listed"),
    [
        ("7 pm or 6", ["19:00", "18:00"]),
        ("9 pm or 10", ["21:00", "22:00"]),
        ("11 pm or 1", ["23:00", "01:00"]),
        ("12 pm or 1", ["12:00", "13:00"]),
        ("5 pm or 4", ["17:00", "16:00"]),
        ("7 pm or 1", ["19:00", "01:00"]),  # as near either way: as said
    ],
)
def test_pm_said_after_the_first_time_is_a_later_number_alones_when_it_is_nearer(
    said: str, listed: list[str]
) -> None:
    # "7 pm or 6" filled a multiple-value AMAZON.TIME slot with 19:00 and 06:00: the "pm" was
    # carried only forwards. A person offering another time means one near the first: the
    # later number takes the "pm" when that puts it nearer the first than as said, before or
    # after it ("11 pm or 1" is still 01:00, two hours on, no 13:00, ten hours back).
    assert values(said, "AMAZON.TIME") == listed


@pytest.mark.parametrize(
    ("said", "start", "end"),
    [
        ("7 pm or 6", "19:00", "18:00"),
        ("from 7 pm to 6", "19:00", "06:00"),  # a range runs on: overnight
        ("between 7 pm and 6", "19:00", "06:00"),
        ("from 9 pm to 10", "21:00", "22:00"),
    ],
)
def test_pm_said_after_the_first_of_two_time_slots_is_nearer_in_a_choice_later_in_a_range(
    said: str, start: str, end: str
) -> None:
    assert window_fills(said) == {"start": start, "end": end}


@pytest.mark.parametrize(
    ("said", "start", "end"),
    [
        ("quiet hours this evening from 7 to 8", "19:00", "20:00"),
        ("quiet hours this morning from 9 to 11", "09:00", "11:00"),
        ("quiet hours in the evening from 7 to 8", "19:00", "20:00"),
    ],
)
def test_a_part_of_the_day_said_before_from_is_read_into_both_times(
    said: str, start: str, end: str
) -> None:
    # "quiet hours this evening from 7 to 8" filled start with EV and end with 08:00, "from 7"
    # left out; then it was no reading: that one refused, the retry barred the words of every
    # value it held, "8" too, so the reading of 7 and 8 with the part of the day said before
    # both (as "tonight from 7 to 8" is read) was never tried.
    understood = quiet_hours().understand(said, now=NOW)
    found = {name: fill.value for name, fill in understood.fills.items()}
    assert (understood.intent, found) == ("Window", {"start": start, "end": end})


@pytest.mark.parametrize(
    ("said", "refused"),
    [
        # It filled the slot with EV: "7 tomorrow evening" is no time, so nothing refused it.
        # The time slot reads no "tomorrow evening" now (no day): as "friday evening from 7".
        ("tomorrow evening from 7", "'evening from' would be left out of the time '7' (07:00)"),
        ("tomorrow morning from 9", None),
    ],
)
def test_a_number_left_out_after_a_part_of_the_day_is_no_reading(
    said: str, refused: str | None
) -> None:
    # One time slot: "tomorrow evening" (EV) with "from 7" left out drops the time the user
    # said, and no reading of a time slot holds both (the date's "tomorrow" is none of its):
    # no reading, and the note says which reading was refused, if one came close enough.
    understood = understander("AMAZON.TIME").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills
    note = "no sample is close enough"
    if refused is not None:
        note += f" (a reading was dropped: {refused})"
    assert understood.notes == (note,)


@pytest.mark.parametrize("said", ["tonight after 8", "this evening after 7"])
def test_a_part_of_the_day_left_out_with_the_users_after_is_no_reading(said: str) -> None:
    # One time slot: "tonight after 8" filled it with 08:00, "tonight after" left out: the check
    # for a part of the day left out next to a time looked past the sample's grammar word only,
    # never past one the user said. "After 8" is no time of 8 (a time later than it), so no
    # reading holds both: none.
    understood = understander("AMAZON.TIME").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("tonight from 8", "20:00"),
        ("tonight until 8", "20:00"),
        ("tonight from 7", "19:00"),
        ("this evening from 7", "19:00"),
        ("this evening until 9", "21:00"),
        ("this morning from 9", "09:00"),
        ("in the afternoon from 3", "15:00"),
        ("from 8 tonight", "20:00"),
        ("until 8 tonight", "20:00"),
        ("from 7 in the evening", "19:00"),
        ("tonight from 1", "01:00"),
    ],
)
def test_a_time_said_with_a_part_of_the_day_and_from_or_until_holds_all_three(
    said: str, expected: str
) -> None:
    # One time slot: "say from 8 tonight" filled it with 20:00, "from" left out, where "say
    # this evening from 7" (and "tonight from 8", "tonight until 8") was no reading: the clock
    # read "at", "by" or "around" said with a part of the day, never "from" or "until". It
    # reads them either side, as "tonight at 8" (20:00) and "at 8 tonight": no word is left out.
    understood = understander("AMAZON.TIME").understand(f"say {said}", now=NOW)
    found = {name: fill.value for name, fill in understood.fills.items()}
    assert (understood.intent, found, understood.notes) == ("Say", {"value": expected}, ())


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("this evening from 1", None),  # one in the evening is no time
        ("tonight from 1 pm", None),
        ("tonight until 8 am", None),
        ("from 8", None),  # no part of the day: "from" alone stays no word of the time's
        ("until 8 am", None),
        ("from 5 to 6 tonight", None),  # a range, no 17:55
        ("from ten to six in the evening", None),
    ],
)
def test_from_or_until_is_read_with_a_time_only_in_the_part_of_the_day_said(
    said: str, expected: str | None
) -> None:
    parse = language_for("en-US").slot_parser("AMAZON.TIME")
    assert parse is not None
    assert parse(said.split(), NOW) == expected


@pytest.mark.parametrize(
    ("said", "expected"), [("tonight at 8", "20:00"), ("tonight from 1", "01:00")]
)
def test_a_part_of_the_day_said_before_a_time_in_it_is_still_read(said: str, expected: str) -> None:
    # The time is in the part of the day ("tonight from 1", 01:00, as "tonight at 1"): read.
    assert value(said, "AMAZON.TIME") == expected


@pytest.mark.parametrize(
    "said",
    [
        "quiet hours this evening from 1 to 2",
        "quiet hours in the evening from 1 to 2",
        "quiet hours this evening from 1 to 7",
    ],
)
def test_a_number_in_no_part_of_the_day_said_before_it_is_never_left_out(said: str) -> None:
    # "quiet hours this evening from 1 to 2" filled start with EV and end with 02:00, "from 1"
    # left out: one in the evening is no time (13:00 is in the afternoon, 01:00 in the night),
    # so nothing refused the reading that dropped it. No reading, as "tonight from 1 pm to 2",
    # the first in no such part, is none.
    understood = quiet_hours().understand(said, now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills


@pytest.mark.parametrize(
    ("said", "start"),
    [("this morning from 9", "09:00"), ("tonight from 1", "01:00")],
)
def test_a_part_of_the_day_said_before_a_start_in_it_fills_no_other_slot(
    said: str, start: str
) -> None:
    # "quiet hours this morning from 9" filled start with 09:00 and end with MO: the start read
    # loosely ("this morning" left out, the same time said twice), the words left over went to
    # the empty end. They are the start's: the end stays empty.
    understood = quiet_hours().understand(f"quiet hours {said}", now=NOW)
    found = {name: fill.value for name, fill in understood.fills.items()}
    assert (understood.intent, found) == ("Window", {"start": start})


@pytest.mark.parametrize(
    ("said", "start"),
    [
        ("this evening from 7", "19:00"),
        ("tonight from 7", "19:00"),
        ("in the evening from 8", "20:00"),
        ("this afternoon from 3", "15:00"),
    ],
)
def test_a_part_of_the_day_said_before_from_is_read_into_the_start_alone(
    said: str, start: str
) -> None:
    # "quiet hours this evening from 7" filled start with EV and end with 07:00; then it was no
    # reading: the part of the day said before the sample's "from" was read into two times
    # only ("this evening from 7 to 8"). It is the start's, 19:00, the end not said.
    understood = quiet_hours().understand(f"quiet hours {said}", now=NOW)
    found = {name: fill.value for name, fill in understood.fills.items()}
    assert (understood.intent, found) == ("Window", {"start": start})


@pytest.mark.parametrize("said", ["this evening from 1", "tonight from 1 pm"])
def test_a_part_of_the_day_and_a_start_not_in_it_are_no_start_and_end(said: str) -> None:
    # "quiet hours this evening from 1" filled start with EV and end with 01:00 ("tonight from
    # 1 pm": NI and 13:00): the time after "from" is a start, in no such part: no reading.
    understood = quiet_hours().understand(f"quiet hours {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills


@pytest.mark.parametrize("said", ["tonight until 8", "this evening until 9", "tonight until 7"])
def test_a_part_of_the_day_and_a_time_in_it_after_until_are_no_start_and_end(said: str) -> None:
    # "quiet hours tonight until 8" (of "quiet hours {start} to {end}") filled start with NI and
    # end with 08:00, "until" read as the sample's "to": the 8 read out of the night said right
    # before it, where the same words to one time slot are 20:00 ("tonight at 8"). Reading the
    # night into the end too (NI and 20:00) would give one part of the day to two values, which
    # no other reading does ("quiet hours tonight from 7" is the start 19:00, the end empty);
    # which of 20:00 and 08:00 is meant is a guess: no reading.
    understood = quiet_hours().understand(f"quiet hours {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills
    assert "is one time" in understood.notes[-1], understood.notes


@pytest.mark.parametrize(
    ("said", "start", "end"),
    [
        ("this morning until 11", "MO", "11:00"),  # the end as said either way
        ("tonight until 8 am", "NI", "08:00"),  # 8 am is in no night: the end alone
        ("tonight to 8", "NI", "08:00"),  # the sample's own words, exactly
    ],
)
def test_a_part_of_the_day_and_an_end_it_does_not_move_are_a_start_and_end(
    said: str, start: str, end: str
) -> None:
    understood = quiet_hours().understand(f"quiet hours {said}", now=NOW)
    found = {name: fill.value for name, fill in understood.fills.items()}
    assert (understood.intent, found) == ("Window", {"start": start, "end": end})


def test_the_words_that_open_a_range_are_the_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    # "from" and "between" were written three times (cut.py, generalise.py, companions.py),
    # English in language-independent modules. They are `Language.openers`: a language without
    # them reads no "from 5 to 6 pm" as a range, nor "this evening from 7" as the start.
    from alexaskill.understanding.languages.english import English

    assert language_for("en-US").openers == {"from", "between"}
    assert value("from 5 to 6 pm", "AMAZON.TIME") is None  # a range, no 17:55
    started = quiet_hours().understand("quiet hours this evening from 7", now=NOW)
    assert {name: fill.value for name, fill in started.fills.items()} == {"start": "19:00"}
    monkeypatch.setattr(English, "openers", frozenset(), raising=False)
    assert value("from 5 to 6 pm", "AMAZON.TIME") == "17:55"
    started = quiet_hours().understand("quiet hours this evening from 7", now=NOW)
    assert {name: fill.value for name, fill in started.fills.items()} != {"start": "19:00"}


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("from 8 tonight", {"start": "20:00"}),
        ("from 7 in the evening", {"start": "19:00"}),
        ("from 9 this morning", {"start": "09:00"}),
        ("until 8 tonight", {"end": "20:00"}),
        ("until 7 in the evening", {"end": "19:00"}),
        # "until 8" filled the start, "until" left out: the end, as the user said.
        ("until 8", {"end": "08:00"}),
        ("from 8", {"start": "08:00"}),
    ],
)
def test_a_time_and_its_part_of_the_day_are_one_slots(said: str, expected: dict[str, str]) -> None:
    # "quiet hours from 8 tonight" filled start with 08:00 and end with NI ("until 8 tonight"
    # too): one time, "8 tonight", cut in two, its part of the day given to the empty end and
    # the 8 read out of it. It is one value, 20:00: the start after "from", the end after
    # "until", the other slot not said. A reading that puts a time said after "from" in the
    # end slot (the sample's "from" matched, the start left empty) or one said after "until"
    # in the start slot is none: that value is barred from that slot alone, and read by the
    # other.
    understood = quiet_hours().understand(f"quiet hours {said}", now=NOW)
    found = {name: fill.value for name, fill in understood.fills.items()}
    assert (understood.intent, found) == ("Window", expected)


@pytest.mark.parametrize(
    "said", ["after 8 tonight", "before 8 tonight", "after 8", "tonight after 8", "before 8"]
)
def test_a_time_said_after_a_word_that_moves_it_is_no_reading(said: str) -> None:
    # "say after 8 tonight" filled the one time slot with 20:00 ("say after 8": 08:00), the
    # "after" left out, while "say tonight after 8" was no reading: after eight is no eight.
    assert value(said, "AMAZON.TIME") is None


@pytest.mark.parametrize("bound", ["until", "till", "til"])
def test_till_says_an_end_as_until_does(bound: str) -> None:
    # "say till 8 tonight" (one time slot) was no reading where "say until 8 tonight" is
    # 20:00, and "quiet hours till 8" none where "until 8" is the end 08:00: "till" is "until".
    assert value(f"{bound} 8 tonight", "AMAZON.TIME") == "20:00"
    assert value(f"tonight {bound} 8", "AMAZON.TIME") == "20:00"
    for said, expected in [("8 tonight", {"end": "20:00"}), ("8", {"end": "08:00"})]:
        understood = quiet_hours().understand(f"quiet hours {bound} {said}", now=NOW)
        assert {name: fill.value for name, fill in understood.fills.items()} == expected
    # A part of the day and a time in it after the bound are no start and end (which of
    # 08:00 and 20:00 is meant is a guess), as for "until".
    understood = quiet_hours().understand(f"quiet hours tonight {bound} 8", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills
    for said, expected in [
        (f"tonight {bound} 8 am", {"start": "NI", "end": "08:00"}),
        (f"this morning {bound} 11", {"start": "MO", "end": "11:00"}),
    ]:
        understood = quiet_hours().understand(f"quiet hours {said}", now=NOW)
        assert {name: fill.value for name, fill in understood.fills.items()} == expected


@pytest.mark.parametrize(
    "said",
    ["8", "8 pm", "8 tonight", "8 am", "eight thirty", "20:00", "noon", "tonight", "this evening"],
)
def test_a_time_said_alone_to_a_start_and_an_end_is_the_start(said: str) -> None:
    # "quiet hours 8" filled start with 08:00, "quiet hours 8 pm", "8 tonight", "eight thirty"
    # and "this evening" the end: leaving the start empty and leaving the end empty cost the
    # same, and the sums' rounding chose (one word on one side, two on the other). A time said
    # where the sample's first slot is, no "until" or "to" with it, is the start, whatever its
    # kind of value: the end is for the dialog to ask ("until 8" is still the end).
    understood = quiet_hours().understand(f"quiet hours {said}", now=NOW)
    assert set(understood.fills) == {"start"}, understood.fills


def reminder_time() -> Understander:
    """An intent with one AMAZON.TIME slot, ``time``, and no date slot."""
    return intent_understander(
        "Remind", {"time": "AMAZON.TIME"}, ["remind me {time}", "remind me at {time}"]
    )


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("remind me at twenty twenty six in the evening", None),
        ("remind me nineteen thirty in the evening", None),
        ("remind me at nineteen thirty in the evening", None),
        ("remind me 2026 in the evening", None),
        ("remind me at ten thirty in the evening", "22:30"),
        ("remind me at 7 in the evening", "19:00"),
    ],
)
def test_no_time_reading_leaves_out_the_numbers_said_before_it(
    said: str, expected: str | None
) -> None:
    # With one time slot, "remind me at twenty twenty six in the evening" was 18:00, "twenty
    # twenty" left out, and "remind me nineteen thirty in the evening" EV, "nineteen thirty"
    # left out: the numbers were taken for a year said along with the time (as "friday" is
    # with "5 pm") and dropped. Said with a part of the day, the 24-hour clock is a year, no
    # time (test_a_year_said_with_a_part_of_the_day_is_no_time: "nineteen thirty tonight"),
    # and no slot holds a year: no reading, never one without the numbers.
    understood = reminder_time().understand(said, now=NOW)
    got = understood.fills["time"].value if "time" in understood.fills else None
    assert got == expected, understood.explain()
    if expected is None:
        assert understood.intent == "AMAZON.FallbackIntent", understood.explain()


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("remind me friday at 7 pm", None),
        ("remind me friday 7 pm", None),
        ("remind me at 7 pm friday", None),
        ("remind me tomorrow at 7", None),
        ("remind me 7 tomorrow", None),
        ("remind me at 5 pm on friday", None),
        ("remind me 7 pm on the 5th", None),
        ("remind me at noon tomorrow", None),
        ("remind me at 7 pm next week", None),
        # A part of the day the time reads along is the time's own, said again or not.
        ("remind me tonight at 7", "19:00"),
        ("remind me 7 pm tonight", "19:00"),
        ("remind me 7 pm this evening", "19:00"),
        ("remind me at 7 pm please", "19:00"),
    ],
)
def test_no_time_reading_leaves_out_a_date_said_with_it(said: str, expected: str | None) -> None:
    # With one time slot and no date slot, "remind me friday at 7 pm" was 19:00 and "remind me
    # tomorrow at 7" 07:00: the date was taken for words said along with the time (as "at 5
    # pm" is with "friday" in a date slot) and dropped. A time read without its date names
    # another day (the reminder rings today), where a date read without its time is still the
    # day said: no slot holds the date, so no reading, never one without it.
    understood = reminder_time().understand(said, now=NOW)
    got = understood.fills["time"].value if "time" in understood.fills else None
    assert got == expected, understood.explain()
    if expected is None:
        assert understood.intent == "AMAZON.FallbackIntent", understood.explain()


@pytest.mark.parametrize(
    ("said", "hour", "expected"),
    [
        ("remind me at 7 pm today", 12, "19:00"),
        ("remind me today at 7 pm", 12, "19:00"),
        ("remind me at 9 am today", 8, "09:00"),
        ("remind me at 9 am today", 12, None),
        ("remind me today at noon", 12, None),  # now: no more to come
        ("remind me at 7 pm sunday", 12, None),  # today a Sunday: no word for today
        ("remind me today", 12, None),  # no clock time
    ],
)
def test_today_said_with_a_clock_time_to_come_may_be_left_out(
    said: str, hour: int, expected: str | None
) -> None:
    # With one time slot and no date slot, "remind me at 7 pm today" was no reading, "today"
    # a date left out. A clock time still to come today is today's without the word: "today"
    # loses nothing, as "tonight" beside "7 pm" does not. A time already past (or now) alone
    # is tomorrow's: the date said is dropped, no reading.
    understood = reminder_time().understand(said, now=NOW.replace(hour=hour))
    got = understood.fills["time"].value if "time" in understood.fills else None
    assert got == expected, understood.explain()
    if expected is None:
        assert understood.intent == "AMAZON.FallbackIntent", understood.explain()
        assert "would be left out" in understood.explain()


@pytest.mark.parametrize(
    ("said", "left_out"),
    [
        ("remind me friday", "friday"),
        ("remind me on friday", "on friday"),
        ("remind me at friday", "friday"),
        ("remind me friday please", "friday"),
        ("remind me tomorrow", "tomorrow"),
        ("remind me the 5th", "the 5th"),
    ],
)
def test_no_reading_with_the_time_slot_empty_leaves_out_a_date(said: str, left_out: str) -> None:
    # With one time slot and no date slot, "remind me friday" was Remind with no slot filled,
    # "friday" dropped, where "remind me friday at 7 pm" is no reading: the check for a date
    # left out weighed the dates said next to a time slot's value, and none was filled. The
    # time the dialog then asks names a time of another day all the same: no reading.
    understood = reminder_time().understand(said, now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.explain()
    assert f"{left_out!r} would be left out" in understood.explain()


@pytest.mark.parametrize("said", ["remind me please", "remind me at 5", "remind me tonight"])
def test_a_reading_with_the_time_slot_empty_or_not_leaving_out_no_date_stays(said: str) -> None:
    # The check above refuses a date alone: words that are none stay left out, a lone number
    # is the time's ("5"), a part of the day too ("tonight", NI).
    understood = reminder_time().understand(said, now=NOW)
    assert understood.intent == "Remind", understood.explain()


@pytest.mark.parametrize(
    "said",
    ["quiet hours until 8 to 10", "quiet hours from 8 to 10 until 11", "quiet hours till 8 to 10"],
)
def test_no_reading_leaves_out_a_time_said_after_until_or_from(said: str) -> None:
    # "quiet hours until 8 to 10" (of "quiet hours {start} to {end}") filled the end with
    # 10:00, "until 8" left out: "until 8" is no start (the bound says an end), so the start's
    # reading was refused, and the next left the words out. The user said two ends; which is
    # meant is a guess, and a reading without one of them drops a time said: no reading.
    understood = quiet_hours().understand(said, now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.explain()


def test_a_bound_said_with_its_time_in_a_slot_is_still_read() -> None:
    # The check above refuses only a time left out with its bound: "until 8" read into the
    # end (its "until" the value's) is still the end 08:00.
    understood = quiet_hours().understand("quiet hours until 8", now=NOW)
    assert {name: fill.value for name, fill in understood.fills.items()} == {"end": "08:00"}
