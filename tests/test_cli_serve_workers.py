"""``alexaskill serve --workers``: how the supervisor says a worker ended, and a worker that
cannot start. (alexaskill.worker_ends' own tests, a worker's notes: tests/test_worker_ends.py; the
health check, a worker starting or hung: tests/test_cli_serve_workers_health.py; how each ended
as serve stopped it: tests/test_cli_serve_workers_stop.py.)"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from alexaskill.cli.serve_workers import _how_it_ended, _supervisor

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
from .spawned_probes import uvicorns_process_module

# Of this module, .ci/run runs again at the oldest dependencies the tests of serve on uvicorn
# 0.42-0.50 alone (each marked oldest_dependencies): about 10 s, where the whole takes 100.


@needs_our_supervisor
def test_a_worker_killed_is_said_at_error_with_its_signal(servers: Servers, tmp_path: Path) -> None:
    # uvicorn's supervisor said "Child process [pid] died" at INFO, without how: a worker
    # killed (the OOM killer's SIGKILL) went unseen by an operator watching for errors.
    pki = signed_skill(tmp_path, "signing")
    process, url = serve(servers, tmp_path, tmp_path, "signing:skill", "--workers", "2")
    log = servers.output[process]
    wait_for(lambda: len(pids(log_text(log))) == 2, "two workers", log)
    victim = min(pids(log_text(log)))
    os.kill(victim, signal.SIGKILL)
    wait_for(lambda: len(pids(log_text(log))) == 3, "a third worker", log)
    line = f"worker process [{victim}] was killed by SIGKILL"
    wait_for(lambda: line in log_text(log), "the line", log)
    [said] = [text for text in log_text(log).splitlines() if line in text]
    assert said.startswith("ERROR:") and said.endswith("starting another"), said
    assert "(the kernel's out-of-memory killer, if its log says so, or someone's kill" in said
    wait_for(lambda: say_hello(url, pki) == 200, "answers", log)
    servers.stop(process, patience=60)
    assert process.returncode == 0
    assert not any(running(pid) for pid in pids(log_text(log)))


def test_workers_stop_when_serve_is_killed(servers: Servers, tmp_path: Path) -> None:
    # serve killed by SIGKILL (an operator's kill -9, the OOM killer) left its workers serving,
    # orphaned, on the port: nothing stopped them, and a serve started again found it in use.
    signed_skill(tmp_path, "signing")
    process, _ = serve(servers, tmp_path, tmp_path, "signing:skill", "--workers", "2")
    log = servers.output[process]
    wait_in_log(process, log, STARTED, 2)
    workers = pids(log_text(log))
    assert len(workers) == 2, log_text(log)[-3000:]
    process.kill()
    process.wait()
    try:
        wait_for(lambda: not any(running(pid) for pid in workers), "the workers' end", log, 60)
    finally:  # (orphans, if they served on: no fixture knows them)
        for pid in filter(running, workers):
            os.kill(pid, signal.SIGKILL)
    stopping = [line for line in log_text(log).splitlines() if "ended without stopping" in line]
    assert len(stopping) == 2, log_text(log)[-3000:]
    assert all(line.startswith("ERROR:") for line in stopping), stopping


# In each worker (not serve's own process), a file named after it written at its exit: a
# process killed by a signal runs no atexit function.
NOTE_EXIT = """import atexit, multiprocessing, os, pathlib
if multiprocessing.parent_process() is not None:
    atexit.register(lambda: pathlib.Path(f"exited-{os.getpid()}").touch())
"""


def test_a_graceful_stop_ends_each_worker_with_status_0(servers: Servers, tmp_path: Path) -> None:
    # Stopped by the supervisor's SIGTERM, each worker drained its requests, then uvicorn put
    # back Python's default handler and raised the signal again ("cooperative signal
    # handling"): every worker died of it, status -15, however cleanly it had stopped.
    signed_skill(tmp_path, "signing", NOTE_EXIT)
    process, _ = serve(servers, tmp_path, tmp_path, "signing:skill", "--workers", "2")
    log = servers.output[process]
    wait_in_log(process, log, STARTED, 2)
    workers = pids(log_text(log))
    servers.stop(process, patience=60)
    assert process.returncode == 0, log_text(log)[-3000:]
    exited = {int(path.name.removeprefix("exited-")) for path in tmp_path.glob("exited-*")}
    assert exited == workers, log_text(log)[-3000:]
    assert log_text(log).count("Finished server process") == 2
    assert not re.search("^ERROR", log_text(log), re.M), log_text(log)[-3000:]


@pytest.mark.oldest_dependencies
def test_a_graceful_stop_ends_the_reload_server_process_with_status_0(
    servers: Servers, tmp_path: Path
) -> None:
    # Under --reload, uvicorn's reloader stops its server process with SIGTERM (as serve stops,
    # and at each restart): the server drained its requests, then raised the signal again and
    # died of it, status -15, as --workers' workers did (above).
    signed_skill(tmp_path, "signing", NOTE_EXIT)
    process, _ = serve(servers, tmp_path, tmp_path, "signing:skill", "--reload")
    log = servers.output[process]
    wait_in_log(process, log, STARTED, 1)
    [server] = pids(log_text(log))
    servers.stop(process, patience=60)
    assert process.returncode == 0, log_text(log)[-3000:]
    exited = {int(path.name.removeprefix("exited-")) for path in tmp_path.glob("exited-*")}
    assert exited == {server}, log_text(log)[-3000:]
    assert "Finished server process" in log_text(log)


# Each worker exits with status 7 once it has stopped (serve's own process is left alone).
EXIT_7 = """import atexit, multiprocessing, os
if multiprocessing.parent_process() is not None:
    atexit.register(os._exit, 7)
"""


def test_a_worker_that_stops_with_a_failure_is_said_and_fails_serve(
    servers: Servers, tmp_path: Path
) -> None:
    # serve exited 0 however its workers ended as it stopped them: a worker that failed as it
    # shut down (its exit status not 0) went unseen by docker, systemd and Kubernetes.
    signed_skill(tmp_path, "signing", EXIT_7)
    process, _ = serve(servers, tmp_path, tmp_path, "signing:skill", "--workers", "2")
    log = servers.output[process]
    wait_in_log(process, log, STARTED, 2)
    workers = pids(log_text(log))
    servers.stop(process, patience=60)
    assert process.returncode == 1, log_text(log)[-3000:]
    said = [line for line in log_text(log).splitlines() if "as serve stopped" in line]
    assert len(said) == 2, log_text(log)[-3000:]
    for pid in workers:
        line = f"ERROR:    worker process [{pid}] exited with status 7 as serve stopped"
        assert line in said, said


@pytest.mark.parametrize(
    ("exitcode", "hung", "said"),
    [
        (1, False, "exited with status 1"),
        (-signal.SIGSEGV, False, "was killed by SIGSEGV"),
        # (An operator's kill -KILL of a hung worker was said as perhaps out of memory.)
        (
            -signal.SIGKILL,
            False,
            "was killed by SIGKILL (the kernel's out-of-memory killer, if its log says so, or "
            "someone's kill -KILL)",
        ),
        (-signal.SIGKILL, True, "did not answer the health check within 5 s and was killed"),
        (-200, False, "was killed by signal 200"),
    ],
)
def test_how_a_worker_ended(exitcode: int, hung: bool, said: str) -> None:
    assert _how_it_ended(exitcode, hung, 5.0).startswith(said)


FAILING = """
async def app(scope, receive, send):
    assert scope["type"] == "lifespan"
    await receive()
    await send({"type": "lifespan.startup.failed", "message": "the store is down"})
"""


@pytest.mark.oldest_dependencies
def test_a_worker_that_cannot_start_stops_serve_with_status_3(tmp_path: Path) -> None:
    # uvicorn's supervisor stops when a worker cannot start, and its process exited 0: to
    # docker, systemd and Kubernetes a server that stopped as asked. On uvicorn 0.50 serve
    # exited 1 (the worker said as one that did not stop cleanly), and on 0.42 to 0.49 uvicorn
    # started the worker again and again, for ever.
    (tmp_path / "failing.py").write_text(FAILING, encoding="utf-8")
    command = [sys.executable, "-m", "alexaskill", "serve", "failing:app", "--workers", "2"]
    done = subprocess.run(
        [*command, "--port", "0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert re.search(r"ERROR: +worker process \[\d+\] could not start", done.stderr), done.stderr


#: uvicorn's Config, as far as `_supervisor` reads it.
_CONFIG = SimpleNamespace(workers=2, timeout_graceful_shutdown=9)


class _Process:  # uvicorn 0.51 on: made as Process(config, sockets), its exitcode a property
    def __init__(self, config: Any, sockets: Any) -> None:
        pass

    @property
    def exitcode(self) -> int | None:
        return None


class _ProcessBefore050:  # uvicorn 0.42 to 0.49: a target, and no exitcode
    def __init__(self, config: Any, target: Any, sockets: Any) -> None:
        pass


class _Process050(_ProcessBefore050):  # uvicorn 0.50: its exitcode, still a target
    @property
    def exitcode(self) -> int | None:
        return None


class _Multiprocess:  # uvicorn 0.51 on (without its signal handlers, set in the test's process)
    def __init__(self, config: Any, sockets: Any) -> None:
        self.made_with = {"sockets": sockets}
        self.processes: list[Any] = []
        self.should_exit = threading.Event()
        self.checked = False

    def keep_subprocess_alive(self) -> None:
        self.checked = True


class _MultiprocessBefore051:  # uvicorn 0.42 to 0.50
    def __init__(self, config: Any, target: Any, sockets: Any) -> None:
        self.made_with = {"target": target, "sockets": sockets}
        self.processes: list[Any] = []
        self.should_exit = threading.Event()
        self.checked = False

    def keep_subprocess_alive(self) -> None:
        self.checked = True


@pytest.mark.oldest_dependencies
@pytest.mark.parametrize(
    ("process", "multiprocess", "overridden"),
    [
        (_Process, _Multiprocess, True),
        (_ProcessBefore050, _MultiprocessBefore051, False),
        (_Process050, _MultiprocessBefore051, False),
        (_ProcessBefore050, _Multiprocess, False),  # (no uvicorn's, but any mismatch)
    ],
)
def test_an_older_uvicorn_keeps_its_own_supervisor(
    monkeypatch: pytest.MonkeyPatch, process: Any, multiprocess: Any, overridden: bool
) -> None:
    # The supervisor that says how a worker ended at ERROR replaces uvicorn's restart check,
    # with uvicorn's internals of 0.51 on: on 0.42-0.49 it died of an AttributeError (no
    # Process.exitcode) as the first worker died, leaving the others unsupervised, and on 0.50
    # of a TypeError (Process takes a target). Older ones get uvicorn's own supervisor.
    from uvicorn.supervisors import multiprocess as module

    monkeypatch.setattr(module, "Process", process)
    monkeypatch.setattr(module, "Multiprocess", multiprocess)
    sock = object()
    made = _supervisor(_CONFIG, sock)
    assert isinstance(made, multiprocess)
    # (On any, a subclass closing the port as it stops. On older, uvicorn's restart check is
    # kept, after a look for a worker that could not start: test_a_worker_that_cannot_start_...)
    if overridden:
        assert "keep_subprocess_alive" in vars(type(made))
    else:
        made.keep_subprocess_alive()
        assert made.checked and not made.failed_to_start
    assert made.made_with["sockets"] == [sock]
    if "target" in made.made_with:  # uvicorn.run's: the server's run
        assert callable(made.made_with["target"])


class _Worker:  # a worker of uvicorn's supervisor: its multiprocessing process as ``process``
    def __init__(self, exitcode: int | None) -> None:
        self.process = SimpleNamespace(exitcode=exitcode, pid=4321)


class _Restarting(_MultiprocessBefore051):  # 0.42 to 0.49: a dead worker started again
    def keep_subprocess_alive(self) -> None:
        self.checked = True
        self.processes = [_Worker(None) for _ in self.processes]


class _Stopping(_MultiprocessBefore051):  # 0.50: it stops, and the worker (status 3) stays
    def keep_subprocess_alive(self) -> None:
        self.checked = True
        self.processes[0] = _Worker(3)


class _Heard(logging.Handler):
    """The messages of the records a logger handed it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.mark.oldest_dependencies
@pytest.mark.parametrize(
    ("multiprocess", "exitcodes", "failed", "checked"),
    [
        (_Restarting, [None, 3], True, False),  # seen before uvicorn's restart check
        (_Restarting, [None, 1], False, True),  # (another failure: uvicorn's to restart)
        (_Restarting, [0, None], False, True),
        (_Stopping, [None, None], True, True),  # ended as uvicorn looked: seen after it
    ],
)
def test_on_an_older_uvicorn_a_worker_that_could_not_start_stops_the_rest(
    monkeypatch: pytest.MonkeyPatch,
    multiprocess: Any,
    exitcodes: list[int | None],
    failed: bool,
    checked: bool,
) -> None:
    # The 0.42-0.50 path of test_a_worker_that_cannot_start_stops_serve_with_status_3, without
    # processes (CI runs that file at the newest uvicorn only): a worker ended with uvicorn's
    # start-up failure status stops the supervisor, said once at ERROR, serve's status then 3.
    from uvicorn.supervisors import multiprocess as module

    monkeypatch.setattr(module, "Process", _ProcessBefore050)
    monkeypatch.setattr(module, "Multiprocess", multiprocess)
    made = _supervisor(_CONFIG, object())
    made.processes = [_Worker(code) for code in exitcodes]
    # Heard on "uvicorn.error" itself: through the root logger (caplog's), the record was lost
    # when a test before it in the process had stopped "uvicorn" propagating or disabled the
    # logger (uvicorn's logging set-up; seen in CI's oldest-dependencies run).
    logger = logging.getLogger("uvicorn.error")
    heard = _Heard()
    monkeypatch.setattr(logger, "disabled", False)
    monkeypatch.setattr(logger, "level", logging.INFO)
    logger.addHandler(heard)
    try:
        made.keep_subprocess_alive()
        made.keep_subprocess_alive()  # (once said, said no more)
    finally:
        logger.removeHandler(heard)
    assert made.failed_to_start is failed and made.should_exit.is_set() is failed
    assert made.checked is checked
    said = [message for message in heard.messages if "could not start" in message]
    assert said == (["worker process [4321] could not start (its log says why): stopping"] * failed)


def test_under_bare_uvicorn_a_worker_killed_is_said_at_error_by_its_successor(
    servers: Servers, tmp_path: Path
) -> None:
    # Bare `uvicorn app:skill --workers 2` (not `alexaskill serve`): uvicorn's supervisor said
    # "Child process [pid] died" at INFO, and nothing else did. The worker started in its
    # place says it at ERROR now.
    pki = signed_skill(tmp_path, "signing")
    port = servers.free_port()
    command = [sys.executable, "-m", "uvicorn", "signing:skill", "--workers", "2"]
    # (uvicorn kills a worker that misses its 5 s health check: on a loaded machine, a fourth.
    # A kill landing while the supervisor awaits the victim's answer is seen only when that wait
    # times out (the parent holds both ends of the pipe, so no EOF): the waits below outlast it.)
    healthcheck = 20
    command += ["--timeout-worker-healthcheck", str(healthcheck)]
    command += ["--port", str(port), "--http", "alexaskill.server:HttpProtocol"]
    process = servers.start(command, port, cwd=tmp_path, env={**os.environ}, timeout=60)
    log = servers.output[process]
    wait_for(lambda: len(pids(log_text(log))) == 2, "two workers", log)
    # Each worker notes itself as its lifespan starts: one killed before that is not said (seen
    # under load: the victim killed while "Waiting for application startup").
    wait_in_log(process, log, STARTED, 2)
    first = pids(log_text(log))
    victim = min(first)
    os.kill(victim, signal.SIGKILL)
    wait_for(lambda: len(pids(log_text(log))) == 3, "a third worker", log, healthcheck + 30)
    # The worker started after the kill, not the largest PID: PIDs wrap at pid_max (32768 here),
    # and on a busy machine the successor's was 397.
    [successor] = pids(log_text(log)) - first
    line = f"worker process [{victim}] ended without shutting down"
    wait_for(lambda: line in log_text(log), "the line", log)
    [said] = [text for text in log_text(log).splitlines() if line in text]
    assert "ERROR" in said and "someone's kill -KILL" in said, said
    assert f"uvicorn started [{successor}] in its place" in said
    wait_for(lambda: say_hello(f"http://127.0.0.1:{port}/", pki) == 200, "answers", log)
    servers.stop(process)
    assert log_text(log).count("ended without shutting down") == 1
    # The workers stopped gracefully took their notes, and the last the directory, with them.
    assert not list(Path(tempfile.gettempdir()).glob(f"alexaskill-workers-{process.pid}-*"))


@pytest.mark.parametrize("ending", [None, KeyboardInterrupt, RuntimeError])
def test_the_worker_class_is_uvicorns_again_however_the_supervisor_ends(
    monkeypatch: pytest.MonkeyPatch, ending: type[BaseException] | None
) -> None:
    # The supervisor makes its workers alexaskill's `Worker` by putting it in place of
    # uvicorn's Process class while it runs: uvicorn's is back once it has run, however it
    # ended, and a process started meanwhile (a worker: uvicorn starts each with "spawn")
    # imports uvicorn's own, as would a skill that uses uvicorn's supervisor itself.
    from uvicorn.supervisors import multiprocess as module

    from alexaskill.cli.serve_worker_process import Worker

    seen: dict[str, Any] = {}

    class Running(_Multiprocess):
        def run(self) -> None:
            seen["running"] = module.Process
            ours, theirs = multiprocessing.Pipe(duplex=False)
            spawned = multiprocessing.get_context("spawn").Process(
                target=uvicorns_process_module, args=(theirs,)
            )
            spawned.start()
            seen["spawned"] = ours.recv() if ours.poll(60) else None
            spawned.join(60)
            if ending is not None:
                raise ending

    monkeypatch.setattr(module, "Process", _Process)
    monkeypatch.setattr(module, "Multiprocess", Running)
    made = _supervisor(_CONFIG, object())
    if ending is None:
        made.run()
    else:
        with pytest.raises(ending):
            made.run()
    assert seen["running"] is Worker
    assert seen["spawned"] == "uvicorn.supervisors.multiprocess"
    assert module.Process is _Process  # type: ignore[comparison-overlap]
