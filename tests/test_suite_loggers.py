"""The run's guard on alexaskill's loggers (tests/logger_state.py, a plugin of the run: its
``_alexaskill_logging_unchanged`` and `LoggingState`): a test that leaves one changed fails,
saying what, and the loggers are put back; a test that changes them and puts them back
passes."""

from __future__ import annotations

import logging

import pytest

from . import logger_state
from .logger_state import LoggingState

pytest_plugins = ["pytester"]

#: Inner tests: one leaves the "alexaskill" logger's level changed, one a handler on a logger
#: under it; one changes the level and puts it back, one's fixture its propagation (pytest's
#: tear-down then finds it not propagating, and puts its own handler on it); one after them
#: reads the level.
INNER = """
import logging

import pytest

LEVEL = logging.getLogger("alexaskill").level


def test_leaves_the_level() -> None:
    logging.getLogger("alexaskill").setLevel(logging.INFO)


def test_leaves_a_handler_and_disables() -> None:
    logger = logging.getLogger("alexaskill.inner")
    logger.addHandler(logging.NullHandler())
    logger.disabled = True


def test_puts_the_level_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logging.lastResort, "level", logging.DEBUG)
    logger = logging.getLogger("alexaskill")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.setLevel(level)


@pytest.fixture
def not_propagating():
    logger = logging.getLogger("alexaskill")
    logger.propagate = False
    yield
    logger.propagate = True


def test_no_propagation_put_back_by_its_fixture(not_propagating: None) -> None:
    pass


def test_finds_the_level_as_it_was() -> None:
    assert logging.getLogger("alexaskill").level == LEVEL
    assert not logging.getLogger("alexaskill.inner").handlers
"""


def test_a_test_that_leaves_a_logger_changed_fails_and_the_next_finds_it_put_back(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", plugins=[logger_state])
    result.assert_outcomes(passed=5, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_leaves_the_level*",
            "test left logger 'alexaskill' level 20 (was *)",
            "*ERROR at teardown of test_leaves_a_handler_and_disables*",
            "test left logger 'alexaskill.inner' handlers [[]<NullHandler (NOTSET)>[]] (was *)",
            "test left logger 'alexaskill.inner' disabled True (was False)",
        ]
    )
    assert "test_puts_the_level_back" not in result.stdout.str().split("short test summary")[-1]


class Closing(logging.NullHandler):
    closed = False

    def close(self) -> None:
        self.closed = True
        super().close()


def test_each_change_the_guard_reads_is_said_and_put_back() -> None:
    logger = logging.getLogger("alexaskill.guarded")
    last = logging.lastResort
    assert last is not None
    before = LoggingState.now()
    handler, own = Closing(), logging.Filter("own")
    logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
    logger.addFilter(own)
    logger.propagate = False
    logger.disabled = True
    logging.lastResort = None
    after = LoggingState.now()
    changes = before.changes(after)
    before.put_back(after)
    assert changes == [
        "test left logger 'alexaskill.guarded' level 30 (was 0)",
        f"test left logger 'alexaskill.guarded' handlers [{handler!r}] (was [])",
        f"test left logger 'alexaskill.guarded' filters [{own!r}] (was [])",
        "test left logger 'alexaskill.guarded' propagate False (was True)",
        "test left logger 'alexaskill.guarded' disabled True (was False)",
        f"test left logging.lastResort None (was {last!r} level {last.level} filters [] "
        "formatter None)",
    ]
    assert LoggingState.now() == before
    assert logging.lastResort is last
    assert logger.handlers == []
    assert handler.closed  # (the handler left, as `alexaskill_logger_kept` closes one)


def test_the_last_resorts_formatter_left_is_said_and_put_back() -> None:
    # What alexaskill changes of the last resort is its formatter (`escape_last_resort`): one
    # left by a command run in the test's process (chat's) went unsaid, for the process.
    last = logging.lastResort
    assert last is not None
    before = LoggingState.now()
    mine = logging.Formatter("%(message)s")
    last.setFormatter(mine)
    after = LoggingState.now()
    changes = before.changes(after)
    before.put_back(after)
    shown = f"{last!r} level {last.level} filters []"
    assert changes == [
        f"test left logging.lastResort {shown} formatter {mine!r} (was {shown} formatter None)"
    ]
    assert last.formatter is None


def test_the_names_are_found_again_in_a_table_swapped_for_one_as_long(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The names were found again only when the table's length changed: logging's table swapped
    # for another as long (a test's, or a library's reset) kept the old table's names, and a
    # logger under "alexaskill" that only the new one held went unguarded.
    table = logging.Logger.manager.loggerDict
    before = logger_state._Names.now()
    other = next(name for name in table if not name.startswith("alexaskill"))
    swapped = {name: each for name, each in table.items() if name != other}
    swapped["alexaskill.swapped_in"] = logging.Logger("alexaskill.swapped_in")
    assert len(swapped) == len(table)
    monkeypatch.setattr(logging.Logger.manager, "loggerDict", swapped)
    assert sorted(logger_state._Names.now()) == sorted((*before, "alexaskill.swapped_in"))


def test_a_state_read_twice_unchanged_says_nothing() -> None:
    before = LoggingState.now()
    logging.getLogger("alexaskill.made.here")  # (a logger made as logging makes it: no change)
    assert before.changes(LoggingState.now()) == []


#: Inner tests: one leaves caplog's handler on "alexaskill" (which propagates), one a capturing
#: handler of its own (pytest's class) on a logger its fixture keeps from propagating; after
#: them, one counts what caplog takes of one line, and one reads the handlers left.
CAPTURING = """
import logging

import pytest
from _pytest.logging import LogCaptureHandler

HANDLERS = list(logging.getLogger("alexaskill").handlers)


@pytest.fixture
def quiet():
    logger = logging.getLogger("alexaskill.quiet")
    logger.propagate = False
    yield logger
    logger.propagate = True


def test_leaves_caplogs_handler(caplog: pytest.LogCaptureFixture) -> None:
    logging.getLogger("alexaskill").addHandler(caplog.handler)


def test_leaves_a_capturing_handler_of_its_own(quiet: logging.Logger) -> None:
    quiet.addHandler(LogCaptureHandler())


def test_caplog_takes_a_line_once(caplog: pytest.LogCaptureFixture) -> None:
    logging.getLogger("alexaskill").warning("once")
    assert len(caplog.records) == 1


def test_finds_no_handler_left() -> None:
    assert logging.getLogger("alexaskill").handlers == HANDLERS
    assert logging.getLogger("alexaskill.quiet").handlers == []
"""


def test_a_capturing_handler_a_test_left_is_its_leak_not_pytests(
    pytester: pytest.Pytester,
) -> None:
    # pytest's own handlers, which it puts on a logger that does not propagate for a phase of a
    # test and takes off after, are not a test's leak: one of their class a test put on a logger
    # and left (caplog's on "alexaskill", which doubled what the next test's caplog took; one of
    # its own) is, though a logger of it does not propagate. Both passed, never taken off.
    pytester.makepyfile(test_inner=CAPTURING)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", plugins=[logger_state])
    result.assert_outcomes(passed=4, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_leaves_caplogs_handler*",
            "test left logger 'alexaskill' handlers [[]*<LogCaptureHandler (NOTSET)>[]] (was *)",
            "*ERROR at teardown of test_leaves_a_capturing_handler_of_its_own*",
            "test left logger 'alexaskill.quiet' handlers [[]<LogCaptureHandler (NOTSET)>[]] "
            "(was [[][]])",
        ]
    )


@pytest.fixture(scope="module")
def module_wide() -> None:
    """A module-scoped fixture, set up after the module's guard all the same."""


def test_the_logger_guard_is_the_first_fixture_set_up(
    module_wide: None, request: pytest.FixtureRequest
) -> None:
    # It reads the loggers before every other fixture of the test is made and after all are
    # gone (another guard's teardown may log, or fail the test). Once conftest registered the
    # run's guards as plugins (tests/run_guards.py first), _no_default_dev_pki came before it.
    # (Of the test's own fixtures, that is: pytest sets up the session's fixtures, then the
    # module's, then the test's; the guard's twins for the wider ones come first of theirs.)
    assert request.fixturenames[:4] == [
        "_logging_unchanged_by_the_session",
        "_logging_unchanged_by_the_module",
        "module_wide",
        "_alexaskill_logging_unchanged",
    ], request.fixturenames
    autouse = ("_alexaskill_logging_unchanged", "_lambda_loop_closed", "_no_default_dev_pki")
    assert [n for n in request.fixturenames if n in autouse] == list(autouse)
