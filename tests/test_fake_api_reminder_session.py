"""`FakeAlexaApi` refuses a reminder created outside a skill session, as Amazon does: "you can
only create and update a reminder from your skill" (Amazon's Reminders API reference) and
"reminders can only be created while using skill" (an Amazon forum article), the sources
`alexaskill.alexa_api.answers` and `alexaskill.services.records` cite. An update is taken
outside one (Amazon's tutorial "Update a Reminder from Outside of an Alexa Skill Session")."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from alexaskill import AlexaApi, AlexaApiError, PermissionRequired, Response, Skill, speak
from alexaskill.models import MessageReceivedRequest, decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory, TestClient
from alexaskill.testing.grants import grant_scopes

from .alexa_api_shared import _run
from .conftest import SKILL_ID

_TEA = dt.timedelta(minutes=5)


def _skill() -> Skill:
    """A skill creating a reminder at launch and when its web service messages it, and
    updating the reminder ``r1`` when messaged ``{"update": true}``."""
    skill = Skill(SKILL_ID)

    @skill.launch
    async def launch(api: AlexaApi) -> Response:
        await api.create_reminder("tea", after=_TEA)
        return speak("I'll remind you.")

    @skill.on("Messaging.MessageReceived")
    async def message(api: AlexaApi, request: MessageReceivedRequest) -> None:
        if request.message == {"update": True}:
            await api.update_reminder("r1", "tea", after=_TEA)
        else:
            await api.create_reminder("tea", after=_TEA)

    return skill


def test_a_create_outside_a_session_is_refused_403() -> None:
    # It was created: a skill creating one in a Messaging.MessageReceived handler passed its
    # tests, and Amazon refuses it.
    fake = FakeAlexaApi()
    with TestClient(_skill(), api=fake, raise_handler_errors=False) as client:
        result = client.send("Messaging.MessageReceived", message={})
    assert fake.reminders == []
    [call] = fake.calls
    assert (call.operation, call.status) == ("create_reminder", 403)
    assert isinstance(call.answer, dict) and "code" not in call.answer  # (none named)
    assert "outside a session" in call.answer["message"]
    error = result.handler_error
    assert isinstance(error, AlexaApiError) and not isinstance(error, PermissionRequired)
    assert "outside a session" in str(error)  # (`AlexaApi` names the cause: records.py)


def test_a_create_in_a_session_and_an_update_outside_one_are_taken() -> None:
    fake = FakeAlexaApi(reminders=[{"alertToken": "r1", "status": "ON"}])
    with TestClient(_skill(), api=fake) as client:
        client.launch()
        client.send("Messaging.MessageReceived", message={"update": True})
    assert [(c.operation, c.status) for c in fake.calls] == [
        ("create_reminder", 200),
        ("update_reminder", 200),
    ]
    assert len(fake.reminders) == 2


@pytest.mark.parametrize("in_session", [True, False], ids=["in a session", "outside one"])
def test_the_request_the_token_came_with_says_whether_it_is_in_a_session(
    in_session: bool,
) -> None:
    # Two requests sent, the call judged by the one whose apiAccessToken it carries.
    fake = FakeAlexaApi()
    factory = RequestFactory()
    launch = factory.envelope("LaunchRequest")
    message = factory.envelope("Messaging.MessageReceived", message={})
    for sent in (launch, message):
        grant_scopes(sent, None)  # (the user granted them: Alexa's refusal is not consent's)
        fake.issued(sent)
    raw = launch if in_session else message
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=fake)
    if in_session:
        assert _run(api.create_reminder("tea", after=_TEA)).alert_token
    else:
        with pytest.raises(AlexaApiError, match="outside a session"):
            _run(api.create_reminder("tea", after=_TEA))


def test_a_fake_no_request_was_sent_through_takes_a_create_from_any() -> None:
    # Called directly, the fake knows no request: it takes the call, as it takes any token.
    fake = FakeAlexaApi()
    raw = RequestFactory().envelope("Messaging.MessageReceived", message={})
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=fake)
    assert _run(api.create_reminder("tea", after=_TEA)).alert_token
