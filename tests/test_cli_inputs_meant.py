"""The commands given what cannot be what was meant: exit statuses, the request command's names,
a ``replay --url`` server that never answers, captures dated ahead, model files for another
language, apps and request files named or written wrong; each said in one line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from alexaskill.cli import DEV_PKI_ENV, main

from .cli_inputs_shared import _capture_at

# The fixtures of tests/cli_inputs_shared.py these tests take, imported for pytest to see.
from .cli_inputs_shared import small_bound as small_bound
from .cli_inputs_shared import workdir as workdir
from .cli_run import run
from .dev_pki_shared import with_dev_pki

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

    monkeypatch.setenv(DEV_PKI_ENV, str(with_dev_pki(tmp_path / "dev-pki")))
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

    monkeypatch.setenv(DEV_PKI_ENV, str(with_dev_pki(tmp_path / "dev-pki")))
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
    hello = (workdir / "hello.json").read_text(encoding="utf-8")
    (workdir / "two.json").write_text(hello + "\n" + hello + "\n", encoding="utf-8")
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
    (workdir / "en-US.json").write_text(text, encoding="utf-8")
    (workdir / "models").mkdir()
    (workdir / "models" / "en-US.json").write_text(text, encoding="utf-8")
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
    (workdir / "de-DE.json").write_text(json.dumps(_GERMAN), encoding="utf-8")
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
    (workdir / "en-US.json").write_text(json.dumps(model), encoding="utf-8")
    code, out, err = run("understand", "--model", "en-US.json", "--locale", "en-GB", "say hello")
    assert (code, err) == (0, "")
    assert '"name": "HelloIntent"' in out


def test_a_model_directory_without_the_locale_says_which_it_holds(workdir: Path) -> None:
    (workdir / "custom").mkdir()
    (workdir / "custom" / "de-DE.json").write_text(json.dumps(_GERMAN), encoding="utf-8")
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
        # (quoted whole: a 5,000-character line)
        ('"x" * 5_000', f"it called sys.exit('{'x' * 70}…{'x' * 30}' (5,000 characters))"),
    ],
)
@pytest.mark.parametrize("app", ["exits:skill", "exits.py:skill"])
def test_an_app_that_exits_while_it_is_imported_is_a_mistake_in_one_line(
    workdir: Path, code: str, said: str, app: str
) -> None:
    # The process ended with the module's status (1 for a message: "a request failed"), and
    # the message alone, naming neither the APP nor where.
    (workdir / "exits.py").write_text(f"import sys\n\nsys.exit({code})\n", encoding="utf-8")
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
    (workdir / "bare.json").write_text(json.dumps(envelope), encoding="utf-8")
    code, out, _ = run("replay", "inputsapp:skill", "bare.json")
    assert code == 1
    assert (
        "  FAILED: HTTP 400: request names no application id (context.System.application "
        "missing or null); the file has no context.System.application, where Alexa's requests "
        "name the skill and replay sets its id: `alexaskill request LaunchRequest` writes a "
        "complete request\n"
    ) in out


def test_a_request_without_a_type_is_labelled_so(workdir: Path) -> None:
    envelope = json.loads((workdir / "hello.json").read_text(encoding="utf-8"))
    del envelope["request"]["type"]
    (workdir / "untyped.json").write_text(json.dumps(envelope), encoding="utf-8")
    code, out, _ = run("replay", "inputsapp:skill", "untyped.json")
    assert code == 1
    assert out.startswith(
        "untyped.json (no type Hello)\n  FAILED: HTTP 400: malformed request: "
    )  # was (None)
