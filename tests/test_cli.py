"""The ``alexaskill`` command: replay, serve (for real, with --dev), request and model."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Final

import httpx
import pytest

from alexaskill import Skill, speak
from alexaskill.cli import (
    DEV_CERT_URL,
    DEV_PKI_ENV,
    UsageError,
    dev_pki_directory,
    load_skill,
    main,
    serve_factory,
    trust_dev_pki,
)
from alexaskill.cli.common import skills_in
from alexaskill.testing import RequestFactory, TestPKI, load_request
from tests.processes import free_port

from .cli_run import run
from .conftest import BREAK_APP_SENDS, OTHER_SKILL_ID, SKILL_ID, Servers

ROOT = Path(__file__).resolve().parent.parent
WEATHER = "examples.weather.app:skill"
WEATHER_REQUESTS = sorted(str(p) for p in (ROOT / "examples/weather/requests").glob("*.json"))

APP = f"""
from alexaskill import Skill, speak

skill = Skill("{SKILL_ID}")
not_a_skill = 42


@skill.intent("Hello", utterances=["say hello"])
def hello():
    return speak("hello there")


@skill.intent("Crash", utterances=["crash"])
def crash():
    raise RuntimeError("boom")
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A current directory holding ``skillapp.py`` (and request files), undone afterwards."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "skillapp.py").write_text(APP)
    for name in ("Hello", "Crash"):
        envelope = RequestFactory(skill_id=SKILL_ID).intent(name)
        (tmp_path / f"{name.lower()}.json").write_text(json.dumps(envelope))
    yield tmp_path
    for name in [
        name for name in sys.modules if name.startswith(("skillapp", "portal", "_alexaskill_app"))
    ]:
        del sys.modules[name]


# --- help ----------------------------------------------------------------------------------------


#: Every command of ``alexaskill``, in the order its help lists them (checked against the parser
#: by test_every_command_of_the_parser_is_in_the_help_test).
_COMMANDS: Final = ("replay", "serve", "request", "model", "certify", "understand", "chat")


@pytest.mark.parametrize("flag", ["--help", "-h"])
@pytest.mark.parametrize("command", _COMMANDS)
def test_every_command_has_help(
    command: str, flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, flag]) == 0
    output, errors = capsys.readouterr()
    assert output.startswith(f"usage: alexaskill {command}")
    assert "example" in output
    assert errors == ""


@pytest.mark.parametrize("command", ["request", "replay"])
def test_help_and_usage_errors_go_to_the_streams_main_is_given(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # argparse printed them to sys.stdout and sys.stderr, whatever main(stdout=, stderr=) named.
    out, err = io.StringIO(), io.StringIO()
    assert main([command, "--help"], stdout=out, stderr=err) == 0
    assert out.getvalue().startswith(f"usage: alexaskill {command}") and err.getvalue() == ""
    out, err = io.StringIO(), io.StringIO()
    assert main([command, "--no-such-option"], stdout=out, stderr=err) == 2
    assert err.getvalue().startswith(f"usage: alexaskill {command}") and out.getvalue() == ""
    assert f"alexaskill {command}: error: " in err.getvalue()
    assert capsys.readouterr() == ("", "")


def test_every_command_of_the_parser_is_in_the_help_test() -> None:
    # The commands above were a list written by hand: a command added to the parser would have
    # gone without its --help run. The parser's own list is the one to follow.
    import alexaskill.cli

    [commands] = [
        action.choices
        for action in alexaskill.cli.parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    assert tuple(commands) == _COMMANDS


def test_top_level_help_and_a_missing_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    output = capsys.readouterr().out
    assert all(name in output for name in ("replay", "serve", "request", "model", "certify"))
    assert main([]) == 2
    assert "required: COMMAND" in capsys.readouterr().err


# --- replay --------------------------------------------------------------------------------------


def test_replay_shows_what_the_skill_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("replay", WEATHER, *WEATHER_REQUESTS)
    assert code == 0, err
    assert "launch.json (LaunchRequest)\n  speech:     Welcome to Weather.\n" in out
    assert "  reprompt:   Which city would you like?\n" in out
    assert "get-weather.json (IntentRequest GetWeather)\n" in out
    assert "  card:       [Weather] Paris, 2026-11-27: " in out
    assert "  session:    ends (shouldEndSession: true)\n" in out
    assert "session-ended.json (SessionEndedRequest)\n  answer:     an empty response\n" in out
    assert out.endswith(f"{len(WEATHER_REQUESTS)} requests: all answered\n")
    assert err == ""
    # Alexa's service APIs answered in this process, as for a user who set nothing.
    assert "  alexa api:  given_name -> 204\n" in out


def test_replay_shows_a_can_fulfill_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    # Replay dates its requests by the clock, and the trip planner vouches for no day past (its
    # booking refuses one): on the real clock the sample's 2026-12-04 answers NO from that day
    # on. Replayed at the sample's own moment instead (--now), as the examples' tests do.
    request = "examples/dialog/requests/can-fulfill.json"
    code, out, err = run(
        "replay", "examples.dialog.app:skill", request, "--now", "2026-11-26T12:04Z"
    )
    assert code == 0, err
    assert out == (
        f"{request} (CanFulfillIntentRequest PlanTrip)\n"
        "  can fulfill: YES (city: understand YES, fulfill YES; "
        "date: understand YES, fulfill YES)\n"
        "  alexa api:  time_zone -> 204\n"  # (the user's day, in the device's time zone)
        "1 request: all answered\n"
    )


def test_replay_now_is_the_moment_the_requests_are_dated(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Without --now, replay dated the samples by the real clock: from 5 December 2026 on, the
    # trip planner refused the sample's 2026-12-04 (a day past) and asked for another date.
    monkeypatch.chdir(ROOT)
    app, completed = (
        "examples.dialog.app:skill",
        "examples/dialog/requests/plan-trip-completed.json",
    )
    booked = "  speech:     Booked: a trip to Paris for 2 travellers, leaving Friday December 4.\n"
    code, out, err = run("replay", app, completed, "--now", "2026-11-26T12:03Z")
    assert (code, err) == (0, "") and booked in out, out
    later = run("replay", app, completed, "--now", "2026-12-05T09:00")
    assert later[0] == 0 and booked not in later[1] and "ElicitSlot" in later[1], later
    # Without a zone, the wall-clock time on the device's clock: 4 December, 23:30 in Paris is
    # the 4th there (22:30 UTC), still bookable; in UTC (no --alexa-api zone) the 5th is not.
    paris = tmp_path / "api.json"
    paris.write_text(json.dumps({"time_zone": "Europe/Paris"}))
    fulfil = "examples/dialog/requests/can-fulfill.json"
    at_night = ("--now", "2026-12-04T23:30")
    assert "can fulfill: YES" in run("replay", app, fulfil, *at_night, "--alexa-api", str(paris))[1]
    assert "can fulfill: NO" in run("replay", app, fulfil, "--now", "2026-12-05T00:30")[1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("--now", "tomorrow"),
            "--now 'tomorrow': expected a date and time like 2026-11-29T12:00",
        ),
        (
            ("--now", "2026-11-26T12:04Z", "--url", "http://127.0.0.1:1/"),
            "--now with --url: the server checks each request's timestamp against its own "
            "clock (a request dated elsewhere is refused, HTTP 400); replay the files in this "
            "process to date them at --now, or leave --now out",
        ),
    ],
)
def test_replay_now_mistakes_are_usage_errors(argv: tuple[str, ...], message: str) -> None:
    request = str(ROOT / "examples/weather/requests/launch.json")
    assert run("replay", WEATHER, request, *argv) == (
        2,
        "",
        f"alexaskill replay: error: {message}\n",
    )


def test_replay_alexa_api_gives_what_the_service_apis_answer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    data = tmp_path / "api.json"
    data.write_text(json.dumps({"given_name": "Ada", "time_zone": "Europe/Paris"}))
    launch = str(ROOT / "examples/weather/requests/launch.json")
    code, out, err = run("replay", WEATHER, launch, "--alexa-api", str(data))
    assert code == 0, err
    assert "  speech:     Welcome to Weather, Ada.\n" in out
    assert "  alexa api:  given_name -> 200\n" in out
    data.write_text(json.dumps({"given_name": "Ada", "permissions": []}))
    assert "Welcome to Weather.\n" in run("replay", WEATHER, launch, "--alexa-api", str(data))[1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1]", "expected a JSON object"),
        ("{", "not JSON"),
        # It said "FakeAlexaApi.__init__() got an unexpected keyword argument 'given_nam'".
        ('{"given_nam": "Ada"}', ": 'given_nam' is not a field of FakeAlexaApi (did you mean "),
        (
            '{"version": "1.0", "request": {"type": "LaunchRequest"}}',
            ": a request envelope, not what Alexa's service APIs answer: "
            'a JSON object of FakeAlexaApi\'s fields, as {"given_name": "Ada"}\n',
        ),
    ],
)
def test_replay_alexa_api_refuses_bad_data(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: str, message: str
) -> None:
    monkeypatch.chdir(ROOT)
    data = tmp_path / "api.json"
    data.write_text(content)
    code, _, err = run("replay", WEATHER, WEATHER_REQUESTS[0], "--alexa-api", str(data))
    assert code == 2
    assert message in err


def test_replay_json_prints_one_line_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = run("replay", WEATHER, "--json", *WEATHER_REQUESTS[:3])
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [record["file"] for record in records] == WEATHER_REQUESTS[:3]
    assert all(record["status"] == 200 for record in records)
    assert all(record["response"]["version"] == "1.0" for record in records)
    assert all(record["alexa_api"] == [] for record in records)  # no undated forecast among them
    code, out, _ = run(
        "replay", WEATHER, "--json", str(ROOT / "examples/weather/requests/launch.json")
    )
    [launch] = [json.loads(line) for line in out.splitlines()]
    assert launch["alexa_api"] == [
        {
            "operation": "given_name",
            "method": "GET",
            "path": "/v2/accounts/~current/settings/Profile.givenName",
            "status": 204,
        }
    ]


def test_a_handler_that_raises_fails_the_replay(workdir: Path) -> None:
    code, out, err = run("replay", "skillapp:skill", "hello.json", "crash.json")
    assert code == 1
    assert "hello.json (IntentRequest Hello)\n  speech:     hello there\n" in out
    assert (
        "crash.json (IntentRequest Crash)\n  FAILED: a handler raised RuntimeError: boom (its "
        "traceback is in the log); Alexa would hear the apology\n"
    ) in out
    assert out.endswith("2 requests: 1 failed\n")
    assert "RuntimeError: boom" in err  # the skill's own traceback, logged by the app


def test_replay_shows_a_slot_value_that_does_not_convert(workdir: Path) -> None:
    # The INFO line "slot 'count': '?' … does not convert …; count gets its default" was hidden
    # (replay shows WARNING and above): the author replaying a capture saw "You ordered 1" and
    # not why. It is the file's row now, as JSON's "slots" field; a value that converts, none.
    (workdir / "counting.py").write_text(
        textwrap.dedent(
            f"""
            from alexaskill import Skill, speak

            skill = Skill("{SKILL_ID}")

            @skill.intent("Order")
            def order(count: int = 1):
                return speak(f"You ordered {{count}}.")
            """
        )
    )
    factory = RequestFactory(skill_id=SKILL_ID)
    (workdir / "what.json").write_text(json.dumps(factory.intent("Order", count="?")))
    (workdir / "two.json").write_text(json.dumps(factory.intent("Order", count="2")))
    code, out, err = run("replay", "counting:skill", "what.json", "two.json")
    assert code == 0, out + err
    assert (
        "what.json (IntentRequest Order)\n"
        "  speech:     You ordered 1.\n"
        "  session:    ends (shouldEndSession: true)\n"
        "  slot:       Order: slot 'count' has a value that does not convert: '?'"
    ) in out
    assert "; count gets its default, 1\n" in out
    assert "two.json (IntentRequest Order)\n  speech:     You ordered 2.\n" in out
    assert out.count("  slot:  ") == 1
    assert "does not convert" not in err  # (said once, where the file's answer is)
    code, out, err = run("replay", "counting:skill", "what.json", "two.json", "--json")
    assert code == 0, out + err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [len(line["slots"]) for line in lines] == [1, 0]
    assert "does not convert" in lines[0]["slots"][0]


def test_replay_shows_a_required_slot_value_that_does_not_convert(workdir: Path) -> None:
    # The skill asks again ("Sorry, I can't use that..."); the INFO line saying which slot and
    # why was hidden as the one of a default was.
    (workdir / "picking.py").write_text(
        textwrap.dedent(
            f"""
            from alexaskill import Skill, speak

            skill = Skill("{SKILL_ID}")

            @skill.intent("Pick")
            def pick(count: int):
                return speak(f"You picked {{count}}.")
            """
        )
    )
    envelope = RequestFactory(skill_id=SKILL_ID).intent("Pick", count="?")
    (workdir / "what.json").write_text(json.dumps(envelope))
    code, out, err = run("replay", "picking:skill", "what.json")
    assert code == 0, out + err
    assert "  slot:       Pick: slot 'count' has a value that does not convert: '?'" in out
    assert out.count("; asking again with the generic prompt\n") == 1, out


def test_slot_notes_hand_no_line_up_that_the_log_did_not_show_before() -> None:
    # To hear the skill's INFO slot lines, replay and chat lower the "alexaskill" logger to
    # INFO. With a root handler (a skill module calling `logging.basicConfig()`), every INFO
    # line then reached it too: replay printed "INFO:alexaskill.request: ..." for each request.
    from alexaskill.cli.replay_show import slot_notes
    from alexaskill.slots.reasons import FALLBACK_LINE

    class Kept(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.NOTSET)
            self.lines: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.lines.append(record.getMessage())

    skills, root, kept = logging.getLogger("alexaskill"), logging.getLogger(), Kept()
    level, propagate, handlers = skills.level, skills.propagate, list(skills.handlers)
    skills.setLevel(logging.WARNING)
    root.addHandler(kept)
    try:
        with slot_notes() as notes:
            skills.info(FALLBACK_LINE, "Order: ", "slot 'count' …", "count", "None")
            logging.getLogger("alexaskill.request").info("IntentRequest Order -> ok (200)")
            logging.getLogger("alexaskill.request").warning("a warning, shown as before")
        assert kept.lines == ["a warning, shown as before"]
        assert notes.take() == ["Order: slot 'count' …; count gets None"]
        assert (skills.level, skills.propagate) == (logging.WARNING, propagate)
        assert skills.handlers == handlers
    finally:
        root.removeHandler(kept)
        skills.setLevel(level)


def test_ssml_alexa_would_refuse_fails_the_replay(workdir: Path) -> None:
    (workdir / "badssml.py").write_text(
        textwrap.dedent(
            f"""
            from alexaskill import Skill, Ssml, speak
            from tests.ssml_refused import alexa_refuses

            skill = Skill("{SKILL_ID}")

            @skill.intent("Hello")
            def hello():
                return alexa_refuses(speak(Ssml("<speak>Tom {BREAK_APP_SENDS}</speak>")))
            """
        )
    )
    code, out, _ = run("replay", "badssml:skill", "hello.json")
    assert code == 1
    assert (
        "  FAILED: Alexa would refuse the answer (outputSpeech.ssml: <break time='5S'>: write "
        "'5s' (Amazon's SSML reference: a number, then s or ms in lower case, nothing round "
        'them)): the user hears "There was a problem with the requested skill\'s response."\n'
    ) in out


def test_rule_violations_fail_the_replay(workdir: Path) -> None:
    (workdir / "rude.py").write_text(
        textwrap.dedent(
            f"""
            from alexaskill import Skill, speak

            skill = Skill("{SKILL_ID}")

            @skill.on("AudioPlayer.PlaybackStarted")
            def started():
                return speak("Enjoy!")

            @skill.intent("Hello")
            def hello():
                return speak("hello there")
            """
        )
    )
    envelope = RequestFactory(skill_id=SKILL_ID).envelope(
        "AudioPlayer.PlaybackStarted", token="t", offsetInMilliseconds=0
    )
    (workdir / "started.json").write_text(json.dumps(envelope))
    code, out, err = run("replay", "rude:skill", "started.json", "hello.json")
    assert code == 1
    assert (
        "started.json (AudioPlayer.PlaybackStarted)\n"
        "  answer:     an empty response\n"
        "  violation:  rude.started answered AudioPlayer.PlaybackStarted with outputSpeech: "
        "dropped (Alexa takes only AudioPlayer.ClearQueue or AudioPlayer.Stop in reply to "
        "AudioPlayer.PlaybackStarted, and no speech, card or reprompt)\n"
    ) in out
    assert out.endswith("2 requests: all answered, 1 rule violation\n")
    assert "ERROR alexaskill: rude.started answered" in err  # the app's own log line
    code, out, err = run("replay", "rude:skill", "started.json", "--json")
    assert code == 1
    assert json.loads(out)["violations"] == [
        "rude.started answered AudioPlayer.PlaybackStarted with outputSpeech: dropped (Alexa "
        "takes only AudioPlayer.ClearQueue or AudioPlayer.Stop in reply to "
        "AudioPlayer.PlaybackStarted, and no speech, card or reprompt)"
    ]
    assert "started.json: violation: rude.started answered" in err


def test_replay_shows_ssml_as_the_simulator_does(workdir: Path) -> None:
    (workdir / "chime.py").write_text(
        textwrap.dedent(
            f"""
            from alexaskill import Skill, ask, ssml

            skill = Skill("{SKILL_ID}")

            @skill.intent("Hello")
            def hello():
                said = ssml.speak("Ding", ssml.break_("2s"), ssml.sub("WWW", "World Wide Web"))
                return ask(said, reprompt=ssml.speak(ssml.audio("https://example.com/a.mp3")))
            """
        )
    )
    code, out, _ = run("replay", "chime:skill", "hello.json")
    assert code == 0
    assert (
        "  speech:     Ding [pause 2 s] World Wide Web\n"
        "  reprompt:   [audio: https://example.com/a.mp3]\n"
    ) in out


def test_replay_answers_alexas_apis_in_process_and_shows_progressive_responses(
    workdir: Path,
) -> None:
    (workdir / "slow.py").write_text(
        textwrap.dedent(
            f"""
            from alexaskill import AlexaApi, Skill, speak

            skill = Skill("{SKILL_ID}")

            @skill.intent("Hello")
            async def hello(api: AlexaApi):
                await api.progressive("Let me look.")
                return speak("Found it.")
            """
        )
    )
    code, out, _ = run("replay", "slow:skill", "hello.json")
    assert code == 0
    assert "  progressive: Let me look.\n  speech:     Found it.\n" in out
    # One Alexa refused was printed as heard ("progressive: Let me look." above the 503).
    (workdir / "api.json").write_text('{"faults": {"progressive": 503}}')
    code, out, _ = run("replay", "slow:skill", "hello.json", "--alexa-api", "api.json")
    assert code == 0
    assert "progressive:" not in out
    assert "  not heard:  Let me look. (a progressive response refused: HTTP 503)\n" in out
    assert "  alexa api:  progressive -> 503: Let me look.\n" in out


def test_a_refused_request_fails_the_replay(workdir: Path) -> None:
    envelope = load_request(workdir / "hello.json")
    envelope["context"]["System"]["application"]["applicationId"] = OTHER_SKILL_ID
    envelope["session"]["application"]["applicationId"] = OTHER_SKILL_ID
    (workdir / "other.json").write_text(json.dumps(envelope))
    assert run("replay", "skillapp:skill", "other.json")[0] == 0
    code, out, err = run("replay", "skillapp:skill", "other.json", "--keep-skill-id")
    assert code == 1
    assert "FAILED: HTTP 400: request is for another skill" in out
    code, out, err = run("replay", "skillapp:skill", "hello.json", "--json", "--skill-id", "x")
    assert code == 1
    assert json.loads(out)["status"] == 400
    assert "hello.json: FAILED: HTTP 400" in err


def test_replay_json_escapes_the_file_name_in_its_stderr_lines(workdir: Path) -> None:
    # The FAILED and violation lines wrote the name raw: an ESC in a file's name reached the
    # terminal (a colour, a cursor move), where the other lines write \x1b.
    name = "he\x1bllo.json"
    Path(name).write_text((workdir / "hello.json").read_text())
    code, out, err = run("replay", "skillapp:skill", name, "--json", "--skill-id", "x")
    assert code == 1
    assert "\x1b" not in err and "he\\x1bllo.json: FAILED: HTTP 400" in err, err
    assert json.loads(out)["file"] == name  # (JSON escapes it: \u001b)


@pytest.mark.parametrize("context", [[1], {"System": "x"}, "x"])
def test_a_context_that_is_no_object_fails_that_request(
    workdir: Path, dev_dir: Path, context: object
) -> None:
    text = json.dumps({"request": {"type": "LaunchRequest"}, "context": context})
    (workdir / "odd.json").write_text(text)
    code, out, err = run("replay", "skillapp:skill", "odd.json", "hello.json")
    assert code == 1, err
    assert "odd.json (LaunchRequest)\n  FAILED: HTTP 400: malformed request: " in out
    assert "speech:     hello there" in out
    code, out, err = run("replay", "skillapp:skill", "-", stdin=text)
    assert code == 1, err
    assert "FAILED: HTTP 400: malformed request: " in out
    url = f"http://127.0.0.1:{free_port()}/"  # refreshed before it is sent: nobody listens
    code, _, err = run("replay", "skillapp:skill", "odd.json", "--url", url)
    assert code == 2
    assert f"cannot connect to {url}" in err


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
    (workdir / "broken.py").write_text("x = 1 / 0\n")
    (workdir / "syntax.py").write_text("def (:\n")
    (workdir / "needs.py").write_text("import not_installed_xyz\n")
    (workdir / "notjson.json").write_text("{nope")
    (workdir / "list.json").write_text("[]")
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
    (workdir / "deep.json").write_text(DEEP)
    status, out, err = run(*argv, stdin=DEEP)
    assert status == code
    assert message in out + err
    assert "Traceback" not in err and (out + err).count("\n") <= 2


def test_argparse_mistakes_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", WEATHER]) == 2  # (an APP that loads: a missing one is named first)
    assert "--invocation" in capsys.readouterr().err
    assert main(["serve", "app:skill", "--port", "http"]) == 2
    assert "'http' is not a port number" in capsys.readouterr().err


def test_replay_url_to_a_server_that_is_down(workdir: Path, dev_dir: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    code, _, err = run("replay", "skillapp:skill", "hello.json", "--url", url)
    assert code == 2
    assert f"cannot connect to {url}: is the server running?" in err
    assert "alexaskill serve skillapp:skill --dev" in err


@pytest.mark.usefixtures("one_second_url_timeouts")
@pytest.mark.parametrize("command", ["replay", "chat"])
def test_replay_and_chat_url_through_a_silent_socks_proxy_end_at_their_timeout(
    command: str, workdir: Path, dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A SOCKS5 proxy the environment sets (ALL_PROXY) that takes the connection and says
    # nothing: httpcore (1.0.9) gives the SOCKS handshake no timeout, and `replay --url` (and
    # `chat --url`) waited for ever. It is bounded by their connect timeout now, and said the
    # proxy's: it was said "no connection within 1 s (is the host up, ...)", the server's.
    import threading

    from .blackhole import SilentSocks

    done: list[tuple[int, str, str]] = []
    url = f"http://127.0.0.1:{free_port()}/"
    with SilentSocks() as proxy:
        proxy_url = f"socks5://127.0.0.1:{proxy.port}"
        thread = threading.Thread(
            target=lambda: done.append(
                run_url_through(command, url, "ALL_PROXY", proxy_url, monkeypatch)
            ),
            daemon=True,
        )
        thread.start()
        thread.join(60)  # (the test's own guard: never reached)
    assert done, f"{command} --url waited past its timeout, for the test's guard"
    assert len(proxy.connects) == 1, "the request went through no proxy"
    code, _, err = done[0]
    said = (
        f"cannot connect to {url}: the SOCKS proxy at 127.0.0.1:{proxy.port} (ALL_PROXY) did "
        "not complete its SOCKS5 handshake within 1 s"
    )
    assert code == 2 and said in err, err
    assert "is the host up" not in err, err


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize("command", ["replay", "chat"])
def test_replay_and_chat_url_say_a_socks_proxy_that_closed_mid_handshake(
    command: str, workdir: Path, dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A SOCKS5 proxy the environment sets that answered the greeting and closed the connection
    # at the CONNECT: socksio's ProtocolError ("Malformed reply") came out of both commands, a
    # traceback. It is the proxy's failure, named, as a refused tunnel is: exit 2.
    from .blackhole import ClosingSocks

    server = f"127.0.0.1:{free_port()}"
    url = f"http://{server}/"
    with ClosingSocks() as proxy:
        proxy_url = f"socks5://127.0.0.1:{proxy.port}"
        code, _, err = run_url_through(command, url, "ALL_PROXY", proxy_url, monkeypatch)
    assert proxy.connects, "the request went through no proxy"
    said = (
        f"cannot connect to {url}: the SOCKS proxy at 127.0.0.1:{proxy.port} (ALL_PROXY) broke "
        f"off its SOCKS5 handshake (the tunnel to {server})"
    )
    assert code == 2 and said in err, (code, err)
    assert "Traceback" not in err, err


def _canned(status: str, content_type: str, body: bytes, *extra: str) -> bytes:
    """A whole HTTP/1.1 answer of ``status`` ("403 Forbidden") with ``body``."""
    head = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", *extra]
    head += [f"Content-Length: {len(body)}", "Connection: close"]
    return "\r\n".join(head).encode() + b"\r\n\r\n" + body


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize("command", ["replay", "chat"])
@pytest.mark.parametrize(
    "answer", ["407", "403 page", "502 page", "504 page", "503 page", "403 skill"]
)
def test_replay_and_chat_url_tell_a_proxys_own_answer_from_the_skills(
    command: str,
    answer: str,
    workdir: Path,
    dev_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # An http:// URL through HTTP_PROXY: the request goes to the proxy, which may answer it
    # itself. Its 407 (credentials wanted) or its 403/502 page was shown as the skill's
    # answer. A 407 is always the proxy's: no request reached the skill (exit 2). A 403 or 502
    # with no JSON body through a proxy is said to come through it, named; a skill's JSON 403
    # is the skill's, as it was. A 504 page too (no skill's server sends a 504: a gateway's);
    # a 503 page not, which may be the skill's own server's (bare uvicorn's plain-text 503
    # past --limit-concurrency).
    from .canned_answer import canned_answer_port

    canned = {
        "407": _canned(
            "407 Proxy Authentication Required",
            "text/html",
            b"<html>Sign in</html>",
            'Proxy-Authenticate: Basic realm="corp"',
        ),
        "403 page": _canned("403 Forbidden", "text/html", b"<html>Blocked by policy</html>"),
        "502 page": _canned("502 Bad Gateway", "text/html", b"<html>Cannot reach host</html>"),
        "504 page": _canned("504 Gateway Timeout", "text/html", b"<html>Host too slow</html>"),
        "503 page": _canned("503 Service Unavailable", "text/plain", b"Service Unavailable"),
        "403 skill": _canned("403 Forbidden", "application/json", b'{"error": "not for you"}'),
    }[answer]
    url = f"http://127.0.0.1:{free_port()}/"
    with canned_answer_port(canned) as port:
        proxy_url = f"http://127.0.0.1:{port}"
        code, out, err = run_url_through(command, url, "HTTP_PROXY", proxy_url, monkeypatch)
    proxy = f"the proxy at 127.0.0.1:{port} (HTTP_PROXY)"
    if answer == "407":
        said = f"cannot connect to {url}: {proxy} asked for credentials (HTTP 407"
        assert code == 2 and said in err, (code, out, err)
    elif answer == "403 skill":
        assert "not for you" in out and "proxy" not in out + err, (out, err)
    elif answer == "503 page":
        assert "HTTP 503" in out and "proxy" not in out + err, (code, out, err)
    else:
        status = answer.split()[0]
        said = f"HTTP {status}: from {proxy}, not from the skill"  # (the answer's HTTP line)
        assert said in out, (code, out, err)
    assert "Traceback" not in err, err


def url_command(command: str, url: str) -> tuple[str, ...]:
    """``replay`` (of hello.json) or ``chat`` with ``--url url``."""
    args = (command, "skillapp:skill", "--url", url)
    return (*args, "hello.json") if command == "replay" else args


def run_url_through(
    command: str, url: str, variable: str, proxy: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """`url_command` run (``chat`` saying /launch) with the environment's ``variable``
    naming ``proxy``."""
    monkeypatch.setenv(variable, proxy)
    return run(*url_command(command, url), stdin="/launch\n" if command == "chat" else None)


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize("command", ["replay", "chat"])
@pytest.mark.parametrize("proxy_kind", ["refusing socks", "refusing CONNECT", "not listening"])
def test_replay_and_chat_url_say_a_proxy_that_let_nothing_through(
    command: str, proxy_kind: str, workdir: Path, dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A proxy the environment sets that refused the tunnel (a SOCKS proxy's CONNECT refused, an
    # http:// one's CONNECT answered 403) was said `no answer (ProxyError: ...)`, a request the
    # skill failed to answer (chat went on, as if Alexa had met it); a proxy that nothing
    # listens at was said "is the server running?", the server's. No request reached it.
    from .blackhole import RefusingSocks, RefusingTunnels

    server = f"127.0.0.1:{free_port()}"
    with contextlib.ExitStack() as stack:
        if proxy_kind == "refusing socks":
            url, variable, kind = f"http://{server}/", "ALL_PROXY", "SOCKS proxy"
            port = stack.enter_context(RefusingSocks()).port
            scheme = "socks5"
        elif proxy_kind == "refusing CONNECT":  # (an https:// URL: a tunnel asked for)
            url, variable, kind = f"https://{server}/", "HTTPS_PROXY", "proxy"
            port = stack.enter_context(RefusingTunnels()).port
            scheme = "http"
        else:
            url, variable, kind = f"http://{server}/", "HTTP_PROXY", "proxy"
            port = free_port()
            scheme = "http"
        proxy_url = f"{scheme}://127.0.0.1:{port}"
        code, _, err = run_url_through(command, url, variable, proxy_url, monkeypatch)
    proxy = f"the {kind} at 127.0.0.1:{port} ({variable})"
    said = {
        "refusing socks": f"{proxy} refused its tunnel to {server}",
        "refusing CONNECT": f"{proxy} refused its tunnel to {server} (403 Forbidden)",
        "not listening": f"{proxy} refused the connection: is the proxy running",
    }[proxy_kind]
    assert code == 2, (code, err)
    assert f"cannot connect to {url}: {said}" in err, err
    assert "is the server running" not in err, err
    # (httpx sends a request to 127.0.0.1 to the proxy unless NO_PROXY names it)
    assert "the URL names this machine: set NO_PROXY=127.0.0.1,localhost" in err, err


@pytest.mark.usefixtures("one_second_url_timeouts")
@pytest.mark.parametrize("command", ["replay", "chat"])
def test_replay_and_chat_url_say_a_proxy_that_did_not_answer_the_connect(
    command: str, workdir: Path, dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An http:// proxy (HTTPS_PROXY) that took the CONNECT and never answered it: httpx's
    # ReadTimeout, said `no answer within 1 s (Alexa gives up after about 8 s)`, a skill that
    # failed to answer in time; no request reached the server.
    from .blackhole import SilentProxy

    server = f"127.0.0.1:{free_port()}"
    url = f"https://{server}/"
    with SilentProxy() as proxy:
        proxy_url = f"http://127.0.0.1:{proxy.port}"
        code, _, err = run_url_through(command, url, "HTTPS_PROXY", proxy_url, monkeypatch)
    assert proxy.heard.startswith(f"CONNECT {server} ".encode()), proxy.heard
    said = (
        f"cannot connect to {url}: the proxy at 127.0.0.1:{proxy.port} (HTTPS_PROXY) did not "
        f"answer its CONNECT (the tunnel to {server}) within 1 s"
    )
    assert code == 2 and said in err, (code, err)


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize("command", ["replay", "chat"])
def test_replay_and_chat_url_say_an_https_proxys_own_tls_failure_is_the_proxys(
    command: str, workdir: Path, dev_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An https:// proxy (HTTPS_PROXY=https://...) whose certificate this machine does not
    # trust: its own handshake failed, before any CONNECT; it was said the server's ("its TLS
    # certificate is not trusted ...; name it in SSL_CERT_FILE"), a server never reached.
    import ssl

    from .blackhole import StalledTunnels
    from .self_signed import self_signed

    cert, key = self_signed(tmp_path, common_name="proxy", ips=["127.0.0.1"])
    proxy_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    proxy_tls.load_cert_chain(cert, key)
    url = f"https://127.0.0.1:{free_port()}/"
    with StalledTunnels(proxy_tls) as proxy:
        proxy_url = f"https://127.0.0.1:{proxy.port}"
        code, _, err = run_url_through(command, url, "HTTPS_PROXY", proxy_url, monkeypatch)
    assert proxy.connects == [], "a CONNECT got past the proxy's own handshake"
    said = (
        f"cannot connect to {url}: the TLS handshake with the proxy at 127.0.0.1:{proxy.port} "
        "(HTTPS_PROXY) failed: its certificate is not trusted"
    )
    assert code == 2 and said in err, (code, err)
    assert "its TLS certificate is not trusted" not in err, err


def test_replay_url_to_a_server_without_dev_says_to_start_it_with_dev(
    workdir: Path, dev_dir: Path
) -> None:
    import threading

    import uvicorn

    from alexaskill.verify import Verifier

    # A server that verifies as in production: the development chain's URL is not Amazon's, so
    # it is refused unfetched (it was downloaded, S3 answering 403: here, offline, recorded).
    downloads: list[str] = []

    def s3(request: httpx.Request) -> httpx.Response:
        downloads.append(str(request.url))
        return httpx.Response(403)

    offline = httpx.AsyncClient(transport=httpx.MockTransport(s3))
    skill = Skill(SKILL_ID, verifier=Verifier(http_client=offline))
    skill.add_intent_handler("Hello", lambda: speak("hello"))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(skill, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.started
        url = f"http://127.0.0.1:{port}/"
        code, out, _ = run("replay", "skillapp:skill", "hello.json", "--url", url)
        chat_code, chat_out, _ = run("chat", "skillapp:skill", "--url", url, stdin="/launch\n")
    finally:
        server.should_exit = True
        thread.join(timeout=20)
    assert code == 1
    reason = (
        "certificate URL: the request was signed with alexaskill's development key "
        "(alexaskill-dev.pem), which this server does not trust: it was not started with --dev"
    )
    assert f"  FAILED: HTTP 400: {reason}" in out
    assert downloads == []  # refused without a download
    # (The server's reason says it does not trust the key: the advice, only what to do; it
    # said "does not trust" twice.)
    assert f"{reason}; start it with `alexaskill serve skillapp:skill --dev`\n" in out
    # chat --url said only "HTTP 400: certificate chain: download failed".
    assert chat_code == 0
    assert f"  HTTP 400: {reason}" in chat_out
    assert "  (start it with `alexaskill serve skillapp:skill --dev`)\n" in chat_out


def test_a_url_whose_tls_certificate_is_not_trusted_says_so() -> None:
    # replay/chat --url to `serve --ssl-certfile` with a self-signed certificate said "is the
    # server running?": it was, but its certificate was refused.
    import ssl

    from alexaskill.cli.common import unreachable

    refused = ssl.SSLCertVerificationError(1, "certificate verify failed")
    refused.verify_message = "self-signed certificate"
    error = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]")
    error.__cause__ = refused
    assert str(unreachable("https://127.0.0.1:8443/", error, "app:skill", timeout=15)) == (
        "cannot connect to https://127.0.0.1:8443/: its TLS certificate is not trusted "
        "(self-signed certificate); for a certificate of your own, name it in SSL_CERT_FILE"
    )
    nobody = httpx.ConnectError("[Errno 111] Connection refused")
    assert "is the server running? Start it with `alexaskill serve app:skill --dev`" in str(
        unreachable("http://127.0.0.1:1/", nobody, "app:skill", timeout=15)
    )


def test_load_skill_finds_attributes_by_dotted_path(workdir: Path) -> None:
    (workdir / "holder.py").write_text(APP + "\nclass Box:\n    inner = skill\n")
    assert isinstance(load_skill("holder:Box.inner"), Skill)
    with pytest.raises(UsageError, match="has no attribute"):
        load_skill("holder:Box.outer")


# --- serve ---------------------------------------------------------------------------------------


def test_dev_pki_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(DEV_PKI_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert dev_pki_directory() == tmp_path / "alexaskill" / "dev-pki"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert dev_pki_directory() == tmp_path / ".local" / "share" / "alexaskill" / "dev-pki"
    monkeypatch.setenv(DEV_PKI_ENV, str(tmp_path / "mine"))
    assert dev_pki_directory() == tmp_path / "mine"


def test_dev_trust_accepts_the_dev_key_and_keeps_the_skills_own(
    dev_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from starlette.testclient import TestClient as StarletteClient

    own = TestPKI(key_set=1)
    skill = Skill(SKILL_ID, verifier=own.verifier())
    skill.add_intent_handler("Hello", lambda: speak("hello"))
    trust_dev_pki(skill)
    assert "Never use --dev in production" in caplog.text
    dev = TestPKI.load(dev_dir, cert_url=DEV_CERT_URL)
    impostor = TestPKI(key_set=2, cert_url=DEV_CERT_URL)
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Hello")).encode()
    with StarletteClient(skill) as http:

        def status(pki: TestPKI) -> int:
            headers = {"Content-Type": "application/json", **pki.sign(body)}
            return http.post("/", content=body, headers=headers).status_code

        assert status(dev) == 200
        assert status(own) == 200
        assert status(impostor) == 400


def hand_over(
    monkeypatch: pytest.MonkeyPatch, app: str, dev: bool, host: str = "127.0.0.1"
) -> dict[str, str]:
    """What `alexaskill serve`, were it this process, would hand its server processes: set in
    the environment, and returned."""
    from alexaskill.cli.serve_handover import _hand_over

    handed = _hand_over(app, dev, None, None, host, 8000)
    for name, value in handed.items():
        monkeypatch.setenv(name, value)
    return handed


def test_serve_factory_reads_its_options_from_the_environment(
    workdir: Path, dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hand_over(monkeypatch, "skillapp:skill", dev=False)
    skill = serve_factory()
    assert skill.verifier is None
    hand_over(monkeypatch, "skillapp:skill", dev=True)
    served = serve_factory()  # the skill, with the simulator at /_simulator/
    assert served.app is skill and skill.verifier is not None
    assert served.simulator.targets[0].skill is skill
    assert (dev_dir / TestPKI.FILE_NAME).exists()


def test_serve_factory_serves_only_the_processes_of_an_alexaskill_serve(
    workdir: Path, dev_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # ALEXASKILL_SERVE_DEV=1 uvicorn --factory alexaskill.cli.serve:serve_factory --host 0.0.0.0
    # trusted the development key, from the environment alone, without the loopback warning.
    for name, value in (("APP", "skillapp:skill"), ("DEV", "1")):
        monkeypatch.setenv(f"ALEXASKILL_SERVE_{name}", value)
        monkeypatch.setenv(f"_ALEXASKILL_SERVE_{name}", value)
    sealed_without_dev = hand_over(monkeypatch, "skillapp:skill", dev=False)
    monkeypatch.setenv("_ALEXASKILL_SERVE_DEV", "1")  # changed after it was sealed
    # None, empty, made up, a pid (the binding before), or sealed for other options.
    for seal in (
        "",
        "0" * 64,
        "1",
        "caf\udce9",
        None,
        sealed_without_dev["_ALEXASKILL_SERVE_SEAL"],
    ):
        if seal is None:
            monkeypatch.delenv("_ALEXASKILL_SERVE_SEAL")
        else:
            monkeypatch.setenv("_ALEXASKILL_SERVE_SEAL", seal)
        with caplog.at_level(logging.ERROR, "alexaskill"), pytest.raises(SystemExit):
            serve_factory()
        [refusal] = caplog.records
        assert "serve_factory serves only the server processes of `alexaskill serve`" in (
            refusal.getMessage()
        )
        caplog.clear()
    assert not (dev_dir / TestPKI.FILE_NAME).exists()
    # Handed over by this process (uvicorn's one server process with --workers 1; its other
    # server processes hold its multiprocessing authkey: test_cli_serve.py runs them).
    hand_over(monkeypatch, "skillapp:skill", dev=True, host="0.0.0.0")
    with caplog.at_level(logging.WARNING, "alexaskill"):
        serve_factory()
    warnings = [r.getMessage() for r in caplog.records if r.name == "alexaskill.security"]
    assert any("--dev on 0.0.0.0, not a loopback address" in w for w in warnings), warnings


@pytest.mark.parametrize("whose", ["own", "parent"])
def test_serve_factory_cannot_be_handed_its_options_by_hand(
    workdir: Path, dev_dir: Path, whose: str
) -> None:
    # The hand-over named the pid of the serve process, and a process whose own pid or whose
    # parent's it was got the options. In a container uvicorn runs as PID 1 (under systemd its
    # parent is PID 1; in a shell, $$ is the parent's): _ALEXASKILL_SERVE_PID=1
    # _ALEXASKILL_SERVE_DEV=1 uvicorn --factory alexaskill.cli.serve:serve_factory trusted the
    # development key from the environment alone.
    pid = "os.getpid()" if whose == "own" else "os.getppid()"  # PID 1's two cases
    script = (
        "import os\n"
        f"os.environ['_ALEXASKILL_SERVE_PID'] = str({pid})\n"
        "from alexaskill.cli.serve import serve_factory\n"
        "served = serve_factory()\n"
        "print('served', type(served).__name__)\n"
    )
    env = {
        **os.environ,
        "_ALEXASKILL_SERVE_APP": "skillapp:skill",
        "_ALEXASKILL_SERVE_DEV": "1",
        "_ALEXASKILL_SERVE_HOST": "127.0.0.1",
        "_ALEXASKILL_SERVE_PORT": "8000",
        "_ALEXASKILL_SERVE_CAPTURE": "",
        "_ALEXASKILL_SERVE_MODEL": "",
    }
    _refused_in_a_process(workdir, dev_dir, script, env)


def test_a_seal_made_in_another_process_does_not_hold(workdir: Path, dev_dir: Path) -> None:
    # The seal's key is the process's multiprocessing authkey, which uvicorn's spawned server
    # processes inherit through a pipe: a seal read from another process's environment
    # (/proc/PID/environ, a unit file pasted with it) is no key to a process of its own.
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json\n"
            "from alexaskill.cli.serve_handover import _hand_over\n"
            "print(json.dumps(_hand_over('skillapp:skill', True, None, None, '127.0.0.1', 8000)))",
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    script = "from alexaskill.cli.serve import serve_factory\nserve_factory()\nprint('served')\n"
    _refused_in_a_process(workdir, dev_dir, script, {**os.environ, **json.loads(made.stdout)})


def _refused_in_a_process(
    workdir: Path, dev_dir: Path, script: str, env: Mapping[str, str]
) -> None:
    """Run ``script`` (which calls serve_factory) in a Python of its own: refused, exit 3."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "served" not in done.stdout, done.stderr
    assert done.returncode == 3, done.stderr
    assert "serve_factory serves only the server processes of `alexaskill serve`" in done.stderr
    assert not (dev_dir / TestPKI.FILE_NAME).exists()


def test_serve_dev_trusts_the_skills_a_starlette_app_mounts(
    workdir: Path, dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / "portal.py").write_text(
        "from starlette.applications import Starlette\n"
        "from starlette.routing import Mount, Route\n"
        "from starlette.responses import PlainTextResponse\n"
        "from skillapp import skill\n"
        "from alexaskill import Skill\n\n"
        f"other = Skill('{OTHER_SKILL_ID}')\n"
        "app = Starlette(routes=[\n"
        "    Route('/', lambda request: PlainTextResponse('home')),\n"
        "    skill.mount('/weather'),\n"
        "    Mount('/nested', routes=[Mount('/other', app=other)]),\n"
        "])\n"
        "plain = Starlette(routes=[Route('/', lambda request: PlainTextResponse('home'))])\n"
    )
    hand_over(monkeypatch, "portal:app", dev=True)
    skills = skills_in(serve_factory())
    assert len(skills) == 2
    assert all(type(skill.verifier).__name__ == "DevVerifier" for skill in skills)
    hand_over(monkeypatch, "portal:plain", dev=True)
    with pytest.raises(UsageError, match="--dev: portal:plain is no Skill and mounts none"):
        serve_factory()


def test_serve_dev_then_replay_url(
    dev_dir: Path, monkeypatch: pytest.MonkeyPatch, servers: Servers
) -> None:
    process, url = servers.serve_dev(WEATHER, cwd=ROOT, dev_dir=dev_dir)
    monkeypatch.chdir(ROOT)
    code, out, err = run("replay", WEATHER, *WEATHER_REQUESTS, "--url", url)
    assert code == 0, out + err
    assert "Welcome to Weather.\n" in out
    # The served skill called the fake API replay serves on 127.0.0.1, never Amazon.
    assert "  alexa api:  given_name -> 204\n" in out
    assert out.endswith(f"{len(WEATHER_REQUESTS)} requests: all answered\n")

    # Signed by a key the server does not trust, for the same certificate URL: refused.
    impostor = TestPKI(key_set=1, cert_url=DEV_CERT_URL)
    body = json.dumps(RequestFactory().intent("AMAZON.HelpIntent")).encode()
    headers = {"Content-Type": "application/json", **impostor.sign(body)}
    refused = httpx.post(url, content=body, headers=headers, timeout=30)
    assert refused.status_code == 400
    assert "signature" in refused.json()["error"]
    servers.stop(process)
    output = servers.output[process].read_text()
    assert "Never use --dev in production" in output
    assert str(dev_dir) in output


# --- request -------------------------------------------------------------------------------------


def test_request_prints_a_fresh_envelope() -> None:
    code, out, err = run(
        "request",
        "IntentRequest",
        "--intent",
        "GetWeather",
        "--slot",
        "city=Paris",
        "--slot",
        "topping=ham",
        "--slot",
        "topping=olives",
        "--locale",
        "en-GB",
        "--interface",
        "AudioPlayer",
        "--interface",
        "Alexa.Presentation.APL",
        "--skill-id",
        SKILL_ID,
        "--dialog-state",
        "STARTED",
    )
    assert code == 0
    assert err == ""
    envelope = json.loads(out)
    request = envelope["request"]
    assert request["type"] == "IntentRequest"
    assert request["locale"] == "en-GB"
    assert request["dialogState"] == "STARTED"
    slots = request["intent"]["slots"]
    assert slots["city"]["value"] == "Paris"
    assert slots["topping"]["slotValue"]["type"] == "List"
    assert envelope["session"]["new"] is True
    assert envelope["context"]["System"]["application"]["applicationId"] == SKILL_ID
    assert "Viewport" in envelope["context"]
    assert set(envelope["context"]["System"]["device"]["supportedInterfaces"]) == {
        "AudioPlayer",
        "Alexa.Presentation.APL",
    }


def test_request_fields_and_defaults() -> None:
    code, out, _ = run("request", "SessionEndedRequest")
    assert json.loads(out)["request"]["reason"] == "USER_INITIATED"
    code, out, _ = run(
        "request",
        *("AudioPlayer.PlaybackStarted", "--field", "token=t1"),
        *("--field", "offsetInMilliseconds=5"),
    )
    envelope = json.loads(out)
    assert envelope["request"]["token"] == "t1"
    assert envelope["request"]["offsetInMilliseconds"] == 5
    assert "session" not in envelope
    # (A type Alexa does not send, Alexa.Future.Thing, was written with a note: now refused.)
    code, out, err = run("request", "Alexa.Future.Thing")
    assert (code, out) == (2, "")
    assert "error: TYPE 'Alexa.Future.Thing': not a request type Alexa sends" in err


def test_a_printed_request_replays(workdir: Path) -> None:
    _, out, _ = run("request", "IntentRequest", "--intent", "Hello")
    (workdir / "fresh.json").write_text(out)
    code, out, _ = run("replay", "skillapp:skill", "fresh.json")
    assert code == 0
    assert "hello there" in out


# --- model ---------------------------------------------------------------------------------------


def test_model_of_the_weather_example(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("model", WEATHER, "--locale", "en-US", "--invocation", "weather helper")
    assert code == 0, err
    assert err == ""
    language = json.loads(out)["interactionModel"]["languageModel"]
    assert language["invocationName"] == "weather helper"
    intents = {intent["name"]: intent for intent in language["intents"]}
    assert intents["GetWeather"]["slots"] == [
        {"name": "city", "type": "AMAZON.City", "samples": ["{city}", "in {city}", "for {city}"]},
        {"name": "date", "type": "AMAZON.DATE"},
    ]
    assert "what's the weather in {city} {date}" in intents["GetWeather"]["samples"]
    names = [intent["name"] for intent in language["intents"]]
    assert len(names) == len(set(names)) == 7
    output = tmp_path / "en-US.json"
    code, out, err = run("model", WEATHER, "--invocation", "weather helper", "-o", str(output))
    assert code == 0
    assert out == ""
    assert json.loads(output.read_text())["interactionModel"]["languageModel"] == language


def test_model_without_an_invocation_suggests_one_of_the_skill(workdir: Path) -> None:
    # It suggested --invocation "weather helper" whatever the skill: now the module's name, when
    # it makes one of two or more words, else a placeholder.
    (workdir / "tea_timer.py").write_text(APP)
    try:
        code, _, err = run("model", "tea_timer:skill")
    finally:
        sys.modules.pop("tea_timer", None)
    assert code == 2
    assert 'the invocation name is missing: add --invocation "tea timer"' in err, err
    code, _, err = run("model", "skillapp:skill")  # one word (with "app" in it)
    assert code == 2
    assert 'the invocation name is missing: add --invocation "<two or more words>"' in err, err


@pytest.mark.parametrize(
    ("module", "locale", "suggested"),
    [
        ("eieruhr", "de-DE", "eieruhr"),  # (one German compound: Amazon takes it)
        ("wetter_fuchs", "de-DE", "wetter fuchs"),
        ("eieruhr", "en-US", "<two or more words>"),
        ("天気予報", "ja-JP", "天気予報"),  # (Japanese words are not counted: no one-word rule)
        ("お天気_ガイド", "ja-JP", "お天気 ガイド"),
        # (English words in Latin letters: Amazon's Japanese requirements have them written as
        # Japanese writes them, "radio" as "ラジオ"; Latin letters for acronyms and initialisms)
        ("tea_timer", "ja-JP", "<your skill's invocation name>"),
        ("お茶_a_b_c", "ja-JP", "お茶 a b c"),  # (an initialism's letters, spaced: taken)
        ("アレクサ_天気", "ja-JP", "<your skill's invocation name>"),  # (the wake word: refused)
        ("天気_アプリ", "ja-JP", "<your skill's invocation name>"),  # ("アプリ": certification)
        ("お天気_ガイド", "en-US", "<two or more words>"),  # (English names: Latin letters)
    ],
)
def test_model_suggests_an_invocation_name_by_the_models_locale(
    workdir: Path, module: str, locale: str, suggested: str
) -> None:
    # The suggestion was checked by the English rules whatever the model's locale: a Japanese
    # model was offered "アレクサ 天気", which Amazon's Japanese build refuses (its wake word),
    # and "天気 アプリ" ("アプリ" is not allowed), and a German or Japanese one-word name
    # (a German compound, Japanese unspaced words) was "<two or more words>", which Amazon
    # does not ask of them.
    (workdir / f"{module}.py").write_text(APP, encoding="utf-8")
    try:
        code, _, err = run("model", f"{module}:skill", "--locale", locale)
    finally:
        sys.modules.pop(module, None)
    assert code == 2
    assert f'the invocation name is missing: add --invocation "{suggested}"' in err, err


@pytest.mark.parametrize(("module", "word"), [("ask_お茶", "ask"), ("お茶_timer", "timer")])
def test_model_suggests_no_japanese_invocation_name_with_an_english_word_in_latin_letters(
    workdir: Path, module: str, word: str
) -> None:
    # A ja-JP model of a module named "ask_お茶" was offered --invocation "ask お茶": the
    # English-word rules applied only to a name all in Latin letters, and the Japanese ones
    # took any lower case Latin letters. Amazon's requirements for Japanese take Latin letters
    # for an acronym ("nasa") or an initialism ("今日の a b c クイズ") and have an English word
    # written as Japanese writes it ("radio": "ラジオ"); which one a module's word is, only its
    # author knows, so none is suggested, and the error says why.
    (workdir / f"{module}.py").write_text(APP, encoding="utf-8")
    try:
        code, _, err = run("model", f"{module}:skill", "--locale", "ja-JP")
    finally:
        sys.modules.pop(module, None)
    assert code == 2
    assert 'add --invocation "<your skill\'s invocation name>"' in err, err
    assert f"the module's name will not do: invocation name {module.replace('_', ' ')!r}" in err
    assert f"{word!r} is written in Latin letters" in err, err
    assert "'ラジオ'" in err, err


@pytest.mark.parametrize("locale", ["en-US", "en-GB"])
def test_model_suggests_no_english_invocation_name_out_of_latin_letters(
    workdir: Path, locale: str
) -> None:
    # An English model of a module named in Japanese was offered --invocation "お天気 ガイド",
    # which Amazon's invocation name requirements for English refuse (lower-case Latin
    # letters, spaces, apostrophes and periods only). The error says why the module's name
    # is not offered, and what to write instead.
    module = "お天気_ガイド"
    (workdir / f"{module}.py").write_text(APP, encoding="utf-8")
    try:
        code, _, err = run("model", f"{module}:skill", "--locale", locale)
    finally:
        sys.modules.pop(module, None)
    assert code == 2
    assert 'the invocation name is missing: add --invocation "<two or more words>"' in err, err
    assert '"お天気 ガイド"' not in err, err
    assert f"character 'お' is not allowed in {locale}" in err, err
    assert "Latin letters" in err, err


def test_model_help_and_errors_suggest_no_invocation_name_of_one_skill(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # --invocation's help and the error for an empty name gave "weather helper" as the example,
    # whatever the skill: a name to copy that is no skill's but the weather example's. The
    # epilog's examples, of examples.weather.app, keep it.
    assert main(["model", "--help"]) == 0
    helped = capsys.readouterr().out
    option = helped[helped.index("\n  --invocation NAME") : helped.index("\n  --check")]
    assert "weather" not in option and "<your skill's invocation name>" in option, option
    assert main(["model", "skillapp:skill", "--invocation", ""]) == 2
    refused = capsys.readouterr().err
    assert "give the invocation name users say" in refused, refused
    assert "weather" not in refused and "<your skill's invocation name>" in refused, refused


def test_model_problems_are_listed_and_exit_2(workdir: Path) -> None:
    (workdir / "bad.py").write_text(
        textwrap.dedent(
            """
            from alexaskill import Skill

            skill = Skill("*")

            @skill.intent(
                "Find", utterances=["find {thing} near {place}"], slots={"place": "Place"}
            )
            def find(thing: str, place: str):
                return None
            """
        )
    )
    code, out, err = run("model", "bad:skill", "--invocation", "Finder")
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == "alexaskill model: error: invocation name 'Finder': must be lower case " + (
        "('finder')"
    )
    assert lines[1].startswith("alexaskill model: error: intent Find: parameter 'thing' of ")
    assert lines[2] == (
        "alexaskill model: error: intent Find, slot place: slot type 'Place' is never declared; "
        "declare it with skill.add_slot_type('Place', [...]) or annotate the parameter with an "
        "Enum of that name"
    )
    assert len(lines) == 3


def test_model_warns_where_handlers_and_model_disagree(workdir: Path) -> None:
    (workdir / "mismatch.py").write_text(
        textwrap.dedent(
            """
            from alexaskill import Skill, speak

            skill = Skill("*")

            @skill.intent("GetWeather", utterances=["weather in {city}"], slots={"city": "X"})
            def weather(city: str):
                return speak(city)

            @skill.intent("GetWether")
            def typo():
                return speak("never")
            """
        )
    )
    code, _, err = run("model", "mismatch:skill", "--invocation", "weather helper")
    assert code == 2  # the intent without samples is refused by the model itself
    assert err.splitlines()[0].startswith(
        "alexaskill model: warning: intent 'GetWether' (mismatch.typo) has a handler but no "
        "sample utterances"
    )
    assert err.splitlines()[0].endswith("did you mean GetWeather?")


def test_model_warns_about_what_certification_refuses(workdir: Path) -> None:
    code, out, err = run("model", "skillapp:skill", "--invocation", "hello")
    assert code == 0
    assert json.loads(out)["interactionModel"]["languageModel"]["invocationName"] == "hello"
    assert err.startswith("alexaskill model: warning: invocation name 'hello' is one word")


def test_model_imports_any_skill_module(workdir: Path) -> None:
    assert run("model", "skillapp:skill", "--invocation", "hello helper")[0] == 0


def test_python_dash_m_alexaskill() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "alexaskill", "request", "LaunchRequest"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert completed.returncode == 0
    assert json.loads(completed.stdout)["request"]["type"] == "LaunchRequest"


# --- the command as a shell tool ------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"alexaskill {version('alexaskill')}\n"


def test_the_version_is_looked_up_for_version_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Reading the package's metadata costs tens of milliseconds of every command's start.
    import alexaskill.cli

    calls: list[None] = []
    real = alexaskill.cli._version

    def counted() -> str:
        calls.append(None)
        return real()

    monkeypatch.setattr(alexaskill.cli, "_version", counted)
    assert main(["request", "LaunchRequest"]) == 0
    assert alexaskill.cli.parser().parse_args(["replay", "skillapp:skill", "x.json"])
    with pytest.raises(SystemExit):
        alexaskill.cli.parser().parse_args(["replay", "--help"])
    assert calls == []
    assert main(["--version"]) == 0
    assert calls == [None]
    assert capsys.readouterr().out.endswith(f"alexaskill {real()}\n")


def _modules_after(calls: str) -> list[str]:
    """The modules a fresh interpreter has imported once it ran ``calls`` of the CLI's `main`."""
    code = (
        f"import sys\nfrom alexaskill.cli import main\n{calls}\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return completed.stderr.split()


def test_only_certify_imports_its_probes() -> None:
    # The TLS and HTTP checks of `certify` (ssl, sockets) were imported by every command.
    modules = _modules_after("main(['request', 'LaunchRequest'])")
    assert "alexaskill.cli.certify" in modules
    assert "alexaskill.cli.probes" not in modules
    assert "alexaskill.cli.endpoint" not in modules


def test_request_imports_no_test_client_nor_verification() -> None:
    # `alexaskill request` imported the whole test client (`alexaskill.testing`'s package
    # imported its every module: the fake service APIs, Starlette's test client), the
    # verification package (for a --field timestamp only) and understanding (for --model only).
    modules = _modules_after("main(['request', 'LaunchRequest'])")
    assert "alexaskill.testing.requests" in modules
    heavy = (
        "alexaskill.testing.client",
        "alexaskill.testing.alexa_api",
        "alexaskill.testing.pki",
        "alexaskill.verify",
        "alexaskill.understanding",
        "cryptography",
        "starlette",
    )
    assert [name for name in heavy if name in modules] == []


def test_request_checking_a_timestamp_or_reading_the_skill_id_imports_no_verifier() -> None:
    # A --field timestamp imported the whole verification package (the chain, the signature,
    # the Verifier: cryptography, asyncio) for `check_timestamp`; ALEXASKILL_SKILL_ID was read
    # through `alexaskill.settings`, which brought the logs and the attribute stores.
    calls = (
        "import os\n"
        f"os.environ['ALEXASKILL_SKILL_ID'] = '{SKILL_ID}, {OTHER_SKILL_ID}'\n"
        "main(['request', 'LaunchRequest', '--field', 'timestamp=2026-11-29T12:00:00Z'])"
    )
    modules = _modules_after(calls)
    assert "alexaskill.verify.timestamp" in modules  # (the check ran)
    heavy = (
        "alexaskill.verify.verifier",
        "alexaskill.verify.chain",
        "alexaskill.verify.signature",
        "alexaskill.settings",
        "alexaskill.logs",
        "alexaskill.store",
        "cryptography",
        "asyncio",
    )
    assert [name for name in heavy if name in modules] == []


def test_the_verification_package_gives_its_names_when_asked() -> None:
    # (lazily: each from the module that defines it, as before)
    import alexaskill.verify as package
    from alexaskill.verify import chain, signature, timestamp, urls, verifier

    homes = {
        "ECHO_API_HOST": chain,
        "MAX_TIMESTAMP_TOLERANCE": timestamp,
        "VerifiedChain": chain,
        "Verifier": verifier,
        "check_cert_url": urls,
        "check_signature": signature,
        "check_timestamp": timestamp,
        "load_chain": chain,
        "validate_chain": chain,
    }
    assert sorted(homes) == package.__all__
    for name, home in homes.items():
        assert getattr(package, name) is getattr(home, name), name
    assert package._certifi_roots is chain._certifi_roots
    assert set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError, match="has no attribute 'Verifyer'"):
        package.Verifyer  # noqa: B018


def test_the_version_is_said_before_the_commands_are_built() -> None:
    # `alexaskill --version` imported every command's module to build the full parser.
    modules = _modules_after("main(['--version'])")
    assert [name for name in modules if name.startswith("alexaskill.cli.")] == []


def test_the_help_imports_no_logging_machinery() -> None:
    # `alexaskill.logs` (its formatters and handlers) came with the development PKI's module on
    # every command; only trusting that PKI (`serve --dev`) logs with it.
    modules = _modules_after("main(['--help']); main(['serve', '--help'])")
    assert "alexaskill.cli.dev" in modules
    assert "alexaskill.logs" not in modules


def test_replay_reads_requests_from_standard_input(workdir: Path) -> None:
    hello = (workdir / "hello.json").read_text()
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
    assert json.loads(output.read_text())["interactionModel"]["languageModel"]["intents"]


def test_replay_standard_input_with_a_byte_order_mark(workdir: Path) -> None:
    # A request file saved by a Windows editor replays when named (utf-8-sig), but piped in its
    # mark was "not JSON (line 1: Expecting value)".
    hello = (workdir / "hello.json").read_text()
    code, out, err = run("replay", "skillapp:skill", "-", stdin="\ufeff" + hello)
    assert (code, err) == (0, "")
    assert out.startswith("- (IntentRequest Hello)\n  speech:     hello there\n")


def test_replay_standard_input_named_twice(workdir: Path) -> None:
    # The first "-" read all of it: the second said "standard input is empty: pipe a request
    # in", of the input that held the requests.
    code, out, err = run(
        "replay", "skillapp:skill", "-", "-", stdin=(workdir / "hello.json").read_text()
    )
    assert (code, out) == (2, "")
    assert "- is named twice: standard input is read once" in err
    assert "is empty" not in err


def test_replay_shows_control_characters_of_an_answer_escaped(workdir: Path) -> None:
    # A skill's speech holding "\r" (back over the line) or U+009B (a CSI to some terminals)
    # was written raw: the terminal acted on it, as chat's transcript did.
    (workdir / "ctrl_replay.py").write_text(
        f"from alexaskill import Skill, speak\nskill = Skill({SKILL_ID!r})\n"
        "@skill.intent('Hello')\ndef hello():\n    return speak('Hi\\r\\x9b[2J there')\n"
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
    (workdir / "empty.json").write_text(" \n")
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
    hello = (workdir / "hello.json").read_text()
    (workdir / "other.json").write_text(document.replace("HELLO", hello))
    code, out, err = run("replay", "skillapp:skill", "other.json")
    assert (code, out) == (2, "")
    assert err.startswith("alexaskill replay: error: other.json: not an Alexa request envelope")
    assert says in err and err.count("\n") == 1, err


@pytest.mark.usefixtures("one_second_url_timeouts")
def test_the_served_skill_id_is_asked_through_a_silent_socks_proxy_within_its_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `chat --url` without APP asks the server for its skill's id first, with httpx.get: no
    # request hook bounded a SOCKS proxy's handshake (ALL_PROXY) that never came, so it waited
    # till the proxy closed the connection (a minute here), then let out socksio's
    # ProtocolError with a traceback; nor was the proxy named.
    import threading

    from alexaskill.cli import chat_http

    from .blackhole import SilentSocks

    done: list[BaseException | str | None] = []

    def ask() -> None:
        try:
            done.append(chat_http.served_skill_id(url))
        except BaseException as exc:  # (what it let out, judged below)
            done.append(exc)

    url = f"http://127.0.0.1:{free_port()}/"
    with SilentSocks() as proxy:
        monkeypatch.setenv("ALL_PROXY", f"socks5://127.0.0.1:{proxy.port}")
        thread = threading.Thread(target=ask, daemon=True)
        thread.start()
        thread.join(30)  # (the test's own guard: never reached)
    assert done, "served_skill_id waited past its timeout, for the test's guard"
    assert len(proxy.connects) == 1, "the request went through no proxy"
    assert isinstance(done[0], UsageError), done[0]
    assert str(done[0]).startswith(
        f"cannot connect to {url}: the SOCKS proxy at 127.0.0.1:{proxy.port} (ALL_PROXY) did "
        "not complete its SOCKS5 handshake within 1 s"
    ), done[0]


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("http://127.0.0.1:8000/", "NO_PROXY=127.0.0.1,localhost"),
        ("http://localhost:8000/", "NO_PROXY=127.0.0.1,localhost"),
        ("http://[::1]:8000/", "NO_PROXY=127.0.0.1,localhost,::1"),
        ("https://skill.example.com/", None),
    ],
)
def test_a_proxy_failure_for_a_url_of_this_machine_hints_at_no_proxy(
    url: str, hint: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A proxy the environment sets catches a loopback --url too (httpx skips none without
    # NO_PROXY): in a dev setup, the fix is NO_PROXY, not the proxy.
    from alexaskill.cli.url_answers import proxy_failure
    from alexaskill.outgoing_connections import ConnectSteps

    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:3128")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    steps = ConnectSteps()
    steps("connection.connect_tcp.started", {"host": "127.0.0.1", "port": 3128})
    request = httpx.Request("GET", url, extensions={"trace": steps})
    said = proxy_failure(
        url, httpx.ConnectError("[Errno 111] Connection refused", request=request), timeout=1
    )
    assert said is not None and said.startswith("the proxy at 127.0.0.1:3128 ("), said
    if hint is None:
        assert "NO_PROXY" not in said, said
    else:
        assert said.endswith(f"; the URL names this machine: set {hint}"), said
