"""`JSON_SCALARS`: the exact types of JSON's scalar values, for the walks over a value's parts;
`JSON_INSTEAD`: what to store in place of a value JSON has no type for.

A value of one holds nothing to look into (`responses.as_written`'s walks skip it) and cannot
change in place (`store.attributes` keeps it as loaded, not encoded again to tell whether it
changed). Exact types: a subclass (an `enum.IntEnum`, a `str` subclass with state) may do
either, and is looked into and encoded as any other object.
"""

from __future__ import annotations

from typing import Final

__all__ = ["JSON_INSTEAD", "JSON_SCALARS"]

#: str, int, float, bool and None's type, compared as ``type(value) in JSON_SCALARS``.
JSON_SCALARS: Final = frozenset((str, int, float, bool, type(None)))

#: What to store in place of a value JSON has no type for (a set, a date, an object of one's
#: own), as session attributes (`responses.encoding`) and persistent ones (`store.base`) say it.
JSON_INSTEAD: Final = (
    "store a str, a number, a bool, None, a list or a dict with str keys: date.isoformat(), "
    "list(a_set), …"
)
