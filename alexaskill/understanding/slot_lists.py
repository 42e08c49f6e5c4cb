"""A multiple-value slot: its words read as a list of values of the slot's type.

Values are separated by "and", "or" or commas; parts joined by a word that make one value of a
built-in type ("one hundred and five") or a listed value ("salt and pepper") are that one value.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Sequence
from typing import Any, Final

from ..log_repeats import remember
from .list_joins import JOINED_KINDS, in_order, pause_inside
from .slot_kinds import CustomKind, Fill, FreeKind, SlotKind, TypedKind
from .text import Token

__all__ = ["ListKind", "said_once_after"]

#: The most words a multiple-value slot takes: as many as an utterance has (the understander's
#: `MAX_WORDS`). A shorter bound read a long list only in part, and a loose reading then took
#: the values in the middle of it, the first and last ones cut: wrong values, not missing ones.
_LIST_WORDS: Final = 100
#: How many parts' readings a multiple-value slot keeps (it forgets them all past that).
_PART_MEMO: Final = 4096
#: The most parts of a list said with "and" that one value can make: "a day and two hours and
#: thirty minutes and ten seconds". Reading a list takes at most this many fills per part.
_JOINED_PARTS: Final = 4
#: Types whose words said once after a list are every value's: "5 and 6 pm" is 17:00 and
#: 18:00, the "pm" (or "in the evening") said for both.
_SAID_ONCE_AFTER: Final = frozenset({"AMAZON.TIME"})
#: A time of day as AMAZON.TIME sends it ("17:00"), which compares as text in time order.
_CLOCK_VALUE: Final = re.compile(r"[0-9]{2}:[0-9]{2}")


class ListKind:
    """A multiple-value slot: values separated by "and", "or" or commas, each of the type."""

    def __init__(self, base: SlotKind, separators: frozenset[str]) -> None:
        self.name = base.name
        self.base = base
        self.separators = separators
        self.max_words = max(base.max_words, _LIST_WORDS)
        # The most words of one value: the list's bound is no free-form or custom value's (a
        # value of a typed type is what its parser reads, "a day and two hours and ...").
        self._value_words = (
            base.max_words if isinstance(base, FreeKind | CustomKind) else _LIST_WORDS
        )
        #: Whether two values with a dash between them are a range (numbers, dates, times).
        self._ranges = isinstance(base, TypedKind)
        #: The most parts one value takes: one for free words, or listed ones without "and".
        self._joined_parts = _JOINED_PARTS if _joins_parts(base, separators) else 1
        # The base type's reading of each part, by its tokens (by identity: a token's hash is
        # worked out field by field; the memo holds the tokens, so that no id is reused): the
        # matcher reads every span of a long utterance as a list, their parts mostly the same.
        self._parts: dict[tuple[int, ...], tuple[Sequence[Token], datetime.datetime, Fill | None]]
        self._parts = {}

    def _part(self, tokens: Sequence[Token], now: datetime.datetime) -> Fill | None:
        if len(tokens) > self._value_words:
            return None
        key = tuple(map(id, tokens))
        found = self._parts.get(key)
        if found is not None and found[1] == now:
            return found[2]
        fill = self.base.fill(tokens, now)
        remember(self._parts, key, (tokens, now, fill), kept=_PART_MEMO)
        return fill

    def fill(self, tokens: Sequence[Token], now: datetime.datetime) -> Fill | None:
        # Each part as the positions of its tokens; whether a pause (not a word) ends it.
        parts: list[list[int]] = [[]]
        paused: list[bool] = []
        for at, token in enumerate(tokens):
            if token.text in self.separators:
                if paused and paused[-1] and not parts[-1]:
                    continue  # "ham, cheese, and olives": the pause already ended the part
                parts.append([])
                paused.append(False)
                continue
            parts[-1].append(at)
            if token.dash and self._ranges and at + 1 < len(tokens):
                return None  # "5 - 10", "friday - saturday": a range, as "5 to 10" is
            if token.pause:
                parts.append([])
                paused.append(True)
        if parts and not parts[-1]:
            if self._ranges and paused and not paused[-1]:
                # "1 and 500 and": the words after a list of numbers (dates, times) end with
                # no separator, so that one left out is checked as cutting the last value
                # short ("five hundred and five"), as after a single value (`cut`).
                return None
            parts.pop()
        if any(not part for part in parts):
            return None
        if len(parts) == 1:
            single = self._part(tokens, now)
            if not isinstance(self.base, CustomKind):
                return single
            if single is None and len(tokens) <= self.base.max_words:
                return None
            if single is not None and single.kind != "unlisted":
                return single
            split = self._listed_run(tokens, now)  # "ham cheese olives", however many
            return split if split is not None else single
        fills = self._values(tokens, parts, paused, now)
        if fills is None:
            return None
        if len(fills) > 1 and self.name in _SAID_ONCE_AFTER:
            fills = said_once_after(self.base, fills, now)
            fills = fills and said_once_before(self.base, fills, now)
            fills = fills and said_after_first(self.base, fills, now)
            if fills is None:
                return None
        return fills[0] if len(fills) == 1 else self._combine(tokens, fills)

    def _values(
        self, tokens: Sequence[Token], parts: list[list[int]], paused: list[bool], now: Any
    ) -> list[Fill] | None:
        """The values of the parts, as few as can be: parts joined by a word that make one
        value of a built-in type ("one hundred and five", "an hour and a half") or a listed
        value ("salt and pepper") are that one value, not a list of its parts (100 and 5).
        Of readings with as many values, the one read from the left, each value as long as
        can be: "an hour and ten minutes and an hour" is PT1H10M and PT1H."""
        if self._joined_parts == 1:  # one value a part: the reading below, without its search
            fills = []
            for part in parts:
                fill = self._part(tokens[part[0] : part[-1] + 1], now)
                if fill is None:
                    return None
                fills.append(fill)
            return fills
        # best[start]: the values of the parts from ``start`` on, filled from the right.
        best: list[list[Fill] | None] = [*([None] * len(parts)), []]
        for start in range(len(parts) - 1, -1, -1):
            for end in range(min(len(parts), start + self._joined_parts), start, -1):
                after, found = best[end], best[start]
                if after is None or (found is not None and len(found) <= len(after) + 1):
                    continue
                values = functools.partial(self._typed_values, tokens, parts[start:end], now)
                if any(paused[start : end - 1]) and not pause_inside(self.name, values):
                    continue
                fill = self._part(tokens[parts[start][0] : parts[end - 1][-1] + 1], now)
                if fill is None or (end - start > 1 and fill.kind not in JOINED_KINDS):
                    continue
                if end - start == 1 or in_order(self.name, values):
                    best[start] = [fill, *after]
            if all(found is None for found in best[start : start + self._joined_parts]):
                return None  # no value can span these parts: the list is none
        return best[0]

    def _typed_values(
        self, tokens: Sequence[Token], parts: list[list[int]], now: Any
    ) -> list[str | None]:
        """Each part's value of a built-in type alone, None for a part that is none."""
        values = []
        for part in parts:
            fill = self._part(tokens[part[0] : part[-1] + 1], now)
            values.append(fill.value if fill is not None and fill.kind == "typed" else None)
        return values

    def _listed_run(self, tokens: Sequence[Token], now: datetime.datetime) -> Fill | None:
        """Listed values said one after the other without "and" ("ham cheese olives")."""
        assert isinstance(self.base, CustomKind)
        size = len(tokens)
        best: list[list[Fill] | None] = [None] * (size + 1)
        best[0] = []
        for end in range(1, size + 1):
            for start in range(max(0, end - self.base.max_words), end):
                before = best[start]
                if before is None:
                    continue
                fill = self._part(tokens[start:end], now)
                if fill is None or fill.kind != "listed":
                    continue
                if best[end] is None or len(before) + 1 < len(best[end] or ()):
                    best[end] = [*before, fill]
        found = best[size]
        if found is None or len(found) < 2:
            return None
        return self._combine(tokens, found)

    @staticmethod
    def _combine(tokens: Sequence[Token], fills: list[Fill]) -> Fill:
        weight = sum(fill.weight for fill in fills) / len(fills)
        return Fill(fills[0].value, tokens, "list", weight, parts=tuple(fills))


def said_once_after(base: SlotKind, fills: list[Fill], now: datetime.datetime) -> list[Fill] | None:
    """The values with the words said once after the last one ("pm" of "5 and 6 pm") read
    into each value before it that is a number alone (5: 17:00, as "5 pm and 6 pm"), unless
    that puts it after the last ("11 and 12 pm": 23:00 is after noon, the 11 is as said).
    None, no reading, when those words make no value of such a number at all ("eleven or
    twelve in the afternoon": eleven is in no afternoon, neither 11:00 nor 23:00)."""
    number, parse = getattr(base, "number", None), getattr(base, "parse", None)
    if number is None or parse is None or base.name not in _SAID_ONCE_AFTER:
        return fills
    words = [token.text for token in fills[-1].tokens]
    # "6", "6:30", "six thirty": numbers, then the words said after ("pm", "pm at night": the
    # numbers of "8 pm at night" are "8", though "8 pm" is a time too)
    said = next((at for at, word in enumerate(words) if not _numeric(word, number, now)), None)
    if not said or not parse(words[:said], now):
        return fills  # "noon", "quarter past six pm", "8": no clock time, then words after it
    after = fills[-1].tokens[said:]
    if any(_numeric(token.text, number, now) for token in after):
        return fills  # "8 pm 30": no words said after one time
    last = fills[-1].value
    read = []
    for fill in fills[:-1]:
        alone = [token.text for token in fill.tokens]
        bare = number(alone, now) is not None
        whole = bare and base.fill([*fill.tokens, *after], now)
        if bare and not whole and _CLOCK_VALUE.fullmatch(last):
            return None  # (taken as said, it would be out of the part of the day said)
        if whole and _CLOCK_VALUE.fullmatch(last) and not whole.value <= last:
            whole = None  # "11 and 12 pm": no 23:00, eleven hours after the noon said
        read.append(Fill(whole.value, fill.tokens, "typed", fill.weight) if whole else fill)
    return [*read, fills[-1]]


def said_once_before(
    base: SlotKind, fills: list[Fill], now: datetime.datetime
) -> list[Fill] | None:
    """The values with a part of the day said once before the first one ("tonight" of
    "tonight at 7 or 8") read into each value after it (8: 20:00, as "tonight at 8" is); None,
    no reading, when one is not in it ("tonight at 7 or 8 am", "this morning at 7 or 8 pm")."""
    parse = getattr(base, "parse", None)
    if parse is None or base.name not in _SAID_ONCE_AFTER:
        return fills
    first = fills[0].tokens
    part = _part_said_first(parse, [token.text for token in first], now)
    if not part:
        return fills
    read = [fills[0]]
    for fill in fills[1:]:
        if _part_said_first(parse, [token.text for token in fill.tokens], now):
            read.append(fill)  # "tonight at 7 or this evening at 8": its own part of the day
            continue
        whole = base.fill([*first[:part], *fill.tokens], now)
        if whole is None or not _CLOCK_VALUE.fullmatch(whole.value or ""):
            return None
        read.append(Fill(whole.value, fill.tokens, "typed", fill.weight))
    return read


def said_after_first(
    base: SlotKind, fills: list[Fill], now: datetime.datetime, *, choice: bool = True
) -> list[Fill] | None:
    """The values with a part of the day said once after the first one ("tonight" of "7
    tonight or 8") read into each value after it that ends with a number and says no part of
    the day first (8: 20:00, as "8 tonight" is; "half past 8": 20:30), as one said once before
    the list or after it is every value's; a value with words of its own after its number
    ("8 am", "noon") is as said. None, no reading, when such a value is in no such part ("7 in
    the evening or 1": one is in no evening, neither 01:00 nor 13:00). A "pm" said after the
    first (no part of the day) is such a value's when it puts it nearer the first than as said,
    before or after it ("7 pm or 8": 20:00; "7 pm or 6": 18:00; "11 pm or 1": 01:00, no
    13:00); in a range, not a ``choice`` ("from 7 pm to 6"), only when it puts it after the
    first (06:00: the range runs on overnight)."""
    number, parse = getattr(base, "number", None), getattr(base, "parse", None)
    if number is None or parse is None or base.name not in _SAID_ONCE_AFTER:
        return fills
    first = fills[0].tokens
    if not _CLOCK_VALUE.fullmatch(fills[0].value):
        return fills
    numbers = [at for at, token in enumerate(first) if _numeric(token.text, number, now)]
    if not numbers:
        return fills
    after = [token.text for token in first[numbers[-1] + 1 :]]
    # The part of the day is the longest run of the last words that says one ("tonight" of
    # "7 pm tonight"); "pm" alone says none, and is the first value's only.
    part = next(
        (
            at
            for at in range(len(after))
            if (found := parse(after[at:], now)) is not None and not _CLOCK_VALUE.fullmatch(found)
        ),
        None,
    )
    # Without one, the words after the first's number ("pm") read a later number only into a
    # time after the first's: "7 pm or 8" is 20:00, "11 pm or 1" no 13:00 (a person means one
    # in the night, and taken as said it is 01:00).
    later = part is None
    if later and not after:
        return fills
    said = first[numbers[-1] + 1 + (part or 0) :]
    read = [fills[0]]
    for fill in fills[1:]:
        words = [token.text for token in fill.tokens]
        if not _numeric(words[-1], number, now) or _part_said_first(parse, words, now):
            read.append(fill)
            continue
        alone = base.fill(fill.tokens, now)
        if alone is not None and alone.value != fill.value:
            read.append(fill)  # read with words said after the list: "8" of "7 am, 8 or 9 pm"
            continue
        whole = base.fill([*fill.tokens, *said], now)
        value = "" if whole is None else whole.value or ""
        clock = _CLOCK_VALUE.fullmatch(value) is not None
        if later and not (clock and _nearer(value, fill.value, fills[0].value, choice)):
            read.append(fill)  # "1" of "11 pm or 1"; "12" of "11 am or 12" (12 am: midnight)
            continue
        if not clock:
            return None
        read.append(Fill(value, fill.tokens, "typed", fill.weight))
    return read


def _nearer(read: str, said: str, first: str, choice: bool) -> bool:
    """Whether the clock time ``read`` ("18:00") is the one a person means rather than ``said``
    (06:00) beside ``first`` (19:00): after it in a range; in a choice nearer it, either way
    round the clock (a tie is as said)."""
    if not choice:
        return read > first
    if not _CLOCK_VALUE.fullmatch(said):
        return True

    def apart(one: str, other: str) -> int:
        gap = abs(int(one[:2]) * 60 + int(one[3:5]) - int(other[:2]) * 60 - int(other[3:5]))
        return min(gap, 24 * 60 - gap)

    return apart(read, first) < apart(said, first)


def _part_said_first(parse: Any, words: list[str], now: datetime.datetime) -> int:
    """How many of a value's first words say a part of the day ("this evening" of "this evening
    at 7"), the value going on past them; 0 if none do."""
    for at in range(len(words) - 1, 0, -1):
        value = parse(words[:at], now)
        if value is not None and not _CLOCK_VALUE.fullmatch(value):
            return at
    return 0


def _numeric(word: str, number: Any, now: datetime.datetime) -> bool:
    """Whether ``word`` is a number, in digits or in words ("30", "thirty")."""
    return any(char.isdigit() for char in word) or number([word], now) is not None


def _joins_parts(base: SlotKind, separators: frozenset[str]) -> bool:
    """Whether parts of a list of ``base`` said with a separator between may be one value."""
    if not isinstance(base, CustomKind):
        return isinstance(base, TypedKind)
    said = (word for key in base.index for word in key)
    return isinstance(base.fallback, TypedKind) or not separators.isdisjoint(said)
