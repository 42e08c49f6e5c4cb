"""What the per-locale model tests share (tests/test_locales.py and test_locales_prompts.py): a
skill's model in one locale, below its ``interactionModel`` key."""

from __future__ import annotations

from typing import Any

from alexaskill import Skill
from alexaskill.interaction import build_interaction_model


def language_model(skill: Skill, locale: str) -> dict[str, Any]:
    """``skill``'s interaction model in ``locale`` (invoked as "weather helper"), below its
    ``interactionModel`` key."""
    model = build_interaction_model(skill, locale=locale, invocation="weather helper")
    found: dict[str, Any] = model["interactionModel"]
    return found
