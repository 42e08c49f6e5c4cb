"""A yes or no said first, or a built-in intent's phrase said twice, read with the rest left out:
`OpeningReplies`, the part of `Understander` that reads them ("yes, cancel" is
AMAZON.CancelIntent, "help help" AMAZON.HelpIntent), before any sample is matched.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import replace

from ..shown_names import shown
from .answer_values import leaving_after, swallowed
from .compiled import SAID_EXACTLY
from .matcher import SpanCache
from .reading import Reader
from .result import Understanding
from .text import Token

__all__ = ["OpeningReplies"]


class OpeningReplies(Reader):
    """`Reader` with the replies said first or twice read apart from the rest (`Understander`
    asks them of every utterance)."""

    def _opening_reply(
        self,
        text: str,
        tokens: Sequence[Token],
        now: datetime.datetime,
        asked: tuple[str, str] | None,
    ) -> Understanding | None:
        """What a yes or no said first reads as, where its words are a reply (`REPLIES`) the
        model has: AMAZON.CancelIntent or StopIntent after it ("yes, cancel": `leaving_after`),
        the yes or no left out; the yes or no itself before thanks or grammar words ("yes thank
        you", "ok then"), those left out; a built-in intent's sample said whole after it ("no,
        help", "yes sure", "yes, sounds good" of the model's own), the yes or no left out.
        Read whole, "yes" and "cancel" each explain one word and the model's order would
        choose; "yes thank you" read AMAZON.NoIntent's "no thank you" loosely; and a built-in
        intent's sample is read only as said (`SAID_EXACTLY`), an opening yes or no no part
        of it."""
        # A set lookup first, not `yes_no`'s matching (7 µs, a tenth of an exact reading): every
        # utterance comes through here, and few open with a yes or no.
        if len(tokens) < 2 or tokens[0].text not in self.yes_no_words:
            return None
        # A sample said whole ("yes please", or "okay then" of a custom intent).
        if self._sample_said(tokens, now):
            return None
        words = " ".join(token.text for token in tokens)
        end = self._reply_end(tokens)
        if leaving_after(words, self.reply) in self.intents:
            said, ignored, built_in = tokens[1:], tokens[:1], False
        elif end < len(tokens) and self.reply(words) in self.intents:
            said, ignored, built_in = tokens[:end], tokens[end:], False
        else:  # "no, help": a built-in intent's sample said after it, or nothing of this
            said, ignored, built_in = tokens[1:], tokens[:1], True
        # The matcher holds every phrasing `reply` reads: only the last case may read none.
        return self._read_ignoring(text, said, ignored, now, asked, built_in=built_in)

    def _said_again(
        self,
        text: str,
        tokens: Sequence[Token],
        now: datetime.datetime,
        asked: tuple[str, str] | None,
    ) -> Understanding | None:
        """A built-in intent's phrase said twice or more ("help help"), as the phrase said
        once: the rest left out, as a yes or no said twice is ("yes yes": `reply`); so are pure
        fillers said last with it ("stop stop um"); else None. (A wake word said last is left
        out before: `_spoken`.)"""
        # Comparisons before any reading: every utterance comes through here, few are such.
        pure_fillers = self.language.pure_fillers
        end = len(tokens)
        # A "please" or "um" after the repeat ("stop stop please") ends the words too: left in,
        # the words were no phrase, and a sample of slots alone took them ("{city}").
        while end > 1 and tokens[end - 1].text in pure_fillers:
            end -= 1
        words = [token.text for token in tokens[:end]]
        # The shortest phrase the words repeat: "help help help", "stop stop stop stop" (halved
        # once, "stop stop", it is no phrase either). Fillers alone said last ("stop please")
        # are read with the words, as any fillers are.
        repeated = next(
            (size for size in range(1, end // 2 + 1) if words == words[:size] * (end // size)),
            None,
        )
        if repeated is None:
            return None
        end = repeated
        # A sample said whole is its intent ("help help" of the skill's own), as Alexa matches it.
        if self._sample_said(tokens, now):
            return None
        return self._read_ignoring(text, tokens[:end], tokens[end:], now, asked, built_in=True)

    def _sample_said(self, tokens: Sequence[Token], now: datetime.datetime) -> bool:
        """Whether ``tokens`` are a sample said whole, but one of slots alone, which took them
        as any words: "{city}" takes "no, stop" and "help help" too."""
        whole = self.matcher.exact(SpanCache(tokens, now))
        return whole is not None and not swallowed(whole)

    def _read_ignoring(
        self,
        text: str,
        said: Sequence[Token],
        ignored: Sequence[Token],
        now: datetime.datetime,
        asked: tuple[str, str] | None,
        *,
        built_in: bool,
    ) -> Understanding | None:
        """The reading of ``said`` alone, a sample matched whole, the ``ignored`` words noted
        (a yes or no said first, a repeat); None if it has none, or with ``built_in`` none of a
        built-in intent read only as said (`SAID_EXACTLY`)."""
        found = self._read(text, said, now, strict=True, asked=asked)
        if found is None or (built_in and found.intent not in SAID_EXACTLY):
            return None
        note = f"ignored: {shown(' '.join(token.text for token in ignored))}"
        return replace(found, exact=False, notes=(note, *found.notes))
