"""What the dialog model's tests (tests/test_dialog_model.py, tests/test_dialog_model_windows.py)
share: the interaction model ``alexaskill model`` makes of a skill."""

from __future__ import annotations

from typing import Any

from alexaskill import Skill
from alexaskill.interaction import build_interaction_model


def built(skill: Skill) -> dict[str, Any]:
    """The en-US interaction model of ``skill`` (invoked as "trip planner"), below its
    ``interactionModel`` key."""
    model: dict[str, Any] = build_interaction_model(
        skill, locale="en-US", invocation="trip planner"
    )["interactionModel"]
    return model
