"""What the tests of where def handlers run share (tests/test_pace.py, test_pace_threads.py): the
`quick_below` fixture that raises the limits, a `Where` that notes the thread each call ran on
against the event loop's, a quick launch handler that notes it (`say_hi`), and the apology.

Each module binds the fixture (``quick_below = pace_shared.quick_below``), as
tests/deadline_shared.py's are bound.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from alexaskill import Response, Skill, pace, speak
from alexaskill.testing import TestClient

APOLOGY = "Sorry, something went wrong. Please try again later."


@pytest.fixture
def quick_below(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    def set_limit(seconds: float) -> None:
        monkeypatch.setattr(pace, "QUICK_SECONDS", seconds)
        # A call that holds up the loop this long sends its handler to threads for good.
        monkeypatch.setattr(pace, "STALL_SECONDS", 10 * seconds, raising=False)

    set_limit(1.0)
    return set_limit


class Where:
    """Which thread each call of a handler ran on, against the event loop's."""

    def __init__(self, skill: Skill) -> None:
        self.threads: list[int] = []
        self.loop_thread = 0

        @skill.intent("Loop")
        async def loop_thread() -> Response:
            self.loop_thread = threading.get_ident()
            return speak("Loop.")

    def note(self) -> None:
        self.threads.append(threading.get_ident())

    def on_loop(self, client: TestClient) -> list[bool]:
        client.intent("Loop")
        return [thread == self.loop_thread for thread in self.threads]

    def launches(
        self, skill: Skill, times: int, **options: Any
    ) -> tuple[list[str | None], list[bool]]:
        """Launch ``skill`` ``times`` times: what each answer said, and which calls ran on the
        loop's thread."""
        with TestClient(skill, **options) as client:
            speeches = [client.launch().speech for _ in range(times)]
            return speeches, self.on_loop(client)


def say_hi(skill: Skill, where: Where) -> None:
    """A quick def launch handler that notes where it ran."""

    @skill.launch
    def launch() -> Response:
        where.note()
        return speak("Hi.")
