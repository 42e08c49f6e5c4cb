"""What the tests of the ``alexaskill`` command share (tests/test_cli*.py and the modules that start
its skill): the skill they run (``APP``, as ``skillapp.py``), the ``workdir`` it is written to, the
weather example's skill and requests, and the command run with both its streams to one pipe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from alexaskill.testing import RequestFactory

from .conftest import SKILL_ID

ROOT = Path(__file__).resolve().parent.parent


WEATHER = "examples.weather.app:skill"


WEATHER_REQUESTS = sorted(str(p) for p in (ROOT / "examples/weather/requests").glob("*.json"))


APP = f"""
from alexaskill import Skill, speak

skill = Skill("{SKILL_ID}")
not_a_skill = 42


@skill.intent("Hello", utterances=["say hello"])
def hello():
    return speak("hello there")


@skill.intent("Crash", utterances=["crash"])
def crash():
    raise RuntimeError("boom")
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A current directory holding ``skillapp.py`` (and request files), undone afterwards."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "skillapp.py").write_text(APP, encoding="utf-8")
    for name in ("Hello", "Crash"):
        envelope = RequestFactory(skill_id=SKILL_ID).intent(name)
        (tmp_path / f"{name.lower()}.json").write_text(json.dumps(envelope), encoding="utf-8")
    yield tmp_path
    for name in [
        name for name in sys.modules if name.startswith(("skillapp", "portal", "_alexaskill_app"))
    ]:
        del sys.modules[name]


def on_one_pipe(workdir: Path, *args: str, stdin: str | None = None) -> tuple[int, list[str]]:
    """``alexaskill *args`` run as a process in ``workdir``, standard output and standard error to
    one pipe (``2>&1``), PYTHONUNBUFFERED unset, so that standard output is written in blocks as
    to any pipe or file: its exit status and the lines it wrote."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    done = subprocess.run(
        [sys.executable, "-m", "alexaskill", *args],
        input=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        cwd=workdir,
        timeout=60,
        env={**env, "PYTHONPATH": str(ROOT)},
    )
    return done.returncode, done.stdout.splitlines()


def in_order(lines: list[str], starts: list[str]) -> bool:
    """Whether each of ``starts`` begins a line of ``lines``, the first such lines in that order."""
    found = [
        next((index for index, line in enumerate(lines) if line.startswith(start)), -1)
        for start in starts
    ]
    return -1 not in found and found == sorted(found)
