"""AMAZON.DATE: the values Alexa sends for a day, week, weekend, month, season, year or decade
(Amazon's slot type reference), said alone, counted from another day, said with a time or typed,
and the British forms only the locales that say them read (among a request's other words:
test_understanding_dates_in_requests.py; or a name: test_understanding_dates_or_names.py)."""

from __future__ import annotations

import datetime

import pytest

from alexaskill.slots import AlexaDate
from tests.understanding_shared import NOW, filled, slot, understander, value


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("today", "2026-11-29"),
        ("tomorrow", "2026-11-30"),
        ("yesterday", "2026-11-28"),
        ("the day after tomorrow", "2026-12-01"),
        ("now", "PRESENT_REF"),
        # A weekday is the next one on or after today; "next" is the one of next week.
        ("friday", "2026-12-04"),
        ("on friday", "2026-12-04"),
        ("sunday", "2026-11-29"),
        ("next monday", "2026-11-30"),
        ("last friday", "2026-11-27"),
        # Without a year, the next such date on or after today.
        ("november twenty seventh", "2027-11-27"),
        ("december fourth", "2026-12-04"),
        ("the fourth of december", "2026-12-04"),
        ("4 december", "2026-12-04"),
        ("december 4th twenty twenty seven", "2027-12-04"),
        ("the fifth", "2026-12-05"),
        ("christmas", "2026-12-25"),
        ("2026-12-24", "2026-12-24"),
        ("in three days", "2026-12-02"),
        ("two weeks ago", "2026-11-15"),
        # Weeks and weekends are ISO weeks.
        ("this week", "2026-W48"),
        ("next week", "2026-W49"),
        ("last week", "2026-W47"),
        ("this weekend", "2026-W48-WE"),
        ("next weekend", "2026-W49-WE"),
        ("the weekend", "2026-W48-WE"),
        # Months, years, decades, seasons.
        ("this month", "2026-11"),
        ("next month", "2026-12"),
        ("december", "2026-12"),
        ("january", "2027-01"),
        ("march twenty twenty eight", "2028-03"),
        ("this year", "2026"),
        ("next year", "2027"),
        ("twenty twenty six", "2026"),
        ("this decade", "202X"),
        ("the eighties", "198X"),
        ("the nineteen nineties", "199X"),
        # Today is in autumn 2026; winter 2026 runs from December 2026 to February 2027.
        ("this fall", "2026-FA"),
        ("last autumn", "2025-FA"),
        ("this winter", "2026-WI"),
        ("next winter", "2026-WI"),
        ("next summer", "2027-SU"),
        ("last winter", "2025-WI"),
    ],
)
def test_amazon_date(said: str, expected: str) -> None:
    found = value(said, "AMAZON.DATE")
    assert found == expected
    AlexaDate.parse(found)  # what alexaskill's own converter accepts


def test_typed_iso_forms_pass_through_to_the_slot() -> None:
    assert value("2026-W49", "AMAZON.DATE") == "2026-W49"
    assert value("on 2026-w49-we", "AMAZON.DATE") == "2026-W49-WE"
    assert value("2026-12", "AMAZON.DATE") == "2026-12"
    assert value("2026-WI", "AMAZON.DATE") == "2026-WI"
    assert value("PT5M", "AMAZON.DURATION") == "PT5M"
    assert value("P1DT2H", "AMAZON.DURATION") == "P1DT2H"
    # A form that names nothing fills no slot.
    assert value("2026-13", "AMAZON.DATE") is None
    assert value("2026-W60", "AMAZON.DATE") is None


@pytest.mark.parametrize(
    "said", ["february thirtieth", "february 30", "april 31", "the thirty first of june"]
)
def test_a_day_the_month_lacks_is_no_date(said: str) -> None:
    # The date parser refused "february thirtieth", but loose matching then read "february"
    # alone (the month, "2027-02") and dropped "thirtieth": a value the user never said. Like a
    # typed "2026-02-30", the words name no date, so the sample does not match.
    assert slot(said, "AMAZON.DATE") is None
    assert value("february", "AMAZON.DATE") == "2027-02"  # the month alone still is one


def test_february_twenty_ninth_without_a_year_is_the_next_leap_day() -> None:
    # Only this year and the next were tried: in November 2026 the words named no date (and
    # loose matching used to read "february twenty" as 2027-02-20).
    assert value("february twenty ninth", "AMAZON.DATE") == "2028-02-29"
    assert value("the 29th of february", "AMAZON.DATE") == "2028-02-29"


@pytest.mark.parametrize(
    ("said", "expected"),
    [("0000", None), ("0005", "0005"), ("march 0000", None), ("march 0042", "0042-03")],
)
def test_a_typed_year_is_four_digits_and_never_year_zero(said: str, expected: str | None) -> None:
    # "0005" was sent as "5" and "0000" as "0", values no AMAZON.DATE reader (AlexaDate) takes.
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize(
    ("said", "expected"), [("the thirtieth", "2027-03-30"), ("the twenty ninth", "2027-03-29")]
)
def test_a_day_of_the_month_february_lacks_is_in_march(said: str, expected: str) -> None:
    # On 31 January only January and February were tried: "the thirtieth" named no date.
    late_january = datetime.datetime(2027, 1, 31, 12, 0)
    request = understander("AMAZON.DATE").understand(f"say {said}", now=late_january).request
    assert request is not None
    assert request["intent"]["slots"]["value"]["value"] == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [("2026-W5", "2026-W05"), ("2026-w5", "2026-W05"), ("2026-W5-WE", "2026-W05-WE")],
)
def test_a_typed_week_of_one_digit_is_sent_with_two(said: str, expected: str) -> None:
    # Alexa writes AMAZON.DATE weeks with two digits ("2015-W48"). "2026-W5" was read as the
    # year 2026 with "W5" left out.
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("friday after next", "2026-12-11"),
        ("the friday after next", "2026-12-11"),
        ("monday after next", "2026-12-07"),
        ("next friday", "2026-12-04"),
    ],
)
def test_a_weekday_after_next_is_a_week_past_next_weeks(said: str, expected: str) -> None:
    # "after next" was left out as extra words: "friday after next" was next week's friday.
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize(
    "said", ["the 31st of february", "the thirtieth of february", "the 31st of april"]
)
def test_a_day_said_of_a_month_that_lacks_it_is_no_date(said: str) -> None:
    # The cut check stopped at "of": "the 31st" was read alone (2026-12-31) and "of february"
    # left out. An impossible date is no date, as "february 31st" already was.
    assert slot(said, "AMAZON.DATE") is None
    assert value("the 31st of march", "AMAZON.DATE") == "2027-03-31"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("the 5th of next month", "2026-12-05"),
        ("the twentieth of next month", "2026-12-20"),
        ("the 5th of this month", "2026-11-05"),
        ("the 31st of this month", None),  # November has no 31st
    ],
)
def test_a_day_of_this_or_next_month_is_that_months(said: str, expected: str | None) -> None:
    # The date parser did not read "of next month": loose matching read "the 5th" alone, the
    # next 5th (right only late in a month), and since "of" no longer ends the cut check the
    # words were no date at all.
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("the first of the month", "2026-12-01"),
        ("the 1st of the month", "2026-12-01"),
        ("the 15th of the month", "2026-12-15"),
        ("the thirtieth of the month", "2026-11-30"),
    ],
)
def test_a_day_of_the_month_is_the_next_such_day(said: str, expected: str) -> None:
    # Since "of" joins values, loose matching no longer reads "the first" with "of the month"
    # left out: the date parser must read the words whole, as the next such day ("the first").
    assert value(said, "AMAZON.DATE") == expected
    assert value(said.removesuffix(" of the month"), "AMAZON.DATE") == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("friday of next week", "2026-12-04"),
        ("monday of next week", "2026-11-30"),
        ("friday of this week", "2026-11-27"),  # NOW is a sunday: this (ISO) week's friday
        ("monday of last week", "2026-11-16"),
        ("the week of the 5th", "2026-W49"),
        ("the week of december 12th", "2026-W50"),
        ("the 5th of last month", "2026-10-05"),
        ("the week of next month", None),  # no day: no week
    ],
)
def test_a_day_of_a_week_a_week_of_a_day_and_a_day_of_last_month(
    said: str, expected: str | None
) -> None:
    # Since "of" joins values, these were the fallback intent ("friday of next week" had
    # been read as "next week", 2026-W49, before): AMAZON.DATE reads them whole.
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize(
    ("said", "today", "expected"),
    [
        ("next week", datetime.date(1, 1, 1), "0001-W02"),
        ("next month", datetime.date(1, 1, 1), "0001-02"),
        ("next winter", datetime.date(1, 6, 1), "0001-WI"),
        ("last year", datetime.date(1, 6, 1), None),
        ("next year", datetime.date(9999, 6, 1), None),
        ("this weekend", datetime.date(9999, 12, 31), None),  # it ends in the year 10000
        ("next winter", datetime.date(9999, 1, 1), None),
        ("the eighties", datetime.date(1, 1, 1), None),
        ("this decade", datetime.date(5, 1, 1), None),
    ],
)
def test_a_date_near_the_first_or_last_year_is_written_as_alexa_writes_it_or_is_none(
    said: str, today: datetime.date, expected: str | None
) -> None:
    # Years were written as they are ("1-W02", "10000", "-18X"), which no AMAZON.DATE value
    # is and alexaskill.slots refuses, and a weekend or winter ending in the year 10000 was
    # given as one that `AlexaDate` cannot read.
    now = datetime.datetime.combine(today, datetime.time(12))
    request = understander("AMAZON.DATE").understand(f"say {said}", now=now).request
    assert request is not None
    slots = request["intent"].get("slots", {})
    assert slots.get("value", {}).get("value") == expected
    if expected is not None:
        assert AlexaDate.parse(expected).raw == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("friday next week", "2026-12-04"),
        ("next week friday", "2026-12-04"),
        ("friday this week", "2026-11-27"),
        ("this week monday", "2026-11-23"),
        ("friday week next", None),
    ],
)
def test_a_weekday_said_with_its_week_without_of(said: str, expected: str | None) -> None:
    # Only "friday of next week" was read: without "of", the week was a date word left out
    # of "friday", and the reading dropped (the fallback intent).
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("a week from tomorrow", "2026-12-07"),
        ("a week from friday", "2026-12-11"),
        ("two days from friday", "2026-12-06"),
        ("a week from today", "2026-12-06"),
    ],
)
def test_an_amount_from_a_day_counts_from_that_day(said: str, expected: str) -> None:
    # "a week from tomorrow" read as "tomorrow" alone (2026-11-30), the loose match leaving
    # "a week from" out: a wrong date sent in place of the one said.
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("friday the 4th", "2026-12-04"),
        ("friday the fourth", "2026-12-04"),
        ("friday 4th", "2026-12-04"),
        ("friday december 4th", "2026-12-04"),
        ("friday the 4th of december", "2026-12-04"),
        ("friday 4th december 2026", "2026-12-04"),
        ("friday the 13th", "2027-08-13"),  # the next friday that is a 13th
    ],
)
def test_a_weekday_said_with_its_date(said: str, expected: str) -> None:
    # Sunday 29 November 2026: "friday the 4th" filled no slot (the fallback intent).
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize("said", ["saturday the 4th of december", "saturday december 4th"])
def test_a_weekday_that_is_not_the_dates_weekday_names_no_date(said: str) -> None:
    # 4 December 2026 is a friday: which of the two was meant is unknown.
    assert slot(said, "AMAZON.DATE") is None


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("week from tomorrow", "2026-12-07"),
        ("the day after friday", "2026-12-05"),
        ("two days after friday", "2026-12-06"),
        ("in a couple of days", "2026-12-01"),
        ("a couple of days ago", "2026-11-27"),
        ("couple of weeks from friday", "2026-12-18"),
        ("the weekend after next", "2026-W50-WE"),
    ],
)
def test_more_days_counted_from_another(said: str, expected: str) -> None:
    # "week from tomorrow" and "the day after friday" were sent as tomorrow and friday, the
    # words counting from them dropped; the others filled no slot.
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize("said", ["weeks from tomorrow", "days from friday", "weeks after friday"])
def test_units_counting_from_a_date_are_never_dropped(said: str) -> None:
    # "weeks from tomorrow" (no amount said) was sent as tomorrow: no reading is better.
    understood = understander("AMAZON.DATE").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.request


@pytest.mark.parametrize(
    "said", ["the week after friday", "the month after christmas", "the week after next friday"]
)
def test_the_week_or_month_after_a_day_is_not_sent_as_a_day(said: str) -> None:
    # "the week after friday" may be that week, "the month after christmas" is January: the
    # date reading refused them, but the loose match left "the" out and read "week after
    # friday" as one week after friday (2026-12-11), "month after christmas" as 2027-01-25.
    understood = understander("AMAZON.DATE").understand(f"say {said}", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent", understood.request
    assert value("a week after friday", "AMAZON.DATE") == "2026-12-11"  # a day, as said
    assert value("the day after friday", "AMAZON.DATE") == "2026-12-05"
    assert value("week from tomorrow", "AMAZON.DATE") == "2026-12-07"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("monday week", "2026-12-07"),
        ("friday week", "2026-12-11"),
        ("tomorrow week", "2026-12-07"),
        ("a week today", "2026-12-06"),
        ("a week tomorrow", "2026-12-07"),
        ("a week on friday", "2026-12-11"),
        ("two weeks today", "2026-12-13"),
        ("a fortnight on monday", "2026-12-14"),
    ],
)
def test_british_days_a_week_on(said: str, expected: str) -> None:
    # British "monday week" (a week after monday), "a week today", "tomorrow week" filled no
    # AMAZON.DATE slot. A weekday is the one "monday" alone reads, as "a week from monday" is.
    assert value(said, "AMAZON.DATE", locale="en-GB") == expected
    assert value(said, "AMAZON.DATE", locale="en-AU") == expected
    assert value(said, "AMAZON.DATE", locale="en-US") is None  # no American English


@pytest.mark.parametrize(
    "said", ["monday weeks", "a week yesterday", "week today", "a day today", "a week on"]
)
def test_no_other_days_a_week_on(said: str) -> None:
    assert value(said, "AMAZON.DATE", locale="en-GB") is None


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("tues", "2026-12-01"),
        ("next thurs", "2026-12-03"),
        ("weds", "2026-12-02"),
        ("a week from fri", "2026-12-11"),
        ("mon", "2026-11-30"),
        ("thu", "2026-12-03"),
    ],
)
def test_a_weekday_typed_short(said: str, expected: str) -> None:
    # "dec 5" and "sept 5" were read, "tues" and "next thurs" filled no AMAZON.DATE slot.
    assert value(said, "AMAZON.DATE") == expected
    assert value("sat", "AMAZON.DATE") is None  # an English word: no abbreviation read


@pytest.mark.parametrize(
    ("locale", "british"),
    [("en-US", False), ("en-CA", False), ("en-GB", True), ("en-AU", True), ("en-IN", True)],
)
def test_only_british_australian_and_indian_english_say_fortnight_and_monday_week(
    locale: str, british: bool
) -> None:
    # The British forms were read in every locale but en-US, en-CA among them, though the rule
    # meant British, Australian and Indian English.
    fortnight = value("a fortnight", "AMAZON.DURATION", locale=locale)
    week_on = value("monday week", "AMAZON.DATE", locale=locale)
    assert (fortnight, week_on) == (("P2W", "2026-12-07") if british else (None, None))


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("the 1990s", "199X"),
        ("the 1990's", "199X"),
        ("the 90s", "199X"),
        ("the 2020s", "202X"),
        ("the 1900s", None),  # the century, or its first decade? None, as "the nineteen hundreds"
        ("the 2000s", None),
    ],
)
def test_a_decade_typed_in_digits_is_the_decade(said: str, expected: str | None) -> None:
    # "the 1990s" filled a date slot with the year 1990 (the "s" left out), "the 90s" none;
    # "the nineties" was 199X.
    assert value(said, "AMAZON.DATE") == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en-US", "2027-11-25"), ("en-CA", "2027-10-11"), ("en-GB", None), ("en-AU", None)],
)
def test_thanksgiving_is_the_next_one_of_the_locale(locale: str, expected: str | None) -> None:
    # "thanksgiving" was no date (Christmas was). NOW is 29 November 2026: this year's, the
    # 26th in the United States and 12 October in Canada, are past.
    assert value("thanksgiving", "AMAZON.DATE", locale=locale) == expected
    assert value("thanksgiving day", "AMAZON.DATE", locale=locale) == expected


@pytest.mark.parametrize("said", ["in a fortnight", "a fortnight from today", "a fortnight ago"])
@pytest.mark.parametrize(
    ("locale", "british"),
    [("en-US", False), ("en-CA", False), ("en-GB", True), ("en-AU", True), ("en-IN", True)],
)
def test_a_date_a_fortnight_away_is_read_where_fortnight_is_said(
    said: str, locale: str, british: bool
) -> None:
    # "in a fortnight" filled an AMAZON.DATE slot in en-US and en-CA (2026-12-13), though
    # "a fortnight" is no AMAZON.DURATION there: the locales that say it are en-GB, en-AU, en-IN.
    found = value(said, "AMAZON.DATE", locale=locale)
    assert (found is not None) == british
    assert value("in two weeks", "AMAZON.DATE", locale=locale) == "2026-12-13"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("in a week's time", "2026-12-06"),
        ("in two weeks time", "2026-12-13"),
        ("in two weeks' time", "2026-12-13"),
        ("in three days time", "2026-12-02"),
        ("in a month's time", "2026-12-29"),
        ("the year after next", "2028"),
        ("year after next", "2028"),
        ("the month after next", "2027-01"),
        ("this time next week", "2026-12-06"),
        ("this time tomorrow", "2026-11-30"),
        ("this time last week", "2026-11-22"),
        ("this time next year", "2027-11-29"),
    ],
)
def test_a_date_said_with_time_or_after_next_is_read_whole(said: str, expected: str) -> None:
    # "in a week's time" and "the year after next" were no date; "in two weeks time" was read
    # only loosely, its "time" left out; "this time next week" was the week 2026-W49, its "this
    # time" (a week from now) left out. Each is read whole, with nothing left over.
    understood = understander("AMAZON.DATE").understand(f"say {said}", now=NOW)
    assert filled(understood) == {"value": expected}
    assert understood.notes == (), understood.notes


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("spring 2028", "2028-SP"),
        ("in spring 2028", "2028-SP"),
        ("in the spring of 2028", "2028-SP"),
        ("the summer of twenty twenty eight", "2028-SU"),
        ("fall 2027", "2027-FA"),
        ("autumn 2025", "2025-FA"),
        # Winter 2027 runs from December 2027 to February 2028 (the module's calendar).
        ("winter 2027", "2027-WI"),
    ],
)
def test_a_season_said_with_its_year_is_that_years_season(said: str, expected: str) -> None:
    # A season and a year filled no AMAZON.DATE slot, where Amazon's slot type reference sends
    # a season as the year and its code ("2028-SP" for spring 2028), as "next spring" was.
    found = value(said, "AMAZON.DATE")
    assert found == expected
    AlexaDate.parse(found)
