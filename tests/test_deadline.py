"""The response deadline on the web service: a handler or a hook past it, answers in time and
late, attributes at the deadline.

Its exception handlers (`DeadlineExceeded`): tests/test_deadline_exception_handlers.py; the
automatic progressive response: tests/test_deadline_progressive.py. On Lambda:
tests/test_deadline_lambda.py; its parts (the watchdog, the thread a def handler runs in, what is
logged): tests/test_deadline_parts.py; without asyncio tasks (trio): tests/test_deadline_trio.py;
handlers that swallow the deadline's cancellation: tests/test_deadline_swallowed.py.

Deadlines here are a few tenths of a second. A handler meant to outlive one sleeps for `WAIT`
(async) or waits on an event the test sets afterwards (def): if the deadline failed, the test
would fail after `WAIT` seconds, never hang. Most such handlers move the deadline's clock on
first (``clock.skip``, `tests.deadline_clock`), so that the test need not wait for it; what the
modules share is in tests/deadline_shared.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from typing import Any

import pytest

from alexaskill import (
    AudioPlayerRequest,
    ConfigurationError,
    IntentRequest,
    MemoryStore,
    Response,
    Session,
    Skill,
    pace,
    speak,
    threads,
)
from alexaskill.answering import Answering
from alexaskill.app import DEADLINE_REPLY
from alexaskill.deadline import DEFAULT_DEADLINE, RESOLUTION
from alexaskill.models import decode_envelope
from alexaskill.store import Attributes
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestClient
from alexaskill.threads import WorkerPool

from . import deadline_shared
from .deadline_clock import Clock
from .deadline_shared import LONG, SHORT, WAIT, Looks, request_lines, wait_for
from .in_threads import ended

# The fixtures of tests/deadline_shared.py, this module's too (why not conftest's: see there).
clock = deadline_shared.clock
release = deadline_shared.release


# --- configuration ------------------------------------------------------------------------------


def test_seven_seconds_by_default() -> None:
    assert Skill(DEFAULT_SKILL_ID).deadline == DEFAULT_DEADLINE == 7.0
    assert Skill(DEFAULT_SKILL_ID, deadline=None).deadline is None


@pytest.mark.parametrize("value", [0, -1.0, float("inf"), float("nan")])
def test_a_deadline_must_be_positive_seconds(value: float) -> None:
    with pytest.raises(ConfigurationError, match="deadline must be a positive number"):
        Skill(DEFAULT_SKILL_ID, deadline=value)


# --- the web service ----------------------------------------------------------------------------


def test_an_async_handler_past_the_deadline_is_cancelled(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    # The deadline is LONG, moved on by the handler alone (as in the hook test below): a
    # request stalled past a SHORT one on a loaded machine never ran its handler.
    skill = Skill(DEFAULT_SKILL_ID, deadline=LONG)
    cancelled: list[bool] = []

    @skill.launch
    async def launch() -> Response:
        clock.skip(LONG)
        try:
            await asyncio.sleep(WAIT)  # longer than the deadline
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return speak("never")

    with caplog.at_level(logging.INFO, "alexaskill"), TestClient(skill) as client:
        result = client.launch()
    assert result.status_code == 200
    assert result.speech == DEADLINE_REPLY
    assert result.should_end_session is False  # the user can try again at once
    assert cancelled == [True]
    (line,) = request_lines(caplog)
    assert line.outcome == "deadline"  # type: ignore[attr-defined]
    assert f"launch did not answer within {LONG:g} s" in caplog.text
    assert "it was cancelled" in caplog.text
    # Cancelled at the watchdog's first look past the deadline: one that let it run on to the
    # next look would say that the handler swallowed the cancellation.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_def_handler_past_the_deadline_is_discarded_and_logged(
    caplog: pytest.LogCaptureFixture, release: threading.Event, clock: Clock
) -> None:
    skill = Skill(DEFAULT_SKILL_ID, deadline=LONG)
    ended = threading.Event()

    @skill.intent("Slow")
    def slow(session: Session) -> Response:
        session.attributes["step"] = "changed by the late handler"
        clock.skip(LONG)
        release.wait(WAIT)
        ended.set()
        return speak("too late")

    with caplog.at_level(logging.INFO, "alexaskill"), TestClient(skill) as client:
        result = client.send(
            "IntentRequest",
            session=RequestFactory().session(attributes={"step": "before"}),
            intent={"name": "Slow", "confirmationStatus": "NONE", "slots": {}},
        )
        assert result.speech == DEADLINE_REPLY
        # The session goes on with the attributes the request brought, not the late handler's.
        assert result.session_attributes == {"step": "before"}
        assert "its thread runs on, and what it returns will be discarded" in caplog.text
        release.set()
        assert ended.wait(WAIT)
        wait_for(lambda: "after its deadline; discarded" in caplog.text)
    assert "discarded_and_logged.<locals>.slow returned" in caplog.text
    assert [r.outcome for r in request_lines(caplog)] == ["deadline"]  # type: ignore[attr-defined]


def test_a_def_handler_that_never_got_a_thread_is_said_not_to_have_started(
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    release: threading.Event,
    clock: Clock,
) -> None:
    # With every worker thread busy, the deadline message said "its thread runs on, and what it
    # returns will be discarded" of a call that never ran.
    pool = WorkerPool(max_workers=1)
    monkeypatch.setattr(threads, "_POOL", pool)
    # The deadline is LONG, moved on once the call waits for the thread: a request stalled past
    # a SHORT one on a loaded machine met it before its call was queued.
    skill = Skill(DEFAULT_SKILL_ID, deadline=LONG)
    ran: list[bool] = []

    @skill.intent("Quick")
    def quick() -> Response:
        ran.append(True)
        return speak("quick")

    holding = threading.Event()

    def hold() -> None:
        holding.set()
        release.wait(LONG)  # until the test ends: the request must find the thread busy

    holder = threading.Thread(target=asyncio.run, args=(pool.run(hold, {}),), daemon=True)
    # The pool's WARNING that a call waits for a thread (said once it is queued) moves the
    # deadline on: read from the log, not from the pool's queue.
    busy = _SkipWhenBusy(clock)
    holder.start()
    try:
        assert holding.wait(WAIT)
        logging.getLogger("alexaskill").addHandler(busy)
        with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
            assert client.intent("Quick").speech == DEADLINE_REPLY
    finally:
        logging.getLogger("alexaskill").removeHandler(busy)
        release.set()
        holder.join(WAIT)
    assert busy.skipped == 1  # moved on as the call waited (not met at the real LONG)
    assert "all 1 worker threads for def handlers are busy: 1 call waits" in caplog.text
    assert "quick did not answer within" in caplog.text
    assert "was never started: it waited for a worker thread" in caplog.text
    assert "runs on" not in caplog.text
    # The thread is free: a call whose request was answered is not run. The pool's one thread
    # takes its calls in turn, so the call it did run after the release went first.
    assert asyncio.run(pool.run(lambda: "after", {})) == "after"
    assert ran == []


class _SkipWhenBusy(logging.Handler):
    """Moves ``clock`` on by `LONG` when `alexaskill.threads` says that calls wait for a thread
    (its WARNING, logged once the call is queued): the request's deadline passes then."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(logging.WARNING)
        self.clock = clock
        self.skipped = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "worker threads for def handlers are busy" in record.getMessage():
            self.skipped += 1
            self.clock.skip(LONG)


def test_a_hook_past_the_deadline_is_named_not_the_handler(
    caplog: pytest.LogCaptureFixture, release: threading.Event, clock: Clock
) -> None:
    # The WARNING said that the handler's "thread runs on" of a handler never called (its
    # before-request hook hung), and "it was cancelled" of one that had returned (its
    # after-request hook hung): the operator looked for the delay in the wrong function.
    # The deadline is LONG, moved on by the hooks alone: a SHORT one, a request stalled past it
    # on a loaded machine before its hook ran, named whatever was running then.
    skill = Skill(DEFAULT_SKILL_ID, deadline=LONG)
    called: list[str] = []

    def check(request: IntentRequest) -> None:
        if request.intent.name == "Before":
            clock.skip(LONG)
            release.wait(WAIT)

    async def stamp(request: IntentRequest, response: Response) -> None:
        if request.intent.name == "After":
            clock.skip(LONG)
            await asyncio.sleep(WAIT)

    skill.add_before_request(check, intents=["Before"])
    skill.add_after_request(stamp, intents=["After"])

    @skill.intent("Before")
    async def before() -> Response:
        called.append("before")
        return speak("never")

    @skill.intent("After")
    def after() -> Response:
        called.append("after")
        return speak("too late")

    with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
        assert client.intent("Before").speech == DEADLINE_REPLY
        assert client.intent("After").speech == DEADLINE_REPLY
    assert called == ["after"]
    # ("within": a deadline past Alexa's 8 s is warned of at its start, "did not answer before")
    warnings = [r.getMessage() for r in caplog.records]
    first, second = (line for line in warnings if "did not answer within" in line)
    assert "before did not answer within" in first
    assert "the before-request hook" in first and ".check was still running" in first
    assert first.endswith("its thread runs on, and what it returns will be discarded")
    assert "after did not answer within" in second
    assert "the after-request hook" in second and ".stamp was still running" in second
    assert second.endswith("it was cancelled")


def test_a_handler_in_time_is_answered_as_usual(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    # Three seconds, not SHORT: a test thread stalled past the deadline (a loaded CI machine)
    # made a handler that is in time here late, and its outcome "deadline" (seen once in five
    # runs under load). The clock is moved on that much once the answers are out.
    in_time = 3.0
    skill = Skill(DEFAULT_SKILL_ID, deadline=in_time)
    looks = Looks(monkeypatch, clock)

    @skill.launch
    async def launch() -> Response:
        await asyncio.sleep(0.01)
        return speak("in time")

    @skill.intent("Quick")
    def quick() -> Response:
        return speak("quick")

    with caplog.at_level(logging.INFO, "alexaskill"), TestClient(skill) as client:
        assert client.launch().speech == "in time"
        assert client.intent("Quick").speech == "quick"
        answered = clock.perf_counter()
        past = answered + in_time  # later than both requests' deadlines
        clock.skip(in_time + RESOLUTION)
        # Once past the deadlines, and once the watchdog has looked after them (a stalled timer
        # has not) or has stopped, nothing left to watch: nothing fires after the answers, at the
        # next request either. (Its stopping look may come before `answered`, the test thread
        # stalled after the answer: it then looks no more, and only its state says it stopped.)
        wait_for(lambda: clock.perf_counter() > past and looks.settled(past))
        assert client.intent("Quick").speech == "quick"
    assert [r.outcome for r in request_lines(caplog)] == ["ok"] * 3  # type: ignore[attr-defined]
    assert "did not answer" not in caplog.text


def test_an_answer_sent_after_the_deadline_is_logged(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    # A def handler on the loop's thread (its calls had proved quick) that blocks holds the
    # watchdog off too: its answer went out after the deadline, logged "ok" and nothing more.
    # The deadline is LONG, moved on by the blocking call alone: a SHORT one was every request's,
    # and a quick one stalled past it on a loaded machine got the deadline's reply.
    monkeypatch.setattr(pace, "QUICK_SECONDS", 0.2)
    skill = Skill(DEFAULT_SKILL_ID, deadline=LONG)
    blocking = False

    @skill.intent("Lookup")
    def lookup() -> Response:
        if blocking:
            # A cache miss, on the loop's thread: it blocks past the deadline (the loop runs
            # nothing meanwhile, so the clock moved on is all the loop can tell of it).
            clock.skip(LONG + 0.5)
        return speak("found")

    handler = skill.registry.handlers[("IntentRequest", "Lookup")]
    with caplog.at_level(logging.INFO, "alexaskill"), TestClient(skill) as client:
        for _ in range(10 * pace.PROBATION):
            assert client.intent("Lookup").speech == "found"
            if handler.pace.inline:
                break
        assert handler.pace.inline
        blocking = True
        assert client.intent("Lookup").speech == "found"
    late = [r for r in caplog.records if "lookup answered" in r.getMessage()]
    assert [r.levelname for r in late] == ["WARNING"]
    assert (
        "test_an_answer_sent_after_the_deadline_is_logged.<locals>.lookup" in late[0].getMessage()
    )
    assert re.search(r"answered \d+\.\d\d s after its deadline", late[0].getMessage())
    assert request_lines(caplog)[-1].outcome == "ok"  # type: ignore[attr-defined]


def test_no_deadline_waits_as_long_as_it_takes(clock: Clock) -> None:
    skill = Skill(DEFAULT_SKILL_ID, deadline=None)

    @skill.launch
    async def launch() -> Response:
        clock.skip(2 * DEFAULT_DEADLINE)  # past any deadline, the default's too
        await asyncio.sleep(4 * RESOLUTION)  # time for a watchdog to look, were there one
        return speak("eventually")

    with TestClient(skill) as client:
        assert client.launch().speech == "eventually"


def test_requests_that_take_no_speech_get_an_empty_answer(clock: Clock) -> None:
    skill = Skill(DEFAULT_SKILL_ID, deadline=SHORT)

    @skill.on("AudioPlayer.PlaybackStarted")
    async def started(request: AudioPlayerRequest) -> Response:
        clock.skip(SHORT)
        await asyncio.sleep(WAIT)
        return speak("never")

    with TestClient(skill) as client:
        result = client.send("AudioPlayer.PlaybackStarted", token="t", offsetInMilliseconds=0)
    assert result.status_code == 200
    assert result.speech is None and result.json == {"version": "1.0", "response": {}}


def test_attributes_are_not_saved_when_the_deadline_passes(
    caplog: pytest.LogCaptureFixture, release: threading.Event, clock: Clock
) -> None:
    # LONG, moved on by Count alone: Peek, stalled past a SHORT one, got the deadline's reply.
    skill = Skill(DEFAULT_SKILL_ID, deadline=LONG, store=MemoryStore())
    seen: list[Any] = []

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        attributes["count"] = attributes.get("count", 0) + 1
        clock.skip(LONG)
        release.wait(WAIT)
        return speak("counted")

    @skill.intent("Peek")
    def peek(attributes: Attributes) -> Response:
        seen.append(attributes.get("count"))
        return speak("ok")

    with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
        assert client.intent("Count").speech == DEADLINE_REPLY
        release.set()
        # The abandoned handler has returned (and been discarded): nothing saves what it changed.
        wait_for(lambda: "after its deadline; discarded" in caplog.text)
        assert client.intent("Peek").speech == "ok"
    assert seen == [None]


@pytest.mark.anyio
async def test_a_deadline_spent_before_the_handler_answers_at_once() -> None:
    # Verification (a certificate download) can take the time: the handler is not even called.
    skill = Skill(DEFAULT_SKILL_ID)
    called: list[bool] = []

    @skill.launch
    def launch() -> Response:
        called.append(True)
        return speak("never")

    envelope = decode_envelope(json.dumps(RequestFactory().envelope("LaunchRequest")).encode())
    answer = await skill._respond_by(envelope, None, time.perf_counter() - 0.1, 7.0)
    assert answer.outcome == "deadline" and DEADLINE_REPLY.encode() in answer.body
    assert called == []


@pytest.mark.parametrize("asynchronous", [False, True])
def test_a_save_under_way_at_the_deadline_answers_with_the_handlers_reply(
    tmp_path: Any,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    clock: Clock,
    asynchronous: bool,
) -> None:
    # The handler returned and its change was being saved (the SQLite file locked by another
    # writer) when the deadline passed: the save completed in its thread, yet the user heard
    # "taking longer, please try again", and a retry counted twice.
    # The deadline is LONG, and the writer moves the clock past it once the save has begun:
    # with a SHORT one (every request's) and a real hold of 1.5 s, a request stalled on a
    # loaded machine met the deadline before its save began, or began it too late to meet it.
    import sqlite3

    path = tmp_path / "points.db"
    skill = Skill(DEFAULT_SKILL_ID, store=f"sqlite:///{path}", deadline=LONG)
    saving = threading.Event()
    finish = Answering._finish

    async def finishing(self: Answering, made: Any, call: Any, answer: Any) -> None:
        saving.set()  # the deadline stood down: what is saved from now is answered
        await finish(self, made, call, answer)

    monkeypatch.setattr(Answering, "_finish", finishing)
    looks = Looks(monkeypatch, clock)

    def add(attributes: Attributes) -> Response:
        return speak(f"You have {attributes.increment('points', 5)} points.")

    async def add_async(attributes: Attributes) -> Response:
        return add(attributes)

    skill.add_intent_handler("AddPoints", add_async if asynchronous else add)
    with TestClient(skill) as client:
        assert client.intent("AddPoints").speech == "You have 5 points."
        locked = threading.Event()
        saving.clear()

        def hold() -> None:
            other = sqlite3.connect(path, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            locked.set()
            saving.wait(LONG)  # the second request's save, held up by the lock
            clock.skip(LONG)
            past = clock.perf_counter()
            # The save is let through once the watchdog looked past the deadline (were the
            # request still watched, it would have cancelled it) or looks no more.
            wait_for(lambda: looks.settled(past))
            other.execute("COMMIT")
            other.close()

        holder = threading.Thread(target=hold, daemon=True)
        holder.start()
        assert locked.wait(LONG)
        with caplog.at_level(logging.WARNING, "alexaskill"):
            second = client.intent("AddPoints")
        ended(holder)
        assert second.speech == "You have 10 points."
        assert "the deadline passed while the attributes were being saved" in caplog.text
        assert client.intent("AddPoints").speech == "You have 15 points."
