"""A loop run from several threads in turn is looked at on the one it runs on (stalls.py):
AWS Lambda's, its handler called from a local server's or tests' threads, stopped between
invocations; uvloop's, which shows no thread of its own.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest

from alexaskill import Response, Skill, aws_lambda, deadline, speak, stalls
from alexaskill.lambda_loop import Loop
from alexaskill.testing import DEFAULT_SKILL_ID

from .missing import imported_or_skip
from .stalls_driven import BOUND, LAUNCH, LookClock, held_up_lines, hold_up_the_loop_until_said


def lambda_holding_later(
    caplog: pytest.LogCaptureFixture,
) -> tuple[aws_lambda.LambdaHandler, list[bool]]:
    """An AWS Lambda handler of a skill whose launch says "Hi.", holding up the loop until said
    once the list returned with it holds anything, invoked once on this thread already (the
    watchdog's timer left pending, as between invocations on Lambda)."""
    skill = Skill(DEFAULT_SKILL_ID)
    holds: list[bool] = []

    @skill.launch
    async def launch() -> Response:
        if holds:
            hold_up_the_loop_until_said(caplog)
        return speak("Hi.")

    invoke = aws_lambda.handler(skill)
    invoke(LAUNCH, None)
    return invoke, holds


@pytest.fixture
def lambda_loop(monkeypatch: pytest.MonkeyPatch, own_lambda_loop: None) -> LookClock:
    """An AWS Lambda event loop of the test's own, the watchdog's timer run once an hour (a
    quick invocation leaves it pending, as on Lambda), a loop said held up after 1 s, and
    stalls' clock a `LookClock`."""
    clock = LookClock()
    monkeypatch.setattr(stalls, "time", clock)
    monkeypatch.setattr(stalls, "LOOK_EVERY", 0.05)
    monkeypatch.setattr(stalls, "HELD_UP_SECONDS", 1.0)
    monkeypatch.setattr(deadline, "RESOLUTION", 3600.0)
    return clock


def test_the_looking_thread_sleeps_while_an_aws_lambda_loop_is_stopped(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, lambda_loop: LookClock
) -> None:
    # Between invocations Lambda's loop is stopped, not closed, its watchdog's timer pending:
    # the thread looked at it every 0.25 s as long as the process ran (a process that calls
    # the handler and goes on: a test run, a local server; on Lambda, while it is not frozen).
    # It sleeps until a request is watched again, and still sees a loop held up then.
    monkeypatch.setattr(stalls, "_watchdogs", set())  # this test's only
    invoke, holds = lambda_holding_later(caplog)
    ends = time.monotonic() + BOUND
    while stalls._wake.is_set() and time.monotonic() < ends:
        time.sleep(0.01)
    assert not stalls._wake.is_set(), "the thread went on looking at a stopped loop"
    looks = lambda_loop.looks
    holds.append(True)
    with caplog.at_level(logging.INFO, "alexaskill"):
        invoke(LAUNCH, None)  # woken by the request: the hold is said
    assert lambda_loop.looks > looks
    assert len(held_up_lines(caplog)) == 1


def test_a_watchdog_follows_a_loop_that_shows_no_thread_to_the_thread_running_it() -> None:
    # uvloop's loop shows no thread of its own (asyncio's `_thread_id`): the watchdog kept the
    # thread it was made on, and a loop run from another thread since (AWS Lambda's, its
    # handler called from several threads, with uvloop's policy) was looked at on the first.
    # It notes its loop's thread as its timer starts, and at each run of the timer.
    import asyncio

    uvloop = imported_or_skip("uvloop", "the uvloop tests")
    loop = uvloop.new_event_loop()
    kept: list[deadline.Watchdog] = []

    async def request(*, answered: bool) -> None:
        watched = deadline.watch(kept[0] if kept else None, time.perf_counter() + 3600.0)
        assert watched is not None
        watchdog, task = watched
        kept[:] = [watchdog]
        if answered:  # and its timer stopped: the next request starts it
            assert watchdog.release(task)
            while watchdog.ticking:
                await asyncio.sleep(0.01)

    async def ticks() -> None:  # a run of its timer on this loop's thread
        watchdog = kept[0]
        ticked = watchdog.ticked
        while watchdog.ticked == ticked:
            await asyncio.sleep(0.01)

    def run_on_a_thread(coro: Any) -> int:
        idents: list[int] = []

        def run() -> None:
            idents.append(threading.get_ident())
            loop.run_until_complete(coro)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(BOUND)
        assert not thread.is_alive()
        return idents[0]

    try:
        first = run_on_a_thread(request(answered=True))
        assert stalls.thread_of(kept[0]) == first
        loop.run_until_complete(request(answered=False))  # its timer starts on this thread
        assert stalls.thread_of(kept[0]) == threading.get_ident()
        # The loop stopped with the timer going (a request unanswered, as AWS Lambda's can
        # stop between two runs of it), run on another thread: the timer's next run there.
        other = run_on_a_thread(ticks())
        assert other != threading.get_ident()
        assert stalls.thread_of(kept[0]) == other
    finally:
        loop.close()


class _HeldOnAnotherThread:
    """An AWS Lambda invocation on uvloop's loop whose launch holds the loop up from the start,
    until said: on `thread` (not started), where an invocation before it, on this thread, left
    the watchdog's timer pending (the ``uvloop_held_elsewhere`` fixture)."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        invoke, holds = lambda_holding_later(caplog)  # (on this thread: its timer left pending)
        holds.append(True)
        self.answers: list[Any] = []
        self.thread = threading.Thread(
            target=lambda: self.answers.append(invoke(LAUNCH, None)), daemon=True
        )

    def ended_said_once(self, caplog: pytest.LogCaptureFixture) -> None:
        """Wait for the invocation (within `BOUND` + 5 s: the caller still capturing at INFO,
        which the launch waits for): it answered, and the loop was said held up by it, once."""
        self.thread.join(BOUND + 5)
        assert not self.thread.is_alive()
        assert self.answers and self.answers[0]["response"]["outputSpeech"]["text"] == "Hi."
        (line,) = held_up_lines(caplog)
        assert ".<locals>.launch" in line.getMessage()


@pytest.fixture
def uvloop_held_elsewhere(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, lambda_loop: LookClock
) -> _HeldOnAnotherThread:
    """`_HeldOnAnotherThread`, on the `lambda_loop` set-up with uvloop's loop (skipped
    without uvloop, failed under CI)."""
    import asyncio

    uvloop = imported_or_skip("uvloop", "the uvloop tests")
    monkeypatch.setattr(Loop, "runner", asyncio.Runner(loop_factory=uvloop.new_event_loop))
    return _HeldOnAnotherThread(caplog)


def test_a_uvloop_loop_run_on_another_thread_is_looked_for_there_before_its_timer_runs(
    caplog: pytest.LogCaptureFixture, uvloop_held_elsewhere: _HeldOnAnotherThread
) -> None:
    # uvloop's loop shows no thread of its own: the watchdog notes the one its timer runs on.
    # Stopped with the timer pending (AWS Lambda's, between invocations), then run on another
    # thread (its handler called from a local server's or tests' threads), the loop was looked
    # for on the first thread until the timer's first run on the new one: a handler holding it
    # up from the start, before that run, was never said (the first thread in no handler's
    # call). The thread running it is found by the frame of the request's task.
    with caplog.at_level(logging.INFO, "alexaskill"):
        uvloop_held_elsewhere.thread.start()
        uvloop_held_elsewhere.ended_said_once(caplog)


def test_a_uvloop_loop_moved_off_a_thread_another_loop_runs_on_is_not_hidden_by_its_timer(
    caplog: pytest.LogCaptureFixture, uvloop_held_elsewhere: _HeldOnAnotherThread
) -> None:
    # As above, the uvloop loop's watchdog still names the thread its timer last ran on (this
    # one) while the loop, run on another, is held up from the start; and here another loop
    # runs on this thread meanwhile, a request in flight on it. The loops were grouped by that
    # thread and judged by the latest timer run among them, the other loop's: the stall was
    # hidden behind it, said by nothing. Each loop is judged by its own timer.
    import asyncio

    other = uvloop_held_elsewhere.thread

    async def beside() -> None:
        """Another loop on this thread, its watchdog (made after the uvloop loop's last timer
        run) in flight until the other thread's invocation ends, or `BOUND` seconds."""
        watched = deadline.watch(None, time.perf_counter() + 2 * BOUND)
        assert watched is not None
        try:
            other.start()
            ends = time.monotonic() + BOUND + 5
            while other.is_alive() and time.monotonic() < ends:
                await asyncio.sleep(0.01)
        finally:
            watched[0].unwatch(watched[1])

    with caplog.at_level(logging.INFO, "alexaskill"):
        asyncio.run(beside())
        uvloop_held_elsewhere.ended_said_once(caplog)
