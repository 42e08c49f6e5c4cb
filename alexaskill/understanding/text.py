"""Words as the matcher sees them: utterances and sample utterances cut into normalised tokens.

Both sides go through the same steps, so that a sample written "what's the weather" matches a
user who typed "What is the weather?":

- Unicode compatibility forms are folded (NFKC), typographic apostrophes become ``'``, and the
  text is case-folded.
- Words are runs of letters and their combining marks (with inner apostrophes: ``what's``,
  ``o'clock``; Hindi's vowel signs: ``नूडल्स``), numbers (``25``, ``2.5``, ``3:30``, ``3rd``,
  ``1,000`` read as ``1000``, ``-3`` and ``.5`` with a sign or point starting the word; a sign
  stays on any typed value it starts, ``-3:30``, ``-PT5M``, which then parses as no value at
  all, and apart from a word, ``-five``, which a number reads as minus five (a sample, a
  listed value or free words read the word alone); fractions and powers,
  ``2/3``, ``⅔`` as ``2/3``, ``10²`` as ``10^2``, and digits run together with colons,
  ``3::30``, which no number, date or time reads; numbers joined by hyphens, ``9-5``,
  ``555-1234``, which none reads either, though phone numbers and alphanumeric values read their
  digits; free-form slots and custom types keep each of these whole, as typed), and the forms of
  AMAZON.DATE and AMAZON.DURATION values (``2026-11-27``, ``2026-W49``, ``2026-12``, ``PT5M``),
  which the slot types take as they are; everything else (punctuation, hyphens, the periods of
  ``p.m.``) separates words. A comma or semicolon after a word, or a dash standing alone
  (``9 - 5``, ``9—5``), is a pause, which ends a value of a number or time (the dash, a range:
  ``Token.dash``).
- The language rewrites some words: contractions expanded (``what's`` → ``what is``), one
  spelling for words said either way (``an`` → ``a``). Each rewritten word remembers the word it
  came from, so that a slot value is reported as the user wrote it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

__all__ = ["Token", "respelled_letter", "surface", "tokenize"]

#: The combining marks of the scripts of Alexa's languages (Latin, Arabic, Devanagari, kana), which
#: `re` counts as no part of a word: the vowel signs and virama of Hindi (नूडल्स), Arabic's
#: short vowels, the general combining diacritics. NFKC composes most Latin ones first.
_MARKS: Final = (
    "\u0300-\u036f\u0483-\u0489\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4"
    "\u06e7\u06e8\u06ea-\u06ed\u0900-\u0903\u093a-\u093c\u093e-\u094f\u0951-\u0957"
    "\u0962\u0963\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\u3099\u309a\ufe20-\ufe2f"
)
#: Letters, each run possibly followed by marks that belong to it.
_LETTERS: Final = rf"[^\W\d_]+(?:[{_MARKS}]+[^\W\d_]*)*"
_APOSTROPHES: Final = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_WORD: Final = re.compile(
    r"\d{4}-(?i:\d{2}-\d{2}|\d{2}|W\d{1,2}-WE|W\d{1,2}|WI|SP|SU|FA)(?![^\W_])"  # 2026-W49, typed
    r"|P(?=[\dT])(?:\d+[YMWD])*(?:T(?:\d+(?:\.\d+)?[HMS])+)?(?![^\W_])"  # PT5M, typed
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])"  # 1,000 and 12,345.5: one number
    # A minus sign (or an en dash) or a decimal point starting a word belongs to its number:
    # -3, -2.5, \u22123, \u20133, .5, -.5 (not 3-4, twenty-5).
    r"|(?<!\S)(?:[-\u2212\u2013](?>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"|[-\u2212\u2013]?\.\d+)"
    r"(?![\w:-]|[.,]\d)"
    # A minus sign starting any other typed value (-3:30, -3rd, -PT5M, -2026-11-27) stays on it,
    # and on a word ("-five": minus five, not five).
    r"|(?<!\S)[-\u2212\u2013]+(?=\d|\.\d|P[\dT]|[^\W\d_])"
    # A fraction is one word (2/3, and ⅔ that NFKC folds to 2\u20443), which no type reads;
    # only the fraction slash may end it (⅟ folds to 1\u2044): a typed "5/" is the number 5.
    r"|\d+(?:/\d+|\u2044\d*)(?:/\d+)*"
    r"|\d+\^\d+"  # 10^6, and 10⁶ (a power: NFKC would fold it to 106)
    # Numbers joined by hyphens are one word ("9-5", "555-1234"): a range is no time 09:05,
    # nor "12-25" the year 1225; phone numbers and alphanumeric values read its digits. Points
    # and colons after it stay in it ("3-4.5"): a look past the run that failed would scan
    # the run again from each of its numbers ("1-1-1-…-1.5" took seconds).
    r"|(?>\d+(?:[-\u2013]\d+)+(?:[.:]\d+)*)"
    # Digits run together with colons and points in no form a value has (3::30, 3:30:00): one
    # word, which no type reads, not the numbers either side (3 and 30, read as 03:30). The
    # colon is looked for within 64 characters: tried at each digit of "1.1.1…", an unbounded
    # look scanned to the run's end each time (80,000 typed characters took seconds).
    r"|(?!\d+(?:[:.]\d+)?(?![\d:.]))\d+(?=[\d.]{0,64}:)[\d:.]*\d"
    # A number is taken whole (atomic: "12:30pm" never backs off to "12:3" and "0").
    r"|(?>\d+(?:[:.]\d+)?)(?:st|nd|rd|th)?(?![^\W\d_])"  # 25, 2.5, 3:30, 3rd
    r"|(?>\d+(?:[:.]\d+)?)(?=[^\W\d_])"  # 3 of 3pm, 12:30 of 12:30pm (the letters: a word)
    rf"|{_LETTERS}(?:'{_LETTERS})*",  # words, with inner apostrophes
)

#: The minus sign and the en dash typeset text writes for one ("\u22123", "\u20133"): "-".
_MINUS_SIGNS: Final = str.maketrans({"\u2212": "-", "\u2013": "-"})
#: Unicode's vulgar fractions, which NFKC folds to digits around a fraction slash: "3½" would
#: be "31\u20442", so a space is put before each first.
_VULGAR_FRACTIONS: Final = re.compile("[\u00bc-\u00be\u2150-\u215f\u2189]")
#: Superscript digits, which NFKC folds to digits: "10¹⁰" (ten to the tenth) would be 1010.
_SUPERSCRIPTS: Final = re.compile("[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]+")

#: A pause mark after a word, however much space comes before it: a comma or semicolon, or a
#: dash, an em dash or a hyphen (or en dash) standing alone ("9 - 5" is 9, then 5: no 09:05).
_PAUSE: Final = re.compile(r"\s*[,;\u2014]|\s+[-\u2013]+(?=\s)")
_DASHES: Final = frozenset("-\u2013\u2014")


@dataclass(frozen=True, slots=True)
class Token:
    """One normalised word, and where the user's text had it."""

    text: str
    #: The word as written (original case), of which this token is all or part.
    source: str
    #: Index of that written word among the utterance's words.
    word: int
    #: Which part of the written word this is, and of how many (a contraction has several).
    part: int = 0
    parts: int = 1
    #: Whether a comma (or another pause mark) follows the written word.
    pause: bool = False
    #: Whether the written word follows the one before it with nothing between ("pm" of "3pm").
    glued: bool = False
    #: Whether that pause is a dash ("9 - 5", "9—5"), which between two values makes a range.
    dash: bool = False
    #: Whether a minus sign was typed right before the word ("-five"), which neither its text
    #: nor its source holds: a number reads it (minus five); a sample, a listed value or free
    #: words take the word as if none were there.
    signed: bool = False


def respelled_letter(token: Token) -> bool:
    """Whether a one-letter word is the language's rewrite of another word ("a" of "an"): no
    letter said, as an AMAZON.AlphaNumeric value spells."""
    return len(token.text) == 1 and token.source.casefold() != token.text


def _split_words(text: str) -> list[tuple[str, str]]:
    """The words of ``text`` as (normalised, as written) pairs."""
    return [(word, written) for word, written, *_ in _words(text)]


def _words(text: str) -> list[tuple[str, str, bool, bool, bool, bool]]:
    """(normalised, as written, pause after, the pause a dash, glued to the word before, a
    minus sign typed before it) for each word."""
    spaced = _VULGAR_FRACTIONS.sub(lambda fraction: " " + fraction.group(), text)
    spaced = _SUPERSCRIPTS.sub(lambda power: "^" + power.group(), spaced)
    folded = unicodedata.normalize("NFKC", spaced).translate(_APOSTROPHES)
    words: list[tuple[str, str, bool, bool, bool, bool]] = []
    sign_ends = -1
    last_end = -1
    for match in _WORD.finditer(folded):
        mark = _PAUSE.match(folded, match.end())
        pause = mark is not None
        dash = mark is not None and mark.group()[-1] in _DASHES
        # Only a number with thousands separators holds a comma: the number is without them.
        word = match.group().casefold().replace(",", "").translate(_MINUS_SIGNS)
        word = word.replace("\u2044", "/")
        if match.start() == sign_ends and not any(char.isdigit() for char in word):
            # "-five": the word, signed (a typed value, "-3:30", "-PT5M", keeps its sign)
            glued = words.pop()[4]
            words.append((word, match.group(), pause, dash, glued, True))
        elif match.start() == sign_ends:  # the value a lone sign starts: one word with it
            sign, written, _, _, glued, _ = words.pop()
            words.append((sign + word, written + match.group(), pause, dash, glued, False))
        else:
            words.append((word, match.group(), pause, dash, match.start() == last_end, False))
        sign_ends = match.end() if word.strip("-") == "" else -1
        last_end = match.end()
    return words


def tokenize(text: str, rewrites: Mapping[str, tuple[str, ...]]) -> list[Token]:
    """The tokens of ``text``, rewritten by the language's table (contractions expanded)."""
    tokens: list[Token] = []
    for index, (word, written, pause, dash, glued, signed) in enumerate(_words(text)):
        expansion = rewrites.get(word)
        if expansion is None:
            tokens.append(Token(word, written, index, 0, 1, pause, glued, dash, signed))
        else:
            count = len(expansion)
            tokens.extend(
                Token(
                    part,
                    written,
                    index,
                    number,
                    count,
                    pause and number == count - 1,
                    glued,
                    dash and number == count - 1,
                    signed and number == 0,
                )
                for number, part in enumerate(expansion)
            )
    return tokens


def surface(tokens: Sequence[Token]) -> str:
    """The words the user wrote for ``tokens``, in the user's case.

    A written word appears once however many tokens it gave; a span holding only part of a
    contraction ("is" of "what's") gives the expanded words instead. Words written together
    stay together ("3pm", not "3 pm").
    """
    text = ""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        end = index
        while end + 1 < len(tokens) and tokens[end + 1].word == token.word:
            end += 1
        whole = token.part == 0 and tokens[end].part == token.parts - 1
        said = token.source if whole else " ".join(part.text for part in tokens[index : end + 1])
        if text and not (whole and token.glued and tokens[index - 1].word == token.word - 1):
            text += " "
        text += said
        index = end + 1
    return text
