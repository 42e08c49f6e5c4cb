"""alexaskill's own handlers and filters coming and going while another thread logs: each taken
off costs that thread's record none of the logger's others (`alexaskill.log_lists`): logging
set up again, an answer's judging ending, ``serve``'s watch on uvicorn's lines ending.

Each test stops the thread's record just after alexaskill's element, before an app's filter
that drops it and the app's handler (tests/log_gates.py), takes alexaskill's off, and lets the
walk go on: removed in place, it moved the app's filter under the walk, which never ran it."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from alexaskill.cli import serve_server
from alexaskill.logs import configure_logging
from alexaskill.testing import answer_rules

from .in_threads import in_thread, joined
from .log_gates import WAIT, Gate, GateHandler, Taking, a_secret_stopped
from .logger_state import alexaskill_logger_kept

pytestmark = pytest.mark.oldest_dependencies


@pytest.fixture
def logger() -> Iterator[logging.Logger]:
    with alexaskill_logger_kept() as kept:
        kept.setLevel(logging.INFO)
        kept.propagate = False  # (the test's records are for the handlers under test alone)
        yield kept


@pytest.fixture
def uvicorn_logger() -> Iterator[logging.Logger]:
    """uvicorn's logger with no filters, for the test; its filters, handlers, level and
    propagation put back after it."""
    found = serve_server.uvicorn_logger
    kept = found.filters, found.handlers, found.level, found.propagate
    found.filters, found.handlers = [], []
    found.setLevel(logging.INFO)
    found.propagate = False
    try:
        yield found
    finally:
        found.filters, found.handlers = kept[0], kept[1]
        found.setLevel(kept[2])
        found.propagate = kept[3]


def test_a_record_logged_while_logging_is_set_up_again_finds_a_handler(
    logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # configure_logging took its old handler off, then made and added the new one: a record
    # another thread logged in between found no handler on the "alexaskill" logger (which no
    # longer propagates), lost at INFO. The thread logs here while the second set-up is held
    # where it forgets the early filter (once set up, nothing else of it to do).
    from alexaskill.log_early import forget_early

    first, second = io.StringIO(), io.StringIO()
    configure_logging(stream=first)

    def logged_meanwhile() -> None:
        joined(*in_thread(lambda: logger.info("meanwhile")), WAIT)
        forget_early()

    monkeypatch.setattr("alexaskill.logs.forget_early", logged_meanwhile)
    configure_logging(stream=second)
    assert "meanwhile" in first.getvalue() + second.getvalue()


def test_logging_set_up_again_while_a_thread_logs_skips_none_of_the_apps_handlers(
    logger: logging.Logger,
) -> None:
    # The logger's handlers: configure_logging's first, the gate, the app's. The thread's
    # record stops at the gate; configure_logging is called again meanwhile. Its old handler,
    # removed in place, moved the app's under the walk: it never had the record.
    first, second = io.StringIO(), io.StringIO()
    configure_logging(stream=first)
    gate = Gate("a warning")
    handler = Taking()
    for each in (GateHandler(gate), handler):
        logger.addHandler(each)
    thread, failures = in_thread(lambda: logger.warning("a warning"))
    assert gate.reached.wait(WAIT)
    configure_logging(stream=second)
    gate.opened.set()
    joined(thread, failures, WAIT)
    assert handler.taken == ["a warning"]
    assert "a warning" in first.getvalue()
    names = [type(each).__name__ for each in logger.handlers]
    assert names[-3:] == ["GateHandler", "Taking", "_Handler"] and names.count("_Handler") == 1


def test_judging_ending_while_a_thread_logs_skips_none_of_the_apps_filters(
    logger: logging.Logger,
) -> None:
    # The logger's filters: the judging's quiet one (the thread judges nothing: it lets the
    # record through), the gate, the app's. The judging ends while the record is at the gate.
    logger.addHandler(logging.NullHandler())  # (a handler takes the record: no early writing)
    with contextlib.ExitStack() as judging:
        judging.enter_context(answer_rules._unlogged())
        assert answer_rules._quiet in logger.filters
        with a_secret_stopped(logger):
            judging.close()
            assert answer_rules._quiet not in logger.filters


class _Config:
    """What `serve_server._bound` asks of uvicorn's ``Config``: its socket bound, meanwhile
    (``bind``) a thread's record stopped after serve's filter."""

    host, port = "127.0.0.1", 8000

    def __init__(self, bind: Callable[[], None]) -> None:
        self.bind = bind

    def bind_socket(self) -> str:
        self.bind()
        return "the socket"


def test_the_bind_watched_while_a_thread_logs_skips_none_of_the_apps_filters(
    uvicorn_logger: logging.Logger,
) -> None:
    # uvicorn's logger's filters: serve's watch on the bind's lines, the gate, the app's. The
    # bind is done while the record is at the gate.
    with contextlib.ExitStack() as stopped:
        config = _Config(lambda: stopped.enter_context(a_secret_stopped(uvicorn_logger)))
        assert serve_server._bound(config) == "the socket"
        assert len(uvicorn_logger.filters) == 2  # (the gate and the app's: serve's is off)


def test_the_start_watched_while_a_thread_logs_skips_none_of_the_apps_filters(
    uvicorn_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # uvicorn's logger's filters: serve's watch for "Uvicorn running on", the gate, the app's.
    # The server's start is done while the record is at the gate.
    import uvicorn

    with contextlib.ExitStack() as stopped:

        async def startup(server: Any, sockets: Any = None) -> None:
            stopped.enter_context(a_secret_stopped(uvicorn_logger))

        monkeypatch.setattr(uvicorn.Server, "startup", startup)
        server = serve_server._announcing_server(uvicorn.Config(app="never:loaded"))
        asyncio.run(server.startup())
        assert len(uvicorn_logger.filters) == 2  # (the gate and the app's: serve's is off)
