"""`FakeAlexaApi`'s reminders with a recurrence Amazon's Reminders API does not take: each
refused, created (a 400) or given (a `ValueError`), saying what is wrong."""

from __future__ import annotations

import re
from typing import Any, Final

import pytest

from alexaskill.testing import FakeAlexaApi
from tests.fake_reminders_shared import _AT, refused_trigger, run, skill_api

#: Recurrences Amazon's Reminders API does not take, and what the fake's answer says of them.
_WRONG_RECURRENCES: Final = [
    ({**_AT, "recurrence": "FREQ=DAILY"}, r"recurrence is 'FREQ=DAILY': an object"),
    ({**_AT, "recurrence": {}}, r"recurrence\.recurrenceRules is required"),
    (
        # (its Python name: once dropped, and the rules said to be missing)
        {**_AT, "recurrence": {"recurrence_rules": ["FREQ=DAILY"]}},
        r"recurrence\.recurrence_rules is no field of Amazon's recurrence \(did you mean "
        r"recurrenceRules\?\)",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": "FREQ=DAILY"}},
        r"recurrence\.recurrenceRules is 'FREQ=",
    ),
    ({**_AT, "recurrence": {"recurrenceRules": []}}, r"recurrence\.recurrenceRules is \[\]"),
    (
        {**_AT, "recurrence": {"recurrenceRules": [5]}},
        r"recurrence\.recurrenceRules\[0\] is 5: an RFC 5545",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY", ""]}},
        r"recurrence\.recurrenceRules\[1\] is ''",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["DAILY"]}},
        r"recurrence\.recurrenceRules\[0\] is 'DAILY'",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=;BYHOUR=7"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=;BYHOUR=7': an RFC 5545 rule, with its FREQ",
    ),
    # RFC 5545 (3.3.10): "The INTERVAL rule part contains a positive integer"; they were taken
    # whatever INTERVAL said (every 0 days, every -1 week, every "two").
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY;INTERVAL=0"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;INTERVAL=0': its INTERVAL is a "
        r"positive whole number \(RFC 5545\)",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=WEEKLY", "freq=weekly;interval=-1"]}},
        r"recurrence\.recurrenceRules\[1\] is 'freq=weekly;interval=-1': its INTERVAL is",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY;INTERVAL=two;BYHOUR=7"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;INTERVAL=two;BYHOUR=7': its INTE",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY;INTERVAL=;BYHOUR=7"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;INTERVAL=;BYHOUR=7': its INTERVAL",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY;INTERVAL=1.5"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;INTERVAL=1\.5': its INTERVAL",
    ),
    # RFC 5545's grammar has no sign on INTERVAL (1*DIGIT): a "+" was let by.
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=WEEKLY;INTERVAL=+2"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=WEEKLY;INTERVAL=\+2': its INTERVAL is a "
        r"positive whole number \(RFC 5545\)",
    ),
    # RFC 5545 (3.3.10): rule parts "MUST NOT occur more than once"; the last one was taken, or
    # the first, as the reader pleased. Names are read in any case, as the RFC's are.
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY;FREQ=WEEKLY"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;FREQ=WEEKLY': FREQ is given twice "
        r"\(RFC 5545: each rule part at most once\)",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY;BYHOUR=7;byhour=8"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;BYHOUR=7;byhour=8': BYHOUR is given "
        r"twice",
    ),
    (  # "The UNTIL or COUNT rule parts are OPTIONAL, but they MUST NOT occur in the same 'recur'"
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY;COUNT=3;UNTIL=20311231"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;COUNT=3;UNTIL=20311231': COUNT and "
        r"UNTIL both end it \(RFC 5545: one or the other\)",
    ),
    # A rule of no occurrence never rings (RFC 5545's COUNT counts them; the client's rule too).
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY;COUNT=0"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;COUNT=0': its COUNT is 0: the number "
        r"of times it rings, a positive whole number",
    ),
    # An UNTIL before the reminder's start never rings, as COUNT=0 (alexaskill's rule, the
    # client's too): it was kept. Compared in the reminder's local time: its date (a start on a
    # date), its local time, or its UTC time said in the timeZoneId (Paris, UTC+1 in mid-March
    # 2031). The start is the startDateTime (scheduledTime is ignored beside rules: Amazon).
    (
        {
            **_AT,
            "recurrence": {
                "startDateTime": "2031-03-15",
                "recurrenceRules": ["FREQ=DAILY;UNTIL=20310314"],
            },
        },
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;UNTIL=20310314': its UNTIL is before "
        r"the reminder's start \(2031-03-15\): the reminder would never ring "
        r"\(alexaskill's rule; one on or after it rings: RFC 5545's UNTIL is inclusive\)",
    ),
    (
        {
            **_AT,
            "recurrence": {
                "startDateTime": "2031-03-15T07:30:00.000",
                "recurrenceRules": ["FREQ=DAILY;UNTIL=20310315T072959"],
            },
        },
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;UNTIL=20310315T072959': its UNTIL is "
        r"before the reminder's start",
    ),
    (
        {
            **_AT,
            "timeZoneId": "Europe/Paris",
            "recurrence": {
                "startDateTime": "2031-03-15T07:30:00.000",
                "recurrenceRules": ["FREQ=DAILY;UNTIL=20310315T062959Z"],
            },
        },
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;UNTIL=20310315T062959Z': its UNTIL is "
        r"before the reminder's start "
        r"\(2031-03-15T07:30:00\.000, Europe/Paris\)",
    ),
    (  # (startDateTime, not scheduledTime, is the start)
        {
            **_AT,
            "recurrence": {
                "startDateTime": "2031-04-01T07:30:00.000",
                "recurrenceRules": ["FREQ=WEEKLY;UNTIL=20310331T235959"],
            },
        },
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=WEEKLY;UNTIL=20310331T235959': its UNTIL is "
        r"before "
        r"the reminder's start "
        r"\(2031-04-01T07:30:00\.000\)",
    ),
    # An UNTIL of another kind than the start (RFC 5545, 3.3.10: DTSTART's value type; a local
    # UNTIL for a floating start, a UTC one for a start in a time zone) was taken, its end a
    # guess: a UTC moment on a clock of no zone, a date against a time, a local time in a zone.
    (
        {
            **_AT,
            "recurrence": {
                "startDateTime": "2031-03-15T07:30:00.000",
                "recurrenceRules": ["FREQ=DAILY;UNTIL=20311231T073000Z"],
            },
        },
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;UNTIL=20311231T073000Z': its UNTIL is "
        r"a UTC date and time, with Z, and the reminder starts at a local "
        r"time in no time zone it names \(floating\) \(2031-03-15T07:30:00\.000\): its UNTIL is "
        r"a local date and time, without Z \(20311231T073000\) \(RFC 5545, 3\.3\.10: UNTIL has "
        r"DTSTART's value type; a local one for a floating start, a UTC one for a start in a "
        r"time zone\)",
    ),
    (
        {
            **_AT,
            "recurrence": {
                "startDateTime": "2031-03-15T07:30:00.000",
                "recurrenceRules": ["FREQ=DAILY;UNTIL=20311231"],
            },
        },
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;UNTIL=20311231': its UNTIL is a date, "
        r"and the reminder starts at a local time in no time "
        r"zone it names \(floating\) \(2031-03-15T07:30:00\.000\): its UNTIL is a local date",
    ),
    (
        {
            **_AT,
            "timeZoneId": "Europe/Paris",
            "recurrence": {
                "startDateTime": "2031-03-15T07:30:00.000",
                "recurrenceRules": ["FREQ=DAILY;UNTIL=20311231T073000"],
            },
        },
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;UNTIL=20311231T073000': its UNTIL is "
        r"a local date and time, without Z, and the reminder "
        r"starts at a time in a time zone \(2031-03-15T07:30:00\.000, Europe/Paris\): its "
        r"UNTIL is a UTC date and time, with Z",
    ),
    (
        {
            **_AT,
            "timeZoneId": "Europe/Paris",
            "recurrence": {
                "startDateTime": "2031-03-15T07:30:00.000",
                "recurrenceRules": ["FREQ=DAILY;UNTIL=20311231"],
            },
        },
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;UNTIL=20311231': its UNTIL is a date, "
        r"and the reminder starts at a time in a time zone",
    ),
    (
        {
            **_AT,
            "recurrence": {
                "startDateTime": "2031-03-15",
                "recurrenceRules": ["FREQ=DAILY;UNTIL=20311231T073000Z"],
            },
        },
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;UNTIL=20311231T073000Z': its UNTIL is "
        r"a UTC date and time, with Z, and the reminder "
        r"starts on a date \(2031-03-15\): its UNTIL is a date \(20311231\)",
    ),
    # Values out of RFC 5545's grammar (hour = 1*2DIGIT ;0 to 23, …) were taken unread.
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY;BYHOUR=25"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;BYHOUR=25': its BYHOUR is '25': "
        r"hours, 0 to 23 \(RFC 5545\)",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY;BYHOUR=7,;BYMINUTE=30"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;BYHOUR=7,;BYMINUTE=30': its BYHOUR is "
        r"'7,': hours, 0 to 23",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY;BYHOUR=7;BYMINUTE=60"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;BYHOUR=7;BYMINUTE=60': its BYMINUTE is "
        r"'60': minutes, 0 to 59",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY;BYSECOND=-1"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;BYSECOND=\-1': its BYSECOND is '-1': "
        r"seconds, 0 to 60",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=WEEKLY;BYDAY=MO,XY"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=WEEKLY;BYDAY=MO,XY': its BYDAY is 'MO,XY': "
        r"days of the week \(SU, MO, TU, WE, TH, FR, SA\)",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=MONTHLY;BYDAY=54MO"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=MONTHLY;BYDAY=54MO': its BYDAY is '54MO': "
        r"days of the week",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=MONTHLY;BYMONTHDAY=0"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=MONTHLY;BYMONTHDAY=0': its BYMONTHDAY is '0': "
        r"days of the month, 1 to 31 or -31 to -1",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=YEARLY;BYYEARDAY=367"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=YEARLY;BYYEARDAY=367': its BYYEARDAY is "
        r"'367': days of the year, 1 to 366 or -366 to -1",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=YEARLY;BYWEEKNO=+54"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=YEARLY;BYWEEKNO=\+54': its BYWEEKNO is "
        r"'\+54': weeks of the year, 1 to 53 or -53 to -1",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=YEARLY;BYMONTH=13"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=YEARLY;BYMONTH=13': its BYMONTH is '13': "
        r"months, 1 to 12",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=YEARLY;BYSETPOS=0"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=YEARLY;BYSETPOS=0': its BYSETPOS is '0': "
        r"positions, 1 to 366 or -366 to -1",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=WEEKLY;WKST=MON"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=WEEKLY;WKST=MON': its WKST is 'MON': a day of "
        r"the week \(SU, MO, TU, WE, TH, FR, SA\)",
    ),
    # (grammatical, and forbidden by RFC 5545's text: section 3.3.10, "MUST NOT")
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=MONTHLY;BYWEEKNO=20"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=MONTHLY;BYWEEKNO=20': BYWEEKNO is for "
        r"FREQ=YEARLY only, not FREQ=MONTHLY \(RFC 5545\)",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=WEEKLY;BYDAY=-1FR"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=WEEKLY;BYDAY=-1FR': its BYDAY numbers a day "
        r"\('-1FR'\): only with FREQ=MONTHLY or FREQ=YEARLY",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["RRULE:FREQ=WEEKLY;BYDAY=MO"]}},
        r"recurrence\.recurrenceRules\[0\] is 'RRULE:FREQ=WEEKLY;BYDAY=MO': the rule without "
        r"its 'RRULE:' prefix \('FREQ=WEEKLY;BYDAY=MO'\)",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY;UNTIL=20310231"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;UNTIL=20310231': its UNTIL is "
        r"'20310231': a date \(20311231\) or a date and time",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY;UNTIL=2031-12-31"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;UNTIL=2031\-12\-31': its UNTIL is "
        r"'2031-12-31': a date \(20311231\)",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAYLY"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAYLY': its FREQ is 'DAYLY': one of SECONDLY, "
        r"MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY, YEARLY \(RFC 5545\)",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY;BYHOURS=7"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;BYHOURS=7': BYHOURS is no rule part of "
        r"RFC 5545's \(FREQ, UNTIL, COUNT, INTERVAL, BYSECOND, BYMINUTE, BYHOUR, BYDAY, "
        r"BYMONTHDAY, BYYEARDAY, BYWEEKNO, BYMONTH, BYSETPOS, WKST\)",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY;BYHOUR"]}},
        r"recurrence\.recurrenceRules\[0\] is 'FREQ=DAILY;BYHOUR': BYHOUR has no value \(RFC "
        r"5545: NAME=VALUE\)",
    ),
    (
        {**_AT, "recurrence": {"startDateTime": 5, "recurrenceRules": ["FREQ=DAILY"]}},
        r"recurrence\.startDateTime is 5: a local time",
    ),
    (
        {**_AT, "recurrence": {"endDateTime": ["2031"], "recurrenceRules": ["FREQ=DAILY"]}},
        r"recurrence\.endDateTime is \['2031'\]: a local time",
    ),
    # Amazon's Reminders API reference writes startDateTime and endDateTime as local times
    # without an offset ("2019-05-10T6:00:00.000"), as it writes scheduledTime, which the fake
    # refuses with one: the two were taken with a Z or an offset, read at it.
    (
        {
            **_AT,
            "recurrence": {
                "startDateTime": "2031-03-15T06:30:00Z",
                "recurrenceRules": ["FREQ=DAILY;UNTIL=20310315T063000Z"],
            },
        },
        r"recurrence\.startDateTime 2031-03-15T06:30:00Z has a UTC offset: Amazon's Reminders "
        r"API takes a local time without one \('2019-09-22T19:00:00\.000'\), read in the "
        r"trigger's timeZoneId",
    ),
    (
        {
            **_AT,
            "recurrence": {
                "endDateTime": "2031-06-15T07:30:00.000+02:00",
                "recurrenceRules": ["FREQ=DAILY"],
            },
        },
        r"recurrence\.endDateTime 2031-06-15T07:30:00\.000\+02:00 has a UTC offset",
    ),
    (  # (no time at all: taken, and its UNTIL not judged)
        {**_AT, "recurrence": {"startDateTime": "soon", "recurrenceRules": ["FREQ=DAILY"]}},
        r"recurrence\.startDateTime 'soon' is no ISO 8601 date and time",
    ),
    (
        {
            "type": "SCHEDULED_RELATIVE",
            "offsetInSeconds": 300,
            "recurrence": {"recurrenceRules": ["FREQ=DAILY"]},
        },
        r"recurrence is only for a SCHEDULED_ABSOLUTE trigger",
    ),
    # Amazon's model of a recurrence (ask-sdk-model's Recurrence): interval "contains a
    # positive integer representing at which intervals the recurrence rule repeats".
    (
        {**_AT, "recurrence": {"freq": "DAILY", "interval": 0}},
        r"recurrence\.interval is 0: a positive whole number",
    ),
    (
        {**_AT, "recurrence": {"freq": "WEEKLY", "byDay": ["MO"], "interval": -2}},
        r"recurrence\.interval is -2: a positive whole number",
    ),
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY"], "interval": 0}},
        r"recurrence\.interval is 0: a positive whole number",
    ),
    # A bool is an int to Python: true passed the check, then failed msgspec's reading, a 400
    # INVALID_REQUEST for what is the trigger's fault.
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY"], "interval": True}},
        r"recurrence\.interval is True: a positive whole number",
    ),
    # A number written as a str, as Amazon's example writes "offsetInSeconds": "7200" (the
    # trigger's 400 too): it was a 400 INVALID_REQUEST, msgspec's refusal of the reminder.
    (
        {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY"], "interval": "2"}},
        r"recurrence\.interval is '2': a positive whole number",
    ),
    # Amazon's Java model types interval an Integer, 32 bits, as it types offsetInSeconds: one
    # past 2147483647 (2**64 too) was taken and kept, where the offset's is refused.
    (
        {**_AT, "recurrence": {"freq": "DAILY", "interval": 2**31}},
        r"recurrence\.interval is 2,147,483,648: at most 2,147,483,647",
    ),
    # Amazon's model of the older freq (ask-sdk-model's RecurrenceFreq, in Python, Java and
    # Node) allows WEEKLY and DAILY only: any other str was taken and kept.
    (
        {**_AT, "recurrence": {"freq": "W", "byDay": ["MO"]}},
        r"recurrence\.freq is 'W': WEEKLY or DAILY \(deprecated: recurrenceRules\)$",
    ),
    (
        {**_AT, "recurrence": {"freq": "MONTHLY"}},
        r"recurrence\.freq is 'MONTHLY': WEEKLY or DAILY \(deprecated: recurrenceRules\)$",
    ),
    (
        {**_AT, "recurrence": {"freq": "weekly", "byDay": ["MO"]}},
        r"recurrence\.freq is 'weekly': WEEKLY or DAILY \(deprecated: recurrenceRules\) "
        r"\(did you mean 'WEEKLY'\?\)$",
    ),
    (  # (it was said to be no recurrenceRules)
        {**_AT, "recurrence": {"freq": " "}},
        r"recurrence\.freq is ' ': WEEKLY or DAILY \(deprecated: recurrenceRules\)$",
    ),
    # Amazon's model of the older byDay (ask-sdk-model's RecurrenceDay) allows SU, MO, TU, WE,
    # TH, FR and SA only: any other str was taken and kept ("XX" answered 200).
    (
        {**_AT, "recurrence": {"freq": "WEEKLY", "byDay": ["XX"]}},
        r"recurrence\.byDay\[0\] is 'XX': a day of the week \(SU, MO, TU, WE, TH, FR, SA\)$",
    ),
    (
        {**_AT, "recurrence": {"freq": "WEEKLY", "byDay": ["MO", "fr"]}},
        r"recurrence\.byDay\[1\] is 'fr': a day of the week \(SU, MO, TU, WE, TH, FR, SA\) "
        r"\(did you mean 'FR'\?\)$",
    ),
    (  # (a numbered day is a rule's BYDAY, not one of the enum's values)
        {**_AT, "recurrence": {"freq": "WEEKLY", "byDay": ["-1FR"]}},
        r"recurrence\.byDay\[0\] is '-1FR': a day of the week \(SU, MO, TU, WE, TH, FR, SA\)$",
    ),
    # Both of the older fields wrong: each is said, freq first (as Amazon's model of a
    # recurrence, ask-sdk-model's Recurrence, orders them); only freq was, and a skill that
    # fixed it met the byDay refusal on its next run.
    (
        {**_AT, "recurrence": {"freq": "MONTHLY", "byDay": ["XX"]}},
        r"recurrence\.freq is 'MONTHLY': WEEKLY or DAILY \(deprecated: recurrenceRules\); "
        r"recurrence\.byDay\[0\] is 'XX': a day of the week \(SU, MO, TU, WE, TH, FR, SA\)$",
    ),
    # Amazon's Reminders API reference: with startDateTime or endDateTime given, freq and byDay
    # are ignored. Without recurrenceRules nothing then says when it recurs: the fake took the
    # freq it read there (a WEEKLY one answered 200) and refused a wrong one as freq's fault.
    (
        {
            **_AT,
            "recurrence": {
                "startDateTime": "2031-03-15T07:30:00.000",
                "freq": "WEEKLY",
                "byDay": ["MO"],
            },
        },
        r"recurrence\.recurrenceRules is required beside startDateTime: Amazon ignores freq "
        r"and byDay there",
    ),
    (
        {**_AT, "recurrence": {"endDateTime": "2031-06-15T07:30:00.000", "freq": "MONTHLY"}},
        r"recurrence\.recurrenceRules is required beside endDateTime: Amazon ignores freq and "
        r"byDay there",
    ),
]


@pytest.mark.parametrize(("trigger", "said"), _WRONG_RECURRENCES)
def test_a_reminder_created_with_a_recurrence_amazon_refuses_is_a_400(
    trigger: dict[str, Any], said: str
) -> None:
    # The recurrence was not looked at (a dict of anything read as one): the fake answered 200
    # and kept a reminder Amazon's Reminders API never takes, and the skill's test passed.
    message = refused_trigger(trigger)
    assert re.search(said, message), message


@pytest.mark.parametrize(
    ("trigger", "said"),
    # (Given in code, a recurrence's Python names are taken, as its other parts' are.)
    [
        (trigger, said)
        for trigger, said in _WRONG_RECURRENCES
        if "recurrence_rules" not in str(trigger)
    ],
)
def test_a_reminder_given_with_a_recurrence_amazon_refuses_is_refused(
    trigger: dict[str, Any], said: str
) -> None:
    # Given, it was served as it was, a recurrence Amazon never answers.
    with pytest.raises(ValueError, match=r"reminders\[1\]\.trigger\." + said):
        FakeAlexaApi(reminders=[{"alertToken": "r0"}, {"alertToken": "r1", "trigger": trigger}])
    fake = FakeAlexaApi()
    fake.reminders.append({"alertToken": "r1", "trigger": trigger})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"reminders\[0\]\.trigger\." + said):
        run(skill_api(fake).get_reminders())


def test_an_interval_past_pythons_digits_is_said_by_its_size() -> None:
    # Given in Python, an int past 4,300 digits: its repr raised ValueError ("Exceeds the limit
    # (4300 digits)") in place of the message due, which says the bound with its separators.
    recurrence = {"freq": "DAILY", "interval": 10**5000}
    with pytest.raises(
        ValueError, match=r"interval is <an int of 16,610 bits>: at most 2,147,483,647, the"
    ):
        FakeAlexaApi(reminders=[{"trigger": {**_AT, "recurrence": recurrence}}])
