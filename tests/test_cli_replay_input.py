"""``alexaskill replay`` given its skill and requests: by file, dotted path or standard input, and
the one-line usage errors (exit status 2) of what is no skill or no request."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from alexaskill import Skill
from alexaskill.cli import UsageError, load_skill, main

from .cli_run import run
from .cli_shared import APP, WEATHER

# The fixtures of tests/cli_shared.py these tests take, imported for pytest to see.
from .cli_shared import workdir as workdir
from .conftest import SKILL_ID

pytestmark = pytest.mark.oldest_dependencies


def test_an_app_named_by_its_file(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir.parent)
    code, out, _ = run("replay", f"{workdir.name}/skillapp.py:skill", f"{workdir.name}/hello.json")
    assert code == 0
    assert "hello there" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["replay", "skillapp", "hello.json"], "APP 'skillapp': expected module:attribute"),
        (["replay", "nowhere_xyz:skill", "hello.json"], "no module named 'nowhere_xyz' in "),
        (["replay", "skillapp:skil", "hello.json"], "has no attribute 'skil' (its Skill objects"),
        (["replay", "skillapp:not_a_skill", "hello.json"], "is not an alexaskill Skill (it is "),
        (["replay", "missing.py:skill", "hello.json"], "missing.py: no such file"),
        (["replay", "broken:skill", "hello.json"], "importing broken failed: ZeroDivisionError"),
        (["replay", "syntax:skill", "hello.json"], "importing syntax failed: SyntaxError"),
        (["replay", "needs:skill", "hello.json"], "No module named 'not_installed_xyz'"),
        (["replay", "skillapp:skill", "missing.json"], "missing.json: no such file"),
        (["replay", "skillapp:skill", "."], ".: is a directory; name the request files in it"),
        # From Python (no shell passes a NUL): open()'s ValueError escaped main.
        (["replay", "skillapp:skill", "hello\0.json"], "hello\\0.json: a file name holds no"),
        (["replay", "skillapp:skill", "notjson.json"], "notjson.json: not JSON (line 1"),
        (["replay", "skillapp:skill", "list.json"], "list.json: not an Alexa request envelope"),
        (["replay", "skillapp:skill", "hello.json", "--url", "ftp://x"], "expected an http(s)"),
        (["replay", "skillapp:skill", "hello.json", "--url", "http://h:99999/"], "the port is"),
        (["replay", "skillapp:skill", "hello.json", "--url", "http://[::1"], "not a URL (Invalid"),
        (["serve", "skillapp"], "expected module:attribute"),
        (["serve", "skillapp:skill", "--ssl-certfile", "c.pem"], "go together"),
        (["serve", "skillapp:skill", "--ssl-certfile", "c", "--ssl-keyfile", "k"], "c: no such"),
        (["request", "IntentRequest"], "IntentRequest needs --intent NAME"),
        (["request", "LaunchRequest", "--slot", "a=b"], "--slot needs --intent NAME"),
        (["request", "LaunchRequest", "--intent", "X"], "carry no intent; drop --intent"),
        (["request", "IntentRequest", "--intent", "X", "--slot", "city"], "expected NAME=VALUE"),
        (
            ["model", "skillapp:skill", "--invocation", "hello helper", "-o", "hello.json/x.json"],
            # Was "cannot write hello.json/x.json: File exists".
            "cannot write hello.json/x.json: hello.json is a file, not a directory",
        ),
        (
            [
                *("model", "skillapp:skill", "--all-locales", "--invocation", "hello helper"),
                *("--output-dir", "hello.json"),
            ],
            "cannot write hello.json/en-US.json: hello.json is a file, not a directory",
        ),
    ],
)
def test_user_mistakes_are_one_line_and_exit_2(
    workdir: Path, argv: list[str], message: str
) -> None:
    (workdir / "broken.py").write_text("x = 1 / 0\n", encoding="utf-8")
    (workdir / "syntax.py").write_text("def (:\n", encoding="utf-8")
    (workdir / "needs.py").write_text("import not_installed_xyz\n", encoding="utf-8")
    (workdir / "notjson.json").write_text("{nope", encoding="utf-8")
    (workdir / "list.json").write_text("[]", encoding="utf-8")
    code, out, err = run(*argv)
    assert code == 2
    assert out == ""
    assert err.startswith(f"alexaskill {argv[0]}: error: ")
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


DEEP = "[" * 200_000 + "]" * 200_000  # past Python's recursion limit, which json.loads meets


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["replay", "skillapp:skill", "deep.json"], 2, "error: deep.json: not JSON (nested too"),
        (["replay", "skillapp:skill", "-"], 2, "error: standard input: not JSON (nested too"),
        (
            ["replay", "skillapp:skill", "hello.json", "--alexa-api", "deep.json"],
            2,
            "error: --alexa-api deep.json: not JSON (nested too deeply",
        ),
        (
            ["request", "LaunchRequest", "--field", "task=" + DEEP[197_000:-197_000]],
            2,
            "too deeply",
        ),
        (["understand", "--model", "deep.json", "hi"], 2, "error: deep.json: not JSON (nested"),
        (["model", "--check", "deep.json"], 2, "error: deep.json: not JSON (nested too deeply)"),
    ],
)
def test_json_nested_too_deeply_to_read_is_not_json(
    workdir: Path, argv: list[str], code: int, message: str
) -> None:
    (workdir / "deep.json").write_text(DEEP, encoding="utf-8")
    status, out, err = run(*argv, stdin=DEEP)
    assert status == code
    assert message in out + err
    assert "Traceback" not in err and (out + err).count("\n") <= 2


LONG = '{"a": ' + "1" * 5000 + "}"  # past the digits Python turns into an int (4300)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["replay", "skillapp:skill", "-"], "error: standard input: not JSON (a number"),
        (
            ["replay", "skillapp:skill", "hello.json", "--alexa-api", "long.json"],
            "error: --alexa-api long.json: not JSON (a number",
        ),
        (["replay", "skillapp:skill", "long.json"], "error: long.json: not JSON (a number"),
        (["understand", "--model", "long.json", "hi"], "error: long.json: not JSON (a number"),
        (["model", "--check", "long.json"], "error: long.json: not JSON (a number"),
    ],
)
def test_json_with_a_number_too_long_to_read_is_not_json(
    workdir: Path, argv: list[str], message: str
) -> None:
    # json.loads raises a ValueError of its own for it, no JSONDecodeError: replay, model
    # --check and understand --model ended in a traceback (--alexa-api said Python's words).
    (workdir / "long.json").write_text(LONG, encoding="utf-8")
    status, out, err = run(*argv, stdin=LONG)
    assert status == 2
    assert message in out + err
    assert "Traceback" not in err and (out + err).count("\n") <= 2


def test_argparse_mistakes_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", WEATHER]) == 2  # (an APP that loads: a missing one is named first)
    assert "--invocation" in capsys.readouterr().err
    assert main(["serve", "app:skill", "--port", "http"]) == 2
    assert "'http' is not a port number" in capsys.readouterr().err


def test_load_skill_finds_attributes_by_dotted_path(workdir: Path) -> None:
    (workdir / "holder.py").write_text(APP + "\nclass Box:\n    inner = skill\n", encoding="utf-8")
    assert isinstance(load_skill("holder:Box.inner"), Skill)
    with pytest.raises(UsageError, match="has no attribute"):
        load_skill("holder:Box.outer")


def test_replay_reads_requests_from_standard_input(workdir: Path) -> None:
    hello = (workdir / "hello.json").read_text(encoding="utf-8")
    code, out, _ = run("replay", "skillapp:skill", "-", stdin=hello)
    assert code == 0
    assert out.startswith("- (IntentRequest Hello)\n  speech:     hello there\n")
    # Several documents one after the other, as `cat a.json b.json` gives them.
    code, out, _ = run("replay", "skillapp:skill", "-", "hello.json", stdin=hello + "\n" + hello)
    assert code == 0
    assert "- (request 1) (IntentRequest Hello)\n" in out
    assert "- (request 2) (IntentRequest Hello)\n" in out
    assert out.endswith("3 requests: all answered\n")


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("", "standard input is empty: pipe a request in"),
        ("{not json", "standard input: not JSON (line 1"),
        ('{"version": "1.0"}', "standard input: not an Alexa request envelope"),
    ],
)
def test_replay_standard_input_mistakes(workdir: Path, stdin: str, message: str) -> None:
    code, _, err = run("replay", "skillapp:skill", "-", stdin=stdin)
    assert code == 2
    assert message in err


def test_replay_standard_input_that_is_not_utf8(workdir: Path) -> None:
    data = (workdir / "hello.json").read_bytes() + b"\n\xff"
    code, out, err = run("replay", "skillapp:skill", "-", stdin=data)
    assert (code, out) == (2, "")
    assert err == "alexaskill replay: error: standard input: not UTF-8 text\n"


def test_a_request_piped_into_replay(workdir: Path) -> None:
    request = subprocess.run(
        [sys.executable, "-m", "alexaskill", "request", "IntentRequest", "--intent", "Hello"],
        capture_output=True,
        check=True,
    )
    replayed = subprocess.run(
        [sys.executable, "-m", "alexaskill", "replay", "skillapp:skill", "-"],
        input=request.stdout,
        capture_output=True,
        cwd=workdir,
        check=False,
    )
    assert replayed.returncode == 0, replayed.stderr
    assert b"speech:     hello there" in replayed.stdout


def test_a_closed_pipe_ends_the_command_without_a_traceback(workdir: Path) -> None:
    # `alexaskill request ... | head -1`: the reader is gone before the command writes.
    process = subprocess.Popen(
        [sys.executable, "-m", "alexaskill", "replay", "skillapp:skill", "hello.json", "--json"],
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    error = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=60) == 141
    assert "Traceback" not in error
    assert "BrokenPipeError" not in error


def test_model_output_creates_missing_folders(workdir: Path) -> None:
    output = workdir / "skill-package" / "interactionModels" / "custom" / "en-US.json"
    code, _, err = run("model", "skillapp:skill", "--invocation", "hello helper", "-o", str(output))
    assert code == 0, err
    assert json.loads(output.read_text(encoding="utf-8"))["interactionModel"]["languageModel"][
        "intents"
    ]


def test_replay_standard_input_with_a_byte_order_mark(workdir: Path) -> None:
    # A request file saved by a Windows editor replays when named (utf-8-sig), but piped in its
    # mark was "not JSON (line 1: Expecting value)".
    hello = (workdir / "hello.json").read_text(encoding="utf-8")
    code, out, err = run("replay", "skillapp:skill", "-", stdin="\ufeff" + hello)
    assert (code, err) == (0, "")
    assert out.startswith("- (IntentRequest Hello)\n  speech:     hello there\n")


def test_replay_standard_input_named_twice(workdir: Path) -> None:
    # The first "-" read all of it: the second said "standard input is empty: pipe a request
    # in", of the input that held the requests.
    code, out, err = run(
        "replay",
        "skillapp:skill",
        "-",
        "-",
        stdin=(workdir / "hello.json").read_text(encoding="utf-8"),
    )
    assert (code, out) == (2, "")
    assert "- is named twice: standard input is read once" in err
    assert "is empty" not in err


def test_replay_shows_control_characters_of_an_answer_escaped(workdir: Path) -> None:
    # A skill's speech holding "\r" (back over the line) or U+009B (a CSI to some terminals)
    # was written raw: the terminal acted on it, as chat's transcript did.
    (workdir / "ctrl_replay.py").write_text(
        f"from alexaskill import Skill, speak\nskill = Skill({SKILL_ID!r})\n"
        "@skill.intent('Hello')\ndef hello():\n    return speak('Hi\\r\\x9b[2J there')\n",
        encoding="utf-8",
    )
    sys.modules.pop("ctrl_replay", None)  # (another test's)
    try:
        code, out, err = run("replay", "ctrl_replay:skill", "hello.json")
    finally:
        sys.modules.pop("ctrl_replay", None)
    assert code == 0, err
    assert "\r" not in out and "\x9b" not in out
    assert "  speech:     Hi\\x0d\\x9b[2J there\n" in out


@pytest.mark.parametrize("command", ["replay", "chat"])
def test_an_alexa_api_file_that_is_not_utf8_says_so(workdir: Path, command: str) -> None:
    # It said "--alexa-api api.json: not JSON ('utf-8' codec can't decode byte 0xe9 ...)".
    (workdir / "api.json").write_bytes(b'{"given_name": "Ad\xe9"}')
    argv = [command, "skillapp:skill", *(["hello.json"] if command == "replay" else [])]
    code, out, err = run(*argv, "--alexa-api", "api.json", stdin="")
    assert (code, out) == (2, "")
    assert err == f"alexaskill {command}: error: --alexa-api api.json: not UTF-8 text\n"


def test_replay_of_an_empty_request_file_says_it_is_empty(workdir: Path) -> None:
    # It said "empty.json: not JSON (line 1: Expecting value)"; standard input says it is empty.
    (workdir / "empty.json").write_text(" \n", encoding="utf-8")
    code, out, err = run("replay", "skillapp:skill", "empty.json")
    assert (code, out) == (2, "")
    assert err == (
        "alexaskill replay: error: empty.json: empty, no request in it: `alexaskill request "
        "LaunchRequest > empty.json` writes one\n"
    )


def test_replay_given_json_text_for_a_file_says_to_use_standard_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `alexaskill replay APP '{...}'` said only "{...}: no such file": the envelope pasted where
    # a file name goes. The message now says how to give it, on standard input (-).
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    pasted = '{"version": "1.0", "request": {"type": "LaunchRequest"}}'
    code, _, err = run("replay", "examples.weather.app:skill", pasted)
    assert code == 2
    assert "no such file" in err
    assert "JSON text, not a file name: give it on standard input (-)" in err
    code, _, err = run("replay", "examples.weather.app:skill", "missing.json")
    assert code == 2 and "JSON text" not in err  # (a file name stays a file name)


@pytest.mark.parametrize("stdin", ['"missing.json"', '"hello.json"', '["hello.json"]'])
def test_replay_of_a_json_string_on_standard_input_is_no_request(workdir: Path, stdin: str) -> None:
    # A JSON string read from standard input went to load_request as a path: a file it names
    # was replayed ("hello.json"), and one missing was a FileNotFoundError traceback.
    code, out, err = run("replay", "skillapp:skill", "-", stdin=stdin)
    assert (code, out) == (2, "")
    assert err.startswith(
        "alexaskill replay: error: standard input: not an Alexa request envelope "
        "(no 'request' object)"
    )
    assert err.count("\n") == 1 and err.endswith(
        ": a JSON list, not an object\n" if stdin.startswith("[") else "object)\n"
    )


@pytest.mark.parametrize(
    ("document", "says"),
    [
        # An array of requests (a log exported whole): each was "no 'request' object".
        (
            "[HELLO, HELLO]",
            "a JSON list of 2 requests, where a request file holds one: save each in a file "
            "of its own, or give them on standard input one after another",
        ),
        ('["hello.json"]', "a JSON list, not an object"),
        # ("a JSON list of 1200 requests" was said)
        ("[" + ", ".join(["HELLO"] * 1_200) + "]", "a JSON list of 1,200 requests, where"),
        # The skill's answer saved where its request was meant.
        (
            '{"version": "1.0", "response": {"shouldEndSession": true}}',
            "a skill's answer (a response envelope), not a request: `alexaskill request "
            "LaunchRequest` writes one",
        ),
    ],
)
def test_replay_of_a_file_holding_no_request_says_what_it_holds(
    workdir: Path, document: str, says: str
) -> None:
    hello = (workdir / "hello.json").read_text(encoding="utf-8")
    (workdir / "other.json").write_text(document.replace("HELLO", hello), encoding="utf-8")
    code, out, err = run("replay", "skillapp:skill", "other.json")
    assert (code, out) == (2, "")
    assert err.startswith("alexaskill replay: error: other.json: not an Alexa request envelope")
    assert says in err and err.count("\n") == 1, err
