"""What the tests of a SIGTERM landing as ``alexaskill serve``'s server fails to start share
(tests/test_cli_serve_exit_again.py, test_cli_serve_workers_stop.py): uvicorn's server that did
not start (`NotStarted`), serve's ``_serve`` running uvicorn with a SIGTERM as it is left
(`serving_uvicorn`), SIGTERM's handler put back after the test (`sigterm_kept`), and the skip
of a test that sets signal handlers outside the main thread (`in_main_thread_only`); both at
once, SIGINT's too, for each test of a module that imports `handlers_kept_in_the_main_thread`."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest


def in_main_thread_only() -> None:
    """Skip the test outside the main thread: Python sets signal handlers there alone."""
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers are set in the main thread alone")


class NotStarted:
    """uvicorn's `Server` whose start failed: its ``run`` returns, not started (before uvicorn
    0.50), or raises ``refused`` (from 0.50 its own ``SystemExit(3)``; an app refused)."""

    started = False

    def __init__(self, refused: BaseException | None = None) -> None:
        self.refused = refused

    def run(self, sockets: object = None) -> None:
        if self.refused is not None:
            raise self.refused


def serving_uvicorn(where: str, **options: Any) -> Callable[[object, Any], None]:
    """serve's ``_serve``, running ``_run_uvicorn("app:app", ...)`` with ``options`` as serve
    runs it, and raising SIGTERM as its block is left if ``where`` is "as it is raised up"."""
    from alexaskill.cli import serve_uvicorn

    def serving(args: object, state: Any) -> None:
        state.bound.append(9.0)  # (as the APP's import begins)
        state.began = True  # (as uvicorn's run begins)
        try:
            serve_uvicorn._run_uvicorn("app:app", host="127.0.0.1", port=0, **options)
        finally:  # (as the blocks between, serve's own, are left)
            if where == "as it is raised up":
                signal.raise_signal(signal.SIGTERM)

    return serving


@contextlib.contextmanager
def sigterm_kept() -> Iterator[None]:
    """SIGTERM's handler as it was before the block, whatever the block set."""
    kept = signal.getsignal(signal.SIGTERM)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, kept)


@pytest.fixture(autouse=True)
def handlers_kept_in_the_main_thread() -> Iterator[None]:
    """Each test of a module that imports it: skipped outside the main thread, SIGTERM's and
    SIGINT's handlers put back after it, whatever it set."""
    in_main_thread_only()
    kept = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in kept.items():
        signal.signal(signum, handler)
