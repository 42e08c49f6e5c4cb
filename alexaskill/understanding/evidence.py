"""What a reading rests on: words a free-form slot merely swallowed prove little, and words that
carry grammar (function words, fillers) prove nothing.

An exact reading that is mostly free-form words may be beaten by a loose one (`typed_share`);
the closest intent, for a model without AMAZON.FallbackIntent, is chosen only among readings
resting on a word that means something (`rests_on_meaning`); a free-form slot that took only
the word carrying the value said after it ("in" of "call in may") took no value (`carrier_taken`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from .slottypes import FREE, TYPED
from .text import surface

if TYPE_CHECKING:
    from .languages import Language
    from .matcher import Match, SpanCache
    from .retries import OneSlot
    from .slottypes import Fill

__all__ = ["carrier_bar", "carrier_taken", "rests_on_meaning", "typed_share"]


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


def carrier_taken(
    spans: SpanCache, fills: Sequence[tuple[str, Fill, int, int]], language: Language
) -> tuple[tuple[str, int, int], str] | None:
    """The value (slot name, first token, token after the last) of a free-form slot that took
    nothing but value carriers said right before another slot's typed value, and why it is no
    value: "in" of "call in may" (read by "call {name} {date}") is the month's carrier, no
    name. Asked of a reading found, never of each span tried."""
    carriers = language.value_carriers
    starts = {start for _, fill, start, _ in fills if fill.kind == "typed"}
    for name, fill, start, end in fills:
        if fill.weight > FREE or end not in starts:
            continue
        if all(word in carriers for word in spans.words[start:end]):
            said = surface(spans.tokens[start:end])
            return (name, start, end), f"{said!r} carries the value after it, no value of its own"
    return None


def carrier_bar(
    spans: SpanCache, fills: Sequence[tuple[str, Fill, int, int]], language: Language, why: str
) -> OneSlot | None:
    """The bar of a reading refused as `carrier_taken`'s (``why``): the carrier's words from
    that slot alone, and kept (no next reading leaves them out): the value's, with the value."""
    found = carrier_taken(spans, fills, language)
    return (found[0], found[0][1:]) if found is not None and found[1] == why else None
