"""The holidays that English AMAZON.DATE values name: on a fixed date ("christmas", "boxing
day"), read by `dates.date`, and Thanksgiving, whose day and country vary (`thanksgiving`)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Final

__all__ = ["HOLIDAYS", "THANKSGIVING", "thanksgiving"]

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

#: Thanksgiving by locale, (month, weekday, which one): the United States' is the fourth
#: Thursday of November, Canada's the second Monday of October; other English locales keep none.
THANKSGIVING: Final = {"en-US": (11, 3, 4), "en-CA": (10, 0, 2)}
_THANKSGIVING_SAID: Final = frozenset({("thanksgiving",), ("thanksgiving", "day")})


def thanksgiving(
    words: Sequence[str], now: datetime.datetime, rule: tuple[int, int, int]
) -> str | None:
    """The next Thanksgiving (today's included) when ``words`` name it, by the locale's rule."""
    if tuple(words) not in _THANKSGIVING_SAID:
        return None
    month, weekday, nth = rule
    today = now.date()
    for year in (today.year, today.year + 1):
        if year > datetime.MAXYEAR:
            return None
        first = datetime.date(year, month, 1)
        day = first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
        if day >= today:
            return day.isoformat()
    return None
