"""`FakeAlexaApi`'s reminders checked where the test gives them, as its products are: each a
`Reminder`, or a mapping of its fields read as one; anything else a `ValueError` naming the
entry, not a failure deep in the fake when the skill reads or deletes its reminders."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any, Final
from zoneinfo import ZoneInfo

import anyio
import httpx
import msgspec
import pytest

from alexaskill import AlexaApi, Reminder
from alexaskill.alexa_api import PushNotification, ReminderTrigger
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory


def skill_api(fake: FakeAlexaApi) -> AlexaApi:
    """A handler's `AlexaApi`, answered by ``fake``."""
    return AlexaApi(decode_envelope(json.dumps(RequestFactory().intent("Remind"))), client=fake)


def run(call: Any) -> Any:
    async def main() -> Any:
        return await call

    return anyio.run(main)


@pytest.mark.parametrize(
    ("wrong", "said"),
    [
        # Kept as given: get_reminders served "soon" (the skill's decoding failed), and
        # delete_reminder raised AttributeError ('str' object has no attribute 'alert_token').
        (["soon"], r"reminders\[0\] is 'soon': a Reminder, or a mapping of its fields \(Remi"),
        ([Reminder(alert_token="r1"), 5], r"reminders\[1\] is 5: a Reminder"),
        ([None], r"reminders\[0\] is None: a Reminder"),
        # A mapping's key of no field (its data dropped unnoticed), or a value of no such kind.
        ([{"alertTokn": "r1"}], r"reminders\[0\]: 'alertTokn' is no field of Reminder"),
        ([{"alertToken": 5}], r"reminders\[0\]\.alertToken is 5: the reminder's id, a string"),
        # A struct is not checked when made: it was served as JSON 5 or "soon".
        (
            [Reminder(alert_token=5)],  # type: ignore[arg-type]
            r"reminders\[0\]\.alertToken is 5: the reminder's id, a string",
        ),
        (
            [Reminder(trigger="soon")],  # type: ignore[arg-type]
            r"reminders\[0\]\.trigger is 'soon': an object \(\{'type': 'SCHEDULED_RELATIVE'",
        ),
        # A key of no field inside a nested part: dropped unnoticed (offset_in_seconds None,
        # no text, no push notification), where the test meant to give it.
        (
            [{"alertToken": "r1", "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSecs": 60}}],
            r"reminders\[0\]\.trigger: 'offsetInSecs' is no field of ReminderTrigger \(its "
            r"fields: type, scheduled_time, offset_in_seconds, .*; or Amazon's names for them, "
            r"type, scheduledTime, offsetInSeconds, ",
        ),
        (
            [
                Reminder(alert_token="r0"),
                {"alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "txt": "walk"}]}}},
            ],
            r"reminders\[1\]\.alertInfo\.spokenInfo\.content\[0\]: 'txt' is no field of "
            r"SpokenText",
        ),
        (
            [{"alert_token": "r1", "push_notification": {"state": "ENABLED"}}],
            r"reminders\[0\]\.pushNotification: 'state' is no field of PushNotification",
        ),
        # A nested struct of another kind, or one not checked when made, inside a mapping.
        (
            [Reminder(trigger=PushNotification(status="ENABLED"))],  # type: ignore[arg-type]
            r"reminders\[0\]\.trigger: 'status' is no field of ReminderTrigger",
        ),
        (
            [{"trigger": ReminderTrigger(offset_in_seconds="60")}],  # type: ignore[arg-type]
            r"reminders\[0\]\.trigger\.offsetInSeconds is '60': a positive whole number of "
            r"seconds, written as a number \(3600, not '3600'\)$",
        ),
    ],
)
def test_a_reminder_of_the_wrong_kind_is_refused_where_it_is_given(
    wrong: list[Any], said: str
) -> None:
    with pytest.raises(ValueError, match=said):
        FakeAlexaApi(reminders=wrong)
    mine = [Reminder(alert_token="r0")]
    api = FakeAlexaApi(reminders=mine)
    with pytest.raises(ValueError, match=said):
        api.reminders = wrong
    assert api.reminders is mine  # (the value before stays)


def test_reminders_given_as_mappings_are_read_served_and_deleted() -> None:
    # A mapping (an --alexa-api file's JSON) was kept as it was: served as given, so one with
    # the Python field names was read back empty, and deleting any reminder raised
    # AttributeError ('dict' object has no attribute 'alert_token') out of the fake.
    given: list[Any] = [
        {
            "alertToken": "r1",
            "status": "ON",
            "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
        },
        {"alert_token": "r2", "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 60}},
    ]
    fake = FakeAlexaApi(reminders=given)
    assert all(isinstance(reminder, Reminder) for reminder in fake.reminders)
    assert given[1] == {  # (the test's own list and mappings are left as they were)
        "alert_token": "r2",
        "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 60},
    }
    api = skill_api(fake)
    read = run(api.get_reminders())
    assert [(r.alert_token, r.text) for r in read] == [("r1", "walk the dog"), ("r2", None)]
    assert read[1].trigger is not None and read[1].trigger.offset_in_seconds == 60
    assert run(api.delete_reminder("r1")) is True
    assert [r.alert_token for r in fake.reminders] == ["r2"]


def test_the_nested_parts_of_a_reminder_take_python_names_too() -> None:
    # As its top-level keys do (alert_token): a nested part's were dropped, the trigger read
    # with no offset and the reminder with no words, and the test passed on data it lacked.
    fake = FakeAlexaApi(
        reminders=[
            {
                "alert_token": "r1",
                "trigger": {"type": "SCHEDULED_RELATIVE", "offset_in_seconds": 60},
                "alert_info": {"spoken_info": {"content": [{"locale": "en-US", "text": "walk"}]}},
                "push_notification": {"status": "ENABLED"},
            }
        ]
    )
    [read] = run(skill_api(fake).get_reminders())
    assert read.trigger == ReminderTrigger(type="SCHEDULED_RELATIVE", offset_in_seconds=60)
    assert fake.reminders[0].trigger == read.trigger  # (kept as a Reminder: typed as one)
    assert read.text == "walk"
    assert read.push_notification == PushNotification(status="ENABLED")


def test_a_nested_key_of_no_field_put_in_place_is_refused_when_served() -> None:
    fake = FakeAlexaApi()
    fake.reminders.append(
        {"alertToken": "r1", "trigger": {"offsetInSecs": 60}}  # type: ignore[arg-type]
    )
    with pytest.raises(ValueError, match=r"reminders\[0\]\.trigger: 'offsetInSecs' is no"):
        run(skill_api(fake).get_reminders())


def test_reminders_are_typed_as_given_and_as_read() -> None:
    # mypy refused `reminders=[{...}]` (the field was typed list[Reminder]) though it is taken;
    # read, they are the fake's list of Reminder: a created one's fields need no cast.
    fake = FakeAlexaApi(reminders=[{"alertToken": "r1"}, Reminder(alert_token="r2")])
    fake.reminders = ({"alert_token": "r3"},)
    fake.reminders = None
    fake.reminders.append(Reminder(alert_token="r4"))
    tokens: list[str] = [reminder.alert_token for reminder in fake.reminders]
    assert tokens == ["r4"]


def test_a_list_of_reminders_given_is_the_fakes_own() -> None:
    # (As before: a test that holds the list reads there the reminders the skill creates.)
    mine = [Reminder(alert_token="r1")]
    fake = FakeAlexaApi(reminders=mine)
    assert fake.reminders is mine
    assert run(skill_api(fake).delete_reminder("r1")) is True
    assert mine == []


def test_a_wrong_reminder_put_in_place_is_refused_when_served() -> None:
    # As a product appended in place: `fake.reminders.append(...)` is not an assignment, so it
    # is checked when the skill reads the reminders. Served, the fake answered 200 ["soon"].
    fake = FakeAlexaApi()
    fake.reminders.append("soon")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"reminders\[0\] is 'soon'"):
        run(skill_api(fake).get_reminders())
    with fake.serve() as url:
        answer = httpx.get(url + "/v1/alerts/reminders", headers={"Authorization": "Bearer t"})
    assert answer.status_code == 500
    assert answer.json()["code"] == "FAKE_DATA"
    assert "reminders[0] is 'soon'" in answer.json()["message"]


def test_the_cli_reads_reminders_of_the_alexa_api_file(tmp_path: Any) -> None:
    from alexaskill.cli.common import UsageError
    from alexaskill.cli.inputs import fake_alexa_api

    data = tmp_path / "api.json"
    data.write_text('{"reminders": [{"alertToken": "r1", "status": "ON"}]}')
    assert fake_alexa_api(str(data)).reminders == [Reminder(alert_token="r1", status="ON")]
    data.write_text('{"reminders": ["walk the dog"]}')
    with pytest.raises(UsageError, match=r"--alexa-api .*api.json: reminders\[0\] is 'walk"):
        fake_alexa_api(str(data))


def test_a_wrong_reminder_put_in_place_is_refused_when_the_skill_creates_one() -> None:
    # As get_reminders and delete_reminder do: create_reminder answered 200 and added the
    # skill's reminder beside "soon", which failed a later call of the skill's instead.
    fake = FakeAlexaApi()
    kept: list[Any] = fake.reminders
    kept.append("soon")
    with pytest.raises(ValueError, match=r"reminders\[0\] is 'soon'"):
        run(skill_api(fake).create_reminder("walk the dog", after=dt.timedelta(minutes=5)))
    assert kept == ["soon"]  # (nothing added)
    body = {
        "requestTime": "2031-03-14T09:00:00.000",
        "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 300},
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
    }
    with fake.serve() as url:
        answer = httpx.post(
            url + "/v1/alerts/reminders", json=body, headers={"Authorization": "Bearer t"}
        )
    assert answer.status_code == 500
    assert answer.json()["code"] == "FAKE_DATA"
    assert "reminders[0] is 'soon'" in answer.json()["message"]
    assert kept == ["soon"]


@pytest.mark.parametrize(
    ("part", "wrong", "code", "said"),
    [
        (
            "alertInfo",
            {"spokenInfo": {"content": [{"locale": "en-US", "text": 5}]}},
            "INVALID_ALERT_INFO",
            "alertInfo.spokenInfo.content[0].text is 5: ",
        ),
        ("pushNotification", "ENABLED", "INVALID_REQUEST", "pushNotification is 'ENABLED': "),
    ],
)
def test_a_reminder_body_that_does_not_read_is_a_400(
    part: str, wrong: Any, code: str, said: str
) -> None:
    # A skill in another process (serve --dev) sent it: the fake answered 500 FAKE_DATA, "the
    # fake Alexa API's data is wrong", blaming the test's data for the skill's request. (Its
    # code the part's, as its values' are: test_alexa_api_kinds.py.)
    body = {
        "requestTime": "2031-03-14T09:00:00.000",
        "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 300},
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
        part: wrong,
    }
    fake = FakeAlexaApi()
    with fake.serve() as url:
        answer = httpx.post(
            url + "/v1/alerts/reminders", json=body, headers={"Authorization": "Bearer t"}
        )
    assert answer.status_code == 400
    assert answer.json()["code"] == code
    assert answer.json()["message"].startswith(said)
    assert fake.reminders == []


def _create(fake: FakeAlexaApi, trigger: dict[str, Any]) -> httpx.Response:
    """The skill's "create a reminder" call of ``trigger``, answered by ``fake`` in-process."""
    body = {
        "requestTime": "2031-03-14T09:00:00.000",
        "trigger": trigger,
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
    }
    with httpx.Client(transport=httpx.MockTransport(fake.handle), trust_env=False) as client:
        return client.post(
            "http://fake/v1/alerts/reminders", json=body, headers={"Authorization": "Bearer t"}
        )


_AT: Final = {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": "2031-03-15T07:30:00.000"}
#: Fields no part of Amazon's "create a reminder" body has, each where a skill may put it: the
#: 400's code, and what its message starts with.
_UNKNOWN_FIELDS: Final = [
    # A weekly reminder with its freq beside the trigger's type rang once: the fake dropped it.
    (
        {"trigger": {**_AT, "freq": "WEEKLY"}},
        "INVALID_TRIGGER",
        "trigger.freq is no field of Amazon's trigger: a recurrence's fields go in "
        "trigger.recurrence",
    ),
    (
        {"trigger": {**_AT, "recurrenceRules": ["FREQ=DAILY"]}},
        "INVALID_TRIGGER",
        "trigger.recurrenceRules is no field of Amazon's trigger: a recurrence's fields go in",
    ),
    (
        {"trigger": {**_AT, "timezoneId": "Europe/Paris"}},
        "INVALID_TRIGGER",
        # (as Amazon's Reminders overview writes it: the models name timeZoneId)
        "trigger.timezoneId is no field of Amazon's trigger (did you mean timeZoneId? Amazon's "
        "Reminders overview writes timezoneId",
    ),
    (
        {"trigger": {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY"], "byday": ["MO"]}}},
        "INVALID_TRIGGER",
        "trigger.recurrence.byday is no field of Amazon's recurrence (did you mean byDay?)",
    ),
    (
        {"trigger": {"type": "SCHEDULED_RELATIVE", "offset_in_seconds": 60, "offsetInSeconds": 60}},
        "INVALID_TRIGGER",
        "trigger.offset_in_seconds is no field of Amazon's trigger (did you mean offsetInSeconds?)",
    ),
    (
        {"alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "t", "tone": 1}]}}},
        "INVALID_ALERT_INFO",
        "alertInfo.spokenInfo.content[0].tone is no field of Amazon's spoken text",
    ),
    (
        {"pushNotification": {"status": "ENABLED", "sound": "bell"}},
        "INVALID_REQUEST",
        "pushNotification.sound is no field of Amazon's push notification",
    ),
    ({"repeat": "WEEKLY"}, "INVALID_REQUEST", "repeat is no field of Amazon's reminder request"),
]


@pytest.mark.parametrize(("changed", "code", "said"), _UNKNOWN_FIELDS)
def test_a_field_amazons_reminder_body_has_not_is_a_400_not_dropped(
    changed: dict[str, Any], code: str, said: str
) -> None:
    # Amazon's Reminders API reference lists the body's fields; one it does not name is read by
    # no one, and what the skill meant by it (a recurrence, a zone) was lost without a word.
    body = {
        "requestTime": "2031-03-14T09:00:00.000",
        "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 60},
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
        "pushNotification": {"status": "ENABLED"},
        **changed,
    }
    fake = FakeAlexaApi()
    with httpx.Client(transport=httpx.MockTransport(fake.handle), trust_env=False) as client:
        answer = client.post(
            "http://fake/v1/alerts/reminders", json=body, headers={"Authorization": "Bearer t"}
        )
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == code
    assert answer.json()["message"].startswith(said), answer.json()["message"]
    assert fake.reminders == []


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
    fake = FakeAlexaApi()
    answer = _create(fake, trigger)
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "INVALID_TRIGGER"
    assert re.search(said, answer.json()["message"]), answer.json()["message"]
    assert fake.reminders == []


def _wire(value: object) -> Any:
    """``value`` as Amazon's JSON has it (a `ReminderRecurrence`'s camelCase names, lists)."""
    return json.loads(msgspec.json.encode(value))


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
    fake = FakeAlexaApi()
    answer = _create(fake, {"type": "SCHEDULED_ABSOLUTE", "recurrence": recurrence})
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"code": "INVALID_TRIGGER", "message": "scheduledTime is required"}
    assert fake.reminders == []


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


@pytest.mark.parametrize(
    "trigger",
    [
        {"type": "SCHEDULED_ABSOLUTE"},
        {"type": "SCHEDULED_ABSOLUTE", "timeZoneId": "Europe/Paris"},
        {"type": "SCHEDULED_ABSOLUTE", "recurrence": {"freq": "WEEKLY", "byDay": ["MO"]}},
        ReminderTrigger(type="SCHEDULED_ABSOLUTE", time_zone_id="Europe/Paris"),
    ],
    ids=["bare", "zone", "older-fields", "struct"],
)
def test_a_reminder_given_without_the_scheduled_time_amazon_requires_is_refused(
    trigger: Any,
) -> None:
    # Created by the skill it is refused (400 "scheduledTime is required"); given in code, it
    # was kept and served: a one-time reminder Amazon never holds, with no time to ring at.
    said = r"reminders\[1\]\.trigger\.scheduledTime is required"
    with pytest.raises(ValueError, match=said + r": a SCHEDULED_ABSOLUTE trigger rings at it"):
        FakeAlexaApi(reminders=[{"alertToken": "r0"}, {"alertToken": "r1", "trigger": trigger}])
    with pytest.raises(ValueError, match=said):
        FakeAlexaApi(reminders=[Reminder(), Reminder(trigger=_as_trigger(trigger))])
    fake = FakeAlexaApi()
    fake.reminders.append({"alertToken": "r1", "trigger": trigger})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"reminders\[0\]\.trigger\.scheduledTime is required"):
        run(skill_api(fake).get_reminders())


def _as_trigger(trigger: Any) -> ReminderTrigger:
    if isinstance(trigger, ReminderTrigger):
        return trigger
    # A bool where a number goes is set after: msgspec refuses it, a struct made takes it.
    fields = msgspec.structs.fields(ReminderTrigger)
    wrong = {
        f.name: trigger[f.encode_name] for f in fields if type(trigger.get(f.encode_name)) is bool
    }
    read = {key: value for key, value in trigger.items() if type(value) is not bool}
    return msgspec.structs.replace(msgspec.convert(read, ReminderTrigger), **wrong)


def test_a_reminder_given_without_a_scheduled_time_it_needs_not_is_kept() -> None:
    # Timed by its recurrence's rules (Amazon ignores scheduledTime then), or relative.
    kept = FakeAlexaApi(
        reminders=[
            {
                "trigger": {
                    "type": "SCHEDULED_ABSOLUTE",
                    "recurrence": {"recurrenceRules": ["FREQ=DAILY"]},
                }
            },
            {"trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 60}},
            {"alertToken": "r3"},  # (no trigger at all: what a test leaves out)
        ]
    )
    assert [r.trigger is not None and r.trigger.scheduled_time for r in kept.reminders] == [
        None,
        None,
        False,
    ]


@pytest.mark.parametrize(
    ("trigger", "said"),
    [
        ({"type": "SCHEDULED_RELATIVE"}, r"offsetInSeconds is required"),
        ({"type": "SCHEDULED_RELATIVE", "timeZoneId": "Europe/Paris"}, r"offsetInSeconds is req"),
        ({"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 0}, r"offsetInSeconds is 0: "),
        ({"type": "SCHEDULED_RELATIVE", "offsetInSeconds": -60}, r"offsetInSeconds is -60: "),
        # (true is an int to Python: created, it was a 400 INVALID_REQUEST, msgspec's refusal)
        ({"type": "SCHEDULED_RELATIVE", "offsetInSeconds": True}, r"offsetInSeconds is True: "),
        (ReminderTrigger(type="SCHEDULED_RELATIVE"), r"offsetInSeconds is required"),
    ],
    ids=["bare", "zone", "zero", "negative", "bool", "struct"],
)
def test_a_relative_reminder_given_without_a_positive_offset_is_refused(
    trigger: Any, said: str
) -> None:
    # Created by the skill it is refused (a 400, said in the same words since the skill's said
    # "offsetInSeconds must be a positive integer", naming neither the value nor the field's
    # absence); given in code, it was kept and served: a reminder Amazon never holds.
    with pytest.raises(ValueError, match=r"reminders\[1\]\.trigger\." + said):
        FakeAlexaApi(reminders=[{"alertToken": "r0"}, {"alertToken": "r1", "trigger": trigger}])
    with pytest.raises(ValueError, match=r"reminders\[1\]\.trigger\." + said):
        FakeAlexaApi(reminders=[Reminder(), Reminder(trigger=_as_trigger(trigger))])
    fake = FakeAlexaApi()
    fake.reminders.append({"alertToken": "r1", "trigger": trigger})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"reminders\[0\]\.trigger\." + said):
        run(skill_api(fake).get_reminders())
    refused = _create(FakeAlexaApi(), _wire(_as_trigger(trigger)))
    assert refused.json()["code"] == "INVALID_TRIGGER"
    assert re.match(said, refused.json()["message"]), refused.json()


@pytest.mark.parametrize("rule", [5, None, ["FREQ=DAILY"]])
def test_a_rule_that_is_no_str_is_said_as_a_rule_without_freq(rule: object) -> None:
    # The fake spelt out its own copy of the grammar's fault for a rule without FREQ: one
    # definition (`recurrence.NO_FREQ`) for both, so that they cannot drift apart.
    from alexaskill.alexa_api.recurrence import NO_FREQ, rule_fault

    assert rule_fault("BYHOUR=7") == NO_FREQ
    answer = _create(FakeAlexaApi(), {**_AT, "recurrence": {"recurrenceRules": [rule]}})
    assert answer.status_code == 400, answer.text
    assert answer.json()["message"] == f"recurrence.recurrenceRules[0] is {rule!r}: {NO_FREQ}"


def _asker(fake: FakeAlexaApi, token: str) -> tuple[Callable[[], int], Callable[[], int]]:
    """The time_zone call and the "create a reminder" call (a one-time 09:30 on the device's
    clock, gone by at 09:00 UTC in Paris) of the request of ``token``, each giving its status:
    ``fake``'s faults are read at each call."""
    body = {
        "requestTime": "2031-03-14T09:00:00.000",
        "trigger": {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": "2031-03-14T09:30:00.000"},
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
    }
    headers = {"Authorization": f"Bearer {token}"}

    def zone() -> int:
        with httpx.Client(transport=httpx.MockTransport(fake.handle)) as client:
            path = "http://fake/v2/devices/d1/settings/System.timeZone"
            return client.get(path, headers=headers).status_code

    def create() -> int:
        with httpx.Client(transport=httpx.MockTransport(fake.handle)) as client:
            path = "http://fake/v1/alerts/reminders"
            return client.post(path, json=body, headers=headers).status_code

    return zone, create


def test_a_time_zone_fault_hits_the_time_zone_call_it_names_and_no_other() -> None:
    # The fake read "faults names time_zone" as "the skill knows no zone" at every reminder
    # call, whatever its request's own time_zone call got: a request whose zone call had failed
    # was judged once the fault was gone (400, where the client could not judge it), and one
    # that made no zone call was not judged while the fault was there. Now the fault hits the
    # time_zone call alone, and a request's reminder is judged by what its own zone call got.
    moment = dt.datetime(2031, 3, 14, 9, 0, tzinfo=dt.UTC)
    fake = FakeAlexaApi(time_zone="Europe/Paris", now=lambda: moment, faults={"time_zone": 500})
    zone, create = _asker(fake, "zone-failed")
    assert zone() == 500
    fake.faults = {}
    assert create() == 200  # (its zone unknown to the skill: not judged)
    fake.faults = {"time_zone": 500}
    assert _asker(fake, "no-zone-call")[1]() == 400  # (no call of its own failed: judged)
    fake.faults = {}
    zone, create = _asker(fake, "zone-answered")
    assert (zone(), create()) == (200, 400)
    # A later zone call of the same request, answered, is what the skill knows then.
    zone, create = _asker(fake, "zone-failed")
    assert (zone(), create()) == (200, 400)
    assert [call.status for call in fake.calls] == [500, 200, 400, 200, 400, 200, 400]


@pytest.mark.parametrize(
    ("ssml", "said"),
    [
        ("<speak>Bins & boxes</speak>", "a bare '&' at index 12"),
        ("<speak>Bins <break time=1s/></speak>", "an unquoted attribute value at index 24"),
        ("<speak><emphasis>Bins</speak>", "</speak> while <emphasis> inside it is open"),
        ("Take the bins out", "not well-formed XML"),  # (no document at all)
        ("<p>Take the bins out</p>", "the root element is <p>, not <speak>"),
        ("<speak><emphais>Bins</emphais></speak>", "<emphais> is no SSML tag Alexa knows"),
        ('<speak>Bins <break time="20s"/></speak>', "the limit is 10 s"),
        (
            '<speak>Bins <audio src="clip.mp3"/></speak>',
            "<audio src='clip.mp3'> is no URL Alexa can fetch: Alexa fetches files over HTTPS only",
        ),
    ],
)
def test_a_reminders_ssml_alexa_cannot_parse_is_a_400(ssml: str, said: str) -> None:
    # Amazon's Reminders API takes SSML in alertInfo.spokenInfo.content[].ssml (its reference
    # writes "<speak>…</speak>"), and Alexa parses it as it parses an answer's: the fake took any
    # string there, kept it, and the test never saw the reminder Alexa would refuse.
    body = {
        "requestTime": "2031-03-14T09:00:00.000",
        "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 300},
        "alertInfo": {
            "spokenInfo": {
                "content": [
                    {"locale": "en-US", "text": "walk the dog"},
                    {"locale": "en-GB", "text": "Take the bins out", "ssml": ssml},
                ]
            }
        },
    }
    fake = FakeAlexaApi()
    with httpx.Client(transport=httpx.MockTransport(fake.handle), trust_env=False) as client:
        answer = client.post(
            "http://fake/v1/alerts/reminders", json=body, headers={"Authorization": "Bearer t"}
        )
    assert answer.status_code == 400, answer.json()
    assert answer.json()["code"] == "INVALID_ALERT_INFO"
    message = answer.json()["message"]
    assert message.startswith("alertInfo.spokenInfo.content[1].ssml is SSML Alexa cannot take: ")
    assert said in message, message
    assert fake.reminders == []


_GIVEN_SSML: Final = [
    ("<speak>Bins & boxes</speak>", "a bare '&' at index 12"),
    ("<p>Take the bins out</p>", "the root element is <p>, not <speak>"),
    ('<speak>Bins <break time="20s"/></speak>', "the limit is 10 s"),
]


@pytest.mark.parametrize("form", ["mapping", "Reminder"])
@pytest.mark.parametrize(("ssml", "said"), _GIVEN_SSML)
def test_a_given_reminders_ssml_alexa_cannot_parse_is_refused_where_given(
    ssml: str, said: str, form: str
) -> None:
    # Only a given reminder's trigger was checked: its SSML, which the fake refuses (400) in a
    # reminder the skill creates, was kept, and read back by the skill as a reminder Alexa has.
    from alexaskill.alexa_api import AlertInfo, SpokenInfo, SpokenText

    content = [{"locale": "en-US", "text": "walk the dog"}, {"locale": "en-GB", "ssml": ssml}]
    entry: Any = {"alertToken": "r1", "alertInfo": {"spokenInfo": {"content": content}}}
    if form == "Reminder":
        spoken = tuple(SpokenText(**item) for item in content)
        entry = Reminder(
            alert_token="r1", alert_info=AlertInfo(spoken_info=SpokenInfo(content=spoken))
        )
    with pytest.raises(ValueError) as given:
        FakeAlexaApi(reminders=[entry])
    message = str(given.value)
    where = "reminders[0].alertInfo.spokenInfo.content[1].ssml"
    assert message.startswith(f"{where} is SSML Alexa cannot take: "), message
    assert said in message, message
    fake = FakeAlexaApi()
    with pytest.raises(ValueError) as assigned:
        fake.reminders = [{"alertToken": "r0"}, entry]
    assert str(assigned.value) == message.replace("reminders[0]", "reminders[1]")
    # SSML Alexa takes is kept, as ever.
    content[1]["ssml"] = "<speak>Take the bins out</speak>"
    kept = FakeAlexaApi(
        reminders=[{"alertToken": "r1", "alertInfo": {"spokenInfo": {"content": content}}}]
    )
    assert kept.reminders[0].alert_info.spoken_info.content[1].ssml == content[1]["ssml"]  # type: ignore[union-attr]


def _offset_said(scheduled: str) -> str:
    return (
        f"scheduledTime {scheduled} has a UTC offset: Amazon's Reminders API takes a local time "
        "without one ('2019-09-22T19:00:00.000'), read in the trigger's timeZoneId, else in the "
        "device's time zone (give the time there, and its zone in timeZoneId)"
    )


def _no_time_said(scheduled: str) -> str:
    return (
        f"scheduledTime {scheduled!r} is no ISO 8601 date and time: Amazon's Reminders API takes "
        "a local time ('2019-09-22T19:00:00.000'), read in the trigger's timeZoneId, else in the "
        "device's time zone"
    )


#: The same moment as each time with an offset, 10:00 in Paris, said as Amazon takes it.
_PARIS_LOCAL: Final = "2027-01-01T10:00:00.000"


@pytest.mark.parametrize(
    ("scheduled", "said", "local"),
    [
        # Amazon's Reminders API reference writes scheduledTime as a local time without an
        # offset, beside timeZoneId ("2019-09-22T19:00:00.000"), and its users report a 400 for
        # one with an offset or a Z; the fake took it, read at its offset, and a skill sending
        # one passed its tests.
        *[
            (scheduled, _offset_said(scheduled), _PARIS_LOCAL)
            for scheduled in (
                "2027-01-01T10:00:00+01:00",
                "2027-01-01T09:00:00.000Z",
                "2027-01-01T04:00:00.000-05:00",
            )
        ],
        # Amazon's model of a trigger (ask-sdk-model's Trigger) says of scheduledTime "Valid ISO
        # 8601 format - Intended trigger time": the fake answered "soon" with 200 and kept a
        # reminder that could never ring, and a skill sending one passed its tests.
        *[
            (scheduled, _no_time_said(scheduled), None)
            for scheduled in ("soon", "", "2031-02-30T07:30:00.000", "07:30")
        ],
    ],
)
def test_a_scheduled_time_amazon_does_not_take_is_a_400(
    scheduled: str, said: str, local: str | None
) -> None:
    fake = FakeAlexaApi(now=lambda: dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    trigger = {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": scheduled}
    for zone in ({}, {"timeZoneId": "Europe/Paris"}):
        answer = _create(fake, {**trigger, **zone})
        assert answer.status_code == 400, answer.text
        assert answer.json() == {"code": "INVALID_TRIGGER", "message": said}
    assert fake.reminders == []
    # Given in a test's data, it is refused where given, as the skill's is.
    with pytest.raises(ValueError) as given:
        FakeAlexaApi(reminders=[{"alertToken": "r1", "trigger": trigger}])
    assert str(given.value) == f"reminders[0].trigger.{said}", given.value
    if local is not None:  # The same time without its offset, in its zone, is created.
        fixed = {**trigger, "scheduledTime": local, "timeZoneId": "Europe/Paris"}
        assert _create(fake, fixed).status_code == 200


_NEW_YORK: Final = ZoneInfo("America/New_York")  # (on 2027-03-14: from 02:00 to 03:00)


@pytest.mark.parametrize(
    ("now", "status"),
    [
        # 03:15 EDT is 07:15Z: before 02:30 read at the offset before the gap (EST, 07:30Z).
        (dt.datetime(2027, 3, 14, 3, 15, tzinfo=_NEW_YORK), 200),
        (dt.datetime(2027, 3, 14, 7, 15, tzinfo=dt.UTC), 200),
        (dt.datetime(2027, 3, 14, 3, 45, tzinfo=_NEW_YORK), 400),  # (07:45Z: gone by)
        (dt.datetime(2027, 3, 14, 1, 59, tzinfo=_NEW_YORK), 200),
    ],
)
def test_a_one_time_reminder_in_a_gap_is_read_at_the_offset_before_it(
    now: dt.datetime, status: int
) -> None:
    # A skill building the call itself may send a local time the clocks skip. Amazon's
    # Reminders API reference says nothing of one: the fake takes it, read as RFC 5545 (3.3.5)
    # reads a DATE-TIME in a gap, and as create_reminder's docstring says Alexa reads a
    # recurring one: at the offset before the gap, 02:30 EST, 03:30 EDT. With the fake's now
    # in the same zone, it was judged by wall clock (02:30 < 03:15) and refused as gone by.
    fake = FakeAlexaApi(now=lambda: now)
    trigger = {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": "2027-03-14T02:30:00.000",
        "timeZoneId": "America/New_York",
    }
    answer = _create(fake, trigger)
    assert answer.status_code == status, answer.text
    if status == 400:
        assert answer.json() == {
            "code": "INVALID_TRIGGER",
            "message": (
                "scheduledTime 2027-03-14T02:30:00.000 (America/New_York) is in the past: the "
                "request was made at 2027-03-14T03:45:00-04:00 there"
            ),
        }
    else:
        [kept] = fake.reminders
        assert kept.trigger is not None and kept.trigger.scheduled_time == trigger["scheduledTime"]


_REMINDERS: Final = "http://fake/v1/alerts/reminders"


@pytest.mark.parametrize(
    ("trigger", "said"),
    [
        # (Amazon's Reminders API reference writes it so; the fake's own check refuses it)
        (
            {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": "7200"},
            "offsetInSeconds is '7200': a positive whole number of seconds, written as a number "
            "(3600, not '3600')",
        ),
        (
            {**_AT, "recurrence": {"freq": "DAILY", "interval": "2"}},
            "recurrence.interval is '2': a positive whole number (2: every other)",
        ),
        (
            {**_AT, "recurrence": {"freq": "DAILY", "interval": 2.0}},
            "recurrence.interval is 2.0: a positive whole number (2: every other)",
        ),
        (
            {**_AT, "timeZoneId": 5},
            "timeZoneId is 5: an IANA time zone ('Europe/Paris')",
        ),
        (
            {**_AT, "recurrence": {"freq": "WEEKLY", "byDay": "MO"}},
            "recurrence.byDay is 'MO': a list of days of the week (['MO', 'WE'])",
        ),
    ],
    ids=["offset-str", "interval-str", "interval-float", "zone-int", "by-day-str"],
)
def test_a_trigger_field_of_the_wrong_type_is_the_triggers_400(
    trigger: dict[str, Any], said: str
) -> None:
    # A string offsetInSeconds was INVALID_TRIGGER, a string interval (or a timeZoneId that is
    # no str) INVALID_REQUEST, msgspec's refusal of the whole reminder: one code for the trigger.
    fake = FakeAlexaApi()
    answer = _create(fake, trigger)
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"code": "INVALID_TRIGGER", "message": said}
    assert fake.reminders == []


@pytest.mark.parametrize("status", ["ON", "enabled", "", 1])
def test_a_push_notification_status_amazon_does_not_take_is_a_400(status: object) -> None:
    # Amazon's model (ask-sdk-model's PushNotificationStatus) allows ENABLED and DISABLED
    # only; the fake kept any, and a skill sending "ON" passed its tests.
    fake = FakeAlexaApi()
    body = {
        "requestTime": "2031-03-14T09:00:00.000",
        "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 60},
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
        "pushNotification": {"status": status},
    }
    with httpx.Client(transport=httpx.MockTransport(fake.handle), trust_env=False) as client:
        answer = client.post(_REMINDERS, json=body, headers={"Authorization": "Bearer t"})
        assert answer.status_code == 400, answer.text
        assert answer.json() == {
            "code": "INVALID_REQUEST",
            "message": f"pushNotification.status is {status!r}: ENABLED or DISABLED",
        }
        assert fake.reminders == []
        for taken in ("ENABLED", "DISABLED"):
            body["pushNotification"] = {"status": taken}
            answer = client.post(_REMINDERS, json=body, headers={"Authorization": "Bearer t"})
            assert answer.status_code == 200, answer.text
    # Given in a test's data, it is refused where given, as the skill's is.
    with pytest.raises(ValueError) as given:
        FakeAlexaApi(reminders=[{"alertToken": "r1", "pushNotification": {"status": status}}])
    assert str(given.value) == (
        f"reminders[0].pushNotification.status is {status!r}: ENABLED or DISABLED"
    ), given.value


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
    "request_time",
    [
        "soon",
        "",
        "2019-09-22",  # (a date alone: no time)
        "2019-09-22 19:04:00.672",  # (Python reads a space; Amazon writes a T)
        "20190922T190400",  # (ISO 8601's basic format: not how Amazon writes it)
        "2019-02-30T19:04:00.000",  # (no such day)
        "2019-09-22T19:04",  # (no seconds)
        "2019-09-22T19:04:00.672+0100",  # (an offset without its colon)
    ],
)
def test_a_request_time_that_is_no_time_as_amazon_writes_one_is_a_400(request_time: str) -> None:
    # requestTime was only checked to be a str: "soon" was answered 200 and the reminder kept,
    # and a skill sending one passed its tests.
    fake = FakeAlexaApi(now=lambda: dt.datetime(2031, 3, 14, 9, 0, tzinfo=dt.UTC))
    body = {
        "requestTime": request_time,
        "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 300},
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
    }
    with httpx.Client(transport=httpx.MockTransport(fake.handle), trust_env=False) as client:
        answer = client.post(
            "http://fake/v1/alerts/reminders", json=body, headers={"Authorization": "Bearer t"}
        )
    assert answer.status_code == 400, answer.text
    assert answer.json() == {
        "code": "INVALID_REQUEST_TIME",
        "message": (
            f"requestTime {request_time!r} is no ISO 8601 date and time as Amazon's Reminders "
            "API writes one: YYYY-MM-DDThh:mm:ss, a fraction of a second after it if any "
            "('2019-09-22T19:04:00.672'), then a Z or an offset (+01:00) if any"
        ),
    }
    assert fake.reminders == []


@pytest.mark.parametrize(
    ("request_time", "message"),
    [
        (5, "requestTime is 5: an ISO 8601 date and time ('2019-09-22T19:04:00.672')"),
        (True, "requestTime is True: an ISO 8601 date and time ('2019-09-22T19:04:00.672')"),
        (["x"], "requestTime is ['x']: an ISO 8601 date and time ('2019-09-22T19:04:00.672')"),
        (None, "requestTime is required"),  # (a null member is one left out)
        (..., "requestTime is required"),  # (left out)
    ],
    ids=["int", "bool", "list", "null", "missing"],
)
def test_a_request_time_of_another_kind_is_named_as_a_field_of_the_wrong_kind(
    request_time: object, message: str
) -> None:
    # It was said to be missing ("requestTime is required"), as a reminder's other fields of
    # the wrong kind were before alexaskill.alexa_api.kinds said them.
    fake = FakeAlexaApi(now=lambda: dt.datetime(2031, 3, 14, 9, 0, tzinfo=dt.UTC))
    body: dict[str, object] = {
        "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 300},
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
    }
    if request_time is not ...:
        body["requestTime"] = request_time
    with httpx.Client(transport=httpx.MockTransport(fake.handle), trust_env=False) as client:
        answer = client.post(
            "http://fake/v1/alerts/reminders", json=body, headers={"Authorization": "Bearer t"}
        )
    assert (answer.status_code, answer.json()) == (
        400,
        {"code": "INVALID_REQUEST_TIME", "message": message},
    )
    assert fake.reminders == []


@pytest.mark.parametrize(
    "request_time",
    [
        "2019-09-22T19:04:00.672",  # (Amazon's reference writes it so)
        "2019-09-22T19:04:00",
        "2019-09-22T19:04:00.672Z",  # (a moment: a Z or an offset names it, as SDKs send it)
        "2019-09-22T21:04:00+02:00",
        "2019-09-22T19:04:00.123456789",
    ],
)
def test_a_request_time_as_amazon_writes_one_is_taken(request_time: str) -> None:
    fake = FakeAlexaApi(now=lambda: dt.datetime(2031, 3, 14, 9, 0, tzinfo=dt.UTC))
    body = {
        "requestTime": request_time,
        "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 300},
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
    }
    with httpx.Client(transport=httpx.MockTransport(fake.handle), trust_env=False) as client:
        answer = client.post(
            "http://fake/v1/alerts/reminders", json=body, headers={"Authorization": "Bearer t"}
        )
    assert answer.status_code == 200, answer.text


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


@pytest.mark.parametrize(
    ("content", "shown"),
    [(b"[1]", "[1]"), (b'"x"', "'x'"), (b"5", "5"), (b"{oops", "'{oops'"), (b"", "nothing")],
    ids=["list", "str", "int", "no-json", "empty"],
)
def test_a_create_body_that_is_no_json_object_is_said_so(content: bytes, shown: str) -> None:
    # It was answered "requestTime is required" (INVALID_REQUEST_TIME), as if an object had
    # left the field out.
    fake = FakeAlexaApi()
    with httpx.Client(transport=httpx.MockTransport(fake.handle), trust_env=False) as client:
        answer = client.post(
            "http://fake/v1/alerts/reminders",
            content=content,
            headers={"Authorization": "Bearer t", "Content-Type": "application/json"},
        )
    assert (answer.status_code, answer.json()) == (
        400,
        {
            "code": "INVALID_REQUEST",
            "message": f"the body must be a JSON object (the reminder), not {shown}",
        },
    )
    assert fake.reminders == []


@pytest.mark.parametrize("key", ["offsetInSeconds", "offset_in_seconds"])
def test_a_reminder_given_with_its_offset_written_as_digits_is_read_as_alexa_answers_it(
    key: str,
) -> None:
    # Refused ("offsetInSeconds is '7200': …"), though a given reminder stands for what Alexa
    # answers, and AlexaApi.get_reminders reads Amazon's documented "7200" as its number.
    trigger = {"type": "SCHEDULED_RELATIVE", key: "7200"}
    given: list[Any] = [{"alertToken": "r1", "trigger": trigger}]
    fake = FakeAlexaApi(reminders=given)
    [kept] = fake.reminders
    assert kept.trigger == ReminderTrigger(type="SCHEDULED_RELATIVE", offset_in_seconds=7200)
    assert given[0]["trigger"] == {"type": "SCHEDULED_RELATIVE", key: "7200"}  # (left as given)
    [read] = run(skill_api(fake).get_reminders())
    assert read.trigger is not None and read.trigger.offset_in_seconds == 7200


@pytest.mark.parametrize(
    ("offset", "said"),
    [
        # (as the client reads: digits only; and not told to write a number, as a string of
        # digits is read here: "written as a number" was untrue)
        ("-60", r"offsetInSeconds is '-60': a positive whole number of seconds \(3600: an hour\)$"),
        ("0", r"offsetInSeconds is 0: a positive whole number of seconds \(3600: an hour\)$"),
        ("7200.5", r"offsetInSeconds is '7200.5': a positive"),
        ("٦٠", r"offsetInSeconds is '٦٠': a positive"),
        ("1" * 21, r"offsetInSeconds is '1111"),
    ],
)
def test_a_reminder_given_with_an_offset_alexa_never_answers_is_still_refused(
    offset: str, said: str
) -> None:
    with pytest.raises(ValueError, match=r"reminders\[0\]\.trigger\." + said):
        FakeAlexaApi(
            reminders=[{"trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": offset}}]
        )


#: The error statuses Amazon's model of the Reminders API names for each operation the fake
#: serves (ask-sdk-model's ReminderManagementServiceClient, alexa/alexa-apis-for-python:
#: create 400 "Bad Request", 403 "Forbidden", 429 "RateExceededException", 500, 503, 504;
#: get and delete 401 "UserAuthenticationException", 429, 500), and what the skill's call
#: raises for each: the consent card's error, or an AlexaApiError with its status.
_REMINDER_STATUSES: Final = [
    ("create_reminder", 400, "refused"),
    ("create_reminder", 403, None),
    ("create_reminder", (429, 2), "throttled by Amazon (too many requests); retry after 2 s"),
    ("create_reminder", 500, "server error"),
    ("create_reminder", 503, "server error"),
    ("create_reminder", (504, 1), "server error; retry after 1 s"),
    ("get_reminders", 401, None),
    ("get_reminders", 429, "throttled by Amazon (too many requests)"),
    ("get_reminders", 500, "server error"),
    ("delete_reminder", 401, None),
    ("delete_reminder", 429, "throttled by Amazon (too many requests)"),
    ("delete_reminder", 500, "server error"),
]


@pytest.mark.parametrize(("operation", "fault", "reason"), _REMINDER_STATUSES)
def test_each_status_amazon_names_for_a_reminder_call_is_a_typed_error(
    operation: str, fault: int | tuple[int, int], reason: str | None
) -> None:
    # The fake makes each (faults), and the skill's AlexaApi says it: a 401 or 403 the
    # reminders permission's card (the request grants no scope), anything else an
    # AlexaApiError with the status, Amazon's code and the seconds a Retry-After asks.
    from alexaskill import AlexaApiError, PermissionRequired, Scope

    fake = FakeAlexaApi(faults={operation: fault})
    api = skill_api(fake)
    calls: dict[str, Callable[[], Any]] = {
        "create_reminder": lambda: api.create_reminder("tea", after=dt.timedelta(minutes=5)),
        "get_reminders": api.get_reminders,
        "delete_reminder": lambda: api.delete_reminder("r1"),
    }
    status, wait = fault if isinstance(fault, tuple) else (fault, None)
    with pytest.raises(AlexaApiError) as caught:
        run(calls[operation]())
    error = caught.value
    assert (error.operation, error.status, error.code) == (operation, status, "FAULT")
    assert error.retry_after == wait
    if reason is None:
        assert isinstance(error, PermissionRequired) and error.scope == Scope.REMINDERS
    else:
        assert type(error) is AlexaApiError
        assert str(error).startswith(f"{operation}: HTTP {status}, {reason} (FAULT, ")


@pytest.mark.parametrize(
    "ssml",
    [
        "<speak>Bins " + "<audio src='https://example.com/a.mp3'/>" * 6 + "</speak>",
        "<speak>" + "Take the bins out. " * 500 + "</speak>",
        "<speak> </speak>",
    ],
    ids=["six-clips", "long", "blank"],
)
def test_a_reminders_ssml_is_held_to_its_markup_not_an_answers_limits(ssml: str) -> None:
    # Amazon documents no length, clip or blank rule for a reminder's SSML, and
    # AlexaApi.create_reminder sends such speech: the fake refused it by an answer's limits.
    content = [{"locale": "en-GB", "text": "Take the bins out", "ssml": ssml}]
    body = {
        "requestTime": "2031-03-14T09:00:00.000",
        "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 300},
        "alertInfo": {"spokenInfo": {"content": content}},
    }
    fake = FakeAlexaApi()
    with httpx.Client(transport=httpx.MockTransport(fake.handle), trust_env=False) as client:
        answer = client.post(
            "http://fake/v1/alerts/reminders", json=body, headers={"Authorization": "Bearer t"}
        )
    assert answer.status_code == 201 or answer.status_code == 200, answer.json()
    # A reminder given to the fake is read by the same rule.
    given = FakeAlexaApi(
        reminders=[{"alertToken": "r1", "alertInfo": {"spokenInfo": {"content": content}}}]
    )
    assert given.reminders[0].alert_info.spoken_info.content[0].ssml == ssml  # type: ignore[union-attr]
