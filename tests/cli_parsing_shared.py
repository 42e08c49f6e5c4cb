"""What the tests of how ``alexaskill`` reads its command line share (tests/test_cli_parsing*.py):
the command run in this process, with what argparse writes on the streams (`run`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .cli_run import run as run_here

#: The command run as `run` runs it: its exit status, standard output and standard error.
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """`cli_run.run`, with anything written on sys.stdout and sys.stderr added to the two
    (argparse's help and usage errors now go to the streams `main` is given)."""

    def running(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
        code, out, err = run_here(*argv, stdin=stdin)
        captured = capsys.readouterr()
        return code, captured.out + out, captured.err + err

    return running
