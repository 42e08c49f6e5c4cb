"""The holidays on a fixed date that English AMAZON.DATE values name ("christmas", "boxing
day"), read by `dates.date`."""

from __future__ import annotations

from typing import Final

__all__ = ["HOLIDAYS"]

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
