"""The article before a name in a message's words: `with_article`."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["with_article"]

#: A name whose "u" is said "you", lower-cased: "uni" (unit, union, unicode; not uninstalled,
#: unimplemented, unidentified), or a "u" before one consonant and a vowel (user, usage,
#: utility, uranium). The names given are request types and Python types' names (a skill's
#: classes too): a rule of thumb for English words, not a dictionary; "un" and "up" before
#: another letter (unknown, unavailable, update), "um" (umbrella) and the rest are "uh".
_SAID_YOU: Final = re.compile(r"u(?:ni(?![nmd])|[bfgkrstv][aeiou])")


def with_article(name: str) -> str:
    """``name`` after its article, by the sound of its start, in any case: "a LaunchRequest",
    "an Alexa.Presentation.APL.UserEvent", "a set", "an ellipsis", "a User", "a UUID" (an
    initialism's letters: "you"), "an Unknown", "an Umbrella"."""
    first = name[:1].lower()
    if first == "u":
        initialism = not name[1:2].islower()  # (U alone, UUID, URL)
        vowel = not (initialism or _SAID_YOU.match(name.lower()))
    else:
        vowel = first in tuple("aeio")
    return f"{'an' if vowel else 'a'} {name}"
