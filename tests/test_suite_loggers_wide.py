"""The run's guard on the loggers (tests/logger_state.py) past alexaskill's own and past a test:
the root logger's level and handlers and ``logging.disable``, which a test leaves changed as
it can alexaskill's; and what a fixture wider than a test (module-, class- or session-scoped)
leaves changed, said against its module or the session, which no test's guard saw."""

from __future__ import annotations

import logging

import pytest

from . import logger_state
from .logger_state import LoggingState

pytest_plugins = ["pytester"]

#: Inner tests: one leaves the root logger's level changed, one a handler on it, one logging
#: disabled; one changes the root's level through caplog (which puts it back); one after them
#: finds all as it was.
ROOT = """
import logging

import pytest

LEVEL = logging.getLogger().level


def test_leaves_the_roots_level() -> None:
    logging.getLogger().setLevel(logging.DEBUG)


def test_leaves_a_handler_on_the_root() -> None:
    logging.getLogger().addHandler(logging.NullHandler())


def test_leaves_logging_disabled() -> None:
    logging.disable(logging.INFO)


def test_sets_the_roots_level_through_caplog(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("elsewhere").debug("taken")
    assert caplog.messages == ["taken"]


def test_finds_the_root_and_logging_as_they_were() -> None:
    root = logging.getLogger()
    assert root.level == LEVEL
    assert not [each for each in root.handlers if type(each) is logging.NullHandler]
    assert root.manager.disable == logging.NOTSET
"""


def test_a_test_that_leaves_the_root_logger_or_logging_disabled_fails(
    pytester: pytest.Pytester,
) -> None:
    # Only alexaskill's loggers were read: a test that left the root logger's level, a handler
    # on it or logging.disable() passed, and every later test in its process logged otherwise.
    pytester.makepyfile(test_inner=ROOT)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", plugins=[logger_state])
    result.assert_outcomes(passed=5, errors=3)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_leaves_the_roots_level*",
            "test left the root logger level 10 (was *)",
            "*ERROR at teardown of test_leaves_a_handler_on_the_root*",
            "test left the root logger handlers [[]<NullHandler (NOTSET)>[]] (was [[][]])",
            "*ERROR at teardown of test_leaves_logging_disabled*",
            "test left logging.disable 20 (was 0)",
        ]
    )


#: Inner modules: a module fixture leaves the "alexaskill" logger's level changed, a session
#: fixture (the inner conftest's) logging disabled as it ends; a module after the first finds
#: the level put back; a module fixture that puts back what it changed is no leak.
WIDE_CONFTEST = """
import logging

import pytest


@pytest.fixture(scope="session")
def disabling_as_it_ends():
    yield
    logging.disable(logging.CRITICAL)
"""

WIDE_LEAVING = """
import logging

import pytest


@pytest.fixture(scope="module")
def verbose() -> None:
    logging.getLogger("alexaskill").setLevel(logging.DEBUG)


def test_first(verbose: None, disabling_as_it_ends: None) -> None:
    assert logging.getLogger("alexaskill").level == logging.DEBUG


def test_second(verbose: None) -> None:
    pass
"""

WIDE_AFTER = """
import logging

import pytest


def test_finds_the_level_put_back() -> None:
    assert logging.getLogger("alexaskill").level == logging.NOTSET


@pytest.fixture(scope="class")
def quiet():
    logger = logging.getLogger("alexaskill")
    logger.propagate = False
    yield
    logger.propagate = True


class TestQuiet:
    def test_quiet(self, quiet: None) -> None:
        assert not logging.getLogger("alexaskill").propagate

    def test_last(self, quiet: None) -> None:
        pass
"""


def test_a_fixture_wider_than_a_test_that_leaves_a_logger_changed_fails_its_module(
    pytester: pytest.Pytester,
) -> None:
    # The guard read around each test, after a module's (or the session's) fixtures were set up
    # and before they were torn down: what they left changed was blamed on nothing, and the
    # next module's tests found it.
    pytester.makeconftest(WIDE_CONFTEST)
    pytester.makepyfile(test_a_leaving=WIDE_LEAVING, test_b_after=WIDE_AFTER)
    assert logging.getLogger("alexaskill").level == logging.NOTSET
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", plugins=[logger_state])
    result.assert_outcomes(passed=5, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_second*",
            "module test_a_leaving.py (a fixture wider than a test) left logger 'alexaskill' "
            "level 10 (was 0)",
            "*ERROR at teardown of TestQuiet.test_last*",
            "the session (a fixture wider than a test) left logging.disable 50 (was 0)",
        ]
    )
    assert logging.root.manager.disable == logging.NOTSET  # (put back: this process's too)


def test_the_root_and_logging_disable_are_said_and_put_back() -> None:
    root = logging.getLogger()
    before = LoggingState.now()
    level, disabled, handlers = root.level, root.manager.disable, list(before.root[1])
    handler = logging.NullHandler()
    changed = logging.CRITICAL if level != logging.CRITICAL else logging.DEBUG
    root.setLevel(changed)
    root.addHandler(handler)
    logging.disable(logging.WARNING)
    after = LoggingState.now()
    changes = before.changes(after, "a fixture")
    before.put_back(after)
    assert changes == [
        f"a fixture left the root logger level {changed} (was {level})",
        f"a fixture left the root logger handlers {[*handlers, handler]!r} (was {handlers!r})",
        f"a fixture left logging.disable {logging.WARNING} (was {disabled})",
    ]
    assert LoggingState.now() == before
    assert handler not in root.handlers
    assert (root.level, root.manager.disable) == (level, disabled)


#: Inner tests: one leaves a capturing handler of pytest's class on the root logger; one swaps
#: the root's handlers for its own through monkeypatch (pytest's, the run's, off the root till
#: its undo) and one takes caplog's records (pytest's own handlers, on and off each phase); one
#: after them finds the root's handlers as the first found them.
ROOT_CAPTURING = """
import logging

import pytest
from _pytest.logging import LogCaptureHandler


HANDLERS = []


def test_leaves_a_capturing_handler_on_the_root() -> None:
    HANDLERS.extend(logging.getLogger().handlers)  # (pytest's, in this phase as in the last's)
    logging.getLogger().addHandler(LogCaptureHandler())


def test_swaps_the_roots_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logging.getLogger(), "handlers", [logging.NullHandler()])


def test_takes_caplogs_records(caplog: pytest.LogCaptureFixture) -> None:
    logging.getLogger("elsewhere").warning("taken")
    assert caplog.messages == ["taken"]


def test_finds_the_roots_handlers_as_they_were() -> None:
    assert logging.getLogger().handlers == HANDLERS
"""


def test_a_capturing_handler_a_test_left_on_the_root_is_its_leak(
    pytester: pytest.Pytester,
) -> None:
    # pytest's handlers on the root logger were told by their class: a handler of that class a
    # test left there (a LogCaptureHandler of its own) passed for pytest's, and took every line
    # logged in the process from then on. They are told by who put them there: those on the
    # root as the test's set-up began (pytest's two for the phase, the run's live log's and log
    # file's), whatever their class.
    pytester.makepyfile(test_inner=ROOT_CAPTURING)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", plugins=[logger_state])
    result.assert_outcomes(passed=4, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_leaves_a_capturing_handler_on_the_root*",
            "test left the root logger handlers [[]<LogCaptureHandler (NOTSET)>[]] (was [[][]])",
        ]
    )
