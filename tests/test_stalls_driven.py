"""The looking thread driven step by step (`tests.stalls_driven`) looks only when let through.

A look of its own, one no test let through, moves the driven clock and what the thread saw
with it: the test's later looks then time a loop from before anything the test did.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import cast

import pytest

from alexaskill import deadline, stalls

from .stalls_driven import BOUND, Clock, Gate, drive


class Stepping:
    """`drive`'s MonkeyPatch, which, after each attribute it sets on `alexaskill.stalls`, lets
    the looking thread run until it stops at the gate or has looked twice with the driven
    clock: what that thread may do between two of `drive`'s patches, it does."""

    def __init__(self, patch: pytest.MonkeyPatch) -> None:
        self.patch = patch

    def setattr(self, target: object, name: str, value: object) -> None:
        self.patch.setattr(target, name, value)
        if target is not stalls:
            return
        ends = time.monotonic() + BOUND
        while time.monotonic() < ends:
            gate, clock = stalls._lock, vars(stalls)["time"]  # (patched: not stalls' own)
            if isinstance(gate, Gate) and gate.arrived > gate.passed:
                return
            if isinstance(clock, Clock) and clock.looks >= 2:
                return
            time.sleep(0.01)
        pytest.fail("the looking thread neither stopped at the gate nor looked")


@pytest.fixture
def elsewhere(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A request watched on an event loop of another thread, in flight all along (as one a
    test before left running): the looking thread looks at it, never sleeps."""
    monkeypatch.setattr(deadline, "RESOLUTION", 3600.0)  # (its timer never runs)
    watched, release = threading.Event(), threading.Event()

    async def main() -> None:
        assert deadline.watch(None, time.perf_counter() + 3600.0) is not None
        watched.set()
        while not release.is_set():
            await asyncio.sleep(0.01)

    thread = threading.Thread(target=asyncio.run, args=(main(),))
    thread.start()
    try:
        assert watched.wait(BOUND)
        yield
    finally:
        release.set()
        thread.join(BOUND)


@pytest.mark.usefixtures("elsewhere")
def test_the_looking_thread_reads_the_driven_clock_only_once_held_at_the_gate() -> None:
    # drive() patched stalls' clock before its lock: in between, the looking thread, held at
    # no gate, looked at a loop in flight as often as it could, each sleep on the driven clock
    # at once; the test's looks then went on from there, that driven time gone by unseen by
    # the test (a Lambda loop seen since was said "held up for 6.8 s", its handler 0.05 s in).
    stepping = pytest.MonkeyPatch()
    driving = drive(cast(pytest.MonkeyPatch, Stepping(stepping)))
    try:
        looks = next(driving)
        said = f"{looks.clock.looks} looks with the driven clock; {looks.gate._state()}"
        assert looks.clock.looks == 0, said
        looks.look()  # and the thread is driven as before
        assert looks.clock.looks == 1, looks.gate._state()
    finally:
        driving.close()  # (the gate opened for good)
        stepping.undo()
