"""alexaskill.server_limits: the connection limits of the server's protocols, here what is said
when asyncio's accept() fails for want of file descriptors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from alexaskill.server_limits import _ACCEPT_FAILED, _guard_accept

from .said_rarely import SAID_RARELY


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    try:
        yield loop
    finally:
        loop.close()


def test_accepts_failing_for_want_of_descriptors_are_said_at_most_every_10_s(
    loop: asyncio.AbstractEventLoop,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A flood that exhausts the descriptors makes accept() fail again and again: one line every
    # 10 s at most, not one per failure (asyncio's own was a traceback each).
    now = [0.0]
    monkeypatch.setattr(loop, "time", lambda: now[0])
    connections: set[Any] = set()
    _guard_accept(loop, connections)
    handler = loop.get_exception_handler()
    assert handler is not None
    caplog.set_level(logging.WARNING, logger="alexaskill.server")
    said = []
    for when, _ in SAID_RARELY:
        now[0] = when
        caplog.clear()
        handler(loop, {"message": _ACCEPT_FAILED})
        said.append([r.getMessage() for r in caplog.records if r.name == "alexaskill.server"])
    line = (
        "out of file descriptors (0 open connections): closed the ones waiting longest; raise "
        "the limit (ulimit -n) or lower --backlog and --limit-concurrency"
    )
    assert said == [[line] if due else [] for _, due in SAID_RARELY]


def test_other_loop_errors_go_to_the_handler_there_was(
    loop: asyncio.AbstractEventLoop, caplog: pytest.LogCaptureFixture
) -> None:
    # (What the guard passes on is not rate-limited: only the failed accepts are its own.)
    seen: list[str] = []
    loop.set_exception_handler(lambda loop, context: seen.append(context["message"]))
    _guard_accept(loop, set())
    handler = loop.get_exception_handler()
    assert handler is not None
    caplog.set_level(logging.WARNING, logger="alexaskill.server")
    for _ in range(3):
        handler(loop, {"message": "something else"})
    assert seen == ["something else"] * 3 and not caplog.records
