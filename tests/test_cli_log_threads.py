"""The skill's log in `alexaskill.cli.main` called from several threads at once: one call's
handler and filter coming and going never costs another call a line.

Each test stops a record's walk of the logger's list just before the element that would be
skipped, does the other thread's change, and lets the walk go on (tests/log_gates.py)."""

from __future__ import annotations

import contextlib
import io
import logging
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from alexaskill.cli.replay_show import SlotNotes, slot_notes
from alexaskill.cli.skill_log import log_to
from alexaskill.slots.reasons import FALLBACK_LINE

from .in_threads import in_thread, joined
from .log_gates import WAIT, Gate, GateHandler
from .logger_state import alexaskill_logger_kept

pytestmark = pytest.mark.oldest_dependencies


@pytest.fixture
def logger() -> Iterator[logging.Logger]:
    with alexaskill_logger_kept() as kept:
        kept.setLevel(logging.NOTSET)
        kept.propagate = False  # (the test's records are for the handlers under test alone)
        yield kept


def _held(enter: Callable[[], contextlib.AbstractContextManager[object]]) -> Callable[[], None]:
    """``enter()``'s context entered in a thread of its own and held from when this returns
    until the ``leave`` it returns is called (which joins the thread: `joined`)."""
    entered, leaves = threading.Event(), threading.Event()

    def hold() -> None:
        with enter():
            entered.set()
            assert leaves.wait(WAIT)

    thread, failures = in_thread(hold)
    assert entered.wait(WAIT)

    def leave() -> None:
        leaves.set()
        joined(thread, failures, WAIT)

    return leave


def test_a_call_ending_while_another_calls_record_is_written_skips_none_of_its_handler(
    logger: logging.Logger,
) -> None:
    # The logger's handlers: the first call's, the gate's, the second call's. The second call's
    # WARNING stops at the gate; the first call ends meanwhile, taking its handler off.
    first_err, second_err = io.StringIO(), io.StringIO()
    first_leaves = _held(lambda: log_to(first_err, logging.WARNING))
    gate = Gate("the second call's warning")
    logger.addHandler(GateHandler(gate))

    def second_call() -> None:
        with log_to(second_err, logging.WARNING):
            logger.warning("the second call's warning")

    second, second_failures = in_thread(second_call)
    assert gate.reached.wait(WAIT)
    first_leaves()
    gate.opened.set()
    joined(second, second_failures, WAIT)
    assert second_err.getvalue() == "WARNING alexaskill: the second call's warning\n"
    assert first_err.getvalue() == ""


def test_slot_notes_ending_while_another_calls_line_is_read_skip_none_of_its_notes(
    logger: logging.Logger,
) -> None:
    # The logger's filters (each `slot_notes` puts its own first): the first call's notes, the
    # gate, the second call's notes. The second call's line stops at the gate; the first call's
    # notes come off meanwhile.
    first_in = threading.Event()
    taken: dict[str, list[str]] = {}
    gate = Gate(FALLBACK_LINE)

    def second_call() -> None:
        with slot_notes() as notes:
            assert first_in.wait(WAIT)
            logger.info(FALLBACK_LINE, "the slot ", "city", "city", "None")
            taken["second"] = notes.take()

    second, second_failures = in_thread(second_call)
    while not any(isinstance(each, SlotNotes) for each in logger.filters):
        time.sleep(0.001)  # (until the second call's notes are on)
    logger.filters.insert(0, gate)
    first_leaves = _held(slot_notes)
    first_in.set()
    assert gate.reached.wait(WAIT)
    first_leaves()
    gate.opened.set()
    joined(second, second_failures, WAIT)
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
    gate = Gate("the call's warning")
    logger.addHandler(GateHandler(gate))

    def call() -> None:
        with log_to(err, logging.WARNING):
            logger.warning("the call's warning")

    thread, failures = in_thread(call)
    assert gate.reached.wait(WAIT)
    other_leaves = _held(slot_notes)  # (lowered once it is held)
    gate.opened.set()
    joined(thread, failures, WAIT)
    other_leaves()
    assert err.getvalue() == "WARNING alexaskill: the call's warning\n"
