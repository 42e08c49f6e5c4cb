"""English dates, times and durations, resolved to the strings Alexa sends.

Formats are those of Amazon's slot type reference ("AMAZON.DATE", "AMAZON.TIME",
"AMAZON.DURATION" in "Slot Type Reference"), against the user's local ``now``:

- AMAZON.DATE: a day "2026-11-27"; a week "2026-W48"; a weekend "2026-W48-WE"; a month
  "2026-11"; a year "2026"; a decade "202X"; a season "2026-WI" (WI, SP, SU, FA); "now" is
  "PRESENT_REF". A date said without a year is the next one on or after today ("dates on or
  after the current date"), a month without a year the next such month.
- AMAZON.TIME: "14:30"; the parts of the day "MO", "AF", "EV", "NI". A time said without
  "a m"/"p m" or a part of the day is taken as said ("three thirty" is "03:30").
- AMAZON.DURATION: ISO 8601 "PnYnMnDTnHnMnS" ("PT10M", "P2Y"), weeks alone as "PnW"; amounts
  are kept as said ("ninety minutes" is "PT90M"), halves go down a unit ("PT1H30M").

Seasons follow the northern meteorological calendar, as `alexaskill.slots` reads them: winter
YYYY is December YYYY to February YYYY+1.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from fractions import Fraction
from typing import Final

from .numbers import UNITS, _below_hundred, cardinal, number, ordinal, year_number

__all__ = ["date", "duration", "time"]

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
}
SEASONS: Final = {"winter": "WI", "spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA"}
# Seasons in the order of their year label: winter YYYY starts in December YYYY.
_SEASON_ORDER: Final = ("SP", "SU", "FA", "WI")
DECADES: Final = {
    "tens": 1,
    "teens": 1,
    "twenties": 2,
    "thirties": 3,
    "forties": 4,
    "fifties": 5,
    "sixties": 6,
    "seventies": 7,
    "eighties": 8,
    "nineties": 9,
}
#: Fixed-date holidays (month, day) that AMAZON.DATE resolves.
HOLIDAYS: Final = {
    ("christmas",): (12, 25),
    ("christmas", "day"): (12, 25),
    ("christmas", "eve"): (12, 24),
    ("boxing", "day"): (12, 26),
    ("new", "year's", "day"): (1, 1),
    ("new", "years", "day"): (1, 1),
    ("new", "year's", "eve"): (12, 31),
    ("new", "years", "eve"): (12, 31),
    ("halloween",): (10, 31),
    ("valentine's", "day"): (2, 14),
    ("valentines", "day"): (2, 14),
    ("independence", "day"): (7, 4),
    ("the", "fourth", "of", "july"): (7, 4),
    ("saint", "patrick's", "day"): (3, 17),
    ("st", "patrick's", "day"): (3, 17),
}
_ISO_DAY: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_CLOCK: Final = re.compile(r"([0-9]{1,2}):([0-9]{2})")


def _day(value: datetime.date) -> str:
    return value.isoformat()


def _week(value: datetime.date, weekend: bool = False) -> str:
    year, week, _ = value.isocalendar()
    return f"{year}-W{week:02d}" + ("-WE" if weekend else "")


def _add_months(value: datetime.date, months: int) -> tuple[int, int]:
    index = value.year * 12 + value.month - 1 + months
    return index // 12, index % 12 + 1


def _valid(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


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
            found = _valid(year, month, day)
            if found is not None:
                return _day(found)
            continue
        found = _valid(today.year, month, day)
        if found is not None and found < today:
            found = _valid(today.year + 1, month, day)
        if found is None:
            found = _valid(today.year + 1, month, day)
        if found is not None:
            return _day(found)
    return None


def _weekday(kind: str, weekday: int, today: datetime.date) -> datetime.date:
    if kind == "next":
        monday = today + datetime.timedelta(days=7 - today.weekday())
        return monday + datetime.timedelta(days=weekday)
    if kind == "last":
        back = (today.weekday() - weekday) % 7 or 7
        return today - datetime.timedelta(days=back)
    return today + datetime.timedelta(days=(weekday - today.weekday()) % 7)


def _season_of(value: datetime.date) -> tuple[int, str]:
    if value.month == 12:
        return value.year, "WI"
    if value.month <= 2:
        return value.year - 1, "WI"
    return value.year, _SEASON_ORDER[(value.month - 3) // 3]


def _season(kind: str, code: str, today: datetime.date) -> str:
    year, current = _season_of(today)
    # Seasons as one sequence: index = year * 4 + position.
    now_index = year * 4 + _SEASON_ORDER.index(current)
    target = _SEASON_ORDER.index(code)
    upcoming = now_index + (target - now_index % 4) % 4
    if kind == "last":
        index = upcoming - 4
    elif kind == "next" and upcoming == now_index:
        index = now_index + 4
    else:
        index = upcoming
    return f"{index // 4}-{_SEASON_ORDER[index % 4]}"


def _relative_amount(words: Sequence[str]) -> tuple[int, str] | None:
    """ "three days", "a week", "two months" → (3, "day")."""
    if len(words) < 2:
        return None
    unit = words[-1].removesuffix("s")
    if unit not in ("day", "week", "month", "year", "fortnight"):
        return None
    amount_words = words[:-1]
    if amount_words in (["a"], ["an"], ["one"]):
        amount = 1
    else:
        value = cardinal(amount_words)
        if value is None:
            return None
        amount = value
    if unit == "fortnight":
        return amount * 2, "week"
    return amount, unit


def _shift(today: datetime.date, amount: int, unit: str) -> str | None:
    if unit == "day":
        return _day(today + datetime.timedelta(days=amount))
    if unit == "week":
        return _day(today + datetime.timedelta(weeks=amount))
    year, month = _add_months(today, amount * (12 if unit == "year" else 1))
    day = today.day
    while day > 28 and _valid(year, month, day) is None:
        day -= 1
    found = _valid(year, month, day)
    return None if found is None else _day(found)


def date(words: Sequence[str], now: datetime.datetime) -> str | None:
    """AMAZON.DATE for the words of one slot, relative to the user's local ``now``."""
    words = list(words)
    if len(words) > 1 and words[0] in ("on", "for", "by"):
        words = words[1:]
    if not words:
        return None
    today = now.date()
    joined = " ".join(words)
    if len(words) == 1:
        match = _ISO_DAY.fullmatch(words[0])
        if match:
            found = _valid(int(match[1]), int(match[2]), int(match[3]))
            return None if found is None else _day(found)
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
        return _day(today + datetime.timedelta(days=simple))
    if joined in ("now", "right now", "at the moment", "currently"):
        return "PRESENT_REF"
    holiday = HOLIDAYS.get(tuple(words))
    if holiday is not None:
        month, day = holiday
        found = datetime.date(today.year, month, day)
        if found < today:
            found = datetime.date(today.year + 1, month, day)
        return _day(found)
    kind, rest = _modifier(words)
    if len(rest) == 1:
        word = rest[0]
        if word in WEEKDAYS:
            return _day(_weekday(kind, WEEKDAYS[word], today))
        if word == "weekend":
            shift = {"next": 7, "last": -7}.get(kind, 0)
            return _week(today + datetime.timedelta(days=shift), weekend=True)
        if word == "week" and kind:
            shift = {"next": 7, "last": -7}.get(kind, 0)
            return _week(today + datetime.timedelta(days=shift))
        if word == "month" and kind:
            year, month = _add_months(today, {"next": 1, "last": -1}.get(kind, 0))
            return f"{year}-{month:02d}"
        if word == "year" and kind:
            return str(today.year + {"next": 1, "last": -1}.get(kind, 0))
        if word == "decade" and kind:
            decade = today.year // 10 + {"next": 1, "last": -1}.get(kind, 0)
            return f"{decade}X"
        if word in SEASONS:
            return _season(kind, SEASONS[word], today)
        if word in MONTHS:
            month = MONTHS[word]
            if kind == "last":
                year = today.year if month < today.month else today.year - 1
            elif kind == "next":
                year = today.year + 1 if month <= today.month else today.year
            else:
                year = today.year if month >= today.month else today.year + 1
            return f"{year}-{month:02d}"
    if words == ["the", "weekend"] or words == ["weekend"]:
        return _week(today, weekend=True)
    if words in (["the", "week", "after", "next"], ["week", "after", "next"]):
        return _week(today + datetime.timedelta(days=14))
    if len(words) >= 2 and words[0] in MONTHS and words[1] not in MONTHS:
        month_year = year_number(words[1:])
        if month_year is not None and _month_day_year(words, today) is None:
            return f"{month_year}-{MONTHS[words[0]]:02d}"
    month_day = _month_day_year(words, today)
    if month_day is not None:
        return month_day
    if words[0] == "the" and len(words) >= 2:
        day_only = _day_number(words[1:]) if ordinal(words[1:]) is not None else None
        if day_only is not None:
            found = _valid(today.year, today.month, day_only)
            if found is None or found < today:
                next_year, next_month = _add_months(today, 1)
                found = _valid(next_year, next_month, day_only)
            return None if found is None else _day(found)
    decade_value = _decade(words, today)
    if decade_value is not None:
        return decade_value
    # "in three days", "three days from now", "two weeks ago"
    if words[0] == "in":
        amount = _relative_amount(words[1:])
        if amount is not None:
            return _shift(today, *amount)
    for tail in (["from", "now"], ["from", "today"], ["later"]):
        if words[-len(tail) :] == tail:
            amount = _relative_amount(words[: -len(tail)])
            if amount is not None:
                return _shift(today, *amount)
    if words[-1] == "ago":
        amount = _relative_amount(words[:-1])
        if amount is not None:
            return _shift(today, -amount[0], amount[1])
    if words[0] == "in" and len(words) > 1:
        words = words[1:]
    said_year = year_number(words)
    if said_year is not None and len(words) <= 4:
        return str(said_year)
    return None


def _decade(words: Sequence[str], today: datetime.date) -> str | None:
    """ "the eighties" → "198X", "the nineteen nineties" → "199X", "the twenty tens"."""
    if words and words[0] == "the":
        words = words[1:]
    if not words or words[-1] not in DECADES:
        return None
    tens = DECADES[words[-1]]
    century_words = words[:-1]
    if century_words:
        century = cardinal(century_words)
        if century is None or not 10 <= century <= 29:
            return None
        return f"{century}{tens}X"
    century = today.year // 100
    if century * 100 + tens * 10 > today.year:
        century -= 1
    return f"{century}{tens}X"


# --- AMAZON.TIME --------------------------------------------------------------------------------

_PARTS_OF_DAY: Final = {
    "morning": "MO",
    "afternoon": "AF",
    "evening": "EV",
    "night": "NI",
    "tonight": "NI",
    "overnight": "NI",
}
_MERIDIEM: Final = {
    ("a", "m"): "am",
    ("am",): "am",
    ("p", "m"): "pm",
    ("pm",): "pm",
    ("in", "the", "morning"): "morning",
    ("this", "morning"): "morning",
    ("in", "the", "afternoon"): "afternoon",
    ("this", "afternoon"): "afternoon",
    ("in", "the", "evening"): "evening",
    ("this", "evening"): "evening",
    ("at", "night"): "night",
    ("tonight",): "night",
}


def _part_of_day(words: Sequence[str]) -> str | None:
    if len(words) >= 2 and words[0] in ("in", "this", "at", "the", "tomorrow", "during"):
        words = words[1:]
        if len(words) >= 2 and words[0] == "the":
            words = words[1:]
    if len(words) == 1:
        return _PARTS_OF_DAY.get(words[0])
    return None


def _minutes(words: Sequence[str]) -> int | None:
    if not words:
        return 0
    if words in (["o'clock"], ["hundred"], ["hundred", "hours"]):
        return 0
    if len(words) == 2 and words[0] in ("oh", "o") and words[1] in UNITS:
        return UNITS[words[1]]
    value = cardinal(words)
    if value is None or not 0 <= value <= 59 or len(words) > 2:
        return None
    if value < 10 and len(words) == 1 and not words[0].isdigit():
        return None  # "three five" is no time
    return value


def _hour(words: Sequence[str]) -> int | None:
    found = _below_hundred(words, 0)
    if found is None or found[1] != len(words):
        return None
    return found[0] if 0 <= found[0] <= 24 else None


def _apply(hour: int, minute: int, meridiem: str | None) -> str | None:
    if meridiem in ("am", "pm") and not 1 <= hour <= 12:
        return None
    later = meridiem in ("pm", "afternoon", "evening") or (meridiem == "night" and hour >= 5)
    if later and hour < 12:
        hour += 12
    elif meridiem in ("am", "morning", "night") and hour == 12:
        hour = 0
    if hour == 24:
        hour = 0
    if not 0 <= hour <= 23:
        return None
    return f"{hour:02d}:{minute:02d}"


def time(words: Sequence[str], now: datetime.datetime | None = None) -> str | None:
    """AMAZON.TIME for the words of one slot."""
    words = list(words)
    if len(words) > 1 and words[0] in ("at", "around", "about", "by"):
        words = words[1:]
    if not words:
        return None
    joined = " ".join(words)
    if joined in ("noon", "midday", "twelve noon", "noontime", "lunchtime", "12 noon"):
        return "12:00"
    if joined in ("midnight", "twelve midnight", "12 midnight"):
        return "00:00"
    part = _part_of_day(words)
    if part is not None:
        return part
    meridiem = None
    for suffix, kind in _MERIDIEM.items():
        if len(words) > len(suffix) and tuple(words[-len(suffix) :]) == suffix:
            meridiem, words = kind, words[: -len(suffix)]
            break
    if words and words[-1] == "o'clock":
        words = words[:-1]
        if not words:
            return None
    if len(words) == 1:
        match = _CLOCK.fullmatch(words[0])
        if match:
            return _apply(int(match[1]), int(match[2]), meridiem)
        if words[0].isdigit() and len(words[0]) in (3, 4) and meridiem is not None:
            return _apply(int(words[0][:-2]), int(words[0][-2:]), meridiem)
    # "half past three", "quarter to four", "ten past six", "twenty minutes to five"
    for link, sign in (("past", 1), ("after", 1), ("to", -1), ("before", -1), ("til", -1)):
        if link in words:
            at = words.index(link)
            before, hour_words = words[:at], words[at + 1 :]
            if before and before[-1] in ("minutes", "minute"):
                before = before[:-1]
            if before in (["half"], ["a", "half"]):
                offset = 30
            elif before in (["quarter"], ["a", "quarter"]):
                offset = 15
            else:
                offset_value = cardinal(before) if before else None
                if offset_value is None or not 1 <= offset_value <= 59:
                    return None
                offset = offset_value
            if sign < 0 and offset == 30:
                return None
            hour = _hour(hour_words)
            if hour is None:
                return None
            total = (hour * 60 + sign * offset) % (24 * 60)
            return _apply(total // 60, total % 60, meridiem)
    for split in range(1, min(len(words), 2) + 1):
        hour = _hour(words[:split])
        if hour is None:
            continue
        minute = _minutes(words[split:])
        if minute is None:
            continue
        return _apply(hour, minute, meridiem)
    return None


# --- AMAZON.DURATION ----------------------------------------------------------------------------

_UNITS: Final = {
    "second": "S",
    "seconds": "S",
    "sec": "S",
    "secs": "S",
    "minute": "MIN",
    "minutes": "MIN",
    "min": "MIN",
    "mins": "MIN",
    "hour": "H",
    "hours": "H",
    "hr": "H",
    "hrs": "H",
    "day": "D",
    "days": "D",
    "week": "W",
    "weeks": "W",
    "fortnight": "F",
    "fortnights": "F",
    "month": "MON",
    "months": "MON",
    "year": "Y",
    "years": "Y",
    "decade": "DEC",
    "decades": "DEC",
}
# Halves go down to the next unit: half a year is six months, half an hour thirty minutes.
_DOWN: Final = {
    "Y": ("MON", 12),
    "MON": ("D", 30),
    "W": ("D", 7),
    "D": ("H", 24),
    "H": ("MIN", 60),
    "MIN": ("S", 60),
}


def _amount(words: Sequence[str]) -> Fraction | None:
    if words in (["a"], ["an"], ["one"]):
        return Fraction(1)
    if words in (["half", "a"], ["half", "an"], ["a", "half"], ["half"]):
        return Fraction(1, 2)
    if words in (
        ["a", "quarter", "of", "an"],
        ["a", "quarter", "of", "a"],
        ["quarter", "of", "an"],
    ):
        return Fraction(1, 4)
    if words in (["three", "quarters", "of", "an"], ["three", "quarters", "of", "a"]):
        return Fraction(3, 4)
    if words[:2] == ["a", "couple"] and words[2:] in ([], ["of"]):
        return Fraction(2)
    if len(words) >= 4 and words[-3:] == ["and", "a", "half"]:
        whole = _amount(words[:-3])
        return None if whole is None else whole + Fraction(1, 2)
    said = number(words)
    if said is None or said.startswith("-"):
        return None
    return Fraction(said)


def _format_number(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):g}"


def duration(words: Sequence[str], fortnight: bool = True) -> str | None:
    """AMAZON.DURATION for the words of one slot ("an hour and a half" → "PT1H30M")."""
    words = list(words)
    if len(words) > 1 and words[0] == "for":
        words = words[1:]
    amounts: dict[str, Fraction] = {}
    start = 0
    found = False
    index = 0
    while index < len(words):
        unit = _UNITS.get(words[index])
        if unit is None or (unit == "F" and not fortnight):
            index += 1
            continue
        quantity_words = words[start:index]
        if quantity_words and quantity_words[0] in ("and", ","):
            quantity_words = quantity_words[1:]
        amount = _amount(quantity_words) if quantity_words else None
        if amount is None:
            return None
        if unit in amounts:
            return None
        index += 1
        if words[index : index + 3] == ["and", "a", "half"]:
            amount += Fraction(1, 2)
            index += 3
        if unit == "F":
            unit, amount = "W", amount * 2
        elif unit == "DEC":
            unit, amount = "Y", amount * 10
        if unit in amounts:
            return None
        amounts[unit] = amount
        found = True
        start = index
    if not found or start != len(words):
        return None
    # Fractions go down a unit while they can.
    for unit in ("Y", "MON", "W", "D", "H", "MIN"):
        value = amounts.get(unit)
        if value is None or value.denominator == 1:
            continue
        whole = Fraction(int(value))
        lower, factor = _DOWN[unit]
        amounts[unit] = whole
        amounts[lower] = amounts.get(lower, Fraction(0)) + (value - whole) * factor
        if whole == 0:
            del amounts[unit]
    if set(amounts) == {"W"}:
        return f"P{_format_number(amounts['W'])}W"
    if "W" in amounts:
        amounts["D"] = amounts.get("D", Fraction(0)) + amounts.pop("W") * 7
    date_part = "".join(
        f"{_format_number(amounts[unit])}{letter}"
        for unit, letter in (("Y", "Y"), ("MON", "M"), ("D", "D"))
        if unit in amounts
    )
    time_part = "".join(
        f"{_format_number(amounts[unit])}{letter}"
        for unit, letter in (("H", "H"), ("MIN", "M"), ("S", "S"))
        if unit in amounts
    )
    return "P" + date_part + (f"T{time_part}" if time_part else "")
