"""``client.say()`` with an answer Alexa would refuse: SSML forced past the app's checks fails the
test, or (``raise_handler_errors=False``) is heard as Alexa's own words and ends the session,
whose SessionEndedRequest (ERROR) carries the session as it was before the refused answer.
The rest of ``say``: test_say.py."""

from __future__ import annotations

from typing import Any

import pytest

from alexaskill import (
    ResponseError,
    Session,
    Skill,
    Ssml,
    ask,
    delegate,
)
from alexaskill.testing import TestClient

from .conftest import BREAK_APP_SENDS, SKILL_ID, alexa_refuses


def broken_ssml_skill() -> Skill:
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch() -> Any:
        return ask("Welcome. Say hello.")

    @skill.intent("Hello", utterances=["hello"])
    def hello() -> Any:
        # Markup with a <break time> in capitals, a form Amazon's SSML reference never writes,
        # forced past the app's checks: the test tools refuse it as Alexa does.
        answer = ask(Ssml(f"<speak>Hi {BREAK_APP_SENDS} cafe</speak>"), reprompt="Again?")
        return alexa_refuses(answer)

    return skill


def test_ssml_alexa_would_refuse_fails_the_test() -> None:
    with TestClient(broken_ssml_skill()) as client, pytest.raises(ResponseError) as raised:
        client.intent("Hello")
    assert str(raised.value).startswith(
        "Alexa would refuse this answer: outputSpeech.ssml: <break time='5S'>: write '5s'"
    )
    assert "raise_handler_errors=False" in "".join(raised.value.__notes__)


def test_ssml_alexa_would_refuse_is_what_alexa_says_and_ends_the_session() -> None:
    skill = broken_ssml_skill()
    with TestClient(skill, invocation="the test", raise_handler_errors=False) as client:
        result = client.intent("Hello")
        assert result.status_code == 200
        assert result.refusal is not None
        assert result.refusal.startswith("outputSpeech.ssml: <break time='5S'>: write '5s'")
        assert client.intent("AMAZON.HelpIntent").refusal is None

        assert client.say("open the test").heard == "Welcome. Say hello."
        said = client.say("hello")
        assert said.refusal == result.refusal
        assert said.turn is not None
        # The skill's words are not spoken: Alexa says its own, and the session is over.
        assert said.heard == "There was a problem with the requested skill's response."
        assert said.turn.session_open is False
        assert said.turn.notes == [f"Alexa refuses the answer ({result.refusal}): the session ends"]
        assert said.turn.to_json()["heard"] == [
            "There was a problem with the requested skill's response."
        ]


def test_say_sends_alexas_error_ending_in_the_session_as_it_was_before_the_refused_answer() -> None:
    # A dialog directive from a skill with no dialog model: Alexa refuses the answer (the
    # Conversation sees it, TestClient does not) and ends the session with a
    # SessionEndedRequest (ERROR) carrying the attributes from before the refused answer. The
    # test client's transport carried the refused answer's own.
    skill = Skill(SKILL_ID)
    ended: list[tuple[str, bool, dict[str, Any]]] = []

    @skill.launch
    def launch(session: Session) -> Any:
        session.attributes["kept"] = 1
        return ask("Say go.")

    @skill.intent("Go", utterances=["go"])
    def go(session: Session) -> Any:
        session.attributes["refused"] = 1
        return delegate()

    @skill.on("SessionEndedRequest")
    def end(session: Session) -> None:
        ended.append((session.session_id, session.new, dict(session.attributes)))

    with TestClient(skill) as client:
        client.launch()
        opened = client._session
        refused = client.say("go")
    assert opened is not None
    assert refused.turn is not None and refused.turn.exchanges[0].refusal is not None
    assert ended == [(opened["sessionId"], False, {"kept": 1})]


def test_an_error_ending_asked_in_a_new_session_does_not_go_in_the_refused_one() -> None:
    # The transport's ending (the refused answer's session) is for a SessionEndedRequest
    # (ERROR) sent in that session: asked in a new one (the session forgotten in between), it
    # goes in the new one (nothing guarded the transport's check of new_session).
    from alexaskill.testing.talking import ClientTransport

    skill = Skill(SKILL_ID)
    ended: list[str] = []

    @skill.on("SessionEndedRequest")
    def end(session: Session) -> None:
        ended.append(session.session_id)

    with TestClient(skill) as client:
        transport = ClientTransport(client)
        refused = {**client.factory.session(), "new": False}
        transport.ending = refused
        error = {"type": "INVALID_RESPONSE", "message": "refused"}
        request = {"type": "SessionEndedRequest", "reason": "ERROR", "error": error}
        transport.send(request, new_session=True)
    assert len(ended) == 1 and ended[0] != refused["sessionId"]
