"""The response deadline and a cancellation from outside (a server's shutdown past
``--timeout-graceful-shutdown``) reaching a request's task at once: the outside one is not
swallowed by the deadline's answer (as tests/test_endpoint_body_cancelled.py checks of the body's
deadline). Driven by hand: the clock moved on (tests/deadline_clock.py), the watchdog's look made
by the test, with no await between it and the outside ``task.cancel()``."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import MutableMapping
from typing import Any

import pytest

from alexaskill import DeadlineExceeded, Skill, speak
from alexaskill.app import DEADLINE_REPLY
from alexaskill.deadline import DEADLINE_GRACE

from . import deadline_shared
from .conftest import SKILL_ID
from .deadline_clock import Clock
from .deadline_shared import request_lines

clock = deadline_shared.clock

# How long past its deadline a request's time is moved on: the watchdog's next look cancels it.
PAST = 31.0


async def _post_cancelled_as_a_deadline_passes(
    skill: Skill, running: list[asyncio.Event], clock: Clock, outside_first: bool, *, grace: bool
) -> tuple[list[MutableMapping[str, Any]], BaseException | None]:
    """POST a signed Hello to ``skill`` (deadline 30 s), whose handler sets ``running[0]`` and
    waits for ever; then, once a deadline is due (the handler's, or with ``grace`` the exception
    handler's, which sets ``running[1]``), cancel the request's task from outside and make the
    watchdog's look, in the order given, before the task runs again: what the skill sent, and
    what the call raised."""
    running += [asyncio.Event(), asyncio.Event()]  # (made on the loop that runs the request)
    post, sent = deadline_shared.signed_hello(skill)
    task = asyncio.ensure_future(post())
    await asyncio.wait_for(running[0].wait(), deadline_shared.LONG)
    watchdog = skill._watchdog
    assert watchdog is not None
    if grace:  # the handler's deadline first, alone; then the exception handler's grace ends
        clock.skip(PAST)
        watchdog._tick()
        await asyncio.wait_for(running[1].wait(), deadline_shared.LONG)
        clock.skip(DEADLINE_GRACE + 1)
    else:
        clock.skip(PAST)
    deadline_shared.cancel_both(task, watchdog, outside_first)  # (no await till the wait below)
    try:
        await asyncio.wait_for(asyncio.shield(task), deadline_shared.LONG)
    except asyncio.CancelledError as exc:
        return sent, exc
    return sent, None


def _skill(running: list[asyncio.Event], *, grace: bool) -> Skill:
    skill = Skill(SKILL_ID, deadline=30)

    @skill.intent("Hello")
    async def hello() -> Any:
        running[0].set()
        await asyncio.Event().wait()
        return speak("hello")

    if grace:

        @skill.exception(DeadlineExceeded)
        async def too_slow(exc: DeadlineExceeded) -> Any:
            running[1].set()
            await asyncio.Event().wait()
            return speak("too slow")

    return skill


@pytest.mark.parametrize("grace", [False, True], ids=["handler", "exception_handler"])
@pytest.mark.parametrize("outside_first", [True, False], ids=["outside_first", "deadline_first"])
def test_a_cancellation_from_outside_with_the_deadline_is_not_swallowed(
    outside_first: bool, grace: bool, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    # The deadline's reply went out (outcome `deadline`) and the request's task ended as if
    # nothing had cancelled it: the server's shutdown (or a caller's timeout) lost its
    # cancellation, and waited on for a task it had cancelled.
    running: list[asyncio.Event] = []
    skill = _skill(running, grace=grace)
    with caplog.at_level(logging.INFO, "alexaskill"):
        sent, raised = asyncio.run(
            _post_cancelled_as_a_deadline_passes(skill, running, clock, outside_first, grace=grace)
        )
    assert isinstance(raised, asyncio.CancelledError)  # still cancelled, for whoever did it
    # Answered as any request cancelled from outside while its handler runs: the apology.
    assert sent[0]["status"] == 200
    assert json.loads(sent[1]["body"])["response"]["outputSpeech"]["text"] == DEADLINE_REPLY
    # One line, saying what the task ended with.
    lines = [(r.outcome, r.status) for r in request_lines(caplog)]  # type: ignore[attr-defined]
    assert lines == [("cancelled", 200)]
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert [m for m in said if "was cancelled before it answered" in m]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
