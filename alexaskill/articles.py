"""The article before a name in a message's words: `with_article`, `type_with_article` for
the type of a value given in another's place ("not an int"), and `value_with_type` for a value
shown with its type ("the key 1 (an int)")."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["type_with_article", "value_with_type", "with_article"]

#: A name's start said letter by letter: a capital before a capital, a digit or no letter
#: (HTTPResponse, UUID, MP3, S3Object, X); in lower case, letters with no vowel after the first
#: before the lower case ends (html, url, htmlParser; not "un", "up" or "um" alone or before a
#: capital or a digit, a word or its start: up, unPack, upDate), or a first two that begin no
#: English word (ndarray, nginx, lzma, xrange, hrtimer, mrjob, rwlock; not mnemonic, its "m"
#: silent, nor fjord, flask, frozenset, rhythm, llama). One capital then lower case is
#: a word (LaunchRequest, NoneType), vowel or not: which such names are said as letters (Html)
#: and which as the word they shorten (Msg, Mr, Hz, St) cannot be told from their letters, and
#: CamelCase writes a word so. Rules of thumb: capitals said as a word (NATO) are read as letters
#: too, and a first two of lower case only by the letters whose names begin with a vowel ("s",
#: which begins "st", "sp" and the like, by a name with no vowel alone: sql; "sm" begins
#: small: "a smtplib"). Those said as a word are `_SAID_AS_WORD`'s, tried first.
_SAID_AS_LETTERS: Final = re.compile(
    r"[A-Z](?:[A-Z0-9]|(?![A-Za-z]))"
    r"|(?!u[mnp](?![a-z]))[a-z][b-df-hj-np-tv-xz]*(?![a-z])"
    r"|(?!mn|fj|f[lr]|rh|ll)[fhlmnr][b-df-hj-np-tv-xz]|x[b-df-hj-np-tv-xz]"
)

#: The letters whose names start with a vowel: A, E, F (eff), H (aitch), I, L (ell), M, N, O,
#: R (ar), S (ess), X (ex); not U ("you": "a UUID"). So "an SQLite", as its author says it,
#: "S-Q-L-ite" (D. Richard Hipp, The Changelog #201), not "sequel-ite" ("a SQLite").
_VOWEL_LETTERS: Final = frozenset("aefhilmnorsx")

#: A word whose "u" is said "you", lower-cased: "uni" (unit, union, unicode; not uninstalled,
#: unimplemented, unidentified), "unary", "uu" (uuid's letters), or a "u" before one consonant
#: and a vowel (user, usage, utility, uranium), "unanim" (unanimous, unanimity), but "ubuntu"
#: ("oo-BOON-too") and "uber" ("oo-ber": Uber, an uberjar). The names given
#: are request types and Python types' names (a skill's classes too): a rule of thumb for
#: English words, not a dictionary; "un" and "up" before another letter (unknown, unaware,
#: update), "um" (umbrella) and the rest are "uh".
_SAID_YOU: Final = re.compile(r"u(?!buntu|ber)(?:ni(?![nmd])|nary|nanim|u|[bfgkrstv][aeiou])")

#: A start with no vowel, or in capitals, said as a word, not as letters (case as written):
#: "str", the one Python type named without a vowel, "string" or "stir", as Python's docs say
#: it ("Return a str version of object": "a str", "a strEnum"), and its plural ("a strs",
#: "an strs" read as letters); "msg", a message, lower case
#: as "Msg" is (msgspec, msgpack; "MSG" is letters); NULL, SQL's and DynamoDB's, and NASA,
#: their plural's "s" too (NULLs, NASAs: "an NULLs" was said, "NU" read as letters).
#: Names the framework's messages meet, not a dictionary: other capitals are read as letters.
_SAID_AS_WORD: Final = re.compile(r"strs?(?![a-z])|msg|(?:NULL|NASA)s?(?![a-z])")


#: A word whose first vowel is said as a consonant, lower-cased: "eu" said "you" (European,
#: euro, eulogy), but not Euler's, "OY-ler" (Eulerian); "one" and "once" said "won" (OneShot,
#: oneself), but "onerous" and "oneiric".
_VOWEL_SAID_AS_CONSONANT: Final = re.compile(r"eu(?!ler)|on(?:e(?![ri])|ce)")

#: A number whose first word starts with a vowel: "eight" (8, 80 to 89, 800, 8.5), "eleven"
#: and "eighteen" alone or before thousands (11, 18000, 11000000: their digits two more than
#: a multiple of three), or four digits said as two pairs, as a year is (1100 "eleven
#: hundred", 1850 "eighteen fifty"). The others' first word is "one", "a hundred", "a
#: thousand" (1, 110, 1100000) or another digit's, none with a vowel sound but "eight".
_NUMBER_SAID_WITH_A_VOWEL: Final = re.compile(r"8|1[18](?:\d\d|(?:\d{3})*)(?!\d)")

#: A word whose "h" is not said, lower-cased: hour, honest, honour (honor, honorary), heir;
#: every other "h" is (hint, honey, Honda, heist).
_H_NOT_SAID: Final = re.compile(r"h(?:our|onou?r|onest|eir)")


def with_article(name: str) -> str:
    """``name`` after its article, "a" or "an" by the sound its start is said with; "" for no name
    (blanks alone are none).

    The names are a request's type and a Python type's name (a class of the skill's own too),
    in any case. The rules, tried in this order (the patterns above give each one's reasons):

    - Blanks around a name are not said (``an  object``, kept as written); a leading underscore
      is not (``an _Item``); underscores alone are, "underscore"
      (``an _``). A letter with an accent is said as the letter under it (``an Éclair``, ``an
      Über``), Æ, Ø, Ł and their like as the Latin letters they stand for (``an Æther``, ``a
      Łódź``), and a letter of another script as itself (``a 日本``).
    - ``bytes``, Python's plural, takes none (``is bytes``, ``not bytes``, ``bytes as a dict
      key``): "a bytes" reads as a typo.
    - A start said as a word though it has no vowel or is in capitals takes "a": ``a str``,
      ``a msg`` (``a msgspec``), ``a NULL``, ``a NASA`` (``a NULLs``).
    - A start said letter by letter takes its first letter's name's article, "an" before A, E,
      F, H, I, L, M, N, O, R, S and X: capitals before a capital or a digit (``an HTTPResponse``,
      ``an FBI``, ``an MRI``, ``a UFO``, ``a URL``, ``an S``), lower case with no vowel (``an
      html``, ``an smtp``) or a lower-case start no English word has (``an ndarray``; but ``a
      smtplib``, "sm" as in small). One capital and then lower case is a word (``a
      LaunchRequest``, ``a Msg``).
    - A "u" said "you" takes "a" (``a User``, ``a Unicode``, ``a unary``, ``a unanimous``), any
      other "an" (``an Unknown``, ``an Uninstalled``, ``an Ubuntu``, ``an Uber``).
    - An "h" not said takes "an": hour, honest, honour, heir (``an Hour``; ``a Hint``).
    - A number takes its first word's (ASCII digits): "eight", "eleven" and "eighteen" take
      "an" (``an 8Ball``, ``an 80``, ``an 11``, ``an 18000``, ``an 1850`` said as a year), the
      others "a" (``a 1``, ``a 100``, ``a 110``, ``a 1100000``).
    - Else "an" before a, e, i and o (``an IntentRequest``, ``an object``, ``an Euler``, said
      "OY-ler"), but where that vowel is said as a consonant (``a European``, ``a OneShot``),
      and "a" before anything else (``a set``, ``a NoneType``).

    Known limits, for want of a dictionary (the rules are English's rules of thumb): capitals
    said as a word other than `_SAID_AS_WORD`'s are read as letters (``an NATO``), and a name
    read either way one way (``an SQLite``, "S-Q-L-ite", not "sequel-ite"); a capitalised
    abbreviation said as letters is read as a word (``a Html``), and one in lower case said as
    its word other than "str" and "msg" is read as letters (``an mgr``, a manager); a word
    against its spelling's rule is missed (``an Ouija``, ``a Yttrium``; ``a herb`` as British
    English says it); four digits are read as a year (``an 1100``, "eleven hundred", not "one
    thousand one hundred"), and Roman numerals as letters (``a VIII``, said "eight").
    """
    if not name or name.isspace():  # (blanks alone: "a  " was said, an article before nothing)
        return ""  # (no caller has none: a request's type is never empty, nor a type's name)
    said = name.strip().lstrip("_")  # (judged by its first letter, not a space before it)
    if not said.isascii():  # (é as e, Ü as U: else only ASCII vowels were looked for, "a Éclair")
        said = _unaccented(said)
    word = said.lower()
    if said.partition(" ")[0] == "bytes":  # a plural: no article ("bytes as a dict key" too)
        return name
    if not said:  # underscores alone: said by them, "underscore"
        vowel = True
    elif _SAID_AS_WORD.match(said):
        vowel = False  # (each of them begins with a consonant's sound)
    elif _SAID_AS_LETTERS.match(said):
        vowel = word[0] in _VOWEL_LETTERS
    elif word[:1] == "u":
        vowel = not _SAID_YOU.match(word)
    elif _H_NOT_SAID.match(word):
        vowel = True
    elif "0" <= word[0] <= "9":  # ASCII digits: str.isdigit takes "²" and "٣" as well
        vowel = _NUMBER_SAID_WITH_A_VOWEL.match(word) is not None
    else:
        # word[0], one letter, against a str: no tuple built at each call, nor a slice
        vowel = word[0] in "aeio" and not _VOWEL_SAID_AS_CONSONANT.match(word)
    return f"{'an' if vowel else 'a'} {name}"


#: Latin letters NFKD leaves whole, as the letters they are said by ("Æther": "an"; "Łódź": "a").
_LATIN_WHOLE: Final = str.maketrans(
    {"Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Ø": "O", "ø": "o", "Ł": "L", "ł": "l"}
    | {"Ħ": "H", "ħ": "h", "Þ": "Th", "þ": "th", "Ð": "D", "ð": "d", "Đ": "D", "đ": "d"}
)


def _unaccented(said: str) -> str:
    """``said`` with each accented letter as the letter under it (NFKD, its marks dropped), a
    few Latin letters NFKD leaves whole as `_LATIN_WHOLE` says them, any other letter as it is
    (a name in another script, "日本": dropped, the article fitted the letter after it)."""
    import unicodedata  # (a name that is not ASCII only: few are)

    split = unicodedata.normalize("NFKD", said.translate(_LATIN_WHOLE))
    return "".join(char for char in split if not unicodedata.combining(char))


def type_with_article(value: object) -> str:
    """``value``'s type's name after its article, for a message that refuses it: "an int", "a
    float", "bytes" (`with_article`); None is "None", as it is written, not "a NoneType"; an
    object of a class with no name (``type("", (), {})``'s) so, not "" ("it is ")."""
    if value is None:
        return "None"
    return with_article(type(value).__name__) or "an object of a class with no name"


def value_with_type(value: object) -> str:
    """``value`` as Python writes it, then its type after its article in brackets, for a message
    that names a value of the wrong type: "1 (an int)", "True (a bool)"; None once, being both
    ("None", not "None (None)"); a long value cut to its head and tail (`shown_value`: a key
    of 5,000 characters made a message as long)."""
    from .shown_names import shown_value  # (loaded once a message is due)

    return "None" if value is None else f"{shown_value(value)} ({type_with_article(value)})"
