"""The warm-up before a run (tests/warm_bytecode.py) says what it does: on a clean clone it
compiles alexaskill and collects the suite ahead for minutes on a loaded machine, and a run that
printed nothing meanwhile looked hung. A run whose caches are warm says nothing."""

from __future__ import annotations

import compileall
import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar, cast

import pytest

from tests import warm_bytecode


class _Reporter:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write_line(self, line: str, **markup: bool) -> None:
        self.lines.append(line)


class _Started:
    """A compiling process, recorded, never started."""

    commands: ClassVar[list[list[str]]] = []

    def __init__(self, command: list[str], **options: Any) -> None:
        self.commands.append(command)

    def wait(self) -> int:
        return 0


def _config(root: Path, reporter: _Reporter) -> pytest.Config:
    """What `warm` reads of a run of ``root``'s tests/ folder in two xdist workers."""
    ini = {"testpaths": ["tests"], "python_files": ["test_*.py"]}
    options = {"collectonly": False, "numprocesses": 2}
    config = SimpleNamespace(
        rootpath=root,
        args=["tests"],
        invocation_params=SimpleNamespace(dir=root),
        getini=ini.__getitem__,
        getoption=lambda name, default=None: options.get(name, default),
        pluginmanager=SimpleNamespace(get_plugin={"terminalreporter": reporter}.get),
    )
    return cast(pytest.Config, config)


@pytest.fixture
def clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone of a package (two modules) and its tests (six files), nothing compiled yet; the
    compiling processes recorded, not started."""
    (tmp_path / "package").mkdir()
    for name in ("__init__", "module"):
        (tmp_path / "package" / f"{name}.py").write_text("VALUE = 1\n", encoding="utf-8")
    (tmp_path / "tests").mkdir()
    for number in range(6):
        test = tmp_path / "tests" / f"test_{number}.py"
        test.write_text("def test_it():\n    assert True\n", encoding="utf-8")
    monkeypatch.setattr(warm_bytecode, "_package_folders", lambda: [tmp_path / "package"])
    monkeypatch.setattr(warm_bytecode, "Popen", _Started)
    monkeypatch.setattr(_Started, "commands", [])
    return tmp_path


def test_a_cold_warm_up_says_what_it_does(clone: Path) -> None:
    reporter = _Reporter()
    warm_bytecode.warm(_config(clone, reporter))
    assert len(_Started.commands) == 3  # compileall, and two collecting processes
    assert reporter.lines == [
        "warming the suite's caches before the tests (later runs skip it): compiling 8 modules, "
        "collecting 6 test files ahead in 2 processes …"
    ]


def test_a_warm_warm_up_says_nothing(clone: Path) -> None:
    for folder in ("package", "tests"):
        assert compileall.compile_dir(str(clone / folder), quiet=1)
    tag = f"{sys.implementation.cache_tag}-pytest-{pytest.__version__}"
    # pytest's rewrites, as collecting leaves them (of the plugin's package too)
    for test in [*(clone / "tests").glob("test_*.py"), *(clone / "package").glob("*.py")]:
        rewritten = Path(importlib.util.cache_from_source(str(test))).with_name(
            f"{test.stem}.{tag}.pyc"
        )
        rewritten.write_bytes(b"")
    reporter = _Reporter()
    warm_bytecode.warm(_config(clone, reporter))
    assert reporter.lines == []
    assert len(_Started.commands) == 1  # compileall alone, which finds nothing to do
