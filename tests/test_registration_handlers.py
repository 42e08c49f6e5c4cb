"""Mistakes in what a handler takes, refused at registration with a message that names the fix:
parameters that are not slots of the intent, a required slot where requests without slots come,
generator functions, and exception handlers for what never reaches them (the rest:
tests/test_registration.py)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from alexaskill import ConfigurationError, IntentRequest, Response, Session, Skill, speak
from alexaskill.testing import TestClient
from tests.conftest import SKILL_ID
from tests.registration_shared import _handler

# --- parameters that are not slots of the intent --------------------------------------------------


def test_parameter_named_unlike_the_slot_in_the_utterances() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:

        @skill.intent("AddNumber", utterances=["add {number}"])
        def add(num: int) -> Response:
            return speak(str(num))

    message = str(caught.value)
    assert "parameter 'num' is not a slot of the intent" in message
    assert "name number" in message
    assert "sample 'add {number}' names slot {number}" in message
    assert not skill.registry.handlers
    assert "AddNumber" not in skill.intent_declarations


def test_parameter_with_a_typo_gets_did_you_mean() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=r"parameter 'citty'.*did you mean city\?"):
        skill.intent("GetWeather", utterances=["weather in {city}"], slots={"city": "AMAZON.City"})(
            _handler("citty: str | None = None, city: str | None = None")
        )


def test_slots_key_that_names_no_parameter() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(
        ConfigurationError, match=r"slots= declares 'town', which names no parameter"
    ):
        skill.intent("GetWeather", utterances=["weather in {town}"], slots={"town": "AMAZON.City"})(
            _handler("city: str | None = None")
        )


def test_a_slot_named_like_a_python_keyword_gets_advice_that_can_be_followed() -> None:
    # No parameter can be named 'from': the message says what to do instead.
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as info:
        skill.intent(
            "Fly",
            utterances=["fly from {from} to {to}"],
            slots={"from": "AMAZON.City", "to": "AMAZON.City"},
        )(_handler("to: str"))
    message = str(info.value)
    assert "add a parameter 'from'" not in message
    assert "'from' is a Python keyword" in message
    assert "request.intent.slot('from')" in message


def test_sample_slot_without_parameter_or_type() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=r"names slot \{place\}.*declare its type"):
        skill.intent("Find", utterances=["find {thing} near {place}"])(_handler("thing: str"))


def test_a_handler_taking_the_request_may_read_declared_slots_itself() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("GetWeather", utterances=["weather in {city}"], slots={"city": "AMAZON.City"})
    def get_weather(request: IntentRequest) -> Response:
        city = request.intent.slot("city")
        assert city is not None  # declared: the request carries it, filled or not
        return speak(city.value or "nowhere")

    with TestClient(skill) as client:
        assert client.intent("GetWeather", city="Paris").speech == "Paris"


def test_declared_slots_that_match_the_parameters_register() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "GetWeather",
        utterances=["weather in {city}", "weather in {city} {date}"],
        slots={"city": "AMAZON.City"},
    )
    def get_weather(session: Session, city: str, date: datetime.date | None = None) -> Response:
        return speak(city)

    assert skill.intent_declarations["GetWeather"].slots == {"city": "AMAZON.City"}


def test_without_declarations_any_parameter_is_a_slot() -> None:
    skill = Skill(SKILL_ID)
    skill.intent("GetWeather")(_handler("city: str, town: str | None = None"))
    assert ("IntentRequest", "GetWeather") in skill.registry.handlers


@pytest.mark.parametrize(
    ("name", "annotation"),
    [
        ("session", "Session"),
        ("request", "IntentRequest"),
        ("envelope", "Envelope"),
        ("intent", "Intent"),
        ("device", "Device"),
        ("user", "User"),
        ("attributes", "Attributes"),
        ("api", "AlexaApi"),
    ],
)
def test_unannotated_parameter_named_like_an_injectable(name: str, annotation: str) -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=rf"annotate it {name}: {annotation}\b"):
        skill.intent("GetWeather")(_handler(name))


def test_unannotated_request_parameter_of_a_launch_handler() -> None:
    with pytest.raises(ConfigurationError, match=r"annotate it request: LaunchRequest"):
        Skill(SKILL_ID).launch(_handler("request"))


def test_an_annotated_slot_may_be_named_like_an_injectable() -> None:
    skill = Skill(SKILL_ID)
    skill.intent("BookSession")(_handler("session: str"))  # a slot named "session"
    handler = skill.registry.handlers[("IntentRequest", "BookSession")]
    assert [name for name, _ in handler.slots] == ["session"]


def test_an_exception_handler_with_an_unknown_annotation_is_a_configuration_error() -> None:
    skill = Skill(SKILL_ID)

    def handler(exc: NoSuchType) -> Response:  # type: ignore[name-defined]  # noqa: F821
        raise AssertionError("never called")

    with pytest.raises(ConfigurationError, match=r"'exc' is annotated NoSuchType, a name"):
        skill.add_exception_handler(ValueError, handler)


# --- slots where requests without slots come -----------------------------------------------------


def test_a_required_slot_where_requests_without_slots_come_is_refused_at_registration() -> None:
    # Accepted, then every LaunchRequest (or other request) the hook or fallback saw was
    # answered "Sorry, I didn't catch that": the slot could never be there.
    skill = Skill(SKILL_ID)

    def remember(city: str) -> None:
        return None

    with pytest.raises(ConfigurationError, match="slot parameter 'city' is required"):
        skill.add_before_request(remember)
    with pytest.raises(ConfigurationError, match="slot parameter 'query' is required"):

        @skill.fallback
        def fallback(query: str) -> Response:
            return speak(query)

    # With a default, or scoped to intents (which may carry it), it is fine.
    def remember_if_said(city: str | None = None) -> None:
        return None

    skill.add_before_request(remember_if_said)
    skill.add_before_request(remember, intents=["GetWeather"])

    @skill.fallback
    def fallback_with_default(query: str = "") -> Response:
        return speak(query or "Sorry?")

    @skill.launch
    def launch() -> Response:
        return speak("Welcome.")

    with TestClient(skill) as client:
        assert client.launch().speech == "Welcome."
        assert client.intent("Other").speech == "Sorry?"


# --- handlers of a kind that cannot answer --------------------------------------------------------


def test_generator_functions_are_refused_as_handlers_at_decoration() -> None:
    # They answered every request with the apology: the call returns a generator, not a reply.
    def sync_gen() -> Any:
        yield speak("x")

    async def async_gen() -> Any:
        yield speak("x")

    skill = Skill(SKILL_ID)
    for func in (sync_gen, async_gen):
        with pytest.raises(ConfigurationError, match="generator"):
            skill.launch(func)
        with pytest.raises(ConfigurationError, match="generator"):
            skill.intent("GetWeather")(func)
        with pytest.raises(ConfigurationError, match="generator"):
            skill.before_request(func)


@pytest.mark.parametrize("exc_type", [SystemExit, KeyboardInterrupt, GeneratorExit])
def test_an_exception_handler_for_a_base_exception_that_is_no_exception_is_refused(
    exc_type: type[BaseException],
) -> None:
    # A handler's sys.exit() (or KeyboardInterrupt, GeneratorExit) reaches exception handlers
    # as a RuntimeError caused by it: one registered for SystemExit was accepted and never
    # called, the user hearing the default apology.
    skill = Skill(SKILL_ID)

    def on_exit(exc: BaseException) -> Response:
        return speak("bye")

    with pytest.raises(ConfigurationError) as raised:
        skill.add_exception_handler(exc_type, on_exit)
    message = str(raised.value)
    assert exc_type.__name__ in message and "RuntimeError" in message
    skill.add_exception_handler(BaseException, on_exit)  # a catch-all: it is called
