"""The commands' option values that cannot be used: empty, not UTF-8, holding a space or a
control character, given together, or an ``--alexa-api`` URL to another machine; each a usage
error naming the option, exit status 2."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from alexaskill.cli import DEV_PKI_ENV

# The fixtures of tests/cli_inputs_shared.py these tests take, imported for pytest to see.
from .cli_inputs_shared import replay_or_chat as replay_or_chat
from .cli_inputs_shared import small_bound as small_bound
from .cli_inputs_shared import workdir as workdir
from .cli_run import run
from .conftest import OTHER_SKILL_ID, SKILL_ID

# --- empty option values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["chat", "inputsapp:skill", "--model", ""], "argument --model: empty path"),
        (["understand", "--model", "", "hi"], "argument --model: empty path"),
        (["request", "IntentRequest", "--intent", "Hello", "--model", ""], "--model: empty path"),
        (["replay", "inputsapp:skill", ""], "argument FILE: empty path"),
        (["replay", "inputsapp:skill", "hello.json", "--alexa-api", ""], "--alexa-api: empty"),
        (["chat", "inputsapp:skill", "--alexa-api", ""], "argument --alexa-api: empty path"),
    ],
)
def test_an_empty_path_is_a_usage_error_naming_its_option(
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    shown: str,
) -> None:
    # An empty path read as the current directory (": no en-US.json in it", ": is a
    # directory") or as a file named nothing ("--alexa-api : no such file").
    code, out, err = run(*argv, stdin="")
    err += capsys.readouterr().err  # (argparse's errors: on sys.stderr)
    assert (code, out) == (2, ""), err
    assert shown in err and "Traceback" not in err, err


@pytest.mark.parametrize(
    "argv",
    [
        ["chat", "inputsapp:skill"],
        ["request", "LaunchRequest"],
        ["request", "IntentRequest", "--intent", "Hello", "--model", "inputsapp:skill"],
        ["understand", "--model", "inputsapp:skill", "say hello"],
        ["replay", "inputsapp:skill", "hello.json"],
        ["certify", "http://127.0.0.1:9/"],  # (refused before any connection)
    ],
)
@pytest.mark.parametrize("skill_id", ["", "  "])
def test_an_empty_skill_id_is_a_usage_error_in_every_command(
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    skill_id: str,
) -> None:
    # chat, request, understand and certify took it as none given (the default id), replay
    # sent it (refused: "request names no application id"): refused alike, before anything runs.
    code, out, err = run(*argv, "--skill-id", skill_id, stdin="")
    err += capsys.readouterr().err  # (argparse's errors: on sys.stderr)
    assert (code, out) == (2, ""), err
    assert "argument --skill-id: empty: name the skill's id" in err, err


@pytest.mark.parametrize("content", ["", " \n"])
def test_an_empty_alexa_api_file_says_it_is_empty(
    workdir: Path, replay_or_chat: list[str], content: str
) -> None:
    # It said "not JSON (Expecting value: line 1 column 1 (char 0))".
    (workdir / "api.json").write_text(content, encoding="utf-8")
    code, out, err = run(*replay_or_chat, "--alexa-api", "api.json")
    assert (code, out) == (2, ""), err
    assert err.endswith(
        ": error: --alexa-api api.json: empty: write a JSON object of FakeAlexaApi's "
        'fields in it, as {"given_name": "Ada"}, or {} for a user who set nothing\n'
    ), err


@pytest.mark.parametrize(
    "skill_id", [f" {SKILL_ID}", f"{SKILL_ID}\n", "amzn1.ask.skill.a\x01b", "amzn1 ask"]
)
def test_a_skill_id_with_a_space_or_control_character_is_refused(
    workdir: Path, capsys: pytest.CaptureFixture[str], skill_id: str
) -> None:
    # Pasted with a space, it was sent as it is: the skill refused every request for another
    # skill's id ("request for skill ' amzn1…'"), or the request carried a control character.
    for argv in (["request", "LaunchRequest"], ["replay", "inputsapp:skill", "hello.json"]):
        code, out, err = run(*argv, "--skill-id", skill_id)
        err += capsys.readouterr().err
        assert (code, out) == (2, ""), err
        assert "argument --skill-id: " in err and "a space or control character" in err, err


def test_a_skill_id_not_utf8_is_refused_in_every_command(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # From a Latin-1 terminal: replay ended in a UnicodeEncodeError traceback as it sent it.
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    for argv in (
        ["replay", "inputsapp:skill", "hello.json"],
        ["chat", "inputsapp:skill"],
        ["understand", "--model", "inputsapp:skill", "say hello"],
        ["request", "LaunchRequest"],
    ):
        code, out, err = run(*argv, "--skill-id", "amzn1.\udce9")
        err += capsys.readouterr().err
        assert (code, out) == (2, ""), err
        assert "'amzn1.\\xe9': not UTF-8 text" in err and "Traceback" not in err, err


def test_a_url_not_utf8_is_a_usage_error(workdir: Path, replay_or_chat: list[str]) -> None:
    # From a Latin-1 terminal: replay ended in a UnicodeEncodeError traceback (exit status 1)
    # as httpx quoted the URL. (127.0.0.1:9: nothing is sent, to the Internet least of all.)
    url = "http://127.0.0.1:9/sk\udce9"
    code, out, err = run(*replay_or_chat, "--url", url)
    assert (code, out) == (2, ""), err
    assert err.endswith(": error: --url 'http://127.0.0.1:9/sk\\xe9': not UTF-8 text\n"), err


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["chat", "inputsapp:skill", "--model", "-"], "argument --model: - (standard input)"),
        (["understand", "--model", "-", "hi"], "argument --model: - (standard input)"),
        (["request", "IntentRequest", "--intent", "Hello", "--model", "-"], "--model: - (stan"),
        (["replay", "inputsapp:skill", "-", "--alexa-api", "-"], "--alexa-api: - (standard"),
    ],
)
def test_standard_input_named_for_a_file_it_is_not_read_for_says_so(
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    shown: str,
) -> None:
    # "--alexa-api -: no such file", "APP '-': expected module:attribute": as if "-" were no
    # more than an odd name, where replay's FILE takes it for standard input.
    code, out, err = run(*argv, stdin="")
    err += capsys.readouterr().err
    assert (code, out) == (2, ""), err
    assert shown in err and "is not read here: name " in err, err


@pytest.mark.parametrize(
    "argv", [["understand", "--model", "inputsapp:skill"], ["chat", "inputsapp:skill"]]
)
def test_a_line_of_standard_input_too_long_is_refused_not_read_whole(
    workdir: Path, small_bound: int, argv: list[str]
) -> None:
    # A line was read whole, however long: `understand < /dev/zero` filled the memory (a line
    # of NULs that never ends), and a long one was understood and echoed back.
    data = b"say hello\n" + b"a" * (small_bound + 1) + b"\nsay hello\n"
    code, out, err = run(*argv, stdin=data)
    assert code == 2, err
    assert err.endswith(
        ": error: standard input, line 2: longer than 4 KiB, too long for something said\n"
    ), err
    assert "a" * small_bound not in out


def test_replay_skill_id_and_keep_skill_id_together_are_refused(workdir: Path) -> None:
    # --skill-id was ignored without a word: --keep-skill-id sent the file's id.
    argv = ("replay", "inputsapp:skill", "hello.json", "--keep-skill-id")
    code, out, err = run(*argv, "--skill-id", OTHER_SKILL_ID)
    assert (code, out) == (2, "")
    assert err == (
        "alexaskill replay: error: --skill-id and --keep-skill-id: choose one (--keep-skill-id "
        "sends the ids in the files, --skill-id this one)\n"
    )


def test_alexa_api_with_a_url_to_another_machine_is_refused(
    workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replay_or_chat: list[str]
) -> None:
    # The fake is served only to a skill on this machine: for another, the file was read and
    # its data never used (the skill there calls Amazon's APIs), without a word.
    import httpx

    def nothing_sent(self: object, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("(the test sends nothing)", request=request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", nothing_sent)
    monkeypatch.setenv(DEV_PKI_ENV, str(tmp_path / "dev-pki"))
    (workdir / "api.json").write_text('{"given_name": "Ada"}', encoding="utf-8")
    url = "https://skill.example.com/alexa"
    code, out, err = run(*replay_or_chat, "--url", url, "--alexa-api", "api.json")
    assert (code, out) == (2, ""), err
    assert err.endswith(
        f": error: --alexa-api api.json: the fake Alexa APIs are served only to a skill on "
        f"this machine, and {url} is not (its skill calls Amazon's): drop --alexa-api\n"
    ), err


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_replay_an_empty_device_is_not_told_to_write_a_request_into_it(workdir: Path) -> None:
    # "/dev/null: empty, no request in it: `alexaskill request LaunchRequest > /dev/null`
    # writes one": a request written there is gone.
    code, out, err = run("replay", "inputsapp:skill", "/dev/null")
    assert (code, out) == (2, "")
    assert err == "alexaskill replay: error: /dev/null: empty, no request in it (not a file)\n"


def test_a_file_holding_only_a_byte_order_mark_is_empty(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As a Windows editor saves an empty file: "not JSON (line 1: Expecting value)".
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    (workdir / "bom.json").write_bytes(b"\xef\xbb\xbf\r\n")
    code, out, err = run("replay", "inputsapp:skill", "bom.json")
    assert (code, out) == (2, "")
    assert err.startswith("alexaskill replay: error: bom.json: empty, no request in it"), err
    code, out, err = run("replay", "inputsapp:skill", "hello.json", "--alexa-api", "bom.json")
    assert (code, out) == (2, "")
    assert err.startswith("alexaskill replay: error: --alexa-api bom.json: empty: "), err


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["certify", "http://127.0.0.1:9/", "--allow-local", "--replay", ""], "--replay: empty"),
        (["certify", "http://127.0.0.1:9/", "--allow-local", "--cafile", ""], "--cafile: empty"),
        (["model", "", "--check"], "argument APP: empty path"),
        (["model", "inputsapp:skill", "--check", "--manifest", ""], "--manifest: empty path"),
        (["serve", "inputsapp:skill", "--dev", "--model", ""], "argument --model: empty path"),
    ],
)
def test_an_empty_path_is_a_usage_error_in_the_other_commands_too(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    shown: str,
) -> None:
    # certify --cafile "" trusted certifi's CAs without a word (and tried to connect); the
    # others read "" as the current directory or as " : no such file".
    monkeypatch.setenv(DEV_PKI_ENV, str(workdir / "dev-pki"))  # (serve --dev's, not ~'s)
    code, out, err = run(*argv)
    err += capsys.readouterr().err
    assert (code, out) == (2, ""), err
    assert shown in err, err


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http:///alexa", "expected an http(s) URL"),  # (no host)
        ("http://:8000/", "expected an http(s) URL"),
        ("http://[::1]]:8000/", "not a URL"),  # (a bracket too many: httpx's InvalidURL)
    ],
)
def test_a_url_that_is_none_is_said_so_with_alexa_api_too(
    workdir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    replay_or_chat: list[str],
    url: str,
    shown: str,
) -> None:
    # With --alexa-api, chat said such a URL was "not on this machine" (its --alexa-api check
    # ran before the URL's), and replay ended in httpx's InvalidURL traceback for "[::1]]".
    monkeypatch.setenv(DEV_PKI_ENV, str(tmp_path / "dev-pki"))
    (workdir / "api.json").write_text('{"given_name": "Ada"}', encoding="utf-8")
    for api in ([], ["--alexa-api", "api.json"]):
        code, out, err = run(*replay_or_chat, "--url", url, *api)
        assert (code, out) == (2, ""), err
        assert f"error: --url {url!r}: {shown}" in err and "Traceback" not in err, err


@pytest.mark.parametrize(
    "url",
    [
        # What uvicorn prints when it listens on every interface: a connection to it reaches
        # this machine, so the skill there calls the fake (said "not on this machine" before).
        "http://0.0.0.0:8000/",
        "http://[::]:8000/",
        "http://[::ffff:127.0.0.1]:8000/",  # (loopback, written as IPv4-mapped IPv6)
        "http://127.0.0.1:8000/",
        "http://localhost:8000/",
    ],
)
def test_alexa_api_is_taken_with_a_url_to_this_machine(url: str) -> None:
    from alexaskill.cli.inputs import alexa_api_reaches

    alexa_api_reaches(url, "api.json")


def test_alexa_api_reaches_refuses_ipv4_mapped_and_named_other_machines() -> None:
    from alexaskill.cli.common import UsageError
    from alexaskill.cli.inputs import alexa_api_reaches

    for url in ("http://10.1.2.3:8000/", "http://[::ffff:10.1.2.3]/", "https://skill.example/"):
        with pytest.raises(UsageError, match="drop --alexa-api"):
            alexa_api_reaches(url, "api.json")


class _Typed(io.StringIO):
    """Standard input at a terminal (``isatty``), with ``text`` typed into it."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("typed", [True, False])
def test_understand_and_replay_say_they_read_a_terminal_not_a_pipe(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, typed: bool
) -> None:
    # Both waited, silent, for what a user at a terminal did not know to type.
    hint = "from the terminal; Ctrl-D ends\n"
    kind = _Typed if typed else io.StringIO
    monkeypatch.setattr(sys, "stdin", kind("say hello\n"))
    code, out, err = run("understand", "--model", "inputsapp:skill")
    assert code == 0 and '"utterance": "say hello"' in out, err
    assert (err == f"alexaskill understand: reading utterances, one a line, {hint}") is typed, err
    hello = (workdir / "hello.json").read_text(encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", kind(hello))
    code, out, err = run("replay", "inputsapp:skill", "-")
    assert code == 0 and "hello there" in out, err
    assert (err == f"alexaskill replay: reading request envelopes (JSON) {hint}") is typed, err
    code, out, err = run("understand", "--model", "inputsapp:skill", "say hello")  # (no stdin)
    assert code == 0 and err == ""


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (("understand", "--model", "inputsapp:skill", "--invocation", "", "hi"), "empty"),
        (("understand", "--model", "inputsapp:skill", "--invocation", "  ", "hi"), "empty"),
        (("model", "inputsapp:skill", "--invocation", ""), "empty"),
        (("model", "inputsapp:skill", "--invocation", "de-DE= "), "empty for de-DE"),
    ],
)
def test_an_empty_invocation_name_is_an_error_naming_the_option(
    workdir: Path, argv: tuple[str, ...], shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Said "the invocation name is empty", naming no option (`--invocation "$NAME"`, unset).
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    err += capsys.readouterr().err  # (argparse's own errors: on sys.stderr)
    assert f"error: argument --invocation: {shown}: give the invocation name users say" in err


@pytest.mark.parametrize(
    "url",
    ["http://exa mple.com/", "http://127.0.0.1:9/ x", "http://127.0.0.1:9/\tx", "http://h\x7f/"],
)
def test_a_url_with_a_space_or_control_character_is_refused_before_any_connection(
    workdir: Path, url: str
) -> None:
    # Sent as given (a host "exa mple.com" looked up, a path's space percent-encoded), then
    # reported as a server not running: a quoting mistake, said so.
    said = "holds a space or a control character, which no URL has (a space in a path is %20)"
    code, out, err = run("replay", "inputsapp:skill", "hello.json", "--url", url)
    assert (code, out) == (2, "")
    assert f"error: --url {url!r}: {said}" in err, err
    code, out, err = run("certify", url.replace("http:", "https:"))
    assert (code, out) == (2, ""), out
    assert f"error: {url.replace('http:', 'https:')!r}: {said}" in err, err


def test_certify_replay_of_an_empty_file_says_it_is_empty(workdir: Path) -> None:
    # Said "not an alexaskill capture file (Input data was truncated)".
    (workdir / "empty.capture.json").write_bytes(b"")
    argv = ("certify", "http://127.0.0.1:9/", "--allow-local", "--replay", "empty.capture.json")
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    assert err == (
        "alexaskill certify: error: --replay empty.capture.json: empty, no captured request in "
        "it (serve --capture writes them)\n"
    )


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (("model", "latin1.json", "--check"), "latin1.json"),
        (("understand", "--model", "latin1.json", "hello"), "latin1.json"),
        (
            ("request", "IntentRequest", "--intent", "Hello", "--model", "latin1.json"),
            "latin1.json",
        ),
        (("chat", "--model", "latin1.json", "--url", "http://127.0.0.1:9/"), "latin1.json"),
        (
            ("model", "inputsapp:skill", "--check", "--manifest", "latin1.json"),
            "--manifest latin1.json",
        ),
    ],
)
def test_a_model_file_or_manifest_not_utf8_says_so_as_every_file_does(
    workdir: Path, argv: tuple[str, ...], named: str
) -> None:
    # It said "cannot be read ('utf-8' codec can't decode byte 0xe9 in position 3: invalid
    # continuation byte)", where a request file and --alexa-api say "not UTF-8 text".
    (workdir / "latin1.json").write_bytes('{"x": "café"}'.encode("latin-1"))
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    assert err.endswith(f": error: {named}: not UTF-8 text\n"), err
