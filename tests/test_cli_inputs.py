"""The offline commands (replay, certify, model, request) given input that is not what they
expect: each a one-line error and exit status 2, never a traceback."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alexaskill.cli import DEV_PKI_ENV, main
from alexaskill.testing import RequestFactory

from .cli_run import run
from .conftest import OTHER_SKILL_ID, SKILL_ID

APP = f"""
from alexaskill import Skill, speak

skill = Skill("{SKILL_ID}")


@skill.intent("Hello", utterances=["say hello"])
def hello():
    return speak("hello there")
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A current directory holding ``inputsapp.py`` and ``hello.json``, undone afterwards."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "inputsapp.py").write_text(APP)
    hello = RequestFactory(skill_id=SKILL_ID).intent("Hello")
    (tmp_path / "hello.json").write_text(json.dumps(hello))
    yield tmp_path
    for name in [name for name in sys.modules if name.startswith("inputsapp")]:
        del sys.modules[name]


@pytest.fixture(
    params=[("replay", "inputsapp:skill", "hello.json"), ("chat", "inputsapp:skill")],
    ids=["replay", "chat"],
)
def replay_or_chat(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The command line of ``replay`` (of hello.json), then of ``chat``: the two commands that
    take ``--url`` and ``--alexa-api``, a test of them run once for each; standard input empty
    (chat's, should it get to read it)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    return list(request.param)


# --- standard input --------------------------------------------------------------------------


def test_replay_standard_input_not_utf8_under_surrogateescape(workdir: Path) -> None:
    # Python reads standard input so under the C and C.UTF-8 locales (a container's): the
    # byte that is not UTF-8 arrives as a lone surrogate, inside a JSON string here.
    data = (workdir / "hello.json").read_bytes().replace(b'"en-US"', b'"en-US\xff"')
    code, out, err = run(
        "replay", "inputsapp:skill", "-", stdin=data, stdin_errors="surrogateescape"
    )
    assert (code, out) == (2, "")
    assert err == "alexaskill replay: error: standard input: not UTF-8 text\n"


# --- files too large to be what they should be ----------------------------------------------
# Each is read up to a bound: /dev/zero, or a log file named by mistake, is not read into
# memory whole (it ended in a MemoryError traceback, after filling the memory).

_ZERO = "/dev/zero"
needs_dev_zero = pytest.mark.skipif(not Path(_ZERO).exists(), reason="no /dev/zero")


@pytest.fixture
def small_bound(monkeypatch: pytest.MonkeyPatch) -> int:
    import alexaskill.capture
    import alexaskill.cli.common

    monkeypatch.setattr(alexaskill.cli.common, "MAX_INPUT_BYTES", 4096)
    monkeypatch.setattr(alexaskill.capture, "MAX_CAPTURE_BYTES", 4096)
    return 4096


def _padded(workdir: Path, size: int) -> Path:
    envelope = json.loads((workdir / "hello.json").read_text())
    envelope["pad"] = "x" * size
    big = workdir / "big.json"
    big.write_text(json.dumps(envelope))
    return big


@needs_dev_zero
def test_replay_a_request_file_that_never_ends(workdir: Path) -> None:
    code, out, err = run("replay", "inputsapp:skill", _ZERO)
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill replay: error: {_ZERO}: larger than 16 MiB, too large for a request file\n"
    )


def test_replay_a_request_file_too_large(workdir: Path, small_bound: int) -> None:
    big = _padded(workdir, small_bound)
    code, out, err = run("replay", "inputsapp:skill", str(big))
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill replay: error: {big}: larger than 4 KiB, too large for a request file\n"
    )
    # A file within the bound is read, and sent as it is.
    code, out, _ = run("replay", "inputsapp:skill", "hello.json")
    assert code == 0 and "hello there" in out


def test_replay_standard_input_too_large(workdir: Path, small_bound: int) -> None:
    code, out, err = run(
        "replay", "inputsapp:skill", "-", stdin=_padded(workdir, small_bound).read_text()
    )
    assert (code, out) == (2, "")
    assert err == (
        "alexaskill replay: error: standard input: larger than 4 KiB, too large for requests\n"
    )


@needs_dev_zero
def test_replay_alexa_api_file_that_never_ends(workdir: Path) -> None:
    code, out, err = run("replay", "inputsapp:skill", "hello.json", "--alexa-api", _ZERO)
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill replay: error: --alexa-api {_ZERO}: larger than 16 MiB, too large for "
        "a JSON object of FakeAlexaApi's fields\n"
    )


@needs_dev_zero
def test_model_check_manifest_that_never_ends(workdir: Path) -> None:
    model = workdir / "en-US.json"
    code, _, _ = run("model", "inputsapp:skill", "--invocation", "hello helper", "-o", str(model))
    assert code == 0
    code, out, err = run("model", "--check", str(model), "--manifest", _ZERO)
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill model: error: --manifest {_ZERO}: larger than 16 MiB, too large for a "
        "skill manifest\n"
    )


@needs_dev_zero
def test_certify_replay_capture_that_never_ends(workdir: Path) -> None:
    code, out, err = run("certify", "http://127.0.0.1:9/", "--allow-local", "--replay", _ZERO)
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill certify: error: --replay {_ZERO}: not an alexaskill capture file "
        "(larger than 16 MiB)\n"
    )


def test_load_capture_too_large(tmp_path: Path, small_bound: int) -> None:
    from alexaskill.capture import load_capture

    file = tmp_path / "x.capture.json"
    file.write_text(json.dumps({"received_at": "", "path": "/", "headers": [], "body": "x" * 5000}))
    with pytest.raises(
        ValueError,
        match=r"capture\.json: not an alexaskill capture file \(larger than 4096 bytes\)",
    ):
        load_capture(file)


def test_replay_a_request_file_with_a_byte_order_mark(workdir: Path) -> None:
    bom = workdir / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + (workdir / "hello.json").read_bytes())
    code, out, err = run("replay", "inputsapp:skill", "bom.json")
    assert code == 0, err
    assert "hello there" in out


# --- a model file with mistakes --------------------------------------------------------------


def _model(language: dict[str, object], **root: object) -> dict[str, object]:
    base: dict[str, object] = {
        "invocationName": "hello helper",
        "intents": [
            {
                "name": "Hello",
                "samples": ["say hello to {name}"],
                "slots": [{"name": "name", "type": "AMAZON.FirstName"}],
            }
        ],
    }
    return {"interactionModel": {"languageModel": {**base, **language}, **root}}


_DIALOG_SLOT = {"name": "name", "type": "AMAZON.FirstName", "elicitationRequired": True}


@pytest.mark.parametrize(
    ("model", "problem"),
    [
        (
            _model({"intents": [{"name": "Hello", "samples": ["hi"], "slots": 1.5}]}),
            "intent Hello: slots is not a list",
        ),
        (
            _model(
                {
                    "intents": [
                        {
                            "name": "Hello",
                            "samples": ["hi {n}"],
                            "slots": [{"name": "n", "type": "T", "multipleValues": [1]}],
                        }
                    ]
                }
            ),
            "intent Hello: slot n: multipleValues is not an object",
        ),
        (_model({"types": 5}), "languageModel.types is not a list"),
        (
            _model({"types": [{"name": "T", "values": True}]}),
            "slot type T: values is not a list",
        ),
        (_model({}, prompts=7), "interactionModel.prompts is not a list"),
        (
            _model({}, prompts=[{"id": "P", "variations": 3}]),
            "prompt P: variations is not a list",
        ),
        (_model({}, dialog="d"), "interactionModel.dialog is not an object"),
        (_model({}, dialog={"intents": {"a": 1}}), "dialog.intents is not a list"),
        (
            _model({}, dialog={"intents": [{"name": "Hello", "slots": False}]}),
            "dialog intent Hello: slots is not a list",
        ),
        (
            _model(
                {},
                dialog={
                    "intents": [
                        {"name": "Hello", "slots": [{**_DIALOG_SLOT, "prompts": "Elicit.Name"}]}
                    ]
                },
            ),
            "dialog intent Hello: slot name: prompts is not an object",
        ),
        (
            _model(
                {},
                dialog={
                    "intents": [
                        {
                            "name": "Hello",
                            "slots": [
                                {**_DIALOG_SLOT, "prompts": {"elicitation": {"id": "Elicit.Name"}}}
                            ],
                        }
                    ]
                },
            ),
            "dialog intent Hello: slot name: prompts.elicitation is not a string",
        ),
        (
            _model(
                {},
                dialog={
                    "intents": [
                        {
                            "name": "Hello",
                            "slots": [
                                {
                                    **_DIALOG_SLOT,
                                    "validations": [{"type": "isInSet", "prompt": ["P"]}],
                                }
                            ],
                        }
                    ]
                },
            ),
            "dialog intent Hello: slot name: a validation's prompt is not a string",
        ),
        (
            _model({}, dialog={"intents": [{"name": "Hello", "prompts": "x", "slots": []}]}),
            "dialog intent Hello: prompts is not an object",
        ),
        (
            _model({"modelConfiguration": {"fallbackIntentSensitivity": "HIGH"}}),
            "languageModel.modelConfiguration.fallbackIntentSensitivity is not an object",
        ),
        (
            _model({"modelConfiguration": {"fallbackIntentSensitivity": {"level": 3}}}),
            "languageModel.modelConfiguration.fallbackIntentSensitivity.level is not a string",
        ),
        (
            _model({"modelConfiguration": ["HIGH"]}),
            "languageModel.modelConfiguration is not an object",
        ),
    ],
)
def test_model_file_with_a_value_of_the_wrong_kind(
    tmp_path: Path, model: dict[str, object], problem: str
) -> None:
    file = tmp_path / "en-US.json"
    file.write_text(json.dumps(model))
    code, out, err = run("model", "--check", str(file))
    assert (code, err) == (1, "")
    assert f"error: {file}: {problem}\n" in out
    # The commands that read a model to understand say it in one line, exit status 2.
    code, out, err = run("understand", "--model", str(file), "say hello")
    assert (code, out) == (2, "")
    assert err.startswith("alexaskill understand: error: ") and problem in err
    assert err.count("\n") == 1


# --- exit statuses ---------------------------------------------------------------------------


def test_top_level_help_says_the_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    output = " ".join(capsys.readouterr().out.split())
    assert "exit status: 0 when all went well;" in output
    for status, said in (
        ("1", "a certify check"),
        ("2", "a mistake in the command"),
        ("3", "serve"),
        ("130", "interrupted"),
        ("141", "closed"),
    ):
        assert f"; {status} " in output and said in output, status


def test_ctrl_c_is_exit_status_130_without_a_traceback(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import alexaskill.cli.replay

    def interrupted(files: object, app: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(alexaskill.cli.replay, "_load_requests", interrupted)
    assert run("replay", "inputsapp:skill", "hello.json") == (130, "", "")


# --- request: names that cannot be what was meant ---------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("",), "TYPE is empty: name a request type, e.g. LaunchRequest"),
        (("IntentRequest", "--intent", ""), "--intent is empty: name the intent, e.g. GetWeather"),
        (("IntentRequest", "--intent", " "), "--intent is empty: name the intent, e.g. GetWeather"),
        (
            ("LaunchRequest", "--interface", "display"),
            "--interface 'display': interface names are case-sensitive: Display",
        ),
        (
            ("LaunchRequest", "--interface", "alexa.presentation.apl"),
            "--interface 'alexa.presentation.apl': interface names are case-sensitive: "
            "Alexa.Presentation.APL",
        ),
    ],
)
def test_request_refuses_a_name_that_cannot_be_meant(argv: tuple[str, ...], message: str) -> None:
    code, out, err = run("request", *argv)
    assert (code, out) == (2, "")
    assert err == f"alexaskill request: error: {message}\n"


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("Custom.Thing", ""),
        ("Bogus", ""),
        ("Dispaly", " (did you mean Display?)"),
        ("APL", " (did you mean Alexa.Presentation.APL?)"),
    ],
)
def test_request_refuses_an_interface_no_device_declares(name: str, meant: str) -> None:
    # It was a note ("alexaskill does not know the interface ...") and the interface declared,
    # exit status 0: a typo made a device no skill meets.
    code, out, err = run("request", "LaunchRequest", "--interface", name)
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill request: error: --interface {name!r}: not an interface a device "
        f"declares{meant}; one of AudioPlayer, Display, VideoApp, Alexa.Presentation.APL, "
        "Alexa.Presentation.APLT, Alexa.Presentation.HTML, Geolocation, Navigation, AppLink\n"
    )


# --- replay --url: a server that takes the request and never answers --------------------------


@pytest.mark.usefixtures("one_second_url_timeouts")
def test_replay_url_to_a_server_that_never_answers(
    workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    monkeypatch.setenv(DEV_PKI_ENV, str(tmp_path / "dev-pki"))
    with socket.socket() as listening:  # accepts connections (the backlog), answers nothing
        listening.bind(("127.0.0.1", 0))
        listening.listen(8)
        url = f"http://127.0.0.1:{listening.getsockname()[1]}/"
        code, out, err = run("replay", "inputsapp:skill", "hello.json", "--url", url)
    assert code == 1, err
    # It said "FAILED: HTTP 0: ReadTimeout: timed out".
    assert out == (
        "hello.json (IntentRequest Hello)\n"
        "  FAILED: no answer within 1 s (Alexa gives up after about 8 s)\n"
        "1 request: 1 failed\n"
    )


def test_replay_url_that_cannot_be_connected_to_in_time_says_it_cannot_reach_it(
    workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A connection that times out (a host that drops the SYN) is no slow skill: it said "no
    # answer within 15 s (Alexa gives up after about 8 s)", as for a request sent and unanswered.
    import httpx

    def connect_times_out(*args: object, **kwargs: object) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out")

    monkeypatch.setenv(DEV_PKI_ENV, str(tmp_path / "dev-pki"))
    monkeypatch.setattr(httpx.Client, "post", connect_times_out)
    url = "http://192.0.2.1:8080/"  # TEST-NET-1: reached by nothing, here not even tried
    code, out, err = run("replay", "inputsapp:skill", "hello.json", "--url", url)
    assert code == 2, out
    assert out == ""
    # Nor "is the server running?", a guess that misleads for a host that is down or a port a
    # firewall drops.
    assert err == (
        f"alexaskill replay: error: cannot connect to {url}: no connection within 15 s (is "
        "the host up, and is its port open to this machine?)\n"
    )


# --- certify --replay: a capture whose timestamp is in the future -------------------------------


def _capture_at(when: str) -> object:
    from alexaskill.capture import Capture

    body = json.dumps({"request": {"type": "LaunchRequest", "timestamp": when}})
    return Capture(received_at=when, path="/", headers=[], body=body)


def test_capture_age_of_a_timestamp_in_the_future() -> None:
    import datetime as dt

    from alexaskill.cli.probes import capture_age_problem

    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    # Ten minutes ahead (a capturing machine's clock, a request made by hand): the endpoint
    # refuses it for its timestamp as surely as one ten minutes old; it said "is 0 s old …
    # Replay it in 756 s".
    ahead = _capture_at("2026-12-01T12:10:00Z")
    assert capture_age_problem(ahead, now) is None  # type: ignore[arg-type]
    # Within the tolerance ahead, the endpoint may accept it: said as ahead, not as 0 s old.
    near = _capture_at("2026-12-01T12:01:00Z")
    assert capture_age_problem(near, now) == (  # type: ignore[arg-type]
        "the captured request's timestamp is 60 s in the future: the endpoint may still accept "
        "it. Replay it in 216 s, once it is too old to be accepted"
    )
    fresh = _capture_at("2026-12-01T11:59:00Z")
    assert capture_age_problem(fresh, now) == (  # type: ignore[arg-type]
        "the captured request is 60 s old: the endpoint may still accept it. Replay it in 96 s, "
        "once it is too old to be accepted"
    )


def test_replay_a_file_of_several_requests_says_how_to_send_them(workdir: Path) -> None:
    hello = (workdir / "hello.json").read_text()
    (workdir / "two.json").write_text(hello + "\n" + hello + "\n")
    code, out, err = run("replay", "inputsapp:skill", "two.json")
    assert (code, out) == (2, "")
    # It said "two.json: not JSON (line 2: Extra data)".
    assert err == (
        "alexaskill replay: error: two.json: more than one JSON document (the next at line 2): "
        "a request file holds one request; standard input takes several: "
        "alexaskill replay inputsapp:skill - < two.json\n"
    )


def test_an_app_that_names_a_directory(workdir: Path) -> None:
    (workdir / "skills").mkdir()
    code, out, err = run("replay", "skills:skill", "hello.json")  # a namespace package
    assert code == 2
    code, out, err = run("replay", "skills/:skill", "hello.json")
    assert (code, out) == (2, "")
    # It said "skills/: no such file".
    assert err == (
        "alexaskill replay: error: APP 'skills/:skill': skills/ is a directory: name the "
        "Python file in it, as in skills/app.py:skill\n"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ("model", "--check", "en-US.json"),
        ("model", "--check", "models"),
        ("understand", "--model", "en-US.json", "hello"),
        ("chat", "inputsapp:skill", "--model", "en-US.json"),
    ],
)
def test_a_model_file_past_the_input_bound_is_refused_unread(
    workdir: Path, small_bound: int, argv: tuple[str, ...]
) -> None:
    # The model file was read whole, however large (a log named by mistake, a FIFO).
    model = {
        "interactionModel": {
            "languageModel": {
                "invocationName": "hello helper",
                "intents": [{"name": "HelloIntent", "samples": ["hello"] * 1000}],
                "types": [],
            }
        }
    }
    text = json.dumps(model)
    assert len(text) > small_bound
    (workdir / "en-US.json").write_text(text)
    (workdir / "models").mkdir()
    (workdir / "models" / "en-US.json").write_text(text)
    code, out, err = run(*argv, stdin="")
    file = "models/en-US.json" if "models" in argv else "en-US.json"
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill {argv[0]}: error: {file}: larger than 4 KiB, too large for an interaction "
        "model file\n"
    )


# --- a model file for another locale -------------------------------------------------------------

_GERMAN = {
    "interactionModel": {
        "languageModel": {
            "invocationName": "wetter helfer",
            "intents": [{"name": "WetterIntent", "samples": ["wie ist das wetter"]}],
            "types": [],
        }
    }
}


@pytest.mark.parametrize(
    "argv",
    [
        ("understand", "--model", "de-DE.json", "--locale", "en-US", "weather in paris"),
        ("model", "--check", "de-DE.json", "--locale", "en-US"),
        ("chat", "inputsapp:skill", "--model", "de-DE.json", "--locale", "en-US"),
    ],
)
def test_a_model_file_named_for_another_language_than_the_locale_is_a_mistake(
    workdir: Path, argv: tuple[str, ...]
) -> None:
    # The German model was understood as English (everything the fallback intent), or checked
    # by English rules ("no problems found"), without a word.
    (workdir / "de-DE.json").write_text(json.dumps(_GERMAN))
    code, out, err = run(*argv, stdin="")
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill {argv[0]}: error: de-DE.json is the model of de-DE (its name says so), "
        "not one for en-US: name the en-US model file, or leave --locale out\n"
    )


def test_a_model_file_of_the_same_language_serves_another_region(workdir: Path) -> None:
    # en-US.json for an en-GB skill that shares its model: no mistake.
    model = json.loads(json.dumps(_GERMAN).replace("wetter helfer", "weather helper"))
    model["interactionModel"]["languageModel"]["intents"] = [
        {"name": "HelloIntent", "samples": ["say hello"]}
    ]
    (workdir / "en-US.json").write_text(json.dumps(model))
    code, out, err = run("understand", "--model", "en-US.json", "--locale", "en-GB", "say hello")
    assert (code, err) == (0, "")
    assert '"name": "HelloIntent"' in out


def test_a_model_directory_without_the_locale_says_which_it_holds(workdir: Path) -> None:
    (workdir / "custom").mkdir()
    (workdir / "custom" / "de-DE.json").write_text(json.dumps(_GERMAN))
    code, out, err = run("model", "--check", "custom")
    assert (code, out) == (2, "")
    # It said "custom/en-US.json: no such file".
    assert err == (
        "alexaskill model: error: custom: no en-US.json in it (it holds de-DE.json): choose "
        "one with --locale de-DE\n"
    )
    (workdir / "empty").mkdir()
    code, out, err = run("understand", "--model", "empty", "hello")
    assert (code, out) == (2, "")
    assert err == (
        "alexaskill understand: error: empty: no en-US.json in it, nor any model file "
        "(LOCALE.json)\n"
    )


@pytest.mark.parametrize(
    ("code", "said"),
    [
        ('"DATABASE_URL is not set"', "it called sys.exit('DATABASE_URL is not set')"),
        ("3", "it called sys.exit(3)"),
    ],
)
@pytest.mark.parametrize("app", ["exits:skill", "exits.py:skill"])
def test_an_app_that_exits_while_it_is_imported_is_a_mistake_in_one_line(
    workdir: Path, code: str, said: str, app: str
) -> None:
    # The process ended with the module's status (1 for a message: "a request failed"), and
    # the message alone, naming neither the APP nor where.
    (workdir / "exits.py").write_text(f"import sys\n\nsys.exit({code})\n")
    status, out, err = run("replay", app, "hello.json")
    assert (status, out) == (2, "")
    name = app.partition(":")[0]
    assert err == (
        f"alexaskill replay: error: importing {name} failed: {said} ({workdir / 'exits.py'}:3)\n"
    )


@pytest.mark.parametrize(
    ("app", "meant"),
    [("inputsapp.skill", "inputsapp:skill"), ("inputsapp.py", "inputsapp.py:skill")],
)
def test_an_app_without_its_colon_says_what_was_meant(workdir: Path, app: str, meant: str) -> None:
    code, out, err = run("replay", app, "hello.json")
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill replay: error: APP {app!r}: expected module:attribute, e.g. app:skill, or "
        f"path/to/app.py:skill; did you mean {meant}?\n"
    )


@pytest.mark.parametrize("session", [False, True])
def test_a_request_file_with_nowhere_for_the_skill_id_says_how_to_write_one(
    workdir: Path, session: bool
) -> None:
    # A hand-written request without context or session failed with "request names no
    # application id" alone, though replay says it sets the skill's id. One with a session but
    # no context is refused alike: the skill reads its id from context.System.application.
    envelope: dict[str, Any] = {"version": "1.0", "request": {"type": "LaunchRequest"}}
    if session:
        envelope["session"] = {"new": True, "sessionId": "s", "application": {}}
    (workdir / "bare.json").write_text(json.dumps(envelope))
    code, out, _ = run("replay", "inputsapp:skill", "bare.json")
    assert code == 1
    assert (
        "  FAILED: HTTP 400: request names no application id (context.System.application "
        "missing or null); the file has no context.System.application, where Alexa's requests "
        "name the skill and replay sets its id: `alexaskill request LaunchRequest` writes a "
        "complete request\n"
    ) in out


def test_a_request_without_a_type_is_labelled_so(workdir: Path) -> None:
    envelope = json.loads((workdir / "hello.json").read_text())
    del envelope["request"]["type"]
    (workdir / "untyped.json").write_text(json.dumps(envelope))
    code, out, _ = run("replay", "inputsapp:skill", "untyped.json")
    assert code == 1
    assert out.startswith(
        "untyped.json (no type Hello)\n  FAILED: HTTP 400: malformed request: "
    )  # was (None)


def test_the_command_modules_load_inside_main_where_ctrl_c_is_caught() -> None:
    # The console script imports alexaskill.cli before main() runs: its commands (certify's
    # TLS and statistics modules, ...) took most of a second on a busy machine, and a Ctrl-C
    # then was a traceback. They load in main() now.
    import subprocess

    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, alexaskill.cli; "
            "print(sorted(m for m in sys.modules if m.startswith('alexaskill.cli.')))",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert loaded.stdout == "[]\n"


def test_ctrl_c_while_the_commands_or_the_app_load_is_exit_status_130(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import alexaskill.cli

    (workdir / "ctrl_c_app.py").write_text("raise KeyboardInterrupt\n")  # Ctrl-C in a slow import
    assert run("replay", "ctrl_c_app:skill", "hello.json") == (130, "", "")
    assert run("chat", "ctrl_c_app.py:skill") == (130, "", "")

    def interrupted(name: str) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(alexaskill.cli, "_command", interrupted)
    assert run("replay", "inputsapp:skill", "hello.json") == (130, "", "")


def test_the_names_the_cli_gives_load_when_asked() -> None:
    import alexaskill.cli
    from alexaskill.cli.common import UsageError, load_skill
    from alexaskill.cli.dev import DEV_PKI_ENV

    assert alexaskill.cli.UsageError is UsageError
    assert alexaskill.cli.load_skill is load_skill
    assert alexaskill.cli.DEV_PKI_ENV == DEV_PKI_ENV
    assert callable(alexaskill.cli.serve_factory)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        alexaskill.cli.nothing  # noqa: B018


def test_the_command_modules_are_the_packages_attributes_as_before() -> None:
    # The package imported its commands before they loaded in main(): `alexaskill.cli.chat`,
    # `alexaskill.cli.help_text` (a script's) were AttributeErrors after that. In a fresh
    # interpreter: here, other tests have imported the modules already, which sets them.
    import subprocess

    names = ["replay", "serve", "request", "model", "certify", "understand", "chat"]
    script = (
        "import alexaskill.cli as cli\n"
        f"print([getattr(cli, name).__name__ for name in {[*names, 'probes', 'common']!r}])\n"
        "import sys\n"
        "print(cli.help_text.__module__, cli.chat is sys.modules['alexaskill.cli.chat'])\n"
        "for name in ('nothing', '__wrapped__', 'chat.x', ''):\n"
        "    print(name, hasattr(cli, name))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()
    assert shown == [
        str([f"alexaskill.cli.{name}" for name in [*names, "probes", "common"]]),
        "alexaskill.cli.common True",
        "nothing False",
        "__wrapped__ False",
        "chat.x False",
        " False",
    ]


def test_an_argument_that_is_not_utf8_is_shown_as_its_bytes(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given from a Latin-1 terminal, "wé" arrives as b"w\xe9", which Python holds as "w\udce9":
    # the errors showed that ('w\udce9'), a character no one typed, not the byte given.
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    for argv, shown in [
        (["chat", "inputsapp:skill", "--invocation", "w\udce9"], "invocation name 'w\\xe9'"),
        (["chat", "inputsapp:sk\udce9"], "no attribute 'sk\\xe9'"),
        (["chat", "inputsapp:skill", "--model", "m\udce9.json"], "m\\xe9.json: no such file"),
        (["understand", "--model", "inputsapp:skill", "--now", "2020\udce9"], "'2020\\xe9'"),
    ]:
        code, _, err = run(*argv)
        assert code == 2 and shown in err, (argv, err)
        assert "\\udc" not in err and "\udce9" not in err
    # argparse's own errors too
    code, _, err = run("chat", "inputsapp:skill", "--locale", "en\udce9")
    assert code == 2 and "argument --locale: 'en\\xe9' is not a locale" in err, err
    code, _, err = run("ch\udce9")
    assert code == 2 and "invalid choice: 'ch\\xe9'" in err, err
    # A backslash typed is not a byte: 'w\\udce9' stays as repr() writes it.
    code, _, err = run("chat", "inputsapp:skill", "--invocation", "w\\udce9")
    assert code == 2 and "'w\\\\udce9'" in err, err


def test_a_module_path_without_its_colon_is_meant_with_skill(workdir: Path) -> None:
    # "pkg.app" for pkg/app.py suggested "pkg:app" (the module pkg, attribute app), which is
    # not there: the module's own file is, so what was meant is pkg.app:skill.
    (workdir / "pkg").mkdir()
    (workdir / "pkg" / "__init__.py").write_text("")
    (workdir / "pkg" / "app.py").write_text(APP)
    code, _, err = run("replay", "pkg.app", "hello.json")
    assert code == 2
    assert err.endswith("path/to/app.py:skill; did you mean pkg.app:skill?\n"), err
    code, _, err = run("replay", "pkg.skill", "hello.json")  # no pkg/skill.py: pkg:skill
    assert err.endswith("; did you mean pkg:skill?\n"), err


def test_capture_age_reads_the_timestamp_as_the_endpoint_does() -> None:
    import datetime as dt

    from alexaskill.cli.probes import capture_age_problem

    now = dt.datetime(2017, 1, 1, 0, 0, 30, tzinfo=dt.UTC)
    # A lower-case z and a leap second, both accepted by the endpoint's verifier: the capture
    # was called one the endpoint would refuse (None), and replayed while still fresh.
    for stamp in ("2017-01-01T00:00:00z", "2016-12-31T23:59:60Z"):
        assert capture_age_problem(_capture_at(stamp), now) == (  # type: ignore[arg-type]
            "the captured request is 30 s old: the endpoint may still accept it. Replay it in "
            "126 s, once it is too old to be accepted"
        ), stamp


def test_capture_age_of_epoch_milliseconds_and_of_skill_events_is_the_endpoints() -> None:
    import datetime as dt

    from alexaskill.capture import Capture
    from alexaskill.cli.probes import capture_age_problem

    def capture(request_type: str, timestamp: object) -> Capture:
        body = json.dumps({"request": {"type": request_type, "timestamp": timestamp}})
        return Capture(received_at="2026-12-01T12:00:00Z", path="/", headers=[], body=body)

    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    # Epoch milliseconds, which the endpoint takes (the developer console's, 2017): it was
    # called a capture the endpoint would refuse, and replayed while still fresh.
    thirty_s_ago = int((now - dt.timedelta(seconds=30)).timestamp() * 1000)
    assert capture_age_problem(capture("LaunchRequest", thirty_s_ago), now) == (
        "the captured request is 30 s old: the endpoint may still accept it. Replay it in 126 s, "
        "once it is too old to be accepted"
    )
    # Only the five skill events the endpoint takes an hour old get an hour: another
    # AlexaSkillEvent ten minutes old is refused (a replay proves something now), not
    # "Replay it in 3006 s".
    ten_min_ago = "2026-12-01T11:50:00Z"
    other = capture("AlexaSkillEvent.ProactiveSubscriptionChanged", ten_min_ago)
    assert capture_age_problem(other, now) is None
    enabled = capture("AlexaSkillEvent.SkillEnabled", ten_min_ago)
    assert "Replay it in 3006 s" in (capture_age_problem(enabled, now) or "")


def test_a_skill_event_capture_ahead_of_the_clock_is_refused_as_the_endpoint_does() -> None:
    import datetime as dt

    from alexaskill.capture import Capture
    from alexaskill.cli.probes import capture_age_problem

    def capture(timestamp: str) -> Capture:
        request = {"type": "AlexaSkillEvent.SkillEnabled", "timestamp": timestamp}
        body = json.dumps({"request": request})
        return Capture(received_at=timestamp, path="/", headers=[], body=body)

    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    # A skill event may be an hour late, never early: ten minutes ahead, the endpoint refuses
    # it (150 s), so a replay proves something; it was "may still accept it".
    assert capture_age_problem(capture("2026-12-01T12:10:00Z"), now) is None
    assert capture_age_problem(capture("2026-12-01T12:01:00Z"), now) == (
        "the captured request's timestamp is 60 s in the future: the endpoint may still accept "
        "it. Replay it in 3666 s, once it is too old to be accepted"
    )


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
    (workdir / "api.json").write_text(content)
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
    (workdir / "api.json").write_text('{"given_name": "Ada"}')
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
    (workdir / "api.json").write_text('{"given_name": "Ada"}')
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
    hello = (workdir / "hello.json").read_text()
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


@pytest.mark.parametrize(
    ("given", "moment"),
    [
        ("2001-02-03T10:00:00Z", "2001-02-03T10:00:00"),
        ("2001-02-03T11:00+01:00", "2001-02-03T10:00"),
    ],
)
def test_an_alexa_api_file_gives_the_fakes_now_as_a_moment(
    tmp_path: Path, given: str, moment: str
) -> None:
    # A JSON file holds no clock: "now" was refused, naming FakeAlexaApi(now=...), so a replay
    # could not judge reminders or stamp list items at a fixed moment. A moment is a fixed clock.
    import datetime as dt

    from alexaskill.cli.inputs import fake_alexa_api

    data = tmp_path / "api.json"
    data.write_text(json.dumps({"now": given, "lists": {"Chores": ["dust"]}}))
    fake = fake_alexa_api(str(data))
    assert fake.now is not None
    assert fake.now() == dt.datetime.fromisoformat(moment).replace(tzinfo=dt.UTC)
    assert fake.now().utcoffset() is not None
    assert fake._moment({}) == fake.now()
    [item] = next(iter(fake._items.values()))
    assert item.created_time == "2001-02-03T10:00:00.000Z"
    data.write_text('{"now": null}')  # (null: no clock given, as for the other fields)
    assert fake_alexa_api(str(data)).now is None


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            "2001-02-03T10:00:00",
            "now '2001-02-03T10:00:00' names no offset: give the moment with one, as "
            "2001-02-03T10:00:00Z or 2001-02-03T10:00:00+01:00",
        ),
        ("tomorrow", "now 'tomorrow': expected an ISO 8601 moment, as 2031-03-14T09:00:00Z"),
        (5, "now 5: expected an ISO 8601 moment, as 2031-03-14T09:00:00Z"),
        ([2001, 2, 3], "now [2001, 2, 3]: expected an ISO 8601 moment, as 2031-03-14T09:00:00Z"),
    ],
)
def test_an_alexa_api_now_that_is_no_moment_is_a_usage_error(
    workdir: Path, given: object, message: str
) -> None:
    (workdir / "api.json").write_text(json.dumps({"now": given}))
    code, out, err = run("replay", "inputsapp:skill", "hello.json", "--alexa-api", "api.json")
    assert (code, out) == (2, ""), err
    assert err == f"alexaskill replay: error: --alexa-api api.json: {message}\n"


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            '{"given_name": "Ada", "time_zone": "Europe/Paris", "given_name": "Bob"}',
            "'given_name' is given twice in the top-level object",
        ),
        (
            '{"reminders": [{"alertToken": "r0"}, {"alertToken": "r1", "trigger": '
            '{"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 60, "type": "X"}}]}',
            "'type' is given twice in reminders[1].trigger",
        ),
        ('{"": {"a b": {"x": 1, "x": 2}}}', "'x' is given twice in ['']['a b']"),
        # The object holding "x" twice is dropped by the second "a": it is nowhere to name.
        ('{"a": {"x": 1, "x": 2}, "a": 3}', "'a' is given twice in the top-level object"),
    ],
)
def test_an_alexa_api_file_with_a_key_given_twice_is_refused(
    workdir: Path, replay_or_chat: list[str], content: str, said: str
) -> None:
    # json.loads kept the last of the two, silently: a typo'd copy of a key hid the data above
    # it, and the command ran on data the file did not seem to give ("Bob", the type "X").
    (workdir / "api.json").write_text(content)
    code, out, err = run(*replay_or_chat, "--alexa-api", "api.json")
    assert (code, out) == (2, ""), err
    assert err.endswith(
        f": error: --alexa-api api.json: {said}: a JSON object keeps only the last; give it once\n"
    ), err


_GIVES_ONCE = "a JSON object keeps only the last; give it once"


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (("{", '{"version": "0.9", '), "'version' is given twice in the top-level object"),
        (
            ('"name": "Hello"', '"name": "Hello", "name": "Bye"'),
            "'name' is given twice in request.intent",
        ),
    ],
)
def test_a_request_file_with_a_key_given_twice_is_refused(
    workdir: Path, edit: tuple[str, str], said: str
) -> None:
    # replay read the file with json.loads, which keeps the last of two equal keys silently: the
    # skill was sent the intent "Bye" of a file that seemed to name "Hello". (replay builds the
    # request it sends from the file, re-encoded and signed anew: no bytes of it are kept.)
    (workdir / "dup.json").write_text((workdir / "hello.json").read_text().replace(*edit, 1))
    code, out, err = run("replay", "inputsapp:skill", "dup.json")
    assert (code, out) == (2, ""), err
    assert err == f"alexaskill replay: error: dup.json: {said}: {_GIVES_ONCE}\n"


def test_standard_input_with_a_key_given_twice_is_refused(workdir: Path) -> None:
    # As a request file; of several requests, the one with the key twice is named.
    hello = (workdir / "hello.json").read_text()
    twice = hello.replace('"name": "Hello"', '"name": "Hello", "name": "Bye"', 1)
    for given, label in (
        (twice, "standard input"),
        (twice + hello, "standard input (request 1)"),
        (hello + twice, "standard input (request 2)"),
    ):
        code, out, err = run("replay", "inputsapp:skill", "-", stdin=given + "\n")
        assert (code, out) == (2, ""), err
        assert err == (
            f"alexaskill replay: error: {label}: 'name' is given twice in request.intent: "
            f"{_GIVES_ONCE}\n"
        )


@pytest.mark.parametrize(
    "argv",
    [
        ("model", "dup.json", "--check"),
        ("understand", "--model", "dup.json", "say hello"),
        ("request", "IntentRequest", "--intent", "Hello", "--model", "dup.json"),
        ("chat", "--model", "dup.json", "--url", "http://127.0.0.1:9/"),
    ],
)
def test_a_model_file_with_a_key_given_twice_is_refused(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...]
) -> None:
    # A model file copied and edited by hand: its second "samples" hid the first, and the
    # commands understood (and checked) a model the file did not seem to hold.
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # (chat, had it run)
    monkeypatch.setenv(DEV_PKI_ENV, str(workdir / "dev-pki"))
    (workdir / "dup.json").write_text(
        '{"interactionModel": {"languageModel": {"invocationName": "hello app", "intents": '
        '[{"name": "Hello", "samples": ["say hello"], "samples": ["say hi"]}], "types": []}}}'
    )
    code, out, err = run(*argv)
    assert (code, out) == (2, ""), err
    assert err == (
        f"alexaskill {argv[0]}: error: dup.json: 'samples' is given twice in "
        f"interactionModel.languageModel.intents[0]: {_GIVES_ONCE}\n"
    )


def test_a_manifest_with_a_key_given_twice_is_refused(workdir: Path) -> None:
    # The second "type" was taken: the manifest seemed to declare AUDIO_PLAYER, and did not.
    (workdir / "skill.json").write_text(
        '{"manifest": {"apis": {"custom": {"interfaces": '
        '[{"type": "AUDIO_PLAYER", "type": "ALEXA_PRESENTATION_APL"}]}}}}'
    )
    code, out, err = run("model", "inputsapp:skill", "--check", "--manifest", "skill.json")
    assert (code, out) == (2, ""), err
    assert err == (
        "alexaskill model: error: --manifest skill.json: 'type' is given twice in "
        f"manifest.apis.custom.interfaces[0]: {_GIVES_ONCE}\n"
    )


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ('{"name": "Hello", "name": "Bye"}', "'name' is given twice in request.payload"),
        (
            '{"name": "Hello", "slots": {"a": {"name": "a"}, "a": {}}}',
            "'a' is given twice in request.payload.slots",
        ),
    ],
)
def test_a_field_with_a_key_given_twice_is_refused(value: str, said: str) -> None:
    # The field was printed with the last of the two keys: {"name": "Bye"}. (The path is
    # where the field is in the request printed.)
    code, out, err = run("request", "Connections.Response", "--field", f"payload={value}")
    assert (code, out) == (2, ""), err
    assert err == f"alexaskill request: error: --field payload: {said}: {_GIVES_ONCE}\n"
