"""Start-up and ``alexaskill model`` warnings about slots: what the model is written with, but
may not work as the author meant.

- A slot on one of Amazon's standard built-in intents (a ``topic`` parameter of an
  ``AMAZON.HelpIntent`` handler). Amazon documents these intents with sample utterances only
  ("Standard Built-in Intents": "You do not need to provide any sample utterances for these
  intents, although you can if you want to extend the intent") and says nothing of slots; that
  its build refuses them could not be confirmed, so the slot is written and the author warned.
  The built-in intent library's intents (``AMAZON.SearchAction<object@WeatherForecast>``) have
  slots, and are not concerned.
- A parameter annotated with an Enum whose slot is declared with another type
  (``slots={"colour": "AMAZON.Color"}``): that type's values are not the Enum's, so most
  never convert and the parameter is left unfilled.
- A sample utterance naming one slot twice (``"from {city} to {city}"``): the slot holds one
  value, so one of the two the user says is lost. Amazon's build may refuse it too; that could
  not be confirmed, so it is a warning (as ``model --check`` gives it).
- Letters written against a slot in a sample utterance, after it or before it
  (``"{count} {animal}s"``): a slot's value is whole words, so utterance understanding takes
  the letters for a word of their own, and "five dogs" may match no sample. The build rules
  found name the marks a word may hold ("periods for abbreviations, underscores, possessive
  apostrophes, and hyphens"), not letters against a slot: a warning (as ``model --check``
  gives it, beside the conflict its example said in full shows). A possessive, ``{name}'s``,
  is not concerned (a 2016 report had the build refuse it: not confirmed today), nor are words
  of a script written without spaces (Japanese: ``"{city}の天気"``).
- A sample utterance made of slots only (``"{city}"``) in an intent with a dialog model: Amazon's
  build has refused it ("When using a Dialog Model, sample utterances for intents cannot contain
  only slots", reported in 2017), which may no longer hold; what users answer when asked
  belongs in the slot's ``samples=``.
- A dialog prompt whose translation names other ``{slot}`` placeholders than its source text:
  the model is given the source text instead (`alexaskill.i18n`), in the source language.
- A dialog prompt whose translation Alexa would refuse (a ``<break>`` over 10 s: the checks of
  `alexaskill.dialog_prompts`, which the source text passed where declared): said at start
  (`translated_prompt_warnings`), as the catalogs are read then, not when a user is asked.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

from ..builtin_intents import BUILTIN_INTENTS
from ..dialog_prompts import prompt_fault, prompt_named
from ..i18n_placeholders import differences, fields
from ..shown_names import shown, shown_value
from ..slots import unwrap_optional
from .invocation import in_unspaced_script

if TYPE_CHECKING:
    from .declarations import ModelSource

__all__ = [
    "SLOT_REFERENCE",
    "builtin_slots_warning",
    "glued_letter_warnings",
    "glued_letters",
    "prompt_translation_warnings",
    "repeated_slot_warnings",
    "sample_warnings",
    "slot_warnings",
    "translated_prompt_warnings",
]

#: A slot's reference in a sample, ``{name}`` (or ``{words|name}``): its text between the braces.
SLOT_REFERENCE: Final = re.compile(r"\{([^{}]*)\}")
#: The letters written against a slot, before (read in the sample reversed) or after it (no
#: digit, no underscore). Matched at a slot's edge: searched for in one pattern with the slot,
#: a run of 70,000 letters was tried from each of its letters (minutes for a sample).
_LETTERS: Final = re.compile(r"[^\W\d_]*")


def builtin_slots_warning(intent: str, slots: Iterable[str]) -> str:
    """The warning for ``slots`` on the standard built-in intent ``intent``."""
    return (
        f"intent {shown(intent)}: slot {shown(', '.join(slots))}: Amazon documents its standard "
        "built-in intents with sample utterances only, not slots, so its build may refuse the "
        "model (the slot is written); a custom intent with its own samples takes slots for sure"
    )


def _enum_of(annotation: object) -> type[enum.Enum] | None:
    target, _ = unwrap_optional(annotation)
    args = getattr(target, "__args__", None)
    if getattr(target, "__origin__", None) is list and args:
        target = args[0]
    if isinstance(target, type) and issubclass(target, enum.Enum):
        return target
    return None


def repeated_slot_warnings(where: str, sample: str) -> list[str]:
    """The warning for each slot the sample ``sample`` of ``where`` (its intent) names twice."""
    named = [reference.rpartition("|")[2].strip() for reference in SLOT_REFERENCE.findall(sample)]
    return [
        f"{where}: sample {shown_value(sample)} names slot {{{slot}}} twice; a slot holds one "
        f"value, so one of the two is lost: give each its own slot ({{from_{slot}}}, "
        f"{{to_{slot}}})"
        for slot in sorted({name for name in named if named.count(name) > 1})
    ]


def _letters(text: str, start: int, end: int) -> str:
    """The letters of ``text`` from ``start`` on, up to ``end`` at most (`_LETTERS`)."""
    run = _LETTERS.match(text, start, end)
    return run.group() if run is not None else ""


def glued_letters(sample: str) -> list[tuple[str, str, str]]:
    """The letters written against a slot in ``sample``, each as (slot, letters, "before" or
    "after" it), in the order written; not those of a script written without spaces."""
    found = []
    backwards = sample[::-1]
    taken = 0  # (letters between two slots are the first one's, written after it)
    for match in SLOT_REFERENCE.finditer(sample):
        start, end = match.span()
        before = _letters(backwards, len(sample) - start, len(sample) - taken)[::-1]
        after = _letters(sample, end, len(sample))
        taken = end + len(after)
        slot = match.group(1).rpartition("|")[2].strip()
        for letters, where in ((before, "before"), (after, "after")):
            if letters and not in_unspaced_script(letters):
                found.append((slot, letters, where))
    return found


def glued_letter_warnings(where: str, sample: str) -> list[str]:
    """The warning for each run of letters written against a slot of the sample ``sample`` of
    ``where`` (its intent, and slot)."""
    return [
        f"{where}: sample {shown_value(sample)} writes {shown_value(letters)} against slot "
        f"{{{slot}}}: a slot's value is whole words, so {shown_value(letters)} is read as a word "
        f"of its own {side} it; write the slot apart, and list the forms users say (plurals too) "
        f"among the values or synonyms of its type (a possessive, {{{slot}}}'s, is not concerned)"
        for slot, letters, side in glued_letters(sample)
    ]


def _only_slots_warning(intent: str, sample: str) -> str:
    return (
        f"intent {shown(intent)}: sample {shown_value(sample)} is only slots, in an intent with a "
        "dialog model: Amazon's build has refused that (\"When using a Dialog Model, sample "
        'utterances for intents cannot contain only slots"); add words to it, and leave what '
        "users answer when asked to the slot's samples="
    )


def slot_warnings(
    source: ModelSource, *, builtin_slots: bool = True, repeated_slots: bool = True
) -> list[str]:
    """The warnings of the module docstring for ``source``'s handlers and declarations;
    ``builtin_slots=False`` and ``repeated_slots=False`` leave out the slots of built-in intents
    and what is said of each sample, a slot named twice or letters against one (``model
    --check`` finds those in the model)."""
    warnings = []
    slots_of: dict[str, list[str]] = {}
    for (request_type, name), handler in source.registry.handlers.items():
        if name is None or request_type not in ("IntentRequest", "CanFulfillIntentRequest"):
            continue
        declared = source.intent_declarations.get(name)
        types = declared.slots if declared is not None else {}
        for param, annotation in handler.slots:
            listed = slots_of.setdefault(name, [])
            if param not in listed:
                listed.append(param)
            enum_type = _enum_of(annotation)
            slot_type = types.get(param)
            if enum_type is not None and slot_type and slot_type != enum_type.__name__:
                warnings.append(
                    f"intent {shown(name)}: parameter {shown_value(param)} of {handler.name} is an "
                    f"Enum ({enum_type.__name__}) but its slot is declared {slot_type}, whose "
                    "values are not the Enum's: those no member matches leave it unfilled; declare "
                    f"the slot {enum_type.__name__} (or drop its type) to use the Enum's values"
                )
    for name, declaration in source.intent_declarations.items():
        listed = slots_of.setdefault(name, [])
        listed += [slot for slot in declaration.slots if slot not in listed]
    if builtin_slots:
        for name, slots in slots_of.items():
            if name in BUILTIN_INTENTS and slots:
                warnings.append(builtin_slots_warning(name, slots))
    for name, declaration in source.intent_declarations.items():
        if declaration.dialog is None:
            continue
        for sample in dict.fromkeys(declaration.utterances):
            if SLOT_REFERENCE.findall(sample) and not SLOT_REFERENCE.sub("", sample).strip():
                warnings.append(_only_slots_warning(name, sample))
    for name, declaration in source.intent_declarations.items() if repeated_slots else ():
        for sample in dict.fromkeys(declaration.utterances):
            warnings += sample_warnings(f"intent {shown(name)}", sample)
        dialog_slots = declaration.dialog.slots if declaration.dialog is not None else {}
        for slot, dialog_slot in dialog_slots.items():
            for sample in dict.fromkeys(dialog_slot.samples):
                warnings += sample_warnings(f"intent {shown(name)}, slot {shown(slot)}", sample)
    return warnings


def sample_warnings(where: str, sample: str) -> list[str]:
    """What `slot_warnings` says of one sample of ``where``, and ``model --check``
    (`alexaskill.understanding.check`) of the model built: a slot it names twice, letters
    written against a slot."""
    return repeated_slot_warnings(where, sample) + glued_letter_warnings(where, sample)


def prompt_translation_warnings(source: ModelSource, locale: str) -> list[str]:
    """The dialog prompts whose ``locale`` translation in ``source``'s catalogs does not name
    the source text's placeholders, which the model so has in the source language; each named
    as `translated_prompt_warnings` names one (`_translation_named`)."""
    translations = getattr(source, "translations", None)
    if translations is None:
        return []
    warnings = []
    for declaration in source.intent_declarations.values():
        prompts = declaration.dialog.prompts() if declaration.dialog else ()
        for slot, what, text in dict.fromkeys(prompts):
            translated = translations.lookup(text, locale)
            if translated is None or translated == text:
                continue
            added, dropped = differences(fields(translated), fields(text), plural=False)
            if not (added or dropped):
                continue
            if "{" in added or "{" in dropped:  # (the text cannot be read past the brace)
                said = "has a brace without its pair (write {{ or }} for one spoken)"
            else:
                said = "; ".join(
                    f"{what} {', '.join('{' + name + '}' for name in sorted(names))}"
                    for what, names in (("adds", added), ("drops", dropped))
                    if names
                )
            named = _translation_named(declaration.name, slot, what, [locale], text, translated)
            warnings.append(f"{named} {said}, so the model has the source text; fix the catalog")
    return warnings


def translated_prompt_warnings(source: ModelSource) -> list[str]:
    """The dialog prompts whose translation, as requests in a locale of ``source``'s catalogs
    hear it, would be refused where asked (`alexaskill.dialog_prompts.prompt_fault`): one
    warning a translation, naming the locales. Asked again with such an elicitation prompt, the
    user hears the apology."""
    translations = getattr(source, "translations", None)
    if translations is None:
        return []
    faults: dict[str, str | None] = {}
    heard_in: dict[tuple[str, str | None, str, str, str], list[str]] = {}
    for declaration in source.intent_declarations.values():
        for slot, what, text in declaration.dialog.prompts() if declaration.dialog else ():
            for locale in translations.locales:
                # What `Translator.gettext` speaks: a translation that does not fit the source
                # text's placeholders is not (the source text is, checked where declared).
                translated = translations.translator(locale).lookup(text)
                if translated is None or translated == text:
                    continue
                if any(differences(fields(translated), fields(text), plural=False)):
                    continue
                if translated not in faults:
                    faults[translated] = prompt_fault(translated)
                if faults[translated] is not None:
                    key = (declaration.name, slot, what, text, translated)
                    heard_in.setdefault(key, []).append(locale)
    warnings = []
    for (intent, slot, what, text, translated), locales in heard_in.items():
        named = _translation_named(intent, slot, what, locales, text, translated)
        warnings.append(
            f"{named} would be refused where asked: {faults[translated]}; fix the catalog"
        )
    return warnings


def _translation_named(
    intent: str, slot: str | None, what: str, locales: list[str], text: str, translated: str
) -> str:
    """A prompt's translation, as the warnings about one name it (`prompt_named`): ``intent
    Book, slot day: the de-DE translation of elicitation prompt 'Which day?' ('Welcher
    Tag?')``."""
    of = f"the {', '.join(locales)} translation of "
    return f"{prompt_named(intent, slot, what, text, of)} ({shown(translated, quoted=True)})"
