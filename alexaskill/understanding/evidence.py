"""What a reading rests on: words a free-form slot merely swallowed prove little.

Used where the understander weighs a reading found by `matcher.SampleMatcher`: an exact reading
that is mostly free-form words may be beaten by a loose one (`typed_share`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .slottypes import FREE, TYPED

if TYPE_CHECKING:
    from .matcher import Match

__all__ = ["typed_share"]


def typed_share(match: Match) -> float:
    """How much of a reading rests on words a slot merely swallowed (0 to 1)."""
    free = sum(end - start for _, fill, start, end in match.fills if fill.weight <= FREE)
    said = sum(end - start for _, fill, start, end in match.fills if fill.weight >= TYPED)
    total = free + said + len(match.sample.words)
    return free / total if total else 0.0
