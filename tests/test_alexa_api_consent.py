"""Alexa's service APIs and the consent card: sent for a permission the user has not granted
(each method that needs one), replaceable by an exception handler, never where Alexa takes no card;
and not sent when the user granted the scope and the API refused it all the same (the List API's
403, any API's 403 or 401): an AlexaApiError, the apology and a WARNING instead. Each method's
other answers: tests/test_alexa_api.py."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from alexaskill import AlexaApi, AlexaApiError, PermissionRequired, Response, Scope, Skill, speak
from alexaskill.app import APOLOGY, PERMISSION_PROMPT
from alexaskill.models import decode_envelope
from alexaskill.testing import RequestFactory, TestClient

from .alexa_api_shared import GETTERS, _run, api_skill
from .conftest import SKILL_ID


@pytest.mark.parametrize(
    ("method", "data", "scope"),
    [(method, data, scope) for method, data, _, scope in GETTERS if scope is not None]
    + [("get_reminders", {}, Scope.REMINDERS), ("lists", {}, Scope.LISTS_READ)],
)
def test_a_missing_permission_is_answered_with_the_consent_card(
    skill_client: Callable[..., TestClient], method: str, data: dict[str, Any], scope: str
) -> None:
    skill, seen = api_skill()
    granted = [other for other in Scope.ALL if other != scope]
    result = skill_client(skill, permissions=granted, **data).intent("Ask", what=method)
    assert result.status_code == 200
    assert result.speech == PERMISSION_PROMPT
    assert result.card == {"type": "AskForPermissionsConsent", "permissions": [scope]}
    assert result.should_end_session is True
    assert seen == []
    assert result.api_calls[0].status in (401, 403)


def test_the_consent_card_can_be_replaced_by_an_exception_handler(
    skill_client: Callable[..., TestClient],
) -> None:
    skill = Skill(SKILL_ID)

    @skill.launch
    async def launch(api: AlexaApi) -> Response:
        return speak(f"Hello {await api.given_name()}")

    @skill.exception(PermissionRequired)
    async def no_name(exc: PermissionRequired) -> Response:
        return speak(f"Hello, whoever you are ({exc.scope}).")

    result = skill_client(skill, given_name="Ada", permissions=[]).launch()
    assert result.speech == f"Hello, whoever you are ({Scope.GIVEN_NAME})."
    assert result.card is None


def test_no_consent_card_where_alexa_takes_no_card(skill_client: Callable[..., TestClient]) -> None:
    skill = Skill(SKILL_ID)

    @skill.on("AudioPlayer.PlaybackStarted")
    async def started(api: AlexaApi) -> None:
        await api.given_name()

    client = skill_client(skill, permissions=[], raise_handler_errors=False)
    result = client.send("AudioPlayer.PlaybackStarted", token="t")
    assert result.status_code == 200
    assert result.card is None and result.speech is None
    assert isinstance(result.handler_error, PermissionRequired)


@pytest.mark.parametrize(
    ("call", "scope"),
    [
        (lambda api: api.lists(), Scope.LISTS_READ),
        (lambda api: api.list_items("list-1"), Scope.LISTS_READ),
        (lambda api: api.add_list_item("list-1", "tea"), Scope.LISTS_WRITE),
    ],
)
def test_a_list_api_403_with_the_scope_granted_asks_for_no_consent_again(
    call: Callable[[AlexaApi], Any], scope: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Amazon's List API is deprecated: it may refuse a skill (403) whatever the user granted.
    # A consent card then asked the user for a permission they had, again and again.
    import logging

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"code": "ACCESS_DENIED", "message": "no"})

    def api_granting(*granted: str) -> AlexaApi:
        raw = RequestFactory().intent("Ask")
        scopes = {name: {"status": "GRANTED"} for name in granted}
        raw["context"]["System"]["user"]["permissions"] = {"scopes": scopes}
        client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
        return AlexaApi(decode_envelope(json.dumps(raw)), client=client)

    refused = pytest.raises(AlexaApiError, match="though the user granted")
    with caplog.at_level(logging.WARNING, "alexaskill"), refused as caught:
        _run(call(api_granting(scope)))
    assert not isinstance(caught.value, PermissionRequired)
    assert caught.value.status == 403 and caught.value.code == "ACCESS_DENIED"
    assert any(scope in record.getMessage() for record in caplog.records)
    other = Scope.LISTS_WRITE if scope == Scope.LISTS_READ else Scope.LISTS_READ
    with pytest.raises(PermissionRequired) as asked:  # not granted: the consent card, as before
        _run(call(api_granting(other)))
    assert asked.value.scope == scope


_SCOPED_CALLS: list[tuple[str, Callable[[AlexaApi], Any], str, int]] = [
    ("full_address", lambda api: api.full_address(), Scope.FULL_ADDRESS, 403),
    (
        "country_and_postal_code",
        lambda api: api.country_and_postal_code(),
        Scope.COUNTRY_AND_POSTAL_CODE,
        403,
    ),
    ("full_name", lambda api: api.full_name(), Scope.NAME, 403),
    ("given_name", lambda api: api.given_name(), Scope.GIVEN_NAME, 403),
    ("email", lambda api: api.email(), Scope.EMAIL, 403),
    ("mobile_number", lambda api: api.mobile_number(), Scope.MOBILE_NUMBER, 403),
    (
        "create_reminder",
        lambda api: api.create_reminder("tea", after=dt.timedelta(minutes=5)),
        Scope.REMINDERS,
        403,
    ),
    ("get_reminders", lambda api: api.get_reminders(), Scope.REMINDERS, 401),
    ("delete_reminder", lambda api: api.delete_reminder("alert-1"), Scope.REMINDERS, 401),
    ("get_reminder", lambda api: api.get_reminder("alert-1"), Scope.REMINDERS, 401),
    (
        "update_reminder",
        lambda api: api.update_reminder("alert-1", "tea", after=dt.timedelta(minutes=5)),
        Scope.REMINDERS,
        401,
    ),
]


@pytest.mark.parametrize(
    ("call", "scope", "status"),
    [(call, scope, status) for _, call, scope, status in _SCOPED_CALLS],
    ids=[name for name, *_ in _SCOPED_CALLS],
)
def test_every_api_refusing_a_granted_scope_asks_for_no_consent_again(
    call: Callable[[AlexaApi], Any], scope: str, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    # Only the List API's refusal of a granted scope was told apart: any other API's 403 (401
    # for reminders) sent the consent card for a permission the request says the user gave, and
    # the next request was refused again, the user asked again and again.
    import logging

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"code": "ACCESS_DENIED", "message": "no"})

    def api_with(permissions: dict[str, Any]) -> AlexaApi:
        raw = RequestFactory().intent("Ask")
        raw["context"]["System"]["user"]["permissions"] = permissions
        client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
        return AlexaApi(decode_envelope(json.dumps(raw)), client=client)

    granted = {"scopes": {scope: {"status": "GRANTED"}}}
    refused = pytest.raises(AlexaApiError, match=f"refused though the user granted {scope}")
    with caplog.at_level(logging.WARNING, "alexaskill"), refused as caught:
        _run(call(api_with(granted)))
    assert not isinstance(caught.value, PermissionRequired)
    assert (caught.value.status, caught.value.code) == (status, "ACCESS_DENIED")
    assert any(
        scope in record.getMessage() and "no consent card" in record.getMessage()
        for record in caplog.records
    )
    # Not granted, denied, or only a consent token (which names no scope): the card, as before.
    for permissions in (
        {"scopes": {other: {"status": "GRANTED"} for other in Scope.ALL if other != scope}},
        {"scopes": {scope: {"status": "DENIED"}}},
        {"consentToken": "eyJ0eXAiOiJKV1Qi.e30.c2ln"},
    ):
        with pytest.raises(PermissionRequired) as asked:
            _run(call(api_with(permissions)))
        assert asked.value.scope == scope


@pytest.mark.parametrize("method", [getter[0] for getter in GETTERS if getter[3] is not None])
def test_a_granted_scope_refused_is_the_apology_not_the_consent_card(
    skill_client: Callable[..., TestClient], method: str
) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Ask")
    async def ask_api(api: AlexaApi, what: str) -> Response:
        await getattr(api, what)()
        return speak("answered")

    client = skill_client(skill, faults={method: 403}, raise_handler_errors=False)
    envelope = client.factory.intent("Ask", what=method)
    granted = {name: {"status": "GRANTED"} for name in Scope.ALL}
    envelope["context"]["System"]["user"]["permissions"] = {"scopes": granted}
    result = client.send_envelope(envelope)
    assert result.status_code == 200
    assert result.speech == APOLOGY
    assert result.card is None
    assert result.api_calls[0].status == 403
    assert isinstance(result.handler_error, AlexaApiError)
    assert not isinstance(result.handler_error, PermissionRequired)
