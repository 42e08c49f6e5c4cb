"""`FakeAlexaApi`'s reminders checked where the test gives them, as its products are: each a
`Reminder`, or a mapping of its fields read as one; anything else a `ValueError` naming the
entry, not a failure deep in the fake when the skill reads or deletes its reminders."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx
import msgspec
import pytest

from alexaskill import Reminder
from alexaskill.alexa_api import PushNotification, ReminderTrigger
from alexaskill.testing import FakeAlexaApi
from tests.fake_reminders_shared import _create, _wire, run, skill_api


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
    data.write_text('{"reminders": [{"alertToken": "r1", "status": "ON"}]}', encoding="utf-8")
    assert fake_alexa_api(str(data)).reminders == [Reminder(alert_token="r1", status="ON")]
    data.write_text('{"reminders": ["walk the dog"]}', encoding="utf-8")
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


def test_all_reminders_are_answered_in_one_answer_without_links() -> None:
    # {"links": {}}: an object where Amazon's model has a string, the "Link to retrieve next
    # set of alerts if total count is greater than max results" (ask-sdk-model's
    # GetRemindersResponse), though the fake answers every reminder at once and Amazon documents
    # no max results nor a way to ask for the next set: left out, as the model allows.
    fake = FakeAlexaApi(reminders=[Reminder(alert_token=f"r{n}") for n in range(3)])
    run(skill_api(fake).get_reminders())
    [call] = fake.calls
    assert call.answer.keys() == {"totalCount", "alerts"}
    assert call.answer["totalCount"] == "3"
    assert [alert["alertToken"] for alert in call.answer["alerts"]] == ["r0", "r1", "r2"]
