"""Slot validation rules, checked as Alexa checks them (Amazon's "Validate Slot Values").

``isInSet`` / ``isNotInSet`` compare the value, case aside; ``isLessThan``,
``isGreaterThan``, ``isLessThanOrEqualTo``, ``isGreaterThanOrEqualTo`` compare an AMAZON.NUMBER
value with the rule's ``value``; ``hasEntityResolutionMatch`` wants ER_SUCCESS_MATCH. A rule
alexaskill does not know passes.

``isInDuration`` / ``isNotInDuration`` place an AMAZON.DATE or AMAZON.TIME value in a window
whose ``start`` and ``end`` are each a duration from the user's now (``"P1Y"``, ``"PT2H"``), a
day (``"2026-12-01"``) or a clock time (``"09:00"``), or left out.

A date naming several days (a week, a weekend, a month, ...) is in the window when all of them
are, counting from today for a span under way: "this weekend" said on its Sunday is within a
window from today, "next year" said in late December is not within the next week; now
(``PRESENT_REF``) is today. A date window open on one side has no first (or last) day.

A clock time is in a time window when one of its occurrences is, so ``"22:00"`` to ``"02:00"``
runs across midnight, and ``"23:30"`` to ``"PT0H"`` said at 23:00 began yesterday. Durations are
real time: with a time zone in ``now`` they are added in UTC, so two hours from 00:30 on the
night the clocks go forward end at 03:30 (without one, on the wall clock). An open side of a
time window is the edge of the other bound's day: from ``"22:00"`` on is until midnight, up to
``"09:00"`` is from midnight, from ``"PT0H"`` on is the rest of today. Amazon does not say what
an open side means for a time, and reaching forever is no meaning: every clock time occurs
there, so ``isInDuration`` would take any time and ``isNotInDuration`` none, and the dialog ask
again whatever the user said. A part of the day (``"EV"``), whose hours Amazon does not give, is
not placed: it passes either rule, as does any value of a rule whose window cannot be placed
(neither bound, a bound of the other kind, a time window centuries away).
"""

from __future__ import annotations

import calendar
import datetime
import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

from ..dialog_model import window_bound
from ..slots import AlexaDate, AlexaDuration, AlexaTime
from .model import Validation

__all__ = ["MAX_VALIDATION_FAILURES", "never_passes", "passes"]

#: Values of one slot failing validation in a row after which the emulated Alexa gives up and
#: the session ends. Amazon documents no number; developers report Alexa asking again once or
#: twice, not for ever.
MAX_VALIDATION_FAILURES: Final = 3


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


#: A time window this long holds every clock time: the longest day (the clocks go back) has 25
#: hours.
_EVERY_TIME: Final = datetime.timedelta(days=2)
#: A window this far from now is not placed (the calendar ends in 9999); longer durations count
#: as this long.
_FAR: Final = datetime.timedelta(days=500 * 365)
_DAY: Final = datetime.timedelta(days=1)
_MIDNIGHT: Final = datetime.time()
_TICK: Final = datetime.timedelta(microseconds=1)


class _Unplaced(Exception):
    """A time window that cannot be placed: the value passes either rule."""


def _clear_of_the_ends(now: datetime.datetime) -> datetime.datetime:
    """``now`` moved 800 years towards the middle of the calendar when it is near one end.

    A time window depends only on the calendar and the clock around now: the calendar repeats
    every 400 years, and a time zone keeps one yearly rule that far from today. The answer is
    the same, and the days around the window are all days ``datetime`` can hold.
    """
    if now.year > datetime.MAXYEAR - 1000:
        return now.replace(year=now.year - 800)
    if now.year < datetime.MINYEAR + 1000:
        return now.replace(year=now.year + 800)
    return now


class _Clock:
    """The user's clock: moments in UTC when its time zone is known (a duration is real time,
    across a change of the clocks), in wall-clock time when it is not."""

    def __init__(self, now: datetime.datetime) -> None:
        self.zone = now.tzinfo
        self.today = now.date()
        self.now = now if self.zone is None else now.astimezone(datetime.UTC)

    def shows(self, day: datetime.date, clock: datetime.time) -> list[datetime.datetime]:
        """When the clock shows ``clock`` on ``day``: twice in the hour the clocks go back."""
        local = datetime.datetime.combine(day, clock, tzinfo=self.zone)
        if self.zone is None:
            return [local]
        return sorted({at.astimezone(datetime.UTC) for at in (local, local.replace(fold=1))})

    def day(self, offset: datetime.timedelta) -> datetime.date:
        """The user's day ``offset`` from now."""
        moment = self.now + offset
        return moment.date() if self.zone is None else moment.astimezone(self.zone).date()

    def bound(
        self, raw: str | None, first: bool
    ) -> tuple[datetime.timedelta | None, datetime.time | None]:
        """How far from now time bound ``raw`` is (None: an open side; for a clock time, the
        first or the last time it shows today), and its clock time if it is one."""
        if raw is None:
            return None, None
        bound = window_bound(raw)
        if isinstance(bound, datetime.time):
            return self.at(self.today, bound, first), bound
        if not isinstance(bound, AlexaDuration) or bound.years or bound.months:
            raise _Unplaced  # a day, years or months (no fixed length): no bound for a time
        try:
            return min(bound.to_timedelta(), _FAR * 2), None
        except ValueError:  # too long for a timedelta
            return _FAR * 2, None

    def at(self, day: datetime.date, clock: datetime.time, first: bool) -> datetime.timedelta:
        """How far from now ``clock`` is on ``day`` (the first or the last time it shows)."""
        shown = self.shows(day, clock)
        return (shown[0] if first else shown[-1]) - self.now


def _time_inside(now: datetime.datetime, said: datetime.time, rule: Validation) -> bool | None:
    clock = _Clock(_clear_of_the_ends(now))
    try:
        (start, start_clock), (end, end_clock) = (
            clock.bound(rule.start, first=True),
            clock.bound(rule.end, first=False),
        )
    except _Unplaced:
        return None
    if start is not None and end is not None and end < start:
        # "22:00" to "02:00" runs across midnight; "23:30" to now (at 23:00) began yesterday.
        if end_clock is not None:
            end = clock.at(clock.today + _DAY, end_clock, first=False)
        elif start_clock is not None:
            start = clock.at(clock.today - _DAY, start_clock, first=True)
    # An open side reaches the edge of the other bound's day (see the module's docstring).
    if end is None and start is not None and abs(start) < _FAR:
        end = clock.at(clock.day(start) + _DAY, _MIDNIGHT, first=True) - _TICK
    elif start is None and end is not None and abs(end) < _FAR:
        start = clock.at(clock.day(end), _MIDNIGHT, first=True)
    if start is None or end is None:
        return None
    if end - start >= _EVERY_TIME:
        return True
    if abs(start) >= _FAR:
        return None  # a short window centuries away
    first, last = clock.now + start, clock.now + end
    day, last_day = clock.day(start), clock.day(end)
    while day <= last_day:
        if any(first <= moment <= last for moment in clock.shows(day, said)):
            return True
        day += _DAY
    return False


def _inside(rule: Validation, value: str, now: datetime.date) -> bool | None:
    """Whether ``value`` is in the rule's window; None for a value that is not placed."""
    if rule.start is None and rule.end is None:
        return None  # no window (Amazon's build refuses the rule)
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
    if (start is None and rule.start is not None) or (end is None and rule.end is not None):
        return None  # a bound that is no bound for a date
    first, last = said.start or today, said.end or today
    if first < today <= last:
        first = today  # a span under way: only its days to come can still be meant
    return (start is None or start <= first) and (end is None or last <= end)


def passes(rule: Validation, value: str, entry: Mapping[str, Any], now: datetime.date) -> bool:
    """Whether a slot value passes one validation rule (Amazon's "Validate Slot Values").

    ``now`` is the user's local time, with its time zone for durations across a change of the
    clocks (a date will do for rules on dates alone).
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


_NUMBER_RULES: Final = {
    "isGreaterThan": (lambda v: math.floor(v) + 1, None),
    "isGreaterThanOrEqualTo": (math.ceil, None),
    "isLessThan": (None, lambda v: math.ceil(v) - 1),
    "isLessThanOrEqualTo": (None, math.floor),
}


def _empty_window(rule: Validation, slot_type: str, today: datetime.date) -> bool:
    """Whether the window of an ``isInDuration`` rule holds no day (or no time) at all."""
    if rule.start is None or rule.end is None:
        return False
    if slot_type == "AMAZON.TIME":
        start, end = window_bound(rule.start), window_bound(rule.end)
        if isinstance(start, AlexaDuration) and isinstance(end, AlexaDuration):
            try:
                return start.to_timedelta() > end.to_timedelta()
            except ValueError:
                return False
        return False  # a clock time: "22:00" to "02:00" runs across midnight
    first, last = _shift(today, rule.start), _shift(today, rule.end)
    return first is not None and last is not None and first > last


def never_passes(rules: Sequence[Validation], slot_type: str, now: datetime.date) -> str | None:
    """Why no value of a slot of ``slot_type`` can pass all of ``rules`` (checked in turn, each
    value must pass every one), or None: an ``isInDuration`` window that is empty (its start
    after its end), number bounds that leave no whole number (AMAZON.NUMBER values are whole),
    an ``isInSet`` whose every value another rule refuses. Amazon's build takes such a model;
    the dialog then asks again whatever the user says.
    """
    today = now.date() if isinstance(now, datetime.datetime) else now
    for rule in rules:
        if rule.type == "isInDuration" and _empty_window(rule, slot_type, today):
            return (
                f"no value can pass: isInDuration from {rule.start} to {rule.end} is an empty "
                "window (its start is after its end)"
            )
    low: int | None = None
    high: int | None = None
    limits = []
    for rule in rules:
        bound = _NUMBER_RULES.get(rule.type)
        limit = None if rule.value is None else _number(rule.value)
        if bound is None or limit is None or not math.isfinite(limit):
            continue
        limits.append(f"{rule.type} {rule.value}")
        to_low, to_high = bound
        if to_low is not None:
            low = max(low, to_low(limit)) if low is not None else to_low(limit)
        if to_high is not None:
            high = min(high, to_high(limit)) if high is not None else to_high(limit)
    if low is not None and high is not None and low > high:
        return f"no value can pass: {' and '.join(limits)} leave no whole number"
    allowed: set[str] | None = None
    for rule in rules:
        if rule.type == "isInSet":
            values = {value.casefold() for value in rule.values}
            allowed = values if allowed is None else allowed & values
    if allowed is None:
        return None
    for rule in rules:
        if rule.type == "isNotInSet":
            allowed -= {value.casefold() for value in rule.values}
    if low is not None or high is not None:
        allowed = {
            value
            for value in allowed
            if (number := _number(value)) is not None
            and (low is None or number >= low)
            and (high is None or number <= high)
        }
    if not allowed:
        return "no value can pass: every value isInSet allows is refused by another rule"
    return None
