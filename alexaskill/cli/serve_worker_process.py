"""A server process of ``serve --workers``, which a graceful stop ends with status 0, and which
the supervisor asks whether it is up yet."""

from __future__ import annotations

import pickle
import time
from socket import socket

from uvicorn.supervisors.multiprocess import Process

from .serve_worker_run import serve_till_stopped


class Worker(Process):
    """uvicorn's worker process (0.51 on: made as ``Worker(config, sockets)``), its server run
    by `serve_till_stopped`. (A class of a module of its own, for `multiprocessing` to find by
    name in the process it starts: a worker's target is pickled with it.)"""

    #: In the supervisor: whether the worker has said that its server is up, and whether a
    #: health check is asked and not yet answered (`starting`).
    _up = False
    _asked = False
    #: In the supervisor: when the worker was started, and whether `started_long_ago` said so.
    _started_at = 0.0
    _said_slow = False

    def start(self) -> None:
        """uvicorn's, in the supervisor, noting when (`started_long_ago`)."""
        self._started_at = time.monotonic()
        super().start()

    def started_long_ago(self, seconds: float) -> bool:
        """In the supervisor, of a worker still `starting`: whether it was started over
        ``seconds`` ago, true once only (for one line said of it)."""
        if self._said_slow or time.monotonic() - self._started_at <= seconds:
            return False
        self._said_slow = True
        return True

    def target(self, sockets: list[socket] | None = None) -> None:
        """uvicorn's, in the worker process: answer its health checks, and serve."""
        exit_within = self.config.timeout_graceful_shutdown  # (as long as its requests had)
        serve_till_stopped(super().target, sockets, exit_within=exit_within)

    def up(self) -> bool:
        """In the supervisor: whether the worker has said that its server is up (`starting`
        asks)."""
        return self._up

    def starting(self) -> bool:
        """In the supervisor: whether the worker has not yet said that its server is up (its
        answer to a health check, uvicorn's ``started``), asked without waiting for it: at most
        one question at a time, its answer read once there."""
        if self._up:
            return False
        try:
            if not self._asked:
                self.parent_conn.send(b"ping")
                self._asked = True
            if self.parent_conn.poll():
                self._asked = False
                self._up = self.parent_conn.recv() is True
        except (OSError, EOFError, pickle.UnpicklingError):  # (uvicorn's health check's)
            return False  # its pipe closed: the health check, asked next, says it
        return not self._up
