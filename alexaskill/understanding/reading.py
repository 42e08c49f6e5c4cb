"""Words matched with the model's samples, made an `Understanding`: `Reader`, the part of
`Understander` that reads a sample's match.

A reading is weighed against a loose one that explains more, its free-form words given to the
intent's other slots (`generalise`), refused where a no said last takes a value back (a name's,
or the slot Alexa asked for), read again without the words said within such a value that are no
part of it, as of an answer (thanks after it, a denial, a don't-know before it); no reading is
AMAZON.FallbackIntent, or the closest intent of a model without it, or nothing, as is a sample
of slots alone read as a built-in intent's phrase the model lacks ("yes" of "{city}"). Also the
replies said in a common phrasing ("never mind") and whether words say yes or no.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from dataclasses import replace
from typing import Final

from .afterwords import thanks_words
from .answer_values import REPLIES, leaving, said_first, thanked, thanked_back
from .built_in_phrases import built_in_note, built_in_said
from .companions import date_left_out
from .compiled import CompiledModel, clock
from .cut import why_no_reading
from .denials import (
    NO_SAID_LAST,
    ends_with_no,
    not_meant,
    said_from,
    said_to,
    taken_back,
)
from .evidence import built_in_said_whole, keeps_own_words, typed_share
from .fillers import exact_without_fillers
from .generalise import generalise
from .matcher import Match, SampleMatcher, SpanCache
from .result import Understanding, reading
from .slot_kinds import name_type
from .slot_only import slot_only
from .slot_words import any_words, slot_ref
from .slottypes import Fill
from .text import Token, tokenize

__all__ = ["Reader", "left_out_note"]

_FALLBACK: Final = "AMAZON.FallbackIntent"


def left_out_note(what: str, words: Sequence[str]) -> str:
    """The note saying that ``words`` said were left out of the reading, and ``what`` they are
    ("a denial: 'not rome' left out"), of a request's as of an answer's."""
    return f"{what}: {' '.join(words)!r} left out"


#: Why a name's words that are stop or cancel, a yes or no before them or not, are no value
#: (`_leaving`).
_LEAVING: Final = "it says stop or cancel"


class Reader(CompiledModel):
    """A `CompiledModel` that makes the user's words, matched with its samples, an
    `Understanding` (`Understander` adds what is said first: addressing the skill, an opening
    yes or no, a dialog answer)."""

    def tokens(self, text: str) -> list[Token]:
        """The tokens of ``text``, a leading wake word dropped."""
        tokens = tokenize(text, self.language.rewrites)
        while tokens and tokens[0].text in self.language.wake_words and len(tokens) > 1:
            tokens = tokens[1:]
        return tokens

    def _read(
        self,
        text: str,
        tokens: Sequence[Token],
        now: datetime.datetime,
        strict: bool = False,
        *,
        asked: tuple[str, str] | None = None,
    ) -> Understanding | None:
        """The intent ``tokens`` ask for; with ``strict``, None unless a sample matches
        (``asked``: `understand`'s)."""
        spans = SpanCache(tokens, now)
        match = self._weighed(self.matcher, self.matcher.exact(spans), spans, answer=False)
        notes: list[str] = []
        if match is None:
            match, kept_spans = exact_without_fillers(self.matcher, spans, self.language)
            if match is not None:
                ignored = [token.text for token in tokens if token not in kept_spans.tokens]
                notes.append(f"ignored: {' '.join(ignored)}")
                match = Match(match.sample, match.score, match.fills, exact=False)
                spans = kept_spans  # the reading's positions are among the words kept
        if match is None and not strict:
            match = self.matcher.loose(spans, self.model.fallback_sensitivity)
        phrases = self.built_in_phrases
        said = None if match is None else built_in_said(match, spans.words, self.reply, phrases)
        if said is not None:  # "yes" alone, of "{city}": AMAZON.YesIntent's phrase, no city
            notes.append(built_in_note(said, spans.words, said in self.intents))
            if said in self.intents:
                return self._bare_intent(text, said, tuple(notes), fallback=False)
            # "yes thank you", the model without AMAZON.YesIntent: "yes" a slot's type lists
            # (`swallowed` took the words whole, thanks too) is a better match than the fallback.
            # Shortest first, as `_reply_end` cuts, then longer: "please" ends a reply too, and
            # a type may list "yes please" ("yes please, thanks").
            for end in range(self._reply_end(spans.tokens), len(spans.tokens)):
                found = self._read(text, spans.tokens[:end], now, True, asked=asked)
                if found is not None:
                    note = left_out_note("words after the value", spans.words[end:])
                    return replace(found, notes=(*notes, note, *found.notes))
            match = None
        if match is None:
            if strict:
                return None
            return self._fallback(text, spans, notes, asked)
        generalised = self._generalise(match, spans)
        if generalised is None:  # a value split off free-form words was cut short: no reading
            return None if strict else self._fallback(text, spans, notes, asked)
        match = generalised
        thanks = self._thanked(match, spans)
        if thanks is not None:  # "plan a trip to paris, thanks": paris, as in an answer
            after = (*thanks, "words after the value")
            return self._read_without(text, spans, after, now, strict, asked, notes)
        back = self._taken_back(match, spans, asked)
        if back is not None:  # "plan a trip to paris no": no city "paris no", as in an answer
            spans.cut.append(back)
            return None if strict else self._fallback(text, spans, notes, asked)
        left_out = self._left_out(match, spans, asked)
        if left_out is not None:  # "plan a trip to paris, not rome": paris, as in an answer
            return self._read_without(text, spans, left_out, now, strict, asked, notes)
        if not match.exact:
            if match.extra:
                notes.append(f"words not in the sample: {' '.join(match.extra)}")
            if match.missing:
                notes.append(f"sample words not said: {' '.join(match.missing)}")
        return self._from_match(text, match, notes)

    def _read_without(
        self,
        text: str,
        spans: SpanCache,
        left_out: tuple[int, int, str],
        now: datetime.datetime,
        strict: bool,
        asked: tuple[str, str] | None,
        notes: Sequence[str],
    ) -> Understanding | None:
        """`_read` of the words said but those ``left_out`` (first, end, what they are), noted
        after the ``notes`` of the first reading ("ignored: um"): ``spans`` are its words kept,
        so the reading again finds no such words to note."""
        first, end, what = left_out
        kept = [*spans.tokens[:first], *spans.tokens[end:]]
        found = self._read(text, kept, now, strict, asked=asked)
        note = left_out_note(what, spans.words[first:end])
        return None if found is None else replace(found, notes=(*notes, note, *found.notes))

    def _weighed(
        self, matcher: SampleMatcher, match: Match | None, spans: SpanCache, *, answer: bool
    ) -> Match | None:
        """The exact reading ``match``, or a loose one that explains more."""
        if match is not None and typed_share(match) > 0.5:
            # Mostly words a free-form slot swallowed: a loose reading may explain more, never
            # by leaving out the words this sample matched ("translate" of "translate i need
            # help"), which are what an exact reading rests on.
            # In a dialog ``answer``, a sample of slots alone ("{city}") takes any words: its
            # reading weighs nothing against the intent's own samples read loosely, however it
            # scores. Not in an utterance, where the loose reading may be any other intent's
            # ("the song of ice and fire", "play" unsaid, is no "play the song {song}").
            # In an utterance, the one other intent "{city}" gives way to whatever the scores is a
            # built-in's sample said whole with function words, of those read loosely
            # (AMAZON.SelectIntent's; the others' are read only as said: `SAID_EXACTLY`).
            loose = matcher.loose(spans, self.model.fallback_sensitivity)
            bare = not match.sample.words and (answer or self._said_whole(loose))
            better = loose is not None and (loose.score > match.score or bare)
            if loose is not None and better and keeps_own_words(match, loose):
                return loose
        return match

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
                return f"{said!r} is no value: {why}"
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
                notes.append(f"slot {fill[0]} left out: {said!r} is no value: {why}")
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

    def _says_no(self, text: str) -> bool:
        return self.yes_no(text) == "no"

    def _said_whole(self, loose: Match | None) -> bool:
        idle = self.language.function_words | self.language.fillers
        return loose is not None and built_in_said_whole(loose, idle)

    def _generalise(self, match: Match, spans: SpanCache) -> Match | None:
        intent = self.intents.get(match.sample.intent)
        if intent is None:
            return match
        carried = self.slot_carriers(intent)
        joins = self.language.list_separators | self.language.joiners
        kind_of = functools.partial(self.intent_kind, intent)
        openers = self.language.openers
        cut = self.matcher.cut
        fillers = self.language.pure_fillers
        alternatives = self.language.alternatives
        found = generalise(
            match, spans, intent, kind_of, carried, cut, joins, openers, fillers, alternatives
        )
        if found is None:
            return None
        # Weighed once the words left over went to the intent's other slots: a date said with
        # the time that no slot took ("friday" of "remind me friday at 7 pm") drops a day.
        slots = {slot.name: kind_of(slot) for slot in intent.slots}
        dropped = date_left_out(slots, spans, found.fills, found.extra_at, self.language)
        if dropped is not None:
            spans.cut.append(dropped)
            return None
        return found

    def _fallback(
        self, text: str, spans: SpanCache, notes: list[str], asked: tuple[str, str] | None
    ) -> Understanding:
        # "tea", of "a {drink} please" alone: that intent (`slot_only`).
        alone = slot_only(text, self.model.intents, self.intent_kind, spans, self.intent_request)
        if alone is not None:
            return replace(alone, notes=(*notes, *alone.notes))
        if _FALLBACK in self.intents:
            return self._bare_intent(text, _FALLBACK, (*notes, why_no_reading(spans)))
        closest = self.matcher.closest(spans)
        if closest is not None:
            kept = self._kept(closest, spans, notes, asked)
            understood = self._from_match(text, kept, notes)
            # Every field of the closest reading (its score too), only marked as a fallback.
            return replace(
                understood,
                exact=False,
                fallback=True,
                notes=(
                    *understood.notes,
                    f"{why_no_reading(spans)} and the model has no AMAZON.FallbackIntent: "
                    "Alexa sends the closest intent",
                ),
            )
        # No sample comes near (none shares a meaningful word). Alexa "will try to match all
        # customer utterances to one of the skill's intents" (Amazon's post introducing the intent,
        # https://developer.amazon.com/en-US/blogs/alexa/alexa-skills-kit/2018/07/use-the-new-fallback-intent-to-respond-gracefully-to-unexpected-customer-requests),
        # and which one no sample tells. Neither a made-up choice nor AMAZON.FallbackIntent,
        # which the model lacks: no request, and why.
        note = (
            "nothing matched and the model has no AMAZON.FallbackIntent: Alexa would send one of "
            "its intents, and no sample comes near enough to tell which, so nothing is sent; "
            "with AMAZON.FallbackIntent in the model, Alexa sends that"
        )
        said = (*notes, note)
        return Understanding(text, None, "out of domain", exact=False, fallback=True, notes=said)

    def _bare_intent(
        self, text: str, name: str, notes: tuple[str, ...], *, fallback: bool = True
    ) -> Understanding:
        """The request of intent ``name`` (the model has it), no slot filled, for ``text``:
        AMAZON.FallbackIntent's, no reading found, or a built-in intent's phrase said alone
        (not a ``fallback``); ``notes`` say why."""
        return Understanding(
            text,
            self.intent_request(name, {}),
            "intent",
            intent=name,
            exact=False,
            fallback=fallback,
            notes=notes,
        )

    def _from_match(self, text: str, match: Match, notes: list[str]) -> Understanding:
        intent = self.intents[match.sample.intent]
        fills: dict[str, Fill] = {}
        readings = []
        for name, fill, _, _ in sorted(match.fills, key=lambda item: item[2]):
            slot = intent.slot(name)
            fills[name] = fill
            readings.append(reading(name, slot.type if slot else "?", fill))
        return Understanding(
            text,
            self.intent_request(intent.name, fills),
            "intent",
            intent=intent.name,
            sample=match.sample.text,
            slots=tuple(readings),
            exact=match.exact,
            notes=tuple(notes),
            score=match.score,
            fills=fills,
        )

    def yes_no(self, text: str) -> str | None:
        """ "yes" or "no" when ``text`` says so (as AMAZON.YesIntent / NoIntent), else None."""
        return {"AMAZON.YesIntent": "yes", "AMAZON.NoIntent": "no"}.get(self.reply(text) or "")

    def reply(self, text: str) -> str | None:
        """Which of `REPLIES` ``text`` says in a common phrasing ("never mind"), else None;
        fillers, and thanks or grammar words said after it, left out ("okay thanks", "ok then")."""
        tokens = self.tokens(text)
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
        # said[end]: the replies whose phrasings tokens[:end] are, one after another.
        said: list[set[str]] = [set() for _ in range(len(tokens) + 1)]
        for end in range(1, len(tokens) + 1):
            for start in range(end):
                if start and not said[start]:
                    continue
                match = self._replies.exact(SpanCache(tokens[start:end], now))
                if match is not None and (not start or match.sample.intent in said[start]):
                    said[end].add(match.sample.intent)
        return next((name for name in REPLIES if name in said[-1]), None)

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
