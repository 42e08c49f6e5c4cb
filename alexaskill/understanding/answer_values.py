"""A dialog answer's value among other words: "Paris" of "I want Paris please", asked for a city.

Asked for a slot, a user may say more than the value. The sample of the slot alone ("{city}")
takes every word as the value when the type takes any words (a custom type's unlisted values):
"I want Paris please" was the city "I want Paris". Where the type knows its values (a custom
type's values and synonyms, a built-in type with a format: a number, a date), the value is the
one span of the answer it reads so, the other words left out; none is found when a word left out
denies it ("I do not want Paris") or is a no, or other words are a value too ("Paris or New
York"), or a word said right after a listed value makes it part of another name ("the paris
hotel": the answer is every word, as said in one go). A no said first is no denial: it
answers what came before ("no, paris" is "paris", a name's in a request too: `said_first`).
A free-form built-in type (AMAZON.City without values) knows none: its answer stays every word
said, but for an opening yes, no, stop, cancel or thanks that a pause ends ("no, paris", "stop,
paris"; each: "yes, no, paris"). Words of a yes, a no, stop or cancel are no value of any words
("no, cancel" is no city "cancel": `said_as_reply`). Thanks, an afterword or a hedge said last
is no part of a name's value nor of a listed one, nor what a pause sets apart after them
("paris, thanks", "paris, maybe", "paris, thanks, paris": `without_afterwords`), in a request
too (`thanked`).
The words that take a value back or are no part of it otherwise (a no said last, a correction,
a denial, a don't-know said first) are denials.py's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Final

from .afterwords import afterwords_at, ending_words, ends_said
from .denials import ends_with_no, said_from, said_to
from .fillers import exact_past_fillers
from .languages import Language
from .matcher import Match, Sample, SampleMatcher, SlotRef, SpanCache
from .slot_words import KNOWN, any_words, is_query, slot_ref, spans_of
from .text import Token

__all__ = [
    "REPLIES",
    "carrier_ends",
    "leaving",
    "leaving_after",
    "past_opening",
    "said_as_reply",
    "said_first",
    "swallowed",
    "thanked",
    "thanked_back",
    "value_within",
    "without_afterwords",
]

#: The built-in intents whose phrasings ("yes please", "stop", "never mind") a user says in
#: place of the value asked for: `said_as_reply`.
REPLIES: Final = ("AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.CancelIntent", "AMAZON.StopIntent")
_YES_NO: Final = REPLIES[:2]
_LEAVING: Final = REPLIES[2:]


def swallowed(match: Match) -> bool:
    """Whether ``match`` is a sample of slots alone that took the words as any words."""
    return not match.sample.words and all(
        part.kind not in KNOWN for _, fill, _, _ in match.fills for part in fill.parts or (fill,)
    )


def said_as_reply(match: Match, slot: str, reply: Callable[[str], str | None]) -> bool:
    """Whether ``match`` gives ``slot`` words of any kind (no value its type lists or parses)
    that ``reply`` reads as one of `REPLIES`: the city "cancel" of "no, cancel", "yes" of "yes,
    please". Amazon routes a yes or no asked for a slot to AMAZON.YesIntent / NoIntent unless the
    slot's type lists it ("Use a Dialog Model to Manage Ambiguous Responses"), and "stop" and
    "cancel" end whatever is going on (AMAZON.StopIntent / CancelIntent, which every skill
    has): such words are no value, and the request is understood as said."""
    words = any_words(match, slot)
    if words is None:
        return False
    return reply(words) is not None or leaving_after(words, reply) is not None


def leaving(words: str, reply: Callable[[str], str | None]) -> bool:
    """Whether ``words`` say AMAZON.StopIntent or CancelIntent, alone ("stop", "never mind") or
    after a yes or no ("no, cancel": `leaving_after`): they end whatever is going on, no value
    of a slot, in a request as in an answer (`said_as_reply`)."""
    return reply(words) in _LEAVING or leaving_after(words, reply) is not None


def leaving_after(words: str, reply: Callable[[str], str | None]) -> str | None:
    """AMAZON.StopIntent or CancelIntent where ``words`` are a yes or no and then that intent's
    words ("no, cancel"; "no cancel", the pause unwritten, as a speech recogniser need not write
    it), else None: the yes or no only opens the request."""
    first, _, rest = words.partition(" ")
    if not rest or reply(first) not in _YES_NO:
        return None
    leaving = reply(rest)
    return leaving if leaving in _LEAVING else None


def value_within(
    matcher: SampleMatcher,
    slot: str,
    spans: SpanCache,
    language: Language,
    says_no: Callable[[str], bool],
) -> Match | None:
    """The reading of ``slot``'s bare sample ("{slot}") that takes only a value its type knows
    out of the words said, if there is one and no word left out denies it (or ``says_no``)."""
    bare = _bare(matcher, slot)
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
            if other is not None and other.kind in KNOWN:
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
    """The exact reading of the words after the openings, each a yes, no or thanks (stop or
    cancel where ``answers`` reads them) that a pause ends ("no, paris", "thanks, paris", "yes,
    no, paris": `_opening_end`), and their spans; else ``match`` and ``spans``, the reading of
    every word."""
    end = _opening_end(spans.tokens, language, answers)
    if end is None:
        return match, spans
    rest = SpanCache(spans.tokens[end:], spans.now)
    found = matcher.exact(rest)
    if found is None:
        return match, spans
    # Another opening after it ("no, paris" of "yes, no, paris"): the user means the value
    # after the last one, as a request read again leaves out each (`said_first`).
    if swallowed(found):
        return past_opening(matcher, found, rest, language, answers)
    return found, rest


def _opening_end(
    tokens: Sequence[Token], language: Language, answers: Callable[[str], str | None]
) -> int | None:
    """Where the words after an opening yes, no or thanks that a pause ends start ("paris" of
    "no, paris"), else None; stop or cancel too where ``answers`` reads them (`Replies.reply`:
    "stop, paris", as the answer of a custom type listing paris is "paris"). Said so, such words
    are no part of a value of any words (a free-form city); without the pause they may be (a
    town called "no name"). Thanks alone after them ("no, thanks") is no value either: None."""
    words = [token.text for token in tokens]
    end = next((at + 1 for at, token in enumerate(tokens) if token.pause), len(tokens))
    if end >= len(tokens) or end > 3:
        return None
    polite = words[0] in language.courtesies
    polite &= set(words[:end]) <= language.courtesies | language.function_words
    if not polite and answers(" ".join(words[:end])) is None:
        return None
    # Thanks, a filler or a grammar word alone after it is no value ("no, thanks").
    if set(words[end:]) <= language.courtesies | language.pure_fillers | language.function_words:
        return None
    return end


def said_first(
    match: Match,
    slot: str,
    spans: SpanCache,
    language: Language,
    answers: Callable[[str], str | None],
) -> tuple[int, int] | None:
    """The yes, no or thanks (stop or cancel where ``answers`` reads them) said first within
    ``slot``'s words of any kind, a pause ending it, as (first, end) (`_opening_end`): "no" of
    "plan a trip to no, paris", left out of a request as `past_opening` leaves it out of an
    answer; else None."""
    if any_words(match, slot) is None:
        return None
    for start, end in spans_of(match, slot):
        first = said_from(match, start)
        after = _opening_end(spans.tokens[first:end], language, answers)
        if after is not None:
            return first, first + after
    return None


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


def _bare(matcher: SampleMatcher, slot: str) -> Sample | None:
    """``slot``'s bare sample among ``matcher``'s ("{city}"), if it has one."""
    return next((sample for sample in matcher.samples if _alone(sample) == slot), None)


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
    says_no: Callable[[str], bool],
    slot: str,
) -> tuple[Match | None, SpanCache]:
    """The exact reading of the words before thanks or an afterword ("paris, thanks", "paris
    instead") where ``match`` gives ``slot`` its words as words of any kind, alone or with its
    sample's words ("plan a trip to paris thanks"), and those before it are a
    name (`name_type`: a free-form city, country or first name) or end with a value the type
    lists ("paris, thanks, paris" to a custom type: "paris", as a request's, `thanked`), and
    their spans, the value they hold read out of them as of other words (`value_within`: "the
    paris, thanks, paris" is "paris", as "the paris" is); else ``match`` and ``spans``
    (`ends_said`). The afterword starts what a pause sets apart ("paris, thank you so much"),
    or every word from it on is one ("paris thank you"). A search query ("love again") and a
    custom type's other words ("lyon, thanks") keep every word, unless more than the custom type
    takes ("lyon thank you so much" to four: "lyon", as a request's), and so does a yes, a no or
    thanks before it ("no, thanks" is no city "no": `past_opening`) or a no said last
    (``says_no``: ``answers`` reads "no"; "paris, thanks, no": `taken_back`).
    With no ``match`` (too many words for one value: a first name is three at most, a custom
    type's as many as its longest value's, four at least), the words are read as ``slot``'s bare
    sample ("{name}") would take them, the thanks left out first: "paris, thank you so much" is
    the first name "paris", and so is "no, paris, thank you so much" (an opening yes or no left
    out then, as `past_opening` does), and "new york, thanks, new york" and "lyon thank you so
    much" a custom type's "new york" and "lyon"."""
    words, tokens = spans.words, spans.tokens
    if match is None:
        bare = _bare(matcher, slot)
        kind = None if bare is None else bare.elements[0]
        if not isinstance(kind, SlotRef):
            return match, spans
        start, end = 0, len(words)
    # The slot alone or with the sample's words ("plan a trip to paris thanks", "to paris,
    # thanks"): its words of any kind end with the thanks either way, as a request's do.
    elif len(match.fills) != 1 or any_words(match, slot) is None:
        return match, spans
    else:
        [(name, _, start, end)] = match.fills
        kind = slot_ref(match, slot)
        if kind is None or kind.name != name:
            return match, spans

    # A no said last takes the value back, after thanks too ("paris, thanks, no"), as a
    # request's (`thanked`, `taken_back`): no thanks to leave out then.
    if ends_with_no(words[start:end], language, says_no):
        return match, spans
    at = afterwords_at(spans, start, end, language, answers)
    # A search query's words stay what the user said, however many, as in a request (`thanked`),
    # but thanks said after a filler ending them ("cheap flights please thanks": `_polite`).
    if at is None:
        return match, spans
    if kind.kind.name == "AMAZON.SearchQuery":
        if not _polite(spans, start, at, language):
            return match, spans
    elif not ends_said(spans, kind.kind, start, at, end):
        return match, spans
    rest = SpanCache([*tokens[:at], *tokens[end:]], spans.now)
    # A filler said last before the thanks is left out too ("paris please thanks").
    found = exact_past_fillers(matcher, rest, language)
    if found is None:
        return match, spans
    if swallowed(found):  # "the paris, thanks, paris": "paris", as "the paris" is
        found = value_within(matcher, slot, rest, language, says_no) or found
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
    """The thanks, afterwords or hedges that end ``slot``'s words of any kind in ``match``, as
    (first, end), where they follow a name's (`name_type`) or a value its type lists, words
    before it or not: "thanks" of "plan a trip to paris, thanks" (and of "... the paris,
    thanks", the city "the paris"), left out of a request as of an answer (`afterwords_at`,
    `ends_value`, `without_afterwords`); else None. Other words of a custom type stay what the
    user said ("lyon, thanks"), as a search query's do, unless more than it takes ("lyon, thank
    you so much" to four: "lyon"). A no said with them takes the value
    back instead (``says_no``: "paris, no thanks", `taken_back`; `thanked_back`)."""
    for _, first, at, last in _thanks_in(match, slot, spans, language, answers):
        if ends_with_no(spans.words[first:last], language, says_no):
            return None
        if at is not None:
            return at, last
    return None


def thanked_back(
    match: Match,
    slot: str,
    start: int,
    spans: SpanCache,
    language: Language,
    answers: Callable[[str], str | None],
    says_no: Callable[[str], bool],
) -> bool:
    """Whether a no said last takes back the value ``match`` gives ``slot`` from ``start``,
    after the thanks, afterwords or hedges that end it (`thanked`): "paris, thank you, no" to
    a custom type listing paris is no value, whatever the type, as in an answer, where without
    the thanks ("paris, no") a custom type's words stay what the user said (`_read_as_said`)."""
    # A request asks this of every value it reads: a set lookup first, as few are thanked;
    # from where `_thanks_in` looks, the words left out before the value with it.
    if ending_words(language).isdisjoint(spans.words[said_from(match, start) :]):
        return False
    return any(
        at is not None
        and said == start
        and ends_with_no(spans.words[first:last], language, says_no)
        for said, first, at, last in _thanks_in(match, slot, spans, language, answers)
    )


def _thanks_in(
    match: Match,
    slot: str,
    spans: SpanCache,
    language: Language,
    answers: Callable[[str], str | None],
) -> Iterator[tuple[int, int, int | None, int]]:
    """For each of ``slot``'s words of any kind in ``match``, the words said for it as (start,
    first, at, last), the reading's from ``start``: ``at`` where thanks, afterwords or hedges
    from it end a name's or a listed value (`afterwords_at`, `ends_value`), or thanks said
    after a filler that ends a search query's words (`_polite`), else None."""
    ref = slot_ref(match, slot)
    if any_words(match, slot) is None or ref is None:
        return
    query = is_query(match, slot)
    for start, end in spans_of(match, slot):
        # The words said for the value, those the reading left out beside it too: over a first
        # name's three words, "paris" of "paris, thanks a lot" and "so much" of "paris, thank
        # you so much" are no part of its reading, nor "no" of "paris, thank you, no".
        first, last = said_from(match, start), said_to(match, end, len(spans.words))
        at = afterwords_at(spans, first, last, language, answers)
        if at is None:
            ended = False
        elif query:
            # A search query's thanks stay what the user said ("love again thank you", a
            # title), but those said after a pure filler that ends its words ("cheap flights
            # *please* thanks"): politeness, as the filler is, which a query's words never end
            # with. Read again without the thanks (from ``at``), the filler goes as said last.
            ended = _polite(spans, first, at, language)
        else:
            # More words than a custom type takes ("yes thank you very much" to four): the
            # thanks are left out before they are counted (`ends_said`); else the reading left
            # out the words said first, the value "thank you very much".
            ended = ends_said(spans, ref.kind, first, at, last)
        yield start, first, at if ended else None, last


def _polite(spans: SpanCache, first: int, at: int, language: Language) -> bool:
    """Whether the thanks, afterwords or hedges from ``at`` that end words said from ``first``
    are thanks said after a pure filler that ends the words before them: "please thanks" of
    "cheap flights please thanks" (`_thanks_in`)."""
    words = spans.words
    return (
        at - 1 > first
        and words[at] in language.courtesies
        and words[at - 1] in language.pure_fillers
    )
