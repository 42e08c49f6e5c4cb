"""What the tests of the commands' input share (tests/test_cli_inputs*.py): the skill
(``inputsapp.py``) and the ``workdir`` holding it and ``hello.json``, and ``replay_or_chat``, a
test of the two commands that take ``--url`` and ``--alexa-api`` run for each."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from alexaskill.testing import RequestFactory

from .conftest import SKILL_ID

APP = f"""
from alexaskill import Skill, speak

skill = Skill("{SKILL_ID}")


@skill.intent("Hello", utterances=["say hello"])
def hello():
    return speak("hello there")
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A current directory holding ``inputsapp.py`` and ``hello.json``, undone afterwards."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "inputsapp.py").write_text(APP, encoding="utf-8")
    hello = RequestFactory(skill_id=SKILL_ID).intent("Hello")
    (tmp_path / "hello.json").write_text(json.dumps(hello), encoding="utf-8")
    yield tmp_path
    for name in [name for name in sys.modules if name.startswith("inputsapp")]:
        del sys.modules[name]


@pytest.fixture(
    params=[("replay", "inputsapp:skill", "hello.json"), ("chat", "inputsapp:skill")],
    ids=["replay", "chat"],
)
def replay_or_chat(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The command line of ``replay`` (of hello.json), then of ``chat``: the two commands that
    take ``--url`` and ``--alexa-api``, a test of them run once for each; standard input empty
    (chat's, should it get to read it)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    return list(request.param)


@pytest.fixture
def small_bound(monkeypatch: pytest.MonkeyPatch) -> int:
    import alexaskill.capture
    import alexaskill.cli.common

    monkeypatch.setattr(alexaskill.cli.common, "MAX_INPUT_BYTES", 4096)
    monkeypatch.setattr(alexaskill.capture, "MAX_CAPTURE_BYTES", 4096)
    return 4096


def _capture_at(when: str) -> object:
    from alexaskill.capture import Capture

    body = json.dumps({"request": {"type": "LaunchRequest", "timestamp": when}})
    return Capture(received_at=when, path="/", headers=[], body=body)
