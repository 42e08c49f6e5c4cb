"""Handlers that swallow the deadline's cancellation and answer late, named in the WARNING
that says so, or go on, cancelled again until they end: on asyncio, under the cancel scope
(trio's path, on asyncio and on trio itself), and an exception handler for `DeadlineExceeded`
that swallows the end of its grace, on both event loops. (The rest of the deadline without
asyncio tasks: tests/test_deadline_trio.py.)

Deadlines here are a few tenths of a second; a handler meant to outlive one sleeps for `LONG`,
ended by the deadline however loaded the machine. What the modules share is in
tests/deadline_shared.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time

import pytest

from alexaskill import DeadlineExceeded, Response, Skill, speak
from alexaskill.answering import Answer
from alexaskill.app import DEADLINE_GRACE, DEADLINE_REPLY
from alexaskill.models import decode_envelope
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestClient

from . import deadline_shared
from .aws_lambda_shared import speech
from .deadline_clock import Clock
from .deadline_shared import (
    LONG,
    SHORT,
    WAIT,
    as_under_trio,
    noted_graces,
    request_lines,
    respond_by,
    wait_for,
)

pytestmark = pytest.mark.oldest_dependencies

# The fixture of tests/deadline_shared.py, this module's too (why not conftest's: see there).
clock = deadline_shared.clock


def test_a_handler_that_swallows_the_cancellation_still_answers(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    skill = Skill(DEFAULT_SKILL_ID, deadline=LONG)

    @skill.launch
    async def launch() -> Response:
        clock.skip(LONG)
        # A bug (the cancellation is swallowed), but its answer is better than none.
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(WAIT)
        return speak("late but here")

    with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
        assert client.launch().speech == "late but here"
    assert "caught the deadline's cancellation" in caplog.text


def test_a_handler_that_swallows_the_cancellation_is_cancelled_again(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    # It caught CancelledError and went on awaiting: the request was never answered, nothing
    # was logged, and the task held up the server's shutdown. Now the watchdog cancels it again
    # at each of its ticks until it ends, and says so once, naming it.
    skill = Skill(DEFAULT_SKILL_ID, deadline=LONG)
    swallowed: list[bool] = []

    @skill.launch
    async def launch() -> Response:
        clock.skip(LONG)
        while True:
            try:
                await asyncio.sleep(LONG)
                return speak("never")
            except asyncio.CancelledError:
                swallowed.append(True)
                if len(swallowed) == 3:  # a retry loop that gives up at last
                    raise

    with caplog.at_level(logging.INFO, "alexaskill"), TestClient(skill) as client:
        assert client.launch().speech == DEADLINE_REPLY
        # Ended by the watchdog's cancellations: its sleeps would outlast the test.
        wait_for(lambda: len(swallowed) == 3)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "swallows_the_cancellation_is_cancelled_again.<locals>.launch" in errors[0]
    assert "did not stop when the deadline cancelled it" in errors[0]
    assert [r.outcome for r in request_lines(caplog)] == ["deadline"]  # type: ignore[attr-defined]


def test_a_handler_that_swallows_the_cancellation_and_answers_is_named(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    # Its late answer's WARNING said "a handler caught the deadline's cancellation": which one,
    # in a skill of many, was left to guess.
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)

    @skill.intent("Stubborn")
    async def stubborn() -> Response:
        clock.skip(SHORT)
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(LONG)  # ended by the deadline, however loaded the machine
        return speak("late but here")

    with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
        assert client.intent("Stubborn").speech == "late but here"
    (line,) = [r for r in caplog.records if "caught the deadline's cancellation" in r.getMessage()]
    assert line.levelno == logging.WARNING
    assert "_is_named.<locals>.stubborn caught the deadline's cancellation and answered" in (
        line.getMessage()
    )


@pytest.mark.anyio
async def test_without_asyncio_tasks_a_handler_that_swallows_the_cancellation_is_named(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On asyncio a handler that caught the deadline's cancellation and answered late is said in
    # a WARNING naming it; under the cancel scope (trio, simulated on asyncio) it went silently.
    import anyio

    as_under_trio(monkeypatch)
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)

    @skill.intent("Stubborn")
    async def stubborn() -> Response:
        with contextlib.suppress(anyio.get_cancelled_exc_class()):
            await anyio.sleep(LONG)  # ended by the deadline, however loaded the machine
        return speak("late but here")

    with caplog.at_level(logging.WARNING, "alexaskill"):
        answer = await respond_by(skill, "Stubborn")
    assert speech(json.loads(answer.body)) == "late but here"
    (line,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "swallows_the_cancellation_is_named.<locals>.stubborn caught the deadline's" in (
        line.getMessage()
    )


def test_under_trio_a_handler_that_swallows_the_cancellation_is_told_trios_name(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Under trio the WARNING for a handler that caught the deadline's cancellation told it to
    # "let CancelledError through": asyncio's name, which a trio handler never sees. It names
    # trio.Cancelled there (and asyncio's CancelledError stays on asyncio, tested above).
    import anyio
    import trio

    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)

    @skill.intent("Stubborn")
    async def stubborn() -> Response:
        with contextlib.suppress(trio.Cancelled):
            await trio.sleep(LONG)  # ended by the deadline, however loaded the machine
        return speak("late but here")

    async def answer() -> Answer:
        return await respond_by(skill, "Stubborn")

    with caplog.at_level(logging.WARNING, "alexaskill"):
        answered = anyio.run(answer, backend="trio")
    assert speech(json.loads(answered.body)) == "late but here"
    (line,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert "caught the deadline's cancellation" in line
    assert line.endswith("let trio.Cancelled through")
    assert "CancelledError" not in line


@pytest.mark.parametrize("cut", [None, 0.45], ids=["its grace", "cut short by Lambda's end"])
@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_an_exception_handler_that_swallows_its_graces_cancellation_is_named(
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    clock: Clock,
    backend: str,
    cut: float | None,
) -> None:
    # The exception handler for DeadlineExceeded that caught the cancellation ending its grace
    # and answered later went out without a word (a handler doing so is said, above): the
    # log now says which did, how late, and what to let through on that event loop. How late
    # counts from its grace's end, as the line says ("answered … s late" read as after the
    # deadline). A grace cut short by AWS Lambda's end (``cut`` s after the deadline acted, less
    # the moment the code took to reckon it) is said in two figures, as the other lines of a
    # grace say it (`alexaskill.finishing._GRACE_ENDED`): "its 0.449871 s grace" was said.
    import anyio

    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)
    began: list[float] = []  # as the deadline acted, then as the exception handler began
    end = time.perf_counter() + LONG  # Lambda's end, with ``cut`` (moved as the deadline acts)

    @skill.intent("Slow")
    async def slow() -> Response:
        try:
            await anyio.sleep(LONG)  # ended by the deadline, however loaded the machine
        finally:
            if cut is not None:
                # Lambda's end ``cut`` s after the deadline acted, set as it acts (the clock
                # moved on to ``cut`` s before it): ``at + cut`` left the exception handler no
                # grace at all once a loaded machine made the deadline act 0.45 s late (it was
                # not called; the deadline's reply went out).
                clock.skip(end - cut - clock.perf_counter())
                began.append(clock.perf_counter())
        return speak("never")

    @skill.exception(DeadlineExceeded)
    async def too_slow(exc: DeadlineExceeded) -> Response:
        began.append(clock.perf_counter())
        with contextlib.suppress(anyio.get_cancelled_exc_class()):
            await anyio.sleep(LONG)  # ended by its grace
        return speak("caught it late")

    async def answer() -> Answer:
        body = json.dumps(RequestFactory().intent("Slow")).encode()
        at = time.perf_counter() + SHORT
        latest = None if cut is None else end
        return await skill._respond_by(decode_envelope(body), body, at, SHORT, latest=latest)

    graces = noted_graces(monkeypatch)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        answered = anyio.run(answer, backend=backend)
    assert (answered.outcome, speech(json.loads(answered.body))) == ("deadline", "caught it late")
    (line,) = [r for r in caplog.records if "the exception handler" in r.getMessage()]
    assert line.levelno == logging.WARNING
    cancelled = "CancelledError" if backend == "asyncio" else "trio.Cancelled"
    said = re.fullmatch(
        r"the exception handler for DeadlineExceeded, \S+\.too_slow, caught the cancellation "
        r"that ended its (\S+) s grace and answered \d+\.\d\d s after it ended \(the "
        rf"answer went out as it was\): let {cancelled} through",
        line.getMessage(),
    )
    assert said is not None, line.getMessage()
    (grace,) = graces
    if cut is None:
        assert grace == DEADLINE_GRACE
    else:  # reckoned from its end as the handler was called, not before the deadline acted
        acted, handled = began
        assert acted + cut - handled < grace < cut
    assert said[1] == f"{grace:.2g}"
