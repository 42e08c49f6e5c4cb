"""The response deadline without asyncio tasks: anyio's cancel scope under trio (anyio's other
backend), and on asyncio outside any task. (Handlers that swallow the deadline's cancellation,
on either path: tests/test_deadline_swallowed.py.)

Deadlines here are a few tenths of a second. A handler meant to outlive one sleeps for `LONG`
(async) or waits on an event the test sets afterwards (def): if the deadline failed, the test
would fail after `LONG` seconds, never hang. What the modules share is in
tests/deadline_shared.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
import threading
import time
from collections.abc import MutableMapping
from typing import Any

import pytest

from alexaskill import DeadlineExceeded, Response, Skill, pace, speak
from alexaskill.answering import Answer
from alexaskill.app import DEADLINE_GRACE, DEADLINE_REPLY
from alexaskill.exceptions import ConfigurationError
from alexaskill.models import decode_envelope
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory

from . import deadline_shared
from .aws_lambda_shared import speech
from .deadline_shared import (
    LONG,
    SHORT,
    WAIT,
    as_under_trio,
    respond_by,
    wait_for,
)

pytestmark = pytest.mark.oldest_dependencies

# The fixture of tests/deadline_shared.py, this module's too (why not conftest's: see there).
release = deadline_shared.release


async def _answer_slow_handlers(
    release: threading.Event, events: list[str]
) -> list[tuple[str, str]]:
    """Intents Async and Def of a skill whose handlers outlast its deadline, each answered
    through `_respond_by`: (outcome, speech) of each. What happened, in order, is appended to
    ``events``: each handler's start and end, each answer."""
    import anyio

    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)

    @skill.intent("Async")
    async def slow_async() -> Response:
        events.append("async started")
        try:
            await anyio.sleep(LONG)  # ended by the deadline, however loaded the machine
        except anyio.get_cancelled_exc_class():
            events.append("async cancelled")
            raise
        events.append("async slept")
        return speak("too late")

    @skill.intent("Def")
    @pace.blocking
    def slow_def() -> Response:
        events.append("def started")
        events.append("def released" if release.wait(LONG) else "def waited in vain")
        return speak("too late")

    answers: dict[str, tuple[str, str]] = {}

    async def respond(name: str) -> None:
        answer = await respond_by(skill, name)
        answers[name] = (answer.outcome, speech(json.loads(answer.body)))
        events.append(f"{name} answered")

    # Both at once: each waits out a deadline of its own, and the test one SHORT, not two.
    async with anyio.create_task_group() as group:
        for name in ("Async", "Def"):
            group.start_soon(respond, name)
    return [answers["Async"], answers["Def"]]


def _check_the_deadline_answered_first(release: threading.Event, events: list[str]) -> None:
    """The order of ``events`` (`_answer_slow_handlers`'): the deadline ended the async handler
    before its answer; the def handler, blocked on ``release`` until the answer was seen, still
    blocked when it was given, then released here, ends after it (its result discarded)."""
    assert [e for e in events if e.startswith(("async", "Async"))] == [
        "async started",
        "async cancelled",
        "Async answered",
    ]
    assert [e for e in events if e.startswith(("def", "Def"))] == ["def started", "Def answered"]
    release.set()
    wait_for(lambda: "def released" in events)
    assert [e for e in events if e.startswith(("def", "Def"))][-1] == "def released"


@pytest.mark.anyio
async def test_without_asyncio_tasks_a_cancel_scope_keeps_the_deadline(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, release: threading.Event
) -> None:
    # Under trio (Hypercorn's trio worker, through anyio) there is no asyncio task for the
    # watchdog to cancel, and the deadline never acted: handlers ran as long as they liked and
    # Alexa gave up first. The same path, on asyncio, with the watchdog out of reach:
    as_under_trio(monkeypatch)
    events: list[str] = []
    with caplog.at_level(logging.WARNING, "alexaskill"):
        answers = await _answer_slow_handlers(release, events)
        _check_the_deadline_answered_first(release, events)
    assert answers == [("deadline", DEADLINE_REPLY)] * 2
    assert "slow_async did not answer within" in caplog.text
    assert "slow_def did not answer within" in caplog.text


def test_under_trio_the_deadline_acts(
    caplog: pytest.LogCaptureFixture, release: threading.Event
) -> None:
    import anyio

    events: list[str] = []
    with caplog.at_level(logging.WARNING, "alexaskill"):
        answers = anyio.run(_answer_slow_handlers, release, events, backend="trio")
        _check_the_deadline_answered_first(release, events)
        wait_for(lambda: "slow_def returned" in caplog.text)  # its late result, said
    assert answers == [("deadline", DEADLINE_REPLY)] * 2
    assert "raised Cancelled" not in caplog.text  # trio's cancellation is no handler bug


@pytest.mark.anyio
async def test_without_asyncio_tasks_progressive_after_says_it_does_not_act(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Under trio the automatic progressive response (an asyncio timer) was silently never sent.
    import alexaskill.deadline_answering

    as_under_trio(monkeypatch)
    monkeypatch.setattr(
        alexaskill.deadline_answering, "_progressive_refused_said", False, raising=False
    )
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT * 5, progressive_after=SHORT)

    @skill.intent("Quick")
    async def quick() -> Response:
        return speak("quick")

    with caplog.at_level(logging.WARNING, "alexaskill"):
        for _ in range(2):
            answer = await respond_by(skill, "Quick", 5.0)
            assert speech(json.loads(answer.body)) == "quick"
    lines = [r for r in caplog.records if "progressive_after=" in r.getMessage()]
    assert len(lines) == 1  # once a process
    assert "needs an asyncio event loop" in lines[0].getMessage()


def test_under_trio_the_skill_refuses_to_start() -> None:
    # Served on trio (Hypercorn's trio worker), the app started, and every request whose
    # signing certificate was not cached yet failed with "no running event loop": the
    # download needs asyncio. The lifespan's startup now fails, saying so, and the server stops.
    import anyio

    skill = Skill(DEFAULT_SKILL_ID)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "lifespan.startup"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(dict(message))

    async def start() -> None:
        await skill({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)

    with pytest.raises(ConfigurationError, match="not on trio") as raised:  # (once said)
        anyio.run(start, backend="trio")
    assert [message["type"] for message in sent] == ["lifespan.startup.failed"]
    assert sent[0]["message"] == str(raised.value)


def test_on_asyncio_outside_any_task_the_answer_is_given_as_before() -> None:
    # A coroutine an asyncio loop runs outside any task (stepped by a callback: a server or
    # task factory of its own) has no task for the watchdog, and was answered without the
    # deadline. The cancel scope meant for trio took that case too, and anyio refuses it (no
    # task: TypeError, or "not running on any asynchronous event loop"): an error, no answer.
    skill = Skill(DEFAULT_SKILL_ID, deadline=WAIT)

    @skill.intent("Quick")
    async def quick() -> Response:
        return speak("quick")

    envelope = decode_envelope(json.dumps(RequestFactory().intent("Quick")).encode())
    outcomes: list[Any] = []

    def step() -> None:  # on the loop's thread, in no task
        coroutine = skill._respond_by(envelope, None, time.perf_counter() + WAIT, WAIT)
        try:
            coroutine.send(None)
        except StopIteration as returned:
            outcomes.append(returned.value)
        except BaseException as exc:
            outcomes.append(exc)
        else:
            coroutine.close()
            outcomes.append("suspended")

    loop = asyncio.new_event_loop()
    try:
        loop.call_soon(step)
        loop.run_until_complete(asyncio.sleep(0))
    finally:
        loop.close()
    (answer,) = outcomes
    assert isinstance(answer, Answer), answer
    assert answer.outcome == "ok"
    assert speech(json.loads(answer.body)) == "quick"


class Ledger:
    """A service whose finish (its save) the next test makes slow."""


@pytest.mark.anyio
@pytest.mark.parametrize("slow", ["save", "handler"])
async def test_without_asyncio_tasks_a_late_answer_is_said_once(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, slow: str
) -> None:
    # Under trio (simulated on asyncio, as above), a save that outlasted the deadline (stood
    # down for it, as on asyncio) got its own WARNING and then a second one blaming an event
    # loop held up by blocking code, which never happened. The clock alexaskill reads is moved
    # past the deadline during the save (or the handler, which blocked the loop: that one is
    # said); the real one (the cancel scope's) never gets there.
    import alexaskill.answering
    import alexaskill.deadline_answering
    import alexaskill.deadline_late
    import alexaskill.finishing

    as_under_trio(monkeypatch)
    skipped = [0.0]

    class Clock:
        @staticmethod
        def perf_counter() -> float:
            return time.perf_counter() + skipped[0]

    for module in (
        alexaskill.answering,
        alexaskill.deadline_answering,
        alexaskill.deadline_late,
        alexaskill.finishing,
    ):
        monkeypatch.setattr(module, "time", Clock)

    async def make(call: Any) -> Ledger:
        return Ledger()

    async def save(ledger: Ledger) -> None:
        skipped[0] = 2 * WAIT  # the save took that long

    skill = Skill(DEFAULT_SKILL_ID, deadline=WAIT)
    skill.add_service(Ledger, make, save)

    @skill.intent("Note")
    async def note(ledger: Ledger) -> Response:
        return speak("noted")

    @skill.intent("Block")
    async def block() -> Response:  # (no save: past the deadline, a save takes its cancellation)
        skipped[0] = 2 * WAIT  # it blocked the event loop that long
        return speak("noted")

    intent = "Note" if slow == "save" else "Block"
    with caplog.at_level(logging.WARNING, "alexaskill"):
        answer = await respond_by(skill, intent, WAIT, Clock.perf_counter)
    assert (answer.outcome, speech(json.loads(answer.body))) == ("ok", "noted")
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1, lines
    if slow == "save":
        assert lines[0].startswith("the deadline passed while the attributes were being saved")
    else:
        # (5 s of the clock moved on, and the real time the test took: more than 5 ms on a
        # loaded machine, which "5.00" did not allow for)
        late = re.search(r"block answered (\d+\.\d\d) s after its deadline", lines[0])
        assert late is not None and float(late.group(1)) >= 5.0, lines[0]


@pytest.mark.anyio
@pytest.mark.parametrize("quick", [True, False])
async def test_without_asyncio_tasks_the_deadline_exceeded_handler_has_its_grace(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, quick: bool
) -> None:
    # The cancel scope's path (trio, simulated on asyncio as above) for the exception handler
    # of DeadlineExceeded: its answer within DEADLINE_GRACE, else the deadline's own reply.
    import anyio

    as_under_trio(monkeypatch)
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)
    events: list[str] = []

    async def sleep(name: str) -> None:
        events.append(f"{name} sleeps")
        try:
            await anyio.sleep(LONG)
        except anyio.get_cancelled_exc_class():
            events.append(f"{name} cancelled")
            raise

    @skill.intent("Slow")
    async def slow() -> Response:
        await sleep("slow")  # ended by the deadline
        return speak("never")

    @skill.exception(DeadlineExceeded)
    async def too_slow(exc: DeadlineExceeded) -> Response:
        if not quick:
            await sleep("too_slow")  # ended by its grace
        return speak("caught it")

    with caplog.at_level(logging.WARNING, "alexaskill"):
        answer = await respond_by(skill, "Slow")
    events.append("answered")
    # The deadline ended the handler before its exception handler ran; the grace, before the
    # deadline's own reply went out.
    assert events == ["slow sleeps", "slow cancelled"] + (
        [] if quick else ["too_slow sleeps", "too_slow cancelled"]
    ) + ["answered"]
    assert answer.outcome == "deadline"
    assert speech(json.loads(answer.body)) == ("caught it" if quick else DEADLINE_REPLY)
    assert (f"took over {DEADLINE_GRACE} s too" in caplog.text) is not quick


def test_a_cancel_scopes_cancellation_under_trio_is_no_handler_bug(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # trio.Cancelled, the deadline's cancel scope ending the request (or a shutdown), goes on up;
    # it was answered as a handler bug. A stand-in trio module (`is_trio_cancellation` looks trio
    # up in sys.modules only): the check alone, with no trio run (the tests above run on trio).
    import types

    from alexaskill.handler_bugs import handler_bug

    class Cancelled(BaseException):
        pass

    class Other(BaseException):
        pass

    monkeypatch.setitem(sys.modules, "trio", types.SimpleNamespace(Cancelled=Cancelled))
    assert handler_bug(Cancelled()) is None
    assert isinstance(handler_bug(Other()), RuntimeError)  # any other is the handler's bug
