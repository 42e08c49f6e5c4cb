"""``alexaskill request`` and the commands taking an APP: defaults and messages found wanting."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from alexaskill.cli import main

APP = """
from alexaskill import Skill

skill = Skill("amzn1.ask.skill.11111111-1111-1111-1111-111111111111")


@skill.launch
def launch():
    return "hello"
"""


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A current directory holding ``classapp.py``, its module forgotten afterwards."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "classapp.py").write_text(APP)
    (tmp_path / "launch.json").write_text('{"request": {"type": "LaunchRequest"}}')
    yield tmp_path
    sys.modules.pop("classapp", None)


@pytest.mark.parametrize(
    "argv",
    [
        ["model", "classapp:Skill"],
        ["replay", "classapp:Skill", "launch.json"],
        ["request", "LaunchRequest", "--model", "classapp:Skill"],
    ],
)
def test_an_app_naming_the_skill_class_is_told_as_serve_tells_it(
    workdir: Path, argv: list[str]
) -> None:
    # Was "classapp:Skill is not an alexaskill Skill (it is of type type)".
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    assert err.endswith(
        "error: classapp:Skill is the Skill class, not a skill: name the Skill object made with "
        "it, as in classapp:skill\n"
    ), err
