"""A field of Amazon's JSON of the wrong kind (``"offsetInSeconds": "60"``), said in
alexaskill's words: the field, the value and what it takes (`kind_fault`), where msgspec said
"Expected `int | null`, got `str` - at `$.trigger.offsetInSeconds`", a type of Python's in its
notation. Read by the typed values' own fields (`alexaskill.alexa_api.values`), so that what it
lets through msgspec takes; what a reminder's fields take is said in its words (`_SAID`), any
other field by its kind ("a string")."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Final

import msgspec

from ..shown_names import shown_json
from .recurrence import NO_FREQ
from .values import (
    AlertInfo,
    PushNotification,
    Reminder,
    ReminderRecurrence,
    ReminderTrigger,
    SpokenInfo,
    SpokenText,
    offset_read,
)

__all__ = ["kind_fault", "said_wrong", "takes"]

_CONTENT: Final = "{'locale': 'en-US', 'text': 'walk the dog'}"
_LOCAL: Final = "a local time ('2031-03-15T07:30:00.000')"
_STAMP: Final = "a time in UTC ('2031-03-14T09:00:00.000Z')"

#: What a reminder's field takes, by its struct and its name in Amazon's JSON (``name[]``: each
#: item of its list), said after its value: ``offsetInSeconds is '60': a positive …``. The one
#: place these words are written: the fake's checks of the values say them too (`said_wrong`,
#: `takes`: `alexaskill.testing.api_recurrence`, `alexaskill.testing.api_reminder_rules`).
_SAID: Final[dict[tuple[type[msgspec.Struct], str], str]] = {
    # (a field of the request that creates one, not of the reminder Amazon keeps and answers
    # with: no field of `Reminder`, so `kind_fault` never walks it; the fake's check says it)
    (Reminder, "requestTime"): "an ISO 8601 date and time ('2019-09-22T19:04:00.672')",
    (Reminder, "alertToken"): "the reminder's id, a string",
    (Reminder, "status"): "ON or COMPLETED",
    (Reminder, "createdTime"): _STAMP,
    (Reminder, "updatedTime"): _STAMP,
    (Reminder, "version"): "a string or a whole number ('1')",
    (Reminder, "href"): "the reminder's path ('/v1/alerts/reminders/…')",
    (Reminder, "trigger"): "an object ({'type': 'SCHEDULED_RELATIVE', 'offsetInSeconds': 3600})",
    (Reminder, "alertInfo"): f"an object ({{'spokenInfo': {{'content': [{_CONTENT}]}}}})",
    (Reminder, "pushNotification"): "an object ({'status': 'ENABLED'})",
    (ReminderTrigger, "type"): "SCHEDULED_ABSOLUTE or SCHEDULED_RELATIVE",
    (ReminderTrigger, "scheduledTime"): _LOCAL,
    # (a string of its digits is read as its number in Amazon's answer and in a reminder given
    # as a mapping, and refused elsewhere: `_OFFSET_DIGITS` says that where it is refused)
    (ReminderTrigger, "offsetInSeconds"): "a positive whole number of seconds (3600: an hour)",
    (ReminderTrigger, "timeZoneId"): "an IANA time zone ('Europe/Paris')",
    (ReminderTrigger, "recurrence"): "an object of recurrenceRules (['FREQ=WEEKLY;BYDAY=MO'])",
    (ReminderRecurrence, "startDateTime"): _LOCAL,
    (ReminderRecurrence, "endDateTime"): _LOCAL,
    (ReminderRecurrence, "recurrenceRules"): "a list of RFC 5545 rules (['FREQ=WEEKLY;BYDAY=MO'])",
    (ReminderRecurrence, "recurrenceRules[]"): NO_FREQ,
    (ReminderRecurrence, "freq"): "WEEKLY or DAILY (deprecated: recurrenceRules)",
    (ReminderRecurrence, "byDay"): "a list of days of the week (['MO', 'WE'])",
    (ReminderRecurrence, "byDay[]"): "a day of the week (SU, MO, TU, WE, TH, FR, SA)",
    (ReminderRecurrence, "interval"): "a positive whole number (2: every other)",
    (AlertInfo, "spokenInfo"): f"an object ({{'content': [{_CONTENT}]}})",
    (SpokenInfo, "content"): f"a list of the reminder's words in each locale ([{_CONTENT}])",
    (SpokenInfo, "content[]"): f"an object ({_CONTENT})",
    (SpokenText, "locale"): "a locale ('en-US')",
    (SpokenText, "text"): "the words Alexa says ('walk the dog')",
    (SpokenText, "ssml"): "an SSML document ('<speak>walk the dog</speak>')",
    (PushNotification, "status"): "ENABLED or DISABLED",
}


#: What ``offsetInSeconds`` takes, said of a string of its digits (``"3600"``): it reaches a
#: check only where such a string is refused, the fake's create call and a `ReminderTrigger`
#: made in code, as the readers of Amazon's answer and of a reminder given as a mapping make it
#: the number it writes first (`alexaskill.alexa_api.values.offset_read`).
_OFFSET_DIGITS: Final = "a positive whole number of seconds, written as a number (3600, not '3600')"


def kind_fault(value: object, into: Any, where: str = "", *, root: str = "the value") -> str | None:
    """Why ``value`` (JSON as Python reads it) is of the wrong kind for ``into`` (a struct of
    `alexaskill.alexa_api.values`, or a type msgspec reads), said from ``where`` on
    (``"trigger"``; a field of ``into`` is then ``trigger.offsetInSeconds``; ``root`` names
    ``value`` itself): ``"offsetInSeconds is '60': a positive whole number of seconds, …"``.
    None if every field read is of its kind (what is not, a kind msgspec reads past those here,
    is left to it). A field left out is not judged; a null one only where its type takes
    None."""
    return _fault(value, _type_info(into), where, root)


@functools.cache
def _type_info(into: Any) -> Any:
    import msgspec.inspect  # here: read only for a fault, or by the fake

    return msgspec.inspect.type_info(into)


def _fault(
    value: object,
    kind: Any,
    where: str,
    root: str,
    said: str | None = None,
    each: str | None = None,
) -> str | None:
    """`kind_fault` of ``value`` read as the msgspec type ``kind``; ``said``: what the field
    takes, ``each``: what an item of it takes, in `_SAID`'s words (None: said by its kind)."""
    import msgspec.inspect as mi

    members = kind.types if isinstance(kind, mi.UnionType) else (kind,)
    for member in members:
        if isinstance(member, mi.StructType) and isinstance(value, Mapping):
            return _struct_fault(value, member, where, root)
        if isinstance(member, mi.ListType | mi.VarTupleType) and isinstance(value, list | tuple):
            for index, item in enumerate(value):
                fault = _fault(item, member.item_type, f"{where or root}[{index}]", root, each)
                if fault is not None:
                    return fault
            return None
        if _is(value, member):
            return None
    return f"{where or root} is {shown_json(value)}: {said or _kind_said(kind)}"


def _struct_fault(value: Mapping[Any, Any], kind: Any, where: str, root: str) -> str | None:
    for field in kind.fields:
        if field.encode_name not in value:
            continue
        said = _SAID.get((kind.cls, field.encode_name))
        given = value[field.encode_name]
        offset = (kind.cls, field.encode_name) == (ReminderTrigger, "offsetInSeconds")
        if offset and isinstance(given, str) and offset_read(given) is not given:
            said = _OFFSET_DIGITS  # (a string of digits: read as its number where it is taken)
        each = _SAID.get((kind.cls, field.encode_name + "[]"))
        inner = f"{where}.{field.encode_name}" if where else field.encode_name
        fault = _fault(value[field.encode_name], field.type, inner, root, said, each)
        if fault is not None:
            return fault
    return None


def _is(value: object, kind: Any) -> bool:
    """Whether ``value`` is of the msgspec type ``kind``: True for a kind not judged here."""
    import msgspec.inspect as mi

    if isinstance(kind, mi.StrType):
        return isinstance(value, str)
    if isinstance(kind, mi.IntType):  # (a bool is no number in JSON, nor to msgspec)
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(kind, mi.FloatType):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(kind, mi.BoolType):
        return isinstance(value, bool)
    if isinstance(kind, mi.NoneType):
        return value is None
    judged = mi.StructType | mi.ListType | mi.VarTupleType
    return not isinstance(kind, judged)  # (a struct or a list not matched: of another kind)


def _kind_said(kind: Any) -> str:
    """What the msgspec type ``kind`` is, in words: ``a string or a whole number``."""
    import msgspec.inspect as mi

    words: dict[type[Any], str] = {
        mi.StrType: "a string",
        mi.IntType: "a whole number",
        mi.FloatType: "a number",
        mi.BoolType: "true or false",
        mi.StructType: "an object",
        mi.ListType: "a list",
        mi.VarTupleType: "a list",
    }
    members = kind.types if isinstance(kind, mi.UnionType) else (kind,)
    said = [words.get(type(member), "") for member in members]
    return " or ".join(word for word in said if word) or "another kind"


def takes(into: type[msgspec.Struct], name: str) -> str:
    """What the field ``name`` (Amazon's name: ``offsetInSeconds``) of the reminder struct
    ``into`` takes, in the words `kind_fault` says it in."""
    return _SAID[(into, name)]


def said_wrong(where: str, value: object, into: type[msgspec.Struct], name: str) -> str:
    """``value``, given as the field ``name`` (Amazon's: ``interval``) of the reminder struct
    ``into`` and named ``where`` (``recurrence.interval``), said as `kind_fault` says a field of
    the wrong kind: ``"recurrence.interval is '2': a positive whole number (2: every other)"``;
    for a check of a value (a kind taken, a value not: ``0``) to say it in the same words."""
    return f"{where} is {shown_json(value)}: {takes(into, name)}"
