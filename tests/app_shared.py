"""What the ASGI app's tests (tests/test_app*.py, and others) share: a signed skill with a
launch and an intent handler, an ASGI scope for a POST, and the logging of no skill set up."""

from __future__ import annotations

import datetime
import logging
import threading
from typing import Any

import pytest

from alexaskill import Response, SimpleCard, Skill, ask, speak

from .conftest import SKILL_ID


def make_skill(**options: Any) -> Skill:
    skill = Skill(SKILL_ID, **options)

    @skill.launch
    def launch() -> Response:
        return ask("Welcome. Which city?", reprompt="Which city?")

    @skill.intent("GetWeather")
    async def get_weather(city: str, date: datetime.date | None = None) -> Response:
        when = "today" if date is None else date.strftime("%A")
        return speak(f"Sunny in {city} {when}.", card=SimpleCard("Weather", city))

    return skill


def post_scope(headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    """The ASGI scope of a POST to ``/`` with ``headers`` (names exactly as given)."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/",
        "raw_path": b"/",
        "root_path": "",
        "query_string": b"",
        "headers": headers,
    }


def unset_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    """No logging set-up anywhere, as under a bare ``uvicorn``: the app configures its own.

    Called in the test itself: pytest adds its handlers to the root logger after the fixtures.
    """
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    own = logging.getLogger("alexaskill")
    monkeypatch.setattr(own, "handlers", [])
    # What configure_logging changes besides, put back after the test too.
    monkeypatch.setattr(own, "propagate", own.propagate)
    monkeypatch.setattr(own, "level", own.level)
    # And what its set-up changes of the process (`configure_logging_if_unset`, not on Lambda):
    # Python's last resort's formatter (the guard's to check) and threading's hook.
    if logging.lastResort is not None:
        monkeypatch.setattr(logging.lastResort, "formatter", logging.lastResort.formatter)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
