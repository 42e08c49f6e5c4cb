"""What a reading rests on: words a free-form slot merely swallowed prove little, and words that
carry grammar (function words, fillers) prove nothing.

An exact reading that is mostly free-form words may be beaten by a loose one (`typed_share`);
the closest intent, for a model without AMAZON.FallbackIntent, is chosen only among readings
resting on a word that means something (`rests_on_meaning`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from .slottypes import FREE, TYPED

if TYPE_CHECKING:
    from .matcher import Match

__all__ = ["rests_on_meaning", "typed_share"]


def typed_share(match: Match) -> float:
    """How much of a reading rests on words a slot merely swallowed (0 to 1)."""
    free = sum(end - start for _, fill, start, end in match.fills if fill.weight <= FREE)
    said = sum(end - start for _, fill, start, end in match.fills if fill.weight >= TYPED)
    total = free + said + len(match.sample.words)
    return free / total if total else 0.0


def rests_on_meaning(match: Match, words: Sequence[str], idle: Collection[str]) -> bool:
    """Whether a reading of ``words`` rests on one that means something: a word said that its
    sample has (or its stem), or that a slot's type reads (a date, a number, a listed value),
    and is not in ``idle``, the language's function words and fillers ("is" of "that's enough"
    proves nothing). Words left over, or taken by a free-form slot (AMAZON.City takes any), are
    no ground."""
    ignored = set(match.extra_at)
    for _, fill, start, end in match.fills:
        if fill.weight <= FREE:
            ignored.update(range(start, end))
    return any(word not in idle for at, word in enumerate(words) if at not in ignored)
