"""The skills the simulator talks to: a skill mounted in a bigger app, several skills of one app,
and an interaction model file instead of the model built from the code.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from alexaskill import Context
from alexaskill.cli.common import load_object
from alexaskill.cli.dev import DEV_PKI_ENV
from alexaskill.cli.serve import _prepare
from alexaskill.testing import DEFAULT_SKILL_ID, TestPKI

from . import simulator_shared
from .conftest import FOURTH_SKILL_ID, OTHER_SKILL_ID, SKILL_ID
from .simulator_shared import ID, SKILL_FILE, _client, _served, spoken, turn

# The fixtures of tests/simulator_shared.py, this module's too (why not conftest's: see there).
dev_dir = simulator_shared.dev_dir
pki = simulator_shared.pki
http = simulator_shared.http


# --- mounted skills ------------------------------------------------------------------------------


def test_a_skill_mounted_in_a_bigger_app(pki: TestPKI) -> None:
    with _client(_served("portal", pki)) as http:
        info = http.get("/_simulator/api/info").json()
        assert [skill["path"] for skill in info["skills"]] == ["/lighthouse/"]
        result = turn(http, text="ask the lighthouse how is the sea")
        assert result["state"]["skillPath"] == "/lighthouse/"
        assert "The sea is calm" in spoken(result)[0]
        # The app's own routes are untouched.
        assert http.get("/").text == "the portal's own page"


def test_an_app_without_a_skill_is_refused() -> None:
    from starlette.applications import Starlette

    from alexaskill.simulator import with_simulator

    with pytest.raises(ValueError, match="found no skill"):
        with_simulator(Starlette())


def test_the_page_chooses_among_the_skills_an_app_mounts(pki: TestPKI) -> None:
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from alexaskill import Skill, speak
    from alexaskill.simulator import with_simulator

    lighthouse = load_object(f"{SKILL_FILE}:skill")
    other = Skill(OTHER_SKILL_ID)
    other.intent("Hello", utterances=["say hello"])(lambda: speak("Hello from the other skill."))
    app = Starlette(
        routes=[
            lighthouse.mount("/lighthouse"),
            Mount("/nested", routes=[Mount("/other", app=other)]),
        ]
    )
    with _client(with_simulator(app, pki=pki)) as http:
        skills = http.get("/_simulator/api/info").json()["skills"]
        assert [(item["path"], item["skillId"]) for item in skills] == [
            ("/lighthouse/", DEFAULT_SKILL_ID),
            ("/nested/other/", OTHER_SKILL_ID),
        ]
        first = turn(http, text="ask the lighthouse how is the sea")
        assert "The sea is calm" in spoken(first)[0]
        moved = turn(http, text="ask the other skill to say hello", skill=1)
        assert moved["notes"] == ["now talking to the skill at /nested/other/", "a new session"]
        assert spoken(moved) == ["Hello from the other skill."]
        assert moved["turn"]["exchanges"][0]["envelope"]["session"]["new"] is True


@pytest.mark.parametrize("path", ["/_simulator", "/_simulator/skill", "/_SIMULATOR/skill"])
def test_a_skill_mounted_where_the_simulator_answers_is_refused(
    path: str, pki: TestPKI, dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The simulator answers every path below /_simulator: such a skill was accepted, its
    # simulator turns answered (they reach the app directly), and every request Alexa sent it
    # answered 404 by the simulator.
    from starlette.applications import Starlette

    from alexaskill import Skill
    from alexaskill.simulator import with_simulator

    skill = Skill(skill_id="amzn1.ask.skill.00000000-0000-0000-0000-00000000000f")
    app = Starlette(routes=[skill.mount(path)])
    if path.startswith("/_SIMULATOR"):  # paths are case-sensitive: this one is the skill's
        with_simulator(app, pki=pki)
        return
    with pytest.raises(ValueError, match="/_simulator"):
        with_simulator(app, pki=pki)
    from alexaskill.cli.dev_verifier import DevVerifier

    assert not isinstance(skill.verifier, DevVerifier)  # refused before it trusts the key
    # serve --dev says so as a mistake on its command line (not one of --model's).
    from alexaskill.cli import UsageError

    monkeypatch.setenv(DEV_PKI_ENV, str(dev_dir))
    with pytest.raises(UsageError, match=r"^--dev: the skill at /_simulator"):
        _prepare("app", app, True, None)


def test_a_skill_of_any_id_is_sent_the_first_id_of_alexaskill_skill_id(
    pki: TestPKI, dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Skill("*") was sent the placeholder id whatever ALEXASKILL_SKILL_ID said, where chat,
    # replay and request send the first id it names (`skill_id_for`).
    from alexaskill import Skill, speak
    from alexaskill.cli import UsageError
    from alexaskill.exceptions import ConfigurationError
    from alexaskill.simulator import with_simulator

    monkeypatch.setenv("ALEXASKILL_SKILL_ID", f" {OTHER_SKILL_ID}, {FOURTH_SKILL_ID}")
    anyone = Skill("*")
    own = Skill(SKILL_ID)

    @anyone.launch
    @own.launch
    def launch(context: Context) -> Any:
        application = context.system.application if context.system is not None else None
        return speak(f"for {application.application_id if application else None}")

    for skill, expected in [(anyone, OTHER_SKILL_ID), (own, SKILL_ID)]:
        with _client(with_simulator(skill, pki=pki)) as http:
            assert http.get("/_simulator/api/info").json()["skills"][0]["skillId"] == expected
            assert spoken(turn(http, "launch")) == [f"for {expected}"]
    monkeypatch.delenv("ALEXASKILL_SKILL_ID")
    with _client(with_simulator(anyone, pki=pki)) as http:
        assert spoken(turn(http, "launch")) == [f"for {DEFAULT_SKILL_ID}"]
    # A value the server refuses is refused at start, by serve --dev as a usage error.
    monkeypatch.setenv("ALEXASKILL_SKILL_ID", " , ")
    with pytest.raises(ConfigurationError, match="names no skill id"):
        with_simulator(anyone, pki=pki)
    monkeypatch.setenv(DEV_PKI_ENV, str(dev_dir))
    with pytest.raises(UsageError, match=r"^--dev: ALEXASKILL_SKILL_ID=' , ' names no skill id"):
        _prepare("anyone", anyone, True, None)


# --- several skills ------------------------------------------------------------------------------


def test_another_skill_chosen_is_a_new_session_noted_once(pki: TestPKI) -> None:
    # Choosing another skill starts a new conversation, but "a new session" was noted only
    # when the page's locale or device differed from the first ones (the new simulation being
    # moved to them): the page then never played the stream held for the old session.
    from starlette.applications import Starlette

    from alexaskill import Skill, speak
    from alexaskill.simulator import with_simulator

    other = Skill(OTHER_SKILL_ID)
    other.intent("Hello", utterances=["say hello"])(lambda: speak("Hello from the other skill."))
    lighthouse = load_object(f"{SKILL_FILE}:skill")
    app = Starlette(routes=[lighthouse.mount("/lighthouse"), other.mount("/other")])
    screen = ["AudioPlayer", "Display"]
    with _client(with_simulator(app, pki=pki)) as http:
        turn(http, text="ask the lighthouse how is the sea")
        moved = turn(http, action="configure", skill=1)
        assert moved["notes"] == ["now talking to the skill at /other/", "a new session"]
        turn(http, action="configure", skill=0, interfaces=screen)
        back = turn(http, action="configure", skill=1, interfaces=screen)
    assert back["notes"].count("a new session") == 1
    assert back["notes"][:2] == ["now talking to the skill at /other/", "a new session"]


def _two_skills(pki: TestPKI) -> Any:
    """The lighthouse at /lighthouse/ (skill 0) and, at /other/ (skill 1), a skill that asks."""
    from starlette.applications import Starlette

    from alexaskill import Skill, ask
    from alexaskill.simulator import with_simulator

    other = Skill(OTHER_SKILL_ID)
    other.intent("Hello", utterances=["say hello"])(lambda: ask("Hello from the other skill."))
    lighthouse = load_object(f"{SKILL_FILE}:skill")
    app = Starlette(routes=[lighthouse.mount("/lighthouse"), other.mount("/other")])
    return with_simulator(app, pki=pki)


def test_an_audio_event_of_another_skills_stream_keeps_the_session_talked_to(
    pki: TestPKI,
) -> None:
    # The page talks to one skill while another's stream plays: the player's events go to the
    # skill that played it, and were taken for a choice of that skill, which started the page's
    # conversation over (the open session with the skill talked to was lost).
    with _client(_two_skills(pki)) as http:
        turn(http, text="ask the lighthouse to play the harbour", skill=0)
        asked = turn(http, text="ask the other skill to say hello", skill=1)
        session_id = asked["state"]["session"]["sessionId"]
        started = turn(http, "audio", event="PlaybackStarted", token="harbour-1", skill=0)
        assert started["notes"] == []
        (exchange,) = started["turn"]["exchanges"]
        application = exchange["envelope"]["context"]["System"]["application"]
        assert application["applicationId"] == DEFAULT_SKILL_ID
        assert exchange["envelope"]["request"]["type"] == "AudioPlayer.PlaybackStarted"
        # The state shown is still the one of the skill talked to.
        assert started["state"]["skillPath"] == "/other/"
        assert started["state"]["session"]["sessionId"] == session_id
        again = turn(http, text="say hello", skill=1)
        assert again["notes"] == []
        envelope = again["turn"]["exchanges"][0]["envelope"]
        assert envelope["session"]["sessionId"] == session_id
        assert envelope["session"]["new"] is False


def test_a_skill_chosen_again_starts_a_new_session_with_it(pki: TestPKI) -> None:
    # A device holds one skill's session at a time: back to a skill, the page starts anew.
    with _client(_two_skills(pki)) as http:
        first = turn(http, text="ask the other skill to say hello", skill=1)
        turn(http, text="ask the lighthouse how is the sea", skill=0)
        back = turn(http, text="ask the other skill to say hello", skill=1)
    assert back["notes"] == ["now talking to the skill at /other/", "a new session"]
    envelope = back["turn"]["exchanges"][0]["envelope"]
    assert envelope["session"]["new"] is True
    assert envelope["session"]["sessionId"] != first["state"]["session"]["sessionId"]


def test_an_audio_event_follows_the_device_changed_while_another_skill_was_talked_to(
    pki: TestPKI,
) -> None:
    # The stream plays on through a change of device made while talking to another skill: its
    # events carry the device as it is now, and reach the skill that played it.
    screen = ["AudioPlayer", "Display"]
    with _client(_two_skills(pki)) as http:
        turn(http, text="ask the lighthouse to play the harbour", skill=0)
        turn(http, "configure", skill=1, interfaces=screen)
        event = turn(
            http, "audio", event="PlaybackStopped", token="harbour-1", skill=0, interfaces=screen
        )
        assert event["notes"] == []
        (exchange,) = event["turn"]["exchanges"]
        supported = exchange["envelope"]["context"]["System"]["device"]["supportedInterfaces"]
        assert set(supported) == {"AudioPlayer", "Display"}
        # One sent with the device as it was is not (it crossed the change).
        stale = turn(http, "audio", event="PlaybackStopped", token="harbour-1", skill=0)
        assert stale["turn"] is None
        assert stale["notes"] == ["AudioPlayer.PlaybackStopped of a device since changed: not sent"]


def test_the_session_of_a_skill_left_is_over_for_its_streams_events(pki: TestPKI) -> None:
    # Another skill chosen ends the session with the one left (a device holds one skill's
    # session): the events of that skill's stream, played once its session was over, were
    # shown in a session still open, which ended only when the page chose the skill again.
    with _client(_two_skills(pki)) as http:
        held = turn(http, text="ask the lighthouse to play the tide and ask", skill=0)
        assert held["turn"]["sessionOpen"] is True
        turn(http, text="ask the other skill to say hello", skill=1)
        started = turn(http, "audio", event="PlaybackStarted", token="tide-2", skill=0)
    assert started["turn"]["sessionOpen"] is False
    assert started["state"]["skillPath"] == "/other/"


def test_another_skill_refused_in_the_pages_locale_leaves_the_page_where_it_was(
    pki: TestPKI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another skill chosen in a locale its model cannot serve is refused, and the page goes
    # back to the skill it had; the server had already made the refused one the skill talked
    # to (ending the session with the one left): the stream's events of the skill the page went
    # back to were then refused "of a device since changed", and its next turn was a new session.
    from alexaskill.interaction import InteractionModelError

    app = _two_skills(pki)
    understander = app.simulator._understander

    def broken_in_en_gb(index: int, locale: str) -> Any:
        if (index, locale) == (1, "en-GB"):
            raise InteractionModelError(["a model broken in en-GB"])
        return understander(index, locale)

    monkeypatch.setattr(app.simulator, "_understander", broken_in_en_gb)
    gb: dict[str, Any] = {"locale": "en-GB", "skill": 0}
    with _client(app) as http:
        held = turn(http, text="ask the lighthouse to play the tide and ask", **gb)
        assert held["turn"]["sessionOpen"] is True
        session_id = held["state"]["session"]["sessionId"]
        body = {"simulation": ID, "action": "configure", "text": "", "locale": "en-GB", "skill": 1}
        refused = http.post("/_simulator/api/turn", json=body)
        assert refused.status_code == 400
        assert "a model broken in en-GB" in refused.json()["error"]
        event = turn(http, "audio", event="PlaybackStopped", token="tide-2", **gb)
        assert event["notes"] == []
        assert event["turn"] is not None
        assert event["state"]["skillPath"] == "/lighthouse/"
        again = turn(http, text="how is the sea", **gb)
    assert again["notes"] == []
    envelope = again["turn"]["exchanges"][0]["envelope"]
    assert envelope["session"]["sessionId"] == session_id


# --- an interaction model file instead of the model built from the code --------------------------


def model_file(path: Path, samples: list[str], invocation: str = "light house") -> Path:
    """An ASK CLI model file at ``path``: SeaWeather said with ``samples``, help and stop."""
    intents = [
        {"name": "SeaWeather", "slots": [], "samples": samples},
        {"name": "AMAZON.HelpIntent", "samples": []},
        {"name": "AMAZON.StopIntent", "samples": []},
    ]
    language = {"invocationName": invocation, "intents": intents}
    path.write_text(json.dumps({"interactionModel": {"languageModel": language}}))
    return path


def with_model(pki: TestPKI, model: Path, spec: str = "skill") -> Any:
    from alexaskill.simulator import with_simulator

    return with_simulator(load_object(f"{SKILL_FILE}:{spec}"), pki=pki, model=model)


def test_a_model_file_is_what_the_simulator_understands(pki: TestPKI, tmp_path: Path) -> None:
    # A sample only the file has, in the file's locale; the code's model is not consulted.
    path = model_file(tmp_path / "en-GB.json", ["what are the waves doing"])
    with _client(with_model(pki, path)) as http:
        info = http.get("/_simulator/api/info").json()
        assert info["locales"] == ["en-GB"] and info["locale"] == "en-GB"
        # Opened by the file's invocation name: "open the skill" would not open it.
        assert info["examples"] == ["open light house", "what are the waves doing", "help", "stop"]
        opened = turn(http, text="open light house", locale="en-GB")
        assert opened["turn"]["understood"]["kind"] == "launch"
        said = turn(http, text="what are the waves doing", locale="en-GB")["turn"]
        assert said["understood"]["intent"] == "SeaWeather"
        assert said["understood"]["exact"] is True
        assert said["exchanges"][0]["envelope"]["request"]["locale"] == "en-GB"
        # A locale the file has no model for is refused with the reason.
        refused = http.post(
            "/_simulator/api/turn",
            json={"simulation": ID, "action": "say", "text": "hi", "locale": "en-US"},
        )
        assert refused.status_code == 400
        assert refused.json()["error"] == (f"locale: 'en-US' has no model in {path}; one of en-GB")


def test_an_edited_model_file_is_read_again_on_the_next_turn(pki: TestPKI, tmp_path: Path) -> None:
    # Edit the model while the server runs, say it again: no restart (nor --reload) needed.
    path = model_file(tmp_path / "en-US.json", ["what are the waves doing"])
    with _client(with_model(pki, path)) as http:
        said = turn(http, text="how big is the swell")["turn"]
        assert said["understood"]["exact"] is False
        model_file(path, ["what are the waves doing", "how big is the swell"])
        later = path.stat().st_mtime_ns + 2_000_000_000  # a new time, on any file system's clock
        os.utime(path, ns=(later, later))
        said = turn(http, text="how big is the swell")["turn"]
        assert said["understood"]["intent"] == "SeaWeather" and said["understood"]["exact"]
        path.write_text("{not json")  # broken mid-session: the turn says why, nothing crashes
        os.utime(path, ns=(later + 10**9, later + 10**9))
        refused = http.post(
            "/_simulator/api/turn",
            json={"simulation": ID, "action": "say", "text": "hi", "locale": "en-US"},
        )
        assert refused.status_code == 400 and "not JSON" in refused.json()["error"]
        info = http.get("/_simulator/api/info").json()
        assert info["locales"] == ["en-US"]


def test_a_model_directory_offers_each_of_its_locales(pki: TestPKI, tmp_path: Path) -> None:
    # The ASK CLI's interactionModels/custom: a file a locale, others (notes.json) left alone.
    model_file(tmp_path / "en-US.json", ["how rough is the water"])
    model_file(tmp_path / "en-AU.json", ["how is the swell"], invocation="the lighthouse")
    (tmp_path / "notes.json").write_text("{}")
    with _client(with_model(pki, tmp_path)) as http:
        info = http.get("/_simulator/api/info").json()
        assert info["locales"] == ["en-AU", "en-US"] and info["locale"] == "en-US"
        said = turn(http, text="how rough is the water")["turn"]
        assert said["understood"]["exact"] is True
        moved = turn(http, "configure", locale="en-AU")
        assert moved["notes"] == ["now speaking en-AU", "a new session"]
        said = turn(http, text="ask the lighthouse how is the swell", locale="en-AU")["turn"]
        assert said["understood"]["intent"] == "SeaWeather"
        assert said["understood"]["exact"] is True
        assert said["exchanges"][0]["envelope"]["request"]["locale"] == "en-AU"


def test_a_model_file_named_after_no_locale_serves_every_locale(
    pki: TestPKI, tmp_path: Path
) -> None:
    from alexaskill.understanding import supported_locales

    path = model_file(tmp_path / "model.json", ["what are the waves doing"])
    with _client(with_model(pki, path)) as http:
        info = http.get("/_simulator/api/info").json()
        assert info["locales"] == list(supported_locales()) and info["locale"] == "en-US"
        said = turn(http, text="what are the waves doing", locale="en-IN")["turn"]
        assert said["understood"]["exact"] is True


def test_a_model_that_cannot_serve_is_refused_before_any_skill_trusts_the_key(
    pki: TestPKI, tmp_path: Path
) -> None:
    from starlette.applications import Starlette

    from alexaskill import Skill
    from alexaskill.simulator import with_simulator

    skill = load_object(f"{SKILL_FILE}:skill")
    verifier = skill.verifier
    model_file(tmp_path / "fr-FR.json", ["quel temps fait-il en mer"])
    model_file(tmp_path / "ok.json", ["what are the waves doing"])
    (tmp_path / "nothing").mkdir()
    two = Starlette(routes=[skill.mount("/a"), Skill(OTHER_SKILL_ID).mount("/b")])
    cases = [
        (skill, tmp_path / "missing.json", "missing.json: no such file or directory"),
        (skill, tmp_path / "fr-FR.json", "fr-FR.json: a model for fr-FR, not a locale understood"),
        (skill, tmp_path / "nothing", "nothing: no <locale>.json model files"),
        (two, tmp_path / "ok.json", "one skill's, and this app serves 2 (/a/, /b/)"),
    ]
    for app, path, reason in cases:
        with pytest.raises(ValueError, match=re.escape(reason)):
            with_simulator(app, pki=pki, model=path)
    assert skill.verifier is verifier  # refused before the development key was trusted


@pytest.mark.parametrize(
    ("option", "value", "error", "said"),
    [
        # model=5 said "expected str, bytes or os.PathLike object, not int"; a model's JSON (as
        # TestClient takes it) the same; "" read the current directory ("."); api=5 was taken,
        # and pki=5 raised AttributeError ("'int' object has no attribute 'cert_url'").
        ("model", 5, TypeError, r"^with_simulator\(model=\.\.\.\) is an ASK CLI model file"),
        ("model", {"interactionModel": {}}, TypeError, r"write its JSON to a <locale>\.json"),
        ("model", b"m.json", TypeError, r"not b'm\.json'"),
        ("model", "", ValueError, r"^with_simulator\(model=''\): no file named"),
        ("api", 5, TypeError, r"^with_simulator\(api=\.\.\.\) is a FakeAlexaApi, not 5"),
        ("pki", 5, TypeError, r"^with_simulator\(pki=\.\.\.\) is a TestPKI, not 5"),
    ],
)
def test_with_simulator_says_what_to_pass_for_an_option_it_cannot_take(
    pki: TestPKI, option: str, value: Any, error: type[Exception], said: str
) -> None:
    from alexaskill.simulator import with_simulator

    skill = load_object(f"{SKILL_FILE}:skill")
    verifier = skill.verifier
    with pytest.raises(error, match=said):
        with_simulator(skill, **{"pki": pki, option: value})
    assert skill.verifier is verifier  # refused before the development key was trusted


def test_serve_model_needs_dev_and_reports_a_broken_file_at_start(
    dev_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alexaskill.cli import UsageError, main
    from alexaskill.simulator import SimulatorApp

    monkeypatch.setenv(DEV_PKI_ENV, str(dev_dir))
    good = model_file(tmp_path / "en-US.json", ["what are the waves doing"])
    with pytest.raises(UsageError, match="--model is the simulator's: add --dev"):
        _prepare("skill", load_object(f"{SKILL_FILE}:skill"), False, None, str(good))
    app = _prepare("skill", load_object(f"{SKILL_FILE}:skill"), True, None, str(good))
    assert isinstance(app, SimulatorApp) and app.simulator.model == good
    broken = tmp_path / "en-GB.json"
    broken.write_text('{"interactionModel": {"languageModel": {"intents": "many"}}}')
    with pytest.raises(UsageError, match=r"^--model: .*en-GB\.json"):
        _prepare("skill", load_object(f"{SKILL_FILE}:skill"), True, None, str(broken))
    with pytest.raises(UsageError, match="no such file or directory"):
        _prepare("skill", load_object(f"{SKILL_FILE}:skill"), True, None, str(tmp_path / "x"))
    # The command line refuses --model without --dev before it starts any server.
    out, err = io.StringIO(), io.StringIO()
    code = main(["serve", f"{SKILL_FILE}:skill", "--model", str(good)], stdout=out, stderr=err)
    assert code == 2 and "--model is the simulator's: add --dev" in err.getvalue()


def test_a_model_file_with_a_byte_order_mark(pki: TestPKI, tmp_path: Path) -> None:
    # As a Windows editor saves it (and as chat --model reads it): it was "not JSON".
    path = model_file(tmp_path / "en-GB.json", ["what are the waves doing"])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with _client(with_model(pki, path)) as http:
        said = turn(http, text="what are the waves doing", locale="en-GB")["turn"]
        assert said["understood"]["intent"] == "SeaWeather"


def test_each_turn_names_the_examples_of_the_skill_and_locale_it_talks_to(
    pki: TestPKI, tmp_path: Path
) -> None:
    # /api/info named what to try for the first skill in the first locale only: the page kept
    # offering the first skill's samples once the user chose another skill, and the first
    # locale's invocation name in another locale.
    from starlette.applications import Starlette

    from alexaskill import Skill, speak
    from alexaskill.simulator import with_simulator

    lighthouse = load_object(f"{SKILL_FILE}:skill")
    other = Skill(OTHER_SKILL_ID)
    other.intent("Hello", utterances=["say hello"])(lambda: speak("Hello from the other skill."))
    app = Starlette(routes=[lighthouse.mount("/lighthouse"), other.mount("/other")])
    with _client(with_simulator(app, pki=pki)) as http:
        first = turn(http, text="ask the lighthouse how is the sea")
        assert first["state"]["examples"][:2] == ["open the skill", "how is the sea"]
        moved = turn(http, action="configure", skill=1)
        assert moved["state"]["examples"] == ["open the skill", "say hello", "help", "stop"]
    directory = tmp_path / "custom"
    directory.mkdir()
    model_file(directory / "en-US.json", ["how is the sea"])
    model_file(directory / "en-GB.json", ["how is the sea"], invocation="sea light")
    with _client(with_model(pki, directory)) as http:
        spoken_in = turn(http, action="configure", locale="en-GB")
        assert spoken_in["state"]["examples"][0] == "open sea light"
