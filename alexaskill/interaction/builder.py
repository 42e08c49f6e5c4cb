"""The interaction model made from a skill's declarations and handlers, checked as Amazon builds it.

`build_interaction_model` gives the JSON of the ASK CLI's
``skill-package/interactionModels/custom/<locale>.json``; `alexaskill.interaction` says how.
"""

from __future__ import annotations

import datetime
import enum
import inspect
import re
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ..builtin_intents import (
    AUDIO_PLAYER_INTENTS,
    BUILTIN_INTENTS,
    CUSTOM_NAME,
    REQUIRED_INTENTS,
    audio_player_signs,
)
from ..builtin_slot_types import BUILTIN_SLOT_TYPES, meant_slot_type
from ..dialog_model import IntentDialog, dialog_json, dialog_problems
from ..exceptions import ConfigurationError, remade_from_parts
from ..locales import DEFAULT_LOCALE, PerLocale, language_of, locale_problem
from ..shown_names import shown, shown_value
from ..slots import AlexaDate, AlexaDuration, AlexaTime, unwrap_optional
from ..ssml_check import ssml_error
from ..typos import NAME_OF_WORDS, did_you_mean, meant
from .declarations import (
    IntentDeclaration,
    ModelSource,
    SlotTypeDeclaration,
    SlotTypeValue,
    _declared_keys,
    default_locale,
    value_problems,
)
from .invocation import invocation_name_warnings, invocation_problems
from .samples import sample_key, sample_problems, type_name_problem

__all__ = ["InteractionModelError", "build_interaction_model", "invocation_name_warnings"]


class InteractionModelError(ConfigurationError):
    """The skill's declarations do not make a valid interaction model; ``problems`` says why."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))

    def __reduce__(self) -> tuple[Any, ...]:
        return remade_from_parts(self, self.problems)


_BUILTIN_SLOT_TYPES: Final[Mapping[Any, str]] = {
    datetime.date: "AMAZON.DATE",
    AlexaDate: "AMAZON.DATE",
    datetime.time: "AMAZON.TIME",
    AlexaTime: "AMAZON.TIME",
    datetime.timedelta: "AMAZON.DURATION",
    AlexaDuration: "AMAZON.DURATION",
    int: "AMAZON.NUMBER",
    float: "AMAZON.NUMBER",
}
_INTENT_REQUEST_TYPES: Final = ("IntentRequest", "CanFulfillIntentRequest")
#: A custom intent's, slot's or slot type's name: the rule registration checks too.
_NAME: Final = CUSTOM_NAME
_BUILTIN_INTENT: Final = re.compile(r"AMAZON\." + CUSTOM_NAME.pattern)


@dataclass
class _Slot:
    slot_type: str | None
    multiple: bool = False
    enum_class: type[enum.Enum] | None = None


@dataclass
class _Intent:
    name: str
    samples: list[str] = field(default_factory=list)
    slots: dict[str, _Slot] = field(default_factory=dict)
    dialog: IntentDialog | None = None
    #: The dialog slots' samples in the model's locale.
    slot_samples: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Whether its lack of samples in the model's locale is reported already.
    reported: bool = False


def _slot_type_of(annotation: Any) -> tuple[str | None, bool, type[enum.Enum] | None]:
    """(slot type or None if ambiguous, multiple values?, the Enum it comes from)."""
    target, _ = unwrap_optional(annotation)
    multiple = target is list or typing.get_origin(target) is list
    if multiple:
        args = typing.get_args(target)
        target = args[0] if args else str
    if isinstance(target, type) and issubclass(target, enum.Enum):
        return target.__name__, multiple, target
    return _BUILTIN_SLOT_TYPES.get(target), multiple, None


class _ModelBuilder:
    def __init__(self, skill: ModelSource, locale: str = DEFAULT_LOCALE) -> None:
        self.skill = skill
        self.locale = locale
        self.default = default_locale(skill)
        self.same_language = language_of(locale) == language_of(self.default)
        keys = _declared_keys(skill)
        #: Whether the skill declares anything for this locale (or its language) by name.
        self.declared_here = locale in keys or language_of(locale) in keys
        self.problems: list[str] = []
        self.intents: dict[str, _Intent] = {}
        self.enums: dict[str, type[enum.Enum]] = {}

    def pick(self, items: PerLocale[Any], what: str) -> tuple[Any, ...] | None:
        """The items for this locale: its own (or its language's), else the default locale's
        in the same language, else the plain list; None when there are none for it. A plain
        list (the source language's) in a locale of another language the skill declares is a
        problem."""
        found = items.own(self.locale)
        if found is None and self.same_language:
            found = items.own(self.default)
        if found is None and items.common:
            found = items.common
            if self.declared_here and not self.same_language:
                self.problem(
                    f"{what} are a plain list, in the skill's source language "
                    f"({self.default}), but the skill declares {self.locale}: give them per "
                    f"locale, {{{shown_value(self.default)}: [...], "
                    f"{shown_value(self.locale)}: [...]}}"
                )
        return found

    def missing(self, items: PerLocale[Any], what: str) -> None:
        """Report ``items`` declared for other locales, but not for this one."""
        self.problem(
            f"{what}: none for {self.locale} (there are some for {', '.join(items.keys)}); "
            f"add {{{shown_value(self.locale)}: [...]}}"
        )

    def problem(self, message: str) -> None:
        self.problems.append(message)

    def collect(self) -> None:
        for (request_type, name), handler in self.skill.registry.handlers.items():
            if name is None or request_type not in _INTENT_REQUEST_TYPES:
                continue
            intent = self.intents.get(name)
            if intent is None:
                intent = self.intents[name] = self.declared(name)
            for param, annotation in handler.slots:
                self.add_parameter(intent, handler.name, param, annotation)
        required: tuple[str, ...] = REQUIRED_INTENTS
        if audio_player_signs(kind for kind, _ in self.skill.registry.handlers):
            required += AUDIO_PLAYER_INTENTS  # a skill that uses the AudioPlayer interface
        for name in required:
            self.intents.setdefault(name, _Intent(name))

    def declared(self, name: str) -> _Intent:
        if not (_NAME.fullmatch(name) or _BUILTIN_INTENT.fullmatch(name)):
            self.problem(
                f"intent {shown_value(name)}: an intent name is ASCII letters and underscores "
                "(or AMAZON. and a built-in intent's name)"
            )
        declaration = self.skill.intent_declarations.get(name) or IntentDeclaration(name)
        samples = self.pick(declaration.samples, f"intent {shown(name)}: its utterances")
        if samples is None and declaration.samples and not name.startswith("AMAZON."):
            self.missing(declaration.samples, f"intent {shown(name)}: sample utterances")
        intent = _Intent(name, list(samples or ()), dialog=declaration.dialog)
        intent.reported = samples is None and bool(declaration.samples)
        if declaration.dialog is not None:
            for slot, dialog_slot in declaration.dialog.slots.items():
                listed = dialog_slot.samples_by_locale
                where = f"intent {shown(name)}, slot {shown(slot)}"
                found = self.pick(listed, f"{where}: its samples")
                if found is None and listed:
                    self.missing(listed, f"{where}: slot samples")
                intent.slot_samples[slot] = found or ()
        for slot, slot_type in declaration.slots.items():
            intent.slots[slot] = _Slot(slot_type)
        return intent

    def add_parameter(self, intent: _Intent, where: str, param: str, annotation: Any) -> None:
        derived, multiple, enum_type = _slot_type_of(annotation)
        slot = intent.slots.get(param)
        if slot is None:
            if derived is None:
                annotated = getattr(annotation, "__name__", None)
                if annotation is inspect.Parameter.empty:
                    annotated = "no annotation"
                said = shown(annotated) if isinstance(annotated, str) else shown_value(annotation)
                quoted_intent, quoted_param = shown_value(intent.name), shown_value(param)
                self.problem(
                    f"intent {shown(intent.name)}: parameter {quoted_param} of {shown(where)} "
                    f"({said}) has no slot type; declare one, e.g. @skill.intent("
                    f"{quoted_intent}, slots={{{quoted_param}: {_example_type(param)!r}}})"
                )
            intent.slots[param] = _Slot(derived, multiple, enum_type)
            return
        slot.multiple = slot.multiple or multiple
        if enum_type is not None and slot.slot_type == enum_type.__name__:
            slot.enum_class = enum_type

    def meant_intent(self, name: str) -> str:
        """The intent ``name`` (a custom one without samples) was most likely meant to be, as
        `model_warnings` says it: the built-in named so with ``AMAZON.`` (``YesIntent``), or a
        close name of an intent with samples (``ChooseAnimal`` for ``ChooseAnimalIntent``)."""
        if f"AMAZON.{name}" in BUILTIN_INTENTS:
            return f"the built-in AMAZON.{name}, which needs none"
        sampled = [other for other, intent in self.intents.items() if intent.samples]
        handled = {kind[1] for kind in self.skill.registry.handlers if kind[0] == "IntentRequest"}
        if name in handled:
            # Renaming a handled intent to another handled one is no fix (two handlers for one
            # intent are refused): TurnOffIntent is no typo of TurnOnIntent, however alike.
            sampled = [other for other in sampled if other not in handled]
        shorter = name.removesuffix("Intent")  # (0.8 alike; `meant` takes the other way round)
        if shorter != name and shorter in sampled:
            return shorter
        return meant(name, sampled, cutoff=NAME_OF_WORDS, real=BUILTIN_INTENTS) or ""

    def check_intent(self, intent: _Intent, seen: dict[str, str]) -> None:
        builtin = intent.name.startswith("AMAZON.")
        if not builtin and not intent.samples and not intent.reported:
            add = f"add some with @skill.intent({shown_value(intent.name)}, utterances=[...])"
            meant = self.meant_intent(intent.name)
            self.problem(
                f"intent {shown(intent.name)}: no sample utterances; "
                + (f"did you mean {meant}? Else {add}" if meant else add)
            )
        for slot in intent.slots:
            if not _NAME.fullmatch(slot):
                self.problem(
                    f"intent {shown(intent.name)}: slot {shown_value(slot)}: a slot name is "
                    "ASCII letters and underscores"
                )
        slot_types = {name: slot.slot_type for name, slot in intent.slots.items()}
        for sample in intent.samples:
            self.problems += sample_problems(f"intent {shown(intent.name)}", sample, slot_types)
            key = sample_key(sample)
            other = seen.get(key)
            if other is None:
                seen[key] = intent.name
            else:
                also = "listed twice" if other == intent.name else f"also a sample of {other}"
                self.problem(f"intent {shown(intent.name)}: sample {shown_value(sample)} is {also}")
        for slot, samples in intent.slot_samples.items():
            where = f"intent {shown(intent.name)}, slot {shown(slot)}"
            own: set[str] = set()
            for sample in samples:
                self.problems += sample_problems(where, sample, slot_types)
                if sample_key(sample) in own:
                    self.problem(f"{where}: sample {shown_value(sample)} is listed twice")
                own.add(sample_key(sample))

    def types(self) -> list[dict[str, Any]]:
        declared = self.skill.slot_types
        generated: dict[str, type[enum.Enum]] = {}
        for intent in self.intents.values():
            for name, slot in intent.slots.items():
                slot_type = slot.slot_type
                if slot_type is None or slot_type.startswith("AMAZON.") or slot_type in declared:
                    continue  # no type at all is reported already
                enum_class = slot.enum_class
                if enum_class is None:
                    known = {*declared, *self.enum_names()}
                    hint = did_you_mean(slot_type, known) + "; declare"
                    builtin = _builtin_without_prefix(slot_type)
                    if builtin is not None:  # "City" for AMAZON.City
                        hint = f"; did you mean {builtin}, Amazon's built-in type? Else declare"
                    quoted_type = shown_value(slot_type)
                    self.problem(
                        f"intent {shown(intent.name)}, slot {shown(name)}: slot type "
                        f"{quoted_type} is never declared{hint} it with "
                        f"skill.add_slot_type({quoted_type}, [...]) or "
                        "annotate the parameter with an Enum of that name"
                    )
                    continue
                previous = generated.setdefault(slot_type, enum_class)
                if previous is not enum_class:
                    self.problem(
                        f"slot type {shown(slot_type)}: two different Enums have that name "
                        f"({previous.__module__} and {enum_class.__module__}); declare one "
                        "with skill.add_slot_type"
                    )
        result = []
        for declaration in declared.values():
            values = self.pick(declaration.by_locale, f"slot type {declaration.name}: its values")
            if values is None:
                self.missing(declaration.by_locale, f"slot type {declaration.name}: values")
                continue
            result.append(_type_json(declaration.name, values))
        for name, enum_type in generated.items():
            generated_type = self.enum_type(name, enum_type)
            result.append(_type_json(generated_type.name, generated_type.values))
        for entry in result:
            problem = type_name_problem(entry["name"])
            if problem is not None and entry["name"] in generated:  # no declaration to fix
                problem += " (it is an Enum's name: rename the Enum, or declare the slot's type)"
            if problem is not None:
                self.problem(problem)
        return result

    def enum_names(self) -> set[str]:
        """The custom slot types the handlers' Enum annotations make."""
        return {
            slot.enum_class.__name__
            for intent in self.intents.values()
            for slot in intent.slots.values()
            if slot.enum_class is not None
        }

    def enum_type(self, name: str, enum_type: type[enum.Enum]) -> SlotTypeDeclaration:
        values = []
        for member in enum_type:
            if not isinstance(member.value, str):
                self.problem(f"slot type {name}: member {member.name} has a value that is no str")
                continue
            values.append(SlotTypeValue(member.value, member.name))
        if not values:
            return SlotTypeDeclaration(name, (SlotTypeValue(name),))
        self.problems += value_problems(name, values)
        return SlotTypeDeclaration(name, tuple(values))


def _example_type(param: str) -> str:
    """The built-in slot type shown as an example for the parameter ``param``: the one named
    so (city: AMAZON.City, street_name: AMAZON.StreetName), a first name's for a name."""
    key = param.replace("_", "").casefold()
    if key in ("name", "firstname"):
        return "AMAZON.FirstName"
    for known in sorted(BUILTIN_SLOT_TYPES):
        if known.removeprefix("AMAZON.").replace("_", "").casefold() == key:
            return known
    return "AMAZON.City"


def _builtin_without_prefix(name: str) -> str | None:
    """The built-in slot type ``name`` is, or misspells, but for its ``AMAZON.`` prefix."""
    if f"AMAZON.{name}" in BUILTIN_SLOT_TYPES:
        return f"AMAZON.{name}"
    return meant_slot_type(f"AMAZON.{name}")


def _slot_json(name: str, slot: _Slot, samples: Sequence[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name, "type": slot.slot_type}
    if slot.multiple:
        entry["multipleValues"] = {"enabled": True}
    if samples:
        entry["samples"] = list(samples)
    return entry


def _intent_json(intent: _Intent) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": intent.name}
    if intent.slots:
        entry["slots"] = [
            _slot_json(name, slot, intent.slot_samples.get(name, ()))
            for name, slot in intent.slots.items()
        ]
    entry["samples"] = list(intent.samples)
    return entry


def _type_json(type_name: str, listed: Sequence[SlotTypeValue]) -> dict[str, Any]:
    values = []
    for value in listed:
        name: dict[str, Any] = {"value": value.name}
        if value.synonyms:
            name["synonyms"] = list(value.synonyms)
        entry: dict[str, Any] = {"name": name}
        if value.id is not None:
            entry = {"id": value.id, **entry}
        values.append(entry)
    return {"name": type_name, "values": values}


def build_interaction_model(skill: ModelSource, *, locale: str, invocation: str) -> dict[str, Any]:
    """The interaction model of ``skill`` for ``locale``, as the ASK CLI keeps it in
    ``skill-package/interactionModels/custom/<locale>.json``.

    Raises `InteractionModelError` listing every problem found (see the module docstring).
    """
    builder = _ModelBuilder(skill, locale)
    problem = locale_problem(locale)
    if problem is not None:
        builder.problem(problem)
    builder.problems.extend(invocation_problems(invocation, locale))
    builder.collect()
    seen: dict[str, str] = {}
    dialogs: list[tuple[str, dict[str, str], IntentDialog]] = []
    for intent in builder.intents.values():
        builder.check_intent(intent, seen)
        if intent.dialog is not None:
            slot_types = {name: slot.slot_type or "" for name, slot in intent.slots.items()}
            problems = dialog_problems(intent.name, slot_types, intent.dialog, skill.slot_types)
            builder.problems.extend(problems)
            dialogs.append((intent.name, slot_types, intent.dialog))
    types = builder.types()
    model: dict[str, Any] = {
        "languageModel": {
            "invocationName": invocation,
            "intents": [_intent_json(intent) for intent in builder.intents.values()],
            "types": types,
        }
    }
    if dialogs:
        translations = getattr(skill, "translations", None)
        translate = None if translations is None else translations.translator(locale).gettext
        model["dialog"], model["prompts"] = dialog_json(dialogs, translate)
        # A catalog's translation can break the markup the source text had right. Checked
        # before any problem is raised: every problem is listed at once. (The id and the text
        # cut: a long slot's name and a long translation were each quoted whole.)
        builder.problems += [
            f"prompt {shown(prompt['id'])}: SSML Alexa refuses, {error}: "
            f"{shown_value(variation['value'])}"
            for prompt in model["prompts"]
            for variation in prompt["variations"]
            if variation["type"] == "SSML" and (error := ssml_error(variation["value"]))
        ]
    if builder.problems:
        raise InteractionModelError(builder.problems)
    return {"interactionModel": model}
