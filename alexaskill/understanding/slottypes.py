"""Slot types: which kind of reading a slot of each type gets, and the entity resolution
Alexa sends with words of a custom type.

The kinds themselves are `slot_kinds`'s (one value) and `slot_lists`'s (a multiple-value slot).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .languages import Language
from .model import ModelType
from .slot_kinds import (
    FREE,
    LISTED,
    TYPED,
    UNLISTED,
    CustomKind,
    Fill,
    FreeKind,
    SlotKind,
    TypedKind,
    authority,
    first_name_type,
    name_type,
    value_id,
)
from .slot_lists import ListKind

__all__ = [
    "FREE",
    "LISTED",
    "TYPED",
    "UNLISTED",
    "Fill",
    "SlotKind",
    "authority",
    "entity_resolution",
    "slot_kind",
    "value_id",
]


def entity_resolution(kind: SlotKind, words: Sequence[str]) -> dict[str, Any] | None:
    """The ``resolutions`` Alexa sends with ``words`` (normalised, as `tokenize` gives them) as
    the value of a slot of ``kind``; None for a type without entity resolution (a built-in one,
    or a custom type the model does not declare)."""
    if not isinstance(kind, CustomKind) or not kind.index:
        return None
    return kind.resolutions(kind.lookup(tuple(words)) or ())


def slot_kind(
    type_name: str,
    *,
    language: Language,
    types: Mapping[str, ModelType],
    skill_id: str,
    tokenize: Any,
    multiple: bool = False,
    more: frozenset[str] = frozenset(),
) -> SlotKind:
    """How a slot of ``type_name`` reads words, for this model and language; ``more``: words
    its values hold here besides the type's ("from" of "from 8 tonight", in the one time slot
    of an intent: `Language.bounds`)."""
    if multiple:
        base = slot_kind(
            type_name,
            language=language,
            types=types,
            skill_id=skill_id,
            tokenize=tokenize,
            more=more,
        )
        return ListKind(base, language.list_separators)
    parser = language.slot_parser(type_name)
    separators = language.list_separators
    builtin: SlotKind | None = None
    vocabulary = language.slot_vocabulary(type_name)
    if type_name.startswith("AMAZON."):
        builtin = (
            TypedKind(
                type_name,
                parser,
                vocabulary | more if vocabulary is not None else None,
                language.slot_parser("AMAZON.NUMBER"),
                _dropped(type_name, language, vocabulary, more),
            )
            if parser is not None
            else _free(type_name, language)
        )
    declared = types.get(type_name)
    first, last = edge_fillers(type_name, language)
    if declared is not None and declared.values:
        values = declared.values
        return CustomKind(
            type_name, values, skill_id, tokenize, first, builtin, separators, closing=last
        )
    if builtin is not None:
        return builtin
    # A custom type the model does not declare: any words, no resolution to offer.
    return CustomKind(type_name, (), skill_id, tokenize, first, None, separators, closing=last)


def edge_fillers(type_name: str, language: Language) -> tuple[frozenset[str], frozenset[str]]:
    """The fillers a value of any words of ``type_name`` may not start with, and those it may
    not end with. A name's (a city, a first name: `name_type`) neither, as no name holds one;
    a title's, a search query's, a custom type's unlisted value's, no hesitation, a pause said
    aloud, and it ends with no courtesy or call ("cheap flights *please*"), but other fillers
    are words of it where its slot's sample puts them: "play *hey* jude", "play *oh well*".
    A language that names no hesitations: no filler at either end."""
    if name_type(type_name) or not language.hesitations:
        return language.fillers, language.fillers
    return language.hesitations, language.pure_fillers


def _free(type_name: str, language: Language) -> FreeKind:
    """A free-form built-in type's kind: a first-name type's takes no numbers for a name."""
    first, last = edge_fillers(type_name, language)
    if not first_name_type(type_name):
        return FreeKind(type_name, first, language.alternatives, closing=last)
    number = language.slot_parser("AMAZON.NUMBER")
    separators = language.list_separators
    return FreeKind(type_name, first, language.alternatives, number, separators, closing=last)


def _dropped(
    type_name: str, language: Language, vocabulary: frozenset[str] | None, more: frozenset[str]
) -> frozenset[str]:
    """The bounds ("till" of "till 8 tonight") a time's value may not hold where the clock
    reads past them: those of its words the slot does not take (`Language.bounds`)."""
    if type_name != "AMAZON.TIME" or vocabulary is None:
        return frozenset()
    return (language.bounds - more) & vocabulary
