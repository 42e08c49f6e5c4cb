"""A request cancelled from outside (a server's shutdown) while its services are finished: a
finish that caught the ``CancelledError`` and returned, then a later finish that failed (a
store's save). The catch is named and the cancellation goes on, whatever comes after it
(tests/test_cancelled_answer.py: the finish that caught it the last one, or the only one)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

import pytest

from alexaskill import DeadlineExceeded, Skill, speak
from alexaskill.app import DEADLINE_REPLY
from alexaskill.exceptions import StoreError
from alexaskill.store import Attributes
from alexaskill.testing import RequestFactory

from . import cancelled_shared, deadline_shared
from .cancelled_shared import Db, make_db, post_and_cancel, speech_when_cancelled
from .conftest import SKILL_ID
from .deadline_clock import Clock
from .deadline_shared import SlowStore, request_lines
from .lambda_runtime import LambdaContext

# The fixture of tests/cancelled_shared.py, this module's too, for each of its tests.
looked_for = cancelled_shared.looked_for
pytestmark = pytest.mark.usefixtures("looked_for")


# The fixtures of tests/deadline_shared.py, this module's too (why not conftest's: see there).
clock = deadline_shared.clock


async def _down() -> None:
    """What a store that is down does first at every save (a `SlowStore`'s ``before``): fail."""
    raise StoreError("the store is down")


async def _close_db(db: Db) -> None:
    """A close that catches its task's cancellation (``except BaseException``) and returns."""
    with contextlib.suppress(BaseException):
        await asyncio.Event().wait()


@pytest.mark.parametrize("deadline", [None, 30.0])
@pytest.mark.parametrize("handled", ["none", "plain", "attributes"])
def test_a_later_finish_failing_after_a_catch_leaves_the_request_cancelled(
    caplog: pytest.LogCaptureFixture, deadline: float | None, handled: str
) -> None:
    # The close of Db caught the server's cancellation, then the attributes' save failed: the
    # apology went out (or the StoreError's exception handler's reply), the task ended as if
    # never cancelled, and the catch was said of no one; or, the exception handler answering,
    # it (or the making of its Attributes) was said to have caught it. The request is answered
    # as a cancelled one, the close named, and the save's failure said.
    skill = Skill(SKILL_ID, deadline=deadline, store=SlowStore(_down))
    started: list[asyncio.Event] = []

    async def close_db(db: Db) -> None:
        started[0].set()
        await _close_db(db)

    skill.add_service(Db, make_db, close_db)

    @skill.intent("Hello")
    async def hello(db: Db, attributes: Attributes) -> Any:
        attributes["hello"] = "said"
        return speak("hello")

    if handled == "plain":

        @skill.exception(StoreError)
        async def store_down(exc: StoreError) -> Any:
            return speak("store down")

    elif handled == "attributes":

        @skill.exception(StoreError)
        async def store_down_read(exc: StoreError, attributes: Attributes) -> Any:
            return speak("store down")

    with caplog.at_level(logging.INFO, "alexaskill"):
        speech, raised = speech_when_cancelled(skill, started)
    assert speech == DEADLINE_REPLY
    assert isinstance(raised, asyncio.CancelledError)  # for whoever cancelled it
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    name = f"the finishing of the service Db by {close_db.__module__}.{close_db.__qualname__}"
    caught = [m for m in errors if "caught the CancelledError" in m]
    assert len(caught) == 1 and caught[0].startswith(f"{name} caught"), errors
    assert [m for m in errors if "the store is down" in m], errors  # the failure, said too
    said = [r.getMessage() for r in caplog.records if "was cancelled before it" in r.getMessage()]
    assert len(said) == 1 and said[0].startswith(name), said
    assert [r.outcome for r in request_lines(caplog)] == ["cancelled"]  # type: ignore[attr-defined]


class _Mail:
    """A second service of the skill's own, whose finish fails."""


async def _open_mail(call: object) -> _Mail:
    return _Mail()


async def _send_mail(mail: _Mail) -> None:
    raise LookupError("no such mailbox")


def test_a_later_service_finish_failing_is_said_with_its_traceback_and_told(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # As above, the failure a service's finish of the skill's own (not a store's): its line
    # names it, with its traceback, and the on_handler_error listener hears of it.
    told: list[Exception] = []
    skill = Skill(SKILL_ID, deadline=None)
    skill.on_handler_error = told.append
    started: list[asyncio.Event] = []

    async def close_db(db: Db) -> None:
        started[0].set()
        await _close_db(db)

    skill.add_service(Db, make_db, close_db)
    skill.add_service(_Mail, _open_mail, _send_mail)

    @skill.intent("Hello")
    async def hello(db: Db, mail: _Mail) -> Any:
        return speak("hello")

    async def run() -> BaseException | None:
        started.append(asyncio.Event())
        return (await post_and_cancel(skill, started[0]))[1]

    with caplog.at_level(logging.INFO, "alexaskill"):
        assert isinstance(asyncio.run(run()), asyncio.CancelledError)
    [failed] = [r for r in caplog.records if "no such mailbox" in repr(r.exc_info)]
    assert failed.getMessage().startswith("the finishing of the service _Mail by "), failed
    assert [type(exc) for exc in told] == [LookupError]
    assert [r.outcome for r in request_lines(caplog)] == ["cancelled"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("on", ["endpoint", "lambda"])
def test_the_deadline_handlers_reply_sent_so_is_the_deadlines_in_the_request_line(
    caplog: pytest.LogCaptureFixture, clock: Clock, on: str
) -> None:
    # The exception handler for DeadlineExceeded answered, and a finish of its services caught
    # the request's cancellation from outside: its reply went out as it should, but the request
    # line said `exception_handler`, where without the cancellation it says `deadline` (the
    # handler's reply relabelled, `_as_deadlines`), the relabelling skipped. (The finish
    # cancels its own task, as test_cancelled_answer.py's Lambda test: no race with the grace.)
    skill = Skill(SKILL_ID, deadline=30)

    async def close_db(db: Db) -> None:
        task = asyncio.current_task()
        assert task is not None
        task.cancel()
        with contextlib.suppress(BaseException):
            await asyncio.sleep(30)

    skill.add_service(Db, make_db, close_db)

    @skill.intent("Hello")
    async def hello() -> Any:
        clock.skip(31)
        await asyncio.Event().wait()  # cancelled by the deadline at the watchdog's next look

    @skill.exception(DeadlineExceeded)
    async def too_slow(exc: DeadlineExceeded, db: Db) -> Any:
        return speak("too slow")

    async def run() -> dict[str, Any]:
        post, sent = deadline_shared.signed_hello(skill)
        task = asyncio.ensure_future(post())
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert task.cancelled()  # (for whoever cancelled it)
        return dict(json.loads(sent[1]["body"]))

    with caplog.at_level(logging.INFO, "alexaskill"):
        if on == "lambda":
            from alexaskill.aws_lambda import handler

            event = RequestFactory(skill_id=SKILL_ID).intent("Hello")
            reply = handler(skill)(event, LambdaContext(60_000))
        else:
            reply = asyncio.run(run())
    assert reply["response"]["outputSpeech"]["text"] == "too slow"
    assert [r.outcome for r in request_lines(caplog)] == ["deadline"]  # type: ignore[attr-defined]


def test_a_store_down_after_a_catch_is_said_once_a_window_as_any_store_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The save's StoreError after such a catch was said at every request: a store that is down
    # fails them all, and its other failures are said once every STORE_FAILURE_EVERY seconds.
    skill = Skill(SKILL_ID, deadline=None, store=SlowStore(_down))
    started: list[asyncio.Event] = []

    async def close_db(db: Db) -> None:
        started[-1].set()
        await _close_db(db)

    skill.add_service(Db, make_db, close_db)

    @skill.intent("Hello")
    async def hello(db: Db, attributes: Attributes) -> Any:
        attributes["hello"] = "said"
        return speak("hello")

    async def run() -> None:
        for _ in range(3):
            started.append(asyncio.Event())
            await post_and_cancel(skill, started[-1])

    with caplog.at_level(logging.INFO, "alexaskill"):
        asyncio.run(run())
    said = [r.getMessage() for r in caplog.records if "the store is down" in r.getMessage()]
    assert len(said) == 1, said
    assert [r.outcome for r in request_lines(caplog)] == ["cancelled"] * 3  # type: ignore[attr-defined]


def test_on_lambda_a_later_finish_failing_after_a_catch_is_answered_as_cancelled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # On AWS Lambda (a finish that cancels its own task: nothing cancels one from outside
    # there) the cancellation raised again after the failure reached the Lambda handler as a
    # handler's stray CancelledError: the apology went out, the request line said
    # `handler_error`, and on_handler_error was told twice (the LookupError, then "the handler
    # raised CancelledError"). One outcome, as from the web endpoint: `cancelled`, the
    # deadline's apology, the failure told once.
    from alexaskill.aws_lambda import handler

    told: list[Exception] = []
    skill = Skill(SKILL_ID, deadline=None)
    skill.on_handler_error = told.append

    async def close_db(db: Db) -> None:
        task = asyncio.current_task()
        assert task is not None
        task.cancel()
        with contextlib.suppress(BaseException):
            await asyncio.sleep(30)

    skill.add_service(Db, make_db, close_db)
    skill.add_service(_Mail, _open_mail, _send_mail)

    @skill.intent("Hello")
    async def hello(db: Db, mail: _Mail) -> Any:
        return speak("hello")

    event = RequestFactory(skill_id=SKILL_ID).intent("Hello")
    with caplog.at_level(logging.INFO, "alexaskill"):
        reply = handler(skill)(event, LambdaContext(60_000))
    assert reply["response"]["outputSpeech"]["text"] == DEADLINE_REPLY
    assert [type(exc) for exc in told] == [LookupError]
    assert [r.outcome for r in request_lines(caplog)] == ["cancelled"]  # type: ignore[attr-defined]
    assert "server shutting down, past" not in caplog.text  # (no server: its own code did it)


def test_on_lambda_code_raising_instead_of_its_cancellation_is_answered_as_cancelled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # As above, a handler that cancels its own task, catches the CancelledError and raises a
    # LookupError instead: the apology, `handler_error`, and a CancelledError told as its bug.
    from alexaskill.aws_lambda import handler

    told: list[Exception] = []
    skill = Skill(SKILL_ID, deadline=None)
    skill.on_handler_error = told.append

    @skill.intent("Hello")
    async def hello() -> Any:
        task = asyncio.current_task()
        assert task is not None
        task.cancel()
        try:
            await asyncio.sleep(30)
        except BaseException:
            raise LookupError("no such mailbox") from None
        return speak("never")

    event = RequestFactory(skill_id=SKILL_ID).intent("Hello")
    with caplog.at_level(logging.INFO, "alexaskill"):
        reply = handler(skill)(event, LambdaContext(60_000))
    assert reply["response"]["outputSpeech"]["text"] == DEADLINE_REPLY
    assert told == []  # (said at ERROR with its traceback, as from the endpoint)
    assert [r.outcome for r in request_lines(caplog)] == ["cancelled"]  # type: ignore[attr-defined]
