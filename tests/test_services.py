"""Tests for alexaskill.services: progressive responses, as the Alexa API receives them."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import anyio
import httpx
import pytest

from alexaskill import Skill, services
from alexaskill.models import Envelope, decode_envelope
from alexaskill.responses import Response, speak
from alexaskill.services import AlexaApi, alexa_api_factory
from alexaskill.ssml import Ssml, emphasis
from alexaskill.testing import RequestFactory, TestClient

SKILL_ID = "amzn1.ask.skill.11111111-1111-1111-1111-111111111111"
TOKEN = "test-api-access-token"


class AlexaApiStub:
    """An httpx.MockTransport standing in for api.amazonalexa.com, recording what it receives."""

    def __init__(self, status: int = 204, *, fail: Exception | None = None, delay: float = 0):
        self.status = status
        self.fail = fail
        self.delay = delay
        self.requests: list[httpx.Request] = []
        self.client = httpx.AsyncClient(transport=httpx.MockTransport(self.handle))

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail is not None:
            raise self.fail
        return httpx.Response(self.status)

    @property
    def bodies(self) -> list[Any]:
        return [json.loads(request.content) for request in self.requests]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def stub() -> Iterator[Callable[..., AlexaApiStub]]:
    made: list[AlexaApiStub] = []

    def make(*args: Any, **kwargs: Any) -> AlexaApiStub:
        made.append(AlexaApiStub(*args, **kwargs))
        return made[-1]

    yield make
    for api in made:
        anyio.run(api.client.aclose)


def envelope(request_type: str = "IntentRequest", **fields: Any) -> Envelope:
    factory = RequestFactory(skill_id=SKILL_ID)
    if request_type == "IntentRequest":
        raw = factory.intent("GetWeather")
    else:
        raw = factory.envelope(request_type, **fields)
    return decode_envelope(json.dumps(raw))


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
async def test_the_timeout_bounds_the_whole_call(
    stub: Callable[..., AlexaApiStub], caplog: pytest.LogCaptureFixture
) -> None:
    api_stub = stub(delay=5)
    api = AlexaApi(envelope(), client=api_stub.client, timeout=0.05)
    started = asyncio.get_running_loop().time()
    assert await api.progressive("Hmm") is False
    assert asyncio.get_running_loop().time() - started < 2
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
    assert await audio.progressive("Hmm") is False
    assert len(api_stub.requests) == 1
    assert "no progressive response for a AudioPlayer.PlaybackStarted" in caplog.text


@pytest.mark.anyio
async def test_no_endpoint_or_token_or_speech_means_no_call(
    stub: Callable[..., AlexaApiStub], caplog: pytest.LogCaptureFixture
) -> None:
    api_stub = stub()
    raw = RequestFactory().intent("GetWeather")
    del raw["context"]["System"]["apiAccessToken"]
    no_token = AlexaApi(decode_envelope(json.dumps(raw)), client=api_stub.client)
    assert await no_token.progressive("Hmm") is False
    assert await AlexaApi(envelope(), client=api_stub.client).progressive("") is False
    assert api_stub.requests == []
    assert "no apiEndpoint or token" in caplog.text


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
    "api", [{"status": 500}, {"fail": httpx.ConnectTimeout("down")}, {"delay": 5}]
)
def test_a_failing_api_never_breaks_the_answer(
    stub: Callable[..., AlexaApiStub], caplog: pytest.LogCaptureFixture, api: dict[str, Any]
) -> None:
    api_stub = stub(**api)
    with TestClient(weather_skill(api_stub, timeout=0.05)) as client:
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
    seen: list[httpx.AsyncClient | None] = []

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
