"""Reminders through `AlexaApi`: what `create_reminder` sends, the types it refuses before any
call, what Amazon refuses though consent was granted, and Amazon's reminders decoded. (Times gone
by are in tests/test_alexa_api_reminder_times.py, recurrence rules in
tests/test_alexa_api_reminder_rules.py.)
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, Final
from zoneinfo import ZoneInfo

import pytest

from alexaskill import AlexaApi, Reminder, Scope
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory, TestClient

from .alexa_api_shared import _run, reminder_skill

# --- reminders ------------------------------------------------------------------------------------


def test_a_reminder_in_ten_minutes(skill_client: Callable[..., TestClient]) -> None:
    client = skill_client(reminder_skill(after=dt.timedelta(minutes=10)), locale="en-GB")
    result = client.intent("Remind")
    [call] = result.api_calls
    assert (call.operation, call.method, call.path, call.status) == (
        "create_reminder",
        "POST",
        "/v1/alerts/reminders",
        200,
    )
    assert call.body["trigger"] == {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 600}
    assert call.body["alertInfo"] == {
        "spokenInfo": {"content": [{"locale": "en-GB", "text": "Take the bins out"}]}
    }
    assert call.body["pushNotification"] == {"status": "ENABLED"}
    dt.datetime.fromisoformat(call.body["requestTime"])
    [kept] = client.api.reminders
    assert result.speech == f"Created {kept.alert_token} ON"
    listed = client.intent("List")
    assert listed.speech == "Take the bins out at SCHEDULED_RELATIVE"


def test_a_reminder_at_a_local_time_in_a_named_zone(
    skill_client: Callable[..., TestClient],
) -> None:
    at = dt.datetime(2026, 12, 1, 7, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    skill = reminder_skill(at=at, recurrence=["FREQ=WEEKLY;BYDAY=MO"], push_notification=False)
    call = skill_client(skill).intent("Remind").api_calls[0]
    assert call.body["trigger"] == {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": "2026-12-01T07:30:00.000",
        "timeZoneId": "Europe/Berlin",
        "recurrence": {
            "startDateTime": "2026-12-01T07:30:00.000",
            "recurrenceRules": ["FREQ=WEEKLY;BYDAY=MO"],
        },
    }
    assert call.body["pushNotification"] == {"status": "DISABLED"}


def test_a_naive_time_is_the_devices_and_a_fixed_offset_is_said_in_utc(
    skill_client: Callable[..., TestClient],
) -> None:
    naive = skill_client(reminder_skill(at=dt.datetime(2036, 12, 1, 7, 30)))
    # (after the time_zone call create_reminder makes to judge a local time)
    zone, created = naive.intent("Remind").api_calls
    assert (zone.operation, created.operation) == ("time_zone", "create_reminder")
    assert created.body["trigger"] == {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": "2036-12-01T07:30:00.000",
    }
    offset = dt.timezone(dt.timedelta(hours=2))
    fixed = skill_client(reminder_skill(at=dt.datetime(2036, 12, 1, 7, 30, tzinfo=offset)))
    assert fixed.intent("Remind").api_calls[0].body["trigger"] == {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": "2036-12-01T05:30:00.000",
        "timeZoneId": "UTC",
    }


def test_deleting_a_reminder(skill_client: Callable[..., TestClient]) -> None:
    client = skill_client(reminder_skill(after=dt.timedelta(hours=1)))
    client.intent("Remind")
    token = client.api.reminders[0].alert_token
    first = client.intent("Delete", token=token)
    assert first.speech == "deleted True"
    assert first.api_calls[0].path == f"/v1/alerts/reminders/{token}"
    assert client.intent("Delete", token=token).speech == "deleted False"
    assert client.api.reminders == []


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"at": dt.datetime(2026, 1, 1), "after": dt.timedelta(minutes=1)},
        {"after": dt.timedelta(0)},
        {"after": dt.timedelta(minutes=5), "recurrence": ["FREQ=DAILY"]},
        {"at": dt.datetime(2026, 1, 1), "recurrence": "FREQ=DAILY"},
    ],
)
def test_a_reminder_the_api_would_refuse_is_a_value_error_before_any_call(
    options: dict[str, Any],
) -> None:
    api = AlexaApi(decode_envelope(json.dumps(RequestFactory().intent("Remind"))))
    with pytest.raises(ValueError):
        _run(api.create_reminder("Stretch", **options))


def test_reminders_without_permission_get_the_consent_card(
    skill_client: Callable[..., TestClient],
) -> None:
    client = skill_client(reminder_skill(after=dt.timedelta(minutes=1)), permissions=[])
    result = client.intent("Remind")
    assert result.card == {"type": "AskForPermissionsConsent", "permissions": [Scope.REMINDERS]}
    assert result.api_calls[0].status == 403
    assert client.intent("Delete", token="abc").api_calls[0].status == 401


@pytest.mark.parametrize("granted", [False, True], ids=["not granted", "granted"])
@pytest.mark.parametrize("operation", ["create_reminder", "get_reminders", "delete_reminder"])
def test_a_reminders_401_for_the_token_itself_is_no_consent_card(
    operation: str, granted: bool, caplog: pytest.LogCaptureFixture
) -> None:
    # Amazon's model of the Reminders API (ask-sdk-model's ReminderManagementServiceClient)
    # gives its 401 for an unauthenticated request as well as for a permission not granted:
    # with the code INVALID_TOKEN the token is at fault (expired, or not this request's), and
    # the consent card would ask the user for a permission they may well have given; nor is it
    # "refused though the user granted" the scope.
    import logging

    import httpx

    from alexaskill import AlexaApiError, PermissionRequired

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"code": "INVALID_TOKEN", "message": "Token expired"})

    raw = RequestFactory().intent("Remind")
    if granted:
        raw["context"]["System"]["user"]["permissions"] = {
            "scopes": {Scope.REMINDERS: {"status": "GRANTED"}}
        }
    else:
        raw["context"]["System"]["user"].pop("permissions", None)
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    calls: dict[str, Callable[[AlexaApi], Any]] = {
        "create_reminder": lambda api: api.create_reminder("tea", after=dt.timedelta(minutes=5)),
        "get_reminders": lambda api: api.get_reminders(),
        "delete_reminder": lambda api: api.delete_reminder("r1"),
    }
    with caplog.at_level(logging.WARNING, "alexaskill"), pytest.raises(AlexaApiError) as caught:
        _run(calls[operation](api))
    error = caught.value
    assert not isinstance(error, PermissionRequired)
    assert (error.operation, error.status, error.code) == (operation, 401, "INVALID_TOKEN")
    assert str(error) == (
        f"{operation}: HTTP 401, Alexa refused the request's access token (expired, or not "
        "this request's): a consent card cannot mend it (INVALID_TOKEN, Token expired)"
    )
    assert not [r for r in caplog.records if "granted" in r.getMessage()]

    # Any other 401 of the Reminders API is still the permission's (its model's example).
    def refused(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"code": "UNAUTHORIZED", "message": "no"})

    if not granted and operation != "create_reminder":
        api = AlexaApi(
            decode_envelope(json.dumps(raw)),
            client=httpx.AsyncClient(transport=httpx.MockTransport(refused)),
        )
        with pytest.raises(PermissionRequired):
            _run(calls[operation](api))


def test_an_expired_token_on_a_reminder_call_is_the_apology_not_the_consent_card(
    skill_client: Callable[..., TestClient],
) -> None:
    # Through the test client, the fake's fault carrying Amazon's code: no card the user could
    # act on, the apology, and the call's 401 recorded.
    fault = {"status": 401, "code": "INVALID_TOKEN", "message": "Token expired"}
    from alexaskill import AlexaApiError, PermissionRequired

    skill = reminder_skill(after=dt.timedelta(minutes=1))
    # (the scope not granted: with it granted, any refusal is an AlexaApiError already)
    client = skill_client(
        skill, faults={"get_reminders": fault}, permissions=[], raise_handler_errors=False
    )
    result = client.intent("List")
    assert isinstance(result.handler_error, AlexaApiError)
    assert not isinstance(result.handler_error, PermissionRequired)
    assert result.card is None
    assert result.speech is not None and "permission" not in result.speech
    assert [(call.operation, call.status) for call in result.api_calls] == [("get_reminders", 401)]


def test_reminder_values_decode_amazons_answer() -> None:
    # The shape of a reminder in Amazon's "Get all reminders" example.
    raw = {
        "alertToken": "string",
        "createdTime": "2018-08-14T15:40:55.002Z",
        "updatedTime": "2018-08-14T15:41:55.002Z",
        "trigger": {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": "2018-08-14T18:00:00.000"},
        "status": "ON",
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
        "pushNotification": {"status": "ENABLED"},
        "version": "1",
    }
    import msgspec

    reminder = msgspec.convert(raw, Reminder)
    assert reminder.text == "walk the dog"
    assert (
        reminder.trigger is not None
        and reminder.trigger.scheduled_time == "2018-08-14T18:00:00.000"
    )


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"at": "2026-12-01T07:30"}, r"at= is a datetime.*not a str"),
        ({"at": dt.date(2026, 12, 1)}, r"at= is a datetime.*not a date"),
        ({"at": 1796113800}, r"at= is a datetime.*tzinfo\), not an int$"),  # (a timestamp)
        ({"after": 300}, r"after= is a timedelta.*not an int"),
        ({"at": dt.datetime(2026, 12, 1), "recurrence": [7]}, r"recurrence.*rules.*not an int"),
        # None is said as itself ("not a NoneType" was said).
        ({"at": dt.datetime(2026, 12, 1), "recurrence": [None]}, r"rules.*str.*\), not None$"),
    ],
)
def test_a_reminder_time_of_the_wrong_type_is_a_type_error_that_says_what_to_give(
    options: dict[str, Any], said: str
) -> None:
    # after=300 (seconds, as one writes it) was AttributeError: 'int' object has no attribute
    # 'total_seconds'; at="…" a str's 'tzinfo'; a rule that is no str was sent (to the fake).
    # The type is said with its article ("not a int" was said).
    raw = RequestFactory().intent("Remind")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=FakeAlexaApi())
    with pytest.raises(TypeError, match=said):
        _run(api.create_reminder("Stretch", **options))


def test_a_reminder_after_more_than_a_32_bit_offset_is_refused_unsent() -> None:
    # Amazon's model types offsetInSeconds a 32-bit Integer (ask-sdk-model for Java, Trigger):
    # after=timedelta(days=30000) was sent as 2592000000 seconds, for Amazon (and FakeAlexaApi)
    # to refuse at run time; the most it holds, 2147483647 seconds, is sent.
    raw = RequestFactory().intent("Remind")
    fake = FakeAlexaApi()
    fake.issued(raw)
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=fake)
    with fake.answering(raw["request"]["requestId"]):
        with pytest.raises(
            ValueError, match=r"after= is 2,592,000,000 seconds: at most 2,147,483,647 seconds"
        ):
            _run(api.create_reminder("Stretch", after=dt.timedelta(days=30000)))
        assert fake.calls == []
        _run(api.create_reminder("Stretch", after=dt.timedelta(seconds=2**31 - 1)))
    assert [call.status for call in fake.calls] == [200]


def test_a_reminder_token_that_is_no_str_is_a_type_error() -> None:
    # It was quote()'s "quote_from_bytes() expected bytes", which names nothing of the skill's.
    raw = RequestFactory().intent("Delete")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=FakeAlexaApi())
    with pytest.raises(TypeError, match=r"delete_reminder.*alert_token.*str, not an int"):
        _run(api.delete_reminder(5))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "rules"),
    [
        ({"at": dt.datetime(2036, 12, 1, 7, 30), "recurrence": None}, None),
        ({"after": dt.timedelta(minutes=5), "recurrence": None}, None),
        ({"at": dt.datetime(2036, 12, 1, 7, 30), "recurrence": "iterator"}, ["FREQ=DAILY"]),
    ],
)
def test_the_reminder_type_check_keeps_a_recurrence_of_none_or_read_once(
    options: dict[str, Any], rules: list[str] | None
) -> None:
    # The rule check iterated the recurrence before the trigger was made of it: None (no
    # recurrence, as it worked before) became "'NoneType' object is not iterable", and an
    # iterator's rules were used up, a recurrence of no rules sent.
    if options["recurrence"] == "iterator":
        options = {**options, "recurrence": iter(["FREQ=DAILY"])}
    fake = FakeAlexaApi()
    raw = RequestFactory().intent("Remind")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=fake)
    _run(api.create_reminder("Stretch", **options))
    [call] = [call for call in fake.calls if call.operation == "create_reminder"]
    recurrence = call.body["trigger"].get("recurrence")
    assert (recurrence and recurrence["recurrenceRules"]) == rules


#: A reminder's create and update, each refused 403 (no code) by a stub Amazon.
_REFUSED_CALLS: Final[dict[str, Callable[[AlexaApi], Any]]] = {
    "create_reminder": lambda api: api.create_reminder("tea", after=dt.timedelta(minutes=5)),
    "update_reminder": lambda api: api.update_reminder("r1", "tea", after=dt.timedelta(minutes=5)),
}


def _refused_though_granted(
    operation: str, raw: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> tuple[str, str]:
    """The message of the `AlexaApiError` ``operation`` raised, for the request ``raw`` whose
    user granted the reminders scope, answered 403 of no code, and the WARNING logged."""
    import logging

    import httpx

    from alexaskill import AlexaApiError, PermissionRequired

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"message": "Forbidden"})

    raw["context"]["System"]["user"]["permissions"] = {
        "scopes": {Scope.REMINDERS: {"status": "GRANTED"}}
    }
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with caplog.at_level(logging.WARNING, "alexaskill"), pytest.raises(AlexaApiError) as caught:
        _run(_REFUSED_CALLS[operation](api))
    error = caught.value
    assert not isinstance(error, PermissionRequired)  # (no consent card: the user gave it)
    assert (error.operation, error.status, error.code) == (operation, 403, None)
    assert str(error).startswith(
        f"{operation}: HTTP 403, refused though the user granted {Scope.REMINDERS}"
    )
    [warned] = [r.getMessage() for r in caplog.records if "granted" in r.getMessage()]
    return str(error), warned


def test_a_reminders_create_refused_outside_a_session_says_amazon_creates_only_in_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Amazon's sources: a reminder is created only while the user uses the skill (the
    # Reminders reference: "you can only create and update a reminder from your skill"; an
    # Amazon forum article: "reminders can only be created while using skill"). A request
    # outside a session (Messaging.MessageReceived) is the one cause to name.
    raw = RequestFactory().envelope("Messaging.MessageReceived", message={})
    said, warned = _refused_though_granted("create_reminder", raw, caplog)
    for text in (said, warned):
        assert "outside a session" in text, text


@pytest.mark.parametrize("operation", sorted(_REFUSED_CALLS))
def test_a_reminders_403_in_a_session_or_an_update_names_no_session_cause(
    operation: str, caplog: pytest.LogCaptureFixture
) -> None:
    # In a session the request is in the skill session a create needs; and Amazon updates a
    # reminder outside one too (its tutorial "Update a Reminder from Outside of an Alexa Skill
    # Session", from the skill's Messaging.MessageReceived handler): no session to blame.
    for raw in (
        RequestFactory().intent("Remind"),
        RequestFactory().envelope("Messaging.MessageReceived", message={}),
    ):
        if operation == "create_reminder" and "session" not in raw:
            continue  # (the test above)
        said, warned = _refused_though_granted(operation, raw, caplog)
        caplog.clear()
        for text in (said, warned):
            assert "session" not in text, text
