"""What Amazon's build refuses in one sample utterance, and in the name of a slot type a model
gives values (`alexaskill.interaction.builder` checks a skill's model with them, ``model
--check`` a model's JSON); and when it takes two samples for the same one (`sample_key`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from ..builtin_intents import CUSTOM_NAME
from ..dialog_model import is_list_type
from ..shown_names import shown, shown_value
from .declarations import _SLOT_REFERENCE, slot_reference_problem
from .invocation import first_non_letter

__all__ = ["sample_key", "sample_problems", "type_name_problem"]

# Besides letters (and the combining marks some scripts need): spaces, periods for abbreviations,
# apostrophes for possessives, hyphens and underscores (invocation names: see .invocation).
_SAMPLE_PUNCTUATION: Final = frozenset(" .'\u2019-_")
#: Two slots written with nothing between them ("{from}{to}"), which Amazon's build refuses.
_JOINED_SLOTS: Final = re.compile(r"\{([^{}]*)\}\{([^{}]*)\}")


def type_name_problem(name: str) -> str | None:
    """What Amazon's build refuses in the name of a slot type a model gives values: a custom
    type's is ASCII letters and underscores; a built-in one extended must be a list type."""
    if CUSTOM_NAME.fullmatch(name) or is_list_type(name):
        return None
    return (
        f"slot type {shown(name, quoted=True)}: a custom slot type name is ASCII letters and "
        "underscores; a built-in type extended with values is a list type (AMAZON.City), not a "
        "number, date, time, duration or AMAZON.SearchQuery"
    )


def sample_key(sample: str) -> str:
    """What two samples share when Amazon's build takes them for the same one."""
    return " ".join(sample.casefold().split())


def sample_problems(where: str, sample: str, slot_types: Mapping[str, str | None]) -> list[str]:
    """What Amazon's build refuses in one sample utterance, an intent's or a dialog slot's.

    ``where`` names its intent (and slot), ``slot_types`` are the intent's slots and their types.
    """
    said = f"{where}: sample {shown(sample, quoted=True)}"  # (cut: a sample may be long)
    references = _SLOT_REFERENCE.findall(sample)
    text = _SLOT_REFERENCE.sub(" ", sample)
    if not text.strip() and not references:
        return [f"{where}: an empty sample utterance"]
    problems = []
    if "{" in text or "}" in text:
        problems.append(f"{said}: unbalanced braces; a slot is written {{name}}")
    words = text.replace("{", " ").replace("}", " ").split()
    # Amazon's build takes those marks inside a word only ("... each token must consist only
    # of unicode characters ... periods for abbreviations, underscores, possessive apostrophes
    # and hyphens").
    marks = next((word for word in words if set(word) <= _SAMPLE_PUNCTUATION), None)
    if marks is not None:
        problems.append(
            f"{said}: {shown_value(marks)} is no word; a period, an apostrophe, a hyphen or an "
            'underscore belongs to one ("a. b. c.", "sam\'s", "x-ray")'
        )
    spoken = [word for word in words if not set(word) <= _SAMPLE_PUNCTUATION]
    for reference in references:
        problem = slot_reference_problem(said, reference, slot_types)
        if problem is not None:
            problems.append(problem)
            continue
        # An AMAZON.LITERAL slot of a hand-written model has an example value: {new york|city}.
        slot = reference.rpartition("|")[2]
        if slot not in slot_types:
            known = ", ".join(slot_types) or "none"
            problems.append(
                f"{said} names slot {{{shown(reference)}}}, which its intent does not have "
                f"(its slots: {shown(known)})"
            )
        elif slot_types[slot] == "AMAZON.SearchQuery" and not spoken:
            problems.append(f"{said}: an AMAZON.SearchQuery slot needs a carrier phrase")
    joined = _JOINED_SLOTS.search(sample)
    if joined is not None:
        first, second = joined.groups()
        problems.append(
            f"{said}: slots {{{first}}} and {{{second}}} are written together; Amazon's build "
            f"takes slots apart: a space between them ({{{first}}} {{{second}}}), or better a "
            "word (an utterance cannot say where one value ends)"
        )
    if any(char.isdigit() for char in text):
        problems.append(f"{said}: spell numbers out in words")
    else:
        bad = first_non_letter(text.replace("{", "").replace("}", ""), _SAMPLE_PUNCTUATION)
        if bad is not None:
            problems.append(f"{said}: character {bad!r} is not allowed in a sample utterance")
    return problems
