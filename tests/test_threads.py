"""Worker threads for def handlers: they never hold up the event loop, the hop is exact, and a
thread that cannot start leaves nothing behind."""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import subprocess
import sys
import threading
import time
from typing import Any, Literal

import httpx
import pytest

from alexaskill import Response, Skill, speak, threads
from alexaskill.models import decode_envelope
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestClient, TestPKI
from alexaskill.threads import WorkerPool, run_in_loop, run_sync

from .threads_shared import HELD, WAIT, square, until


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
    assert until(lambda: pool.threads == 0)
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
    assert asyncio.run(square(pool, 9)) == 81


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
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=30,
        check=False,
    )
    assert done.stdout.strip() == "child 0", done.stderr


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


@pytest.mark.parametrize("def_handlers", ["adaptive", "threads"])
def test_a_def_handler_that_raises_gets_the_apology_logged_once_with_its_traceback(
    caplog: pytest.LogCaptureFixture, def_handlers: Literal["adaptive", "threads"]
) -> None:
    # The same with either way of running def handlers (adaptive: a thread until calls prove
    # quick, as this first one is not yet known to be).
    skill = Skill(DEFAULT_SKILL_ID, def_handlers=def_handlers)

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
