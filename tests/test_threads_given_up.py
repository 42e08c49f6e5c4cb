"""Worker threads under strain: a busy pool said, calls given up on (their deadline answered)
let go or not run, threads stuck in them, all within the pool's cap."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import re
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

import pytest

from alexaskill import Response, Skill, speak, threads
from alexaskill.models import decode_envelope
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory
from alexaskill.threads import WorkerPool

from .said_rarely import SAID_RARELY
from .threads_shared import HELD, WAIT, Stuck, square, until


def test_a_call_whose_caller_gave_up_before_a_thread_was_free_is_not_run() -> None:
    # Under overload the calls of requests already answered (their deadline passed while they
    # waited for a thread) still ran, each delaying the next: now a call not yet started when
    # its caller gives up is dropped. One already running still finishes (it cannot be stopped).
    pool = WorkerPool(max_workers=1)
    ran: list[str] = []
    busy = threading.Event()
    release = threading.Event()

    def block() -> None:
        busy.set()
        release.wait(60)  # held until the test lets go: a stall cannot free the thread early
        ran.append("first")

    async def main() -> str:
        first = asyncio.ensure_future(pool.run(block, {}))
        assert await asyncio.to_thread(busy.wait, 30)  # the one thread is busy
        waiting = asyncio.ensure_future(pool.run(lambda: ran.append("second"), {}))
        await asyncio.sleep(0.05)
        waiting.cancel()
        release.set()
        await first
        await asyncio.sleep(0.1)  # the thread is free: it would run the queued call now
        return await pool.run(lambda: "third", {})  # and the pool still serves

    assert asyncio.run(main()) == "third"
    assert ran == ["first"]
    assert pool.threads == 1


def test_calls_waiting_for_a_busy_pool_are_logged_once_in_a_while(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A slow dependency took every thread of the process's pool, and every def handler of every
    # skill waited for one, answered by the deadline, with nothing in the log to say why.
    now = [1000.0]
    monkeypatch.setattr(threads, "_monotonic", lambda: now[0], raising=False)
    pool = WorkerPool(max_workers=2)
    block = Stuck()

    def busy_warnings() -> list[str]:
        return [r.getMessage() for r in caplog.records if "worker threads" in r.getMessage()]

    async def main() -> None:
        first = [asyncio.ensure_future(pool.run(block, {})) for _ in range(2)]
        await block.started(2)  # both threads busy
        assert busy_warnings() == []
        waiting = [asyncio.ensure_future(pool.run(round, {"number": 1.5})) for _ in range(3)]
        await asyncio.sleep(0)
        assert len(busy_warnings()) == 1  # once, not once a call
        now[0] += threads.BUSY_WARNING_EVERY
        waiting.append(asyncio.ensure_future(pool.run(round, {"number": 2.5})))
        await asyncio.sleep(0)
        block.release.set()
        assert await asyncio.gather(*first, *waiting) == [None, None, 2, 2, 2, 2]

    try:
        with caplog.at_level(logging.WARNING, "alexaskill"):
            asyncio.run(main())
    finally:
        block.release.set()
    said = busy_warnings()
    assert len(said) == 2
    levels = {r.levelname for r in caplog.records if "worker threads" in r.getMessage()}
    assert levels == {"WARNING"}
    assert "all 2 worker threads" in said[0] and "1 call waits" in said[0]
    assert "4 calls wait" in said[1]


def test_each_warning_of_the_pool_is_said_at_most_every_10_s(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pool's three lines (calls waiting, a thread that did not start, too many threads given
    # up on) each come with every call while their cause lasts: each is said once in
    # `BUSY_WARNING_EVERY` seconds, at the times the server's rare lines are (SAID_RARELY),
    # whatever the others said meanwhile.
    now = [0.0]
    monkeypatch.setattr(threads, "_monotonic", lambda: now[0], raising=False)
    assert threads.BUSY_WARNING_EVERY == 10.0
    pool = WorkerPool(max_workers=2, max_abandoned=1)

    def start_failed() -> None:
        pool._threads, pool._idle = 2, 0  # one thread alive besides the one that did not start
        assert pool._not_started(RuntimeError("can't start new thread"))

    lines: dict[str, Callable[[], None]] = {
        "all 2 worker threads for def handlers are busy": lambda: pool._busy(3),
        "could not start a worker thread": start_failed,
        "2 worker threads are stuck in calls": lambda: pool._too_many_abandoned(2),
    }
    said: dict[str, list[bool]] = {line: [] for line in lines}
    with caplog.at_level(logging.WARNING, "alexaskill"):
        for when, _ in SAID_RARELY:
            now[0] = when
            for start, step in lines.items():
                caplog.clear()
                step()
                messages = [r.getMessage() for r in caplog.records]
                assert all(m.startswith(start) for m in messages), messages
                said[start].append(len(messages) == 1)
    due = [due for _, due in SAID_RARELY]
    assert said == {line: due for line in lines}


class _Big:
    """Stands for what a call holds: its arguments, the request's envelope."""


def test_a_call_whose_caller_gave_up_lets_go_of_its_arguments_at_once(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With every thread stuck, each call of a request answered by its deadline stayed in the
    # queue (its arguments, the envelope, a copy of the context) until a thread took it: for
    # ever, +45 MB after 3,000 requests. Now its job is emptied when its caller gives up, and
    # the emptied jobs are taken out of the queue when the pool says it is busy.
    now = [1000.0]
    monkeypatch.setattr(threads, "_monotonic", lambda: now[0], raising=False)
    pool = WorkerPool(max_workers=1)
    release = threading.Event()
    held: list[weakref.ref[_Big]] = []

    def use(big: _Big) -> None:
        pass

    async def main() -> int:
        stuck = asyncio.ensure_future(pool.run(release.wait, {"timeout": HELD}))
        await asyncio.sleep(0.05)  # the one thread is taken
        for _ in range(20):
            big = _Big()
            held.append(weakref.ref(big))
            waiting = asyncio.ensure_future(pool.run(use, {"big": big}))
            del big
            await asyncio.sleep(0)
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
        # A cancelled task keeps its CancelledError, whose traceback has the call's arguments,
        # until it and the loop's callbacks for it are gone.
        del waiting
        await asyncio.sleep(0.01)
        gc.collect()
        alive = sum(ref() is not None for ref in held)
        now[0] += threads.BUSY_WARNING_EVERY
        last = asyncio.ensure_future(pool.run(round, {"number": 3.2}))
        await asyncio.sleep(0)
        release.set()
        await stuck
        assert await last == 3
        return alive

    with caplog.at_level(logging.WARNING, "alexaskill"):
        assert asyncio.run(main()) == 0
    said = [r.getMessage() for r in caplog.records if "worker threads" in r.getMessage()]
    # The second warning counts the calls that wait, not the jobs their callers gave up.
    assert len(said) == 2 and "1 call waits" in said[1]


def test_a_queued_call_given_up_on_is_let_go_by_its_caller_and_skipped_by_its_thread() -> None:
    # Two guards, each on its own: the caller that gives up empties the job it queued (what the
    # call holds goes at once, however long every thread stays busy), and the thread that takes
    # a job whose future is cancelled does not run it. The thread looks at the future because
    # the task learns of its cancellation a step of the loop later than the future does: a
    # thread freed in between found the job still whole. (The test above that a call given up
    # on is not run passes with either guard taken out, the other one covering for it.)
    pool = WorkerPool(max_workers=1)
    release = threading.Event()
    ran: list[str] = []
    busy = threading.Event()
    after = threading.Event()  # a call queued behind the other two has run

    def block() -> None:
        busy.set()
        release.wait(HELD)

    def use(big: _Big) -> None:
        ran.append("given up on")

    async def main() -> bool:
        first = asyncio.ensure_future(pool.run(block, {}))
        assert await asyncio.to_thread(busy.wait, WAIT)  # the one thread is busy
        big = _Big()
        held = weakref.ref(big)
        let_go = asyncio.ensure_future(pool.run(use, {"big": big}))
        del big
        await asyncio.sleep(0)  # its job queued
        let_go.cancel()
        with pytest.raises(asyncio.CancelledError):
            await let_go
        # Its CancelledError's traceback holds the call's arguments until the task and the
        # loop's callbacks for it are gone.
        del let_go
        await asyncio.sleep(0)
        gc.collect()
        gone = held() is None  # while the thread is still busy: the caller let go of the job
        skipped = asyncio.ensure_future(pool.run(use, {"big": _Big()}))
        await asyncio.sleep(0)  # its job queued
        skipped.cancel()  # its future cancelled now; its task runs its except at the next step
        # The loop runs nothing more until the thread has passed that job: only its look at
        # the future can keep it from running the call.
        behind = threading.Thread(target=asyncio.run, args=(pool.run(after.set, {}),), daemon=True)
        behind.start()
        release.set()
        assert after.wait(WAIT)
        behind.join(WAIT)
        await first
        with pytest.raises(asyncio.CancelledError):
            await skipped
        return gone

    assert asyncio.run(main())
    assert ran == []


def test_threads_stuck_in_calls_given_up_on_do_not_starve_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Handlers that never return held every thread of the pool for ever: once their deadline
    # had answered their users, every def handler of every skill waited for a thread, and each
    # user heard the deadline's reply. A thread whose caller gave up on its call now no longer
    # counts against the cap: the next calls get threads of their own.
    pool = WorkerPool(max_workers=2)
    stuck = Stuck()

    async def main() -> list[float]:
        given_up = [asyncio.ensure_future(pool.run(stuck, {})) for _ in range(2)]
        await stuck.started(2)
        queued = asyncio.ensure_future(pool.run(round, {"number": 1.5}))  # waits for a thread
        await asyncio.sleep(0)
        for call in given_up:  # as a deadline does
            call.cancel()
        await asyncio.gather(*given_up, return_exceptions=True)
        assert pool.abandoned == 2
        # The call that was waiting, and new ones, run while the two threads stay stuck.
        served = [await asyncio.wait_for(queued, WAIT)]
        served += await asyncio.wait_for(
            asyncio.gather(*(pool.run(round, {"number": n}) for n in (2.5, 3.5))), WAIT
        )
        return served

    try:
        with caplog.at_level(logging.WARNING, "alexaskill"):
            assert asyncio.run(main()) == [2, 2, 4]
        assert not stuck.release.is_set()
    finally:
        stuck.release.set()
    # Once their calls end, the stuck threads are the pool's again, within its cap.
    assert until(lambda: pool.abandoned == 0)
    assert asyncio.run(square(pool, 5)) == 25


def test_the_threads_given_up_on_are_bounded_and_said_when_they_reach_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Every call of a handler that never returns would take another thread for ever: past
    # max_abandoned, threads given up on count against the cap again, with an ERROR.
    pool = WorkerPool(max_workers=1, max_abandoned=1)
    stuck = Stuck()

    async def main() -> None:
        await stuck.given_up_on(pool)
        assert pool.abandoned == 1
        await stuck.given_up_on(pool)  # a thread of its own, the first no longer counting
        assert pool.abandoned == 1  # the second one counts against the cap
        assert pool.threads == 2
        waiting = asyncio.ensure_future(pool.run(round, {"number": 1.5}))
        # Until the call has chosen: to wait for a busy thread (said at WARNING, the pool's
        # first such line), or a thread started.
        deadline = time.monotonic() + WAIT
        while not _waits(caplog) and pool.threads == 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert pool.threads == 2  # the cap holds: no third thread
        assert _waits(caplog) == ["1 call waits"]
        assert not waiting.done()
        stuck.release.set()
        assert await asyncio.wait_for(waiting, WAIT) == 2

    try:
        with caplog.at_level(logging.WARNING, "alexaskill"):
            asyncio.run(main())
    finally:
        stuck.release.set()
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert "2 worker threads are stuck" in errors[0]
    assert "past 1, such threads count against the pool's 1 again" in errors[0]


def _waits(caplog: pytest.LogCaptureFixture) -> list[str]:
    """How many calls wait for a thread, as each of the pool's busy warnings so far says."""
    said = [r.getMessage() for r in caplog.records if "worker threads for def" in r.getMessage()]
    return [found for line in said for found in re.findall(r"\d+ calls? waits?", line)]


def test_fifty_stuck_def_handlers_leave_the_others_served(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The brief's case, at a smaller scale (a pool of 4): more handlers stuck for ever than
    # there are threads. Their users hear the deadline's reply; the next user of a quick def
    # handler is answered by it, not by the deadline (it waited for a thread that never came).
    pool = WorkerPool(max_workers=4)
    monkeypatch.setattr(threads, "_POOL", pool)
    skill = Skill(DEFAULT_SKILL_ID, deadline=1.0, def_handlers="threads")
    release = threading.Event()

    @skill.intent("Stuck")
    def stuck_handler() -> Response:
        release.wait(30)
        return speak("Too late.")

    @skill.intent("Quick")
    def quick() -> Response:
        return speak("Quick.")

    factory = RequestFactory(skill_id=DEFAULT_SKILL_ID)

    async def ask(name: str) -> str:
        body = json.dumps(factory.intent(name)).encode()
        at = time.perf_counter() + 1.0
        answer = await skill._respond_by(decode_envelope(body), body, at, 1.0)
        return answer.outcome

    async def main() -> tuple[list[str], list[str]]:
        stuck = await asyncio.gather(*(ask("Stuck") for _ in range(6)))
        return stuck, await asyncio.gather(*(ask("Quick") for _ in range(3)))

    try:
        with caplog.at_level(logging.WARNING, "alexaskill"):
            stuck, quick_outcomes = asyncio.run(main())
    finally:
        release.set()
    assert stuck == ["deadline"] * 6
    assert quick_outcomes == ["ok"] * 3


def test_threads_given_up_on_that_come_back_leave_the_pool_within_its_cap() -> None:
    # A thread stuck in a call given up on rejoined the pool as an idle thread when the call
    # ended: the pool then held more than max_workers threads and ran more than max_workers
    # calls at once (up to max_workers + max_abandoned), overflowing, say, a database pool
    # sized to it. A thread that comes back past the cap now ends instead.
    pool = WorkerPool(max_workers=1)
    stuck = Stuck()
    lock = threading.Lock()
    at_once = [0, 0]  # now, most
    go_on = threading.Event()

    def counted() -> None:
        with lock:
            at_once[0] += 1
            at_once[1] = max(at_once)
        stuck.running.release()  # (begun, as a stuck call tells it)
        go_on.wait(HELD)
        with lock:
            at_once[0] -= 1

    async def main() -> None:
        for _ in range(3):  # three calls given up on, as a deadline does
            await stuck.given_up_on(pool)
        assert (pool.threads, pool.abandoned) == (3, 3)
        stuck.release.set()
        assert await asyncio.to_thread(until, lambda: pool.abandoned == 0)
        assert (pool.threads, pool.abandoned) == (1, 0)
        calls = asyncio.gather(*(pool.run(counted, {}) for _ in range(3)))
        await stuck.started()
        await asyncio.sleep(0.1)  # (time for another thread, were there one, to start a call)
        assert at_once == [1, 1]
        go_on.set()
        await asyncio.wait_for(calls, WAIT)

    try:
        asyncio.run(main())
    finally:
        stuck.release.set()
        go_on.set()
    assert at_once == [0, 1]
    assert pool.threads == 1


class _GivingUpLoop(asyncio.SelectorEventLoop):
    """An event loop whose futures let a test act at the moment a worker thread looks whether
    a call's caller gave up (``future.cancelled()``), before the worker takes the call: the
    test's ``at_look`` runs then, in the worker, and what the look saw before it is returned
    (``afterwards=False``) or what it sees after it (``afterwards=True``)."""

    at_look: Any = None
    afterwards = False

    def create_future(self) -> asyncio.Future[Any]:
        return _LookedAt(loop=self)


class _LookedAt(asyncio.Future):  # type: ignore[type-arg]
    def cancelled(self) -> bool:
        loop: Any = self.get_loop()
        at_look, seen = loop.at_look, super().cancelled()
        if at_look is None or threading.current_thread().name != "alexaskill-worker":
            return seen
        loop.at_look = None
        at_look()
        return super().cancelled() if loop.afterwards else seen


@pytest.mark.parametrize("afterwards", [False, True], ids=["look first", "give up first"])
def test_a_caller_giving_up_as_a_thread_takes_its_call_leaves_the_thread_given_up_on(
    afterwards: bool,
) -> None:
    # The worker looked whether the caller had given up, then marked the call as running: a
    # caller that gave up between the two (its deadline passing then) saw a call not yet taken
    # and let it go, but the worker ran it, counted against the cap for as long as it ran. A
    # call that never returns took one of the threads for good, and with every thread lost so,
    # every def handler waited for a thread. The call is now marked before the look.
    pool = WorkerPool(max_workers=1)
    release = threading.Event()
    ran: list[str] = []

    def stuck() -> None:
        ran.append("stuck")
        release.wait(HELD)

    async def main() -> float:
        loop: Any = asyncio.get_running_loop()
        gave_up = threading.Event()
        call = asyncio.ensure_future(pool.run(stuck, {}))

        def give_up_now() -> None:  # in the worker, as it looks
            loop.call_soon_threadsafe(call.cancel)
            assert gave_up.wait(WAIT)

        loop.at_look, loop.afterwards = give_up_now, afterwards
        with pytest.raises(asyncio.CancelledError):
            await call
        gave_up.set()
        if not afterwards:  # the worker runs the call, given up on: its thread no longer counts
            assert await asyncio.to_thread(lambda: until(lambda: bool(ran)))
            assert pool.abandoned == 1
        # The next call gets a thread, the stuck one or not.
        return await asyncio.wait_for(pool.run(round, {"number": 2.5, "ndigits": 1}), WAIT)

    try:
        with asyncio.Runner(loop_factory=_GivingUpLoop) as runner:
            assert runner.run(main()) == 2.5
    finally:
        release.set()
    assert ran == ([] if afterwards else ["stuck"])
    assert until(lambda: pool.abandoned == 0)
    assert pool.threads <= 1
