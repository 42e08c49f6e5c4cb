"""alexaskill's own handlers and filters coming and going while another thread logs: each taken
off costs that thread's record none of the logger's others (`alexaskill.log_lists`): logging
set up again, an answer's judging ending, ``serve``'s watch on uvicorn's lines ending.

Each test stops the thread's record just after alexaskill's element, before an app's filter
that drops it and the app's handler (tests/log_gates.py), takes alexaskill's off, and lets the
walk go on: removed in place, it moved the app's filter under the walk, which never ran it."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from alexaskill.logs import configure_logging

from .log_gates import WAIT, Gate, GateHandler, Taking, in_thread
from .logger_state import alexaskill_filters_kept, alexaskill_logger_kept

pytestmark = pytest.mark.oldest_dependencies


@pytest.fixture
def logger() -> Iterator[logging.Logger]:
    with alexaskill_logger_kept() as kept, alexaskill_filters_kept():
        kept.setLevel(logging.INFO)
        kept.propagate = False  # (the test's records are for the handlers under test alone)
        yield kept


def test_logging_set_up_again_while_a_thread_logs_skips_none_of_the_apps_handlers(
    logger: logging.Logger,
) -> None:
    # The logger's handlers: configure_logging's first, the gate, the app's. The thread's
    # record stops at the gate; configure_logging is called again meanwhile. Its old handler,
    # removed in place, moved the app's under the walk: it never had the record.
    first, second = io.StringIO(), io.StringIO()
    configure_logging(stream=first)
    gate = Gate("a warning")
    handler = Taking()
    for each in (GateHandler(gate), handler):
        logger.addHandler(each)
    thread, failures = in_thread(lambda: logger.warning("a warning"))
    assert gate.reached.wait(WAIT)
    configure_logging(stream=second)
    gate.opened.set()
    thread.join(WAIT)
    assert not failures
    assert handler.taken == ["a warning"]
    assert "a warning" in first.getvalue()
    names = [type(each).__name__ for each in logger.handlers]
    assert names[-3:] == ["GateHandler", "Taking", "_Handler"] and names.count("_Handler") == 1
