"""A reminder's recurrence rules, read by RFC 5545's grammar before they are sent: the rules it
refuses unsent as the fake does, the forms a recurrence comes in, and an UNTIL against the start.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, Final
from zoneinfo import ZoneInfo

import pytest

from alexaskill.testing import FakeAlexaApi, TestClient

from .alexa_api_reminders_shared import refusal_skill
from .alexa_api_shared import MOMENT, _run, fake_api, reminder_skill

#: A recurring reminder's start: 07:30 UTC, in a December to come; the same time in Berlin, and
#: as a local time (the device's).
_RECURRING_AT: Final = dt.datetime(2036, 12, 1, 7, 30, tzinfo=dt.UTC)
_BERLIN_AT: Final = dt.datetime(2036, 12, 1, 7, 30, tzinfo=ZoneInfo("Europe/Berlin"))
_LOCAL_AT: Final = dt.datetime(2036, 12, 1, 7, 30)
#: The forms of a recurrence `create_reminder` takes beside a list: each its rules, in order.
_RULE_FORMS: Final[dict[str, Callable[[list[str]], Any]]] = {
    "list": list,
    "tuple": tuple,
    "iterator": iter,
    "generator": lambda rules: (rule for rule in rules),
    "dict keys": lambda rules: dict.fromkeys(rules).keys(),
}


# --- recurrence rules, read by RFC 5545's grammar before they are sent ----------------------------

#: Rules RFC 5545's grammar of a rule (section 3.3.10, ``recur``) refuses, and what is said of
#: each: the same as `FakeAlexaApi` says of it (one grammar: `alexaskill.alexa_api.recurrence`).
_RULES_OUT_OF_GRAMMAR: Final = [
    ("FREQ=DAILY;FREQ=WEEKLY", r"FREQ is given twice \(RFC 5545: each rule part at most once\)"),
    ("FREQ=DAILY;BYHOUR=7;byhour=8", r"BYHOUR is given twice"),
    ("FREQ=DAILY;BYHOUR=25", r"its BYHOUR is '25': hours, 0 to 23 \(RFC 5545\)"),
    ("FREQ=DAILY;BYMINUTE=60", r"its BYMINUTE is '60': minutes, 0 to 59"),
    ("FREQ=MONTHLY;BYMONTHDAY=32", r"its BYMONTHDAY is '32': days of the month, 1 to 31"),
    ("FREQ=WEEKLY;BYDAY=MO,XY", r"its BYDAY is 'MO,XY': days of the week \(SU, MO, TU,"),
    ("FREQ=DAILY;BYHOURS=7", r"BYHOURS is no rule part of RFC 5545's \(FREQ, UNTIL, COUNT,"),
    ("FREQ=DAYLY", r"its FREQ is 'DAYLY': one of SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY,"),
    ("BYHOUR=7", r"an RFC 5545 rule, with its FREQ \('FREQ=DAILY;BYHOUR=7'\)"),
    ("FREQ=DAILY;COUNT=3;UNTIL=20311231", r"COUNT and UNTIL both end it \(RFC 5545: one or"),
    ("FREQ=WEEKLY;INTERVAL=+2", r"its INTERVAL is a positive whole number \(RFC 5545\)"),
    ("FREQ=WEEKLY;INTERVAL=0", r"its INTERVAL is a positive whole number \(RFC 5545\)"),
    ("FREQ=DAILY;COUNT=-1", r"its COUNT is a whole number \(RFC 5545\)"),
    ("FREQ=DAILY;UNTIL=2031-12-31", r"its UNTIL is '2031-12-31': a date \(20311231\)"),
    ("FREQ=DAILY;BYHOUR", r"BYHOUR has no value \(RFC 5545: NAME=VALUE\)"),
    # (ordwk is "1 to 53": a YEARLY rule's bounds, the grammar's)
    ("FREQ=YEARLY;BYDAY=54MO", r"its BYDAY is '54MO': days of the week .*1 to 53 or -53 to -1"),
    ("FREQ=YEARLY;BYDAY=-54SU", r"its BYDAY is '-54SU': days of the week"),
    # (an iCalendar file's "RRULE:" line: the property's name is no part of the rule, and the
    # fault said only "with its FREQ", the FREQ there for anyone to see)
    (
        "RRULE:FREQ=DAILY;BYHOUR=7",
        r"the rule without its 'RRULE:' prefix \('FREQ=DAILY;BYHOUR=7'\): RRULE is the iCalendar ",
    ),
    (" rrule:freq=weekly", r"the rule without its 'rrule:' prefix \('freq=weekly'\)"),
]

#: Grammatical rules that RFC 5545's text beyond the grammar forbids (section 3.3.10: "MUST NOT",
#: and BYSETPOS "MUST only be used in conjunction with another BYxxx rule part"), and what is
#: said of each: the same as `FakeAlexaApi` says of it.
_RULES_THE_RFC_FORBIDS: Final = [
    (
        "FREQ=MONTHLY;BYWEEKNO=20",
        r"BYWEEKNO is for FREQ=YEARLY only, not FREQ=MONTHLY \(RFC 5545\)",
    ),
    ("freq=weekly;byweekno=1", r"BYWEEKNO is for FREQ=YEARLY only, not FREQ=WEEKLY"),
    ("FREQ=DAILY;BYYEARDAY=100", r"BYYEARDAY is not for FREQ=DAILY \(RFC 5545: not with DAILY,"),
    ("FREQ=WEEKLY;BYYEARDAY=-1", r"BYYEARDAY is not for FREQ=WEEKLY"),
    ("FREQ=MONTHLY;BYYEARDAY=1", r"BYYEARDAY is not for FREQ=MONTHLY"),
    ("FREQ=WEEKLY;BYMONTHDAY=15", r"BYMONTHDAY is not for FREQ=WEEKLY \(RFC 5545\)"),
    ("FREQ=WEEKLY;BYDAY=MO,-1FR", r"its BYDAY numbers a day \('-1FR'\): only with FREQ=MONTHLY"),
    ("FREQ=DAILY;BYDAY=+2TU", r"its BYDAY numbers a day \('\+2TU'\): only with FREQ=MONTHLY or "),
    ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO", r"its BYDAY numbers a day \('1MO'\): not with BYWEEKNO"),
    ("FREQ=MONTHLY;BYSETPOS=-1", r"BYSETPOS picks among the times another BY part gives"),
    ("FREQ=MONTHLY;BYSETPOS=1;COUNT=3;INTERVAL=2", r"BYSETPOS picks among the times another"),
]

#: Grammatical rules whose numbered BYDAY names a day no month has: RFC 5545 reads the number as
#: the nth of that weekday "within the month" in a MONTHLY rule, and in a YEARLY one with BYMONTH
#: (section 3.3.10), and a month has at most five of each, so such a rule never rings.
_RULES_OF_NO_DAY: Final = [
    (
        "FREQ=MONTHLY;BYDAY=6MO",
        r"its BYDAY numbers a day no month has \('6MO'\): with FREQ=MONTHLY, 1 to 5 or -5 to -1 "
        r"\(RFC 5545: the nth of that weekday within the month; a month has five at most\)",
    ),
    ("freq=monthly;byday=mo,-6fr", r"its BYDAY numbers a day no month has \('-6fr'\)"),
    ("FREQ=MONTHLY;BYDAY=+53SU", r"its BYDAY numbers a day no month has \('\+53SU'\)"),
    (
        "FREQ=YEARLY;BYMONTH=2;BYDAY=6MO",
        r"no month has \('6MO'\): with FREQ=YEARLY and BYMONTH, 1 to 5 or -5 to -1",
    ),
]

#: Grammatical rules that define no occurrence: RFC 5545's COUNT "defines the number of
#: occurrences", so a COUNT of 0 defines none, and the reminder would never ring.
_RULES_OF_NO_TIME: Final = [
    (
        "FREQ=DAILY;COUNT=0",
        r"its COUNT is 0: the number of times it rings, a positive whole number \(RFC 5545: "
        r"'FREQ=DAILY;COUNT=10', ten times\); with none the reminder would never ring",
    ),
    ("freq=weekly;count=000", r"its COUNT is 0: the number of times it rings"),
]


def _refused_unsent(rule: str, said: str) -> None:
    """``rule``, second of a reminder's rules, is a `ValueError` saying ``said``, unsent."""
    fake = FakeAlexaApi()
    with pytest.raises(ValueError) as raised:
        _run(
            fake_api(fake).create_reminder(
                "Stretch", at=_RECURRING_AT, recurrence=["FREQ=DAILY", rule]
            )
        )
    message = str(raised.value)
    assert message.startswith(f"a reminder's recurrence[1] is {rule!r}: "), message
    assert re.search(said, message), message
    assert fake.calls == [] and fake.reminders == []


@pytest.mark.parametrize(("rule", "said"), _RULES_OUT_OF_GRAMMAR)
def test_a_rule_out_of_rfc_5545s_grammar_is_a_value_error_unsent(rule: str, said: str) -> None:
    # create_reminder checked only that each rule was a str: the rule went out, and the skill
    # learnt of it from Amazon's 400 (the fake's INVALID_TRIGGER) at run time, as an
    # AlexaApiError, in the middle of a conversation.
    _refused_unsent(rule, said)


@pytest.mark.parametrize(("rule", "said"), _RULES_THE_RFC_FORBIDS)
def test_a_grammatical_rule_rfc_5545s_text_forbids_is_a_value_error_unsent(
    rule: str, said: str
) -> None:
    # The grammar takes these (the test above was run on them under its name too); the RFC's
    # "MUST NOT"s refuse them, so create_reminder does, before anything is sent.
    _refused_unsent(rule, said)


@pytest.mark.parametrize(("rule", "said"), _RULES_OF_NO_DAY)
def test_a_numbered_byday_no_month_has_is_a_value_error_unsent(rule: str, said: str) -> None:
    # FREQ=MONTHLY;BYDAY=6MO, a sixth Monday, went out (the grammar's bound is 53, a YEARLY
    # rule's), and the fake created a reminder that never rings.
    _refused_unsent(rule, said)


@pytest.mark.parametrize(
    ("rule", "said"),
    _RULES_OUT_OF_GRAMMAR + _RULES_THE_RFC_FORBIDS + _RULES_OF_NO_DAY + _RULES_OF_NO_TIME,
)
def test_the_client_and_the_fake_say_the_same_of_a_rule_rfc_5545_refuses(
    rule: str, said: str
) -> None:
    # One reading for both, of the grammar and of the text beyond it (its "MUST NOT"s): the
    # fault the client names is the one the fake answers with.
    # Given as create_reminder sends it: the start in startDateTime (Amazon ignores the
    # scheduledTime beside rules).
    start = "2036-12-01T07:30:00.000"
    trigger = {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": start,
        "recurrence": {"startDateTime": start, "recurrenceRules": [rule]},
    }
    with pytest.raises(ValueError) as given:
        FakeAlexaApi(reminders=[{"alertToken": "r1", "trigger": trigger}])
    fakes = str(given.value).split(f"is {rule!r}: ", 1)[1]
    with pytest.raises(ValueError) as raised:
        _run(
            fake_api(FakeAlexaApi()).create_reminder("Stretch", at=_RECURRING_AT, recurrence=[rule])
        )
    assert str(raised.value).split(f"is {rule!r}: ", 1)[1] == fakes
    assert re.search(said, fakes), fakes


@pytest.mark.parametrize(
    "rules",
    [
        # (Amazon's Reminders API reference's own rule, its trailing ";" included)
        ["FREQ=DAILY;BYHOUR=6;BYMINUTE=10;BYSECOND=0;INTERVAL=1;"],
        ["interval=2;freq=weekly;byday=mo,fr", "FREQ=MONTHLY;BYMONTHDAY=-31,1,+31;COUNT=3"],
        # (what RFC 5545's text allows beside the grammar: a numbered BYDAY in a MONTHLY or a
        # YEARLY rule without BYWEEKNO, BYWEEKNO in a YEARLY one, BYSETPOS with another BY part)
        ["freq=monthly;byday=-1fr", "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "FREQ=YEARLY;BYWEEKNO=1"],
        # (a numbered BYDAY at its bounds: five in a month, 53 in a year)
        ["FREQ=MONTHLY;BYDAY=5MO,-5FR", "FREQ=YEARLY;BYMONTH=3;BYDAY=-5SU"],
        ["FREQ=YEARLY;BYDAY=53TH,-53MO", "FREQ=YEARLY;BYDAY=20MO"],
        ["FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "FREQ=DAILY;BYMONTHDAY=1,15"],
        ["FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;UNTIL=20400229T073000Z"],
        ["FREQ=DAILY;INTERVAL=" + "1" * 5000],  # (no int() of it: Python refuses 4,300 digits)
    ],
)
def test_a_rule_rfc_5545_takes_is_sent_as_written(rules: list[str]) -> None:
    fake = FakeAlexaApi()
    _run(fake_api(fake).create_reminder("Stretch", at=_RECURRING_AT, recurrence=rules))
    [call] = fake.calls
    assert (call.status, call.body["trigger"]["recurrence"]["recurrenceRules"]) == (200, rules)


@pytest.mark.parametrize(("rule", "said"), _RULES_OF_NO_TIME)
def test_a_count_of_zero_is_a_value_error_unsent(rule: str, said: str) -> None:
    # COUNT=0 went out (RFC 5545's grammar, 1*DIGIT, takes it), and only the fake refused it,
    # at run time (an AlexaApiError): the client refused a BYDAY=6MO, which never rings either.
    _refused_unsent(rule, said)


#: An UNTIL before the start (2036-12-01T07:30), of the start's kind, read as FakeAlexaApi
#: reads it: a UTC one before it said in its zone (_RECURRING_AT, in UTC), a local one before
#: a naive at= (a date is no UNTIL of either: RFC 5545, 3.3.10).
_UNTILS_BEFORE_THE_START: Final = [
    (dt.datetime(2036, 12, 1, 7, 30, tzinfo=dt.UTC), "FREQ=DAILY;UNTIL=20361130T235959Z"),
    (dt.datetime(2036, 12, 1, 7, 30, tzinfo=dt.UTC), "FREQ=WEEKLY;UNTIL=20361201T072959Z"),
    (dt.datetime(2036, 12, 1, 7, 30), "FREQ=WEEKLY;UNTIL=20361201T072959"),
]


@pytest.mark.parametrize(("at", "rule"), _UNTILS_BEFORE_THE_START)
def test_an_until_before_the_start_is_a_value_error_unsent(at: dt.datetime, rule: str) -> None:
    # Such a rule never rings, as BYDAY=6MO and COUNT=0: the client sent it, and only the fake
    # refused it (400, an AlexaApiError at run time). One reading, one message, for both.
    where = "2036-12-01T07:30:00\\.000, UTC" if at.tzinfo else "2036-12-01T07:30:00\\.000"
    said = (
        rf"its UNTIL is before the reminder's start \({where}\): the "
        r"reminder would never ring \(alexaskill's rule; one on or after it rings: RFC 5545's "
        r"UNTIL is inclusive\)"
    )
    fake = FakeAlexaApi()
    with pytest.raises(ValueError, match=said):
        _run(fake_api(fake).create_reminder("Stretch", at=at, recurrence=["FREQ=DAILY", rule]))
    assert fake.calls == [] and fake.reminders == []
    # Given as create_reminder sends it: the start in startDateTime (Amazon ignores the
    # scheduledTime beside rules).
    start = "2036-12-01T07:30:00.000"
    trigger = {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": start,
        "recurrence": {"startDateTime": start, "recurrenceRules": [rule]},
    }
    if at.tzinfo:
        trigger["timeZoneId"] = "UTC"
    with pytest.raises(ValueError) as given:
        FakeAlexaApi(reminders=[{"alertToken": "r1", "trigger": trigger}])
    assert re.search(said, str(given.value)), given.value


def test_an_until_before_the_start_is_read_in_the_starts_zone() -> None:
    # 07:30 in Berlin is 06:30 UTC: an UNTIL of 06:30 UTC rings once, one a second earlier never.
    at = dt.datetime(2036, 12, 1, 7, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    fake = FakeAlexaApi()
    before = ["FREQ=DAILY;UNTIL=20361201T062959Z"]
    with pytest.raises(ValueError, match=r"start \(2036-12-01T07:30:00\.000, Europe/Berlin\)"):
        _run(fake_api(fake).create_reminder("Stretch", at=at, recurrence=before))
    assert fake.calls == []
    rules = ["FREQ=DAILY;UNTIL=20361201T063000Z", "FREQ=WEEKLY;UNTIL=20361208T063000Z"]
    _run(fake_api(fake).create_reminder("Stretch", at=at, recurrence=rules))
    assert [call.status for call in fake.calls] == [200]


@pytest.mark.parametrize("form", _RULE_FORMS)
def test_a_utc_until_beside_a_local_start_is_refused_whatever_form_the_rules_come_in(
    skill_client: Callable[..., TestClient], form: str
) -> None:
    # Only a list or a tuple was looked at for a UTC UNTIL: given an iterator, the UNTIL went
    # out unjudged, and only the fake refused it (400, an AlexaApiError at run time). A local
    # start's UNTIL is local (RFC 5545, 3.3.10): refused, in any form, the zone not asked.
    rules = _RULE_FORMS[form](["FREQ=DAILY;UNTIL=20361201T062959Z"])
    skill, said = refusal_skill(at=_LOCAL_AT, recurrence=rules)
    client = skill_client(skill, time_zone="Europe/Berlin", now=lambda: MOMENT)
    assert list(client.intent("Remind").api_calls) == []
    [message] = said
    assert "its UNTIL is a UTC date and time, with Z, and the reminder starts at a local" in message


@pytest.mark.parametrize("form", _RULE_FORMS)
def test_a_local_time_gone_with_no_rules_is_judged_whatever_form_they_come_in(
    skill_client: Callable[..., TestClient], form: str
) -> None:
    # An empty iterator is no rule, a one-time reminder, but it is true: the device's zone was
    # not asked, and a local time gone by went out, refused only by the fake (400).
    skill = reminder_skill(at=dt.datetime(2031, 3, 14, 9, 30), recurrence=_RULE_FORMS[form]([]))
    client = skill_client(skill, time_zone="Europe/Paris", now=lambda: MOMENT)
    with pytest.raises(ValueError, match=r"at= 2031-03-14T09:30:00 is in the past"):
        client.intent("Remind")
    assert [call.operation for call in client.api.calls] == ["time_zone"]
    assert client.api.reminders == []


#: An UNTIL of another kind than ``at=``'s start, and the kinds the fault names: the UNTIL's,
#: the start's, and the UNTIL's that start wants.
_UNTILS_OF_ANOTHER_KIND: Final = [
    (
        _LOCAL_AT,
        "20361231T073000Z",
        "a UTC date and time",
        "a local time in no time zone it names (floating) (2036-12-01T07:30:00.000)",
        "a local date and time, without Z",
    ),
    (
        _LOCAL_AT,
        "20361231",
        "a date",
        "a local time in no time zone it names (floating)",
        "a local date and time, without Z",
    ),
    (
        _BERLIN_AT,
        "20361231T073000",
        "a local date and time, without Z",
        "a time in a time zone (2036-12-01T07:30:00.000, Europe/Berlin)",
        "a UTC date and time",
    ),
    (_BERLIN_AT, "20361231", "a date", "a time in a time zone", "a UTC date and time"),
    (
        _RECURRING_AT,
        "20361231",
        "a date",
        "a time in a time zone (2036-12-01T07:30:00.000, UTC)",
        "a UTC date and time",
    ),
]


@pytest.mark.parametrize(("at", "until", "kind", "start", "wanted"), _UNTILS_OF_ANOTHER_KIND)
def test_an_until_of_another_kind_than_the_start_is_a_value_error_unsent_as_the_fake_says(
    at: dt.datetime, until: str, kind: str, start: str, wanted: str
) -> None:
    # RFC 5545 (3.3.10): UNTIL has DTSTART's value type, is local for a floating start and UTC
    # for one in a time zone. Not checked, such a rule went out, its end a guess of Amazon's.
    rule = f"FREQ=DAILY;UNTIL={until}"
    fake = FakeAlexaApi(time_zone="Europe/Berlin")
    with pytest.raises(ValueError) as raised:
        _run(fake_api(fake).create_reminder("Stretch", at=at, recurrence=[rule]))
    assert fake.calls == []
    message = str(raised.value)
    said = f"its UNTIL is {kind}, "
    assert said in message and f"the reminder starts at {start}" in message, message
    assert f"): its UNTIL is {wanted}" in message and "(RFC 5545, 3.3.10: " in message, message
    # The fake, given the trigger the client would send, says the same of it.
    trigger = {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": "2036-12-01T07:30:00.000",
        "recurrence": {"startDateTime": "2036-12-01T07:30:00.000", "recurrenceRules": [rule]},
    }
    if at.tzinfo is not None:
        trigger["timeZoneId"] = str(getattr(at.tzinfo, "key", "UTC"))
    with pytest.raises(ValueError) as given:
        FakeAlexaApi(reminders=[{"alertToken": "r1", "trigger": trigger}])
    assert str(given.value).split(f"is {rule!r}: ", 1)[1] == message.split(f"is {rule!r}: ")[1]


@pytest.mark.parametrize("form", _RULE_FORMS)
def test_an_until_of_the_starts_kind_is_sent_whatever_form_the_rules_come_in(form: str) -> None:
    rules = ["FREQ=DAILY;UNTIL=20361231T073000", "FREQ=WEEKLY;UNTIL=20361201T073000"]
    fake = FakeAlexaApi(time_zone="Europe/Berlin")
    _run(
        fake_api(fake).create_reminder("Stretch", at=_LOCAL_AT, recurrence=_RULE_FORMS[form](rules))
    )
    [call] = [call for call in fake.calls if call.operation == "create_reminder"]
    assert (call.status, call.body["trigger"]["recurrence"]["recurrenceRules"]) == (200, rules)
