"""Hostile handlers and the response deadline: a handler that never returns gets the deadline's
answer, as does one whose exception handler hangs or fails, and a def handler that raises after
its deadline is logged with its traceback. No timing is asserted: each case uses a short deadline
and holds its handler on an event the test sets afterwards (the hang guard).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from alexaskill import DeadlineExceeded, Response, speak
from alexaskill.app import DEADLINE_REPLY
from alexaskill.testing import TestClient

from . import adversarial_handlers_shared
from .adversarial_handlers_shared import _answers, _skill, _traceback

# The fixture of tests/adversarial_handlers_shared.py, this module's too (why not conftest's:
# see there).
errors = adversarial_handlers_shared.errors

#: This module's own file: a traceback of a handler defined here (in a test) names it.
HERE = str(Path(__file__).resolve())


@pytest.mark.parametrize("kind", ["def", "async"])
def test_a_handler_that_never_returns_gets_the_deadlines_answer(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    released = threading.Event()

    def blocks() -> Response:
        released.wait(60)  # the hang guard: the test sets it once answered
        return speak("too late")

    async def awaits() -> Response:
        await asyncio.Event().wait()
        return speak("never")

    skill = _skill(blocks if kind == "def" else awaits, deadline=0.3)
    caplog.set_level(logging.INFO, "alexaskill")
    try:
        bad, good = _answers(skill)
    finally:
        released.set()
    assert (bad.status_code, bad.speech) == (200, DEADLINE_REPLY)
    assert isinstance(bad.handler_error, DeadlineExceeded) or bad.handler_error is None
    assert good.speech == "fine"
    said = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("did not answer within 0.3 s" in line for line in said), said


@pytest.mark.parametrize("kind", ["def", "async"])
def test_an_exception_handler_that_never_returns_leaves_the_handlers_error_in_the_log(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    # The handler's ValueError went to an exception handler that hung: the deadline answered,
    # and its warning named the handler as the one that "did not answer" with no word of the
    # ValueError, whose traceback was nowhere in the log.
    released = threading.Event()

    def blocks(exc: ValueError) -> Response:
        released.wait(60)  # the hang guard: the test sets it once answered
        return speak("too late")

    async def awaits(exc: ValueError) -> Response:
        await asyncio.Event().wait()
        return speak("never")

    def fails() -> Response:
        raise ValueError("the handler's own bug")

    skill = _skill(fails, deadline=0.3)
    skill.add_exception_handler(ValueError, blocks if kind == "def" else awaits)
    caplog.set_level(logging.INFO, "alexaskill")
    try:
        bad, good = _answers(skill)
    finally:
        released.set()
    assert (bad.speech, good.speech) == (DEADLINE_REPLY, "fine")
    (record,) = [r for r in caplog.records if "did not answer within" in r.getMessage()]
    assert "the exception handler" in record.getMessage()
    assert "; the exception being handled: ValueError" in record.getMessage()
    assert record.exc_info is not None and str(record.exc_info[1]) == "the handler's own bug"
    assert HERE in _traceback(record)


@pytest.mark.parametrize("kind", ["raises", "exits", "hangs", "returns junk"])
def test_a_failing_exception_handler_for_the_deadline_leaves_the_deadlines_answer(
    kind: str, errors: Callable[[], list[logging.LogRecord]]
) -> None:
    released = threading.Event()

    def raises(exc: DeadlineExceeded) -> Response:
        raise ValueError("in the deadline's handler")

    async def exits(exc: DeadlineExceeded) -> Response:
        sys.exit(1)

    def hangs(exc: DeadlineExceeded) -> Response:
        released.wait(60)  # the hang guard: the test sets it once answered
        return speak("too late")

    def returns_junk(exc: DeadlineExceeded) -> Any:
        return "junk"

    async def slow() -> Response:
        await asyncio.Event().wait()
        return speak("never")

    chosen = {"raises": raises, "exits": exits, "hangs": hangs, "returns junk": returns_junk}
    skill = _skill(slow, deadline=0.3)
    skill.add_exception_handler(DeadlineExceeded, chosen[kind])
    try:
        bad, good = _answers(skill)
    finally:
        released.set()
    assert (bad.status_code, bad.speech, good.speech) == (200, DEADLINE_REPLY, "fine")
    (record,) = errors()  # documented: the default answer, and an ERROR saying why
    assert "exception handler" in record.getMessage()


class _Waiter(logging.Handler):
    """Sets ``seen`` at the first record whose message holds ``text``."""

    def __init__(self, text: str) -> None:
        super().__init__(logging.DEBUG)
        self.text = text
        self.seen = threading.Event()
        self.record: logging.LogRecord | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.record is None and self.text in record.getMessage():
            self.record = record
            self.seen.set()


@pytest.mark.parametrize("raised", [SystemExit(5), KeyboardInterrupt(), ValueError("late")])
def test_a_def_handler_that_raises_after_its_deadline_is_logged_with_its_traceback(
    raised: BaseException,
) -> None:
    released = threading.Event()

    def late() -> Response:
        released.wait(60)  # the hang guard: the test sets it once answered
        raise raised

    waiter = _Waiter("after its deadline")
    alexaskill_logger = logging.getLogger("alexaskill")
    alexaskill_logger.addHandler(waiter)
    try:
        with TestClient(_skill(late, deadline=0.3), raise_handler_errors=False) as client:
            assert client.intent("Bad").speech == DEADLINE_REPLY
            released.set()
            assert waiter.seen.wait(60)  # (a hang guard only)
            assert client.intent("Good").speech == "fine"  # its thread's end left all well
    finally:
        released.set()
        alexaskill_logger.removeHandler(waiter)
    record = waiter.record
    assert record is not None and record.levelno == logging.WARNING
    assert f"raised {type(raised).__name__}" in record.getMessage()
    assert HERE in _traceback(record)
