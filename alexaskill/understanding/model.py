"""An interaction model read from its JSON: the ASK CLI file, or what ``alexaskill model`` builds.

The JSON is the one of ``skill-package/interactionModels/custom/<locale>.json`` (Amazon's
"Interaction Model Schema"): ``interactionModel.languageModel`` with the invocation name,
intents (slots, samples), slot types (values with ids and synonyms) and
``modelConfiguration``; ``interactionModel.dialog`` (per intent: the delegation strategy,
required and confirmed slots, validations) and ``interactionModel.prompts`` (the prompts'
variations). Unknown keys are ignored; a model that cannot be read at all, or names a delegation
strategy or fallback sensitivity Amazon's schema does not have, raises `InteractionModelError`
listing every problem.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from ..interaction import InteractionModelError
from ..shown_names import shown, shown_value
from .model_files import MAX_MODEL_BYTES, locale_of_file, read_model_file
from .model_flags import flag

if TYPE_CHECKING:
    from ..app import Skill

__all__ = [
    "MAX_MODEL_BYTES",
    "DialogIntentModel",
    "DialogSlotModel",
    "InteractionModel",
    "ModelIntent",
    "ModelSlot",
    "ModelType",
    "Prompt",
    "TypeValue",
    "Validation",
    "load_model",
    "locale_of_file",
    "model_from_skill",
]

#: The delegation strategy Amazon applies when a model names none: auto delegation.
DEFAULT_DELEGATION: Final = "ALWAYS"
#: The delegation strategies and fallback sensitivities of Amazon's model schema.
_DELEGATIONS: Final = ("ALWAYS", "SKILL_RESPONSE")
_SENSITIVITIES: Final = ("LOW", "MEDIUM", "HIGH")
#: The types of a prompt's variations in Amazon's model schema.
_VARIATION_TYPES: Final = ("PlainText", "SSML")


def _meant(value: object, names: tuple[str, ...] = _DELEGATIONS + _SENSITIVITIES) -> str:
    """The one of ``names`` (values of the schema) meant by ``value`` written in the wrong case
    ("always"), said as the end of a problem; "" for any other value."""
    meant = [name for name in names if isinstance(value, str) and value.casefold() == name.lower()]
    if not meant:
        return ""
    capitals = " (Amazon's schema takes capitals only)" if meant[0].isupper() else ""
    return f"; did you mean {meant[0]!r}?{capitals}"


@dataclass(frozen=True, slots=True)
class ModelSlot:
    """A slot of an intent: its name and type, whether it takes several values, its samples."""

    name: str
    type: str
    multiple: bool = False
    #: What users say when asked for this slot ("to {city}"), used when Alexa elicits it.
    samples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ModelIntent:
    """An intent: its slots (in the model's order) and its sample utterances."""

    name: str
    slots: tuple[ModelSlot, ...] = ()
    samples: tuple[str, ...] = ()

    def slot(self, name: str) -> ModelSlot | None:
        """The slot called ``name``, or None."""
        return next((slot for slot in self.slots if slot.name == name), None)


@dataclass(frozen=True, slots=True)
class TypeValue:
    """A value of a custom slot type: canonical name, id (may be None) and synonyms."""

    name: str
    id: str | None = None
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ModelType:
    """A custom slot type (or a built-in one extended with values)."""

    name: str
    values: tuple[TypeValue, ...] = ()


@dataclass(frozen=True, slots=True)
class Prompt:
    """A prompt of the dialog model: its variations as (type, text), type PlainText or SSML."""

    id: str
    variations: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Validation:
    """A slot validation rule (``isInSet``, ``isLessThan``, ``isInDuration``, ...)."""

    type: str
    prompt: str | None
    values: tuple[str, ...] = ()
    value: str | None = None
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True, slots=True)
class DialogSlotModel:
    """What the dialog model says of one slot of an intent."""

    name: str
    type: str
    elicitation_required: bool = False
    confirmation_required: bool = False
    elicit_prompt: str | None = None
    confirm_prompt: str | None = None
    validations: tuple[Validation, ...] = ()


@dataclass(frozen=True, slots=True)
class DialogIntentModel:
    """What the dialog model says of one intent."""

    name: str
    #: "ALWAYS" (auto delegation: Alexa runs the dialog) or "SKILL_RESPONSE".
    delegation: str
    confirmation_required: bool = False
    confirm_prompt: str | None = None
    slots: tuple[DialogSlotModel, ...] = ()

    def slot(self, name: str) -> DialogSlotModel | None:
        """The dialog rules of slot ``name``, or None."""
        return next((slot for slot in self.slots if slot.name == name), None)


@dataclass(frozen=True)
class InteractionModel:
    """An interaction model, read from its JSON."""

    invocation: str | None
    intents: tuple[ModelIntent, ...]
    types: Mapping[str, ModelType] = field(default_factory=dict)
    dialog: Mapping[str, DialogIntentModel] = field(default_factory=dict)
    prompts: Mapping[str, Prompt] = field(default_factory=dict)
    #: ``modelConfiguration.fallbackIntentSensitivity.level``: LOW, MEDIUM or HIGH.
    fallback_sensitivity: str = "LOW"
    #: The JSON it was read from.
    json: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def intent(self, name: str) -> ModelIntent | None:
        """The intent called ``name``, or None."""
        return next((intent for intent in self.intents if intent.name == name), None)

    @classmethod
    def from_json(cls, data: Any, *, source: str = "the model") -> InteractionModel:
        """Read a model from its JSON (a whole file, or only its ``languageModel``)."""
        return _Reader(source).read(data)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def problem(self, message: str) -> None:
        self.problems.append(f"{self.source}: {message}")

    # A model file written by hand may hold any JSON where an object, a list or a string
    # belongs: each is said as a problem of the file, never a TypeError of the reader.

    def as_list(self, value: Any, where: str) -> list[Any]:
        """``value`` if it is a list; absent (None): empty; else a problem, and empty."""
        if value is None or isinstance(value, list):
            return value or []
        self.problem(f"{where} is not a list")
        return []

    def strings(self, value: Any, where: str) -> tuple[str, ...]:
        """``value`` if it is a list of strings; absent: empty; else a problem."""
        listed = self.as_list(value, where)
        if not all(isinstance(item, str) for item in listed):
            self.problem(f"{where}: an item is not a string")
        return tuple(item for item in listed if isinstance(item, str))

    def as_object(self, value: Any, where: str) -> Mapping[str, Any]:
        """``value`` if it is an object; absent (None): empty; else a problem, and empty."""
        if value is None or isinstance(value, Mapping):
            return value or {}
        self.problem(f"{where} is not an object")
        return {}

    def as_text(self, value: Any, where: str) -> str | None:
        """``value`` if it is a string (a prompt id, a date); absent: None; else a problem."""
        if value is None or isinstance(value, str):
            return value
        self.problem(f"{where} is not a string")
        return None

    def read(self, data: Any) -> InteractionModel:
        if not isinstance(data, Mapping):
            raise InteractionModelError([f"{self.source}: not a JSON object"])
        root: Any = data.get("interactionModel", data)
        if not isinstance(root, Mapping):
            raise InteractionModelError([f"{self.source}: interactionModel is not an object"])
        language: Any = root.get("languageModel")
        if language is None and "intents" in root:
            language = root
        if not isinstance(language, Mapping):
            raise InteractionModelError(
                [f"{self.source}: no interactionModel.languageModel (is this an ASK model file?)"]
            )
        invocation = self.as_text(language.get("invocationName"), "languageModel.invocationName")
        intents = self.intents(language.get("intents"))
        types = self.types(language.get("types"))
        prompts = self.prompts(root.get("prompts"))
        dialog = self.dialog(root.get("dialog"), {intent.name: intent for intent in intents})
        sensitivity = "LOW"
        where = "languageModel.modelConfiguration"
        configuration = self.as_object(language.get("modelConfiguration"), where)
        where += ".fallbackIntentSensitivity"
        sensitivity_object = self.as_object(configuration.get("fallbackIntentSensitivity"), where)
        level = self.as_text(sensitivity_object.get("level"), f"{where}.level")
        if level in _SENSITIVITIES:
            sensitivity = level
        elif level is not None:
            # Amazon's schema has these three, in capitals as delegationStrategy's: another
            # (even "low") would be read as one of them here and refused by Amazon.
            self.problem(
                f"{where}.level {shown_value(level)} is not LOW, MEDIUM or HIGH{_meant(level)}"
            )
        if self.problems:
            raise InteractionModelError(self.problems)
        return InteractionModel(
            invocation=invocation if isinstance(invocation, str) and invocation else None,
            intents=intents,
            types=types,
            dialog=dialog,
            prompts=prompts,
            fallback_sensitivity=sensitivity,
            json=data,
        )

    def intents(self, value: Any) -> tuple[ModelIntent, ...]:
        if not isinstance(value, list):
            self.problem("languageModel.intents is not a list")
            return ()
        intents = []
        for index, entry in enumerate(value):
            if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
                self.problem(f"intents[{index}] has no name")
                continue
            slots = []
            where = f"intent {shown(entry['name'])}"
            for slot_index, slot in enumerate(self.as_list(entry.get("slots"), f"{where}: slots")):
                if not isinstance(slot, Mapping) or not isinstance(slot.get("name"), str):
                    self.problem(f"{where}: slots[{slot_index}] has no name")
                    continue
                said = f"{where}: slot {shown(slot['name'])}: multipleValues"
                values = self.as_object(slot.get("multipleValues"), said)
                multiple = flag(values, "enabled", said, self.problem)
                slot_type = slot.get("type")
                if not isinstance(slot_type, str) or not slot_type.strip():
                    # Required by Amazon's schema: its build refuses the slot without one.
                    self.problem(
                        f"{where}: slot {shown(slot['name'])} has no type (Amazon's schema "
                        "requires one: 'AMAZON.City', or a custom type of the model's types)"
                    )
                    continue
                samples = self.strings(
                    slot.get("samples"), f"{where}: slot {shown(slot['name'])}: samples"
                )
                slots.append(ModelSlot(slot["name"], slot_type, multiple, samples))
            samples = self.strings(entry.get("samples"), f"{where}: samples")
            intents.append(ModelIntent(entry["name"], tuple(slots), samples))
        return tuple(intents)

    def types(self, value: Any) -> dict[str, ModelType]:
        types: dict[str, ModelType] = {}
        for index, entry in enumerate(self.as_list(value, "languageModel.types")):
            if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
                self.problem(f"types[{index}] has no name")
                continue
            if entry["name"] in types:
                self.problem(f"slot type {shown(entry['name'])} is defined twice")
            values = []
            for item in self.as_list(
                entry.get("values"), f"slot type {shown(entry['name'])}: values"
            ):
                name = (item.get("name") or {}) if isinstance(item, Mapping) else {}
                if not isinstance(name, Mapping) or not isinstance(name.get("value"), str):
                    self.problem(f"slot type {shown(entry['name'])}: a value has no name.value")
                    continue
                value_id = item.get("id")
                values.append(
                    TypeValue(
                        name["value"],
                        str(value_id) if value_id not in (None, "") else None,
                        self.strings(
                            name.get("synonyms"), f"slot type {shown(entry['name'])}: synonyms"
                        ),
                    )
                )
            types[entry["name"]] = ModelType(entry["name"], tuple(values))
        return types

    def prompts(self, value: Any) -> dict[str, Prompt]:
        prompts: dict[str, Prompt] = {}
        for entry in self.as_list(value, "interactionModel.prompts"):
            if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
                self.problem("a prompt has no id")
                continue
            where = f"prompt {shown(entry['id'])}"
            if entry["id"] in prompts:
                self.problem(f"{where} is defined twice")
            variations = []
            for item in self.as_list(entry.get("variations"), f"{where}: variations"):
                if not isinstance(item, Mapping):
                    continue
                variation = self.variation(item, where)
                if variation is not None:
                    variations.append(variation)
            prompts[entry["id"]] = Prompt(entry["id"], tuple(variations))
        return prompts

    def variation(self, item: Mapping[str, Any], where: str) -> tuple[str, str] | None:
        """A prompt's variation as (type, text); None, with a problem, for one Amazon's build
        refuses: its schema has the types PlainText and SSML, and a prompt says words."""
        kind, text = item.get("type"), item.get("value")
        if kind is None:
            self.problem(f"{where}: a variation has no type (PlainText or SSML)")
            return None
        if kind not in _VARIATION_TYPES:
            hint = _meant(kind, _VARIATION_TYPES)
            self.problem(
                f"{where}: variation type {shown_value(kind)} is not PlainText or SSML{hint}"
            )
            return None
        if not isinstance(text, str) or not text.strip():
            self.problem(f"{where}: a variation has no words (its value is empty or missing)")
            return None
        return str(kind), text

    def delegation(self, entry: Mapping[str, Any], where: str) -> str | None:
        """The ``delegationStrategy`` of a dialog model or of one of its intents; None when
        it names none. Amazon's schema has two; another one would make the dialog manual in
        silence (only ALWAYS delegates), so it is a problem of the model."""
        strategy = entry.get("delegationStrategy")
        if strategy is None:
            return None
        if strategy not in _DELEGATIONS:
            self.problem(
                f"{where}: delegationStrategy {shown_value(strategy)} is not ALWAYS or "
                f"SKILL_RESPONSE{_meant(strategy)}"
            )
            return None
        return str(strategy)

    def dialog(
        self, value: Any, intents: Mapping[str, ModelIntent]
    ) -> dict[str, DialogIntentModel]:
        value = self.as_object(value, "interactionModel.dialog")
        default = self.delegation(value, "dialog") or DEFAULT_DELEGATION
        dialog: dict[str, DialogIntentModel] = {}
        for entry in self.as_list(value.get("intents"), "dialog.intents"):
            if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
                self.problem("dialog.intents: an entry has no name")
                continue
            slots: list[DialogSlotModel] = []
            intent_where = f"dialog intent {shown(entry['name'])}"
            if entry["name"] in dialog:
                self.problem(f"{intent_where} is listed twice")
            for slot in self.as_list(entry.get("slots"), f"{intent_where}: slots"):
                if not isinstance(slot, Mapping) or not isinstance(slot.get("name"), str):
                    self.problem(f"{intent_where}: a slot has no name")
                    continue
                if any(known.name == slot["name"] for known in slots):
                    self.problem(f"{intent_where}: slot {shown(slot['name'])} is listed twice")
                where = f"{intent_where}: slot {shown(slot['name'])}"
                prompts = self.as_object(slot.get("prompts"), f"{where}: prompts")
                validations = tuple(
                    Validation(
                        str(rule.get("type")),
                        self.as_text(rule.get("prompt"), f"{where}: a validation's prompt"),
                        self.strings(rule.get("values"), f"{where}: a validation's values"),
                        None if rule.get("value") is None else str(rule.get("value")),
                        self.as_text(rule.get("start"), f"{where}: a validation's start"),
                        self.as_text(rule.get("end"), f"{where}: a validation's end"),
                    )
                    for rule in self.as_list(slot.get("validations"), f"{where}: validations")
                    if isinstance(rule, Mapping)
                )
                model_intent = intents.get(entry["name"])
                model_slot = model_intent.slot(slot["name"]) if model_intent else None
                slots.append(
                    DialogSlotModel(
                        slot["name"],
                        str(slot.get("type") or (model_slot.type if model_slot else "")),
                        flag(slot, "elicitationRequired", where, self.problem),
                        flag(slot, "confirmationRequired", where, self.problem),
                        self.as_text(prompts.get("elicitation"), f"{where}: prompts.elicitation"),
                        self.as_text(prompts.get("confirmation"), f"{where}: prompts.confirmation"),
                        validations,
                    )
                )
            intent_prompts = self.as_object(entry.get("prompts"), f"{intent_where}: prompts")
            dialog[entry["name"]] = DialogIntentModel(
                entry["name"],
                self.delegation(entry, intent_where) or default,
                flag(entry, "confirmationRequired", intent_where, self.problem),
                self.as_text(
                    intent_prompts.get("confirmation"), f"{intent_where}: prompts.confirmation"
                ),
                tuple(slots),
            )
        return dialog


def load_model(
    source: str | os.PathLike[str] | Mapping[str, Any], *, locale: str | None = None
) -> InteractionModel:
    """Read an interaction model from a file, a directory of ``<locale>.json`` files, or JSON.

    A directory (the ASK CLI's ``interactionModels/custom``) needs ``locale`` to pick the file.
    Raises `InteractionModelError` (with what went wrong) for a file that cannot be used.
    """
    if isinstance(source, Mapping):
        return InteractionModel.from_json(source)
    data, path = read_model_file(source, locale=locale)
    return InteractionModel.from_json(data, source=path)


def model_from_skill(
    skill: Skill, *, locale: str = "en-US", invocation: str | None = None
) -> InteractionModel:
    """The interaction model ``alexaskill model`` builds from the skill's code.

    Without ``invocation`` the model has no invocation name: utterances that open the skill by
    any name are still understood.
    """
    from ..interaction import build_interaction_model

    # Only None means none given: "" is a name, which the model's checks then call empty.
    name = "the skill" if invocation is None else invocation
    data = build_interaction_model(skill, locale=locale, invocation=name)
    model = InteractionModel.from_json(data, source="the skill's model")
    if invocation is None:
        model = InteractionModel(
            None,
            model.intents,
            model.types,
            model.dialog,
            model.prompts,
            model.fallback_sensitivity,
            model.json,
        )
    return model
