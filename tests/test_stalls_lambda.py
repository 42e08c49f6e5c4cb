"""AWS Lambda's event loop, stopped between invocations, is not said held up (stalls.py).

The looking thread is driven step by step (`tests.stalls_driven`): when it looks, and what
time it reads, is the test's to say.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType, SimpleNamespace
from typing import Any, cast

import pytest

from alexaskill import Response, Skill, aws_lambda, deadline, pace, speak, stalls
from alexaskill.testing import DEFAULT_SKILL_ID

from .stalls_driven import BOUND, LAUNCH, Looks, drive, held_up_lines


@pytest.fixture
def looks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Looks]:
    """The looking thread driven, and an AWS Lambda event loop of the test's own whose
    watchdog's timer never runs (as one an invocation leaves pending, the loop stopped before
    it is due)."""
    monkeypatch.setattr(deadline, "RESOLUTION", 3600.0)
    yield from drive(monkeypatch)


def _launch_looked_at(looks: Looks) -> tuple[Callable[[Any, Any], Any], list[str], list[bool]]:
    """The AWS Lambda handler of a skill whose launch is seen running (three looks), each
    invocation noted in the first list; once the second list holds anything, the launch then
    holds the loop up for a second and a half, in looks: said, once."""
    skill = Skill(DEFAULT_SKILL_ID)
    invocations: list[str] = []
    holds: list[bool] = []

    @skill.launch
    async def launch() -> Response:
        invocations.append("launch")
        for _ in range(3):  # seen running
            looks.look()
        if holds:
            for _ in range(30):
                looks.look()
        return speak("Hi.")

    return aws_lambda.handler(skill), invocations, holds


def test_an_aws_lambda_loop_stopped_between_invocations_is_not_held_up(
    caplog: pytest.LogCaptureFixture, looks: Looks
) -> None:
    # Between invocations Lambda's loop does not run, its watchdog's timer left pending: the
    # next invocation's handler, a look finding it on the loop's thread, was said to hold the
    # loop up for all the time between ("held up for 312.4 s by app.launch").
    invoke, _, holds = _launch_looked_at(looks)  # (seen running, for 0.15 s)
    with caplog.at_level(logging.INFO, "alexaskill"):
        invoke(LAUNCH, None)
        looks.gate.let_through()  # a look: no loop runs
        looks.gate.let_through()  # and none still: the thread sleeps until a request
        looks.clock.advance(300.0, busy=0.5)  # (busy: no late look that makes up for it)
        invoke(LAUNCH, None)
        assert not (lines := held_up_lines(caplog)), looks.said(lines)
        looks.gate.let_through()
        looks.gate.let_through()  # asleep again
        holds.append(True)
        invoke(LAUNCH, None)
    assert len(lines := held_up_lines(caplog)) == 1, looks.said(lines)


def test_an_aws_lambda_loop_stopped_just_before_a_look_is_not_held_up_after(
    caplog: pytest.LogCaptureFixture, looks: Looks
) -> None:
    # A look finding no loop running, then one running by the time it would sleep (the next
    # invocation, come meanwhile), went on timing the loop from the invocation before: with
    # 0.25 s of that one seen and 0.85 s between them, the next one's first look said it held
    # up ("held up for 1.1 s by ...launch"), its handler 0.05 s on the loop's thread.
    skill = Skill(DEFAULT_SKILL_ID)
    invocations: list[str] = []

    @skill.launch
    async def launch() -> Response:
        invocations.append("launch")
        if len(invocations) == 2:
            looks.gate.let_through()  # the look that found none running: not to sleep
        for _ in range(6 if len(invocations) == 1 else 2):  # seen running, 0.25 s (0.05 s)
            looks.look()
        return speak("Hi.")

    invoke = aws_lambda.handler(skill)
    with caplog.at_level(logging.INFO, "alexaskill"):
        invoke(LAUNCH, None)
        looks.clock.advance(0.85, busy=0.0)  # (idle, but not so long a look is late)
        looks.gate.let_through()  # a look: no loop runs; it stops before going to sleep
        looks.gate.reached()
        invoke(LAUNCH, None)
    assert invocations == ["launch", "launch"]
    assert not (lines := held_up_lines(caplog)), looks.said(lines)


def test_a_process_frozen_between_invocations_is_not_a_loop_held_up(
    caplog: pytest.LogCaptureFixture, looks: Looks
) -> None:
    # AWS Lambda freezes the process, the looking thread too, once an invocation is answered:
    # that thread, last seeing the loop run, did not see it stop. Its next look comes 300 s
    # late, the process idle all along: what it did not see is unseen.
    # (Seen running, then frozen: at the gate, as the loop stops.)
    invoke, invocations, _ = _launch_looked_at(looks)
    with caplog.at_level(logging.INFO, "alexaskill"):
        invoke(LAUNCH, None)
        looks.clock.advance(300.0, busy=0.0)
        invoke(LAUNCH, None)
    assert invocations == ["launch", "launch"]
    assert not (lines := held_up_lines(caplog)), looks.said(lines)


def test_an_aws_lambda_loop_called_from_another_thread_is_looked_at_on_that_thread(
    caplog: pytest.LogCaptureFixture, looks: Looks
) -> None:
    # The handler's loop runs on the thread that calls the handler (a local server's, a test's
    # threads): its watchdog kept the thread of the first invocation, ended since, and the
    # looking thread read that thread's stack, in no handler's call. A later invocation's
    # handler, on another thread, held the loop up unsaid (or another thread's code was blamed).
    invoke, _, holds = _launch_looked_at(looks)
    first = threading.Thread(target=invoke, args=(LAUNCH, None), daemon=True)
    first.start()
    first.join(BOUND)
    assert not first.is_alive()
    holds.append(True)
    with caplog.at_level(logging.INFO, "alexaskill"):
        invoke(LAUNCH, None)  # on this thread
    assert len(lines := held_up_lines(caplog)) == 1, looks.said(lines)
    assert ".<locals>.launch" in lines[0].getMessage()


class _GoesOnWhileLookedAt:
    """A loop in flight, on ``thread``, that goes on (`GOES_ON`) as the looking thread first
    looks up its thread: between the look that found it held up and that look's read of that
    thread's stack."""

    def __init__(self, thread: int, how: str) -> None:
        self.thread, self.how, self.running = thread, how, True
        self.elsewhere = threading.get_ident()  # (the test's thread, in no handler's call)
        self.watchdog: deadline.Watchdog | None = None
        #: Another skill's, not in flight when the loop was judged: it starts (``how``: joined).
        self.joining: deadline.Watchdog | None = None
        self.gone_on = False

    def is_closed(self) -> bool:
        return False

    def is_running(self) -> bool:
        return self.running

    @property
    def _thread_id(self) -> int:
        if threading.current_thread().name != "alexaskill-stalls":
            return self.thread
        if self.gone_on:
            return self.elsewhere if self.how == "moved" else self.thread
        self.gone_on = True
        if self.how == "stopped":
            self.running = False
        elif self.how == "ran on" and self.watchdog is not None:
            self.watchdog.ticked += deadline.RESOLUTION  # (its timer ran)
        elif self.how == "restarted" and self.watchdog is not None:
            self.watchdog._deadlines = {cast(Any, object()): 0.0}  # (the next request's)
        elif self.how == "joined" and self.joining is not None:
            self.joining._deadlines = {cast(Any, object()): 0.0}  # (its first request's)
            self.joining._ticking = True  # (as `Watchdog.watch` starts it, on the loop's thread)
        return self.thread


#: How a loop found held up goes on before its thread's stack is read: stopped (a Lambda
#: loop, its invocation over); run on (its timer ran); moved to another thread (a Lambda
#: handler called from another thread next); stopped and run again on that thread, its timer
#: not run yet (a Lambda process frozen after the invocation and thawed for the next one);
#: joined by another skill's watchdog, which starts as the loop begins that skill's first
#: request (run on, the timers of those judged held not run yet: their turn in its next run).
GOES_ON = ["stopped", "ran on", "moved", "restarted", "joined"]


@pytest.mark.parametrize("skills", [1, 2], ids=["one skill", "two skills"])
@pytest.mark.parametrize("how", GOES_ON)
def test_a_loop_that_went_on_before_its_threads_stack_is_read_is_not_said_held_up(
    caplog: pytest.LogCaptureFixture, looks: Looks, how: str, skills: int
) -> None:
    # A look judged a loop held up, then read its thread's stack: a look kept waiting in
    # between (other threads holding the interpreter's lock) found the loop stopped and its
    # thread gone on into another request's handler, and blamed that handler ("held up for
    # 19.3 s by ...launch": a Lambda loop closed in a test's teardown, its thread in the next
    # test's launch). What held the loop up is what held it then, not what its thread runs now.
    # With two skills on the loop (a watchdog each), the look judged it by the one whose timer
    # ran last, and checked only that one again: the loop gone on by the other's (its timer,
    # due first, run; its request ended and the next begun) was said held up all the same. So
    # was a loop that began a request of a skill with no request in flight when it was judged
    # (a third skill's, with two): its watchdog, starting, was not among those checked again.
    waiting, release = threading.Event(), threading.Event()

    def handler() -> None:  # another request's, called on the loop's thread: not the holder
        waiting.set()
        release.wait(BOUND)

    moved_on = threading.Thread(
        target=pace.Pace(handler).call, args=(handler, {}, "handler"), daemon=True
    )
    moved_on.start()
    watchdogs: list[deadline.Watchdog] = []
    try:
        assert waiting.wait(BOUND) and moved_on.ident is not None
        loop = _GoesOnWhileLookedAt(moved_on.ident, how)
        for _ in range(skills):
            watchdogs.append(deadline.Watchdog(cast(Any, loop)))
            watchdogs[-1]._deadlines[cast(Any, object())] = 0.0  # (a request watched)
            watchdogs[-1]._ticking = True  # (its loop in flight)
        # The first skill's goes on; the loop is judged by the last one's timer, run 10 ms later.
        loop.watchdog = watchdogs[0]
        watchdogs[-1].ticked = watchdogs[0].ticked + 0.01 * (skills - 1)
        loop.joining = deadline.Watchdog(cast(Any, loop))  # (not in flight: no request yet)
        watchdogs.append(loop.joining)
        with caplog.at_level(logging.INFO, "alexaskill"):
            stalls.ticking()
            looks.look()
            looks.look()  # seen running
            looks.clock.advance(1.5, busy=1.0)  # its timer not run meanwhile, the process busy
            looks.look()  # held up: and gone on as its thread is looked up
    finally:
        for watchdog in watchdogs:
            watchdog._ticking = False
        release.set()
        moved_on.join(BOUND)
    assert loop.gone_on
    assert not (lines := held_up_lines(caplog)), looks.said(lines)


class _ShowsNoThread:
    """A loop in flight that shows no thread of its own (uvloop's)."""

    def is_closed(self) -> bool:
        return False

    def is_running(self) -> bool:
        return True


class _Task:
    """A request's task, its coroutine at ``frame`` (None: not running, or done)."""

    def __init__(self, frame: FrameType | None) -> None:
        self.frame = frame

    def get_coro(self) -> SimpleNamespace:
        return SimpleNamespace(cr_frame=self.frame)


def test_a_loop_of_two_skills_held_up_on_a_new_thread_is_found_by_either_ones_request(
    caplog: pytest.LogCaptureFixture, looks: Looks
) -> None:
    # A loop that shows no thread (uvloop's), stopped with its two skills' timers pending and
    # run on another thread, held up there by the first skill's request before either timer
    # ran: the thread was looked for by the requests of the watchdog whose timer ran last, the
    # other skill's, none of them running, and the old thread, in no handler's call, was read.
    # The stall was said by nothing.
    waiting, release = threading.Event(), threading.Event()
    frames: list[FrameType] = []

    def handler() -> None:  # the first skill's request's, holding the loop up on a new thread
        frames.append(sys._getframe())
        waiting.set()
        release.wait(BOUND)

    held = threading.Thread(
        target=pace.Pace(handler).call, args=(handler, {}, "handler"), daemon=True
    )
    held.start()
    watchdogs: list[deadline.Watchdog] = []
    try:
        assert waiting.wait(BOUND)
        loop = _ShowsNoThread()  # its timers last ran on this thread
        for task in (_Task(frames[0]), _Task(None)):
            watchdogs.append(deadline.Watchdog(cast(Any, loop)))
            watchdogs[-1]._deadlines[cast(Any, task)] = 0.0  # (a request watched)
            watchdogs[-1]._ticking = True  # (its loop in flight)
        watchdogs[1].ticked = watchdogs[0].ticked + 0.01  # (the second skill's ran last)
        with caplog.at_level(logging.INFO, "alexaskill"):
            stalls.ticking()
            looks.look()
            looks.look()  # seen running
            looks.clock.advance(1.5, busy=1.0)  # no timer run meanwhile, the process busy
            looks.look()  # held up
    finally:
        for watchdog in watchdogs:
            watchdog._ticking = False
        release.set()
        held.join(BOUND)
    assert len(lines := held_up_lines(caplog)) == 1, looks.said(lines)
    assert ".<locals>.handler" in lines[0].getMessage(), looks.said(lines)
