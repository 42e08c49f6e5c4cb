"""Words matched with the model's samples, made an `Understanding`: `Reader`, the part of
`Understander` that reads a sample's match.

A reading is weighed against a loose one that explains more, its free-form words given to the
intent's other slots (`generalise`), refused where a no said last takes a value back (a name's,
or the slot Alexa asked for), read again without the words said within such a value that are no
part of it, as of an answer (thanks after it, a denial, a don't-know before it: which words
those are, `SaidValues` tells); no reading is AMAZON.FallbackIntent, or the closest intent of a
model without it, or nothing, as is a sample of slots alone read as a built-in intent's phrase
the model lacks ("yes" of "{city}"). The replies said in a common phrasing ("never mind") and
whether words say yes or no are `Replies`'.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from dataclasses import replace
from typing import Final

from ..shown_names import shown
from .afterwords import thanks_cut
from .built_in_phrases import built_in_note, built_in_said
from .cut import why_no_reading
from .dates_left_out import date_left_out
from .evidence import built_in_said_whole, keeps_own_words, typed_share
from .fillers import exact_without_fillers, filler_in_value
from .generalise import generalise
from .matcher import Match, SampleMatcher, SpanCache
from .quoted import quoted
from .result import Understanding, reading
from .said_values import SaidValues
from .slot_only import slot_only
from .slottypes import Fill
from .text import Token

__all__ = ["Reader", "left_out_note"]

_FALLBACK: Final = "AMAZON.FallbackIntent"


def left_out_note(what: str, words: Sequence[str]) -> str:
    """The note saying that ``words`` said were left out of the reading, and ``what`` they are
    ("a denial: 'not rome' left out"), of a request's as of an answer's."""
    return f"{what}: {quoted(' '.join(words))} left out"


class Reader(SaidValues):
    """A `CompiledModel` that makes the user's words, matched with its samples, an
    `Understanding` (`Understander` adds what is said first: addressing the skill, an opening
    yes or no, a dialog answer)."""

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
        # "i like like paris": the carrier's "i like {city}" read without the filler, no city
        # of all the words.
        if match is None or filler_in_value(match, spans, self.language):
            kept, kept_spans = exact_without_fillers(
                self.matcher, spans, self.language, match, self._generalise
            )
            if kept is not None:
                # By place: a word kept before a paused filler is a copy carrying its pause.
                places = {(token.word, token.part) for token in kept_spans.tokens}
                ignored = [token.text for token in tokens if (token.word, token.part) not in places]
                notes.append(f"ignored: {shown(' '.join(ignored))}")
                match = Match(kept.sample, kept.score, kept.fills, exact=False)
                spans = kept_spans  # the reading's positions are among the words kept
        if match is None and not strict:
            match = self.matcher.loose(spans, self.model.fallback_sensitivity)
            # Thanks stressed, "yes thank you very much", may be more words than a type takes.
            cut = None if match else thanks_cut(spans.tokens, self.language)
            if cut is not None:
                found = self._read_without(text, spans, cut, now, True, asked, notes)
                if found is not None and all(slot.kind != "free" for slot in found.slots):
                    return found
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
                notes.append(f"words not in the sample: {shown(' '.join(match.extra))}")
            if match.missing:
                notes.append(f"sample words not said: {shown(' '.join(match.missing))}")
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
