"""English decades, resolved to the AMAZON.DATE value Alexa sends for one: "the eighties" is
"198X" (Amazon's slot type reference, "AMAZON.DATE")."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Final

from .numbers import cardinal

__all__ = ["DECADES", "decade_date"]

DECADES: Final = {
    "tens": 1,
    "teens": 1,
    "twenties": 2,
    "thirties": 3,
    "forties": 4,
    "fifties": 5,
    "sixties": 6,
    "seventies": 7,
    "eighties": 8,
    "nineties": 9,
}
#: A decade in digits: "1990" of "the 1990s", "90" of "the 90s"; not "1900" (the century or
#: its first decade?), as "the nineteen hundreds" is none, nor "00".
_DECADE_DIGITS: Final = re.compile(r"[1-9][0-9][1-9]0|[1-9]0")
_DECADE_NAMES: Final = {tens: name for name, tens in DECADES.items() if name != "teens"}


def decade_date(words: Sequence[str], today: datetime.date) -> str | None:
    """ "the eighties" → "198X", "the nineteen nineties" → "199X", "the twenty tens"."""
    if words and words[0] == "the":
        words = words[1:]
    if len(words) == 2 and words[1] == "s" and _DECADE_DIGITS.fullmatch(words[0]):
        # Typed "the 1990s" (or "1990's"), which the tokens split at the "s": no year 1990;
        # "the 90s" as "the nineties".
        digits = words[0]
        if len(digits) == 4:
            return f"{digits[:3]}X"
        words = [_DECADE_NAMES[int(digits[0])]]
    if not words or words[-1] not in DECADES:
        return None
    tens = DECADES[words[-1]]
    century_words = words[:-1]
    if century_words:
        century = cardinal(century_words)
        if century is None or not 10 <= century <= 29:
            return None
        return f"{century}{tens}X"
    century = today.year // 100
    if century * 100 + tens * 10 > today.year:
        century -= 1
    return f"{century * 10 + tens:03d}X" if century >= 0 else None  # "the eighties" in 50 AD
