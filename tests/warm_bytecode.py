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

So before the workers start, the run's controller collects the test files in two processes (half
each) with pytest's cache written, and compiles alexaskill and the ini's test paths with compileall,
whatever PYTHONDONTWRITEBYTECODE says: the caches hold nothing but bytecode, in the ``__pycache__``
folders ``.gitignore`` leaves out. Where a cache is already there and newer than its source, that
part costs next to nothing.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

#: How many collecting processes: the CI machine's cores.
_PROCESSES = 2


def _folders(config: pytest.Config) -> list[Path]:
    """The ini's test paths (``tests``, ``examples``) that are folders: never the run's own
    arguments, which may be ``.`` and hold a virtual environment."""
    folders = [Path(config.rootpath, path) for path in config.getini("testpaths")]
    return [folder for folder in folders if folder.is_dir()]


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
    spec = importlib.util.find_spec("alexaskill")
    package = list(spec.submodule_search_locations or []) if spec else []
    folders = _folders(config)
    commands = [[sys.executable, "-m", "compileall", "-q", *package, *map(str, folders)]]
    # Collected ahead only for a run of whole test paths under xdist: a run of a few files gains
    # little, and its arguments may not be folders at all.
    asked = sorted({Path(config.invocation_params.dir, arg).resolve() for arg in config.args})
    whole = bool(asked) and set(asked) <= {folder.resolve() for folder in folders}
    if config.getoption("numprocesses", None) and whole:
        stale = [path for path in _test_files(config, asked) if not _rewrite_cached(path)]
        collect = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0"]
        collect += ["-p", "no:cacheprovider"]
        if len(stale) >= 2 * _PROCESSES:
            commands += [[*collect, *map(str, stale[i::_PROCESSES])] for i in range(_PROCESSES)]
    processes = [
        subprocess.Popen(
            command,
            cwd=config.invocation_params.dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for command in commands
    ]
    for process in processes:
        process.wait()
