"""The article before a name in a message's words: `with_article`."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["with_article"]

#: A name's start said letter by letter: a capital before a capital, a digit or no letter
#: (HTTPResponse, UUID, MP3, S3Object, X); in lower case, letters with no vowel after the first
#: before the lower case ends (html, url, htmlParser; not "un", "up" or "um" alone or before a
#: capital or a digit, a word or its start: up, unPack, upDate), or a first two that begin no
#: English word (ndarray, nginx, lzma, xrange, hrtimer, mrjob, rwlock; not mnemonic, its "m"
#: silent, nor fjord, flask, frozenset, rhythm, llama). One capital then lower case is
#: a word (LaunchRequest, NoneType), vowel or not: which such names are said as letters (Html)
#: and which as the word they shorten (Msg, Mr, Hz, St) cannot be told from their letters, and
#: CamelCase writes a word so. Rules of thumb: capitals said as a word (NASA) are read as letters
#: too, and a first two of lower case only by the letters whose names begin with a vowel ("s",
#: which begins "st", "sp" and the like, by a name with no vowel alone: sql).
_SAID_AS_LETTERS: Final = re.compile(
    r"[A-Z](?:[A-Z0-9]|(?![A-Za-z]))|(?!u[mnp](?![a-z]))[a-z][b-df-hj-np-tv-xz]*(?![a-z])"
    r"|(?!mn|fj|f[lr]|rh|ll)[fhlmnr][b-df-hj-np-tv-xz]|x[b-df-hj-np-tv-xz]"
)

#: The letters whose names start with a vowel: A, E, F (eff), H (aitch), I, L (ell), M, N, O,
#: R (ar), S (ess), X (ex); not U ("you": "a UUID"). So "an SQLite", as its author says it,
#: "S-Q-L-ite" (D. Richard Hipp, The Changelog #201), not "sequel-ite" ("a SQLite").
_VOWEL_LETTERS: Final = frozenset("aefhilmnorsx")

#: A word whose "u" is said "you", lower-cased: "uni" (unit, union, unicode; not uninstalled,
#: unimplemented, unidentified), "unary", "uu" (uuid's letters), or a "u" before one consonant
#: and a vowel (user, usage, utility, uranium), but "ubuntu" ("oo-BOON-too"). The names given
#: are request types and Python types' names (a skill's classes too): a rule of thumb for
#: English words, not a dictionary; "un" and "up" before another letter (unknown, unaware,
#: update), "um" (umbrella) and the rest are "uh".
_SAID_YOU: Final = re.compile(r"u(?!buntu)(?:ni(?![nmd])|nary|u|[bfgkrstv][aeiou])")


#: A word whose first vowel is said as a consonant, lower-cased: "eu" said "you" (European,
#: euro, eulogy), "one" and "once" said "won" (OneShot, oneself), but "onerous" and "oneiric".
_VOWEL_SAID_AS_CONSONANT: Final = re.compile(r"eu|on(?:e(?![ri])|ce)")

#: A word whose "h" is not said, lower-cased: hour, honest, honour (honor, honorary), heir;
#: every other "h" is (hint, honey, Honda, heist).
_H_NOT_SAID: Final = re.compile(r"h(?:our|onou?r|onest|eir)")


def with_article(name: str) -> str:
    """``name`` after its article, by the sound of its start, in any case: "a LaunchRequest",
    "an Alexa.Presentation.APL.UserEvent", "a set", "an ellipsis", "a User", "a UUID" (an
    initialism's letters: "you"), "an HTTPResponse" ("aitch"), "an Unknown", "a European", "a
    OneShot", "an Hour", "an _Item" (a leading underscore is not said), "an _" (underscores
    alone are: "underscore"); "" for no name."""
    if not name:
        return ""  # (no caller has none: a request's type is never empty, nor a type's name)
    said = name.lstrip("_")
    word = said.lower()
    if not said:  # underscores alone: said by them, "underscore"
        vowel = True
    elif _SAID_AS_LETTERS.match(said):
        vowel = word[0] in _VOWEL_LETTERS
    elif word[:1] == "u":
        vowel = not _SAID_YOU.match(word)
    elif _H_NOT_SAID.match(word):
        vowel = True
    else:
        vowel = word[:1] in tuple("aeio") and not _VOWEL_SAID_AS_CONSONANT.match(word)
    return f"{'an' if vowel else 'a'} {name}"
