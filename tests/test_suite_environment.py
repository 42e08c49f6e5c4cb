"""The suite's results do not hang on the shell it runs in: a developer who exported the
variables that configure a skill (ALEXASKILL_LOG_JSON=1 for a server they run, say) gets the
same results as CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_skills_own_variables_in_the_shell_change_no_result() -> None:
    # With ALEXASKILL_LOG_JSON=1 exported, this test failed: the logging it configures from the
    # environment wrote JSON lines, not the plain ones it reads. (In a pytest of its own: the
    # variables are in the environment before the suite starts.)
    test = (
        "tests/test_logs.py::"
        "test_a_log_level_from_the_environment_does_not_hide_that_a_check_is_off"
    )
    shell = {
        **os.environ,
        "ALEXASKILL_LOG_JSON": "1",
        "ALEXASKILL_LOG_LEVEL": "DEBUG",
        "ALEXASKILL_SKILL_ID": "amzn1.ask.skill.11111111-2222-3333-4444-555555555555",
        "ALEXASKILL_STORE": "memory://",
    }
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", test],
        cwd=ROOT,
        env=shell,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
