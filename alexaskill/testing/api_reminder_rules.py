"""The body of a reminder the skill creates or updates, judged as Amazon judges it
(`_reminder_problem`): the 400's code, the fake's own (`alexaskill.testing.api_reminders`), and
a message for what Amazon refuses; and the checks of a trigger a test's given reminders are
read by too (`alexaskill.testing.api_given`)."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Final

import msgspec

from ..alexa_api.reminders import MOST_OFFSET, gone_by, request_time_fault
from ..shown_names import shown_count, shown_json
from ..ssml_check import _markup_error
from .api_fields import unknown_field
from .api_recurrence import _recurrence_problem, _said, _time_fault
from .api_zones import _zone_known, _zone_unknown

__all__: list[str] = []


def _reminder_problem(
    body: Any, zone_name: str | None, now: _dt.datetime
) -> tuple[str, str] | None:
    """A 400's code and a message for a reminder body Amazon would refuse, else None (the codes
    are the fake's: `alexaskill.testing.api_reminders`): a body that is no JSON object
    (``[1]``, ``5``; text that is no JSON, or none: ``INVALID_REQUEST``); a
    ``requestTime`` missing, of another kind than a str (said as `kind_fault` says a field of
    the wrong kind), or not written as Amazon writes one (`request_time_fault`: ISO
    8601, ``2019-09-22T19:04:00.672``, a ``Z`` or an offset taken); a field of the wrong kind
    (`_kind_problem`: ``"offsetInSeconds": "7200"``), judged before the values, after a field
    no part of Amazon's body has (`unknown_field`: a ``freq`` beside the trigger's type); a
    ``timeZoneId`` no tz database here has (`_zone_fault`: ``"Paris"``); a
    ``SCHEDULED_RELATIVE`` trigger without a positive ``offsetInSeconds`` (`_offset_fault`); a
    ``SCHEDULED_ABSOLUTE`` trigger with no ``scheduledTime`` and no recurrence rule to time it
    (`_ruled`); a one-time ``scheduledTime`` (in its ``timeZoneId``, else the device's
    ``zone_name``, None when the skill cannot know it; not judged without either, as
    `AlexaApi.create_reminder` does not) gone by
    at ``now``, the fake's now for the call (`AccessCheck._moment`), too; a recurrence Amazon
    does not take (`alexaskill.testing.api_recurrence`: its UNTIL judged at ``now`` in the
    device's ``zone_name`` beside no ``startDateTime``); a content entry's ``ssml``
    Alexa cannot parse (`_markup_error`: an answer's markup rules, not its limits); a
    ``scheduledTime`` that is no ISO 8601 date and time (``"soon"``), or one with a ``Z`` or an
    offset (`_time_fault`), but beside ``startDateTime``, ``endDateTime`` or
    ``recurrenceRules``, which make Amazon ignore it (`_ruled`); a ``pushNotification.status``
    Amazon does not take (`_push_fault`).

    Amazon's Reminders API reference writes ``scheduledTime`` as a local time without an
    offset beside ``timeZoneId`` (``"2019-09-22T19:00:00.000"``; its Japanese edition asks for
    ``timeZoneId`` lest the reminder ring at the wrong time), and ask-sdk-model's ``Trigger``
    says "Valid ISO 8601 format - Intended trigger time". Its Reminders overview ("How trigger
    times are calculated", "Setting time zones for absolute times") sets a reminder in another
    zone than the device's by giving "the absolute time and the time zone" (``"scheduledTime" :
    "2019-06-01T19:00:00"`` beside ``"timezoneId" : "America/New_York"``), and without
    ``timeZoneId`` reads it in the device's: no page writes an offset, nor names the error for
    one (read through the docs and code search on 5 December 2026). The refusal is kept on
    users' reports of a 400 (``UNSUPPORTED_SCHEDULED_TIME_FORMAT``, a Qiita post of 2019;
    elsewhere ``INVALID_TRIGGER_SCHEDULED_TIME_FORMAT``), which fit those words, so the fake
    answers one with its trigger's 400, ``INVALID_TRIGGER``.
    `AlexaApi.create_reminder` never sends one (a local time, the zone in ``timeZoneId``).

    Not judged, as Amazon documents nothing of them (the reference's opening and examples,
    ask-sdk-model's ``SpokenText``, read through the docs search on 5 December 2026): a
    length limit of a content entry's ``text`` or ``ssml`` (no number is given), and which
    ``locale`` values are taken (only "e.g. en-US"); an entry's ``locale`` and ``text`` are
    required as the reference's examples always give them."""
    if not isinstance(body, dict):  # (was "requestTime is required", as if left out)
        shown = "nothing" if body is None else shown_json(body)
        return "INVALID_REQUEST", f"the body must be a JSON object (the reminder), not {shown}"
    if body.get("requestTime") is None:
        return "INVALID_REQUEST_TIME", "requestTime is required"
    if not isinstance(body["requestTime"], str):  # (said as a reminder's fields are: kinds)
        from ..alexa_api import Reminder
        from ..alexa_api.kinds import said_wrong

        return "INVALID_REQUEST_TIME", said_wrong(
            "requestTime", body["requestTime"], Reminder, "requestTime"
        )
    said = request_time_fault(body["requestTime"])
    if said is not None:  # (the code is the one the fake answers a missing one with)
        return "INVALID_REQUEST_TIME", said
    trigger = body.get("trigger")
    if trigger is None:
        return "INVALID_TRIGGER", "trigger is required"
    # A field no part of Amazon's body has, dropped, lost what the skill meant by it.
    wrong = unknown_field(body) or _kind_problem(body)
    if wrong is not None:
        return wrong
    zone = _zone_fault(trigger.get("timeZoneId"))
    if zone is not None:
        return "INVALID_TRIGGER", zone
    kind = trigger.get("type")
    if kind == "SCHEDULED_RELATIVE":
        offset = _offset_fault(trigger.get("offsetInSeconds"))
        if offset is not None:
            return "INVALID_TRIGGER", offset
    elif kind == "SCHEDULED_ABSOLUTE":
        if not isinstance(trigger.get("scheduledTime"), str) and not _ruled(trigger):
            return "INVALID_TRIGGER", "scheduledTime is required"
        # Not judged beside the newer recurrence fields, which Amazon's Reminders API reference
        # says make it ignore scheduledTime (`_ruled`): a body it takes.
        fault = None if _ruled(trigger) else _time_fault(trigger.get("scheduledTime"))
        if fault is not None:
            return "INVALID_TRIGGER", fault
        gone = _gone(trigger, zone_name, now)
        if gone is not None:
            return "INVALID_TRIGGER", gone
    else:
        return "INVALID_TRIGGER", f"unknown trigger type {_said(kind)}"
    recurrence = _recurrence_problem(kind, trigger.get("recurrence"), trigger, (now, zone_name))
    if recurrence is not None:
        return "INVALID_TRIGGER", recurrence
    info = body.get("alertInfo")
    spoken = info.get("spokenInfo") if isinstance(info, dict) else None
    content = spoken.get("content") if isinstance(spoken, dict) else None
    if not isinstance(content, list) or not content:
        return "INVALID_ALERT_INFO", "alertInfo.spokenInfo.content is required"
    for index, entry in enumerate(content):
        if not isinstance(entry, dict) or not entry.get("locale") or not entry.get("text"):
            return "INVALID_ALERT_INFO", "each content entry needs a locale and text"
        # Its SSML is parsed by Alexa as an answer's is (`_markup_error`), but Amazon's
        # Reminders API reference gives it no limit of an answer's (length, clips, blank):
        # judged as `AlexaApi.create_reminder` judges it before sending.
        if isinstance(entry.get("ssml"), str) and (error := _markup_error(entry["ssml"])):
            where = f"alertInfo.spokenInfo.content[{index}].ssml"
            return "INVALID_ALERT_INFO", f"{where} is SSML Alexa cannot take: {error}"
    push = body.get("pushNotification")
    fault = _push_fault(push.get("status")) if isinstance(push, dict) else None
    if fault is not None:
        return "INVALID_REQUEST", f"pushNotification.{fault}"
    from ..alexa_api import Reminder

    # What the fake keeps of it must read (`_kind_problem` says the kinds msgspec refuses): the
    # skill's request is at fault, not the fake's data, as a failure here was reported (500).
    try:
        msgspec.convert(body, Reminder)
    except msgspec.ValidationError as exc:
        return "INVALID_REQUEST", f"the reminder does not read as Amazon's JSON of one: {exc}"
    return None


def _kind_problem(body: dict[str, Any]) -> tuple[str, str] | None:
    """The 400 code and message for a field of the reminder ``body`` of the wrong kind
    (`kind_fault`: ``"offsetInSeconds": "7200"``, a ``freq`` of 5, a ``text`` of 5), else None:
    the code of the part it is in (the fake's choice, as its other codes are), said as the
    checks of that part's values say theirs: a field of the trigger from the trigger on
    (``offsetInSeconds is '7200': …``, ``INVALID_TRIGGER``), one of ``alertInfo``
    (``INVALID_ALERT_INFO``) or anything else (``INVALID_REQUEST``) from the body on."""
    from ..alexa_api import Reminder, ReminderTrigger
    from ..alexa_api.kinds import kind_fault

    trigger = body.get("trigger")
    if isinstance(trigger, dict) and (fault := kind_fault(trigger, ReminderTrigger)):
        return "INVALID_TRIGGER", fault
    fault = kind_fault(body, Reminder)
    if fault is None:
        return None
    if fault.startswith("trigger"):  # (the trigger itself: "trigger is 'soon': an object …")
        return "INVALID_TRIGGER", fault
    return ("INVALID_ALERT_INFO" if fault.startswith("alertInfo") else "INVALID_REQUEST"), fault


def _zone_fault(zone: object) -> str | None:
    """Why a trigger's ``timeZoneId`` (of its kind, `kind_fault`: a str) names no zone, said
    from it on, else None (none given, or ``""``, read as none: the device's zone).

    Amazon's Reminders API reference gives it as an IANA name (``"America/Los_Angeles"``) and
    its overview ("Setting time zones for absolute times") rings the reminder at the local time
    there: a name no tz database has gives no time to ring at. No page names Amazon's error for
    one (docs search, 6 December 2026): the fake answers its trigger's 400, ``INVALID_TRIGGER``.
    A zone newer than this machine's tz data is refused too, as `AlexaApi.create_reminder`
    never sends one (it sends the zone of a ``ZoneInfo``, read here)."""
    if not isinstance(zone, str) or not zone or _zone_known(zone):
        return None
    return _zone_unknown("timeZoneId", zone, "as Amazon reads one")


def _offset_fault(offset: object) -> str | None:
    """Why a ``SCHEDULED_RELATIVE`` trigger's ``offsetInSeconds`` (of its kind, `kind_fault`:
    an int, JSON's true not one) is none Amazon takes, said from it on, else None: missing, or
    not positive.

    Kept strict, an int: Amazon's model of a trigger (ask-sdk-model's Trigger) types it so, "If
    reminder is set using relative time, use this field to specify the time after which
    reminder ll ring (in seconds)", and its Reminders overview ("How trigger times are
    calculated", "Relative calculations") says "The ring time calculates by comparing the
    requestedTime to the offsetInSeconds that the skill sets". That page's example writes the
    number as a string (``"offsetInSeconds" : "7200"``), and no page says whether Amazon takes
    that form: refused, so that a skill copying the example learns of the doubt from its tests
    (`AlexaApi.create_reminder` sends an int). Reading is lenient: `AlexaApi.get_reminders`
    reads the string in Amazon's answer as its number (`alexaskill.alexa_api.values`), and a
    reminder given to the fake as a mapping, which stands for such an answer, is read alike."""
    from ..alexa_api import ReminderTrigger
    from ..alexa_api.kinds import takes

    if offset is None:
        return (
            "offsetInSeconds is required: a SCHEDULED_RELATIVE trigger rings that many seconds "
            "after the reminder is made (a positive whole number)"
        )
    if isinstance(offset, int) and offset <= 0:
        said = shown_count(offset)  # (not its repr: past 4,300 digits, a ValueError)
        return f"offsetInSeconds is {said}: {takes(ReminderTrigger, 'offsetInSeconds')}"
    if isinstance(offset, int) and offset > MOST_OFFSET:
        return (
            f"offsetInSeconds is {shown_count(offset)}: at most {MOST_OFFSET:,} (68 years), "
            "the largest 32-bit integer, as Amazon's model types it"
        )
    return None


#: The values of ``pushNotification.status``: ask-sdk-model's ``PushNotificationStatus``.
_PUSH_STATUSES: Final = ("ENABLED", "DISABLED")


def _push_fault(status: object) -> str | None:
    """Why a reminder's ``pushNotification.status`` is none Amazon takes, said from ``status``
    on, else None: Amazon's model of it (ask-sdk-model's ``PushNotificationStatus``) allows
    ``ENABLED`` and ``DISABLED`` only, as its Reminders API reference's examples send. None
    (left out) is not judged: neither says whether Amazon requires it, nor the code of its
    400 for another value (the fake's: ``INVALID_REQUEST``)."""
    if status is None or (isinstance(status, str) and status in _PUSH_STATUSES):
        return None
    return f"status is {_said(status)}: {' or '.join(_PUSH_STATUSES)}"


def _ruled(trigger: dict[str, Any]) -> bool:
    """Whether ``trigger``'s recurrence carries Amazon's newer fields, which time it without a
    ``scheduledTime``: its Reminders API reference ignores ``scheduledTime`` (with ``freq`` and
    ``byDay``) when ``startDateTime``, ``endDateTime`` or ``recurrenceRules`` are given. The
    older ``freq`` and ``byDay`` name no time of day, which ``scheduledTime`` gives them."""
    recurrence = trigger.get("recurrence")
    fields = ("startDateTime", "endDateTime", "recurrenceRules")
    return isinstance(recurrence, dict) and any(recurrence.get(key) is not None for key in fields)


def _gone(trigger: dict[str, Any], zone_name: str | None, now: _dt.datetime) -> str | None:
    """Why a one-time ``SCHEDULED_ABSOLUTE`` trigger is in the past at ``now``, else None (a
    zone that does not read is left to the other checks: not judged, as is a time that does
    not read or has an offset, refused before: `_time_fault`); judged as
    `AlexaApi.create_reminder` judges it (`alexaskill.alexa_api.reminders.gone_by`).

    A local time its zone's clocks skip (02:30 in New York on 14 March 2027) is not refused:
    Amazon's Reminders API reference says nothing of one (read through the docs search, 5
    December 2026), and `AlexaApi.create_reminder`, which refuses a one-time one unsent, says
    Alexa reads a recurring one as RFC 5545 (3.3.5) reads it, at the offset before the gap
    (02:30 EST, 03:30 EDT). The fake reads a one-time one so too: what ``fold=0`` gives."""
    from zoneinfo import ZoneInfo

    if trigger.get("recurrence") is not None:
        return None  # (what Amazon does with a first time gone by is not documented)
    named = trigger.get("timeZoneId")
    zone = named if isinstance(named, str) and named else zone_name
    try:
        when = _dt.datetime.fromisoformat(trigger["scheduledTime"])
        # (a local time on a device that set no zone is read in none: not judged)
        if when.tzinfo is not None or zone is None:
            return None
        there = gone_by(when, ZoneInfo(zone), now)
    except (ValueError, LookupError, OSError, TypeError):
        return None
    if there is None:
        return None
    return (
        f"scheduledTime {trigger['scheduledTime']} ({zone}) is in the past: the request was "
        f"made at {there.isoformat(timespec='seconds')} there"
    )
