"""Calendar steps for English dates: a day, week or season written as Alexa writes it, and a day
moved by weekdays, months or years from today (`dates` reads the words)."""

from __future__ import annotations

import datetime
from typing import Final

__all__ = [
    "add_months",
    "in_year",
    "iso_day",
    "iso_week",
    "season_from",
    "shifted",
    "valid_day",
    "weekday_from",
]

# Seasons in the order of their year label: winter YYYY starts in December YYYY.
_SEASON_ORDER: Final = ("SP", "SU", "FA", "WI")


def iso_day(value: datetime.date) -> str:
    """A day as AMAZON.DATE writes it: "2026-11-27"."""
    return value.isoformat()


def iso_week(value: datetime.date, weekend: bool = False) -> str:
    """The ISO week of a day, "2026-W48", or its weekend, "2026-W48-WE"."""
    year, week, _ = value.isocalendar()
    return f"{year:04d}-W{week:02d}" + ("-WE" if weekend else "")


def in_year(year: int, rest: str = "") -> str | None:
    """A value of ``year`` as Alexa writes it (four digits), or None past the years 1 to 9999
    that dates have ("next year" in 9999)."""
    return f"{year:04d}{rest}" if 1 <= year <= 9999 else None


def add_months(value: datetime.date, months: int) -> tuple[int, int]:
    """The (year, month) ``months`` after (or before) the month of ``value``."""
    index = value.year * 12 + value.month - 1 + months
    return index // 12, index % 12 + 1


def valid_day(year: int, month: int, day: int) -> datetime.date | None:
    """The day, or None for one the calendar does not have ("february thirtieth")."""
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def weekday_from(kind: str, weekday: int, today: datetime.date) -> datetime.date:
    """The day of "friday" (on or after today), "next friday" (next week's) or "last friday"."""
    if kind == "next":
        monday = today + datetime.timedelta(days=7 - today.weekday())
        return monday + datetime.timedelta(days=weekday)
    if kind == "last":
        back = (today.weekday() - weekday) % 7 or 7
        return today - datetime.timedelta(days=back)
    return today + datetime.timedelta(days=(weekday - today.weekday()) % 7)


def _season_of(value: datetime.date) -> tuple[int, str]:
    """The season a day is in, with its year label (December 2026 is winter 2026)."""
    if value.month == 12:
        return value.year, "WI"
    if value.month <= 2:
        return value.year - 1, "WI"
    return value.year, _SEASON_ORDER[(value.month - 3) // 3]


def season_from(kind: str, code: str, today: datetime.date) -> str | None:
    """The season ``code`` that "this", "next" or "last" (``kind``) names from today."""
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
    return in_year(index // 4, f"-{_SEASON_ORDER[index % 4]}")


def shifted(today: datetime.date, amount: int, unit: str) -> str | None:
    """The day ``amount`` days, weeks, months or years from today (the month's last day when
    it is shorter), or None past the calendar."""
    if unit == "day":
        return iso_day(today + datetime.timedelta(days=amount))
    if unit == "week":
        return iso_day(today + datetime.timedelta(weeks=amount))
    year, month = add_months(today, amount * (12 if unit == "year" else 1))
    day = today.day
    while day > 28 and valid_day(year, month, day) is None:
        day -= 1
    found = valid_day(year, month, day)
    return None if found is None else iso_day(found)
