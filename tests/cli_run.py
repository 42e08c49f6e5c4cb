"""The `alexaskill` command run in this process, as the CLI's tests run it."""

from __future__ import annotations

import io

from alexaskill.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    """``alexaskill *argv``: its exit status, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()
