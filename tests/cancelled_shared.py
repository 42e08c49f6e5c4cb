"""What the tests of a request cancelled from outside (tests/test_cancelled_answer.py,
tests/test_cancelled_raised.py, tests/test_finishing_cancelled.py) share: the cancellation
looked for whatever the Python, the POST that is cancelled and how it ended (also
tests/test_endpoint_body_cancelled.py's), a skill whose code catches the cancellation and raises
instead (`raising_instead`), and a service of the skill's own; and with tests/test_server_stop.py
and tests/test_server_stop_caught.py (`raising_instead` too), the server's stop signal seen (its
record, uvicorn's handlers in place, `stopped`).

Each module binds the fixture it uses (``looked_for = cancelled_shared.looked_for``), as with
tests/deadline_shared.py's."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Iterator, MutableMapping
from typing import Any

import pytest

from alexaskill import Skill, speak

from . import deadline_shared
from .conftest import SKILL_ID


def hanging_skill() -> tuple[Skill, asyncio.Event]:
    """A skill whose Hello handler sets the event, then waits for ever (for a cancellation)."""
    skill = Skill(SKILL_ID, deadline=None)
    running = asyncio.Event()

    @skill.intent("Hello")
    async def hello() -> Any:
        running.set()
        await asyncio.Event().wait()
        return speak("hello")

    return skill, running


@pytest.fixture
def looked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cancellation from outside that code caught looked for, whatever the Python: it is from
    3.13 on (`deadline.COUNTS_OUTSIDE_CANCELLATIONS`), and these tests use no asyncio.TaskGroup,
    whose count before 3.13 is why not (gh-116720): so the check runs in CI's 3.11 too."""
    monkeypatch.setattr("alexaskill.deadline.COUNTS_OUTSIDE_CANCELLATIONS", True)


async def post_and_cancel(
    skill: Skill, running: asyncio.Event, times: int = 1, message: str | None = None
) -> tuple[list[MutableMapping[str, Any]], BaseException | None]:
    """POST a signed Hello to ``skill``, cancel the request's task ``times`` times (with
    ``message``: uvicorn's shutdown's, say) once ``running`` is set: what it sent, and what it
    raised."""
    post, sent = deadline_shared.signed_hello(skill)
    task = asyncio.create_task(post())
    await asyncio.wait_for(running.wait(), 30)
    for _ in range(times):
        task.cancel(message)
    return await ended(task, sent)


async def ended(
    task: asyncio.Task[None], sent: list[MutableMapping[str, Any]]
) -> tuple[list[MutableMapping[str, Any]], BaseException | None]:
    """Once ``task`` (a request's, cancelled) has ended: what the skill ``sent``, and the
    cancellation it raised, or None if it returned. (Shielded: the wait's own bound, 30 s,
    never cancels the task.)"""
    try:
        await asyncio.wait_for(asyncio.shield(task), 30)
    except asyncio.CancelledError as exc:
        return sent, exc
    return sent, None


def speech_when_cancelled(
    skill: Skill, started: list[asyncio.Event]
) -> tuple[str, BaseException | None]:
    """`post_and_cancel` on an event loop of its own, the request's task cancelled once the
    event it appends to ``started`` (made on that loop) is set: the speech of its 200 answer,
    and what the task raised."""

    async def run() -> tuple[str, BaseException | None]:
        started.append(asyncio.Event())  # (made on the loop that runs the request)
        sent, exc = await post_and_cancel(skill, started[0])
        assert sent[0]["status"] == 200
        speech: str = json.loads(sent[1]["body"])["response"]["outputSpeech"]["text"]
        return speech, exc

    return asyncio.run(run())


def raising_instead(
    where: str, started: list[asyncio.Event], deadline: float | None = None
) -> tuple[Skill, Any]:
    """A skill (with ``deadline``) whose ``where`` (the "handler", its "exception handler", or
    the handler through a failure of its own clean-up, "a link further") catches the request's
    cancellation, once it has set ``started[0]``, and raises LookupError instead: the skill, and
    the function the catch is said of."""
    skill = Skill(SKILL_ID, deadline=deadline)

    async def waits() -> None:
        started[0].set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            if where == "a link further":
                try:
                    raise OSError("the connection's close failed")  # (its context: the catch)
                except OSError as failure:
                    raise LookupError("the connection was closed") from failure
            raise LookupError("the connection was closed") from None  # (its context still)

    if where == "exception handler":

        @skill.intent("Hello")
        async def hello() -> Any:
            raise KeyError("no such user")

        @skill.exception(KeyError)
        async def no_user(exc: KeyError) -> Any:
            await waits()
            return speak("no such user")

        return skill, no_user

    @skill.intent("Hello")
    async def hello_waits() -> Any:
        await waits()
        return speak("hello")

    return skill, hello_waits


class Db:
    """A service of the skill's own."""


async def make_db(call: object) -> Db:
    """`Db`'s make function, for the tests of its finish."""
    return Db()


#: The stop signals uvicorn handles (and `alexaskill.server_stop` hooks).
SIGNALS = (signal.SIGTERM, signal.SIGINT)


@pytest.fixture
def record(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The process's record of the stop signal, this test's own (empty at first)."""
    mine: list[str] = []
    monkeypatch.setattr("alexaskill.server_stop._STOPPED_BY", mine)
    return mine


@pytest.fixture
def uvicorns() -> Iterator[Any]:
    """A uvicorn server whose own handler takes SIGTERM and SIGINT, as its ``capture_signals``
    sets it before the lifespan; the handlers before it put back after."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(lambda scope, receive, send: None))
    before = {s: signal.signal(s, server.handle_exit) for s in SIGNALS}
    try:
        yield server
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def stopped(signum: int) -> None:
    """The server of the running loop stopped on ``signum``: alexaskill's hook in front of
    uvicorn's handler (`uvicorns`) given the signal, then taken away, the stop still noted."""
    from alexaskill.server_stop import hook_stop

    unhook = hook_stop()
    assert unhook is not None
    signal.raise_signal(signum)
    unhook()
