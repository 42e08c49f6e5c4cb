"""Loose matching's word-by-word alignment of an utterance with one sample, and what each
difference costs: a word said that the sample lacks, a sample word not said, a slot left empty,
words a free-form slot merely takes.

The best alignment is found by a search memoised on (sample element, token), so it visits each
pair once; `SampleMatcher.align` judges what it finds (a value cut short is no reading).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any, Final

from .retries import Bar
from .slot_kinds import FreeKind
from .slottypes import FREE, Fill, SlotKind

if TYPE_CHECKING:
    from .languages import Language
    from .matcher import Sample, SpanCache

__all__ = ["SLOT_COST", "WORD", "Alignment", "best_alignment", "extra_cost", "invented"]

WORD: Final = 1.0
SLOT_COST: Final = 0.05
# Loose matching: what a difference costs.
_STEM_MATCH: Final = 0.7
_EXTRA_WORD: Final = 0.55
_EXTRA_FUNCTION_WORD: Final = 0.3
_EXTRA_FILLER: Final = 0.1
_MISSING_WORD: Final = 0.45
# A word no sample uses said in place of a sample's word of meaning ("wipe" for "clear" of
# "clear my list"): likelier its paraphrase than a word added and one left out apart (0.55 +
# 0.45), as an edit distance counts one substitution, not an insertion and a deletion.
_SUBSTITUTED: Final = 0.8
_MISSING_FUNCTION_WORD: Final = 0.15
_EMPTY_SLOT: Final = 0.3
#: Scores closer than this are a tie: sums of the same costs in another order differ by less.
_TIE: Final = 1e-9
_FUNCTION_MATCH: Final = 0.6
# Loosely, words a free-form slot (or unlisted custom words) swallow prove nearly nothing: the
# sample's own words must carry the match. A word the model's samples use ("trip" of "plan a
# trip") is unlikely to be part of a value: swallowing it costs.
_LOOSE_FREE_WORD: Final = 0.05
_LOOSE_FREE_KNOWN_WORD: Final = -0.3
# ... and a free-form value only the loose reading sees is a guess: it costs a little more.
_LOOSE_FREE_SLOT: Final = 0.25

#: An alignment: its score, the slots' fills (slot name, what it holds, first token, token
#: after the last), the positions of the words said that the sample lacks, and the sample's
#: words not said.
Alignment = tuple[float, list[tuple[str, Fill, int, int]], list[int], list[str]]


def extra_cost(word: str, language: Language) -> float:
    """What a word said that the sample lacks costs a reading: little for a filler ("um"),
    more for a function word, most for a word of meaning."""
    if word in language.fillers:
        return _EXTRA_FILLER
    return _EXTRA_FUNCTION_WORD if word in language.function_words else _EXTRA_WORD


def invented(kind: SlotKind, fill: Fill) -> bool:
    """Whether ``fill`` holds words its custom type does not list (a value or synonym, or a
    value of the built-in type it extends), of a type that has no other values: AMAZON.City,
    extended with values or not, takes any city; a custom type of its own lists its values."""
    base = getattr(kind, "base", kind)  # a multiple-value slot's type
    if isinstance(getattr(base, "fallback", None), FreeKind):
        return False
    return any(part.kind == "unlisted" for part in (fill.parts or (fill,)))


def best_alignment(
    sample: Sample,
    spans: SpanCache,
    stems: Sequence[str],
    element_stems: Sequence[str],
    language: Language,
    vocabulary: Collection[str],
    barred: Collection[Bar] = (),
    listed: bool = False,
) -> Alignment | None:
    """The best word-by-word alignment of the cache's tokens (their stems ``stems``) with
    ``sample`` (its words' stems ``element_stems``), its slots filled with no span of ``barred``
    (first token, token after the last; a slot's name before them bars them from it alone);
    with ``listed``, no custom slot holds words its type does not list (`invented`).
    ``vocabulary``: the meaningful words the model's samples use."""
    words = spans.words
    elements = sample.elements
    size, count = len(words), len(elements)
    function_words = language.function_words
    memo: dict[tuple[int, int], tuple[float, object] | None] = {}

    carriers = language.value_carriers

    def stands_for_carrier(at: int, e: int) -> bool:
        # A carrier said where the sample carries the slot's value with its own, unsaid ("for"
        # of "weather for paris", the sample's "in {city}"), is no word of the value; after
        # the sample's own, it may be one ("on the road again" of "play the song {song}").
        before = elements[e - 1] if e > 0 else None
        return (
            words[at] in carriers
            and isinstance(before, str)
            and before in carriers
            and (at == 0 or words[at - 1] != before)
        )

    def best(e: int, at: int) -> tuple[float, object] | None:
        key = (e, at)
        if key in memo:
            return memo[key]
        top: tuple[float, object] | None = (0.0, None) if e == count and at == size else None
        if at < size:
            # A word the sample does not have.
            rest = best(e, at + 1)
            if rest is not None:
                score = rest[0] - extra_cost(words[at], language)
                if top is None or score > top[0]:
                    top = (score, (("extra", at), rest[1]))
        if e < count:
            element = elements[e]
            if isinstance(element, str):
                rest = best(e + 1, at)
                if rest is not None:
                    missing = element in function_words
                    score = rest[0] - (_MISSING_FUNCTION_WORD if missing else _MISSING_WORD)
                    if top is None or score > top[0]:
                        top = (score, (("missing", element), rest[1]))
                if (
                    at < size
                    and element not in function_words
                    and words[at] not in vocabulary
                    and words[at] not in function_words
                    and words[at] not in language.fillers
                ):
                    rest = best(e + 1, at + 1)
                    if rest is not None:
                        score = rest[0] - _SUBSTITUTED
                        if top is None or score > top[0]:
                            top = (score, (("extra", at), (("missing", element), rest[1])))
                if at < size and (words[at] == element or stems[at] == element_stems[e]):
                    rest = best(e + 1, at + 1)
                    if rest is not None:
                        gain = WORD if words[at] == element else _STEM_MATCH
                        if element in function_words:
                            gain *= _FUNCTION_MATCH
                        score = rest[0] + gain
                        if top is None or score > top[0]:
                            top = (score, rest[1])
            else:
                kind = element.kind
                last = min(size, at + kind.max_words)
                # The sample's word before the slot, said, is the sample's, not the value's
                # ("at" of "at 6 30" read by "wake me up at {time}"), when the value is the
                # same without it: the reading that matches the word is never worse.
                own = e > 0 and at + 1 < size and words[at] == elements[e - 1]
                for end in range(at + 1, last + 1):
                    fill = spans.fill(kind, at, end)
                    if fill is None or (
                        barred and ((at, end) in barred or (element.name, at, end) in barred)
                    ):
                        continue
                    if listed and invented(kind, fill):
                        continue
                    if own and fill.kind == "typed":
                        rest_fill = spans.fill(kind, at + 1, end)
                        if rest_fill is not None and rest_fill.value == fill.value:
                            continue
                    if fill.weight > FREE:
                        gain = fill.weight * (end - at) - SLOT_COST
                    elif end - at > 1 and words[end - 1] in function_words:
                        continue  # "Berlin for me": the value stops before "for"
                    elif stands_for_carrier(at, e):
                        continue  # "for Paris" of "in {city}": "for" carries it, as "in" would
                    else:
                        gain = -_LOOSE_FREE_SLOT
                        for word in words[at:end]:
                            known = word in vocabulary
                            gain += _LOOSE_FREE_KNOWN_WORD if known else _LOOSE_FREE_WORD
                    rest = best(e + 1, end)
                    if rest is None:
                        continue
                    score = rest[0] + gain
                    if top is None or score > top[0]:
                        top = (score, (("slot", (element.name, fill, at, end)), rest[1]))
                # Weighed after the values, and only by more than rounding: a value said where
                # two slots could hold it at the same cost ("quiet hours 8 pm" of "{start} to
                # {end}") goes to the earlier slot, whichever its kind, never the sums' noise.
                rest = best(e + 1, at)
                if rest is not None:
                    score = rest[0] - _EMPTY_SLOT
                    if top is None or score > top[0] + _TIE:
                        top = (score, rest[1])
        memo[key] = top
        return top

    result = best(0, 0)
    if result is None:
        return None
    score, path = result
    fills: list[tuple[str, Fill, int, int]] = []
    extra: list[int] = []
    missing: list[str] = []
    while path is not None:
        step: Any
        step, path = path  # type: ignore[misc]
        kind, detail = step
        if kind == "slot":
            fills.append(detail)
        elif kind == "extra":
            extra.append(detail)
        else:
            missing.append(detail)
    return score, fills, extra, missing
