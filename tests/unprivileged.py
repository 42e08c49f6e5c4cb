"""Python code run in a process that may write only what file modes let it: as root (a
container's), without root's capabilities, which write any file whatever its mode."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

_ROOT = Path(__file__).parent.parent


def run_unprivileged(
    script: str, *args: str, cwd: Path | None = None, stdin: str | None = None
) -> str:
    """What ``python -c script args…`` printed, run in ``cwd`` with ``stdin``, this tree's
    alexaskill first on its path; the test skipped when run as root without ``setpriv``."""
    command = [sys.executable, "-c", script, *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("run as root, and no setpriv to run without root's capabilities")
        command = [setpriv, "--inh-caps=-all", "--bounding-set=-all", *command]
    paths = [str(_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths))
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        cwd=cwd,
        input=stdin,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout
