"""Worker threads for def handlers: they never hold up the event loop, and the hop is exact."""

from __future__ import annotations

import asyncio
import contextvars
import gc
import json
import logging
import re
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from alexaskill import Response, Skill, speak, threads
from alexaskill.models import decode_envelope
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestClient, TestPKI
from alexaskill.threads import WorkerPool, run_in_loop, run_sync

from .test_loops import SAID_RARELY

# The longest a test waits for a thread to do something: a loaded CI machine (two cores, three
# workers) stalls a thread for seconds; only a broken pool makes a test wait this long.
WAIT = 30.0
# How long a handler the test holds waits at most: longer than WAIT, so that no stall ends it
# before the test lets it go (each test releases it, in a finally where it matters).
HELD = 60.0


class Peak:
    """Counts calls running at once, and the most seen."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = self.most = 0
        self.threads: set[int] = set()

    def __enter__(self) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
            self.threads.add(threading.get_ident())

    def __exit__(self, *exc_info: object) -> None:
        with self.lock:
            self.now -= 1


def test_twenty_handlers_blocking_at_once_take_the_time_of_one() -> None:
    # The check: 20 concurrent requests to a handler that blocks 50 ms with time.sleep
    # finish in well under 20 x 50 ms, because no call holds up the event loop.
    skill = Skill(DEFAULT_SKILL_ID)
    peak = Peak()

    # All twenty must be inside the handler at once to pass the barrier: a hop that ran them
    # one after another (or on the event loop) breaks it, whatever the machine's load.
    together = threading.Barrier(20, timeout=30)

    @skill.intent("Slow")
    def slow() -> Response:
        with peak:
            together.wait()
            time.sleep(0.05)
        return speak("Done.")

    pki = TestPKI.default()
    skill.verifier = pki.verifier()
    factory = RequestFactory()

    async def serve_twenty() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=skill)
        async with httpx.AsyncClient(transport=transport, base_url="http://skill") as client:
            # Signed before the clock starts: what is timed is serving, not the test's RSA signing.
            bodies = [
                httpx.Request("POST", "/", json=factory.intent("Slow")).content for _ in range(20)
            ]
            signed = [
                (body, {**pki.sign(body), "Content-Type": "application/json"}) for body in bodies
            ]

            async def post(body: bytes, headers: dict[str, str]) -> httpx.Response:
                return await client.post("/", content=body, headers=headers)

            return await asyncio.gather(*(post(body, headers) for body, headers in signed))

    answers = asyncio.run(serve_twenty())
    assert [a.status_code for a in answers] == [200] * 20
    assert all(a.json()["response"]["outputSpeech"]["text"] == "Done." for a in answers)
    assert peak.most == 20  # all twenty were sleeping at the same time, each in its own thread
    assert len(peak.threads) == 20  # (the barrier, not the clock: a loaded CI machine stalls)


def test_a_def_handler_runs_off_the_event_loop_with_the_callers_context() -> None:
    skill = Skill(DEFAULT_SKILL_ID)
    seen: dict[str, Any] = {}
    tag: contextvars.ContextVar[str] = contextvars.ContextVar("tag", default="unset")

    @skill.launch
    def launch() -> Response:
        seen["thread"] = threading.get_ident()
        seen["tag"] = tag.get()
        return speak("Hi.")

    @skill.intent("Where")
    async def where() -> Response:
        seen["loop thread"] = threading.get_ident()
        return speak("Here.")

    tag.set("from the caller")
    with TestClient(skill) as client:
        assert client.launch().speech == "Hi."
        assert client.intent("Where").speech == "Here."
    assert seen["thread"] != seen["loop thread"]
    assert seen["tag"] == "from the caller"  # TestClient carries the context into the app
    pool = WorkerPool()

    async def main() -> str:
        tag.set("set in the task")
        return await pool.run(tag.get, {})

    assert asyncio.run(main()) == "set in the task"


def test_a_def_handler_that_raises_gets_the_apology(caplog: pytest.LogCaptureFixture) -> None:
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.launch
    def launch() -> Response:
        raise LookupError("no such city")

    with TestClient(skill, raise_handler_errors=False) as client:
        assert client.launch().speech == "Sorry, something went wrong. Please try again later."
    assert "LookupError: no such city" in caplog.text


def test_a_def_handler_that_raises_stopiteration_gets_the_apology_at_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A Future cannot hold StopIteration (asyncio refuses it): the call then never ended, and
    # the request waited for its deadline.
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return next(iter([]))

    with TestClient(skill, raise_handler_errors=False) as client:
        # Not the 7 s deadline's answer (the speech tells them apart; no clock: CI stalls).
        assert client.launch().speech == "Sorry, something went wrong. Please try again later."
    assert "RuntimeError: the call raised StopIteration" in caplog.text
    assert "cannot be raised into a Future" not in caplog.text

    async def main() -> None:
        with pytest.raises(RuntimeError) as raised:
            await asyncio.wait_for(WorkerPool().run(_exhausted, {}), WAIT)
        assert isinstance(raised.value.__cause__, StopIteration)

    asyncio.run(main())


def test_the_pool_returns_results_and_raises_exceptions() -> None:
    pool = WorkerPool()

    def divide(a: int, b: int) -> float:
        return a / b

    async def main() -> None:
        assert await pool.run(divide, {"a": 6, "b": 3}) == 2
        with pytest.raises(ZeroDivisionError):
            await pool.run(divide, {"a": 1, "b": 0})
        with pytest.raises(KeyboardInterrupt):  # BaseException too: nothing is swallowed
            await pool.run(_interrupt, {})

    asyncio.run(main())


def _interrupt() -> None:
    raise KeyboardInterrupt


def _exhausted() -> None:
    raise StopIteration


def test_the_pool_keeps_to_its_cap_and_stops_idle_threads() -> None:
    # Ten calls at once on a pool of three: three threads, no more, each holding a call until
    # all three are in (a gate, not a sleep: on a loaded machine a call of 20 ms could end
    # before the next thread starts, and its thread take the next call instead of a new one).
    pool = WorkerPool(max_workers=3, idle_seconds=0.05)
    peak = Peak()
    gate = threading.Event()

    def work(n: int) -> int:
        with peak:
            gate.wait(HELD)
        return n * n

    async def main() -> list[int]:
        gate.clear()
        calls = [asyncio.ensure_future(pool.run(work, {"n": n})) for n in range(10)]
        try:
            # One turn of the loop queues all ten: each call starts its thread, if any, before
            # its first await, so the count of threads is final from here on.
            await asyncio.sleep(0)
            deadline = time.monotonic() + WAIT
            while peak.now < 3 and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            assert (peak.now, pool.threads) == (3, 3)
        finally:
            gate.set()
        return await asyncio.gather(*calls)

    assert asyncio.run(main()) == [n * n for n in range(10)]
    assert peak.most == 3
    deadline = time.monotonic() + WAIT
    while pool.threads and time.monotonic() < deadline:
        time.sleep(0.02)
    assert pool.threads == 0
    # A pool whose threads all stopped starts new ones.
    assert asyncio.run(main()) == [n * n for n in range(10)]
    assert peak.most == 3


def test_a_cancelled_wait_leaves_the_pool_working() -> None:
    pool = WorkerPool(max_workers=1)
    release = threading.Event()

    async def main() -> int:
        waiting = asyncio.ensure_future(pool.run(release.wait, {"timeout": HELD}))
        await asyncio.sleep(0.01)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        release.set()
        return await pool.run(round, {"number": 7.2})

    assert asyncio.run(main()) == 7


def test_a_result_for_a_closed_loop_is_dropped() -> None:
    pool = WorkerPool(max_workers=1)
    release = threading.Event()
    finished = threading.Event()

    def late() -> None:
        release.wait(HELD)
        finished.set()

    async def main() -> None:
        waiting = asyncio.ensure_future(pool.run(late, {}))
        await asyncio.sleep(0.01)
        assert not waiting.done()

    asyncio.run(main())  # cancels the wait and closes the loop, the call still running
    release.set()
    assert finished.wait(WAIT)
    # The worker survived delivering to a closed loop.
    assert asyncio.run(_square(pool, 9)) == 81


async def _square(pool: WorkerPool, n: int) -> int:
    return await pool.run(pow, {"base": n, "exp": 2})


def test_run_in_loop_reaches_the_awaiting_loop_from_a_worker() -> None:
    async def double(n: int) -> tuple[int, int]:
        return n * 2, threading.get_ident()

    def in_worker() -> tuple[int, int]:
        return run_in_loop(double, 21)

    async def main() -> tuple[tuple[int, int], int]:
        return await run_sync(in_worker, {}), threading.get_ident()

    (value, thread), loop_thread = asyncio.run(main())
    assert value == 42
    assert thread == loop_thread
    with pytest.raises(RuntimeError, match="not in a worker thread"):
        run_in_loop(double, 1)


def test_a_forked_child_starts_its_own_threads() -> None:
    script = """
import asyncio, os
from alexaskill.threads import run_sync
assert asyncio.run(run_sync(round, {"number": 1.2})) == 1
pid = os.fork()
if pid == 0:
    os._exit(0 if asyncio.run(run_sync(round, {"number": 2.2})) == 2 else 1)
_, status = os.waitpid(pid, 0)
print("child", os.waitstatus_to_exitcode(status))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.stdout.strip() == "child 0", done.stderr


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
    release = threading.Event()
    running = threading.Semaphore(0)

    def block() -> None:
        running.release()
        release.wait(HELD)

    def busy_warnings() -> list[str]:
        return [r.getMessage() for r in caplog.records if "worker threads" in r.getMessage()]

    async def main() -> None:
        first = [asyncio.ensure_future(pool.run(block, {})) for _ in range(2)]
        for _ in range(2):  # both threads busy
            assert await asyncio.to_thread(running.acquire, timeout=WAIT)
        assert busy_warnings() == []
        waiting = [asyncio.ensure_future(pool.run(round, {"number": 1.5})) for _ in range(3)]
        await asyncio.sleep(0)
        assert len(busy_warnings()) == 1  # once, not once a call
        now[0] += threads.BUSY_WARNING_EVERY
        waiting.append(asyncio.ensure_future(pool.run(round, {"number": 2.5})))
        await asyncio.sleep(0)
        release.set()
        assert await asyncio.gather(*first, *waiting) == [None, None, 2, 2, 2, 2]

    with caplog.at_level(logging.WARNING, "alexaskill"):
        asyncio.run(main())
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
        behind = threading.Thread(target=asyncio.run, args=(pool.run(after.set, {}),))
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


class _FailingStarts:
    """``threading.Thread.start`` failing for the pool's workers while ``failing`` is set, as it
    does at the limit of threads or memory."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.failing = False
        original = threading.Thread.start

        def start(thread: threading.Thread) -> None:
            if self.failing and thread.name == "alexaskill-worker":
                raise RuntimeError("can't start new thread")
            original(thread)

        monkeypatch.setattr(threading.Thread, "start", start)


def test_a_worker_that_cannot_start_leaves_no_phantom_and_no_call_behind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The pool counted the thread and queued the call before starting it: when the start
    # failed, the caller got RuntimeError, yet the pool believed it had the thread, and the call
    # ran later on another.
    starts = _FailingStarts(monkeypatch)
    pool = WorkerPool(max_workers=3)
    ran: list[str] = []

    async def main() -> float:
        starts.failing = True
        with pytest.raises(RuntimeError, match="can't start new thread"):
            await pool.run(ran.append, {"object": "refused"})
        assert pool.threads == 0
        starts.failing = False
        result: float = await pool.run(round, {"number": 2.5, "ndigits": 1})
        await asyncio.sleep(0.1)
        return result

    assert asyncio.run(main()) == 2.5
    assert ran == []
    assert pool.threads == 1


def test_a_worker_that_cannot_start_leaves_the_call_to_the_threads_alive(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    starts = _FailingStarts(monkeypatch)
    pool = WorkerPool(max_workers=3)
    release = threading.Event()

    async def main() -> list[Any]:
        busy: asyncio.Future[Any] = asyncio.ensure_future(pool.run(release.wait, {"timeout": HELD}))
        await asyncio.sleep(0.05)  # one thread, busy
        starts.failing = True
        waiting = asyncio.ensure_future(pool.run(round, {"number": 7.2}))
        await asyncio.sleep(0.05)
        starts.failing = False
        release.set()
        return list(await asyncio.gather(busy, waiting))

    with caplog.at_level(logging.WARNING, "alexaskill"):
        assert asyncio.run(main()) == [True, 7]
    assert pool.threads == 1
    assert "could not start a worker thread (can't start new thread)" in caplog.text


def test_threads_stuck_in_calls_given_up_on_do_not_starve_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Handlers that never return held every thread of the pool for ever: once their deadline
    # had answered their users, every def handler of every skill waited for a thread, and each
    # user heard the deadline's reply. A thread whose caller gave up on its call now no longer
    # counts against the cap: the next calls get threads of their own.
    pool = WorkerPool(max_workers=2)
    release = threading.Event()
    running = threading.Semaphore(0)

    def stuck() -> None:
        running.release()
        release.wait(HELD)

    async def main() -> list[float]:
        given_up = [asyncio.ensure_future(pool.run(stuck, {})) for _ in range(2)]
        for _ in range(2):
            assert await asyncio.to_thread(running.acquire, timeout=WAIT)
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
        assert not release.is_set()
    finally:
        release.set()
    # Once their calls end, the stuck threads are the pool's again, within its cap.
    deadline = time.monotonic() + WAIT
    while pool.abandoned and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pool.abandoned == 0
    assert asyncio.run(_square(pool, 5)) == 25


def test_the_threads_given_up_on_are_bounded_and_said_when_they_reach_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Every call of a handler that never returns would take another thread for ever: past
    # max_abandoned, threads given up on count against the cap again, with an ERROR.
    pool = WorkerPool(max_workers=1, max_abandoned=1)
    release = threading.Event()
    running = threading.Semaphore(0)

    def stuck() -> None:
        running.release()
        release.wait(HELD)

    async def give_up_on_one() -> None:
        call = asyncio.ensure_future(pool.run(stuck, {}))
        assert await asyncio.to_thread(running.acquire, timeout=WAIT)
        call.cancel()
        await asyncio.gather(call, return_exceptions=True)

    async def main() -> None:
        await give_up_on_one()
        assert pool.abandoned == 1
        await give_up_on_one()  # a thread of its own, the first no longer counting
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
        release.set()
        assert await asyncio.wait_for(waiting, WAIT) == 2

    try:
        with caplog.at_level(logging.WARNING, "alexaskill"):
            asyncio.run(main())
    finally:
        release.set()
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
    release = threading.Event()
    running = threading.Semaphore(0)

    def stuck() -> None:
        running.release()
        release.wait(HELD)

    lock = threading.Lock()
    at_once = [0, 0]  # now, most
    go_on = threading.Event()

    def counted() -> None:
        with lock:
            at_once[0] += 1
            at_once[1] = max(at_once)
        running.release()
        go_on.wait(HELD)
        with lock:
            at_once[0] -= 1

    async def main() -> None:
        for _ in range(3):  # three calls given up on, as a deadline does
            call = asyncio.ensure_future(pool.run(stuck, {}))
            assert await asyncio.to_thread(running.acquire, timeout=WAIT)
            call.cancel()
            await asyncio.gather(call, return_exceptions=True)
        assert (pool.threads, pool.abandoned) == (3, 3)
        release.set()
        deadline = time.monotonic() + WAIT
        while pool.abandoned and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert (pool.threads, pool.abandoned) == (1, 0)
        calls = asyncio.gather(*(pool.run(counted, {}) for _ in range(3)))
        assert await asyncio.to_thread(running.acquire, timeout=WAIT)
        await asyncio.sleep(0.1)  # (time for another thread, were there one, to start a call)
        assert at_once == [1, 1]
        go_on.set()
        await asyncio.wait_for(calls, WAIT)

    try:
        asyncio.run(main())
    finally:
        release.set()
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
            assert await asyncio.to_thread(lambda: _until(lambda: bool(ran)))
            assert pool.abandoned == 1
        # The next call gets a thread, the stuck one or not.
        return await asyncio.wait_for(pool.run(round, {"number": 2.5, "ndigits": 1}), WAIT)

    try:
        with asyncio.Runner(loop_factory=_GivingUpLoop) as runner:
            assert runner.run(main()) == 2.5
    finally:
        release.set()
    assert ran == ([] if afterwards else ["stuck"])
    assert _until(lambda: pool.abandoned == 0)
    assert pool.threads <= 1


def _until(condition: Any) -> bool:
    """Whether ``condition()`` came true within `WAIT` seconds."""
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_what_a_def_handler_sets_in_its_context_stays_in_its_own_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One worker thread serves both requests, and the first one's handler sets a context
    # variable: the second sees its own request's value, not the thread's left-overs (a hop
    # that ran each call in a context kept per thread, or in the thread's own, would leak it).
    pool = WorkerPool(max_workers=1)
    monkeypatch.setattr(threads, "_POOL", pool)
    skill = Skill(DEFAULT_SKILL_ID, def_handlers="threads")
    user: contextvars.ContextVar[str] = contextvars.ContextVar("user", default="nobody")
    seen: list[tuple[str, int]] = []

    @skill.intent("Who")
    def who() -> Response:
        seen.append((user.get(), threading.get_ident()))
        user.set("set by the handler")
        return speak("Noted.")

    factory = RequestFactory(skill_id=DEFAULT_SKILL_ID)
    body = json.dumps(factory.intent("Who")).encode()

    async def ask(name: str) -> str:
        user.set(name)
        answer = await skill.respond(decode_envelope(body))
        return user.get() if answer.outcome == "ok" else answer.outcome

    async def main() -> list[str]:
        # Each in a task of its own, as each request is served.
        return [await asyncio.create_task(ask(name)) for name in ("first", "second")]

    assert asyncio.run(main()) == ["first", "second"]  # the request's own, after the handler
    assert [value for value, _ in seen] == ["first", "second"]
    assert len({thread for _, thread in seen}) == 1  # (the same thread for both)


def test_a_def_handler_that_raises_is_logged_once_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(DEFAULT_SKILL_ID, def_handlers="threads")

    @skill.launch
    def launch() -> Response:
        raise LookupError("no such city")

    with (
        caplog.at_level(logging.INFO, "alexaskill"),
        TestClient(skill, raise_handler_errors=False) as client,
    ):
        assert client.launch().speech == "Sorry, something went wrong. Please try again later."
    failed = [r for r in caplog.records if r.exc_info is not None]
    assert len(failed) == 1 and failed[0].levelname == "ERROR"
    assert failed[0].exc_info is not None and isinstance(failed[0].exc_info[1], LookupError)
    assert caplog.text.count("LookupError: no such city") == 1
    assert "in launch" in caplog.text  # the handler's own frame, in the thread, is in it


def test_under_another_loop_a_cancelled_call_is_given_up_on() -> None:
    # run_sync's path for loops other than asyncio's (trio: anyio's threads), run here through
    # anyio on asyncio: the request's cancellation (its deadline) ends the waiting at once and
    # the call runs on, unheard. (starlette's run_in_threadpool waited for the thread.)
    import anyio

    started, release = threading.Event(), threading.Event()
    ended: list[bool] = []

    def block() -> None:
        started.set()
        release.wait(WAIT)
        ended.append(True)

    async def main() -> bool:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(threads._anyio_run_sync, block, {})
            give_up = time.monotonic() + WAIT
            while not started.is_set() and time.monotonic() < give_up:
                await anyio.sleep(0.01)
            tasks.cancel_scope.cancel()
        return not ended  # given up on while the call still ran

    try:
        assert anyio.run(main, backend="asyncio")
    finally:
        release.set()
