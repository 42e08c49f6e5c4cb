"""From what a user says to the ``request`` Alexa sends: `Understander` and `Understanding`.

The steps, as Amazon's "Understand How Users Invoke Custom Skills" describes invoking a skill:

1. A leading wake word ("Alexa, ...") is dropped.
2. "exit" or "quit" ends the session: a SessionEndedRequest (reason USER_INITIATED).
3. "open/start/launch/talk to <invocation name>" is a LaunchRequest; "ask/tell <invocation name>
   [to|for|about|if|whether|that] <request>" and "<request> using <invocation name>" are the
   one-shot forms: the request is understood as below, in a new session. Without an invocation
   name in the model, any name is accepted there, unless the whole utterance is a sample.
4. Anything else is matched against the samples of every intent in the model (the built-in
   intents also with their common phrasings): exactly first, then ignoring filler words, then
   loosely. Nothing close enough gives AMAZON.FallbackIntent when the model has it.

The result, an `Understanding`, holds the ``request`` object and explains itself: which sample
matched, which words filled which slot, what each slot's value became.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from .languages import Language, language_for
from .matcher import Match, Sample, SampleMatcher, SlotRef, SpanCache, typed_share
from .model import InteractionModel, ModelIntent
from .slottypes import Fill, SlotKind, slot_kind, value_id
from .text import Token, tokenize

__all__ = [
    "DEFAULT_SKILL_ID",
    "SlotReading",
    "Understander",
    "Understanding",
    "slot_json",
]

#: The skill id of entity-resolution authorities when none is given.
DEFAULT_SKILL_ID: Final = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
FALLBACK: Final = "AMAZON.FallbackIntent"
_SLOT: Final = re.compile(r"\{\s*([^{}\s]+)\s*\}")


@dataclass(frozen=True, slots=True)
class SlotReading:
    """Which words filled one slot, and what its value became."""

    name: str
    type: str
    #: The words as the user said them.
    words: str
    #: The value sent (None for a multiple-value slot holding several values).
    value: str | None
    #: Each value of a multiple-value slot.
    values: tuple[str, ...] = ()
    #: "typed" (a built-in type parsed it), "listed" (a custom value or synonym), "unlisted"
    #: (a custom type's other words), "free" (a free-form type) or "list".
    kind: str = "free"
    #: Entity resolution: the canonical values matched, as (name, id).
    resolved: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        """One line: the slot, its words, its value and how it was read."""
        said = f'{self.name} = "{self.words}"'
        if self.kind == "typed":
            return f"{said} → {self.value} ({self.type})"
        if self.kind == "listed":
            names = ", ".join(f"{name} (id {value_id})" for name, value_id in self.resolved)
            return f"{said} ({self.type}: ER_SUCCESS_MATCH {names})"
        if self.kind == "unlisted":
            return f"{said} ({self.type}: not a listed value, ER_SUCCESS_NO_MATCH)"
        if self.kind == "list":
            return f"{said} → {list(self.values)} ({self.type}, several values)"
        return f"{said} ({self.type}, taken as said)"


@dataclass(frozen=True)
class Understanding:
    """What Alexa makes of one utterance: the ``request`` it sends, and why."""

    utterance: str
    #: The ``request`` object ({"type": ...} and its fields, without id, timestamp and
    #: locale), or None when there was nothing to understand (an empty utterance).
    request: dict[str, Any] | None
    #: "launch", "intent", "end" (SessionEndedRequest), "answer" (a yes or no that answers a
    #: dialog's confirmation: no request of its own) or "empty".
    kind: str
    intent: str | None = None
    #: The sample utterance that matched, as the model writes it.
    sample: str | None = None
    slots: tuple[SlotReading, ...] = ()
    #: Every word matched the sample (no word added, left out or ignored).
    exact: bool = True
    #: No sample was close enough: AMAZON.FallbackIntent (or the closest intent).
    fallback: bool = False
    #: The skill was addressed by name ("open ...", "ask ... to ..."): a new session starts.
    new_session: bool = False
    notes: tuple[str, ...] = ()
    score: float = 0.0
    #: The filled slots' readings by name, for the dialog emulation.
    fills: Mapping[str, Fill] = field(default_factory=dict, repr=False, compare=False)

    def explain(self) -> str:
        """A few lines saying what was understood and from which words."""
        if self.request is None and self.kind != "answer":
            return "nothing to understand"
        head = str(self.request["type"]) if self.request is not None else "an answer:"
        if self.intent:
            head += f" {self.intent}"
        lines = [head]
        if self.sample is not None:
            how = "exact" if self.exact else "loose match"
            lines.append(f'  sample: "{self.sample}" ({how})')
        lines.extend(f"  {slot.describe()}" for slot in self.slots)
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The understanding as JSON (for tools and the simulator)."""
        return {
            "utterance": self.utterance,
            "request": self.request,
            "kind": self.kind,
            "intent": self.intent,
            "sample": self.sample,
            "exact": self.exact,
            "fallback": self.fallback,
            "newSession": self.new_session,
            "slots": [
                {
                    "name": slot.name,
                    "type": slot.type,
                    "words": slot.words,
                    "value": slot.value,
                    "values": list(slot.values),
                    "kind": slot.kind,
                    "resolved": [{"name": name, "id": id_} for name, id_ in slot.resolved],
                }
                for slot in self.slots
            ],
            "notes": list(self.notes),
            "explanation": self.explain(),
        }


def _simple_value(fill: Fill) -> dict[str, Any]:
    simple: dict[str, Any] = {"type": "Simple", "value": fill.value}
    if fill.resolutions is not None:
        simple["resolutions"] = fill.resolutions
    return simple


def slot_json(name: str, fill: Fill | None, confirmation: str = "NONE") -> dict[str, Any]:
    """A slot as Alexa sends it: unfilled, one value (with its resolutions), or a list."""
    if fill is None:
        return {"name": name, "confirmationStatus": confirmation}
    if fill.parts:
        return {
            "name": name,
            "confirmationStatus": confirmation,
            "source": "USER",
            "slotValue": {"type": "List", "values": [_simple_value(part) for part in fill.parts]},
        }
    entry: dict[str, Any] = {"name": name, "value": fill.value}
    if fill.resolutions is not None:
        entry["resolutions"] = fill.resolutions
    entry["confirmationStatus"] = confirmation
    entry["source"] = "USER"
    entry["slotValue"] = _simple_value(fill)
    return entry


def _reading(name: str, slot_type: str, fill: Fill) -> SlotReading:
    if fill.parts:
        return SlotReading(
            name,
            slot_type,
            fill.words,
            None,
            tuple(part.value for part in fill.parts),
            "list",
            tuple((v.name, value_id(v)) for part in fill.parts for v in part.matched),
        )
    resolved = tuple((value.name, value_id(value)) for value in fill.matched)
    return SlotReading(name, slot_type, fill.words, fill.value, (fill.value,), fill.kind, resolved)


class Understander:
    """Understands utterances with one interaction model, in one locale.

    Build it once (it compiles every sample); `understand` then takes about a millisecond.
    ``skill_id`` names the entity-resolution authorities of custom slot types.
    """

    def __init__(
        self,
        model: InteractionModel,
        *,
        locale: str = "en-US",
        skill_id: str = DEFAULT_SKILL_ID,
    ) -> None:
        self.model = model
        self.locale = locale
        self.skill_id = skill_id
        self.language: Language = language_for(locale)
        self._kinds: dict[tuple[str, bool], SlotKind] = {}
        self.intents: dict[str, ModelIntent] = {intent.name: intent for intent in model.intents}
        samples: list[Sample] = []
        for intent in model.intents:
            samples.extend(self.compile(intent, self.phrasings(intent), len(samples)))
        self.matcher = SampleMatcher(samples, self.language)
        self.invocation = (
            tuple(self.words(model.invocation)) if model.invocation is not None else None
        )
        self._answer_matchers: dict[tuple[str, str], SampleMatcher] = {}
        self._carrier_cache: dict[str, dict[str, set[str]]] = {}
        yes = self.compile(ModelIntent("AMAZON.YesIntent"), self._builtin("AMAZON.YesIntent"))
        no = self.compile(ModelIntent("AMAZON.NoIntent"), self._builtin("AMAZON.NoIntent"), 1000)
        self._yes_no = SampleMatcher([*yes, *no], self.language)

    # --- compiling ---------------------------------------------------------------------------

    def words(self, text: str) -> list[str]:
        """The normalised words of ``text``."""
        return [token.text for token in tokenize(text, self.language.rewrites)]

    def kind(self, slot_type: str, multiple: bool = False) -> SlotKind:
        """How slots of ``slot_type`` read words (one object per type, shared)."""
        key = (slot_type, multiple)
        found = self._kinds.get(key)
        if found is None:
            found = self._kinds[key] = slot_kind(
                slot_type,
                language=self.language,
                types=self.model.types,
                skill_id=self.skill_id,
                tokenize=self.words,
                multiple=multiple,
            )
        return found

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
        for text in texts:
            elements: list[str | SlotRef] = []
            position, usable = 0, True
            for match in _SLOT.finditer(text):
                elements.extend(self.words(text[position : match.start()]))
                slot = intent.slot(match.group(1))
                if slot is None:
                    usable = False  # a sample naming a slot the intent lacks: `model --check`
                    break
                elements.append(SlotRef(slot.name, self.kind(slot.type, slot.multiple)))
                position = match.end()
            if not usable:
                continue
            elements.extend(self.words(text[position:]))
            if elements:
                compiled.append(Sample(intent.name, text, tuple(elements), order + len(compiled)))
        return compiled

    # --- understanding ----------------------------------------------------------------------

    def tokens(self, text: str) -> list[Token]:
        """The tokens of ``text``, a leading wake word dropped."""
        tokens = tokenize(text, self.language.rewrites)
        while tokens and tokens[0].text in self.language.wake_words and len(tokens) > 1:
            tokens = tokens[1:]
        return tokens

    def understand(self, text: str, *, now: datetime.datetime | None = None) -> Understanding:
        """What Alexa makes of ``text``, said to this skill, the user's local time being ``now``."""
        now = now or datetime.datetime.now()
        tokens = self.tokens(text)
        if not tokens:
            return Understanding(text, None, "empty")
        words = tuple(token.text for token in tokens)
        if words in self.language.session_end:
            return Understanding(
                text,
                {"type": "SessionEndedRequest", "reason": "USER_INITIATED"},
                "end",
                notes=("the user ended the session",),
            )
        addressed = self._addressed(text, tokens, now)
        if addressed is not None:
            return addressed
        return self._intent(text, tokens, now)

    def _addressed(
        self, text: str, tokens: list[Token], now: datetime.datetime
    ) -> Understanding | None:
        """A launch or one-shot request naming the skill, else None."""
        words = [token.text for token in tokens]
        name = self.invocation
        for verb in (*self.language.launch_verbs, *self.language.ask_verbs):
            if tuple(words[: len(verb)]) != verb:
                continue
            after = len(verb)
            for size in self._name_sizes(words, after):
                end = after + size
                said_name = " ".join(words[after:end])
                if end == len(words):
                    if name is None and self._is_sample(tokens, now):
                        return None
                    if verb in self.language.launch_verbs:
                        return Understanding(
                            text,
                            {"type": "LaunchRequest"},
                            "launch",
                            new_session=True,
                            notes=(f'opened the skill by its name, "{said_name}"',),
                        )
                    continue
                if verb not in self.language.ask_verbs:
                    continue
                rest = tokens[end:]
                if rest and rest[0].text in self.language.connectors and len(rest) > 1:
                    rest = rest[1:]
                inner = self._read(text, rest, now, strict=name is None)
                if inner is None:
                    continue
                if name is None and self._is_sample(tokens, now):
                    return None
                return _one_shot(inner, f'asked the skill "{said_name}" in one go')
        for at in range(1, len(words) - 1):
            if words[at] not in self.language.trailing_connectors:
                continue
            name_words = words[at + 1 :]
            if name is not None and tuple(name_words) != name:
                continue
            if name is None and (len(name_words) > 4 or self._is_sample(tokens, now)):
                continue
            inner = self._read(text, tokens[:at], now, strict=True)
            if inner is not None:
                return _one_shot(inner, f'asked the skill "{" ".join(name_words)}" in one go')
        return None

    def _name_sizes(self, words: Sequence[str], after: int) -> list[int]:
        if self.invocation is not None:
            size = len(self.invocation)
            if tuple(words[after : after + size]) == self.invocation:
                return [size]
            return []
        return [size for size in range(1, 5) if after + size <= len(words)]

    def _is_sample(self, tokens: Sequence[Token], now: datetime.datetime) -> bool:
        return self.matcher.exact(SpanCache(tokens, now)) is not None

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
        *,
        strict: bool = False,
    ) -> Understanding | None:
        """The intent ``tokens`` ask for; with ``strict``, None unless a sample matches."""
        spans = SpanCache(tokens, now)
        match = self.matcher.exact(spans)
        notes: list[str] = []
        if match is not None and typed_share(match) > 0.5:
            # Mostly words a free-form slot swallowed: a loose reading may explain more.
            loose = self.matcher.loose(spans, self.model.fallback_sensitivity)
            if loose is not None and loose.score > match.score:
                match = loose
        if match is None:
            kept = [token for token in tokens if token.text not in self.language.fillers]
            if kept and len(kept) < len(tokens):
                match = self.matcher.exact(SpanCache(kept, now))
                if match is not None:
                    ignored = [token.text for token in tokens if token not in kept]
                    notes.append(f"ignored: {' '.join(ignored)}")
                    match = Match(match.sample, match.score, match.fills, exact=False)
                    tokens = kept
        if match is None and not strict:
            match = self.matcher.loose(spans, self.model.fallback_sensitivity)
        if match is None:
            if strict:
                return None
            return self._fallback(text, spans, notes)
        match = self._split_free_tails(match, spans)
        if match.extra_at:
            match = self._fill_leftovers(match, spans)
        if not match.exact:
            if match.extra:
                notes.append(f"words not in the sample: {' '.join(match.extra)}")
            if match.missing:
                notes.append(f"sample words not said: {' '.join(match.missing)}")
        return self._from_match(text, match, notes)

    def _carriers(self, intent: ModelIntent) -> dict[str, set[str]]:
        """The words the intent's samples put right before each slot ("in" of "in {city}")."""
        found = self._carrier_cache.get(intent.name)
        if found is None:
            found = {}
            for sample in self.matcher.samples:
                if sample.intent != intent.name:
                    continue
                for before, element in zip(sample.elements, sample.elements[1:], strict=False):
                    if isinstance(before, str) and isinstance(element, SlotRef):
                        found.setdefault(element.name, set()).add(before)
            self._carrier_cache[intent.name] = found
        return found

    def _split_free_tails(self, match: Match, spans: SpanCache) -> Match:
        """Give the end of free-form words to another slot of the intent that reads it.

        "what's the weather like in san diego today" matches "... like in {city}": "today" is
        the intent's date, not part of the city; in "book a trip to berlin for three people",
        "for" is what the samples put before the travellers, whose number is three. Alexa's
        model reads them so. Only slots whose type parses the words (numbers, dates, listed
        values) take them, and at most two words after the value are left over.
        """
        intent = self.intents.get(match.sample.intent)
        if intent is None:
            return match
        used = {name for name, _, _, _ in match.fills}
        carriers = self._carriers(intent)
        words = [token.text for token in spans.tokens]
        fills = list(match.fills)
        extra_at = list(match.extra_at)
        changed = False
        for index, (name, fill, start, end) in enumerate(match.fills):
            if fill.kind not in ("free", "unlisted") or end - start < 2:
                continue
            own = intent.slot(name)
            if own is None:
                continue
            split = self._split(intent, used, carriers, words, spans, start, end)
            if split is None:
                continue
            cut, taken, left = split
            head = spans.fill(self.kind(own.type, own.multiple), start, cut)
            if head is None:
                continue
            fills[index] = (name, head, start, cut)
            fills.append(taken)
            used.add(taken[0])
            extra_at.extend(left)
            changed = True
        if not changed:
            return match
        return Match(
            match.sample,
            match.score,
            tuple(fills),
            exact=False,
            extra=tuple(words[at] for at in sorted(extra_at)),
            missing=match.missing,
            quality=match.quality,
            extra_at=tuple(sorted(extra_at)),
        )

    def _split(
        self,
        intent: ModelIntent,
        used: set[str],
        carriers: Mapping[str, set[str]],
        words: Sequence[str],
        spans: SpanCache,
        start: int,
        end: int,
    ) -> tuple[int, tuple[str, Fill, int, int], list[int]] | None:
        """Where free words [start, end) end and another slot's value begins, if anywhere."""
        for cut in range(start + 1, end):
            for slot in intent.slots:
                if slot.name in used:
                    continue
                kind = self.kind(slot.type, slot.multiple)
                begin = cut + 1 if words[cut] in carriers.get(slot.name, ()) else cut
                for stop in range(end, begin, -1):
                    if end - stop > 2:
                        break
                    value = spans.fill(kind, begin, stop)
                    if value is not None and value.kind in ("typed", "listed"):
                        return cut, (slot.name, value, begin, stop), list(range(stop, end))
        return None

    def _fill_leftovers(self, match: Match, spans: SpanCache) -> Match:
        """Fill the intent's other slots with extra words their types read as a whole.

        Alexa's model generalises across an intent's samples: "book a table for two tomorrow"
        fills the date too, though no single sample has both slots. Only types that parse
        (numbers, dates, listed custom values) take leftover words; free-form ones do not.
        """
        intent = self.intents.get(match.sample.intent)
        if intent is None:
            return match
        used = {name for name, _, _, _ in match.fills}
        runs: list[list[int]] = []
        for at in match.extra_at:
            if runs and runs[-1][-1] == at - 1:
                runs[-1].append(at)
            else:
                runs.append([at])
        fills = list(match.fills)
        taken: set[int] = set()
        carriers = self._carriers(intent)
        words = [token.text for token in spans.tokens]
        for run in runs:
            for slot in intent.slots:
                if slot.name in used:
                    continue
                kind = self.kind(slot.type, slot.multiple)
                start, end = run[0], run[-1] + 1
                fill = spans.fill(kind, start, end)
                if fill is None or fill.kind not in ("typed", "listed"):
                    # Free words fill a slot only after a word the intent's samples put before
                    # it: "in" of "weather in {city}" makes "... tomorrow in boston" a city.
                    if end - start < 2 or words[start] not in carriers.get(slot.name, ()):
                        continue
                    start += 1
                    fill = spans.fill(kind, start, end)
                    if fill is None:
                        continue
                fills.append((slot.name, fill, start, end))
                used.add(slot.name)
                taken.update(run)
                break
        if not taken:
            return match
        extra_at = tuple(at for at in match.extra_at if at not in taken)
        return Match(
            match.sample,
            match.score,
            tuple(fills),
            exact=False,
            extra=tuple(words[at] for at in extra_at),
            missing=match.missing,
            quality=match.quality,
            extra_at=extra_at,
        )

    def _fallback(self, text: str, spans: SpanCache, notes: list[str]) -> Understanding:
        if FALLBACK in self.intents:
            return Understanding(
                text,
                self.intent_request(FALLBACK, {}),
                "intent",
                intent=FALLBACK,
                exact=False,
                fallback=True,
                notes=(*notes, "no sample is close enough"),
            )
        closest = self.matcher.closest(spans)
        if closest is not None:
            understood = self._from_match(text, closest, notes)
            return Understanding(
                understood.utterance,
                understood.request,
                understood.kind,
                understood.intent,
                understood.sample,
                understood.slots,
                False,
                True,
                notes=(
                    *understood.notes,
                    "no sample is close enough and the model has no AMAZON.FallbackIntent: "
                    "Alexa sends the closest intent",
                ),
                fills=understood.fills,
            )
        return Understanding(
            text,
            self.intent_request(FALLBACK, {}),
            "intent",
            intent=FALLBACK,
            exact=False,
            fallback=True,
            notes=(*notes, "nothing matched, and the model has no AMAZON.FallbackIntent"),
        )

    def _from_match(self, text: str, match: Match, notes: list[str]) -> Understanding:
        intent = self.intents[match.sample.intent]
        fills: dict[str, Fill] = {}
        readings = []
        for name, fill, _, _ in sorted(match.fills, key=lambda item: item[2]):
            slot = intent.slot(name)
            fills[name] = fill
            readings.append(_reading(name, slot.type if slot else "?", fill))
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
        intent's samples (which may fill other slots too).
        """
        model_intent = self.intents.get(intent)
        model_slot = model_intent.slot(slot) if model_intent else None
        if model_intent is None or model_slot is None:
            return None
        key = (intent, slot)
        matcher = self._answer_matchers.get(key)
        if matcher is None:
            texts = [*model_slot.samples, f"{{{slot}}}", *model_intent.samples]
            matcher = SampleMatcher(self.compile(model_intent, texts), self.language)
            self._answer_matchers[key] = matcher
        now = now or datetime.datetime.now()
        tokens = self.tokens(text)
        if not tokens:
            return None
        spans = SpanCache(tokens, now)
        match = matcher.exact(spans)
        if match is None:
            kept = [token for token in tokens if token.text not in self.language.fillers]
            if kept and len(kept) < len(tokens):
                match = matcher.exact(SpanCache(kept, now))
        if match is None:
            return None
        return self._from_match(text, match, [f"an answer for slot {slot}"])

    def yes_no(self, text: str) -> str | None:
        """ "yes" or "no" when ``text`` says so (as AMAZON.YesIntent / NoIntent), else None."""
        tokens = self.tokens(text)
        if not tokens:
            return None
        match = self._yes_no.exact(SpanCache(tokens, datetime.datetime.now()))
        if match is None:
            kept = [token for token in tokens if token.text not in self.language.fillers]
            if kept and len(kept) < len(tokens):
                match = self._yes_no.exact(SpanCache(kept, datetime.datetime.now()))
        if match is None:
            return None
        return "yes" if match.sample.intent == "AMAZON.YesIntent" else "no"

    def fill_slot(self, intent: str, slot: str, text: str, now: datetime.datetime) -> Fill | None:
        """The value ``text`` gives slot ``slot`` of ``intent`` on its own, or None."""
        model_intent = self.intents.get(intent)
        model_slot = model_intent.slot(slot) if model_intent else None
        if model_slot is None:
            return None
        tokens = self.tokens(text)
        if not tokens:
            return None
        return self.kind(model_slot.type, model_slot.multiple).fill(tokens, now)


def _one_shot(inner: Understanding, note: str) -> Understanding:
    return Understanding(
        inner.utterance,
        inner.request,
        inner.kind,
        inner.intent,
        inner.sample,
        inner.slots,
        inner.exact,
        inner.fallback,
        new_session=True,
        notes=(note, *inner.notes),
        score=inner.score,
        fills=inner.fills,
    )
