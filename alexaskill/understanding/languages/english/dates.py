"""English dates, resolved to the strings Alexa sends.

Formats are those of Amazon's slot type reference ("AMAZON.DATE" in "Slot Type Reference"),
against the user's local ``now`` (AMAZON.TIME is in `.clock`, AMAZON.DURATION in `.durations`):

- AMAZON.DATE: a day "2026-11-27"; a week "2026-W48"; a weekend "2026-W48-WE"; a month
  "2026-11"; a year "2026"; a decade "202X"; a season "2026-WI" (WI, SP, SU, FA); "now" is
  "PRESENT_REF". A date said without a year is the next one on or after today ("dates on or
  after the current date"), a month without a year the next such month.

Seasons follow the northern meteorological calendar, as `alexaskill.slots` reads them: winter
YYYY is December YYYY to February YYYY+1.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Final

from ....slots import AlexaDate
from .date_steps import (
    add_months,
    in_year,
    iso_day,
    iso_week,
    season_from,
    shifted,
    valid_day,
    weekday_from,
)
from .decades import DECADES, decade_date
from .holidays import HOLIDAYS
from .numbers import cardinal, ordinal, year_number

__all__ = ["DECADES", "HOLIDAYS", "MONTHS", "SEASONS", "WEEKDAYS", "date"]

MONTHS: Final = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS: Final = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    # Written short, as typed: not "wed", "sat" or "sun", even after "on" or "next". Amazon's
    # slot type reference names no short weekday, and a spoken day reaches AMAZON.DATE whole
    # ("sunday"); these words are the verb, its past and the noun ("get some sun").
    "mon": 0,
    "tue": 1,
    "tues": 1,
    "weds": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "fri": 4,
}
SEASONS: Final = {"winter": "WI", "spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA"}
_ISO_DAY: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_SHORT_WEEK: Final = re.compile(r"-W([0-9])(?=-|$)")


def _day_number(words: Sequence[str]) -> int | None:
    """A day of the month: "twenty seventh", "27th", "twenty seven", "27"."""
    if not words or len(words) > 3:
        return None
    said = ordinal(words)
    if said is None:
        value = cardinal(words)
        said = None if value is None else str(value)
    if said is None:
        return None
    day = int(said)
    return day if 1 <= day <= 31 else None


def _modifier(words: Sequence[str]) -> tuple[str, Sequence[str]]:
    """Split "next friday" into ("next", ["friday"]); "" when no modifier."""
    if len(words) >= 3 and words[0] == "this" and words[1] == "coming":
        return "this", words[2:]
    if len(words) >= 3 and words[0] == "the" and words[1] in ("coming", "next", "last"):
        return ("this" if words[1] == "coming" else words[1]), words[2:]
    if len(words) >= 2 and words[0] in ("this", "next", "last", "coming", "past", "previous"):
        kind = {"coming": "this", "past": "last", "previous": "last"}.get(words[0], words[0])
        return kind, words[1:]
    return "", words


def _month_day_year(words: Sequence[str], today: datetime.date) -> str | None:
    """ "november twenty seventh [twenty twenty six]", "the 27th of november", "27 november"."""
    month_at = next((i for i, word in enumerate(words) if word in MONTHS), None)
    if month_at is None:
        return None
    month = MONTHS[words[month_at]]
    before, after = list(words[:month_at]), list(words[month_at + 1 :])
    if before and before[-1] == "of":
        before.pop()
    if before and before[0] == "the":
        before.pop(0)
    if after and after[0] == "the":
        after.pop(0)
    candidates: list[tuple[int, int | None]] = []
    if before:
        day = _day_number(before)
        if day is None:
            return None
        year = year_number(after) if after else None
        if after and year is None:
            return None
        candidates.append((day, year))
    else:
        for split in range(1, min(len(after), 3) + 1):
            day = _day_number(after[:split])
            rest = after[split:]
            if day is None:
                continue
            if not rest:
                candidates.append((day, None))
                continue
            if rest[0] == "of":
                rest = rest[1:]
            year = year_number(rest) if rest else None
            if year is not None:
                candidates.append((day, year))
    for day, year in candidates:
        if year is not None:
            found = valid_day(year, month, day)
            if found is not None:
                return iso_day(found)
            continue
        # The next such day: February 29th may be up to eight years away (2096 to 2104).
        for year in range(today.year, min(today.year + 9, 10_000)):
            found = valid_day(year, month, day)
            if found is not None and found >= today:
                return iso_day(found)
    return None


def _day_of_month(words: Sequence[str], today: datetime.date) -> str | None:
    """ "the 5th of next month", "the twentieth of this month", "the 5th of last month"."""
    if len(words) < 4 or words[-3] != "of" or words[-1] != "month":
        return None
    shift = {"this": 0, "next": 1, "last": -1}.get(words[-2])
    day = _day_number(words[1:-3] if words[0] == "the" else words[:-3])
    if day is None or shift is None:
        return None
    year, month = add_months(today, shift)
    found = valid_day(year, month, day) if 1 <= year <= 9999 else None
    return None if found is None else iso_day(found)


def _of_week(words: Sequence[str], today: datetime.date) -> str | None:
    """ "friday of next week", "friday next week", "next week friday" (that week's friday),
    "the week of the 5th" (the 5th's week)."""
    said_day = [word for word in words if word in WEEKDAYS]
    rest = [word for word in words if word not in WEEKDAYS and word != "of"]
    day_first = words[1:] in (rest, ["of", *rest])
    if (
        len(said_day) == 1
        and len(rest) == 2
        and rest[1] == "week"
        and (day_first or words[2:] == said_day)
    ):
        shift = {"this": 0, "next": 7, "last": -7}.get(rest[0])
        if shift is None:
            return None
        monday = today - datetime.timedelta(days=today.weekday() - shift)
        return iso_day(monday + datetime.timedelta(days=WEEKDAYS[said_day[0]]))
    said = words[2:] if words[:2] == ["week", "of"] else words[3:]
    if (words[:2] != ["week", "of"] and words[:3] != ["the", "week", "of"]) or not said:
        return None
    day = _date(list(said), today)
    if day is None or _ISO_DAY.fullmatch(day) is None:
        return None  # "the week of next month" names no week
    return iso_week(datetime.date.fromisoformat(day))


def _relative_amount(words: Sequence[str]) -> tuple[int, str] | None:
    """ "three days", "a week", "two months" → (3, "day")."""
    if len(words) < 2:
        return None
    unit = words[-1].removesuffix("'s").removesuffix("s")  # "a week's" (time) too
    if unit not in ("day", "week", "month", "year", "fortnight"):
        return None
    amount_words = words[:-1]
    if amount_words in (["a"], ["an"], ["one"]):
        amount = 1
    elif amount_words in (["a", "couple", "of"], ["a", "couple"], ["couple", "of"]):
        amount = 2  # "in a couple of days"
    else:
        value = cardinal(amount_words)
        if value is None:
            return None
        amount = value
    if unit == "fortnight":
        return amount * 2, "week"
    return amount, unit


def _this_time(words: Sequence[str], today: datetime.date) -> str | None:
    """The day of "this time tomorrow", "this time next week" or "last year": a day as far
    from today, not the week or year said."""
    shift = {"tomorrow": 1, "yesterday": -1}.get(words[0]) if len(words) == 1 else None
    if shift is not None:
        return shifted(today, shift, "day")
    kind, rest = _modifier(words)
    if kind in ("next", "last") and len(rest) == 1 and rest[0] in ("week", "month", "year"):
        return shifted(today, 1 if kind == "next" else -1, rest[0])
    return None


#: The parts of a day a weekday can be said with ("friday night").
_DAY_PARTS: Final = frozenset({"morning", "afternoon", "evening", "night"})


def date(words: Sequence[str], now: datetime.datetime) -> str | None:
    """AMAZON.DATE for the words of one slot, relative to the user's local ``now``."""
    try:
        found = _date(list(words), now.date())
        if found is not None:
            AlexaDate.parse(found)
    except (OverflowError, ValueError):
        # A day before 0001-01-01 or after 9999-12-31 (the day after 9999-12-31, two billion
        # days from now, the weekend or winter that ends in 10000): Python cannot name it, so
        # the words name no date, as a day that does not exist ("february thirtieth") names
        # none.
        return None
    return found


def _date(words: list[str], today: datetime.date) -> str | None:
    if len(words) > 1 and words[0] in ("on", "for", "by"):
        words = words[1:]
    elif words[0] == "in" and len(words) > 1:
        # "in may", "in (the) fall": the date's "in", not a free-form slot's before it.
        if words[1] in MONTHS or words[1] in SEASONS:
            words = words[1:]
        elif words[1] == "the" and words[2:] and words[2] in SEASONS:
            words = words[2:]
    if not words:
        return None
    joined = " ".join(words)
    if len(words) == 1:
        match = _ISO_DAY.fullmatch(words[0])
        if match:
            found = valid_day(int(match[1]), int(match[2]), int(match[3]))
            return None if found is None else iso_day(found)
        if "-" in words[0]:  # the other forms of the value, typed ("2026-W49")
            # Alexa writes a week with two digits: "2026-W5" is sent as "2026-W05".
            typed = _SHORT_WEEK.sub(r"-W0\1", words[0].upper())
            try:
                return AlexaDate.parse(typed).raw
            except ValueError:
                return None
    simple = {
        "today": 0,
        "tonight": 0,
        "this evening": 0,
        "this morning": 0,
        "this afternoon": 0,
        "tomorrow": 1,
        "tomorrow morning": 1,
        "tomorrow afternoon": 1,
        "tomorrow evening": 1,
        "tomorrow night": 1,
        "yesterday": -1,
        "the day after tomorrow": 2,
        "day after tomorrow": 2,
        "the day before yesterday": -2,
        "day before yesterday": -2,
    }.get(joined)
    if simple is not None:
        return iso_day(today + datetime.timedelta(days=simple))
    if joined in ("now", "right now", "at the moment", "currently"):
        return "PRESENT_REF"
    holiday = HOLIDAYS.get(tuple(words))
    if holiday is not None:
        month, day = holiday
        found = datetime.date(today.year, month, day)
        if found < today:
            found = valid_day(today.year + 1, month, day)  # None after 9999
        return None if found is None else iso_day(found)
    after_next = words[-2:] == ["after", "next"] and len(words) - 2 == 1 + (words[0] == "the")
    if after_next and words[-3] in WEEKDAYS:  # "(the) friday after next": a week past next's
        later = weekday_from("next", WEEKDAYS[words[-3]], today) + datetime.timedelta(days=7)
        return iso_day(later)
    if len(words) > 1 and words[-1] in _DAY_PARTS and words[-2] in WEEKDAYS:
        # "friday morning" is friday, as "tomorrow morning" is tomorrow: the date keeps the
        # part of the day, which a time said with it must agree with (companions.py).
        return _date(words[:-1], today)
    kind, rest = _modifier(words)
    if len(rest) == 1:
        word = rest[0]
        if word in WEEKDAYS:
            return iso_day(weekday_from(kind, WEEKDAYS[word], today))
        if word == "weekend":
            shift = {"next": 7, "last": -7}.get(kind, 0)
            return iso_week(today + datetime.timedelta(days=shift), weekend=True)
        if word == "week" and kind:
            shift = {"next": 7, "last": -7}.get(kind, 0)
            return iso_week(today + datetime.timedelta(days=shift))
        if word == "month" and kind:
            year, month = add_months(today, {"next": 1, "last": -1}.get(kind, 0))
            return in_year(year, f"-{month:02d}")
        if word == "year" and kind:
            return in_year(today.year + {"next": 1, "last": -1}.get(kind, 0))
        if word == "decade" and kind:
            decade = today.year // 10 + {"next": 1, "last": -1}.get(kind, 0)
            return f"{decade:03d}X" if 1 <= decade <= 999 else None
        if word in SEASONS:
            return season_from(kind, SEASONS[word], today)
        if word in MONTHS:
            month = MONTHS[word]
            if kind == "last":
                year = today.year if month < today.month else today.year - 1
            elif kind == "next":
                year = today.year + 1 if month <= today.month else today.year
            else:
                year = today.year if month >= today.month else today.year + 1
            return in_year(year, f"-{month:02d}")
    if words == ["the", "weekend"] or words == ["weekend"]:
        return iso_week(today, weekend=True)
    if words in (["the", "week", "after", "next"], ["week", "after", "next"]):
        return iso_week(today + datetime.timedelta(days=14))
    if words in (["the", "weekend", "after", "next"], ["weekend", "after", "next"]):
        return iso_week(today + datetime.timedelta(days=14), weekend=True)
    if words[-2:] == ["after", "next"] and words[:-2] in (["the", "month"], ["month"]):
        year, month = add_months(today, 2)
        return in_year(year, f"-{month:02d}")
    if words[-2:] == ["after", "next"] and words[:-2] in (["the", "year"], ["year"]):
        return in_year(today.year + 2)
    if words[:2] == ["this", "time"] and len(words) > 2:  # "this time next week": that day
        return _this_time(words[2:], today)
    if len(words) >= 2 and words[0] in MONTHS and words[1] not in MONTHS:
        month_year = year_number(words[1:])
        if month_year is not None and _month_day_year(words, today) is None:
            return f"{month_year:04d}-{MONTHS[words[0]]:02d}" if month_year >= 1 else None
    season = words[1:] if words[0] == "the" else words  # "(the) spring (of) 2028": 2028-SP
    if len(season) > 1 and season[0] in SEASONS:
        season_year = year_number(season[2:] if season[1] == "of" else season[1:])
        if season_year is not None:
            return in_year(season_year, f"-{SEASONS[season[0]]}")
    named = _weekday_and_day(words, today) if words[0] in WEEKDAYS and len(words) > 1 else None
    if named is not None:
        return named
    month_day = (
        _month_day_year(words, today) or _day_of_month(words, today) or _of_week(words, today)
    )
    if month_day is not None:
        return month_day
    if words[0] == "the" and len(words) >= 2:
        # "the first of the month" is the next first, as "the first" alone is.
        said = words[1:-3] if words[-3:] == ["of", "the", "month"] else words[1:]
        day_only = _day_number(said) if said and ordinal(said) is not None else None
        if day_only is not None:
            # The next month that has the day: "the thirtieth" on 31 January is 30 March.
            for ahead in range(3):
                year, month = add_months(today, ahead)
                found = valid_day(year, month, day_only) if year <= 9999 else None
                if found is not None and found >= today:
                    return iso_day(found)
            return None
    decade_value = decade_date(words, today)
    if decade_value is not None:
        return decade_value
    # "in three days", "three days from now", "two weeks ago"
    if words[0] == "in":
        # "in two weeks time", "in a week's time": "time" is said of the amount
        amount = _relative_amount(words[1:-1] if words[-1] == "time" else words[1:])
        if amount is not None:
            return shifted(today, *amount)
    for tail in (["from", "now"], ["from", "today"], ["later"]):
        if words[-len(tail) :] == tail:
            amount = _relative_amount(words[: -len(tail)])
            if amount is not None:
                return shifted(today, *amount)
    # "a week from tomorrow", "two days after next friday", "the day after friday"
    at = next((i for i, word in enumerate(words[1:-1], 1) if word in ("from", "after")), 0)
    if at:
        # "the day after friday" is saturday; "the week after friday" may be a week, not a day.
        said = ["day"] if words[:at] == ["the", "day"] else words[:at]
        # "week from tomorrow": a unit alone (not "weeks") is one of it.
        unit = said in (["day"], ["week"], ["month"], ["year"], ["fortnight"])
        # But "week after friday" is what is left of "the week after friday" (a loose match
        # leaves "the" out): that week, or a day of it; which is unknown.
        vague = unit and said != ["day"] and words[at] == "after"
        amount = None if vague else _relative_amount(["a", *said] if unit else said)
        start = _date(words[at + 1 :], today) if amount is not None else None
        if amount is not None and start is not None and _ISO_DAY.fullmatch(start):
            return shifted(datetime.date.fromisoformat(start), *amount)
    if words[-1] == "ago":
        amount = _relative_amount(words[:-1])
        if amount is not None:
            return shifted(today, -amount[0], amount[1])
    if words[0] == "in" and len(words) > 1:
        words = words[1:]
    if words[:2] == ["the", "year"] or words[:1] == ["year"]:  # "the year 2000"
        words = words[words.index("year") + 1 :] or ["year"]
    said_year = year_number(words)
    if said_year is not None and len(words) <= 4:
        return f"{said_year:04d}" if said_year >= 1 else None  # "0005" is year 5, "0000" none
    return None


def _weekday_and_day(words: Sequence[str], today: datetime.date) -> str | None:
    """ "friday the 4th", "friday december 4th", "friday the 4th of december": the day said,
    which must be that weekday; "friday the 13th" with no month is the next friday the 13th."""
    weekday, rest = WEEKDAYS[words[0]], list(words[1:])
    if any(word in MONTHS for word in rest):
        said = _month_day_year(rest, today)
        if said is None or _ISO_DAY.fullmatch(said) is None:
            return None
        found = datetime.date.fromisoformat(said)
        return said if found.weekday() == weekday else None  # which of the two was meant?
    if rest[0] == "the":
        rest = rest[1:]
    day = _day_number(rest) if rest and ordinal(rest) is not None else None
    if day is None:
        return None
    # Each day of the month falls on each weekday within 28 years; most within one or two.
    for ahead in range(12 * 28 + 1):
        year, month = add_months(today, ahead)
        on_day = valid_day(year, month, day) if year <= 9999 else None
        if on_day is not None and on_day >= today and on_day.weekday() == weekday:
            return iso_day(on_day)
    return None
