"""Every word each English built-in slot type's grammar knows, to refuse other words at once.

A span holding a word outside its type's vocabulary (numbers in digits aside) cannot parse, so
the matcher skips the parser for it: most spans of an utterance fail here, cheaply.
"""

from __future__ import annotations

from typing import Final

from .clock import MERIDIEM, PARTS_OF_DAY
from .dates import DECADES, HOLIDAYS, MONTHS, SEASONS, WEEKDAYS
from .durations import UNITS as DURATION_UNITS
from .numbers import DIGIT_WORDS, ORDINALS, SCALES, TEENS, TENS, UNITS

__all__ = ["SLOT_VOCABULARIES"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NUMBERS: Final = frozenset(
    {
        *UNITS,
        *TEENS,
        *TENS,
        *SCALES,
        *DIGIT_WORDS,
        "hundred",
        "a",
        "and",
        "point",
        "minus",
        "negative",
        "double",
        "triple",
    }
)
#: Words that change the number said before them ("three halves", "one and a half", "two
#: dozen", "ten k", "five grand"): no number Alexa's AMAZON.NUMBER sends, but a number read
#: without them is a wrong one.
_CHANGING: Final = _words(
    """half halves quarter quarters thirds fourths fifths sixths sevenths eighths ninths tenths
    dozen dozens k grand"""
)
_ORDINALS: Final = _NUMBERS | frozenset(ORDINALS)
_DATE: Final = (
    _ORDINALS
    | frozenset(MONTHS)
    | frozenset(WEEKDAYS)
    | frozenset(SEASONS)
    | frozenset(DECADES)
    | frozenset(word for words in HOLIDAYS for word in words)
    | _words(
        """today tonight tomorrow yesterday the day after before now right at moment currently
        this next last coming past previous week weekend month year decade of on for by in ago
        from later days weeks months years fortnight fortnights morning afternoon evening night
        couple s thanksgiving time day's week's month's year's fortnight's
        """
    )
)
_TIME: Final = (
    _NUMBERS
    | frozenset(PARTS_OF_DAY)
    | frozenset(word for words in MERIDIEM for word in words)
    | _words(
        """noon midday midnight noontime lunchtime in the this at tomorrow during o'clock half
        quarter past after to before til till of minutes minute hundred hours around about by
        clock oclock"""
    )
)
_DURATION: Final = (
    _NUMBERS | frozenset(DURATION_UNITS) | _words("half quarter of quarters couple for ago")
)
_LETTERS: Final = frozenset("abcdefghijklmnopqrstuvwxyz")

SLOT_VOCABULARIES: Final = {
    "AMAZON.NUMBER": _NUMBERS | _CHANGING,
    "AMAZON.Ordinal": _ORDINALS,
    "AMAZON.FOUR_DIGIT_NUMBER": _NUMBERS,
    "AMAZON.PhoneNumber": _NUMBERS,
    "AMAZON.AlphaNumeric": _NUMBERS | _LETTERS,
    "AMAZON.DATE": _DATE,
    "AMAZON.TIME": _TIME,
    "AMAZON.DURATION": _DURATION,
}
