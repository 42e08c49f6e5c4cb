"""``alexaskill serve --workers``: the supervisor's health check, which waits for a worker still
starting and replaces one hung once up, and a SIGHUP restart's new workers judged as the start's
(with fake workers: test_cli_serve_workers_restart.py; how it says a worker ended:
test_cli_serve_workers.py)."""

from __future__ import annotations

import os
import re
import signal
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from alexaskill.cli import serve_workers
from alexaskill.testing import TestPKI

from .cli_serve_exit_shared import STARTED, wait_in_log
from .cli_serve_shared import (
    log_text,
    needs_our_supervisor,
    pids,
    running,
    say_hello,
    serve,
    signed_skill,
    wait_for,
)
from .conftest import Servers

# In each worker (not serve's own process, which imports it too), an import that holds the GIL
# for twice uvicorn's 5 s health check: the worker answers none meanwhile, as one starved of CPU
# as it starts (CI's machine at load 100, a small container starting several) answers none. In
# serve's, the supervisor told to say a worker still starting after 2 s, not 60.
SLOW_START = """import ctypes, multiprocessing
if multiprocessing.parent_process() is not None:
    ctypes.PyDLL(None).sleep(10)  # (PyDLL: the call keeps the GIL)
else:
    import alexaskill.cli.serve_workers
    alexaskill.cli.serve_workers._STARTING_SAID_AFTER = 2 / 5  # (of the health check's 5 s)
"""


@needs_our_supervisor
def test_a_worker_slow_to_start_is_waited_for_not_killed(servers: Servers, tmp_path: Path) -> None:
    # A worker that did not answer the health check within 5 s of its start was killed as a
    # hung one, and another started in its place, as slow: under load none ever served, serve
    # saying "did not answer the health check within 5 s and was killed (SIGKILL): starting
    # another" again and again. A worker is judged by it once it has said it is up.
    pki = signed_skill(tmp_path, "signing", SLOW_START)
    process, url = serve(servers, tmp_path, tmp_path, "signing:skill", "--workers", "2")
    log = servers.output[process]
    wait_in_log(process, log, STARTED, 2)
    assert len(pids(log_text(log))) == 2, log_text(log)[-3000:]  # none started in its place
    assert not re.search("^ERROR", log_text(log), re.M), log_text(log)[-3000:]
    # Each said once, at WARNING, as not replaced: one hung as it starts is said, not killed.
    said = re.findall(r"^WARNING: +worker process \[(\d+)\] has not said .*", log_text(log), re.M)
    assert sorted(map(int, said)) == sorted(pids(log_text(log))), log_text(log)[-3000:]
    assert say_hello(url, pki) == 200
    servers.stop(process, patience=60)
    assert process.returncode == 0, log_text(log)[-3000:]


# In each worker, once told so by a file named after it and once it has answered a health check
# saying its server is up (not before: the supervisor would wait for it, as for one starting),
# the GIL held for a minute: hung.
HANG_WHEN_TOLD = """import ctypes, multiprocessing, os, threading, time
from uvicorn.supervisors.multiprocess import Process
said_up = threading.Event()
def _pong(self, pong=Process.pong):
    pong(self)
    if self.server.started:
        said_up.set()
def _hang():
    while not (said_up.is_set() and os.path.exists(f"hang-{os.getpid()}")):
        time.sleep(0.05)
    ctypes.PyDLL(None).sleep(60)
if multiprocessing.parent_process() is not None:
    Process.pong = _pong
    threading.Thread(target=_hang, daemon=True).start()
"""


@needs_our_supervisor
def test_a_worker_hung_once_up_is_killed_and_replaced(servers: Servers, tmp_path: Path) -> None:
    # The health check still judges a worker once it has said it is up (one starting is waited
    # for: test_a_worker_slow_to_start_is_waited_for_not_killed), within serve's
    # --timeout-worker-healthcheck (uvicorn's 5 s, which serve had no option for).
    pki = signed_skill(tmp_path, "signing", HANG_WHEN_TOLD)
    argv = ("signing:skill", "--workers", "2", "--timeout-worker-healthcheck", "2")
    process, url = serve(servers, tmp_path, tmp_path, *argv)
    log = servers.output[process]
    wait_in_log(process, log, STARTED, 2)
    victim = min(pids(log_text(log)))
    (tmp_path / f"hang-{victim}").touch()
    try:
        line = f"worker process [{victim}] did not answer the health check within 2 s and was "
        wait_for(lambda: line in log_text(log), "the line", log, 60)
    finally:  # (left hung, its GIL held, it would not stop with serve)
        if running(victim):
            os.kill(victim, signal.SIGKILL)
    [said] = [text for text in log_text(log).splitlines() if line in text]
    assert said.startswith("ERROR:") and said.endswith("killed (SIGKILL): starting another"), said
    wait_in_log(process, log, STARTED, 3)
    assert say_hello(url, pki) == 200
    servers.stop(process, patience=60)
    assert process.returncode == 0, log_text(log)[-3000:]


class _HungAsItStarts:
    """A worker for `_supervisor_class`'s restart check: running, and never saying that its
    server is up (`Worker.starting`), started longer ago than the WARNING waits."""

    pid = 4242

    def __init__(self) -> None:
        self.process = SimpleNamespace(is_alive=lambda: True)
        self.said_slow = False
        self.ended: list[str] = []

    def starting(self) -> bool:
        return True

    def started_long_ago(self, seconds: float) -> bool:  # (true once, as `Worker`'s)
        said, self.said_slow = self.said_slow, True
        return not said

    def is_alive(self, timeout: float = 5) -> bool:
        self.ended.append("health check")  # (never asked of one starting)
        return False

    def kill(self) -> None:
        self.ended.append("killed")

    def join(self) -> None:
        self.ended.append("joined")


@needs_our_supervisor
def test_a_worker_hung_as_it_starts_is_never_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    # By design (README, "Several workers"): nothing tells a worker hung as it starts from one
    # starved of CPU, so the restart check never kills it; it is said once, at WARNING, and the
    # operator kills it (the next check then replaces it, as any worker that died).
    from uvicorn.supervisors import multiprocess

    said: list[tuple[str, str]] = []
    recorder = SimpleNamespace(
        warning=lambda message, *args: said.append(("WARNING", message % args)),
        error=lambda message, *args: said.append(("ERROR", message % args)),
    )
    monkeypatch.setattr(serve_workers, "worker_logger", recorder)
    supervising = serve_workers._supervisor_class(multiprocess)
    supervisor = supervising.__new__(supervising)  # (no __init__: it takes the test's signals)
    hung = _HungAsItStarts()
    supervisor.config = SimpleNamespace(timeout_worker_healthcheck=5)
    supervisor.processes, supervisor.sockets = [hung], []
    supervisor.should_exit = threading.Event()
    for _ in range(3):  # (its checks every half second, long after its start)
        supervisor.keep_subprocess_alive()
    assert supervisor.processes == [hung] and hung.ended == []
    assert said == [
        (
            "WARNING",
            "worker process [4242] has not said that its server is up 60 s after its start: "
            "waited for, not replaced (hung as it starts? the machine short of CPU?)",
        )
    ]


def _restarted(
    servers: Servers, tmp_path: Path, told: str, file: str, *options: str
) -> tuple[Any, str, Path, set[int], TestPKI]:
    """serve of ``told``'s skill with two workers (and ``options``), sent SIGHUP once both are
    up and the file ``file`` there (which the new workers' import reads): its process, URL, log,
    the old workers' pids and the skill's PKI."""
    pki = signed_skill(tmp_path, "signing", told)
    process, url = serve(servers, tmp_path, tmp_path, "signing:skill", "--workers", "2", *options)
    log = servers.output[process]
    wait_in_log(process, log, STARTED, 2)
    serving = pids(log_text(log))
    (tmp_path / file).touch()
    os.kill(process.pid, signal.SIGHUP)
    return process, url, log, serving, pki


# In each worker started once the file slow-start is there (not serve's own process), an import
# that takes 4 s: a worker slower to start than the health check's 1 s (a machine short of CPU).
SLOW_ONCE_TOLD = """import multiprocessing, os, time
if multiprocessing.parent_process() is not None and os.path.exists("slow-start"):
    time.sleep(4)
"""


@needs_our_supervisor
def test_a_sighup_restart_waits_for_each_new_worker_as_the_start_does(
    servers: Servers, tmp_path: Path
) -> None:
    # uvicorn's restart on SIGHUP (0.51 on) waited --timeout-worker-healthcheck seconds for each
    # new worker to be up, where serve's start waits for one as long as it takes: on a machine
    # short of CPU a restart was abandoned ("New child process [4250] was not ready in time"),
    # the workers left on two codes, where a start of serve succeeded.
    restarted = _restarted(
        servers, tmp_path, SLOW_ONCE_TOLD, "slow-start", "--timeout-worker-healthcheck", "1"
    )
    process, url, log, serving, pki = restarted
    wait_for(lambda: not any(map(running, serving)), "the old workers' end", log, 60)
    assert log_text(log).count(STARTED) == 4, log_text(log)[-3000:]
    assert len(pids(log_text(log))) == 4, log_text(log)[-3000:]  # (none started again)
    assert not re.search("^ERROR", log_text(log), re.M), log_text(log)[-3000:]
    assert say_hello(url, pki) == 200
    servers.stop(process, patience=60)
    assert process.returncode == 0, log_text(log)[-3000:]


# In each worker started once the file broken is there (not serve's own process), an import
# that fails: new code with a mistake in it.
BROKEN_ONCE_TOLD = """import multiprocessing, os
if multiprocessing.parent_process() is not None and os.path.exists("broken"):
    raise RuntimeError("the new code's mistake")
"""


@needs_our_supervisor
def test_a_sighup_restart_whose_new_worker_cannot_start_is_abandoned(
    servers: Servers, tmp_path: Path
) -> None:
    # A restart's new worker is waited for as long as it runs: one that ends before it is up
    # (the new code's import fails) abandons the restart, the old workers serving on.
    process, url, log, serving, pki = _restarted(servers, tmp_path, BROKEN_ONCE_TOLD, "broken")
    said = re.compile(
        r"^ERROR: +new worker process \[(\d+)\] of the restart on SIGHUP exited with status "
        r"(\d+) before its server was up \(its log says why\): keeping worker process \[(\d+)\]$",
        re.M,
    )
    wait_for(lambda: said.search(log_text(log)) is not None, "the abandon", log, 60)
    [(new, status, kept)] = said.findall(log_text(log))
    assert int(new) not in serving and int(kept) in serving, log_text(log)
    # Said as serve's start says it, status 3 (a server that cannot start): the new worker
    # printed multiprocessing's traceback of the UsageError ("Process SpawnProcess-3: …"),
    # and exited with status 1.
    assert status == "3" and "Traceback" not in log_text(log), log_text(log)
    mistake = "alexaskill serve: error: importing signing failed: RuntimeError: the new code's"
    assert mistake in log_text(log), log_text(log)
    old = ", ".join(f"[{pid}]" for pid in sorted(serving))
    ours = f"worker processes serving the new code: none; the old: {old}. Send SIGHUP again"
    wait_for(lambda: ours in log_text(log), "which code", log)
    assert all(map(running, serving)) and pids(log_text(log)) == serving
    assert say_hello(url, pki) == 200
    servers.stop(process, patience=60)
    assert process.returncode == 0, log_text(log)[-3000:]


# In each worker started once the file hang is there, an import that sleeps two minutes: a new
# worker of a restart hung as it starts. In serve's, the supervisor told to say a worker still
# starting after 2 s (of the health check's 1), not 60.
HANG_ONCE_TOLD = """import multiprocessing, os, time
if multiprocessing.parent_process() is None:
    import alexaskill.cli.serve_workers
    alexaskill.cli.serve_workers._STARTING_SAID_AFTER = 2
elif os.path.exists("hang"):
    time.sleep(120)
"""


@needs_our_supervisor
def test_a_sighup_restart_held_by_a_hung_new_worker_says_so_and_its_remedy(
    servers: Servers, tmp_path: Path
) -> None:
    # A restart's new worker hung as it starts holds the restart for ever, the old workers
    # serving: the WARNING said only "has not said that its server is up ...: waited for, not
    # replaced", not that a restart was held nor how to end it, and a later SIGTTIN (or SIGHUP,
    # SIGTTOU) waited behind it unsaid.
    restarted = _restarted(
        servers, tmp_path, HANG_ONCE_TOLD, "hang", "--timeout-worker-healthcheck", "1"
    )
    process, url, log, serving, pki = restarted
    held = re.compile(
        r"^WARNING: +new worker process \[(\d+)\] of the restart on SIGHUP has not said that "
        r"its server is up 2 s after its start: the restart is held, worker process \[(\d+)\] "
        r"serving on in its place \(hung as it starts\? the machine short of CPU\?\): "
        r"kill -KILL (\d+) abandons the restart$",
        re.M,
    )
    wait_for(lambda: held.search(log_text(log)) is not None, "the held restart", log, 60)
    [(new, kept, named)] = held.findall(log_text(log))
    try:
        assert new == named and int(kept) in serving, log_text(log)[-3000:]
        os.kill(process.pid, signal.SIGTTIN)
        queued = (
            f"SIGTTIN waits behind the restart on SIGHUP, held by new worker process [{new}]: "
            f"handled once it ends (kill -KILL {new} abandons it)"
        )
        wait_for(lambda: queued in log_text(log), "the queued SIGTTIN", log)
        [line] = [text for text in log_text(log).splitlines() if queued in text]
        assert line.startswith("WARNING:"), line
    finally:
        (tmp_path / "hang").unlink()
        if running(int(new)):
            os.kill(int(new), signal.SIGKILL)
    wait_for(lambda: "the restart on SIGHUP was abandoned" in log_text(log), "abandon", log)
    # The SIGTTIN then handled: a third worker, started as the restart ended.
    wait_in_log(process, log, STARTED, 3)
    assert "Received SIGTTIN" in log_text(log), log_text(log)[-3000:]
    assert all(map(running, serving))
    assert say_hello(url, pki) == 200
    servers.stop(process, patience=60)
    assert process.returncode == 0, log_text(log)[-3000:]
