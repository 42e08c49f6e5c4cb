"""A skill that `replay` and `chat` start in this process, with a setting of the environment it
cannot take: said in one line, status 2, as `serve` says it, not with a traceback."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from alexaskill.cli import main
from alexaskill.testing import RequestFactory

from .skill_modules import QUICK_SKILL, skill_module


@pytest.fixture
def quick(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """quick_skill.py in the current directory, with launch.json, a request it answers."""
    for directory in skill_module(tmp_path, monkeypatch, "quick_skill", QUICK_SKILL):
        request = RequestFactory(skill_id="amzn1.ask.skill.quick").envelope("LaunchRequest")
        (directory / "launch.json").write_text(json.dumps(request), encoding="utf-8")
        yield directory


@pytest.mark.parametrize(
    "argv",
    [
        ["replay", "quick_skill:skill", "launch.json"],
        ["chat", "quick_skill:skill", "--invocation", "quick"],
    ],
)
@pytest.mark.parametrize(
    ("variable", "value"), [("ALEXASKILL_LOG_LEVEL", "loud"), ("ALEXASKILL_LOG_JSON", "maybe")]
)
def test_a_setting_the_skills_start_refuses_is_said_in_one_line(
    quick: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], variable: str, value: str
) -> None:
    # The skill's start in the command's process raised the ConfigurationError with its
    # traceback (status 1), where `serve` says it in one line.
    monkeypatch.setenv(variable, value)
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(b"open quick\n"), encoding="utf-8")
    )
    out, err = io.StringIO(), io.StringIO()
    status = main(argv, stdout=out, stderr=err)
    said = f"alexaskill {argv[0]}: error: {variable}"
    assert (status, err.getvalue().count("\n")) == (2, 1), err.getvalue()
    assert err.getvalue().startswith(said), err.getvalue()
    assert out.getvalue() == ""  # (no banner, no answer: the skill never started)
