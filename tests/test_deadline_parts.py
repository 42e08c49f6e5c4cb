"""The response deadline's parts: the watchdog, the thread a def handler runs in, and what is
logged of a handler past its deadline.

Deadlines here are a few tenths of a second. A handler meant to outlive one sleeps for `WAIT`
(async) or waits on an event the test sets afterwards (def): if the deadline failed, the test
would fail after `WAIT` seconds, never hang. Most such handlers move the deadline's clock on
first (``clock.skip``, `tests.deadline_clock`), so that the test need not wait for it; what the
modules share is in tests/deadline_shared.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from typing import Any

import pytest

from alexaskill import MemoryStore, Response, Skill, deadline, pace, speak, threads
from alexaskill.app import DEADLINE_REPLY
from alexaskill.aws_lambda import handler
from alexaskill.deadline import RESOLUTION, Expired, Watchdog, call_in_thread
from alexaskill.models import decode_envelope
from alexaskill.store import Attributes
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestClient

from . import deadline_shared
from .aws_lambda_shared import speech
from .deadline_clock import Clock
from .deadline_shared import LONG, SHORT, WAIT, lambda_event, wait_for
from .lambda_runtime import LambdaContext
from .said_rarely import SAID_RARELY

# The fixtures of tests/deadline_shared.py, this module's too (why not conftest's: see there).
clock = deadline_shared.clock
release = deadline_shared.release


@pytest.mark.anyio
async def test_the_watchdog_keeps_one_timer_for_all_requests() -> None:
    loop = asyncio.get_running_loop()
    watchdog = Watchdog(loop)
    before = len(loop._scheduled)  # type: ignore[attr-defined]
    ticking = [watchdog.ticking]  # (what stalls reads, and tests that wait for it to stop)
    tasks = [asyncio.ensure_future(asyncio.sleep(60)) for _ in range(50)]
    for task in tasks:
        watchdog.watch(task, time.perf_counter() + 10)
    assert len(loop._scheduled) - before <= 1  # type: ignore[attr-defined]
    ticking.append(watchdog.ticking)
    assert not any(watchdog.unwatch(task) for task in tasks)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.sleep(3 * RESOLUTION)  # nothing watched: the timer stops
    assert len(loop._scheduled) == before  # type: ignore[attr-defined]
    assert [*ticking, watchdog.ticking] == [False, True, False]


@pytest.mark.anyio
async def test_the_watchdog_cancels_only_what_is_past_its_deadline() -> None:
    loop = asyncio.get_running_loop()
    watchdog = Watchdog(loop)
    late = asyncio.ensure_future(asyncio.sleep(60))
    early = asyncio.ensure_future(asyncio.sleep(60))
    watchdog.watch(late, time.perf_counter() + 0.05)
    watchdog.watch(early, time.perf_counter() + 60)
    with pytest.raises(asyncio.CancelledError):
        await late
    assert watchdog.unwatch(late) is True  # cancelled by its deadline
    assert not early.done()
    assert watchdog.unwatch(early) is False
    early.cancel()  # someone else's cancellation is not the deadline's
    with pytest.raises(asyncio.CancelledError):
        await early


@pytest.mark.anyio
async def test_the_watchdog_cancels_again_until_the_task_ends_and_takes_every_one_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Python counts a task's cancellations (cancel() up, uncancel() down): unwatch must take
    # back as many as the watchdog made, or the task stays "cancelling" for asyncio.timeout and
    # TaskGroup.
    loop = asyncio.get_running_loop()
    watchdog = Watchdog(loop)
    seen: dict[str, Any] = {}

    async def stubborn() -> str:
        task = asyncio.current_task()
        assert task is not None
        watchdog.watch(task, time.perf_counter() + RESOLUTION)
        swallowed = 0
        for _ in range(4):
            try:
                await asyncio.sleep(10.0)  # only a broken watchdog lets one end
            except asyncio.CancelledError:
                swallowed += 1
                if swallowed == 3:
                    break
        seen["swallowed"] = swallowed
        seen["expired"] = watchdog.unwatch(task)
        seen["cancelling"] = task.cancelling()
        await asyncio.sleep(4 * RESOLUTION)  # no longer watched: not cancelled again
        return "done"

    with caplog.at_level(logging.ERROR, "alexaskill"):
        assert await stubborn_task(stubborn) == "done"
    # Three cancellations (counted, not timed: a loaded CI machine stalls).
    assert seen == {"swallowed": 3, "expired": True, "cancelling": 0}
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "stubborn" in errors[0]


@pytest.mark.anyio
async def test_only_answerings_call_of_a_handler_is_taken_for_it() -> None:
    # The call that awaits handlers was found by name: any coroutine called `_invoke` in
    # alexaskill.answering was taken for it, and what it awaited for the handler.
    namespace: dict[str, Any] = {"__name__": "alexaskill.answering"}
    source = "async def _invoke(handler):\n    return await handler()\n"
    exec(compile(source, "<another>", "exec"), namespace)
    blocked = asyncio.get_running_loop().create_future()

    async def outer() -> None:
        await inner()

    async def inner() -> None:
        await blocked

    task = asyncio.ensure_future(namespace["_invoke"](outer))
    await asyncio.sleep(0)  # the task runs to its await of ``blocked``
    try:
        assert deadline._culprit(task).endswith(".<locals>.inner")  # the innermost, as for any
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def stubborn_task(func: Any) -> Any:
    """``func()`` awaited in a task of its own."""
    return await asyncio.ensure_future(func())


def test_call_in_thread_returns_raises_and_reports_late() -> None:
    assert call_in_thread(lambda x: x + 1, {"x": 1}, WAIT, lambda s, e: None) == 2
    with pytest.raises(KeyError):
        call_in_thread(lambda: {"present": 1}["missing"], {}, WAIT, lambda s, e: None)
    reports: list[tuple[float, BaseException | None]] = []
    gate = threading.Event()
    with pytest.raises(Expired):
        call_in_thread(lambda: gate.wait(WAIT), {}, 0.05, lambda s, e: reports.append((s, e)))
    assert reports == []
    gate.set()
    wait_for(lambda: reports)
    assert reports[0][0] >= 0.05 and reports[0][1] is None


def test_the_deadline_message_says_when_a_slow_store_held_the_handler_back(
    caplog: pytest.LogCaptureFixture, release: threading.Event, clock: Clock
) -> None:
    # A store whose load outlasted the deadline: the message said of the def handler "its
    # thread runs on, and what it returns will be discarded", sending whoever read the log
    # after a slow handler that never ran. It names what was being made instead.
    class SlowStore(MemoryStore):
        async def load(self, key: str) -> dict[str, Any]:
            clock.skip(SHORT)
            await asyncio.to_thread(release.wait, WAIT)
            return await super().load(key)

    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT, store=SlowStore())
    ran: list[bool] = []

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        ran.append(True)
        return speak("counted")

    with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
        assert client.intent("Count").speech == DEADLINE_REPLY
        release.set()  # the load ends: the client's loop need not wait out its thread
    assert "count did not answer within" in caplog.text
    # (named as a failed or cancelled load is: "the store's load of Attributes")
    assert "it was never started: the store's load of Attributes took that long" in caplog.text
    assert "runs on" not in caplog.text
    assert ran == []


class _Db:
    """A service of the skill's own, made before its handler runs."""


def test_the_deadline_message_names_the_make_function_of_a_slow_service(
    caplog: pytest.LogCaptureFixture, release: threading.Event, clock: Clock
) -> None:
    # A slow service held the handler back: the message said "making its _Db", naming the
    # type, not the function the skill gave add_service, which is where the time went.
    async def open_db(call: object) -> _Db:
        clock.skip(SHORT)
        await asyncio.to_thread(release.wait, WAIT)
        return _Db()

    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)
    skill.add_service(_Db, open_db)

    @skill.intent("Count")
    def count(db: _Db) -> Response:
        return speak("counted")

    with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
        assert client.intent("Count").speech == DEADLINE_REPLY
        release.set()
    maker = f"{open_db.__module__}.{open_db.__qualname__}"
    said = f"it was never started: the making of the service _Db by {maker} took that long"
    assert said in caplog.text


def test_the_deadline_message_of_a_slow_handler_whose_attributes_came_in_time(
    caplog: pytest.LogCaptureFixture, release: threading.Event, clock: Clock
) -> None:
    # The counterpart of the test above: the store's load was quick, the def handler slow. The
    # message must say that its thread runs on, not that it was never started for the load.
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT, store=MemoryStore())
    started = threading.Event()

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        started.set()
        clock.skip(SHORT)
        release.wait(WAIT)
        return speak("counted")

    with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
        assert client.intent("Count").speech == DEADLINE_REPLY
        assert started.is_set()
        assert "its thread runs on, and what it returns will be discarded" in caplog.text
        assert "never started" not in caplog.text
        release.set()


@pytest.mark.parametrize("on_lambda", [False, True])
def test_a_handler_that_raises_after_its_deadline_is_logged_with_its_traceback(
    caplog: pytest.LogCaptureFixture, release: threading.Event, on_lambda: bool
) -> None:
    # The bug surfaced after the deadline answered: its author needs where it raised, as for a
    # handler that raised in time, not only the exception's type.
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)

    def broken_late() -> Response:
        release.wait(LONG)
        raise ValueError("the late bug's own words")

    skill.add_intent_handler("Broken", broken_late)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        if on_lambda:
            answer = handler(skill)(lambda_event("Broken"), LambdaContext(60_000))
            assert speech(answer) == DEADLINE_REPLY
        else:
            with TestClient(skill) as client:
                assert client.intent("Broken").speech == DEADLINE_REPLY
        release.set()
        wait_for(lambda: "broken_late raised" in caplog.text)
    # (This handler's line: another test's thread, released, may report meanwhile.)
    (late,) = [r for r in caplog.records if "broken_late raised" in r.getMessage()]
    assert "after its deadline; discarded" in late.getMessage()
    assert late.exc_info is not None and late.exc_info[1] is not None
    assert str(late.exc_info[1]) == "the late bug's own words"
    assert 'raise ValueError("the late bug' in caplog.text  # the traceback's line of source


def test_threads_stuck_in_calls_given_up_on_on_lambda_are_counted_and_said(
    caplog: pytest.LogCaptureFixture, release: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On AWS Lambda each call runs in a thread of its own: a handler that hangs on every call
    # left one more thread each invocation, for the life of the environment, unsaid.
    from alexaskill import deadline

    monkeypatch.setattr(deadline, "LATE_THREADS_ERROR", 2)
    late = deadline._LateThreads()  # this test's own: another's threads count in theirs
    monkeypatch.setattr(deadline, "_LATE", late)
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)

    @skill.intent("Hang")
    def hang() -> Response:
        release.wait(LONG)
        return speak("too late")

    answer = handler(skill)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        assert speech(answer(lambda_event("Hang"), LambdaContext(60_000))) == DEADLINE_REPLY
        assert late.count == 1

        def said() -> list[str]:
            lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
            return [line for line in lines if "a thread cannot be stopped" in line]

        assert said() == []
        assert speech(answer(lambda_event("Hang"), LambdaContext(60_000))) == DEADLINE_REPLY
        assert late.count == 2
        (line,) = said()
        assert line.startswith("2 threads are stuck in calls of def handlers")
        release.set()
        wait_for(lambda: late.count == 0)  # each ended: no longer counted


def test_threads_stuck_on_lambda_are_said_at_most_every_10_s(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A handler that hangs on every invocation adds a stuck thread each time: from
    # `LATE_THREADS_ERROR` on, an ERROR once in `LATE_THREADS_EVERY` seconds, at the times the
    # server's rare lines are (SAID_RARELY), not one an invocation.
    from alexaskill import deadline

    now = [0.0]
    monkeypatch.setattr(deadline, "_monotonic", lambda: now[0], raising=False)
    assert deadline.LATE_THREADS_EVERY == 10.0
    late = deadline._LateThreads()
    late.count = deadline.LATE_THREADS_ERROR - 1
    said = []
    with caplog.at_level(logging.ERROR, "alexaskill"):
        for when, _ in SAID_RARELY:
            now[0] = when
            caplog.clear()
            late.began()
            messages = [r.getMessage() for r in caplog.records]
            assert all("threads are stuck in calls" in m for m in messages), messages
            said.append(len(messages) == 1)
    assert said == [due for _, due in SAID_RARELY]


@pytest.mark.anyio
@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent", "GetWeather"])
async def test_the_deadline_reply_to_stop_ends_the_session(intent: str) -> None:
    # "Sorry, that is taking longer than expected. Please try again." with the microphone open
    # kept in a user who said "stop" (their handler's goodbye saved to a slow store, say).
    skill = Skill(DEFAULT_SKILL_ID)
    called: list[bool] = []

    @skill.intent(intent)
    def slow() -> Response:
        called.append(True)
        return speak("never")

    envelope = decode_envelope(json.dumps(RequestFactory().intent(intent)).encode())
    answer = await skill._respond_by(envelope, None, time.perf_counter() - 0.1, 7.0)
    response = json.loads(answer.body)["response"]
    assert answer.outcome == "deadline" and called == []
    if intent == "GetWeather":
        assert response["outputSpeech"]["text"] == DEADLINE_REPLY
        assert response["shouldEndSession"] is False
    else:
        assert response == {"shouldEndSession": True}


@pytest.mark.parametrize("raises", [False, True])
def test_a_def_handler_ending_as_the_deadline_cancels_is_still_said_once(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, raises: bool, clock: Clock
) -> None:
    # The worker thread judged the call late by the request's "expired" mark, set only after the
    # cancellation reached the answering: a call that ended in between (here: while the watchdog
    # holds the loop right after cancelling) had its result dropped without a word.
    started, cancelled, delivered = threading.Event(), threading.Event(), threading.Event()
    tick = Watchdog._tick
    give_up = time.monotonic() + LONG

    def tick_then_hold(self: Watchdog) -> None:
        if not started.is_set() and time.monotonic() < give_up:
            # Its thread has not taken the call yet (a loaded machine can stall that past the
            # deadline, and a call still waiting then is never run): the deadline waits for it.
            self.loop.call_later(RESOLUTION, self._tick)
            return
        before = len(self._expired)
        tick(self)
        if len(self._expired) > before:  # it cancelled the request: let the call end now
            cancelled.set()
            delivered.wait(LONG)

    deliver = threads._deliver

    def deliver_and_say(*args: Any) -> None:
        deliver(*args)
        delivered.set()

    monkeypatch.setattr(Watchdog, "_tick", tick_then_hold)
    monkeypatch.setattr(threads, "_deliver", deliver_and_say)
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)

    @skill.intent("Slow")
    @pace.blocking  # in a worker thread whatever its pace
    def slow() -> Response:
        clock.skip(SHORT)  # (before it is seen started: the next tick cancels)
        started.set()
        cancelled.wait(LONG)
        if raises:
            raise LookupError("late and broken")
        return speak("too late")

    with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
        assert client.intent("Slow").speech == DEADLINE_REPLY
    lines = [r for r in caplog.records if "discarded (" in r.getMessage()]
    (line,) = lines
    assert line.levelno == logging.WARNING
    outcome = "raised LookupError" if raises else "returned"
    assert f"said_once.<locals>.slow {outcome}" in line.getMessage()
    assert "after its deadline" in line.getMessage()
    assert (line.exc_info is not None) is raises


def test_cancellations_count_the_deadlines_apart_from_the_rest() -> None:
    # What `_note_overrun` and `cancelled_from_outside` read: the pending cancellations of the
    # watched work, and the deadline's among them. An anyio cancel scope (trio's deadline)
    # counts none apart: cancelled, its one is its own.
    class Scope:
        cancel_called = False

    scope = Scope()
    assert deadline.cancellations(scope) == (0, 0)
    scope.cancel_called = True
    assert deadline.cancellations(scope) == (1, 1)

    async def run() -> list[tuple[int, int]]:
        watchdog = Watchdog(asyncio.get_running_loop())
        task = asyncio.create_task(asyncio.Event().wait())
        await asyncio.sleep(0)
        counted = [deadline.cancellations((watchdog, task))]
        task.cancel()  # the deadline's (as the watchdog counts its own), then one from outside
        watchdog._expired[task] = 1
        task.cancel()
        counted.append(deadline.cancellations((watchdog, task)))
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return counted

    assert asyncio.run(run()) == [(0, 0), (2, 1)]
