"""``alexaskill replay``: what fails the replay (a handler that raises or returns no response,
SSML Alexa would refuse, a rule violation, a request the app refuses). What the skill says to
each request file: test_cli_replay.py."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from alexaskill.testing import RequestFactory, load_request

from .cli_run import run

# The fixtures of tests/cli_shared.py these tests take, imported for pytest to see.
from .cli_shared import workdir as workdir
from .conftest import BREAK_APP_SENDS, OTHER_SKILL_ID, SKILL_ID

pytestmark = pytest.mark.oldest_dependencies


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


def test_a_handler_that_returns_no_response_fails_the_replay_in_its_words(workdir: Path) -> None:
    # A str returned is said in one ERROR line without a traceback (its frames are alexaskill's
    # alone): the FAILED row said "a handler raised _NotAReply: … (its traceback is in the
    # log)", a private class the handler never raised and a traceback the log does not hold.
    (workdir / "texting.py").write_text(
        f"from alexaskill import Skill\n\nskill = Skill({SKILL_ID!r})\n\n\n"
        '@skill.intent("Text")\ndef text():\n    return "Hello"\n',
        encoding="utf-8",
    )
    (workdir / "text.json").write_text(
        json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Text")), encoding="utf-8"
    )
    code, out, err = run("replay", "texting:skill", "text.json")
    assert code == 1, out + err
    assert out == (
        "text.json (IntentRequest Text)\n  FAILED: texting.text returned a str; a handler returns "
        "a Response (from speak(), ask(), …) or None: return speak(text) to end the session, "
        "ask(text) to keep it open; Alexa would hear the apology\n1 request: 1 failed\n"
    ), out
    assert "Traceback" not in err, err


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
        ),
        encoding="utf-8",
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
        ),
        encoding="utf-8",
    )
    envelope = RequestFactory(skill_id=SKILL_ID).envelope(
        "AudioPlayer.PlaybackStarted", token="t", offsetInMilliseconds=0
    )
    (workdir / "started.json").write_text(json.dumps(envelope), encoding="utf-8")
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


def test_a_refused_request_fails_the_replay(workdir: Path) -> None:
    envelope = load_request(workdir / "hello.json")
    envelope["context"]["System"]["application"]["applicationId"] = OTHER_SKILL_ID
    envelope["session"]["application"]["applicationId"] = OTHER_SKILL_ID
    (workdir / "other.json").write_text(json.dumps(envelope), encoding="utf-8")
    assert run("replay", "skillapp:skill", "other.json")[0] == 0
    code, out, err = run("replay", "skillapp:skill", "other.json", "--keep-skill-id")
    assert code == 1
    assert "FAILED: HTTP 400: request is for another skill" in out
    code, out, err = run("replay", "skillapp:skill", "hello.json", "--json", "--skill-id", "x")
    assert code == 1
    assert json.loads(out)["status"] == 400
    assert "hello.json: FAILED: HTTP 400" in err


def test_the_counts_of_a_long_replay_are_said_with_thousands_separators(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A directory of captures replayed: "1200 requests: 1200 failed" was said. Each file is
    # answered as the first was (the skill run once), so that the test sends one request.
    from alexaskill.cli import replay

    sent = replay._send_local

    def first_answer_for_all(skill: Any, requests: Any, *rest: Any) -> Any:
        [(_, _, answer)] = list(sent(skill, requests[:1], *rest))
        return ((name, envelope, answer) for name, envelope in requests)

    monkeypatch.setattr(replay, "_send_local", first_answer_for_all)
    code, out, _ = run("replay", "skillapp:skill", *["crash.json"] * 1_200)
    assert code == 1 and out.endswith("\n1,200 requests: 1,200 failed\n"), out[-300:]
    (workdir / "started.json").write_text(
        json.dumps(
            RequestFactory(skill_id=SKILL_ID).envelope(
                "AudioPlayer.PlaybackStarted", token="t", offsetInMilliseconds=0
            )
        ),
        encoding="utf-8",
    )
    (workdir / "rude.py").write_text(
        f"from alexaskill import Skill, speak\n\nskill = Skill({SKILL_ID!r})\n\n\n"
        '@skill.on("AudioPlayer.PlaybackStarted")\ndef started():\n    return speak("Enjoy!")\n',
        encoding="utf-8",
    )
    code, out, _ = run("replay", "rude:skill", *["started.json"] * 1_000)
    assert code == 1
    assert out.endswith("\n1,000 requests: all answered, 1,000 rule violations\n"), out[-300:]
