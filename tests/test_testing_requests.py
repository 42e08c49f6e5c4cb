"""The requests the test client builds: every slot the model defines."""

from __future__ import annotations

from typing import Any

from alexaskill import AlexaApi, Skill, speak
from alexaskill.testing import RequestFactory, TestClient

SKILL_ID = "amzn1.ask.skill.55555555-5555-5555-5555-555555555555"


def diary() -> Skill:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "When",
        utterances=["what happens {day}", "what happens {day} in {place}"],
        slots={"day": "AMAZON.DATE", "place": "AMAZON.City"},
    )
    async def when(api: AlexaApi, day: str | None = None, place: str | None = None) -> Any:
        return speak(f"{day} {await api.today()}")

    @skill.intent("Help", utterances=["help me"])
    def help_() -> Any:
        return speak("Ask what happens today.")

    return skill


def test_client_intent_sends_every_slot_of_the_model() -> None:
    with TestClient(diary()) as client:
        request = client.intent("When", place="Paris").request
        bare = client.intent("Help").request
    assert request is not None and bare is not None
    slots = request["intent"]["slots"]
    assert list(slots) == ["day", "place"]
    assert slots["day"] == {"name": "day", "confirmationStatus": "NONE"}
    assert slots["place"]["value"] == "Paris"
    assert "slots" not in bare["intent"]  # as Alexa sends an intent that has none


def test_a_slot_the_model_lacks_is_still_sent_as_given() -> None:
    with TestClient(diary()) as client:
        request = client.intent("When", mood="good").request
    assert request is not None
    assert list(request["intent"]["slots"]) == ["day", "place", "mood"]


def test_the_factory_without_a_model_sends_what_it_is_given() -> None:
    factory = RequestFactory()
    intent = factory.intent("When", day="2026-11-27")["request"]["intent"]
    assert list(intent["slots"]) == ["day"]
    assert "slots" not in factory.intent("Help")["request"]["intent"]
    several = factory.intent("Plan", activity=["hiking", "fishing"])["request"]["intent"]
    assert several["slots"]["activity"]["source"] == "USER"
