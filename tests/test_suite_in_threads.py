"""The calls a test runs in threads of its own (tests/in_threads.py): a thread the test gave up
on ends with its process, and one still running when the test stops waiting fails the test."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from .fresh_python import ROOT
from .in_threads import HANG, in_thread, joined, timer

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
