"""A clock for the response deadline that a test moves on, rather than waiting for it.

A handler that calls ``clock.skip(seconds)`` has taken that long as far as the deadline can
tell: the watchdog's next look (`alexaskill.deadline.RESOLUTION`, 50 ms) acts as it would have
``seconds`` later. The test waits that long no more, and the handler has surely started (a
deadline that passed first, verification stalled on a loaded machine, tests something else).

Only the modules that set and read the deadlines (and the body's timeout, on the same
watchdog) read it. `alexaskill.pace` and `alexaskill.stalls` keep the real clock: their times
are the handler's own, and a clock moved on is no loop held up. So does the watchdog's note of
its timer's runs (``ticked``, which the stalls' thread reads): a skip does not hide a loop held
up after it (tests/test_stalls.py). The real deadline still acts when the real time is up: a
test whose clock is not read passes, slower.
"""

from __future__ import annotations

import time
from typing import Any

import pytest


class Clock:
    """What the deadline's modules (or `alexaskill.pace`, timing a call) take for the `time`
    module: `time.perf_counter` moved on by `skip`; the rest the real module's."""

    def __init__(self) -> None:
        self.skipped = 0.0

    def perf_counter(self) -> float:
        return time.perf_counter() + self.skipped

    def skip(self, seconds: float) -> None:
        """Move the clock on by ``seconds`` (from any thread)."""
        self.skipped += seconds

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def patch_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """A `Clock` for the modules that set and read the deadlines, until ``monkeypatch`` undoes
    it (a test module's ``clock`` fixture returns it)."""
    import alexaskill.answering
    import alexaskill.aws_lambda
    import alexaskill.deadline
    import alexaskill.deadline_answering
    import alexaskill.deadline_late
    import alexaskill.endpoint
    import alexaskill.finishing
    import alexaskill.handling
    import alexaskill.late_results
    import alexaskill.services.progressive

    fake = Clock()
    for module in (
        alexaskill.answering,
        alexaskill.aws_lambda,
        alexaskill.deadline,
        alexaskill.deadline_answering,
        alexaskill.deadline_late,
        alexaskill.endpoint,
        alexaskill.finishing,
        alexaskill.handling,
        alexaskill.late_results,
        alexaskill.services.progressive,
    ):
        assert module.time is time  # (a module that no longer reads it would be left behind)
        monkeypatch.setattr(module, "time", fake)
    return fake
