"""What the interaction model tests share (tests/test_interaction*.py): an enum of colours, and the
model, its language model, its intents, or the problems that refuse it, built from a skill."""

from __future__ import annotations

import enum
from typing import Any

import pytest

from alexaskill import Skill
from alexaskill.interaction import InteractionModelError, build_interaction_model


class Color(enum.Enum):
    RED = "red"
    DARK_BLUE = "dark blue"


def model(skill: Skill, invocation: str = "colour helper", locale: str = "en-US") -> Any:
    return build_interaction_model(skill, locale=locale, invocation=invocation)


def language(skill: Skill, **options: Any) -> dict[str, Any]:
    result: dict[str, Any] = model(skill, **options)["interactionModel"]["languageModel"]
    return result


def intents(skill: Skill) -> dict[str, dict[str, Any]]:
    return {intent["name"]: intent for intent in language(skill)["intents"]}


def problems(skill: Skill, **options: Any) -> tuple[str, ...]:
    with pytest.raises(InteractionModelError) as caught:
        model(skill, **options)
    return caught.value.problems
