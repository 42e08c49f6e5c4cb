"""`Repeats`' timer: set from a worker thread on the loop it works for, one alive across two
event loops; and counts said whatever one say raises, the failure reported, never raised."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from alexaskill.log_repeats import Repeats
from alexaskill.threads import run_sync

from .log_repeats_shared import clock as clock
from .log_repeats_shared import pending, recorded, until, waited


@pytest.fixture
def other_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """An event loop running in a thread of its own (a second server of the skill)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield loop
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.close()


def test_a_count_made_in_a_worker_thread_is_said_when_its_window_ends(clock: list[float]) -> None:
    # A `def` handler's lines (an i18n.Translator's misfits) are counted in a worker thread,
    # which runs no event loop: the count set no timer and waited for the next line of its
    # kind, which may never come. The timer is set on the loop the thread works for.
    said, say = recorded()
    repeats = Repeats(0.02)  # (seconds of the loop's timer; the window's, on `clock`)

    async def handler_calls() -> None:
        for _ in range(3):
            await run_sync(repeats.unsaid, {"kind": "k", "say": say})
        assert pending(asyncio.get_running_loop()) == 1
        await until(said, 1)

    asyncio.run(handler_calls())
    assert said == [("k", 2)]


def test_a_count_made_in_an_apps_own_thread_is_said_when_its_window_ends(
    clock: list[float],
) -> None:
    # A thread of the app's own (one it started, a library's pool) runs no loop, nor works for
    # one: its count set no timer, and waited for the next line of its kind, which may never
    # come. A timer thread of log_repeats' own says it.
    said, say = recorded()
    repeats = Repeats(0.02)  # (seconds of the timer; the window's, on `clock`)

    def app_thread() -> None:
        for _ in range(3):
            repeats.unsaid("k", say)

    thread = threading.Thread(target=app_thread, daemon=True)
    thread.start()
    thread.join(timeout=30)
    waited(said, 1)
    assert said == [("k", 2)]


@pytest.mark.parametrize("where", ["anyio's worker thread", "trio's own thread"])
def test_a_count_made_under_trio_is_said_when_its_window_ends(
    where: str, clock: list[float]
) -> None:
    # Under trio no asyncio loop runs, and anyio's worker threads work for none: a count made
    # there (a skill's refusals on trio's thread, a translation in anyio's worker thread)
    # set no timer, and waited for the next line of its kind or the loop's end.
    import anyio
    import anyio.to_thread

    said, say = recorded()
    repeats = Repeats(0.02)

    async def count() -> None:
        for _ in range(3):
            if where == "trio's own thread":
                repeats.unsaid("k", say)
            else:
                await anyio.to_thread.run_sync(repeats.unsaid, "k", say)
        deadline = time.monotonic() + 30  # only a bound for a broken test: nothing timed
        while not said and time.monotonic() < deadline:
            await anyio.sleep(0.01)

    anyio.run(count, backend="trio")
    assert said == [("k", 2)]


def test_two_event_loops_counting_keep_one_timer_alive(
    clock: list[float], other_loop: asyncio.AbstractEventLoop
) -> None:
    # One skill served on two event loops (two threads): a count on one replaced the other's
    # timer, which still ran, then set itself again in place of the first: two timers alive.
    # A timer of a running loop that runs by then is kept; each window is said once.
    said, say = recorded()
    repeats = Repeats(0.05)

    async def count(kind: str) -> int:
        repeats.unsaid(kind, say)
        repeats.unsaid(kind, say)
        return pending(asyncio.get_running_loop())

    async def here() -> int:
        there = asyncio.run_coroutine_threadsafe(count("a"), other_loop).result(timeout=30)
        clock[0] += 0.01  # ("b"'s window ends after "a"'s)
        alive = there + await count("b")
        await until(said, 2)
        return alive

    assert asyncio.run(here()) == 1
    assert said == [("a", 1), ("b", 1)]


def test_a_timer_of_a_loop_that_ended_is_replaced(clock: list[float]) -> None:
    # asyncio.run per call (a script, a test): the first loop's timer ended with it, unrun;
    # the next loop's count sets one of its own, for the earlier of the two windows' ends.
    said, say = recorded()
    repeats = Repeats(0.02)

    async def count(kind: str) -> None:
        repeats.unsaid(kind, say)
        repeats.unsaid(kind, say)

    asyncio.run(count("a"))
    clock[0] += 0.01

    async def again() -> None:
        await count("b")
        await until(said, 2)

    asyncio.run(again())
    assert said == [("a", 1), ("b", 1)]


def test_a_count_of_a_kind_whose_timer_ended_with_its_loop_is_said_on_the_next_loop(
    clock: list[float],
) -> None:
    # The same kind counted again in the next loop, within its window: only the window's first
    # count set a timer, and that one ended with the first loop. The count waited for the next
    # line of its kind (or the shutdown): a running loop's count sets the timer again.
    said, say = recorded()
    repeats = Repeats(0.02)

    async def count() -> None:
        repeats.unsaid("a", say)
        repeats.unsaid("a", say)

    asyncio.run(count())

    async def again() -> None:
        repeats.unsaid("a", say)
        await until(said, 1)

    asyncio.run(again())
    assert said == [("a", 2)]


def test_a_say_that_raises_leaves_the_other_counts_said_and_is_reported(
    clock: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    # The counts are taken under the lock, then said one after another: the first say that
    # raised dropped the counts taken after it (reset to 0 with the others: never said). It is
    # reported on stderr as logging reports a handler that fails, never raised.
    said: list[tuple[str, int]] = []

    def broken(kind: str, count: int) -> None:
        raise OSError("the log's disk is full")

    def say(kind: str, count: int) -> None:
        said.append((kind, count))

    repeats = Repeats(10.0)
    for kind, its_say in (("a", broken), ("b", say), ("c", broken), ("d", say)):
        for _ in range(3):
            repeats.unsaid(kind, its_say)
    repeats.say_unsaid()
    assert said == [("b", 2), ("d", 2)]
    assert capsys.readouterr().err.count("OSError: the log's disk is full") == 2
    repeats.say_unsaid()  # (said once: nothing left)
    assert said == [("b", 2), ("d", 2)]


def test_a_say_that_raises_as_kinds_are_forgotten_leaves_the_line_said(
    clock: list[float], caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    # Past 256 kinds held, a new line says the counts of those forgotten first: a say that
    # raised then raised out of `unsaid`, the new line went unsaid (and in a handler's `_()`
    # the user heard the apology). It is reported as logging reports a handler's failure.
    def broken(kind: str, count: int) -> None:
        raise OSError("the log's disk is full")

    repeats = Repeats(10.0)
    for number in range(256):
        for _ in range(2):
            repeats.unsaid(f"kind {number}", broken)
    logger = logging.getLogger("alexaskill.test")
    with caplog.at_level(logging.WARNING, logger="alexaskill.test"):
        repeats.warn(logger, "a new line")
    assert [r.getMessage() for r in caplog.records] == ["a new line"]
    assert repeats.unsaid("another new line") == 0
    error = capsys.readouterr().err
    assert error.startswith("--- Logging error ---\n")
    assert "OSError: the log's disk is full" in error
    assert "the count of 'kind " in error


# A count made in a thread of the program's own, its timer thread's window still open as the
# program ends. The first exit function, registered before logging is imported (so run after
# logging.shutdown), waits for that timer thread; the log a file logging.shutdown closes.
_AT_EXIT = """
import atexit, sys, threading


def timers_ended():
    for thread in threading.enumerate():
        if thread.name == "alexaskill-log-repeats":
            thread.join(timeout=30)


assert "logging" not in sys.modules  # (else its shutdown would run after timers_ended)
atexit.register(timers_ended)

import logging

logging.basicConfig(filename=sys.argv[1], filemode="w", format="%(message)s")

from alexaskill.log_repeats import Repeats

repeats = Repeats(0.5)
logger = logging.getLogger("alexaskill.test")
thread = threading.Thread(target=lambda: [repeats.warn(logger, "a line") for _ in range(3)])
thread.start()
thread.join()
"""


def test_a_timer_threads_count_is_said_at_exit_before_logging_shuts_down(tmp_path: Path) -> None:
    # The timer thread, a daemon, said its count after logging.shutdown had closed the handlers:
    # a "--- Logging error ---" on stderr as the program ended, the count lost. Said at the
    # exit instead, before logging shuts down, and the timer thread stopped.
    log = tmp_path / "log.txt"
    done = subprocess.run(
        [sys.executable, "-c", _AT_EXIT, str(log)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines == ["a line", "a line (2 more since the last such line)"], lines
