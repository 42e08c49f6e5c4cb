"""The values of Alexa's built-in slot types, each parsed from the string Alexa sends (a
value refused quoted cut, `shown_value`: it is a request's, of any length)."""

from __future__ import annotations

import calendar
import datetime
import enum
import math
import re
from collections.abc import Callable
from typing import Any, Final

import msgspec

from ..shown_names import shown_value

__all__ = [
    "MISSING",
    "AlexaDate",
    "AlexaDuration",
    "AlexaTime",
    "DateKind",
    "Season",
    "TimeKind",
    "TimeOfDay",
]


class _Missing(enum.Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"

    __str__ = __repr__


#: What a converter returns for a slot that is absent, unfilled, empty, or does not convert.
MISSING: Final = _Missing.MISSING


# --- the rich types ----------------------------------------------------------------------------


class DateKind(enum.StrEnum):
    """Which AMAZON.DATE form a value had: one day, a week, a weekend, …, or now."""

    DAY = "day"
    WEEK = "week"
    WEEKEND = "weekend"
    MONTH = "month"
    SEASON = "season"
    YEAR = "year"
    DECADE = "decade"
    PRESENT = "present"


class Season(enum.StrEnum):
    """A season, by the code AMAZON.DATE gives it."""

    WINTER = "WI"
    SPRING = "SP"
    SUMMER = "SU"
    FALL = "FA"


class AlexaDate(msgspec.Struct, frozen=True, kw_only=True):
    """An AMAZON.DATE value: its kind and the first and last day (inclusive) it covers.

    ``start`` and ``end`` are ``None`` only for `DateKind.PRESENT` ("now"): today depends on
    the user's time zone, which the request does not carry.
    """

    kind: DateKind
    start: datetime.date | None
    end: datetime.date | None
    #: The season, for `DateKind.SEASON` (dated for the northern hemisphere).
    season: Season | None = None
    raw: str

    @classmethod
    def parse(cls, raw: str) -> AlexaDate:
        """Parse an AMAZON.DATE value; raise ``ValueError`` if it is not one."""
        value = _parse_alexa_date(raw)
        if value is MISSING:
            why = _no_such_date(raw)
            if why is not None:
                raise ValueError(
                    f"AMAZON.DATE value that names no date: {shown_value(raw)} ({why})"
                )
            raise ValueError(f"not an AMAZON.DATE value: {shown_value(raw)}")
        return value


class TimeOfDay(enum.StrEnum):
    """A part of the day, by the code AMAZON.TIME gives it."""

    MORNING = "MO"
    AFTERNOON = "AF"
    EVENING = "EV"
    NIGHT = "NI"


class TimeKind(enum.StrEnum):
    """Whether an AMAZON.TIME value is a clock time or a part of the day."""

    TIME = "time"
    PERIOD = "period"


class AlexaTime(msgspec.Struct, frozen=True, kw_only=True):
    """An AMAZON.TIME value: a clock time (``time``) or a part of the day (``period``)."""

    kind: TimeKind
    time: datetime.time | None = None
    period: TimeOfDay | None = None
    raw: str

    @classmethod
    def parse(cls, raw: str) -> AlexaTime:
        """Parse an AMAZON.TIME value; raise ``ValueError`` if it is not one."""
        value = _parse_alexa_time(raw)
        if value is MISSING:
            raise ValueError(f"not an AMAZON.TIME value: {shown_value(raw)}")
        return value


class AlexaDuration(msgspec.Struct, frozen=True, kw_only=True):
    """An AMAZON.DURATION value (ISO 8601) with each of its parts; ``float`` only if fractional.

    A value parsed from a slot is at most as long as a ``timedelta`` holds (999,999,999 days,
    some 2.7 million years), a year counted as 366 days and a month as 31: a longer one does not
    convert, so its parts are numbers that date arithmetic takes.
    """

    years: float = 0
    months: float = 0
    weeks: float = 0
    days: float = 0
    hours: float = 0
    minutes: float = 0
    seconds: float = 0
    raw: str

    @classmethod
    def parse(cls, raw: str) -> AlexaDuration:
        """Parse an AMAZON.DURATION value; raise ``ValueError`` if it is not one."""
        value = _parse_alexa_duration(raw)
        if value is MISSING:
            if _DURATION.fullmatch(raw) is not None:
                raise ValueError(
                    f"AMAZON.DURATION value longer than a timedelta holds ({_LONGEST}): "
                    f"{shown_value(raw)}"
                )
            raise ValueError(f"not an AMAZON.DURATION value: {shown_value(raw)}")
        return value

    def to_timedelta(self) -> datetime.timedelta:
        """The duration as a timedelta; raise ``ValueError`` if it has years or months."""
        if self.years or self.months:
            raise ValueError(
                f"{shown_value(self.raw)} has years or months, which have no fixed length"
            )
        try:
            return datetime.timedelta(
                weeks=self.weeks,
                days=self.days,
                hours=self.hours,
                minutes=self.minutes,
                seconds=self.seconds,
            )
        except OverflowError:
            raise ValueError(f"{shown_value(self.raw)} is too long for a timedelta") from None


# --- parsing one value -------------------------------------------------------------------------
# Each parser takes a non-empty string and returns a value or MISSING, never raises. Patterns
# use [0-9] rather than \d, which would also match other scripts' digits.

_INT: Final = re.compile(r"-?[0-9]+")
_FLOAT: Final = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_DAY: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE: Final = re.compile(
    r"""
    (?P<year>[0-9]{4})
    (?:
        -(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2})|-XX)?   # 2015-11-25, 2015-11, 2015-11-XX
      | -W(?P<week>[0-9]{2})(?P<weekend>-WE)?             # 2015-W48, 2015-W48-WE
      | -(?P<season>WI|SP|SU|FA)                          # 2015-WI
      | -XX(?:-XX)?                                       # 2015-XX, 2015-XX-XX
    )?
    | (?P<decade>[0-9]{3})X                               # 201X
    | (?P<present>PRESENT_REF)
    """,
    re.VERBOSE,
)
_TIME: Final = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?")
_NUMBER: Final = r"([0-9]+(?:\.[0-9]+)?)"
_DURATION: Final = re.compile(
    rf"P(?!$)(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?=[0-9])(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?"
)
# Meteorological seasons, northern hemisphere: (first month, last month); winter runs into the
# next year.
_SEASON_MONTHS: Final = {
    Season.SPRING: (3, 5),
    Season.SUMMER: (6, 8),
    Season.FALL: (9, 11),
    Season.WINTER: (12, 2),
}
_PERIODS: Final = {period.value: period for period in TimeOfDay}


def _parse_str(raw: str) -> str:
    return raw


#: The integers an ``int`` slot takes: 64 bits, what a store, an API or a JSON reader of
#: doubles downstream has a chance to hold (AMAZON.NUMBER gives as many digits as were said).
_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1


def _parse_int(raw: str) -> int | _Missing:
    if _INT.fullmatch(raw) is None:
        return MISSING
    if len(raw) < 19:  # 18 digits at most: within 64 bits, unchecked (the usual slot)
        return int(raw)
    try:
        value = int(raw)
    except ValueError:  # more digits than int() accepts from a string
        return MISSING
    return value if _INT64_MIN <= value <= _INT64_MAX else MISSING


def _parse_float(raw: str) -> float | _Missing:
    if _FLOAT.fullmatch(raw) is None:
        return MISSING
    value = float(raw)
    if not math.isfinite(value) or (not value and raw.strip("-0.")):
        return MISSING  # too large, or too small: a number said is never another (0.0)
    return value


def _parse_date(raw: str) -> datetime.date | _Missing:
    # The pattern admits YYYY-MM-DD alone (fromisoformat also takes 20261127, 2026-W48-5, …);
    # fromisoformat then checks the calendar, three times faster than int() three times.
    if _DAY.fullmatch(raw) is None:
        return MISSING
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        return MISSING


def _last_of_month(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _parse_alexa_date(raw: str) -> AlexaDate | _Missing:
    match = _DATE.fullmatch(raw)
    if match is None:
        return MISSING
    groups = match.groupdict()
    season: Season | None = None
    try:
        if groups["present"] is not None:
            return AlexaDate(kind=DateKind.PRESENT, start=None, end=None, raw=raw)
        if groups["decade"] is not None:
            first = int(groups["decade"]) * 10
            kind = DateKind.DECADE
            start, end = datetime.date(first, 1, 1), datetime.date(first + 9, 12, 31)
        elif groups["day"] is not None:
            kind = DateKind.DAY
            year, month, day = int(groups["year"]), int(groups["month"]), int(groups["day"])
            start = end = datetime.date(year, month, day)
        elif groups["month"] is not None:
            year, month = int(groups["year"]), int(groups["month"])
            kind = DateKind.MONTH
            start, end = datetime.date(year, month, 1), _last_of_month(year, month)
        elif groups["week"] is not None:
            year, week = int(groups["year"]), int(groups["week"])
            if groups["weekend"] is None:
                kind, first_day, last_day = DateKind.WEEK, 1, 7
            else:
                kind, first_day, last_day = DateKind.WEEKEND, 6, 7
            start = datetime.date.fromisocalendar(year, week, first_day)
            end = datetime.date.fromisocalendar(year, week, last_day)
        elif groups["season"] is not None:
            year = int(groups["year"])
            kind, season = DateKind.SEASON, Season(groups["season"])
            first_month, last_month = _SEASON_MONTHS[season]
            start = datetime.date(year, first_month, 1)
            end = _last_of_month(year + 1 if last_month < first_month else year, last_month)
        else:
            year = int(groups["year"])
            kind = DateKind.YEAR
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    except ValueError:  # no such day, week or year (2015-02-30, 2021-W53, 0000, winter 9999)
        return MISSING
    return AlexaDate(kind=kind, start=start, end=end, season=season, raw=raw)


def _no_such_date(raw: str) -> str | None:
    """Why ``raw``, in the form of an AMAZON.DATE value, names no date (``"no week 53 in
    2021, which has 52 (ISO 8601 weeks)"``); None if it is not in that form, or names one."""
    match = _DATE.fullmatch(raw)
    if match is None or _parse_alexa_date(raw) is not MISSING:
        return None
    groups = match.groupdict()
    if groups["present"] is not None:  # (not seen: now is a date)
        return None
    year = int(groups["year"]) if groups["decade"] is None else int(groups["decade"]) * 10
    if year < 1:
        return "no year 0 (years run from 1 to 9999)"
    if groups["week"] is not None:
        week, weeks = int(groups["week"]), datetime.date(year, 12, 28).isocalendar().week
        if not 1 <= week <= weeks:
            return f"no week {week} in {year}, which has {weeks} (ISO 8601 weeks)"
    elif groups["month"] is not None:
        month = int(groups["month"])
        if not 1 <= month <= 12:
            return f"no month {month}"
        days = calendar.monthrange(year, month)[1]
        return f"no day {int(groups['day'])} in {year:04}-{month:02}, which has {days} days"
    return "past the last day a datetime.date holds (9999-12-31)"  # winter 9999, 9999-W52


def _parse_time(raw: str) -> datetime.time | _Missing:
    match = _TIME.fullmatch(raw)
    if match is None:
        return MISSING
    return datetime.time(int(match[1]), int(match[2]), int(match[3] or 0))


def _parse_alexa_time(raw: str) -> AlexaTime | _Missing:
    period = _PERIODS.get(raw)
    if period is not None:
        return AlexaTime(kind=TimeKind.PERIOD, period=period, raw=raw)
    time = _parse_time(raw)
    if time is MISSING:
        return MISSING
    return AlexaTime(kind=TimeKind.TIME, time=time, raw=raw)


def _number(text: str | None) -> float:
    if text is None:
        return 0
    return float(text) if "." in text else int(text)


#: How long a year and a month count when a duration is bounded: the longest each can be.
_YEAR_DAYS: Final = 366
_MONTH_DAYS: Final = 31
#: The bound, in words (`AlexaDuration.parse`, `why_unconverted`).
_LONGEST: Final = "999,999,999 days; a year counted as 366 days, a month as 31"


def _parse_alexa_duration(raw: str) -> AlexaDuration | _Missing:
    """An AMAZON.DURATION slot value, no longer than a ``timedelta`` holds (years and months
    counted at their longest), so that ``to_timedelta`` and date arithmetic take its parts: a
    user's "a million years" is ``P1000000Y``; ``P99999999999999999999Y`` is no value to act on.
    """
    duration = _parse_any_duration(raw)
    if duration is MISSING or len(raw) <= 8:
        # Six digits at most ("P999999Y"): within the bound, unchecked (the usual slot).
        return duration
    try:
        datetime.timedelta(
            days=duration.years * _YEAR_DAYS + duration.months * _MONTH_DAYS + duration.days,
            weeks=duration.weeks,
            hours=duration.hours,
            minutes=duration.minutes,
            seconds=duration.seconds,
        )
    except OverflowError:  # past 999,999,999 days
        return MISSING
    return duration


def _parse_any_duration(raw: str) -> AlexaDuration | _Missing:
    """An ISO 8601 duration of any length (the bounds of a validation window, which
    `alexaskill.understanding` places at the ends of the calendar when they are further)."""
    match = _DURATION.fullmatch(raw)
    if match is None:
        return MISSING
    try:
        parts = [_number(group) for group in match.groups()]
    except ValueError:  # more digits than int() accepts from a string
        return MISSING
    try:
        # "P1000…0.5D": float("1e400") is inf; an int past a float's range raises OverflowError.
        if not all(math.isfinite(part) for part in parts):
            return MISSING
    except OverflowError:
        return MISSING
    years, months, weeks, days, hours, minutes, seconds = parts
    return AlexaDuration(
        years=years,
        months=months,
        weeks=weeks,
        days=days,
        hours=hours,
        minutes=minutes,
        seconds=seconds,
        raw=raw,
    )


def _parse_timedelta(raw: str) -> datetime.timedelta | _Missing:
    duration = _parse_alexa_duration(raw)
    if duration is MISSING or duration.years or duration.months:
        return MISSING
    return duration.to_timedelta()  # (it fits: `_parse_alexa_duration` checked)


#: The types a slot converts to, each with its parser.
_PARSERS: Final[dict[Any, Callable[[str], Any]]] = {
    str: _parse_str,
    int: _parse_int,
    float: _parse_float,
    datetime.date: _parse_date,
    AlexaDate: _parse_alexa_date,
    datetime.time: _parse_time,
    AlexaTime: _parse_alexa_time,
    datetime.timedelta: _parse_timedelta,
    AlexaDuration: _parse_alexa_duration,
}

_SUPPORTED: Final = (
    "str, int, float, datetime.date, datetime.time, datetime.timedelta, AlexaDate, AlexaTime, "
    "AlexaDuration, an Enum with str values, list[...] of any of these, Slot, "
    "and X | None of any of them"
)
