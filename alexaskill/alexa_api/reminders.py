"""The body of Amazon's "create a reminder" call (`reminder_body`), checked as it is built: a
reminder Amazon would refuse, or one that could never ring, is refused before anything is sent."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from typing import Any, Final

from .. import ssml
from ..articles import type_with_article
from ..exceptions import AlexaApiError
from ..responses.speech import _refuse_document_as_text
from ..responses.ssml_elements import _checked_document
from ..shown_names import shown_value
from .recurrence import rule_fault, until_fault

__all__ = ["MOST_OFFSET", "gone_by", "reminder_body", "request_time_fault"]

#: ``requestTime`` as Amazon writes it: ``YYYY-MM-DDThh:mm:ss``, a fraction of a second (1 to 9
#: digits) if any, then a ``Z`` or an offset (``+01:00``) if any.
_REQUEST_TIME: Final = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.[0-9]{1,9})?"
    r"(?:Z|[+-]([0-9]{2}):([0-9]{2}))?"
)


def request_time_fault(value: str) -> str | None:
    """Why ``value`` is no ``requestTime`` as Amazon's Reminders API writes one, else None.

    Its reference writes it ``"2019-09-22T19:04:00.672"`` in every example (and its overview,
    "How trigger times are calculated", computes a relative reminder's time from it); Amazon's
    model of the request (ask-sdk-model's ``ReminderRequest``) says "Valid ISO 8601 format -
    Creation time of this reminder alert". Taken: ISO 8601's extended format as the reference
    writes it, ``YYYY-MM-DDThh:mm:ss``, a fraction of a second (1 to 9 digits) if any, then a
    ``Z`` or an offset (``+01:00``) if any: a moment, which SDKs send with one (an offset is
    refused in ``scheduledTime``, a local time, not here: Amazon names no refusal of one).
    Refused: a date alone, a time without seconds, a space for the ``T``, the basic format
    (``20190922T190400``), a day or an hour that does not exist. `AlexaApi.create_reminder`
    writes the request's moment in UTC, to the millisecond, without an offset."""
    found = _REQUEST_TIME.fullmatch(value)
    readable = found is not None
    if found is not None:
        try:
            _dt.datetime.strptime(found[1], "%Y-%m-%dT%H:%M:%S")
        except ValueError:
            readable = False
        readable = readable and (found[2] is None or (int(found[2]) < 24 and int(found[3]) < 60))
    if readable:
        return None
    return (
        f"requestTime {shown_value(value)} is no ISO 8601 date and time as Amazon's Reminders "
        "API writes one: YYYY-MM-DDThh:mm:ss, a fraction of a second after it if any "
        "('2019-09-22T19:04:00.672'), then a Z or an offset (+01:00) if any"
    )


def _local_iso(moment: _dt.datetime) -> str:
    """A local time as Amazon's reminders take it: ISO 8601, milliseconds, no offset, as
    its Reminders API reference writes ``scheduledTime`` beside ``timeZoneId``, and its
    overview gives another zone than the device's: "the absolute time and the time zone" (one
    with an offset or a ``Z``, which no page writes, is refused, as users report Amazon
    answers it: the fake's 400, in `alexaskill.testing.api_reminder_rules._reminder_problem`)."""
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds")


#: The largest ``offsetInSeconds`` (68 years): Amazon's Java model types the field ``Integer``,
#: 32 bits (alexa/alexa-apis-for-java, ask-sdk-model/src/com/amazon/ask/model/services/
#: reminderManagement/Trigger.java), by choice: it types an audio stream's offsetInMilliseconds
#: ``Long``. No page names a limit, nor the error for one past it. A recurrence's ``interval``,
#: an ``Integer`` there too, has the same (the fake's check: `alexaskill.testing.api_recurrence`).
MOST_OFFSET: Final = 2**31 - 1


def _relative_trigger(after: _dt.timedelta, recurrence: Sequence[str]) -> dict[str, Any]:
    seconds = int(after.total_seconds())
    if seconds <= 0:
        raise ValueError("a reminder's after= must be a positive delay")
    if seconds > MOST_OFFSET:
        raise ValueError(
            f"a reminder's after= is {seconds:,} seconds: at most {MOST_OFFSET:,} seconds (68 "
            "years), the largest 32-bit integer, as Amazon's model types offsetInSeconds"
        )
    if recurrence:
        raise ValueError("a recurring reminder needs at=, not after=")
    return {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": seconds}


def _absolute_trigger(at: _dt.datetime, recurrence: Sequence[str]) -> dict[str, Any]:
    zone_name = getattr(at.tzinfo, "key", None)
    if at.tzinfo is not None and zone_name is None:
        # A fixed offset names no zone Amazon knows: say the same moment in UTC.
        at, zone_name = at.astimezone(_dt.UTC), "UTC"
    # Without timeZoneId Alexa reads scheduledTime in the device's time zone.
    trigger: dict[str, Any] = {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": _local_iso(at)}
    if zone_name is not None:
        trigger["timeZoneId"] = zone_name
    if recurrence:
        trigger["recurrence"] = {
            "startDateTime": trigger["scheduledTime"],
            "recurrenceRules": list(recurrence),
        }
    return trigger


def gone_by(at: _dt.datetime, zone: _dt.tzinfo | None, now: _dt.datetime) -> _dt.datetime | None:
    """If a one-time reminder ``at`` (without tzinfo: a local time in ``zone``) is gone by at
    ``now``, ``now`` said in its zone, for the message; else None, for one to come or one that
    cannot be judged (a local time, no zone). alexaskill's rule, and its one reading of it:
    `AlexaApi.create_reminder` refuses such a reminder unsent, `FakeAlexaApi` with a 400.
    Compared as moments, in UTC: Python compares two datetimes of one tzinfo by their wall
    clocks, so a local time the clocks skip (read at the offset before the gap, as RFC 5545,
    3.3.5, reads it: 02:30 EST is 03:30 EDT) was gone by at 03:15 EDT, a ``now`` in its zone."""
    when = at if at.tzinfo is not None else None if zone is None else at.replace(tzinfo=zone)
    if when is None or when.astimezone(_dt.UTC) > now.astimezone(_dt.UTC):
        return None
    return now.astimezone(when.tzinfo)


def _check_to_come(
    at: _dt.datetime, zone: _dt.tzinfo | None, asked_at: _dt.datetime, given: _dt.datetime
) -> None:
    """`ValueError` for a one-time reminder ``at`` (the ``given`` one as sent: `_as_sent`) a
    moment gone by at ``asked_at`` (`gone_by`): it could never ring. alexaskill's rule: Amazon's
    Reminders API reference says nothing of a time in the past. A recurring one is not judged
    (its first time may be gone by today), nor a local time in a zone unknown here."""
    there = gone_by(at, zone, asked_at)
    if there is None:
        return
    said = f"at= {at.isoformat(timespec='seconds')} is"
    second = _repeated_second(given, zone)
    if second is not None:  # (sent in UTC: said as given, and in its zone)
        said = (
            f"at= {second.isoformat(timespec='seconds')} (the second {given:%H:%M}, fold=1, "
            f"sent as {at.isoformat(timespec='seconds')}) is"
        )
        there = there.astimezone(second.tzinfo)
    raise ValueError(
        f"a reminder's {said} in the past: the request was made at "
        f"{there.isoformat(timespec='seconds')} there, and a one-time reminder gone by would "
        "never ring, so alexaskill does not send it (give a time to come, or after=)"
    )


def _repeated_second(at: _dt.datetime, zone: _dt.tzinfo | None) -> _dt.datetime | None:
    """``at`` in its zone (without tzinfo: in the device's ``zone``) if it is the second of a
    local time the clocks go back through (``fold=1``, with a smaller offset than the
    first's), else None (a time said once, one the clocks skip, or a local one in a zone
    unknown here)."""
    meant = at if at.tzinfo is not None or zone is None else at.replace(tzinfo=zone)
    if not at.fold or meant.tzinfo is None:
        return None
    # (repeated: the second's offset is less than the first's; in a gap fold=1 gives the
    # offset after it, the greater: no second, and `_skipped` says what is wrong)
    second, first = meant.utcoffset(), meant.replace(fold=0).utcoffset()
    return meant if second is not None and first is not None and second < first else None


def _skipped(at: _dt.datetime, zone: _dt.tzinfo | None) -> str | None:
    """Why ``at`` (without tzinfo: a local time in the device's ``zone``, not judged without
    it) is a local time its zone's clocks skip as they go forward, naming the gap; else None."""
    meant = at if at.tzinfo is not None or zone is None else at.replace(tzinfo=zone)
    tz = meant.tzinfo
    if tz is None:
        return None
    wall = meant.replace(tzinfo=None, fold=0)
    if meant.astimezone(_dt.UTC).astimezone(tz).replace(tzinfo=None) == wall:
        return None
    # In a gap fold=0 reads the wall time at the offset before it, fold=1 at the one after.
    before, after = meant.replace(fold=0).utcoffset(), meant.replace(fold=1).utcoffset()
    if before is None or after is None or after <= before:
        return None
    # The moment the clocks go forward (UTC, naive), between the wall time's two readings.
    low, high = wall - after, wall - before
    while high - low > _dt.timedelta(seconds=1):
        middle = low + _dt.timedelta(seconds=(high - low).total_seconds() // 2)
        if middle.replace(tzinfo=_dt.UTC).astimezone(tz).utcoffset() == before:
            low = middle
        else:
            high = middle
    start, end = high + before, high + after
    named = getattr(tz, "key", None) or str(tz)
    where = named if at.tzinfo is not None else f"the device's time zone, {named}"
    said = "%H:%M" if start.date() == end.date() else "%Y-%m-%dT%H:%M"  # (Pacific/Apia, 2011)
    first, last = start.strftime(said), end.strftime(said)
    names = f"{meant.replace(fold=0).tzname()} to {meant.replace(fold=1).tzname()}"
    return (
        f"a reminder's at= {wall.isoformat(timespec='seconds')} is a time the clocks skip in "
        f"{where}: on {start:%Y-%m-%d} they go forward from {first} to {last} ({names}), so no "
        f"{wall:%H:%M} comes there and the reminder could never ring at it; alexaskill does not "
        f"send it (give a time before {first} or from {last} on, or after=)"
    )


def _check_second_readable(
    at: _dt.datetime,
    zone: _dt.tzinfo | None,
    unasked: AlexaApiError | None = None,
    operation: str = "create_reminder",
) -> None:
    """`ValueError` for an ``at`` without tzinfo whose ``fold=1`` asks for the second of a local
    time the clocks go back through, in a device's ``zone`` unknown here (None: the device set
    none, or the request names no device): a local ``scheduledTime``, which Alexa reads in the
    device's zone, names the first (RFC 5545, 3.3.5, reads a repeated local time so), and
    without the zone the second's moment cannot be worked out to send it in UTC. `AlexaApiError`
    instead, chained from ``unasked``, if the zone is unknown because its call failed: a
    failed call, as a handler catches one (its ``retry_after`` too), named as ``operation``."""
    if not at.fold or at.tzinfo is not None or zone is not None:
        return
    given = at.isoformat(timespec="seconds")
    if unasked is not None:
        raise AlexaApiError(
            f"{operation}: the reminder's at= {given} has fold=1 (the second of a local "
            "time the clocks go back through) and no tzinfo, and the device's time zone, "
            f"needed to send it, could not be asked ({unasked}); it was not sent",
            operation=operation,
            status=unasked.status,
            code=unasked.code,
            retry_after=unasked.retry_after,
        ) from unasked
    raise ValueError(
        f"a reminder's at= {given} has fold=1 (the second of a "
        "local time the clocks go back through) and no tzinfo, and the device's time zone is "
        "unknown (it set none, or the request names no device): a local scheduledTime, which "
        "Alexa reads in that zone, names the first, and without the zone alexaskill cannot work "
        "out the second's moment to send it in UTC, so it does not send it (give at= in a "
        "ZoneInfo, at.replace(tzinfo=ZoneInfo('Europe/Paris')), or fold=0 for the first)"
    )


def _check_repeated_start(at: _dt.datetime, zone: _dt.tzinfo | None) -> None:
    """`ValueError` for a recurring reminder whose ``at`` (without tzinfo: a local time in the
    device's ``zone``, not judged without it) is the second of a local time the clocks go back
    through (``fold=1``): its ``startDateTime``, a local time, names the first, as RFC 5545
    (3.3.5, "Form #3") reads a repeated local time, an hour early. In UTC its rule would follow
    UTC's clock, not the zone's: it cannot be sent right, so it is not sent."""
    meant = _repeated_second(at, zone)
    if meant is None:
        return
    first = meant.replace(fold=0)
    raise ValueError(
        f"a recurring reminder's at= {meant.isoformat(timespec='seconds')} (the second "
        f"{at:%H:%M}, fold=1) would be sent as {first.isoformat(timespec='seconds')} (the first: "
        "its startDateTime, a local time, cannot say which, and RFC 5545 reads a repeated local "
        "time as the first), and in UTC its rule would follow UTC's clock, not the zone's, so "
        f"alexaskill does not send it (start it at the first {at:%H:%M}, fold=0, or on another "
        "day)"
    )


def _as_sent(at: _dt.datetime, trigger: dict[str, Any]) -> _dt.datetime:
    """``at`` as the ``trigger`` built of it says it, the time judged: to the millisecond, and
    a local time in its zone read as a reader of the body reads one (the first of a time the
    clocks go back through: ``fold`` is not sent), as `FakeAlexaApi` reads it."""
    sent = _dt.datetime.fromisoformat(trigger["scheduledTime"])
    if at.tzinfo is None:
        return sent
    return sent.replace(tzinfo=at.tzinfo if getattr(at.tzinfo, "key", None) else _dt.UTC)


def _check_types(at: object, after: object, recurrence: Sequence[object]) -> None:
    """`TypeError` naming what to give for an ``at``, ``after`` or rule of another type (an
    ``after=300`` of seconds would fail as an int's missing ``total_seconds``)."""
    if at is not None and not isinstance(at, _dt.datetime):
        raise TypeError(
            "a reminder's at= is a datetime (datetime(2026, 12, 1, 7, 30), in the device's "
            f"time zone without tzinfo), not {type_with_article(at)}"
        )
    if after is not None and not isinstance(after, _dt.timedelta):
        raise TypeError(
            "a reminder's after= is a timedelta (timedelta(minutes=5)), not "
            f"{type_with_article(after)}"
        )
    for rule in recurrence:
        if not isinstance(rule, str):
            raise TypeError(
                "a reminder's recurrence is a list of rules, each a str ('FREQ=DAILY;BYHOUR=7'), "
                f"not {type_with_article(rule)}"
            )


def _check_rules(rules: Sequence[str]) -> None:
    """`ValueError` naming the first rule RFC 5545's grammar of a rule refuses, and its fault
    (`alexaskill.alexa_api.recurrence`): Amazon would answer it with a 400 at run time."""
    for index, rule in enumerate(rules):
        fault = rule_fault(rule)
        if fault is not None:
            raise ValueError(f"a reminder's recurrence[{index}] is {shown_value(rule)}: {fault}")


def _check_untils(rules: Sequence[str], trigger: dict[str, Any]) -> None:
    """`ValueError` naming the first rule whose UNTIL is of another kind than the reminder's
    start (RFC 5545's rule: a local UNTIL for a naive ``at=``, a UTC one for ``at=`` in a time
    zone), or before it (it would never ring, alexaskill's rule): `until_fault`, read in the
    trigger's ``timeZoneId`` (none: a floating start, on the device's clock)."""
    start = trigger["recurrence"]["startDateTime"]
    named = trigger.get("timeZoneId")
    for index, rule in enumerate(rules):
        fault = until_fault(rule, start, named)
        if fault is not None:
            raise ValueError(f"a reminder's recurrence[{index}] is {shown_value(rule)}: {fault}")


def reminder_body(
    text: str,
    at: _dt.datetime | None,
    after: _dt.timedelta | None,
    recurrence: Sequence[str],
    speech: str | ssml.Ssml | None,
    push_notification: bool,
    locale: str,
    now: _dt.datetime,
    *,
    asked_at: _dt.datetime | None = None,
    zone: _dt.tzinfo | None = None,
    zone_unasked: AlexaApiError | None = None,
    operation: str = "create_reminder",
) -> dict[str, Any]:
    """The body of Amazon's "create a reminder" call (`AlexaApi.create_reminder` documents it).

    `ValueError` for a reminder Amazon would refuse: no text, both or neither of ``at`` and
    ``after``, a delay that is not positive, a recurrence without ``at``, a rule out of RFC
    5545's grammar (`_check_rules`: a part given twice, a value out of range, a COUNT of 0, …);
    and for a one-time ``at`` gone by at ``asked_at`` (the request's moment; an ``at`` without
    tzinfo is read in the device's ``zone``, and not judged without it), or a rule whose UNTIL
    is before ``at``, which would never ring (alexaskill's rule), or of another kind than
    ``at`` (RFC 5545's: `_check_untils`), or a recurring ``at`` that is the second of a local
    time the clocks go back through, which its local start cannot say (`_check_repeated_start`;
    an ``at`` without tzinfo read in ``zone``; a one-time one is sent as its moment in UTC,
    `_repeated_second`), or such a second time (``fold=1``) without tzinfo when ``zone`` is
    unknown (None), whose moment cannot be worked out (`_check_second_readable`: an
    `AlexaApiError` chained from ``zone_unasked``, the failed time zone call's, if given, named
    as ``operation``: ``"update_reminder"`` for an update's body), or a
    one-time ``at`` its zone's clocks skip as they go forward (`_skipped`: it would never ring;
    a recurring one is sent as written, RFC 5545, 3.3.5, reading its first time at the offset
    before the gap, its later ones on the zone's clock); `TypeError`
    for an ``at`` that is no datetime, an ``after`` no timedelta, a rule no str. ``now``, the
    ``requestTime`` (in UTC, as `request_time_fault` takes it), needs its tzinfo: a
    `ValueError` without one.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("a reminder needs non-empty text")
    if now.utcoffset() is None:
        # (datetime.astimezone reads one without tzinfo in this machine's zone)
        raise ValueError(
            f"reminder_body's now= {now.isoformat(timespec='seconds')} has no tzinfo: "
            "requestTime is that moment in UTC, and without its offset it would be read in this "
            "machine's time zone (give it one: datetime.now(datetime.UTC))"
        )
    if isinstance(recurrence, str):
        raise ValueError("recurrence is a list of rules, e.g. ['FREQ=DAILY;BYHOUR=7']")
    # Read once (an iterator's rules are used up by the check); None is none, as ever.
    rules: Sequence[str] = () if recurrence is None else list(recurrence)
    _check_types(at, after, rules)
    _check_rules(rules)
    if at is not None and after is None and rules:
        trigger = _absolute_trigger(at, rules)
        _check_untils(rules, trigger)
        _check_second_readable(at, zone, zone_unasked, operation)
        _check_repeated_start(at, zone)
    elif at is not None and after is None:
        # A time the clocks skip never comes: refused, naming the gap.
        skipped = _skipped(at, zone)
        if skipped is not None:
            raise ValueError(skipped)
        # The second of a repeated local time: a local scheduledTime names the first, an hour
        # early. One moment, it is sent as itself in UTC, as a time at a fixed offset is.
        _check_second_readable(at, zone, zone_unasked, operation)
        second = _repeated_second(at, zone)
        sent = at if second is None else second.astimezone(_dt.UTC)
        trigger = _absolute_trigger(sent, rules)
        if asked_at is not None:
            _check_to_come(_as_sent(sent, trigger), zone, asked_at, at)
    elif after is not None and at is None:
        trigger = _relative_trigger(after, rules)
    else:
        raise ValueError("give a reminder either at= (a datetime) or after= (a timedelta)")
    spoken: dict[str, str] = {"locale": locale, "text": text}
    if speech is not None:
        # As an answer and a progressive response: a str that is a <speak> document (its tags
        # would be read aloud), a character XML cannot hold, an "&" that is no reference XML
        # reads, a tag, a comment or text not as XML writes them, elements that do not nest,
        # an unknown tag or one past Amazon's limits, are refused.
        if isinstance(speech, str) and not isinstance(speech, ssml.Ssml):
            _refuse_document_as_text(speech)
        # Ssml is sent as an answer's is, never composed (`_checked_document`); text escaped.
        markup = speech if isinstance(speech, ssml.Ssml) else ssml.speak(speech)
        # Not an answer's limits (its length, its clips, that it says something): Amazon's
        # Reminders API reference names none.
        field = "alertInfo.spokenInfo.content[0].ssml"
        spoken["ssml"] = _checked_document(field, str.__str__(markup), "the reminder")
    return {
        "requestTime": _local_iso(now.astimezone(_dt.UTC)),
        "trigger": trigger,
        "alertInfo": {"spokenInfo": {"content": [spoken]}},
        "pushNotification": {"status": "ENABLED" if push_notification else "DISABLED"},
    }
