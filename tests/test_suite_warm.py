"""The run's compiling ahead (tests/warm_bytecode.py): which test files a run under xdist has
collected once, pytest's rewrites written, before its workers start. Its processes are recorded
here, not started."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from . import warm_bytecode


class _Config:
    """What `warm_bytecode.warm` reads of a run's config: a run of ``args`` in ``root``, whose
    ini's test path is ``tests``, under xdist (``-n 4``)."""

    def __init__(self, root: Path, *args: str) -> None:
        self.rootpath = root
        self.args = list(args)
        self.invocation_params = SimpleNamespace(dir=root)
        self.pluginmanager = SimpleNamespace(get_plugin=lambda name: None)

    def getoption(self, name: str, default: object = None) -> object:
        return {"collectonly": False, "numprocesses": 4}.get(name, default)

    def getini(self, name: str) -> list[str]:
        return {"testpaths": ["tests"], "python_files": ["test_*.py"]}[name]


def _started(monkeypatch: pytest.MonkeyPatch, config: _Config) -> list[list[str]]:
    """The commands `warm_bytecode.warm` starts for ``config``'s run (recorded, not run)."""
    started: list[list[str]] = []

    def popen(command: list[str], **kwargs: Any) -> Any:
        started.append(command)
        return SimpleNamespace(wait=lambda: 0)

    monkeypatch.setattr(warm_bytecode, "Popen", popen)
    warm_bytecode.warm(config)  # type: ignore[arg-type]
    return started


def _collecting(started: list[list[str]]) -> list[list[str]]:
    """The collecting commands of ``started``: the test files each names."""
    collect = [sys.executable, "-m", "pytest", "--collect-only"]
    return [command[len(collect) + 5 :] for command in started if command[:4] == collect]


@pytest.fixture
def suite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A suite's root: ``tests/`` with a conftest and two test modules, nothing compiled; the
    package of the run's plugin (alexaskill) taken as never rewritten by pytest (its cache
    cold), unless a test says otherwise."""
    tests = tmp_path / "tests"
    tests.mkdir()
    for name in ("conftest.py", "test_one.py", "test_two.py"):
        (tests / name).write_text("", encoding="utf-8")
    monkeypatch.setattr(warm_bytecode, "_rewrite_cached", lambda path: False)
    return tmp_path


def test_a_run_of_one_file_under_xdist_collects_it_first_where_the_rewrites_are_cold(
    monkeypatch: pytest.MonkeyPatch, suite: Path
) -> None:
    # Collected ahead only for a run of whole test paths: a run of one module (-n 4) had each of
    # its four workers rewrite alexaskill and the conftest's helpers itself, none written where
    # PYTHONDONTWRITEBYTECODE is set (about 2.5 s of CPU each; its two tests, 0.15 s).
    one = str(suite / "tests" / "test_one.py")
    started = _started(monkeypatch, _Config(suite, f"{one}::test_a[x]"))
    assert _collecting(started) == [[one]]


def test_a_run_whose_rewrites_are_cached_collects_nothing_first(
    monkeypatch: pytest.MonkeyPatch, suite: Path
) -> None:
    monkeypatch.setattr(warm_bytecode, "_rewrite_cached", lambda path: True)
    one = str(suite / "tests" / "test_one.py")
    assert _collecting(_started(monkeypatch, _Config(suite, one))) == []


def test_a_run_of_files_outside_the_test_paths_collects_nothing_first(
    monkeypatch: pytest.MonkeyPatch, suite: Path
) -> None:
    # (`pytest .` would have the whole directory collected, a virtual environment too.)
    (suite / "test_root.py").write_text("", encoding="utf-8")
    assert _collecting(_started(monkeypatch, _Config(suite, "."))) == []
    assert _collecting(_started(monkeypatch, _Config(suite, str(suite / "test_root.py")))) == []
