"""`FakeAlexaApi`'s recurring reminders that Amazon takes: their rules, their start and end,
the scheduled time beside them, and the moments they ring."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Final

import msgspec
import pytest

from alexaskill import Reminder
from alexaskill.alexa_api import ReminderTrigger
from alexaskill.testing import FakeAlexaApi
from tests.fake_reminders_shared import _AT, _create, _wire, refused_trigger, run, skill_api


@pytest.mark.parametrize(
    "recurrence",
    [
        {"recurrenceRules": ["FREQ=WEEKLY;BYDAY=MO"]},
        {
            "startDateTime": "2031-03-15T07:30:00.000",
            "endDateTime": "2031-06-15T07:30:00.000",
            "recurrenceRules": ["FREQ=DAILY;BYHOUR=7;BYMINUTE=30", "interval=2;freq=weekly"],
        },
        # (Amazon's Reminders API reference's own rule, its INTERVAL, and its trailing ";")
        {"recurrenceRules": ["FREQ=DAILY;BYHOUR=6;BYMINUTE=10;BYSECOND=0;INTERVAL=1;"]},
        {"recurrenceRules": ["FREQ=MONTHLY;INTERVAL=12", "FREQ=WEEKLY;INTERVAL=02;BYDAY=MO"]},
        # RFC 5545's grammar at its edges, each part's values in any case it allows
        {
            "recurrenceRules": [
                "FREQ=WEEKLY;BYDAY=MO,fr,TU;WKST=su;UNTIL=20311231T073000",
                "FREQ=MONTHLY;BYDAY=MO,-1fr,+2TU",
                "FREQ=MONTHLY;BYMONTHDAY=-31,1,+31;COUNT=3",
                "FREQ=YEARLY;BYMONTH=2,12;BYMONTHDAY=29;BYSETPOS=-366,1;BYYEARDAY=+366",
                # (a numbered BYDAY is not for a YEARLY rule with BYWEEKNO: RFC 5545, 3.3.10)
                "FREQ=YEARLY;BYWEEKNO=-53,53;BYDAY=MO;UNTIL=20320229T000000",
                "FREQ=DAILY;BYHOUR=0,23;BYMINUTE=00,59;BYSECOND=0,60;UNTIL=20311231T235960",
                # (no int() of the digits: over 4,300 of them, Python's int refuses them)
                "FREQ=DAILY;INTERVAL=" + "1" * 5000,
            ]
        },
        # (an UNTIL at the start, on its day, or later: it rings once; each of its start's kind,
        # RFC 5545's: local for this floating start, a date for a start on a date, UTC for one
        # with Z)
        {"recurrenceRules": ["FREQ=DAILY;UNTIL=20310315T073000"]},
        {"startDateTime": "2031-03-15", "recurrenceRules": ["FREQ=DAILY;UNTIL=20310315"]},
        {
            "startDateTime": "2031-03-01",
            "recurrenceRules": ["FREQ=WEEKLY;UNTIL=20310301", "FREQ=YEARLY;UNTIL=20320229"],
        },
        {"freq": "WEEKLY", "byDay": ["MO"]},  # (Amazon's older fields, still taken)
        {"freq": "DAILY", "interval": 1},  # (the least interval: every day)
        # (a freq Amazon's model does not allow, beside the rules that make Amazon ignore it,
        # as it ignores scheduledTime there: not judged)
        {"recurrenceRules": ["FREQ=DAILY"], "freq": "MONTHLY"},
        {"recurrenceRules": ["FREQ=DAILY"], "freq": "WEEKLY", "byDay": ["XX"]},  # (so byDay)
        {"freq": "WEEKLY", "byDay": ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]},
        # (an empty byDay: Amazon documents no refusal of one, its model no least length)
        {"freq": "WEEKLY", "byDay": []},
    ],
)
def test_a_recurrence_amazon_takes_is_created_and_given(recurrence: dict[str, Any]) -> None:
    fake = FakeAlexaApi()
    answer = _create(fake, {**_AT, "recurrence": recurrence})
    assert answer.status_code == 200, answer.text
    [kept] = fake.reminders
    assert kept.trigger is not None and _wire(kept.trigger.recurrence) == recurrence
    given = FakeAlexaApi(reminders=[{"trigger": {**_AT, "recurrence": recurrence}}])
    assert given.reminders[0].trigger == kept.trigger


@pytest.mark.parametrize(
    "recurrence",
    [
        {"recurrenceRules": ["FREQ=DAILY;BYHOUR=7;BYMINUTE=30"]},
        {"startDateTime": "2031-03-15T07:30:00.000", "recurrenceRules": ["FREQ=WEEKLY;BYDAY=MO"]},
    ],
)
def test_a_recurring_reminder_without_scheduled_time_is_created(
    recurrence: dict[str, Any],
) -> None:
    # Refused (400 "scheduledTime is required"): Amazon's Reminders API reference says its
    # scheduledTime is ignored when a recurrence carries startDateTime, endDateTime or
    # recurrenceRules, so a skill that leaves it out there is answered by Amazon, not by the fake.
    fake = FakeAlexaApi()
    trigger = {"type": "SCHEDULED_ABSOLUTE", "timeZoneId": "Europe/Paris", "recurrence": recurrence}
    answer = _create(fake, trigger)
    assert answer.status_code == 200, answer.text
    [kept] = fake.reminders
    assert kept.trigger is not None and _wire(kept.trigger.recurrence) == recurrence
    assert kept.trigger.scheduled_time is None


@pytest.mark.parametrize(
    "recurrence", [None, {"freq": "WEEKLY", "byDay": ["MO"]}], ids=["one-time", "older-fields"]
)
def test_a_reminder_timed_by_no_rule_still_needs_its_scheduled_time(
    recurrence: dict[str, Any] | None,
) -> None:
    # Amazon's older freq and byDay say no time of day: scheduledTime does.
    trigger = {"type": "SCHEDULED_ABSOLUTE", "recurrence": recurrence}
    assert refused_trigger(trigger) == "scheduledTime is required"


def test_a_recurrence_is_a_typed_value_in_amazons_names() -> None:
    # trigger.recurrence was a dict of anything: a test read recurrence["recurrenceRules"]
    # unchecked by mypy, and a key of no field given in code was kept, unread by anyone.
    from alexaskill.alexa_api import ReminderRecurrence

    ruled = {
        "startDateTime": "2031-03-15T07:30:00.000",
        "endDateTime": "2031-06-15T07:30:00.000",
        "recurrenceRules": ["FREQ=DAILY;BYHOUR=7;BYMINUTE=30"],
    }
    fake = FakeAlexaApi()
    assert _create(fake, {**_AT, "recurrence": ruled}).status_code == 200
    [created] = fake.reminders
    assert created.trigger is not None
    assert created.trigger.recurrence == ReminderRecurrence(
        start_date_time="2031-03-15T07:30:00.000",
        end_date_time="2031-06-15T07:30:00.000",
        recurrence_rules=("FREQ=DAILY;BYHOUR=7;BYMINUTE=30",),
    )
    older = {"freq": "WEEKLY", "byDay": ["MO", "TH"], "interval": 2}  # (deprecated, still taken)
    typed = ReminderRecurrence(freq="WEEKLY", by_day=("MO", "TH"), interval=2)
    given = FakeAlexaApi(
        reminders=[
            {"alertToken": "r1", "trigger": {**_AT, "recurrence": older}},
            Reminder(
                alert_token="r2",
                trigger=ReminderTrigger(
                    type="SCHEDULED_ABSOLUTE",
                    scheduled_time="2031-03-15T07:30:00.000",
                    recurrence=typed,
                ),
            ),
            {
                "alertToken": "r3",
                "trigger": {**_AT, "recurrence": {"by_day": ["MO"], "freq": "WEEKLY"}},
            },
        ]
    )
    read = run(skill_api(given).get_reminders())  # served as JSON, decoded by the skill's API
    assert [r.trigger.recurrence for r in read if r.trigger is not None] == [
        typed,
        typed,
        ReminderRecurrence(freq="WEEKLY", by_day=("MO",)),  # (the Python names taken, as elsewhere)
    ]
    assert json.loads(msgspec.json.encode(read[0].trigger)) == {**_AT, "recurrence": older}
    with pytest.raises(ValueError, match=r"reminders\[0\]\.trigger\.recurrence: 'byday' is no "):
        FakeAlexaApi(reminders=[{"trigger": {**_AT, "recurrence": {"freq": "DAILY", "byday": []}}}])
    with pytest.raises(
        ValueError, match=r"reminders\[0\]\.trigger\.recurrence\.byDay is 'MO': a list of days"
    ):
        FakeAlexaApi(
            reminders=[{"trigger": {**_AT, "recurrence": {"freq": "DAILY", "byDay": "MO"}}}]
        )
    # (a str interval is said as the skill's is: the fake's check, naming the field)
    with pytest.raises(ValueError, match=r"reminders\[0\]\.trigger\.recurrence\.interval is '2'"):
        FakeAlexaApi(
            reminders=[{"trigger": {**_AT, "recurrence": {"freq": "DAILY", "interval": "2"}}}]
        )


@pytest.mark.parametrize("rule", [5, None, ["FREQ=DAILY"]])
def test_a_rule_that_is_no_str_is_said_as_a_rule_without_freq(rule: object) -> None:
    # The fake spelt out its own copy of the grammar's fault for a rule without FREQ: one
    # definition (`recurrence.NO_FREQ`) for both, so that they cannot drift apart.
    from alexaskill.alexa_api.recurrence import NO_FREQ, rule_fault

    assert rule_fault("BYHOUR=7") == NO_FREQ
    answer = _create(FakeAlexaApi(), {**_AT, "recurrence": {"recurrenceRules": [rule]}})
    assert answer.status_code == 400, answer.text
    assert answer.json()["message"] == f"recurrence.recurrenceRules[0] is {rule!r}: {NO_FREQ}"


#: A daily reminder in New York starting at 02:30 on 14 March 2027, a time its clocks skip
#: (02:00 EST to 03:00 EDT): RFC 5545 (3.3.5) reads it at the offset before the gap, 03:30 EDT,
#: 07:30 UTC, its first time.
_GAP_START: Final = {
    "type": "SCHEDULED_ABSOLUTE",
    "scheduledTime": "2027-03-14T02:30:00.000",
    "timeZoneId": "America/New_York",
}


#: A daily one starting at 01:30 on 7 November 2027 there, a time said twice (the clocks go back
#: at 02:00 EDT to 01:00 EST): RFC 5545 reads it as the first, 01:30 EDT, 05:30 UTC.
_REPEATED_START: Final = {**_GAP_START, "scheduledTime": "2027-11-07T01:30:00.000"}


@pytest.mark.parametrize(
    ("start", "until", "rings"),
    [
        # Before 07:30 UTC, though after 02:30 on the wall clock (03:15 EDT): it never rings.
        (_GAP_START, "20270314T071500Z", False),
        (_GAP_START, "20270314T072959Z", False),
        # On its first time (inclusive): it rings once, at 03:30 EDT.
        (_GAP_START, "20270314T073000Z", True),
        # 06:15 UTC is 01:15 EST, the second 01:15, after the start (01:30 EDT, 05:30 UTC),
        # though before 01:30 on the wall clock: it rings once.
        (_REPEATED_START, "20271107T061500Z", True),
        (_REPEATED_START, "20271107T052959Z", False),
    ],
)
def test_a_utc_until_is_compared_with_the_moment_a_start_in_a_gap_or_repeated_time_rings(
    start: dict[str, Any], until: str, rings: bool
) -> None:
    # A UTC UNTIL was said on the zone's wall clock and compared with the start's wall time, so
    # a start the clocks skip (02:30, which rings at 03:30 EDT) was taken with an UNTIL of
    # 03:15 EDT, a reminder that never rings; and a start at the first of a repeated time with
    # an UNTIL at the second 01:15, after it, was refused as before it.
    rule = f"FREQ=DAILY;UNTIL={until}"
    fake = FakeAlexaApi(now=lambda: dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC))
    answer = _create(
        fake,
        {
            **start,
            "recurrence": {"startDateTime": start["scheduledTime"], "recurrenceRules": [rule]},
        },
    )
    if rings:
        assert answer.status_code == 200, answer.text
        return
    assert answer.status_code == 400, answer.text
    assert answer.json()["message"] == (
        f"recurrence.recurrenceRules[0] is {rule!r}: its UNTIL is before the reminder's start "
        f"({start['scheduledTime']}, America/New_York): the reminder would never ring "
        "(alexaskill's rule; one on or after it rings: RFC 5545's UNTIL is inclusive)"
    )


@pytest.mark.parametrize(
    "scheduled", ["2031-03-15T06:30:00.000Z", "2031-03-15T07:30:00+01:00", "soon"]
)
def test_a_scheduled_time_amazon_ignores_beside_recurrence_rules_is_not_judged(
    scheduled: str,
) -> None:
    # Amazon's Reminders API reference: with startDateTime, endDateTime or recurrenceRules in
    # the payload, "freq, byDay, and scheduledTime" of the old recurrence "are ignored" (its
    # Japanese edition: 古い繰り返しルールのfreq、byDay、scheduledTimeは無視されます). The fake
    # refused such a scheduledTime with a Z, an offset or no time at all (400 INVALID_TRIGGER),
    # a body Amazon takes, and took it as the start an UNTIL is judged against.
    fake = FakeAlexaApi(now=lambda: dt.datetime(2031, 3, 1, 9, 0, tzinfo=dt.UTC))
    rules = {"recurrenceRules": ["FREQ=DAILY;UNTIL=20310401T063000Z"]}
    trigger = {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": scheduled,
        "timeZoneId": "Europe/Paris",
        "recurrence": {"startDateTime": "2031-03-15T07:30:00.000", **rules},
    }
    answer = _create(fake, trigger)
    assert answer.status_code == 200, answer.text
    # Without startDateTime too: the rules time it, and the ignored time is no start.
    answer = _create(fake, {**trigger, "recurrence": rules})
    assert answer.status_code == 200, answer.text
    # Given in a test's data: taken, as the skill's is.
    kept = FakeAlexaApi(reminders=[{"alertToken": "r1", "trigger": trigger}])
    assert kept.reminders[0].trigger is not None
    assert kept.reminders[0].trigger.scheduled_time == scheduled
    # The older freq names no time of day: scheduledTime gives it, and is judged.
    older = {**trigger, "recurrence": {"freq": "DAILY"}}
    assert _create(fake, older).status_code == 400


@pytest.mark.parametrize(
    ("until", "zone", "refused"),
    [
        # Before the ignored scheduledTime (07:30 Paris, 06:30 UTC, 15 March), after the call:
        # refused as before that start (400), though Amazon takes no start from it.
        ("20310315T062959Z", "Europe/Paris", None),
        # A local UNTIL beside a zone: no DTSTART's kind to match (400 before: "a UTC one").
        ("20311231T073000", "Europe/Paris", None),
        ("20311231", "Europe/Paris", None),
        # Before the call (09:00 UTC, 10:00 in Paris, 14 March): it would never ring.
        ("20310314T085959Z", "Europe/Paris", r"\(2031-03-14T10:00:00\+01:00, Europe/Paris\)"),
        ("20310314T095959", "Europe/Paris", r"\(2031-03-14T10:00:00\+01:00, Europe/Paris\)"),
        ("20310313", "Europe/Paris", r"\(2031-03-14T10:00:00\+01:00, Europe/Paris\)"),
        ("20310314T085959Z", None, r"\(2031-03-14T09:00:00\+00:00\)"),
        # A local one with no zone known (none named, the device's unset): not judged.
        ("20310314T085959", None, None),
    ],
)
def test_rules_without_a_start_date_time_end_after_the_reminder_is_made(
    until: str, zone: str | None, refused: str | None
) -> None:
    # Amazon names no start for rules without startDateTime: its Reminders API reference says
    # scheduledTime is ignored beside recurrenceRules, and its model (ask-sdk-model's
    # Recurrence) calls startDateTime an "optional start DateTime of recurrence". The fake
    # took scheduledTime as the start, judging an UNTIL by a time Amazon ignores. A reminder
    # rings after it is made, whatever its start: an UNTIL before then never rings.
    fake = FakeAlexaApi(now=lambda: dt.datetime(2031, 3, 14, 9, 0, tzinfo=dt.UTC))
    rules = {"recurrenceRules": [f"FREQ=DAILY;UNTIL={until}"]}
    trigger = {**_AT, "recurrence": rules} | ({"timeZoneId": zone} if zone else {})
    answer = _create(fake, trigger)
    if refused is None:
        assert answer.status_code == 200, answer.text
    else:
        assert answer.json()["code"] == "INVALID_TRIGGER", answer.text
        said = rf"its UNTIL is before the reminder is made {refused}: the reminder would never "
        assert re.search(said + "ring", answer.json()["message"]), answer.text
    # Given in a test's data, made at no known time: kept (it was refused by its scheduledTime).
    kept = FakeAlexaApi(reminders=[{"alertToken": "r1", "trigger": trigger}])
    assert [r.alert_token for r in kept.reminders] == ["r1"]


@pytest.mark.parametrize("start", ["2031-03-15T07:30:00.000Z", "2031-03-15T08:30:00+01:00"])
def test_a_start_with_an_offset_reaches_no_until_check(start: str) -> None:
    # `recurrence._start_kind` had a branch for a start with a Z or an offset ("a UTC UNTIL
    # for it"), which neither side reaches: the fake refuses such a startDateTime first, reads
    # such a scheduledTime as no start, and create_reminder sends a local time. Removed: a
    # start with an offset, which Amazon's reminders do not take, is one `until_fault` does
    # not judge (it judged a UTC UNTIL before it, as no request could ever ask).
    from alexaskill.alexa_api.recurrence import until_fault

    assert until_fault("FREQ=DAILY;UNTIL=20310101T000000Z", start, None) is None
    assert until_fault("FREQ=DAILY;UNTIL=20310101T000000", start, "Europe/Paris") is None
    fake = FakeAlexaApi(now=lambda: dt.datetime(2031, 3, 1, 9, 0, tzinfo=dt.UTC))
    rules = {"recurrenceRules": ["FREQ=DAILY;UNTIL=20310101T000000Z"]}
    first = _create(fake, {**_AT, "recurrence": {"startDateTime": start, **rules}})
    assert first.status_code == 400, first.text
    assert "recurrence.startDateTime" in first.json()["message"]
    assert "has a UTC offset" in first.json()["message"]
    # (an UNTIL after the call's now, 1 March, before that time: ignored, as any scheduledTime
    # beside rules is, it is no start the UNTIL is compared with)
    later = {"recurrenceRules": ["FREQ=DAILY;UNTIL=20310310T000000Z"]}
    ignored = _create(fake, {**_AT, "scheduledTime": start, "recurrence": later})
    assert ignored.status_code == 200, ignored.text
