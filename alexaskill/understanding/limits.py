"""The sizes of an interaction model that Amazon's build refuses.

A skill has at most 250 intents, its built-in intents counted (Amazon's "Create Intents,
Utterances, and Slots" points to its "Interaction model limits" for this), and its custom slot
types hold at most 50,000 values together (Amazon's "Custom Interaction Model Reference": "a
total of 50,000 custom slot values, totaled across all custom slots"). Synonyms are not values:
they are not counted.
"""

from __future__ import annotations

from typing import Final

from .model import InteractionModel

__all__ = ["limit_problems"]

_MAX_INTENTS: Final = 250
_MAX_SLOT_VALUES: Final = 50_000


def limit_problems(model: InteractionModel) -> list[str]:
    """What ``model`` holds past Amazon's limits, one message each, naming what to cut."""
    problems = []
    intents = len(model.intents)
    if intents > _MAX_INTENTS:
        problems.append(
            f"the model has {intents} intents; Amazon's build takes at most {_MAX_INTENTS}, "
            f"built-in intents included: remove {intents - _MAX_INTENTS} (or merge intents that "
            "differ only in a word into one intent with a slot)"
        )
    # The values listed for an extended built-in type (AMAZON.City) are custom values too.
    counts = {name: len(declared.values) for name, declared in model.types.items()}
    total = sum(counts.values())
    if total > _MAX_SLOT_VALUES:
        largest = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:3]
        named = ", ".join(f"{name} {count:,}" for name, count in largest)
        problems.append(
            f"the model's slot types have {total:,} values in all; Amazon's build takes at most "
            f"{_MAX_SLOT_VALUES:,} across every custom slot type (the largest: {named}); remove "
            f"{total - _MAX_SLOT_VALUES:,}"
        )
    return problems
