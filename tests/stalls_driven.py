"""The looking thread of `alexaskill.stalls`, driven step by step by a test.

It stops each time it would take stalls' lock (`Gate`), and its clock (`Clock`) moves only as
the test moves it: what it sees of the loops, when, and how busy the process was meanwhile is
the test's to say. No machine, however busy, makes a look late, or a process starved of CPU.

And what the stalls tests (tests/test_stalls*.py) send, do and read: a LaunchRequest, a hold of
the loop until it is said, a clock that counts the looks, and the ERROR lines that say a loop
was held up.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from alexaskill import stalls

# Far longer than any step of the looking thread takes, on the busiest machine.
BOUND = 30.0


class Clock:
    """`alexaskill.stalls`' ``time``: wall and CPU time that move only by `advance` and by the
    looking thread's sleeps (`LOOK_EVERY` each, at once), until `let_go`. It starts an hour
    past the real clock, so a watchdog's ``ticked`` (read from the real one) is older than any
    look: the stale timer of a loop that was stopped, which only what the looks saw may make
    up for.
    And an hour past any clock before, its CPU time at 0: the thread's first look with it is
    late, the process idle, and forgets what it saw running with the clock before (a loop's
    id, reused, would carry it over)."""

    #: The latest time a clock has read (the thread's own, from before: not earlier ones').
    latest = 0.0

    def __init__(self) -> None:
        self.wall = self.start = max(time.perf_counter(), Clock.latest) + 3600.0
        # (Its start is a time read too: a look may read it and no more, the clock never
        # advanced, and the next clock must start an hour past that look as well.)
        Clock.latest = self.start
        self.cpu = 0.0
        self.looks = 0
        #: Let go (`let_go`): the real clock's time and sleeps from then on.
        self.real = False

    def perf_counter(self) -> float:
        return time.perf_counter() if self.real else self.wall

    def process_time(self) -> float:
        return time.process_time() if self.real else self.cpu

    def sleep(self, seconds: float) -> None:
        if self.real:
            time.sleep(seconds)
            return
        self.advance(seconds, busy=0.0)
        self.looks += 1

    def advance(self, seconds: float, busy: float) -> None:
        """``seconds`` go by, the process using ``busy`` of a CPU meanwhile."""
        self.wall += seconds
        self.cpu += seconds * busy
        Clock.latest = max(Clock.latest, self.wall)

    def let_go(self) -> None:
        """The real clock from now on, though still patched in: a looking thread no gate holds
        any more sleeps each look for real, not at once on this clock, which would pile up
        driven seconds (a loop in flight meanwhile judged held up for them)."""
        self.real = True


class Gate:
    """`alexaskill.stalls`' lock, at which the looking thread stops until let through (each
    look takes it once, at its start; a look that finds no loop running twice)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._moved = threading.Condition()
        self.arrived = self.passed = self.left = 0
        #: Times the looking thread went on through the gate, not let through in time.
        self.unattended = 0

    def __enter__(self) -> None:
        if threading.current_thread().name == "alexaskill-stalls":
            with self._moved:
                self.arrived += 1
                self._moved.notify_all()
                # Not let through in time, it goes on: raised here, the exception would end
                # the process's looking thread, and an AWS Lambda loop, kept from one
                # invocation to the next, never starts another (every later driven test of
                # the process then waits for it in vain). The test's own waits say what broke.
                if not self._moved.wait_for(lambda: self.passed >= self.arrived, BOUND):
                    self.unattended += 1
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
            assert self._moved.wait_for(lambda: self.arrived > self.passed, BOUND), self._state()
            self.passed += 1
            self._moved.notify_all()
            assert self._moved.wait_for(lambda: self.left >= self.passed, BOUND), self._state()

    def _state(self) -> str:
        """What the gate and the looking thread were at, for a wait that failed."""
        looking = stalls._looking
        alive = looking is not None and looking.is_alive()
        return (
            f"the looking thread {'alive' if alive else 'gone'}; arrived {self.arrived}, "
            f"passed {self.passed}, left {self.left}, went on unattended {self.unattended}"
        )

    def open(self) -> None:
        """Let the looking thread through for good (it takes stalls' own lock once unpatched)."""
        with self._moved:
            self.passed = 1 << 30
            self._moved.notify_all()

    def reached(self) -> None:
        """Wait for the looking thread at the gate: what it was doing is done."""
        with self._moved:
            assert self._moved.wait_for(lambda: self.arrived > self.passed, BOUND), self._state()


class Looks:
    """The looking thread, driven: its `Clock` and its `Gate`."""

    def __init__(self) -> None:
        self.clock, self.gate = Clock(), Gate()

    def look(self) -> None:
        """One whole look at the loops in flight (the thread then stops at the gate again).
        What the thread was at first (found none in flight, a look of an earlier test's, as a
        request woke it) is finished on the way."""
        looks = self.clock.looks
        while self.clock.looks == looks:
            self.gate.let_through()
            self.gate.reached()

    def said(self, lines: list[logging.LogRecord]) -> str:
        """For a test that expected no line: each said, and what the thread looked at, and how
        (more looks with the driven clock than passes through the gate: looks no test let
        through; a loop looked at on another thread than this test's)."""
        mine = threading.get_ident()
        seen = []
        for ref in list(stalls._watchdogs):
            watchdog = ref()
            if watchdog is None or not stalls._in_flight(watchdog):
                continue
            thread = stalls.thread_of(watchdog)
            whose = "this test's thread" if thread == mine else "another thread"
            seen.append(f"{whose} {thread} (its timer last saw {watchdog.thread})")
        return (
            f"said: {[line.getMessage() for line in lines]}; the driven clock at "
            f"+{self.clock.wall - self.clock.start:.2f} s after {self.clock.looks} looks, "
            f"{self.gate.left} passes through the gate; {self.gate._state()}; loops in flight "
            f"now, by their watchdog's thread: {seen or 'none'}"
        )


def drive(monkeypatch: pytest.MonkeyPatch) -> Generator[Looks, None, None]:
    """The looking thread driven (a fixture's body), looking every 50 ms, a loop said held up
    after 1 s, a look more than 1 s late with the process idle meanwhile taken as unseen.
    What the thread saw with the driven clock is forgotten at its first look with the real
    one after (earlier than the driven clock's: stalls takes that for a clock gone back), read
    from the gate's opening (`Clock.let_go`), so the tests that follow inherit none of it."""
    driven = Looks()
    # The gate first: between the two, a thread looking at a loop in flight (another thread's,
    # one an earlier test left running) looked unheld as often as it could, each sleep on the
    # driven clock at once, and the test's looks went on from that driven time gone by (a look
    # already under way reads the driven clock once at most: late, it forgets what it saw).
    monkeypatch.setattr(stalls, "_lock", driven.gate)
    monkeypatch.setattr(stalls, "time", driven.clock)
    monkeypatch.setattr(stalls, "LOOK_EVERY", 0.05)
    monkeypatch.setattr(stalls, "HELD_UP_SECONDS", 1.0)
    monkeypatch.setattr(stalls, "UNSEEN_AFTER", 1.0)
    try:
        yield driven
    finally:
        # The real clock before the gate opens: the patches are undone only after the test's
        # fixtures end (a Lambda runner closed, its loop running meanwhile).
        driven.clock.let_go()
        driven.gate.open()
    assert not driven.gate.unattended, driven.gate._state()  # (the test left the thread waiting)


# --- what the stalls tests send, do and read --------------------------------------------------

LAUNCH: dict[str, Any] = json.loads(
    (Path(__file__).parent / "fixtures" / "requests" / "LaunchRequest.json").read_text(
        encoding="utf-8"
    )
)


def held_up_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The ERROR lines of the "alexaskill" logger that say a loop was held up."""
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


class LookClock:
    """`alexaskill.stalls`'s ``time``: counts the looking thread's looks."""

    perf_counter = staticmethod(time.perf_counter)
    process_time = staticmethod(time.process_time)

    def __init__(self) -> None:
        self.looks = 0

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)
        self.looks += 1
