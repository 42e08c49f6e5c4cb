"""Alexa's service APIs through a skill: each `AlexaApi` method answered by the test client's fake.

Every method is tried for success, "not set", a timeout and an HTTP failure; progressive
responses and call_sync through the test client. A missing permission (the consent card) and a
scope the user granted and the API refused (no consent card) are in test_alexa_api_consent.py;
the user's "now", lists and in-skill products in test_alexa_api_user.py. The wire format itself
is checked against a server on 127.0.0.1 in test_alexa_api_wire.py; reminders, the call's
endpoint and token, the answer read and the fake have test_alexa_api_*.py files.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from alexaskill import AlexaApi, Response, Skill, alexa_api, speak
from alexaskill.app import APOLOGY
from alexaskill.models import decode_envelope
from alexaskill.ssml import Ssml, emphasis
from alexaskill.testing import RequestFactory, TestClient

from .alexa_api_shared import GETTERS, PRODUCTS, api_skill
from .conftest import SKILL_ID

IDS = [getter[0] for getter in GETTERS]


@pytest.mark.parametrize(("method", "data", "expected", "scope"), GETTERS, ids=IDS)
def test_each_method_returns_what_alexa_answers(
    skill_client: Callable[..., TestClient],
    method: str,
    data: dict[str, Any],
    expected: object,
    scope: str | None,
) -> None:
    skill, seen = api_skill()
    result = skill_client(skill, **data).intent("Ask", what=method)
    assert result.speech == f"{method} answered"
    assert seen == [expected]
    [call] = result.api_calls
    assert (call.operation, call.method, call.status) == (method, "GET", 200)


@pytest.mark.parametrize(("method", "data", "expected", "scope"), GETTERS, ids=IDS)
def test_each_method_answers_none_when_the_user_set_nothing(
    skill_client: Callable[..., TestClient],
    method: str,
    data: dict[str, Any],
    expected: object,
    scope: str | None,
) -> None:
    skill, seen = api_skill()
    result = skill_client(skill).intent("Ask", what=method)
    assert result.speech == f"{method} answered"
    nothing: list[object] | None = [] if isinstance(expected, list) else None
    assert seen == [nothing]
    assert result.api_calls[0].status == (200 if isinstance(expected, list) else 204)


@pytest.mark.parametrize("method", [*IDS, "get_reminders", "lists"])
def test_a_timeout_raises_alexa_api_timeout(
    skill_client: Callable[..., TestClient], method: str
) -> None:
    skill, _ = api_skill()
    result = skill_client(skill, faults={method: "timeout"}).intent("Ask", what=method)
    assert result.speech == f"{method} timed out"


@pytest.mark.parametrize("status", [429, 500, 503])
@pytest.mark.parametrize("method", [*IDS, "get_reminders", "lists"])
def test_throttling_and_server_errors_raise_alexa_api_error(
    skill_client: Callable[..., TestClient], method: str, status: int
) -> None:
    skill, _ = api_skill()
    result = skill_client(skill, faults={method: status}).intent("Ask", what=method)
    assert result.speech == f"{method} failed with {status}"


def test_an_unhandled_api_error_is_the_apology_and_a_log_line(
    skill_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    skill = Skill(SKILL_ID)

    @skill.launch
    async def launch(api: AlexaApi) -> Response:
        return speak(f"{await api.given_name()}")

    result = skill_client(skill, faults={"given_name": 503}, raise_handler_errors=False).launch()
    assert result.speech == APOLOGY
    assert "given_name: HTTP 503, server error (FAULT" in caplog.text
    assert "test-api-access-token" not in caplog.text


# --- progressive responses through the test client ------------------------------------------------


def test_progressive_responses_are_recorded_on_the_result(
    skill_client: Callable[..., TestClient],
) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Slow")
    async def slow(api: AlexaApi) -> Response:
        assert await api.progressive("Looking that up")
        assert await api.progressive(Ssml("One ") + emphasis("moment"))
        return speak("Done.")

    result = skill_client(skill).intent("Slow")
    assert result.speech == "Done."
    assert result.progressive == ["Looking that up", "One moment"]
    assert result.api_calls[0].body["directive"]["type"] == "VoicePlayer.Speak"


def test_a_refused_progressive_response_is_sent_not_heard(
    skill_client: Callable[..., TestClient],
) -> None:
    # SkillResponse.progressive listed it as if the user heard it.
    from alexaskill.testing import FakeAlexaApi

    skill = Skill(SKILL_ID)

    @skill.intent("Slow")
    async def slow(api: AlexaApi) -> Response:
        await api.progressive("Looking that up")
        return speak("Done.")

    client = skill_client(skill, api=FakeAlexaApi(faults={"progressive": 503}))
    result = client.intent("Slow")
    assert result.progressive == []
    assert result.progressive_sent == ["Looking that up"]


# --- call_sync, from a def handler ----------------------------------------------------------------


def test_a_def_handler_calls_the_api_with_call_sync(
    skill_client: Callable[..., TestClient],
) -> None:
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch(api: AlexaApi) -> Response:
        return speak(f"Hello {api.call_sync(api.given_name)}")

    assert skill_client(skill, given_name="Ada").launch().speech == "Hello Ada"


def test_call_sync_passes_keyword_arguments_on(
    skill_client: Callable[..., TestClient],
) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Shop")
    def shop(api: AlexaApi) -> Response:
        owned = api.call_sync(api.in_skill_products, entitled=True)
        reminder = api.call_sync(api.create_reminder, "Stretch", after=dt.timedelta(minutes=5))
        return speak(f"own {[p.name for p in owned]}, {reminder.status}")

    result = skill_client(skill, in_skill_products=PRODUCTS).intent("Shop")
    assert result.speech == "own ['Premium forecasts'], ON"
    assert result.api_calls[0].query == {"entitled": "ENTITLED"}
    assert result.api_calls[1].body["trigger"]["offsetInSeconds"] == 300


def test_a_runtime_error_of_the_called_method_reaches_the_handler(
    skill_client: Callable[..., TestClient],
) -> None:
    # call_sync took any RuntimeError for "not alexaskill's thread" and tried anyio's way next,
    # whose own RuntimeError ("only from an AnyIO worker thread") replaced the method's.
    skill = Skill(SKILL_ID)
    calls = []

    async def failing() -> str:
        calls.append(1)
        raise RuntimeError("the method's own")

    @skill.launch
    def launch(api: AlexaApi) -> Response:
        try:
            return speak(api.call_sync(failing))
        except RuntimeError as exc:
            return speak(str(exc))

    assert skill_client(skill).launch().speech == "the method's own"
    assert calls == [1]


def test_call_sync_outside_a_worker_thread_is_a_runtime_error() -> None:
    api = AlexaApi(decode_envelope(json.dumps(RequestFactory().intent("Ask"))))
    with pytest.raises(RuntimeError):
        api.call_sync(api.given_name)


@pytest.mark.parametrize(
    "module", [alexa_api, "alexaskill.testing.alexa_api", "alexaskill.testing.api_server"]
)
def test_public_names_are_sorted_and_documented(module: Any) -> None:
    import importlib

    if isinstance(module, str):
        module = importlib.import_module(module)
    names = module.__all__
    # As ruff's RUF022 sorts: constants, then classes, then functions.
    assert names == sorted(names, key=lambda name: (not name.isupper(), name[0].islower(), name))
    for name in names:
        assert getattr(module, name).__doc__, name
