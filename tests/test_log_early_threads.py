"""Logging set up (`alexaskill.log_early.forget_early`, `alexaskill.logs.configure_logging`) while
a thread the skill started logs: the early filter, an older copy's early handler, or an earlier
set-up's handler, taken off costs that thread's record none of the logger's other filters and
handlers (tests/log_gates.py: how a walk is stopped)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from alexaskill import log_early

from .in_threads import in_thread, joined
from .log_gates import WAIT, Gate, GateHandler, Taking, a_secret_stopped
from .logger_state import alexaskill_logger_kept

pytestmark = pytest.mark.oldest_dependencies


@pytest.fixture
def logger() -> Iterator[logging.Logger]:
    """The "alexaskill" logger as alexaskill's import leaves it: no handler, the early filter
    alone (put back as it was after the test)."""
    with alexaskill_logger_kept() as kept:
        kept.handlers[:] = []
        kept.filters[:] = []
        log_early.install_early()
        assert [log_early.early(each) for each in kept.filters] == [True]
        kept.setLevel(logging.INFO)
        kept.propagate = False  # (the test's records are for the handlers under test alone)
        yield kept


def test_the_early_filter_taken_off_while_a_thread_logs_skips_none_of_the_apps_filters(
    logger: logging.Logger,
) -> None:
    # The logger's filters: the early filter (a handler takes the record: it lets it through),
    # the gate, the app's, which drops what it hides. The thread's record stops at the gate;
    # logging is set up meanwhile. The early filter, removed in place, moved the app's under
    # the walk, which never ran it: the record it drops reached the app's handler.
    with a_secret_stopped(logger):
        log_early.forget_early()
    assert not [each for each in logger.filters if log_early.early(each)]


def test_an_early_handler_taken_off_while_a_thread_logs_skips_none_of_the_apps_handlers(
    logger: logging.Logger,
) -> None:
    # The logger's handlers: an older copy of alexaskill's early handler (known by its mark),
    # the gate, the app's. The thread's record stops at the gate; logging is set up meanwhile.
    # The early handler, removed in place, moved the app's under the walk: it never had it.
    older = logging.NullHandler()
    vars(older)["alexaskill_early"] = True
    gate = Gate("a warning")
    handler = Taking()
    for each in (older, GateHandler(gate), handler):
        logger.addHandler(each)
    thread, failures = in_thread(lambda: logger.warning("a warning"))
    assert gate.reached.wait(WAIT)
    log_early.forget_early()
    gate.opened.set()
    joined(thread, failures, WAIT)
    assert older not in logger.handlers
    assert handler.taken == ["a warning"]
