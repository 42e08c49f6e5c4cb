"""Response rules per request: a CanFulfillIntentRequest is answered with canFulfillIntent only."""

from __future__ import annotations

import logging
from typing import Any, Literal

import pytest

from alexaskill import Skill
from alexaskill.directives import delegate
from alexaskill.exceptions import ConfigurationError, SlotError
from alexaskill.models import Session
from alexaskill.responses import Response, ask, can_fulfill, speak
from alexaskill.testing import TestClient, intent_fields

from .conftest import SKILL_ID

APOLOGY = "Sorry, something went wrong. Please try again later."


# --- CanFulfillIntentRequest through the app ------------------------------------------------------


def can_fulfill_request(client: TestClient, intent: str, **slots: Any) -> Any:
    return client.send("CanFulfillIntentRequest", **intent_fields(intent, None, "NONE", slots))


def test_can_fulfill_handler_answers_with_can_fulfill_intent_only() -> None:
    skill = Skill(SKILL_ID)
    cities = {"paris", "london"}

    @skill.can_fulfill("GetWeather")
    def weather(city: str | None = None) -> Response:
        if city is None:
            return can_fulfill("MAYBE")
        known: Literal["YES", "NO"] = "YES" if city.lower() in cities else "NO"
        return can_fulfill(known, {"city": (known, known)})

    with TestClient(skill) as client:
        result = can_fulfill_request(client, "GetWeather", city="Paris")
        assert result.json["response"] == {
            "canFulfillIntent": {
                "canFulfill": "YES",
                "slots": {"city": {"canUnderstand": "YES", "canFulfill": "YES"}},
            }
        }
        assert (
            can_fulfill_request(client, "GetWeather", city="Atlantis").json["response"][
                "canFulfillIntent"
            ]["canFulfill"]
            == "NO"
        )
        assert can_fulfill_request(client, "GetWeather").json["response"] == {
            "canFulfillIntent": {"canFulfill": "MAYBE"}
        }


def test_intent_without_can_fulfill_handler_is_answered_no() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("GetWeather", lambda: speak("Sunny"))
    with TestClient(skill) as client:
        result = can_fulfill_request(client, "GetWeather", city="Paris")
    assert result.json["response"] == {"canFulfillIntent": {"canFulfill": "NO"}}


def test_speech_in_reply_to_a_can_fulfill_request_becomes_no(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # (The fallback never answers a probe: tests/test_leaving.py.)
    skill = Skill(SKILL_ID)
    skill.add_can_fulfill_handler("Anything", lambda: ask("Sorry, I can't help with that."))
    with TestClient(skill) as client:
        result = can_fulfill_request(client, "Anything")
    assert result.json["response"] == {"canFulfillIntent": {"canFulfill": "NO"}}
    assert "has no canFulfillIntent: answered NO" in caplog.text


def test_failing_can_fulfill_handler_answers_no_not_an_apology(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(SKILL_ID)
    skill.add_can_fulfill_handler("GetWeather", lambda: 1 / 0)
    skill.add_can_fulfill_handler("NeedsSlot", lambda city: can_fulfill("YES"))
    with TestClient(skill, raise_handler_errors=False) as client:
        failed = can_fulfill_request(client, "GetWeather")
        missing = can_fulfill_request(client, "NeedsSlot")
    assert failed.json["response"] == {"canFulfillIntent": {"canFulfill": "NO"}}
    assert missing.json["response"] == {"canFulfillIntent": {"canFulfill": "NO"}}
    assert "ZeroDivisionError" in caplog.text


def test_a_required_slot_missing_from_a_can_fulfill_probe_is_no_handler_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Alexa's probes often come without the slot: answered NO with an INFO line, as an
    # IntentRequest's missing slot is asked again. It was logged at ERROR as the handler's
    # failure, and a TestClient (raise_handler_errors on) raised it.
    skill = Skill(SKILL_ID)
    skill.add_can_fulfill_handler("NeedsSlot", lambda city: can_fulfill("YES"))
    with caplog.at_level(logging.INFO, logger="alexaskill"), TestClient(skill) as client:
        missing = can_fulfill_request(client, "NeedsSlot")
    assert missing.json["response"] == {"canFulfillIntent": {"canFulfill": "NO"}}
    assert missing.handler_error is None
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert "CanFulfillIntentRequest NeedsSlot -> slot_retry (200)" in caplog.text


def test_a_slot_error_where_alexa_takes_no_speech_is_still_a_handler_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Only a CanFulfillIntentRequest is answered NO quietly: an audio event's handler raising
    # SlotError has a bug, and was hidden (INFO, slot_retry, no error for the test client).
    skill = Skill(SKILL_ID)

    @skill.on("AudioPlayer.PlaybackNearlyFinished")
    def nearly_finished() -> Response:
        raise SlotError("episode", "missing")

    with (
        caplog.at_level(logging.INFO, logger="alexaskill"),
        TestClient(skill, raise_handler_errors=False) as client,
    ):
        result = client.send(
            "AudioPlayer.PlaybackNearlyFinished", token="t", offsetInMilliseconds=0
        )
    assert isinstance(result.handler_error, SlotError)
    assert "AudioPlayer.PlaybackNearlyFinished -> handler_error (200)" in caplog.text


def test_can_fulfill_intent_answers_only_a_can_fulfill_request(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("GetWeather", lambda: can_fulfill("YES"))
    with TestClient(skill, raise_handler_errors=False) as client:
        assert client.intent("GetWeather").speech == APOLOGY
    assert "canFulfillIntent answers a CanFulfillIntentRequest, not IntentRequest" in caplog.text


def test_can_fulfill_registration() -> None:
    skill = Skill(SKILL_ID)
    skill.can_fulfill("GetWeather")(lambda: can_fulfill("YES"))
    with pytest.raises(ConfigurationError, match="already has a handler"):
        skill.add_can_fulfill_handler("GetWeather", lambda: can_fulfill("NO"))
    with pytest.raises(ConfigurationError, match="needs the intent's name"):
        skill.add_can_fulfill_handler("", lambda: None)


def test_can_fulfill_reply_carries_no_session_attributes() -> None:
    skill = Skill(SKILL_ID)

    @skill.can_fulfill("GetWeather")
    def weather(session: Session) -> Response:
        session.attributes["probed"] = True  # written, but not sent back
        return can_fulfill("YES")

    with TestClient(skill) as client:
        session = client.factory.session(attributes={"lastCity": "Paris"})
        fields = intent_fields("GetWeather", None, "NONE", {})
        result = client.send("CanFulfillIntentRequest", session=session, **fields)
        launched = client.send("LaunchRequest", session=session)
    assert result.json == {
        "version": "1.0",
        "response": {"canFulfillIntent": {"canFulfill": "YES"}},
    }
    # Any other request in a session still gets its attributes back.
    assert launched.json["sessionAttributes"] == {"lastCity": "Paris"}


def test_a_dialog_directive_answering_a_can_fulfill_probe_names_its_handler(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Answered NO (Alexa takes only canFulfillIntent here), with a warning that named no handler.
    skill = Skill(SKILL_ID)

    @skill.can_fulfill("PlanTrip")
    def probe() -> Response:
        return delegate()

    with TestClient(skill) as client:
        result = can_fulfill_request(client, "PlanTrip")
    assert result.json["response"] == {"canFulfillIntent": {"canFulfill": "NO"}}
    assert (
        "has no canFulfillIntent: answered NO (Alexa takes only can_fulfill(...) here) (the reply "
        f"of {__name__}.test_a_dialog_directive_answering_a_can_fulfill_probe_names_its_handler"
        ".<locals>.probe)"
    ) in caplog.text
