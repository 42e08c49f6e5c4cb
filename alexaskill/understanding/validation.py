"""Slot validation rules, checked as Alexa checks them (Amazon's "Validate Slot Values").

``isInSet`` / ``isNotInSet`` compare the value, case aside; ``isLessThan``,
``isGreaterThan``, ``isLessThanOrEqualTo``, ``isGreaterThanOrEqualTo`` compare an AMAZON.NUMBER
value with the rule's ``value``; ``hasEntityResolutionMatch`` wants ER_SUCCESS_MATCH. A rule
alexaskill does not know passes.

``isInDuration`` / ``isNotInDuration`` place an AMAZON.DATE or AMAZON.TIME value in a window
whose ``start`` and ``end`` are each a duration from the user's now (``"P1Y"``, ``"PT2H"``), a
day (``"2026-12-01"``) or a clock time (``"09:00"``), or left out (that side is open). A date
naming several days (a week, a weekend, a month, ...) is in the window when all of them are,
counting from today for a span under way: "this weekend" said on its Sunday is within a window
from today, "next year" said in late December is not within the next week; now
(``PRESENT_REF``) is today. A clock time is in it when one of its occurrences is, so
``"22:00"`` to ``"02:00"`` runs across midnight. A part of the day (``"EV"``), whose hours
Amazon does not give, is not placed: it passes either rule.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping
from typing import Any

from ..dialog_model import window_bound
from ..slots import AlexaDate, AlexaDuration, AlexaTime
from .model import Validation

__all__ = ["passes"]


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _shift(today: datetime.date, raw: str | None) -> datetime.date | None:
    """The day bound ``raw`` names: a day, or ``today`` moved by a duration (months clamp to
    the month's end); None for an open side (or a bound that is neither)."""
    bound = None if raw is None else window_bound(raw)
    if isinstance(bound, datetime.date):
        return bound
    if not isinstance(bound, AlexaDuration):
        return None
    duration = bound
    index = today.year * 12 + today.month - 1 + int(duration.years * 12 + duration.months)
    year, month = index // 12, index % 12 + 1
    # A bound past either end of the calendar (a year after 9999) is that end: every date a
    # user can say is on the same side of it.
    if year > datetime.MAXYEAR:
        return datetime.date.max
    if year < datetime.MINYEAR:
        return datetime.date.min
    day = min(today.day, calendar.monthrange(year, month)[1])
    days = duration.weeks * 7 + duration.days
    try:
        return datetime.date(year, month, day) + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.max if days > 0 else datetime.date.min


def _moment(now: datetime.datetime, raw: str | None) -> tuple[datetime.datetime | None, bool]:
    """The moment time bound ``raw`` names (None: an open side), and whether it is a clock
    time."""
    bound = None if raw is None else window_bound(raw)
    if isinstance(bound, datetime.time):
        return datetime.datetime.combine(now.date(), bound, tzinfo=now.tzinfo), True
    if not isinstance(bound, AlexaDuration):
        return None, False
    try:
        return now + datetime.timedelta(
            weeks=bound.weeks,
            days=bound.days,
            hours=bound.hours,
            minutes=bound.minutes,
            seconds=bound.seconds,
        ), False
    except OverflowError:  # past the calendar's end: that side is as good as open
        return None, False


def _time_inside(now: datetime.datetime, said: datetime.time, rule: Validation) -> bool:
    (start, start_clock), (end, end_clock) = _moment(now, rule.start), _moment(now, rule.end)
    if start is None or end is None:
        return True  # some occurrence of any clock time is on the open side
    if end < start and (start_clock or end_clock):
        end += datetime.timedelta(days=1)  # "22:00" to "02:00": across midnight
    first = datetime.datetime.combine(start.date(), said, tzinfo=start.tzinfo)
    if first < start:
        first += datetime.timedelta(days=1)
    return first <= end


def _inside(rule: Validation, value: str, now: datetime.date) -> bool | None:
    """Whether ``value`` is in the rule's window; None for a value that is not placed."""
    moment = (
        now
        if isinstance(now, datetime.datetime)
        else datetime.datetime.combine(now, datetime.time())
    )
    try:
        time = AlexaTime.parse(value)
    except ValueError:
        pass
    else:
        return None if time.time is None else _time_inside(moment, time.time, rule)
    try:
        said = AlexaDate.parse(value)
    except ValueError:
        return False
    today = moment.date()
    start, end = _shift(today, rule.start), _shift(today, rule.end)
    first, last = said.start or today, said.end or today
    if first < today <= last:
        first = today  # a span under way: only its days to come can still be meant
    return (start is None or start <= first) and (end is None or last <= end)


def passes(rule: Validation, value: str, entry: Mapping[str, Any], now: datetime.date) -> bool:
    """Whether a slot value passes one validation rule (Amazon's "Validate Slot Values").

    ``now`` is the user's local time (a date will do for rules on dates alone).
    """
    kind = rule.type
    if kind in ("isInSet", "isNotInSet"):
        allowed = {item.casefold() for item in rule.values}
        inside = value.casefold() in allowed
        return inside if kind == "isInSet" else not inside
    if kind in ("isLessThan", "isGreaterThan", "isLessThanOrEqualTo", "isGreaterThanOrEqualTo"):
        number, limit = _number(value), _number(rule.value or "")
        if number is None or limit is None:
            return False
        return {
            "isLessThan": number < limit,
            "isGreaterThan": number > limit,
            "isLessThanOrEqualTo": number <= limit,
            "isGreaterThanOrEqualTo": number >= limit,
        }[kind]
    if kind in ("isInDuration", "isNotInDuration"):
        placed = _inside(rule, value, now)
        if placed is None:
            return True
        return placed if kind == "isInDuration" else not placed
    if kind == "hasEntityResolutionMatch":
        resolutions = (entry.get("resolutions") or {}).get("resolutionsPerAuthority") or []
        return any(
            (item.get("status") or {}).get("code") == "ER_SUCCESS_MATCH" for item in resolutions
        )
    return True
