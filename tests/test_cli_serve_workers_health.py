"""``alexaskill serve --workers``: the supervisor's health check, which waits for a worker still
starting and replaces one hung once up (how it says a worker ended: test_cli_serve_workers.py)."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

from .cli_serve_shared import (
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
    wait_for(lambda: log.read_text().count("Application startup complete") == 2, "ready", log)
    assert len(pids(log.read_text())) == 2, log.read_text()[-3000:]  # none started in its place
    assert not re.search("^ERROR", log.read_text(), re.M), log.read_text()[-3000:]
    # Each said once, at WARNING, as not replaced: one hung as it starts is said, not killed.
    said = re.findall(r"^WARNING: +worker process \[(\d+)\] has not said .*", log.read_text(), re.M)
    assert sorted(map(int, said)) == sorted(pids(log.read_text())), log.read_text()[-3000:]
    assert say_hello(url, pki) == 200
    servers.stop(process, patience=60)
    assert process.returncode == 0, log.read_text()[-3000:]


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
    wait_for(lambda: log.read_text().count("Application startup complete") == 2, "ready", log)
    victim = min(pids(log.read_text()))
    (tmp_path / f"hang-{victim}").touch()
    try:
        line = f"worker process [{victim}] did not answer the health check within 2 s and was "
        wait_for(lambda: line in log.read_text(), "the line", log, 60)
    finally:  # (left hung, its GIL held, it would not stop with serve)
        if running(victim):
            os.kill(victim, signal.SIGKILL)
    [said] = [text for text in log.read_text().splitlines() if line in text]
    assert said.startswith("ERROR:") and said.endswith("killed (SIGKILL): starting another"), said
    wait_for(lambda: log.read_text().count("Application startup complete") == 3, "its", log)
    assert say_hello(url, pki) == 200
    servers.stop(process, patience=60)
    assert process.returncode == 0, log.read_text()[-3000:]
