"""``alexaskill serve``'s process (or a server process of its own) held at exit once its server
has stopped: ended within a bound (`alexaskill.cli.serve_exit.exit_bounded`), said with what held
it. (A worker of ``--workers`` so held: tests/test_cli_serve_workers_stop.py; a process so held
and stopped again: test_cli_serve_exit_twice.py.)"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from .cli_serve_exit_shared import _STUCK_APP, _STUCK_IN_SERVE, _held, serving, wait_in_log

# anyio's worker threads (anyio 4.1, the floor, names them and has abandon_on_cancel), and
# serve's own process, its server in it or beside it (any uvicorn pyproject.toml allows).
pytestmark = pytest.mark.oldest_dependencies


#: What a process held as `_HELD_BY_ANYIO` (tests/cli_serve_exit_shared.py) holds it is said.
_ANYIOS = (
    "anyio's worker threads ('AnyIO worker thread' in __main__.blocking_call), the framework's, "
    "each in a blocking call run off the event loop (anyio.to_thread: a DynamoDBStore's botocore "
    "call, a def endpoint of a Starlette app) that has not returned"
)
_ANYIOS_REMEDY = "give such a call a timeout under --timeout-graceful-shutdown, or lengthen it"


def test_a_process_held_at_exit_by_anyios_worker_threads_says_they_are_the_frameworks() -> None:
    # They were said as "the threads of the app that are not daemons", with the remedy for one
    # (make it a daemon), which a skill author cannot apply to anyio's.
    process = _held()
    assert process.returncode == 1, process.stderr
    said = (
        "has not exited 0.5 s after its server stopped: Python waits at exit for "
        f"{_ANYIOS}: ending it without them, status 1 ({_ANYIOS_REMEDY})"
    )
    assert said in process.stderr, process.stderr
    assert "of the app" not in process.stderr


def test_a_process_held_by_the_apps_threads_and_anyios_tells_them_apart() -> None:
    process = _held("APP_TOO")
    assert process.returncode == 1, process.stderr
    said = (
        "Python waits at exit for the threads of the app that are not daemons ('app-poller') and "
        f"for {_ANYIOS}: ending it without them, status 1 (make such a thread a daemon, or end "
        f"it in the app's shutdown; {_ANYIOS_REMEDY})"
    )
    assert said in process.stderr, process.stderr


#: A process held at exit by a worker thread of anyio's that is idle, its call returned: the
#: event loop was stopped before the task that started it ended, which stops it.
_HELD_BY_IDLE_ANYIO = """
import asyncio
import anyio.to_thread
from alexaskill.cli.serve_exit import exit_bounded

async def main():
    await anyio.to_thread.run_sync(lambda: None)
    asyncio.get_running_loop().stop()
    await asyncio.Event().wait()

loop = asyncio.new_event_loop()
loop.create_task(main())
loop.run_forever()
exit_bounded(0.5)
"""


def test_a_process_held_by_an_idle_worker_thread_of_anyios_says_it_is_idle() -> None:
    # It was said as one "in a blocking call ... that has not returned", in queue.Queue.get
    # (where it waits for work), and the remedy was a timeout on a call that had returned.
    process = _held(source=_HELD_BY_IDLE_ANYIO)
    assert process.returncode == 1, process.stderr
    said = (
        "Python waits at exit for anyio's idle worker threads ('AnyIO worker thread'), the "
        "framework's, left waiting for calls by an event loop stopped before the task that "
        "started them ended (loop.stop()): ending it without them, status 1 (let that task end "
        "before its loop stops, as asyncio.run does)"
    )
    assert said in process.stderr, process.stderr
    assert "has not returned" not in process.stderr
    assert "queue" not in process.stderr


def _stopped(
    tmp_path: Path,
    app: str,
    *argv: str,
    servers: int = 1,
    program: tuple[str, ...] = ("-m", "alexaskill"),
) -> tuple[int, int, str]:
    """``alexaskill serve`` of ``app`` (a module's source) with ``argv``, on 127.0.0.1 port 0,
    run by ``program`` (Python's arguments), stopped by SIGTERM to its PID once its ``servers``
    have started (killed after a minute, held): its PID, its exit status and what it said."""
    (tmp_path / "stuck.py").write_text(app, encoding="utf-8")
    command = [sys.executable, *program, "serve", "stuck:app", "--host", "127.0.0.1"]
    options = ["--port", "0", "--timeout-graceful-shutdown", "1", *argv]
    log = tmp_path / "serve.log"
    with serving([*command, *options], tmp_path, log, servers) as process:
        process.terminate()
        status = process.wait(timeout=60)
    return process.pid, status, log.read_text(encoding="utf-8")


@pytest.mark.parametrize("workers", [(), ("--workers", "1")], ids=["one process", "workers 1"])
def test_serve_in_one_process_held_at_exit_by_a_thread_of_the_app_ends_within_a_bound(
    tmp_path: Path, workers: tuple[str, ...]
) -> None:
    # A worker of --workers 2 so held ends within --timeout-graceful-shutdown; serve's own
    # process, the server in it, waited for the thread for ever after its SIGTERM (or Ctrl-C):
    # docker's SIGKILL, a second Ctrl-C.
    pid, status, said = _stopped(tmp_path, _STUCK_APP, *workers)
    line = (
        f"WARNING:  server process [{pid}] has not exited 1 s after its server stopped: "
        "Python waits at exit for the threads of the app that are not daemons ('app-poller'): "
        "ending it without them, status 1 (make such a thread a daemon, or end it in the app's "
        "shutdown)"
    )
    assert line in said, said
    assert status == 1, said
    assert not re.search("Traceback", said), said


@pytest.mark.parametrize(
    ("argv", "after"),
    [(("--workers", "2"), "its workers stopped"), (("--reload",), "its server process stopped")],
    ids=["workers 2", "reload"],
)
def test_serve_held_at_exit_beside_its_server_processes_ends_within_a_bound(
    tmp_path: Path, argv: tuple[str, ...], after: str
) -> None:
    # serve's own process imports the app to check it under --workers and --reload too: a
    # thread the import started held it for ever once its server processes had ended.
    servers = 2 if "--workers" in argv else 1
    pid, status, said = _stopped(tmp_path, _STUCK_IN_SERVE, *argv, servers=servers)
    line = (
        f"WARNING:  serve process [{pid}] has not exited 1 s after {after}: Python waits at "
        "exit for the threads of the app that are not daemons ('app-poller'): ending it "
        "without them, status 1"
    )
    assert line in said, said
    assert status == 1, said


@pytest.mark.parametrize(
    ("refused", "stop"),
    [((), None), (("--model", "x.json"), None), (("--ssl-certfile", "x.pem"), signal.SIGTERM)],
    ids=["its import failing", "--model without --dev", "--ssl-certfile alone, SIGTERM"],
)
def test_serve_refused_from_its_apps_import_on_and_held_is_bounded_as_after_an_error(
    tmp_path: Path, refused: tuple[str, ...], stop: int | None
) -> None:
    # Refused before its bound was armed (a usage error said once the app is imported, or its
    # import failing, the thread started), held at exit by the app's thread, it waited for it for
    # ever, till a SIGTERM killed it (-15).
    failing = "" if refused else 'raise RuntimeError("no database")\n'
    (tmp_path / "stuck.py").write_text(_STUCK_APP + failing, encoding="utf-8")
    command = [sys.executable, "-m", "alexaskill", "serve", "stuck:app", *refused]
    command += ["--timeout-graceful-shutdown", "1" if stop is None else "60"]
    # (The signal said in _main, once serve.run has armed the bound.)
    said, status = _said_once_signalled(command, tmp_path, "alexaskill serve: error: ", stop)
    how = "has not exited 1 s" if stop is None else "stopped (SIGTERM) while held at exit"
    assert re.search(rf"serve process \[\d+\] {re.escape(how)} after its error: ", said), said
    assert "('app-poller'): ending it without them, status 2 (" in said, said
    assert status == 2, said


def _said_once_signalled(
    command: list[str], cwd: Path, first: str, stop: int | None
) -> tuple[str, int]:
    """What ``command`` (serve) says, and its status, sent ``stop`` (if any) once its first
    line, which holds ``first``, is said; killed if held past 30 s."""
    log = cwd / "serve.log"
    with serving(command, cwd, log, servers=0) as process:
        wait_in_log(process, log, first)
        if stop is not None:
            process.send_signal(stop)
        process.wait(timeout=30)
    said = log.read_text(encoding="utf-8")
    assert first in said.splitlines()[0], said
    return said, process.returncode


#: `_STUCK_APP`, whose import, once it has started its thread, goes on for a minute (says so).
_STUCK_IMPORTING = """import sys, threading, time
threading.Thread(target=threading.Event().wait, name="app-poller").start()
print("importing", file=sys.stderr, flush=True)
time.sleep(60)

async def app(scope, receive, send):
    pass
"""


@pytest.mark.parametrize("argv", [(), ("--workers", "2")], ids=["one process", "workers 2"])
def test_serve_stopped_by_sigterm_as_its_app_is_imported_and_held_is_bounded_after_that_stop(
    tmp_path: Path, argv: tuple[str, ...]
) -> None:
    # The SIGTERM, serve's stop, ended the run as a clean one: held by the thread the import had
    # started, it was said "server process [N] has not exited 1 s after its server stopped" (or
    # "its workers stopped"), of a server that never ran.
    (tmp_path / "stuck.py").write_text(_STUCK_IMPORTING, encoding="utf-8")
    command = [sys.executable, "-m", "alexaskill", "serve", "stuck:app", "--port", "0", *argv]
    command += ["--timeout-graceful-shutdown", "1"]
    said, status = _said_once_signalled(command, tmp_path, "importing", signal.SIGTERM)
    how = r"serve process \[\d+\] has not exited 1 s after its stop \(SIGTERM\): "
    assert re.search(how, said), said
    assert "('app-poller'): ending it without them, status 1 (" in said, said
    assert status == 1, said


#: A program of a skill author's that runs ``serve`` through `alexaskill.cli.main`, then goes on
#: past the bound (``--timeout-graceful-shutdown 1``) with the app's thread still running, and
#: ends it: only then does it exit.
_EMBEDDING = """import sys, time
from alexaskill.cli import main

if __name__ == "__main__":
    status = main(sys.argv[1:])
    print("main returned", status, flush=True)
    time.sleep(3)
    print("still here", flush=True)
    import stuck
    stuck.never.set()
"""

#: `_STUCK_IN_SERVE`'s app, its thread ended by setting ``never``.
_ENDED_BY_ITS_PROGRAM = """import multiprocessing, threading
never = threading.Event()
if multiprocessing.parent_process() is None:
    threading.Thread(target=never.wait, name="app-poller").start()

async def app(scope, receive, send):
    pass
"""


@pytest.mark.parametrize("argv", [(), ("--workers", "2")], ids=["one process", "workers 2"])
def test_serve_under_main_is_not_ended_by_the_bound(tmp_path: Path, argv: tuple[str, ...]) -> None:
    # The bound is the alexaskill program's, about to exit: a caller of main() goes on after
    # it, its process its own to end, however long the app's threads run.
    (tmp_path / "embedding.py").write_text(_EMBEDDING, encoding="utf-8")
    servers = 2 if argv else 1
    _, status, said = _stopped(
        tmp_path, _ENDED_BY_ITS_PROGRAM, *argv, servers=servers, program=("embedding.py",)
    )
    assert "main returned 0\nstill here\n" in said, said
    assert "has not exited" not in said, said
    assert status == 0, said


@pytest.mark.parametrize("argv", [(), ("--workers", "2")], ids=["one process", "workers 2"])
def test_serve_refused_and_held_at_exit_keeps_its_status(
    tmp_path: Path, argv: tuple[str, ...]
) -> None:
    # A port in use (status 2), the app's thread holding the exit: it ended 1 s later with
    # status 1, "after its server stopped", a server that never started.
    (tmp_path / "stuck.py").write_text(_STUCK_APP, encoding="utf-8")
    command = [sys.executable, "-m", "alexaskill", "serve", "stuck:app", "--host", "127.0.0.1"]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        options = ["--port", port, "--timeout-graceful-shutdown", "1", *argv]
        done = subprocess.run(
            [*command, *options],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
        )
    assert "is already in use" in done.stderr, done.stderr
    said = re.search(r"serve process \[\d+\] has not exited 1 s after its error: .*", done.stderr)
    assert said, done.stderr
    assert said[0].endswith(
        "Python waits at exit for the threads of the app that are not daemons ('app-poller'): "
        "ending it without them, status 2 (make such a thread a daemon, or end it in the app's "
        "shutdown)"
    ), said[0]
    assert done.returncode == 2, done.stderr


#: `_STUCK_APP`, whose start fails (its lifespan's startup): no server of it ever runs.
_STUCK_AND_FAILING = (
    _STUCK_APP.rpartition("async def")[0]
    + """async def app(scope, receive, send):
    await receive()
    await send({"type": "lifespan.startup.failed", "message": "no database"})
"""
)


def test_serve_workers_that_cannot_start_held_at_exit_stop_serve_with_status_3(
    tmp_path: Path,
) -> None:
    # Each worker, held by the app's thread once its start failed (status 3), ended with
    # status 1: the supervisor took it for a worker that had died and started another, for
    # ever, where a worker that cannot start stops serve with status 3.
    (tmp_path / "stuck.py").write_text(_STUCK_AND_FAILING, encoding="utf-8")
    command = [sys.executable, "-m", "alexaskill", "serve", "stuck:app", "--host", "127.0.0.1"]
    options = ["--port", "0", "--timeout-graceful-shutdown", "1", "--workers", "2"]
    done = subprocess.run(
        [*command, *options],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert "starting another" not in done.stderr, done.stderr
    assert re.search(r"worker process \[\d+\] could not start", done.stderr), done.stderr
    held = r"server process \[\d+\] has not exited 1 s after its server failed to start: .*"
    said = re.findall(held, done.stderr)
    assert said and all("status 3 (" in line for line in said), done.stderr
    assert done.returncode == 3, done.stderr
