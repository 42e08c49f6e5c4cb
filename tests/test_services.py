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
from alexaskill.alexa_api import ApiTransport
from alexaskill.exceptions import ResponseError
from alexaskill.models import Envelope, decode_envelope
from alexaskill.responses import Response, ask, speak
from alexaskill.services import AlexaApi, alexa_api_factory
from alexaskill.ssml import Ssml, audio, emphasis
from alexaskill.testing import RequestFactory, TestClient

from .conftest import SKILL_ID

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
def stub() -> Iterator[Callable[..., AlexaApiStub]]:
    made: list[AlexaApiStub] = []

    def make(*args: Any, **kwargs: Any) -> AlexaApiStub:
        made.append(AlexaApiStub(*args, **kwargs))
        return made[-1]

    yield make
    for api in made:
        anyio.run(api.client.aclose)


def envelope(request_type: str = "IntentRequest", **fields: Any) -> Envelope:
    factory = RequestFactory(skill_id=SKILL_ID, api_access_token=TOKEN)  # (one to look for)
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
        "progressive response speech is 9015 characters as SSML; the limit is 600"
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
    with pytest.raises(ResponseError, match=r"not a AudioPlayer\.PlaybackStarted"):
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


# --- Amazon's limits, checked before anything is sent (through the signed test client) ----------


def limits_skill(api_stub: AlexaApiStub, caught: list[str]) -> Skill:
    """A skill whose handlers send the progressive responses a test names, noting refusals."""
    skill = Skill(SKILL_ID)
    skill.add_service(AlexaApi, alexa_api_factory(lambda: api_stub.client))

    async def send_all(api: AlexaApi, speeches: list[str]) -> str:
        sent = 0
        for speech in speeches:
            try:
                sent += await api.progressive(Ssml(speech))
            except ResponseError as exc:
                caught.append(str(exc))
        return f"sent {sent}"

    @skill.intent("Count")
    async def count(api: AlexaApi, times: int) -> Response:
        return speak(await send_all(api, [f"Step {n}" for n in range(times)]))

    @skill.intent("Long")
    async def long(api: AlexaApi, size: int) -> Response:
        return speak(await send_all(api, ["x" * size]))

    @skill.intent("Pause")
    async def pause(api: AlexaApi, seconds: int) -> Response:
        breaks = '<break time="10s"/>' * (seconds // 10) + f'<break time="{seconds % 10}s"/>'
        return speak(await send_all(api, [f"Hold on {breaks} nearly there"]))

    @skill.launch
    async def launch(api: AlexaApi) -> Response:
        return speak(await send_all(api, ["Welcome"]))

    @skill.on("AudioPlayer.PlaybackNearlyFinished")
    async def nearly(api: AlexaApi) -> Response | None:
        await send_all(api, ["Next one coming"])
        return None

    @skill.session_ended
    async def ended(api: AlexaApi) -> None:
        await send_all(api, ["Bye"])

    return skill


def test_at_most_five_progressive_responses_per_request(
    stub: Callable[..., AlexaApiStub],
) -> None:
    api_stub = stub()
    caught: list[str] = []
    with TestClient(limits_skill(api_stub, caught)) as client:
        five = client.intent("Count", times=5)
        seven = client.intent("Count", times=7)
    assert (five.speech, seven.speech) == ("sent 5", "sent 5")
    assert len(api_stub.requests) == 10
    assert caught == [
        "at most 5 progressive responses per request; this would be number 6",
        "at most 5 progressive responses per request; this would be number 6",  # refused: uncounted
    ]


class _FailingFirst(AlexaApiStub):
    """A stub whose first ``failures`` calls raise ``fail``; the others are answered ``status``."""

    def __init__(self, fail: Exception | None, failures: int, status: int = 204) -> None:
        super().__init__(status)
        self.failures = failures
        self.failure = fail

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if len(self.requests) <= self.failures and self.failure is not None:
            raise self.failure
        return httpx.Response(self.status if len(self.requests) > self.failures else 400)


SIX = "at most 5 progressive responses per request; this would be number 6"


@pytest.mark.parametrize(
    ("failure", "sent", "requests"),
    [
        # Amazon counts the progressive responses it receives, five per request. A call whose
        # connection was never made (no TCP connection, a proxy that refused its tunnel) reached
        # no one; it was counted, so two of them left the handler three instead of five.
        (httpx.ConnectError("refused"), "sent 5", 7),
        (httpx.ProxyError("403 Forbidden"), "sent 5", 7),
        # A call whose time ran out before any connection to Amazon was made reached no server
        # of Amazon's, as a refused connection did not; it was counted as a timeout that may
        # have reached Amazon, so two of them left the handler three, not five. (No TCP
        # connection answered in time, or none of the pool's came free: nothing sent.)
        (httpx.ConnectTimeout("no answer"), "sent 5", 7),
        (httpx.PoolTimeout("no connection free"), "sent 5", 7),
        # (the server was reached and said nothing in time: it may have taken it, and play it)
        (httpx.ReadTimeout("no answer"), "sent 3", 5),
        # One that reached Amazon and was refused (a 400, a 429) counts: Amazon received it.
        (None, "sent 3", 5),
    ],
    ids=["connect", "proxy", "connect-timeout", "pool-timeout", "read-timeout", "refused"],
)
def test_a_progressive_response_counts_only_if_it_may_have_reached_amazon(
    failure: Exception | None, sent: str, requests: int
) -> None:
    api_stub = _FailingFirst(failure, failures=2)
    caught: list[str] = []
    try:
        with TestClient(limits_skill(api_stub, caught)) as client:
            seven = client.intent("Count", times=7)
    finally:
        anyio.run(api_stub.client.aclose)
    assert (seven.speech, caught) == (sent, [] if sent == "sent 5" else [SIX, SIX]), failure
    assert len(api_stub.requests) == requests


def test_a_progressive_response_to_an_endpoint_that_never_connects_is_not_counted() -> None:
    # Over a real TCP connection that gets no answer (a listener whose backlog is full, as a
    # firewall that drops packets): each call's time runs out connecting, and none counts.
    from .blackhole import unconnectable_port

    skill = Skill(SKILL_ID)
    skill.add_service(AlexaApi, alexa_api_factory(lambda: None, timeout=0.2))
    caught: list[str] = []

    @skill.intent("Count")
    async def count(api: AlexaApi) -> Response:
        sent = 0
        for step in range(7):
            try:
                sent += await api.progressive(f"Step {step}")
            except ResponseError as exc:
                caught.append(str(exc))
        return speak(f"sent {sent}")

    with unconnectable_port() as port, TestClient(skill) as client:
        client.factory.api_endpoint = f"http://127.0.0.1:{port}"
        seven = client.intent("Count")
    assert (seven.speech, caught) == ("sent 0", [])


def test_progressive_speech_is_at_most_600_characters(stub: Callable[..., AlexaApiStub]) -> None:
    api_stub = stub()
    caught: list[str] = []
    with TestClient(limits_skill(api_stub, caught)) as client:
        # "<speak>" + text + "</speak>": 15 characters of markup.
        fits = client.intent("Long", size=585)
        too_long = client.intent("Long", size=586)
    assert (fits.speech, too_long.speech) == ("sent 1", "sent 0")
    assert len(api_stub.bodies[0]["directive"]["speech"]) == 600
    assert caught == ["progressive response speech is 601 characters as SSML; the limit is 600"]
    assert len(api_stub.requests) == 1


def test_progressive_speech_holds_at_most_30_seconds_of_pauses(
    stub: Callable[..., AlexaApiStub],
) -> None:
    api_stub = stub()
    caught: list[str] = []
    with TestClient(limits_skill(api_stub, caught)) as client:
        fits = client.intent("Pause", seconds=30)
        too_long = client.intent("Pause", seconds=31)
    assert (fits.speech, too_long.speech) == ("sent 1", "sent 0")
    assert caught == [
        "progressive response speech holds 31 s of pauses; the limit is 30 s of audio"
    ]


@pytest.mark.anyio
async def test_progressive_pauses_are_read_as_speech_reads_them(
    stub: Callable[..., AlexaApiStub],
) -> None:
    # One reading of <break time> (ssml_check._break_time_ms), as in speech ("10S" and " 10s"
    # are refused alike, with the form to write: ssml_check._break_error), and only real
    # elements count, not a comment.
    api_stub = stub()
    api = AlexaApi(envelope(), client=api_stub.client)
    with pytest.raises(ResponseError, match=r"<break time='10S'>: write '10s'"):
        await api.progressive(Ssml("Hmm<break time='10S'/>"))
    pauses = Ssml("Hmm<break time='10s'/><break time='10.0s'/><break time='10000ms'/>")
    with pytest.raises(ResponseError, match=r"holds 30\.5 s of pauses"):
        await api.progressive(pauses + Ssml("<break time='500ms'/>"))
    assert await api.progressive(pauses + Ssml("<!-- <break time='500ms'/> -->")) is True
    assert len(api_stub.requests) == 1


def test_progressive_responses_only_for_launch_and_intent_requests(
    stub: Callable[..., AlexaApiStub],
) -> None:
    api_stub = stub()
    caught: list[str] = []
    skill = limits_skill(api_stub, caught)
    skill.add_intent_handler("More", lambda: ask("More?"))
    with TestClient(skill) as client:
        launched = client.launch()
        nearly = client.send("AudioPlayer.PlaybackNearlyFinished", token="ep-1")
        client.intent("More")  # (Alexa ends an open session only)
        ended = client.session_ended()
    assert launched.speech == "sent 1"
    assert (nearly.status_code, ended.status_code) == (200, 200)
    assert caught == [
        "a progressive response is only for a LaunchRequest or an IntentRequest, not a "
        "AudioPlayer.PlaybackNearlyFinished (Alexa plays none)",
        "a progressive response is only for a LaunchRequest or an IntentRequest, not a "
        "SessionEndedRequest (Alexa plays none)",
    ]
    assert len(api_stub.requests) == 1


def test_an_exception_handler_shares_the_handler_s_count(
    stub: Callable[..., AlexaApiStub],
) -> None:
    api_stub = stub()
    skill = Skill(SKILL_ID)
    skill.add_service(AlexaApi, alexa_api_factory(lambda: api_stub.client))

    @skill.intent("Busy")
    async def busy(api: AlexaApi) -> Response:
        for n in range(5):
            await api.progressive(f"Step {n}")
        raise LookupError("nothing found")

    @skill.exception(LookupError)
    async def not_found(exc: LookupError, api: AlexaApi) -> Response:
        try:
            await api.progressive("Still looking")
        except ResponseError:
            return speak("Nothing found, and no sixth progressive response.")
        return speak("A sixth went out.")

    with TestClient(skill) as client:
        result = client.intent("Busy")
    assert result.speech == "Nothing found, and no sixth progressive response."
    assert len(api_stub.requests) == 5


@pytest.mark.parametrize("timeout", [0, -1.0, float("inf"), float("nan"), None, "2", True])
def test_a_timeout_that_bounds_nothing_is_refused_where_it_is_given(timeout: Any) -> None:
    # A call must end: an infinite (or absent) timeout would let a silent API hold the handler
    # for as long as the deadline allows, or forever without one.
    with pytest.raises(ValueError, match="timeout"):
        alexa_api_factory(lambda: None, timeout=timeout)
    raw = RequestFactory().intent("Ask")
    with pytest.raises(ValueError, match="timeout"):
        AlexaApi(decode_envelope(json.dumps(raw)), timeout=timeout)


@pytest.mark.parametrize("kind", ["async", "def"])
def test_a_silent_api_does_not_hold_the_answer_past_the_deadline(kind: str) -> None:
    # The API's own timeout (10 s here) is longer than the skill's deadline: the deadline's
    # answer goes out at the deadline, not when the call gives up.
    from alexaskill.app import DEADLINE_REPLY

    async def silent(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)
        return httpx.Response(200, json="METRIC")

    skill = Skill(SKILL_ID, deadline=0.3)
    skill.add_service(
        AlexaApi,
        alexa_api_factory(
            lambda: httpx.AsyncClient(transport=httpx.MockTransport(silent)), timeout=10.0
        ),
    )
    if kind == "async":

        @skill.intent("Ask")
        async def ask(api: AlexaApi) -> Response:
            return speak(f"{await api.distance_units()}")

    else:

        @skill.intent("Ask")
        def ask_sync(api: AlexaApi) -> Response:
            return speak(f"{api.call_sync(api.distance_units)}")

    with TestClient(skill) as client:
        assert client.intent("Ask").speech == DEADLINE_REPLY


@pytest.mark.parametrize("change", ["create_reminder", "delete_reminder", "add_list_item"])
def test_a_handler_given_up_by_the_deadline_changes_nothing_at_alexa(change: str) -> None:
    # The deadline's answer told the user to try again; the def handler's thread runs on. A
    # reminder or list item it made then would be made twice by the retry: refused, unsent.
    import datetime as dt
    import threading

    from alexaskill import AlexaApiError
    from alexaskill.app import DEADLINE_REPLY

    api_stub = AlexaApiStub(201)
    skill = Skill(SKILL_ID, deadline=0.3)
    skill.add_service(AlexaApi, alexa_api_factory(lambda: api_stub.client))
    go, done = threading.Event(), threading.Event()
    outcome: list[BaseException | None] = []
    calls: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
        "create_reminder": (("hi",), {"after": dt.timedelta(minutes=5)}),
        "delete_reminder": (("token-1",), {}),
        "add_list_item": (("list-1", "milk"), {}),
    }

    @skill.intent("Ask")
    def ask(api: AlexaApi) -> Response:
        try:
            go.wait(30)
            args, kwargs = calls[change]
            api.call_sync(getattr(api, change), *args, **kwargs)
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)
            raise
        finally:
            done.set()
        return speak("Done.")

    with TestClient(skill) as client:
        assert client.intent("Ask").speech == DEADLINE_REPLY
        go.set()
        assert done.wait(30)
    assert len(outcome) == 1 and isinstance(outcome[0], AlexaApiError)
    assert "deadline" in str(outcome[0]) and "not sent" in str(outcome[0])
    assert api_stub.requests == []


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
