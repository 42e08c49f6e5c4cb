"""A handler's exception (or sys.exit's value) that cannot be shown: the error about it is
still said, and the user still hears the apology."""

from __future__ import annotations

import logging
import sys

import pytest

from alexaskill import Response, Skill, pace
from alexaskill.app import APOLOGY
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient


class Unrepresentable:
    def __repr__(self) -> str:
        raise ValueError("no repr")


class Unprintable(RuntimeError):
    def __str__(self) -> str:
        raise ValueError("no str")


def test_sys_exit_with_a_value_whose_repr_raises_gets_the_apology(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # SystemExit's message quoted its code with repr(): the ValueError from that left the
    # answering, an HTTP 500 in place of the apology.
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.intent("Quit")
    def quit_() -> Response:
        sys.exit(Unrepresentable())  # type: ignore[arg-type]  # a handler's bug

    client = TestClient(skill, raise_handler_errors=False)
    with caplog.at_level(logging.ERROR, "alexaskill"), client:
        result = client.intent("Quit")
    assert result.status_code == 200 and result.speech == APOLOGY
    (line,) = [r for r in caplog.records if r.name == "alexaskill"]
    assert line.getMessage().startswith("handler failed for IntentRequest Quit")
    assert line.exc_info is not None
    assert "raised SystemExit(<Unrepresentable object: its repr() failed>)" in str(line.exc_info[1])


def test_an_inline_handlers_runtime_error_whose_str_raises_is_still_said(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The warning that sends the handler back to threads quoted the error with str(): logging
    # failed on it ("--- Logging error ---" on stderr), and the warning was lost.
    def handler() -> None:
        raise Unprintable

    handler_pace = pace.Pace(handler)
    handler_pace.inline = True
    with caplog.at_level(logging.WARNING, "alexaskill"), pytest.raises(Unprintable):
        handler_pace.call(handler, {}, "the handler")
    (line,) = caplog.records
    assert line.getMessage().startswith(
        "the handler raised RuntimeError on the event loop's thread (<Unprintable: its str() "
        "failed>)"
    )
    assert handler_pace.pinned and not handler_pace.inline
