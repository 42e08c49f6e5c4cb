"""Slot validation rules, checked as Alexa checks them (Amazon's "Validate Slot Values").

``isInSet`` / ``isNotInSet`` compare the value, case aside; ``isLessThan``,
``isGreaterThan``, ``isLessThanOrEqualTo``, ``isGreaterThanOrEqualTo`` compare an AMAZON.NUMBER
value with the rule's ``value``; ``isInDuration`` / ``isNotInDuration`` place an AMAZON.DATE
value between today moved by the rule's ``start`` and ``end`` (ISO 8601 durations), a value
naming several days (a week, a weekend, a month, ...) being in the window when one of its days
is;
``hasEntityResolutionMatch`` wants ER_SUCCESS_MATCH. A rule alexaskill does not know passes.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping
from typing import Any

from ..slots import AlexaDate, AlexaDuration
from .model import Validation

__all__ = ["passes"]


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _shift(today: datetime.date, raw: str | None) -> datetime.date | None:
    """``today`` moved by the ISO 8601 duration ``raw`` (months clamp to the month's end)."""
    if raw is None:
        return None
    try:
        duration = AlexaDuration.parse(raw)
    except ValueError:
        return None
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


def passes(rule: Validation, value: str, entry: Mapping[str, Any], today: datetime.date) -> bool:
    """Whether a slot value passes one validation rule (Amazon's "Validate Slot Values")."""
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
        try:
            said = AlexaDate.parse(value)
        except ValueError:
            return kind == "isNotInDuration"
        start, end = _shift(today, rule.start), _shift(today, rule.end)
        # A value naming several days (a week, a weekend, a month, ...) is in the window when
        # one of its days is: "this weekend" said on its Sunday is within "from today". Now
        # (PRESENT_REF) is today.
        first, last = said.start or today, said.end or today
        inside = (start is None or last >= start) and (end is None or first <= end)
        return inside if kind == "isInDuration" else not inside
    if kind == "hasEntityResolutionMatch":
        resolutions = (entry.get("resolutions") or {}).get("resolutionsPerAuthority") or []
        return any(
            (item.get("status") or {}).get("code") == "ER_SUCCESS_MATCH" for item in resolutions
        )
    return True
