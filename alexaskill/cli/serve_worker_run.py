"""A server process of ``alexaskill serve`` (a worker of ``--workers``, ``--reload``'s server
process): its server run till stopped, ended with serve's statuses and within its exit bound
(`serve_till_stopped`), and its watch of the ``serve`` process (`stop_with_parent`)."""

from __future__ import annotations

import os
import signal
import sys
from typing import TYPE_CHECKING

from .serve_workers import _STARTUP_FAILURE, worker_logger

if TYPE_CHECKING:
    from collections.abc import Callable
    from socket import socket


def serve_till_stopped(
    run: Callable[..., None],
    sockets: list[socket] | None = None,
    *,
    exit_within: float | None = None,
) -> None:
    """In a worker process (or ``--reload``'s server process): ``run(sockets=sockets)``
    (uvicorn's server), a SIGTERM ending it with status 0, as it ends ``serve``
    (`stopped_by_sigterm`). Stopped by SIGTERM (from the supervisor or the reloader, or a
    worker's own once ``serve`` is gone: `stop_with_parent`), uvicorn's server drained its
    requests, then put back the handler it found, Python's default, and raised the signal again:
    each worker died of it, exit status -15, however cleanly it had stopped. An APP that cannot be
    imported any more (`UsageError`) is said in one line, exit status 3. Once ``run`` has
    ended, the process about to exit, SIGTERM is ignored: after a Ctrl-C (the SIGINT every
    process of the terminal's group gets, which stopped the server), the supervisor's SIGTERM,
    sent as it stops its workers, came as the worker exited, and killed it (-15). So that a
    thread of the app's that is not a daemon, which Python waits for at exit, cannot then hold
    the process (and serve, waiting for it) for ever, the process ends ``exit_within`` seconds
    after ``run`` ended at the latest, or at once on a second Ctrl-C, status 1, or 3 where its
    server could not start (`serve_exit.exit_bounded`)."""
    import threading

    from . import serve_uvicorn
    from .serve_exit import exit_bounded

    failed = False
    try:
        _serve_till_stopped(run, sockets)
    except SystemExit as exc:
        failed = exc.code == _STARTUP_FAILURE
        raise
    finally:
        if failed:
            # A server that could not start, so held, keeps its status: ended with 1 instead,
            # it was taken for a worker that died, and another started in its place, for ever.
            # Ctrl-C then is its first stop: "stopped", not "stopped again".
            after, status = "its server failed to start", _STARTUP_FAILURE
            again = (signal.SIGINT,)
            exit_bounded(exit_within, after=after, again=again, status=status, stopped="stopped")
        else:
            exit_bounded(exit_within, again=(signal.SIGINT,))
        if threading.current_thread() is threading.main_thread():
            # Again (a Ctrl-C as the block put it back left its own: the supervisor's SIGTERM
            # a traceback at exit, status 1), after the bound: a Ctrl-C landing here is then
            # the bound's (come again), not a KeyboardInterrupt that skipped the bound.
            serve_uvicorn._put_back(signal.SIGTERM, signal.SIG_IGN)


def _serve_till_stopped(run: Callable[..., None], sockets: list[socket] | None) -> None:
    """`serve_till_stopped`'s run of ``run``."""
    from .chat_show import error_line
    from .common import UsageError
    from .serve_server import _Decided
    from .serve_uvicorn import stopped_by_sigterm

    # Ignored, not the default put back: the stop it asks for is done, and the process is
    # ending (as a one-shot command's is, once stopped: `alexaskill.cli._terminable`).
    with stopped_by_sigterm(then=signal.SIG_IGN):
        try:
            run(sockets=sockets)
        except UsageError as exc:
            # The app's import failed (a restart's new code, a worker started again in place
            # of one that died): said as serve's start says it, and a server that could not
            # start, not multiprocessing's traceback of the exception and status 1.
            # (A `_Decided`: a SIGTERM, the supervisor's, landing as it leaves the block, does
            # not replace it, the worker's exit then 0.)
            sys.stderr.write(error_line("serve", str(exc)))
            raise _Decided(_STARTUP_FAILURE, []) from None
        # uvicorn's Server.run before 0.50 returned quietly from a start that failed (its
        # lifespan's; uvicorn.run then exits with status 3): said here by the status too, for
        # `_startup_checked` to see (--reload, and --workers before 0.51, whose ``run`` is the
        # server's). From 0.50 the server exits with status 3 itself; a worker of 0.51 on
        # gives its own target, the `Worker`'s, with no ``started``: nothing to do here then.
        # (Not after a SIGTERM, which leaves the block.)
        server = getattr(run, "__self__", None)
        if getattr(server, "started", True) is False:
            raise _Decided(_STARTUP_FAILURE, [])


def stop_with_parent() -> None:
    """In a server process `alexaskill serve` started (``--workers``, ``--reload``): once that
    process ends without stopping this one (SIGKILL, the OOM killer), say so at ERROR and stop
    gracefully, as on SIGTERM. Before, such a worker served on, orphaned, holding the port, and
    ``alexaskill serve`` started again found the port in use."""
    import multiprocessing
    import signal
    import threading
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None or sys.platform == "win32":  # (no SIGTERM to send oneself there)
        return

    def watch() -> None:
        wait([parent.sentinel])  # ready once the parent is gone (its end of the pipe closed)
        worker_logger.error(
            "the alexaskill serve process [%s] ended without stopping worker process [%s]: "
            "stopping it",
            parent.pid,
            os.getpid(),
        )
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="alexaskill-parent-watch", daemon=True).start()
