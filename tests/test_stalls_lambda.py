"""AWS Lambda's event loop, stopped between invocations, is not said held up (stalls.py).

The looking thread is driven step by step here: it stops each time it would take stalls' lock
(`Gate`), and its clock (`Clock`) moves only as the test moves it. What it sees of the loop,
and when, is the test's to say; no machine, however busy, makes a look late.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alexaskill import Response, Skill, aws_lambda, deadline, speak, stalls
from alexaskill.testing import DEFAULT_SKILL_ID

# Far longer than any step of the looking thread takes, on the busiest machine.
BOUND = 30.0
LAUNCH: dict[str, Any] = json.loads(
    (Path(__file__).parent / "fixtures" / "requests" / "LaunchRequest.json").read_text()
)


def held_up_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        r
        for r in caplog.records
        if r.name == "alexaskill" and r.levelno == logging.ERROR and "held up" in r.getMessage()
    ]


class Clock:
    """`alexaskill.stalls`' ``time``: wall and CPU time that move only by `advance` and by the
    looking thread's sleeps (`LOOK_EVERY` each, at once). It starts an hour past the real
    clock, so a watchdog's ``ticked`` (read from the real one) is older than any look: the
    stale timer of a loop that was stopped, which only what the looks saw may make up for."""

    def __init__(self) -> None:
        self.wall = time.perf_counter() + 3600.0
        self.cpu = 0.0
        self.looks = 0

    def perf_counter(self) -> float:
        return self.wall

    def process_time(self) -> float:
        return self.cpu

    def sleep(self, seconds: float) -> None:
        self.advance(seconds, busy=0.0)
        self.looks += 1

    def advance(self, seconds: float, busy: float) -> None:
        """``seconds`` go by, the process using ``busy`` of a CPU meanwhile."""
        self.wall += seconds
        self.cpu += seconds * busy


class Gate:
    """`alexaskill.stalls`' lock, at which the looking thread stops until let through (each
    look takes it once, at its start; a look that finds no loop running twice)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._moved = threading.Condition()
        self.arrived = self.passed = self.left = 0

    def __enter__(self) -> None:
        if threading.current_thread().name == "alexaskill-stalls":
            with self._moved:
                self.arrived += 1
                self._moved.notify_all()
                assert self._moved.wait_for(lambda: self.passed >= self.arrived, BOUND)
        self._lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self._lock.release()
        if threading.current_thread().name == "alexaskill-stalls":
            with self._moved:
                self.left += 1
                self._moved.notify_all()

    def let_through(self) -> None:
        """Wait for the looking thread at the gate, let it through, and wait until it leaves
        what the lock guards: what it saw there is seen."""
        with self._moved:
            assert self._moved.wait_for(lambda: self.arrived > self.passed, BOUND)
            self.passed += 1
            self._moved.notify_all()
            assert self._moved.wait_for(lambda: self.left >= self.passed, BOUND)

    def reached(self) -> None:
        """Wait for the looking thread at the gate: what it was doing is done."""
        with self._moved:
            assert self._moved.wait_for(lambda: self.arrived > self.passed, BOUND)


class Looks:
    """The looking thread, driven: its `Clock` and its `Gate`."""

    def __init__(self) -> None:
        self.clock, self.gate = Clock(), Gate()

    def look(self) -> None:
        """One whole look at the loops in flight (the thread then stops at the gate again)."""
        looks = self.clock.looks
        self.gate.let_through()
        self.gate.reached()
        assert self.clock.looks == looks + 1, "no loop in flight: no look"


@pytest.fixture
def looks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Looks]:
    """The looking thread driven by the test, a loop said held up after 1 s, an AWS Lambda
    event loop of the test's own whose watchdog's timer never runs (as one an invocation
    leaves pending, the loop stopped before it is due)."""
    driven = Looks()
    monkeypatch.setattr(stalls, "time", driven.clock)
    monkeypatch.setattr(stalls, "_lock", driven.gate)
    monkeypatch.setattr(stalls, "LOOK_EVERY", 0.05)
    monkeypatch.setattr(stalls, "HELD_UP_SECONDS", 1.0)
    monkeypatch.setattr(stalls, "UNSEEN_AFTER", 1.0)
    monkeypatch.setattr(deadline, "RESOLUTION", 3600.0)
    monkeypatch.setattr(aws_lambda._Loop, "runner", None)
    try:
        yield driven
    finally:
        runner = aws_lambda._Loop.runner
        if runner is not None:
            runner.close()
        monkeypatch.undo()  # (then the thread goes on as it pleases)
        with driven.gate._moved:
            driven.gate.passed = 1 << 30
            driven.gate._moved.notify_all()


def test_an_aws_lambda_loop_stopped_between_invocations_is_not_held_up(
    caplog: pytest.LogCaptureFixture, looks: Looks
) -> None:
    # Between invocations Lambda's loop does not run, its watchdog's timer left pending: the
    # next invocation's handler, a look finding it on the loop's thread, was said to hold the
    # loop up for all the time between ("held up for 312.4 s by app.launch").
    skill = Skill(DEFAULT_SKILL_ID)
    holds: list[float] = []

    @skill.launch
    async def launch() -> Response:
        for _ in range(3):  # seen running, for 0.15 s
            looks.look()
        if holds:  # a second and a half, in looks: said, once
            for _ in range(30):
                looks.look()
        return speak("Hi.")

    invoke = aws_lambda.handler(skill)
    with caplog.at_level(logging.INFO, "alexaskill"):
        invoke(LAUNCH, None)
        looks.gate.let_through()  # a look: no loop runs
        looks.gate.let_through()  # and none still: the thread sleeps until a request
        looks.clock.advance(300.0, busy=0.5)  # (busy: no late look that makes up for it)
        invoke(LAUNCH, None)
        assert held_up_lines(caplog) == []
        looks.gate.let_through()
        looks.gate.let_through()  # asleep again
        holds.append(1.5)
        invoke(LAUNCH, None)
    assert len(held_up_lines(caplog)) == 1


def test_an_aws_lambda_loop_stopped_just_before_a_look_is_not_held_up_after(
    caplog: pytest.LogCaptureFixture, looks: Looks
) -> None:
    # A look finding no loop running, then one running by the time it would sleep (the next
    # invocation, come meanwhile), went on timing the loop from the invocation before: with
    # 0.15 s of that one seen and 0.85 s between them, the next one's first look said it held
    # up ("held up for 1.1 s by ...launch"), its handler 0.05 s on the loop's thread.
    skill = Skill(DEFAULT_SKILL_ID)
    invocations: list[str] = []

    @skill.launch
    async def launch() -> Response:
        invocations.append("launch")
        if len(invocations) == 2:
            looks.gate.let_through()  # the look that found none running: not to sleep
        for _ in range(4 if len(invocations) == 1 else 2):  # seen running, 0.15 s (0.05 s)
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
    assert held_up_lines(caplog) == []
