"""A request whose task is cancelled from outside while its handler runs (uvicorn's shutdown past
``--timeout-graceful-shutdown``) is answered the deadline's apology (the real servers:
tests/test_serve_uvicorn.py); here, what becomes of the cancellation, as a raw ASGI call."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import pytest

from alexaskill import Skill, speak
from alexaskill.app import DEADLINE_REPLY
from alexaskill.deadline import COUNTS_OUTSIDE_CANCELLATIONS
from alexaskill.models import decode_envelope
from alexaskill.store import Attributes, MemoryStore

from . import cancelled_shared, deadline_shared
from .cancelled_shared import Db, hanging_skill, make_db, post_and_cancel, speech_when_cancelled
from .conftest import SKILL_ID

# The fixture of tests/cancelled_shared.py, this module's too.
looked_for = cancelled_shared.looked_for


async def _post_cancelled(
    times: int,
) -> tuple[list[MutableMapping[str, Any]], BaseException | None]:
    """POST a signed Hello to a skill whose handler waits for ever, cancel the request's task
    ``times`` times once the handler runs: what it sent, and what it raised."""
    skill, running = hanging_skill()
    return await post_and_cancel(skill, running, times)


@pytest.mark.parametrize("times", [1, 2])
def test_a_cancelled_request_is_answered_the_apology(times: int) -> None:
    sent, raised = asyncio.run(_post_cancelled(times))
    assert sent[0]["status"] == 200
    assert json.loads(sent[1]["body"])["response"]["outputSpeech"]["text"] == DEADLINE_REPLY
    # Answered, and still cancelled: whoever cancelled it (a server's shutdown, a caller's
    # timeout such as the simulator's wait for a skill that never answers) sees it cancelled.
    assert isinstance(raised, asyncio.CancelledError)


def _said_cancelled(
    skill: Skill, started: list[asyncio.Event], caplog: pytest.LogCaptureFixture
) -> str:
    """The one WARNING line that says what was cancelled, once ``skill``'s Hello, POSTed, was
    cancelled when ``started[0]`` (made here, on the loop that runs the request) was set."""

    async def run() -> None:
        started.append(asyncio.Event())  # (made on the loop that runs the request)
        await post_and_cancel(skill, started[0])

    with caplog.at_level(logging.WARNING, "alexaskill"):
        asyncio.run(run())
    (line,) = [r.getMessage() for r in caplog.records if "was cancelled before" in r.getMessage()]
    return line


@pytest.mark.parametrize("deadline", [None, 30.0])
def test_a_cancelled_hook_is_named_not_the_handler(
    caplog: pytest.LogCaptureFixture, deadline: float | None
) -> None:
    # The WARNING named the handler ("…hello was cancelled before it answered"), which never
    # ran: the before-request hook the server's shutdown cancelled was what held the request.
    skill = Skill(SKILL_ID, deadline=deadline)
    started: list[asyncio.Event] = []

    @skill.before_request
    async def slow_check() -> None:
        started[0].set()
        await asyncio.Event().wait()

    @skill.intent("Hello")
    async def hello() -> Any:
        return speak("hello")

    line = _said_cancelled(skill, started, caplog)
    name = f"{slow_check.__module__}.{slow_check.__qualname__}"
    assert line.startswith(f"the before-request hook {name} was cancelled before it answered")


@pytest.mark.parametrize("deadline", [None, 30.0])
def test_a_cancelled_store_load_is_said_not_the_handler(
    caplog: pytest.LogCaptureFixture, deadline: float | None
) -> None:
    # With no handler or hook running (the store's load was, for the handler's attributes),
    # the WARNING said "…launch was cancelled before it answered": the handler never ran. It
    # names the store's load since a service's making is named (`handler_bugs.failed_in`).
    started: list[asyncio.Event] = []

    class HangingStore(MemoryStore):
        async def load(self, key: str) -> dict[str, Any]:
            started[0].set()
            await asyncio.Event().wait()  # a server that never answers
            return await super().load(key)

    skill = Skill(SKILL_ID, deadline=deadline, store=HangingStore())

    @skill.intent("Hello")
    async def hello(attributes: Attributes) -> Any:
        return speak("hello")

    line = _said_cancelled(skill, started, caplog)
    name = f"{hello.__module__}.{hello.__qualname__}"
    assert not line.startswith(name), line
    assert line.startswith("the store's load of Attributes was cancelled before it answered"), line
    assert name not in line, line


def _swallowing(skill: Skill, started: list[asyncio.Event], how: str) -> None:
    """Give ``skill`` a Hello handler that sets ``started[0]``, then swallows its task's
    cancellation (``how``), changes the attributes and answers."""

    # (`except BaseException: pass` is the common bug: a catch-all that catches too much.)
    caught = asyncio.CancelledError if how == "CancelledError" else BaseException

    @skill.intent("Hello")
    async def hello(attributes: Attributes) -> Any:
        started[0].set()
        with contextlib.suppress(caught):
            await asyncio.Event().wait()
        if how == "uncancel":  # (asyncio's way of taking a cancellation back on purpose)
            asyncio.current_task().uncancel()  # type: ignore[union-attr]
        attributes["hello"] = "said"
        return speak("swallowed")


@pytest.mark.usefixtures("looked_for")
@pytest.mark.parametrize("deadline", [None, 30.0])
@pytest.mark.parametrize("how", ["BaseException", "CancelledError"])
def test_a_handler_that_swallows_a_cancellation_from_outside_leaves_its_task_cancelled(
    caplog: pytest.LogCaptureFixture, deadline: float | None, how: str
) -> None:
    # The handler caught the CancelledError of a server's shutdown (or a caller's timeout) and
    # returned: its reply went out, its attributes were saved, and the task ended as if nothing
    # had cancelled it, the cancellation lost. It is answered as any request cancelled from
    # outside is, and the handler's catch is named at ERROR.
    store = MemoryStore()
    skill = Skill(SKILL_ID, deadline=deadline, store=store)
    started: list[asyncio.Event] = []
    _swallowing(skill, started, how)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        speech, raised = speech_when_cancelled(skill, started)
    assert speech == DEADLINE_REPLY
    assert isinstance(raised, asyncio.CancelledError)  # for whoever cancelled it
    assert store._data == {}  # (an apology saves nothing: the user's retry makes no double)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    name = f"{__name__}._swallowing.<locals>.hello"
    assert len(errors) == 1 and errors[0].startswith(f"{name} caught the CancelledError"), errors
    said = [r.getMessage() for r in caplog.records if "was cancelled before it" in r.getMessage()]
    assert len(said) == 1 and said[0].startswith(name), said


@pytest.mark.usefixtures("looked_for")
def test_a_handler_that_takes_the_cancellation_back_answers() -> None:
    # ``task.uncancel()`` after catching it is asyncio's way of meaning it: that is respected.
    skill = Skill(SKILL_ID, deadline=None, store=MemoryStore())
    started: list[asyncio.Event] = []
    _swallowing(skill, started, "uncancel")

    async def run() -> tuple[list[MutableMapping[str, Any]], BaseException | None]:
        started.append(asyncio.Event())
        return await post_and_cancel(skill, started[0])

    sent, raised = asyncio.run(run())
    assert raised is None
    assert json.loads(sent[1]["body"])["response"]["outputSpeech"]["text"] == "swallowed"


@pytest.mark.usefixtures("looked_for")
@pytest.mark.parametrize("where", ["hook", "make"])
def test_a_hook_or_make_function_that_swallows_it_is_named(
    caplog: pytest.LogCaptureFixture, where: str
) -> None:
    # As a handler (above): the before-request hook, or the function given to add_service,
    # that caught the cancellation and returned is named, and the request is cancelled still.
    skill = Skill(SKILL_ID, deadline=None)
    started: list[asyncio.Event] = []

    async def swallow() -> None:
        started[0].set()
        with contextlib.suppress(BaseException):
            await asyncio.Event().wait()

    async def open_db(call: object) -> Db:
        await swallow()
        return Db()

    async def check() -> None:
        await swallow()

    skill.add_service(Db, open_db)
    if where == "hook":
        skill.before_request(check)
        name = f"the before-request hook {check.__module__}.{check.__qualname__}"
    else:
        name = f"the making of the service Db by {open_db.__module__}.{open_db.__qualname__}"

    @skill.intent("Hello")
    async def hello(db: Db) -> Any:
        return speak("hello")

    raised: list[BaseException | None] = []

    async def run() -> None:
        started.append(asyncio.Event())
        raised.append((await post_and_cancel(skill, started[0]))[1])

    with caplog.at_level(logging.WARNING, "alexaskill"):
        asyncio.run(run())
    assert isinstance(raised[0], asyncio.CancelledError)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].startswith(f"{name} caught the CancelledError"), errors


@pytest.mark.parametrize("deadline", [None, 30.0])
def test_a_handler_whose_task_group_had_a_failed_task_answers(deadline: float | None) -> None:
    # asyncio.TaskGroup cancels its parent task to stop it when a task of the group fails; up to
    # Python 3.12, when the group's body had already ended, it never takes that back (CPython
    # gh-116720): the count stays raised as if the request were cancelled from outside. The
    # handler caught the group's error and answered: its reply goes out, nothing is said at ERROR.
    skill = Skill(SKILL_ID, deadline=deadline, store=MemoryStore())

    async def failing() -> None:
        await asyncio.sleep(0)
        raise LookupError("no such city")

    @skill.intent("Hello")
    async def hello(attributes: Attributes) -> Any:
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(asyncio.sleep(30))
                group.create_task(failing())
        except* LookupError:
            attributes["hello"] = "said"
        return speak("no weather")

    post, sent = deadline_shared.signed_hello(skill)
    asyncio.run(post())
    assert json.loads(sent[1]["body"])["response"]["outputSpeech"]["text"] == "no weather"


def test_the_check_is_on_where_a_task_group_takes_its_cancellation_back() -> None:
    # `COUNTS_OUTSIDE_CANCELLATIONS` is on where asyncio.TaskGroup leaves its task's count as it
    # found it once a task of the group failed after the body ended (3.13: gh-116720's fix, which
    # 3.12 never got, 3.12.10 its last bugfix release): off on a Python that still leaves it
    # raised, which the check would read as a cancellation from outside; on where it does not.
    async def failing() -> None:
        await asyncio.sleep(0)
        raise LookupError("no such city")

    async def left() -> int:
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(asyncio.sleep(30))
                group.create_task(failing())
        except* LookupError:
            pass
        return asyncio.current_task().cancelling()  # type: ignore[union-attr]

    taken_back = asyncio.run(left()) == 0
    assert taken_back == COUNTS_OUTSIDE_CANCELLATIONS, sys.version


@pytest.mark.usefixtures("looked_for")
@pytest.mark.parametrize("deadline", [None, 30.0])
@pytest.mark.parametrize("handled", [False, True])
def test_a_service_finish_that_swallows_it_is_named_and_the_reply_sent(
    caplog: pytest.LogCaptureFixture, deadline: float | None, handled: bool
) -> None:
    # The finish (close) given to add_service caught the CancelledError of a server's shutdown
    # and returned: the task ended as if never cancelled, nothing said. Its reply goes out (the
    # services are finished: an apology would have the user retry what was done), then the
    # task ends cancelled, and the finish is named at ERROR. (``handled``: the reply is an
    # exception handler's, which finishes its own services as the handler would.)
    skill = Skill(SKILL_ID, deadline=deadline)
    started: list[asyncio.Event] = []

    async def close_db(db: Db) -> None:
        started[0].set()
        with contextlib.suppress(BaseException):
            await asyncio.Event().wait()

    skill.add_service(Db, make_db, close_db)

    @skill.intent("Hello")
    async def hello(db: Db) -> Any:
        if handled:
            raise LookupError("no such city")
        return speak("hello")

    @skill.exception(LookupError)
    async def no_city(exc: LookupError, db: Db) -> Any:
        return speak("no city")

    with caplog.at_level(logging.WARNING, "alexaskill"):
        speech, raised = speech_when_cancelled(skill, started)
    assert speech == ("no city" if handled else "hello")
    assert isinstance(raised, asyncio.CancelledError)  # for whoever cancelled it
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    name = f"the finishing of the service Db by {close_db.__module__}.{close_db.__qualname__}"
    assert len(errors) == 1 and errors[0].startswith(f"{name} caught the CancelledError"), errors


@pytest.mark.usefixtures("looked_for")
def test_answer_called_directly_ends_cancelled_when_a_finish_swallowed_it() -> None:
    # Without the endpoint to send the reply (`Skill.answer` returns it), the task ends
    # cancelled, as asyncio's caller expects, rather than as if never cancelled.
    from alexaskill.testing import RequestFactory

    skill = Skill(SKILL_ID, deadline=None)
    closing = asyncio.Event()

    async def close_db(db: Db) -> None:
        closing.set()
        with contextlib.suppress(BaseException):
            await asyncio.Event().wait()

    skill.add_service(Db, make_db, close_db)

    @skill.launch
    async def launch(db: Db) -> Any:
        return speak("hello")

    launch_request = RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")
    envelope = decode_envelope(json.dumps(launch_request).encode())

    async def run() -> bool:
        task = asyncio.create_task(skill.answer(envelope))
        await asyncio.wait_for(closing.wait(), 30)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 30)
        return task.cancelled()

    assert asyncio.run(run())


@pytest.mark.usefixtures("looked_for")
@pytest.mark.parametrize("deadline", [None, 7.0])
def test_on_aws_lambda_a_service_finish_that_swallows_it_sends_the_reply(
    caplog: pytest.LogCaptureFixture, deadline: float | None
) -> None:
    # The Lambda handler took the FinishedCancellation for a handler's bug: the apology went out
    # though the attributes were saved (the user's retry counts twice), and a second ERROR blamed
    # the handler ("the handler raised FinishedCancellation"). The reply made goes out, as from
    # the web endpoint; the finish is named once. (Lambda cancels no invocation: the finish
    # cancels its own task here, as a Ctrl-C through asyncio.Runner's SIGINT handler would.)
    from alexaskill.aws_lambda import handler
    from alexaskill.testing import RequestFactory

    store = MemoryStore()
    skill = Skill(SKILL_ID, deadline=deadline, store=store)

    async def close_db(db: Db) -> None:
        task = asyncio.current_task()
        assert task is not None
        task.cancel()
        with contextlib.suppress(BaseException):
            await asyncio.sleep(30)

    skill.add_service(Db, make_db, close_db)

    @skill.launch
    async def launch(db: Db, attributes: Attributes) -> Any:
        attributes.increment("visits")
        return speak("hello")

    event = RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")
    with caplog.at_level(logging.INFO, "alexaskill"):
        reply = handler(skill)(event, None)
    assert reply["response"]["outputSpeech"]["text"] == "hello"
    assert list(store._data.values()) == [{"visits": "1"}]
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    name = f"the finishing of the service Db by {close_db.__module__}.{close_db.__qualname__}"
    assert len(errors) == 1 and errors[0].startswith(f"{name} caught the CancelledError"), errors
    [line] = [r.getMessage() for r in caplog.records if r.name == "alexaskill.request"]
    assert line.startswith("LaunchRequest -> ok "), line
