"""An event loop held up by a handler is said while it lasts, naming the handler (stalls.py).

A handler here holds up the loop (an ``async def`` that never awaits, a ``def`` handler moved
onto the loop's thread) until the ERROR line it should cause is logged, or for `BOUND` seconds
at most: a test fails for want of the line, never by a clock.
"""

from __future__ import annotations

import logging
import threading
import time

import pytest

from alexaskill import Response, Skill, pace, speak, stalls
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

# Far longer than the loop may be held up before it is said (2 s), on the busiest machine.
BOUND = 30.0


def held_up_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        r
        for r in caplog.records
        if r.name == "alexaskill" and r.levelno == logging.ERROR and "held up" in r.getMessage()
    ]


def hold_up_the_loop_until_said(caplog: pytest.LogCaptureFixture) -> None:
    """Block this thread (the loop's) until the line is logged, or `BOUND` seconds."""
    ends = time.monotonic() + BOUND
    while not held_up_lines(caplog) and time.monotonic() < ends:
        time.sleep(0.01)  # never awaits: the loop runs nothing meanwhile


def test_an_async_handler_that_never_awaits_is_said_while_it_holds_up_the_loop(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.launch
    async def launch() -> Response:
        hold_up_the_loop_until_said(caplog)
        return speak("Done.")

    with caplog.at_level(logging.INFO, "alexaskill"), TestClient(skill) as client:
        assert client.launch().speech == "Done."
    (line,) = held_up_lines(caplog)
    message = line.getMessage()
    name = f"{__name__}.test_an_async_handler_that_never_awaits_is_said_while_it_holds_up_the_loop"
    assert f"{name}.<locals>.launch" in message
    assert __file__ in message
    assert "asyncio.to_thread" in message  # what to do


def test_a_def_handler_on_the_loops_thread_is_said_while_it_holds_it_up(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pace, "QUICK_SECONDS", 1.0)  # its quick calls count whatever the machine
    skill = Skill(DEFAULT_SKILL_ID)
    blocks = threading.Event()

    @skill.launch
    def launch() -> Response:
        if blocks.is_set():
            hold_up_the_loop_until_said(caplog)
        return speak("Hi.")

    with caplog.at_level(logging.INFO, "alexaskill"), TestClient(skill) as client:
        for _ in range(pace.PROBATION):
            client.launch()
        assert skill.registry.handlers[("LaunchRequest", None)].pace.inline
        blocks.set()
        assert client.launch().speech == "Hi."
    (line,) = held_up_lines(caplog)
    assert ".<locals>.launch" in line.getMessage()
    assert "@blocking" in line.getMessage()


def test_a_thread_in_no_handlers_call_is_no_culprit() -> None:
    # (A loop starved of the interpreter's lock by busy threads is held up by nobody's code.)
    waiting, release = threading.Event(), threading.Event()

    def wait() -> None:
        waiting.set()
        release.wait(BOUND)

    thread = threading.Thread(target=wait)
    thread.start()
    try:
        assert waiting.wait(BOUND)
        assert thread.ident is not None
        assert stalls.culprit(thread.ident) is None
    finally:
        release.set()
        thread.join()
