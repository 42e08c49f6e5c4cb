"""The calls a test runs in threads of its own (tests/in_threads.py): a thread the test gave up
on ends with its process, and one still running when the test stops waiting fails the test; a
hang guard (`timer`) still running after its block failed leaves the block's error the one said."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from . import in_threads
from .fresh_python import ROOT
from .in_threads import HANG, in_thread, joined, timer

pytest_plugins = ["pytester"]

#: A process whose one call in a thread never ends: its main thread ends at once.
_LEFT_RUNNING = f"""
import sys, threading
sys.path.insert(0, {str(ROOT)!r})
from tests.in_threads import in_thread

in_thread(threading.Event().wait)
print("the main thread ended", flush=True)
"""


def test_a_thread_still_running_does_not_keep_its_process_alive() -> None:
    # Its threads were not daemons: one hung (a test failing before it joined it, its gate never
    # opened) kept the process alive at its exit, the run with it, though the test had failed.
    try:
        ended = subprocess.run(
            [sys.executable, "-c", _LEFT_RUNNING],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=HANG,
        )
    except subprocess.TimeoutExpired as expired:
        pytest.fail(f"the process did not end within {HANG} s: {expired.stdout!r}")
    assert (ended.returncode, ended.stdout, ended.stderr) == (0, "the main thread ended\n", "")


def test_a_thread_still_running_when_the_test_stops_waiting_fails_it() -> None:
    release = threading.Event()
    thread, failures = in_thread(release.wait)
    try:
        with pytest.raises(AssertionError, match=r"still running after 0\.01 s"):
            joined(thread, failures, 0.01)
    finally:
        release.set()
    joined(thread, failures, HANG)
    assert thread.daemon


def test_what_the_call_raised_is_raised_in_the_tests_thread() -> None:
    def fails() -> None:
        raise LookupError("in its thread")

    with pytest.raises(LookupError, match="in its thread"):
        joined(*in_thread(fails), HANG)


def test_a_timer_is_a_daemon_gone_when_its_block_ends_and_acts_only_if_it_is_late() -> None:
    called: list[str] = []
    with timer(HANG, lambda: called.append("early")) as early:
        assert early.daemon and early.is_alive()
    assert not early.is_alive() and called == []  # cancelled and joined: it will never act
    acted = threading.Event()

    def act() -> None:
        called.append("late")
        acted.set()

    with timer(0.01, act) as late:
        assert acted.wait(HANG)
    assert not late.is_alive() and called == ["late"]


#: An inner test whose block fails while its guard's action is under way (held until the next
#: test), the wait for the guard shortened from `HANG`.
_FAILS_WHILE_ITS_GUARD_ACTS = """
import threading

from tests import in_threads
from tests.in_threads import timer

HELD = threading.Event()


def test_fails_while_its_guard_acts(monkeypatch) -> None:
    monkeypatch.setattr(in_threads.ended, "__defaults__", (0.1,))
    acting = threading.Event()

    def act() -> None:
        acting.set()
        HELD.wait(60)

    with timer(0, act):
        assert acting.wait(60)
        raise LookupError("the test's own error")


def test_lets_the_guard_end() -> None:
    HELD.set()
"""


def test_a_blocks_own_error_wins_over_its_guard_still_running(pytester: pytest.Pytester) -> None:
    # The guard's "still running after" AssertionError, raised in the timer's finally, was the
    # failure said: the test's own error showed only as its context, above it.
    pytester.makepyfile(test_inner=_FAILS_WHILE_ITS_GUARD_ACTS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-rf")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "E *LookupError: the test's own error",
            "E *Thread-* still running after 0.1 s",
            "FAILED test_inner.py::test_fails_while_its_guard_acts - LookupError: *",
        ]
    )
    assert in_threads.ended.__defaults__ == (HANG,)
