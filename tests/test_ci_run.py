""".ci/run fails, non-zero, when any of its steps fails.

The script runs here with every tool it calls replaced by a stub that writes down how it was
called (python3, the virtual environments' pip, python, alexaskill, ruff, mypy and hadolint),
one of which fails on purpose: the real steps take minutes, and CI runs them anyway.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Every stub: writes the line it was called with to $CI_STUB_LOG, prints a dependency pin when
# asked for the floors (`python -c ...`), and fails when its line contains $CI_STUB_FAIL.
STUB = """#!/usr/bin/env bash
line="$(basename "$(dirname "$(dirname "$0")")")/$(basename "$0") $*"
echo "$line" >> "$CI_STUB_LOG"
if [ -n "$CI_STUB_FAIL" ] && [[ "$line" == *"$CI_STUB_FAIL"* ]]; then exit 7; fi
if [ "$(basename "$0")" = python ] && [ "$1" = -c ]; then echo "msgspec==0.21"; fi
exit 0
"""

# python3 on PATH: `python3 -m venv DIR` makes DIR/bin with a stub for each tool .ci/run calls.
PYTHON3 = """#!/usr/bin/env bash
line="python3 $*"
echo "$line" >> "$CI_STUB_LOG"
if [ -n "$CI_STUB_FAIL" ] && [[ "$line" == *"$CI_STUB_FAIL"* ]]; then exit 7; fi
mkdir -p "$3/bin"
for tool in pip python alexaskill ruff mypy hadolint; do
    cp "$CI_STUB" "$3/bin/$tool"
done
"""


def run_ci(tmp_path: Path, fail: str = "") -> tuple[int, list[str], str]:
    """Run a copy of .ci/run with stub tools; ``fail`` picks the call that fails."""
    repository = tmp_path / "repository"
    (repository / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", repository / ".ci" / "run")
    tools = tmp_path / "bin"
    tools.mkdir()
    stub = tmp_path / "stub"
    stub.write_text(STUB, encoding="utf-8")
    stub.chmod(0o755)
    (tools / "python3").write_text(PYTHON3, encoding="utf-8")
    (tools / "python3").chmod(0o755)
    # There already, so that the script installs nothing with apt-get.
    for program in ("redis-server", "wrk", "chromium"):
        shutil.copy(stub, tools / program)
    log = tmp_path / "calls"
    log.touch()
    env = {
        "PATH": f"{tools}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "HOME": str(tmp_path),
        "CI_STUB": str(stub),
        "CI_STUB_LOG": str(log),
        "CI_STUB_FAIL": fail,
    }
    result = subprocess.run(
        ["bash", str(repository / ".ci" / "run")],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    return (
        result.returncode,
        log.read_text(encoding="utf-8").splitlines(),
        result.stdout + result.stderr,
    )


def test_ci_run_with_every_step_passing_runs_them_all_and_succeeds(tmp_path: Path) -> None:
    status, calls, output = run_ci(tmp_path)
    assert status == 0, output
    assert "python3 -m venv .venv" in calls
    assert ".venv/pip install -e .[test]" in calls
    assert ".venv/python -m pytest" in calls
    assert ".venv/hadolint Dockerfile" in calls
    assert any(call.startswith(".venv-lowest/python -m pytest -q ") for call in calls), calls


@pytest.mark.parametrize(
    "fail",
    [
        "python3 -m venv .venv",  # no venv module (Debian's python3 without python3-venv)
        ".venv/pip install -e",  # a dependency that does not install
        ".venv/python -m pytest",  # a failing test
        ".venv/alexaskill replay",
        ".venv/ruff check",
        ".venv/mypy",
        ".venv/hadolint",
        ".venv-lowest/python tests/oldest_dependencies.py",  # no module marked, say
        ".venv-lowest/python -m pytest",
    ],
)
def test_ci_run_fails_when_a_step_fails(tmp_path: Path, fail: str) -> None:
    status, calls, output = run_ci(tmp_path, fail)
    assert any(fail in call for call in calls), calls  # the stub did fail
    assert status != 0, f"{fail!r} failed, and .ci/run went on to succeed:\n{calls}\n{output}"
    # Nothing runs after the step that failed.
    failed_at = next(index for index, call in enumerate(calls) if fail in call)
    assert failed_at == len(calls) - 1, calls


@pytest.mark.parametrize(
    "fail", ["python3 -m venv .venv", ".venv/pip install -e", ".venv/python -m pytest"]
)
def test_ci_run_stops_at_the_test_line_that_fails(tmp_path: Path, fail: str) -> None:
    # Without the braces a failed venv failed the run only later, when the replay found no
    # .venv/bin/alexaskill (the test above passed so): an old .venv left in place replayed.
    status, _, output = run_ci(tmp_path, fail)
    assert status != 0, output
    assert "== sample requests" not in output, output
