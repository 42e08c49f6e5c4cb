"""A dialog slot's validation rules (`Validate`), and what Amazon's build takes of them: which
slot types each rule applies to, and the bounds of a date or a time window (Amazon's
"Validate Slot Values" and SMAPI's ``IsInDuration``)."""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from .exceptions import ConfigurationError
from .shown_names import shown_json, shown_value
from .slots import MISSING, AlexaDuration
from .slots.values import _parse_any_duration

__all__ = ["SlotValidation", "Validate", "validation_problems", "window_bound"]

# Which slot types each rule applies to (Amazon's "Validate Slot Values": numbers compare,
# dates and times fall within a duration, entity resolution needs a custom type); None: any type.
_RULE_TYPES: Final[Mapping[str, tuple[str, ...] | None]] = {
    "isInSet": None,
    "isNotInSet": None,
    "isLessThan": ("AMAZON.NUMBER",),
    "isGreaterThan": ("AMAZON.NUMBER",),
    "isLessThanOrEqualTo": ("AMAZON.NUMBER",),
    "isGreaterThanOrEqualTo": ("AMAZON.NUMBER",),
    "isInDuration": ("AMAZON.DATE", "AMAZON.TIME"),
    "isNotInDuration": ("AMAZON.DATE", "AMAZON.TIME"),
    "hasEntityResolutionMatch": (),
}
_DAY_BOUND: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CLOCK_BOUND: Final = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
#: What the bounds of a date or a time window may be (Amazon's SMAPI ``IsInDuration``).
_BOUNDS_TAKEN: Final = {
    "AMAZON.DATE": "takes years, months or days, or a YYYY-MM-DD day",
    "AMAZON.TIME": "takes hours or minutes, or an hh:mm time",
}


def window_bound(raw: object) -> datetime.date | datetime.time | AlexaDuration | None:
    """A bound of an ``isInDuration`` window: a day (``"2026-12-01"``), a clock time
    (``"09:00"``), a duration from the user's now (``"P1Y"``, ``"PT2H"``), or None if it is none
    of these."""
    if not isinstance(raw, str):
        return None
    if _DAY_BOUND.fullmatch(raw):
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            return None
    clock = _CLOCK_BOUND.fullmatch(raw)
    if clock is not None:
        return datetime.time(int(clock[1]), int(clock[2]))
    # Of any length, not only what a slot takes: a bound past the ends of the calendar is
    # placed at that end (`alexaskill.understanding.validation`).
    duration = _parse_any_duration(raw)
    return None if duration is MISSING else duration


def _fits(bound: datetime.date | datetime.time | AlexaDuration, slot_type: str) -> bool:
    if isinstance(bound, datetime.date):
        return slot_type == "AMAZON.DATE"
    if isinstance(bound, datetime.time):
        return slot_type == "AMAZON.TIME"
    of_day = bound.hours or bound.minutes
    of_calendar = bound.years or bound.months or bound.days
    return not (of_day if slot_type == "AMAZON.DATE" else of_calendar)


def _window_bound_problem(
    kind: str, which: str, raw: object, slot_type: str | None = None
) -> str | None:
    """What is wrong with ``raw`` as the ``which`` ("start" or "end") bound of an ``isInDuration``
    or ``isNotInDuration`` rule (of a slot of ``slot_type``, when given), or None.

    Amazon's SMAPI ``IsInDuration``: for AMAZON.DATE a duration in years, months or days, or a
    YYYY-MM-DD day; for AMAZON.TIME a duration in hours or minutes, or an hh:mm time.
    """
    bound = window_bound(raw)
    said = f"{kind}: {which} {shown_value(raw)}"  # (an author's value: cut, as one is long)
    if bound is None:
        return (
            f"{said} is not an ISO 8601 duration ('P1D', 'PT2H'), a day "
            "(YYYY-MM-DD) or a clock time (hh:mm)"
        )
    if isinstance(bound, AlexaDuration) and ("W" in bound.raw or "S" in bound.raw):
        # SMAPI's IsInDuration lists Y, M and D (a date) and H and M (a time), no W or S.
        return (
            f"{said} counts {'weeks' if 'W' in bound.raw else 'seconds'}, "
            "which Amazon's rule does not take (a date window takes years, months or days; a "
            "time window hours or minutes)"
        )
    if slot_type in _BOUNDS_TAKEN and not _fits(bound, slot_type):
        return f"{said} is no bound for {slot_type}, which {_BOUNDS_TAKEN[slot_type]}"
    return None


def _window_problems(
    kind: str, start: object, end: object, slot_type: str | None = None
) -> list[str]:
    if kind in ("isInDuration", "isNotInDuration") and start is None and end is None:
        return [f"{kind} needs a start, an end, or both"]
    bounds = (("start", start), ("end", end))
    found = [
        _window_bound_problem(kind, which, raw, slot_type)
        for which, raw in bounds
        if raw is not None
    ]
    return [problem for problem in found if problem is not None]


def validation_problems(
    kind: str, start: object, end: object, slot_type: str, custom: bool
) -> list[str]:
    """What Amazon's build refuses in a validation rule ``kind`` of a slot of ``slot_type``
    (``custom``: a custom type, or a built-in list type the model gives values of its own):
    a rule for other types, a window without bounds or with a bound that does not fit."""
    problems = []
    allowed = _RULE_TYPES.get(kind)
    if allowed is not None and slot_type not in allowed and not (custom and not allowed):
        needed = "a custom slot type" if not allowed else " or ".join(allowed)
        problems.append(f"validation {kind} needs {needed}, not {slot_type}")
    return problems + [
        f"validation {problem}" for problem in _window_problems(kind, start, end, slot_type)
    ]


def _variations(value: str | Sequence[str] | None, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = (value,)
    variations = tuple(value)
    if not all(isinstance(text, str) and text.strip() for text in variations):
        raise ConfigurationError(f"{where}: a prompt is a non-empty string or a list of them")
    return variations


@dataclass(frozen=True, slots=True)
class SlotValidation:
    """One validation rule of a slot; build it with `Validate`."""

    type: str
    prompt: tuple[str, ...]
    values: tuple[str, ...] = ()
    value: str | None = None
    start: str | None = None
    end: str | None = None

    def json(self, prompt_id: str) -> dict[str, Any]:
        """The rule as the interaction model writes it."""
        entry: dict[str, Any] = {"type": self.type, "prompt": prompt_id}
        if self.values:
            entry["values"] = list(self.values)
        if self.value is not None:
            entry["value"] = self.value
        if self.start is not None:
            entry["start"] = self.start
        if self.end is not None:
            entry["end"] = self.end
        return entry


class Validate:
    """Slot validation rules: what a value must be, and the prompt when it is not."""

    @staticmethod
    def in_set(values: Sequence[str], prompt: str | Sequence[str]) -> SlotValidation:
        """The value must be one of ``values``."""
        return SlotValidation("isInSet", _variations(prompt, "isInSet"), _set(values, "isInSet"))

    @staticmethod
    def not_in_set(values: Sequence[str], prompt: str | Sequence[str]) -> SlotValidation:
        """The value must not be one of ``values``."""
        kind = "isNotInSet"
        return SlotValidation(kind, _variations(prompt, kind), _set(values, kind))

    @staticmethod
    def less_than(limit: float, prompt: str | Sequence[str]) -> SlotValidation:
        """An AMAZON.NUMBER value must be below ``limit``."""
        return SlotValidation("isLessThan", _variations(prompt, "isLessThan"), value=_n(limit))

    @staticmethod
    def greater_than(limit: float, prompt: str | Sequence[str]) -> SlotValidation:
        """An AMAZON.NUMBER value must be above ``limit``."""
        return SlotValidation(
            "isGreaterThan", _variations(prompt, "isGreaterThan"), value=_n(limit)
        )

    @staticmethod
    def at_most(limit: float, prompt: str | Sequence[str]) -> SlotValidation:
        """An AMAZON.NUMBER value must be ``limit`` or less."""
        kind = "isLessThanOrEqualTo"
        return SlotValidation(kind, _variations(prompt, kind), value=_n(limit))

    @staticmethod
    def at_least(limit: float, prompt: str | Sequence[str]) -> SlotValidation:
        """An AMAZON.NUMBER value must be ``limit`` or more."""
        kind = "isGreaterThanOrEqualTo"
        return SlotValidation(kind, _variations(prompt, kind), value=_n(limit))

    @staticmethod
    def in_duration(
        start: str | None, end: str | None, prompt: str | Sequence[str]
    ) -> SlotValidation:
        """An AMAZON.DATE or AMAZON.TIME value must fall between ``start`` and ``end``.

        For a date each bound is a duration in years, months or days from the user's today
        ("P0D", "P1Y") or a day ("2026-12-01"); for a time, a duration in hours or minutes from
        the user's now ("PT0H", "PT2H") or a clock time ("09:00"). Amazon's rule takes no weeks
        ("P7D" is a week) or seconds. None leaves that side of the window open: for a time, it
        reaches the edge of the other bound's day (``in_duration("PT0H", None, ...)``: the rest
        of today).
        """
        kind = "isInDuration"
        _durations(kind, start, end)
        return SlotValidation(kind, _variations(prompt, kind), start=start, end=end)

    @staticmethod
    def not_in_duration(
        start: str | None, end: str | None, prompt: str | Sequence[str]
    ) -> SlotValidation:
        """An AMAZON.DATE or AMAZON.TIME value must not fall between ``start`` and ``end``
        (bounds as for `in_duration`)."""
        kind = "isNotInDuration"
        _durations(kind, start, end)
        return SlotValidation(kind, _variations(prompt, kind), start=start, end=end)

    @staticmethod
    def entity_match(prompt: str | Sequence[str]) -> SlotValidation:
        """The value must be one of the custom slot type's values or synonyms."""
        kind = "hasEntityResolutionMatch"
        return SlotValidation(kind, _variations(prompt, kind))


def _set(values: Sequence[str], kind: str) -> tuple[str, ...]:
    if isinstance(values, str):  # (a sequence too: of its letters)
        raise ConfigurationError(
            f"{kind} takes a list of values, not the string {shown_value(values)}"
        )
    if not values:
        raise ConfigurationError(f"{kind} needs at least one value")
    if not all(isinstance(value, str) and value for value in values):
        raise ConfigurationError(f"{kind}: each value is a non-empty string: {shown_json(values)}")
    return tuple(values)


def _durations(kind: str, start: str | None, end: str | None) -> None:
    for problem in _window_problems(kind, start, end):
        raise ConfigurationError(problem)


def _n(limit: float) -> str:
    try:  # (a bool is an int to Python: True was the limit 1; nan and inf are no number)
        number = math.nan if isinstance(limit, bool) else float(limit)
    except (TypeError, ValueError, OverflowError):  # (OverflowError: an int past a float's)
        number = math.nan
    if not math.isfinite(number):
        raise ConfigurationError(
            f"a number rule's limit is a finite number, not {shown_value(limit)}"
        )
    return str(int(number)) if number.is_integer() else str(limit)
