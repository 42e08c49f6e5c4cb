"""The `alexaskill` command run in this process, as the CLI's tests run it, the model file they
pass it and its output's JSON lines read."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from alexaskill.cli import main

#: The interaction model the CLI's tests give ``--model`` (tests/fixtures/models/en-US.json).
MODEL_FILE = str(Path(__file__).resolve().parent / "fixtures" / "models" / "en-US.json")


def run(
    *argv: str, stdin: str | bytes | None = None, stdin_errors: str = "strict"
) -> tuple[int, str, str]:
    """``alexaskill *argv``: its exit status, standard output and standard error.

    ``stdin``, when given, is what the command reads on standard input (`sys.stdin` is given back
    afterwards); else standard input is left as the test has it. Bytes are read as Python reads
    a pipe, as UTF-8 with ``stdin_errors``: ``"strict"`` under a UTF-8 locale, and
    ``"surrogateescape"`` under the C and C.UTF-8 locales (a container's).
    """
    out, err = io.StringIO(), io.StringIO()
    if stdin is None:
        code = main(list(argv), stdout=out, stderr=err)
        return code, out.getvalue(), err.getvalue()
    if isinstance(stdin, bytes):
        given: io.TextIOBase = io.TextIOWrapper(
            io.BytesIO(stdin), encoding="utf-8", errors=stdin_errors
        )
    else:
        given = io.StringIO(stdin)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdin", given)
        code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def lines(text: str) -> list[dict[str, object]]:
    """``text``'s JSON lines (``understand``'s output, one record a line), each read."""
    return [json.loads(line) for line in text.splitlines()]
