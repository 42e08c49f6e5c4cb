"""``alexaskill serve --workers`` stopping: how a worker ended as serve stopped it, said, and
serve's exit status. (A graceful stop of workers that are up: tests/test_cli_serve_workers.py.)"""

from __future__ import annotations

import io
import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from .cli_serve_exit_shared import STARTED, serving, wait_in_log
from .cli_serve_shared import log_text, needs_our_supervisor, pids, running, serve, signed_skill
from .conftest import Servers
from .serve_not_started import NotStarted, in_main_thread_only, serving_uvicorn, sigterm_kept


def test_a_worker_still_running_as_serve_stops_is_not_said_to_have_exited(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Stopped before uvicorn's supervisor stopped its workers (a Ctrl-C as it started them),
    # a worker has no exit status yet (multiprocessing's None): the line said "exited with
    # status None", of a process still running.
    from alexaskill.cli.serve_workers import stopped_unclean

    worker = SimpleNamespace(pid=4321, exitcode=None)
    supervisor = SimpleNamespace(processes=[SimpleNamespace(process=worker)])
    with caplog.at_level(logging.ERROR, logger="uvicorn.error"):
        assert stopped_unclean(supervisor)
    [said] = [r.getMessage() for r in caplog.records if r.name == "uvicorn.error"]
    assert said == "worker process [4321] was still running as serve stopped"


def _stopped(up: bool, caplog: pytest.LogCaptureFixture) -> tuple[bool, logging.LogRecord]:
    """`stopped_unclean` of a supervisor whose worker, which had said that its server was
    ``up`` (or not), died of the SIGTERM serve sent it as it stopped: its answer, and its line."""
    from alexaskill.cli.serve_workers import stopped_unclean

    worker = SimpleNamespace(pid=4321, exitcode=-signal.SIGTERM)
    process = SimpleNamespace(process=worker, up=lambda: up)
    supervisor = SimpleNamespace(processes=[process], asked_to_stop=(worker,))
    with caplog.at_level(logging.INFO, logger="uvicorn.error"):
        unclean = stopped_unclean(supervisor)
    [said] = [r for r in caplog.records if r.name == "uvicorn.error"]
    return unclean, said


def test_a_worker_killed_by_serves_sigterm_once_up_is_an_unclean_stop(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Said to have ended by serve's SIGTERM "as it started", and a clean stop, though its
    # server was up: the app had set a SIGTERM handler in uvicorn's place (or put back
    # Python's default), and the requests under way were cut, not drained.
    unclean, said = _stopped(True, caplog)
    assert (unclean, said.levelno) == (True, logging.ERROR)
    assert said.getMessage() == (
        "worker process [4321] was killed by SIGTERM as serve stopped, though it had said that "
        "its server was up: a SIGTERM handler of the app's (or Python's default, put back) "
        "stood in uvicorn's place, whose graceful stop drains the requests under way"
    )


def test_a_worker_killed_by_serves_sigterm_before_it_was_up_says_what_is_known(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # "as it started" was a guess: a worker whose app had replaced uvicorn's handler, its
    # server up but not yet said so to the supervisor, dies of it too.
    unclean, said = _stopped(False, caplog)
    assert (unclean, said.levelno) == (False, logging.INFO)
    assert said.getMessage() == (
        "worker process [4321] ended by serve's SIGTERM as serve stopped, before it had said "
        "that its server was up (its SIGTERM handler not yet set as it started, or replaced "
        "by the app's)"
    )


#: The end of a worker's program: its server's run within `serve_till_stopped`, the
#: KeyboardInterrupt swallowed as uvicorn's subprocess_started does, then the supervisor's
#: SIGTERM as it exits.
_RUN_THEN_SIGTERM = """
try:
    serve_till_stopped(run)
except KeyboardInterrupt:  # (as uvicorn's subprocess_started)
    pass
os.kill(os.getpid(), signal.SIGTERM)
"""


def _ends_with_status_0(program: str) -> None:
    """``program``, then `_RUN_THEN_SIGTERM`, run by Python: status 0, nothing said."""
    command = [sys.executable, "-c", program + _RUN_THEN_SIGTERM]
    process = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert (process.returncode, process.stderr) == (0, "")


#: A worker stopped as Ctrl-C at a terminal stops it: the SIGINT, sent to every process of the
#: group, stops its server (uvicorn raises it again once stopped), and the supervisor's SIGTERM,
#: sent as it stops its workers half a second later at most, comes as the worker exits.
_SIGTERM_AS_IT_EXITS = """
import os, signal
from alexaskill.cli.serve_worker_run import serve_till_stopped

def run(sockets=None):
    raise KeyboardInterrupt
"""


def test_the_supervisors_sigterm_as_a_worker_exits_after_ctrl_c_leaves_its_status_0() -> None:
    # Ctrl-C to `serve --workers 2`: a worker whose server had stopped on the SIGINT had
    # Python's default SIGTERM handler back, and the supervisor's SIGTERM, come as it exited,
    # killed it (-15): "worker process [4242] was killed by SIGTERM as serve stopped" at
    # ERROR, and serve's status 1, one run in two.
    _ends_with_status_0(_SIGTERM_AS_IT_EXITS)


#: `_SIGTERM_AS_IT_EXITS`, a second Ctrl-C landing as the block puts SIGTERM's handler back
#: (a KeyboardInterrupt raised within `_put_back`, before its ``signal.signal`` was done).
_SIGTERM_AFTER_AN_INTERRUPTED_PUT_BACK = """
import os, signal
from alexaskill.cli import serve_uvicorn
from alexaskill.cli.serve_worker_run import serve_till_stopped

put_back = serve_uvicorn._put_back

def interrupted(signum, handler, **kwargs):
    serve_uvicorn._put_back = put_back
    raise KeyboardInterrupt

serve_uvicorn._put_back = interrupted

def run(sockets=None):
    pass
"""


def test_the_supervisors_sigterm_after_a_ctrl_c_as_the_handler_is_put_back_is_ignored() -> None:
    # Seen once in CI (uvicorn 0.42, -n 4): the second Ctrl-C of
    # test_a_worker_held_at_exit_ends_at_once_on_a_second_ctrl_c landed as SIGTERM's handler
    # was put back, so `stopped_by_sigterm`'s stayed, and the supervisor's SIGTERM raised
    # `_Terminated` in threading._shutdown: a traceback, status 1, no "stopped again" line.
    _ends_with_status_0(_SIGTERM_AFTER_AN_INTERRUPTED_PUT_BACK)


#: A program that runs ``alexaskill``, as its console script does, whose import takes 30 s in
#: a worker: `multiprocessing` imports the program again in each process it spawns, before the
#: worker's own code runs. (Named before anything is imported, as the spawn names it.)
_SLOW_IN_EACH_WORKER = """import multiprocessing, os, pathlib, time
if multiprocessing.current_process().name != "MainProcess":
    pathlib.Path(f"starting-{os.getpid()}").touch()
    time.sleep(30)
from alexaskill.cli import _program
if __name__ == "__main__":
    raise SystemExit(_program())
"""


@needs_our_supervisor
def test_a_worker_stopped_by_serve_as_it_starts_is_no_unclean_stop(tmp_path: Path) -> None:
    # serve stopped (docker stop) while its workers started: each, its SIGTERM handler not yet
    # set, died of serve's SIGTERM, said at ERROR ("was killed by SIGTERM as serve stopped"),
    # and serve exited 1, a failed stop to docker, systemd and Kubernetes; it ended as asked.
    (tmp_path / "plain.py").write_text(
        "async def app(scope, receive, send):\n    pass\n", encoding="utf-8"
    )
    (tmp_path / "program.py").write_text(_SLOW_IN_EACH_WORKER, encoding="utf-8")
    command = [sys.executable, "program.py", "serve", "plain:app", "--workers", "2"]
    log = tmp_path / "serve.log"
    with serving([*command, "--port", "0"], tmp_path, log, servers=0) as process:
        deadline = time.monotonic() + 60
        while len(list(tmp_path.glob("starting-*"))) < 2:
            assert time.monotonic() < deadline and process.poll() is None, log_text(log)
            time.sleep(0.05)
        process.terminate()
        status = process.wait(timeout=60)
    said = log_text(log)
    assert status == 0, said
    assert not re.search("^ERROR", said, re.M), said
    for path in tmp_path.glob("starting-*"):
        pid = path.name.removeprefix("starting-")
        assert f"INFO:     worker process [{pid}] ended by serve's SIGTERM" in said, said


# In each worker (not serve's own process), a thread of the app's that is not a daemon and never
# ends: Python waits for it at exit, once the server has stopped.
STUCK_AT_EXIT = """import multiprocessing, threading
if multiprocessing.parent_process() is not None:
    threading.Thread(target=threading.Event().wait, name="app-poller").start()
"""


@needs_our_supervisor
def test_a_worker_held_at_exit_by_a_thread_of_the_app_ends_within_a_bound(
    servers: Servers, tmp_path: Path
) -> None:
    # A worker ignores SIGTERM once its server has stopped (the supervisor's comes as it exits
    # after a Ctrl-C: test_the_supervisors_sigterm_...), so one held at exit by a thread of the
    # app's that is not a daemon was no longer ended by it: serve waited for it for ever (a
    # second Ctrl-C at a terminal, docker's SIGKILL). It ends the graceful timeout after its
    # server stopped, saying which thread held it.
    signed_skill(tmp_path, "signing", STUCK_AT_EXIT)
    argv = ("signing:skill", "--workers", "2", "--timeout-graceful-shutdown", "1")
    process, _ = serve(servers, tmp_path, tmp_path, *argv)
    log = servers.output[process]
    wait_in_log(process, log, STARTED, 2)
    workers = pids(log.read_text(encoding="utf-8"))
    try:
        process.terminate()
        status = process.wait(timeout=60)
    finally:  # (held for ever, serve's SIGTERM and their own ignored)
        for pid in filter(running, workers):
            os.kill(pid, signal.SIGKILL)
    said = log.read_text(encoding="utf-8")
    for pid in workers:
        line = (
            f"WARNING:  server process [{pid}] has not exited 1 s after its server stopped: "
            "Python waits at exit for the threads of the app that are not daemons ('app-poller'):"
            " ending it without them, status 1 (make such a thread a daemon, or end it in the "
            "app's shutdown)"
        )
        assert line in said, said[-3000:]
        assert f"worker process [{pid}] exited with status 1 as serve stopped" in said
    assert status == 1, said[-3000:]


#: A server process whose server has stopped, its exit then held by an atexit function of the
#: app's that never returns (run after Python has waited for its threads).
_HELD_BY_ATEXIT = """
import atexit, threading
from alexaskill.cli.serve_exit import exit_bounded

atexit.register(threading.Event().wait)
exit_bounded(0.5)
"""


def test_a_server_process_held_at_exit_otherwise_ends_within_the_bound_too() -> None:
    # No thread holds it, but its exit does not end: ended all the same, said as such.
    command = [sys.executable, "-c", _HELD_BY_ATEXIT]
    process = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert process.returncode == 1, process.stderr
    assert "has not exited 0.5 s after its server stopped: its exit is held" in process.stderr


#: As `_HELD_BY_ATEXIT`, its standard output a pipe whose reader has gone (serve's output piped
#: to a command that has ended), something the app printed still in its buffer.
_HELD_WITH_ITS_READER_GONE = """
import atexit, os, threading
from alexaskill.cli.serve_exit import exit_bounded

read, write = os.pipe()
os.dup2(write, 1)
os.close(read)
os.close(write)
print("held in the buffer of a pipe no longer read")
atexit.register(threading.Event().wait)
exit_bounded(0.5)
"""


def test_a_server_process_held_at_exit_ends_though_its_output_is_gone() -> None:
    # The bound's flush of standard output raised BrokenPipeError, in the thread that was to end
    # the process: the process was held for ever all the same.
    command = [sys.executable, "-c", _HELD_WITH_ITS_READER_GONE]
    environ = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    process = subprocess.run(
        command, capture_output=True, text=True, encoding="utf-8", timeout=60, env=environ
    )
    assert process.returncode == 1, process.stderr
    assert "has not exited 0.5 s after its server stopped: its exit is held" in process.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="a SIGTERM sent to itself ends it there")
@pytest.mark.parametrize(("failed", "status"), [(True, 3), (False, 1)], ids=["start", "unclean"])
def test_a_sigterm_as_the_workers_outcome_is_read_keeps_it(
    monkeypatch: pytest.MonkeyPatch, failed: bool, status: int
) -> None:
    # uvicorn's handler put back (its block left), a SIGTERM before the run's failure was raised
    # ended serve's own block (stopped_by_sigterm, as serve.run runs it): said "after its stop
    # (SIGTERM)", status 1, the 3 (workers that did not start) or 1 (an unclean stop) lost.
    from alexaskill.cli import serve_uvicorn

    in_main_thread_only()

    class Supervisor:
        def run(self) -> None:
            pass

        sent = False

        @property
        def failed_to_start(self) -> bool:  # (the SIGTERM comes as the outcome is first read)
            if not self.sent:
                self.sent = True
                os.kill(os.getpid(), signal.SIGTERM)
            return failed

    monkeypatch.setattr(serve_uvicorn, "_supervisor", lambda config, sock: Supervisor())
    monkeypatch.setattr(serve_uvicorn, "stopped_unclean", lambda supervisor: True)
    with pytest.raises(SystemExit) as raised, serve_uvicorn.stopped_by_sigterm() as stops:
        serve_uvicorn._run_uvicorn("app:app", host="127.0.0.1", port=0, workers=2)
    assert (raised.value.code, stops) == (status, [])


@pytest.mark.skipif(sys.platform == "win32", reason="a SIGTERM sent to itself ends it there")
@pytest.mark.parametrize("where", ["as it is read", "as it is raised up"])
@pytest.mark.parametrize(
    ("outcome", "status", "bounded"),
    [
        ("start", 3, {"after": "its error", "status": 3, "stopped": "stopped"}),
        ("unclean", 1, {"after": "its workers stopped"}),
        ("clean", 0, {"after": "its workers stopped"}),
    ],
)
def test_a_sigterm_once_the_workers_stopped_keeps_their_outcome_and_is_a_stop_come(
    monkeypatch: pytest.MonkeyPatch, where: str, outcome: str, status: int, bounded: dict[str, Any]
) -> None:
    # Come as the workers' outcome was read, the SIGTERM was taken there and forgotten: a
    # process held at exit then waited for another. Come as the outcome's SystemExit was raised
    # up to serve's block (its handler, serve.run's, back in place), it was caught there in its
    # place: the 3 or 1 lost, said "after its stop (SIGTERM)", as a stop before the server ran.
    # Either way it is a stop come before the exit's bound: held, the process ends at once.
    import alexaskill.cli
    from alexaskill.cli import serve as serve_module
    from alexaskill.cli import serve_uvicorn

    in_main_thread_only()

    class Supervisor:
        sent = False

        def run(self) -> None:
            pass

        @property
        def failed_to_start(self) -> bool:
            if where == "as it is read" and not self.sent:
                self.sent = True
                signal.raise_signal(signal.SIGTERM)  # (the handler in place: serve.run's)
            return outcome == "start"

    bounds: list[dict[str, Any]] = []
    monkeypatch.setattr(serve_module, "exit_bounded", lambda seconds, **kw: bounds.append(kw))
    monkeypatch.setattr(serve_module, "_serve", serving_uvicorn(where, workers=2))
    monkeypatch.setattr(serve_uvicorn, "_supervisor", lambda config, sock: Supervisor())
    monkeypatch.setattr(serve_uvicorn, "stopped_unclean", lambda supervisor: outcome != "clean")
    args = alexaskill.cli.parser().parse_args(["serve", "app:app", "--workers", "2"])
    with sigterm_kept():
        if status:
            with pytest.raises(SystemExit) as raised:
                serve_module.run(args, io.StringIO(), io.StringIO(), program=True)
            assert raised.value.code == status
        else:
            assert serve_module.run(args, io.StringIO(), io.StringIO(), program=True) == 0
    assert bounds == [{"who": "serve process", **bounded, "came": signal.SIGTERM}]


@pytest.mark.skipif(sys.platform == "win32", reason="a SIGTERM sent to itself ends it there")
@pytest.mark.parametrize("why", ["not started", "its app refused", "uvicorn exits"])
def test_a_sigterm_as_a_worker_whose_server_did_not_start_exits_keeps_its_status_3(
    monkeypatch: pytest.MonkeyPatch, why: str
) -> None:
    # A worker whose server did not start (uvicorn's run returned, not started, or raised
    # SystemExit(3) itself; the APP's import refused) exits with status 3: a SIGTERM landing
    # as that SystemExit left its block (the supervisor's, as it stops its workers) was caught
    # in its place, and the worker exited 0, its failed start unseen by the supervisor.
    from alexaskill.cli import serve_exit, serve_uvicorn, serve_worker_run
    from alexaskill.cli.common import UsageError

    in_main_thread_only()

    # (0.50 on: uvicorn's sys.exit(STARTUP_FAILURE))
    refused = {
        "its app refused": UsageError("cannot import app:app"),
        "uvicorn exits": SystemExit(3),
    }
    # (not started: as uvicorn's Server.run before 0.50 returns once its start failed)
    server = NotStarted(refused.get(why))

    real = serve_uvicorn._put_back
    landed: list[bool] = []

    def put_back(signum: int, handler: Any, **kwargs: Any) -> None:
        try:
            if not landed:  # (as the block is left: the handler still the block's)
                landed.append(True)
                signal.raise_signal(signal.SIGTERM)
        finally:
            real(signum, handler, **kwargs)

    bounds: list[dict[str, Any]] = []
    monkeypatch.setattr(serve_uvicorn, "_put_back", put_back)
    monkeypatch.setattr(serve_exit, "exit_bounded", lambda seconds, **kw: bounds.append(kw))
    with sigterm_kept(), pytest.raises(SystemExit) as raised:
        serve_worker_run.serve_till_stopped(server.run)
    assert landed == [True]
    assert raised.value.code == 3
    assert [each.get("status") for each in bounds] == [3]
