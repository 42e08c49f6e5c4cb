"""British English's days a week or two on: "monday week", "tomorrow week", "a week today",
"a week on friday", "two weeks tomorrow", "a fortnight on monday".

Said in the United Kingdom, Australia and India; Americans say "a week from monday" (read by
`dates.date`). The day counted from is read as the date parser reads it alone: "monday" is the
next monday, today's date on a monday, so "monday week" is seven days after that.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Final

from .. import SlotParser
from .dates import WEEKDAYS
from .numbers import cardinal

__all__ = ["week_on"]

#: The days a count of weeks is said from ("tomorrow week", "a week today").
_DAYS: Final = frozenset({"today", "tomorrow", *WEEKDAYS})
#: Days per unit counted.
_UNITS: Final = {"week": 7, "weeks": 7, "fortnight": 14, "fortnights": 14}


def week_on(words: Sequence[str], now: datetime.datetime, day: SlotParser) -> str | None:
    """The AMAZON.DATE of a day a week (or weeks, or a fortnight) on from a day ``day`` reads,
    else None."""
    words = list(words)
    if len(words) == 2 and words[0] in _DAYS and words[1] == "week":  # "monday week"
        return _later(day(words[:1], now), 7)
    if len(words) < 3 or words[-1] not in _DAYS:
        return None
    said = words[:-2] if words[-2] == "on" else words[:-1]  # "a week (on) friday"
    if len(said) < 2 or said[-1] not in _UNITS:
        return None
    amount = 1 if said[:-1] in (["a"], ["one"]) else cardinal(said[:-1])
    if amount is None or amount < 1:
        return None
    return _later(day(words[-1:], now), amount * _UNITS[said[-1]])


def _later(found: str | None, days: int) -> str | None:
    try:
        start = datetime.date.fromisoformat(found or "")
        return (start + datetime.timedelta(days=days)).isoformat()
    except (OverflowError, ValueError):  # no day, or one past 9999-12-31
        return None
