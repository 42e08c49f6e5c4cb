"""What the page offers the user to say first, for the skill and locale a page talks to."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..understanding import Understander

__all__ = ["examples"]

_SHOWN = 8
_ALWAYS = ("help", "stop")


def examples(understander: Callable[[], Understander]) -> list[str]:
    """Opening the skill, then a sample of each intent of its own (one without slots, else one
    said with example values; as many as leave room), help and stop.

    ``understander`` gives the skill's model for the locale; a model that cannot be built
    offers only "open the skill" (the turn says why it cannot be understood).
    """
    # In the function: the module map places understanding above the simulator.
    from ..understanding.check_conflicts import said_with_examples

    try:
        model = understander().model
    except Exception:
        return ["open the skill"]
    # A model without an invocation name (the one built from the code) opens by any name.
    said = [f"open {model.invocation}" if model.invocation else "open the skill"]
    for intent in model.intents:
        if intent.name.startswith("AMAZON."):
            continue
        sample = next((text for text in intent.samples if "{" not in text), None)
        if sample is None and intent.samples:
            # Every sample names a slot (the cafe's "a {drink} please"): one said with example
            # values, else the page offered nothing of the intent to say.
            sample = said_with_examples(model, intent, intent.samples[0])
        if sample is not None:
            said.append(sample)
    # The skill's own are cut, never help and stop: every skill answers them, and a user
    # trying it needs them most (a skill of many intents cut them off the end).
    return [*said[: _SHOWN - len(_ALWAYS)], *_ALWAYS]
