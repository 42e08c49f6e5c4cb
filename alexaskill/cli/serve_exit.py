"""A server process of ``alexaskill serve`` (``--workers``, ``--reload``) whose server has
stopped: its exit bounded (`exit_bounded`), said at WARNING with what held it."""

from __future__ import annotations

import contextlib
import os
import sys

from .serve_workers import _UNCLEAN_STOP, worker_logger

__all__ = ["exit_bounded"]


def exit_bounded(seconds: float | None) -> None:
    """End this process (a server process, its server stopped) ``seconds`` from now, if it is
    still there, saying at WARNING which threads of the app held it: Python waits at exit for
    each thread that is not a daemon, and the SIGTERM that ended such a process is ignored now
    (`serve_workers.serve_till_stopped`). Watched by a thread of its own, a daemon, which a
    process exiting leaves behind."""
    import threading
    import time

    if seconds is None:  # (uvicorn's own default: no bound on the drain either)
        return

    def watch() -> None:
        time.sleep(seconds)
        holding = [
            repr(thread.name)
            for thread in threading.enumerate()
            if not thread.daemon and thread is not threading.main_thread()
        ]
        if holding:
            why = (
                "Python waits at exit for the threads of the app that are not daemons "
                f"({', '.join(holding)}): ending it without them, status {_UNCLEAN_STOP} (make "
                "such a thread a daemon, or end it in the app's shutdown)"
            )
        else:  # (its atexit functions run once its threads have ended)
            why = (
                f"its exit is held (an atexit function of the app's?): ending it, status "
                f"{_UNCLEAN_STOP} (end that work in the app's shutdown)"
            )
        try:
            worker_logger.warning(
                "server process [%s] has not exited %g s after its server stopped: %s",
                os.getpid(),
                seconds,
                why,
            )
            for stream in (sys.stdout, sys.stderr):
                # (A reader gone, serve's output piped to a command that ended: BrokenPipeError,
                # which raised here left the process held for ever all the same.)
                with contextlib.suppress(AttributeError, OSError, ValueError):
                    stream.flush()
        finally:
            # Not SystemExit, which a thread cannot raise for its process, nor a signal to
            # itself: the main thread is the one held, and SIGTERM is ignored
            # (`serve_till_stopped`'s race).
            os._exit(_UNCLEAN_STOP)

    threading.Thread(target=watch, name="alexaskill-exit-watch", daemon=True).start()
