"""The dialog model, declared beside the handler, and its part of the interaction model's JSON.

A slot the dialog model handles is declared with `DialogSlot` in ``slots=``; the intent's own
confirmation and its delegation with ``confirm=`` and ``auto_delegate=``::

    @skill.intent(
        "PlanTrip",
        utterances=["plan a trip", "plan a trip to {city}"],
        slots={
            "city": DialogSlot(
                "AMAZON.City",
                elicit="Where would you like to go?",
                samples=["to {city}", "{city}"],
            ),
            "date": DialogSlot(
                "AMAZON.DATE",
                elicit="When would you like to leave?",
                confirm="Leaving {date}, is that right?",
                validations=[Validate.in_duration("P0D", "P1Y", "Please pick a day this year.")],
            ),
            "travellers": "AMAZON.NUMBER",
        },
        confirm="Shall I book a trip to {city}, leaving {date}?",
        auto_delegate=False,
    )

``elicit`` makes a slot required: Alexa asks with that prompt until the slot has a value.
``confirm`` on a slot (or on the intent) makes Alexa ask for a yes or no. A prompt is a string
or a list of variations (Alexa picks one); ``{slot}`` in it says the slot's value; a prompt that
starts with ``<speak>`` is SSML. A variation Alexa would refuse (a ``<break>`` over 10 s) is a
`ConfigurationError` when the intent is declared (`alexaskill.dialog_prompts`).
``auto_delegate=True`` (Amazon's default) lets Alexa run the whole dialog and send the intent
once, complete; ``False`` sends every turn to the handler, which answers ``delegate()`` or takes
a step itself. The JSON follows Amazon's "Interaction Model Schema" (``dialog`` and
``prompts``) and "Validate Slot Values" (the validation rules).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

from .dialog_prompts import prompt_fault, prompt_named
from .dialog_validation import (
    SlotValidation,
    Validate,
    _variations,
    validation_problems,
    window_bound,
)
from .exceptions import ConfigurationError
from .locales import PerLocale
from .shown_names import shown, shown_value
from .xml_text import _speak_root

__all__ = [
    "DialogPrompt",
    "DialogSlot",
    "IntentDialog",
    "SlotValidation",
    "Validate",
    "dialog_json",
    "dialog_problems",
    "is_list_type",
    "validation_problems",
    "window_bound",
]

_SLOT_REFERENCE: Final = re.compile(r"\{([^{}]*)\}")
_BUILTIN_TYPE: Final = re.compile(r"AMAZON\.[A-Za-z][A-Za-z_]*")
# Amazon's "Slot Type Reference": the types that convert words into numbers, dates and times,
# and the phrase types, take no values of a skill's own; only the list types can be extended.
_UNLISTED_TYPES: Final = frozenset(
    (
        "AMAZON.AlphaNumeric",
        "AMAZON.DATE",
        "AMAZON.DURATION",
        "AMAZON.FOUR_DIGIT_NUMBER",
        "AMAZON.LITERAL",
        "AMAZON.NUMBER",
        "AMAZON.Ordinal",
        "AMAZON.PhoneNumber",
        "AMAZON.SearchQuery",
        "AMAZON.TIME",
    )
)


def is_list_type(type_name: str) -> bool:
    """Whether ``type_name`` names a built-in list slot type, which a skill may extend with values
    ("AMAZON.City", not "AMAZON.NUMBER")."""
    return bool(_BUILTIN_TYPE.fullmatch(type_name)) and type_name not in _UNLISTED_TYPES


def _slot_sample(item: object) -> str:
    if not isinstance(item, str):
        raise ConfigurationError(f"DialogSlot: a slot sample is a string, not {shown_value(item)}")
    return item


@dataclass(frozen=True, slots=True, init=False)
class DialogSlot:
    """A slot the dialog model handles: its type, and how Alexa asks for, confirms and checks it.

    ``elicit`` (a prompt, or a list of variations) makes the slot required; ``confirm`` makes
    Alexa ask the user to confirm the value; ``samples`` are what users say when asked ("to
    {city}"), a list or by locale (``{"en-US": [...], "de-DE": [...]}``); ``validations`` are
    `Validate` rules, checked in order. Prompts are written in the skill's source language and
    translated, for another locale's model, by the skill's catalogs (`alexaskill.i18n`).
    """

    type: str
    elicit: tuple[str, ...]
    confirm: tuple[str, ...]
    #: Every slot sample, whatever its locale (``samples_by_locale`` has them per locale).
    samples: tuple[str, ...]
    validations: tuple[SlotValidation, ...]
    samples_by_locale: PerLocale[str]

    def __init__(
        self,
        type: str,
        *,
        elicit: str | Sequence[str] | None = None,
        confirm: str | Sequence[str] | None = None,
        samples: Sequence[str] | Mapping[str, Sequence[str]] = (),
        validations: Sequence[SlotValidation] = (),
    ) -> None:
        if not isinstance(type, str) or not type.strip():
            raise ConfigurationError("DialogSlot needs the slot's type, e.g. 'AMAZON.City'")
        by_locale = PerLocale.build(samples, _slot_sample, "DialogSlot: samples")
        for rule in validations:
            if not isinstance(rule, SlotValidation):
                raise ConfigurationError(
                    f"DialogSlot: {shown_value(rule)} is not a validation; build one with Validate"
                )
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "elicit", _variations(elicit, "DialogSlot elicit"))
        object.__setattr__(self, "confirm", _variations(confirm, "DialogSlot confirm"))
        object.__setattr__(self, "samples", by_locale.everything())
        object.__setattr__(self, "validations", tuple(validations))
        object.__setattr__(self, "samples_by_locale", by_locale)


class DialogPrompt(NamedTuple):
    """A prompt of an intent's dialog: the slot it asks about, what prompt it is, its variations."""

    #: The slot; None for the intent's confirmation.
    slot: str | None
    #: "elicitation", "confirmation" or "validation".
    kind: str
    variations: tuple[str, ...]
    #: A validation prompt's rule, and its place among the slot's rules (from 1).
    rule: SlotValidation | None = None
    number: int = 0

    @property
    def what(self) -> str:
        """What prompt it is, as messages say: "elicitation", "validation 1 (isInSet)"."""
        if self.rule is None:
            return self.kind
        return f"validation {self.number} ({self.rule.type})"

    def prompt_id(self, intent: str) -> str:
        """Its id among the model's ``prompts``, as the developer console names them."""
        if self.slot is None:
            return f"Confirm.Intent.{intent}"
        if self.rule is not None:
            return f"Slot.Validation.{intent}.{self.slot}.{self.number}"
        kind = "Elicit" if self.kind == "elicitation" else "Confirm"
        return f"{kind}.Slot.{intent}.{self.slot}"


@dataclass(frozen=True, slots=True)
class IntentDialog:
    """An intent's dialog declarations: its dialog slots, confirmation and delegation."""

    slots: Mapping[str, DialogSlot] = field(default_factory=dict)
    confirm: tuple[str, ...] = ()
    #: True (Alexa runs the dialog), False (the handler gets every turn), None (the default).
    auto_delegate: bool | None = None

    @classmethod
    def build(
        cls,
        intent: str,
        slots: Mapping[str, DialogSlot],
        confirm: str | Sequence[str] | None,
        auto_delegate: bool | None,
    ) -> IntentDialog | None:
        """The declarations of ``intent``, or None when it declares no dialog at all; its first
        mistake a `ConfigurationError`, in the order declared: ``slots=``, ``confirm=``,
        ``auto_delegate=``."""
        _check_prompts(intent, cls(dict(slots)))
        variations = _variations(confirm, f"intent {intent}: confirm")
        _check_prompts(intent, cls({}, variations))
        if auto_delegate is not None and not isinstance(auto_delegate, bool):
            raise ConfigurationError(f"intent {intent}: auto_delegate is True or False")
        if not slots and not variations:
            if auto_delegate is not None:
                raise ConfigurationError(
                    f"intent {intent}: auto_delegate needs a dialog: a DialogSlot in slots= or "
                    "confirm="
                )
            return None
        return cls(dict(slots), variations, auto_delegate)

    def each_prompt(self) -> Iterator[DialogPrompt]:
        """Each prompt, in the interaction model's order: each slot's elicitation, confirmation
        and validations, then the intent's confirmation. The one walk of the declarations: the
        model's JSON (`dialog_json`), the checks where declared and at start take it."""
        for slot, declared in self.slots.items():
            if declared.elicit:
                yield DialogPrompt(slot, "elicitation", declared.elicit)
            if declared.confirm:
                yield DialogPrompt(slot, "confirmation", declared.confirm)
            for number, rule in enumerate(declared.validations, 1):
                yield DialogPrompt(slot, "validation", rule.prompt, rule, number)
        if self.confirm:
            yield DialogPrompt(None, "confirmation", self.confirm)

    def prompts(self) -> Iterator[tuple[str | None, str, str]]:
        """Each prompt variation (`each_prompt`, a variation at a time): its slot (None: the
        intent's), what prompt it is ("elicitation", "validation 1 (isInSet)"), its text."""
        for prompt in self.each_prompt():
            for text in prompt.variations:
                yield prompt.slot, prompt.what, text

    @property
    def delegation(self) -> str:
        """The delegation strategy: ALWAYS (auto delegation, Amazon's default) or SKILL_RESPONSE."""
        return "SKILL_RESPONSE" if self.auto_delegate is False else "ALWAYS"


def _check_prompts(intent: str, dialog: IntentDialog) -> None:
    """`ConfigurationError` for the first of ``dialog``'s prompt variations Alexa would refuse
    where asked: here, not when a user is asked (the apology, in production), see
    `alexaskill.dialog_prompts`."""
    for slot, what, text in dialog.prompts():
        fault = prompt_fault(text)
        if fault is not None:
            named = prompt_named(intent, slot, what, text)
            raise ConfigurationError(f"{named} would be refused where asked: {fault}")


def dialog_json(
    intents: Sequence[tuple[str, Mapping[str, str], IntentDialog]],
    translate: Callable[[str], str] | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The ``dialog`` and ``prompts`` of the interaction model, for (intent, slot types, dialog).

    ``translate`` gives each prompt in the model's language (the skill's catalogs).
    """
    entries = []
    prompts: list[dict[str, Any]] = []
    for name, slot_types, dialog in intents:
        slots = {slot: _slot_entry(slot, slot_type) for slot, slot_type in slot_types.items()}
        for slot, declared in dialog.slots.items():  # (the builder's slot_types hold them all)
            slots.setdefault(slot, _slot_entry(slot, declared.type))
        intent: dict[str, Any] = {
            "name": name,
            "delegationStrategy": dialog.delegation,
            "confirmationRequired": False,
            "prompts": {},
        }
        for prompt in dialog.each_prompt():
            prompt_id = prompt.prompt_id(name)
            texts = prompt.variations
            if translate is not None:
                texts = tuple(translate(text) for text in texts)
            prompts.append({"id": prompt_id, "variations": [_variation(text) for text in texts]})
            if prompt.slot is None:
                intent["confirmationRequired"] = True
                intent["prompts"]["confirmation"] = prompt_id
                continue
            entry = slots[prompt.slot]
            if prompt.rule is not None:
                entry.setdefault("validations", []).append(prompt.rule.json(prompt_id))
            else:
                entry[f"{prompt.kind}Required"] = True
                entry["prompts"][prompt.kind] = prompt_id
        intent["slots"] = list(slots.values())
        entries.append(intent)
    return {"delegationStrategy": "ALWAYS", "intents": entries}, prompts


def _slot_entry(slot: str, slot_type: str) -> dict[str, Any]:
    """A slot of an intent's ``dialog``, as yet without prompts (`dialog_json` adds them)."""
    return {
        "name": slot,
        "type": slot_type,
        "confirmationRequired": False,
        "elicitationRequired": False,
        "prompts": {},
    }


def dialog_problems(
    intent: str,
    slot_types: Mapping[str, str],
    dialog: IntentDialog,
    extended: Collection[str] = (),
) -> list[str]:
    """What Amazon's build would refuse in an intent's dialog declarations; ``extended`` names
    the built-in list types the model gives values of its own, which count as custom types."""
    problems = []
    for slot, declared in dialog.slots.items():
        where = f"intent {intent}, slot {slot}"
        for sample in declared.samples:
            named = _SLOT_REFERENCE.findall(sample)
            if slot not in named:
                problems.append(
                    f"{where}: slot sample {shown_value(sample)} must contain {{{slot}}}"
                )
            for other in named:
                if other not in slot_types:
                    problems.append(
                        f"{where}: slot sample {shown_value(sample)} names unknown slot "
                        f"{shown(other)}"
                    )
        if declared.samples and not declared.elicit:
            problems.append(f"{where}: samples are what users answer when asked; add elicit=")
        slot_type = slot_types.get(slot, declared.type)
        custom = slot_type in extended or not slot_type.startswith("AMAZON.")
        for rule in declared.validations:
            found = validation_problems(rule.type, rule.start, rule.end, slot_type, custom)
            problems += [f"{where}: {problem}" for problem in found]
    for prompt in dialog.each_prompt():
        if prompt.slot is None:
            what = "the intent confirmation"
        elif prompt.rule is not None:
            what = f"slot {prompt.slot}'s validation prompt"
        else:
            what = f"slot {prompt.slot}'s prompts"
        for text in prompt.variations:
            for other in _SLOT_REFERENCE.findall(text):
                if other not in slot_types:
                    problems.append(
                        f"intent {intent}: {what} name unknown slot {{{other}}}: "
                        f"{shown_value(text)}"
                    )
    return problems


def _variation(text: str) -> dict[str, str]:
    """A prompt's variation: SSML if it is a ``<speak>`` document (whatever its root's attributes
    or prolog; sent from its root, as speech is), else plain text."""
    root = _speak_root(text)
    if root < 0:
        return {"type": "PlainText", "value": text}
    return {"type": "SSML", "value": text[root:]}
