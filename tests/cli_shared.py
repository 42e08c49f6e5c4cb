"""What the tests of the ``alexaskill`` command share (tests/test_cli*.py and the modules that start
its skill): the skill they run (``APP``, as ``skillapp.py``), the ``workdir`` it is written to, and
the weather example's skill and requests."""

from __future__ import annotations

import json
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
    (tmp_path / "skillapp.py").write_text(APP)
    for name in ("Hello", "Crash"):
        envelope = RequestFactory(skill_id=SKILL_ID).intent(name)
        (tmp_path / f"{name.lower()}.json").write_text(json.dumps(envelope))
    yield tmp_path
    for name in [
        name for name in sys.modules if name.startswith(("skillapp", "portal", "_alexaskill_app"))
    ]:
        del sys.modules[name]
