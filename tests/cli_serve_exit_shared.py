"""What the tests of a process held at exit share (tests/test_cli_serve_exit.py and
test_cli_serve_exit_twice.py): a process so held run to its end (`_held`), and the apps whose
thread holds ``alexaskill serve`` (`_STUCK_APP`, `_STUCK_IN_SERVE`); ``alexaskill serve`` run
in a process of its own till its servers have started (`serving`, `wait_in_log`), which the
tests of ``serve`` that watch its log share (tests/test_cli_serve*.py, test_serve_uvicorn.py)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

#: A server process whose server has stopped, held at exit by a worker thread of anyio's still
#: in a blocking call its caller gave up on (as a DynamoDBStore's botocore call past its
#: timeout), and, with ``APP_TOO``, by a thread of the app's that is not a daemon. Given up on
#: once the call is under way, not after 0.1 s: a worker that took its call later (a loaded
#: machine) found it cancelled, skipped it, and ended with the loop, holding nothing (status 0).
_HELD_BY_ANYIO = """
import sys, threading
import anyio, anyio.from_thread, anyio.to_thread
from alexaskill.cli.serve_exit import exit_bounded

never = threading.Event()
given_up = []

def blocking_call():
    anyio.from_thread.run_sync(given_up[0].cancel)  # (its caller gives up on it: under way)
    never.wait()

async def main():
    with anyio.CancelScope() as scope:
        given_up.append(scope)
        await anyio.to_thread.run_sync(blocking_call, abandon_on_cancel=True)

anyio.run(main)
if sys.argv[1:] == ["APP_TOO"]:
    threading.Thread(target=never.wait, name="app-poller").start()
exit_bounded(0.5)
"""


def _held(*argv: str, source: str = _HELD_BY_ANYIO) -> subprocess.CompletedProcess[str]:
    """``python -c source *argv``, run to its end: its status and both its streams."""
    command = [sys.executable, "-c", source, *argv]
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=120)


#: An app that starts, as it is imported, a thread that is not a daemon and never ends: Python
#: waits for it at exit, once the server has stopped.
_STUCK_APP = """import threading
threading.Thread(target=threading.Event().wait, name="app-poller").start()

async def app(scope, receive, send):
    pass
"""


#: `_STUCK_APP`'s thread, started in serve's own process only (which imports the app to check
#: it), not in the server processes it starts.
_STUCK_IN_SERVE = """import multiprocessing, threading
if multiprocessing.parent_process() is None:
    threading.Thread(target=threading.Event().wait, name="app-poller").start()

async def app(scope, receive, send):
    pass
"""


#: What uvicorn says of each server (each worker) once its app has started.
STARTED = "Application startup complete"


def wait_in_log(
    process: subprocess.Popen[bytes], log: Path, text: str, count: int = 1, seconds: float = 60
) -> None:
    """Return once ``log`` says ``text`` ``count`` times; fail with the log if ``process`` has
    ended without saying so (what it said last read after its end), or ``seconds`` have passed
    (a bound for a process that would never say it, not a measure)."""
    deadline = time.monotonic() + seconds
    while True:
        ended = process.poll() is not None
        said = log.read_text(encoding="utf-8")
        if said.count(text) >= count:
            return
        assert not ended and time.monotonic() < deadline, said
        time.sleep(0.05)


@contextlib.contextmanager
def serving(
    command: list[str],
    cwd: Path,
    log: Path,
    servers: int = 1,
    *,
    group: bool = False,
    env: dict[str, str] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """``command`` (``alexaskill serve``) run in ``cwd`` (with ``env``, else the test's
    environment), its output in ``log``, in a process group of its own if ``group`` (for a
    Ctrl-C's SIGINT to it and its workers), given once its ``servers`` have said `STARTED` (at
    once with 0: a test that stops it as it starts); killed (its group, if its own) if it still
    runs as the block is left: one held for ever."""
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=group,
        )
    try:
        wait_in_log(process, log, STARTED, servers)
        yield process
    finally:
        if process.poll() is None:
            if group:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                os.kill(process.pid, signal.SIGKILL)
            process.wait()
