"""A time said with a part of the day ("7 tonight", "12 in the morning", "friday evening at 6"),
in one AMAZON.TIME slot or in an alarm's time and date slots: read in the part the words name, or
no reading where they disagree."""

from __future__ import annotations

import pytest

from tests.understanding_shared import (
    alarm_reads,
    slot,
    value,
)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for 7 tomorrow evening", None),
        ("set an alarm for 7 tonight", {"time": "19:00"}),  # the time's "7 tonight", loosely
        ("set an alarm for tomorrow evening at 7", None),
        ("set an alarm for 7 tomorrow afternoon", None),
        ("set an alarm for 7 tomorrow morning", {"time": "07:00", "date": "2026-11-30"}),
        ("set an alarm for 7 am tomorrow", {"time": "07:00", "date": "2026-11-30"}),
        ("set an alarm for 7 pm tomorrow evening", {"time": "19:00", "date": "2026-11-30"}),
        ("set an alarm for 12 tonight", {"time": "00:00"}),  # midnight, read by the time alone
    ],
)
def test_an_hour_said_with_an_evening_date_is_no_morning_time(
    said: str, expected: dict[str, str] | None
) -> None:
    # "7 tomorrow evening" (or "7 tonight", "tomorrow evening at 7") filled time with 07:00:
    # "evening" went to the date and the hour was read as said, in the morning, where the user
    # means the evening. How Alexa splits the words is not documented: no reading rather than
    # a wrong time ("7 tonight" is now read by the time slot alone, as 19:00).
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for 7:30 tomorrow evening", None),
        ("set an alarm for 7 30 tomorrow evening", None),
        ("set an alarm for seven thirty tomorrow afternoon", None),
        ("set an alarm for 7:30 tomorrow night", None),
        ("set an alarm for 7:30 tonight", {"time": "19:30"}),  # the time's "7:30 tonight"
        ("set an alarm for 7:30 tomorrow morning", {"time": "07:30", "date": "2026-11-30"}),
        ("set an alarm for 7:30 pm tomorrow evening", {"time": "19:30", "date": "2026-11-30"}),
        # "{time} {date}" said the day first: the date and the part of the day, as Alexa does.
        ("set an alarm for tomorrow evening", {"date": "2026-11-30", "time": "EV"}),
    ],
)
def test_a_clock_time_said_with_an_evening_date_is_no_part_of_the_day(
    said: str, expected: dict[str, str] | None
) -> None:
    # "7:30 tomorrow evening" filled time with EV and date with tomorrow: with "7:30" at
    # 07:30 voided (the date naming the evening), a loose reading gave the time slot the
    # date's "evening" and left the clock time out as a time said along with the date.
    # It is no reading, as "7 tomorrow evening" is.
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for 7 pm tomorrow morning", None),
        ("set an alarm for 7:30 pm tomorrow morning", None),
        ("set an alarm for tomorrow morning at 7 pm", None),
        ("set an alarm for 7 in the evening tomorrow morning", None),
        ("set an alarm for 12 pm tomorrow morning", None),
        ("set an alarm for 7 am tomorrow evening", None),
        ("set an alarm for tomorrow afternoon at 7 am", None),
        ("set an alarm for 7 am tomorrow morning", {"time": "07:00", "date": "2026-11-30"}),
        ("set an alarm for 12 am tomorrow morning", {"time": "00:00", "date": "2026-11-30"}),
        ("set an alarm for 7 pm tomorrow evening", {"time": "19:00", "date": "2026-11-30"}),
        ("set an alarm for 11 pm tomorrow night", {"time": "23:00", "date": "2026-11-30"}),
        ("set an alarm for 2 am tonight", {"time": "02:00", "date": "2026-11-29"}),
        ("set an alarm for 7 pm tomorrow", {"time": "19:00", "date": "2026-11-30"}),
    ],
)
def test_am_or_pm_said_against_the_dates_part_of_the_day_is_no_reading(
    said: str, expected: dict[str, str] | None
) -> None:
    # "7 pm tomorrow morning" filled time with 19:00 and date with tomorrow ("7 am tomorrow
    # evening" with 07:00): the user said two halves of the day, and which one is meant is
    # a guess. No reading, as "7 pm in the morning" in one time slot is no time. "night"
    # takes either half ("11 pm tomorrow night", "2 am tonight").
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for friday morning at 6 pm", None),
        ("set an alarm for 6 pm friday morning", None),
        ("set an alarm for friday evening at 6 am", None),
        ("set an alarm for next friday afternoon at 7 am", None),
        ("set an alarm for friday evening at 6", None),
        ("set an alarm for friday morning at 6 am", {"date": "2026-12-04", "time": "06:00"}),
        ("set an alarm for friday morning at 6", {"date": "2026-12-04", "time": "06:00"}),
        ("set an alarm for 6 pm friday evening", {"time": "18:00", "date": "2026-12-04"}),
        ("set an alarm for 11 pm saturday night", {"time": "23:00", "date": "2026-12-05"}),
    ],
)
def test_a_weekdays_part_of_the_day_is_the_dates(
    said: str, expected: dict[str, str] | None
) -> None:
    # "friday morning at 6 pm" filled date with friday and time with 18:00, "morning" left
    # out as a word not in the sample: the date took no part of the day, so the time said in
    # the other half went unchecked. "friday morning" is friday, as "tomorrow morning" is
    # tomorrow, and its morning is checked against the time's half as tomorrow's is.
    understood = alarm_reads(said, expected)
    assert expected is None or understood.exact, understood.explain()


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for 19:00 tomorrow morning", None),
        ("set an alarm for tomorrow morning at 19:30", None),
        ("set an alarm for 00:30 tomorrow evening", None),
        ("set an alarm for 07:00 tomorrow morning", {"time": "07:00", "date": "2026-11-30"}),
        ("set an alarm for 19:00 tomorrow evening", {"time": "19:00", "date": "2026-11-30"}),
        ("set an alarm for 13:00 tomorrow afternoon", {"time": "13:00", "date": "2026-11-30"}),
        ("set an alarm for 00:30 tomorrow night", {"time": "00:30", "date": "2026-11-30"}),
        ("set an alarm for 12:00 tomorrow morning", None),  # noon: twelve in the morning is 00:00
    ],
)
def test_a_24_hour_time_against_the_dates_part_of_the_day_is_no_reading(
    said: str, expected: dict[str, str] | None
) -> None:
    # "19:00 tomorrow morning" filled time with 19:00: a time on the 24-hour clock says no
    # "am" or "pm", so the check of "7 pm tomorrow morning" let it pass, though its hour
    # (after 12, or written with a leading 0) says which half of the day it is in.
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for 12 tonight", {"time": "00:00"}),
        ("set an alarm for 12:30 tonight", {"time": "00:30"}),
        ("set an alarm for 12 tomorrow night", None),
        ("set an alarm for 12 pm tonight", None),  # noon is no part of the night
        ("set an alarm for 12 am tonight", {"time": "00:00", "date": "2026-11-29"}),
        ("set an alarm for midnight tonight", {"time": "00:00", "date": "2026-11-29"}),
        ("set an alarm for 12 tomorrow", {"time": "12:00", "date": "2026-11-30"}),
    ],
)
def test_twelve_said_with_tonight_is_no_noon(said: str, expected: dict[str, str] | None) -> None:
    # "12 tonight" filled time with 12:00 (noon) and date with today: "tonight" went to the
    # date and the hour was read as said. Twelve at night is midnight: the time slot alone
    # reads "12 tonight" as 00:00, as it reads "7 tonight" as 19:00. Which day's midnight is
    # meant Amazon does not document, so no date is given.
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for 07:00 tonight", None),
        ("set an alarm for 07:30 in the evening", None),
        ("set an alarm for 00:30 tonight", {"time": "00:30", "date": "2026-11-29"}),
        ("set an alarm for 7:00 tonight", {"time": "19:00"}),
        ("set an alarm for 19:00 tonight", {"time": "19:00", "date": "2026-11-29"}),
    ],
)
def test_a_24_hour_morning_time_said_tonight_is_no_reading(
    said: str, expected: dict[str, str] | None
) -> None:
    # "07:00 tonight" filled time with 19:00: the leading 0 writes the 24-hour clock, whose
    # 07:00 is in the morning, so "tonight" cannot move it 12 hours on. As "07:00 tomorrow
    # evening" (and "19:00 tomorrow morning") is no reading, neither is this; "7:00 tonight",
    # which may be either half, is 19:00 as "7 tonight" is.
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # Twelve said bare, with a date naming the morning or the evening: as said it is noon,
        # in neither; the user means midnight in the morning, and nothing in the evening.
        ("set an alarm for 12 tomorrow morning", None),
        ("set an alarm for 12:00 tomorrow morning", None),
        ("set an alarm for 12:30 tomorrow morning", None),
        ("set an alarm for 12 o'clock tomorrow morning", None),
        ("set an alarm for tomorrow morning at 12", None),
        ("set an alarm for 12 tomorrow evening", None),
        ("set an alarm for 12:00 tomorrow evening", None),
        ("set an alarm for 12:30 tomorrow evening", None),
        ("set an alarm for tomorrow evening at 12", None),
        ("set an alarm for 12 this evening", None),
        ("set an alarm for 12:30 in the evening", None),
        ("set an alarm for twelve in the evening", None),
        # The time slot alone reads "12 this morning" as "12 in the morning", as "12 tonight".
        ("set an alarm for 12 this morning", {"time": "00:00"}),
        ("set an alarm for 12:00 this morning", {"time": "00:00"}),
        # Noon is in no evening and no night; midnight in no afternoon or evening.
        ("set an alarm for 12 pm tomorrow evening", None),
        ("set an alarm for 12 pm tomorrow night", None),
        ("set an alarm for 12 pm tonight", None),
        ("set an alarm for 12:30 pm tonight", None),
        ("set an alarm for noon tomorrow morning", None),
        ("set an alarm for noon tomorrow evening", None),
        ("set an alarm for 12 noon tomorrow evening", None),
        ("set an alarm for tomorrow morning at noon", None),
        ("set an alarm for noon this evening", None),
        ("set an alarm for noon tonight", None),
        ("set an alarm for midnight tomorrow afternoon", None),
        ("set an alarm for midnight tomorrow evening", None),
        ("set an alarm for tomorrow evening at midnight", None),
        # Kept: twelve in the half the words name.
        ("set an alarm for 12 tomorrow afternoon", {"time": "12:00", "date": "2026-11-30"}),
        ("set an alarm for 12:30 tomorrow afternoon", {"time": "12:30", "date": "2026-11-30"}),
        ("set an alarm for 12 pm tomorrow afternoon", {"time": "12:00", "date": "2026-11-30"}),
        ("set an alarm for 12 am tomorrow morning", {"time": "00:00", "date": "2026-11-30"}),
        ("set an alarm for 12:30 am tomorrow morning", {"time": "00:30", "date": "2026-11-30"}),
        ("set an alarm for 12 in the morning tomorrow", {"time": "00:00", "date": "2026-11-30"}),
        (
            "set an alarm for tomorrow at 12:30 in the morning",
            {"date": "2026-11-30", "time": "00:30"},
        ),
        ("set an alarm for 12 tomorrow", {"time": "12:00", "date": "2026-11-30"}),
        ("set an alarm for 12:00 tomorrow", {"time": "12:00", "date": "2026-11-30"}),
        ("set an alarm for noon tomorrow", {"time": "12:00", "date": "2026-11-30"}),
        ("set an alarm for midnight tomorrow", {"time": "00:00", "date": "2026-11-30"}),
        ("set an alarm for noon tomorrow afternoon", {"time": "12:00", "date": "2026-11-30"}),
        ("set an alarm for midnight tomorrow morning", {"time": "00:00", "date": "2026-11-30"}),
        ("set an alarm for midnight tonight", {"time": "00:00", "date": "2026-11-29"}),
        ("set an alarm for 12 tonight", {"time": "00:00"}),
    ],
)
def test_twelve_is_read_in_the_half_of_the_day_the_words_name(
    said: str, expected: dict[str, str] | None
) -> None:
    # "12 tomorrow morning" (and "12:00", "12:30") filled time with 12:00 and date with
    # tomorrow: noon, where twelve in the morning is midnight ("12 in the morning" alone is
    # 00:00, as "12 am" is); "12 tomorrow evening" was noon in the evening, and "12 pm
    # tonight", "noon tomorrow evening" or "midnight tomorrow afternoon" a time outside the
    # part of the day the date names. As "7 tomorrow evening" is, these are no reading
    # rather than a time the user did not mean.
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("12 in the evening", None),
        ("12:30 in the evening", None),
        ("twelve this evening", None),
        ("12 in the morning", "00:00"),
        ("12:30 in the morning", "00:30"),
        ("12 in the afternoon", "12:00"),
        ("12 at night", "00:00"),
        ("12 am", "00:00"),
        ("12 pm", "12:00"),
        ("12:30 am", "00:30"),
        ("0:30", "00:30"),
        ("0:30 am", None),  # no hour 0 on the 12-hour clock
        ("00:30 pm", None),
        # "pm" says the 12-hour clock, which is written with a leading 0 too ("07:00 PM"): only
        # a part of the day ("07:00 tonight") is refused for moving a 24-hour time.
        ("07:00 pm", "19:00"),
        ("07:00 am", "07:00"),
        ("07:00 in the evening", None),
    ],
)
def test_twelve_in_a_part_of_the_day(said: str, expected: str | None) -> None:
    # "12 in the evening" was 12:00: noon is in no evening, and midnight (which "12 at night"
    # is) no more. No time, as "13 pm" is none.
    found = slot(said, "AMAZON.TIME")
    assert (None if found is None else found["value"]) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # No year: the time slot reads the whole "ten thirty tonight", as "7:30 tonight".
        ("set an alarm for ten thirty tonight", {"time": "22:30"}),
        ("set an alarm for eleven fifteen tonight", {"time": "23:15"}),
        ("set an alarm for ten thirty this evening", {"time": "22:30"}),
        ("set an alarm for ten thirty tomorrow evening", None),
        ("set an alarm for ten thirty tomorrow night", None),
        # The time slot reads the whole "tonight at ten thirty" too, as "ten thirty tonight"
        # (the date's "tonight" and a time at 10:30 are no reading, as "tomorrow evening at 7").
        ("set an alarm for tonight at ten thirty", {"time": "22:30"}),
        ("set an alarm for ten thirty at night", {"time": "22:30"}),
        ("set an alarm for twelve thirty at night", {"time": "00:30"}),
        ("set an alarm for twelve thirty in the morning", {"time": "00:30"}),
        ("set an alarm for eleven thirty in the morning", {"time": "11:30"}),
        ("set an alarm for twelve thirty tomorrow morning", None),
        ("set an alarm for twelve thirty tomorrow evening", None),
        ("set an alarm for ten thirty tomorrow morning", {"time": "10:30", "date": "2026-11-30"}),
        ("set an alarm for ten thirty", {"time": "10:30"}),
        ("set an alarm for nineteen thirty", {"time": "19:30"}),
        ("set an alarm for nineteen ninety", {"date": "1990"}),  # no time: a year
        ("set an alarm for ten sixty six", {"date": "1066"}),
    ],
)
def test_a_clock_time_said_with_a_part_of_the_day_is_no_year(
    said: str, expected: dict[str, str] | None
) -> None:
    # "ten thirty tonight" filled date with the year 1030 and time with NI ("eleven thirty in
    # the morning" 1130 and MO), a loose reading of "{date} at {time}" without its "at": the
    # words of a clock time read as a year, and the time slot given only the part of the day
    # said after them; "ten thirty" alone (or "for ten thirty", the sample's "for" taken in)
    # was the year 1030, the time slot empty. A sample with a time slot takes a clock time's
    # words for the time: the year is no reading. Refusing the year then left "ten thirty
    # tonight" with no reading at all, the sample's next best alignment (the time slot reading
    # the whole "ten thirty tonight", 22:30, as it reads "7:30 tonight") never weighed.
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("12 pm at night", None),
        ("12:30 pm at night", None),
        ("12 noon at night", None),
        ("3 pm at night", None),
        ("7 pm at night", "19:00"),  # said twice, the same time, as "5 pm this evening"
        ("7 at night", "19:00"),
        ("12 at night", "00:00"),
        ("7 pm", "19:00"),
    ],
)
def test_a_part_of_the_day_left_out_beside_a_time_is_no_reading(
    said: str, expected: str | None
) -> None:
    # "12 pm at night" was 12:00 (noon, at night), "3 pm at night" 15:00, a loose reading of
    # "12 pm" leaving out "at night" ("at" a grammar word, the "night" past it was not looked
    # at), where "12 pm tonight" is no reading. A part of the day left out beside a time it
    # agrees with is said twice ("7 pm at night" 19:00, as "5 pm this evening" is 17:00).
    found = slot(said, "AMAZON.TIME")
    assert (None if found is None else found["value"]) == expected


@pytest.mark.parametrize(
    ("said", "day"), [("tomorrow in the morning", "tomorrow"), ("friday at night", "friday")]
)
def test_a_part_of_the_day_beside_a_date_is_no_time_left_out(said: str, day: str) -> None:
    # Only a time is weighed against a part of the day left out beside it: a date's value
    # ("2026-11-30") is no hour (read as one, 20, it was out of the morning).
    assert value(said, "AMAZON.DATE") == value(day, "AMAZON.DATE") is not None


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for noon at night", None),
        ("set an alarm for midday at night", None),
        ("set an alarm for 3 pm at night", None),
        ("set an alarm for at night", {"time": "NI"}),
        ("set an alarm for 7 pm at night", {"time": "19:00"}),
    ],
)
def test_noon_left_out_past_the_samples_at_is_no_reading(
    said: str, expected: dict[str, str] | None
) -> None:
    # "noon at night" filled time with NI: "{date} at {time}" read "night" as the time, the
    # date empty and "noon" left out, the sample's own "at" between them, so the check of a
    # clock time left out beside a part of the day it is not in never saw it. Noon is not at
    # night: no reading, as "3 pm at night" (and "noon at night" in a lone time slot) is none.
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("7 pm tonight", "19:00"),
        ("11:30 pm tonight", "23:30"),
        ("2 am tonight", "02:00"),
        ("7 pm evening", "19:00"),
        ("7 pm at night", "19:00"),
        ("7 tonight", "19:00"),
        ("1 pm tonight", None),  # 1 pm is in no night
        ("12 pm tonight", None),
        ("7 am tonight", None),
    ],
)
def test_a_part_of_the_day_said_again_after_am_or_pm_is_read(
    said: str, expected: str | None
) -> None:
    # "7 pm tonight" was no time, where "7 pm at night" is 19:00: "tonight", a time alone
    # (NI), was taken for part of the value "7 pm" and the reading leaving it out dropped as
    # cut short, while "at night" (its "at" a grammar word) was weighed as the same part of the
    # day said again. "tonight" is now weighed so too: 19:00, and no time where it disagrees.
    found = slot(said, "AMAZON.TIME")
    assert (None if found is None else found["value"]) == expected
    tonight = {"time": "19:00", "date": "2026-11-29"}  # with a date slot, the date's "tonight"
    alarm_reads("set an alarm for 7 pm tonight", tonight)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for 1 pm tonight", None),
        ("set an alarm for 4:30 pm tonight", None),
        ("set an alarm for 7 am tonight", None),
        ("set an alarm for 3 pm tomorrow night", None),
        ("set an alarm for tonight at 1 pm", None),
        ("set an alarm for 5 pm tonight", {"time": "17:00", "date": "2026-11-29"}),
        ("set an alarm for 11 pm tomorrow night", {"time": "23:00", "date": "2026-11-30"}),
        ("set an alarm for 2 am tonight", {"time": "02:00", "date": "2026-11-29"}),
        ("set an alarm for 00:30 tonight", {"time": "00:30", "date": "2026-11-29"}),
        ("set an alarm for 1 pm tomorrow", {"time": "13:00", "date": "2026-11-30"}),
    ],
)
def test_a_time_said_with_a_nights_date_is_in_the_night(
    said: str, expected: dict[str, str] | None
) -> None:
    # "1 pm tonight" filled time with 13:00 and date with today: "night" and "tonight" name
    # neither half of the day, so the check of "7 pm tomorrow morning" let any time with "am"
    # or "pm" pass. 1 pm is in no night, as "1 pm at night" (no time) says: the time must be
    # in the night, from five in the evening to five in the morning, as "N at night" is read.
    alarm_reads(said, expected)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("ten to one in the evening", None),
        ("five to one this evening", None),
        ("zero thirty in the evening", None),
        ("13:00 at night", None),
        ("13:00 in the morning", None),
        ("ten to one in the afternoon", "12:50"),
        ("ten to one at night", "00:50"),
        ("ten to one in the morning", "00:50"),
        ("ten past one in the evening", None),  # 13:10 is in no evening (it starts at five)
        ("19:00 in the evening", "19:00"),
        ("4 at night", "04:00"),
        # The night starts at five in the evening, as the evening does.
        ("five at night", "17:00"),
        ("17:00 at night", "17:00"),
        ("16:00 at night", None),
        ("16:00 in the evening", None),
    ],
)
def test_a_time_said_in_a_part_of_the_day_is_in_it(said: str, expected: str | None) -> None:
    # "ten to one in the evening" was 12:50: the minutes were taken off the hour first (00:50)
    # and the evening then moved it twelve hours on, to 12:50, which is in no evening (as "12
    # in the evening" is no time). "13:00 at night" and "13:00 in the morning" were 13:00,
    # read as typed. A time said in a part of the day must be in it.
    found = slot(said, "AMAZON.TIME")
    assert (None if found is None else found["value"]) == expected


def test_an_afternoon_time_on_the_24_hour_clock_said_tonight_is_no_reading() -> None:
    # The time slot read "13:00 tonight" alone as 13:00, the date empty; "13:00" with the
    # date "tonight" is no reading, as "1 pm tonight" is.
    alarm_reads("set an alarm for 13:00 tonight", None)
    alarm_reads("set an alarm for 19:00 tonight", {"time": "19:00", "date": "2026-11-29"})


@pytest.mark.parametrize(
    ("said", "time"),
    [
        ("set an alarm for 12 am tonight", "00:00"),
        ("set an alarm for midnight tonight", "00:00"),
        ("set an alarm for tonight at midnight", "00:00"),
        ("set an alarm for 12:30 am tonight", "00:30"),
        ("set an alarm for 2 am tonight", "02:00"),
        ("set an alarm for 11 pm tonight", "23:00"),
    ],
)
def test_tonight_is_todays_date_whatever_the_time(said: str, time: str) -> None:
    # The date slot holds the day "tonight" names, today, as AMAZON.DATE reads it: midnight
    # "tonight", which starts tomorrow, gets today's date as "2 am tonight" does (companions.py
    # says why). Tomorrow's date for midnight alone would put it a day after "12:30 am tonight".
    alarm_reads(said, {"time": time, "date": "2026-11-29"})
