"""A wake word said first or last ("alexa, paris", "paris, alexa, please"), and the politeness
words said with it: no part of the request, whatever sample reads the rest, unless the reading
of the whole holds it as the sample's own word ("stop echo") or in a value its slot's type knows
("shop at amazon", "echo park" listed), or said last as all of a value ("call alexa", "plan a
trip to echo") or within a search query ("search for a new computer"). A wake word said within
the words ("play alexa play now") is a word of them.

It calls Alexa and says nothing to the skill: a city is never "paris alexa". Some wake words
are words too ("echo", "amazon", "computer"): where a sample or a type the model has knows them,
the skill expects them, and they are read as said; so are a name or a place said as one alone
("alexa", "echo") and a search query's words, what the user looks for, any word among them
that is a word too (`Language.query_wake_words`: "a new computer"; "cheap flights alexa" is
"cheap flights"): only a pause sets such a wake word said last apart from them. A wake word
that begins a place's name the language knows ("echo park", `Language.wake_word_places`), said
first with no pause after it (nor a filler, a pause said aloud: "echo um park" is park), is the
name's too, where a free-form place slot takes that name and the words after the wake word
alone read as the same sample: "echo paris" is paris, and "echo plan a trip to paris" is "plan a
trip to {city}", no city of all the words. So is one that a search query may begin with
("amazon prime video", "echo dot", `Language.query_wake_words`: not "alexa", which said first is
the wake word), said first (after "hey" or another wake word too) with no pause or filler after
it, where a search query takes it with the words after it and the words after it alone read as
the same sample.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence

from .fillers import exact_past_fillers
from .languages import Language
from .matcher import Match, SampleMatcher, SlotRef, SpanCache
from .slot_kinds import first_name_type, name_type
from .slot_words import KNOWN, is_query
from .text import Token

__all__ = ["held", "woken_end", "woken_kept", "woken_start"]


def woken_start(tokens: Sequence[Token], language: Language) -> int:
    """Where the words after a leading wake word start, the pure fillers said before it left
    out too ("hey alexa", "please, alexa,"); 0 without one. The last word but pure fillers
    stays, a wake word or not: "echo please" is read as "echo" is."""
    wake_words, pure_fillers = language.wake_words, language.pure_fillers
    # Else "echo please" left "please" alone to read, no request: a filler said last is read
    # with the words (`woken_end`), as in "paris please".
    last = len(tokens) - 1
    while last > 0 and tokens[last].text in pure_fillers:
        last -= 1
    start = 0
    for at in range(last):
        word = tokens[at].text
        if word in wake_words:
            start = at + 1
        elif word not in pure_fillers:
            break
    return start


def woken_end(tokens: Sequence[Token], start: int, language: Language) -> int:
    """Where a trailing run of wake words and pure fillers starts ("alexa please", "please,
    alexa"), if it holds a wake word and follows a word of another kind, else ``len(tokens)``:
    a run of fillers alone ("paris please") is read with the words, as fillers are, and a wake
    word said after fillers alone ("hey alexa") is the word said, as "alexa" alone is."""
    wake_words, pure_fillers = language.wake_words, language.pure_fillers
    end, woken = len(tokens), False
    while end > start and (
        tokens[end - 1].text in wake_words or tokens[end - 1].text in pure_fillers
    ):
        woken = woken or tokens[end - 1].text in wake_words
        end -= 1
    return end if woken and end > start else len(tokens)


def held(
    match: Match | None, tokens: Sequence[Token], first: int, end: int, language: Language
) -> bool:
    """Whether ``match``, a reading of all ``tokens``, holds a wake word of ``tokens[first:end]``:
    as a word of its sample, or within a value its slot's type knows (listed or parsed), or,
    said last without a pause before it, as all of a value ("call alexa") or, one of the
    `query_wake_words`, within a search query ("search for a new computer"), not as any other
    words a free-form slot takes ("paris alexa", "search for cheap flights alexa")."""
    if match is None:
        return False
    for at in range(first, end):
        if tokens[at].text not in language.wake_words:
            continue
        found = next(
            ((name, fill, start) for name, fill, start, stop in match.fills if start <= at < stop),
            None,
        )
        # An exact reading gives each word a slot or the sample: with no slot, the sample's.
        if found is None or all(part.kind in KNOWN for part in found[1].parts or (found[1],)):
            return True
        # Said last without a pause before it, a wake word is the value where it is all of it
        # ("call alexa", "plan a trip to echo": a name, a place; left out, the slot had none),
        # and a search query's word as any where it is a word too ("a new computer", the
        # `query_wake_words`), what the user looks for; "alexa" is the device called ("cheap
        # flights alexa").
        said_last = end == len(tokens) and first > 0
        apart = any(token.pause for token in tokens[first - 1 : at])
        query = is_query(match, found[0]) and tokens[at].text in language.query_wake_words
        if said_last and not apart and (found[2] >= first or query):
            return True
    return False


def woken_kept(
    matcher: SampleMatcher,
    now: datetime.datetime,
    tokens: Sequence[Token],
    start: int,
    end: int,
    language: Language,
) -> int:
    """Where the words meant start among ``tokens``, whose leading wake words end at ``start``
    (`woken_start`) and which are read up to ``end`` (`woken_end`) by ``matcher``, exactly or
    with fillers left out ("echo park please", `exact_past_fillers`), ``now`` the user's
    time: 0 where the reading of them all holds a wake word (`held`), else
    ``start``, or the last wake word's place where the reading of the words from it holds it
    (a listed "echo park" of "alexa echo park") or where it begins a value with the words after
    it (`_begins_value`): a place's name, "echo park", "alexa echo park" to a city, or a
    search query, "amazon prime video", "alexa amazon prime video"."""
    if not start:
        return 0

    def read(words: Sequence[Token]) -> Match | None:
        # Its positions those of the words said: a filler said last ("please") or within is
        # no word of a sample's, and the wake word's place stays where it was said.
        return exact_past_fillers(matcher, SpanCache(words, now), language)

    whole = read(tokens[:end])
    if held(whole, tokens[:end], 0, start, language):
        return 0
    last = start - 1
    # Read again only after two wake words or fillers said first ("hey alexa, ..."), and for
    # a wake word that may begin a value: few turns open so.
    with_it = whole if last == 0 else read(tokens[last:end])
    if last and held(with_it, tokens[last:end], 0, 1, language):
        return last
    word = tokens[last]
    # Known names only, not any place's: the package holds no list of cities, and of GeoNames'
    # two begin with a wake word (phrases.WAKE_WORD_PLACES). Before another place ("echo
    # paris") the wake word is far likelier the device called than a name's first word; a skill
    # that expects such a name ("echo bay") lists it in a custom type, which keeps it (`held`).
    places = {name for name in language.wake_word_places if name[0] == word.text}
    # After "hey" or another wake word too, as a place's name ("alexa echo park"): the device
    # is called already, and the query's words after it must read as the same sample still.
    query = word.text in language.query_wake_words
    # A filler after it ("echo um park", "echo uh, park") is a pause said aloud: people pause
    # so after calling the device, hardly within a place's two-word name, so it sets the wake
    # word apart as a pause does ("echo, park"). Said here, not left to `_begins_value`, where
    # "echo um park" was no place's name only because the filler stood in its words.
    if word.pause or tokens[start].text in language.pure_fillers or not (places or query):
        return start
    without = read(tokens[start:end])
    said = tuple(token.text for token in tokens[last:end])
    return last if _begins_value(with_it, without, said, places, query) else start


def _begins_value(
    with_it: Match | None,
    without: Match | None,
    said: tuple[str, ...],
    places: Collection[tuple[str, ...]],
    query: bool,
) -> bool:
    """Whether ``with_it``, the reading of the words ``said``, a wake word first, gives a slot
    the wake word and the words after it, and ``without``, the reading of those words, is of
    the same sample, the slot holding the same words but the wake word: a free-form place slot
    (`name_type`, no first name: a place's name begins with "echo", no person's) whose words
    are one of ``places``, or a search query where ``query``."""
    if with_it is None or without is None or with_it.sample is not without.sample:
        return False
    kinds = {item.name: item.kind for item in with_it.sample.elements if isinstance(item, SlotRef)}
    rest = {(name, start, stop) for name, _, start, stop in without.fills}
    return any(
        start == 0
        and stop > 1
        and (name, 0, stop - 1) in rest
        and fill.kind not in KNOWN
        and (
            (query and kinds[name].name == "AMAZON.SearchQuery")
            or (
                said[:stop] in places
                and name_type(kinds[name].name)
                and not first_name_type(kinds[name].name)
            )
        )
        for name, fill, start, stop in with_it.fills
    )
