"""``alexaskill replay``: what the skill says to each request file (what fails the replay:
test_cli_replay_failures.py)."""

from __future__ import annotations

import json
import logging
import textwrap
from pathlib import Path

import pytest

from alexaskill.testing import RequestFactory
from tests.processes import free_port

from .cli_run import run
from .cli_shared import ROOT, WEATHER, WEATHER_REQUESTS, in_order, on_one_pipe

# The fixtures of tests/cli_shared.py these tests take, imported for pytest to see.
from .cli_shared import workdir as workdir
from .conftest import SKILL_ID

# The module's development PKI (three RSA keys, made once, not for each test that signs with it)
# and the variable pointing at it (tests/dev_pki_shared.py), imported for pytest to see.
from .dev_pki_shared import _dev_env as _dev_env
from .dev_pki_shared import dev_dir as dev_dir

pytestmark = pytest.mark.oldest_dependencies

# --- replay --------------------------------------------------------------------------------------


@pytest.mark.parametrize("json_lines", [False, True])
def test_the_skills_log_lines_come_with_their_file_on_one_pipe(
    workdir: Path, json_lines: bool
) -> None:
    # Standard output to a pipe is written in blocks, standard error at once: the skill's
    # ERROR for crash.json and WARNING for other.json came before every file's line; on a
    # terminal, each before its own file's line, which is written once the answer is in.
    (workdir / "other.json").write_text(
        json.dumps(RequestFactory(skill_id=SKILL_ID).intent("O")), encoding="utf-8"
    )
    files = ["hello.json", "crash.json", "other.json", "hello.json"]
    status, lines = on_one_pipe(
        workdir, "replay", "skillapp:skill", *files, *(["--json"] if json_lines else [])
    )
    assert status == 1, "\n".join(lines)
    error = "ERROR alexaskill: handler failed for IntentRequest Crash (skillapp.crash)"
    warning = "WARNING alexaskill: no handler for intent 'O' and no fallback"
    expected = (
        [
            '{"file": "hello.json"',
            '{"file": "crash.json"',
            error,
            "alexaskill replay: crash.json: FAILED: a handler raised RuntimeError: boom",
            '{"file": "other.json"',
            warning,
        ]
        if json_lines
        else [
            "hello.json (IntentRequest Hello)",
            "  speech:     hello there",
            "crash.json (IntentRequest Crash)",
            error,
            "  RuntimeError: boom",
            "  FAILED: a handler raised RuntimeError: boom",
            "other.json (IntentRequest O)",
            warning,
            "  speech:     Sorry, I can't help with that.",
            "4 requests: 1 failed",
        ]
    )
    assert in_order(lines, expected), "\n".join(lines)


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
    paris.write_text(json.dumps({"time_zone": "Europe/Paris"}), encoding="utf-8")
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
    data.write_text(
        json.dumps({"given_name": "Ada", "time_zone": "Europe/Paris"}), encoding="utf-8"
    )
    launch = str(ROOT / "examples/weather/requests/launch.json")
    code, out, err = run("replay", WEATHER, launch, "--alexa-api", str(data))
    assert code == 0, err
    assert "  speech:     Welcome to Weather, Ada.\n" in out
    assert "  alexa api:  given_name -> 200\n" in out
    data.write_text(json.dumps({"given_name": "Ada", "permissions": []}), encoding="utf-8")
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
    data.write_text(content, encoding="utf-8")
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
        ),
        encoding="utf-8",
    )
    factory = RequestFactory(skill_id=SKILL_ID)
    (workdir / "what.json").write_text(
        json.dumps(factory.intent("Order", count="?")), encoding="utf-8"
    )
    (workdir / "two.json").write_text(
        json.dumps(factory.intent("Order", count="2")), encoding="utf-8"
    )
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
        ),
        encoding="utf-8",
    )
    envelope = RequestFactory(skill_id=SKILL_ID).intent("Pick", count="?")
    (workdir / "what.json").write_text(json.dumps(envelope), encoding="utf-8")
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
        ),
        encoding="utf-8",
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
        ),
        encoding="utf-8",
    )
    code, out, _ = run("replay", "slow:skill", "hello.json")
    assert code == 0
    assert "  progressive: Let me look.\n  speech:     Found it.\n" in out
    # One Alexa refused was printed as heard ("progressive: Let me look." above the 503).
    (workdir / "api.json").write_text('{"faults": {"progressive": 503}}', encoding="utf-8")
    code, out, _ = run("replay", "slow:skill", "hello.json", "--alexa-api", "api.json")
    assert code == 0
    assert "progressive:" not in out
    assert "  not heard:  Let me look. (a progressive response refused: HTTP 503)\n" in out
    assert "  alexa api:  progressive -> 503: Let me look.\n" in out


def test_replay_json_escapes_the_file_name_in_its_stderr_lines(workdir: Path) -> None:
    # The FAILED and violation lines wrote the name raw: an ESC in a file's name reached the
    # terminal (a colour, a cursor move), where the other lines write \x1b.
    name = "he\x1bllo.json"
    Path(name).write_text((workdir / "hello.json").read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run("replay", "skillapp:skill", name, "--json", "--skill-id", "x")
    assert code == 1
    assert "\x1b" not in err and "he\\x1bllo.json: FAILED: HTTP 400" in err, err
    assert json.loads(out)["file"] == name  # (JSON escapes it: \u001b)


@pytest.mark.parametrize("context", [[1], {"System": "x"}, "x"])
def test_a_context_that_is_no_object_fails_that_request(
    workdir: Path, dev_dir: Path, context: object
) -> None:
    text = json.dumps({"request": {"type": "LaunchRequest"}, "context": context})
    (workdir / "odd.json").write_text(text, encoding="utf-8")
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
