"""Amazon's limits on progressive responses (alexaskill.services), checked before anything is
sent, through the signed test client: five a request, counted only if one may have reached
Amazon, 600 characters and 30 seconds of pauses each, launch and intent requests only."""

from __future__ import annotations

from collections.abc import Callable

import anyio
import httpx
import pytest

from alexaskill import Skill
from alexaskill.exceptions import ResponseError
from alexaskill.responses import Response, ask, speak
from alexaskill.services import AlexaApi, alexa_api_factory
from alexaskill.ssml import Ssml
from alexaskill.testing import TestClient

from . import services_shared
from .conftest import SKILL_ID
from .services_shared import AlexaApiStub, envelope

# The fixture of tests/services_shared.py, this module's too (why not conftest's: see there).
stub = services_shared.stub

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
    # One reading of <break time> (ssml_attributes._break_time_ms), as in speech ("10S" and " 10s"
    # are refused alike, with the form to write: ssml_attributes._break_error), and only real
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
        # (with its article: "not a AudioPlayer.PlaybackNearlyFinished" was said)
        "a progressive response is only for a LaunchRequest or an IntentRequest, not an "
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
