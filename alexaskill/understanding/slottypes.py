"""Slot types: which words a slot of each type takes, and the value and resolutions Alexa sends.

Three kinds, as Amazon's slot type reference describes them:

- **Built-in types with a format** (AMAZON.NUMBER, Ordinal, FOUR_DIGIT_NUMBER, DATE, TIME,
  DURATION, PhoneNumber, AlphaNumeric): the words must parse, and the slot's ``value`` is the
  parsed value ("tomorrow" → "2026-11-30"). The parsers belong to the language.
- **Free-form built-in types** (AMAZON.City, AMAZON.FirstName, AMAZON.SearchQuery, ...): any words
  fill them, and the ``value`` is the words as said. No entity resolution.
- **Custom types** (and built-in types the model extends with values): any words fill them, the
  ``value`` is the words as said, and entity resolution ("Entity Resolution for Custom Slot
  Types") reports ``ER_SUCCESS_MATCH`` with every value whose name or synonym the words are (name
  and id), or ``ER_SUCCESS_NO_MATCH`` for other words, under the authority
  ``amzn1.er-authority.echo-sdk.<skill id>.<type name>``.

A `Fill` also carries a weight per word, which the matcher uses to prefer the reading Alexa
would: a number that parses, or a listed value, counts for more than words a free-form slot
merely swallows.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import itertools
from collections.abc import Mapping, Sequence
from typing import Any, Final, Protocol

from .languages import Language, SlotParser
from .list_joins import JOINED_KINDS, in_order, pause_inside
from .model import ModelType, TypeValue
from .text import Token, respelled_letter, surface

__all__ = [
    "FREE",
    "LISTED",
    "TYPED",
    "UNLISTED",
    "Fill",
    "SlotKind",
    "authority",
    "entity_resolution",
    "slot_kind",
    "value_id",
]

#: Weight per word of a slot filled by a built-in type that parsed it.
TYPED: Final = 0.9
#: Weight per word of a custom type's value or synonym.
LISTED: Final = 0.85
#: Weight per word of free-form words (a free-form type, or a custom type's unlisted words).
FREE: Final = 0.35
UNLISTED: Final = 0.3

# How many words a free-form slot may take; a search query is a whole sentence.
_FREE_WORDS: Final = {
    "AMAZON.SearchQuery": 30,
    "AMAZON.LITERAL": 30,
    "AMAZON.FirstName": 3,
    "AMAZON.Color": 3,
    "AMAZON.DayOfWeek": 2,
    "AMAZON.Month": 2,
    "AMAZON.Language": 3,
    "AMAZON.Genre": 4,
}
_DEFAULT_FREE_WORDS: Final = 8
#: Words of a built-in type with a format: a phone number said digit by digit is up to 15
#: digits (ITU-T E.164), "double" and "triple" besides; letters and digits alike.
_TYPED_WORDS: Final = {"AMAZON.PhoneNumber": 20, "AMAZON.AlphaNumeric": 20}
_DEFAULT_TYPED_WORDS: Final = 10
#: Types whose one value never goes on past a pause before a number: "five, six" is two
#: numbers, not 56, and "9, 5" no 09:05 ("7, in the morning" is 07:00). (A date has commas,
#: "december 7, 2026"; phone numbers and codes are said in groups.)
_UNPAUSED: Final = frozenset(
    {"AMAZON.NUMBER", "AMAZON.Ordinal", "AMAZON.FOUR_DIGIT_NUMBER", "AMAZON.TIME"}
)
#: Types whose value is letters said one by one: a letter is one as written, not "an".
_SPELLED: Final = frozenset({"AMAZON.AlphaNumeric"})
#: The most words a multiple-value slot takes: as many as an utterance has (the understander's
#: `MAX_WORDS`). A shorter bound read a long list only in part, and a loose reading then took
#: the values in the middle of it, the first and last ones cut: wrong values, not missing ones.
_LIST_WORDS: Final = 100
#: How many parts' readings a multiple-value slot keeps (it forgets them all past that).
_PART_MEMO: Final = 4096
#: The most parts of a list said with "and" that one value can make: "a day and two hours and
#: thirty minutes and ten seconds". Reading a list takes at most this many fills per part.
_JOINED_PARTS: Final = 4


class Fill:
    """What a span of words means as a value of one slot type.

    The words as said are worked out only when asked for: the matcher weighs many spans it
    never reports.
    """

    __slots__ = ("_value", "_words", "kind", "matched", "parts", "resolutions", "tokens", "weight")

    def __init__(
        self,
        value: str | None,
        tokens: Sequence[Token],
        kind: str,
        weight: float,
        resolutions: Mapping[str, Any] | None = None,
        matched: tuple[TypeValue, ...] = (),
        parts: tuple[Fill, ...] = (),
    ) -> None:
        self._value = value
        self._words: str | None = None
        self.tokens = tokens
        #: "typed", "listed", "unlisted", "free" or "list".
        self.kind = kind
        #: The matcher's weight per word.
        self.weight = weight
        #: The ``resolutions`` object Alexa sends (custom types), else None.
        self.resolutions = resolutions
        #: The canonical values matched (custom types), for explanations.
        self.matched = matched
        #: The values of a multiple-value slot that holds several ("ham and eggs").
        self.parts = parts

    @property
    def words(self) -> str:
        """The words as the user said them."""
        if self._words is None:
            self._words = surface(self.tokens)
        return self._words

    @property
    def value(self) -> str:
        """The slot's ``value``: the parsed value of a built-in type, else the words as said."""
        return self._value if self._value is not None else self.words

    def __repr__(self) -> str:
        return f"Fill({self.value!r}, kind={self.kind!r})"


def value_id(value: TypeValue) -> str:
    """The id entity resolution reports for ``value``.

    A value declared without an id gets one from Alexa (32 hexadecimal digits in requests); the
    MD5 of its name gives the same form and stays stable from run to run.
    """
    if value.id is not None:
        return value.id
    return hashlib.md5(value.name.encode(), usedforsecurity=False).hexdigest()


def authority(skill_id: str, type_name: str) -> str:
    """The entity-resolution authority of a custom slot type of a skill."""
    return f"amzn1.er-authority.echo-sdk.{skill_id}.{type_name}"


class SlotKind(Protocol):
    """How a slot type reads a span of words."""

    name: str
    #: The most words one value takes.
    max_words: int

    def fill(self, tokens: Sequence[Token], now: datetime.datetime) -> Fill | None:
        """The slot value of these words, or None when the type does not take them."""
        ...


class _Typed:
    def __init__(
        self,
        name: str,
        parse: SlotParser,
        vocabulary: frozenset[str] | None = None,
        number: SlotParser | None = None,
    ) -> None:
        self.name = name
        self.parse = parse
        #: Every word a value can have (besides numbers in digits), to refuse a span at once.
        self.vocabulary = vocabulary
        self.max_words = _TYPED_WORDS.get(name, _DEFAULT_TYPED_WORDS)
        #: The language's number parser, for a type whose value a pause before a number ends.
        self.number = number if name in _UNPAUSED else None

    def fill(self, tokens: Sequence[Token], now: datetime.datetime) -> Fill | None:
        if self.number is not None and self._split(tokens, now):
            return None
        if self.name in _SPELLED and any(respelled_letter(token) for token in tokens):
            return None  # "an" (rewritten "a") is no letter A
        vocabulary = self.vocabulary
        if vocabulary is not None:
            for token in tokens:
                text = token.text
                if text not in vocabulary and not any(char.isdigit() for char in text):
                    return None
        # A minus sign typed before a word is the parser's to read ("-five": minus five).
        value = self.parse(
            [f"-{token.text}" if token.signed else token.text for token in tokens], now
        )
        if value is None:
            return None
        return Fill(value, tokens, "typed", TYPED)

    def _split(self, tokens: Sequence[Token], now: datetime.datetime) -> bool:
        """Whether a pause comes before a number or a value of the type: "five, six" is two
        numbers, not 56, "twenty, first" no 21st, "9, 5" no 09:05; "7, in the morning" and "5,
        pm" are one time."""
        number = self.number
        assert number is not None
        return any(
            token.pause
            and (
                any(char.isdigit() for char in after.text)
                or number([after.text], now) is not None
                or self.parse([after.text], now) is not None
            )
            for token, after in itertools.pairwise(tokens)
        )


def _trimmed(tokens: Sequence[Token], fillers: frozenset[str]) -> bool:
    """Whether free words neither start nor end with a filler ("new york please" does)."""
    return tokens[0].text not in fillers and tokens[-1].text not in fillers


class _Free:
    def __init__(self, name: str, fillers: frozenset[str]) -> None:
        self.name = name
        self.fillers = fillers
        self.max_words = _FREE_WORDS.get(name, _DEFAULT_FREE_WORDS)

    def fill(self, tokens: Sequence[Token], now: datetime.datetime) -> Fill | None:
        if not _trimmed(tokens, self.fillers):
            return None
        return Fill(None, tokens, "free", FREE)


def _key(words: Sequence[str]) -> tuple[str, ...]:
    return tuple(words)


def _singulars(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The singulars the last word may be the plural of, likeliest first: "movies" is "movy"
    or "movie", "peaches" "peach" or "peache". None at all for no words (punctuation alone)."""
    if not words:
        return []
    last = words[-1]
    forms = []
    if len(last) > 3 and last.endswith("ies"):
        forms.append(last[:-3] + "y")
    if len(last) > 3 and last.endswith(("ses", "xes", "zes", "ches", "shes")):
        forms.append(last[:-2])
    if len(last) > 2 and last.endswith("s") and not last.endswith("ss"):
        forms.append(last[:-1])
    return [(*words[:-1], form) for form in forms]


class _Custom:
    def __init__(
        self,
        name: str,
        values: Sequence[TypeValue],
        skill_id: str,
        tokenize: Any,
        fillers: frozenset[str],
        fallback: SlotKind | None = None,
    ) -> None:
        self.name = name
        self.fillers = fillers
        self.authority = authority(skill_id, name)
        self.fallback = fallback
        self.index: dict[tuple[str, ...], list[TypeValue]] = {}
        longest = 1
        for value in values:
            for said in (value.name, *value.synonyms):
                key = _key(tokenize(said))
                if not key:
                    continue
                entries = self.index.setdefault(key, [])
                if value not in entries:
                    entries.append(value)
                longest = max(longest, len(key))
        self.max_words = max(longest, fallback.max_words if fallback else 0, 4)

    def lookup(self, words: tuple[str, ...]) -> list[TypeValue] | None:
        found = self.index.get(words)
        for singular in _singulars(words) if found is None else ():
            found = self.index.get(singular)
            if found is not None:
                break
        return found

    def resolutions(self, matched: Sequence[TypeValue]) -> dict[str, Any]:
        """The ``resolutions`` Alexa sends for words that are these values (none: no match)."""
        if not matched:
            return {
                "resolutionsPerAuthority": [
                    {"authority": self.authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}
                ]
            }
        return {
            "resolutionsPerAuthority": [
                {
                    "authority": self.authority,
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [
                        {"value": {"name": value.name, "id": value_id(value)}} for value in matched
                    ],
                }
            ]
        }

    def fill(self, tokens: Sequence[Token], now: datetime.datetime) -> Fill | None:
        matched = self.lookup(tuple(token.text for token in tokens))
        if matched:
            resolutions = self.resolutions(matched)
            return Fill(None, tokens, "listed", LISTED, resolutions, tuple(matched))
        if self.fallback is not None:
            typed = self.fallback.fill(tokens, now)
            if typed is not None and typed.kind == "typed":
                return typed
        if not _trimmed(tokens, self.fillers):
            return None
        return Fill(None, tokens, "unlisted", UNLISTED, self.resolutions(()))


class _List:
    """A multiple-value slot: values separated by "and", "or" or commas, each of the type."""

    def __init__(self, base: SlotKind, separators: frozenset[str]) -> None:
        self.name = base.name
        self.base = base
        self.separators = separators
        self.max_words = max(base.max_words, _LIST_WORDS)
        # The most words of one value: the list's bound is no free-form or custom value's (a
        # value of a typed type is what its parser reads, "a day and two hours and ...").
        self._value_words = base.max_words if isinstance(base, _Free | _Custom) else _LIST_WORDS
        #: Whether two values with a dash between them are a range (numbers, dates, times).
        self._ranges = isinstance(base, _Typed)
        #: The most parts one value takes: one for free words, or listed ones without "and".
        self._joined_parts = _JOINED_PARTS if _joins_parts(base, separators) else 1
        # The base type's reading of each part, by its tokens (by identity: a token's hash is
        # worked out field by field; the memo holds the tokens, so that no id is reused): the
        # matcher reads every span of a long utterance as a list, their parts mostly the same.
        self._parts: dict[tuple[int, ...], tuple[Sequence[Token], datetime.datetime, Fill | None]]
        self._parts = {}

    def _part(self, tokens: Sequence[Token], now: datetime.datetime) -> Fill | None:
        if len(tokens) > self._value_words:
            return None
        key = tuple(map(id, tokens))
        found = self._parts.get(key)
        if found is not None and found[1] == now:
            return found[2]
        if len(self._parts) >= _PART_MEMO:
            self._parts.clear()
        fill = self.base.fill(tokens, now)
        self._parts[key] = (tokens, now, fill)
        return fill

    def fill(self, tokens: Sequence[Token], now: datetime.datetime) -> Fill | None:
        # Each part as the positions of its tokens; whether a pause (not a word) ends it.
        parts: list[list[int]] = [[]]
        paused: list[bool] = []
        for at, token in enumerate(tokens):
            if token.text in self.separators:
                if paused and paused[-1] and not parts[-1]:
                    continue  # "ham, cheese, and olives": the pause already ended the part
                parts.append([])
                paused.append(False)
                continue
            parts[-1].append(at)
            if token.dash and self._ranges and at + 1 < len(tokens):
                return None  # "5 - 10", "friday - saturday": a range, as "5 to 10" is
            if token.pause:
                parts.append([])
                paused.append(True)
        if parts and not parts[-1]:
            parts.pop()
        if any(not part for part in parts):
            return None
        if len(parts) == 1:
            single = self._part(tokens, now)
            if not isinstance(self.base, _Custom):
                return single
            if single is None and len(tokens) <= self.base.max_words:
                return None
            if single is not None and single.kind != "unlisted":
                return single
            split = self._listed_run(tokens, now)  # "ham cheese olives", however many
            return split if split is not None else single
        fills = self._values(tokens, parts, paused, now)
        if fills is None:
            return None
        return fills[0] if len(fills) == 1 else self._combine(tokens, fills)

    def _values(
        self, tokens: Sequence[Token], parts: list[list[int]], paused: list[bool], now: Any
    ) -> list[Fill] | None:
        """The values of the parts, as few as can be: parts joined by a word that make one
        value of a built-in type ("one hundred and five", "an hour and a half") or a listed
        value ("salt and pepper") are that one value, not a list of its parts (100 and 5).
        Of readings with as many values, the one read from the left, each value as long as
        can be: "an hour and ten minutes and an hour" is PT1H10M and PT1H."""
        if self._joined_parts == 1:  # one value a part: the reading below, without its search
            fills = []
            for part in parts:
                fill = self._part(tokens[part[0] : part[-1] + 1], now)
                if fill is None:
                    return None
                fills.append(fill)
            return fills
        # best[start]: the values of the parts from ``start`` on, filled from the right.
        best: list[list[Fill] | None] = [*([None] * len(parts)), []]
        for start in range(len(parts) - 1, -1, -1):
            for end in range(min(len(parts), start + self._joined_parts), start, -1):
                after, found = best[end], best[start]
                if after is None or (found is not None and len(found) <= len(after) + 1):
                    continue
                values = functools.partial(self._typed_values, tokens, parts[start:end], now)
                if any(paused[start : end - 1]) and not pause_inside(self.name, values):
                    continue
                fill = self._part(tokens[parts[start][0] : parts[end - 1][-1] + 1], now)
                if fill is None or (end - start > 1 and fill.kind not in JOINED_KINDS):
                    continue
                if end - start == 1 or in_order(self.name, values):
                    best[start] = [fill, *after]
            if all(found is None for found in best[start : start + self._joined_parts]):
                return None  # no value can span these parts: the list is none
        return best[0]

    def _typed_values(
        self, tokens: Sequence[Token], parts: list[list[int]], now: Any
    ) -> list[str | None]:
        """Each part's value of a built-in type alone, None for a part that is none."""
        values = []
        for part in parts:
            fill = self._part(tokens[part[0] : part[-1] + 1], now)
            values.append(fill.value if fill is not None and fill.kind == "typed" else None)
        return values

    def _listed_run(self, tokens: Sequence[Token], now: datetime.datetime) -> Fill | None:
        """Listed values said one after the other without "and" ("ham cheese olives")."""
        assert isinstance(self.base, _Custom)
        size = len(tokens)
        best: list[list[Fill] | None] = [None] * (size + 1)
        best[0] = []
        for end in range(1, size + 1):
            for start in range(max(0, end - self.base.max_words), end):
                before = best[start]
                if before is None:
                    continue
                fill = self._part(tokens[start:end], now)
                if fill is None or fill.kind != "listed":
                    continue
                if best[end] is None or len(before) + 1 < len(best[end] or ()):
                    best[end] = [*before, fill]
        found = best[size]
        if found is None or len(found) < 2:
            return None
        return self._combine(tokens, found)

    @staticmethod
    def _combine(tokens: Sequence[Token], fills: list[Fill]) -> Fill:
        weight = sum(fill.weight for fill in fills) / len(fills)
        return Fill(fills[0].value, tokens, "list", weight, parts=tuple(fills))


def _joins_parts(base: SlotKind, separators: frozenset[str]) -> bool:
    """Whether parts of a list of ``base`` said with a separator between may be one value."""
    if not isinstance(base, _Custom):
        return isinstance(base, _Typed)
    said = (word for key in base.index for word in key)
    return isinstance(base.fallback, _Typed) or not separators.isdisjoint(said)


def entity_resolution(kind: SlotKind, words: Sequence[str]) -> dict[str, Any] | None:
    """The ``resolutions`` Alexa sends with ``words`` (normalised, as `tokenize` gives them) as
    the value of a slot of ``kind``; None for a type without entity resolution (a built-in one,
    or a custom type the model does not declare)."""
    if not isinstance(kind, _Custom) or not kind.index:
        return None
    return kind.resolutions(kind.lookup(tuple(words)) or ())


def slot_kind(
    type_name: str,
    *,
    language: Language,
    types: Mapping[str, ModelType],
    skill_id: str,
    tokenize: Any,
    multiple: bool = False,
) -> SlotKind:
    """How a slot of ``type_name`` reads words, for this model and language."""
    if multiple:
        base = slot_kind(
            type_name, language=language, types=types, skill_id=skill_id, tokenize=tokenize
        )
        return _List(base, language.list_separators)
    parser = language.slot_parser(type_name)
    builtin: SlotKind | None = None
    if type_name.startswith("AMAZON."):
        builtin = (
            _Typed(
                type_name,
                parser,
                language.slot_vocabulary(type_name),
                language.slot_parser("AMAZON.NUMBER"),
            )
            if parser is not None
            else _Free(type_name, language.fillers)
        )
    declared = types.get(type_name)
    if declared is not None and declared.values:
        return _Custom(type_name, declared.values, skill_id, tokenize, language.fillers, builtin)
    if builtin is not None:
        return builtin
    # A custom type the model does not declare: any words, no resolution to offer.
    return _Custom(type_name, (), skill_id, tokenize, language.fillers)
