"""An interaction model compiled for one locale: `CompiledModel`, what `Understander` reads with.

Its samples cut into words and slots (the built-in intents' common phrasings added), how each
slot's type reads words, the samples a dialog answer is read with, and the ``request`` an intent
and its filled slots make. Nothing here reads an utterance (its words, a slot value said on its
own): understander.py, reading.py, said_values.py and replies.py do.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping, Sequence
from typing import Any, Final

from ..builtin_intents import BUILTIN_INTENTS
from ..exceptions import ConfigurationError
from ..skill_ids_given import PLACEHOLDER_SKILL_ID
from .addressing import SLOT_REFERENCE
from .answer_values import REPLIES, carrier_ends
from .generalise import carriers
from .languages import Language, resolving_language
from .matcher import Sample, SampleMatcher, SlotRef
from .model import InteractionModel, ModelIntent, ModelSlot
from .result import slot_json
from .sample_forms import contracted, part_of_day_swaps, particle_shifts
from .slottypes import Fill, SlotKind, entity_resolution, slot_kind
from .text import tokenize

__all__ = ["DEFAULT_SKILL_ID", "MAX_TEXT", "MAX_WORDS", "CompiledModel", "clock", "sample_words"]

#: The skill id of entity-resolution authorities when none is given.
DEFAULT_SKILL_ID: Final = PLACEHOLDER_SKILL_ID
#: The longest utterance understood, in words: far past what anyone says to Alexa in one turn
#: (`Understander.understand`). A longer sample is not compiled: no utterance is as long
#: (``model --check`` warns of it).
MAX_WORDS: Final = 100
#: The most characters of a line typed to be understood (``alexaskill chat``, the simulator's
#: page): far past `MAX_WORDS` words of any language; a longer one is refused unread.
MAX_TEXT: Final = 2000


def sample_words(text: str, rewrites: Mapping[str, tuple[str, ...]]) -> list[tuple[str, bool]]:
    """The words and slots of the sample ``text`` in order, as `CompiledModel.compile` reads
    them and counts them against `MAX_WORDS` (``model --check`` too): each word as an
    utterance's words are cut, the language's ``rewrites`` made ("what's" is two words, "what
    is"; punctuation none), as (word, False), and each slot's name (of ``{example|name}`` too)
    as (name, True)."""
    parts: list[tuple[str, bool]] = []
    position = 0
    for match in SLOT_REFERENCE.finditer(text):
        parts += [
            (token.text, False) for token in tokenize(text[position : match.start()], rewrites)
        ]
        parts.append((match.group(1).rpartition("|")[2].strip(), True))
        position = match.end()
    parts += [(token.text, False) for token in tokenize(text[position:], rewrites)]
    return parts


#: The built-in intents whose samples, Amazon's common phrasings and the model's own alike, are
#: read only as said, never loosely: "In order for a built-in intent to be triggered, it must
#: include an exactly matching sample utterance. This is in contrast to custom intents", but for
#: AMAZON.SelectIntent and AMAZON.FallbackIntent (Amazon's "Tips for Using Built-in Intents for
#: Your Skill", https://developer.amazon.com/docs/alexa/interaction-model-design/tips-for-using-built-in-intents-for-your-skill.html).
#: So "say it again" is no AMAZON.RepeatIntent's "say that again", nor "previous" PageUpIntent's
#: "previous page".
SAID_EXACTLY: Final = BUILTIN_INTENTS - {"AMAZON.SelectIntent", "AMAZON.FallbackIntent"}


class CompiledModel:
    """One interaction model compiled for one locale (`Understander` adds the reading).

    ``skill_id`` names the entity-resolution authorities of custom slot types. A locale whose
    language understanding does not know is a `ConfigurationError`, unless ``resolve_only``:
    then `resolutions` works (it needs no language) and `Understander.understand` raises that
    error.
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
        # The model's own samples of these intents ("quit the game" for AMAZON.StopIntent) too:
        # Alexa reads them as it reads the common phrasings. Each intent's orders start where
        # the last one's ended (as in `matcher`), whatever its sample count: a tie goes to the
        # intent first in `REPLIES`.
        samples: list[Sample] = []
        for name in REPLIES:
            phrasings = self.phrasings(self.intents.get(name) or ModelIntent(name))
            samples.extend(self.compile(ModelIntent(name), phrasings, len(samples)))
        return SampleMatcher(samples, self.language)

    @functools.cached_property
    def yes_no_words(self) -> frozenset[str]:
        """The words that alone say yes or no as `REPLIES` reads them ("yes", "no", "okay")."""
        return frozenset(
            word
            for sample in self._replies.samples
            if sample.intent in REPLIES[:2]
            for word in sample.elements
            if len(sample.elements) == 1 and isinstance(word, str)
        )

    @functools.cached_property
    def reply_words(self) -> frozenset[str]:
        """The words of every phrasing `REPLIES` reads ("yes", "sure", "thing", "never")."""
        return frozenset(
            word
            for sample in self._replies.samples
            for word in sample.elements
            if isinstance(word, str)
        )

    @functools.cached_property
    def built_in_phrases(self) -> dict[tuple[str, ...], str]:
        """The built-in intent each of the language's common phrasings says, by its words
        (("help",): AMAZON.HelpIntent), whether the model has the intent or not."""
        return {
            tuple(self.words(phrase)): name
            for name, phrases in self.language.builtin_intents.items()
            for phrase in phrases
        }

    def answer_matcher(self, intent: ModelIntent, slot: ModelSlot) -> SampleMatcher:
        """The samples an answer for ``slot`` of ``intent`` is read with: the slot's own ("to
        {city}"), the bare value, the intent's, and their ends from the word before the slot."""
        key = (intent.name, slot.name)
        matcher = self._answer_matchers.get(key)
        if matcher is None:
            texts = [*slot.samples, f"{{{slot.name}}}", *intent.samples]
            texts += carrier_ends(intent.samples, slot.name)
            matcher = SampleMatcher(self.compile(intent, texts), self.language)
            self._answer_matchers[key] = matcher
        return matcher

    def slot_carriers(self, intent: ModelIntent) -> dict[str, set[str]]:
        """The words ``intent``'s samples put right before each slot ("in" of "in {city}")."""
        found = self._carrier_cache.get(intent.name)
        if found is None:
            found = self._carrier_cache[intent.name] = carriers(self.matcher.samples, intent.name)
        return found

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
        exactly = intent.name in SAID_EXACTLY
        for text in texts:
            elements: list[str | SlotRef] = []
            usable = True
            for part, is_slot in sample_words(text, self.language.rewrites):
                slot = intent.slot(part) if is_slot else None
                if is_slot and slot is None:
                    usable = False  # a sample naming a slot the intent lacks: `model --check`
                    break
                elements.append(
                    part if slot is None else SlotRef(slot.name, self.intent_kind(intent, slot))
                )
            if not usable:
                continue
            if len(elements) > MAX_WORDS:
                # Read loosely, its alignment went a level deeper a word: a sample of 1,000
                # words failed every utterance sharing a word with it (RecursionError).
                continue
            if elements:
                at = order + len(compiled)
                compiled.append(Sample(intent.name, text, tuple(elements), at, exact_only=exactly))
            # "my name's {name}" of "my name is {name}": read as the sample is.
            for form in contracted(elements, self.language.contractions):
                at = order + len(compiled)
                compiled.append(Sample(intent.name, text, tuple(form), at, exact_only=exactly))
            if exactly:
                continue  # no other form: a built-in intent's sample is read as said alone
            # A phrasal verb's particle said before the slot too: "take off {item} my list".
            for shifted in particle_shifts(elements, particles):
                at = order + len(compiled)
                compiled.append(Sample(intent.name, text, tuple(shifted), at, loose_only=True))
            # A day said before its part of the day to "{time} {date}": "tomorrow night".
            for swapped in part_of_day_swaps(elements):
                at = order + len(compiled)
                compiled.append(Sample(intent.name, text, tuple(swapped), at, exact_only=True))
        return compiled

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

    def resolutions(self, intent: str, slot: str, value: str) -> dict[str, Any] | None:
        """The ``resolutions`` Alexa sends with ``value`` (one value, as heard) in slot ``slot`` of
        ``intent``; None when the model has no such slot, or its type no entity resolution."""
        model_intent = self.intents.get(intent)
        model_slot = model_intent.slot(slot) if model_intent else None
        if model_slot is None:
            return None
        return entity_resolution(self.kind(model_slot.type), self.words(value))


def clock() -> datetime.datetime:
    """The user's time when none is given: the clock in UTC, the time on a device with no time
    zone set (`alexaskill.testing.requests.device_time`), not this machine's local time."""
    return datetime.datetime.now(datetime.UTC)
