"""Forms of a sample the model does not list but Alexa reads: a particle moved before its slot
("take off {item}" of "take {item} off"), a part of the day said after the date rather than
before it ("remind me {date} {time}" of "remind me {time} {date}"), words said contracted ("my
name's {name}" of "my name is {name}")."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from .matcher import SlotRef
from .slot_kinds import PartOfDayKind

__all__ = ["contracted", "part_of_day_swaps", "particle_shifts"]


def particle_shifts(
    elements: Sequence[str | SlotRef], particles: Collection[str]
) -> list[list[str | SlotRef]]:
    """The sample's elements with a particle said right after a slot that follows a word moved
    before the slot ("take {item} off" → "take off {item}"), one list per such particle."""
    shifts: list[list[str | SlotRef]] = []
    for at in range(1, len(elements) - 1):
        before, slot, particle = elements[at - 1], elements[at], elements[at + 1]
        if isinstance(before, str) and not isinstance(slot, str) and particle in particles:
            shifts.append([*elements[:at], particle, slot, *elements[at + 2 :]])
    return shifts


def part_of_day_swaps(elements: Sequence[str | SlotRef]) -> list[list[str | SlotRef]]:
    """The sample's elements with an AMAZON.TIME slot said right before an AMAZON.DATE slot
    moved after it, taking a part of the day only ("remind me {time} {date}" → "remind me
    {date} {time}"): "tomorrow night" is the date tomorrow and the time NI, as Alexa reads it."""
    swaps: list[list[str | SlotRef]] = []
    for at in range(len(elements) - 1):
        time, date = elements[at], elements[at + 1]
        if (
            isinstance(time, SlotRef)
            and isinstance(date, SlotRef)
            and time.kind.name == "AMAZON.TIME"
            and date.kind.name == "AMAZON.DATE"
        ):
            part = SlotRef(time.name, PartOfDayKind(time.kind))
            swaps.append([*elements[:at], date, part, *elements[at + 2 :]])
    return swaps


def contracted(
    elements: Sequence[str | SlotRef], contractions: Mapping[tuple[str, ...], tuple[str, ...]]
) -> list[list[str | SlotRef]]:
    """The sample's elements with words the language does not rewrite said contracted ("my
    name is {name}" → "my name's {name}", "my names {name}"), one list per such place and
    form. The user's "name's" stays one word, as it may be a possessive ("what's my name's
    meaning" holds no "name is"): only a sample that says "name is" reads it so."""
    forms: list[list[str | SlotRef]] = []
    for words, contracted_forms in contractions.items():
        for at in range(len(elements) - len(words) + 1):
            if tuple(elements[at : at + len(words)]) == words:
                rest = elements[at + len(words) :]
                forms.extend([*elements[:at], form, *rest] for form in contracted_forms)
    return forms
