"""Checking an interaction model: what Amazon's build reports, and the conflicts it lets pass.

`check_model` lists `Finding` values, errors and warnings:

- What the developer console's build refuses (Amazon's "Interaction Model Schema" and "Create
  Intents, Utterances, and Slots"): more intents or slot values than Amazon takes (`.limits`),
  invocation name rules, intent and slot names, sample characters (no digits, no symbols), two
  slots written together (``{a}{b}``), a sample naming a slot its intent lacks, an undeclared
  slot type, a custom intent without samples, a custom type without values or with values the
  builder refuses in its own models (empty, listed twice, two with one id), a slot type name
  Amazon does not take, a slot sample listed twice, a built-in intent Amazon does not have
  (``AMAZON.StopIntnet``), AMAZON.SearchQuery without a carrier phrase, a dialog model naming
  unknown intents, slots or prompts, a required slot or confirmation without its prompt.
- Conflicts, which the build accepts but users meet: the same sample in two intents; a sample
  that, said with example slot values, is understood as another intent; a value (or synonym)
  listed by two custom types that one intent uses, so that either slot could take it (those
  but the first: `.check_conflicts`).
- Errors too: AMAZON.PauseIntent or AMAZON.ResumeIntent missing from the model of a skill
  using the AudioPlayer interface (Amazon's "AudioPlayer Interface Reference" requires both).
- Warnings: missing built-in intents, unused custom types, a required slot without slot samples,
  a custom sample that is also a common phrasing of a built-in intent the model has, letters
  written against a slot in a sample (``{animal}s``), a sample longer than `MAX_WORDS` words
  and slots (never compiled: no utterance that long is understood).

Saying samples needs utterance understanding, which knows English only: in another locale those
two checks are left out, with a warning that says so, and everything else is checked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from ..builtin_intents import (
    AUDIO_PLAYER_INTENTS,
    BUILTIN_INTENTS,
    REQUIRED_INTENTS,
    check_builtin_intent,
)
from ..builtin_slot_types import BUILTIN_SLOT_TYPES, meant_slot_type
from ..dialog_model import validation_problems
from ..exceptions import ConfigurationError
from ..interaction.declarations import SlotTypeValue, value_problems
from ..interaction.invocation import invocation_name_warnings, invocation_problems
from ..interaction.samples import sample_key, sample_problems, type_name_problem
from ..interaction.slot_warnings import SLOT_REFERENCE, builtin_slots_warning, sample_warnings
from ..shown_names import shown, shown_value
from ..ssml_check import ssml_error
from ..typos import did_you_mean
from .check_conflicts import Conflicts
from .compiled import MAX_WORDS, clock, sample_words
from .languages import resolving_language
from .limits import limit_problems
from .model import DialogIntentModel, InteractionModel, ModelIntent
from .prompts import empty_slot_advice
from .understander import DEFAULT_SKILL_ID
from .validation import never_passes

__all__ = ["Finding", "check_model"]

_NAME: Final = re.compile(r"[A-Za-z][A-Za-z_]*")
_REQUIRED_BY_BUILD: Final = ("AMAZON.CancelIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing `check_model` found: ``level`` is "error" or "warning"."""

    level: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.message}"


class _Checker:
    def __init__(
        self,
        model: InteractionModel,
        locale: str,
        skill_id: str,
        invocation: bool,
        audio_player: str | None = None,
    ) -> None:
        self.model = model
        self.audio_player = audio_player
        self.locale = locale
        self.skill_id = skill_id
        self.check_invocation = invocation
        self.findings: list[Finding] = []
        # The words of a sample are cut as its locale's (none rewritten in one understanding
        # does not know: it compiles nothing).
        language, refusal = resolving_language(locale)
        self.rewrites: Mapping[str, tuple[str, ...]] = {} if refusal else language.rewrites

    def error(self, message: str) -> None:
        self.findings.append(Finding("error", message))

    def warning(self, message: str) -> None:
        self.findings.append(Finding("warning", message))

    def run(self) -> list[Finding]:
        self.invocation()
        for problem in limit_problems(self.model):
            self.error(problem)
        self.intents()
        self.types()
        self.dialog()
        if not any(finding.level == "error" for finding in self.findings):
            # Understanding needs a model that builds.
            Conflicts(self.model, self.locale, self.skill_id, self).conflicts()
        return self.findings

    def invocation(self) -> None:
        name = self.model.invocation
        if not self.check_invocation:
            return
        if name is None:
            self.error("the model has no invocation name")
            return
        for problem in invocation_problems(name, self.locale):
            self.error(problem)
        for warning in invocation_name_warnings(name, self.locale):
            self.warning(warning)

    def intents(self) -> None:
        names = [intent.name for intent in self.model.intents]
        for name in sorted({name for name in names if names.count(name) > 1}):
            self.error(f"intent {shown(name)} is defined {names.count(name)} times")
        for name in _REQUIRED_BY_BUILD:
            if name not in names:
                self.error(f"the model lacks {name}, which every custom skill must have")
        for name in REQUIRED_INTENTS:
            if name not in names and name not in _REQUIRED_BY_BUILD:
                self.warning(f"the model lacks {name}")
        for name in AUDIO_PLAYER_INTENTS if self.audio_player else ():
            if name not in names:
                self.error(
                    f"the model lacks {name}, which Amazon requires of a skill using the "
                    f"AudioPlayer interface ({self.audio_player})"
                )
        seen: dict[str, str] = {}
        for intent in self.model.intents:
            self.intent(intent, seen)

    def intent(self, intent: ModelIntent, seen: dict[str, str]) -> None:
        # Names and samples quoted cut (`shown`): a 70,000-character sample made a line as long.
        name = shown(intent.name)
        builtin = intent.name.startswith("AMAZON.")
        if builtin:
            try:
                check_builtin_intent(intent.name)
            except ConfigurationError as exc:
                self.error(f"intent {name}: {exc}")
        if intent.name in BUILTIN_INTENTS and intent.slots:  # not the library's: they have some
            self.warning(builtin_slots_warning(intent.name, [slot.name for slot in intent.slots]))
        if not builtin and not _NAME.fullmatch(intent.name):
            self.error(
                f"intent {shown(intent.name, quoted=True)}: a name is ASCII letters and underscores"
            )
        if not builtin and not intent.samples:
            self.error(f"intent {name}: a custom intent needs sample utterances")
        slot_names = [slot.name for slot in intent.slots]
        for slot in intent.slots:
            if not _NAME.fullmatch(slot.name):
                self.error(
                    f"intent {name}: slot {shown(slot.name, quoted=True)}: a name is ASCII letters"
                )
            self.slot_type(intent, slot.name, slot.type)
            listed: set[str] = set()
            for sample in slot.samples:
                where = f"intent {name}, slot {shown(slot.name)}"
                self.sample(intent, sample, where)
                if sample_key(sample) in listed:
                    self.error(f"{where}: sample {shown(sample, quoted=True)} is listed twice")
                listed.add(sample_key(sample))
                if f"{{{slot.name}}}" not in sample.replace(" ", ""):
                    self.error(
                        f"{where}: slot sample {shown(sample, quoted=True)} must contain "
                        f"{{{shown(slot.name)}}}"
                    )
        if len(set(slot_names)) != len(slot_names):
            self.error(f"intent {name}: two slots have one name")
        own: set[str] = set()
        for sample in intent.samples:
            self.sample(intent, sample, f"intent {name}")
            key = sample_key(sample)
            if key in own:
                self.error(f"intent {name}: sample {shown(sample, quoted=True)} is listed twice")
                continue
            own.add(key)
            other = seen.setdefault(key, intent.name)
            if other != intent.name:
                self.error(
                    f"sample {shown(sample, quoted=True)} is in intent {shown(other)} and in "
                    f"intent {name}"
                )

    def slot_type(self, intent: ModelIntent, slot: str, type_name: str) -> None:
        where = f"intent {shown(intent.name)}, slot {shown(slot)}"
        meant = meant_slot_type(type_name)  # AMAZON.Number, amazon.city
        if meant is not None:
            self.error(
                f"{where}: {shown(type_name, quoted=True)} is not one of Amazon's built-in slot "
                f"types; did you mean {meant}?"
            )
        elif not type_name.startswith("AMAZON."):
            if type_name not in self.model.types:
                custom = [name for name in self.model.types if not name.startswith("AMAZON.")]
                self.error(
                    f"{where}: slot type {shown(type_name)} is not defined in the model's "
                    f"types{did_you_mean(type_name, [shown(each) for each in custom])}"
                )
        elif type_name not in BUILTIN_SLOT_TYPES:
            # Not refused: Amazon adds types, and this list may lag behind.
            self.warning(
                f"{where}: {shown(type_name)} is not one of Amazon's built-in slot types that "
                "alexaskill knows; Amazon's build refuses it unless it is new (see Amazon's "
                '"Slot Type Reference")'
            )

    def sample(self, intent: ModelIntent, sample: str, where: str) -> None:
        slot_types = {slot.name: slot.type for slot in intent.slots}
        for problem in sample_problems(where, sample, slot_types):
            self.error(problem)
        for warning in sample_warnings(where, sample):  # (as the registration says them)
            self.warning(warning)
        # Its words and slots, as `CompiledModel.compile` counts them: past MAX_WORDS no
        # utterance is understood, and the sample is not compiled.
        words = len(sample_words(sample, self.rewrites))
        if words > MAX_WORDS:
            self.warning(
                f"{where}: sample {shown(sample, quoted=True)} is {words} words, more than the "
                f"{MAX_WORDS} words understood in one utterance: chat, the simulator and "
                "client.say() never match it"
            )

    def types(self) -> None:
        used = {slot.type for intent in self.model.intents for slot in intent.slots}
        for name, declared in self.model.types.items():
            if not declared.values:
                self.error(f"slot type {shown(name)} has no values")
            if name not in used:
                self.warning(f"slot type {shown(name)} is used by no slot")
            # The rules the builder holds its own models to: the type's name, no empty value or
            # synonym, no value listed twice, no id given to two values.
            problem = type_name_problem(name)
            if problem is not None:
                self.error(problem)
            values = [SlotTypeValue(v.name, v.id, v.synonyms) for v in declared.values]
            for problem in value_problems(name, values):
                self.error(problem)
            said: dict[str, str] = {}
            for value in declared.values:
                for index, word in enumerate((value.name, *value.synonyms)):
                    key = " ".join(word.casefold().split())
                    owner = said.setdefault(key, value.name)
                    # A value named as an earlier value is an error of value_problems already
                    # ("listed twice"); named as an earlier value's synonym, it is not.
                    duplicate = index == 0 and " ".join(owner.casefold().split()) == key
                    if owner != value.name and not duplicate:
                        self.warning(
                            f"slot type {shown(name)}: {shown(word, quoted=True)} is listed for "
                            f"both {shown(owner, quoted=True)} and "
                            f"{shown(value.name, quoted=True)}"
                        )

    def dialog(self) -> None:
        prompts = self.model.prompts
        for dialog in self.model.dialog.values():
            intent = self.model.intent(dialog.name)
            if intent is None:
                self.error(
                    f"the dialog model names intent {shown(dialog.name)}, which the model lacks"
                )
                continue
            referenced: list[tuple[str, str | None]] = []
            if dialog.confirmation_required:
                if dialog.confirm_prompt is None:
                    self.error(f"intent {shown(dialog.name)}: confirmation required but no prompt")
                referenced.append(("the intent confirmation", dialog.confirm_prompt))
            for slot in dialog.slots:
                model_slot = intent.slot(slot.name)
                where = f"intent {shown(dialog.name)}, slot {shown(slot.name)}"
                if model_slot is None:
                    self.error(f"{where}: in the dialog model but not in the intent")
                    continue
                if slot.elicitation_required:
                    if slot.elicit_prompt is None:
                        self.error(f"{where}: required but has no elicitation prompt")
                    if not model_slot.samples:
                        self.warning(
                            f"{where}: required but has no slot samples; users answering the "
                            "prompt are understood only through the intent's samples and the "
                            "bare value: give it samples of the answers, DialogSlot(..., "
                            f'samples=["{{{shown(slot.name)}}}", ...]) in the code, the slot\'s '
                            '"samples" in a model file'
                        )
                    referenced.append((f"{where}'s elicitation", slot.elicit_prompt))
                if slot.confirmation_required:
                    if slot.confirm_prompt is None:
                        self.error(f"{where}: confirmation required but no prompt")
                    referenced.append((f"{where}'s confirmation", slot.confirm_prompt))
                slot_type = model_slot.type
                custom = slot_type in self.model.types or not slot_type.startswith("AMAZON.")
                for rule in slot.validations:
                    referenced.append((f"{where}'s validation {rule.type}", rule.prompt))
                    for problem in validation_problems(
                        rule.type, rule.start, rule.end, slot_type, custom
                    ):
                        self.error(f"{where}: {problem}")
                # No user, so no local time: the UTC date, as an Understander without a clock
                # takes (the machine's own date would make the finding depend on its zone).
                today = clock().date()
                impossible = never_passes(slot.validations, slot_type, today)
                if impossible is not None:
                    self.error(
                        f"{where}: {impossible}; the dialog would ask again whatever the user says"
                    )
            for what, prompt_id in referenced:
                if prompt_id is None:
                    continue
                prompt = prompts.get(prompt_id)
                if prompt is None:
                    self.error(f"{what} names prompt {shown(prompt_id)}, which the model lacks")
                    continue
                for kind, text in prompt.variations:
                    error = ssml_error(text) if kind == "SSML" else None
                    if error is not None:
                        self.error(
                            f"prompt {shown(prompt_id)}: SSML Alexa refuses, {error}: "
                            f"{shown_value(text)}"
                        )
                    for reference in SLOT_REFERENCE.findall(text):
                        if intent.slot(reference) is None:
                            self.error(
                                f"prompt {shown(prompt_id)} names unknown slot "
                                f"{{{shown(reference)}}}"
                            )
            self.empty_references(dialog, referenced_by_slot(dialog))

    def empty_references(
        self, dialog: DialogIntentModel, uses: list[tuple[str, str | None, str | None]]
    ) -> None:
        """Prompts naming a slot that can still be empty when they are said: Alexa has no
        words for it there (the build takes them). Only with auto delegation: with manual
        delegation the skill may fill the slot (``updatedIntent``) before it delegates."""
        if dialog.delegation != "ALWAYS":
            return
        order = [slot.name for slot in dialog.slots]
        required = [slot.name for slot in dialog.slots if slot.elicitation_required]
        for what, own, prompt_id in uses:
            prompt = self.model.prompts.get(prompt_id) if prompt_id is not None else None
            if prompt is None or prompt_id is None:
                continue
            for _, text in prompt.variations:
                for reference in dict.fromkeys(SLOT_REFERENCE.findall(text)):
                    if reference == own and not what.endswith("elicitation"):
                        continue  # a slot's own confirmation or validation says its value
                    if not self.filled(what, own, reference, required, order):
                        advice = empty_slot_advice(what.endswith("validation"))
                        self.warning(
                            f"intent {shown(dialog.name)}: prompt {shown(prompt_id)} ({what}) "
                            f"names slot {{{shown(reference)}}}, which can still be empty when it "
                            f"is said: Alexa has no words for it there; {advice}"
                        )

    @staticmethod
    def filled(
        what: str, own: str | None, reference: str, required: list[str], order: list[str]
    ) -> bool:
        """Whether slot ``reference`` surely has a value when prompt ``what`` of slot ``own``
        is said. Alexa validates the values given before it asks for any slot (the user may
        give a value in the first utterance, with no other): a validation prompt can count on
        its own slot alone. An elicitation comes after the required slots asked before it; a
        slot's confirmation, as soon as the slot has a value, after the required slots before
        it in the model's order; the intent's confirmation, after every required slot."""
        if what.endswith("validation"):
            return False
        filled = reference in required and reference != own
        if what.endswith("elicitation") and filled and own in required:
            filled = required.index(reference) < required.index(own)
        elif what.endswith("confirmation") and filled and own in order:
            filled = order.index(reference) < order.index(own)
        return filled


def referenced_by_slot(dialog: DialogIntentModel) -> list[tuple[str, str | None, str | None]]:
    """Each prompt of an intent's dialog, as (what it is, the slot it belongs to, its id)."""
    uses: list[tuple[str, str | None, str | None]] = [
        ("the intent confirmation", None, dialog.confirm_prompt)
    ]
    for slot in dialog.slots:
        said = shown(slot.name)
        uses.append((f"slot {said}'s elicitation", slot.name, slot.elicit_prompt))
        uses.append((f"slot {said}'s confirmation", slot.name, slot.confirm_prompt))
        uses += [(f"slot {said}'s validation", slot.name, rule.prompt) for rule in slot.validations]
    return uses


def check_model(
    model: InteractionModel,
    *,
    locale: str = "en-US",
    skill_id: str = DEFAULT_SKILL_ID,
    invocation: bool = True,
    audio_player: str | None = None,
) -> list[Finding]:
    """Everything worth knowing before building ``model``: errors first, then warnings.

    ``invocation=False`` leaves the invocation name unchecked (a model built from code without
    one). ``audio_player``, for a skill using the AudioPlayer interface, says how that is known
    ("its manifest declares AUDIO_PLAYER"): its model must have AMAZON.PauseIntent and
    AMAZON.ResumeIntent.
    """
    findings = _Checker(model, locale, skill_id, invocation, audio_player).run()
    return sorted(findings, key=lambda finding: finding.level != "error")
