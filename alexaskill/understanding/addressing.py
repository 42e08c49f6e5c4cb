"""How an utterance names the skill: a launch ("open daily facts") or a one-shot request ("ask
daily facts for a fact", "... using daily facts"), as Amazon's "Understand How Users Invoke
Custom Skills" describes them (steps 3 of `understander`'s list).

Without an invocation name in the model, any name is taken there (none opening with a pronoun,
"tell me a joke"), unless the whole utterance is a sample with words of its own; a one-shot
request read by a sample of slots alone needs a connector to end the name ("ask corner cafe
for a chai"), and a connector ends it first where the rest reads ("ask corner cafe for the
weather in paris"), the one after which it reads closest, the longest name on a tie ("ask tips
for cooks for chai", "ask tips for cooks for a recipe": `_name_splits`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence, Set
from typing import Final

from .languages import Language
from .quoted import named
from .result import Understanding
from .slot_kinds import FREE
from .text import Token

__all__ = ["SLOT_REFERENCE", "addressed_request"]

#: A sample's {slot}, and the AMAZON.LITERAL form {example words|slot} of older models.
SLOT_REFERENCE: Final = re.compile(r"\{([^{}]+)\}")
_FALLBACK: Final = "AMAZON.FallbackIntent"
#: Reads a request's tokens (text, tokens, now, strict): with strict, None when nothing is
#: close enough.
Read = Callable[[str, Sequence[Token], datetime.datetime, bool], Understanding | None]
#: Whether tokens are a whole sample with words of its own (with a verb: loosely, opening so).
IsSample = Callable[[Sequence[Token], datetime.datetime, Sequence[str]], bool]


def addressed_request(
    text: str,
    tokens: list[Token],
    now: datetime.datetime,
    language: Language,
    name: tuple[str, ...] | None,
    read: Read,
    is_sample: IsSample,
) -> Understanding | None:
    """A launch or one-shot request naming the skill (``name``, the model's invocation name,
    None for any), else None. ``read`` reads the request's words (strictly: None when nothing
    is close enough), ``is_sample`` whether words are a whole sample with words of their own
    (with a verb, loosely one opening with it)."""
    words = [token.text for token in tokens]
    for verb in (*language.launch_verbs, *language.ask_verbs):
        if tuple(words[: len(verb)]) != verb:
            continue
        after = len(verb)
        if name is None and words[after : after + 1] and words[after] in language.object_pronouns:
            continue  # "tell me a joke": said to the skill open, not naming another
        # The readings at a connective, each how close it is, the name's length and the
        # request, of one round (strict, then loose: `_name_splits`).
        weighed: list[tuple[float, int, Understanding]] = []
        weighed_round: tuple[bool, bool] | None = None
        for size, strict, weigh in _name_splits(name, words, after, language.connectors):
            if weighed and (strict, weigh) != weighed_round:
                break
            end = after + size
            said_name = " ".join(words[after:end])
            if end == len(words):
                if name is None and is_sample(tokens, now, verb):
                    return None
                if verb in language.launch_verbs:
                    return Understanding(
                        text,
                        {"type": "LaunchRequest"},
                        "launch",
                        new_session=True,
                        notes=(f"opened the skill by its name, {named(said_name)}",),
                    )
                continue
            if verb not in language.ask_verbs:
                continue
            rest = tokens[end:]
            connected = rest[0].text in language.connectors and len(rest) > 1
            if connected:
                rest = rest[1:]
            inner = read(text, rest, now, strict)
            if inner is None or (name is None and not strict and inner.intent == _FALLBACK):
                continue
            if name is None:
                if is_sample(tokens, now, ()):
                    return None
                if not connected and not _worded(inner.sample):
                    # A sample of slots alone reads any words: where the unknown name ends
                    # is left to a connector, or to the name taking all ("open corner cafe").
                    continue
            found = inner.in_new_session(f'asked the skill "{said_name}" in one go')
            if not weigh:
                return found
            # Read strictly, each reading explains every word: one with words of its own is
            # closer than a sample of slots alone, and that, of a value its types know, than
            # one taking any words ("ask cafe to order chai for two": no drink "two", nor
            # people 2 by "{people}" asked of "cafe to order chai"); its score, a sum over the
            # words, would favour the shortest name, whose request has the most.
            close = float(_closeness(inner)) if strict else inner.score
            weighed.append((close, size, found))
            weighed_round = (strict, weigh)
        if weighed:
            # The closest reading, the longest name of those as close: "ask tips for cooks for
            # a recipe" is "a recipe" asked of "tips for cooks", where "cooks for a recipe"
            # asked of "tips" leaves "cooks for" unread; "ask tips for cooks for chai", read
            # strictly, the listed chai, no drink "cooks for chai". Strict readings tie often
            # ("ask tips for cooks for mocha": two unlisted drinks), and the longest name wins
            # there; loose ones, scored over different words, only by chance (max() would take
            # the first, the shortest name).
            return max(weighed, key=lambda each: each[:2])[2]
    for at in range(1, len(words) - 1):
        if words[at] not in language.trailing_connectors:
            continue
        name_words = words[at + 1 :]
        if name is not None and tuple(name_words) != name:
            continue
        if name is None and (len(name_words) > 4 or is_sample(tokens, now, ())):
            continue
        inner = read(text, tokens[:at], now, True)
        if inner is not None:
            said = named(" ".join(name_words))
            return inner.in_new_session(f"asked the skill {said} in one go")
    return None


def _name_splits(
    name: tuple[str, ...] | None, words: Sequence[str], after: int, connectors: Set[str]
) -> list[tuple[int, bool, bool]]:
    """The lengths the skill's name after ``after`` may have, in the order tried, each with
    whether its rest is read strictly and whether the readings of its kind are weighed against
    each other rather than the first taken. The model's own name is read loosely. An unknown
    one ends first where a connective follows it ("ask corner cafe for the weather in paris":
    Amazon's one-shot phrasings put one between the name and the request), its rest read
    strictly, then loosely (a reading other than the fallback), each round the closest of its
    readings, the longest name on a tie, as a name may hold a connective ("tips for cooks"),
    and only then at any length, strictly: there the first length whose rest is a sample wins,
    else "corner cafe for the" would ("weather in paris" is one)."""
    sizes = _name_sizes(name, words, after)
    if name is not None:
        return [(size, False, False) for size in sizes]
    connected = [s for s in sizes if after + s < len(words) - 1 and words[after + s] in connectors]
    return [
        *((size, True, True) for size in connected),
        *((size, False, True) for size in connected),
        *((size, True, False) for size in sizes if size not in connected),
    ]


def _name_sizes(name: tuple[str, ...] | None, words: Sequence[str], after: int) -> list[int]:
    """How many words after ``after`` the skill's name may be: its own, or one to four."""
    if name is not None:
        size = len(name)
        if tuple(words[after : after + size]) == name:
            return [size]
        return []
    return [size for size in range(1, 5) if after + size <= len(words)]


def _closeness(understood: Understanding) -> int:
    """How close a strict reading ``understood`` is: 2 read by a sample with words of its own,
    1 by a sample of slots alone filling one with words its type knows (a listed value, a
    number, as `Understander._is_sample` asks), else 0. A longer name whose request is a number
    alone ("two", of "{people}") is no closer than a shorter one asking "a table for two"."""
    if _worded(understood.sample):
        return 2
    return int(any(fill.weight > FREE for fill in understood.fills.values()))


def _worded(sample: str | None) -> bool:
    """Whether the sample utterance ``sample`` has a word besides its ``{slot}`` references."""
    return sample is not None and bool(SLOT_REFERENCE.sub("", sample).strip())
