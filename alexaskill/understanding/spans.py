"""What each slot type makes of each span of one utterance, worked out once per utterance and
shared by the exact and the loose search (`matcher`)."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Sequence

from .slottypes import Fill, SlotKind
from .text import Token

__all__ = ["SpanCache"]


class SpanCache:
    """What each slot type makes of each span of one utterance, computed once."""

    def __init__(self, tokens: Sequence[Token], now: datetime.datetime) -> None:
        self.tokens = tokens
        self.now = now
        #: The tokens' normalised words.
        self.words = [token.text for token in tokens]
        self._fills: dict[tuple[int, int, int], Fill | None] = {}
        self._stems: list[str] | None = None
        #: Where a word typed as letters, then digits, goes on ("a|1" of "a1", "ab|12"): it is
        #: a code, and no span starts or ends there (no number 1 and city "a" of "a1"). Digits,
        #: then letters, may be a value and a word after it ("3pm"), which `cut` looks at.
        self._inside_words = frozenset(
            at
            for at, (before, token) in enumerate(itertools.pairwise(tokens), 1)
            if token.glued
            and token.word > before.word
            and before.text[-1:].isalpha()
            and token.text[:1].isdigit()
        )
        #: Why readings were dropped as cutting a value short ("'5 to 6' is a range ...").
        self.cut: list[str] = []

    def stems(self, stem: Callable[[str], str]) -> list[str]:
        """The words' stems, worked out once."""
        if self._stems is None:
            self._stems = [stem(word) for word in self.words]
        return self._stems

    def fill(self, kind: SlotKind, start: int, end: int) -> Fill | None:
        """``kind``'s reading of tokens[start:end]; None for a span that cuts a typed code."""
        key = (id(kind), start, end)
        try:
            return self._fills[key]
        except KeyError:
            inside = self._inside_words
            cut = bool(inside) and (start in inside or end in inside)
            found = None if cut else kind.fill(self.tokens[start:end], self.now)
            self._fills[key] = found
            return found
