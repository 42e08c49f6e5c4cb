"""English: en-US, en-GB, en-CA, en-AU and en-IN."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Final

from .. import SlotParser
from . import clock, dates, durations, holidays, numbers, phrases, vocabulary, weeks_on

__all__ = ["LOCALES", "English"]

LOCALES: Final = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")


#: The locales that say "a fortnight" and "monday week": British, Australian, Indian English.
_FORTNIGHT_LOCALES: Final = frozenset({"en-GB", "en-AU", "en-IN"})

#: The longest word a value holds: longer runs of digits are no value Alexa sends, and Python
#: refuses to read a number of over 4,300 digits (a ValueError, not a refusal).
_LONGEST_WORD: Final = 100


def _undated(parse: Callable[[Sequence[str]], str | None]) -> SlotParser:
    def parser(words: Sequence[str], now: datetime.datetime) -> str | None:
        return parse(words)

    return parser


def _bounded(parse: SlotParser) -> SlotParser:
    def parser(words: Sequence[str], now: datetime.datetime) -> str | None:
        if any(len(word) > _LONGEST_WORD for word in words):
            return None
        return parse(words, now)

    return parser


def _british_dates(words: Sequence[str], now: datetime.datetime) -> str | None:
    """AMAZON.DATE, with the days British English says a week on ("monday week")."""
    found = dates.date(words, now)
    return found if found is not None else weeks_on.week_on(words, now, dates.date)


def _no_fortnights(words: Sequence[str], now: datetime.datetime) -> str | None:
    """AMAZON.DATE where "a fortnight" is not said (en-US, en-CA): "in a fortnight" is none."""
    if "fortnight" in words or "fortnights" in words:
        return None
    return dates.date(words, now)


def _with_thanksgiving(parse: SlotParser, rule: tuple[int, int, int]) -> SlotParser:
    """AMAZON.DATE ``parse`` that also reads the locale's Thanksgiving."""

    def parser(words: Sequence[str], now: datetime.datetime) -> str | None:
        found = holidays.thanksgiving(words, now, rule)
        return found if found is not None else parse(words, now)

    return parser


class English:
    """English as Alexa's English locales speak it."""

    rewrites: Mapping[str, tuple[str, ...]] = phrases.REWRITES
    builtin_intents: Mapping[str, tuple[str, ...]] = phrases.BUILTIN_INTENTS
    launch_verbs: tuple[tuple[str, ...], ...] = phrases.LAUNCH_VERBS
    ask_verbs: tuple[tuple[str, ...], ...] = phrases.ASK_VERBS
    connectors: frozenset[str] = phrases.CONNECTORS
    trailing_connectors: frozenset[str] = phrases.TRAILING_CONNECTORS
    session_end: frozenset[tuple[str, ...]] = phrases.SESSION_END
    wake_words: frozenset[str] = phrases.WAKE_WORDS
    fillers: frozenset[str] = phrases.FILLERS
    list_separators: frozenset[str] = phrases.LIST_SEPARATORS
    function_words: frozenset[str] = phrases.FUNCTION_WORDS
    value_carriers: frozenset[str] = phrases.VALUE_CARRIERS
    joiners: frozenset[str] = phrases.JOINERS
    negations: frozenset[str] = phrases.NEGATIONS

    def __init__(self, locale: str) -> None:
        self.locale = locale
        # "A fortnight" is two weeks in British, Australian and Indian English, as "monday
        # week" is a week after monday; Americans and Canadians rarely say either, and Alexa's
        # en-US and en-CA grammars are not documented to accept them.
        fortnight = locale in _FORTNIGHT_LOCALES
        date: SlotParser = _british_dates if fortnight else _no_fortnights
        rule = holidays.THANKSGIVING.get(locale)
        if rule is not None:
            date = _with_thanksgiving(date, rule)
        self._parsers: dict[str, SlotParser] = {
            "AMAZON.NUMBER": _undated(numbers.number),
            "AMAZON.Ordinal": _undated(numbers.ordinal),
            "AMAZON.FOUR_DIGIT_NUMBER": _undated(numbers.four_digit_number),
            "AMAZON.PhoneNumber": _undated(numbers.phone_number),
            "AMAZON.AlphaNumeric": _undated(numbers.alphanumeric),
            "AMAZON.DATE": date,
            "AMAZON.TIME": clock.time,
            "AMAZON.DURATION": _undated(functools.partial(durations.duration, fortnight=fortnight)),
        }
        self._parsers = {name: _bounded(parse) for name, parse in self._parsers.items()}

    def slot_parser(self, slot_type: str) -> SlotParser | None:
        """The parser of a built-in slot type with a fixed format, None for free-form types."""
        return self._parsers.get(slot_type)

    def slot_vocabulary(self, slot_type: str) -> frozenset[str] | None:
        """Every word a value of a built-in type with a format can hold (numbers in digits
        aside), or None when any word can."""
        return vocabulary.SLOT_VOCABULARIES.get(slot_type)

    def stem(self, word: str) -> str:
        """A crude stem for loose matching ("forecasts", "forecasting" → "forecast")."""
        for suffix in ("ing", "ed", "es", "s"):
            if len(word) > len(suffix) + 2 and word.endswith(suffix):
                return word[: -len(suffix)]
        return word
