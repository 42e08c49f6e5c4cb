"""Slot values converted to Python values, chosen by the annotation of the handler parameter.

A handler parameter that is not a framework type receives the slot of the same name, converted
according to its annotation:

- ``str`` (or no annotation, or ``Any``): the value as Alexa sent it; the first value of a
  multiple-value slot.
- ``int``, ``float``: AMAZON.NUMBER (``"5"``, ``"-3"``, ``"2.5"``). ``"?"``, which Alexa sends
  when it heard a number it did not understand, is not a number; nor is ``"2.5"`` an ``int``.
- ``datetime.date``: AMAZON.DATE when it names one exact day (``"2015-11-25"``).
- `AlexaDate`: every AMAZON.DATE form, as a kind and a first and last day: day, week
  (``"2015-W48"``), weekend (``"2015-W48-WE"``), month (``"2015-11"``), season
  (``"2015-WI"``), year (``"2015"``), decade (``"201X"``) and now (``"PRESENT_REF"``).
- ``datetime.time``: AMAZON.TIME when it is a clock time (``"14:30"``).
- `AlexaTime`: a clock time, or a part of the day (``"MO"``, ``"AF"``, ``"EV"``, ``"NI"``).
- ``datetime.timedelta``: AMAZON.DURATION (ISO 8601, ``"PT10M"``, ``"P1DT2H"``) without years or
  months, which have no fixed length.
- `AlexaDuration`: any AMAZON.DURATION, years and months included (``"P2YT3H10M"``).
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
``raw`` field of the rich types, and in `SlotError`. Any other annotation (``bool`` among them:
which words would be true?) raises `ConfigurationError` when the handler is registered.

Seasons follow the meteorological calendar of the northern hemisphere: spring is March to May,
summer June to August, autumn September to November, and winter December of the year named to
February of the next. Skills for the southern hemisphere use `AlexaDate.season` and the year.
"""

from __future__ import annotations

import calendar
import datetime
import enum
import inspect
import math
import re
import types
import typing
from collections.abc import Callable
from typing import Any, Final

import msgspec

from ..exceptions import ConfigurationError
from ..models import Resolutions, Slot

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
    "unwrap_optional",
]


class _Missing(enum.Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"

    __str__ = __repr__


#: What a converter returns for a slot that is absent, unfilled, empty, or does not convert.
MISSING: Final = _Missing.MISSING

#: A function from the slot (``None`` when the intent has no slot of that name) to its value.
Converter = Callable[[Slot | None], Any]


# --- the rich types ----------------------------------------------------------------------------


class DateKind(enum.StrEnum):
    """Which AMAZON.DATE form a value had: one day, a week, a weekend, …, or now."""

    DAY = "day"
    WEEK = "week"
    WEEKEND = "weekend"
    MONTH = "month"
    SEASON = "season"
    YEAR = "year"
    DECADE = "decade"
    PRESENT = "present"


class Season(enum.StrEnum):
    """A season, by the code AMAZON.DATE gives it."""

    WINTER = "WI"
    SPRING = "SP"
    SUMMER = "SU"
    FALL = "FA"


class AlexaDate(msgspec.Struct, frozen=True, kw_only=True):
    """An AMAZON.DATE value: its kind and the first and last day (inclusive) it covers.

    ``start`` and ``end`` are ``None`` only for `DateKind.PRESENT` ("now"): today depends on
    the user's time zone, which the request does not carry.
    """

    kind: DateKind
    start: datetime.date | None
    end: datetime.date | None
    #: The season, for `DateKind.SEASON` (dated for the northern hemisphere).
    season: Season | None = None
    raw: str

    @classmethod
    def parse(cls, raw: str) -> AlexaDate:
        """Parse an AMAZON.DATE value; raise ``ValueError`` if it is not one."""
        value = _parse_alexa_date(raw)
        if value is MISSING:
            raise ValueError(f"not an AMAZON.DATE value: {raw!r}")
        return value


class TimeOfDay(enum.StrEnum):
    """A part of the day, by the code AMAZON.TIME gives it."""

    MORNING = "MO"
    AFTERNOON = "AF"
    EVENING = "EV"
    NIGHT = "NI"


class TimeKind(enum.StrEnum):
    """Whether an AMAZON.TIME value is a clock time or a part of the day."""

    TIME = "time"
    PERIOD = "period"


class AlexaTime(msgspec.Struct, frozen=True, kw_only=True):
    """An AMAZON.TIME value: a clock time (``time``) or a part of the day (``period``)."""

    kind: TimeKind
    time: datetime.time | None = None
    period: TimeOfDay | None = None
    raw: str

    @classmethod
    def parse(cls, raw: str) -> AlexaTime:
        """Parse an AMAZON.TIME value; raise ``ValueError`` if it is not one."""
        value = _parse_alexa_time(raw)
        if value is MISSING:
            raise ValueError(f"not an AMAZON.TIME value: {raw!r}")
        return value


class AlexaDuration(msgspec.Struct, frozen=True, kw_only=True):
    """An AMAZON.DURATION value (ISO 8601) with each of its parts; ``float`` only if fractional."""

    years: float = 0
    months: float = 0
    weeks: float = 0
    days: float = 0
    hours: float = 0
    minutes: float = 0
    seconds: float = 0
    raw: str

    @classmethod
    def parse(cls, raw: str) -> AlexaDuration:
        """Parse an AMAZON.DURATION value; raise ``ValueError`` if it is not one."""
        value = _parse_alexa_duration(raw)
        if value is MISSING:
            raise ValueError(f"not an AMAZON.DURATION value: {raw!r}")
        return value

    def to_timedelta(self) -> datetime.timedelta:
        """The duration as a timedelta; raise ``ValueError`` if it has years or months."""
        if self.years or self.months:
            raise ValueError(f"{self.raw!r} has years or months, which have no fixed length")
        return datetime.timedelta(
            weeks=self.weeks,
            days=self.days,
            hours=self.hours,
            minutes=self.minutes,
            seconds=self.seconds,
        )


# --- parsing one value -------------------------------------------------------------------------
# Each parser takes a non-empty string and returns a value or MISSING, never raises. Patterns
# use [0-9] rather than \d, which would also match other scripts' digits.

_INT: Final = re.compile(r"-?[0-9]+")
_FLOAT: Final = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_DAY: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE: Final = re.compile(
    r"""
    (?P<year>[0-9]{4})
    (?:
        -(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2})|-XX)?   # 2015-11-25, 2015-11, 2015-11-XX
      | -W(?P<week>[0-9]{2})(?P<weekend>-WE)?             # 2015-W48, 2015-W48-WE
      | -(?P<season>WI|SP|SU|FA)                          # 2015-WI
      | -XX(?:-XX)?                                       # 2015-XX, 2015-XX-XX
    )?
    | (?P<decade>[0-9]{3})X                               # 201X
    | (?P<present>PRESENT_REF)
    """,
    re.VERBOSE,
)
_TIME: Final = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?")
_NUMBER: Final = r"([0-9]+(?:\.[0-9]+)?)"
_DURATION: Final = re.compile(
    rf"P(?!$)(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?=[0-9])(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?"
)
# Meteorological seasons, northern hemisphere: (first month, last month); winter runs into the
# next year.
_SEASON_MONTHS: Final = {
    Season.SPRING: (3, 5),
    Season.SUMMER: (6, 8),
    Season.FALL: (9, 11),
    Season.WINTER: (12, 2),
}
_PERIODS: Final = {period.value: period for period in TimeOfDay}


def _parse_str(raw: str) -> str:
    return raw


def _parse_int(raw: str) -> int | _Missing:
    if _INT.fullmatch(raw) is None:
        return MISSING
    try:
        return int(raw)
    except ValueError:  # more digits than int() accepts from a string
        return MISSING


def _parse_float(raw: str) -> float | _Missing:
    if _FLOAT.fullmatch(raw) is None:
        return MISSING
    value = float(raw)
    return value if math.isfinite(value) else MISSING


def _parse_date(raw: str) -> datetime.date | _Missing:
    # The pattern admits YYYY-MM-DD alone (fromisoformat also takes 20261127, 2026-W48-5, …);
    # fromisoformat then checks the calendar, three times faster than int() three times.
    if _DAY.fullmatch(raw) is None:
        return MISSING
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        return MISSING


def _last_of_month(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _parse_alexa_date(raw: str) -> AlexaDate | _Missing:
    match = _DATE.fullmatch(raw)
    if match is None:
        return MISSING
    groups = match.groupdict()
    season: Season | None = None
    try:
        if groups["present"] is not None:
            return AlexaDate(kind=DateKind.PRESENT, start=None, end=None, raw=raw)
        if groups["decade"] is not None:
            first = int(groups["decade"]) * 10
            kind = DateKind.DECADE
            start, end = datetime.date(first, 1, 1), datetime.date(first + 9, 12, 31)
        elif groups["day"] is not None:
            kind = DateKind.DAY
            year, month, day = int(groups["year"]), int(groups["month"]), int(groups["day"])
            start = end = datetime.date(year, month, day)
        elif groups["month"] is not None:
            year, month = int(groups["year"]), int(groups["month"])
            kind = DateKind.MONTH
            start, end = datetime.date(year, month, 1), _last_of_month(year, month)
        elif groups["week"] is not None:
            year, week = int(groups["year"]), int(groups["week"])
            if groups["weekend"] is None:
                kind, first_day, last_day = DateKind.WEEK, 1, 7
            else:
                kind, first_day, last_day = DateKind.WEEKEND, 6, 7
            start = datetime.date.fromisocalendar(year, week, first_day)
            end = datetime.date.fromisocalendar(year, week, last_day)
        elif groups["season"] is not None:
            year = int(groups["year"])
            kind, season = DateKind.SEASON, Season(groups["season"])
            first_month, last_month = _SEASON_MONTHS[season]
            start = datetime.date(year, first_month, 1)
            end = _last_of_month(year + 1 if last_month < first_month else year, last_month)
        else:
            year = int(groups["year"])
            kind = DateKind.YEAR
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    except ValueError:  # no such day, week or year (2015-02-30, 2021-W53, 0000, winter 9999)
        return MISSING
    return AlexaDate(kind=kind, start=start, end=end, season=season, raw=raw)


def _parse_time(raw: str) -> datetime.time | _Missing:
    match = _TIME.fullmatch(raw)
    if match is None:
        return MISSING
    return datetime.time(int(match[1]), int(match[2]), int(match[3] or 0))


def _parse_alexa_time(raw: str) -> AlexaTime | _Missing:
    period = _PERIODS.get(raw)
    if period is not None:
        return AlexaTime(kind=TimeKind.PERIOD, period=period, raw=raw)
    time = _parse_time(raw)
    if time is MISSING:
        return MISSING
    return AlexaTime(kind=TimeKind.TIME, time=time, raw=raw)


def _number(text: str | None) -> float:
    if text is None:
        return 0
    return float(text) if "." in text else int(text)


def _parse_alexa_duration(raw: str) -> AlexaDuration | _Missing:
    match = _DURATION.fullmatch(raw)
    if match is None:
        return MISSING
    try:
        years, months, weeks, days, hours, minutes, seconds = map(_number, match.groups())
    except ValueError:  # more digits than int() accepts from a string
        return MISSING
    return AlexaDuration(
        years=years,
        months=months,
        weeks=weeks,
        days=days,
        hours=hours,
        minutes=minutes,
        seconds=seconds,
        raw=raw,
    )


def _parse_timedelta(raw: str) -> datetime.timedelta | _Missing:
    duration = _parse_alexa_duration(raw)
    if duration is MISSING or duration.years or duration.months:
        return MISSING
    try:
        return duration.to_timedelta()
    except OverflowError:
        return MISSING


#: The types a slot converts to, each with its parser.
_PARSERS: Final[dict[Any, Callable[[str], Any]]] = {
    str: _parse_str,
    int: _parse_int,
    float: _parse_float,
    datetime.date: _parse_date,
    AlexaDate: _parse_alexa_date,
    datetime.time: _parse_time,
    AlexaTime: _parse_alexa_time,
    datetime.timedelta: _parse_timedelta,
    AlexaDuration: _parse_alexa_duration,
}

_SUPPORTED: Final = (
    "str, int, float, datetime.date, datetime.time, datetime.timedelta, AlexaDate, AlexaTime, "
    "AlexaDuration, an Enum with str values, list[...] of any of these, Slot, "
    "and X | None of any of them"
)


# --- enums: matched against entity resolution, then the value --------------------------------


def _items(slot: Slot) -> list[tuple[str | None, Resolutions | None]]:
    """Each value of the slot with its own entity resolution."""
    return [(item.value, item.resolutions) for item in slot.slot_values]


_EnumParser = Callable[[str, Resolutions | None], Any]


def _enum_parser(where: str, cls: type[enum.Enum]) -> _EnumParser:
    members: dict[str, enum.Enum] = {}
    for member in cls:
        if not isinstance(member.value, str):
            raise ConfigurationError(
                f"{where}: {_describe(cls)} has a member {member.name} whose value is not a str; "
                "slots are matched by string"
            )
        members.setdefault(member.name.casefold(), member)
    # A member's value wins over another member's name.
    members.update({member.value.casefold(): member for member in cls})

    def parse(raw: str, resolutions: Resolutions | None) -> Any:
        # Every value every authority matched, best first: the first one the enum names wins
        # (entity resolution may list several, and the enum may hold only some of them).
        for match in () if resolutions is None else resolutions.matches:
            if match.id and (member := members.get(match.id.casefold())) is not None:
                return member
            if (member := members.get(match.name.casefold())) is not None:
                return member
        return members.get(raw.casefold(), MISSING)

    return parse


# --- converters --------------------------------------------------------------------------------


def _slot_itself(slot: Slot | None) -> Any:
    return MISSING if slot is None else slot


def _scalar(parse: Callable[[str], Any]) -> Converter:
    def convert(slot: Slot | None) -> Any:
        if slot is not None:
            for value in slot.values:
                if value:
                    return parse(value)
        return MISSING

    return convert


def _list(parse: Callable[[str], Any]) -> Converter:
    def convert(slot: Slot | None) -> Any:
        if slot is None:
            return MISSING
        converted = []
        for value in slot.values:
            if value:
                item = parse(value)
                if item is MISSING:
                    return MISSING
                converted.append(item)
        return converted or MISSING

    return convert


def _scalar_enum(parse: _EnumParser) -> Converter:
    def convert(slot: Slot | None) -> Any:
        if slot is not None:
            for value, resolutions in _items(slot):
                if value:
                    return parse(value, resolutions)
        return MISSING

    return convert


def _list_enum(parse: _EnumParser) -> Converter:
    def convert(slot: Slot | None) -> Any:
        if slot is None:
            return MISSING
        converted = []
        for value, resolutions in _items(slot):
            if value:
                item = parse(value, resolutions)
                if item is MISSING:
                    return MISSING
                converted.append(item)
        return converted or MISSING

    return convert


def _describe(annotation: Any) -> str:
    if isinstance(annotation, type) and not isinstance(annotation, types.GenericAlias):
        if annotation.__module__ == "builtins":
            return annotation.__qualname__
        return f"{annotation.__module__}.{annotation.__qualname__}"
    return repr(annotation)


def unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    """``(X, True)`` for ``X | None`` and ``Optional[X]``; ``(annotation, False)`` otherwise."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        rest = [arg for arg in args if arg is not type(None)]
        if len(rest) == 1 and len(rest) < len(args):
            return rest[0], True
    return annotation, False


def _is_enum(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, enum.Enum)


def converter_for(where: str, name: str, annotation: Any) -> Converter:
    """The converter of parameter ``name`` of handler ``where``; `ConfigurationError` if none.

    ``annotation`` is the evaluated annotation (``inspect.Parameter.empty`` when there is none).
    Defaults are the caller's business: a converter returns `MISSING` and the caller decides.
    """
    target, _ = unwrap_optional(annotation)
    if target is inspect.Parameter.empty or target is Any:
        target = str
    if target is Slot:
        return _slot_itself
    many = target is list or typing.get_origin(target) is list
    if many:
        args = typing.get_args(target)
        target = args[0] if args else str
        if target is Any:
            target = str
    if _is_enum(target):
        parse_enum = _enum_parser(where, target)
        return _list_enum(parse_enum) if many else _scalar_enum(parse_enum)
    parse = _PARSERS.get(target)
    if parse is None:
        shown = _describe(annotation)
        if target is bool:
            hint = (
                "bool is not supported, since no rule says which words are true; use str, "
                "an Enum with yes/no members, or Slot"
            )
        else:
            hint = f"supported: {_SUPPORTED}"
        raise ConfigurationError(
            f"{where}: parameter {name!r} is annotated {shown}, which cannot be filled from a "
            f"slot; {hint}"
        )
    return _list(parse) if many else _scalar(parse)


def is_slot_annotation(annotation: Any) -> bool:
    """Whether a parameter with this annotation can be filled from a slot."""
    try:
        converter_for("?", "?", annotation)
    except ConfigurationError:
        return False
    return True
