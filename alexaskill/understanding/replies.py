"""The replies said in a common phrasing ("never mind", "yeah sure") and whether words say yes
or no: `Replies`, the part of `Understander` that reads a reply whole, of an utterance, of a
dialog answer and of the words said around a slot's value (`SaidValues`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from .afterwords import thanks_words
from .answer_values import REPLIES
from .compiled import MAX_WORDS, CompiledModel, clock
from .matcher import SpanCache
from .text import Token, tokenize
from .wake_words import woken_end, woken_start

__all__ = ["Replies"]


class Replies(CompiledModel):
    """A `CompiledModel` that tells the replies of `REPLIES` in the user's words (`reply`), and
    a yes or a no (`yes_no`)."""

    def tokens(self, text: str) -> list[Token]:
        """The tokens of ``text``, a leading wake word dropped, and the pure fillers said
        before it ("hey alexa", "please, alexa,"); all of them past `MAX_WORDS`, too many to
        understand, wake words counted (as `Understander.understand` counts them)."""
        tokens = tokenize(text, self.language.rewrites)
        if len(tokens) > MAX_WORDS:
            return tokens
        return tokens[woken_start(tokens, self.language) :]

    def yes_no(self, text: str) -> str | None:
        """ "yes" or "no" when ``text`` says so (as AMAZON.YesIntent / NoIntent), else None."""
        return {"AMAZON.YesIntent": "yes", "AMAZON.NoIntent": "no"}.get(self.reply(text) or "")

    def reply(self, text: str) -> str | None:
        """Which of `REPLIES` ``text`` says in a common phrasing ("never mind"), else None;
        fillers, and thanks or grammar words said after it, left out ("okay thanks", "ok then"),
        as is a wake word said first or last ("yes alexa")."""
        tokens = self.tokens(text)
        # A wake word said last ("yes alexa") too: no reply holds one (wake_words.py).
        tokens = tokens[: woken_end(tokens, 0, self.language)]
        if not tokens:
            return None
        match = self._replies.exact(SpanCache(tokens, clock()))
        if match is None:
            kept = [token for token in tokens if token.text not in self.language.fillers]
            kept = kept[: self._reply_end(kept)]
            if kept and len(kept) < len(tokens):
                match = self._replies.exact(SpanCache(kept, clock()))
            if match is None:
                return self._replies_in_turn(kept)
        return match.sample.intent

    def _replies_in_turn(self, tokens: Sequence[Token]) -> str | None:
        """The one of `REPLIES` whose phrasings ``tokens`` are, said one after another ("yes
        sure", "sure, yes please"), as one alone is ("yes please"), else None: phrases of two
        replies ("no cancel": `leaving_after`) are neither."""
        # A set lookup first: `reply` reads every value's words, and few are all reply words.
        if len(tokens) < 2 or not self.reply_words.issuperset(token.text for token in tokens):
            return None
        now = clock()
        # said[end]: the replies whose phrasings tokens[:end] are, one after another. A span
        # longer than every phrasing is none: not read (a no said last is looked for in each
        # ending of a value's words, `ends_with_no`: 99 "yes" took seconds).
        longest = self._longest_reply
        said: list[set[str]] = [set() for _ in range(len(tokens) + 1)]
        for end in range(1, len(tokens) + 1):
            for start in range(max(end - longest, 0), end):
                if start and not said[start]:
                    continue
                match = self._replies.exact(SpanCache(tokens[start:end], now))
                if match is not None and (not start or match.sample.intent in said[start]):
                    said[end].add(match.sample.intent)
        return next((name for name in REPLIES if name in said[-1]), None)

    @functools.cached_property
    def _longest_reply(self) -> int:
        """The most words one phrasing of `REPLIES` reads (a model's own with a slot: any)."""
        lengths = [
            sum(
                1 if isinstance(element, str) else element.kind.max_words
                for element in sample.elements
            )
            for sample in self._replies.samples
        ]
        return max(lengths, default=0)

    def _reply_end(self, tokens: Sequence[Token]) -> int:
        """How many of ``tokens`` come before the thanks and grammar words that only end them
        ("then" of "ok then", "thank you very much": `thanks_words`); a "not" ends nothing
        ("no, not then" is no plain no), nor a word that alone says yes or no ("yes no")."""
        # "no" is a grammar word too ("no more"): left out, "yes no" was a plain yes.
        ends = thanks_words(self.language) - self.language.negations - self.yes_no_words
        end = len(tokens)
        while end > 1 and tokens[end - 1].text in ends:
            end -= 1
        return end

    def _says_no(self, text: str) -> bool:
        return self.yes_no(text) == "no"
