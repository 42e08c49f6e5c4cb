"""English: en-US, en-GB, en-CA, en-AU and en-IN."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Final

from .. import SlotParser
from . import clock, dates, durations, holidays, numbers, phrases, vocabulary, weeks_on

__all__ = ["LOCALES", "English"]

LOCALES: Final = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")


#: The locales that say "a fortnight" and "monday week": British, Australian, Indian English.
_FORTNIGHT_LOCALES: Final = frozenset({"en-GB", "en-AU", "en-IN"})

#: The longest word a value holds: longer runs of digits are no value Alexa sends, and Python
#: refuses to read a number of over 4,300 digits (a ValueError, not a refusal).
_LONGEST_WORD: Final = 100


def _undated(parse: Callable[[Sequence[str]], str | None]) -> SlotParser:
    def parser(words: Sequence[str], now: datetime.datetime) -> str | None:
        return parse(words)

    return parser


def _bounded(parse: SlotParser) -> SlotParser:
    def parser(words: Sequence[str], now: datetime.datetime) -> str | None:
        if any(len(word) > _LONGEST_WORD for word in words):
            return None
        return parse(words, now)

    return parser


def _british_dates(words: Sequence[str], now: datetime.datetime) -> str | None:
    """AMAZON.DATE, with the days British English says a week on ("monday week")."""
    found = dates.date(words, now)
    return found if found is not None else weeks_on.week_on(words, now, dates.date)


def _no_fortnights(words: Sequence[str], now: datetime.datetime) -> str | None:
    """AMAZON.DATE where "a fortnight" is not said (en-US, en-CA): "in a fortnight" is none."""
    if "fortnight" in words or "fortnights" in words:
        return None
    return dates.date(words, now)


def _with_thanksgiving(parse: SlotParser, rule: tuple[int, int, int]) -> SlotParser:
    """AMAZON.DATE ``parse`` that also reads the locale's Thanksgiving."""

    def parser(words: Sequence[str], now: datetime.datetime) -> str | None:
        found = holidays.thanksgiving(words, now, rule)
        return found if found is not None else parse(words, now)

    return parser


class English:
    """English as Alexa's English locales speak it."""

    rewrites: Mapping[str, tuple[str, ...]] = phrases.REWRITES
    contractions: Mapping[tuple[str, ...], tuple[str, ...]] = phrases.CONTRACTIONS
    builtin_intents: Mapping[str, tuple[str, ...]] = phrases.BUILTIN_INTENTS
    launch_verbs: tuple[tuple[str, ...], ...] = phrases.LAUNCH_VERBS
    ask_verbs: tuple[tuple[str, ...], ...] = phrases.ASK_VERBS
    connectors: frozenset[str] = phrases.CONNECTORS
    trailing_connectors: frozenset[str] = phrases.TRAILING_CONNECTORS
    session_end: frozenset[tuple[str, ...]] = phrases.SESSION_END
    wake_words: frozenset[str] = phrases.WAKE_WORDS
    wake_word_places: frozenset[tuple[str, ...]] = phrases.WAKE_WORD_PLACES
    query_wake_words: frozenset[str] = phrases.QUERY_WAKE_WORDS
    fillers: frozenset[str] = phrases.FILLERS
    #: The fillers that are never words of meaning ("um", "please"; not "like", "well"): said,
    #: they weigh nothing in which samples are aligned (`SampleMatcher.candidates`).
    pure_fillers: frozenset[str] = phrases.PURE_FILLERS
    hesitations: frozenset[str] = phrases.HESITATIONS
    courtesies: frozenset[str] = phrases.COURTESIES
    thanks_stress: frozenset[str] = phrases.THANKS_STRESS
    afterwords: frozenset[str] = phrases.AFTERWORDS
    list_separators: frozenset[str] = phrases.LIST_SEPARATORS
    function_words: frozenset[str] = phrases.FUNCTION_WORDS
    value_carriers: frozenset[str] = phrases.VALUE_CARRIERS
    joiners: frozenset[str] = phrases.JOINERS
    openers: frozenset[str] = phrases.OPENERS
    bounds: frozenset[str] = phrases.BOUNDS
    negations: frozenset[str] = phrases.NEGATIONS
    dont_knows: frozenset[tuple[str, ...]] = phrases.DONT_KNOWS
    hedges: frozenset[str] = phrases.HEDGES
    particles: frozenset[str] = phrases.PARTICLES
    date_homonyms: frozenset[str] = phrases.DATE_HOMONYMS
    homonym_cues: frozenset[str] = phrases.HOMONYM_CUES
    alternatives: frozenset[str] = phrases.ALTERNATIVES
    object_pronouns: frozenset[str] = phrases.OBJECT_PRONOUNS
    replies: frozenset[str] = phrases.REPLIES

    def __init__(self, locale: str) -> None:
        self.locale = locale
        # "A fortnight" is two weeks in British, Australian and Indian English, as "monday
        # week" is a week after monday; Americans and Canadians rarely say either, and Alexa's
        # en-US and en-CA grammars are not documented to accept them.
        fortnight = locale in _FORTNIGHT_LOCALES
        date: SlotParser = _british_dates if fortnight else _no_fortnights
        rule = holidays.THANKSGIVING.get(locale)
        if rule is not None:
            date = _with_thanksgiving(date, rule)
        self._parsers: dict[str, SlotParser] = {
            "AMAZON.NUMBER": _undated(numbers.number),
            "AMAZON.Ordinal": _undated(numbers.ordinal),
            "AMAZON.FOUR_DIGIT_NUMBER": _undated(numbers.four_digit_number),
            "AMAZON.PhoneNumber": _undated(numbers.phone_number),
            "AMAZON.AlphaNumeric": _undated(numbers.alphanumeric),
            "AMAZON.DATE": date,
            "AMAZON.TIME": clock.time,
            "AMAZON.DURATION": _undated(functools.partial(durations.duration, fortnight=fortnight)),
        }
        self._parsers = {name: _bounded(parse) for name, parse in self._parsers.items()}

    def slot_parser(self, slot_type: str) -> SlotParser | None:
        """The parser of a built-in slot type with a fixed format, None for free-form types."""
        return self._parsers.get(slot_type)

    def slot_vocabulary(self, slot_type: str) -> frozenset[str] | None:
        """Every word a value of a built-in type with a format can hold (numbers in digits
        aside), or None when any word can."""
        return vocabulary.SLOT_VOCABULARIES.get(slot_type)

    def stem(self, word: str) -> str:
        """A crude stem for loose matching ("forecasts", "forecasting" → "forecast")."""
        return _stem(word)


#: Consonants doubled in a word's own spelling ("call", "miss", "stuff", "buzz"), not before -ing.
_DOUBLED_ANYWAY: Final = frozenset("lsfz")
_VOWELS: Final = frozenset("aeiou")
#: Words that end as a form does and are none: "evening" is no form of "even", "herring" of
#: "her", "news" of "new", "moped" of "mope"; "hatred" and "sacred" are no past (the -dred of
#: "hundred" and "kindred" is a rule); "series" and "species" are one word in the plural.
_NOT_INFLECTED: Final = frozenset(
    {
        *("evening", "herring", "news", "series", "species", "this"),
        *("hatred", "sacred", "naked", "wicked", "wretched", "moped", "rugged", "ragged"),
        "jagged",
    }
)
#: Plurals of -u words, whose -s goes as others' do though the -s of -us stays ("bonus").
_PLURALS_IN_US: Final = frozenset({"menus", "emus", "gnus", "gurus", "haikus", "sudokus"})


def _stem(word: str) -> str:
    """The stem of an English word, spelt one way for all its forms (Porter's steps 1 and 5a,
    in short): -ing, -ed and -s taken off ("forecasts", "forecasting"); -ies and -ied made -y
    ("stories", "tried"; with one letter before them, "ties", "tied", they are -ie's), as is
    the -ie of "movie"; a consonant doubled before -ing or -ed after one vowel made one
    ("stopping", "planned"; not "adding", "calling"); where two letters are left, the word is
    theirs and an -e ("using", "used": "use"; "toed": "toe"; "dying": "die"), but "doing",
    "going", "being" are "do", "go", "be", as are "does" and "goes". -ing and -ed stay on
    where no vowel would be left ("string", "shred"), on "evening", "hundred", "hatred",
    "moped" and the like, and -ed on -eed after no syllable ("speed", "need"; "agreed" is
    "agree", as is "freed" "free"). The British ll of "travelling" and the zz of "quizzes"
    are one. The s of -ss, -us and -sis stays ("class", "bonus", "crisis"), and "news" and
    "series" are as said. -ly stays: "likely", "really", "early" are no "like", "real", "ear".

    A final -e goes, so that "remove" meets "removed" ("remov"), except where it tells one
    word from another: after one short syllable ("hope", not "hop"; "hoping", undoubled, is
    "hope" again, "hopping" "hop"), after two letters ("one", "use"), and in -ee ("free")."""
    if word in _NOT_INFLECTED or word.endswith("dred"):
        return word
    stem = _unsuffixed(word)
    # "movie" and "movies" (made "movy" as "stories" is "story"): an -ie after a syllable is
    # a -y. So "rosie" is "rosy", "bonnie" "bonny". "tie", "lie", "pie" keep theirs.
    if stem.endswith("ie") and _has_vowel(stem[:-2]):
        return stem[:-2] + "y"
    # The -eed of "agreed" is "agree" and its -d (Porter's step 1b: after a syllable), but
    # not in -ceed ("exceed", "proceed"), and not that of "speed", "seed", "need": "freed"
    # alone of those is a past. Taken here, after -s, so that "seaweeds" meets "seaweed".
    if stem == "freed" or (
        stem.endswith("eed") and not stem.endswith("ceed") and _measure(stem[:-3]) > 0
    ):
        stem = stem[:-1]
    return _single_l_or_z(_without_e(stem))


def _single_l_or_z(stem: str) -> str:
    """``stem`` with the ll of a word of two vowels or more made one, as British English
    doubles it ("travelling", "cancelled", "fuelled", "enroll"; Porter's step 5b), and the zz
    of "quizz", "whizz", "fezz" ("quizzes"): "call", "quell" and "buzz" keep theirs."""
    if stem.endswith("ll") and _kinds(stem[:-2]).count("v") > 1:
        return stem[:-1]
    if stem.endswith(("izz", "ezz")):
        return stem[:-1]
    return stem


def _unsuffixed(word: str) -> str:
    """``word`` with its ending (-ies, -ied, -ing, -ed, -s) taken off, and an -e put back
    where -ing or -ed took its place after one short syllable ("hoping")."""
    size = len(word)
    if size > 4 and word.endswith(("ies", "ied")):
        return word[:-3] + "y"
    if size == 4 and word.endswith("ied"):
        return word[:-1]
    for suffix in ("ing", "ed"):
        if size <= len(suffix) + 1 or not word.endswith(suffix) or word.endswith("eed"):
            continue
        stem = word[: -len(suffix)]
        if not _has_vowel(stem):
            continue
        if len(stem) == 2:
            return _two_letters(stem, suffix)
        single = _undoubled(stem)
        if single != stem:
            return single
        return stem + "e" if _short(stem) else stem
    # "goes", "does", "undergoes", "tornadoes": the -es of an -o word after d and g, where
    # no -oe word ends so ("toes", "shoes" are "toe" and "shoe"; the "does" of "doe" is "do").
    if word.endswith(("does", "goes")):
        return word[:-2]
    # -es is the -s of an -e word ("games", "closes") or said after s, x, z, ch, sh, o
    # ("boxes", "tomatoes"): the -e left of those goes with the -e rule ("boxe" is "box").
    # The s of -ss, -us and -sis is the word's own ("class", "bonus", "crisis"; Porter's
    # step 1a keeps -ss and -us); the plurals of -u words in _PLURALS_IN_US lose theirs.
    if size > 3 and word.endswith("s") and not word.endswith(("ss", "us", "sis")):
        return word[:-1]
    if word in _PLURALS_IN_US:
        return word[:-1]
    return word


def _two_letters(stem: str, suffix: str) -> str:
    """The word of ``stem`` left of -ing or -ed with two letters: "us" of "using" or "used"
    is "use" (Porter's short word: a vowel and a consonant), the "dy" of "dying" "die", the
    "su" of "suing" "sue", the "to" of "toed" "toe"; "do", "go", "be" of -ing are as left."""
    if _kinds(stem) == "vc" or suffix == "ed":
        return stem + "e"
    if stem[1] == "y":
        return stem[0] + "ie"
    return stem + "e" if stem[1] == "u" else stem


def _without_e(stem: str) -> str:
    """``stem`` without a final -e, unless the -e tells it from another word: after two
    letters ("one", "use"), in -ee ("free"), after no vowel ("blue") and after one short
    syllable ("hope", "bare", "plane", "here")."""
    if len(stem) < 4 or not stem.endswith("e") or stem[-2] == "e":
        return stem
    base = stem[:-1]
    if _measure(base) == 0 or _short(base):
        return stem
    return base


def _kinds(stem: str) -> str:
    """``stem``'s letters as "v" (vowel) and "c" (consonant), y after a consonant a vowel
    ("try") and the u of qu a consonant ("quite", as "kwite")."""
    kinds = ""
    for at, letter in enumerate(stem):
        if letter in _VOWELS:
            vowel = not (letter == "u" and at > 0 and stem[at - 1] == "q")
        else:
            vowel = letter == "y" and kinds[-1:] == "c"
        kinds += "v" if vowel else "c"
    return kinds


def _measure(stem: str) -> int:
    """Porter's measure of ``stem``: how many vowels followed by a consonant it holds."""
    return _kinds(stem).count("vc")


def _short(stem: str) -> bool:
    """Whether ``stem`` is one short syllable, consonant, vowel, consonant, where an -e makes
    another word: "hop", "plan", "car" (not "fix", "play", "show": -ing finds them as spelt)."""
    kinds = _kinds(stem)
    return kinds.count("vc") == 1 and kinds.endswith("cvc") and stem[-1] not in "wxy"


def _has_vowel(stem: str) -> bool:
    """Whether ``stem`` holds a vowel, a y after a consonant counting as one ("try" of
    "trying"): "str" of "string", "spr" of "spring" are no stems."""
    return "v" in _kinds(stem)


def _undoubled(stem: str) -> str:
    """``stem`` with a consonant doubled after one vowel made one: "stopp" of "stopping" is
    "stop"; "add", "call", "miss" are as spelt."""
    if len(stem) < 4:
        return stem
    before, vowel, last = stem[-4], stem[-3], stem[-1]
    if last != stem[-2] or last in _VOWELS or last in _DOUBLED_ANYWAY:
        return stem
    return stem[:-1] if vowel in _VOWELS and before not in _VOWELS else stem
