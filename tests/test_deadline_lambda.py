"""The response deadline on AWS Lambda: the invocation's remaining time or the skill's deadline,
whichever is shorter, and the automatic progressive response.

Deadlines here are a few tenths of a second. A handler meant to outlive one sleeps for `WAIT`
(async) or waits on an event the test sets afterwards (def): if the deadline failed, the test
would fail after `WAIT` seconds, never hang. Most such handlers move the deadline's clock on
first (``clock.skip``, `tests.deadline_clock`), so that the test need not wait for it; what the
modules share is in tests/deadline_shared.py.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import pytest

from alexaskill import DeadlineExceeded, MemoryStore, Response, Skill, ask, speak
from alexaskill.app import DEADLINE_GRACE, DEADLINE_REPLY, PROGRESSIVE_SPEECH
from alexaskill.aws_lambda import LAMBDA_MARGIN, handler
from alexaskill.store import Attributes
from alexaskill.testing import DEFAULT_SKILL_ID, FakeAlexaApi

from . import deadline_shared
from .aws_lambda_shared import speech
from .deadline_clock import Clock
from .deadline_shared import (
    LONG,
    SHORT,
    WAIT,
    lambda_event,
    noted_graces,
    request_lines,
    saves_to_the_end,
    slow_saving,
    wait_for,
)
from .lambda_runtime import LambdaContext

# The fixtures of tests/deadline_shared.py, this module's too (why not conftest's: see there).
clock = deadline_shared.clock
release = deadline_shared.release


@pytest.mark.parametrize("loop", [False, True], ids=["no event loop", "event loop"])
def test_lambda_uses_the_remaining_time_when_it_is_shorter(
    caplog: pytest.LogCaptureFixture, release: threading.Event, loop: bool
) -> None:
    skill = Skill(DEFAULT_SKILL_ID, store=MemoryStore())  # 7 s; the invocation has less left

    def slow() -> Response:
        release.wait(LONG)  # had the answer waited for it, the speech would say so
        return speak("too late")

    def slow_counting(attributes: Attributes) -> Response:  # a service: on the event loop
        return slow()

    skill.add_intent_handler("Slow", slow_counting if loop else slow)

    remaining = int((SHORT + LAMBDA_MARGIN) * 1000)
    with caplog.at_level(logging.INFO, "alexaskill"):
        answer = handler(skill)(lambda_event("Slow"), LambdaContext(remaining))
        assert speech(answer) == DEADLINE_REPLY  # answered without waiting for the handler
        assert answer["response"]["shouldEndSession"] is False
        release.set()
        wait_for(lambda: "after its deadline; discarded" in caplog.text)
    assert [r.outcome for r in request_lines(caplog)] == ["deadline"]  # type: ignore[attr-defined]
    assert f"did not answer within {SHORT:g} s" in caplog.text


def test_lambda_with_no_time_left_answers_without_starting_the_handler(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Less left than the margin: the handler never ran, yet the log said it "did not answer
    # within -0.2 s" and that "its thread runs on".
    skill = Skill(DEFAULT_SKILL_ID)
    ran: list[bool] = []

    @skill.intent("Quick")
    def quick() -> Response:
        ran.append(True)
        return speak("done")

    with caplog.at_level(logging.WARNING, "alexaskill"):
        answer = handler(skill)(lambda_event("Quick"), LambdaContext(100))
    assert speech(answer) == DEADLINE_REPLY
    assert ran == []
    assert "did not answer within 0 s" in caplog.text
    assert "it was not started: no time was left" in caplog.text
    assert "runs on" not in caplog.text and "-0." not in caplog.text
    # A context whose clock fails is no reason to fail the request: the skill's deadline holds.
    assert speech(handler(skill)(lambda_event("Quick"), LambdaContext(None))) == "done"


def test_lambda_uses_the_skill_deadline_when_it_is_shorter(release: threading.Event) -> None:
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)
    seen: list[float] = []

    @skill.intent("Slow")
    def slow() -> Response:
        release.wait(WAIT)
        return speak("too late")

    @skill.exception(DeadlineExceeded)
    def too_slow(exc: DeadlineExceeded) -> Response:
        seen.append(exc.deadline)
        return ask("One more time?")

    answer = handler(skill)(lambda_event("Slow"), LambdaContext(60_000))
    assert speech(answer) == "One more time?"
    assert seen == [SHORT]


def test_lambda_cancels_an_async_handler(release: threading.Event, clock: Clock) -> None:
    skill = Skill(DEFAULT_SKILL_ID)
    cancelled: list[bool] = []

    @skill.intent("Slow")
    async def slow() -> Response:
        clock.skip(SHORT)  # the invocation's time is up
        try:
            await asyncio.sleep(WAIT)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return speak("never")

    answer = handler(skill)(
        lambda_event("Slow"), LambdaContext(int((SHORT + LAMBDA_MARGIN) * 1000))
    )
    assert speech(answer) == DEADLINE_REPLY
    assert cancelled == [True]


def test_lambda_without_a_context_uses_the_skill_deadline(clock: Clock) -> None:
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)

    @skill.intent("Slow")
    async def slow() -> Response:
        clock.skip(SHORT)
        await asyncio.sleep(WAIT)
        return speak("never")

    assert speech(handler(skill)(lambda_event("Slow"), None)) == DEADLINE_REPLY


@pytest.mark.parametrize("loop", [False, True], ids=["def", "def with a service"])
def test_lambda_sends_the_automatic_progressive_response_for_a_def_handler(loop: bool) -> None:
    # A def-only skill ran without an event loop to fire the timer; one with a service blocked
    # its loop waiting for the handler's thread: no "One moment, please." either way.
    skill = Skill(DEFAULT_SKILL_ID, deadline=WAIT + 1, progressive_after=0.05, store=MemoryStore())
    fake = FakeAlexaApi()
    skill.api_client = fake

    def slow() -> Response:
        # Until the progressive response is out (at most WAIT): no race with the timer.
        deadline = time.monotonic() + WAIT
        while not fake.calls and time.monotonic() < deadline:
            time.sleep(0.01)
        return speak("done")

    def slow_counting(attributes: Attributes) -> Response:
        return slow()

    skill.add_intent_handler("Slow", slow_counting if loop else slow)
    answer = handler(skill)(lambda_event("Slow"), LambdaContext(int((WAIT + 2) * 1000)))
    assert speech(answer) == "done"
    assert [call.operation for call in fake.calls] == ["progressive"]
    assert PROGRESSIVE_SPEECH in fake.calls[0].body["directive"]["speech"]


@pytest.mark.parametrize("asynchronous", [False, True], ids=["def", "async"])
@pytest.mark.parametrize(
    ("timeout", "takes", "said"),
    [
        (2.0, 0.05, "Still thinking. Ask me again?"),  # within its grace
        (2.0, WAIT, DEADLINE_REPLY),  # past its grace
        (0.6, WAIT, DEADLINE_REPLY),  # less time left than the margin and the grace
        (0.2, WAIT, DEADLINE_REPLY),  # less time left than the margin
    ],
    ids=["in its grace", "past its grace", "no time for the handler", "no time at all"],
)
def test_lambda_answers_through_the_deadline_handler_before_the_function_times_out(
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    release: threading.Event,
    asynchronous: bool,
    timeout: float,
    takes: float,
    said: str,
) -> None:
    # The exception handler's DEADLINE_GRACE came after the deadline of remaining time less
    # LAMBDA_MARGIN: its answer left 0.2 s after Lambda had ended the function (timeout).
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.intent("Slow")
    def slow() -> Response:
        release.wait(WAIT)
        return speak("too late")

    def too_slow(exc: DeadlineExceeded) -> Response:
        release.wait(takes)
        return ask("Still thinking. Ask me again?")

    async def too_slow_async(exc: DeadlineExceeded) -> Response:
        await asyncio.sleep(takes)
        return ask("Still thinking. Ask me again?")

    skill.add_exception_handler(DeadlineExceeded, too_slow_async if asynchronous else too_slow)
    # The grace the exception handler is given, as the code reckons it (not the clock's
    # elapsed time, which a loaded CI machine stretches past a 0.2 s invocation).
    graces = noted_graces(monkeypatch)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        answer = handler(skill)(lambda_event("Slow"), LambdaContext(int(timeout * 1000)))
        assert speech(answer) == said
        kept = max(0.0, timeout - LAMBDA_MARGIN - DEADLINE_GRACE)
        assert f"did not answer within {kept:g} s" in caplog.text
        # The answer leaves before Lambda would end the function: the handler's time and the
        # exception handler's grace fit in what the invocation had, less the margin.
        assert all(0 < grace <= timeout - LAMBDA_MARGIN - kept for grace in graces), graces
        if timeout < LAMBDA_MARGIN:
            assert "no time was left for the exception handler for DeadlineExceeded" in caplog.text
        # The handler given up on (one started: with no time for it, it is not) ends once
        # released, and says so at WARNING: waited for here, or its line came after the test's
        # end, out of its capture, into the run's output.
        release.set()
        if "it was not started" not in caplog.text:
            wait_for(lambda: ".slow returned " in caplog.text)


def test_lambda_in_time_answers_as_usual() -> None:
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.intent("Quick")
    def quick() -> Response:
        return speak("quick")

    assert speech(handler(skill)(lambda_event("Quick"), LambdaContext(3000))) == "quick"


@saves_to_the_end((SHORT + 1, "noted"))
def test_on_lambda_the_handlers_own_save_is_waited_for_until_the_function_ends(
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    clock: Clock,
    takes: float,
    said: str,
) -> None:
    # The handler's own save, begun before the deadline, was waited for however long it took:
    # one outlasting the invocation's remaining time (less LAMBDA_MARGIN) left Lambda no answer
    # at all, where the exception handler's save is given up on there.
    # A save past the deadline; past the function's end too, or not.
    store = slow_saving(monkeypatch, clock, takes)
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT, store=store)

    @skill.intent("Hello")
    async def hello(attributes: Attributes) -> Response:
        attributes["seen"] = "yes"
        return speak("noted")

    # Ten seconds left: the skill's deadline first, then the function's, less LAMBDA_MARGIN,
    # between a save of SHORT + 1 s and one of LONG.
    with caplog.at_level(logging.INFO, "alexaskill"):
        answer = handler(skill)(lambda_event("Hello"), LambdaContext(10_000))
    assert speech(answer) == said
    outcome = "ok" if said == "noted" else "deadline"
    assert [r.outcome for r in request_lines(caplog)] == [outcome]  # type: ignore[attr-defined]
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    (warning,) = warnings
    if said == DEADLINE_REPLY:
        assert store.saved == 0
        # At ERROR, as the exception handler's save cut short is, and a store's failure: the
        # user heard the apology over a write that may still be made, and the skill's author
        # must act (a store's timeout under the function's), whichever code's save it was.
        assert warning.levelno == logging.ERROR
        assert warning.getMessage().startswith(
            "the store's save of Attributes was not done by the Lambda function's end (its "
            f"remaining time less {LAMBDA_MARGIN:g} s): given up on, answered {DEADLINE_REPLY!r} "
            "instead of the reply made"
        ), warning.getMessage()
    else:
        assert store.saved == 1
        assert "after the deadline, with the handler's reply" in warning.getMessage()
