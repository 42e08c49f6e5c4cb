"""The ASGI app end to end: dispatch, sessions, fallbacks; all signed. More are in
tests/test_app_*.py (handler errors, HTTP paths, skill ids, mounting, options, shutdown)."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from alexaskill import IntentRequest, Response, Session, Skill, ask, empty, speak
from alexaskill.testing import TestClient

from .app_shared import make_skill
from .conftest import OTHER_SKILL_ID, SKILL_ID

pytestmark = pytest.mark.oldest_dependencies


def test_launch_and_intent_answer() -> None:
    with TestClient(make_skill()) as client:
        launched = client.launch()
        assert launched.status_code == 200
        assert launched.json["version"] == "1.0"
        assert launched.speech == "Welcome. Which city?"
        assert launched.reprompt == "Which city?"
        assert launched.should_end_session is False

        answered = client.intent("GetWeather", city="Paris", date="2026-11-27")
        assert answered.speech == "Sunny in Paris Friday."
        assert answered.card == {"type": "Simple", "title": "Weather", "content": "Paris"}
        assert answered.should_end_session is True


def test_sync_handlers_run_in_a_worker_thread_and_async_on_the_loop() -> None:
    skill = Skill(SKILL_ID)
    threads: dict[str, int] = {}

    @skill.intent("Sync")
    def sync_handler() -> Response:
        threads["sync"] = threading.get_ident()
        return speak("sync")

    @skill.intent("Async")
    async def async_handler() -> Response:
        asyncio.get_running_loop()  # raises outside the event loop
        threads["async"] = threading.get_ident()
        return speak("async")

    @skill.on("AudioPlayer.PlaybackStarted")
    async def loop_thread() -> None:
        threads["loop"] = threading.get_ident()

    with TestClient(skill) as client:
        assert client.intent("Sync").speech == "sync"
        assert client.intent("Async").speech == "async"
        client.send("AudioPlayer.PlaybackStarted", token="t")
    assert threads["async"] == threads["loop"]
    assert threads["sync"] != threads["loop"]


def test_should_end_session_three_states() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("End", lambda: speak("bye"))
    skill.add_intent_handler("Open", lambda: ask("more?"))
    skill.add_intent_handler("Absent", lambda: speak("shown", end_session=None))
    with TestClient(skill) as client:
        assert client.intent("End").json["response"]["shouldEndSession"] is True
        assert client.intent("Open").json["response"]["shouldEndSession"] is False
        assert "shouldEndSession" not in client.intent("Absent").json["response"]


def test_returning_none_is_an_empty_response() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Nothing", lambda: None)
    skill.add_intent_handler("Empty", lambda: empty())
    with TestClient(skill) as client:
        for name in ("Nothing", "Empty"):
            result = client.intent(name)
            assert result.status_code == 200
            assert result.json["version"] == "1.0"
            assert result.json["response"] == {}


def test_session_attributes_carry_a_conversation() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Count")
    def count(session: Session) -> Response:
        session.attributes["n"] = session.attributes.get("n", 0) + 1
        return ask(f"{session.attributes['n']}", reprompt="again?")

    @skill.intent("Show")
    def show(session: Session, request: IntentRequest) -> Response:
        return speak(f"n={session.attributes.get('n')} new={session.new}")

    with TestClient(skill) as client:
        assert client.intent("Count").speech == "1"
        assert client.intent("Count").speech == "2"
        result = client.intent("Count")
        assert result.speech == "3"
        assert result.session_attributes == {"n": 3}
        assert client.intent("Show").speech == "n=3 new=False"
        # Show ended the session: the next request starts afresh.
        assert client.intent("Count").speech == "1"
        client.new_session()
        assert client.intent("Show").speech == "n=None new=True"


def test_requests_outside_a_session_send_no_session_attributes() -> None:
    skill = Skill(SKILL_ID)
    skill.on("AudioPlayer.PlaybackStarted")(lambda: None)
    with TestClient(skill) as client:
        result = client.send("AudioPlayer.PlaybackStarted", token="t", offsetInMilliseconds=0)
        assert result.status_code == 200
        assert "sessionAttributes" not in result.json


def test_session_ended_without_handler_gets_an_empty_envelope() -> None:
    with TestClient(make_skill()) as client:
        client.launch()  # (Alexa ends an open session only)
        result = client.session_ended(reason="USER_INITIATED")
        assert result.status_code == 200
        assert result.json["version"] == "1.0"
        assert result.json["response"] == {}


def test_unhandled_intent_without_fallback_apologises(caplog: pytest.LogCaptureFixture) -> None:
    with TestClient(make_skill()) as client:
        result = client.intent("Unknown")
    assert result.status_code == 200
    assert result.speech == "Sorry, I can't help with that."
    assert result.should_end_session is False
    assert "no handler for intent 'Unknown'" in caplog.text


@pytest.mark.parametrize(
    "intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"]
)
def test_stop_without_handler_ends_the_session(
    intent: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Every model alexaskill builds has these intents: a user who says "stop" to a skill without
    # a handler for it must not be kept there by "Sorry, I can't help with that."
    with caplog.at_level(logging.INFO, logger="alexaskill"), TestClient(make_skill()) as client:
        result = client.intent(intent)
    assert result.json["response"] == {"shouldEndSession": True}
    assert f"no handler for {intent}: the session ends" in caplog.text


def test_unknown_request_type_goes_to_fallback() -> None:
    skill = make_skill()
    skill.fallback(lambda: speak("fallback"))
    with TestClient(skill) as client:
        assert client.send("Alexa.Future.Thing", anything={"x": 1}).speech == "fallback"
        assert client.intent("Unknown").speech == "fallback"


def test_a_skill_s_log_name_says_where_it_is_served_and_its_ids() -> None:
    ids = [SKILL_ID, OTHER_SKILL_ID]
    assert make_skill(path="/alexa").log_name == f"the skill at /alexa ({SKILL_ID})"
    assert Skill(list(reversed(ids))).log_name == f"the skill at / ({', '.join(ids)})"
    assert Skill("*").log_name == "the skill at / (any skill id)"
