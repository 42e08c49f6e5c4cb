"""The `alexaskill` command run in this process, as the CLI's tests run it."""

from __future__ import annotations

import io
import sys

from alexaskill.cli import main


def run(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    """``alexaskill *argv``: its exit status, standard output and standard error.

    ``stdin``, when given, is what the command reads on standard input (`sys.stdin` is given back
    afterwards); else standard input is left as the test has it.
    """
    out, err = io.StringIO(), io.StringIO()
    if stdin is None:
        code = main(list(argv), stdout=out, stderr=err)
        return code, out.getvalue(), err.getvalue()
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(argv), stdout=out, stderr=err)
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()
