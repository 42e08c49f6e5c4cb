"""What the tests of a failed start share (tests/test_asgi_start*.py): a start that fails and is
mended, a lifespan check spoilt, a skill that counts what it handled, a skill retried after its
warnings, and the process's TLS context made afresh.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

import pytest

from alexaskill import Response, Skill, speak
from alexaskill.interaction import slot_warnings

from .conftest import SKILL_ID

#: The step `_failing_start` makes raise, as alexaskill has it (`_mend_start` puts it back).
_OWN_STEP: Final = slot_warnings.translated_prompt_warnings


def _failing_start(monkeypatch: pytest.MonkeyPatch, error: Exception | None = None) -> Skill:
    """A skill whose start raises at its last step (the translated prompts' warnings): ``error``,
    else an AttributeError (a bug)."""
    from alexaskill.interaction import slot_warnings

    def boom(source: object) -> list[str]:
        raise AttributeError("boom in the start") if error is None else error

    monkeypatch.setattr(slot_warnings, "translated_prompt_warnings", boom)
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return speak("hi")

    return skill


def _mend_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give `_failing_start`'s step its own function back."""
    from alexaskill.interaction import slot_warnings

    monkeypatch.setattr(slot_warnings, "translated_prompt_warnings", _OWN_STEP)


def _spoil_lifespan_check(
    how: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Callable[[], None]:
    """Make the lifespan's own check ``how`` fail: the outgoing TLS bundle (an SSL_CERT_FILE that
    does not exist), or the event loop (taken for trio's); the function that mends it again."""
    import alexaskill.asgi
    from alexaskill.tls import tls_context

    if how == "tls":
        tls_context.cache_clear()
        monkeypatch.delenv("SSL_CERT_DIR", raising=False)
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))

        def mend() -> None:
            monkeypatch.delenv("SSL_CERT_FILE")
            tls_context.cache_clear()

        return mend
    monkeypatch.setattr(alexaskill.asgi, "on_asyncio", lambda: False)
    return lambda: monkeypatch.setattr(alexaskill.asgi, "on_asyncio", lambda: True)


@pytest.fixture
def fresh_tls() -> Iterator[None]:
    """The process's TLS context made afresh after the test (one test spoils its CA bundle)."""
    from alexaskill.tls import tls_context

    yield
    tls_context.cache_clear()


def _counted_skill() -> tuple[Skill, list[str]]:
    """A skill whose launch handler notes each call."""
    skill = Skill(SKILL_ID)
    calls: list[str] = []

    @skill.launch
    def launch() -> Response:
        calls.append("launch")
        return speak("hi")

    return skill, calls


#: The warnings a start says of what is off (`_retried_skill`'s): each start's own.
_OFF_WARNINGS: Final = ("skill-id check is OFF", "verification is OFF", "request capture is ON")


def _retried_skill(verify: bool, tmp_path: Path) -> Skill:
    """A skill whose start says its warnings: the skill-id check off, a capture on, and
    verification off unless ``verify``."""
    from alexaskill.capture import RequestCapture

    skill = Skill("*", verify=verify)
    skill.use_capture(RequestCapture(tmp_path / "captures"))
    return skill


def _warned(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Which of `_OFF_WARNINGS` ``caplog`` holds, in order, and how often."""
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    return [off for line in lines for off in _OFF_WARNINGS if off in line]
