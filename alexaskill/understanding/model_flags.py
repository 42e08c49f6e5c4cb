"""A true-or-false field of an interaction model's JSON, read as Amazon's schema types it.

Python's truth would read ``"false"`` (a string) as true: a slot meant to take one value would
take a list, a slot meant to be optional would be asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..shown_names import shown_value

__all__ = ["flag"]


def flag(entry: Mapping[str, Any], key: str, where: str, problem: Callable[[str], None]) -> bool:
    """``entry[key]`` if it is true or false; absent (or null): false; else a ``problem`` (that
    names ``where``), and false."""
    value = entry.get(key)
    if value is None or isinstance(value, bool):
        return bool(value)
    problem(f"{where}: {key} is {shown_value(value)}, not true or false")
    return False
