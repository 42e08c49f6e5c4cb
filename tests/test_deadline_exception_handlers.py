"""The response deadline on the web service, through the exception path: the exception handler
for `DeadlineExceeded` chooses the words within its grace, or the default reply is given; an
exception handler past the deadline is named as one (the rest: tests/test_deadline.py).

As there, a handler meant to outlive its deadline moves the deadline's clock on first
(``clock.skip``, `tests.deadline_clock`) and then sleeps for `WAIT` (async) or waits on an event
the test sets afterwards (def): if the deadline failed, the test would fail, never hang.
"""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from alexaskill import DeadlineExceeded, Response, Skill, ask, pace, speak
from alexaskill.app import DEADLINE_GRACE, DEADLINE_REPLY
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

from . import deadline_shared
from .deadline_clock import Clock
from .deadline_shared import LONG, SHORT, WAIT, request_lines

# The fixtures of tests/deadline_shared.py, this module's too (why not conftest's: see there).
clock = deadline_shared.clock
release = deadline_shared.release


def test_an_exception_handler_past_the_deadline_is_named_as_one(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    # It was named bare ("...: tests.test_deadline...on_value was still running"), as if it
    # were a handler of the skill's requests.
    skill = Skill(DEFAULT_SKILL_ID, deadline=LONG)

    @skill.intent("Boom")
    async def boom() -> Response:
        raise ValueError("the handler's bug")

    @skill.exception(ValueError)
    async def on_value(exc: ValueError) -> Response:
        clock.skip(LONG)
        await asyncio.sleep(WAIT)
        return speak("too late")

    with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
        assert client.intent("Boom").speech == DEADLINE_REPLY
    (line,) = (r.getMessage() for r in caplog.records if "did not answer within" in r.getMessage())
    assert "the exception handler " in line and ".on_value was still running" in line, line


def test_an_exception_handler_chooses_the_words(clock: Clock) -> None:
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)
    seen: list[DeadlineExceeded] = []

    @skill.launch
    async def launch() -> Response:
        clock.skip(SHORT)
        await asyncio.sleep(WAIT)
        return speak("never")

    @skill.exception(DeadlineExceeded)
    def too_slow(exc: DeadlineExceeded) -> Response:
        seen.append(exc)
        return ask("Still thinking. Ask me again in a moment?")

    with TestClient(skill) as client:
        assert client.launch().speech == "Still thinking. Ask me again in a moment?"
    (exc,) = seen
    assert exc.deadline == SHORT
    assert exc.handler is not None and exc.handler.endswith("launch")
    assert str(exc).endswith(f"did not answer within {SHORT:g} s")


def test_a_catch_all_exception_handler_sees_the_deadline_too(clock: Clock) -> None:
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)

    @skill.launch
    async def launch() -> Response:
        clock.skip(SHORT)
        await asyncio.sleep(WAIT)
        return speak("never")

    @skill.exception(Exception)
    def anything(exc: Exception) -> Response:
        return speak(f"caught {type(exc).__name__}")

    with TestClient(skill) as client:
        assert client.launch().speech == "caught DeadlineExceeded"


def test_a_slow_exception_handler_gets_the_default_reply(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)

    @skill.launch
    async def launch() -> Response:
        clock.skip(SHORT)
        await asyncio.sleep(WAIT)
        return speak("never")

    @skill.exception(DeadlineExceeded)
    async def too_slow(exc: DeadlineExceeded) -> Response:
        clock.skip(DEADLINE_GRACE)
        await asyncio.sleep(WAIT)
        return speak("never either")

    with caplog.at_level(logging.INFO, "alexaskill"), TestClient(skill) as client:
        assert client.launch().speech == DEADLINE_REPLY
    assert f"took over {DEADLINE_GRACE} s too" in caplog.text
    assert [r.outcome for r in request_lines(caplog)] == ["deadline"]  # type: ignore[attr-defined]


def test_an_exception_handler_that_blocks_for_the_deadline_gets_only_its_grace(
    release: threading.Event, clock: Clock
) -> None:
    # A catch-all def exception handler, quick for other errors, had proved quick and ran on the
    # loop: blocking there for DeadlineExceeded, it held the deadline's answer (and every other
    # request) until it returned. In a worker thread it gets its half second, then the default.
    # The deadline is LONG, moved on by Slow alone: a SHORT one was every request's, and a Boom
    # stalled past it on a loaded machine got the deadline's reply, not "caught ValueError".
    skill = Skill(DEFAULT_SKILL_ID, deadline=LONG)

    @skill.intent("Boom")
    def boom() -> Response:
        raise ValueError("boom")

    @skill.intent("Slow")
    def slow() -> Response:
        clock.skip(LONG)
        release.wait(WAIT)
        return speak("too late")

    unblocked = threading.Event()

    @skill.exception(Exception)
    def anything(exc: Exception) -> Response:
        if isinstance(exc, DeadlineExceeded):
            clock.skip(DEADLINE_GRACE)
            release.wait(LONG)  # an incident record written with a blocking client, say
            unblocked.set()
        return speak(f"caught {type(exc).__name__}")

    with TestClient(skill) as client:
        for _ in range(pace.PROBATION + 2):
            assert client.intent("Boom").speech == "caught ValueError"
        assert client.intent("Slow").speech == DEADLINE_REPLY
        assert not unblocked.is_set()  # answered while the exception handler still blocked
        release.set()


def test_a_failing_exception_handler_gets_the_default_reply(clock: Clock) -> None:
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)

    @skill.launch
    async def launch() -> Response:
        clock.skip(SHORT)  # (twice: the test waits out no deadline)
        await asyncio.sleep(WAIT)
        return speak("never")

    @skill.exception(DeadlineExceeded)
    def broken(exc: DeadlineExceeded) -> Response:
        raise RuntimeError("bug in the exception handler")

    with TestClient(skill, raise_handler_errors=False) as client:
        result = client.launch()
    assert result.speech == DEADLINE_REPLY
    assert isinstance(result.handler_error, RuntimeError)
    # By default the test client raises the exception handler's bug instead.
    with TestClient(skill) as client, pytest.raises(RuntimeError, match="bug in the exception"):
        client.launch()


def test_an_exception_handler_that_swallows_the_cancellation_is_cancelled_again(
    caplog: pytest.LogCaptureFixture, release: threading.Event, clock: Clock
) -> None:
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)

    @skill.launch
    def launch() -> Response:
        clock.skip(SHORT)
        release.wait(WAIT)
        return speak("too late")

    @skill.exception(DeadlineExceeded)
    async def too_slow(exc: DeadlineExceeded) -> Response:
        clock.skip(DEADLINE_GRACE)
        swallowed = 0
        while True:
            try:
                await asyncio.sleep(LONG)
                return ask("too late as well")
            except asyncio.CancelledError:
                swallowed += 1
                if swallowed == 2:
                    raise

    with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
        # Answered by the watchdog's cancellations: the handler's sleeps would outlast the test.
        assert client.launch().speech == DEADLINE_REPLY
        release.set()
    assert "cancelled_again.<locals>.too_slow did not stop when the deadline" in caplog.text
    assert f"took over {DEADLINE_GRACE} s too" in caplog.text
