"""Registration mistakes about what a handler or hook is tied to: a service added after the
handlers that take it, a hook scoped to an intent that never comes."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from alexaskill import ConfigurationError, Response, Skill, speak
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient


class Database:
    """A skill's own service."""


async def make_database(call: Any) -> Database:
    return Database()


# --- a service asked for before it is added ---------------------------------------------------


def _register(skill: Skill, where: str) -> None:
    if where == "intent":

        @skill.intent("Lookup")
        def lookup(db: Database) -> Response:
            return speak("found")

    elif where == "launch":

        @skill.launch
        def launch(db: Database) -> Response:
            return speak("hi")

    elif where == "hook":

        @skill.before_request
        def hook(db: Database) -> None:
            return None

    elif where == "fallback":

        @skill.fallback
        def fallback(db: Database | None = None) -> Response:
            return speak("what?")

    else:

        @skill.exception(ValueError)
        def oops(exc: ValueError, db: Database) -> Response:
            return speak("oops")


@pytest.mark.parametrize("where", ["intent", "launch", "hook", "fallback", "exception"])
def test_a_service_taken_before_it_is_added_names_add_service(where: str) -> None:
    skill = Skill(DEFAULT_SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:
        _register(skill, where)
    message = str(caught.value)
    assert "'db'" in message
    assert "skill.add_service(Database" in message
    assert "before registering" in message


def test_the_same_handler_registers_once_the_service_is_added() -> None:
    skill = Skill(DEFAULT_SKILL_ID)
    skill.add_service(Database, make_database)
    for where in ("intent", "launch", "hook", "fallback", "exception"):
        _register(skill, where)
    with TestClient(skill) as client:
        assert client.intent("Lookup").speech == "found"


@pytest.mark.parametrize("annotation", [bool, bytes, dict])
def test_a_builtin_type_is_still_said_to_be_no_slot_type(annotation: type) -> None:
    skill = Skill(DEFAULT_SKILL_ID)

    def handler(value: Any) -> Response:
        return speak("x")

    handler.__annotations__["value"] = annotation
    with pytest.raises(ConfigurationError, match="cannot be filled from a slot") as caught:
        skill.add_intent_handler("Lookup", handler)
    assert "add_service" not in str(caught.value)


# --- a hook scoped to an intent that never comes ------------------------------------------------


def _started(skill: Skill, caplog: pytest.LogCaptureFixture) -> list[str]:
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        skill.start()
    return [record.getMessage() for record in caplog.records if "hook" in record.getMessage()]


def _weather_skill() -> Skill:
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.intent("GetWeather", utterances=["what is the weather"])
    def weather() -> Response:
        return speak("Sunny.")

    return skill


def _note(when: str) -> Any:
    def note() -> None:
        return None

    note.__qualname__ = f"note_{when}"
    return note


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_hook_scoped_to_a_misspelt_intent_is_warned_of(
    when: str, caplog: pytest.LogCaptureFixture
) -> None:
    skill = _weather_skill()
    add = skill.add_before_request if when == "before" else skill.add_after_request
    add(_note(when), intents=["GetWether"])
    [warning] = _started(skill, caplog)
    assert f"note_{when}" in warning
    assert f"{when}-request hook" in warning
    assert "'GetWether'" in warning
    assert "did you mean GetWeather?" in warning


def test_a_hook_scoped_to_an_intent_the_model_lacks_is_warned_of(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = _weather_skill()
    skill.add_before_request(_note("before"), intents=["OrderPizza", "AMAZON.YesIntent"])
    pizza, yes = sorted(_started(skill, caplog), key=lambda warning: "Yes" in warning)
    assert "'OrderPizza'" in pizza
    assert "never runs" in pizza
    assert "did you mean" not in pizza
    assert "handle it, @skill.intent('AMAZON.YesIntent')" in yes


def test_a_hook_scoped_to_intents_that_come_is_not_warned_of(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = _weather_skill()
    # Registered before its handler; a required built-in (answered by the fallback) is in
    # every model.
    skill.add_before_request(_note("before"), intents=["GetTime", "AMAZON.HelpIntent"])

    @skill.intent("GetTime", utterances=["what time is it"])
    def time() -> Response:
        return speak("Noon.")

    @skill.can_fulfill("GetWeather")
    def weather_probe() -> None:
        return None

    skill.add_after_request(_note("after"), intents=["GetWeather"])
    assert _started(skill, caplog) == []


def test_with_the_model_elsewhere_only_a_likely_typo_is_warned_of(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # No sample utterances: the model lives in the ASK CLI's files, and may hold intents the
    # fallback answers.
    skill = Skill(DEFAULT_SKILL_ID)
    skill.add_intent_handler("GetWeather", lambda: speak("Sunny."))
    skill.add_fallback_handler(lambda: speak("Hm?"))
    skill.add_before_request(_note("before"), intents=["OrderPizza", "AMAZON.YesIntent"])
    skill.add_before_request(_note("typo"), intents=["GetWether"])
    [warning] = _started(skill, caplog)
    assert "note_typo" in warning
    assert "did you mean GetWeather?" in warning


# --- one rule for a custom name -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Color", "color_name", "A", "Color2", "_Color", "Colör", "Color Name", "", "Color-1"]
)
def test_the_model_builder_takes_the_names_registration_takes(name: str) -> None:
    from alexaskill.builtin_intents import CUSTOM_NAME
    from alexaskill.interaction import builder, samples

    assert (samples.type_name_problem(name) is None) == bool(CUSTOM_NAME.fullmatch(name))
    assert bool(builder._BUILTIN_INTENT.fullmatch(f"AMAZON.{name}")) == bool(
        CUSTOM_NAME.fullmatch(name)
    )
