"""Response rules per request: a reply no one hears (SessionEndedRequest, a failure outside a
session) goes empty; speech a handler returns outside a session goes as it is (no rule)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from alexaskill import Skill
from alexaskill.directives import APL, AudioPlayer, Dialog
from alexaskill.models import Session, SessionEndedRequest
from alexaskill.responses import Response, SimpleCard, ask, speak
from alexaskill.testing import RequestFactory, TestClient

from .conftest import SKILL_ID

URL = "https://cdn.example.com/podcast/episode-42.mp3"
DOCUMENT = {"type": "APL", "version": "2024.3", "mainTemplate": {"items": []}}


# --- noise Alexa ignores: speech to SessionEndedRequest, sessionAttributes to CanFulfill ----------


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(lambda: ask("Goodbye!", card=SimpleCard("Bye", "See you")), id="ask"),
        pytest.param(
            lambda: speak("Bye", directives=[AudioPlayer.Play(URL, "episode-42")]), id="play"
        ),
        pytest.param(
            lambda: ask("More?", directives=[APL.RenderDocument(DOCUMENT, token="d")]), id="apl"
        ),
        pytest.param(lambda: Response(directives=({"type": "Custom.Thing"},)), id="directive"),
    ],
)
def test_a_reply_to_session_ended_is_empty_and_keeps_no_session(
    reply: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # "Your service cannot send back a response to a SessionEndedRequest" (Request Types
    # Reference): the session is over, so neither the reply nor sessionAttributes go out. A
    # goodbye from a handler shared with other requests is no mistake: a DEBUG line.
    skill = Skill(SKILL_ID)

    @skill.session_ended
    def goodbye(session: Session) -> Response:
        session.attributes["ended"] = True
        made: Response = reply()
        return made

    interfaces = ("AudioPlayer", "Alexa.Presentation.APL")
    factory = RequestFactory(skill_id=SKILL_ID, interfaces=interfaces)
    with caplog.at_level(logging.DEBUG, logger="alexaskill"), TestClient(skill) as client:
        client.factory = factory
        session = factory.session(attributes={"lastCity": "Paris"})
        result = client.send("SessionEndedRequest", session=session, reason="USER_INITIATED")
    assert result.status_code == 200
    assert result.json == {"version": "1.0", "response": {}}
    assert result.violations == ()
    [record] = [r for r in caplog.records if r.name == "alexaskill"]
    assert record.levelno == logging.DEBUG
    assert record.getMessage().startswith("reply to SessionEndedRequest: dropped ")
    assert record.getMessage().endswith(" (Alexa takes no response to it)")


def test_the_dropped_parts_of_a_reply_to_session_ended_are_named(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(SKILL_ID)
    skill.session_ended(lambda: ask("Goodbye!", card=SimpleCard("Bye", "See you")))
    skill.launch(lambda: ask("Hello?"))
    with TestClient(skill) as client:
        client.launch()  # (Alexa ends an open session only)
        with caplog.at_level(logging.DEBUG, logger="alexaskill"):
            result = client.session_ended("USER_INITIATED")
    assert result.json == {"version": "1.0", "response": {}}
    [record] = [r for r in caplog.records if r.name == "alexaskill"]
    assert record.getMessage() == (
        "reply to SessionEndedRequest: dropped outputSpeech, card, reprompt, shouldEndSession "
        "(Alexa takes no response to it)"
    )


def test_a_failed_or_late_session_ended_handler_gets_the_empty_reply() -> None:
    skill = Skill(SKILL_ID, deadline=0.2)

    @skill.session_ended
    async def goodbye(session: Session, request: SessionEndedRequest) -> None:
        session.attributes["ended"] = True
        if request.reason == "ERROR":
            raise RuntimeError("the goodbye failed")
        await asyncio.sleep(5)

    skill.launch(lambda: ask("Hello?"))
    with TestClient(skill, raise_handler_errors=False) as client:
        client.launch()  # (Alexa ends an open session only)
        failed = client.session_ended("ERROR")
        client.launch()
        late = client.session_ended("USER_INITIATED")
    assert failed.json == {"version": "1.0", "response": {}}
    assert late.json == {"version": "1.0", "response": {}}


@pytest.mark.parametrize("request_type", ["Messaging.MessageReceived", "Vendor.NewEvent"])
def test_a_request_outside_a_session_gets_no_apology(
    request_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    # A skill event or a message sent to the skill has no session and no one listening: Alexa
    # wants an empty acknowledgement ("Send a Message Request to a Skill"), not the apology, nor
    # the deadline's question with the microphone open.
    skill = Skill(SKILL_ID, deadline=None)  # the failure is no race with the deadline

    calls = []

    @skill.on(request_type)
    async def handle() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the handler failed")
        await asyncio.sleep(5)

    with TestClient(skill, raise_handler_errors=False) as client:
        failed = client.send(request_type)
        skill.deadline = 0.2
        late = client.send(request_type)
    assert isinstance(failed.handler_error, RuntimeError)
    assert failed.json == {"version": "1.0", "response": {}}
    assert late.json == {"version": "1.0", "response": {}}
    assert "did not answer within 0.2 s" in caplog.text


def test_a_reply_to_session_ended_drops_dynamic_entities_too(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(SKILL_ID)
    clear = Dialog.UpdateDynamicEntities("CLEAR")
    skill.session_ended(lambda: Response(directives=[clear]))
    skill.launch(lambda: ask("Hello?"))
    with TestClient(skill) as client:
        client.launch()  # (Alexa ends an open session only)
        with caplog.at_level(logging.DEBUG, logger="alexaskill"):
            result = client.session_ended("USER_INITIATED")
    assert result.json == {"version": "1.0", "response": {}}
    assert result.violations == ()
    [record] = [r for r in caplog.records if r.name == "alexaskill"]
    assert record.getMessage() == (
        "reply to SessionEndedRequest: dropped Dialog.UpdateDynamicEntities "
        "(Alexa takes no response to it)"
    )


@pytest.mark.parametrize(
    ("request_type", "fields"),
    [("AlexaSkillEvent.SkillEnabled", {}), ("Messaging.MessageReceived", {"message": {}})],
)
def test_speech_in_a_reply_outside_a_session_goes_out_as_it_is(
    request_type: str, fields: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    # No rule of check_reply's: Amazon's pages ask such a reply for an acknowledgement ("Send a
    # Message Request to a Skill", "List Events in Alexa Skills") and say nothing of speech in it,
    # neither that Alexa ignores it nor that it refuses it. (`dropped_reply` advises dropping a
    # speak() call forgotten there: None is the acknowledgement.)
    skill = Skill(SKILL_ID)
    skill.on(request_type)(lambda: speak("Welcome!", card=SimpleCard("Hi", "Welcome")))
    with caplog.at_level(logging.DEBUG, logger="alexaskill"), TestClient(skill) as client:
        result = client.send(request_type, **fields)
    assert result.json["response"]["outputSpeech"] == {"type": "PlainText", "text": "Welcome!"}
    assert result.json["response"]["card"] == {
        "type": "Simple",
        "title": "Hi",
        "content": "Welcome",
    }
    assert result.violations == ()
    assert [r.getMessage() for r in caplog.records if r.name == "alexaskill"] == []
