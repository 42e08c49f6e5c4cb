"""The skills the simulator talks to: a skill mounted in a bigger app, several skills of one app.
An interaction model file instead of the model built from the code:
test_simulator_model_files.py.
"""

from __future__ import annotations

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

    with pytest.raises(ValueError, match="found no skill") as caught:
        with_simulator(Starlette())
    # The skill author's mistake, below SkillError as PathTaken is (it was a bare ValueError,
    # outside the tree that `except SkillError` catches).
    from alexaskill.exceptions import SkillError
    from alexaskill.simulator import NoSkillFound

    assert isinstance(caught.value, NoSkillFound) and isinstance(caught.value, SkillError)


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
    with pytest.raises(ValueError, match="/_simulator") as caught:
        with_simulator(app, pki=pki)
    # The skill author's mistake, below SkillError as ModelFileError is: `except SkillError`
    # catches every error of alexaskill's (it was a bare ValueError, outside the tree).
    from alexaskill.exceptions import SkillError
    from alexaskill.simulator import PathTaken

    assert isinstance(caught.value, PathTaken) and isinstance(caught.value, SkillError)
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
