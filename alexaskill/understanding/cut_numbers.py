"""Numbers a loose reading cuts short: a word that says how many left out of a number ("5k"
read as 5, "a dozen" with the number slot empty) or an ordinal said apart from one ("episode
five first"), for `cut.cut_value`."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from .quoted import quoted
from .text import surface

if TYPE_CHECKING:
    from .languages import Language
    from .matcher import SpanCache
    from .slottypes import Fill, SlotKind

__all__ = ["apart_from_number", "changes_number", "number_lost"]

#: Types whose values are cardinal numbers: an ordinal said next to one is another word.
_CARDINALS = frozenset({"AMAZON.NUMBER", "AMAZON.FOUR_DIGIT_NUMBER"})


#: Words that multiply the number said before them ("five k", "two dozen", "3 hundred"), never
#: the first word of another slot's value. (A fraction may be: "2 quarter pounders", as may
#: "double" of "5 double burgers".) English, as cut.py's `_RANGES` is.
_MULTIPLIERS = frozenset(
    {"k", "grand", "dozen", "dozens", "hundred", "thousand", "million", "billion"}
)


def number_lost(
    kinds: Mapping[str, SlotKind],
    spans: SpanCache,
    fills: Sequence[tuple[str, Fill, int, int]],
    extra: Collection[int],
) -> str | None:
    """Why a reading leaving a number slot empty and a word that says how many out ("a dozen"
    of "give me a dozen pizzas", "a couple") is none: the user said how many, no slot has it."""
    filled = {fill[0] for fill in fills}
    # The slot's name, not its type's ("AMAZON.NUMBER"), which two slots may share.
    empty = (name for name, kind in kinds.items() if name not in filled)
    number = next((name for name in empty if kinds[name].name in _CARDINALS), None)
    if number is None:
        return None
    at = next((at for at in sorted(extra) if _says_how_many(spans, at)), None)
    if at is None:
        return None
    start, end = at, at + 1
    while start - 1 in extra:
        start -= 1
    while end in extra:
        end += 1
    said, word = surface(spans.tokens[start:end]), surface(spans.tokens[at : at + 1])
    why = f"{quoted(word)} makes no number it reads"
    return f"{quoted(said)} would be left out, the {number} slot empty ({why})"


def _says_how_many(spans: SpanCache, at: int) -> bool:
    """Whether the word at ``at`` says how many: one that multiplies a number ("a dozen"), or
    the "couple" of "a couple" (no number either; "the couple" is two people, not a count)."""
    word = spans.words[at]
    return word in _MULTIPLIERS or (word == "couple" and at > 0 and spans.words[at - 1] == "a")


def changes_number(kind: SlotKind, spans: SpanCache, at: int) -> bool:
    """Whether the word at ``at``, after a number, multiplies it ("k" of "five k", "5k")."""
    return kind.name in _CARDINALS and spans.words[at] in _MULTIPLIERS


def apart_from_number(
    kind: SlotKind, spans: SpanCache, at: int, value: tuple[int, int], language: Language
) -> bool:
    """Whether ``at`` holds an ordinal said apart from the number of a number slot: "episode
    five *first*" is episode 5, where "twenty *first*" would be one ordinal, cut short."""
    if kind.name not in _CARDINALS:
        return False
    ordinal = language.slot_parser("AMAZON.Ordinal")
    if ordinal is None:
        return False
    said = spans.words[value[0] : value[1]]
    word = spans.words[at]
    joined = [*said, word] if at >= value[1] else [word, *said]
    return ordinal(joined, spans.now) is None
