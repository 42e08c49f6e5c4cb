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
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Final

from ..exceptions import ConfigurationError
from .addressing import SLOT_REFERENCE, addressed_request
from .answer_values import (
    REPLIES,
    carrier_ends,
    past_opening,
    said_as_reply,
    swallowed,
    value_within,
    without_afterwords,
)
from .companions import date_left_out
from .cut import why_no_reading
from .evidence import built_in_said_whole, keeps_own_words, typed_share
from .fillers import exact_without_fillers
from .generalise import carriers, generalise
from .languages import Language, resolving_language
from .matcher import Match, Sample, SampleMatcher, SlotRef, SpanCache
from .model import InteractionModel, ModelIntent, ModelSlot
from .result import Understanding, reading, slot_json
from .sample_forms import part_of_day_swaps, particle_shifts
from .slot_only import slot_only
from .slottypes import FREE, Fill, SlotKind, entity_resolution, slot_kind
from .text import Token, tokenize

__all__ = ["DEFAULT_SKILL_ID", "Understander"]

#: The skill id of entity-resolution authorities when none is given.
DEFAULT_SKILL_ID: Final = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
FALLBACK: Final = "AMAZON.FallbackIntent"
#: The longest utterance understood, in words: far past what anyone says to Alexa in one turn.
MAX_WORDS: Final = 100


class Understander:
    """Understands utterances with one interaction model, in one locale.

    Build it once (it compiles every sample, at the first `understand`); `understand` then takes
    about a millisecond. ``skill_id`` names the entity-resolution authorities of custom slot
    types. A locale whose language understanding does not know is a `ConfigurationError`,
    unless ``resolve_only``: then `resolutions` works (it needs no language) and `understand`
    raises that error.
    """

    def __init__(
        self,
        model: InteractionModel,
        *,
        locale: str = "en-US",
        skill_id: str = DEFAULT_SKILL_ID,
        resolve_only: bool = False,
    ) -> None:
        self.model = model
        self.locale = locale
        self.skill_id = skill_id
        self.language: Language
        #: Why `understand` fails (a locale whose language it does not know), else None.
        self.refusal: ConfigurationError | None
        self.language, self.refusal = resolving_language(locale)
        if self.refusal is not None and not resolve_only:
            raise self.refusal
        self._kinds: dict[tuple[str, bool, bool], SlotKind] = {}
        self.intents: dict[str, ModelIntent] = {intent.name: intent for intent in model.intents}
        self.invocation = (
            tuple(self.words(model.invocation)) if model.invocation is not None else None
        )
        self._answer_matchers: dict[tuple[str, str], SampleMatcher] = {}
        self._carrier_cache: dict[str, dict[str, set[str]]] = {}

    # Compiled on first use: resolving a slot value (`resolutions`) needs no sample, and a test
    # client makes an understander for that alone (about 0.2 s of compiling saved per client).
    @functools.cached_property
    def matcher(self) -> SampleMatcher:
        """Every intent's samples, compiled."""
        samples: list[Sample] = []
        for intent in self.model.intents:
            samples.extend(self.compile(intent, self.phrasings(intent), len(samples)))
        return SampleMatcher(samples, self.language)

    @functools.cached_property
    def _replies(self) -> SampleMatcher:
        samples = [
            sample
            for order, name in enumerate(REPLIES)
            for sample in self.compile(ModelIntent(name), self._builtin(name), 1000 * order)
        ]
        return SampleMatcher(samples, self.language)

    # --- compiling ---------------------------------------------------------------------------

    def words(self, text: str) -> list[str]:
        """The normalised words of ``text``."""
        return [token.text for token in tokenize(text, self.language.rewrites)]

    def kind(self, slot_type: str, multiple: bool = False, bounded: bool = False) -> SlotKind:
        """How slots of ``slot_type`` read words (one object per type, shared); ``bounded``: a
        time slot alone in its intent, whose values hold "from" and "until" (`bounds`)."""
        key = (slot_type, multiple, bounded)
        found = self._kinds.get(key)
        if found is None:
            found = self._kinds[key] = slot_kind(
                slot_type,
                language=self.language,
                types=self.model.types,
                skill_id=self.skill_id,
                tokenize=self.words,
                multiple=multiple,
                more=self.language.bounds if bounded else frozenset(),
            )
        return found

    def intent_kind(self, intent: ModelIntent, slot: ModelSlot) -> SlotKind:
        """How ``slot`` of ``intent`` reads words: with two time slots, the samples' own words
        say where each starts and ends ("tonight from 7" is the start, "until 8" the end)."""
        times = sum(1 for each in intent.slots if each.type == "AMAZON.TIME")
        alone = times == 1 and slot.type == "AMAZON.TIME"
        return self.kind(slot.type, slot.multiple, bounded=alone)

    def _builtin(self, name: str) -> tuple[str, ...]:
        return tuple(self.language.builtin_intents.get(name, ()))

    def phrasings(self, intent: ModelIntent) -> list[str]:
        """The intent's samples, and for a built-in intent its common phrasings too."""
        phrasings = list(intent.samples)
        for phrase in self._builtin(intent.name):
            if phrase not in phrasings:
                phrasings.append(phrase)
        return phrasings

    def compile(self, intent: ModelIntent, texts: Sequence[str], order: int = 0) -> list[Sample]:
        """The samples ``texts`` of ``intent``, cut into words and slots."""
        compiled: list[Sample] = []
        particles = self.language.particles
        for text in texts:
            elements: list[str | SlotRef] = []
            position, usable = 0, True
            for match in SLOT_REFERENCE.finditer(text):
                elements.extend(self.words(text[position : match.start()]))
                slot = intent.slot(match.group(1).rpartition("|")[2].strip())
                if slot is None:
                    usable = False  # a sample naming a slot the intent lacks: `model --check`
                    break
                elements.append(SlotRef(slot.name, self.intent_kind(intent, slot)))
                position = match.end()
            if not usable:
                continue
            elements.extend(self.words(text[position:]))
            if elements:
                compiled.append(Sample(intent.name, text, tuple(elements), order + len(compiled)))
            # A phrasal verb's particle said before the slot too: "take off {item} my list".
            for shifted in particle_shifts(elements, particles):
                at = order + len(compiled)
                compiled.append(Sample(intent.name, text, tuple(shifted), at, loose_only=True))
            # A day said before its part of the day to "{time} {date}": "tomorrow night".
            for swapped in part_of_day_swaps(elements):
                at = order + len(compiled)
                compiled.append(Sample(intent.name, text, tuple(swapped), at, exact_only=True))
        return compiled

    # --- understanding ----------------------------------------------------------------------

    def tokens(self, text: str) -> list[Token]:
        """The tokens of ``text``, a leading wake word dropped."""
        tokens = tokenize(text, self.language.rewrites)
        while tokens and tokens[0].text in self.language.wake_words and len(tokens) > 1:
            tokens = tokens[1:]
        return tokens

    def understand(self, text: str, *, now: datetime.datetime | None = None) -> Understanding:
        """What Alexa makes of ``text``, said to this skill, the user's local time being ``now``
        (its date is what "today" means; default: the clock in UTC, the time on a device with
        no time zone set, as the offline tools read it)."""
        if self.refusal is not None:
            raise self.refusal
        now = now or _clock()
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
        return self._intent(text, tokens, now)

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

    def _intent(self, text: str, tokens: Sequence[Token], now: datetime.datetime) -> Understanding:
        understood = self._read(text, tokens, now)
        if understood is None:  # pragma: no cover - only strict reads give None
            raise AssertionError("a read that is not strict always understands something")
        return understood

    def _read(
        self,
        text: str,
        tokens: Sequence[Token],
        now: datetime.datetime,
        strict: bool = False,
    ) -> Understanding | None:
        """The intent ``tokens`` ask for; with ``strict``, None unless a sample matches."""
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
            return self._fallback(text, spans, notes)
        generalised = self._generalise(match, spans)
        if generalised is None:  # a value split off free-form words was cut short: no reading
            return None if strict else self._fallback(text, spans, notes)
        match = generalised
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

    def _said_whole(self, loose: Match | None) -> bool:
        idle = self.language.function_words | self.language.fillers
        return loose is not None and built_in_said_whole(loose, idle)

    def _carriers(self, intent: ModelIntent) -> dict[str, set[str]]:
        found = self._carrier_cache.get(intent.name)
        if found is None:
            found = self._carrier_cache[intent.name] = carriers(self.matcher.samples, intent.name)
        return found

    def _generalise(self, match: Match, spans: SpanCache) -> Match | None:
        intent = self.intents.get(match.sample.intent)
        if intent is None:
            return match
        carried = self._carriers(intent)
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

    def _fallback(self, text: str, spans: SpanCache, notes: list[str]) -> Understanding:
        # "tea", of "a {drink} please" alone: that intent (`slot_only`).
        alone = slot_only(text, self.model.intents, self.intent_kind, spans, self.intent_request)
        if alone is not None:
            return replace(alone, notes=(*notes, *alone.notes))
        if FALLBACK in self.intents:
            return self._fallback_intent(text, (*notes, why_no_reading(spans)))
        closest = self.matcher.closest(spans)
        if closest is not None:
            understood = self._from_match(text, closest, notes)
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

    def intent_request(
        self,
        name: str,
        fills: Mapping[str, Fill],
        *,
        dialog_state: str | None = None,
    ) -> dict[str, Any]:
        """The IntentRequest ``request`` object for intent ``name`` with these slots filled.

        Every slot of the intent is present, unfilled ones without a value; an intent of the
        dialog model gets ``dialogState`` (STARTED unless given).
        """
        intent = self.intents.get(name) or ModelIntent(name)
        body: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
        if intent.slots:
            body["slots"] = {
                slot.name: slot_json(slot.name, fills.get(slot.name)) for slot in intent.slots
            }
        request: dict[str, Any] = {"type": "IntentRequest"}
        if name in self.model.dialog:
            request["dialogState"] = dialog_state or "STARTED"
        request["intent"] = body
        return request

    # --- answers within a dialog ---------------------------------------------------------------

    def answer(
        self, text: str, *, intent: str, slot: str, now: datetime.datetime | None = None
    ) -> Understanding | None:
        """``text`` as an answer to Alexa asking for ``slot`` of ``intent``, or None.

        The answer is read with the slot's own samples ("to {city}"), the bare value, and the
        intent's samples (which may fill other slots too), whole or from the word before the slot
        on: "to call mom friday" is the task "call mom" of "remind me to {task} {date}". Words
        of a yes, a no, stop or cancel ("no, cancel") are no value (`said_as_reply`).
        """
        model_intent = self.intents.get(intent)
        model_slot = model_intent.slot(slot) if model_intent else None
        if model_intent is None or model_slot is None:
            return None
        key = (intent, slot)
        matcher = self._answer_matchers.get(key)
        if matcher is None:
            texts = [*model_slot.samples, f"{{{slot}}}", *model_intent.samples]
            texts += carrier_ends(model_intent.samples, slot)
            matcher = SampleMatcher(self.compile(model_intent, texts), self.language)
            self._answer_matchers[key] = matcher
        now = now or _clock()
        tokens = self.tokens(text)
        if not tokens:
            return None
        spans = SpanCache(tokens, now)
        # "i'd like to go to rome", all free words of "{city}": "i want to go to {city}" loosely.
        match = self._weighed(matcher, matcher.exact(spans), spans, answer=True)
        if match is None:
            match, spans = exact_without_fillers(matcher, spans, self.language)
        if match is None or swallowed(match):  # "I want Paris please": "Paris", if listed
            says_no = lambda word: self.yes_no(word) == "no"  # noqa: E731
            match = value_within(matcher, slot, spans, self.language, says_no) or match
        if match is None or swallowed(match):  # "no, paris": "paris", of any words
            match, spans = past_opening(matcher, match, spans, self.language, self.yes_no)
        match, spans = without_afterwords(matcher, match, spans, self.language, self.yes_no, slot)
        if match is not None and said_as_reply(match, slot, self.reply):  # "no, cancel"
            return None
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
        """Which of `REPLIES` ``text`` says in a common phrasing ("never mind"), else None."""
        tokens = self.tokens(text)
        if not tokens:
            return None
        match = self._replies.exact(SpanCache(tokens, _clock()))
        if match is None:
            kept = [token for token in tokens if token.text not in self.language.fillers]
            if kept and len(kept) < len(tokens):
                match = self._replies.exact(SpanCache(kept, _clock()))
        return None if match is None else match.sample.intent

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

    def resolutions(self, intent: str, slot: str, value: str) -> dict[str, Any] | None:
        """The ``resolutions`` Alexa sends with ``value`` (one value, as heard) in slot ``slot`` of
        ``intent``; None when the model has no such slot, or its type no entity resolution."""
        model_intent = self.intents.get(intent)
        model_slot = model_intent.slot(slot) if model_intent else None
        if model_slot is None:
            return None
        return entity_resolution(self.kind(model_slot.type), self.words(value))


def _clock() -> datetime.datetime:
    """The user's time when none is given: the clock in UTC, the time on a device with no time
    zone set (`alexaskill.testing.requests.device_time`), not this machine's local time."""
    return datetime.datetime.now(datetime.UTC)
