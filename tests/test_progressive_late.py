"""Progressive responses sent too late, refused before they are sent: after the answer, after
the deadline (`alexaskill.services.progressive`). The in-process fake judges them itself, as
Alexa does: `tests/test_testing_progressive.py`."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from typing import Any

import httpx
import pytest

from alexaskill import AlexaApi, Skill, deadline_answering
from alexaskill.app import DEADLINE_REPLY
from alexaskill.aws_lambda import handler
from alexaskill.exceptions import DeadlineExceeded
from alexaskill.models import decode_envelope
from alexaskill.responses import Response, speak
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestClient

from . import deadline_shared
from .deadline_clock import Clock
from .lambda_runtime import LambdaContext

# How long a blocked handler or the test waits, at most: ended by the test well before (a loaded
# CI machine stalls for seconds), so only a broken test waits it out.
WAIT = 30.0

# The deadline's movable clock of tests/deadline_shared.py, this module's too (why not
# conftest's: see there).
clock = deadline_shared.clock


# The context Lambda passes each invocation: seven seconds left (no request id: these tests read
# the refusals' Alexa request ids, never Lambda's).
CONTEXT = LambdaContext()


def recording(sent: list[Any]) -> httpx.AsyncClient:
    """A client standing for Amazon's API, which takes every progressive response."""

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(204)

    return httpx.AsyncClient(transport=httpx.MockTransport(record))


def keeping_skill(sent: list[Any], **options: Any) -> tuple[Skill, list[AlexaApi]]:
    """A skill whose launch handler keeps its `AlexaApi` (as a task left running would), its
    calls to Amazon's API recorded in ``sent``; the `AlexaApi`s kept."""
    skill = Skill(DEFAULT_SKILL_ID, **options)
    kept: list[AlexaApi] = []

    @skill.launch
    async def launch(api: AlexaApi) -> Response:
        kept.append(api)
        return speak("Welcome.")

    skill.api_client = recording(sent)
    return skill, kept


def test_a_progressive_response_after_the_answer_is_refused_unsent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A task the handler left running sent it after the answer: it went to Amazon, which
    # refused it with a 403 the skill's log called a warning.
    skill = Skill(DEFAULT_SKILL_ID)
    kept: list[AlexaApi] = []

    @skill.launch
    async def launch(api: AlexaApi) -> Response:
        assert await api.progressive("One moment")
        kept.append(api)
        return speak("Welcome.")

    sent: list[Any] = []
    skill.api_client = recording(sent)
    event = RequestFactory().envelope("LaunchRequest")
    answer = handler(skill)(event, CONTEXT)
    assert answer["response"]["outputSpeech"]["text"] == "Welcome."
    assert len(sent) == 1  # while answering: sent
    with caplog.at_level(logging.ERROR, "alexaskill"):
        assert asyncio.run(kept[0].progressive("Still there?")) is False
    assert len(sent) == 1
    [refused] = [r for r in caplog.records if "progressive response not sent" in r.getMessage()]
    assert refused.levelno == logging.ERROR
    assert event["request"]["requestId"] in refused.getMessage()
    assert "answered already" in refused.getMessage()


def test_a_progressive_response_after_the_deadline_is_refused_unsent(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    skill = Skill(DEFAULT_SKILL_ID, deadline=1.0)
    release = threading.Event()
    results: list[bool] = []

    @skill.intent("Slow")
    def slow(api: AlexaApi) -> Response:
        clock.skip(1.0)  # its deadline passes
        release.wait(WAIT)
        results.append(api.progressive_sync("Still working on it"))
        return speak("Too late.")

    sent: list[Any] = []
    try:
        with TestClient(skill) as client, caplog.at_level(logging.INFO, "alexaskill"):
            skill.api_client = recording(sent)  # (Amazon's, not the client's fake)
            assert client.intent("Slow").speech == DEADLINE_REPLY  # the answer stands
            release.set()
            started = time.monotonic()
            while not results and time.monotonic() - started < WAIT:
                time.sleep(0.01)
    finally:
        release.set()
    assert results == [False] and sent == []
    [refused] = [r for r in caplog.records if "progressive response not sent" in r.getMessage()]
    assert refused.levelno == logging.ERROR and "deadline" in refused.getMessage()


def test_without_a_deadline_a_progressive_response_after_the_answer_is_refused_unsent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # `respond`, the path without a deadline, marks its call answered too.
    sent: list[Any] = []
    skill, kept = keeping_skill(sent, deadline=None)
    envelope = decode_envelope(json.dumps(RequestFactory().envelope("LaunchRequest")).encode())

    async def answer_then_speak() -> bool:
        await skill.respond(envelope)
        return await kept[0].progressive("Still there?")

    with caplog.at_level(logging.ERROR, "alexaskill"):
        assert asyncio.run(answer_then_speak()) is False
    assert sent == []
    assert "answered already" in caplog.text


def test_a_task_left_by_the_deadlines_exception_handler_is_refused_unsent(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    # The exception handler for DeadlineExceeded got a fresh call that was never marked
    # answered: a progressive response from a task it left running went to Amazon.
    # Its half second of grace, long here: a stalled loop would otherwise answer the default.
    monkeypatch.setattr(deadline_answering, "DEADLINE_GRACE", WAIT)
    skill = Skill(DEFAULT_SKILL_ID, deadline=1.0)
    release = threading.Event()
    results: list[bool] = []
    tasks: set[Any] = set()

    @skill.intent("Slow")
    def slow() -> Response:
        clock.skip(1.0)  # its deadline passes
        release.wait(WAIT)
        return speak("Too late.")

    @skill.exception(DeadlineExceeded)
    async def too_slow(exc: DeadlineExceeded, api: AlexaApi) -> Response:
        # Past the deadline as the handler's call is: refused, as one from the handler would be.
        results.append(await api.progressive("One moment"))

        async def later() -> None:
            await asyncio.to_thread(release.wait, WAIT)
            results.append(await api.progressive("Still working on it"))

        tasks.add(asyncio.get_running_loop().create_task(later()))
        return speak("Sorry, that took too long.")

    sent: list[Any] = []
    try:
        with TestClient(skill) as client, caplog.at_level(logging.INFO, "alexaskill"):
            skill.api_client = recording(sent)  # (Amazon's, not the client's fake)
            assert client.intent("Slow").speech == "Sorry, that took too long."
            release.set()
            started = time.monotonic()
            while len(results) < 2 and time.monotonic() - started < WAIT:
                time.sleep(0.01)
    finally:
        release.set()
    assert results == [False, False] and sent == []
    refused = [r for r in caplog.records if "progressive response not sent" in r.getMessage()]
    assert [r.levelno for r in refused] == [logging.ERROR] * 2
    assert "deadline" in refused[0].getMessage()


@pytest.mark.parametrize(
    ("endpoint", "judged"),
    [
        ("https://api.amazonalexa.com", True),
        ("https://API.AmazonAlexa.COM", True),
        ("https://api.amazonalexa.com:443", True),
        ("https://api.amazonalexa.com./", True),
        ("https://api.eu.amazonalexa.com/", True),
        ("https://api.fe.amazonalexa.com", True),  # (Far East: Amazon's pages' endpoints)
        ("https://amazonalexa.com", True),
        ("http://127.0.0.1:9", False),
        ("https://[::1]:9", False),
    ],
)
def test_only_amazons_endpoints_are_judged_here(
    caplog: pytest.LogCaptureFixture, endpoint: str, judged: bool
) -> None:
    # Amazon's hosts are judged locally, however the URL spells them; a loopback stand-in (the
    # fake of the development tools, answering for itself) gets the call.
    sent: list[Any] = []
    skill, kept = keeping_skill(sent)
    event = RequestFactory(api_endpoint=endpoint).envelope("LaunchRequest")
    handler(skill)(event, CONTEXT)
    with caplog.at_level(logging.ERROR, "alexaskill"):
        assert asyncio.run(kept[0].progressive("Still there?")) is not judged
    assert len(sent) == (0 if judged else 1)
    assert ("answered already" in caplog.text) is judged


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://evil-amazonalexa.com",
        "https://api.amazonalexa.com.evil.com",
        "https://amazonalexa.com@evil.com",
        "https://api.example.com",
        # Amazon's hosts, but no apiEndpoint of Alexa's (its pages give api.fe.amazonalexa.com
        # for the Far East): check_endpoint refuses them, so the too-late check has none to judge.
        "https://api.fe.amazon.com",
        "https://xn--bcher-kva.amazonalexa.com",  # (an IDNA label: no host of Amazon's has one)
    ],
)
def test_a_progressive_response_goes_to_no_other_host(
    caplog: pytest.LogCaptureFixture, endpoint: str
) -> None:
    # Any other host is not Alexa's: nothing is sent to it (the token stays), the answer stands.
    sent: list[Any] = []
    skill, kept = keeping_skill(sent)
    event = RequestFactory(api_endpoint=endpoint).envelope("LaunchRequest")
    handler(skill)(event, CONTEXT)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        assert asyncio.run(kept[0].progressive("Still there?")) is False
    assert sent == []
    assert "not Alexa's" in caplog.text


def test_a_def_handler_past_an_invocations_end_on_lambda_is_refused_not_left_waiting(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # On AWS Lambda the event loop runs only during an invocation: a def handler the deadline
    # gave up on that called progressive_sync or call_sync after the answer waited, its thread
    # stuck, until the next invocation ran the loop (and its call then ran in that one).
    skill = Skill(DEFAULT_SKILL_ID, deadline=1.0)
    release = threading.Event()
    results: list[Any] = []

    @skill.launch
    def launch(api: AlexaApi) -> Response:
        release.wait(WAIT)
        results.append(api.progressive_sync("Still working on it"))
        try:
            results.append(api.call_sync(api.given_name))
        except RuntimeError as exc:
            results.append(exc)
        return speak("Too late.")

    sent: list[Any] = []
    skill.api_client = recording(sent)
    try:
        with caplog.at_level(logging.WARNING, "alexaskill"):
            answer = handler(skill)(RequestFactory().envelope("LaunchRequest"), CONTEXT)
            assert answer["response"]["outputSpeech"]["text"] == DEADLINE_REPLY
            release.set()
            started = time.monotonic()
            while len(results) < 2 and time.monotonic() - started < WAIT:
                time.sleep(0.01)
    finally:
        release.set()
    assert len(results) == 2, "the handler's thread is still waiting for the event loop"
    refused, error = results
    assert refused is False and isinstance(error, RuntimeError) and sent == []
    assert "not running" in str(error)
    assert "no progressive response from this thread" in caplog.text


def test_a_call_sync_under_way_when_a_lambda_invocation_ends_is_given_up_not_finished_later() -> (
    None
):
    # The invocation ended (its deadline answered) while the handler's thread waited for its
    # call on the loop: the thread waited on, and the call ran to its end in the next one.
    skill = Skill(DEFAULT_SKILL_ID, deadline=1.0)
    results: list[Any] = []
    finished: list[str] = []
    ended = threading.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        try:
            await asyncio.sleep(WAIT)  # past the invocation's end: only a cancellation ends it
        except asyncio.CancelledError:
            finished.append("cancelled")
            raise
        finished.append("answered")
        return httpx.Response(200, json="Ada")

    @skill.launch
    def launch(api: AlexaApi) -> Response:
        try:
            results.append(api.call_sync(api.given_name))
        except RuntimeError as exc:
            results.append(exc)
        ended.set()
        return speak("Too late.")

    @skill.intent("Next")
    async def next_one() -> Response:
        return speak("Next.")

    skill.api_client = httpx.AsyncClient(transport=httpx.MockTransport(slow))
    answer = handler(skill)(RequestFactory().envelope("LaunchRequest"), CONTEXT)
    assert answer["response"]["outputSpeech"]["text"] == DEADLINE_REPLY
    assert ended.wait(WAIT), "the handler's thread is still waiting for the event loop"
    [error] = results
    assert isinstance(error, RuntimeError) and "not running" in str(error)
    answer = handler(skill)(RequestFactory().intent("Next"), CONTEXT)
    assert answer["response"]["outputSpeech"]["text"] == "Next."
    # (That the call is cancelled, not run on, is the next test's: this one's ends at the
    # request's deadline, cancelled by run_in_loop or not, and sleeps WAIT before "answered".)


def test_a_call_sync_with_no_timeout_of_its_own_is_cancelled_when_the_invocation_ends() -> None:
    # A call that sets no timeout (a coroutine of the skill's own given to call_sync): only
    # run_in_loop's cancellation ends it. Left alone, it went on running in the invocations
    # that followed, for a thread that had stopped waiting for it.
    skill = Skill(DEFAULT_SKILL_ID, deadline=1.0)
    began = threading.Event()
    ended = threading.Event()
    outcome: list[str] = []
    results: list[Any] = []

    async def wait_long() -> str:
        began.set()
        try:
            await asyncio.sleep(WAIT)  # no timeout cuts it: a cancellation or nothing
        except asyncio.CancelledError:
            outcome.append("cancelled")
            raise
        outcome.append("ran on")
        return "late"

    @skill.launch
    def launch(api: AlexaApi) -> Response:
        try:
            results.append(api.call_sync(wait_long))
        except RuntimeError as exc:
            results.append(exc)
        ended.set()
        return speak("Too late.")

    @skill.intent("Next")
    async def next_one() -> Response:
        return speak("Next.")

    answer = handler(skill)(RequestFactory().envelope("LaunchRequest"), CONTEXT)
    assert answer["response"]["outputSpeech"]["text"] == DEADLINE_REPLY
    assert ended.wait(WAIT)
    [error] = results
    assert isinstance(error, RuntimeError) and "not running" in str(error)
    if not began.is_set():
        # A stalled machine: the thread asked only after the deadline, and the call never ran
        # (run_in_loop refused it, the loop not running); nothing is left to cancel.
        handler(skill)(RequestFactory().intent("Next"), CONTEXT)
        assert outcome == []
        return
    deadline = time.monotonic() + WAIT
    while not outcome and time.monotonic() < deadline:  # cancelled when the loop next runs
        answer = handler(skill)(RequestFactory().intent("Next"), CONTEXT)
        assert answer["response"]["outputSpeech"]["text"] == "Next."
    assert outcome == ["cancelled"]
