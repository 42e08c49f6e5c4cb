"""A reading's values weighed against the words said around them, as in an answer: `SaidValues`,
the part of `Understander` that tells a value a no said last takes back (a name's, or the slot
Alexa asked for: "paris no"), the thanks said after it, and the words said within it that are
no part of it (a denial, a don't-know or a hedge before it, an opening yes or no).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from .answer_values import leaving, said_first, thanked, thanked_back
from .denials import (
    NO_SAID_LAST,
    ends_with_no,
    not_meant,
    said_from,
    said_to,
    taken_back,
)
from .matcher import Match, SpanCache
from .quoted import quoted
from .replies import Replies
from .slot_kinds import name_type
from .slot_words import any_words, slot_ref
from .slottypes import Fill

__all__ = ["SaidValues"]

#: Why a name's words that are stop or cancel, a yes or no before them or not, are no value
#: (`_leaving`).
_LEAVING: Final = "it says stop or cancel"


class SaidValues(Replies):
    """`Replies` that tell, of each value of a sample's match, whether the words said for it are
    its value: `Reader` reads again without those that are not, or reads no value."""

    def _taken_back(
        self, match: Match, spans: SpanCache, asked: tuple[str, str] | None
    ) -> str | None:
        """Why ``match`` is no reading, if a no said last takes back the value of a name's slot
        or of the slot ``asked`` for (`taken_back`): "paris no" of "plan a trip to paris no".
        A custom type's words are what the user said, as in any request ("remind me to {task}"
        with "tell him no"): only the answer Alexa asked for reads them so. A no the reading
        left out after the value takes it back too ("paris, thank you, no" to a first name of
        three words at most: `_said_back`)."""
        for fill in match.fills:
            said, why = self._said_back(match, spans, fill, asked)
            if why is not None:
                return f"{quoted(said)} is no value: {why}"
        return None

    def _thanked(self, match: Match, spans: SpanCache) -> tuple[int, int] | None:
        """The thanks, afterwords or hedges said last within a name's value or after a listed
        one, as (first, end), if any (`thanked`): "thanks" of "plan a trip to paris, thanks"."""
        language, yes_no, says_no = self.language, self.yes_no, self._says_no
        return next(
            (
                found
                for name, _, _, _ in match.fills
                if (found := thanked(match, name, spans, language, yes_no, says_no)) is not None
            ),
            None,
        )

    def _left_out(
        self, match: Match, spans: SpanCache, asked: tuple[str, str] | None
    ) -> tuple[int, int, str] | None:
        """The words said within a name's value or the value ``asked`` for that are no part of
        it, as in an answer, as (first, end, what they are): a denial after a pause ("not rome"
        of "plan a trip to paris, not rome": `denied_after`), a don't-know or a hedge said
        first ("no idea, paris", "maybe paris": `said_before`): `not_meant`; a yes, a no or
        thanks said first, a pause ending it ("no, paris": `said_first`); else None."""
        return next(
            (
                left_out
                for name, _, _, _ in match.fills
                if not self._read_as_said(match, name, asked)
                and (left_out := self._not_meant(match, name, spans)) is not None
            ),
            None,
        )

    def _not_meant(self, match: Match, slot: str, spans: SpanCache) -> tuple[int, int, str] | None:
        """`not_meant`, else an opening yes, no or thanks (`said_first`), of ``slot``; the
        opening first where a "not" follows it (`_opening_before_not`)."""
        opening = self._opening_before_not(match, slot, spans)
        if opening is not None:
            return (*opening, "words before the value")
        found = not_meant(match, slot, spans, self.language)
        if found is not None:
            return found
        if self._leaving(any_words(match, slot)):
            return None  # "no, cancel": the no is part of a reply, no opening (`_back`)
        first = said_first(match, slot, spans, self.language, self.reply)
        return None if first is None else (*first, "words before the value")

    def _back(
        self, match: Match, spans: SpanCache, slot: str, asked: tuple[str, str] | None
    ) -> str | None:
        """Why ``slot``'s value in ``match`` is none, if a no said last (or a "not", or a
        don't-know) takes it back (`_taken_back`)."""
        if self._read_as_said(match, slot, asked):
            return None
        words = any_words(match, slot)
        if words is not None and asked == (match.sample.intent, slot):
            # The slot asked for, its words a yes or no (left after an opening: "no, yes"),
            # is no value, as the answer of them is none (`said_as_reply`): else a sample of
            # the slot alone ("{city}") gave the city "yes".
            why = self._said_reply(match, slot, words, asked)
            if why is not None:
                return why
        if self._leaving(words):
            return _LEAVING
        if self._opening_before_not(match, slot, spans) is not None:
            return None  # "never mind, paris": read again without the opening (`_not_meant`)
        return taken_back(match, slot, spans, self.language, self.yes_no, self._says_no)

    def _opening_before_not(
        self, match: Match, slot: str, spans: SpanCache
    ) -> tuple[int, int] | None:
        """The yes, no, stop, cancel or thanks ``slot``'s words open with, a pause ending it, if a
        "not" follows it or is within it ("no, not paris", "never mind, paris": `said_first`),
        as (first, end): said after an opening, "not paris" is read alone, as in an answer
        (`past_opening`): no name, a custom type's "not paris"; else "not paris" read as a
        denial (`denied_after`) left the opening, the city "no", and "never" took "never mind,
        paris" back (`taken_back`)."""
        # A set lookup first: every value read comes through here, and few hold a "not".
        words = any_words(match, slot)
        if words is None or self.language.negations.isdisjoint(words.split()):
            return None
        first = said_first(match, slot, spans, self.language, self.reply)
        # The "not" right after the opening, or within it ("never" of "never mind, paris").
        said = () if first is None else spans.words[first[0] : first[1] + 1]
        return first if not self.language.negations.isdisjoint(said) else None

    def _leaving(self, words: str | None) -> bool:
        """Whether a slot's ``words`` (`any_words`, or as said: `_said_reply`) are
        AMAZON.StopIntent's or CancelIntent's words, alone ("stop", "cancel that") or after a yes
        or no ("no, cancel"): `leaving`, no value, as the answer of them is none
        (`said_as_reply`): else the city was "stop", and the opening no was left out of "no,
        cancel", the city "cancel"."""
        # A set lookup first, not `reply`'s matching: every value read comes through here, and
        # few open with a word of a reply.
        if words is None or words.partition(" ")[0] not in self.reply_words:
            return False
        return leaving(words, self.reply)

    def _read_as_said(self, match: Match, slot: str, asked: tuple[str, str] | None) -> bool:
        """Whether ``slot``'s words in ``match`` are its value as said, a no or a "not" in them
        too: a custom type's ("remind me to {task}" with "tell him no"), unless ``asked``."""
        intent = self.intents.get(match.sample.intent)
        model_slot = intent.slot(slot) if intent is not None else None
        named = model_slot is not None and name_type(model_slot.type)
        return not named and asked != (match.sample.intent, slot)

    def _kept(
        self, match: Match, spans: SpanCache, notes: list[str], asked: tuple[str, str] | None
    ) -> Match:
        """``match`` without the values a no said last takes back, in the value's words (`_back`)
        or with the words left out beside it: "paris" of "plan a trip to paris no", "not" of
        "plan a trip to why not"; noted in ``notes``."""
        fills = []
        for fill in match.fills:
            said, why = self._said_back(match, spans, fill, asked)
            if why is not None:
                notes.append(f"slot {fill[0]} left out: {quoted(said)} is no value: {why}")
            else:
                fills.append(fill)
        return match if len(fills) == len(match.fills) else replace(match, fills=tuple(fills))

    def _said_back(
        self,
        match: Match,
        spans: SpanCache,
        fill: tuple[str, Fill, int, int],
        asked: tuple[str, str] | None,
    ) -> tuple[str, str | None]:
        """The words said for the value ``fill`` of ``match`` gives, and why it is none, if a no
        takes it back (`_back`), else None."""
        name, _, start, end = fill
        words = spans.words
        # What the user said for the value: the words the reading left out right before it
        # and, to the end, after it ("why" of "why not", of which it gives the city "not").
        # A no said last among them takes it back, whatever the type: the value is a part
        # of words the user took back.
        first, last = said_from(match, start), said_to(match, end, len(words))
        said = words[first:last]
        if (first, last) != (start, end) and ends_with_no(said, self.language, self._says_no):
            return " ".join(said), NO_SAID_LAST
        if thanked_back(match, name, start, spans, self.language, self.yes_no, self._says_no):
            return " ".join(said), NO_SAID_LAST  # "paris, thank you, no" to a listed paris
        # Quoted as said, not as read: "no thank you", whose first name reads "no thank".
        why = self._back(match, spans, name, asked)
        if why is None and (first, last) != (start, end):
            # Said whole, the words are a yes or no, as the reading's are (`taken_back`): "yes
            # thank you very much", of which a first name's three words read "you very much".
            why = self._said_reply(match, name, " ".join(said), asked)
        return " ".join(said), why

    def _said_reply(
        self, match: Match, slot: str, said: str, asked: tuple[str, str] | None
    ) -> str | None:
        """Why the words ``said`` for ``slot``'s value are none, if they are a yes or no, stop
        or cancel whole and the slot's words are no custom type's read as said
        (`_read_as_said`), or more than it takes: "yes thank you very much" to four words, whose
        reading was "thank you very much", is a yes, as a name's is ("yes thank you" stays what
        the user said), and "shut up", whose closest reading is the city "shut", stop."""
        ref = slot_ref(match, slot)
        over = ref is not None and len(said.split()) > ref.kind.max_words
        if not over and self._read_as_said(match, slot, asked):
            return None
        if self._leaving(said):
            return _LEAVING
        reply = self.yes_no(said)
        return None if reply is None else f"it says {reply}"
