"""A time said with a part of the day ("7 tonight", "12 in the morning", "friday evening at 6"),
in one AMAZON.TIME slot or in an alarm's time and date slots: read in the part the words name, or
no reading where they disagree."""

from __future__ import annotations

import pytest

from alexaskill.understanding import Understander, Understanding
from tests.understanding_shared import NOW, intent_understander, slot, value, values


def alarm_understander() -> Understander:
    """An intent with a ``time`` and a ``date`` slot, said either way round."""
    slots = {"time": "AMAZON.TIME", "date": "AMAZON.DATE"}
    samples = ["set an alarm for {time} {date}", "set an alarm for {date} at {time}"]
    return intent_understander("Alarm", slots, samples)


def alarm_reads(said: str, expected: dict[str, str] | None) -> Understanding:
    """What `alarm_understander` makes of ``said``, checked: no reading (the fallback intent)
    when ``expected`` is None, else these slot values."""
    understood = alarm_understander().understand(said, now=NOW)
    if expected is None:
        assert understood.intent == "AMAZON.FallbackIntent", understood.fills
    else:
        assert {name: fill.value for name, fill in understood.fills.items()} == expected
    return understood


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


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("set an alarm for twenty twenty six", {"time": "20:26"}),
        ("set an alarm for nineteen thirty", {"time": "19:30"}),
        ("set an alarm for twenty one thirty", {"time": "21:30"}),
        ("set an alarm for december twenty six", {"date": "2026-12-26"}),
        ("set an alarm for 7 pm friday", {"time": "19:00", "date": "2026-12-04"}),
    ],
)
def test_a_number_said_as_one_run_is_not_cut_into_a_date_and_a_time(
    said: str, expected: dict[str, str]
) -> None:
    # "twenty twenty six" was the date 2020 and the time 06:00: one number cut in two, its
    # halves read by the two slots. It is one value, read as "nineteen thirty" is.
    alarm_reads(said, expected)


def test_a_number_said_as_one_run_is_not_cut_by_an_exact_reading() -> None:
    # With the one sample "set an alarm for {date} {time}", the words were read exactly as
    # the date 2020 and the time 06:00: the exact reading is refused as a loose one is.
    alarm = intent_understander(
        "Alarm", {"time": "AMAZON.TIME", "date": "AMAZON.DATE"}, ["set an alarm for {date} {time}"]
    )
    understood = alarm.understand("set an alarm for twenty twenty six", now=NOW)
    assert {name: fill.value for name, fill in understood.fills.items()} == {"time": "20:26"}
    understood = alarm.understand("set an alarm for friday 7 pm", now=NOW)
    assert {name: fill.value for name, fill in understood.fills.items()} == {
        "date": "2026-12-04",
        "time": "19:00",
    }


def one_sample_alarm(sample: str) -> Understander:
    """An intent with a ``time`` and a ``date`` slot and the one sample ``sample``."""
    return intent_understander("Alarm", {"time": "AMAZON.TIME", "date": "AMAZON.DATE"}, [sample])


@pytest.mark.parametrize(
    "sample", ["alarm {time} {date}", "alarm {date} {time}", "alarm {time} on {date}"]
)
@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # What "alarm {time}" reads, the date left empty: the 24-hour clock said alone.
        ("nineteen thirty", {"time": "19:30"}),
        ("ten thirty", {"time": "10:30"}),
        ("twenty one thirty", {"time": "21:30"}),
        # A year too ("alarm {date}" reads 2026), but a sample with a time slot takes a clock
        # time's words for the time ("set an alarm for twenty twenty six" is 20:26).
        ("twenty twenty six", {"time": "20:26"}),
        # What "alarm {date}" reads, the time left empty: no time of the clock (19:90, 10:66).
        ("nineteen ninety", {"date": "1990"}),
        ("ten sixty six", {"date": "1066"}),
        ("december twenty six", {"date": "2026-12-26"}),
        ("friday", {"date": "2026-12-04"}),
        ("7 pm", {"time": "19:00"}),
    ],
)
def test_a_time_or_a_date_said_alone_to_a_sample_of_both(
    sample: str, said: str, expected: dict[str, str]
) -> None:
    # With the one sample "alarm {time} {date}" (or "alarm {time} on {date}"), "nineteen
    # thirty" and "twenty twenty six" were no reading: the loose reading leaving the time empty
    # read them as the year 1930 (or 2026), refused as a clock time's words, and the retry
    # barred the words from every slot, the time slot's too, so "nineteen thirty", the time
    # 19:30, was never read. "alarm {date} {time}" read them as the time, the date empty.
    understood = one_sample_alarm(sample).understand(f"alarm {said}", now=NOW)
    assert {name: fill.value for name, fill in understood.fills.items()} == expected


def alarm_of(*samples: str) -> Understander:
    """An intent with a ``time`` and a ``date`` slot and these samples, in this order."""
    return intent_understander("Alarm", {"time": "AMAZON.TIME", "date": "AMAZON.DATE"}, samples)


@pytest.mark.parametrize(
    "samples",
    [
        ("alarm {date}", "alarm {time}"),
        ("alarm {time}", "alarm {date}"),
        ("alarm {date}", "alarm {time} {date}"),
        ("alarm {time} {date}", "alarm {time}", "alarm {date}"),
        ("alarm {date}", "alarm at {time}"),
    ],
)
@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("twenty twenty six", {"time": "20:26"}),
        ("nineteen thirty", {"time": "19:30"}),
        ("ten thirty", {"time": "10:30"}),
        ("for ten thirty", {"time": "10:30"}),
        ("for twenty twenty six", {"time": "20:26"}),
        # No time of the clock, or a year said as one: the date.
        ("nineteen ninety", {"date": "1990"}),
        ("in twenty twenty six", {"date": "2026"}),
        ("2026", {"date": "2026"}),
        ("friday", {"date": "2026-12-04"}),
        ("7 pm", {"time": "19:00"}),
    ],
)
def test_a_clock_times_words_are_the_time_whichever_sample_comes_first(
    samples: tuple[str, ...], said: str, expected: dict[str, str]
) -> None:
    # "alarm twenty twenty six" was the time 20:26 with "alarm {time}" listed first and the year
    # 2026 with "alarm {date}" first ("alarm ten thirty" the year 1030), and "alarm for ten
    # thirty" the year 1030 whatever the order: the refusal of a year read from a clock time's
    # words weighed the sample's slots alone, and the tie went to the earlier sample. The words
    # read both ways (AMAZON.DATE reads "twenty fifteen" as a year; the time type the 24-hour
    # clock); an intent whose samples have a time slot reads them as the time, as a sample with
    # both slots does (test_a_time_or_a_date_said_alone_to_a_sample_of_both).
    understood = alarm_of(*samples).understand(f"alarm {said}", now=NOW)
    assert {name: fill.value for name, fill in understood.fills.items()} == expected


@pytest.mark.parametrize(
    "sample", ["alarm {time} {date}", "alarm {date} {time}", "alarm {time} on {date}"]
)
@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("in twenty twenty six", {"date": "2026"}),
        ("in nineteen thirty", {"date": "1930"}),
        ("in 2026", {"date": "2026"}),
    ],
)
def test_a_year_said_after_in_is_the_date_not_the_time(
    sample: str, said: str, expected: dict[str, str]
) -> None:
    # "alarm in twenty twenty six" (of "alarm {time} {date}") was no reading: the date's
    # "in twenty twenty six" (2026) was refused as the words of the time 20:26, the "in" taken
    # for the sample's word absorbed into a loose date, though the sample has no "in". "in",
    # a word of the time's with which the time parser reads no time, is no longer left off
    # the date's words: "in twenty twenty six" is the year, as "in 2026" is.
    understood = one_sample_alarm(sample).understand(f"alarm {said}", now=NOW)
    assert {name: fill.value for name, fill in understood.fills.items()} == expected


@pytest.mark.parametrize(
    "sample", ["alarm {time} {date}", "alarm {date} {time}", "alarm {time} on {date}"]
)
@pytest.mark.parametrize(
    ("said", "time"), [("for ten thirty", "10:30"), ("for twenty twenty six", "20:26")]
)
def test_a_clock_time_said_after_for_is_no_year(sample: str, said: str, time: str) -> None:
    # With only a word of the sample left off the date's words, "alarm for ten thirty" was the
    # date 1030: "for", which the time's words lack, says nothing of a year (an alarm for
    # 10:30 is meant); its words are weighed as the time's, and no year is read. Then it was
    # no reading: the next reading, the time "ten thirty" with "for" left out, was passed over
    # for leaving out a word of the year refused, though "for", left off in weighing it, was
    # no word of the time. It is read as "alarm ten thirty" is, the date left empty.
    understood = one_sample_alarm(sample).understand(f"alarm {said}", now=NOW)
    assert {name: fill.value for name, fill in understood.fills.items()} == {"time": time}


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("today in the evening", "EV"),
        ("today evening", "EV"),
        ("this evening today", "EV"),
        ("in the evening today", "EV"),
        ("tonight today", "NI"),
        ("today in the afternoon", "AF"),
    ],
)
def test_today_said_with_a_part_of_the_day_still_to_come_fills_a_time_slot_alone(
    said: str, expected: str
) -> None:
    # To an intent with one AMAZON.TIME slot and no date slot, "today in the evening" was no
    # reading ("'today' would be left out, no slot holding a date (EV alone)"), where "this
    # evening" is EV and "7 pm today" at noon 19:00: at noon (NOW) the evening is today's.
    assert value(said, "AMAZON.TIME") == expected


@pytest.mark.parametrize("said", ["today in the morning", "this morning today"])
def test_today_said_with_a_part_of_the_day_already_over_is_no_time_alone(said: str) -> None:
    # At noon the morning is over: MO alone would be tomorrow's, as "9 am today" is no 09:00.
    assert value(said, "AMAZON.TIME") is None


@pytest.mark.parametrize(
    "said",
    [
        "remind me today in the evening",
        "remind me this evening today",
        "remind me today evening",
        "remind me in the evening today",
    ],
)
@pytest.mark.parametrize(
    "samples", [["remind me {date}", "remind me {time}"], ["remind me {date} {time}"]]
)
def test_today_said_with_a_part_of_the_day_fills_the_date_and_the_time(
    said: str, samples: list[str]
) -> None:
    # Each slot holds what its own words say: the date today, the time EV (AMAZON.TIME's
    # "evening"). With the one sample "remind me {date} {time}", "this evening today" was no
    # reading: "this evening" (a date too) read as the date left "today" out, and the retry
    # barred "this evening" from the time slot as well.
    understood = intent_understander(
        "Remind",
        {"date": "AMAZON.DATE", "time": "AMAZON.TIME"},
        samples,
        invocation_name="reminders",
    ).understand(said, now=NOW)
    assert {slot.name: slot.value for slot in understood.slots} == {
        "date": "2026-11-29",
        "time": "EV",
    }


@pytest.mark.parametrize(
    ("said", "date"),
    [
        ("remind me tonight today", "2026-11-29"),
        ("remind me tonight friday", "2026-12-04"),
        ("remind me tonight tomorrow", "2026-11-30"),
    ],
)
@pytest.mark.parametrize(
    "samples",
    [
        ["remind me {date} {time}"],
        ["remind me {date}", "remind me {time}"],
        ["remind me {time} {date}"],
    ],
)
def test_tonight_said_before_a_day_fills_the_date_and_the_time(
    said: str, date: str, samples: list[str]
) -> None:
    # "tonight friday" is Friday evening: the date Friday, the time NI (AMAZON.TIME's
    # "tonight"), as "friday tonight" is. With the one sample "remind me {date} {time}" it was
    # no reading ("'tonight friday' read as 'friday' would leave out 'tonight'"): "tonight", a
    # date too, was then read as the date, "friday" left out, and no retry read it as the time.
    understood = intent_understander(
        "Remind",
        {"date": "AMAZON.DATE", "time": "AMAZON.TIME"},
        samples,
        invocation_name="reminders",
    ).understand(said, now=NOW)
    assert {slot.name: slot.value for slot in understood.slots} == {"date": date, "time": "NI"}


@pytest.mark.parametrize(
    "said",
    ["remind me tonight or friday", "remind me tonight and friday", "remind me friday or tonight"],
)
def test_tonight_or_a_day_is_no_one_date_and_time(said: str) -> None:
    # With the sample "remind me {time} {date}", "tonight or friday" filled the time NI and the
    # date Friday, "or" left out: one reminder on Friday night, where the user named two days
    # ("tonight", a date too, or Friday). No reading rather than a day the user did not choose.
    understood = intent_understander(
        "Remind",
        {"date": "AMAZON.DATE", "time": "AMAZON.TIME"},
        ["remind me {time} {date}"],
        invocation_name="reminders",
    ).understand(said, now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.fills


def reminder_reads(said: str, samples: list[str], *, date_slot: bool = True) -> dict[str, str]:
    """The slot values a reminder intent of these samples (a ``time`` slot, and a ``date`` one
    unless ``date_slot`` is false) fills from ``said``; {"intent": "AMAZON.FallbackIntent"} for
    no reading."""
    slots = {"time": "AMAZON.TIME"}
    if date_slot:
        slots["date"] = "AMAZON.DATE"
    reminders = intent_understander("Remind", slots, samples, invocation_name="reminders")
    understood = reminders.understand(said, now=NOW)
    if understood.intent == "AMAZON.FallbackIntent":
        return {"intent": understood.intent}
    return {name: fill.value or "" for name, fill in understood.fills.items()}


@pytest.mark.parametrize("said", ["tomorrow night", "tomorrow tonight", "tomorrow evening"])
def test_tomorrow_night_is_no_time_alone(said: str) -> None:
    # An intent with one AMAZON.TIME slot filled it with NI ("tomorrow night", "tomorrow
    # tonight") or EV, "tomorrow" lost: the reminder would ring tonight. A date the time slot
    # cannot hold is no reading, as "friday evening" is.
    found = reminder_reads(f"remind me {said}", ["remind me {time}"], date_slot=False)
    assert found == {"intent": "AMAZON.FallbackIntent"}


@pytest.mark.parametrize(
    "samples",
    [
        ["remind me {time} {date}"],
        ["remind me {date} {time}"],
        ["remind me {date}", "remind me {time}"],
    ],
)
def test_tomorrow_tonight_fills_the_date_and_the_time(samples: list[str]) -> None:
    # "tomorrow tonight" filled the time alone, NI, with "remind me {time} {date}" or the two
    # samples "remind me {date}" and "remind me {time}": the time slot read "tomorrow" as part
    # of its part of the day. It is tomorrow night, as "tonight tomorrow" is.
    found = reminder_reads("remind me tomorrow tonight", samples)
    assert found == {"date": "2026-11-30", "time": "NI"}


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        # A sample of both slots, the time first, fills both, as Alexa does (below).
        (["remind me {time} {date}"], {"date": "2026-11-30", "time": "NI"}),
        # No sample holds both slots: the date slot's "tomorrow night", as "friday evening".
        (["remind me {date}", "remind me {time}"], {"date": "2026-11-30"}),
        (["remind me {date} {time}"], {"date": "2026-11-30", "time": "NI"}),
    ],
)
def test_tomorrow_night_keeps_its_day(samples: list[str], expected: dict[str, str]) -> None:
    # With "remind me {time} {date}", "tomorrow night" filled the time NI and no date.
    assert reminder_reads("remind me tomorrow night", samples) == expected
    friday = dict(expected, date="2026-12-04")
    assert reminder_reads("remind me friday night", samples) == friday


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("tomorrow night", {"date": "2026-11-30", "time": "NI"}),
        ("friday evening", {"date": "2026-12-04", "time": "EV"}),
        ("tomorrow morning", {"date": "2026-11-30", "time": "MO"}),
        ("next friday afternoon", {"date": "2026-12-04", "time": "AF"}),
    ],
)
@pytest.mark.parametrize("sample", ["{time} {date}", "remind me {time} {date}"])
def test_a_day_then_its_part_of_the_day_fills_a_sample_of_the_time_then_the_date(
    said: str, expected: dict[str, str], sample: str
) -> None:
    # With "{time} {date}", "tomorrow night" was no reading (the time slot comes first and
    # reads no "tomorrow"), and with "remind me {time} {date}" the date slot took all of it
    # loosely, the time NI lost. Alexa fills both, whichever way round the sample has them: the
    # date the day, the time the part of the day (AMAZON.TIME's MO, AF, EV, NI).
    prefix = "remind me " if sample.startswith("remind") else ""
    assert reminder_reads(prefix + said, [sample]) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # A clock time said after the day is no part of the day: the sample's order holds.
        ("friday 7 pm", {"intent": "AMAZON.FallbackIntent"}),
        ("7 pm friday", {"time": "19:00", "date": "2026-12-04"}),
        ("friday at night", {"date": "2026-12-04", "time": "NI"}),  # AMAZON.TIME's "at night"
    ],
)
def test_only_a_part_of_the_day_is_read_after_the_day_against_the_samples_order(
    said: str, expected: dict[str, str]
) -> None:
    assert reminder_reads(said, ["{time} {date}"]) == expected


@pytest.mark.parametrize(
    "said", ["remind me friday tomorrow evening", "remind me friday tomorrow night"]
)
@pytest.mark.parametrize(
    "samples",
    [
        ["remind me {time} {date}"],
        ["remind me {date} {time}"],
        ["remind me {date}", "remind me {time}"],
        ["remind me {date} at {time}"],
    ],
)
def test_a_day_said_with_tomorrow_evening_is_no_one_date(said: str, samples: list[str]) -> None:
    # "friday tomorrow evening" filled the date Friday and the time EV: the time slot read
    # "tomorrow evening" whole, "tomorrow" lost, where the user named two days. No reading,
    # as "tonight or friday" and "friday tomorrow" are.
    assert reminder_reads(said, samples) == {"intent": "AMAZON.FallbackIntent"}


@pytest.mark.parametrize(
    ("said", "date"),
    [
        ("remind me tonight december 5th", "2026-12-05"),
        ("remind me tonight on friday", "2026-12-04"),
        ("remind me tonight next friday", "2026-12-04"),
        ("remind me tonight on december 5th", "2026-12-05"),
    ],
)
@pytest.mark.parametrize(
    "samples",
    [
        ["remind me {date} {time}"],
        ["remind me {date} at {time}"],
        ["remind me {time} {date}"],
        ["remind me {date}", "remind me {time}"],
    ],
)
def test_tonight_said_before_a_date_of_words_reads_alike_in_every_sample(
    said: str, date: str, samples: list[str]
) -> None:
    # With the one sample "remind me {date} {time}" (or "{date} at {time}") these were no
    # reading ("'tonight december 5th' read as 'december 5th' would leave out 'tonight'"),
    # where "{time} {date}" and separate samples read the date and NI, as "tonight friday" is:
    # the date refused, the next reading took part of it ("5th", "friday" of "on friday") and
    # still left "tonight" out. The date slot is now barred from all of those words.
    assert reminder_reads(said, samples) == {"time": "NI", "date": date}
