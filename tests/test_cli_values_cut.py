"""Values given the `alexaskill` command (an option's argument, a mistyped command, an
utterance, an intent or slot name looked up in a model) as its usage errors echo them: cut as
alexaskill/shown_names.py cuts a long value, where each was echoed whole (a line of 5,000
characters, no line a terminal shows)."""

from __future__ import annotations

import io

import pytest

from .cli_run import MODEL_FILE, run

#: A value far past any line's length, its head unlike its end.
LONG = "x" * 5_000 + "END"
#: A request built from the model the CLI's tests use.
FROM_MODEL = ["request", "IntentRequest", "--model", MODEL_FILE]


@pytest.mark.parametrize(
    "argv",
    [
        ["request", "LaunchRequest", "--skill-id", f"amzn1.{LONG} "],  # a space
        ["request", "LaunchRequest", "--skill-id", f"amzn1.{LONG}\udcff"],  # not UTF-8
        ["request", "IntentRequest", "--intent", f"{LONG}!"],
        ["request", "IntentRequest", "--intent", f"Get{LONG}", "--model", MODEL_FILE],
        ["request", "IntentRequest", "--intent", "FindStore", "--slot", f"x{LONG}=a", "--model"] * 1
        + [MODEL_FILE],
        ["understand", f"{LONG}.json"],
        ["understand", f"{LONG}:skill"],
        ["certify", "https://127.0.0.1:9/", "--timeout", LONG],
    ],
    ids=[
        "skill-id-space",
        "skill-id-bytes",
        "intent-name",
        "model-intent",
        "model-slot",
        "utterance-model",
        "utterance-app",
        "timeout",
    ],
)
def test_a_long_argument_refused_is_echoed_cut(argv: list[str]) -> None:
    code, out, err = run(*argv)
    assert (code, out) == (2, ""), err
    assert "x" * 60 in err and LONG not in err and len(err) < 1000, err[:500]


def test_a_long_value_a_type_refuses_with_a_value_error_is_echoed_cut() -> None:
    # Parser._given (a positional given after "--", converted by its type) echoed the text of
    # a type's ValueError whole: "invalid value: '-xxx…'".
    import argparse

    from alexaskill.cli.parsing import Parser

    err = io.StringIO()
    parser = Parser(prog="alexaskill x")
    parser.stderr = err
    with pytest.raises(SystemExit):
        parser._given(argparse.Action(["n"], "n", type=int, metavar="N"), f"-{LONG}")
    assert "invalid value: '-xxx" in err.getvalue(), err.getvalue()[:500]
    assert LONG not in err.getvalue() and len(err.getvalue()) < 1000, err.getvalue()[:500]
