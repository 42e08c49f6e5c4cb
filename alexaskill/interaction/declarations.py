"""What a skill declares for its interaction model, and where its declarations fall short.

`Skill` records these as handlers are registered; `alexaskill.interaction.builder` makes the model
from them. `alexaskill.interaction.start_warnings` says where they and the handlers disagree.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Protocol

from ..articles import type_with_article
from ..builtin_slot_types import check_slot_type
from ..dialog_model import DialogSlot, IntentDialog
from ..dialog_prompts import prompt_named
from ..exceptions import ConfigurationError
from ..locales import ALEXA_LOCALES, DEFAULT_LOCALE, PerLocale, is_locale, language_of
from ..shown_names import shown, shown_value
from ..typos import did_you_mean
from .slot_values import SlotTypeValue, slot_type_value, value_problems

if TYPE_CHECKING:
    from ..dispatch import Handler, Registry

__all__ = [
    "IntentDeclaration",
    "ModelSource",
    "SlotTypeDeclaration",
    "SlotTypeValue",
    "declaration_problems",
    "declared_locales",
    "default_locale",
    "locale_warnings",
    "slot_reference_problem",
    "value_problems",
]

_SLOT_REFERENCE: Final = re.compile(r"\{([^{}]*)\}")


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
        samples = PerLocale.build(utterances, _sample, f"intent {shown(name)}: utterances")
        types: dict[str, str] = {}
        dialog_slots: dict[str, DialogSlot] = {}
        if not isinstance(slots, Mapping | None):
            kind = "a string" if isinstance(slots, str) else type_with_article(slots)
            raise ConfigurationError(
                f"intent {shown(name)}: slots= maps each slot's name to its type, e.g. "
                f"{{'city': 'AMAZON.City'}}, not {kind}"
            )
        for slot, declared in (slots or {}).items():
            if not isinstance(slot, str):
                raise ConfigurationError(
                    f"intent {shown(name)}: slots= names a slot {shown_value(slot)}; a slot name "
                    "is a string"
                )
            if isinstance(declared, str) and not declared.strip():
                raise ConfigurationError(
                    f"intent {shown(name)}: slot {shown_value(slot)} is declared with an empty "
                    "type; give its type ('AMAZON.City') or a DialogSlot"
                )
            if isinstance(declared, DialogSlot):
                types[slot] = declared.type
                dialog_slots[slot] = declared
            elif isinstance(declared, str):
                types[slot] = declared
            else:
                raise ConfigurationError(
                    f"intent {shown(name)}: slot {shown_value(slot)} is declared with "
                    f"{shown_value(declared)}; give its type ('AMAZON.City') or a DialogSlot"
                )
            check_slot_type(types[slot], f"intent {shown(name)}: slot {shown_value(slot)}")
        dialog = IntentDialog.build(name, dialog_slots, confirm, auto_delegate)
        return cls(name, samples.everything(), types, dialog, samples)


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

        if not isinstance(name, str) or not name.strip():
            raise ConfigurationError(
                f"a slot type's name is a string, like 'Size', not {shown_value(name)}"
            )
        check_slot_type(name, f"slot type {shown_value(name)}")

        def convert(value: object) -> SlotTypeValue:
            return slot_type_value(name, value)

        by_locale = PerLocale.build(values, convert, f"slot type {shown(name)}: values")
        if not by_locale.common and not by_locale.by_locale:
            raise ConfigurationError(f"slot type {shown(name)} needs at least one value")
        problems = value_problems(name, by_locale.common)
        for key, listed in by_locale.by_locale.items():
            if not listed:
                raise ConfigurationError(
                    f"slot type {shown(name)} needs at least one {shown(key)} value"
                )
            problems += [f"{problem} ({key})" for problem in value_problems(name, listed)]
        if problems:
            raise ConfigurationError("; ".join(problems))
        return cls(name, by_locale.everything(), by_locale)


def _sample(item: object) -> str:
    if not isinstance(item, str):
        raise ConfigurationError(f"a sample utterance is a string, not {shown_value(item)}")
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
    where = f"intent {shown(declaration.name)} ({handler.name})"
    referenced: dict[str, str] = {}
    problems = []
    for sample in declaration.utterances:
        for reference in _SLOT_REFERENCE.findall(sample):
            said = f"{where}: sample {shown_value(sample)}"
            problem = slot_reference_problem(said, reference, declaration.slots)
            if problem is not None:
                problems.append(problem)
            referenced.setdefault(reference.rpartition("|")[2].strip(), sample)
    declared = {*referenced, *declaration.slots}
    parameters = [name for name, _ in handler.slots]
    for name in parameters if declaration.utterances else ():
        if name not in declared:
            problems.append(
                f"{where}: parameter {shown_value(name)} is not a slot of the intent (its samples "
                f"and slots= name {shown(', '.join(sorted(declared))) or 'none'})"
                f"{did_you_mean(name, declared)}; "
                "rename it after the slot, or annotate it with a framework type"
            )
    for name, sample in referenced.items():
        if name not in parameters and name not in declaration.slots:
            add = (
                f"add a parameter {shown_value(name)}"
                if _can_be_parameter(name)
                else _keyword(name)
            )
            problems.append(
                f"{where}: sample {shown_value(sample)} names slot {{{shown(name)}}}, which is "
                f"neither a parameter nor declared in slots={did_you_mean(name, parameters)}; "
                f"{add}, or declare its type: slots={{{shown_value(name)}: 'AMAZON.…'}}"
            )
    if not handler.takes_intent:
        for name in declaration.slots:
            if name not in parameters:
                add = (
                    f"add a parameter {shown_value(name)} (or take the IntentRequest and read the "
                    "slot from it)"
                    if _can_be_parameter(name)
                    else _keyword(name)
                )
                problems.append(
                    f"{where}: slots= declares {shown_value(name)}, which names no parameter"
                    f"{did_you_mean(name, parameters)}; {add}"
                )
    return problems


def slot_reference_problem(
    said: str, reference: str, slot_types: Mapping[str, str | None]
) -> str | None:
    """What Amazon's build refuses in ``{reference}``, a slot named in the sample ``said`` of an
    intent whose slots are ``slot_types``: spaces inside the braces, or an example value
    (``{new york|city}``), which only an AMAZON.LITERAL slot takes."""
    example, bar, slot = reference.rpartition("|")
    if slot != slot.strip() or example != example.strip():
        return (
            f"{said} has spaces inside the braces of {{{shown(slot.strip())}}}: write "
            f"{{{shown(slot.strip())}}}"
        )
    if bar and slot_types.get(slot) != "AMAZON.LITERAL":
        return (
            f"{said} gives slot {{{shown(slot)}}} an example value ({shown_value(example)}), which "
            "Amazon's build refuses "
            '("A value may not be supplied for the slot"): write '
            f"{{{shown(slot)}}} (that form is only AMAZON.LITERAL's)"
        )
    return None


def _can_be_parameter(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


def _keyword(name: str) -> str:
    """What to do about a slot no parameter can be named after (``from``, ``class``)."""
    what = "a Python keyword" if keyword.iskeyword(name) else "not a Python name"
    return (
        f"{shown_value(name)} is {what}, so no parameter can take it: take the IntentRequest and "
        f"read request.intent.slot({shown_value(name)}), or rename the slot"
    )


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

    Those named in full (``"de-DE"``) by its utterances, slot samples, slot type values and
    message catalogs (one of Alexa's: not a ``de_AT`` catalog); for a language key (``"de"``)
    of utterances, samples or values, the default locale if it is of that language, else every
    locale of it unless one of them is named in full; and the default locale when some
    utterances are a plain list (or nothing is named).
    """
    declared = _declared_keys(skill)
    keys = {key for key in declared if is_locale(key)}
    translations = getattr(skill, "translations", None)
    if translations is not None:
        keys.update(name for name in translations.locales if name in ALEXA_LOCALES)
    default = default_locale(skill)
    for language in sorted(key for key in declared if not is_locale(key)):
        if language_of(default) == language:
            keys.add(default)
        elif not any(language_of(key) == language for key in keys):
            keys.update(locale for locale in ALEXA_LOCALES if language_of(locale) == language)
    plain = any(d.samples.common for d in skill.intent_declarations.values())
    if plain or not keys:
        keys.add(default)
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
            f"for {locale}: give them per locale, utterances={{{shown_value(default)}: [...], "
            f"{shown_value(locale)}: [...]}}"
        )
    translations = getattr(skill, "translations", None)
    untranslated = []
    for declaration in skill.intent_declarations.values():
        prompts = declaration.dialog.prompts() if declaration.dialog else ()
        for slot, what, text in dict.fromkeys(prompts):
            # Only a catalog of the locale's own language counts, not the default locale's.
            if translations is None or translations.lookup(text, locale) is None:
                untranslated.append(prompt_named(declaration.name, slot, what, text))
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


def __getattr__(name: str) -> object:
    """`model_warnings` and `audio_player_use`, which moved to `start_warnings` (it imports this
    module, so they are looked up there when asked for), imported from here as before."""
    if name in _MOVED:
        from . import start_warnings

        return getattr(start_warnings, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: The names `start_warnings` took from this module, still given here (`__getattr__`).
_MOVED: Final = frozenset({"model_warnings", "audio_player_use"})
