"""From what a user says to the ``request`` Alexa sends: `Understander` and `Understanding`.

The steps, as Amazon's "Understand How Users Invoke Custom Skills" describes invoking a skill:

1. A leading wake word ("Alexa, ...") is dropped.
2. "exit" or "quit" ends the session: a SessionEndedRequest (reason USER_INITIATED).
3. "open/start/launch/talk to <invocation name>" is a LaunchRequest; "ask/tell <invocation name>
   [to|for|about|if|whether|that] <request>" and "<request> using <invocation name>" are the
   one-shot forms: the request is understood as below, in a new session. Without an invocation
   name in the model, any name is accepted there, unless the whole utterance is a sample with
   words of its own (or slot words its types know); a one-shot request read by a sample of
   slots alone needs a connector to end the name ("ask corner cafe for a chai"): addressing.py.
4. Anything else is matched against the samples of every intent in the model (the built-in
   intents also with their common phrasings): exactly first, then ignoring filler words, then
   loosely. Nothing close enough gives AMAZON.FallbackIntent when the model has it, else the
   closest intent (of a sample sharing a word that is no function word or filler); with no
   intent near so, no request ("out of domain": which intent Alexa would send cannot be told).

The result, an `Understanding`, holds the ``request`` object and explains itself: which sample
matched, which words filled which slot, what each slot's value became.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from dataclasses import replace
from typing import Final

from .addressing import addressed_request
from .answer_values import (
    after_last_no,
    corrected,
    denied_after,
    leaving_after,
    past_opening,
    said_as_reply,
    swallowed,
    taken_back,
    value_within,
    without_afterwords,
)
from .companions import date_left_out
from .compiled import DEFAULT_SKILL_ID, CompiledModel, clock
from .cut import why_no_reading
from .evidence import built_in_said_whole, keeps_own_words, typed_share
from .fillers import exact_without_fillers
from .generalise import generalise
from .matcher import Match, SampleMatcher, SpanCache
from .model import ModelIntent, ModelSlot
from .result import Understanding, reading
from .slot_kinds import name_type
from .slot_only import slot_only
from .slottypes import FREE, Fill
from .text import Token, tokenize

__all__ = ["DEFAULT_SKILL_ID", "Understander"]

FALLBACK: Final = "AMAZON.FallbackIntent"
#: The longest utterance understood, in words: far past what anyone says to Alexa in one turn.
MAX_WORDS: Final = 100


class Understander(CompiledModel):
    """Understands utterances with one interaction model, in one locale (its arguments:
    `CompiledModel`'s).

    Build it once (it compiles every sample, at the first `understand`); `understand` then takes
    about a millisecond.
    """

    # --- the user's words -------------------------------------------------------------------

    def tokens(self, text: str) -> list[Token]:
        """The tokens of ``text``, a leading wake word dropped."""
        tokens = tokenize(text, self.language.rewrites)
        while tokens and tokens[0].text in self.language.wake_words and len(tokens) > 1:
            tokens = tokens[1:]
        return tokens

    def fill_slot(self, intent: str, slot: str, text: str, now: datetime.datetime) -> Fill | None:
        """The value ``text`` gives slot ``slot`` of ``intent`` on its own, or None."""
        model_intent = self.intents.get(intent)
        model_slot = model_intent.slot(slot) if model_intent else None
        if model_intent is None or model_slot is None:
            return None
        tokens = self.tokens(text)
        if not tokens:
            return None
        return self.intent_kind(model_intent, model_slot).fill(tokens, now)

    # --- understanding ----------------------------------------------------------------------

    def understand(
        self,
        text: str,
        *,
        now: datetime.datetime | None = None,
        asked: tuple[str, str] | None = None,
    ) -> Understanding:
        """What Alexa makes of ``text``, said to this skill, the user's local time being ``now``
        (its date is what "today" means; default: the clock in UTC, the time on a device with
        no time zone set, as the offline tools read it).

        ``asked``: the slot (intent, slot) Alexa has asked for, whose answer ``text`` was not
        (`answer`): words a no said last takes back ("paris no") are no value of it, whatever
        its type, as they are none of a name's (a free-form city's) in any request. A slot the
        model does not have is a ValueError; anything but a tuple of two names, a TypeError."""
        if self.refusal is not None:
            raise self.refusal
        if asked is not None:
            self._check_asked(asked)
        now = now or clock()
        tokens = self.tokens(text)
        if not tokens:
            return Understanding(text, None, "empty")
        if len(tokens) > MAX_WORDS:
            # The alignment goes a level deeper a word (and its work grows with the length).
            note = f"{len(tokens)} words: more than the {MAX_WORDS} understood in one utterance"
            return Understanding(text, None, "too long", notes=(note,))
        words = tuple(token.text for token in tokens)
        if words in self.language.session_end:
            return Understanding(
                text,
                {"type": "SessionEndedRequest", "reason": "USER_INITIATED"},
                "end",
                notes=("the user ended the session",),
            )
        addressed = addressed_request(
            text, tokens, now, self.language, self.invocation, self._read, self._is_sample
        )
        if addressed is not None:
            return addressed
        return self._opening_reply(text, tokens, now) or self._intent(text, tokens, now, asked)

    def _check_asked(self, asked: object) -> None:
        """Refuse an ``asked`` (`understand`) that names no slot of the model: a mistyped name
        would otherwise go unnoticed, the words read as if no slot had been asked for."""
        if not (
            isinstance(asked, tuple)
            and len(asked) == 2
            and all(isinstance(name, str) for name in asked)
        ):
            raise TypeError(
                "asked is the slot Alexa asked for, a tuple (intent, slot) of two names, "
                f"not {asked!r}"
            )
        intent, slot = asked
        model_intent = self.intents.get(intent)
        if model_intent is None:
            raise ValueError(f"asked={asked!r}: the model has no intent {intent}")
        if model_intent.slot(slot) is None:
            raise ValueError(f"asked={asked!r}: intent {intent} has no slot {slot}")

    def _opening_reply(
        self, text: str, tokens: Sequence[Token], now: datetime.datetime
    ) -> Understanding | None:
        """What a yes or no said first reads as, where its words are a reply (`REPLIES`) the
        model has: AMAZON.CancelIntent or StopIntent after it ("yes, cancel": `leaving_after`),
        the yes or no left out; the yes or no itself before thanks or grammar words ("yes thank
        you", "ok then"), those left out. Read whole, "yes" and "cancel" each explain one word
        and the model's order would choose; "yes thank you" read AMAZON.NoIntent's "no thank
        you" loosely."""
        # A set lookup first, not `yes_no`'s matching (7 µs, a tenth of an exact reading): every
        # utterance comes through here, and few open with a yes or no.
        if len(tokens) < 2 or tokens[0].text not in self.yes_no_words:
            return None
        if self.matcher.exact(SpanCache(tokens, now)) is not None:
            return None  # a sample said whole ("yes please", or "okay then" of a custom intent)
        words = " ".join(token.text for token in tokens)
        end = self._reply_end(tokens)
        if leaving_after(words, self.reply) in self.intents:
            said, ignored = tokens[1:], tokens[:1]
        elif end < len(tokens) and self.reply(words) in self.intents:
            said, ignored = tokens[:end], tokens[end:]
        else:
            return None
        found = self._read(text, said, now, strict=True)
        if found is None:  # pragma: no cover - the matcher holds every phrasing `reply` reads
            return None
        note = f"ignored: {' '.join(token.text for token in ignored)}"
        return replace(found, exact=False, notes=(note, *found.notes))

    def _is_sample(
        self, tokens: Sequence[Token], now: datetime.datetime, verb: Sequence[str] = ()
    ) -> bool:
        """Whether ``tokens`` are a whole sample with words of its own, or slots whose words
        their types know (a listed value, a date): a sample of slots alone ("{drink}") takes
        any words, and that says nothing against a skill's name ("open corner cafe"). With
        ``verb``, a loose reading of a sample opening with it is one (`SampleMatcher.opening`)."""
        spans = SpanCache(tokens, now)
        match = self.matcher.exact(spans)
        if match is None and verb:
            match = self.matcher.opening(spans, verb, self.model.fallback_sensitivity)
        if match is None:
            return False
        return bool(match.sample.words) or any(fill.weight > FREE for _, fill, _, _ in match.fills)

    def _intent(
        self,
        text: str,
        tokens: Sequence[Token],
        now: datetime.datetime,
        asked: tuple[str, str] | None,
    ) -> Understanding:
        understood = self._read(text, tokens, now, asked=asked)
        if understood is None:  # pragma: no cover - only strict reads give None
            raise AssertionError("a read that is not strict always understands something")
        return understood

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
        if match is None:
            if strict:
                return None
            return self._fallback(text, spans, notes, asked)
        generalised = self._generalise(match, spans)
        if generalised is None:  # a value split off free-form words was cut short: no reading
            return None if strict else self._fallback(text, spans, notes, asked)
        match = generalised
        back = self._taken_back(match, asked)
        if back is not None:  # "plan a trip to paris no": no city "paris no", as in an answer
            spans.cut.append(back)
            return None if strict else self._fallback(text, spans, notes, asked)
        if not match.exact:
            if match.extra:
                notes.append(f"words not in the sample: {' '.join(match.extra)}")
            if match.missing:
                notes.append(f"sample words not said: {' '.join(match.missing)}")
        return self._from_match(text, match, notes)

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
            # built-in's sample said whole ("can you stop", AMAZON.StopIntent's "stop").
            loose = matcher.loose(spans, self.model.fallback_sensitivity)
            bare = not match.sample.words and (answer or self._said_whole(loose))
            better = loose is not None and (loose.score > match.score or bare)
            if loose is not None and better and keeps_own_words(match, loose):
                return loose
        return match

    def _taken_back(self, match: Match, asked: tuple[str, str] | None) -> str | None:
        """Why ``match`` is no reading, if a no said last takes back the value of a name's slot
        or of the slot ``asked`` for (`taken_back`): "paris no" of "plan a trip to paris no".
        A custom type's words are what the user said, as in any request ("remind me to {task}"
        with "tell him no"): only the answer Alexa asked for reads them so."""
        for name, fill, _, _ in match.fills:
            if self._back(match, name, asked):
                return f"{fill.words!r} ends with a no, which takes the value back"
        return None

    def _back(self, match: Match, slot: str, asked: tuple[str, str] | None) -> bool:
        """Whether a no said last takes back ``slot``'s value in ``match`` (`_taken_back`)."""
        intent = self.intents.get(match.sample.intent)
        model_slot = intent.slot(slot) if intent is not None else None
        named = model_slot is not None and name_type(model_slot.type)
        if not named and asked != (match.sample.intent, slot):
            return False
        return taken_back(match, slot, self.language, self._says_no)

    def _kept(
        self, match: Match, spans: SpanCache, notes: list[str], asked: tuple[str, str] | None
    ) -> Match:
        """``match`` without the values a no said last takes back, left out after the value
        ("paris" of "plan a trip to paris no") or in its words (`_back`), noted in ``notes``."""
        words, left_out = spans.words, set(match.extra_at)
        fills = []
        for name, fill, start, end in match.fills:
            after = " ".join(words[end:])
            back = bool(after) and left_out.issuperset(range(end, len(words)))
            back &= self._says_no(after) or after in self.language.negations
            if back or self._back(match, name, asked):
                notes.append(f"slot {name} left out: a no said last takes {fill.words!r} back")
            else:
                fills.append((name, fill, start, end))
        return match if len(fills) == len(match.fills) else replace(match, fills=tuple(fills))

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
        if FALLBACK in self.intents:
            return self._fallback_intent(text, (*notes, why_no_reading(spans)))
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

    def _fallback_intent(self, text: str, notes: tuple[str, ...]) -> Understanding:
        """AMAZON.FallbackIntent's request for ``text`` (the model has it), no reading found
        (``notes`` say why)."""
        return Understanding(
            text,
            self.intent_request(FALLBACK, {}),
            "intent",
            intent=FALLBACK,
            exact=False,
            fallback=True,
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

    # --- answers within a dialog ---------------------------------------------------------------

    def answer(
        self, text: str, *, intent: str, slot: str, now: datetime.datetime | None = None
    ) -> Understanding | None:
        """``text`` as an answer to Alexa asking for ``slot`` of ``intent``, or None.

        The answer is read with the slot's own samples ("to {city}"), the bare value, and the
        intent's samples (which may fill other slots too), whole or from the word before the slot
        on: "to call mom friday" is the task "call mom" of "remind me to {task} {date}". Words
        of a yes, a no, stop or cancel ("no, cancel", "no cancel") are no value
        (`said_as_reply`), nor words a no said last takes back ("paris, no": `taken_back`); a
        no said between two values corrects the first: "paris, no, berlin" is berlin
        (`corrected`).
        """
        model_intent = self.intents.get(intent)
        model_slot = model_intent.slot(slot) if model_intent else None
        if model_intent is None or model_slot is None:
            return None
        return self._answer(text, model_intent, model_slot, self.tokens(text), now or clock())

    def _answer(
        self,
        text: str,
        intent: ModelIntent,
        model_slot: ModelSlot,
        tokens: Sequence[Token],
        now: datetime.datetime,
    ) -> Understanding | None:
        """`answer` of ``tokens``, the words of ``text`` or those after a no correcting them."""
        if not tokens:
            return None
        slot = model_slot.name
        matcher = self.answer_matcher(intent, model_slot)
        spans = SpanCache(tokens, now)
        # "i'd like to go to rome", all free words of "{city}": "i want to go to {city}" loosely.
        match = self._weighed(matcher, matcher.exact(spans), spans, answer=True)
        if match is None:
            match, spans = exact_without_fillers(matcher, spans, self.language)
        says_no = self._says_no
        if match is None or swallowed(match):  # "I want Paris please": "Paris", if listed
            match = value_within(matcher, slot, spans, self.language, says_no) or match
        if match is None or swallowed(match):  # "no, paris": "paris", of any words
            match, spans = past_opening(matcher, match, spans, self.language, self.yes_no)
        match, spans = without_afterwords(matcher, match, spans, self.language, self.yes_no, slot)
        if match is not None and said_as_reply(match, slot, self.reply):  # "no, cancel"
            return None
        if match is not None and taken_back(match, slot, self.language, says_no):  # "paris, no"
            return None
        if match is not None:
            after = corrected(match, slot, spans, self.language, says_no)
        elif model_slot.type != "AMAZON.SearchQuery":  # more words than a value ("paris, no,
            # new york" to a first name): the value after the last no, if one was said
            after = after_last_no(spans.tokens, 0, len(spans.tokens), self.language, says_no)
        else:
            after = None
        before = None if match is None else denied_after(match, slot, spans, self.language)
        meant: tuple[Sequence[Token], str] | None = None
        if after is not None:  # "paris, no, berlin": berlin, read as if said alone
            meant = spans.tokens[after:], f"a correction: {' '.join(spans.words[:after])!r}"
        elif before is not None:  # "paris, not berlin": paris, read as if said alone
            meant = spans.tokens[:before], f"a denial: {' '.join(spans.words[before:])!r}"
        if meant is not None:
            found = self._answer(text, intent, model_slot, meant[0], now)
            note = f"{meant[1]} left out"
            return None if found is None else replace(found, notes=(note, *found.notes))
        # As for an utterance: free-form words give the intent's other slots what they read,
        # unless that cuts a value short or leaves out the word denying it ("london not").
        match = None if match is None else self._generalise(match, spans)
        if match is None:
            return None
        extra = [f"words not in the sample: {' '.join(match.extra)}"] if match.extra else []
        return self._from_match(text, match, [f"an answer for slot {slot}", *extra])

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
        return None if match is None else match.sample.intent

    def _reply_end(self, tokens: Sequence[Token]) -> int:
        """How many of ``tokens`` come before the thanks and grammar words that only end them
        ("then" of "ok then"); a "not" ends nothing ("no, not then" is no plain no)."""
        ends = (self.language.courtesies | self.language.function_words) - self.language.negations
        end = len(tokens)
        while end > 1 and tokens[end - 1].text in ends:
            end -= 1
        return end
