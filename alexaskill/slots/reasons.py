"""Why a slot's value does not convert to a parameter's annotation, in a few words for a log line.

Only asked when a conversion has failed (`SlotError.reason`), never on the way to a handler: it
parses the value again, with the rich types, to say what it was instead ("a weekend, not one
day").
"""

from __future__ import annotations

import datetime
import enum
import logging
import typing
from typing import Any, Final

from ..exceptions import SlotError
from ..models import Intent, Slot
from ..shown_names import shown_value

if typing.TYPE_CHECKING:
    from ..injection import Call
from .converters import converter_for, unwrap_optional
from .values import (
    _DURATION,
    _FLOAT,
    _INT,
    _LONGEST,
    MISSING,
    AlexaDate,
    AlexaDuration,
    AlexaTime,
    DateKind,
    TimeKind,
    _no_such_date,
    _parse_alexa_date,
    _parse_alexa_time,
    _parse_any_duration,
)

__all__ = ["FALLBACK_LINE", "default_given", "log_fallback", "unconverted_value", "why_unconverted"]

logger = logging.getLogger("alexaskill")

#: The format of `log_fallback`'s line: how `alexaskill replay` tells it from the skill's others.
FALLBACK_LINE: Final = "%s%s; %s gets %s"
_NOT_UNDERSTOOD: Final = "Alexa's mark for a number it heard but did not understand"
_DATE_NOTE: Final = "datetime.date takes one day; AlexaDate takes every AMAZON.DATE form"
_NOT_A: Final[dict[Any, str]] = {
    AlexaDate: "not an AMAZON.DATE value",
    AlexaTime: "not an AMAZON.TIME value",
    AlexaDuration: "not an AMAZON.DURATION value",
}


def why_unconverted(annotation: Any, slot: Slot) -> str | None:
    """Why ``slot``'s value does not convert to ``annotation`` (``"a weekend, not one day
    (…)"``); for a multiple-value slot, which value and why. None if it converts."""
    unconverted = unconverted_value(annotation, slot)
    return None if unconverted is None else unconverted[1]


def unconverted_value(annotation: Any, slot: Slot) -> tuple[str, str] | None:
    """The value of ``slot`` that does not convert to ``annotation``, and `why_unconverted`'s
    reason: for a multiple-value slot, the first value that does not. None if it converts."""
    if converter_for("?", "?", annotation, say_first_of_many=False)(slot) is not MISSING:
        return None
    target, _ = unwrap_optional(annotation)
    if target is list or typing.get_origin(target) is list:
        args = typing.get_args(target)
        item = args[0] if args else str
        # Each value with its own entity resolution, as the list converts them: an enum value
        # that converts by its resolution is not the one to name.
        said = [each for each in slot.slot_values if each.value]
        for number, each in enumerate(said, 1):
            one = Slot(name=slot.name, value=each.value, resolutions=each.resolutions)
            reason = why_unconverted(item, one)
            if reason is not None and each.value is not None:
                return (
                    each.value,
                    f"value {number} of {len(said)}, {shown_value(each.value)}: {reason}",
                )
        return None
    first = next((value for value in slot.values if value), None)
    return None if first is None else (first, _why(target, first))


def _why(target: Any, value: str) -> str:
    if target in (int, float):
        if value == "?":
            return _NOT_UNDERSTOOD
        if target is int:
            if _INT.fullmatch(value):
                return "past the 64-bit range an int slot takes"
            if _FLOAT.fullmatch(value):  # (3.0 too: "not a whole number" was untrue of it)
                return "a decimal number, which an int slot does not take (a float slot does)"
        elif _FLOAT.fullmatch(value):
            if abs(float(value)) < 1:
                return "too small for a float (it would be 0.0)"
            return "too large for a float"
        return "not a number"
    if target is datetime.date:
        date = _parse_alexa_date(value)
        if date is MISSING:
            return _no_such_date(value) or _NOT_A[AlexaDate]
        what = "now" if date.kind is DateKind.PRESENT else f"a {date.kind.value}"
        return f"{what}, not one day ({_DATE_NOTE})"
    if target is datetime.time:
        time = _parse_alexa_time(value)
        if time is MISSING or time.kind is not TimeKind.PERIOD or time.period is None:
            return _NOT_A[AlexaTime]
        return (
            f"a part of the day ({time.period.name.lower()}), not a clock time (datetime.time "
            "takes a clock time; AlexaTime takes both)"
        )
    if target is datetime.timedelta or target is AlexaDuration:
        if _DURATION.fullmatch(value) is None:
            return _NOT_A[AlexaDuration]
        if target is AlexaDuration:  # a duration that does not convert is too long
            return f"longer than a datetime.timedelta holds ({_LONGEST})"
        duration = _parse_any_duration(value)
        if duration is not MISSING and (duration.years or duration.months):
            return (
                "years or months, which have no fixed length (datetime.timedelta takes neither; "
                "AlexaDuration does)"
            )
        return "too long for a datetime.timedelta"
    if isinstance(target, type) and issubclass(target, enum.Enum):
        return (
            f"no member of {target.__module__}.{target.__qualname__}: neither a member's value "
            "or name, nor resolved to one"
        )
    if target is AlexaDate:
        return _no_such_date(value) or _NOT_A[AlexaDate]
    if target in _NOT_A:
        return _NOT_A[target]
    return f"does not convert to {getattr(target, '__qualname__', target)}"


def default_given(default: object) -> str:
    """What `log_fallback`'s line says a parameter gets, its ``default`` (``alexaskill replay``'s
    ``slot:`` row too): quoted as an error quotes a value, a long one cut between its repr's
    escapes. Its repr is made whole: a default is the skill's own, written in its source, and
    said once a request at most."""
    return f"its default, {shown_value(default)}"


def log_fallback(
    call: Call,
    intent: Intent | None,
    name: str,
    slot: Slot,
    annotation: Any,
    default: Any,
    has_default: bool,
) -> None:
    """Say in the log (INFO) that slot ``name`` was heard but its value does not convert to
    ``annotation``, so that its parameter gets its default (or None): the user's words are not
    dropped unseen, and the line reads as the one of a required slot asked again. Once in
    ``call`` (a request), for the first hook or handler that takes the slot."""
    if not slot.is_filled:
        return
    said: set[str] | None = getattr(call, "fallbacks_said", None)
    if said is None:
        call.fallbacks_said = said = set()
    elif name in said:
        return
    said.add(name)
    unconverted = unconverted_value(annotation, slot)
    if unconverted is None:  # (not seen: the converter found no value to convert)
        return
    value, reason = unconverted
    given = default_given(default) if has_default else "None"
    where = f"{intent.name}: " if intent is not None and intent.name else ""
    logger.info(FALLBACK_LINE, where, SlotError(name, value, reason), name, given)
