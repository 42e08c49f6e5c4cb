"""The test client's conversations: the session it carries from one answer to the next request,
and when it ends one and starts another, as Alexa does."""

from __future__ import annotations

from typing import Any

import pytest

from alexaskill import Response, Session, SimpleCard, Skill, ask, speak
from alexaskill.directives import Dialog
from alexaskill.ssml import Ssml
from alexaskill.testing import SCREEN, RequestFactory, TestClient
from tests.conftest import BREAK_APP_SENDS, OTHER_SKILL_ID, SKILL_ID, alexa_refuses
from tests.recording_skill import recording_skill

pytestmark = pytest.mark.oldest_dependencies

# --- conversations -------------------------------------------------------------------------------


def test_session_attributes_carry_over_until_an_answer_ends_the_session() -> None:
    skill, seen = recording_skill()
    with TestClient(skill) as client:
        assert client.intent("Count").session_attributes == {"n": 1}
        second = client.intent("Count")
        assert second.speech == "2"
        assert second.session_attributes == {"n": 2}
        assert client.intent("Done").should_end_session is True
        assert client.intent("Count").speech == "1"
        client.new_session()
        assert client.intent("Count").speech == "1"
        assert client.intent("Count").speech == "2"
        assert client.session_ended().status_code == 200
        assert client.intent("Count").speech == "1"
    news = [entry["new"] for entry in seen]
    assert news == [True, False, True, True, False, True]
    ids = [entry["id"] for entry in seen]
    assert ids[0] == ids[1]
    assert len({ids[1], ids[2], ids[3], ids[5]}) == 4
    assert ids[3] == ids[4]


def test_a_refused_request_ends_the_conversation() -> None:
    skill, _ = recording_skill()
    with TestClient(skill) as client:
        client.intent("Count")
        client.skill_id = OTHER_SKILL_ID
        assert client.intent("Count").status_code == 400
        client.skill_id = SKILL_ID
        assert client.intent("Count").speech == "1"


def test_a_turn_is_in_the_session_given_unless_its_type_comes_without_one() -> None:
    factory = RequestFactory(locale="en-GB")
    session = factory.session()
    said = factory.turn({"type": "IntentRequest", "intent": {"name": "HelloIntent"}}, session)
    assert said["session"]["sessionId"] == session["sessionId"]
    assert said["request"]["intent"] == {"name": "HelloIntent"}
    assert said["request"]["locale"] == "en-GB" and "type" in said["request"]
    played = factory.turn({"type": "AudioPlayer.PlaybackStarted", "token": "t"}, session)
    assert "session" not in played and played["request"]["token"] == "t"


def test_an_answer_without_should_end_session_ends_it_on_a_device_without_a_screen() -> None:
    # Amazon ("Keep the Session Open"): shouldEndSession left out, a device with a screen keeps
    # the session open (without the microphone), one without a screen ends it; as say() does.
    skill = Skill(SKILL_ID)
    seen: list[bool] = []

    @skill.intent("Note")
    def note(session: Session) -> Response:
        seen.append(session.new)
        session.attributes["noted"] = True
        return Response(card=SimpleCard("Noted", "yes"))

    with TestClient(skill) as speaker, TestClient(skill, interfaces=SCREEN) as show:
        assert speaker.intent("Note").should_end_session is None
        speaker.intent("Note")
        show.intent("Note")
        show.intent("Note")
    assert seen == [True, True, True, False]


@pytest.mark.parametrize("typed", [True, False], ids=["typed", "raw"])
def test_a_dialog_directive_without_should_end_session_keeps_the_session_open(typed: bool) -> None:
    # A Dialog.Delegate (or any dialog directive) waits for the user's answer: Amazon continues
    # the dialog in the same session, on a device without a screen too, as say() does.
    skill = Skill(SKILL_ID)
    seen: list[bool] = []

    @skill.intent("Order")
    def order(session: Session) -> Response:
        seen.append(session.new)
        session.attributes["turns"] = session.attributes.get("turns", 0) + 1
        delegate = Dialog.Delegate() if typed else {"type": "Dialog.Delegate"}
        return Response(directives=(delegate,))

    with TestClient(skill) as speaker:
        first = speaker.intent("Order", dialog_state="STARTED")
        assert first.should_end_session is None
        second = speaker.intent("Order", dialog_state="IN_PROGRESS")
    assert seen == [True, False]
    assert second.session_attributes == {"turns": 2}


def test_session_ended_with_no_session_open_is_refused_naming_what_to_do() -> None:
    # Alexa sends a SessionEndedRequest to end an open session, never in one of its own: the
    # client sent one in a brand-new session (new: true), after an answer that had ended it.
    skill, _ = recording_skill()
    with TestClient(skill) as client:
        with pytest.raises(ValueError, match=r"no session is open.*launch\(\) or intent\("):
            client.session_ended()
        assert client.intent("Done").should_end_session is True  # the answer ended it
        with pytest.raises(ValueError, match="no session is open"):
            client.session_ended(reason="EXCEEDED_MAX_REPROMPTS")
        assert client.api.call_count == 0 and client.last is not None
        assert client.last.request is not None and client.last.request["type"] == "IntentRequest"
        client.intent("Count")
        ended = client.session_ended(reason="EXCEEDED_MAX_REPROMPTS")
        assert ended.status_code == 200
        with pytest.raises(ValueError, match="no session is open"):
            client.session_ended()  # that request ended it


def test_an_answer_alexa_refuses_ends_the_session_and_its_attributes_are_not_carried() -> None:
    # Alexa refuses an answer whose SSML it cannot take, an unquoted attribute ("There was a
    # problem with the requested skill's response"), and ends the session: the client carried
    # the refused answer's sessionAttributes to the next request, in the same session (new:
    # false).
    from alexaskill.directives import AudioPlayer

    skill = Skill(SKILL_ID)
    seen: list[tuple[bool, dict[str, Any]]] = []

    @skill.launch
    def launch(session: Session) -> Response:
        seen.append((session.new, dict(session.attributes)))
        session.attributes["step"] = "launched"
        stream = AudioPlayer.Play("https://example.com/a.mp3", "a")
        return ask("Playing. Anything else?", directives=[stream])

    @skill.intent("Broken")
    def broken(session: Session) -> Response:
        seen.append((session.new, dict(session.attributes)))
        session.attributes["step"] = "refused"
        return alexa_refuses(ask(Ssml(f"<speak>a {BREAK_APP_SENDS}</speak>")))

    with TestClient(skill, raise_handler_errors=False) as client:
        client.launch()
        assert client.player.activity == "PAUSED"  # while Alexa listens in the session
        refused = client.intent("Broken")
        assert refused.refusal is not None and refused.session_attributes == {"step": "refused"}
        assert client.player.activity == "PLAYING"  # the session over, the stream plays
        client.session_ended("ERROR")  # (Alexa's, in the session it ends: INVALID_RESPONSE)
        with pytest.raises(ValueError, match="no session is open"):
            client.session_ended()
        client.launch()
    assert seen == [(True, {}), (False, {"step": "launched"}), (True, {})]


def test_the_device_can_be_changed_between_requests_and_starts_a_new_session() -> None:
    # The docstring said device_id could be changed between requests, as user_id can, but the
    # client had no such attribute: `client.device_id = ...` set one nobody read, and the
    # requests went on coming from the first device, in its session.
    skill, seen = recording_skill()
    other = "amzn1.ask.device.OTHER"
    with TestClient(skill) as client:
        client.intent("Count")
        first = client.device_id
        client.device_id = other
        assert client.device_id == other
        client.intent("Count")
        client.intent("Who")
    assert first != other
    assert [entry["new"] for entry in seen[:2]] == [True, True]  # a session is a device's
    assert seen[2]["device"] == other


def test_after_a_raised_handler_error_the_session_is_the_one_alexa_would_hold() -> None:
    # Alexa hears the apology, which ends the session; the client raised the handler's error
    # and left its session open, so that the next request came with new: false and the
    # attributes from before the failure.
    skill, seen = recording_skill()

    @skill.intent("Boom")
    def boom(session: Session) -> Response:
        session.attributes["n"] = 99
        raise RuntimeError("kaboom")

    with TestClient(skill) as client:
        client.intent("Count")
        with pytest.raises(RuntimeError, match="kaboom"):
            client.intent("Boom")
        assert client.intent("Count").speech == "1"
    assert [entry["new"] for entry in seen] == [True, True]


def test_changing_the_devices_interfaces_starts_a_new_session() -> None:
    # Another set of interfaces is another device, and a session is held on one (as the
    # simulator's device picker does): the session went on, across devices.
    skill, seen = recording_skill()
    with TestClient(skill, interfaces=["AudioPlayer"]) as client:
        client.intent("Count")
        client.interfaces = SCREEN
        client.intent("Count")
        client.interfaces = SCREEN  # the same device: the session goes on
        client.intent("Count")
    assert [entry["new"] for entry in seen] == [True, True, False]


def test_after_an_answer_alexa_refuses_its_session_ends_with_a_session_ended_request_in_it() -> (
    None
):
    # Alexa ends the session of an answer it refuses with a SessionEndedRequest (ERROR,
    # INVALID_RESPONSE) in that session, as say() sends it: once the client ended the session
    # at the refusal, say()'s went in a brand-new session (new: true, another id), and
    # client.session_ended("ERROR") was refused as if no session were open.
    skill = Skill(SKILL_ID)
    skill.launch(lambda: ask("Yes?"))
    broken = Ssml(f"<speak>a {BREAK_APP_SENDS}</speak>")  # (sent as Alexa refuses it)
    skill.intent("Broken", utterances=["break it"])(lambda: alexa_refuses(ask(broken)))
    ended: list[tuple[bool, str, dict[str, Any]]] = []

    @skill.session_ended
    def record(session: Session) -> None:
        ended.append((session.new, session.session_id, dict(session.attributes)))

    with TestClient(skill, invocation="the cafe", raise_handler_errors=False) as client:
        client.say("open the cafe")
        assert client._session is not None
        opened = client._session["sessionId"]
        client.say("break it")
        client.launch()
        assert client.intent("Broken").refusal is not None
        client.session_ended("ERROR")
        with pytest.raises(ValueError, match="no session is open"):
            client.session_ended()  # that one ended it
    assert [(new, attributes) for new, _, attributes in ended] == [(False, {}), (False, {})]
    assert ended[0][1] == opened and ended[1][1] != opened


def test_a_refused_answer_that_said_end_keeps_its_session_for_alexas_ending_request() -> None:
    # An answer Alexa refuses is followed by a SessionEndedRequest (ERROR) in its session,
    # whatever shouldEndSession it said: the client kept the session for it only when the
    # refused answer would have kept the session open (speak()'s true lost it).
    skill = Skill(SKILL_ID)
    skill.launch(lambda: ask("Yes?"))
    broken = Ssml(f"<speak>a {BREAK_APP_SENDS}</speak>")
    skill.intent("Broken")(lambda: alexa_refuses(speak(broken)))
    ended: list[str] = []

    @skill.session_ended
    def record(session: Session) -> None:
        ended.append(session.session_id)

    with TestClient(skill, raise_handler_errors=False) as client:
        client.launch()
        assert client._session is not None
        opened = client._session["sessionId"]
        assert client.intent("Broken").refusal is not None
        client.session_ended("ERROR")
    assert ended == [opened]
