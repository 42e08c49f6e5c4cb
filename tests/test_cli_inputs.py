"""The offline commands (replay, certify, model, request) given input that is not what they
expect: each a one-line error and exit status 2, never a traceback."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from alexaskill.cli import main
from alexaskill.testing import RequestFactory

SKILL_ID = "amzn1.ask.skill.22222222-2222-2222-2222-222222222222"

APP = f"""
from alexaskill import Skill, speak

skill = Skill("{SKILL_ID}")


@skill.intent("Hello", utterances=["say hello"])
def hello():
    return speak("hello there")
"""


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A current directory holding ``inputsapp.py`` and ``hello.json``, undone afterwards."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "inputsapp.py").write_text(APP)
    hello = RequestFactory(skill_id=SKILL_ID).intent("Hello")
    (tmp_path / "hello.json").write_text(json.dumps(hello))
    yield tmp_path
    for name in [name for name in sys.modules if name.startswith("inputsapp")]:
        del sys.modules[name]


# --- standard input --------------------------------------------------------------------------


def test_replay_standard_input_not_utf8_under_surrogateescape(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Python reads standard input so under the C and C.UTF-8 locales (a container's): the
    # byte that is not UTF-8 arrives as a lone surrogate, inside a JSON string here.
    data = (workdir / "hello.json").read_bytes().replace(b'"en-US"', b'"en-US\xff"')
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape")
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, err = run("replay", "inputsapp:skill", "-")
    assert (code, out) == (2, "")
    assert err == "alexaskill replay: error: standard input: not UTF-8 text\n"
