"""``alexaskill serve``'s exit bound (`alexaskill.cli.serve_exit`) judged in its parts: which
threads hold a process at exit, what a signal come while it is held is said as, and the status
of a run that raised SystemExit. (Whole processes: tests/test_cli_serve_exit.py, and
test_cli_serve_exit_twice.py once stopped again.)"""

from __future__ import annotations

import argparse
import functools
import io
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import pytest

import alexaskill.cli
from alexaskill.cli import serve, serve_exit
from alexaskill.cli.common import UsageError

from .serve_not_started import NotStarted, in_main_thread_only, serving_uvicorn, sigterm_kept

pytestmark = pytest.mark.oldest_dependencies

#: A worker thread of anyio's, fabricated: its class and its run are anyio's module's (as
#: `serve_exit._anyios` and `serve_exit._in_anyios` tell them), waiting on its own queue.
_FAKE_ANYIO = """
import threading, queue

class WorkerThread(threading.Thread):
    def __init__(self, stopping):
        super().__init__(name="AnyIO worker thread")
        self.queue = queue.Queue(2)
        self.stopping = stopping

    def run(self):
        while self.queue.get() is not None:
            pass
"""


def _anyio_worker(stopping: bool) -> Any:
    space: dict[str, Any] = {"__name__": "anyio._backends._asyncio"}
    exec(_FAKE_ANYIO, space)  # (the test's own source)
    thread = space["WorkerThread"](stopping)
    thread.start()
    # (Judged only once it waits on its queue: sys._current_frames says where it is.)
    while serve_exit._in_anyios(thread) is not None:
        threading.Event().wait(0.01)
    return thread


@pytest.mark.parametrize(("stopping", "holds"), [(True, False), (False, True)])
def test_an_idle_anyio_worker_told_to_stop_does_not_hold_the_exit(
    stopping: bool, holds: bool
) -> None:
    # One whose stop anyio has queued (its loop's root task ended: asyncio.run) is on its way
    # out: counted as holding, a second Ctrl-C in the moment it takes to end made a clean stop
    # an unclean one (status 1). One left idle by loop.stop(), never told, holds for ever.
    worker = _anyio_worker(stopping)
    try:
        assert (worker in serve_exit._holding()) is holds
    finally:
        worker.queue.put(None)
        worker.join()


def test_an_anyio_worker_in_a_call_of_cs_is_said_in_the_function_it_was_given() -> None:
    # A call in no frame of Python's (anyio.to_thread.run_sync(time.sleep, …)) was said by the
    # thread's name alone ('AnyIO worker thread'), where a thread pool's names it (`_given`).
    import anyio
    import anyio.to_thread

    held = threading.Lock()
    held.acquire()

    async def given_up_on() -> None:
        with anyio.move_on_after(0.1):
            await anyio.to_thread.run_sync(held.acquire, abandon_on_cancel=True)

    before = set(threading.enumerate())
    anyio.run(given_up_on)
    workers = [each for each in threading.enumerate() if each not in before]
    try:
        assert [serve_exit._anyios(each) for each in workers] == [True]
        said = "'AnyIO worker thread' in lock.acquire"
        deadline = time.monotonic() + 30  # (till it is in its call, where it stays)
        while serve_exit._in_anyios(workers[0]) != said:
            assert time.monotonic() < deadline, serve_exit._in_anyios(workers[0])
            time.sleep(0.01)
    finally:
        held.release()
        for each in workers:
            each.join(30)


#: A process held at exit by a thread that is not a daemon, after an error of its run (a port
#: in use): it takes a SIGTERM, the first stop it is sent.
_HELD_AFTER_ITS_ERROR = """
import os, signal, threading
from alexaskill.cli.serve_exit import exit_bounded

threading.Thread(target=threading.Event().wait, name="app-poller").start()
exit_bounded(None, who="serve process", after="its error", status=2, stopped="stopped")
os.kill(os.getpid(), signal.SIGTERM)
"""


def test_a_process_held_after_its_error_is_said_stopped_not_stopped_again() -> None:
    # Said "stopped again (SIGTERM) while held at exit after its error", of a process never
    # stopped before.
    command = [sys.executable, "-c", _HELD_AFTER_ITS_ERROR]
    process = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert process.returncode == 2, process.stderr
    assert "] stopped (SIGTERM) while held at exit after its error: " in process.stderr
    assert "again" not in process.stderr


@pytest.mark.parametrize("code", [0, None])
def test_a_run_ended_by_systemexit_0_is_bounded_as_a_clean_stop(
    monkeypatch: pytest.MonkeyPatch, code: int | None
) -> None:
    # SystemExit(0) (or None) was taken for "its error", with status 1 for None: a clean stop.
    armed: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "exit_bounded", lambda seconds, **kw: armed.append(kw))
    args = argparse.Namespace(reload=False, workers=None)
    serve._bound_exit(args, 1.0, SystemExit(code))
    assert armed == [{"came": None}]
    assert serve._status(SystemExit(code)) == 0


@pytest.mark.parametrize(("code", "status"), [(2, 2), ("no database", 1)])
def test_a_run_ended_by_systemexit_of_an_error_is_bounded_after_its_error(
    monkeypatch: pytest.MonkeyPatch, code: int | str, status: int
) -> None:
    armed: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "exit_bounded", lambda seconds, **kw: armed.append(kw))
    args = argparse.Namespace(reload=False, workers=None)
    serve._bound_exit(args, 1.0, SystemExit(code))
    assert [(kw["after"], kw["status"]) for kw in armed] == [("its error", status)]


@pytest.mark.parametrize("workers", [None, 2])
def test_a_run_ended_by_a_ctrl_c_is_bounded_as_a_stop(
    monkeypatch: pytest.MonkeyPatch, workers: int | None
) -> None:
    # A KeyboardInterrupt (a Ctrl-C as an app factory is called, making the app) was bounded
    # "after its error": said "has not exited 9 s after its error", or "stopped (SIGINT) while
    # held at exit after its error" at a second one, which is a stop come again.
    armed: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "exit_bounded", lambda seconds, **kw: armed.append(kw))
    args = argparse.Namespace(reload=False, workers=workers)
    serve._bound_exit(args, 1.0, KeyboardInterrupt())
    assert armed == [{"who": "serve process", "after": "its stop (SIGINT)", "status": 130}]


def test_serve_run_in_this_process_ends_at_its_bound_through_the_exit_it_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # exit_bounded's watch ended the process with os._exit, whoever ran it: serve.run(program=True)
    # in a test that reached its bound ended the test's process, pytest and all.
    ended: list[int] = []
    bounded = functools.partial(serve_exit.exit_bounded, exit_with=ended.append, again=())
    monkeypatch.setattr(serve, "exit_bounded", bounded)

    def refused(args: object, state: Any) -> None:
        state.bound.append(0.01)  # (as the APP's import begins)
        raise UsageError("refused once its bound is known")

    monkeypatch.setattr(serve, "_serve", refused)
    args = alexaskill.cli.parser().parse_args(["serve", "no_such_module_here:app"])
    # (the program's SIGTERM is ignored from the start)
    with sigterm_kept(), pytest.raises(UsageError):
        serve.run(args, io.StringIO(), io.StringIO(), program=True)
    for thread in threading.enumerate():
        if thread.name == "alexaskill-exit-watch":
            thread.join(30)
    assert ended == [2]


@pytest.mark.parametrize("ran", [True, False], ids=["its server ran", "before it ran"])
def test_a_ctrl_c_landing_once_the_server_stopped_is_a_second_stop_not_the_first(
    monkeypatch: pytest.MonkeyPatch, ran: bool
) -> None:
    # A second Ctrl-C landing after uvicorn's run had ended, before the exit's bound was armed,
    # was taken for a Ctrl-C as the app was made: said "held at exit after its stop (SIGINT)",
    # status 130, and the process held till the next signal (the oldest-dependencies CI run of
    # 3c9f541f: test_serve_in_one_process_held_at_exit_ends_at_once_when_stopped_again).
    bounds: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "exit_bounded", lambda seconds, **kwargs: bounds.append(kwargs))

    def interrupted(args: object, state: Any) -> None:
        state.bound.append(9.0)  # (as the APP's import begins)
        state.began = ran
        raise KeyboardInterrupt

    monkeypatch.setattr(serve, "_serve", interrupted)
    args = alexaskill.cli.parser().parse_args(["serve", "no_such_module_here:app"])
    with sigterm_kept(), pytest.raises(KeyboardInterrupt):
        serve.run(args, io.StringIO(), io.StringIO(), program=True)
    expected = (
        {"after": "its server stopped", "came": signal.SIGINT}
        if ran
        else {"who": "serve process", "after": "its stop (SIGINT)", "status": 130}
    )
    assert bounds == [expected]


def test_two_runs_in_two_threads_tell_each_its_own_begun_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Whether uvicorn's run had begun was a count of the process's: a run stopped by a Ctrl-C
    # as its app was made, another run's server begun meanwhile in another thread, took that one
    # for its own, and was bounded as a second stop after its server ran ("came" again).
    from .in_threads import HANG, in_thread, joined

    other_began = threading.Event()
    bounds: dict[str, list[dict[str, Any]]] = {"stopped": [], "served": []}

    def bounded(seconds: object, **kwargs: Any) -> None:
        bounds[threading.current_thread().name].append(kwargs)

    def loaded(spec: str) -> Any:
        if spec == "stopped:app":
            other_began.wait(HANG)
            raise KeyboardInterrupt  # (a Ctrl-C as the app is made)

        async def app(scope: object, receive: object, send: object) -> None:
            pass

        return app

    monkeypatch.setattr(serve, "exit_bounded", bounded)
    monkeypatch.setattr(serve, "load_app", loaded)
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: other_began.set())
    parser = alexaskill.cli.parser()

    def running(spec: str) -> Any:
        args = parser.parse_args(["serve", spec])

        def run() -> None:
            threading.current_thread().name = spec.partition(":")[0]  # (its bounds' key)
            serve.run(args, io.StringIO(), io.StringIO(), program=True)

        return run

    stopped, stopped_failures = in_thread(running("stopped:app"))
    served, served_failures = in_thread(running("served:app"))
    joined(served, served_failures, HANG)
    with pytest.raises(KeyboardInterrupt):
        joined(stopped, stopped_failures, HANG)
    assert bounds["stopped"] == [
        {"who": "serve process", "after": "its stop (SIGINT)", "status": 130}
    ]
    assert bounds["served"] == [{"came": None}]


@pytest.mark.skipif(sys.platform == "win32", reason="a SIGTERM sent to itself ends it there")
@pytest.mark.parametrize("where", ["in uvicorn's block", "as it is raised up"])
@pytest.mark.parametrize("exits", ["run returns", "run exits"])
def test_a_sigterm_as_a_server_that_did_not_start_exits_keeps_its_status_3(
    monkeypatch: pytest.MonkeyPatch, where: str, exits: str
) -> None:
    # The server in serve's own process that did not start (its lifespan's start-up failed)
    # exits with status 3, as uvicorn.run (uvicorn's Server.run returns, not started; from 0.50
    # it raises SystemExit(3) itself): a SIGTERM landing as that SystemExit was raised up,
    # through uvicorn's block or serve's, was caught in its place, and serve exited 0.
    from alexaskill.cli import serve_uvicorn

    in_main_thread_only()
    # (from 0.50: uvicorn's sys.exit(STARTUP_FAILURE))
    server = NotStarted(SystemExit(3) if exits == "run exits" else None)

    class Socket:
        def close(self) -> None:  # (closed in uvicorn's block, as the exit is raised)
            if where == "in uvicorn's block":
                signal.raise_signal(signal.SIGTERM)  # (the handler in place: serve's)

    bounds: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "exit_bounded", lambda seconds, **kw: bounds.append(kw))
    monkeypatch.setattr(serve, "_serve", serving_uvicorn(where))
    monkeypatch.setattr(serve_uvicorn, "check_port", lambda *args, **kwargs: None)
    monkeypatch.setattr(serve_uvicorn, "bind_as_asyncio", lambda host, port: [Socket()])
    monkeypatch.setattr(serve_uvicorn, "_announcing_server", lambda config: server)
    args = alexaskill.cli.parser().parse_args(["serve", "app:app"])
    with sigterm_kept(), pytest.raises(SystemExit) as raised:
        serve.run(args, io.StringIO(), io.StringIO(), program=True)
    assert raised.value.code == 3
    expected = {"after": "its error", "status": 3, "stopped": "stopped", "came": signal.SIGTERM}
    assert bounds == [{"who": "serve process", **expected}]


@pytest.mark.skipif(sys.platform == "win32", reason="a SIGTERM sent to itself ends it there")
def test_a_sigterm_as_an_app_factorys_exit_3_is_said_as_usage_keeps_the_usage_not_status_3(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An app factory's sys.exit(3) is said as a UsageError, raised from None: a SIGTERM landing
    # as that is raised up leaves that error its status 2, the SIGTERM a stop come after it
    # (`stopped_by_sigterm`), not the exit status 3 of a server that did not start (the
    # SystemExit(3) is left aside, though still the error's context).
    in_main_thread_only()

    def refused(args: object, state: Any) -> None:
        state.bound.append(9.0)  # (as the APP's import begins)
        try:
            try:
                raise SystemExit(3)  # (the factory's)
            except SystemExit:
                raise UsageError("calling the app factory app:make() exited 3") from None
        finally:  # (as the blocks between, serve's own, are left)
            signal.raise_signal(signal.SIGTERM)

    bounds: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "exit_bounded", lambda seconds, **kw: bounds.append(kw))
    monkeypatch.setattr(serve, "_serve", refused)
    args = alexaskill.cli.parser().parse_args(["serve", "app:make"])
    with sigterm_kept(), pytest.raises(UsageError):
        serve.run(args, io.StringIO(), io.StringIO(), program=True)
    assert bounds == [
        {
            "who": "serve process",
            "after": "its error",
            "status": 2,
            "stopped": "stopped",
            "came": signal.SIGTERM,
        }
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="a SIGTERM sent to itself ends it there")
@pytest.mark.parametrize(
    ("status", "uvicorns"),
    [(None, False), (3, False), (1, False), (3, True)],
    ids=["clean", "not started", "unclean", "uvicorn's exit 3"],
)
def test_a_sigterm_as_serves_block_puts_its_handler_back_is_a_stop_that_came(
    monkeypatch: pytest.MonkeyPatch, status: int | None, uvicorns: bool
) -> None:
    # Landing as serve's block put SIGTERM's handler back (its own handler run by the call,
    # before it set SIG_IGN: a pending signal is handled first), the SIGTERM was retried past
    # and lost: its server had stopped, and the exit was bounded as if none had come (held
    # till the bound, where a signal come again ends one held at once, with its 3 or 1).
    from alexaskill.cli.serve_server import _Decided

    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers are set in the main thread alone")

    def served(args: object, state: Any) -> None:
        state.bound.append(9.0)  # (as the APP's import begins)
        state.began = True  # (as uvicorn's run begins)
        if uvicorns:
            raise SystemExit(status)  # (uvicorn's sys.exit(STARTUP_FAILURE), 0.50 on)
        if status is not None:
            raise _Decided(status, [])  # (the outcome its server decided)

    real, landed = signal.signal, list[Any]()

    def setting(signum: int, handler: Any) -> Any:
        if signum == signal.SIGTERM and handler is signal.SIG_IGN and not landed:
            landed.append(signal.getsignal(signal.SIGTERM))
            landed[0](signal.SIGTERM, None)  # (the SIGTERM pending: its handler run first)
        return real(signum, handler)

    bounds: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "exit_bounded", lambda seconds, **kw: bounds.append(kw))
    monkeypatch.setattr(serve, "_serve", served)
    args = alexaskill.cli.parser().parse_args(["serve", "app:app"])
    kept = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(signal, "signal", setting)
    try:
        if status is None:
            assert serve.run(args, io.StringIO(), io.StringIO(), program=True) == 0
        else:
            with pytest.raises(SystemExit) as raised:
                serve.run(args, io.StringIO(), io.StringIO(), program=True)
            assert raised.value.code == status
    finally:
        monkeypatch.undo()
        signal.signal(signal.SIGTERM, kept)
    assert len(landed) == 1 and callable(landed[0])
    expected: dict[str, Any] = {"came": signal.SIGTERM}
    if status is None:  # (as a SIGTERM that ended its run once its server had stopped)
        expected = {"after": "its server stopped", "came": signal.SIGTERM}
    elif status == 3:
        expected = {"who": "serve process", "after": "its error", "status": 3}
        expected.update(stopped="stopped", came=signal.SIGTERM)
    assert bounds == [expected]
