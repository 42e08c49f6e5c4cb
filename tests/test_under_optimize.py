"""The suite under ``python -O`` (README, "Development"): pyproject.toml's
``filterwarnings = ["error"]`` made pytest's warning that assert statements are not run into an
error at start, and no module could run under -O at all, though several tests claim behaviour
there (a deployment with PYTHONOPTIMIZE set)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: A test module run under -O: that -O holds, and that a test's own assert still fails it
#: (pytest rewrites the asserts of test modules into code -O keeps).
_UNDER_O = """
def test_runs_under_o() -> None:
    assert not __debug__


def test_its_assert_still_fails_it() -> None:
    assert 1 + 1 == 3
"""


def test_the_suite_runs_under_python_o(tmp_path: Path) -> None:
    module = tmp_path / "test_under_o.py"
    module.write_text(_UNDER_O, encoding="utf-8")
    command = [sys.executable, "-O", "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0"]
    command += ["-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path), str(module)]
    run = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", timeout=120
    )
    said = run.stdout[-3000:] + run.stderr[-2000:]
    assert "1 failed, 1 passed" in run.stdout, said
    assert "test_its_assert_still_fails_it" in run.stdout, said
