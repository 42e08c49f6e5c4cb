"""The hours of a part of the day: the afternoon ends before seven, the evening starts at five, the
night holds midnight; a time, a list of times or an alarm said in one (before or after it) is
read in it, and one out of it is no reading."""

from __future__ import annotations

import pytest

from tests.understanding_shared import alarm_reads, slot, value, values


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for ten to twelve pm", None),
        ("set an alarm for ten to twelve in the afternoon", None),
        ("set an alarm for ten to twelve pm tomorrow", None),
        (
            "set an alarm for ten to twelve tomorrow morning",
            {"time": "11:50", "date": "2026-11-30"},
        ),
        ("set an alarm for ten to twelve at night", {"time": "23:50"}),
    ],
)
def test_minutes_to_twelve_pm_fill_no_alarm(said: str, expected: dict[str, str] | None) -> None:
    # "ten to twelve pm" filled time with 23:50, though twelve pm is noon: no time (see
    # test_understanding_times.py), and no reading leaving out its "pm" either.
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for midnight at night", {"time": "00:00"}),
        ("set an alarm for midnight", {"time": "00:00"}),
        ("set an alarm for midnight tonight", {"time": "00:00", "date": "2026-11-29"}),
        ("set an alarm for tonight at midnight", {"time": "00:00", "date": "2026-11-29"}),
        ("set an alarm for noon at night", None),
    ],
)
def test_midnight_at_night_is_midnight(said: str, expected: dict[str, str] | None) -> None:
    # "midnight at night" filled time with NI: "{date} at {time}" read "night" as the time,
    # the date empty and "midnight" left out before the sample's "at" (a time the night
    # holds, so not refused as "noon at night" is). It is midnight, as "midnight" alone is.
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("11 in the afternoon", None),
        ("ten thirty this afternoon", None),
        ("eleven thirty in the afternoon", None),
        ("7 in the afternoon", None),
        ("half seven in the afternoon", None),
        ("ten past seven this afternoon", None),
        ("19:00 in the afternoon", None),
        ("23:00 this afternoon", None),
        ("7 pm this afternoon", None),
        ("10 pm this afternoon", None),
        # Kept: noon to just before seven is the afternoon.
        ("12 in the afternoon", "12:00"),
        ("2 in the afternoon", "14:00"),
        ("6 in the afternoon", "18:00"),
        ("six thirty in the afternoon", "18:30"),
        ("ten to seven this afternoon", "18:50"),
        ("18:59 this afternoon", "18:59"),
        ("6 pm this afternoon", "18:00"),
        # Kept: the evening and the night run on to midnight.
        ("11 in the evening", "23:00"),
        ("ten thirty this evening", "22:30"),
        ("7 in the evening", "19:00"),
        ("11 at night", "23:00"),
        ("ten thirty tonight", "22:30"),
        ("10 pm this evening", "22:00"),
    ],
)
def test_the_afternoon_ends_before_seven(said: str, expected: str | None) -> None:
    # "11 in the afternoon" was 23:00 and "ten thirty this afternoon" 22:30: the afternoon ran
    # from noon to midnight, so "pm" was read into any hour said in it. Amazon names the
    # afternoon (AF) but gives it no hours; it is taken as noon to seven (Duckling's English
    # afternoon), and an hour said in it outside that is no time, as "1 pm tonight" is none.
    found = slot(said, "AMAZON.TIME")
    assert (None if found is None else found["value"]) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for ten thirty this afternoon", None),
        ("set an alarm for 11 in the afternoon", None),
        ("set an alarm for 10 pm tomorrow afternoon", None),
        ("set an alarm for tomorrow afternoon at 10 pm", None),
        ("set an alarm for 19:00 tomorrow afternoon", None),
        ("set an alarm for 6 pm tomorrow afternoon", {"time": "18:00", "date": "2026-11-30"}),
        ("set an alarm for 3 pm tomorrow afternoon", {"time": "15:00", "date": "2026-11-30"}),
        ("set an alarm for 10 pm tomorrow evening", {"time": "22:00", "date": "2026-11-30"}),
        ("set an alarm for 10 pm tomorrow night", {"time": "22:00", "date": "2026-11-30"}),
    ],
)
def test_an_alarm_out_of_the_afternoon_it_is_said_in_is_no_reading(
    said: str, expected: dict[str, str] | None
) -> None:
    # "ten thirty this afternoon" filled time with 22:30, and "10 pm tomorrow afternoon" time
    # with 22:00 and date with tomorrow: a time out of the afternoon, as "1 pm tonight" is a
    # time out of the night (no reading).
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("one in the evening", None),
        ("two in the evening", None),
        ("four in the evening", None),
        ("one thirty in the evening", None),
        ("quarter past four this evening", None),
        ("13:00 in the evening", None),
        ("1 pm this evening", None),
        ("4:30 pm this evening", None),
        # Kept: from five to midnight is the evening (17:00 to 18:59 the afternoon's too).
        ("five in the evening", "17:00"),
        ("5 pm this evening", "17:00"),
        ("six in the evening", "18:00"),
        ("six in the afternoon", "18:00"),
        ("half six in the evening", "18:30"),
        ("seven in the evening", "19:00"),
        ("19:00 in the evening", "19:00"),
        ("eleven in the evening", "23:00"),
    ],
)
def test_the_evening_starts_at_five(said: str, expected: str | None) -> None:
    # The evening ran from 13:00, overlapping the afternoon (noon to seven) all its length:
    # "one in the evening" was 13:00, "4:30 pm this evening" 16:30, hours nobody calls the
    # evening. Duckling's English evening and night both start at six; the night here starts
    # at five ("5 at night" is 17:00), and "five in the evening" is 17:00, so the evening
    # starts with it. An hour said in it before five is no time, as "11 in the afternoon" is.
    found = slot(said, "AMAZON.TIME")
    assert (None if found is None else found["value"]) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("at 5 in the evening", "17:00"),
        ("at 5 this evening", "17:00"),
        ("tonight at 5", "17:00"),
        ("quarter to six in the evening", "17:45"),
        ("half past four in the evening", None),
        ("at 4 in the evening", None),
    ],
)
def test_at_five_in_the_evening_is_five_pm_in_every_reading(
    said: str, expected: str | None
) -> None:
    # Amazon gives the evening (EV) and the night (NI) no hours; they start at five here, an
    # hour before Duckling's, whose "<time> <part-of-day>" rule finds no 17:00 in an evening
    # starting at 18:00. One time slot, a multiple-value one and a time said with a date
    # read the same hours: a time slot alone, then beside a date slot.
    assert value(said, "AMAZON.TIME") == expected
    assert listed(said) == expected
    alarm_reads(f"set an alarm for {said}", None if expected is None else {"time": expected})


@pytest.mark.parametrize(
    ("part", "code"),
    [("morning", "MO"), ("afternoon", "AF"), ("evening", "EV"), ("night", "NI")],
)
def test_the_parts_of_the_day_have_the_same_hours_for_a_time_and_for_a_date(
    part: str, code: str
) -> None:
    # The English clock reads "7 in the evening" with its `_PART_HOURS`; a time said with a
    # date naming a part of the day ("7 pm tomorrow evening") is checked with companions'
    # `in_part`. Two tables of the same hours: one changed alone would read "5 in the
    # evening" as 17:00 and refuse "5 pm tomorrow evening".
    from alexaskill.understanding.companions import in_part
    from alexaskill.understanding.languages.english.clock import _PART_HOURS

    assert [hour for hour in range(24) if in_part(hour, code)] == sorted(_PART_HOURS[part])


@pytest.mark.parametrize(
    ("said", "listed"),
    [
        ("one or two in the evening", None),
        ("four and five in the evening", None),
        ("five or six in the evening", ["17:00", "18:00"]),
        ("six and seven this evening", ["18:00", "19:00"]),
    ],
)
def test_a_list_of_hours_in_the_evening_starts_at_five(said: str, listed: list[str] | None) -> None:
    # "one or two in the evening" was 13:00 and 14:00, the evening said once after the list
    # read into each hour; one is in no evening, nor four, so the list is no reading.
    assert values(said, "AMAZON.TIME") == listed


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for 1 pm tomorrow evening", None),
        ("set an alarm for tomorrow evening at 1 pm", None),
        ("set an alarm for 13:00 tomorrow evening", None),
        ("set an alarm for friday evening at 2 pm", None),
        ("set an alarm for 4:30 pm this evening", None),
        ("set an alarm for 5 pm tomorrow evening", {"time": "17:00", "date": "2026-11-30"}),
        ("set an alarm for friday evening at 6 pm", {"date": "2026-12-04", "time": "18:00"}),
    ],
)
def test_an_alarm_out_of_the_evening_it_is_said_in_is_no_reading(
    said: str, expected: dict[str, str] | None
) -> None:
    # "1 pm tomorrow evening" filled time with 13:00 and date with tomorrow: a date naming the
    # evening was checked against the morning only, so any afternoon hour passed.
    alarm_reads(said, expected)


def listed(said: str) -> list[str] | str | None:
    """What ``said`` fills a multiple-value AMAZON.TIME slot with: its values, the one value
    of a "Simple" slot value, or None when it fills none."""
    found = slot(said, "AMAZON.TIME", multiple=True)
    if found is None:
        return None
    said_value = found["slotValue"]
    if said_value["type"] == "List":
        return [item["value"] for item in said_value["values"]]
    return str(said_value["value"])


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("3 am at night", "03:00"),
        ("9 am in the morning", "09:00"),
        ("2 pm in the afternoon", "14:00"),
        ("5 pm in the evening", "17:00"),
        ("ten am this morning", "10:00"),
        ("12 am at night", "00:00"),
        ("12 pm in the afternoon", "12:00"),
        ("7 pm at night", "19:00"),
        ("2 pm this afternoon", "14:00"),
        ("7:30 pm tonight", "19:30"),
        # A part of the day the time is not in: no time, whichever is left out.
        ("9 pm in the morning", None),
        ("3 pm at night", None),
        ("7 am in the evening", None),
        ("1 pm this evening", None),
        ("10 pm this afternoon", None),
        ("12 pm at night", None),
    ],
)
def test_an_am_or_pm_time_said_with_its_part_of_the_day_is_that_time(
    said: str, expected: str | None
) -> None:
    # "3 am at night", "9 am in the morning", "2 pm in the afternoon", "5 pm in the evening"
    # and "ten am this morning" were no reading (the fallback intent), where "7 pm at night"
    # was 19:00: the time type read "9 am" and "in the morning" only apart, so a loose reading
    # left one of them out. The reading holding the part of the day scored higher ("in the
    # morning" is three words) or as high ("am" a grammar word, cheap to leave out, and a tie
    # goes to the word left out), and was then dropped for leaving out "9 am". A multiple-value
    # slot dropped "2 pm this afternoon" and "7:30 pm tonight" too. Said together, they are one
    # time (Duckling's "<time> <part-of-day>" rule intersects the two): the time, when it is in
    # the part of the day, else none.
    assert value(said, "AMAZON.TIME") == expected
    assert listed(said) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("three or four am at night", ["03:00", "04:00"]),
        ("seven or eight pm at night", ["19:00", "20:00"]),
        ("7 or 8 pm tonight", ["19:00", "20:00"]),
        ("two or three pm in the afternoon", ["14:00", "15:00"]),
        ("seven or eight am in the evening", None),
        ("9 or 10 pm in the morning", None),
    ],
)
def test_a_list_of_am_or_pm_times_said_with_their_part_of_the_day(
    said: str, expected: list[str] | None
) -> None:
    # "7 or 8 pm tonight" was no reading: "8 pm tonight", the list's last value, was no time.
    assert listed(said) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("tonight at 7", "19:00"),
        ("this evening at seven", "19:00"),
        ("in the evening at 7", "19:00"),
        ("this morning at 9", "09:00"),
        ("this afternoon at two thirty", "14:30"),
        ("tonight 7 pm", "19:00"),
        ("tonight at midnight", "00:00"),
        ("tonight at 1 pm", None),
        ("this morning at 7 pm", None),
        ("this afternoon at 11", None),
        ("tonight at noon", None),
    ],
)
def test_a_time_said_after_its_part_of_the_day(said: str, expected: str | None) -> None:
    # "tonight at 7" and "this evening at seven" were no reading: the time type read "at 7"
    # (07:00) and "tonight" (NI) only apart, and a loose reading leaving either out was
    # dropped. Duckling intersects a part of the day with a time said after it (its
    # "intersect" rule: "tonight at 7" is 19:00 today), as it does one said before it.
    assert value(said, "AMAZON.TIME") == expected
    assert listed(said) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("tonight 7 or 8 pm", ["19:00", "20:00"]),
        ("this evening at seven or eight", ["19:00", "20:00"]),
        ("tonight at 7 or 8", ["19:00", "20:00"]),
        ("this afternoon at two or three", ["14:00", "15:00"]),
        ("this morning at 7, 8 or 9", ["07:00", "08:00", "09:00"]),
        ("this evening at seven or eight pm", ["19:00", "20:00"]),
        ("tonight at 7 or this evening at 8", ["19:00", "20:00"]),
        ("tonight at 7 or 8 am", None),
        ("this morning at 7 or 8 pm", None),
        ("this evening at one or two", None),
        ("this afternoon at two or eleven", None),
    ],
)
def test_a_list_of_times_said_after_its_part_of_the_day(
    said: str, expected: list[str] | None
) -> None:
    # "tonight 7 or 8 pm" and "this evening at seven or eight" were no reading. The part of
    # the day said once before the list is every value's, as one said once after it is ("seven
    # or eight tonight"): each value is read in it, and a value not in it voids the list.
    assert listed(said) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("7 tonight or 8", ["19:00", "20:00"]),
        ("seven in the evening or eight", ["19:00", "20:00"]),
        ("7 tonight, 8 or 9", ["19:00", "20:00", "21:00"]),
        ("7 pm tonight or 8", ["19:00", "20:00"]),
        ("2 in the afternoon or 3", ["14:00", "15:00"]),
        ("7 tonight or eight thirty", ["19:00", "20:30"]),
        ("7 tonight or half past 8", ["19:00", "20:30"]),
        ("11 at night or 1", ["23:00", "01:00"]),
        ("9 in the morning or 10", ["09:00", "10:00"]),
        # A value with a part of the day of its own keeps it.
        ("7 tonight or 8 am", ["19:00", "08:00"]),
        ("7 tonight or this evening at 8", ["19:00", "20:00"]),
        ("7 tonight or noon", ["19:00", "12:00"]),
        # A number in no such part voids the list, as "this evening at one or two" does.
        ("7 in the evening or 1", None),
        ("2 in the afternoon or 11", None),
    ],
)
def test_a_part_of_the_day_said_after_the_first_time_of_a_list_is_the_later_ones_too(
    said: str, expected: list[str] | None
) -> None:
    # "7 tonight or 8" filled a multiple-value AMAZON.TIME slot with 19:00 and 08:00: the part
    # of the day said once, after the first time, was read into that time only, where the
    # same words said before the list ("tonight at 7 or 8") or after it ("7 or 8 tonight") are
    # every value's. A later value that is a number alone is now read in it too.
    assert listed(said) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for tonight at 7", {"time": "19:00"}),
        ("set an alarm for this evening at 7", {"time": "19:00"}),
        ("set an alarm for tonight at 7 pm", {"date": "2026-11-29", "time": "19:00"}),
        ("set an alarm for tonight at 1 pm", None),
        ("set an alarm for tomorrow evening at 7", None),
    ],
)
def test_an_alarm_said_after_its_part_of_the_day(
    said: str, expected: dict[str, str] | None
) -> None:
    # "tonight at 7" was no reading: the date took "tonight" and the time 07:00, which is in no
    # night. The time slot now reads the whole "tonight at 7", as it reads "7 tonight" (19:00,
    # no date); a date said with its part of the day ("tomorrow evening") is no time's.
    alarm_reads(said, expected)
