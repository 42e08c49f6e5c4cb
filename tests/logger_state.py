"""alexaskill's loggers (and Python's last resort, the root logger, ``logging.disable``) as a test
found them: put back after a test that changes them (`alexaskill_logger_kept`), and the run's
guard (`LoggingState`, which ``_alexaskill_logging_unchanged`` reads around each test, and its
module- and session-scoped twins around the fixtures wider than a test: this module is a plugin
of the run, tests/conftest.py's) that fails a test, or a module, which left them changed."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import pytest

from alexaskill.log_early import early
from alexaskill.log_lists import edit_filters, edit_handlers

_T = TypeVar("_T")


def _as(
    kept: Sequence[_T], keeping: Callable[[_T], bool] = lambda _: False
) -> Callable[[list[_T]], list[_T]]:
    """An edit (`alexaskill.log_lists`) that puts back the list ``kept``, whatever is there
    (but for what is there that ``keeping`` keeps, after it)."""
    return lambda now: [*kept, *filter(keeping, now)]


@contextlib.contextmanager
def alexaskill_logger_kept() -> Iterator[logging.Logger]:
    """alexaskill's loggers (the "alexaskill" logger's handlers, level and propagation, the
    filters `configure_logging` takes `alexaskill.log_early`'s off, ...: all `LoggingState`
    reads) put back at the end of the block as they were at its start; a handler added
    meanwhile is closed."""
    before = LoggingState.now()
    try:
        yield logging.getLogger("alexaskill")
    finally:
        before.put_back(before.again())


#: What the guard reads of a logger, in this order: its level, handlers, filters, propagate and
#: disabled flags (a logger not made yet, or a placeholder, is as `logging.getLogger` makes it).
_FIELDS: Final = ("level", "handlers", "filters", "propagate", "disabled")
_AS_MADE: Final[tuple[Any, ...]] = (logging.NOTSET, (), (), True, False)


class _Names:
    """The names of alexaskill's loggers ("alexaskill" and those under "alexaskill."), found
    again only when logging's table of loggers is another (swapped, by a test or a library's
    reset) or grew: a look through all its names before and after each test cost more than the
    rest of the guard (about 40 µs a test, for the 73 loggers of a process that imported
    botocore, moto and uvicorn, against 26). (A name is never taken out of a table; a
    placeholder made a logger keeps its name, and is read as a logger again at each look.)"""

    # The table itself, held, not its id: a table swapped out and freed could leave its id to
    # the next, which would pass for it (as one as long did when only the length was kept).
    table: dict[str, Any] | None = None
    seen = -1
    names: tuple[str, ...] = ()

    @classmethod
    def now(cls) -> tuple[str, ...]:
        table = logging.Logger.manager.loggerDict
        if table is not cls.table or len(table) != cls.seen:
            cls.table, cls.seen = table, len(table)
            under = sorted(name for name in list(table) if name.startswith("alexaskill."))
            cls.names = ("alexaskill", *under)
        return cls.names


def _read(name: str, logger: Any) -> tuple[Any, ...]:
    if not isinstance(logger, logging.Logger):
        return _AS_MADE
    return (
        logger.level,
        tuple(handler for handler in logger.handlers if not _Pytests.put(name, handler)),
        tuple(logger.filters),
        logger.propagate,
        logger.disabled,
    )


@dataclass(frozen=True)
class LoggingState:
    """alexaskill's loggers, Python's last resort (`logging.lastResort`: which handler it is,
    its level, filters and formatter, which `alexaskill.log_format.escape_last_resort` sets),
    the root logger (its level and handlers, but ``theirs``) and the level ``logging.disable``
    set, as they are when read (`now`)."""

    loggers: dict[str, tuple[Any, ...]]
    last_resort: tuple[Any, ...]
    root: tuple[Any, ...]
    disable: int
    #: The root's handlers left out of ``root``: pytest's and the run's (`_Pytests.root`).
    theirs: tuple[logging.Handler, ...] = dataclasses.field(default=(), compare=False, repr=False)

    @classmethod
    def now(cls, theirs: tuple[logging.Handler, ...] | None = None) -> LoggingState:
        """As they are now, the root's handlers but ``theirs`` (by default those on it as the
        test's set-up began, `_Pytests.root`)."""
        table = logging.Logger.manager.loggerDict
        last = logging.lastResort
        root = logging.getLogger()
        theirs = _Pytests.root if theirs is None else theirs
        return cls(
            {name: _read(name, table.get(name)) for name in _Names.now()},
            (last,) if last is None else (last, last.level, tuple(last.filters), last.formatter),
            (root.level, tuple(each for each in root.handlers if each not in theirs)),
            root.manager.disable,
            theirs,
        )

    def again(self) -> LoggingState:
        """As they are now, read as here (the same root handlers left out): what `changes` and
        `put_back` compare with this. Those on the root as a later test's set-up began are
        not left out: a module's or the session's fixture may have put one there since."""
        return LoggingState.now(self.theirs)

    def changes(self, after: LoggingState, who: str = "test") -> list[str]:
        """What differs in ``after``, a line each, said of ``who`` ("test left logger
        'alexaskill' level 20 (was 0)"): none if nothing does."""
        said = []
        for name in sorted(self.loggers.keys() | after.loggers.keys()):
            was = self.loggers.get(name, _AS_MADE)
            now = after.loggers.get(name, _AS_MADE)
            for field, before, left in zip(_FIELDS, was, now, strict=True):
                if field == "filters":
                    before, left = _own(before), _own(left)
                if before != left:
                    said.append(
                        f"{who} left logger {name!r} {field} {_shown(left)} (was {_shown(before)})"
                    )
        if self.last_resort != after.last_resort:
            said.append(
                f"{who} left logging.lastResort {_last_resort(after.last_resort)} "
                f"(was {_last_resort(self.last_resort)})"
            )
        for field, before, left in zip(("level", "handlers"), self.root, after.root, strict=True):
            if before != left:
                said.append(
                    f"{who} left the root logger {field} {_shown(left)} (was {_shown(before)})"
                )
        if self.disable != after.disable:
            said.append(f"{who} left logging.disable {after.disable} (was {self.disable})")
        return said

    def put_back(self, after: LoggingState) -> None:
        """Make what `changes` finds in ``after`` (read now) as it is here; a handler the
        loggers no longer have then is closed."""
        kept = {id(handler) for state in self.loggers.values() for handler in state[1]}
        for name in sorted(self.loggers.keys() | after.loggers.keys()):
            was = self.loggers.get(name, _AS_MADE)
            if after.loggers.get(name, _AS_MADE) == was:
                continue
            logger = logging.getLogger(name)
            level, handlers, filters, propagate, disabled = was
            pytests = functools.partial(_Pytests.put, name)
            for handler in logger.handlers:
                if id(handler) not in kept and not pytests(handler):
                    handler.close()
            edit_handlers(logger, _as(handlers, keeping=pytests))
            edit_filters(logger, _as(filters))
            logger.propagate, logger.disabled = propagate, disabled
            # (setLevel, not the attribute: it clears the levels logging's loggers keep.)
            logger.setLevel(level)
        if self.last_resort != after.last_resort:
            last = logging.lastResort = self.last_resort[0]
            if last is not None:
                last.setLevel(self.last_resort[1])
                edit_filters(last, _as(self.last_resort[2]))
                last.setFormatter(self.last_resort[3])
        if self.root != after.root:
            root = logging.getLogger()
            for handler in after.root[1]:
                if handler not in self.root[1]:
                    handler.close()
            edit_handlers(root, _as(self.root[1], keeping=lambda each: each in self.theirs))
            root.setLevel(self.root[0])
        if self.disable != after.disable:
            logging.disable(self.disable)


class _Pytests:
    """pytest's capturing handlers on alexaskill's loggers by pytest's own doing: for each phase
    of a test (set-up, call, tear-down) pytest puts its handlers on the root logger and on
    every logger that does not propagate as the phase starts, and takes them off at the
    phase's end. A fixture that makes "alexaskill" stop propagating for its test finds
    pytest's tear-down handlers on it when it puts propagation back, which is no leak of its;
    left where pytest put them, for pytest to take off. Noted as each phase starts
    (`pytest_runtest_setup`, `pytest_runtest_teardown`), not told by their class: one a test
    put on a logger pytest put none on (caplog's on "alexaskill", which doubled what the next
    tests' caplog took) is its leak, which pytest never takes off.

    On the root logger, pytest's (the phase's two, the same two objects at each phase since
    pytest 8, and the run's live log's and log file's) are those on it as the test's set-up
    begins (`root`), before any of the test's fixtures runs: told by their class, a handler of
    that class a test left there (a ``LogCaptureHandler`` of its own) passed for pytest's, and
    took every line logged in the process from then on. Not noted again as the tear-down
    begins: a test's leak is on the root then. A test that swaps the root's handlers
    (monkeypatch's ``setattr(root, "handlers", [])``) has them off the root till its
    monkeypatch's undo, and back as they were before the guard reads again."""

    on: frozenset[tuple[str, int]] = frozenset()
    #: The root's handlers as the last test's set-up began (held, not their ids: a handler
    #: freed could leave its id to a test's).
    root: tuple[logging.Handler, ...] = ()

    @classmethod
    def note_root(cls) -> None:
        cls.root = tuple(logging.getLogger().handlers)

    @classmethod
    def note(cls) -> None:
        table = logging.Logger.manager.loggerDict
        quiet = [
            name
            for name in _Names.now()
            if isinstance(logger := table.get(name), logging.Logger) and not logger.propagate
        ]
        # (Mostly none: root's handlers then not looked through, twice a test.)
        root = logging.getLogger().handlers if quiet else []
        theirs = [id(each) for each in root if each in cls.root]
        cls.on = frozenset((name, handler) for name in quiet for handler in theirs)

    @classmethod
    def put(cls, name: str, handler: logging.Handler) -> bool:
        """Whether pytest put ``handler`` on the logger ``name`` for this phase."""
        return (name, id(handler)) in cls.on


# --- the run's guard: this module is a plugin (tests/conftest.py registers it) ------------------

# A test that left the "alexaskill" logger (or one under it, or Python's last resort) changed
# passed, and a later test in its process failed: it took the level left for an app's own
# set-up (tests/test_log_lambda*.py: three such leaks, seen only with the suite in one process).
# Read before the test's own fixtures are made and after they are gone (a plugin's autouse
# fixture, set up before any conftest's), it fails the test that left them changed, saying
# what, and puts them back, so that no later test fails for it. A plugin's, not conftest's:
# the tests of examples/ run in the suite's processes too, and conftest's fixtures are not
# theirs (each example's tests run alone as well, without tests/).


@pytest.fixture(autouse=True)
def _alexaskill_logging_unchanged() -> Iterator[None]:
    yield from _unchanged("test")


# A module- or session-scoped fixture is set up before the test's guard reads and torn down after
# it read again: what one left changed (in its set-up or its tear-down) was blamed on nothing, and
# the next module's tests found it. These twins read before the first such fixture of their
# scope is made (autouse, a plugin's: sorted before any other fixture of their scope) and after
# the last is gone, and fail the module's last test (the session's last), naming the module (the
# session): a class-scoped fixture's leak, or a session-scoped one's set up midway, is its
# module's. A change one makes and puts back is none.


@pytest.fixture(scope="module", autouse=True)
def _logging_unchanged_by_the_module(request: pytest.FixtureRequest) -> Iterator[None]:
    yield from _unchanged(f"module {request.node.nodeid} (a fixture wider than a test)")


@pytest.fixture(scope="session", autouse=True)
def _logging_unchanged_by_the_session() -> Iterator[None]:
    yield from _unchanged("the session (a fixture wider than a test)")


def _unchanged(who: str) -> Iterator[None]:
    """Fail what ran between the reads (``who``) if the loggers differ, saying how, and put them
    back: for the guards above."""
    before = LoggingState.now()
    yield
    after = before.again()
    if after == before:
        return
    changes = before.changes(after, who)
    before.put_back(after)
    if changes:
        pytest.fail("\n".join(changes), pytrace=False)


# As the set-up and the tear-down of a test start (pytest's handlers just put on, the test's
# fixtures not yet run): which of alexaskill's loggers pytest put its handlers on (`_Pytests`),
# for the guard's reads in those phases.


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup() -> None:
    _Pytests.note_root()
    _Pytests.note()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown() -> None:
    _Pytests.note()


def _own(filters: tuple[Any, ...]) -> tuple[Any, ...]:
    """``filters`` but alexaskill's early one (`alexaskill.log_early`): logging set up takes it
    off for the rest of the process (`forget_early`), and pytest's handler on the root logger
    is logging set up, for the app any test client starts. Not a test's leak, then (half the
    suite's tests would fail of it), but `LoggingState.put_back` puts it back all the same,
    so that each test finds it as the process's first did."""
    return tuple(found for found in filters if not early(found))


def _shown(value: Any) -> str:
    return repr(list(value)) if isinstance(value, tuple) else repr(value)


def _last_resort(state: tuple[Any, ...]) -> str:
    if state[0] is None:
        return "None"
    handler, level, filters, formatter = state
    return f"{handler!r} level {level} filters {_shown(filters)} formatter {formatter!r}"
