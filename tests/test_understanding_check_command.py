"""``alexaskill model --check``: its exit status (0 clean, 1 errors to fix, 2 a mistake in the
command or a file that is no model), what it prints, and a model made of an app."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from .cli_run import run
from .conftest import SKILL_ID
from .understanding_check_shared import MODEL_FILE, model


def test_check_a_clean_model_file() -> None:
    code, out, _ = run("model", "--check", str(MODEL_FILE))
    assert code == 0
    assert out.endswith("0 errors, 2 warnings\n")


def test_check_writes_no_file_and_says_so_for_output(tmp_path: Path) -> None:
    # --check -o FILE wrote nothing and said nothing of it, where --output-dir was refused.
    written = tmp_path / "x.json"
    for option in (["-o", str(written)], ["--output-dir", str(tmp_path)], ["--all-locales"]):
        code, _, err = run("model", "--check", str(MODEL_FILE), *option)
        assert code == 2
        assert "--check writes no file and takes one --locale" in err
    assert not written.exists()


def test_check_a_model_file_with_conflicts_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "en-US.json"
    path.write_text(
        json.dumps(
            model(
                intents=[
                    {"name": "Order", "samples": ["get me a pizza"]},
                    {"name": "Deliver", "samples": ["get me a pizza"]},
                ]
            )
        ),
        encoding="utf-8",
    )
    code, out, _ = run("model", "--check", str(path))
    assert code == 1
    assert out == (
        "error: sample 'get me a pizza' is in intent Order and in intent Deliver\n"
        "1 error, 0 warnings\n"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("nonexist.json", None, "nonexist.json: no such file"),
        ("empty.json", b"", "empty.json: empty"),
        ("broken.json", b"{nope", "broken.json: not JSON (line 1: "),
        ("latin1.json", b'{"x": "caf\xe9"}', "latin1.json: not UTF-8 text\n"),
        ("custom", "directory", "custom: no en-US.json in it, nor any model file"),
    ],
)
def test_check_a_model_file_that_cannot_be_read_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: Any, message: str
) -> None:
    # Exit status 2, not 1: CI tells a mistyped path from a model with errors.
    monkeypatch.chdir(tmp_path)
    if content == "directory":
        (tmp_path / name).mkdir()
    elif content is not None:
        (tmp_path / name).write_bytes(content)
    code, out, err = run("model", "--check", name)
    assert code == 2
    assert out == ""
    assert err.startswith(f"alexaskill model: error: {message}")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("[]", "not a JSON object"),
        ('"en-US"', "not a JSON object"),
        ('{"interactionModel": []}', "interactionModel is not an object"),
        ('{"manifest": {}}', "no interactionModel.languageModel (is this an ASK model file?)"),
    ],
)
def test_check_a_json_file_that_is_no_model_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, why: str
) -> None:
    # A file that is no model at all (a list, a manifest) is a mistake in the command, as for
    # `understand --model`, `chat --model` and `request --model` (exit status 2, one line on
    # stderr): it was "error: …" on stdout and exit status 1, a model with errors to fix.
    monkeypatch.chdir(tmp_path)
    Path("en-US.json").write_text(content, encoding="utf-8")
    assert run("model", "--check", "en-US.json") == (
        2,
        "",
        f"alexaskill model: error: en-US.json: {why}\n",
    )
    assert run("understand", "--model", "en-US.json", "hello")[::2] == (
        2,
        f"alexaskill understand: error: en-US.json: {why}\n",
    )


def test_check_a_model_whose_parts_are_of_the_wrong_shape_exits_1(tmp_path: Path) -> None:
    # A model file with errors inside (intents that are no list) is a model to fix: status 1.
    path = tmp_path / "en-US.json"
    path.write_text(
        json.dumps({"interactionModel": {"languageModel": {"intents": {}}}}), encoding="utf-8"
    )
    code, out, _ = run("model", "--check", str(path))
    assert code == 1
    assert out.startswith("error: "), out


def test_check_an_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "checked.py").write_text(
        "from alexaskill import Skill, speak\n"
        f"skill = Skill('{SKILL_ID}')\n"
        "@skill.intent('Hello', utterances=['hello there', 'stop'])\n"
        "def hello():\n"
        "    return speak('hi')\n"
        "@skill.intent('AMAZON.StopIntent')\n"
        "def stop():\n"
        "    return speak('bye')\n",
        encoding="utf-8",
    )
    try:
        code, out, _ = run("model", "checked:skill", "--check")
        assert code == 0  # no invocation name given: not checked
        assert "sample 'stop' is also a common phrasing of AMAZON.StopIntent" in out
        code, out, _ = run("model", "checked:skill", "--check", "--invocation", "Hi")
        assert code == 1
        assert "must be lower case" in out
    finally:
        sys.modules.pop("checked", None)


def test_model_without_check_needs_an_invocation_and_an_app() -> None:
    code, _, err = run("model", "examples.weather.app:skill")
    assert code == 2
    assert "the invocation name is missing" in err
    code, _, err = run("model", str(MODEL_FILE), "--invocation", "x y")
    assert code == 2
    assert "is a model file: give it with --check" in err


@pytest.mark.parametrize("app", ["examples.weather.app:skil", "examples.weather.nosuchmodule"])
def test_model_says_what_is_wrong_with_app_before_asking_for_the_invocation(app: str) -> None:
    # A misspelt APP was met with "the invocation name is missing"; adding one only then showed
    # that the APP was wrong.
    code, _, err = run("model", app)
    assert code == 2
    assert "invocation name is missing" not in err, err
    assert app.split(":")[0] in err, err
