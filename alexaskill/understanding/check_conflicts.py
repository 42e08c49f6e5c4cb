"""The conflicts `check_model` finds, which Amazon's build lets pass but users meet.

A sample that, said with example slot values, is understood as another intent; one that is
also a common phrasing of a built-in intent the model has; a value (or synonym) listed by two
custom types that one intent uses. In a locale utterance understanding does not know, samples
are not said: two intents' samples that differ only in their slots' names are found instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final, Protocol

from ..interaction.samples import sample_key
from ..interaction.slot_warnings import SLOT_REFERENCE, glued_letters
from ..shown_names import shown, shown_value
from .languages import supported_locales
from .model import InteractionModel, ModelIntent
from .understander import Understander

#: Example words for each slot type, to say a sample as a user would.
_EXAMPLES: Final = {
    "AMAZON.NUMBER": "five",
    "AMAZON.Ordinal": "third",
    "AMAZON.FOUR_DIGIT_NUMBER": "twenty twenty six",
    "AMAZON.DATE": "tomorrow",
    "AMAZON.TIME": "noon",
    "AMAZON.DURATION": "ten minutes",
    "AMAZON.PhoneNumber": "five five five one two three four",
    "AMAZON.AlphaNumeric": "a one",
    "AMAZON.City": "paris",
    "AMAZON.US_CITY": "boston",
    "AMAZON.FirstName": "anna",
    "AMAZON.Color": "blue",
    "AMAZON.Country": "france",
    "AMAZON.US_STATE": "texas",
    "AMAZON.DayOfWeek": "monday",
    "AMAZON.Month": "june",
    "AMAZON.SearchQuery": "the price of tea",
}


#: The check's word for a slot with no example value: the types without one are built-in
#: list types, which understanding reads free-form (any words fill them), so any word says the
#: sample for the check; never offered to a user as a value (`said_with_examples` has none).
_STAND_IN: Final = "kiwi"


class Report(Protocol):
    """Where the findings go: `check_model`'s checker."""

    def error(self, message: str) -> None: ...

    def warning(self, message: str) -> None: ...


class Conflicts:
    """The conflict checks of one model, in one locale, told to ``report``."""

    def __init__(self, model: InteractionModel, locale: str, skill_id: str, report: Report) -> None:
        self.model = model
        self.locale = locale
        self.skill_id = skill_id
        self.error = report.error
        self.warning = report.warning

    def conflicts(self) -> None:
        understander = Understander(
            self.model, locale=self.locale, skill_id=self.skill_id, resolve_only=True
        )
        if understander.refusal is not None:
            # Every other check holds in any language; saying samples needs understanding.
            self.warning(
                f"{self.locale}: samples were not said as a user would, to find one understood "
                f"as another intent: utterance understanding knows {', '.join(supported_locales())}"
            )
            self.same_shapes()
            for intent in self.model.intents:
                self.shared_values(intent)
            return
        for intent in self.model.intents:
            for sample in intent.samples:
                said, _ = _said_as(self.model, intent, sample, _STAND_IN)
                understood = understander.understand(said)
                if understood.intent not in (intent.name, None) and understood.kind == "intent":
                    how = f' (sample "{understood.sample}")' if understood.sample else ""
                    self.error(
                        f"intent {shown(intent.name)}: sample {shown_value(sample)}, said as "
                        f"{shown_value(said)}, is understood as {understood.intent}{how}"
                        f"{_glued_said(sample)}"
                    )
            if not intent.name.startswith("AMAZON."):
                self.builtin_overlaps(understander, intent)
            self.shared_values(intent)

    def same_shapes(self) -> None:
        """Samples of two intents that differ only in their slots' names ("koche {dish}",
        "koche {food}", both of one type): whatever fills one fills the other, in any language."""
        seen: dict[str, tuple[str, str]] = {}
        for intent in self.model.intents:
            types = {slot.name: slot.type for slot in intent.slots}

            def typed(match: re.Match[str], types: dict[str, str] = types) -> str:
                name = match.group(1).rpartition("|")[2].strip()
                return "{" + types.get(name, name) + "}"

            for sample in intent.samples:
                shape = sample_key(SLOT_REFERENCE.sub(typed, sample))
                other = seen.setdefault(shape, (intent.name, sample))
                if other[0] != intent.name and sample_key(other[1]) != sample_key(sample):
                    self.error(
                        f"intent {shown(intent.name)}: sample {shown_value(sample)} is sample "
                        f"{shown_value(other[1])} of intent {shown(other[0])} with slots of the "
                        "same types: either may be understood"
                    )

    def builtin_overlaps(self, understander: Understander, intent: ModelIntent) -> None:
        phrasings = {
            " ".join(understander.words(phrase)): name
            for name, phrases in understander.language.builtin_intents.items()
            if name in understander.intents
            for phrase in phrases
        }
        for sample in intent.samples:
            builtin = phrasings.get(" ".join(understander.words(sample)))
            if builtin is not None:
                self.warning(
                    f"intent {shown(intent.name)}: sample {shown_value(sample)} is also a common "
                    f"phrasing of {builtin}; users saying it may reach either"
                )

    def shared_values(self, intent: ModelIntent) -> None:
        custom = [slot for slot in intent.slots if self.model.types.get(slot.type) is not None]
        for index, first in enumerate(custom):
            for second in custom[index + 1 :]:
                if first.type == second.type:
                    continue
                common = _said(self.model, first.type) & _said(self.model, second.type)
                if common:
                    listed = ", ".join(shown_value(word) for word in sorted(common)[:5])
                    self.error(
                        f"intent {shown(intent.name)}: slots {shown(first.name)} "
                        f"({shown(first.type)}) and {shown(second.name)} ({shown(second.type)}) "
                        f"share values: {listed}"
                    )


def said_with_examples(model: InteractionModel, intent: ModelIntent, sample: str) -> str | None:
    """``sample`` of ``intent`` as a user would say it, each slot a value its custom type
    declares (the first), else its built-in type's example (`_EXAMPLES`); None where a slot has
    neither: a value made up is never offered to a user."""
    said, real = _said_as(model, intent, sample, "")
    return said if real else None


def _said_as(
    model: InteractionModel, intent: ModelIntent, sample: str, stand_in: str
) -> tuple[str, bool]:
    """`said_with_examples`'s words, ``stand_in`` for each slot without an example value, and
    whether every slot had one."""
    real = True

    def example(match: re.Match[str]) -> str:
        nonlocal real
        slot = intent.slot(match.group(1).rpartition("|")[2].strip())
        declared = None if slot is None else model.types.get(slot.type)
        if declared is not None and declared.values:
            return declared.values[0].name
        value = None if slot is None else _EXAMPLES.get(slot.type)
        if value is None:
            real = False
            return stand_in
        return value

    said = SLOT_REFERENCE.sub(example, sample)
    return said, real


def _said(model: InteractionModel, type_name: str) -> set[str]:
    declared = model.types[type_name]
    words: Iterable[str] = (
        word for value in declared.values for word in (value.name, *value.synonyms)
    )
    return {" ".join(word.casefold().split()) for word in words}


def _glued_said(sample: str) -> str:
    """Why a sample with letters written against a slot is not understood said as a user
    would, its example value in the slot's place and the letters glued to it ("five dogs"):
    the letters are a word of their own (the warning of `glued_letters` says what to do)."""
    return "".join(
        f" (its {shown_value(letters)} written against slot {{{slot}}} is a word of its own)"
        for slot, letters, _ in glued_letters(sample)
    )
