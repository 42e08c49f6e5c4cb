"""Compile the suite's Python once, before xdist's workers and the tests' subprocesses need it.

Two caches go missing on a clean clone, and stay missing where PYTHONDONTWRITEBYTECODE is set (as
on this workplace's machines), for Python then writes no bytecode at all:

- **pytest's rewrites.** Each xdist worker collects the whole suite, and collecting is mostly
  pytest rewriting the assertions of every test module and of alexaskill itself (the package of a
  pytest plugin is rewritten too): 17 s of CPU a worker without pytest's cache
  (``__pycache__/*-pytest-*.pyc``), 4 s with it. The workers start together, so each did all of
  it, on every run.
- **Plain bytecode.** Hundreds of tests start a Python process (``alexaskill serve``, a Lambda
  runtime, the README's commands), and each compiled every alexaskill module it imported from
  source: a quarter of the CPU of tests/test_cli_serve.py and tests/test_cli.py.

So before the workers start, the run's controller collects the run's test files whose rewrites
are stale in two processes (half each) with pytest's cache written, and compiles alexaskill and the
ini's test paths with compileall, whatever PYTHONDONTWRITEBYTECODE says: the caches hold nothing
but bytecode, in the ``__pycache__`` folders ``.gitignore`` leaves out. Where a cache is already
there and newer than its source, that part costs next to nothing. A run of a few files is
collected ahead too where alexaskill's rewrites were never written (`_stale`): a run of one module
(-n 4) took 12.5 s of CPU, 2.5 in each of its five processes, for 0.15 s of tests; 6.6 s once
cached (7 December 2026).
When there is work to do, one line on the terminal says what: a clean clone's first run
spent minutes there on a loaded machine, printing nothing, and looked hung.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import os
import sys
from pathlib import Path
from subprocess import DEVNULL, Popen

import pytest

#: How many collecting processes: the CI machine's cores.
_PROCESSES = 2


def _folders(config: pytest.Config) -> list[Path]:
    """The ini's test paths (``tests``, ``examples``) that are folders: never the run's own
    arguments, which may be ``.`` and hold a virtual environment."""
    folders = [Path(config.rootpath, path) for path in config.getini("testpaths")]
    return [folder for folder in folders if folder.is_dir()]


def _package_folders() -> list[Path]:
    """alexaskill's folders (those of the package the run imports)."""
    spec = importlib.util.find_spec("alexaskill")
    return [Path(folder) for folder in (spec.submodule_search_locations or [])] if spec else []


def _test_files(config: pytest.Config, folders: list[Path]) -> list[Path]:
    """The test modules and conftests in ``folders``, as the ini's ``python_files`` names them."""
    patterns = [*config.getini("python_files"), "conftest.py"]
    return sorted(
        path
        for folder in folders
        for path in folder.rglob("*.py")
        if "__pycache__" not in path.parts
        and any(fnmatch.fnmatch(path.name, pattern) for pattern in patterns)
    )


def _rewrite_cached(path: Path) -> bool:
    """Whether pytest's rewrite of ``path`` is cached and no older than the file (where pytest
    keeps it: beside it, or under PYTHONPYCACHEPREFIX)."""
    tag = f"{sys.implementation.cache_tag}-pytest-{pytest.__version__}"
    if sys.pycache_prefix:
        folder = Path(sys.pycache_prefix, *path.resolve().parts[1:-1])
    else:
        folder = path.parent / "__pycache__"
    try:
        return (folder / f"{path.stem}.{tag}.pyc").stat().st_mtime >= path.stat().st_mtime
    except OSError:
        return False


def warm(config: pytest.Config) -> None:
    """Fill both caches for the run, in the controller of a run (never in a worker, nor for
    ``--collect-only``). Waits for the compiling processes; what fails there (a module that does
    not compile, a collection error) is left for the run itself to report."""
    if hasattr(config, "workerinput") or config.getoption("collectonly"):
        return
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    package = [str(folder) for folder in _package_folders()]
    folders = _folders(config)
    commands = [[sys.executable, "-m", "compileall", "-q", *package, *map(str, folders)]]
    collected = 0
    if config.getoption("numprocesses", None):
        stale = _stale(config, folders, package)
        collect = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0"]
        collect += ["-p", "no:cacheprovider"]
        halves = [stale[i::_PROCESSES] for i in range(_PROCESSES)]
        commands += [[*collect, *map(str, half)] for half in halves if half]
        collected = len(stale)
    _say(config, _stale_bytecode([*map(Path, package), *folders]), collected)
    processes = [
        Popen(
            command,
            cwd=config.invocation_params.dir,
            env=env,
            stdin=DEVNULL,
            stdout=DEVNULL,
            stderr=DEVNULL,
        )
        for command in commands
    ]
    for process in processes:
        process.wait()


def _stale_bytecode(folders: list[Path]) -> int:
    """How many modules in ``folders`` compileall will compile: their bytecode missing, or
    older than their source."""
    stale = 0
    for folder in folders:
        for path in folder.rglob("*.py"):
            if "__pycache__" in path.parts:
                continue
            cached = Path(importlib.util.cache_from_source(str(path), optimization=""))
            try:
                stale += cached.stat().st_mtime < path.stat().st_mtime
            except OSError:
                stale += 1
    return stale


def _say(config: pytest.Config, compiled: int, collected: int) -> None:
    """One line on the terminal when the warm-up has work to do (a clean clone's first run takes
    minutes on a loaded machine, and printed nothing meanwhile: it looked hung)."""
    work = []
    if compiled:
        work.append(f"compiling {compiled:,} module{'s' * (compiled != 1)}")
    if collected:
        work.append(f"collecting {collected:,} test files ahead in {_PROCESSES} processes")
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if work and reporter is not None:
        reporter.write_line(
            "warming the suite's caches before the tests (later runs skip it): "
            + ", ".join(work)
            + " …"
        )


def _stale(config: pytest.Config, folders: list[Path], package: list[str]) -> list[Path]:
    """The run's test files to collect ahead, those whose rewrite is not cached: for a run of
    files or folders within the ini's test paths (never other arguments, which may be ``.`` and
    hold a virtual environment), where several are stale, or where the package of the run's
    plugin (alexaskill, which every worker imports, rewritten) has never been rewritten: a run
    of one module under xdist had each worker rewrite it all, none written where
    PYTHONDONTWRITEBYTECODE is set (about 2.5 s of CPU a worker, on every such run; the
    module's two tests took 0.15 s). Empty where collecting ahead gains nothing."""
    roots = [folder.resolve() for folder in folders]
    asked = sorted(
        {
            Path(config.invocation_params.dir, str(arg).partition("::")[0]).resolve()
            for arg in config.args
        }
    )
    if not asked or not all(
        path.exists() and any(path == root or root in path.parents for root in roots)
        for path in asked
    ):
        return []
    files = sorted(
        {
            file
            for path in asked
            for file in (_test_files(config, [path]) if path.is_dir() else [path])
        }
    )
    stale = [path for path in files if not _rewrite_cached(path)]
    plugin = [Path(folder, "__init__.py") for folder in package]
    if any(not _rewrite_cached(path) for path in plugin):
        return stale or files[:1]  # (collecting any file rewrites the plugin's package)
    return stale if len(stale) >= 2 * _PROCESSES else []
