"""The fields of Amazon's "create a reminder" body, and the first one a skill's body gives that
no part of it has (`unknown_field`), which `FakeAlexaApi` answers with a 400.

The fields are those Amazon's Reminders API reference writes in its request examples and its
"Reminder object", which Amazon's model of the request (ask-sdk-model's ``ReminderRequest``,
``Trigger``, ``Recurrence``, ``AlertInfo``, ``SpokenInfo``, ``SpokenText``,
``PushNotification``) has too: ``requestTime``, ``trigger`` (``type``, ``scheduledTime``,
``offsetInSeconds``, ``timeZoneId``, ``recurrence``: ``freq``, ``byDay``, ``interval``,
``startDateTime``, ``endDateTime``, ``recurrenceRules``), ``alertInfo.spokenInfo.content``
(``locale``, ``text``, ``ssml``) and ``pushNotification.status``. The reference says nothing
of what Amazon answers to another field; none it does not name is read, so what the skill
meant by one (a ``freq`` beside the trigger's ``type`` rather than in its ``recurrence``: a
weekly reminder that rings once) is lost. The fake refuses it rather than drop it, with its
part's code (the fake's choice, as its other codes are: `alexaskill.testing.api_reminders`).

One such field is written by Amazon itself: its Reminders overview ("Setting time zones for
absolute times") and the Japanese reference's prose write ``timezoneId``, where the reference's
JSON examples (in its Japanese edition the prose asks for ``timezoneId`` and the example under
it sends ``timeZoneId``) and the SDK models name ``timeZoneId`` (ask-sdk-model's Python ``Trigger``
maps ``time_zone_id`` to ``'timeZoneId'``; Jovo's TypeScript ``Trigger`` too). That is the field the
API reads, the one `AlexaApi.create_reminder` and `update_reminder` send, and the one the fake
takes (a reminder given to it is read by the same names). No page says Amazon reads the other
spelling, and those models, which match names exactly, would drop it (the time then read in the
device's zone): the fake refuses it with a 400 that names the spelling to send (searched through
the docs, pages and code search on 5 December 2026).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import msgspec

from ..alexa_api import (
    AlertInfo,
    PushNotification,
    ReminderRecurrence,
    ReminderTrigger,
    SpokenInfo,
    SpokenText,
)

__all__ = ["unknown_field"]

#: The top level of the body: Amazon's ``ReminderRequest`` (the `Reminder` answered has more:
#: ``alertToken``, ``status``, … are Amazon's to set, not the skill's to send).
_REQUEST_FIELDS: Final = ("requestTime", "trigger", "alertInfo", "pushNotification")


def _names(kind: type[msgspec.Struct]) -> tuple[str, ...]:
    return tuple(field.encode_name for field in msgspec.structs.fields(kind))


def _said(key: str, where: str, part: str, names: tuple[str, ...]) -> str:
    """``where`` (the key's path) is no field of ``part``: with the field meant if ``key`` is
    one of ``names`` in another case or with underscores (``offset_in_seconds``), else the
    part's fields; a recurrence's field beside a trigger's type is told where it goes."""
    said = f"{where} is no field of Amazon's {part}"
    folded = key.replace("_", "").lower()
    meant = [name for name in names if name.lower() == folded]
    if meant == ["timeZoneId"] and key == "timezoneId":  # (Amazon's overview writes it so)
        return (
            f"{said} (did you mean timeZoneId? Amazon's Reminders overview writes timezoneId, "
            "but its reference's examples and SDK models name timeZoneId, and no page says "
            "Amazon reads the other)"
        )
    if meant:
        return f"{said} (did you mean {meant[0]}?)"
    if part == "trigger" and folded in {n.lower() for n in _names(ReminderRecurrence)}:
        return (
            f"{said}: a recurrence's fields go in trigger.recurrence ({{'recurrence': "
            f"{{'recurrenceRules': ['FREQ=WEEKLY;BYDAY=MO']}}}}), and Amazon reads none beside "
            "the trigger's type"
        )
    return f"{said} (its fields: {', '.join(names)}): Amazon reads no other"


def _first_unknown(value: object, where: str, part: str, names: tuple[str, ...]) -> str | None:
    if not isinstance(value, Mapping):  # (another kind: said by the kind checks)
        return None
    for key in value:
        if key not in names:
            shown = f"{where}.{key}" if where else str(key)
            return _said(str(key), shown, part, names)
    return None


def unknown_field(body: Mapping[str, Any]) -> tuple[str, str] | None:
    """The 400 code and message for the first field of the reminder ``body`` that no part of
    Amazon's request has, else None: ``INVALID_TRIGGER`` in the trigger (its recurrence
    too), ``INVALID_ALERT_INFO`` in ``alertInfo``, ``INVALID_REQUEST`` elsewhere."""
    fault = _first_unknown(body, "", "reminder request", _REQUEST_FIELDS)
    if fault is not None:
        return "INVALID_REQUEST", fault
    trigger = body.get("trigger")
    fault = _first_unknown(trigger, "trigger", "trigger", _names(ReminderTrigger))
    if fault is None and isinstance(trigger, Mapping):
        recurrence = trigger.get("recurrence")
        names = _names(ReminderRecurrence)
        fault = _first_unknown(recurrence, "trigger.recurrence", "recurrence", names)
    if fault is not None:
        return "INVALID_TRIGGER", fault
    info = body.get("alertInfo")
    fault = _first_unknown(info, "alertInfo", "alert info", _names(AlertInfo))
    spoken = info.get("spokenInfo") if isinstance(info, Mapping) else None
    where = "alertInfo.spokenInfo"
    fault = fault or _first_unknown(spoken, where, "spoken info", _names(SpokenInfo))
    content = spoken.get("content") if isinstance(spoken, Mapping) else None
    for index, entry in enumerate(content if isinstance(content, list) else ()):
        if fault is None:
            at = f"{where}.content[{index}]"
            fault = _first_unknown(entry, at, "spoken text", _names(SpokenText))
    if fault is not None:
        return "INVALID_ALERT_INFO", fault
    push = body.get("pushNotification")
    fault = _first_unknown(push, "pushNotification", "push notification", _names(PushNotification))
    return None if fault is None else ("INVALID_REQUEST", fault)
