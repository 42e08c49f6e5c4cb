"""What the hostile handlers' tests (tests/test_adversarial_handlers*.py) share: the ``errors``
fixture (alexaskill's ERROR records so far), a skill whose intent Bad runs the handler a test
gives and Good answers "fine", the replies to both, and a log record's traceback.

Each module binds the ``errors`` fixture if it uses it (``errors =
adversarial_handlers_shared.errors``), as tests/deadline_shared.py's do: in tests/conftest.py it
would be every module's, a common name taken from them all.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import pytest

from alexaskill import Response, Skill, speak
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> Callable[[], list[logging.LogRecord]]:
    """The ERROR records of alexaskill's loggers so far."""
    caplog.set_level(logging.INFO, "alexaskill")
    return lambda: [
        r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("alexaskill")
    ]


def _skill(bad: Callable[..., Any], **options: Any) -> Skill:
    skill = Skill(DEFAULT_SKILL_ID, **options)
    skill.add_intent_handler("Bad", bad)

    @skill.intent("Good")
    def good() -> Response:
        return speak("fine")

    return skill


def _answers(skill: Skill) -> tuple[Any, Any]:
    """The reply to Bad, then to Good, from a client that raises nothing in the test."""
    with TestClient(skill, raise_handler_errors=False) as client:
        return client.intent("Bad"), client.intent("Good")


def _traceback(record: logging.LogRecord) -> str:
    assert record.exc_info is not None, record.getMessage()
    return "".join(traceback.format_exception(*record.exc_info))
