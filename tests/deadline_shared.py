"""What the response deadline's tests (tests/test_deadline*.py) share: how long they wait, the
deadline's movable clock, an event that ends blocked handlers, and a stand-in Lambda context.

Each module binds the fixtures it uses (``clock = deadline_shared.clock``; tests/test_lambda_web.py
and tests/test_progressive_late.py too): registered in tests/conftest.py they would be every
module's, and ``clock`` and ``release`` are names other modules give fixtures of their own
(tests/test_log_repeats.py). (``anyio_backend``, asyncio, is conftest's.)
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from alexaskill.testing import RequestFactory

from .deadline_clock import Clock, patch_clock

# Long enough that a handler cannot finish in it by accident, nor a quick request miss it on a
# busy machine (a verify took 0.7 s under a load of 6 on two cores); short enough for quick tests.
SHORT = 1.0
# How long a test waits for a thread to report, at most.
WAIT = 5.0
# Longer than any stall of a loaded machine: what waits this long must be ended by the code
# under test (or by the test), never by the wait running out.
LONG = 60.0


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return patch_clock(monkeypatch)


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at the end of the test, so that a handler blocked on it ends."""
    event = threading.Event()
    yield event
    event.set()


def request_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "alexaskill.request"]


def wait_for(condition: Any) -> None:
    deadline = time.monotonic() + LONG
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("condition not met in time")
        time.sleep(0.01)


class Context:
    """What Lambda passes as ``context``: the part the deadline reads."""

    def __init__(self, remaining_ms: int) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def lambda_event(name: str) -> dict[str, Any]:
    return RequestFactory().intent(name)


def speech(answer: dict[str, Any]) -> str:
    return str(answer["response"]["outputSpeech"]["text"])
