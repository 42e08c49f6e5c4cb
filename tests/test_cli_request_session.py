"""``alexaskill request --attribute`` and ``--session-from``: a request in a session the skill
stored attributes in, as Alexa sends the next request of a conversation."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from .cli_run import run
from .cli_session_shared import ORDERED, YES_TO_WHAT
from .cli_session_shared import coffeeshop as coffeeshop

pytestmark = pytest.mark.oldest_dependencies

YES = ("request", "IntentRequest", "--intent", "AMAZON.YesIntent")

#: An answer that keeps the session open, in SSML Alexa cannot read.
UNREADABLE = {
    "version": "1.0",
    "sessionAttributes": {"a": 1},
    "response": {
        "outputSpeech": {"type": "SSML", "ssml": "<speak>oops"},
        "shouldEndSession": False,
    },
}


def _session(out: str) -> dict[str, Any]:
    session: dict[str, Any] = json.loads(out)["session"]
    return session


def test_attributes_are_json_values_or_strings_in_a_session_under_way() -> None:
    code, out, err = run(
        *YES,
        "--attribute",
        "asked=coffee",
        "--attribute",
        "count=2",
        "--attribute",
        'order={"size": "large", "sugar": false}',
        "--attribute",
        "note={not json",
    )
    assert (code, err) == (0, "")
    session = _session(out)
    assert session["attributes"] == {
        "asked": "coffee",
        "count": 2,
        "order": {"size": "large", "sugar": False},
        "note": "{not json",
    }
    # Alexa sends attributes in a session under way only: the one a request opens has none.
    assert session["new"] is False
    # Without them, the session is a new one, as before.
    plain = _session(run(*YES)[1])
    assert (plain["new"], plain["attributes"]) == (True, {})


def test_session_from_carries_a_replayed_answers_attributes(coffeeshop: Path) -> None:
    # The multi-turn flow: replay the launch (--json), carry its answer's sessionAttributes into
    # the "yes" (a hand-edited session.attributes before), replay that.
    code, record, err = run("replay", "coffeeshop:skill", "launch.json", "--json")
    assert (code, err) == (0, ""), record
    (coffeeshop / "answer.json").write_text(record, encoding="utf-8")
    code, out, err = run(*YES, "--session-from", "answer.json")
    assert (code, err) == (0, "")
    assert _session(out)["attributes"] == {"asked": "coffee"}
    (coffeeshop / "yes-now.json").write_text(out, encoding="utf-8")
    code, answered, err = run("replay", "coffeeshop:skill", "yes-now.json")
    assert code == 0, answered + err
    assert ORDERED in answered and YES_TO_WHAT not in answered
    # Standard input too; and the skill's answer envelope itself, with --attribute on top.
    code, out, err = run(*YES, "--session-from", "-", stdin=record)
    assert (code, err, _session(out)["attributes"]) == (0, "", {"asked": "coffee"})
    answer = json.loads(record)["response"]
    (coffeeshop / "envelope.json").write_text(json.dumps(answer), encoding="utf-8")
    argv = ("--session-from", "envelope.json", "--attribute", "asked=tea", "--attribute", "n=1")
    code, out, err = run(*YES, *argv)
    assert (code, err, _session(out)["attributes"]) == (0, "", {"asked": "tea", "n": 1})


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--attribute", "asked"), "--attribute 'asked': expected KEY=VALUE"),
        (("--attribute", "=coffee"), "--attribute '=coffee': expected KEY=VALUE"),
        (
            ("--attribute", "a=1", "--attribute", "a=2"),
            "--attribute a: given twice",
        ),
        (
            ("--attribute", 'a={"x": 1, "x": 2}'),
            "'x' is given twice",
        ),
    ],
)
def test_a_bad_attribute_is_a_usage_error(argv: tuple[str, ...], message: str) -> None:
    code, out, err = run(*YES, *argv)
    assert (code, out) == (2, ""), err
    assert message in err, err
    assert "Traceback" not in err


def test_attribute_keys_in_any_script_and_bytes_that_are_not_utf8(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ("--attribute", "café=crème", "--attribute", "注文=2")
    code, out, err = run(*YES, *argv)
    assert (code, err) == (0, "")
    assert _session(out)["attributes"] == {"café": "crème", "注文": 2}
    # Bytes of a Latin-1 terminal reach Python as lone surrogates: refused, as --field's, not
    # written back into a file no JSON reader takes.
    for given in ("caf\udce9=1", "note=caf\udce9"):
        code, out, err = run(*YES, "--attribute", given)
        err += capsys.readouterr().err
        assert (code, out) == (2, "") and "not UTF-8 text" in err, err


def test_a_request_outside_any_session_takes_no_attribute() -> None:
    argv = ("request", "AudioPlayer.PlaybackStarted", "--field", "token=t")
    code, out, err = run(*argv, "--attribute", "a=1")
    assert (code, out) == (2, ""), err
    assert "AudioPlayer.PlaybackStarted requests come outside any session" in err, err


@pytest.mark.parametrize(
    "argv",
    [
        ("AudioPlayer.PlaybackStarted", "--field", "token=t"),
        ("CanFulfillIntentRequest", "--intent", "AMAZON.YesIntent"),
    ],
)
def test_session_from_stdin_is_refused_before_the_terminal_hint(
    monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...]
) -> None:
    # A request type that takes no session was told "reading the skill's answer (JSON) from
    # the terminal; Ctrl-D ends", then refused before anything was read.
    class Typed(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Typed(""))
    code, out, err = run("request", *argv, "--session-from", "-")
    assert (code, out) == (2, ""), err
    assert "drop --session-from" in err, err
    assert "from the terminal" not in err, err


@pytest.mark.parametrize("option", ["--attribute", "--session-from"])
def test_a_can_fulfill_probe_is_never_in_a_session_under_way(tmp_path: Path, option: str) -> None:
    # Alexa asks CanFulfillIntentRequest of the skills it might pick for a request naming none,
    # before any of them is in a conversation (Amazon's "Understand Name-free Interaction"):
    # the probe comes in a session of its own, new. It was written new: false, with attributes.
    answer = tmp_path / "answer.json"
    answer.write_text(
        json.dumps({"version": "1.0", "response": {"shouldEndSession": False}}), encoding="utf-8"
    )
    value = "a=1" if option == "--attribute" else str(answer)
    argv = ("request", "CanFulfillIntentRequest", "--intent", "AMAZON.YesIntent")
    code, out, err = run(*argv, option, value)
    assert (code, out) == (2, ""), out
    assert "CanFulfillIntentRequest comes in a session of its own" in err, err
    assert f"drop {option}" in err, err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            {"version": "1.0", "response": {"shouldEndSession": True}, "sessionAttributes": {}},
            "the answer ends the session (shouldEndSession: true)",
        ),
        (
            # left out, on a speaker: the device ends it
            {"version": "1.0", "response": {}, "sessionAttributes": {"a": 1}},
            "the answer ends the session (no shouldEndSession, on a device without a screen)",
        ),
        (
            {"file": "x.json", "status": 500, "response": {"error": "boom"}},
            "the request failed (HTTP 500): Alexa ends its session",
        ),
        (
            # replay --url's line of a request that got no answer: said as replay says it, not
            # "HTTP 0"
            {"file": "x.json", "status": 0, "response": {"error": "no answer within 10 s"}},
            "the request failed (no answer within 10 s): Alexa ends its session",
        ),
        (
            {"file": "x.json", "status": 0, "response": None},
            "the request failed (no answer): Alexa ends its session",
        ),
        (
            # a status no replay line has: it said "the request failed (HTTP 200)"
            {"file": "x.json", "status": "200", "response": {"version": "1.0", "response": {}}},
            "not a line of `alexaskill replay APP FILE --json` (its status, '200', is no HTTP",
        ),
        (
            {"file": "x.json", "status": True, "response": {"version": "1.0", "response": {}}},
            "not a line of `alexaskill replay APP FILE --json` (its status, True, is no HTTP",
        ),
        ({"version": "1.0", "request": {"type": "LaunchRequest"}}, "a request, not an answer"),
        ([1, 2], "not a skill's answer"),
        (
            {"version": "1.0", "response": {"shouldEndSession": False}, "sessionAttributes": 3},
            "sessionAttributes is no JSON object",
        ),
        (
            # SSML Alexa cannot read, with HTTP 200: it fails the request and ends the session
            {"file": "x.json", "status": 200, "response": UNREADABLE},
            "Alexa refuses the answer (",
        ),
        (UNREADABLE, "Alexa refuses the answer ("),
        (
            {"response": {"shouldEndSession": False}, "sessionAttributes": {"a": 1}},
            "Alexa refuses the answer (the answer has no version",
        ),
    ],
)
def test_session_from_a_file_with_no_session_to_carry_is_a_usage_error(
    tmp_path: Path, content: Any, message: str
) -> None:
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps(content), encoding="utf-8")
    code, out, err = run(*YES, "--session-from", str(answer))
    assert (code, out) == (2, ""), err
    assert f"--session-from {answer}: {message}" in err, err


@pytest.mark.parametrize("attributes", [{}, {"sessionAttributes": None}])
def test_session_from_an_answer_without_attributes_carries_none(
    tmp_path: Path, attributes: dict[str, Any]
) -> None:
    # JSON null is no attributes, as the offline loop carries it (and replay --url judges it):
    # the session goes on without any. It was a usage error, "sessionAttributes is no JSON
    # object".
    answer = tmp_path / "answer.json"
    open_ = {"version": "1.0", "response": {"shouldEndSession": False}, **attributes}
    answer.write_text(json.dumps(open_), encoding="utf-8")
    code, out, err = run(*YES, "--session-from", str(answer))
    assert (code, err) == (0, "")
    session = _session(out)
    assert (session["new"], session["attributes"]) == (False, {})


def test_session_from_a_screen_device_keeps_an_answer_without_should_end_session(
    tmp_path: Path,
) -> None:
    answer = tmp_path / "answer.json"
    answer.write_text(
        json.dumps({"version": "1.0", "response": {}, "sessionAttributes": {"a": 1}}),
        encoding="utf-8",
    )
    argv = ("--session-from", str(answer), "--interface", "Alexa.Presentation.APL")
    code, out, err = run(*YES, *argv)
    assert (code, err) == (0, "")
    assert _session(out)["attributes"] == {"a": 1}


def test_session_from_a_missing_or_broken_file_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(*YES, "--session-from", str(tmp_path / "none.json"))
    assert code == 2 and "no such file" in err, err
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    code, _, err = run(*YES, "--session-from", str(broken))
    assert code == 2 and f"--session-from {broken}: not JSON" in err, err
    twice = tmp_path / "twice.jsonl"
    line = json.dumps({"file": "a", "status": 200, "response": {"version": "1.0"}})
    twice.write_text(f"{line}\n{line}\n", encoding="utf-8")
    code, _, err = run(*YES, "--session-from", str(twice))
    assert code == 2 and "more than one answer" in err, err
    assert "Traceback" not in err


@pytest.mark.parametrize("errors", ["strict", "surrogateescape"])
def test_session_from_standard_input_not_utf8_says_so(errors: str) -> None:
    # Under the C locale Python reads standard input with surrogateescape: a Latin-1 byte
    # arrived as a lone surrogate, refused later as "the request: lone UTF-16 surrogate",
    # naming no option.
    attributes = b'"sessionAttributes": {"a": "caf\xe9"}'
    answer = b'{"version": "1.0", %s, "response": {"shouldEndSession": false}}' % attributes
    code, out, err = run(*YES, "--session-from", "-", stdin=answer, stdin_errors=errors)
    assert (code, out) == (2, ""), err
    assert "standard input: not UTF-8 text" in err, err
    assert "the request" not in err, err


def test_session_from_standard_input_reads_past_a_byte_order_mark() -> None:
    # Read as replay reads standard input, and as --session-from reads a file: a byte order
    # mark first (a Windows editor's) is no mistake. It was "not JSON (line 1: Unexpected UTF-8
    # BOM …)".
    answer = {"version": "1.0", "sessionAttributes": {"a": 1}, "response": {}}
    argv = ("--session-from", "-", "--interface", "Alexa.Presentation.APL")
    code, out, err = run(*YES, *argv, stdin="\ufeff" + json.dumps(answer))
    assert (code, err) == (0, "")
    assert _session(out)["attributes"] == {"a": 1}


@pytest.mark.parametrize(
    "status",
    ["2" * 100_000, [[1] * 100_000], int("9" * 4000), -3],
    ids=["long-text", "long-list", "4000-digits", "negative"],
)
def test_session_from_a_huge_status_is_said_bounded(tmp_path: Path, status: Any) -> None:
    # Quoted with repr() whole: a status of 100,000 characters made a message as long. A number
    # of 4,000 digits (JSON reads up to 4,300) was taken for an HTTP status and said whole.
    answer = tmp_path / "answer.json"
    answer.write_text(
        json.dumps({"file": "x.json", "status": status, "response": {}}), encoding="utf-8"
    )
    code, out, err = run(*YES, "--session-from", str(answer))
    assert (code, out) == (2, ""), err
    assert "(its status, " in err and "is no HTTP status)" in err, err[:300]
    assert len(err) < 400, err[:300]


def test_session_from_a_failed_lines_long_error_is_said_bounded(tmp_path: Path) -> None:
    # replay --url's error for a request that got no answer was said whole: an "error" of
    # 100,000 characters made a message as long.
    answer = tmp_path / "answer.json"
    failed = {"file": "x.json", "status": 0, "response": {"error": "e" * 100_000}}
    answer.write_text(json.dumps(failed), encoding="utf-8")
    code, out, err = run(*YES, "--session-from", str(answer))
    assert (code, out) == (2, ""), err
    assert "the request failed (eeee" in err and "): Alexa ends its session" in err, err[:300]
    assert len(err) < 600, err[:300]


def test_the_session_options_are_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # request checked them before its hint at a terminal, and session_attributes again.
    from alexaskill.cli import request, request_session

    checks: list[str] = []
    check = request_session.check_session_options

    def counted(args: Any, request_type: str) -> None:
        checks.append(request_type)
        check(args, request_type)

    monkeypatch.setattr(request, "check_session_options", counted)
    monkeypatch.setattr(request_session, "check_session_options", counted)
    code, _, err = run(*YES, "--attribute", "a=1")
    assert (code, err) == (0, "")
    assert checks == ["IntentRequest"]


def test_session_from_a_status_of_control_characters_is_said_cut_between_escapes(
    tmp_path: Path,
) -> None:
    # reprlib cut its repr at a fixed count, mid-escape ('a\x00a\x00a\x...).
    answer = tmp_path / "answer.json"
    answer.write_text(
        json.dumps({"file": "x.json", "status": "a\x00" * 100, "response": {}}), encoding="utf-8"
    )
    code, out, err = run(*YES, "--session-from", str(answer))
    assert (code, out) == (2, ""), err
    assert re.search(r"\(its status, '(a|\\x00)+\.\.\.(a|\\x00)+', is no HTTP status\)", err), err
