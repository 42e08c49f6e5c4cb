"""``alexaskill serve``'s process (or a server process of its own) held at exit once its server
has stopped, then stopped again (a second SIGTERM, a second Ctrl-C): ended at once, status 1,
said. (Split from tests/test_cli_serve_exit.py, with its apps and its header.)"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .cli_serve_exit_shared import _STUCK_APP, _STUCK_IN_SERVE, _held, serving, wait_in_log

# serve's own process, its server in it or beside it (any uvicorn pyproject.toml allows).
pytestmark = pytest.mark.oldest_dependencies


#: `_STUCK_APP`'s thread, started in the server processes of --workers only, not in serve's own.
_STUCK_IN_WORKERS = """import multiprocessing, threading
if multiprocessing.parent_process() is not None:
    threading.Thread(target=threading.Event().wait, name="app-poller").start()

async def app(scope, receive, send):
    pass
"""


def _signal(process: subprocess.Popen[bytes], signum: int) -> None:
    """``signum`` to serve alone (SIGTERM, as docker's stop), or to its process group (SIGINT,
    as a Ctrl-C at the terminal, which reaches its server processes too)."""
    if signum == signal.SIGINT:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)


def _stopped_twice(
    tmp_path: Path, app: str, signum: int, *argv: str, stopped: tuple[str, int], again: int
) -> tuple[int, int, str]:
    """``alexaskill serve`` of ``app`` with ``argv`` (a bound of a minute), sent ``signum`` once
    its servers have started, then, once its log says ``stopped`` (a line, a number of times),
    ``signum`` again, every fifth of a second (the process takes it once its bound is armed),
    till ``again`` processes have said that it came again: its PID, status and what it said."""
    (tmp_path / "stuck.py").write_text(app, encoding="utf-8")
    command = [sys.executable, "-m", "alexaskill", "serve", "stuck:app", "--host", "127.0.0.1"]
    options = ["--port", "0", "--timeout-graceful-shutdown", "60", *argv]
    log = tmp_path / "serve.log"
    servers = 2 if "--workers" in argv else 1
    with serving([*command, *options], tmp_path, log, servers, group=True) as process:
        _signal(process, signum)
        wait_in_log(process, log, *stopped)
        # (within the bound: a process held till it ended so would say it had not exited)
        deadline = time.monotonic() + 45
        while process.poll() is None and time.monotonic() < deadline:
            if log.read_text(encoding="utf-8").count(" stopped again (") < again:
                _signal(process, signum)
            time.sleep(0.2)
        status = process.wait(timeout=60)
    return process.pid, status, log.read_text(encoding="utf-8")


_HELD = (
    "Python waits at exit for the threads of the app that are not daemons ('app-poller'): "
    "ending it without them, status 1 (make such a thread a daemon, or end it in the app's "
    "shutdown)"
)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_serve_in_one_process_held_at_exit_ends_at_once_when_stopped_again(
    tmp_path: Path, signum: signal.Signals
) -> None:
    # A second SIGTERM killed it (-15, Python's default handler back), unsaid; a second Ctrl-C
    # was a KeyboardInterrupt's traceback in threading._shutdown, and status 0.
    pid, status, said = _stopped_twice(
        tmp_path, _STUCK_APP, signum, stopped=("Finished server process", 1), again=1
    )
    line = (
        f"WARNING:  server process [{pid}] stopped again ({signum.name}) while held at exit "
        f"after its server stopped: {_HELD}"
    )
    assert line in said, said
    assert status == 1, said
    assert "Traceback" not in said, said


def test_serve_with_workers_held_at_exit_ends_at_once_when_stopped_again(tmp_path: Path) -> None:
    # serve's own process, held once its workers had stopped, was killed (-15) by a second
    # SIGTERM, unsaid.
    pid, status, said = _stopped_twice(
        tmp_path,
        _STUCK_IN_SERVE,
        signal.SIGTERM,
        "--workers",
        "2",
        stopped=("Stopping parent process", 1),
        again=1,
    )
    line = (
        f"WARNING:  serve process [{pid}] stopped again (SIGTERM) while held at exit after its "
        f"workers stopped: {_HELD}"
    )
    assert line in said, said
    assert status == 1, said


def test_a_worker_held_at_exit_ends_at_once_on_a_second_ctrl_c(tmp_path: Path) -> None:
    # Each worker was a KeyboardInterrupt's traceback in threading._shutdown, and died of SIGINT.
    # (The supervisor's SIGTERM, which comes to each after a Ctrl-C, stays ignored.)
    _, status, said = _stopped_twice(
        tmp_path,
        _STUCK_IN_WORKERS,
        signal.SIGINT,
        "--workers",
        "2",
        stopped=("Finished server process", 2),
        again=2,
    )
    workers = re.findall(r"Started server process \[(\d+)\]", said)
    assert len(workers) == 2, said
    for worker in workers:
        line = (
            f"WARNING:  server process [{worker}] stopped again (SIGINT) while held at exit "
            f"after its server stopped: {_HELD}"
        )
        assert line in said, said
        assert f"ERROR:    worker process [{worker}] exited with status 1 as serve stopped" in said
    assert status == 1, said
    assert "KeyboardInterrupt" not in said, said


#: A worker whose server has stopped (`serve_till_stopped`), held at exit by a thread of the
#: app's: its supervisor's SIGTERM comes once its bound is armed, then a second Ctrl-C.
_WORKER_TERMINATED_THEN_INTERRUPTED = """
import os, signal, threading, time
from alexaskill.cli.serve_worker_run import serve_till_stopped

threading.Thread(target=threading.Event().wait, name="app-poller").start()
serve_till_stopped(lambda sockets: None, exit_within=60)
os.kill(os.getpid(), signal.SIGTERM)
time.sleep(0.5)
print("still held", flush=True)
os.kill(os.getpid(), signal.SIGINT)
time.sleep(60)
"""


def test_a_worker_held_at_exit_ignores_its_supervisors_sigterm_ends_on_ctrl_c() -> None:
    # The supervisor's SIGTERM, sent after a Ctrl-C too, comes as a worker exits: taken as "come
    # again", it would end every worker so held at a single Ctrl-C. (The test of a real serve
    # passed whether it was or not: there the SIGTERM came before the bound was armed.)
    process = _held(source=_WORKER_TERMINATED_THEN_INTERRUPTED)
    assert process.stdout == "still held\n", process.stderr
    assert process.returncode == 1, process.stderr
    assert "stopped again (SIGINT) while held at exit after its server stopped" in process.stderr
    assert "SIGTERM" not in process.stderr, process.stderr


#: A process whose server has stopped, held by no thread: it is exiting, cleanly, as a second
#: Ctrl-C comes (a double press, or one during the short end of its exit).
_CLEAN_STOPPED_AGAIN = """
import os, signal, time
from alexaskill.cli.serve_exit import exit_bounded

exit_bounded(60)
os.kill(os.getpid(), signal.SIGINT)
time.sleep(0.2)
print("exiting", flush=True)
"""


def test_a_process_exiting_cleanly_is_not_ended_as_held_by_a_second_ctrl_c() -> None:
    # It was ended at once, status 1, said "stopped again (SIGINT) while held at exit …: its
    # exit is held (an atexit function of the app's?)": seen as serve --workers 2's own process
    # took a double Ctrl-C, nothing holding it, and made serve's stop an unclean one.
    process = _held(source=_CLEAN_STOPPED_AGAIN)
    assert (process.returncode, process.stdout) == (0, "exiting\n"), process.stderr
    assert process.stderr == ""
