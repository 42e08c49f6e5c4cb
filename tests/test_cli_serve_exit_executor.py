"""``alexaskill serve`` held at exit by a worker thread of asyncio's default executor
(``asyncio.to_thread``, ``loop.run_in_executor(None, …)``) in a call that never returns: ended
within its exit bound (`alexaskill.cli.serve_exit.exit_bounded`), the thread said as asyncio's;
one of a thread pool the app made, as the app's pool's. (The app's threads and anyio's:
tests/test_cli_serve_exit.py.)"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from alexaskill import loops
from alexaskill.cli import serve_exit, serve_loop
from alexaskill.testing import RequestFactory, TestPKI

from .cli_serve_exit_shared import serving, wait_in_log
from .conftest import SKILL_ID

pytestmark = pytest.mark.oldest_dependencies

#: A skill whose async handler awaits, in a thread of asyncio's default executor, a blocking
#: call that never returns (its ``{pki}``: the directory of the `TestPKI` it trusts).
_STUCK_IN_TO_THREAD = f"""
import asyncio, time
from alexaskill import Skill, speak
from alexaskill.testing import TestPKI

skill = Skill({SKILL_ID!r})
skill.verifier = TestPKI.load({{pki!r}}).verifier()

@skill.intent("Hello")
async def hello():
    print("in the call", flush=True)
    await asyncio.to_thread(time.sleep, 3600)
    return speak("never said")
"""

_ASYNCIOS = (
    "the event loop's default executor threads ('asyncio_0' in time.sleep), each in a blocking "
    "call run off the event loop (asyncio.to_thread, loop.run_in_executor(None, …)) that has not "
    "returned: ending it without them, status 1 (give such a call a timeout under "
    "--timeout-graceful-shutdown, or lengthen it)"
)


def _ask(url: str, pki: TestPKI) -> None:
    """A signed Hello intent posted to ``url``, its answer (or the connection's end) ignored."""
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Hello")).encode()
    headers = {"Content-Type": "application/json", **pki.sign(body)}
    with contextlib.suppress(httpx.HTTPError):  # (cut as the server stops)
        httpx.post(url, content=body, headers=headers, timeout=60)


@pytest.mark.parametrize("workers", [(), ("--workers", "2")], ids=["one process", "workers 2"])
def test_serve_held_by_a_call_in_asyncio_to_thread_ends_within_its_bound(
    tmp_path: Path, workers: tuple[str, ...]
) -> None:
    # asyncio's loop, closed once the server had stopped, waited for its default executor's
    # threads (shutdown_default_executor), before serve's exit bound was armed: held for ever
    # after a Ctrl-C, the request in flight.
    pki = TestPKI()
    pki.save(tmp_path)
    (tmp_path / "stuck.py").write_text(
        _STUCK_IN_TO_THREAD.format(pki=str(tmp_path)), encoding="utf-8"
    )
    command = [sys.executable, "-m", "alexaskill", "serve", "stuck:skill", "--host", "127.0.0.1"]
    options = ["--port", "0", "--timeout-graceful-shutdown", "1", *workers]
    log = tmp_path / "serve.log"
    servers = 2 if workers else 1
    with serving([*command, *options], tmp_path, log, servers, group=True) as process:
        port = re.search(
            r"Uvicorn running on http://127\.0\.0\.1:(\d+)", log.read_text(encoding="utf-8")
        )
        assert port, log.read_text(encoding="utf-8")
        url = f"http://127.0.0.1:{port[1]}/"
        threading.Thread(target=_ask, args=(url, pki), daemon=True).start()
        wait_in_log(process, log, "in the call")
        os.killpg(process.pid, signal.SIGINT)
        try:
            status = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still held a minute after its Ctrl-C: {log.read_text(encoding='utf-8')}")
    said = log.read_text(encoding="utf-8")
    held = re.findall(
        r"server process \[\d+\] has not exited 1 s after its server stopped: (.*)", said
    )
    assert held == [f"Python waits at exit for {_ASYNCIOS}"], said
    assert status == 1, said
    assert "of the app" not in said, said
    assert "Traceback" not in said, said


#: A process held at exit by a thread of asyncio's default executor in a call that has not
#: returned, its loop left open (not closed, nor its executor shut down).
_HELD_BY_THE_DEFAULT_EXECUTOR = """
import asyncio, threading
from alexaskill.cli.serve_exit import exit_bounded

never = threading.Event()
asyncio.new_event_loop().run_in_executor(None, never.wait)
exit_bounded(0.5)
"""

#: A process held at exit by a thread of a thread pool the app made itself, in a call.
_HELD_BY_THE_APPS_EXECUTOR = _HELD_BY_THE_DEFAULT_EXECUTOR.replace(
    "asyncio.new_event_loop().run_in_executor(None, never.wait)",
    "from concurrent.futures import ThreadPoolExecutor\npool = ThreadPoolExecutor()\n"
    "pool.submit(never.wait)",
)

#: A process held by a thread of the app's own pool named as asyncio names its default
#: executor's (``asyncio_0``), in a process whose loop serve made (`serve_loop.new_event_loop`).
_HELD_BY_THE_APPS_EXECUTOR_NAMED_ASYNCIO = _HELD_BY_THE_DEFAULT_EXECUTOR.replace(
    "asyncio.new_event_loop().run_in_executor(None, never.wait)",
    "from concurrent.futures import ThreadPoolExecutor\n"
    "from alexaskill.cli.serve_loop import new_event_loop\nloop = new_event_loop()\n"
    "pool = ThreadPoolExecutor(thread_name_prefix='asyncio')\npool.submit(never.wait)",
)

#: A process held by a thread of the default executor of the loop serve made, in a call.
_HELD_BY_SERVES_DEFAULT_EXECUTOR = _HELD_BY_THE_DEFAULT_EXECUTOR.replace(
    "asyncio.new_event_loop()",
    "__import__('alexaskill.cli.serve_loop').cli.serve_loop.new_event_loop()",
)

#: A process held by a thread of the default executor of a loop of the app's own, in a call, in
#: a process whose loop serve made too.
_HELD_BY_ANOTHER_LOOPS_EXECUTOR = _HELD_BY_THE_DEFAULT_EXECUTOR.replace(
    "asyncio.new_event_loop().run_in_executor(None, never.wait)",
    "from alexaskill.cli.serve_loop import new_event_loop\nserved = new_event_loop()\n"
    "other = asyncio.new_event_loop()\nother.run_in_executor(None, never.wait)",
)

_ANOTHER_LOOPS = (
    "the default executor threads of an event loop not the server's ('asyncio_0' in "
    "threading.Event.wait), each in a blocking call run off that loop that has not returned: "
    "ending it without them, status 1 (give such a call a timeout, and close that loop in the "
    "app's shutdown, its default executor shut down: asyncio.run does both)"
)

_APPS_POOLS = (
    "the threads of the app's thread pools ('ThreadPoolExecutor-0_0' in threading.Event.wait), "
    "each in a call that has not returned: ending it without them, status 1 (shut such a pool "
    "down in the app's shutdown, cancel_futures=True, and give its calls a timeout under "
    "--timeout-graceful-shutdown: a pool's threads cannot be daemons)"
)


@pytest.mark.parametrize(
    ("source", "said"),
    [
        (_HELD_BY_THE_DEFAULT_EXECUTOR, _ASYNCIOS.replace("time.sleep", "threading.Event.wait")),
        (_HELD_BY_SERVES_DEFAULT_EXECUTOR, _ASYNCIOS.replace("time.sleep", "threading.Event.wait")),
        (_HELD_BY_THE_APPS_EXECUTOR, _APPS_POOLS),
        (
            _HELD_BY_THE_APPS_EXECUTOR_NAMED_ASYNCIO,
            _APPS_POOLS.replace("ThreadPoolExecutor-0_0", "asyncio_0"),
        ),
        (_HELD_BY_ANOTHER_LOOPS_EXECUTOR, _ANOTHER_LOOPS),
    ],
    ids=[
        "the loop's default executor",
        "serve's loop's default executor",
        "the app's executor",
        "the app's executor named as asyncio's",
        "another loop's default executor",
    ],
)
def test_a_process_held_by_a_thread_pools_thread_says_whose_pool_it_is(
    source: str, said: str
) -> None:
    # Said as "the threads of the app that are not daemons ('asyncio_0')", with the remedy for
    # such a thread (make it a daemon), which no one can do to a pool's, asyncio's or the app's.
    command = [sys.executable, "-c", source]
    process = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert process.returncode == 1, process.stderr
    assert f"has not exited 0.5 s after its server stopped: Python waits at exit for {said}" in (
        process.stderr
    ), process.stderr
    assert "make such a thread a daemon" not in process.stderr


@pytest.mark.parametrize("read", [False, True], ids=["loop as made", "loop's __dict__ read"])
def test_another_loops_executor_threads_are_told_in_one_walk_of_the_heap(
    monkeypatch: pytest.MonkeyPatch, read: bool
) -> None:
    # Each held thread's pool was looked for among the referrers of a loop (gc.get_referrers,
    # a walk of the whole heap) three times a thread, as the held exit was said: a pool of 30
    # threads in calls, 90 walks, past the exit's bound. And a loop whose __dict__ had been made
    # (vars(loop)) holds its executor in that dict, not itself: said as the app's pool's.
    import gc

    monkeypatch.setattr(serve_loop, "_THREADS", weakref.WeakSet())  # (where serve made a loop)
    other = asyncio.new_event_loop()
    if read:
        vars(other)
    released = threading.Event()
    workers: queue.Queue[threading.Thread] = queue.Queue()

    def held() -> None:
        workers.put(threading.current_thread())
        released.wait()

    threads: list[threading.Thread] = []
    walks: list[int] = []
    real = gc.get_referrers

    def walking(*objects: Any) -> list[Any]:
        walks.append(len(objects))
        return real(*objects)

    try:
        for _ in range(3):
            other.run_in_executor(None, held)
        threads = [workers.get(timeout=30) for _ in range(3)]
        with monkeypatch.context() as walked:
            walked.setattr(gc, "get_referrers", walking)
            said = serve_exit._what_holds(threads, 1)
    finally:
        released.set()
        other.close()  # (its executor shut down, not waited for)
        for thread in threads:
            thread.join(30)
    assert said.startswith(
        "Python waits at exit for the default executor threads of an event loop not the server's"
    ), said
    assert "app's thread pools" not in said
    assert walks == ([1, 1] if read else [1])  # (its __dict__ found: a walk for its owner)


def _innermost(thread: threading.Thread) -> str:
    """The name of the function ``thread`` is in (its innermost frame's), or ``""``."""
    frame = sys._current_frames().get(thread.ident or -1)
    return "" if frame is None else frame.f_code.co_name


@pytest.mark.parametrize(("calling", "holds"), [(False, False), (True, True)], ids=["idle", "call"])
def test_an_idle_thread_of_asyncios_default_executor_does_not_hold_the_exit(
    calling: bool, holds: bool
) -> None:
    # Idle, it waits on its queue, where its executor's shutdown or, at exit, concurrent.futures
    # (which Python runs before it waits for the threads) tells it to end: counted as holding, a
    # second Ctrl-C in the moment it took to end said a clean stop unclean (status 1). One in a
    # call still holds.
    executor = ThreadPoolExecutor(thread_name_prefix="asyncio")
    released = threading.Event()
    try:
        executor.submit(released.wait if calling else lambda: None)
        deadline = time.monotonic() + 30
        while not (worker := [each for each in threading.enumerate() if each.name == "asyncio_0"]):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        # (judged once in its call, or idle: back in its loop, waiting on its queue)
        while _innermost(worker[0]) != ("wait" if calling else "_worker"):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert (worker[0] in serve_exit._holding()) is holds
    finally:
        released.set()
        executor.shutdown()


#: A worker thread of concurrent.futures' thread pool, fabricated in each shape its module has
#: had (its ``_worker`` and work items in a module of its name, as `serve_exit._pool_stack`
#: tells them): 3.13 and before (``_WorkItem.run`` calls ``self.fn``), 3.14 (``_WorkItem`` keeps
#: a ``task``, which ``WorkerContext.run`` unpacks and calls), and one of no known shape.
_POOL_SHAPES = {
    "3.13": """
class _WorkItem:
    def __init__(self, fn):
        self.fn = fn
    def run(self):
        self.fn()
""",
    "3.14": """
class WorkerContext:
    def run(self, task):
        fn, args, kwargs = task
        return fn(*args, **kwargs)

class _WorkItem:
    def __init__(self, fn):
        self.task = (fn, (), {})
    def run(self):
        WorkerContext().run(self.task)
""",
    "unknown": """
class _WorkItem:
    def __init__(self, fn):
        self.call = fn
    @property
    def fn(self):
        raise RuntimeError("no such thing here")
    def run(self):
        self.call()
""",
}

_WORKER = """
def _worker(work_queue):
    work_item = work_queue.get()
    work_item.run()
"""


@pytest.mark.parametrize(
    ("shape", "said"),
    [
        ("3.13", "'pool_0' in lock.acquire"),
        ("3.14", "'pool_0' in lock.acquire"),
        ("unknown", "'pool_0'"),
    ],
)
def test_a_pools_thread_in_a_call_of_cs_is_said_in_the_function_it_was_given(
    shape: str, said: str
) -> None:
    # Read from 3.13's work item alone (``self.fn``): on 3.14 the call went unnamed, and a work
    # item of another shape raised out of the line that says what holds the exit.
    space: dict[str, Any] = {"__name__": "concurrent.futures.thread"}
    exec(_POOL_SHAPES[shape] + _WORKER, space)  # (the test's own source)
    held = threading.Lock()
    held.acquire()
    work: queue.SimpleQueue[Any] = queue.SimpleQueue()
    # (given as asyncio.to_thread gives it: the call in its context's run)
    work.put(space["_WorkItem"](functools.partial(contextvars.copy_context().run, held.acquire)))
    thread = threading.Thread(target=space["_worker"], args=(work,), name="pool_0", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while _innermost(thread) != "run":  # (in its call: a lock's acquire, C's, no frame)
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert serve_exit._in_a_pool(thread) == said
    finally:
        held.release()
        thread.join()


def test_serves_loop_closes_its_default_executor_without_a_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # asyncio.Runner's close awaits shutdown_default_executor, which started a thread to shut the
    # executor down (asyncio's and uvloop's alike), for every server, the executor always set: a
    # second Ctrl-C landing in that start was a KeyboardInterrupt's traceback from the worker
    # (test_cli_serve_exit_twice, a whole run of the suite), not its "stopped again" line.
    loop = serve_loop.new_event_loop()
    loop.run_until_complete(asyncio.to_thread(int))  # (its default executor started)
    started: list[str] = []
    start = threading.Thread.start

    def recorded(thread: threading.Thread) -> None:
        started.append(thread.name)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", recorded)
    try:
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()
    assert started == []


@pytest.mark.parametrize("uvloop", [True, False], ids=["uvloop", "asyncio"])
def test_serves_loop_leaves_a_default_executor_the_app_set_to_the_exit_too(
    monkeypatch: pytest.MonkeyPatch, uvloop: bool
) -> None:
    # shutdown_default_executor, replaced, shuts down the executor new_event_loop made alone: one
    # the app set (loop.set_default_executor) is shut down by the loop's close, without waiting
    # for a call under way (asyncio's and uvloop's close alike), left to the exit bound as well.
    if uvloop:
        pytest.importorskip("uvloop")
    else:
        monkeypatch.setattr(loops, "_uvloop", None)
    loop = serve_loop.new_event_loop()
    apps = ThreadPoolExecutor(thread_name_prefix="apps")
    loop.set_default_executor(apps)
    released = threading.Event()
    try:
        called = loop.run_in_executor(None, released.wait)
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()  # (returns, the call still under way)
        assert not called.done()
        with pytest.raises(RuntimeError, match="after shutdown"):
            apps.submit(int)
    finally:
        released.set()
        apps.shutdown()


#: What a held thread of the default executor of a loop of the app's, since closed, is said as.
_A_CLOSED_LOOPS = (
    "Python waits at exit for the default executor threads of an event loop not the server's "
    "('asyncio_0' in "
)


@pytest.mark.parametrize(
    ("pool", "said"),
    [
        ("", _A_CLOSED_LOOPS),
        ("held", "Python waits at exit for the threads of the app's thread pools ('asyncio_0' in "),
        ("let go", "Python waits at exit for the threads of the app's thread pools ("),
    ],
    ids=[
        "its default executor",
        "the app's pool named as asyncio's",
        "the app's pool made for the call",
    ],
)
def test_a_closed_loops_executor_threads_are_not_said_as_the_apps_pools(
    monkeypatch: pytest.MonkeyPatch, pool: str, said: str
) -> None:
    # A loop of the app's closed (loop.close(): its default executor shut down, not waited
    # for, and let go) held no pool any more: its threads, still in their calls, were said as
    # the app's thread pools', with the remedy of a pool the app made. And told so by their
    # names alone, the threads of a pool of the app's own named as asyncio names its
    # (thread_name_prefix="asyncio"), which the app holds, whose call was run off that loop
    # (loop.run_in_executor(pool, ...)), were said as that loop's: its remedy, no pool's.
    monkeypatch.setattr(serve_loop, "_THREADS", weakref.WeakSet())  # (where serve made a loop)
    other = asyncio.new_event_loop()
    apps = ThreadPoolExecutor(thread_name_prefix="asyncio") if pool == "held" else None
    released = threading.Event()
    workers: queue.Queue[threading.Thread] = queue.Queue()

    def held() -> None:
        workers.put(threading.current_thread())
        released.wait()

    threads: list[threading.Thread] = []
    try:
        # (made for the call: held by none once run_in_executor has returned)
        other.run_in_executor(ThreadPoolExecutor() if pool == "let go" else apps, held)
        threads = [workers.get(timeout=30)]
        other.close()  # (its executor shut down, not waited for)
        told = serve_exit._what_holds(threads, 1)
    finally:
        released.set()
        other.close()
        if apps is not None:
            apps.shutdown()
        for thread in threads:
            thread.join(30)
    assert told.startswith(said), told
    assert ("app's thread pools" in told) is (pool != ""), told
