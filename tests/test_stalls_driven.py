"""The looking thread driven step by step (`tests.stalls_driven`) looks only when let through.

A look of its own, one no test let through, moves the driven clock and what the thread saw
with it: the test's later looks then time a loop from before anything the test did.
"""

from __future__ import annotations

import asyncio
import logging
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

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
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


def test_a_loop_seen_with_the_driven_clock_is_timed_afresh_with_the_real_one(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The looking thread kept what it saw with the driven clock (an hour ahead of the real
    # one) past the driven test's end: a loop seen running then, and still in flight (so that
    # the thread never went to sleep, which forgets it), was timed from an hour ahead, its
    # stall never said (the test after a driven one inherited it).
    from alexaskill import Response, Skill, speak
    from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

    from .stalls_driven import held_up_lines

    skill = Skill(DEFAULT_SKILL_ID)
    entered = threading.Event()

    @skill.launch
    async def launch() -> Response:
        entered.set()
        ends = time.monotonic() + BOUND  # held up until said (the driven looks see it first)
        while not held_up_lines(caplog) and time.monotonic() < ends:
            time.sleep(0.01)  # never awaits
        return speak("Done.")

    answers: list[str | None] = []

    def ask() -> None:
        with TestClient(skill) as client:
            answers.append(client.launch().speech)

    patch = pytest.MonkeyPatch()
    driving = drive(patch)
    asking = threading.Thread(target=ask, daemon=True)
    with caplog.at_level(logging.INFO, "alexaskill"):
        try:
            looks = next(driving)
            asking.start()
            assert entered.wait(BOUND)
            for _ in range(3):  # seen running with the driven clock, 0.15 s of it
                looks.look()
            assert not held_up_lines(caplog)
        finally:
            driving.close()  # (the gate opened for good)
            patch.undo()
        monkeypatch.setattr(stalls, "LOOK_EVERY", 0.05)
        monkeypatch.setattr(stalls, "HELD_UP_SECONDS", 0.5)
        asking.join(BOUND + 5)
    assert answers == ["Done."]
    assert len(held_up_lines(caplog)) == 1


@pytest.mark.usefixtures("elsewhere")
def test_the_looking_thread_moves_the_driven_clock_no_more_once_let_go(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # drive() opened the gate for good with its clock still in place (until the test's patches
    # were undone): the looking thread, a loop in flight, looked as fast as it could, each
    # sleep on the driven clock at once, and a loop in flight meanwhile (a Lambda loop closed
    # in teardown) was judged held up for the driven seconds gone by ("held up for 19.3 s").
    driving = drive(monkeypatch)
    looks = next(driving)
    looks.look()
    wall, gate = looks.clock.wall, looks.gate
    driving.close()  # (the gate opened for good)
    left = gate.left
    with gate._moved:  # three looks more, through the open gate
        assert gate._moved.wait_for(lambda: gate.left >= left + 3, BOUND), gate._state()
    assert looks.clock.wall == wall


def test_a_clock_advanced_after_a_later_one_leaves_the_latest_time_read() -> None:
    # Clock.latest was the time of the clock advanced last: an older clock advanced late (an
    # earlier test's, by a look of its own) moved it back, and a clock made next started
    # within the hour past the later one, not after it.
    older = Clock()
    older.advance(1.0, busy=0.0)
    newer = Clock()
    newer.advance(1.0, busy=0.0)
    older.advance(1.0, busy=0.0)
    assert Clock.latest == newer.wall
    assert Clock().start >= newer.wall + 3600.0


def test_a_clock_made_after_one_never_advanced_starts_an_hour_past_its_start() -> None:
    # Clock.latest took a clock's time only as it was advanced: one a look read at its start
    # and no more (the test over before the looking thread slept) left it as it was, and the
    # next clock started seconds past that look, not an hour: the thread's first look with it
    # was not late, and carried over what it saw running then (a loop's id, reused).
    first = Clock()
    assert Clock().start >= first.start + 3600.0
