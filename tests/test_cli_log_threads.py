"""The skill's log in `alexaskill.cli.main` called from several threads at once: one call's
handler and filter coming and going never costs another call a line.

Python's logging walks a logger's ``handlers`` and ``filters`` lists as they are, with no lock:
an element removed in place from one thread while another thread's record is past it moves the
next one back under the walk, which then never reaches it. Each test stops a record's walk just
before the element that would be skipped (a handler or filter of the test's own that waits),
does the other thread's change, and lets the walk go on."""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from alexaskill.cli.replay_show import SlotNotes, slot_notes
from alexaskill.cli.skill_log import log_to
from alexaskill.slots.reasons import FALLBACK_LINE

from .logger_state import alexaskill_logger_kept

pytestmark = pytest.mark.oldest_dependencies

_WAIT = 30  # seconds: a generous bound for what happens at once, never reached when all is well


class _Gate:
    """Where a record's walk of the logger's list stops: ``reached`` once it is there, going on
    once ``opened``. Only records whose message is ``stops`` stop."""

    def __init__(self, stops: str) -> None:
        self.stops = stops
        self.reached, self.opened = threading.Event(), threading.Event()

    def __call__(self, record: logging.LogRecord) -> bool:
        if record.msg == self.stops:
            self.reached.set()
            assert self.opened.wait(_WAIT)
        return True


class _GateHandler(logging.Handler):
    def __init__(self, gate: _Gate) -> None:
        super().__init__()
        self.gate = gate

    def emit(self, record: logging.LogRecord) -> None:
        self.gate(record)


@pytest.fixture
def logger() -> Iterator[logging.Logger]:
    with alexaskill_logger_kept() as kept:
        kept.setLevel(logging.NOTSET)
        kept.propagate = False  # (the test's records are for the handlers under test alone)
        yield kept


def _in_thread(body: Callable[[], None]) -> tuple[threading.Thread, list[BaseException]]:
    failures: list[BaseException] = []

    def run() -> None:
        try:
            body()
        except BaseException as failure:  # (handed to the test's thread)
            failures.append(failure)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, failures


def test_a_call_ending_while_another_calls_record_is_written_skips_none_of_its_handler(
    logger: logging.Logger,
) -> None:
    # The logger's handlers: the first call's, the gate's, the second call's. The second call's
    # WARNING stops at the gate; the first call ends meanwhile, taking its handler off.
    first_err, second_err = io.StringIO(), io.StringIO()
    first_in, first_leaves = threading.Event(), threading.Event()

    def first_call() -> None:
        with log_to(first_err, logging.WARNING):
            first_in.set()
            assert first_leaves.wait(_WAIT)

    first, first_failures = _in_thread(first_call)
    assert first_in.wait(_WAIT)
    gate = _Gate("the second call's warning")
    logger.addHandler(_GateHandler(gate))

    def second_call() -> None:
        with log_to(second_err, logging.WARNING):
            logger.warning("the second call's warning")

    second, second_failures = _in_thread(second_call)
    assert gate.reached.wait(_WAIT)
    first_leaves.set()
    first.join(_WAIT)
    gate.opened.set()
    second.join(_WAIT)
    assert not first_failures and not second_failures
    assert second_err.getvalue() == "WARNING alexaskill: the second call's warning\n"
    assert first_err.getvalue() == ""


def test_slot_notes_ending_while_another_calls_line_is_read_skip_none_of_its_notes(
    logger: logging.Logger,
) -> None:
    # The logger's filters (each `slot_notes` puts its own first): the first call's notes, the
    # gate, the second call's notes. The second call's line stops at the gate; the first call's
    # notes come off meanwhile.
    first_in, first_leaves = threading.Event(), threading.Event()
    taken: dict[str, list[str]] = {}
    gate = _Gate(FALLBACK_LINE)

    def second_call() -> None:
        with slot_notes() as notes:
            assert first_in.wait(_WAIT)
            logger.info(FALLBACK_LINE, "the slot ", "city", "city", "None")
            taken["second"] = notes.take()

    second, second_failures = _in_thread(second_call)
    while not any(isinstance(each, SlotNotes) for each in logger.filters):
        time.sleep(0.001)  # (until the second call's notes are on)
    logger.filters.insert(0, gate)

    def first_call() -> None:
        with slot_notes():
            first_in.set()
            assert first_leaves.wait(_WAIT)

    first, first_failures = _in_thread(first_call)
    assert gate.reached.wait(_WAIT)
    first_leaves.set()
    first.join(_WAIT)
    gate.opened.set()
    second.join(_WAIT)
    assert not first_failures and not second_failures
    assert taken["second"] == ["the slot city; city gets None"]


def test_the_logger_lowered_while_a_calls_record_is_written_skips_none_of_its_handler(
    logger: logging.Logger,
) -> None:
    # The logger's handlers: the skill's own (moved behind `slot_notes`'s lowering), the gate
    # (moved too), the call's. The call's WARNING stops at the gate; another thread's
    # `slot_notes` lowers the logger meanwhile, taking the first two off.
    err = io.StringIO()
    logger.setLevel(logging.WARNING)  # (what `slot_notes` lowers)
    logger.addHandler(logging.NullHandler())  # (the skill's own)
    gate = _Gate("the call's warning")
    logger.addHandler(_GateHandler(gate))

    def call() -> None:
        with log_to(err, logging.WARNING):
            logger.warning("the call's warning")

    thread, failures = _in_thread(call)
    assert gate.reached.wait(_WAIT)
    lowered, leaves = threading.Event(), threading.Event()

    def other_call() -> None:
        with slot_notes():
            lowered.set()
            assert leaves.wait(_WAIT)

    other, other_failures = _in_thread(other_call)
    assert lowered.wait(_WAIT)
    gate.opened.set()
    thread.join(_WAIT)
    leaves.set()
    other.join(_WAIT)
    assert not failures and not other_failures
    assert err.getvalue() == "WARNING alexaskill: the call's warning\n"
