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
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Final, Protocol

from ...exceptions import ConfigurationError
from ...shown_names import shown_value
from .checks import check_language

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
    #: and one spelling for words said either way ("an" → ("a",), "okay" → ("ok",)). A key
    #: that is no word as words said are read ("What's", "what is"), or words that are no tuple
    #: of such words, one at least, or hold one it rewrites ("an": a turn is rewritten once),
    #: are refused (`register_language`).
    rewrites: Mapping[str, tuple[str, ...]]
    #: A sample's words said contracted where the contraction is not rewritten, a possessive
    #: too, each way it is said (("name", "is") → ("name's", "names")): the sample is also read
    #: so (`sample_forms.contracted`). A key or forms that are no tuple of words, one at
    #: least (a string, ()), or that hold a word no turn says as written ("", "Name", "my
    #: name"), or a key or forms holding a word the `rewrites` rewrite ("what's": samples and
    #: turns are rewritten first), are refused (`register_language`). Optional: none.
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
    #: Words that call Alexa and are not part of the request ("alexa", "echo", ...). One that
    #: is no word as words said are read ("Alexa", "hey alexa") is refused (`register_language`).
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
    #: The `pure_fillers` said for a pause alone ("um", "uh"; not "please", a courtesy, nor
    #: "hey", a call, each a word of titles: "pretty *please*", "*hey* jude"): said inside a
    #: value of any words, one is left out as a pause there is ("new *um* york"). One that is
    #: none of the `pure_fillers` is refused (`register_language`). Optional: none.
    hesitations: frozenset[str] = frozenset()
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
        "hesitations",
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

#: Each member of the `Language` interface and its type, as declared: what `check_language`
#: asks of each (a set of words given as a string is refused).
_MEMBERS: Final = dict(Language.__annotations__)

_FACTORIES: dict[str, tuple[Callable[[str], Language], tuple[str, ...]]] = {}
_CACHE: dict[str, Language] = {}
#: Whether the built-in languages are registered (`_load_builtin`).
_builtin_loaded = False


def register_language(factory: Callable[[str], Language], locales: Sequence[str]) -> None:
    """Make ``factory(locale)`` serve each of ``locales`` ("fr-FR", "fr-CA", ...). Each
    locale's language is made now: one the interface cannot use (a set of words given as a
    string, a `rewrites` or `wake_words` word no turn says as written, a `replies` word that is
    no word of two or three letters in lower case, a `contractions` key or forms that are no
    tuple of words or hold a word its `rewrites` rewrite, a `wake_word_places` name or a
    `query_wake_words` word no turn reads, a `hesitations` word none of its `pure_fillers`:
    `checks.py`) is a `ConfigurationError`, and none of ``locales`` is registered."""
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
            f"locale {shown_value(locale)}: utterance understanding does not know this language "
            f"yet (it knows {known})"
        )
    language = _made(entry[0], locale)
    _CACHE[locale] = language
    return language


def _made(factory: Callable[[str], Language], locale: str) -> Language:
    """``factory(locale)``, with the interface's defaults for the optional attributes it
    lacks; a `ConfigurationError` where a member holds what no turn reads as written
    (`checks.check_language`)."""
    language = factory(locale)
    for name, default in _OPTIONAL.items():
        # The interface's defaults, for a language that is no subclass of `Language` (a
        # Protocol gives its defaults to its subclasses alone) and names none of its own.
        if not hasattr(language, name):
            setattr(language, name, default)
    check_language(language, locale, _MEMBERS)
    return language


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
    hesitations: frozenset[str] = frozenset()
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
