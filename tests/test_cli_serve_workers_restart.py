"""``alexaskill serve --workers``: its restart on SIGHUP, judged in uvicorn's supervisor with
fake workers: what it says of them while it is held, and a stop, a signal or a worker's end that
comes during it. (Restarts of real workers: tests/test_cli_serve_workers_health.py.)"""

from __future__ import annotations

import signal
import threading
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest

from alexaskill.cli import serve_worker_process, serve_workers

from .cli_serve_shared import needs_our_supervisor


class _Restarting:
    """A worker for `_supervisor_class`'s restart on SIGHUP: each new one up, ended before it
    was up (its app's import failed: status 1), or still starting (None), as `UP` says, in
    turn; those made before the restart, up."""

    UP: ClassVar[list[bool | None]] = []
    pids = iter(range(5000, 6000))

    def __init__(self, config: object = None, sockets: object = None) -> None:
        self.pid = next(self.pids)
        self.exitcode: int | None = None
        self.process = SimpleNamespace(is_alive=lambda: self.exitcode is None)
        self.said_up: bool | None = True
        self.ended: list[str] = []

    def start(self) -> None:
        self.said_up = self.UP.pop(0)
        if self.said_up is False:
            self.exitcode = 1

    def starting(self) -> bool:
        return self.said_up is None

    def up(self) -> bool:
        return self.said_up is True

    def started_long_ago(self, seconds: float) -> bool:
        return False

    def is_alive(self, timeout: float = 5) -> bool:  # (the health check of those up)
        return self.exitcode is None

    def kill(self) -> None:
        self.ended.append("killed")

    def join(self) -> None:
        pass

    def terminate(self) -> None:
        self.ended.append("terminated")


def _restarting(
    monkeypatch: pytest.MonkeyPatch, up: list[bool | None], signals: list[int]
) -> tuple[Any, list[str]]:
    """`_supervisor_class`'s supervisor of three `_Restarting` workers, ``signals`` received,
    whose new workers are as ``up`` says; and the list its ERROR lines go to."""
    from uvicorn.supervisors import multiprocess

    errors: list[str] = []
    recorder = SimpleNamespace(
        error=lambda message, *args: errors.append(message % args), info=lambda *args: None
    )
    monkeypatch.setattr(serve_workers, "worker_logger", recorder)
    monkeypatch.setattr(serve_workers, "_RESTART_TICK", 0.001)
    monkeypatch.setattr(multiprocess, "logger", recorder)  # (its "Received SIGTERM, exiting.")
    monkeypatch.setattr(multiprocess, "Process", _Restarting)
    monkeypatch.setattr(_Restarting, "UP", up)
    monkeypatch.setattr(_Restarting, "pids", iter(range(5000, 6000)))
    supervising = serve_workers._supervisor_class(multiprocess)
    supervisor = supervising.__new__(supervising)  # (no __init__: it takes the test's signals)
    supervisor.config = SimpleNamespace(timeout_worker_healthcheck=5)
    supervisor.processes = [_Restarting() for _ in range(3)]
    supervisor.sockets, supervisor.should_exit = [], threading.Event()
    supervisor.signal_queue = signals
    return supervisor, errors


@needs_our_supervisor
@pytest.mark.parametrize(
    ("up", "said"),
    [
        ([True, False], ("[5004]", "[5001]", "the new code: [5003]; the old: [5001], [5002]")),
        ([False], ("[5003]", "[5000]", "the new code: none; the old: [5000], [5001], [5002]")),
        ([True, True, True], None),  # (done: each worker runs the new code)
    ],
    ids=["after-one", "at-once", "done"],
)
def test_an_abandoned_restart_names_the_workers_on_each_code(
    monkeypatch: pytest.MonkeyPatch, up: list[bool | None], said: tuple[str, str, str] | None
) -> None:
    # uvicorn's restart on SIGHUP, abandoned, says only the new worker it killed and the old
    # one it keeps: which of the others serve the new code, and which the old, went unsaid.
    supervisor, errors = _restarting(monkeypatch, up, [])
    supervisor.restart_all()
    if said is None:
        assert errors == []
        assert [each.pid for each in supervisor.processes] == [5003, 5004, 5005]
        return
    new, kept, codes = said
    assert errors == [
        f"new worker process {new} of the restart on SIGHUP exited with status 1 before its "
        f"server was up (its log says why): keeping worker process {kept}",
        f"the restart on SIGHUP was abandoned: worker processes serving {codes}. Send SIGHUP "
        "again to restart them all",
    ]


@needs_our_supervisor
def test_a_stop_during_a_restart_ends_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # A restart waits for its new worker as long as it starts: a SIGTERM meanwhile ends the
    # restart, its new worker killed, unsaid, and uvicorn's loop stops serve at its next tick,
    # as at any other time (uvicorn's handled signals only once the restart had ended).
    supervisor, errors = _restarting(monkeypatch, [None], [])
    ended: list[int] = []
    monkeypatch.setattr(_Restarting, "kill", lambda self: ended.append(self.pid))

    def starting(self: _Restarting) -> bool:  # (the new worker's, as the SIGTERM comes)
        if self.pid == 5003 and not supervisor.signal_queue:
            supervisor.signal_queue.append(signal.SIGTERM)
        return self.said_up is None

    monkeypatch.setattr(_Restarting, "starting", starting)
    old = list(supervisor.processes)
    supervisor.signal_queue.append(signal.SIGHUP)
    supervisor.handle_signals()
    assert supervisor.processes == old and errors == [] and ended == [5003]
    assert supervisor.signal_queue == [signal.SIGTERM] and not supervisor.should_exit.is_set()
    supervisor.handle_signals()
    assert supervisor.should_exit.is_set()


@needs_our_supervisor
def test_a_worker_that_ends_during_a_restart_is_replaced_meanwhile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A restart waits for its new worker as long as it starts: the other workers are checked
    # meanwhile, as the main loop does, one that ended replaced at once, not once it is over.
    from alexaskill.cli import serve_worker_process

    monkeypatch.setattr(serve_worker_process, "Worker", _Restarting)  # (its replacement)
    supervisor, errors = _restarting(monkeypatch, [None, True, True, True], [])
    looked: list[int] = []

    def starting(self: _Restarting) -> bool:  # (the new worker's first look: still starting)
        if self.pid != 5003 or looked:
            return False
        looked.append(self.pid)
        supervisor.processes[2].exitcode = 1  # (worker 5002 ends as the new one starts)
        self.said_up = True
        return True

    monkeypatch.setattr(_Restarting, "starting", starting)
    supervisor.restart_all()
    assert errors == ["worker process [5002] exited with status 1: starting another"]
    assert [each.pid for each in supervisor.processes] == [5003, 5005, 5006]


@needs_our_supervisor
def test_a_stop_come_with_the_sighup_stops_serve_after_the_restart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # SIGHUP and SIGTERM within one tick of the supervisor's loop: uvicorn's handle_signals goes
    # over the signals the queue held as it began, taking each out of it, and the restart had
    # taken the SIGTERM out already: ValueError, the supervisor's loop ended by a traceback,
    # its workers serving on, and serve waiting for them.
    supervisor, errors = _restarting(monkeypatch, [None], [signal.SIGHUP, signal.SIGTERM])
    old = list(supervisor.processes)
    supervisor.handle_signals()
    assert supervisor.should_exit.is_set() and supervisor.signal_queue == []
    assert supervisor.processes == old and errors == []


@needs_our_supervisor
def test_a_signal_come_during_a_restart_not_yet_held_is_said_at_info(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A SIGTTIN come while a restart's new worker starts waited for its end unsaid; SIGWINCH (a
    # terminal's resize), which uvicorn handles not, is no news.
    supervisor, _ = _restarting(monkeypatch, [None, True, True], [])
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(
        serve_workers,
        "worker_logger",
        SimpleNamespace(
            info=lambda message, *args: said.append(("INFO", message % args)),
            warning=lambda message, *args: said.append(("WARNING", message % args)),
            error=lambda message, *args: said.append(("ERROR", message % args)),
        ),
    )
    looks: list[int] = []

    def starting(self: _Restarting) -> bool:  # (5003 starting for two looks, then up)
        if self.pid != 5003:
            return False
        looks.append(self.pid)
        supervisor.signal_queue[:] = [signal.SIGWINCH, signal.SIGTTIN][: len(looks)]
        self.said_up = True if len(looks) == 3 else None
        return self.said_up is None

    monkeypatch.setattr(_Restarting, "starting", starting)
    supervisor.restart_all()
    assert [each.pid for each in supervisor.processes] == [5003, 5004, 5005]
    assert said == [
        (
            "INFO",
            "SIGTTIN waits behind the restart on SIGHUP: handled once it ends (new worker "
            "process [5003] still starting)",
        )
    ]


@needs_our_supervisor
def test_a_held_restart_names_the_worker_serving_in_its_place_now(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The old worker of the held place died and was started again while the new one hung: the
    # WARNING named the dead one as "serving on in its place", its pid taken as the wait began.
    monkeypatch.setattr(serve_worker_process, "Worker", _Restarting)  # (the one started again)
    # 5003 the restart's new worker, hung; 5004 started in place of 5000, which died.
    supervisor, _ = _restarting(monkeypatch, [None, True], [])
    said: list[str] = []

    def say(message: str, *args: object) -> None:
        said.append(message % args)

    monkeypatch.setattr(
        serve_workers, "worker_logger", SimpleNamespace(info=say, warning=say, error=say)
    )
    looks: list[int] = []

    def started_long_ago(self: _Restarting, seconds: float) -> bool:
        looks.append(self.pid)
        if len(looks) == 1:
            supervisor.processes[0].exitcode = 1  # (5000 dies: started again this look)
        elif len(looks) == 3:
            self.exitcode, self.said_up = 9, False  # (then the hung one killed: abandoned)
        return len(looks) == 2

    monkeypatch.setattr(_Restarting, "started_long_ago", started_long_ago)
    supervisor.restart_all()
    [held] = [line for line in said if "the restart is held" in line]
    assert "worker process [5004] serving on in its place" in held, said
    assert "keeping worker process [5004]" in said[-2], said
