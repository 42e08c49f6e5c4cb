"""`Repeats`' timer: set from a worker thread on the loop it works for, one alive across two
event loops; and counts said whatever one say raises."""

from __future__ import annotations

import pytest

from alexaskill import log_repeats
from alexaskill.log_repeats import Repeats


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The clock `Repeats` reads, moved by the test alone."""
    now = [1000.0]
    monkeypatch.setattr(log_repeats, "_monotonic", lambda: now[0])
    return now


def test_a_say_that_raises_leaves_the_other_counts_said_then_raises(clock: list[float]) -> None:
    # The counts are taken under the lock, then said one after another: the first say that
    # raised dropped the counts taken after it (reset to 0 with the others: never said).
    said: list[tuple[str, int]] = []

    def broken(kind: str, count: int) -> None:
        raise OSError("the log's disk is full")

    def say(kind: str, count: int) -> None:
        said.append((kind, count))

    repeats = Repeats(10.0)
    for kind, its_say in (("a", broken), ("b", say), ("c", broken), ("d", say)):
        for _ in range(3):
            repeats.unsaid(kind, its_say)
    with pytest.raises(OSError, match="disk is full"):
        repeats.say_unsaid()
    assert said == [("b", 2), ("d", 2)]
    repeats.say_unsaid()  # (said once: nothing left)
    assert said == [("b", 2), ("d", 2)]
