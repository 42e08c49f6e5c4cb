"""From what a user says to the ``request`` Alexa sends: `Understander` and `Understanding`.

The steps, as Amazon's "Understand How Users Invoke Custom Skills" describes invoking a skill:

1. A wake word said first or last ("Alexa, ...", "hey Alexa, ...", "..., Alexa, please") is
   dropped, unless the reading holds it (a sample's own word, a value its type knows, said last
   all of a value or in a search query: wake_words.py).
2. "exit" or "quit" ends the session: a SessionEndedRequest (reason USER_INITIATED).
3. "open/start/launch/talk to <invocation name>" is a LaunchRequest; "ask/tell <invocation name>
   [to|for|about|if|whether|that] <request>" and "<request> using <invocation name>" are the
   one-shot forms: the request is understood as below, in a new session. Without an invocation
   name in the model, any name is accepted there, unless the whole utterance is a sample with
   words of its own (or slot words its types know); a one-shot request read by a sample of
   slots alone needs a connector to end the name ("ask corner cafe for a chai"): addressing.py.
4. Anything else is matched against the samples of every intent in the model (the built-in
   intents also with their common phrasings): exactly first, then ignoring filler words, then
   loosely. A built-in intent's phrase said alone ("yes", "help") is that intent where the model
   has it, never the value of a sample of slots alone ("{city}"): built_in_phrases.py.
   Nothing close enough gives AMAZON.FallbackIntent when the model has it, else the
   closest intent (of a sample sharing a word that is no function word or filler); with no
   intent near so, no request ("out of domain": which intent Alexa would send cannot be told).

The result, an `Understanding`, holds the ``request`` object and explains itself: which sample
matched, which words filled which slot, what each slot's value became.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import replace

from ..shown_names import shown
from .addressing import addressed_request
from .afterwords import without_thanks
from .answer_values import (
    past_opening,
    said_as_reply,
    swallowed,
    value_within,
    without_afterwords,
)
from .compiled import DEFAULT_SKILL_ID, MAX_WORDS, clock
from .denials import after_dont_know, after_last_no, corrected, dont_know, not_meant, taken_back
from .fillers import exact_without_fillers, filler_in_value
from .matcher import SampleMatcher, SlotRef, SpanCache
from .model import ModelIntent, ModelSlot
from .opening_replies import OpeningReplies
from .reading import left_out_note
from .result import Understanding
from .slottypes import FREE, Fill
from .text import Token, tokenize
from .wake_words import held, woken_end, woken_kept, woken_start

__all__ = ["DEFAULT_SKILL_ID", "Understander"]


class Understander(OpeningReplies):
    """Understands utterances with one interaction model, in one locale (its arguments:
    `CompiledModel`'s; `Reader` reads what the samples match, `OpeningReplies` a yes or no
    said first and a phrase said twice).

    Build it once (it compiles every sample, at the first `understand`); `understand` then takes
    about a millisecond.
    """

    def fill_slot(self, intent: str, slot: str, text: str, now: datetime.datetime) -> Fill | None:
        """The value ``text`` gives slot ``slot`` of ``intent`` on its own, or None. A slot the
        model does not have is a ValueError, as of `answer`."""
        model_intent, model_slot = self._model_slot(intent, slot)
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
        its type, as they are none of a name's (a free-form city's) in any request, nor are a
        name's words holding a "not" ("not paris"). A slot the
        model does not have is a ValueError; anything but a tuple of two names, a TypeError."""
        if self.refusal is not None:
            raise self.refusal
        if asked is not None:
            self._check_asked(asked)
        now = now or clock()
        tokens, note = self._spoken(text, self.matcher, now)
        found = self._understood(text, tokens, now, asked)
        return found if note is None else replace(found, notes=(note, *found.notes))

    def _understood(
        self,
        text: str,
        tokens: list[Token],
        now: datetime.datetime,
        asked: tuple[str, str] | None,
    ) -> Understanding:
        """`understand` of ``tokens``, the words of ``text`` said to the skill (`_spoken`)."""
        if not tokens:
            return Understanding(text, None, "empty")
        if len(tokens) > MAX_WORDS:
            # The alignment goes a level deeper a word (and its work grows with the length).
            note = f"{len(tokens):,} words: more than the {MAX_WORDS:,} understood in one utterance"
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
        again = self._said_again(text, tokens, now, asked)
        opening = again or self._opening_reply(text, tokens, now, asked)
        return opening or self._intent(text, tokens, now, asked)

    def _spoken(
        self,
        text: str,
        matcher: SampleMatcher,
        now: datetime.datetime,
        answering: tuple[ModelIntent, ModelSlot] | None = None,
    ) -> tuple[list[Token], str | None]:
        """The tokens of ``text`` but a wake word said first or last and the pure fillers said
        with it ("hey alexa, paris", "paris, alexa, please"), unless ``matcher``'s reading of the
        words with it holds it (wake_words.py), or, ``answering`` a slot, the answer's reading
        gives the slot that wake word alone (`_woken_answer`), and the note of those said last,
        if any."""
        language = self.language
        said = tokenize(text, language.rewrites)
        if len(said) > MAX_WORDS:
            # Too long, wake words counted: "alexa" typed 10,000 times was read, all left out,
            # as nothing said (AMAZON.FallbackIntent), and 150 of them and "help" as help.
            return said, None
        start = woken_start(said, language)
        end = woken_end(said, start, language)
        if not start and end == len(said):
            return said, None
        # An exact reading only where a wake word would be left out: few turns open or end so.
        start = woken_kept(matcher, now, said, start, end, language)
        if end < len(said):
            # Read up to the last wake word: a "please" after it is no word of a sample's.
            last = max(at for at in range(end, len(said)) if said[at].text in language.wake_words)
            whole = matcher.exact(SpanCache(said[start : last + 1], now))
            if held(whole, said[start : last + 1], end - start, last + 1 - start, language) or (
                answering is not None
                and self._woken_answer(
                    text, answering, said[start:], end - start, last - start, now
                )
            ):
                end = len(said)
        if end == len(said):
            return said[start:], None
        return said[start:end], left_out_note(
            "a wake word said last", [token.text for token in said[end:]]
        )

    def _woken_answer(
        self,
        text: str,
        answering: tuple[ModelIntent, ModelSlot],
        said: Sequence[Token],
        end: int,
        last: int,
        now: datetime.datetime,
    ) -> bool:
        """Whether the answer read of ``said`` gives the slot of ``answering`` the wake words
        of ``said[end:]`` alone (the last at ``last``), said without a pause before them: all
        of the value after the carrier phrase read loosely or past a filler ("so my name is
        alexa", "i'd like to go to echo" by "my name is {name}", "i want to go to {city}"), as
        `held` finds it in an exact reading ("my name is alexa")."""
        if any(token.pause for token in said[end - 1 : last]):
            return False
        # The answer read twice, with and without the wake word: only where one is said last
        # and no exact reading holds it, a turn or two a dialog.
        intent, slot = answering
        found = self._answer(text, intent, slot, said, now)
        readings = () if found is None else found.slots
        reading = next((each for each in readings if each.name == slot.name), None)
        woken = [token.text for token in said[end:] if token.text in self.language.wake_words]
        return reading is not None and self.words(reading.words) == woken

    def wake_word_note(
        self, text: str, now: datetime.datetime, asked: tuple[str, str] | None = None
    ) -> str | None:
        """The note of a wake word said last that is left out of ``text`` ("yes alexa": "a wake
        word said last: 'alexa' left out"), read as a yes or no (`reply`: none holds one), or
        with ``asked`` as an answer for that slot (intent, slot) as `answer` reads it; else
        None. A dialog notes a confirmation's yes or no with it, as `answer` notes a value."""
        answering = None if asked is None else self._model_slot(*asked)
        matcher = self._replies if answering is None else self.answer_matcher(*answering)
        return self._spoken(text, matcher, now, answering)[1]

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
        self._model_slot(intent, slot, f"asked={asked!r}")

    def _model_slot(
        self, intent: str, slot: str, given: str | None = None
    ) -> tuple[ModelIntent, ModelSlot]:
        """``slot`` of ``intent``, of the model; where it lacks either, a ValueError naming what
        it has (``given``: the arguments, as the error says them; default, as keywords)."""
        given = given or f"intent={intent!r}, slot={slot!r}"
        model_intent = self.intents.get(intent)
        if model_intent is None:
            names = ", ".join(self.intents) or "none"
            raise ValueError(f"{given}: the model has no intent {intent} (its intents: {names})")
        model_slot = model_intent.slot(slot)
        if model_slot is None:
            names = ", ".join(each.name for each in model_intent.slots) or "none"
            raise ValueError(f"{given}: intent {intent} has no slot {slot} (its slots: {names})")
        return model_intent, model_slot

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

    # --- answers within a dialog ---------------------------------------------------------------

    def answer(
        self, text: str, *, intent: str, slot: str, now: datetime.datetime | None = None
    ) -> Understanding | None:
        """``text`` as an answer to Alexa asking for ``slot`` of ``intent``, or None.

        The answer is read with the slot's own samples ("to {city}"), the bare value, and the
        intent's samples (which may fill other slots too), whole or from the word before the slot
        on: "to call mom friday" is the task "call mom" of "remind me to {task} {date}". Words of a
        yes, a no, stop or cancel ("no, cancel", "no cancel") are no value (`said_as_reply`), nor
        another built-in intent's phrase taken as any words ("help", "start over":
        built_in_phrases.py, whether the model has the intent or not), nor words saying the user
        does not know ("no idea": `dont_know`; a value said after them and a pause is the answer:
        "no idea, paris", `after_dont_know`), nor words a no said last takes back ("paris, no":
        `taken_back`); a no said between two values corrects the first: "paris, no, berlin" is
        berlin (`corrected`), and a "not" after a pause denies the value after it: "paris, not
        berlin" is paris (`not_meant`). A hedge is no part of a value said first or last ("maybe
        paris", "paris, maybe"), nor thanks or an afterword said last ("paris, thanks", "paris
        instead", "paris, thanks, paris": `value_within` for a listed value alone,
        `without_afterwords`). A slot the model does not have is a ValueError, as of `understand`'s
        ``asked``.
        """
        model_intent, model_slot = self._model_slot(intent, slot)
        now = now or clock()
        matcher = self.answer_matcher(model_intent, model_slot)
        tokens, note = self._spoken(text, matcher, now, (model_intent, model_slot))
        found = self._answer(text, model_intent, model_slot, tokens, now)
        return (
            found if found is None or note is None else replace(found, notes=(note, *found.notes))
        )

    def _answer(
        self,
        text: str,
        intent: ModelIntent,
        model_slot: ModelSlot,
        tokens: Sequence[Token],
        now: datetime.datetime,
    ) -> Understanding | None:
        """`answer` of ``tokens``, the words of ``text`` or those after a no correcting them."""
        if not tokens or len(tokens) > MAX_WORDS:  # (too long for a request too: `understand`)
            return None
        slot = model_slot.name
        if self._dont_know(intent, model_slot, tokens, now):  # "no idea": no city "no idea"
            return None
        first = after_dont_know(tokens, self.language)
        if first is not None and self._dont_know(intent, model_slot, tokens[:first], now):
            # "no idea, paris": paris, read as if said alone, as for any kind of slot. Before
            # matching, not left to `not_meant` (which a request needs): that one sees only a
            # reading's words of any kind, after `taken_back`, so it misses a don't-know with a
            # "not" in it ("i do not know, paris", "not sure, paris": the "not" takes the value
            # back or denies a listed one) and words too many for one reading ("no idea, maybe
            # paris" to a first name); both say the same words.
            said = left_out_note("a don't-know", [token.text for token in tokens[:first]])
            return self._answer_alone(text, intent, model_slot, tokens[first:], now, said)
        matcher = self.answer_matcher(intent, model_slot)
        spans = SpanCache(tokens, now)
        # "i'd like to go to rome", all free words of "{city}": "i want to go to {city}" loosely.
        match = self._weighed(matcher, matcher.exact(spans), spans, answer=True)
        # "i'd like to go to rome please": read without "please", as "{city}" of all words;
        # "like i like rome": "i like {city}" without the first "like", no "like {city}".
        if match is None or filler_in_value(match, spans, self.language):
            language, generalised = self.language, self._generalise
            without, kept = exact_without_fillers(
                matcher, spans, language, match, generalised, answer=True
            )
            if without is not None:
                match, spans = self._weighed(matcher, without, kept, answer=True), kept
        says_no = self._says_no
        if match is None or swallowed(match):  # "I want Paris please": "Paris", if listed
            match = value_within(matcher, slot, spans, self.language, says_no) or match
        if match is None or swallowed(match):  # "no, paris": "paris", of any words
            match, spans = past_opening(matcher, match, spans, self.language, self.reply)
        language, yes_no = self.language, self.yes_no
        match, spans = without_afterwords(matcher, match, spans, language, yes_no, says_no, slot)
        if match is not None and said_as_reply(match, slot, self.reply):  # "no, cancel"
            return None
        if match is not None and swallowed(match) and tuple(spans.words) in self.built_in_phrases:
            # "help" asked for a city, of a model without AMAZON.HelpIntent: no value, as of a
            # request (built_in_phrases.py); the request it is leaves the dialog.
            return None
        back = None if match is None else taken_back(match, slot, spans, language, yes_no, says_no)
        if back is not None:  # "paris, no", "no idea"
            return None
        # "paris, no, berlin": berlin, read as if said alone; so is paris of "paris, not
        # berlin" (a denial) and of "maybe paris" (words before the value: `not_meant`).
        left_out: tuple[int, int, str] | None = None
        if match is not None:
            correction = corrected(match, slot, spans, self.language, says_no)
            if correction is not None:
                left_out = (*correction, "a correction")
            else:
                left_out = not_meant(match, slot, spans, self.language)
        elif model_slot.type != "AMAZON.SearchQuery":  # more words than a value ("paris, no,
            # new york" to a first name): the value after the last no, if one was said
            after = after_last_no(spans.tokens, 0, len(spans.tokens), self.language, says_no)
            left_out = None if after is None else (0, after, "a correction")
        if left_out is not None:
            first, end, what = left_out
            said = left_out_note(what, spans.words[first:end])
            tokens = [*spans.tokens[:first], *spans.tokens[end:]]
            return self._answer_alone(text, intent, model_slot, tokens, now, said)
        # As for an utterance: free-form words give the intent's other slots what they read,
        # unless that cuts a value short or leaves out the word denying it ("london not").
        match = None if match is None else self._generalise(match, spans)
        if match is None:
            return None
        thanks = self._thanked(match, spans)
        if thanks is not None:  # "berlin thanks for three": thanks ending the city, as asked
            first, end = thanks
            said = left_out_note("words after the value", spans.words[first:end])
            tokens = [*spans.tokens[:first], *spans.tokens[end:]]
            return self._answer_alone(text, intent, model_slot, tokens, now, said)
        extra = [f"words not in the sample: {shown(' '.join(match.extra))}"] if match.extra else []
        found = self._from_match(text, match, [f"an answer for slot {slot}", *extra])
        # A reading of a sample with the asked slot that leaves it empty is no answer: "i'd
        # like to go to, echo", the wake word left out, was "i want to go to {city}" with no
        # city. A sample without the slot ("what's the weather" to "Which city?") is the
        # intent said again, as Alexa sends it, the dialog's other slots kept.
        filled = any(each.name == slot and (each.value or each.values) for each in found.slots)
        asks = any(
            isinstance(each, SlotRef) and each.name == slot for each in match.sample.elements
        )
        return found if filled or not asks else None

    def _answer_alone(
        self,
        text: str,
        intent: ModelIntent,
        model_slot: ModelSlot,
        tokens: Sequence[Token],
        now: datetime.datetime,
        left_out: str,
    ) -> Understanding | None:
        """`_answer` of the words the user means, ``tokens``, with the note of what was
        ``left_out`` (`left_out_note`)."""
        found = self._answer(text, intent, model_slot, tokens, now)
        return None if found is None else replace(found, notes=(left_out, *found.notes))

    def _dont_know(
        self, intent: ModelIntent, slot: ModelSlot, tokens: Sequence[Token], now: datetime.datetime
    ) -> bool:
        """Whether ``tokens``, said for ``slot``, say the user does not know its value
        (`dont_know`): not to a search query, whose words are what the user looks for, nor
        where the type lists the words ("not sure" of a custom type), as a yes its type lists."""
        if slot.type == "AMAZON.SearchQuery" or not dont_know(tokens, self.language):
            return False
        fill = self.intent_kind(intent, slot).fill(without_thanks(tokens, self.language), now)
        return fill is None or fill.kind != "listed"
