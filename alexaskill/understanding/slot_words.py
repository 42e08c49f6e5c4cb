"""A reading's words for one of its sample's slots: where they are, the type the sample gives
the slot, and whether they are words of any kind (no value the type knows), for
answer_values.py and denials.py.
"""

from __future__ import annotations

from typing import Final

from .matcher import Match, SlotRef
from .slot_kinds import name_type

__all__ = ["KNOWN", "any_words", "is_query", "named", "slot_ref", "spans_of"]

#: The kinds of values a type knows, unlike any words it would take.
KNOWN: Final = ("typed", "listed")


def spans_of(match: Match, slot: str) -> list[tuple[int, int]]:
    """Where ``match`` gives ``slot`` its words, first to last: one span, or more where its
    sample names the slot more than once ("from {city} to {city}", as denials.py's `_negated`
    allows)."""
    return [(start, end) for name, _, start, end in match.fills if name == slot]


def named(match: Match, slot: str) -> bool:
    """Whether ``match``'s sample gives ``slot`` a built-in type of names (`name_type`)."""
    type_name = _type_of(match, slot)
    return type_name is not None and name_type(type_name)


def is_query(match: Match, slot: str) -> bool:
    """Whether ``match``'s sample gives ``slot`` an AMAZON.SearchQuery (or names no such slot)."""
    return _type_of(match, slot) in (None, "AMAZON.SearchQuery")


def slot_ref(match: Match, slot: str) -> SlotRef | None:
    """``match``'s sample's reference to ``slot``, None where it names no such slot."""
    return next(
        (e for e in match.sample.elements if isinstance(e, SlotRef) and e.name == slot), None
    )


def _type_of(match: Match, slot: str) -> str | None:
    """The type ``match``'s sample gives ``slot``, None where it names no such slot."""
    ref = slot_ref(match, slot)
    return None if ref is None else ref.kind.name


def any_words(match: Match, slot: str) -> str | None:
    """The words ``match`` gives ``slot``, if they are no value its type knows (words of any
    kind: a free-form or an unlisted value), else None."""
    for name, fill, _, _ in match.fills:
        if name == slot and all(part.kind not in KNOWN for part in fill.parts or (fill,)):
            return fill.words
    return None
