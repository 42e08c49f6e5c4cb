"""Registration mistakes about what a handler or hook is tied to: a service added after the
handlers that take it, a hook scoped to an intent that never comes."""

from __future__ import annotations

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
