"""The recurrences `FakeAlexaApi`'s reminders take: Amazon's Reminders API reference's
``trigger.recurrence``, its ``recurrenceRules`` read by RFC 5545's grammar of a rule
(`alexaskill.alexa_api.recurrence`, which `AlexaApi.create_reminder` reads them by too), which
the reference names for them: a COUNT of 0 among what it refuses, and an UNTIL before the
reminder's start, both of which never ring, and an UNTIL of another kind than that start (RFC
5545's: `alexaskill.alexa_api.recurrence.until_fault`). The start is its ``startDateTime``, in
the trigger's ``timeZoneId``; without one it is a floating local time (on the device's clock),
whose UNTIL is local too, so the device's zone is not needed.

Without ``startDateTime`` Amazon names no start: its Reminders API reference says
``scheduledTime`` is ignored beside ``recurrenceRules`` (the fake read it as the start before),
and Amazon's model of a recurrence (ask-sdk-model's ``Recurrence``) calls ``startDateTime`` an
"optional start DateTime of recurrence", with no default (read through the docs and code search,
5 December 2026; skills in public code send rules with neither). A reminder rings after it is
made, whatever start Amazon takes: so the fake refuses an UNTIL before the call's now, the
moment the reminder is made (`_until_gone`), and judges no kind (no DTSTART's to match).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ..alexa_api.kinds import said_wrong, takes
from ..alexa_api.recurrence import NO_FREQ, rule_fault, rule_parts, until_fault
from ..alexa_api.reminders import MOST_OFFSET
from ..alexa_api.values import ReminderRecurrence, ReminderTrigger
from ..shown_names import shown_count, shown_json, shown_value

__all__: list[str] = []


def _said(value: object) -> str:
    """A value of a reminder's body (JSON, the skill's) as a message quotes it: a str cut as
    `shown_value` cuts it, another kind as `shown_json` bounds each of its parts."""
    return shown_value(value) if isinstance(value, str) else shown_json(value)


def _rule_fault(rule: str, start: str | None = None, zone: str | None = None) -> str | None:
    """Why RFC 5545's rule (`rule_fault`: a COUNT of 0 among them; `until_fault`: an UNTIL of
    another kind than the local time ``start`` in ``zone``), or alexaskill's for an UNTIL
    before it (`until_fault`), refuses ``rule``, else None; said after the rule, as
    `rule_fault` says it."""
    fault = rule_fault(rule)
    if fault is None and start is not None:
        fault = until_fault(rule, start, zone)
    return fault


def _until_gone(rule: str, now: _dt.datetime, zone: str | None) -> str | None:
    """Why the UNTIL of ``rule`` (one `rule_fault` takes), beside no ``startDateTime``, ends the
    recurrence before the reminder is made at ``now`` (aware), else None: a UTC one before that
    moment; a date before its day, or a local one before its time, in ``zone`` (the trigger's
    ``timeZoneId``, else the device's; None: unknown, not judged). Said after the rule."""
    from zoneinfo import ZoneInfo

    parts = rule_parts(rule)
    until = parts.get("UNTIL") if isinstance(parts, dict) else None
    if until is None:
        return None
    try:
        there = now.astimezone(ZoneInfo(zone) if zone else _dt.UTC)
        if until.upper().endswith("Z"):
            ends = _dt.datetime.strptime(until[:15], "%Y%m%dT%H%M%S").replace(tzinfo=_dt.UTC)
            gone = ends < now
        elif zone is None:
            return None
        elif len(until) == 8:
            gone = _dt.datetime.strptime(until, "%Y%m%d").date() < there.date()
        else:
            gone = _dt.datetime.strptime(until, "%Y%m%dT%H%M%S") < there.replace(tzinfo=None)
    except (ValueError, LookupError, OSError):
        return None  # (a leap second, a zone that does not read: not judged)
    if not gone:
        return None
    where = there.isoformat(timespec="seconds") + (f", {zone}" if zone else "")
    return (
        f"its UNTIL is before the reminder is made ({where}): the reminder would never ring "
        "(alexaskill's rule; without startDateTime Amazon names no start, and scheduledTime is "
        "ignored beside recurrenceRules)"
    )


def _time_fault(value: object, field: str = "scheduledTime") -> str | None:
    """Why a local time of a trigger (its ``scheduledTime``, its recurrence's ``startDateTime``
    or ``endDateTime``: ``field``, named so) is not Amazon's, else None: a str that is no ISO
    8601 date and time (``"soon"``), or one with a ``Z`` or an offset (another kind than a str
    is left to the other checks). Amazon's model of a trigger (ask-sdk-model's ``Trigger``)
    says of ``scheduledTime`` "Valid ISO 8601 format - Intended trigger time"; its Reminders API
    reference writes it as a local time beside ``timeZoneId`` (``"2019-09-22T19:00:00.000"``),
    and its newer ``startDateTime`` and ``endDateTime`` stand in for it (``scheduledTime`` is
    then ignored): one reading for the three, in ``timeZoneId``. It names no error for either
    fault (read through the docs search, 5 December 2026): the fake answers them with its
    trigger's 400, as users report Amazon answers an offset. ISO 8601 is read as Python's
    ``datetime.fromisoformat`` reads it (a date alone is taken: a start on a date)."""
    if not isinstance(value, str):
        return None
    try:
        read = _dt.datetime.fromisoformat(value)
    except ValueError:
        return (
            f"{field} {shown_value(value)} is no ISO 8601 date and time: Amazon's Reminders API "
            "takes a local time ('2019-09-22T19:00:00.000'), read in the trigger's timeZoneId, "
            "else in the device's time zone"
        )
    if read.tzinfo is None:
        return None
    return (
        f"{field} {value} has a UTC offset: Amazon's Reminders API takes a local time "
        "without one ('2019-09-22T19:00:00.000'), read in the trigger's timeZoneId, else in the "
        "device's time zone (give the time there, and its zone in timeZoneId)"
    )


def _start(trigger: dict[str, Any], recurrence: dict[str, Any]) -> tuple[str | None, str | None]:
    """The local time a recurrence starts at, and its zone: its ``startDateTime`` (None: none
    given; never the ``scheduledTime`` Amazon ignores beside ``recurrenceRules``: the module
    docstring); the trigger's ``timeZoneId`` (None: none, a floating start)."""
    start = recurrence.get("startDateTime")
    named = trigger.get("timeZoneId")
    return (
        start if isinstance(start, str) else None,
        named if isinstance(named, str) and named else None,
    )


#: The values of the older ``recurrence.freq``: Amazon's model of it.
_FREQUENCIES = ("WEEKLY", "DAILY")


def _freq_fault(freq: object) -> str | None:
    """Why the older ``recurrence.freq`` (beside no ``recurrenceRules``, which make Amazon
    ignore it, as it ignores ``scheduledTime`` there: not judged) is none Amazon takes, said
    from ``recurrence`` on, else None (the case meant named: ``'weekly'``).

    Amazon's model of it allows ``WEEKLY`` and ``DAILY`` only, in each of its SDKs: ask-sdk-model
    for Python, ``RecurrenceFreq`` ("Allowed enum values: [WEEKLY, DAILY]",
    github.com/alexa/alexa-apis-for-python,
    ask-sdk-model/ask_sdk_model/services/reminder_management/recurrence_freq.py); for Java, an
    enum of the two whose ``fromValue`` reads any other as null
    (github.com/alexa/alexa-apis-for-java,
    ask-sdk-model/src/com/amazon/ask/model/services/reminderManagement/RecurrenceFreq.java); for
    Node, ``type RecurrenceFreq = 'WEEKLY' | 'DAILY'`` (github.com/alexa/alexa-apis-for-nodejs,
    ask-sdk-model/index.ts). Amazon documents no error code for it (its Reminders API
    reference's error table could not be read; no INVALID_RECURRENCE_FREQ was found in the docs
    or code search, 5 December 2026): the fake answers the trigger's 400, ``INVALID_TRIGGER``,
    as for its other recurrence faults (`alexaskill.testing.api_reminders`)."""
    if freq in _FREQUENCIES:
        return None
    said = said_wrong("recurrence.freq", freq, ReminderRecurrence, "freq")
    meant = freq.strip().upper() if isinstance(freq, str) else None
    return said + (f" (did you mean {meant!r}?)" if meant in _FREQUENCIES else "")


#: The values of the older ``recurrence.byDay``'s items: Amazon's model of them.
_DAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")


def _by_day_fault(days: object) -> str | None:
    """Why an item of the older ``recurrence.byDay`` (judged as ``freq`` is, beside no
    ``recurrenceRules``; a list of str, `kind_fault` judged) is no day Amazon takes, said from
    ``recurrence`` on, else None (the case meant named: ``'mo'``). Amazon's model of it allows
    the seven days only, as they are written: ask-sdk-model's ``RecurrenceDay`` ("Allowed enum
    values: [SU, MO, TU, WE, TH, FR, SA]", github.com/alexa/alexa-apis-for-python,
    ask-sdk-model/ask_sdk_model/services/reminder_management/recurrence_day.py), a JSON enum,
    not RFC 5545's BYDAY, whose words a rule takes in any case and may number (``-1FR``:
    `alexaskill.alexa_api.recurrence`). No error code is documented: ``INVALID_TRIGGER``, as
    for ``freq`` (`_freq_fault`). An empty list is taken: Amazon documents no refusal of one
    (ask-sdk-model's ``Recurrence`` types ``by_day`` an optional list, with no least length;
    its Reminders API reference's opening says nothing of it, read through the docs search,
    5 December 2026)."""
    if not isinstance(days, list):
        return None
    for index, day in enumerate(days):
        if day in _DAYS:
            continue
        said = said_wrong(f"recurrence.byDay[{index}]", day, ReminderRecurrence, "byDay[]")
        meant = day.strip().upper() if isinstance(day, str) else None
        return said + (f" (did you mean {meant!r}?)" if meant in _DAYS else "")
    return None


def _older_problem(recurrence: dict[str, Any]) -> str | None:
    """Why a ``recurrence`` without ``recurrenceRules`` is none Amazon takes, else None: the
    older ``freq`` (with ``byDay``) times it, each of them judged and every fault said, freq
    first, as Amazon's model of a recurrence orders them (`_freq_fault`, `_by_day_fault`);
    but beside ``startDateTime`` or ``endDateTime``, which make Amazon ignore ``freq`` and
    ``byDay`` (its Reminders API reference), nothing would say when it recurs: refused, those
    fields named. Said from ``recurrence`` on."""
    newer = [key for key in ("startDateTime", "endDateTime") if recurrence.get(key) is not None]
    rules_said = takes(ReminderRecurrence, "recurrenceRules")
    older = recurrence.get("freq") is not None or recurrence.get("byDay") is not None
    if newer and older:
        return (
            f"recurrence.recurrenceRules is required beside {' and '.join(newer)}: Amazon "
            "ignores freq and byDay there, so nothing would say when it recurs; give "
            f"{rules_said}, or leave {' and '.join(newer)} out for the older freq"
        )
    if recurrence.get("freq") is None:  # (the older fields: their kinds judged already)
        return "recurrence.recurrenceRules is required: " + rules_said
    faults = [_freq_fault(recurrence["freq"]), _by_day_fault(recurrence.get("byDay"))]
    return "; ".join(fault for fault in faults if fault is not None) or None


def _recurrence_problem(
    kind: object,
    recurrence: object,
    trigger: dict[str, Any] | None = None,
    made: tuple[_dt.datetime, str | None] | None = None,
) -> str | None:
    """Why a trigger of the type ``kind`` has a ``recurrence`` Amazon's Reminders API does not
    take, as its "Reminder object" reads one, else None: none at all (None) is taken; else only
    for a ``SCHEDULED_ABSOLUTE`` trigger, an object whose ``recurrenceRules`` are RFC 5545 rules
    (`_rule_fault`), and whose ``startDateTime`` and ``endDateTime``, if given, are local times
    (a str, as ``scheduledTime``, ISO 8601 without a ``Z`` or an offset: `_time_fault`), its
    ``interval`` a positive integer (Amazon's model of it, ask-sdk-model's ``Recurrence``, as
    RFC 5545's INTERVAL), at most 2,147,483,647 as its Java model types it, a 32-bit ``Integer``
    (`MOST_OFFSET`, the same bound as ``offsetInSeconds``). The older ``freq`` (with
    ``byDay``), which Amazon still takes without rules, is read as a rule: WEEKLY or DAILY
    (`_freq_fault`), on the days SU to SA (`_by_day_fault`), and not beside ``startDateTime``
    or ``endDateTime``, which make Amazon ignore it (`_older_problem`). The ``trigger``
    holding it gives the start an UNTIL is compared with (`_start`); without one, ``made``, the
    moment the reminder is made and the device's zone (None: a reminder given, not judged), is
    what its UNTIL must not fall before (`_until_gone`). Said from ``recurrence`` on."""
    if recurrence is None:
        return None
    if kind == "SCHEDULED_RELATIVE":  # (as `AlexaApi.create_reminder` refuses after= with one)
        return "recurrence is only for a SCHEDULED_ABSOLUTE trigger"
    # What each field takes is said in `alexaskill.alexa_api.kinds`' words, the one place they
    # are written: a field of the wrong kind in a reminder given, or in Amazon's answer, reads
    # the same as one the fake refuses here.
    if not isinstance(recurrence, dict):
        return said_wrong("recurrence", recurrence, ReminderTrigger, "recurrence")
    for key in ("startDateTime", "endDateTime"):
        value = recurrence.get(key)
        if value is not None and not isinstance(value, str):
            return said_wrong(f"recurrence.{key}", value, ReminderRecurrence, key)
        offset = _time_fault(value, f"recurrence.{key}")
        if offset is not None:
            return offset
    # Any kind but int (a bool, which Python's int takes; a str "2", as Amazon's example writes
    # offsetInSeconds "7200"; a float) said here: msgspec refused it as the whole reminder's
    # fault, INVALID_REQUEST, not the trigger's, where offsetInSeconds "7200" is the trigger's.
    interval = recurrence.get("interval")
    wrong = not isinstance(interval, int) or isinstance(interval, bool)
    if interval is not None and (wrong or interval < 1):
        return said_wrong("recurrence.interval", interval, ReminderRecurrence, "interval")
    if interval is not None and interval > MOST_OFFSET:
        return (
            f"recurrence.interval is {shown_count(interval)}: at most {MOST_OFFSET:,}, the "
            "largest 32-bit integer, as Amazon's model types it"
        )
    rules = recurrence.get("recurrenceRules")
    if rules is None:
        return _older_problem(recurrence)
    if not isinstance(rules, list) or not rules:
        where = "recurrence.recurrenceRules"
        return said_wrong(where, rules, ReminderRecurrence, "recurrenceRules")
    start, named = _start(trigger or {}, recurrence)
    for index, rule in enumerate(rules):
        fault = _rule_fault(rule, start, named) if isinstance(rule, str) else NO_FREQ
        if fault is None and start is None and made is not None:
            fault = _until_gone(rule, made[0], named or made[1])
        if fault is not None:
            return f"recurrence.recurrenceRules[{index}] is {_said(rule)}: {fault}"
    return None
