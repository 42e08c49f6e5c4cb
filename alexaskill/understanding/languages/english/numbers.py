"""English number words: cardinals, ordinals, digit strings, years said in pairs.

Each function takes the normalised words of one slot span and returns the value Alexa sends, or
None when the words are not (only) a number of that kind. The parsers are strict: "five five" is
no cardinal and "twenty first" no cardinal either, so that the matcher can trust a span that
parses. Amazon's slot type reference ("Numbers, Dates, and Times") gives the output formats:
AMAZON.NUMBER "5", AMAZON.Ordinal "3", AMAZON.FOUR_DIGIT_NUMBER "6045" (digits only).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

__all__ = [
    "DIGIT_WORDS",
    "alphanumeric",
    "cardinal",
    "four_digit_number",
    "number",
    "ordinal",
    "phone_number",
]

UNITS: Final = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
TEENS: Final = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS: Final = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES: Final = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
#: Words for one digit when numbers are read digit by digit ("six oh four five").
DIGIT_WORDS: Final = {**UNITS, "oh": 0, "o": 0}
ORDINALS: Final = {
    "first": "one",
    "second": "two",
    "third": "three",
    "fourth": "four",
    "fifth": "five",
    "sixth": "six",
    "seventh": "seven",
    "eighth": "eight",
    "ninth": "nine",
    "tenth": "ten",
    "eleventh": "eleven",
    "twelfth": "twelve",
    "thirteenth": "thirteen",
    "fourteenth": "fourteen",
    "fifteenth": "fifteen",
    "sixteenth": "sixteen",
    "seventeenth": "seventeen",
    "eighteenth": "eighteen",
    "nineteenth": "nineteen",
    "twentieth": "twenty",
    "thirtieth": "thirty",
    "fortieth": "forty",
    "fiftieth": "fifty",
    "sixtieth": "sixty",
    "seventieth": "seventy",
    "eightieth": "eighty",
    "ninetieth": "ninety",
    "hundredth": "hundred",
    "thousandth": "thousand",
    "millionth": "million",
}
_DIGITS: Final = re.compile(r"[0-9]+")
_DECIMAL: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
_ORDINAL_DIGITS: Final = re.compile(r"([0-9]+)(st|nd|rd|th)")
_HYPHENATED: Final = re.compile(r"[0-9]+(?:-[0-9]+)+")
#: The most digits of a phone number (ITU-T E.164).
_LONGEST_PHONE_NUMBER: Final = 15


def _ordinal_suffix(value: int) -> str:
    """The suffix English writes after ``value`` as an ordinal: 1st, 2nd, 3rd, 11th, 21st."""
    if value % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")


def _below_hundred(words: Sequence[str], start: int) -> tuple[int, int] | None:
    """A number under 100 at ``start``: (value, index after it)."""
    if start >= len(words):
        return None
    word = words[start]
    if word in TENS:
        value = TENS[word]
        following = words[start + 1] if start + 1 < len(words) else None
        if following in UNITS and UNITS[following] > 0:
            return value + UNITS[following], start + 2
        return value, start + 1
    if word in TEENS:
        return TEENS[word], start + 1
    if word in UNITS:
        return UNITS[word], start + 1
    if _DIGITS.fullmatch(word) and len(word) <= 2:
        return int(word), start + 1
    return None


def _below_thousand(words: Sequence[str], start: int) -> tuple[int, int] | None:
    """A number under 1000 ("a hundred and five", "twenty five hundred") at ``start``."""
    if start >= len(words):
        return None
    word = words[start]
    if word in ("a", "an") and start + 1 < len(words):
        following = words[start + 1]
        if following == "hundred":
            hundreds, index = 1, start + 2
            return _after_hundred(words, hundreds, index)
        if following in SCALES:
            return 1, start + 1
        return None
    if _DIGITS.fullmatch(word) and len(word) > 2:
        return int(word), start + 1
    lead = _below_hundred(words, start)
    if lead is None:
        return None
    value, index = lead
    if index < len(words) and words[index] == "hundred" and value > 0:
        # "five hundred", and the colloquial "twenty five hundred" (2500)
        return _after_hundred(words, value, index + 1)
    return value, index


def _after_hundred(words: Sequence[str], hundreds: int, index: int) -> tuple[int, int]:
    value = hundreds * 100
    if index < len(words) and words[index] == "and":
        rest = _below_hundred(words, index + 1)
        if rest is not None:
            return value + rest[0], rest[1]
        return value, index
    rest = _below_hundred(words, index)
    if rest is not None and rest[0] > 0:
        return value + rest[0], rest[1]
    return value, index


def cardinal(words: Sequence[str]) -> int | None:
    """The whole number the words say ("one hundred and twenty five" → 125), else None."""
    if not words:
        return None
    total, index, last_scale = 0, 0, None
    while index < len(words):
        chunk = _below_thousand(words, index)
        if chunk is None:
            return None
        value, index = chunk
        if index < len(words) and words[index] in SCALES:
            scale = SCALES[words[index]]
            if last_scale is not None and scale >= last_scale:
                return None
            total += value * scale
            last_scale = scale
            index += 1
            if index < len(words) and words[index] == "and":
                index += 1
                if index == len(words):
                    return None
            continue
        if index != len(words):
            return None
        if last_scale is not None and value >= 1000:
            return None
        total += value
    return total


def _digit(word: str) -> str | None:
    if word in DIGIT_WORDS:
        return str(DIGIT_WORDS[word])
    if _DIGITS.fullmatch(word):
        return word
    return None


def _digit_string(words: Sequence[str]) -> str | None:
    """Digits read one by one ("one two three", "double oh seven") → "123", else None."""
    digits: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        repeat = {"double": 2, "triple": 3}.get(word)
        if repeat is not None and index + 1 < len(words):
            digit = _digit(words[index + 1])
            if digit is None or len(digit) != 1:
                return None
            digits.append(digit * repeat)
            index += 2
            continue
        digit = _digit(word)
        if digit is None:
            return None
        digits.append(digit)
        index += 1
    return "".join(digits) or None


def number(words: Sequence[str]) -> str | None:
    """AMAZON.NUMBER: "twenty five" → "25", "minus three" or "-3" → "-3", "two point five" →
    "2.5"."""
    if not words:
        return None
    sign = ""
    if words[0] in ("minus", "negative"):
        sign, words = "-", words[1:]
        if not words:
            return None
    elif words[0].startswith("-") and (_DECIMAL.fullmatch(words[0][1:]) or words[0][1:].isalpha()):
        # Typed "-3" or "-five" (the tokens keep the sign).
        sign, words = "-", [words[0][1:], *words[1:]]
    said = _unsigned(words)
    if said is None or not sign or said.strip("0.") == "":
        return said  # zero has no sign: "minus zero" is "0"
    return sign + said


def _unsigned(words: Sequence[str]) -> str | None:
    if len(words) == 1 and _DECIMAL.fullmatch(words[0]):
        text = words[0]
        if "." in text:
            whole, fraction = text.split(".")
            return f"{int(whole or 0)}.{fraction}"  # ".5" is 0.5
        # Digits typed are the digits said one by one: "007" is "007", as "zero zero seven"
        # is (Alexa keeps a spoken number's leading zeros: "zero four ..." is sent "04...").
        return text
    if "point" in words:
        at = words.index("point")
        whole_words, fraction_words = words[:at], words[at + 1 :]
        integer = cardinal(whole_words) if whole_words else 0
        decimals = _digit_string(fraction_words)
        if integer is None or decimals is None:
            return None
        return f"{integer}.{decimals}"
    value = cardinal(words)
    if value is not None:
        return str(value)
    if len(words) > 1 and words[0] in UNITS and all(word in DIGIT_WORDS for word in words[1:]):
        # Digits said one by one: "one two three" is sent as "123", "one oh one" as "101" (an
        # "oh" first is no digit: "oh, five" is an exclamation and a five).
        return "".join(str(DIGIT_WORDS[word]) for word in words)
    return None


def ordinal(words: Sequence[str]) -> str | None:
    """AMAZON.Ordinal: "third" → "3", "twenty first" → "21", "1st" → "1"."""
    if len(words) == 1:
        match = _ORDINAL_DIGITS.fullmatch(words[0])
        if match:
            # "21th" and "0th" are no ordinals: no value rather than a guess at what was meant.
            written = int(match.group(1))
            if written == 0 or match.group(2) != _ordinal_suffix(written):
                return None
            return str(written)
    if not words or words[-1] not in ORDINALS:
        return None
    cardinal_words = [*words[:-1], ORDINALS[words[-1]]]
    if cardinal_words[0] in ("hundred", "thousand", "million"):
        cardinal_words.insert(0, "one")
    value = cardinal(cardinal_words)
    return None if value is None else str(value)


def _two_digits(words: Sequence[str]) -> int | None:
    """A number from 10 to 99 said as one ("twenty six", "nineteen"), else None."""
    value = cardinal(words)
    if value is None or not 10 <= value <= 99 or len(words) > 2:
        return None
    return value


def four_digit_number(words: Sequence[str]) -> str | None:
    """AMAZON.FOUR_DIGIT_NUMBER: "six oh four five" → "6045", "twenty twenty six" → "2026"."""
    digits = _digit_string(words)
    if digits is not None and len(digits) == 4:
        return digits
    year = year_number(words)
    return None if year is None else f"{year:04d}"


def year_number(words: Sequence[str]) -> int | None:
    """A four-digit number said in pairs or in full: "nineteen eighty four", "twenty oh five",
    "nineteen hundred", "two thousand twenty six", "2026".
    """
    if len(words) == 1 and _DIGITS.fullmatch(words[0]) and len(words[0]) == 4:
        return int(words[0])
    value = cardinal(words)
    if value is not None and 1000 <= value <= 9999:
        return value
    for split in range(1, min(len(words), 3)):
        left = _two_digits(words[:split])
        if left is None:
            continue
        rest = words[split:]
        if rest == ["hundred"]:
            return left * 100
        if len(rest) == 2 and rest[0] in ("oh", "o", "zero") and rest[1] in UNITS:
            return left * 100 + UNITS[rest[1]]
        right = _two_digits(rest)
        if right is not None:
            return left * 100 + right
    return None


def _unhyphenated(words: Sequence[str]) -> list[str]:
    """The words with numbers joined by hyphens ("555-1234", one word) split apart."""
    return [
        part
        for word in words
        for part in (word.split("-") if _HYPHENATED.fullmatch(word) else (word,))
    ]


def phone_number(words: Sequence[str]) -> str | None:
    """AMAZON.PhoneNumber: the digits of a number said digit by digit or in groups, three to
    fifteen of them (ITU-T E.164 numbers have at most fifteen: more are no phone number)."""
    words = _unhyphenated(words)
    digits: list[str] = []
    index = 0
    while index < len(words):
        if words[index] in ("oh", "o"):  # "oh two oh seven": a zero, first or not
            digits.append("0")
            index += 1
            continue
        single = _digit_string(words[index : index + 2])
        if words[index] in ("double", "triple") and single is not None:
            digits.append(single)
            index += 2
            continue
        for size in (2, 1):
            chunk = words[index : index + size]
            value = cardinal(chunk) if len(chunk) == size else None
            if value is not None and (size == 1 or value >= 10):
                digits.append(str(value) if not _DIGITS.fullmatch(chunk[0]) else chunk[0])
                index += size
                break
        else:
            return None
    text = "".join(digits)
    return text if 3 <= len(text) <= _LONGEST_PHONE_NUMBER else None


def alphanumeric(words: Sequence[str]) -> str | None:
    """AMAZON.AlphaNumeric: letters and digits said one by one ("sixteen a" → "16a")."""
    words = _unhyphenated(words)
    parts: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if len(word) == 1 and word.isalpha():
            parts.append(word)
            index += 1
        elif word in DIGIT_WORDS:
            parts.append(str(DIGIT_WORDS[word]))
            index += 1
        elif word.isalnum() and any(char.isdigit() for char in word):
            parts.append(word)
            index += 1
        elif word in TENS or word in TEENS:
            said = _below_hundred(words, index)
            if said is None:  # pragma: no cover - TENS and TEENS always parse
                return None
            parts.append(str(said[0]))
            index = said[1]
        else:
            return None
    return "".join(parts) or None
