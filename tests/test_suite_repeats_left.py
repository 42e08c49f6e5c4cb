"""The run's reset of the counts of repeated warnings a test leaves open (tests/process_state.py's
``_repeats_timers_forgotten``, a plugin of the run): a count left to a timer thread by one test
is not said into a later test's log."""

from __future__ import annotations

import pytest

from . import process_state

pytest_plugins = ["pytester"]

#: Inner tests: the first leaves a count open (two lines of a kind from a thread of its own, its
#: window's timer a thread of log_repeats'); the second waits for any such timer, then finds
#: nothing said in its log.
INNER = """
import logging
import threading

from alexaskill.log_repeats import Repeats

LOGGER = logging.getLogger("alexaskill.inner")


def test_leaves_a_count_open() -> None:
    repeats = Repeats(0.3)
    thread = threading.Thread(
        target=lambda: [repeats.warn(LOGGER, "a line") for _ in range(2)], daemon=True
    )
    thread.start()
    thread.join(30)


def test_after_it(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="alexaskill.inner"):
        for thread in threading.enumerate():
            if thread.name == "alexaskill-log-repeats":
                thread.join(30)
    assert [record.getMessage() for record in caplog.records] == []
"""


@pytest.mark.parametrize("reset", [True, False], ids=["reset", "not reset"])
def test_a_count_left_open_by_a_test_is_not_said_in_the_next_ones_log(
    reset: bool, pytester: pytest.Pytester
) -> None:
    # Without the reset the first test's count was said by its timer thread as the second ran,
    # into the second's caplog ("a line (1 more since the last such line)").
    pytester.makepyfile(test_inner=INNER)
    plugins = [process_state] if reset else []
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", plugins=plugins)
    if reset:
        result.assert_outcomes(passed=2)
    else:
        result.assert_outcomes(passed=1, failed=1)
        result.stdout.fnmatch_lines(["*a line (1 more since the last such line)*"])


#: Inner tests: the first leaves a count open in a `Repeats` the next test counts with again (a
#: module's, as a module's skill or verifier keeps one); the second finds the timer thread gone
#: and forgotten, and its own count said by a timer of its own.
INNER_SHARED = """
import logging
import threading

from alexaskill.log_repeats import Repeats

LOGGER = logging.getLogger("alexaskill.inner")
REPEATS = Repeats(0.3)


def _two_lines() -> None:
    thread = threading.Thread(
        target=lambda: [REPEATS.warn(LOGGER, "a line") for _ in range(2)], daemon=True
    )
    thread.start()
    thread.join(30)


def test_leaves_a_count_open() -> None:
    _two_lines()
    assert REPEATS._timer is not None


def test_after_it(caplog) -> None:
    # (A cancelled timer thread still alive, left as the timer, was taken for one that would
    # say the next count: that count then waited for a next line.)
    assert REPEATS._timer is None
    assert [t for t in threading.enumerate() if t.name == "alexaskill-log-repeats"] == []
    with caplog.at_level(logging.WARNING, logger="alexaskill.inner"):
        _two_lines()
        for thread in threading.enumerate():
            if thread.name == "alexaskill-log-repeats":
                thread.join(30)
    said = [record.getMessage() for record in caplog.records]
    assert said == ["a line", "a line (1 more since the last such line)"]
"""


def test_a_timer_thread_left_by_a_test_is_ended_and_forgotten_before_the_next(
    pytester: pytest.Pytester,
) -> None:
    # The reset cancelled the timer thread but neither waited for it to end nor forgot it as
    # its `Repeats`' timer: the next test found it there, perhaps still alive.
    pytester.makepyfile(test_inner=INNER_SHARED)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", plugins=[process_state])
    result.assert_outcomes(passed=2)
