"""What the `Repeats` tests share (tests/test_log_repeats.py, _threads and _loops): the clock
fixture, a say that records its calls, and a wait for them; each module imports the fixture by
name."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from alexaskill import log_repeats


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The clock `Repeats` reads, moved by the test alone."""
    now = [1000.0]
    monkeypatch.setattr(log_repeats, "_monotonic", lambda: now[0])
    return now


def recorded() -> tuple[list[tuple[str, int]], Callable[[str, int], None]]:
    """What a say was called with, and that say."""
    said: list[tuple[str, int]] = []
    return said, lambda kind, count: said.append((kind, count))


async def until(said: list[tuple[str, int]], count: int) -> None:
    """Run the loop (its timers among them) until ``said`` holds ``count`` calls."""
    deadline = time.monotonic() + 30  # only a bound for a broken test: no timing asserted
    while len(said) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.01)


def waited(said: list[tuple[str, int]], count: int) -> None:
    """Wait, in a thread that runs no loop, until ``said`` holds ``count`` calls."""
    deadline = time.monotonic() + 30  # only a bound for a broken test: no timing asserted
    while len(said) < count and time.monotonic() < deadline:
        time.sleep(0.01)


def pending(loop: asyncio.AbstractEventLoop) -> int:
    """How many timers ``loop`` will run (those cancelled left out)."""
    return sum(not timer.cancelled() for timer in loop._scheduled)  # type: ignore[attr-defined]
