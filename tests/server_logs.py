"""What the servers a failed test started said, as sections of its pytest report: a CI failure is
diagnosed from pytest's output alone (the log file, in a tmp_path, is gone with the machine).

A plugin (tests/conftest.py registers it): a helper that starts a server process gives its log
file to `keep` (`Servers.start` in tests/processes.py does, so does tests/simulator_browser.py); a
test that fails (in its setup, call or teardown) gets one report section per kept log that grew
since its setup began, what was written since then, its ends if long (`shown`). pytest prints
the sections under the failure, and pytest-xdist sends them from its workers with the report.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

#: The logs kept (`keep`), each with its process: dropped at a test's setup once that process
#: has ended (it says no more).
_logs: dict[Path, subprocess.Popen[Any]] = {}
#: Each kept log's size when the test's setup began: what it says after that is the test's.
_SIZES = pytest.StashKey[dict[Path, int]]()

#: How much of a long log a section shows: its start (the server's start, its options) and, the
#: most, its end (the failure is usually there).
HEAD, TAIL = 4_000, 16_000


def keep(process: subprocess.Popen[Any], log: Path) -> None:
    """Show ``log``, the output of ``process`` (a server a test started), if the test fails."""
    _logs[log] = process


def shown(text: str, *, where: str) -> str:
    """``text``, or its first `HEAD` and last `TAIL` characters, saying how many are left out
    and where the whole log is (``where``)."""
    if len(text) <= HEAD + TAIL:
        return text
    left_out = len(text) - HEAD - TAIL
    gap = f"\n[... {left_out} characters not shown (the whole log: {where}) ...]\n"
    return text[:HEAD] + gap + text[-TAIL:]


def _size(log: Path) -> int:
    try:
        return log.stat().st_size
    except OSError:
        return 0


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    for log, process in list(_logs.items()):
        if process.poll() is not None:
            del _logs[log]
    item.stash[_SIZES] = {log: _size(log) for log in _logs}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if not report.failed:
        return
    sizes = item.stash.get(_SIZES, {})
    for log, process in _logs.items():
        try:
            with log.open("rb") as file:
                file.seek(sizes.get(log, 0))
                text = file.read().decode(errors="replace")
        except OSError as exc:
            text = f"(unreadable: {exc})\n"
        if not text:
            continue
        args = process.args
        if isinstance(args, (list, tuple)):
            command = shlex.join(str(arg) for arg in args)
        else:
            command = str(args)
        if len(command) > 120:
            command = command[:117] + "..."
        status = "running" if process.poll() is None else f"exited {process.returncode}"
        title = f"server log: pid {process.pid} ({status}), {command}"
        report.sections.append((title, shown(text, where=str(log))))
