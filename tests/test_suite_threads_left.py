"""The run's guard on the tests' own threads (tests/threads_left.py, a plugin of the run): a test
that leaves a non-daemon thread of its own running after its teardown fails, naming the thread
and the test; one that joined its thread, or left a daemon, passes."""

from __future__ import annotations

import pytest

from . import threads_left

pytest_plugins = ["pytester"]

#: Inner tests: one leaves a non-daemon thread blocked on a gate, one a daemon, one joins its
#: own; the last opens the gates and joins the threads left, so that none outlives the run.
INNER = """
import threading

GATE = threading.Event()
LEFT = []


def test_leaves_a_thread_running() -> None:
    thread = threading.Thread(target=GATE.wait, name="left-behind")
    thread.start()
    LEFT.append(thread)


def test_leaves_a_daemon_running() -> None:
    thread = threading.Thread(target=GATE.wait, name="a-daemon", daemon=True)
    thread.start()
    LEFT.append(thread)


def test_joins_its_thread() -> None:
    thread = threading.Thread(target=lambda: None, name="joined")
    thread.start()
    thread.join(60)


def test_opens_the_gates() -> None:
    GATE.set()
    for thread in LEFT:
        thread.join(60)
        assert not thread.is_alive()
"""


def test_a_test_that_leaves_a_non_daemon_thread_running_fails_naming_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", plugins=[threads_left])
    result.assert_outcomes(passed=4, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_leaves_a_thread_running*",
            "test_inner.py::test_leaves_a_thread_running left non-daemon threads running after "
            "its teardown: left-behind (*",
        ]
    )
    summary = result.stdout.str().split("short test summary")[-1]
    assert "a-daemon" not in summary and "joined" not in summary
