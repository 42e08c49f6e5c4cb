"""Tests for alexaskill.services: progressive responses, as the Alexa API receives them.

Amazon's limits on them are tested in tests/test_services_limits.py; a call's timeout and the
response deadline, in tests/test_services_timeouts.py."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from alexaskill import Skill, services
from alexaskill.alexa_api import ApiTransport
from alexaskill.exceptions import ResponseError
from alexaskill.models import decode_envelope
from alexaskill.responses import Response, speak
from alexaskill.services import AlexaApi, alexa_api_factory
from alexaskill.ssml import Ssml, audio, emphasis
from alexaskill.testing import RequestFactory, TestClient

from . import services_shared
from .conftest import SKILL_ID
from .services_shared import TOKEN, AlexaApiStub, envelope

# The fixture of tests/services_shared.py, this module's too (why not conftest's: see there).
stub = services_shared.stub


def test_public_names() -> None:
    assert sorted(services.__all__, key=lambda n: (not n.isupper(), n)) == services.__all__
    for name in services.__all__:
        if not name.isupper():
            assert getattr(services, name).__doc__, name


# --- AlexaApi on its own --------------------------------------------------------------------------


@pytest.mark.anyio
async def test_progressive_posts_voice_player_speak(stub: Callable[..., AlexaApiStub]) -> None:
    api_stub = stub()
    request = envelope()
    api = AlexaApi(request, client=api_stub.client)
    assert await api.progressive("Looking that up") is True
    [sent] = api_stub.requests
    assert sent.method == "POST"
    assert str(sent.url) == "https://api.amazonalexa.com/v1/directives"
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["Content-Type"] == "application/json"
    assert json.loads(sent.content) == {
        "header": {"requestId": request.request.request_id},
        "directive": {"type": "VoicePlayer.Speak", "speech": "<speak>Looking that up</speak>"},
    }
    assert api.endpoint == "https://api.amazonalexa.com"
    assert api.client is api_stub.client


@pytest.mark.anyio
async def test_progressive_speech_is_plain_text_or_ssml(stub: Callable[..., AlexaApiStub]) -> None:
    api_stub = stub()
    api = AlexaApi(envelope(), client=api_stub.client)
    await api.progressive("Tom & <Jerry>")
    await api.progressive(Ssml("One ") + emphasis("moment"))
    await api.progressive(Ssml("<speak>Already a document</speak>"))
    assert [body["directive"]["speech"] for body in api_stub.bodies] == [
        "<speak>Tom &amp; &lt;Jerry&gt;</speak>",
        '<speak>One <emphasis level="moderate">moment</emphasis></speak>',
        "<speak>Already a document</speak>",
    ]


@pytest.mark.parametrize(
    ("status", "fail", "logged"),
    [
        (500, None, "progressive response refused (https://api.amazonalexa.com/v1/directives): "),
        (403, None, "HTTP 403"),
        (204, httpx.ConnectError("no route"), "progressive response failed"),
        (204, httpx.ReadTimeout("slow"), "progressive response timed out"),
        # Not an httpx.HTTPError: what a closed client or a transport of one's own raises.
        (204, RuntimeError("the client has been closed"), "progressive response failed"),
        (204, OSError("socket gone"), "progressive response failed"),
    ],
)
@pytest.mark.anyio
async def test_a_failing_api_is_logged_and_returns_false(
    stub: Callable[..., AlexaApiStub],
    caplog: pytest.LogCaptureFixture,
    status: int,
    fail: Exception | None,
    logged: str,
) -> None:
    api_stub = stub(status, fail=fail)
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert await AlexaApi(envelope(), client=api_stub.client).progressive("Hmm") is False
    assert logged in caplog.text
    assert TOKEN not in caplog.text


@pytest.mark.anyio
async def test_a_failure_is_logged_without_the_endpoint_s_user_info(
    stub: Callable[..., AlexaApiStub], caplog: pytest.LogCaptureFixture
) -> None:
    # A forged apiEndpoint with user info is refused unsent (AlexaApiError); the log line
    # that says so names the endpoint without what could be a password.
    api_stub = stub()
    raw = RequestFactory(skill_id=SKILL_ID).intent("GetWeather")
    raw["context"]["System"]["apiEndpoint"] = "https://user:secret@evil.example"
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=api_stub.client)
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert await api.progressive("Hmm") is False
    assert "progressive response failed (https://…@evil.example/v1/directives)" in caplog.text
    assert "secret" not in caplog.text
    assert "user" not in caplog.text
    assert api_stub.requests == []


@pytest.mark.anyio
async def test_a_closed_client_does_not_break_the_answer(
    stub: Callable[..., AlexaApiStub], caplog: pytest.LogCaptureFixture
) -> None:
    api_stub = stub()
    await api_stub.client.aclose()
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert await AlexaApi(envelope(), client=api_stub.client).progressive("Hmm") is False
    assert (
        "progressive response failed (https://api.amazonalexa.com/v1/directives): the HTTP "
        "client for Alexa's API is closed"
    ) in caplog.text


@pytest.mark.anyio
async def test_an_unexpected_failure_keeps_its_traceback_at_debug(
    stub: Callable[..., AlexaApiStub], caplog: pytest.LogCaptureFixture
) -> None:
    # A bug in a transport (or in alexaskill) must stay findable: the WARNING names the type
    # only, the DEBUG line that follows carries the traceback.
    api_stub = stub(fail=ZeroDivisionError("a bug in the transport"))
    with caplog.at_level(logging.DEBUG, logger="alexaskill"):
        assert await AlexaApi(envelope(), client=api_stub.client).progressive("Hmm") is False
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.getMessage().endswith(": ZeroDivisionError")
    assert warning.exc_info is None
    [traced] = [r for r in caplog.records if r.levelno == logging.DEBUG and r.exc_info]
    assert traced.exc_info is not None
    assert isinstance(traced.exc_info[1], ZeroDivisionError)
    assert "a bug in the transport" in caplog.text
    assert TOKEN not in caplog.text


@pytest.mark.anyio
async def test_a_plain_str_that_is_an_ssml_document_is_refused(
    stub: Callable[..., AlexaApiStub],
) -> None:
    # As speak() refuses it: escaped, the tags would be read aloud.
    api_stub = stub()
    api = AlexaApi(envelope(), client=api_stub.client)
    with pytest.raises(ResponseError, match="plain text starting with <speak>"):
        await api.progressive("<speak>One moment</speak>")
    assert api_stub.requests == []


@pytest.mark.anyio
async def test_progressive_speech_may_hold_more_audio_clips_than_an_answer(
    stub: Callable[..., AlexaApiStub],
) -> None:
    # The answer's outputSpeech allows 5 <audio> clips; a progressive response has its own
    # limits (600 characters, 30 s of audio) and only those apply.
    api_stub = stub()
    api = AlexaApi(envelope(), client=api_stub.client)
    clips = Ssml("").join(audio(f"soundbank://soundlibrary/clip_{n}") for n in range(6))
    assert await api.progressive(clips) is True
    assert api_stub.bodies[0]["directive"]["speech"] == f"<speak>{clips}</speak>"


@pytest.mark.anyio
async def test_long_progressive_speech_gets_the_progressive_limit_s_message(
    stub: Callable[..., AlexaApiStub],
) -> None:
    api_stub = stub()
    api = AlexaApi(envelope(), client=api_stub.client)
    with pytest.raises(ResponseError) as refused:
        await api.progressive("x" * 9000)
    assert str(refused.value) == (
        "progressive response speech is 9,015 characters as SSML; the limit is 600"
    )
    assert api_stub.requests == []


@pytest.mark.anyio
async def test_the_timeout_bounds_the_whole_call(
    stub: Callable[..., AlexaApiStub], caplog: pytest.LogCaptureFixture
) -> None:
    api_stub = stub(delay=5)
    api = AlexaApi(envelope(), client=api_stub.client, timeout=0.05)
    # The stub answers after 5 s: a call not bounded by the timeout returns True then.
    assert await api.progressive("Hmm") is False
    assert "progressive response timed out after 0.05 s" in caplog.text
    assert services.PROGRESSIVE_TIMEOUT == 2.0


@pytest.mark.anyio
async def test_only_launch_and_intent_requests_get_progressive_responses(
    stub: Callable[..., AlexaApiStub], caplog: pytest.LogCaptureFixture
) -> None:
    api_stub = stub()
    launch = AlexaApi(envelope("LaunchRequest"), client=api_stub.client)
    audio = AlexaApi(envelope("AudioPlayer.PlaybackStarted", token="t"), client=api_stub.client)
    assert await launch.progressive("Welcome") is True
    with pytest.raises(ResponseError, match=r"not an AudioPlayer\.PlaybackStarted"):
        await audio.progressive("Hmm")
    assert len(api_stub.requests) == 1


@pytest.mark.anyio
async def test_no_endpoint_or_token_means_no_call(
    stub: Callable[..., AlexaApiStub], caplog: pytest.LogCaptureFixture
) -> None:
    api_stub = stub()
    raw = RequestFactory().intent("GetWeather")
    del raw["context"]["System"]["apiAccessToken"]
    no_token = AlexaApi(decode_envelope(json.dumps(raw)), client=api_stub.client)
    assert await no_token.progressive("Hmm") is False
    with pytest.raises(ResponseError, match="must be a non-empty str or Ssml"):
        await AlexaApi(envelope(), client=api_stub.client).progressive("")
    assert api_stub.requests == []
    assert "no apiEndpoint or token" in caplog.text


@pytest.mark.anyio
@pytest.mark.parametrize("speech", [" ", "\n\t", Ssml("<speak> </speak>"), Ssml("<speak/>")])
async def test_progressive_speech_that_says_nothing_is_refused_unsent(
    stub: Callable[..., AlexaApiStub], speech: str
) -> None:
    # As an answer's speech (test_responses): Amazon refuses such a directive, and the call
    # would be one of the request's five spent on silence.
    api_stub = stub()
    with pytest.raises(ResponseError, match="progressive response speech says nothing"):
        await AlexaApi(envelope(), client=api_stub.client).progressive(speech)
    assert api_stub.requests == []


@pytest.mark.anyio
async def test_without_a_shared_client_each_call_makes_its_own(
    stub: Callable[..., AlexaApiStub], monkeypatch: pytest.MonkeyPatch
) -> None:
    api_stub = stub()
    transport = httpx.MockTransport(api_stub.handle)
    monkeypatch.setattr(
        httpx, "AsyncClient", functools.partial(httpx.AsyncClient, transport=transport)
    )
    api = AlexaApi(envelope())
    assert api.client is None
    assert await api.progressive("Hmm") is True
    assert len(api_stub.requests) == 1


# --- through the app ------------------------------------------------------------------------------


def weather_skill(api_stub: AlexaApiStub, *, timeout: float = 2.0) -> Skill:
    skill = Skill(SKILL_ID)
    skill.add_service(AlexaApi, alexa_api_factory(lambda: api_stub.client, timeout=timeout))

    @skill.intent("GetWeather")
    async def weather(api: AlexaApi, city: str) -> Response:
        await api.progressive(f"Looking up {city}")
        return speak(f"Sunny in {city}.")

    @skill.intent("SyncWeather")
    def sync_weather(api: AlexaApi, city: str) -> Response:
        sent = api.progressive_sync(f"Looking up {city}")
        return speak(f"Sunny in {city} ({'with' if sent else 'without'} a progressive response).")

    return skill


def test_a_handler_sends_a_progressive_response_before_its_answer(
    stub: Callable[..., AlexaApiStub],
) -> None:
    api_stub = stub()
    with TestClient(weather_skill(api_stub)) as client:
        client.factory.api_access_token = TOKEN
        result = client.intent("GetWeather", city="Paris")
    assert result.speech == "Sunny in Paris."
    [body] = api_stub.bodies
    assert body["directive"] == {
        "type": "VoicePlayer.Speak",
        "speech": "<speak>Looking up Paris</speak>",
    }
    assert body["header"]["requestId"].startswith("amzn1.echo-api.request.")
    assert api_stub.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize(
    "api",
    [
        {"status": 500},
        {"fail": httpx.ConnectTimeout("down")},
        {"delay": 5},
        {"fail": RuntimeError("the client has been closed")},
    ],
)
def test_a_failing_api_never_breaks_the_answer(
    stub: Callable[..., AlexaApiStub], caplog: pytest.LogCaptureFixture, api: dict[str, Any]
) -> None:
    api_stub = stub(**api)
    with TestClient(weather_skill(api_stub, timeout=0.05)) as client:
        client.factory.api_access_token = TOKEN
        result = client.intent("GetWeather", city="Paris")
    assert result.status_code == 200
    assert result.speech == "Sunny in Paris."
    assert "progressive response" in caplog.text
    assert TOKEN not in caplog.text


def test_a_sync_handler_uses_progressive_sync(stub: Callable[..., AlexaApiStub]) -> None:
    api_stub = stub()
    with TestClient(weather_skill(api_stub)) as client:
        result = client.intent("SyncWeather", city="Oslo")
    assert result.speech == "Sunny in Oslo (with a progressive response)."
    assert api_stub.bodies[0]["directive"]["speech"] == "<speak>Looking up Oslo</speak>"


def test_progressive_sync_outside_a_worker_thread_returns_false(
    stub: Callable[..., AlexaApiStub], caplog: pytest.LogCaptureFixture
) -> None:
    api = AlexaApi(envelope(), client=stub().client)
    assert api.progressive_sync("Hmm") is False
    assert "no progressive response from this thread" in caplog.text


def test_the_default_service_uses_skill_api_client_else_the_lifespan_client() -> None:
    skill = Skill(SKILL_ID)
    seen: list[httpx.AsyncClient | ApiTransport | None] = []

    @skill.intent("Peek")
    async def peek(api: AlexaApi) -> None:
        seen.append(api.client)

    with TestClient(skill) as client:
        client.intent("Peek")  # the test client's fake API, set as skill.api_client
        fake = skill.api_client
        skill.api_client = None
        client.intent("Peek")
        shared = skill._http_client
    assert isinstance(shared, httpx.AsyncClient)
    assert seen == [fake, shared]
    assert fake is not shared
    assert skill.api_client is None  # the client gave the skill its own back


def test_handlers_that_do_not_ask_get_no_api_object() -> None:
    skill = Skill(SKILL_ID)
    made: list[AlexaApi] = []
    factory = alexa_api_factory(lambda: None)

    async def create(call: Any) -> AlexaApi:
        made.append(await factory(call))
        return made[-1]

    skill.add_service(AlexaApi, create)
    skill.add_intent_handler("Plain", lambda: speak("ok"))
    with TestClient(skill) as client:
        assert client.intent("Plain").speech == "ok"
    assert made == []


# --- calls of AlexaApi: the time zone asked once, a list item of no words -------------------------


def _zone_asker(status: int, asked: list[str]) -> AlexaApi:
    async def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        await asyncio.sleep(0.01)  # the other calls start meanwhile (no timing is asserted)
        return httpx.Response(status, json="Europe/Paris")

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    return AlexaApi(decode_envelope(json.dumps(raw)), client=client)


def test_the_time_zone_is_asked_once_for_calls_made_at_the_same_time() -> None:
    # asyncio.gather(api.now(), api.today()) asked Amazon once per call, not once per request.
    asked: list[str] = []
    api = _zone_asker(200, asked)

    async def main() -> list[Any]:
        return list(await asyncio.gather(api.now(), api.today(), api.time_zone()))

    now, today, zone = asyncio.run(main())
    assert str(zone) == "Europe/Paris" and now.tzinfo is zone and today == now.date()
    assert len(asked) == 1


def test_calls_waiting_for_a_failed_time_zone_call_fail_too_and_the_next_asks_again() -> None:
    from alexaskill import AlexaApiError

    asked: list[str] = []
    api = _zone_asker(500, asked)

    async def main() -> list[Any]:
        return list(await asyncio.gather(api.now(), api.today(), return_exceptions=True))

    first, waiter = asyncio.run(main())
    assert isinstance(first, AlexaApiError) and first.status == 500
    assert isinstance(waiter, AlexaApiError) and "failed" in str(waiter)
    assert len(asked) == 1
    with pytest.raises(AlexaApiError):
        asyncio.run(api.time_zone())
    assert len(asked) == 2


def test_a_call_waiting_for_a_time_zone_call_whose_caller_gave_up_asks_itself() -> None:
    # A caller cancelled (asyncio.wait_for's timeout, a TaskGroup's sibling failing) failed
    # nothing: the call that waited for its answer raised "the call ... failed" all the same.
    asked: list[str] = []
    answer_now = asyncio.Event()

    async def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if len(asked) == 1:
            await answer_now.wait()  # the first call is still asked when it is cancelled
        return httpx.Response(200, json="Europe/Paris")

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)

    async def main() -> Any:
        first = asyncio.create_task(api.time_zone())
        while not asked:  # the first call reached Amazon
            await asyncio.sleep(0)
        waiter = asyncio.create_task(api.time_zone())
        for _ in range(20):  # the waiter is waiting (it never asks while the first call is)
            await asyncio.sleep(0)
        assert not waiter.done() and len(asked) == 1
        first.cancel()
        return await waiter

    zone = asyncio.run(main())
    assert str(zone) == "Europe/Paris"
    assert len(asked) == 2


@pytest.mark.anyio
@pytest.mark.parametrize("value", ["", "   ", "\t\n", "\u00a0"])
async def test_a_list_item_of_no_words_is_a_value_error_unsent(
    stub: Callable[..., AlexaApiStub], value: str
) -> None:
    # Alexa's List API refuses an item whose value is blank (the fake answers it 400
    # INVALID_REQUEST): "   " went out, a round trip spent on an AlexaApiError naming no value.
    api_stub = stub()  # (a 204: the item as sent)
    api = AlexaApi(envelope(), client=api_stub.client)
    with pytest.raises(ValueError, match=r"add_list_item: the item's value is '.*': no words"):
        await api.add_list_item("list-1", value)
    assert api_stub.requests == []
    await api.add_list_item("list-1", " milk ")  # (words with spaces around are sent as given)
    assert api_stub.bodies == [{"value": " milk ", "status": "active"}]
