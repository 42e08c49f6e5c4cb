"""A server process of ``serve --workers``, which a graceful stop ends with status 0."""

from __future__ import annotations

from socket import socket

from uvicorn.supervisors.multiprocess import Process

from .serve_workers import serve_till_stopped


class Worker(Process):
    """uvicorn's worker process (0.51 on: made as ``Worker(config, sockets)``), its server run
    by `serve_till_stopped`. (A class of a module of its own, for `multiprocessing` to find by
    name in the process it starts: a worker's target is pickled with it.)"""

    def target(self, sockets: list[socket] | None = None) -> None:
        """uvicorn's, in the worker process: answer its health checks, and serve."""
        serve_till_stopped(super().target, sockets)
