"""The recurrences `FakeAlexaApi`'s reminders take: Amazon's Reminders API reference's
``trigger.recurrence``, its ``recurrenceRules`` read by RFC 5545's grammar of a rule (section
3.3.10, "Recurrence Rule": ``recur``), which the reference names for them.

A rule is ``NAME=VALUE`` parts joined by ``;`` (an empty part, such as the trailing ``;`` of the
reference's own examples, is skipped; names and the words of values are read in any case, as
RFC 5545 reads them). Refused, with what the grammar says: a part of no name it gives, a part
given twice (FREQ included), COUNT with UNTIL, a value out of its part's grammar (``BYHOUR=25``,
a sign on INTERVAL or COUNT, which are ``1*DIGIT``), an INTERVAL that is no positive integer
(the RFC's words), and a COUNT of 0: the grammar allows it, but such a rule never rings (the
fake's rule, as for a one-time reminder gone by).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Final

__all__: list[str] = []

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


def _positive(value: str) -> bool:
    """Whether ``value`` is ``1*DIGIT`` and not 0 (without `int`: it refuses 4,300 digits)."""
    return value.isascii() and value.isdigit() and value.strip("0") != ""


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


#: What a value of INTERVAL or COUNT is (its message names no value: a number of any length).
_WHOLE: Final = "a positive whole number (RFC 5545)"
#: Each rule part's check of its value, and what the value is, as a message says it.
_PARTS: Final[dict[str, tuple[Callable[[str], bool], str]]] = {
    "FREQ": (lambda v: v.upper() in _FREQUENCIES, f"one of {', '.join(_FREQUENCIES)}"),
    "UNTIL": (_end_date, "a date (20311231) or a date and time (20311231T073000, Z for UTC)"),
    "COUNT": (_positive, f"{_WHOLE}: 'FREQ=DAILY;COUNT=10', ten times"),
    "INTERVAL": (_positive, f"{_WHOLE}: 'FREQ=WEEKLY;INTERVAL=2', every other week"),
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


def _rule_fault(rule: str) -> str | None:
    """Why RFC 5545's grammar (or the fake, for COUNT=0) refuses ``rule``, else None; said
    after the rule (``"… is 'FREQ=DAILY;BYHOUR=25': its BYHOUR is '25': …"``)."""
    given: dict[str, str | None] = {}
    for part in rule.split(";"):
        part = part.strip()
        if not part:
            continue
        name, equals, value = part.partition("=")
        name = name.strip().upper()
        if not name:
            return f"{part!r} names no rule part (RFC 5545: NAME=VALUE)"
        if name in given:
            return f"{name} is given twice (RFC 5545: each rule part at most once)"
        given[name] = value.strip() if equals else None
    if not given.get("FREQ"):
        return "an RFC 5545 rule, with its FREQ ('FREQ=DAILY;BYHOUR=7')"
    for key, said in given.items():
        if key not in _PARTS:
            return f"{key} is no rule part of RFC 5545's ({', '.join(_PARTS)})"
        if said is None:
            return f"{key} has no value (RFC 5545: NAME=VALUE)"
        check, what = _PARTS[key]
        if check(said):
            continue
        if key == "COUNT" and said.isascii() and said.isdigit():  # all zeros: no time at all
            return f"its COUNT is {what} (COUNT={said}: the reminder would never ring)"
        if key in ("COUNT", "INTERVAL"):  # (the number not repeated: it may be 5,000 digits)
            return f"its {key} is {what}"
        return f"its {key} is {said!r}: {what} (RFC 5545)"
    if "COUNT" in given and "UNTIL" in given:
        return "COUNT and UNTIL both end it (RFC 5545: one or the other)"
    return None


def _recurrence_problem(kind: object, recurrence: object) -> str | None:
    """Why a trigger of the type ``kind`` has a ``recurrence`` Amazon's Reminders API does not
    take, as its "Reminder object" reads one, else None: none at all (None) is taken; else only
    for a ``SCHEDULED_ABSOLUTE`` trigger, an object whose ``recurrenceRules`` are RFC 5545 rules
    (`_rule_fault`), and whose ``startDateTime`` and ``endDateTime``, if given, are local times
    (a str, as ``scheduledTime``), its ``interval`` a positive integer (Amazon's model of it,
    ask-sdk-model's ``Recurrence``, as RFC 5545's INTERVAL). The older ``freq`` (with
    ``byDay``), which Amazon still takes without rules, is read as a rule. Said from
    ``recurrence`` on."""
    if recurrence is None:
        return None
    if kind == "SCHEDULED_RELATIVE":  # (as `AlexaApi.create_reminder` refuses after= with one)
        return "recurrence is only for a SCHEDULED_ABSOLUTE trigger"
    example = "['FREQ=WEEKLY;BYDAY=MO']"
    if not isinstance(recurrence, dict):
        return f"recurrence is {recurrence!r}: an object of recurrenceRules ({example})"
    for key in ("startDateTime", "endDateTime"):
        value = recurrence.get(key)
        if value is not None and not isinstance(value, str):
            return f"recurrence.{key} is {value!r}: a local time ('2031-03-15T07:30:00.000')"
    interval = recurrence.get("interval")  # (another kind than int: msgspec's to refuse)
    if isinstance(interval, int) and not isinstance(interval, bool) and interval < 1:
        return f"recurrence.interval is {interval!r}: a positive whole number (2: every other)"
    rules = recurrence.get("recurrenceRules")
    if rules is None:
        if isinstance(recurrence.get("freq"), str) and recurrence["freq"].strip():
            return None
        return f"recurrence.recurrenceRules is required: a list of RFC 5545 rules ({example})"
    if not isinstance(rules, list) or not rules:
        return f"recurrence.recurrenceRules is {rules!r}: a list of RFC 5545 rules ({example})"
    for index, rule in enumerate(rules):
        fault = (
            _rule_fault(rule)
            if isinstance(rule, str)
            else "an RFC 5545 rule, with its FREQ ('FREQ=DAILY;BYHOUR=7')"
        )
        if fault is not None:
            return f"recurrence.recurrenceRules[{index}] is {rule!r}: {fault}"
    return None
