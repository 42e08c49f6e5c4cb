"""What understanding needs to know about a language, and the languages it knows.

A `Language` is a small interface: how words are contracted, which phrasings the built-in
intents have, how users open a skill, the words said with a value ("at noon"), and the parsers
that turn the words of a built-in slot type (AMAZON.NUMBER, DATE, TIME, DURATION, ...) into the
value Alexa sends. English serves en-US, en-GB, en-CA, en-AU and en-IN, with the few differences
between them (a "fortnight" is a duration in en-GB, en-AU and en-IN). Another language is one
module that implements the interface and one `register_language` call.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Final, Protocol

from ...exceptions import ConfigurationError
from ..text import tokenize

__all__ = [
    "Language",
    "SlotParser",
    "language_for",
    "register_language",
    "resolving_language",
    "supported_locales",
]

#: Parses the words of one slot span into the value Alexa sends, relative to the user's "now".
SlotParser = Callable[[Sequence[str], datetime.datetime], str | None]


class Language(Protocol):
    """The language-specific knowledge of understanding, for one locale."""

    #: The locale served, e.g. "en-GB".
    locale: str
    #: Words rewritten before matching: contractions expanded ("what's" → ("what", "is")),
    #: and one spelling for words said either way ("an" → ("a",), "okay" → ("ok",)).
    rewrites: Mapping[str, tuple[str, ...]]
    #: A sample's words said contracted where the contraction is not rewritten, a possessive
    #: too, each way it is said (("name", "is") → ("name's", "names")): the sample is also read
    #: so (`sample_forms.contracted`). A key or forms that are no tuple of words, one at
    #: least (a string, ()), or that hold a word no turn says as written ("", "Name", "my
    #: name"), or a key holding a word the `rewrites` rewrite ("what's": samples are rewritten
    #: first), are refused (`register_language`). Optional: none.
    contractions: Mapping[tuple[str, ...], tuple[str, ...]] = MappingProxyType({})
    #: Common phrasings of Amazon's built-in intents, by intent name.
    builtin_intents: Mapping[str, tuple[str, ...]]
    #: The words that open a skill by name ("open", "talk to", ...), as word tuples.
    launch_verbs: tuple[tuple[str, ...], ...]
    #: The words that ask a skill for something by name ("ask", "tell", ...).
    ask_verbs: tuple[tuple[str, ...], ...]
    #: Words between the skill's name and the request ("ask X *to* ...", "*for*", "*if*").
    connectors: frozenset[str]
    #: Words before the skill's name at the end of a request ("... *using* X").
    trailing_connectors: frozenset[str]
    #: Whole utterances that end the session ("exit", "quit").
    session_end: frozenset[tuple[str, ...]]
    #: Words that call Alexa and are not part of the request ("alexa", "echo", ...).
    wake_words: frozenset[str]
    #: Words users add that carry no meaning for matching ("please", "um").
    fillers: frozenset[str]
    #: Words that separate the values of a multiple-value slot ("and", "or").
    list_separators: frozenset[str]
    #: Words that carry grammar rather than meaning ("the", "is", "to"): matching a sample
    #: loosely, a missing one costs little and a shared one proves little; shared alone (or
    #: with `fillers`), none chooses the closest intent of a model without a fallback intent.
    function_words: frozenset[str]
    #: Words a built-in slot type reads along with its value ("*at* noon", "*on* friday"; in
    #: German it would be "*um* zwölf", "*am* Freitag"): a dialog prompt that says the value
    #: back as the user said it leaves a leading one out. Optional: none (a `Language` written
    #: before it was part of the interface has none, as the CHANGELOG promised).
    value_carriers: frozenset[str] = frozenset()
    #: Words that join two values into a range or one value's parts ("5 *to* 6", "the 31st
    #: *of* february"): a reading that leaves one out, and a value past it, is cut short.
    joiners: frozenset[str]
    #: Words said before the first of two values that make a range ("*from* 5 to 6",
    #: "*between* 5 and 6"): what follows one is a start, and a part of the day said before
    #: one is read into the times after it ("this evening from 7" is 19:00).
    openers: frozenset[str]
    #: Words said before a time that say where a stretch of time starts or ends ("*from* 8
    #: tonight", "tonight *until* 8"): the one time slot of an intent holds one with its value;
    #: with two, the samples' own words say where each starts and ends, and the slots hold none.
    bounds: frozenset[str]
    #: Words that deny the value said after them ("*not* friday", "*never* on monday"): a
    #: reading that leaves one out fills the slot with what the user refused.
    negations: frozenset[str]
    #: What a user says for a value they do not know, as word tuples ("no idea"): said alone,
    #: one after another ("i don't know, no idea") or last after a value ("paris, no idea"), no
    #: dialog answer; said first, a pause and a value after it ("no idea, paris"), that value.
    #: Optional: none.
    dont_knows: frozenset[tuple[str, ...]] = frozenset()
    #: Words said with a `dont_knows` phrase that add nothing to it ("*honestly* no idea"), or
    #: before a value ("*maybe* paris", "no idea, *maybe* paris") or last after it ("paris,
    #: *maybe*"). Optional: none.
    hedges: frozenset[str] = frozenset()
    #: Particles of phrasal verbs ("off", "out", "up"): said before a slot the sample says
    #: them after ("take off {item}" of "take {item} off"), read loosely. Optional: none.
    particles: frozenset[str] = frozenset()
    #: The fillers that are never words of meaning ("um", "please"; not "like"): said, they
    #: weigh nothing in which samples are aligned. Optional: none.
    pure_fillers: frozenset[str] = frozenset()
    #: Words of thanks said after a value ("paris *thanks*"): no part of it, no word making it
    #: another name ("the paris *hotel*"). Optional: none.
    courtesies: frozenset[str] = frozenset()
    #: Words said after thanks that only stress them ("thank you *very much*", "thanks *a
    #: lot*"): no part of a value either, a pause before them or not. Optional: none.
    thanks_stress: frozenset[str] = frozenset()
    #: Other words said after a value that make it no other name, as thanks do: words that
    #: repeat, correct, add, agree or call ("paris *instead*", "nyc *baby*"). Optional: none.
    afterwords: frozenset[str] = frozenset()
    #: Words that say a date alone and are other words too (English: "may", "march"): such a
    #: date is read right after a `value_carriers` word or last, else the word is no date
    #: ("ask if i may leave"). Optional: none.
    date_homonyms: frozenset[str] = frozenset()
    #: Words after which a `date_homonyms` word is the other word, said last too: a pronoun
    #: ("he *may*"), an article ("the *spring*"), a verb said to a person ("call *may*", a
    #: name), unless a `value_carriers` word comes before it ("in the fall"). Optional: none.
    homonym_cues: frozenset[str] = frozenset()
    #: The `list_separators` that offer a choice ("or"): a value of one type and one of
    #: another said with one ("book 2 or friday") are no two slots' values. Optional: none.
    alternatives: frozenset[str] = frozenset()
    #: Pronouns said after a verb of asking ("tell *me* ...", "ask *us* ..."): no skill's name
    #: opens with one, so a model without an invocation name, which takes any name, takes none
    #: that does. Optional: none.
    object_pronouns: frozenset[str] = frozenset()
    #: Words said alone as a reply of their own ("yep", "nah", "bye"), whether a built-in
    #: intent lists them as its phrase or not: said beside a code's digits ("yep 12"), no
    #: letters of it. Each is a word of two or three letters (`CODE_LETTERS`; a code's letters
    #: are no more, a longer word is never taken for them), in lower case as words said are
    #: read, with no combining mark (str.isalpha's letters, as cut.py tells a code's):
    #: `register_language` refuses a language with another. Optional: none (the
    #: built-in intents' phrasings are such words still).
    replies: frozenset[str] = frozenset()
    #: The names of places that begin with one of the `wake_words`, as word tuples (("echo",
    #: "park")): such a wake word said first, with no pause after it, stays in a free-form
    #: place slot's value that is one of them, where the words without it read as the same
    #: sample. One of fewer words, not opening with a wake word, or holding a word not as
    #: words said are read ("Park", ""), is refused (`register_language`). Optional: none.
    wake_word_places: frozenset[tuple[str, ...]] = frozenset()
    #: The `wake_words` that are words a search query begins with too ("*amazon* prime video",
    #: "*echo* dot"): said first, or after "hey" or another wake word, with no pause after it,
    #: one that begins an AMAZON.SearchQuery slot's value stays in it, where the words without
    #: it read as the same sample; said last with no pause before it, it stays in one too ("a
    #: new *computer*"), where another is the device called ("cheap flights *alexa*"). One that
    #: is none of the `wake_words`, or not in lower case as words said are read ("Amazon"), is
    #: refused (`register_language`). Optional: none.
    query_wake_words: frozenset[str] = frozenset()

    def slot_parser(self, slot_type: str) -> SlotParser | None:
        """The parser of a built-in slot type with a fixed format, None for free-form types."""
        ...

    def slot_vocabulary(self, slot_type: str) -> frozenset[str] | None:
        """Every word a value of a built-in type with a format can hold (numbers in digits
        aside), or None when any word can: spans with other words are refused unparsed."""
        ...

    def stem(self, word: str) -> str:
        """A crude stem for loose matching ("forecasts", "forecasting" → "forecast")."""
        ...


#: The `Language` attributes a language may leave out, and what it then has (their defaults):
#: each one object that every language naming none shares, and so immutable (a frozenset, a
#: MappingProxyType), where a dict set in one language would be set in all.
_OPTIONAL: Final = {
    name: getattr(Language, name)
    for name in (
        "contractions",
        "value_carriers",
        "dont_knows",
        "hedges",
        "particles",
        "pure_fillers",
        "courtesies",
        "thanks_stress",
        "afterwords",
        "date_homonyms",
        "homonym_cues",
        "alternatives",
        "object_pronouns",
        "replies",
        "wake_word_places",
        "query_wake_words",
    )
}

#: The most letters of a word said as a code's letters beside its digits ("ab 12", "lax 7"), not
#: as a word (cut.py), and so of a `Language.replies` word.
CODE_LETTERS: Final = 3

_FACTORIES: dict[str, tuple[Callable[[str], Language], tuple[str, ...]]] = {}
_CACHE: dict[str, Language] = {}
#: Whether the built-in languages are registered (`_load_builtin`).
_builtin_loaded = False


def register_language(factory: Callable[[str], Language], locales: Sequence[str]) -> None:
    """Make ``factory(locale)`` serve each of ``locales`` ("fr-FR", "fr-CA", ...). Each
    locale's language is made now: one the interface cannot use (a `replies` word that is no
    word of two or three letters in lower case, a `contractions` key or forms that are no
    tuple of words or a key its `rewrites` rewrite, a `wake_word_places` name or a
    `query_wake_words` word no turn reads) is a `ConfigurationError`, and none of ``locales``
    is registered."""
    # Made at once, not at the first understanding: a mistake shows where the language is
    # registered, and a language is made once either way.
    made = {locale: _made(factory, locale) for locale in locales}
    for locale in locales:
        _FACTORIES[locale] = (factory, tuple(locales))
        _CACHE[locale] = made[locale]


def supported_locales() -> tuple[str, ...]:
    """The locales understanding can serve, sorted."""
    _load_builtin()
    return tuple(sorted(_FACTORIES))


def language_for(locale: str) -> Language:
    """The `Language` of ``locale``; `ConfigurationError` for a locale not supported yet."""
    _load_builtin()
    cached = _CACHE.get(locale)
    if cached is not None:
        return cached
    entry = _FACTORIES.get(locale)
    if entry is None:
        known = ", ".join(sorted(_FACTORIES))
        raise ConfigurationError(
            f"locale {locale!r}: utterance understanding does not know this language yet "
            f"(it knows {known})"
        )
    language = _made(entry[0], locale)
    _CACHE[locale] = language
    return language


def _made(factory: Callable[[str], Language], locale: str) -> Language:
    """``factory(locale)``, with the interface's defaults for the optional attributes it
    lacks; a `ConfigurationError` where its `replies` hold a word no code's letters can be,
    its `contractions` anything but tuples of words (`_check_contractions`), its
    `wake_word_places` a name no turn reads (`_check_wake_word_places`), or its
    `query_wake_words` a word no turn reads (`_check_query_wake_words`)."""
    language = factory(locale)
    for name, default in _OPTIONAL.items():
        # The interface's defaults, for a language that is no subclass of `Language` (a
        # Protocol gives its defaults to its subclasses alone) and names none of its own.
        if not hasattr(language, name):
            setattr(language, name, default)
    # cut.py reads a reply word only where the word could be a code's letters: any other
    # would be silently unread, the reply it names taken for nothing.
    unread = sorted(word for word in language.replies if not _read_as_letters(word))
    if unread:
        raise ConfigurationError(
            f"locale {locale!r}: {type(language).__name__}.replies holds "
            f"{', '.join(map(repr, unread))}: a reply is read only beside a code's digits "
            f'("yep 12"), as no letters of it, and only a word of 2 to {CODE_LETTERS} letters, '
            f"in lower case as words said are read, could be those{_marks_said(unread)}; leave "
            "such a word out"
        )
    _check_contractions(language, locale)
    _check_wake_word_places(language, locale)
    _check_query_wake_words(language, locale)
    return language


def _check_wake_word_places(language: Language, locale: str) -> None:
    """A `ConfigurationError` naming a place of ``language.wake_word_places`` that is no tuple
    of two words or more, each as words said are read (`_as_said`), the first one of its
    `wake_words`: `wake_words.woken_kept` reads none other (an empty one broke every turn said
    after a wake word; "Park" or "" was compared with the words said, never equal)."""
    for place in sorted(language.wake_word_places, key=repr):
        if (
            isinstance(place, tuple)
            and len(place) > 1
            and all(isinstance(word, str) and _as_said(word) == [word] for word in place)
            and place[0] in language.wake_words
        ):
            continue
        # The name as words said are read ("echo bay" → ("echo", "bay"), "Park" → "park"),
        # where each of its parts is a string and it opens with a wake word still.
        parts = (
            (place,) if isinstance(place, str) else place if isinstance(place, tuple | list) else ()
        )
        said = [] if not all(isinstance(part, str) for part in parts) else parts
        said = [word for part in said for word in _as_said(part)]
        meant = (
            f"; write {tuple(said)!r}" if len(said) > 1 and said[0] in language.wake_words else ""
        )
        raise ConfigurationError(
            f"locale {locale!r}: {type(language).__name__}.wake_word_places holds {place!r}: "
            "each is a place's name as a tuple of words, two at least, each in lower case as "
            "words said are read, the first one of its wake_words "
            f"({', '.join(map(repr, sorted(language.wake_words)))}){meant}"
        )


def _check_query_wake_words(language: Language, locale: str) -> None:
    """A `ConfigurationError` naming a word of ``language.query_wake_words`` that is none of its
    `wake_words`, or not as words said are read (`_as_said`): `wake_words.woken_kept` asks
    only of a wake word said first, in lower case, so such a word was never read."""
    for word in sorted(language.query_wake_words, key=repr):
        if isinstance(word, str) and _as_said(word) == [word] and word in language.wake_words:
            continue
        said = _as_said(word) if isinstance(word, str) else []
        meant = f"; write {said[0]!r}" if len(said) == 1 and said[0] in language.wake_words else ""
        raise ConfigurationError(
            f"locale {locale!r}: {type(language).__name__}.query_wake_words holds {word!r}: "
            "each is one of its wake_words "
            f"({', '.join(map(repr, sorted(language.wake_words)))}), in lower case as words "
            f"said are read{meant}"
        )


def _check_contractions(language: Language, locale: str) -> None:
    """A `ConfigurationError` naming the first key of ``language.contractions`` that is no
    tuple of words, or whose forms are none (`_no_words`), or that holds a word its rewrites
    rewrite (`_rewritten`)."""
    for key, forms in language.contractions.items():
        wrong = (
            _no_words(key, key=True)
            or _no_words(forms, key=False)
            or _rewritten(key, language.rewrites)
        )
        if wrong is None:
            continue
        what, why, fix = wrong
        raise ConfigurationError(
            f"locale {locale!r}: {type(language).__name__}.contractions[{key!r}] {what}: a "
            f"sample's words and the forms they are said in are each a tuple of words, {why}; "
            f"{fix}"
        )


def _no_words(words: object, *, key: bool) -> tuple[str, str, str] | None:
    """What is wrong with ``words``, a contraction's ``key`` or its forms, why and how to write
    it, for `_check_contractions`'s error; None where it is a tuple of words said as written
    (`_as_said`), one at least."""
    # A string is a sequence of its letters: a form "name's" (the interface's older type) was
    # read as the forms "n", "a", ..., a key "name is" as no sample's words, with no error. An
    # empty key was read at every place of every sample (`sample_forms.contracted`), no form
    # of a key is a mistake, and a word that is no string was never said or broke a sample.
    whose = "its key" if key else "its forms"
    if isinstance(words, str):
        meant = tuple(words.split()) if key else (words,)
        what = f"has its key {words!r}, a string" if key else f"is {words!r}, a string"
        return what, "and a string would be read as its letters", f"write {meant!r}"
    if not isinstance(words, tuple):
        what = f"has its key {words!r}" if key else f"is {words!r}"
        return f"{what}, no tuple", "each a string", f"write {whose} as a tuple"
    if not words:
        what = "has its key (), no words" if key else "is (), no form"
        return what, "one at least", "leave the key out"
    where = "in its key" if key else "among its forms"
    odd = [word for word in words if not isinstance(word, str)]
    if odd:
        fix = "write each word as a string"
        return f"holds {odd[0]!r} {where}, no string", "each a string", fix
    # A word is matched as `tokenize` reads one said: "", "name s" or "Name" never was.
    unread = next((word for word in words if _as_said(word) != [word]), None)
    if unread is not None:
        said = _as_said(unread)
        fix = f"write {said[0]!r}" if len(said) == 1 else "leave it out"
        if len(said) > 1:
            fix = "leave it out: a form is one word"
            fix = f"write its words apart, {tuple(said)!r}" if key else fix
        what = f"holds {unread!r} {where}, no word said as written"
        return what, "each one word in lower case, as words said are read", fix
    return None


def _rewritten(
    key: tuple[str, ...], rewrites: Mapping[str, tuple[str, ...]]
) -> tuple[str, str, str] | None:
    """The first word of ``key`` that ``rewrites`` rewrites, what it is rewritten as and the key
    to write, for `_check_contractions`'s error; None where there is none. Samples are
    rewritten before they are contracted (`sample_forms.contracted`): no sample holds such a
    word, and the key never matched."""
    word = next((word for word in key if word in rewrites), None)
    if word is None:
        return None
    meant = tuple(each for said in key for each in rewrites.get(said, (said,)))
    what = f"holds {word!r} in its key, which its rewrites make {rewrites[word]!r}"
    why = f"and samples are rewritten before they are contracted, so none holds {word!r}"
    return what, why, f"write {meant!r}"


def _marks_said(words: Sequence[str]) -> str:
    """The first combining mark each of ``words`` holds, as "; 'हाँ' holds 'ा' (U+093E): a
    combining mark, ...", else "": such a word looks like one of letters (a vowel sign is part
    of a Hindi word), yet cut.py tells a code's letters with str.isalpha, to which a mark is no
    letter."""
    marks = [
        (word, mark)
        for word in words
        if (mark := next((c for c in word if unicodedata.category(c).startswith("M")), None))
    ]
    if not marks:
        return ""
    said = ", ".join(f"{word!r} holds {mark!r} (U+{ord(mark):04X})" for word, mark in marks)
    what = "a combining mark" if len(marks) == 1 else "each a combining mark"
    return f"; {said}: {what}, no letter to str.isalpha (cut.py's test of a code's letters)"


def _read_as_letters(word: str) -> bool:
    """Whether ``word`` can be a code's letters said beside its digits (cut.py): a word of 2
    to `CODE_LETTERS` letters, written as a word said is read (`tokenize`: casefolded and
    NFKC-normalised, so "Yep" or a full-width "yes" never equals one)."""
    return _as_said(word) == [word] and word.isalpha() and 1 < len(word) <= CODE_LETTERS


def _as_said(word: str) -> list[str]:
    """The words `tokenize` reads ``word`` as, said: casefolded and NFKC-normalised, split at
    spaces and marks ("Name" as "name", "name is" as two, "" as none)."""
    return [token.text for token in tokenize(word, {})]


class _Unknown:
    """A language understanding does not know, enough to resolve custom slot values.

    Entity resolution compares the words said with a custom type's values and synonyms, cased
    and spaced alike: that needs no knowledge of the language. Everything else (samples,
    built-in intents, the parsers of built-in slot types) raises the `ConfigurationError` that
    names the locale.
    """

    # (Immutable, as `_OPTIONAL`'s defaults: shared by every locale understanding does not know.)
    rewrites: Mapping[str, tuple[str, ...]] = MappingProxyType({})
    contractions: Mapping[tuple[str, ...], tuple[str, ...]] = MappingProxyType({})
    fillers: frozenset[str] = frozenset()
    list_separators: frozenset[str] = frozenset()
    value_carriers: frozenset[str] = frozenset()
    joiners: frozenset[str] = frozenset()
    openers: frozenset[str] = frozenset()
    bounds: frozenset[str] = frozenset()
    negations: frozenset[str] = frozenset()
    dont_knows: frozenset[tuple[str, ...]] = frozenset()
    hedges: frozenset[str] = frozenset()
    particles: frozenset[str] = frozenset()
    pure_fillers: frozenset[str] = frozenset()
    courtesies: frozenset[str] = frozenset()
    thanks_stress: frozenset[str] = frozenset()
    afterwords: frozenset[str] = frozenset()
    date_homonyms: frozenset[str] = frozenset()
    homonym_cues: frozenset[str] = frozenset()
    alternatives: frozenset[str] = frozenset()
    object_pronouns: frozenset[str] = frozenset()
    replies: frozenset[str] = frozenset()
    wake_word_places: frozenset[tuple[str, ...]] = frozenset()
    query_wake_words: frozenset[str] = frozenset()

    def __init__(self, locale: str, refusal: ConfigurationError) -> None:
        self.locale = locale
        self.refusal = refusal

    def slot_parser(self, slot_type: str) -> SlotParser | None:
        return None

    def slot_vocabulary(self, slot_type: str) -> frozenset[str] | None:
        return None

    def __getattr__(self, name: str) -> object:
        raise self.refusal


def resolving_language(locale: str) -> tuple[Language, ConfigurationError | None]:
    """The `Language` of ``locale`` when understanding knows it, else one that only resolves
    custom slot values, with the `ConfigurationError` `language_for` raised."""
    try:
        return language_for(locale), None
    except ConfigurationError as exc:
        unknown: Language = _Unknown(locale, exc)  # type: ignore[assignment]
        return unknown, exc


def _load_builtin() -> None:
    """Register the built-in languages, once, for the locales no `register_language` call
    has taken: registered before the first understanding, a language keeps English known."""
    global _builtin_loaded
    if _builtin_loaded:
        return
    from .english import LOCALES, English

    factory: Callable[[str], Language] = English
    register_language(factory, [locale for locale in LOCALES if locale not in _FACTORIES])
    _builtin_loaded = True
