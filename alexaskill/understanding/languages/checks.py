"""What `register_language` refuses of a `Language`: a member no turn can read as written, each
said in a `ConfigurationError` that names the locale, the member and the entry at fault.

A string where a collection of words is due (its letters read as the words), a mapping that is
none, a word not as words said are read (`tokenize`: in lower case, NFKC-normalised, one word),
a word its own `rewrites` rewrite (samples and turns are rewritten once, before they are read),
a reply no code's letters can be: each was registered and silently never matched, or broke the
first understanding.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Final

from ...exceptions import ConfigurationError
from ...shown_names import shown_escaped, shown_value
from ..text import tokenize

if TYPE_CHECKING:
    from . import Language

__all__ = ["CODE_LETTERS", "check_language"]

#: The most letters of a word said as a code's letters beside its digits ("ab 12", "lax 7"), not
#: as a word (cut.py), and so of a `Language.replies` word.
CODE_LETTERS: Final = 3


def check_language(language: Language, locale: str, members: Mapping[str, str]) -> None:
    """A `ConfigurationError` for the first member of ``language`` (``members``: each name and
    its type, as `Language` declares them) that no turn reads as written."""
    _check_kinds(language, locale, members)
    _check_rewrites(language, locale)
    _check_words(language, "wake_words", locale)
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
    _check_hesitations(language, locale)


def _check_kinds(language: Language, locale: str, members: Mapping[str, str]) -> None:
    """A `ConfigurationError` naming a member of ``language`` declared a collection of words
    (a frozenset, a tuple, a mapping) that is a string, or no such collection at all: a string is
    a sequence of its letters, so `"um"` was read as "u" and "m", and a check of its words named
    its first letter alone; a mapping that is none broke the first understanding. A member
    the language lacks (one with no default: `_made` gives the others theirs) is said too."""
    for name, kind in members.items():
        if not hasattr(language, name):
            # (A member the interface gives no default: every language names it. Read here
            # first, its lack was an AttributeError out of `register_language`.)
            raise ConfigurationError(
                f"locale {locale!r}: {type(language).__name__} has no {name}: every language "
                f"names it, {kind} (`Language`)"
            )
        value = getattr(language, name)
        mapping = kind.startswith("Mapping")
        if not (mapping or kind.startswith(("frozenset", "tuple"))):
            continue
        if mapping and isinstance(value, Mapping):
            continue
        if not mapping and isinstance(value, Collection) and not isinstance(value, str):
            continue
        what = "a string" if isinstance(value, str) else "no mapping" if mapping else "no set"
        raise ConfigurationError(
            f"locale {locale!r}: {type(language).__name__}.{name} is {what}, "
            f"{shown_value(value)}: it is {_meant(kind, value)}"
        )


def _meant(kind: str, value: object) -> str:
    """What a member of type ``kind`` is, and how ``value``, a string, is written as one."""
    # ("alexa echo" as frozenset({'alexa', 'echo'}), sorted: a frozenset's repr has no order.)
    if not isinstance(value, str):
        return f"a {'mapping' if kind.startswith('Mapping') else 'collection'} ({kind})"
    if kind.startswith("Mapping"):
        return f"a mapping ({kind}), and a string has no keys; write it as a dict"
    said = value.split()
    whole = kind.endswith("[tuple[str, ...]]") or kind.startswith("tuple")
    parts = [repr(tuple(said))] if whole else sorted(map(repr, said))
    written = f"frozenset({{{', '.join(parts)}}})" if kind.startswith("frozenset") else ""
    written = written or f"({', '.join(parts)},)"
    fix = f"; write {shown_escaped(written)}" if said else ""
    return f"a collection ({kind}), and a string would be read as its letters{fix}"


def _check_words(language: Language, name: str, locale: str) -> None:
    """A `ConfigurationError` naming a word of ``language``'s member ``name`` (a set of words)
    that no turn says as written: no string, or not as words said are read (`_unsaid`)."""
    for word in sorted(getattr(language, name), key=repr):
        wrong = _unsaid(word)
        if wrong is not None:
            what, fix = wrong
            raise ConfigurationError(
                f"locale {locale!r}: {type(language).__name__}.{name} holds {what}: each is one "
                f"word in lower case, as words said are read; {fix}"
            )


def _unsaid(word: object) -> tuple[str, str] | None:
    """What is wrong with ``word``, one word to be matched with a word said, and how to write it;
    None where a turn can say it as written (`_as_said`)."""
    if not isinstance(word, str):
        return f"{shown_value(word)}, no string", "write each word as a string"
    said = _as_said(word)
    if said == [word]:
        return None
    fix = f"write {said[0]!r}" if len(said) == 1 else "leave it out"
    fix = "write it as one word, or leave it out" if len(said) > 1 else fix
    return f"{shown_value(word)}, no word said as written", fix


def _check_rewrites(language: Language, locale: str) -> None:
    """A `ConfigurationError` naming the first entry of ``language.rewrites`` whose key is no
    word said as written (a turn's words are looked up one by one, in lower case), or whose
    words are no tuple of such words, one at least, none of them a word the rewrites rewrite
    (a turn is rewritten once: "an" written where "an" is rewritten "a" never met a sample's)."""
    rewrites, owner = language.rewrites, f"locale {locale!r}: {type(language).__name__}.rewrites"
    for key, words in rewrites.items():
        wrong = _unsaid(key)
        if wrong is not None:
            what, fix = wrong
            raise ConfigurationError(
                f"{owner} holds the key {what}: a key is a word said, one word in lower case "
                f"as words said are read; {fix}"
            )
        if isinstance(words, str):
            what, fix = (
                f"is {shown_value(words)}, a string",
                f"write {shown_value(tuple(words.split()))}",
            )
        elif not isinstance(words, tuple):
            what, fix = f"is {shown_value(words)}, no tuple", "write its words as a tuple"
        elif not words:
            what, fix = "is (), no words", "leave it out: a word said would vanish"
        else:
            bad = next((found for word in words if (found := _unsaid(word)) is not None), None)
            again = next((word for word in words if word in rewrites), None)
            if bad is not None:
                what, fix = f"holds {bad[0]}", bad[1]
            elif again is not None:
                meant = tuple(each for word in words for each in rewrites.get(word, (word,)))
                what = f"holds {again!r}, which its rewrites make {shown_value(rewrites[again])}"
                fix = f"write {shown_value(meant)}: a turn is rewritten once"
            else:
                continue
        raise ConfigurationError(
            f"{owner}[{shown_value(key)}] {what}: the words a word said is rewritten as are a "
            f"tuple of words, one at least, each in lower case as words said are read; {fix}"
        )


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
            f"; write {shown_value(tuple(said))}"
            if len(said) > 1 and said[0] in language.wake_words
            else ""
        )
        raise ConfigurationError(
            f"locale {locale!r}: {type(language).__name__}.wake_word_places holds "
            f"{shown_value(place)}: "
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
            f"locale {locale!r}: {type(language).__name__}.query_wake_words holds "
            f"{shown_value(word)}: "
            "each is one of its wake_words "
            f"({', '.join(map(repr, sorted(language.wake_words)))}), in lower case as words "
            f"said are read{meant}"
        )


def _check_hesitations(language: Language, locale: str) -> None:
    """A `ConfigurationError` naming a word of ``language.hesitations`` that is none of its
    `pure_fillers`: only a filler is ever left out (`fillers._as_pauses`), so such a word stayed
    in every value it was said in."""
    for word in sorted(language.hesitations, key=repr):
        if word in language.pure_fillers:
            continue
        raise ConfigurationError(
            f"locale {locale!r}: {type(language).__name__}.hesitations holds "
            f"{shown_value(word)}, none of its pure_fillers: each is one, as only a filler is "
            "left out; add it there, or leave it out"
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
            or _rewritten_form(forms, language.rewrites)
        )
        if wrong is None:
            continue
        what, why, fix = wrong
        raise ConfigurationError(
            f"locale {locale!r}: {type(language).__name__}.contractions[{shown_value(key)}] "
            f"{what}: a "
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
        whole = shown_value(words)
        what = f"has its key {whole}, a string" if key else f"is {whole}, a string"
        return what, "and a string would be read as its letters", f"write {shown_value(meant)}"
    if not isinstance(words, tuple):
        what = f"has its key {shown_value(words)}" if key else f"is {shown_value(words)}"
        return f"{what}, no tuple", "each a string", f"write {whose} as a tuple"
    if not words:
        what = "has its key (), no words" if key else "is (), no form"
        return what, "one at least", "leave the key out"
    where = "in its key" if key else "among its forms"
    odd = [word for word in words if not isinstance(word, str)]
    if odd:
        fix = "write each word as a string"
        return f"holds {shown_value(odd[0])} {where}, no string", "each a string", fix
    # A word is matched as `tokenize` reads one said: "", "name s" or "Name" never was.
    unread = next((word for word in words if _as_said(word) != [word]), None)
    if unread is not None:
        said = _as_said(unread)
        fix = f"write {said[0]!r}" if len(said) == 1 else "leave it out"
        if len(said) > 1:
            fix = "leave it out: a form is one word"
            fix = f"write its words apart, {shown_value(tuple(said))}" if key else fix
        what = f"holds {shown_value(unread)} {where}, no word said as written"
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
    what = f"holds {word!r} in its key, which its rewrites make {shown_value(rewrites[word])}"
    why = f"and samples are rewritten before they are contracted, so none holds {word!r}"
    return what, why, f"write {shown_value(meant)}"


def _rewritten_form(
    forms: tuple[str, ...], rewrites: Mapping[str, tuple[str, ...]]
) -> tuple[str, str, str] | None:
    """The first of ``forms`` that ``rewrites`` rewrite, and what it is rewritten as, for
    `_check_contractions`'s error; None where there is none. A turn is rewritten before it is
    read (`tokenize`): no turn holds such a form, and it was never seen, as such a key."""
    form = next((form for form in forms if form in rewrites), None)
    if form is None:
        return None
    what = f"holds {form!r} among its forms, which its rewrites make {shown_value(rewrites[form])}"
    why = f"and the words said are rewritten before they are read, so none holds {form!r}"
    return what, why, "leave it out"


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
