"""One reminder by its alert token: `AlexaApi.get_reminder` (``GET``) and `update_reminder`
(``PUT``) of Amazon's Reminders API, as the client sends them and as `FakeAlexaApi` answers."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, Final
from zoneinfo import ZoneInfo

import httpx
import pytest

from alexaskill import AlexaApi, Reminder, Response, Scope, Skill, speak
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory, TestClient

from .alexa_api_shared import MOMENT, _run
from .conftest import SKILL_ID

#: Seven in the evening in Paris, on a day after the clients' clock (`MOMENT`).
_EVENING: Final = dt.datetime(2031, 3, 20, 19, 0, tzinfo=ZoneInfo("Europe/Paris"))


def one_reminder_skill(**changes: Any) -> tuple[Skill, list[Reminder | None]]:
    """A skill that creates a reminder (Create), reads one back (Get, slot ``token``) and
    updates one with ``changes`` (Update, slot ``token``): the skill, and what the calls gave."""
    skill = Skill(SKILL_ID)
    seen: list[Reminder | None] = []

    @skill.intent("Create")
    async def create(api: AlexaApi) -> Response:
        seen.append(await api.create_reminder("Call mum", at=_EVENING))
        return speak("created")

    @skill.intent("Get")
    async def get(api: AlexaApi, token: str) -> Response:
        seen.append(await api.get_reminder(token))
        return speak("read")

    @skill.intent("Update")
    async def update(api: AlexaApi, token: str) -> Response:
        seen.append(await api.update_reminder(token, **changes))
        return speak("updated")

    return skill, seen


def test_get_reminder_reads_back_the_reminder_created(
    skill_client: Callable[..., TestClient],
) -> None:
    skill, seen = one_reminder_skill()
    client = skill_client(skill, now=lambda: MOMENT)
    client.intent("Create")
    created = seen[0]
    assert created is not None and created.alert_token
    result = client.intent("Get", token=created.alert_token)
    got = seen[1]
    assert got is not None
    assert (got.alert_token, got.text, got.status) == (created.alert_token, "Call mum", "ON")
    # (the zone as the client sends it and Amazon's models name it: timeZoneId)
    assert got.trigger is not None and got.trigger.time_zone_id == "Europe/Paris"
    assert got.trigger.scheduled_time == "2031-03-20T19:00:00.000"
    assert [(c.operation, c.method, c.status) for c in result.api_calls] == [
        ("get_reminder", "GET", 200)
    ]
    assert result.api_calls[0].path == f"/v1/alerts/reminders/{created.alert_token}"


def test_get_reminder_of_no_such_reminder_is_none(
    skill_client: Callable[..., TestClient],
) -> None:
    skill, seen = one_reminder_skill()
    result = skill_client(skill).intent("Get", token="no-such-token")
    assert seen == [None]
    assert [(c.operation, c.status) for c in result.api_calls] == [("get_reminder", 404)]


def test_update_reminder_replaces_what_the_reminder_says_and_when(
    skill_client: Callable[..., TestClient],
) -> None:
    later = _EVENING + dt.timedelta(days=1)
    skill, seen = one_reminder_skill(text="Call dad", at=later, push_notification=False)
    client = skill_client(skill, now=lambda: MOMENT)
    client.intent("Create")
    created = seen[0]
    assert created is not None
    result = client.intent("Update", token=created.alert_token)
    updated = seen[1]
    assert updated is not None
    assert (updated.alert_token, updated.status) == (created.alert_token, "ON")
    assert updated.created_time == created.created_time
    call = result.api_calls[0]
    assert (call.operation, call.method, call.status) == ("update_reminder", "PUT", 200)
    assert call.path == f"/v1/alerts/reminders/{created.alert_token}"
    (kept,) = client.api.reminders
    assert (kept.alert_token, kept.text, kept.created_time) == (
        created.alert_token,
        "Call dad",
        created.created_time,
    )
    assert kept.trigger is not None and kept.trigger.scheduled_time == "2031-03-21T19:00:00.000"
    assert kept.push_notification is not None and kept.push_notification.status == "DISABLED"
    assert kept.version == "2"


def test_update_reminder_of_no_such_reminder_is_none(
    skill_client: Callable[..., TestClient],
) -> None:
    skill, seen = one_reminder_skill(text="Call dad", after=dt.timedelta(hours=1))
    client = skill_client(skill)
    result = client.intent("Update", token="no-such-token")
    assert seen == [None]
    assert [(c.operation, c.status) for c in result.api_calls] == [("update_reminder", 404)]
    assert client.api.reminders == []


@pytest.mark.parametrize("intent", ["Get", "Update"])
def test_one_reminder_without_the_permission_is_the_consent_card(
    intent: str, skill_client: Callable[..., TestClient]
) -> None:
    # (Amazon's model of the API: 401 "if customer does not have permission", as for a get)
    skill, _ = one_reminder_skill(text="Call dad", after=dt.timedelta(hours=1))
    result = skill_client(skill, permissions=[]).intent(intent, token="r1")
    assert result.card == {"type": "AskForPermissionsConsent", "permissions": [Scope.REMINDERS]}
    assert result.api_calls[0].status == 401


def _captured() -> tuple[AlexaApi, list[httpx.Request]]:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"alertToken": "a/b", "status": "ON", "version": "2"})

    raw = RequestFactory().intent("Remind")
    raw["request"]["timestamp"] = "2031-03-14T09:00:00Z"  # (`MOMENT`)
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    return AlexaApi(decode_envelope(json.dumps(raw)), client=client), sent


def test_update_reminder_puts_the_body_create_reminder_posts() -> None:
    api, sent = _captured()
    updated = _run(api.update_reminder("a/b", "Call dad", at=_EVENING, recurrence=["FREQ=DAILY"]))
    assert updated == Reminder(alert_token="a/b", status="ON", version="2")
    (request,) = sent
    assert (request.method, request.url.raw_path) == ("PUT", b"/v1/alerts/reminders/a%2Fb")
    body = json.loads(request.content)
    assert body["trigger"] == {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": "2031-03-20T19:00:00.000",
        "timeZoneId": "Europe/Paris",
        "recurrence": {
            "startDateTime": "2031-03-20T19:00:00.000",
            "recurrenceRules": ["FREQ=DAILY"],
        },
    }
    assert "timezoneId" not in json.dumps(body)
    assert body["alertInfo"] == {
        "spokenInfo": {"content": [{"locale": "en-US", "text": "Call dad"}]}
    }
    assert body["requestTime"] == "2031-03-14T09:00:00.000"


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda api: api.update_reminder("  ", "tea", after=dt.timedelta(minutes=5)), ValueError),
        (lambda api: api.get_reminder(""), ValueError),
        (lambda api: api.get_reminder(5), TypeError),
        (
            lambda api: api.update_reminder("r1", "tea", at=MOMENT - dt.timedelta(days=1)),
            ValueError,
        ),
        (lambda api: api.update_reminder("r1", "", after=dt.timedelta(minutes=5)), ValueError),
    ],
    ids=["blank token", "empty token", "int token", "gone by", "no text"],
)
def test_one_reminder_calls_refuse_what_amazon_would_unsent(
    call: Callable[[AlexaApi], Any], error: type[Exception]
) -> None:
    api, sent = _captured()
    with pytest.raises(error):
        _run(call(api))
    assert sent == []


def test_the_fake_takes_faults_for_the_one_reminder_calls() -> None:
    api = FakeAlexaApi(faults={"get_reminder": 503, "update_reminder": "timeout"})
    assert set(api.faults) == {"get_reminder", "update_reminder"}
