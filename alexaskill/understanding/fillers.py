"""Reading an utterance with its filler words left out ("um", "please", "oh"), as Alexa ignores
them, unless leaving one out changes a value: "oh" is a filler and a zero, and "one two oh
three four" is no four-digit 1234.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Final

from .afterwords import thanks_words
from .languages import Language
from .matcher import Match, SampleMatcher, SpanCache
from .quoted import quoted
from .slot_words import KNOWN
from .slottypes import Fill
from .text import Token

__all__ = ["exact_past_fillers", "exact_without_fillers", "filler_in_value"]

#: A reading with the words it left over given to its intent's other slots, or None where that
#: cuts a value short (`Reader._generalise`).
Generalised = Callable[[Match, SpanCache], Match | None]


def exact_without_fillers(
    matcher: SampleMatcher,
    spans: SpanCache,
    language: Language,
    over: Match | None = None,
    generalised: Generalised | None = None,
    *,
    answer: bool = False,
) -> tuple[Match | None, SpanCache]:
    """The exact reading of the words with the filler words left out, and the spans of the
    words it reads. Leaving out one said inside a value it is part of ("oh", a zero, in "six oh
    four five") changes the value: then the fillers inside the words are kept, only those at
    either end of a run of them left out ("um six oh four five please"). A filler that is a
    sample's word is read as that word ("*so* i can go to {city}"), and none that may be a word
    of meaning is left out from inside words one value takes ("i'd *like* to go to paris" is no
    city "i'd to go to paris"). None (and ``spans``)
    when there is no filler or no exact reading (``spans.cut`` says when a value would change).
    ``over``, the exact reading of all the words, is bettered only by a reading whose sample
    says more words, a carrier its value took (`filler_in_value`), or one that leaves out only
    fillers a pause would stand for (`_as_pauses`: "new *um* york" is "new york", where
    "the beatles *hey* jude" stays whole), or that, its words left over given to the intent's
    other slots (``generalised``), reads no filler into a value: "please" of "book a trip to
    berlin *please* for three" ends the city, "for three" the party. ``answer``: the words are
    a dialog answer, whose first word may open a value as a sample's word does (`_edge_words`).
    """
    found = _kept_reading(matcher, spans, language, over, generalised, answer=answer)
    return (None, spans) if found is None else found[:2]


def exact_past_fillers(
    matcher: SampleMatcher, spans: SpanCache, language: Language
) -> Match | None:
    """The exact reading of ``spans``' words, or, where there is none or it takes a filler into
    a value, the one with fillers left out (`exact_without_fillers`), its positions those of
    the words as said: "echo park please" is "{city}" of "echo park", 0 to 2."""
    match = matcher.exact(spans)
    if match is not None and not filler_in_value(match, spans, language):
        return match
    found = _kept_reading(matcher, spans, language, match)
    if found is None:
        return match
    kept_match, _, kept = found
    fills = tuple(
        (name, fill, kept[start], kept[stop - 1] + 1)
        for name, fill, start, stop in kept_match.fills
    )
    return dataclasses.replace(kept_match, fills=fills, exact=False)


def _kept_reading(
    matcher: SampleMatcher,
    spans: SpanCache,
    language: Language,
    over: Match | None,
    generalised: Generalised | None = None,
    *,
    answer: bool = False,
) -> tuple[Match, SpanCache, list[int]] | None:
    """`exact_without_fillers`' reading, the spans of the words it reads and their positions
    among ``spans``' tokens; None where there is none."""
    tokens, fillers = spans.tokens, language.fillers
    said = [token.text not in fillers for token in tokens]
    # A filler said after thanks stresses them ("thank you *so* much"): kept, as the thanks
    # are, so that they are left out whole and the value's words counted without them
    # (`answer_values.thanked`); left out, "lyon thank you so much" was the custom value
    # "lyon thank you much".
    thanking = False
    for at, token in enumerate(tokens):
        thanking = token.text in language.courtesies or (
            thanking and token.text in thanks_words(language)
        )
        said[at] = said[at] or thanking
    inner = [
        at
        for at in range(len(tokens))
        if said[at] or (0 < at < len(tokens) - 1 and said[at - 1] and said[at + 1])
    ]
    # A filler that is a word of a sample is tried first as that word ("*so* i can go to
    # {city}", "i'd *like* to go to {city}"); one such that a value took ("just take me to
    # *like* paris") is a filler there, and left out.
    own = {word for sample in matcher.samples for word in sample.words}
    words = [at for at in range(len(tokens)) if said[at] or tokens[at].text in own]
    only_said = [at for at in inner if said[at]]
    # ``inner`` is tried even when ``words`` has its positions: read as ``words``, a filler a
    # value took is left out ("just take me to *like* paris", "like" a word of a sample), and a
    # value split by it refused; as ``inner``, the value keeps it, as it does with no such sample.
    tried = _unique([words, only_said]) + ([] if inner == only_said else [inner])
    if len(words) == len(tokens):
        # Every word a said one or a sample's: each such filler is left out in turn, as one
        # said twice ("i like *like* paris") or before the carrier ("*like* i like paris") is.
        tried[:1] = [[at for at in words if at != left] for left in words if not said[left]]
    least = -1 if over is None else len(over.sample.words)
    for kept in tried:
        if not kept or len(kept) == len(tokens):
            continue
        kept_spans = SpanCache(_paused(tokens, kept), spans.now)
        match = matcher.exact(kept_spans)
        taken = [] if match is None or kept is inner else _in_values(match, kept, said)
        if taken:
            kept = [at for at in kept if at not in taken]
            kept_spans = SpanCache(_paused(tokens, kept), spans.now)
            match = matcher.exact(kept_spans)
        if match is None or _split_value(match, kept, spans, language):
            continue
        if _listed_cut(match, kept, spans):
            continue  # "um *please* touch museum" listed: no "touch museum" without the word
        edges = _edge_words(match, kept, spans, language, answer=answer)
        if edges:  # "play *hey* jude": no song "jude" where "hey jude" is one
            kept = sorted({*kept, *edges})
            kept_spans = SpanCache(_paused(tokens, kept), spans.now)
            match = matcher.exact(kept_spans)
            if match is None or _edge_words(match, kept, spans, language, answer=answer):
                continue
        if (
            len(match.sample.words) <= least
            and not _as_pauses(match, kept, spans, language)
            and not _between_values(match, kept, kept_spans, len(tokens), generalised)
        ):
            continue  # no carrier more than ``over``'s: its value keeps it ("new like york")
        dropped = _dropped_from_value(match, kept, spans, language)
        if dropped is not None:
            spans.cut.append(dropped)
            continue
        return match, kept_spans, kept
    return None


def filler_in_value(match: Match, spans: SpanCache, language: Language) -> bool:
    """Whether ``match``, an exact reading of all the words, reads a filler into a value of
    any words: "i like *like* paris" is no city "i like like paris" where "i like {city}" reads
    it without the filler said twice (`exact_without_fillers`'s ``over``). So is a loose
    reading that leaves out a hesitation said right before a value: "plan a trip to *um* new
    york" is "new york", the hesitation a pause (`_as_pauses`), as "new *um* york" is, no words
    not in the sample."""
    starts = {start for _, _, start, _ in match.fills}
    # One at either end of a value its type takes there ("play *hey* jude", `edge_fillers`) is
    # a word of it, but one said first, with no word of the sample before it ("*so* play jazz"
    # of "{query}"), where it opens the request.
    return any(
        fill.kind not in KNOWN and spans.words[at] in language.fillers
        for _, fill, start, end in match.fills
        for at in range(start, end)
        if at == 0 or start < at < end - 1
    ) or any(at + 1 in starts and spans.words[at] in language.hesitations for at in match.extra_at)


def _unique(sets: Sequence[list[int]]) -> list[list[int]]:
    """``sets`` in order, each once."""
    found: list[list[int]] = []
    for kept in sets:
        if kept not in found:
            found.append(kept)
    return found


def _in_values(match: Match, kept: Sequence[int], said: Sequence[bool]) -> list[int]:
    """The positions of the fillers among ``kept`` that ``match`` reads into a value."""
    return [
        kept[at]
        for _, _, start, end in match.fills
        for at in range(start, end)
        if not said[kept[at]]
    ]


def _split_value(match: Match, kept: Sequence[int], spans: SpanCache, language: Language) -> bool:
    """Whether ``match`` reads as one value of any words those said on either side of a filler
    left out that may be a word of meaning: "i'd *like* to go to paris" is no city "i'd to go
    to paris". A pure filler ("new *um* york") is no word of a value."""
    pure = language.pure_fillers
    for _, fill, start, end in match.fills:
        if fill.kind in KNOWN or end - start < 2:
            continue
        left_out = set(range(kept[start], kept[end - 1] + 1)) - set(kept)
        if any(spans.words[at] not in pure for at in left_out):
            return True
    return False


def _listed_cut(match: Match, kept: Sequence[int], spans: SpanCache) -> bool:
    """Whether ``match``, a reading of the words at ``kept``, reads a value of a listed value's
    words less a filler it left out beside them: "please" of "visit um *please* touch museum",
    "please touch museum" listed, or "um" of "visit um *um* el fahm", "um el fahm" listed. A
    filler that opens or ends a listed value is a word of it, as one inside a title is."""
    tokens, now = spans.tokens, spans.now
    kinds = {each.name: each.kind for each in match.sample.elements if not isinstance(each, str)}
    for name, fill, start, end in match.fills:
        if fill.kind == "listed":
            continue
        first, last = kept[start], kept[end - 1]
        before = kept[start - 1] + 1 if start else 0
        after = kept[end] if end < len(kept) else len(tokens)
        # A listed value has a few words: a few left out on either side can make one.
        for opening in range(max(before, first - _BESIDE), first + 1):
            for closing in range(last + 1, min(after, last + 1 + _BESIDE) + 1):
                if (opening, closing) == (first, last + 1):
                    continue
                found = kinds[name].fill(tokens[opening:closing], now)
                if found is not None and found.kind == "listed":
                    return True
    return False


#: How many words left out beside a value `_listed_cut` tries as words of a listed value.
_BESIDE: Final = 3


def _edge_words(
    match: Match, kept: Sequence[int], spans: SpanCache, language: Language, *, answer: bool
) -> list[int]:
    """The fillers ``match``, a reading of the words at ``kept``, left out at the start of a
    value of any words, after a word said before it, or at its end, that its slot's type takes
    there (`slottypes.edge_fillers`), as their positions: "hey" of "play *hey* jude", "oh well"
    of "play *oh well* in the kitchen". A title keeps its words; "please" of "cheap flights
    *please*", which no such value ends with, and a hesitation, a pause, still go ("play um
    hey jude" is "hey jude"). In a dialog ``answer`` the value may take the first word said too
    ("hey jude" asked for a song), unless a pause follows it ("well, lemonade"): a filler said
    first opens a request ("*so* play jazz"), but an answer is the value."""
    tokens, now, hesitations = spans.tokens, spans.now, language.hesitations
    lowest = 0 if answer else 1
    kinds = {each.name: each.kind for each in match.sample.elements if not isinstance(each, str)}
    found: list[int] = []
    for name, fill, start, end in match.fills:
        if fill.kind in KNOWN:
            continue
        first, last = kept[start], kept[end - 1]
        before = kept[start - 1] + 1 if start else 0
        after = kept[end] if end < len(kept) else len(tokens)
        said = [tokens[at] for at in kept[start:end]]
        # The most words first: "oh well" of "play oh well", not "well" alone.
        for opening in range(max(before, first - _BESIDE, lowest), first):
            if opening == 0 and any(tokens[at].pause for at in range(first)):
                continue  # "*well*, lemonade": a word opening the turn, no part of the value
            taken = [at for at in range(opening, first) if tokens[at].text not in hesitations]
            if taken and kinds[name].fill([tokens[at] for at in taken] + said, now) is not None:
                found += taken
                break
        for closing in range(min(after, last + 1 + _BESIDE), last + 1, -1):
            taken = [at for at in range(last + 1, closing) if tokens[at].text not in hesitations]
            if taken and kinds[name].fill(said + [tokens[at] for at in taken], now) is not None:
                found += taken
                break
    return found


def _between_values(
    match: Match,
    kept: Sequence[int],
    kept_spans: SpanCache,
    size: int,
    generalised: Generalised | None,
) -> bool:
    """Whether ``match``, a reading of the words at ``kept`` of ``size`` said, leaves out only
    words said within no value once the words it left over went to the intent's other slots
    (``generalised``): "please" of "book a trip to berlin *please* for three" is said after the
    city "berlin", before "for three", the party; read before, the city took "for three" too,
    and the filler was inside it."""
    found = None if generalised is None else generalised(match, kept_spans)
    if found is None:
        return False
    values = [range(kept[start] + 1, kept[end - 1]) for _, _, start, end in found.fills]
    return not any(at in value for at in set(range(size)) - set(kept) for value in values)


def _as_pauses(match: Match, kept: Sequence[int], spans: SpanCache, language: Language) -> bool:
    """Whether each filler ``match``, a reading of the words at ``kept``, leaves out is a pause
    said aloud inside a value: a hesitation, pauses beside it or not ("new *um* york" and "new,
    *um*, york", as "new, york"; one said first too, after a word of the sample: "to *um* new
    york"), or any other filler within a value its slot's type knows, with no pause beside it
    ("echo *like* park" listed, as "echo, park"). One that may be a word of meaning stays in
    words of any kind ("new *like* york"), and so does a courtesy or a call, a word of titles
    ("pretty *please*", "the beatles *hey* jude"); one said beside a pause (but a hesitation),
    or before thanks, an afterword or a "not", which are no part of the value, ends its words
    ("yes *please*, thanks", "rome *please* not")."""
    tokens = spans.tokens
    after = language.courtesies | language.afterwords | language.hedges | language.negations
    inside = [
        (range(kept[start] + 1, kept[end - 1]), fill.kind in KNOWN)
        for _, fill, start, end in match.fills
    ]
    # A hesitation may open a value too, after a word of the sample ("plan a trip to *um* new
    # york"), as it may be said inside one.
    opening = [
        range(kept[start - 1] + 1, kept[end - 1]) for _, _, start, end in match.fills if start
    ]
    hesitations = language.hesitations
    # Inside a value first: then a word of it is said before it and after it.
    return all(
        (
            any(
                at in value and (known or tokens[at].text in hesitations) for value, known in inside
            )
            or (tokens[at].text in hesitations and any(at in value for value in opening))
        )
        # A hesitation is a pause, pauses beside it or not ("new, um, york" as "new um york").
        and (tokens[at].text in hesitations or not (tokens[at - 1].pause or tokens[at].pause))
        and tokens[next(each for each in kept if each > at)].text not in after
        for at in set(range(len(tokens))) - set(kept)
    )


def _paused(tokens: Sequence[Token], kept: Sequence[int]) -> list[Token]:
    """The tokens at ``kept``, each carrying the pause of the fillers left out after it: "five
    um, six" is five, then six (no 56), as "five, six" is."""
    found = []
    for index, at in enumerate(kept):
        token = tokens[at]
        after = kept[index + 1] if index + 1 < len(kept) else len(tokens)
        if not token.pause and any(tokens[left].pause for left in range(at + 1, after)):
            dash = any(tokens[left].dash for left in range(at + 1, after))
            token = dataclasses.replace(token, pause=True, dash=dash)
        found.append(token)
    return found


def _dropped_from_value(
    match: Match, kept: Sequence[int], spans: SpanCache, language: Language
) -> str | None:
    """Why ``match``, a reading of the words at ``kept`` among ``spans``' tokens, changes a parsed
    value, if it does: a filler the value's type knows was said inside it and left out, or
    right before it, unpaused, making a value with the words after it: "oh" of "oh seven
    thirty tonight" (no time: the zero says the 24-hour clock, 07:30, which "tonight" does
    not move), no 19:30. "Oh, seven thirty tonight" is 19:30, and "oh seven" 07:00."""
    words = spans.words
    kinds = {
        element.name: element.kind
        for element in match.sample.elements
        if not isinstance(element, str)
    }
    for name, fill, start, end in match.fills:
        own = language.slot_vocabulary(kinds[name].name) or frozenset()
        before = _opening(language, kinds[name].name, fill, kept[start] - 1, spans, kept)
        if before is not None:
            return before
        # Each value a multiple-value slot holds ("one oh five and six"), as its positions.
        offsets = {id(token): start + offset for offset, token in enumerate(fill.tokens)}
        for value in fill.parts if fill.kind == "list" else (fill,):
            if value.kind != "typed" or not value.tokens:
                continue
            first = kept[offsets.get(id(value.tokens[0]), start)]
            last = kept[offsets.get(id(value.tokens[-1]), end - 1)]
            for at in range(first + 1, last):
                if words[at] in own and at not in kept:
                    said = " ".join(words[first : last + 1])
                    return f"{quoted(said)} read without {quoted(words[at])} would change the value"
    return None


def _opening(
    language: Language,
    slot_type: str,
    fill: Fill,
    at: int,
    spans: SpanCache,
    kept: Sequence[int],
) -> str | None:
    """Why leaving out the filler at ``at``, right before ``fill``'s words, changes its value,
    if it does (`_dropped_from_value`)."""
    parse = language.slot_parser(slot_type)
    own = language.slot_vocabulary(slot_type) or frozenset()
    if parse is None or fill.kind != "typed" or at < 0 or at in kept or spans.tokens[at].pause:
        return None
    word, said, now = spans.words[at], [token.text for token in fill.tokens], spans.now
    if word not in own or all(parse([word, *said[:size]], now) is None for size in range(1, 4)):
        return None
    if parse([word, *said], now) == fill.value:
        return None
    return f"{quoted(' '.join([word, *said]))} read without {quoted(word)} would change the value"
