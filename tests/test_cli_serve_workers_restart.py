"""``alexaskill serve --workers``: what its restart on SIGHUP says of the workers while it is
held, with the supervisor's fakes of tests/test_cli_serve_workers_health.py."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from alexaskill.cli import serve_worker_process, serve_workers

from .cli_serve_shared import needs_our_supervisor
from .test_cli_serve_workers_health import _Restarting, _restarting


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
