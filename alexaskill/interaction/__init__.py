"""What a skill declares for its interaction model, and the model built from it.

`Skill` records sample utterances, slot types and custom slot types as handlers are registered;
`build_interaction_model` turns them into the JSON of the ASK CLI's
``skill-package/interactionModels/custom/<locale>.json`` (``alexaskill model`` prints it).

How the model is made:

- **Intents** are those with a handler (IntentRequest or CanFulfillIntentRequest), with the
  utterances declared on ``@skill.intent(name, utterances=[...])``. A custom intent needs at least
  one. The built-in intents every skill must have (`REQUIRED_INTENTS`) are added with no samples
  when no handler names them.
- **Slots** are the handler's slot parameters (every parameter that is not injected by type) and
  the slots declared with ``slots={"name": "TYPE"}``. A declared type wins. Otherwise the type
  comes from the annotation only where that is unambiguous: ``datetime.date``/`AlexaDate` is
  AMAZON.DATE, ``datetime.time``/`AlexaTime` AMAZON.TIME, ``timedelta``/`AlexaDuration`
  AMAZON.DURATION, ``int``/``float`` AMAZON.NUMBER, and an ``Enum`` a custom type of the same
  name whose values are its members (id: the member's name). ``str`` could be a city, a name or
  anything else, so it must be declared. ``list[X]`` makes a multiple-value slot.
- **Custom slot types** are those of ``skill.add_slot_type`` (all of them, used or not) and those
  generated from Enums. A slot naming any other non-``AMAZON.`` type is an error.

Every problem found is reported at once, in an `InteractionModelError`. The checks are those
Amazon's build would fail on (names, characters, a sample naming a slot the intent does not
have); `invocation_name_warnings` lists what only certification would object to.
"""

from __future__ import annotations

import datetime
import enum
import inspect
import re
import typing
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Protocol

from ..builtin_intents import BUILTIN_INTENTS, REQUIRED_INTENTS, did_you_mean
from ..dialog_model import DialogSlot, IntentDialog, dialog_json, dialog_problems
from ..exceptions import ConfigurationError
from ..locales import DEFAULT_LOCALE, PerLocale, is_locale, language_of
from ..slots import AlexaDate, AlexaDuration, AlexaTime, unwrap_optional

if TYPE_CHECKING:
    from ..dispatch import Handler, Registry

__all__ = [
    "REQUIRED_INTENTS",
    "IntentDeclaration",
    "InteractionModelError",
    "ModelSource",
    "SlotTypeDeclaration",
    "SlotTypeValue",
    "build_interaction_model",
    "declaration_problems",
    "declared_locales",
    "default_locale",
    "invocation_name_warnings",
    "locale_warnings",
    "model_warnings",
]


@dataclass(frozen=True, slots=True)
class IntentDeclaration:
    """An intent's sample utterances, the type of each of its slots, and its dialog."""

    name: str
    #: Every sample utterance, whatever its locale (``samples`` has them per locale).
    utterances: tuple[str, ...] = ()
    #: Slot name to slot type (``"AMAZON.City"``, or a custom type's name).
    slots: Mapping[str, str] = field(default_factory=dict)
    #: The dialog model's part: `DialogSlot` declarations, confirmation, delegation.
    dialog: IntentDialog | None = None
    #: The sample utterances by locale (`alexaskill.locales`).
    samples: PerLocale[str] = field(default_factory=PerLocale)

    @classmethod
    def build(
        cls,
        name: str,
        utterances: Iterable[str] | Mapping[str, Iterable[str]] = (),
        slots: Mapping[str, str | DialogSlot] | None = None,
        *,
        confirm: str | Sequence[str] | None = None,
        auto_delegate: bool | None = None,
    ) -> IntentDeclaration:
        """Accept ``utterances`` as a list or by locale, ``slots`` values as a type name or a
        `DialogSlot`."""
        samples = PerLocale.build(utterances, _sample, f"intent {name}: utterances")
        types: dict[str, str] = {}
        dialog_slots: dict[str, DialogSlot] = {}
        for slot, declared in (slots or {}).items():
            if isinstance(declared, DialogSlot):
                types[slot] = declared.type
                dialog_slots[slot] = declared
            elif isinstance(declared, str):
                types[slot] = declared
            else:
                raise ConfigurationError(
                    f"intent {name}: slot {slot!r} is declared with {declared!r}; give its type "
                    "('AMAZON.City') or a DialogSlot"
                )
        dialog = IntentDialog.build(name, dialog_slots, confirm, auto_delegate)
        return cls(name, samples.everything(), types, dialog, samples)


@dataclass(frozen=True, slots=True)
class SlotTypeValue:
    """One value of a custom slot type: its canonical name, optional id and synonyms."""

    name: str
    id: str | None = None
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SlotTypeDeclaration:
    """A custom slot type and its values."""

    name: str
    #: Every value, whatever its locale (``by_locale`` has them per locale).
    values: tuple[SlotTypeValue, ...]
    #: The values by locale (`alexaskill.locales`).
    by_locale: PerLocale[SlotTypeValue] = field(default_factory=PerLocale)

    @classmethod
    def build(
        cls,
        name: str,
        values: Iterable[str | SlotTypeValue | Mapping[str, object]]
        | Mapping[str, Iterable[str | SlotTypeValue | Mapping[str, object]]],
    ) -> SlotTypeDeclaration:
        """Accept values as plain names, `SlotTypeValue`, or ``{"name", "id", "synonyms"}``; as
        a list, or by locale (``{"en-US": [...], "de-DE": [...]}``)."""

        def convert(value: object) -> SlotTypeValue:
            if isinstance(value, str):
                return SlotTypeValue(value)
            if isinstance(value, SlotTypeValue):
                return value
            if isinstance(value, Mapping) and isinstance(value.get("name"), str):
                synonyms = value.get("synonyms") or ()
                if not isinstance(synonyms, Sequence) or isinstance(synonyms, str):
                    raise ConfigurationError(f"slot type {name}: synonyms must be a list")
                value_id = value.get("id")
                return SlotTypeValue(
                    str(value["name"]),
                    None if value_id is None else str(value_id),
                    tuple(str(s) for s in synonyms),
                )
            raise ConfigurationError(
                f"slot type {name}: {value!r} is not a value name, SlotTypeValue or mapping"
            )

        by_locale = PerLocale.build(values, convert, f"slot type {name}: values")
        if not by_locale.common and not by_locale.by_locale:
            raise ConfigurationError(f"slot type {name} needs at least one value")
        for key, listed in by_locale.by_locale.items():
            if not listed:
                raise ConfigurationError(f"slot type {name} needs at least one {key} value")
        return cls(name, by_locale.everything(), by_locale)


def _sample(item: object) -> str:
    if not isinstance(item, str):
        raise ConfigurationError(f"a sample utterance is a string, not {item!r}")
    return item


def declaration_problems(declaration: IntentDeclaration, handler: Handler) -> list[str]:
    """What contradicts between an intent's declared slots and its handler's slot parameters.

    Only what an intent declares is checked. With ``utterances``, its slots are those named in
    braces in its samples and the keys of ``slots``: every slot parameter must be one of them
    (else nothing could fill it, and the user would be asked again forever), and every sample's
    slot must be a parameter or have a declared type. Every ``slots`` key must name a parameter,
    unless the handler takes the whole intent and reads slots itself. (``slots`` alone may
    declare the types of some slots only, leaving the others to their annotations.)
    """
    if not declaration.utterances and not declaration.slots:
        return []
    where = f"intent {declaration.name} ({handler.name})"
    referenced: dict[str, str] = {}
    for sample in declaration.utterances:
        for reference in _SLOT_REFERENCE.findall(sample):
            referenced.setdefault(reference, sample)
    declared = {*referenced, *declaration.slots}
    parameters = [name for name, _ in handler.slots]
    problems = []
    for name in parameters if declaration.utterances else ():
        if name not in declared:
            problems.append(
                f"{where}: parameter {name!r} is not a slot of the intent (its samples and slots= "
                f"name {', '.join(sorted(declared)) or 'none'}){did_you_mean(name, declared)}; "
                "rename it after the slot, or annotate it with a framework type"
            )
    for name, sample in referenced.items():
        if name not in parameters and name not in declaration.slots:
            problems.append(
                f"{where}: sample {sample!r} names slot {{{name}}}, which is neither a "
                f"parameter nor declared in slots={did_you_mean(name, parameters)}; add a "
                f"parameter {name!r}, or declare its type: slots={{{name!r}: 'AMAZON.…'}}"
            )
    if not handler.takes_intent:
        for name in declaration.slots:
            if name not in parameters:
                problems.append(
                    f"{where}: slots= declares {name!r}, which names no parameter"
                    f"{did_you_mean(name, parameters)}; add a parameter {name!r} (or take the "
                    "IntentRequest and read the slot from it)"
                )
    return problems


def default_locale(skill: object) -> str:
    """The locale ``skill``'s source text is written for: its `Translations`' default, else
    en-US."""
    translations = getattr(skill, "translations", None)
    return DEFAULT_LOCALE if translations is None else str(translations.default_locale)


def _declared_keys(skill: ModelSource) -> set[str]:
    """The locales and languages the skill gives utterances, slot samples or values by name."""
    keys: set[str] = set()
    for declaration in skill.intent_declarations.values():
        keys.update(declaration.samples.keys)
        if declaration.dialog is not None:
            for dialog_slot in declaration.dialog.slots.values():
                keys.update(dialog_slot.samples_by_locale.keys)
    for slot_type in skill.slot_types.values():
        keys.update(slot_type.by_locale.keys)
    return keys


def declared_locales(skill: ModelSource) -> tuple[str, ...]:
    """The locales the skill has a model for (``alexaskill model --all-locales``), sorted.

    Those named in full (``"de-DE"``, not ``"de"``) by its utterances, slot samples, slot type
    values and message catalogs, and its default locale when some utterances are a plain list
    (or none is named).
    """
    keys = {key for key in _declared_keys(skill) if is_locale(key)}
    translations = getattr(skill, "translations", None)
    if translations is not None:
        keys.update(name for name in translations.locales if is_locale(name))
    plain = any(d.samples.common for d in skill.intent_declarations.values())
    if plain or not keys:
        keys.add(default_locale(skill))
    return tuple(sorted(keys))


def locale_warnings(skill: ModelSource, locale: str) -> list[str]:
    """What the model of ``locale`` builds with, but users of that language would not want:
    samples or prompts in the skill's source language."""
    default = default_locale(skill)
    if language_of(locale) == language_of(default):
        return []
    warnings = []
    keys = _declared_keys(skill)
    undeclared = locale not in keys and language_of(locale) not in keys
    if undeclared and any(d.utterances for d in skill.intent_declarations.values()):
        warnings.append(
            f"the sample utterances are written in the source language ({default}) and none "
            f"for {locale}: give them per locale, utterances={{{default!r}: [...], "
            f"{locale!r}: [...]}}"
        )
    translations = getattr(skill, "translations", None)
    untranslated = []
    for declaration in skill.intent_declarations.values():
        dialog = declaration.dialog
        if dialog is None:
            continue
        texts = list(dialog.confirm)
        for dialog_slot in dialog.slots.values():
            texts += [*dialog_slot.elicit, *dialog_slot.confirm]
            texts += [text for rule in dialog_slot.validations for text in rule.prompt]
        for text in texts:
            # Only a catalog of the locale's own language counts, not the default locale's.
            if translations is None or translations.lookup(text, locale) is None:
                untranslated.append(f"{declaration.name}: {text!r}")
    if untranslated:
        warnings.append(
            f"{len(untranslated)} dialog prompt(s) have no {locale} translation in the skill's "
            f"catalogs and are spoken in {default}: " + "; ".join(untranslated)
        )
    return warnings


class ModelSource(Protocol):
    """What the interaction model is made from: a `Skill`'s handlers and declarations."""

    @property
    def registry(self) -> Registry:
        """The registered handlers."""

    @property
    def intent_declarations(self) -> Mapping[str, IntentDeclaration]:
        """The intents' sample utterances and slot types, by intent name."""

    @property
    def slot_types(self) -> Mapping[str, SlotTypeDeclaration]:
        """The custom slot types, by name."""


def model_warnings(source: ModelSource) -> list[str]:
    """Where the handlers and the model declared in code disagree (logged at start-up).

    - An intent with a handler but no sample utterances is not in the model, so Alexa never sends
      it, when the skill declares sample utterances for other intents (with none at all, the model
      lives elsewhere: the ASK CLI's files, the developer console).
    - A custom intent named like a built-in one ("StopIntent" for AMAZON.StopIntent).
    - An intent declared (for CanFulfillIntentRequest) that no intent handler answers.
    - A locale (or language) that some intents or slot types are given samples or values for
      and others are not (`alexaskill.locales`).
    Each names the closest name the skill does have, when one is close.
    """
    handled: dict[str, Handler] = {}
    queried: dict[str, Handler] = {}
    for (request_type, name), handler in source.registry.handlers.items():
        if name is not None and request_type == "IntentRequest":
            handled[name] = handler
        elif name is not None and request_type == "CanFulfillIntentRequest":
            queried[name] = handler
    sampled = {name for name, d in source.intent_declarations.items() if d.utterances}
    model = {*sampled, *REQUIRED_INTENTS}
    warnings = []
    for name, handler in handled.items():
        if name.startswith("AMAZON."):
            continue
        builtin = f"AMAZON.{name}"
        if builtin in BUILTIN_INTENTS:
            warnings.append(
                f"intent {name!r} ({handler.name}) is a custom intent named like the built-in "
                f"{builtin}; did you mean {builtin}?"
            )
        elif sampled and name not in sampled:
            warnings.append(
                f"intent {name!r} ({handler.name}) has a handler but no sample utterances, so it "
                f"is not in the interaction model and Alexa never sends it"
                f"{did_you_mean(name, model | BUILTIN_INTENTS)}"
            )
    warnings.extend(_coverage_warnings(source))
    catch_all = ("IntentRequest", None) in source.registry.handlers
    for name, handler in queried.items():
        if name not in handled and not catch_all:
            warnings.append(
                f"intent {name!r} is declared by the can_fulfill handler {handler.name} but no "
                f"intent handler answers it{did_you_mean(name, handled)}"
            )
    return warnings


def _coverage_warnings(source: ModelSource) -> list[str]:
    """Intents and slot types without their own items for a locale others declare."""
    default = default_locale(source)
    warnings = []
    for key in sorted(_declared_keys(source)):
        same_language = language_of(key) == language_of(default)
        declared: list[tuple[str, PerLocale[Any]]] = [
            (f"intent {name!r} has no sample utterances", d.samples)
            for name, d in source.intent_declarations.items()
            if not name.startswith("AMAZON.")
        ]
        declared += [
            (f"slot type {name!r} has no values", d.by_locale)
            for name, d in source.slot_types.items()
        ]
        for what, items in declared:
            if not items or items.own(key) is not None:
                continue
            if same_language and (items.common or items.own(default) is not None):
                continue
            warnings.append(
                f"{what} for {key}, which the skill declares elsewhere: its {key} model "
                f"(alexaskill model --locale {key if is_locale(key) else key + '-…'}) fails"
            )
    return warnings


# --- the interaction model ---------------------------------------------------------------------


class InteractionModelError(ConfigurationError):
    """The skill's declarations do not make a valid interaction model; ``problems`` says why."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


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
_NAME: Final = re.compile(r"[A-Za-z][A-Za-z_]*")
_BUILTIN_INTENT: Final = re.compile(r"AMAZON\.[A-Za-z][A-Za-z_]*")
_LOCALE: Final = re.compile(r"[a-z]{2}-[A-Z]{2}")
_SLOT_REFERENCE: Final = re.compile(r"\{([^{}]*)\}")
# Besides letters (and the combining marks some scripts need): spaces, and periods for
# abbreviations, apostrophes for possessives; samples may also hold hyphens and underscores.
_INVOCATION_PUNCTUATION: Final = frozenset(" .'\u2019")
_SAMPLE_PUNCTUATION: Final = frozenset(" .'\u2019-_")
_WAKE_WORDS: Final = frozenset({"alexa", "amazon", "echo", "computer"})
_LAUNCH_WORDS: Final = frozenset({"ask", "begin", "enable", "launch", "load", "tell"})
_SMALL_WORDS: Final = frozenset({"a", "an", "the", "for", "to", "of", "my"})


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


def _letters(text: str, punctuation: frozenset[str]) -> str | None:
    """The first character of ``text`` that is neither a letter nor in ``punctuation``."""
    for char in text:
        if char not in punctuation and unicodedata.category(char)[0] not in "LM":
            return char
    return None


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
                    f"locale, {{{self.default!r}: [...], {self.locale!r}: [...]}}"
                )
        return found

    def missing(self, items: PerLocale[Any], what: str) -> None:
        """Report ``items`` declared for other locales, but not for this one."""
        self.problem(
            f"{what}: none for {self.locale} (there are some for {', '.join(items.keys)}); "
            f"add {{{self.locale!r}: [...]}}"
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
        for name in REQUIRED_INTENTS:
            self.intents.setdefault(name, _Intent(name))

    def declared(self, name: str) -> _Intent:
        if not (_NAME.fullmatch(name) or _BUILTIN_INTENT.fullmatch(name)):
            self.problem(
                f"intent {name!r}: an intent name is ASCII letters and underscores "
                "(or AMAZON. and a built-in intent's name)"
            )
        declaration = self.skill.intent_declarations.get(name) or IntentDeclaration(name)
        samples = self.pick(declaration.samples, f"intent {name}: its utterances")
        if samples is None and declaration.samples and not name.startswith("AMAZON."):
            self.missing(declaration.samples, f"intent {name}: sample utterances")
        intent = _Intent(name, list(samples or ()), dialog=declaration.dialog)
        intent.reported = samples is None and bool(declaration.samples)
        if declaration.dialog is not None:
            for slot, dialog_slot in declaration.dialog.slots.items():
                listed = dialog_slot.samples_by_locale
                where = f"intent {name}, slot {slot}"
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
                shown = getattr(annotation, "__name__", None)
                if annotation is inspect.Parameter.empty:
                    shown = "no annotation"
                self.problem(
                    f"intent {intent.name}: parameter {param!r} of {where} "
                    f"({shown or annotation!r}) has no slot type; declare one, e.g. "
                    f"@skill.intent({intent.name!r}, slots={{{param!r}: 'AMAZON.City'}})"
                )
            intent.slots[param] = _Slot(derived, multiple, enum_type)
            return
        slot.multiple = slot.multiple or multiple
        if enum_type is not None and slot.slot_type == enum_type.__name__:
            slot.enum_class = enum_type

    def check_intent(self, intent: _Intent, seen: dict[str, str]) -> None:
        builtin = intent.name.startswith("AMAZON.")
        if not builtin and not intent.samples and not intent.reported:
            self.problem(
                f"intent {intent.name}: no sample utterances; add some with "
                f"@skill.intent({intent.name!r}, utterances=[...])"
            )
        for slot in intent.slots:
            if not _NAME.fullmatch(slot):
                self.problem(
                    f"intent {intent.name}: slot {slot!r}: a slot name is ASCII letters and "
                    "underscores"
                )
        for sample in intent.samples:
            self.check_sample(intent, sample)
            key = " ".join(sample.casefold().split())
            other = seen.get(key)
            if other is None:
                seen[key] = intent.name
            else:
                also = "listed twice" if other == intent.name else f"also a sample of {other}"
                self.problem(f"intent {intent.name}: sample {sample!r} is {also}")

    def check_sample(self, intent: _Intent, sample: str) -> None:
        where = f"intent {intent.name}: sample {sample!r}"
        text = _SLOT_REFERENCE.sub(" ", sample)
        if not text.strip() and not _SLOT_REFERENCE.search(sample):
            self.problem(f"intent {intent.name}: an empty sample utterance")
            return
        if "{" in text or "}" in text:
            self.problem(f"{where}: unbalanced braces; a slot is written {{name}}")
        for reference in _SLOT_REFERENCE.findall(sample):
            if reference not in intent.slots:
                known = ", ".join(intent.slots) or "none"
                self.problem(
                    f"{where} names slot {{{reference}}}, which intent {intent.name} does not "
                    f"have (its slots: {known})"
                )
        if any(char.isdigit() for char in text):
            self.problem(f"{where}: spell numbers out in words")
        else:
            bad = _letters(text.replace("{", "").replace("}", ""), _SAMPLE_PUNCTUATION)
            if bad is not None:
                self.problem(f"{where}: character {bad!r} is not allowed in a sample utterance")

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
                    self.problem(
                        f"intent {intent.name}, slot {name}: slot type {slot_type!r} is never "
                        f"declared; declare it with skill.add_slot_type({slot_type!r}, [...]) "
                        "or annotate the parameter with an Enum of that name"
                    )
                    continue
                previous = generated.setdefault(slot_type, enum_class)
                if previous is not enum_class:
                    self.problem(
                        f"slot type {slot_type}: two different Enums have that name "
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
            if not _NAME.fullmatch(entry["name"]):
                self.problem(
                    f"slot type {entry['name']!r}: a custom slot type name is ASCII letters and "
                    "underscores"
                )
        return result

    def enum_type(self, name: str, enum_type: type[enum.Enum]) -> SlotTypeDeclaration:
        values = []
        for member in enum_type:
            if not isinstance(member.value, str):
                self.problem(f"slot type {name}: member {member.name} has a value that is no str")
                continue
            values.append(SlotTypeValue(member.value, member.name))
        if not values:
            return SlotTypeDeclaration(name, (SlotTypeValue(name),))
        return SlotTypeDeclaration(name, tuple(values))


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


def _invocation_problems(name: str, locale: str) -> list[str]:
    where = f"invocation name {name!r}"
    if not name.strip():
        return ["the invocation name is empty"]
    problems = []
    if not 2 <= len(name) <= 50:
        problems.append(f"{where}: must be 2 to 50 characters long")
    if name != name.lower():
        problems.append(f"{where}: must be lower case ({name.lower()!r})")
    if name != " ".join(name.split()):
        problems.append(f"{where}: words are separated by single spaces, none at either end")
    if any(char.isdigit() for char in name):
        problems.append(f"{where}: spell numbers out in words ('twenty one')")
    else:
        bad = _letters(name, _INVOCATION_PUNCTUATION)
        if bad is not None:
            problems.append(
                f"{where}: character {bad!r} is not allowed; only letters, spaces, apostrophes "
                "and the periods of abbreviations ('a. b. c.')"
            )
    words = set(name.lower().split())
    wake = sorted(words & _WAKE_WORDS)
    if wake:
        problems.append(f"{where}: must not contain the wake word {wake[0]!r}")
    launch = sorted(words & _LAUNCH_WORDS) if locale.startswith("en-") else []
    if launch:
        problems.append(f"{where}: must not contain the launch phrase {launch[0]!r}")
    return problems


def invocation_name_warnings(name: str, locale: str = "en-US") -> list[str]:
    """What certification would object to in ``name``, though the model builds with it."""
    words = name.split()
    warnings = []
    if len(words) == 1 and not locale.startswith("de-"):
        warnings.append(
            f"invocation name {name!r} is one word: Amazon accepts that only for a brand you "
            "own; use two or more words"
        )
    if len(words) == 2 and locale.startswith("en-") and set(words) & _SMALL_WORDS:
        warnings.append(
            f"invocation name {name!r}: a two-word name may not use an article, preposition or "
            "pronoun ('the', 'a', 'for', 'my', ...)"
        )
    return warnings


def build_interaction_model(skill: ModelSource, *, locale: str, invocation: str) -> dict[str, Any]:
    """The interaction model of ``skill`` for ``locale``, as the ASK CLI keeps it in
    ``skill-package/interactionModels/custom/<locale>.json``.

    Raises `InteractionModelError` listing every problem found (see the module docstring).
    """
    builder = _ModelBuilder(skill, locale)
    if not _LOCALE.fullmatch(locale):
        builder.problem(f"locale {locale!r}: expected a language and a country, like 'en-US'")
    builder.problems.extend(_invocation_problems(invocation, locale))
    builder.collect()
    seen: dict[str, str] = {}
    dialogs: list[tuple[str, dict[str, str], IntentDialog]] = []
    for intent in builder.intents.values():
        builder.check_intent(intent, seen)
        if intent.dialog is not None:
            slot_types = {name: slot.slot_type or "" for name, slot in intent.slots.items()}
            builder.problems.extend(dialog_problems(intent.name, slot_types, intent.dialog))
            dialogs.append((intent.name, slot_types, intent.dialog))
    types = builder.types()
    if builder.problems:
        raise InteractionModelError(builder.problems)
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
    return {"interactionModel": model}
