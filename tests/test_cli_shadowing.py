"""A file of the directory named like a standard-library module (``http.py``, ``random.py``):
one line that says to rename it, not a traceback nor a misleading message."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from alexaskill.cli import main
from alexaskill.testing import DEFAULT_SKILL_ID

SKILL = f"""
from alexaskill import Skill

skill = Skill(skill_id="{DEFAULT_SKILL_ID}")


@skill.launch
def launch():
    return "Hello"
"""

# The console script's way (the directory is not on sys.path until the command puts it there).
COMMAND = [
    sys.executable,
    "-I",
    "-c",
    "import sys; from alexaskill.cli import main; sys.exit(main())",
]


def command_in(directory: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """``alexaskill ARGV`` run as the console script runs it, in ``directory``."""
    return subprocess.run(
        [*COMMAND, *argv],
        cwd=directory,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


@pytest.mark.parametrize("shadow", ["http.py", "asyncio.py", "http/__init__.py"])
def test_a_file_that_shadows_a_module_serve_needs_is_named(tmp_path: Path, shadow: str) -> None:
    (tmp_path / "skillapp.py").write_text(SKILL, encoding="utf-8")
    (tmp_path / shadow).parent.mkdir(exist_ok=True)
    (tmp_path / shadow).write_text("value = 1\n", encoding="utf-8")
    done = command_in(tmp_path, "serve", "skillapp:skill", "--port", "0")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr  # (http.py was a traceback, asyncio.py too)
    shown = shadow.removesuffix("/__init__.py")
    module = shown.removesuffix(".py")
    assert f"{shown} shadows the standard library's module {module}" in lines[0]
    assert "rename it" in lines[0]
    assert "--http" not in lines[0]  # (the option was not given)


def test_an_app_named_like_an_imported_standard_module_is_said_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "random.py").write_text(SKILL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    err = io.StringIO()
    assert main(["model", "random:skill", "--invocation", "weather helper"], stderr=err) == 2
    said = err.getvalue()
    # (it said "random has no attribute 'skill'": Python's random had been imported)
    assert "random is the standard library's module random, not your random.py" in said
    assert "rename the file" in said
    assert "has no attribute" not in said


def test_a_missing_attribute_of_the_own_module_is_still_said_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "shadowing_probe_app.py").write_text(SKILL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    err = io.StringIO()
    assert (
        main(["model", "shadowing_probe_app:skil", "--invocation", "weather helper"], stderr=err)
        == 2
    )
    assert (
        "shadowing_probe_app has no attribute 'skil' (its Skill objects: skill)" in err.getvalue()
    )


def test_a_failure_raised_from_the_shadowed_import_is_named(tmp_path: Path) -> None:
    # anyio's LookupError "Backend 'asyncio' is not available", raised from queue.py's
    # ImportError, was a traceback of three.
    (tmp_path / "skillapp.py").write_text(SKILL, encoding="utf-8")
    (tmp_path / "queue.py").write_text("value = 1\n", encoding="utf-8")
    request = subprocess.run(
        [*COMMAND, "request", "LaunchRequest"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    (tmp_path / "launch.json").write_text(request.stdout, encoding="utf-8")
    done = command_in(tmp_path, "replay", "skillapp:skill", "launch.json")
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert "queue.py shadows the standard library's module queue" in done.stderr


def test_the_skill_s_own_import_of_its_own_module_is_not_called_shadowing(
    tmp_path: Path,
) -> None:
    # A secrets.py of the skill's keys, imported on purpose by the skill: a name it lacks was
    # said as "secrets.py shadows the standard library's module secrets, which the framework
    # needs", hiding the missing name (no framework import had failed).
    (tmp_path / "secrets.py").write_text("API_KEY = 'k'\n", encoding="utf-8")
    (tmp_path / "skillapp.py").write_text(
        "from secrets import API_TOKEN\n" + SKILL, encoding="utf-8"
    )
    done = command_in(tmp_path, "model", "skillapp:skill", "--invocation", "weather helper")
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert "shadows" not in done.stderr
    assert "cannot import name 'API_TOKEN' from 'secrets'" in done.stderr
    assert "skillapp.py:1)" in done.stderr  # (where the skill imports it)


def test_an_import_error_naming_no_string_is_said_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ImportError(name=...) takes any object (a module, by a slip): the check for a shadowed
    # module raised AttributeError ('module' object has no attribute 'partition'), a traceback.
    (tmp_path / "oddimport_probe_app.py").write_text(
        "import json\nraise ImportError('no backend', name=json)\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    err = io.StringIO()
    argv = ["model", "oddimport_probe_app:skill", "--invocation", "weather helper"]
    assert main(argv, stderr=err) == 2
    assert "ImportError: no backend" in err.getvalue()
    assert err.getvalue().count("\n") == 1, err.getvalue()
