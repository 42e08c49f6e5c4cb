"""Slot values converted to Python values, chosen by the annotation of the handler parameter.

A handler parameter that is not a framework type receives the slot of the same name, converted
according to its annotation:

- ``str`` (or no annotation, or ``Any``): the value as Alexa sent it; the first value of a
  multiple-value slot (a WARNING naming the handler says so when the slot held more: this, an
  ``int`` or an ``Enum`` parameter drops the others; ``list[...]`` takes them all).
- ``int``, ``float``: AMAZON.NUMBER (``"5"``, ``"-3"``, ``"2.5"``). ``"?"``, which Alexa sends
  when it heard a number it did not understand, is not a number; nor is ``"2.5"`` an ``int``.
  An ``int`` is 64 bits (-2**63 to 2**63-1): a number of more digits does not convert.
- ``datetime.date``: AMAZON.DATE when it names one exact day (``"2015-11-25"``).
- `AlexaDate`: every AMAZON.DATE form, as a kind and a first and last day: day, week
  (``"2015-W48"``), weekend (``"2015-W48-WE"``), month (``"2015-11"``), season
  (``"2015-WI"``), year (``"2015"``), decade (``"201X"``) and now (``"PRESENT_REF"``).
- ``datetime.time``: AMAZON.TIME when it is a clock time (``"14:30"``).
- `AlexaTime`: a clock time, or a part of the day (``"MO"``, ``"AF"``, ``"EV"``, ``"NI"``).
- ``datetime.timedelta``: AMAZON.DURATION (ISO 8601, ``"PT10M"``, ``"P1DT2H"``) without years or
  months, which have no fixed length.
- `AlexaDuration`: any AMAZON.DURATION, years and months included (``"P2YT3H10M"``).
  Either type takes durations as long as a ``timedelta`` holds (999,999,999 days, some 2.7
  million years), a year counted as 366 days and a month as 31: a longer one does not convert.
- an ``Enum`` whose values are strings: the member whose value or name matches, ignoring case,
  an id entity resolution found, else a resolved name (every match of every authority is
  tried, best first), else the value the user said. Each value of a multiple-value slot is
  matched with its own resolutions.
- ``list[X]``, for any ``X`` above but `Slot`: every value of a multiple-value slot, each
  converted (a single-value slot gives a one-element list).
- `Slot`: the slot itself, with its entity-resolution helpers (``resolved_name``,
  ``resolved_id``, ``match_status``).
- ``X | None`` (or ``Optional[X]``): as ``X``.

The policy: a slot that is absent, unfilled or empty, or whose value does not convert to the
annotation, counts as missing. A missing slot gives the parameter its default; failing that
``None`` if the annotation allows it; failing that the request fails with `SlotError`. Nothing is
guessed or rounded: ``"2.5"`` is no ``int``, ``"2015-W48"`` no ``datetime.date``, ``"P1M"`` no
``timedelta``, and in a list one value that does not convert makes the whole list missing. The
value as Alexa sent it stays available in the request (``request.intent.slot(name)``), in the
``raw`` field of the rich types, and in `SlotError`; a value that does not convert where the
parameter takes its default or None is said in an INFO log line (`log_fallback`). Any other
annotation (``bool`` among them: which words would be true?) raises `ConfigurationError` when
the handler is registered.

Seasons follow the meteorological calendar of the northern hemisphere: spring is March to May,
summer June to August, autumn September to November, and winter December of the year named to
February of the next. Skills for the southern hemisphere use `AlexaDate.season` and the year.

The package: ``values`` parses one string into each supported type (the rich types live there),
``converters`` picks the converter of a parameter from its annotation (enums, lists, optionals),
``reasons`` says why a value did not convert (`why_unconverted`, for `SlotError.reason`), and
which value of a list (`unconverted_value`, for `SlotError.value`), and logs a value dropped
for a default (`log_fallback`).
Import from ``alexaskill.slots``: the submodules are its layout.
"""

from __future__ import annotations

from .converters import Converter, converter_for, is_slot_annotation, unwrap_optional
from .reasons import log_fallback, unconverted_value, why_unconverted
from .values import (
    MISSING,
    AlexaDate,
    AlexaDuration,
    AlexaTime,
    DateKind,
    Season,
    TimeKind,
    TimeOfDay,
)

__all__ = [
    "MISSING",
    "AlexaDate",
    "AlexaDuration",
    "AlexaTime",
    "Converter",
    "DateKind",
    "Season",
    "TimeKind",
    "TimeOfDay",
    "converter_for",
    "is_slot_annotation",
    "log_fallback",
    "unconverted_value",
    "unwrap_optional",
    "why_unconverted",
]
