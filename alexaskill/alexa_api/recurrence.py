"""A reminder's recurrence rules read by RFC 5545's grammar of a rule (section 3.3.10,
"Recurrence Rule": ``recur``): what `AlexaApi.create_reminder` refuses before sending, and what
`FakeAlexaApi` answers with its 400 ``INVALID_TRIGGER`` (one grammar for both).

A rule is ``NAME=VALUE`` parts joined by ``;`` (an empty part, such as the trailing ``;`` of
Amazon's own example rule, is skipped; names and the words of values are read in any case, as
RFC 5545 reads them). Refused, with what the grammar says: no FREQ (it is REQUIRED), a part of
no name it gives, a part given twice (FREQ included), COUNT with UNTIL, a value out of its
part's grammar (``BYHOUR=25``, a sign on INTERVAL or COUNT, which are ``1*DIGIT``), and an
INTERVAL that is no positive integer (the RFC's words). Refused too, though the grammar
(``count = 1*DIGIT``) takes it: a COUNT of 0, as the RFC's COUNT "defines the number of
occurrences", and 0 defines none: the reminder would never ring.
A rule copied with an iCalendar file's ``RRULE:`` before it is refused with a hint to drop it.
Refused too, by the RFC's text beyond the grammar (its "MUST NOT"s): BYWEEKNO but in a YEARLY
rule, BYYEARDAY in a DAILY, WEEKLY or MONTHLY one, BYMONTHDAY in a WEEKLY one, a numbered BYDAY
(``-1FR``) but in a MONTHLY or YEARLY one and never beside BYWEEKNO, and BYSETPOS without
another BY part; and, by what the text says a numbered BYDAY is (the nth of that weekday
"within the month" in a MONTHLY rule, and in a YEARLY one with BYMONTH), a number past 5 or -5
there (``FREQ=MONTHLY;BYDAY=6MO``): no month has a sixth Monday, so it would never ring (a
YEARLY rule's bound is the grammar's, 53 or -53).

An UNTIL of another kind than the reminder's start is refused (`until_fault`), by RFC 5545
(section 3.3.10, "Recurrence Rule", UNTIL): "The value of the UNTIL rule part MUST have the
same value type as the "DTSTART" property. Furthermore, if the "DTSTART" property is specified
as a date with local time, then the UNTIL rule part MUST also be specified as a date with local
time. If the "DTSTART" property is specified as a date with UTC time or a date with local time
and time zone reference, then the UNTIL rule part MUST be specified as a date with UTC time."
Amazon's reminder has no DTSTART: its start is the ``startDateTime`` the rules travel with
(never the ``scheduledTime`` Amazon ignores beside them: without ``startDateTime`` Amazon
names no start, and `FakeAlexaApi` judges no kind, only an UNTIL before the reminder is made),
read as iCalendar would read it: a date
(``2031-03-15``) wants a date UNTIL (``20311231``); a local date-time beside a ``timeZoneId``
(what ``at=`` with a ``ZoneInfo`` sends) wants a UTC one (``20311231T073000Z``); a local
date-time without ``timeZoneId`` (a naive ``at=``, on the device's clock) is the RFC's floating
"date with local time", and wants a local one (``20311231T073000``, no ``Z``). A start that
does not read is not judged, nor one with ``Z`` or an offset, which no request gives (Amazon's
times are local: the fake refuses such a ``startDateTime``, and `AlexaApi.create_reminder`
sends none). Amazon documents no
UNTIL (its Reminders API reference, read through the docs search on 4 and 5 December 2026,
names none), so this is the RFC's rule, which Amazon's rules are said to follow, not a reading
of Amazon's: a mismatch leaves the rule's end to the reader's guess (a date against a moment, a
moment against a clock of no zone).

An UNTIL before the reminder's start never rings either (RFC 5545: "The UNTIL rule part defines
a DATE or DATE-TIME value that bounds the recurrence rule in an inclusive manner"), and both
sides refuse it, by one reading (`until_fault`): alexaskill's rule, as for a one-time reminder
gone by, and consistent with ``BYDAY=6MO``. Once its kind is the start's, an UNTIL is read as
RFC 5545 ties it to its DTSTART: a date ends with that day, a local date-time is a time on the
start's clock, and a UTC one is a moment, compared with the moment the start rings in its
``timeZoneId`` (RFC 5545, 3.3.5: the first of a local time said twice, and one the clocks skip
at the offset before the gap: 02:30 in New York on 14 March 2027 is 03:30 EDT). Only an UNTIL
before the start by that reading is refused: one on it rings once.

What Amazon documents of recurrences (its Reminders API reference,
https://developer.amazon.com/en-US/docs/alexa/smapi/alexa-reminders-api-reference.html, read
through the docs search on 4 December 2026, which holds only the page's opening, its Japanese
version's a little further): ``trigger.recurrence.freq`` and ``byDay`` are deprecated for
``startDateTime``, ``endDateTime`` and ``recurrenceRules[]``, and with any of those three given,
``freq``, ``byDay`` and ``scheduledTime`` are ignored; its example rule is
``FREQ=DAILY;BYHOUR=6;BYMINUTE=10;BYSECOND=0;INTERVAL=1;``. No list of the FREQ values or rule
parts it takes in ``recurrenceRules`` could be found there. Amazon's model of the older fields
(ask-sdk-model's ``RecurrenceFreq``, in alexa/alexa-apis-for-python,
``services/reminder_management/recurrence_freq.py``) allows ``WEEKLY`` and ``DAILY`` for
``freq`` only, and calls the recurrence "Recurring date/time using the RFC 5545 standard". So no
FREQ that RFC 5545 gives (``MONTHLY``, ``HOURLY``, …) is refused here for Amazon's sake.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Final

from ..shown_names import shown, shown_value

__all__ = ["NO_FREQ", "rule_fault", "rule_parts", "until_fault"]

#: The fault of a rule without FREQ, or of something that is no rule at all (the fake says it of
#: a rule that is no str).
NO_FREQ: Final = "an RFC 5545 rule, with its FREQ ('FREQ=DAILY;BYHOUR=7')"
_WEEKDAYS: Final = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")
_FREQUENCIES: Final = ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_DAYS: Final = f"({', '.join(_WEEKDAYS)})"
#: ``weekdaynum = [[plus / minus] ordwk] weekday``, ``ordwk = 1*2DIGIT ;1 to 53``.
_WEEKDAY_NUMBER: Final = re.compile(r"(?:[+-]?([0-9]{1,2}))?(SU|MO|TU|WE|TH|FR|SA)", re.IGNORECASE)
#: ``enddate = date / date-time``: ``YYYYMMDD``, or with ``THHMMSS`` and an optional ``Z``.
_END_DATE: Final = re.compile(
    r"([0-9]{4})([0-9]{2})([0-9]{2})(?:T([0-9]{2})([0-9]{2})([0-9]{2})Z?)?"
)


def _number(value: str, low: int, high: int, digits: int, *, signed: bool = False) -> bool:
    """Whether ``value`` is 1 to ``digits`` digits, ``low`` to ``high``, with a ``+`` or ``-``
    before them only if ``signed`` (then ``low`` to ``high`` either way)."""
    if signed and value[:1] in ("+", "-"):
        value = value[1:]
    return (
        0 < len(value) <= digits
        and value.isascii()
        and value.isdigit()
        and low <= int(value) <= high
    )


def _digits(value: str) -> bool:
    """Whether ``value`` is ``1*DIGIT`` (without `int`: it refuses 4,300 digits)."""
    return value.isascii() and value.isdigit()


def _positive(value: str) -> bool:
    """Whether ``value`` is ``1*DIGIT`` and not 0."""
    return _digits(value) and value.strip("0") != ""


def _weekday_number(value: str) -> bool:
    found = _WEEKDAY_NUMBER.fullmatch(value)
    return found is not None and (found[1] is None or 1 <= int(found[1]) <= 53)


def _end_date(value: str) -> bool:
    found = _END_DATE.fullmatch(value)
    if found is None:
        return False
    year, month, day, hour, minute, second = found.groups()
    try:
        _dt.date(int(year), int(month), int(day))
    except ValueError:
        return False
    # (a second of 60 is RFC 5545's leap second)
    return hour is None or (int(hour) <= 23 and int(minute) <= 59 and int(second) <= 60)


def _listed(check: Callable[[str], bool]) -> Callable[[str], bool]:
    """A check of a comma-separated list whose every item ``check`` takes."""
    return lambda value: all(check(item) for item in value.split(","))


#: Each rule part's check of its value, and what the value is, as a message says it (INTERVAL's
#: and COUNT's message names no value: a number of any length).
_PARTS: Final[dict[str, tuple[Callable[[str], bool], str]]] = {
    "FREQ": (lambda v: v.upper() in _FREQUENCIES, f"one of {', '.join(_FREQUENCIES)}"),
    "UNTIL": (_end_date, "a date (20311231) or a date and time (20311231T073000, Z for UTC)"),
    "COUNT": (_digits, "a whole number (RFC 5545): 'FREQ=DAILY;COUNT=10', ten times"),
    "INTERVAL": (
        _positive,
        "a positive whole number (RFC 5545): 'FREQ=WEEKLY;INTERVAL=2', every other week",
    ),
    "BYSECOND": (_listed(lambda v: _number(v, 0, 60, 2)), "seconds, 0 to 60"),
    "BYMINUTE": (_listed(lambda v: _number(v, 0, 59, 2)), "minutes, 0 to 59"),
    "BYHOUR": (_listed(lambda v: _number(v, 0, 23, 2)), "hours, 0 to 23"),
    "BYDAY": (
        _listed(_weekday_number),
        f"days of the week {_DAYS}, each after an optional week, 1 to 53 or -53 to -1 "
        "(-1FR: the last Friday)",
    ),
    "BYMONTHDAY": (
        _listed(lambda v: _number(v, 1, 31, 2, signed=True)),
        "days of the month, 1 to 31 or -31 to -1",
    ),
    "BYYEARDAY": (
        _listed(lambda v: _number(v, 1, 366, 3, signed=True)),
        "days of the year, 1 to 366 or -366 to -1",
    ),
    "BYWEEKNO": (
        _listed(lambda v: _number(v, 1, 53, 2, signed=True)),
        "weeks of the year, 1 to 53 or -53 to -1",
    ),
    "BYMONTH": (_listed(lambda v: _number(v, 1, 12, 2)), "months, 1 to 12"),
    "BYSETPOS": (
        _listed(lambda v: _number(v, 1, 366, 3, signed=True)),
        "positions, 1 to 366 or -366 to -1",
    ),
    "WKST": (lambda v: v.upper() in _WEEKDAYS, f"a day of the week {_DAYS}"),
}


def rule_parts(rule: str) -> dict[str, str | None] | str:
    """The parts of ``rule``, by name in capitals, each value stripped (None after no ``=``);
    or, for a part without a name or one given twice, why RFC 5545 refuses it."""
    given: dict[str, str | None] = {}
    for part in rule.split(";"):
        part = part.strip()
        if not part:
            continue
        name, equals, value = part.partition("=")
        name = name.strip().upper()
        if not name:
            return f"{shown_value(part)} names no rule part (RFC 5545: NAME=VALUE)"
        if name in given:
            return f"{shown(name)} is given twice (RFC 5545: each rule part at most once)"
        given[name] = value.strip() if equals else None
    return given


def rule_fault(rule: str) -> str | None:
    """Why RFC 5545's grammar of a rule refuses ``rule``, else None; said after the rule
    (``"… is 'FREQ=DAILY;BYHOUR=25': its BYHOUR is '25': hours, 0 to 23 (RFC 5545)"``)."""
    given = rule_parts(rule)
    if isinstance(given, str):
        return given
    if not given.get("FREQ"):
        prefix, colon, rest = rule.strip().partition(":")
        if colon and prefix.upper() == "RRULE":  # (an iCalendar file's line, copied whole)
            return (
                f"the rule without its {shown_value(prefix + colon)} prefix "
                f"({shown_value(rest)}): RRULE is the iCalendar property that holds a rule, no "
                "part of it (RFC 5545)"
            )
        return NO_FREQ
    for key, said in given.items():
        if key not in _PARTS:
            return f"{shown(key)} is no rule part of RFC 5545's ({', '.join(_PARTS)})"
        if said is None:
            return f"{shown(key)} has no value (RFC 5545: NAME=VALUE)"
        check, what = _PARTS[key]
        if check(said):
            continue
        if key in ("COUNT", "INTERVAL"):  # (the number not repeated: it may be 5,000 digits)
            return f"its {key} is {what}"
        return f"its {key} is {shown_value(said)}: {what} (RFC 5545)"
    if "COUNT" in given and "UNTIL" in given:
        return "COUNT and UNTIL both end it (RFC 5545: one or the other)"
    if str(given.get("COUNT", "1")).strip("0") == "":  # (its grammar, 1*DIGIT, takes 0)
        return (
            "its COUNT is 0: the number of times it rings, a positive whole number (RFC 5545: "
            "'FREQ=DAILY;COUNT=10', ten times); with none the reminder would never ring"
        )
    return _forbidden(given)


#: The parts RFC 5545 calls "BYxxx", BYSETPOS's companions.
_BY_PARTS: Final = tuple(name for name in _PARTS if name.startswith("BY") and name != "BYSETPOS")


def _forbidden(given: dict[str, str | None]) -> str | None:
    """Why RFC 5545's text beyond the grammar (section 3.3.10) refuses the grammatical rule of
    the parts ``given``, else None: BYWEEKNO "MUST NOT be used when the FREQ rule part is set to
    anything other than YEARLY"; BYYEARDAY "MUST NOT be specified when the FREQ rule part is set
    to DAILY, WEEKLY, or MONTHLY"; BYMONTHDAY not when it is WEEKLY; a numbered BYDAY not unless
    it is MONTHLY or YEARLY, nor YEARLY with BYWEEKNO; BYSETPOS "MUST only be used in
    conjunction with another BYxxx rule part". And a numbered BYDAY past 5 (or -5) where the RFC
    reads its number "within the month" (MONTHLY; YEARLY with BYMONTH, "an offset within the
    month when the BYMONTH rule part is present"): no month has a sixth Monday, so the rule
    would never ring (the grammar's bound, 53, is a year's)."""
    freq = str(given["FREQ"]).upper()
    if "BYWEEKNO" in given and freq != "YEARLY":
        return f"BYWEEKNO is for FREQ=YEARLY only, not FREQ={freq} (RFC 5545)"
    if "BYYEARDAY" in given and freq in ("DAILY", "WEEKLY", "MONTHLY"):
        return f"BYYEARDAY is not for FREQ={freq} (RFC 5545: not with DAILY, WEEKLY or MONTHLY)"
    if "BYMONTHDAY" in given and freq == "WEEKLY":
        return "BYMONTHDAY is not for FREQ=WEEKLY (RFC 5545)"
    numbered = [day for day in str(given.get("BYDAY") or "").split(",") if day[:-2]]
    if numbered and freq not in ("MONTHLY", "YEARLY"):
        return (
            f"its BYDAY numbers a day ({shown_value(numbered[0])}): only with FREQ=MONTHLY or "
            f"FREQ=YEARLY, not FREQ={freq} (RFC 5545)"
        )
    if numbered and "BYWEEKNO" in given:
        return f"its BYDAY numbers a day ({shown_value(numbered[0])}): not with BYWEEKNO (RFC 5545)"
    in_month = freq == "MONTHLY" or "BYMONTH" in given
    beyond = [day for day in numbered if in_month and int(day[:-2].lstrip("+-")) > 5]
    if beyond:
        rule = "FREQ=MONTHLY" if freq == "MONTHLY" else "FREQ=YEARLY and BYMONTH"
        return (
            f"its BYDAY numbers a day no month has ({shown_value(beyond[0])}): with {rule}, 1 "
            "to 5 or -5 to -1 (RFC 5545: the nth of that weekday within the month; a month has "
            "five at most)"
        )
    if "BYSETPOS" in given and not any(name in given for name in _BY_PARTS):
        return (
            "BYSETPOS picks among the times another BY part gives, and there is none (RFC 5545: "
            "only with another of " + ", ".join(_BY_PARTS) + ")"
        )
    return None


#: What an UNTIL of each kind is, as a message says it, and an example of one.
_UNTIL_KINDS: Final = {
    "date": ("a date", "20311231"),
    "local": ("a local date and time, without Z", "20311231T073000"),
    "utc": ("a UTC date and time, with Z", "20311231T063000Z"),
}


def until_fault(rule: str, start: str, zone: str | None) -> str | None:
    """Why ``rule`` (one `rule_fault` takes) has an UNTIL RFC 5545 refuses beside a reminder
    that starts at ``start`` (ISO 8601, as ``startDateTime`` is sent), a local time in the zone
    its trigger names, ``zone`` (its ``timeZoneId``; None: it names none, a floating time): one
    of another kind than the start (`_start_kind`), or, alexaskill's rule, one before it, which
    never rings (the module docstring's readings); else None. Said after the rule, as
    `rule_fault` says a fault."""
    parts = rule_parts(rule)
    until = parts.get("UNTIL") if isinstance(parts, dict) else None
    if until is None:
        return None
    where = f"{start}, {zone}" if zone else start
    wanted = _start_kind(start, zone)
    kind = "date" if len(until) == 8 else "utc" if until.upper().endswith("Z") else "local"
    if wanted is not None and kind != wanted:
        starts = {
            "date": "starts on a date",
            "local": "starts at a local time in no time zone it names (floating)",
            "utc": "starts at a time in a time zone",
        }[wanted]
        return (
            f"its UNTIL is {_UNTIL_KINDS[kind][0]}, and the reminder {starts} ({where}): its "
            f"UNTIL is {_UNTIL_KINDS[wanted][0]} ({_UNTIL_KINDS[wanted][1]}) (RFC 5545, 3.3.10: "
            "UNTIL has DTSTART's value type; a local one for a floating start, a UTC one for a "
            "start in a time zone)"
        )
    if not _until_before(until, start, zone):
        return None
    return (
        f"its UNTIL is before the reminder's start ({where}): the reminder would never ring "
        "(alexaskill's rule; one on or after it rings: RFC 5545's UNTIL is inclusive)"
    )


def _start_kind(start: str, zone: str | None) -> str | None:
    """The kind of UNTIL RFC 5545 (3.3.10) gives a DTSTART like ``start`` in ``zone``: "date"
    for a date, "utc" for a local date-time in a zone (``zone``), "local" for a floating one;
    None for a start that does not read, or has a ``Z`` or an offset (not judged: Amazon's
    reminders take local times, and neither `AlexaApi.create_reminder` nor `FakeAlexaApi`,
    which refuses such a ``startDateTime`` first, gives one)."""
    try:
        begins = _dt.datetime.fromisoformat(start)
    except (ValueError, TypeError):
        return None
    if begins.tzinfo is not None:
        return None
    if "T" not in start.upper() and " " not in start.strip():
        return "date"
    return "utc" if zone else "local"


def _until_before(until: str, start: str, zone: str | None) -> bool:
    """Whether the grammatical UNTIL ``until``, of the start's kind, falls before ``start``, a
    time in ``zone``: a date before its day, a local date-time before it, a UTC one before the
    moment it names in ``zone``. False when that cannot be told (a start that does not read or
    has an offset, a UTC UNTIL beside a local start of no zone)."""
    from zoneinfo import ZoneInfo

    try:
        begins = _dt.datetime.fromisoformat(start)
        if len(until) == 8:  # (a date: the recurrence ends with that day)
            return _dt.date(int(until[:4]), int(until[4:6]), int(until[6:])) < begins.date()
        if begins.tzinfo is not None:  # (a start with Z or an offset: not judged, `_start_kind`)
            return False
        ends = _dt.datetime.strptime(until[:15], "%Y%m%dT%H%M%S")
        if until.upper().endswith("Z"):
            ends = ends.replace(tzinfo=_dt.UTC)
            if zone is None:
                return False
            # Compared as moments: the start read in its zone as RFC 5545 (3.3.5) reads a local
            # time, the first of one said twice and one the clocks skip at the offset before
            # the gap (02:30 EST, 03:30 EDT): what fold=0 gives. Said on the wall clock, a UTC
            # UNTIL at 03:15 EDT came after such a start, which never rings before 03:30.
            return ends < begins.replace(tzinfo=ZoneInfo(zone), fold=0)
    except (ValueError, LookupError, OSError, TypeError):
        return False  # (a second of 60, a leap second, included: not judged)
    return ends < begins
