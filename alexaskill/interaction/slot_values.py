"""A custom slot type's values: how `add_slot_type` takes them, and what Amazon's build refuses.

A value is given as its name (``"large"``), a `SlotTypeValue`, a mapping ``{"name": "large",
"id": "L", "synonyms": ["big"]}``, or as Amazon's model writes it, ``{"id": "L", "name":
{"value": "large", "synonyms": ["big"]}}``. A synonym is a string; an id a non-empty string
(or an int, written as its digits). A key of another name is refused (a misspelt ``"synonym"``
would drop the synonyms without a word).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from ..exceptions import ConfigurationError
from ..shown_names import shown, shown_value
from ..typos import did_you_mean

__all__ = ["MAX_VALUE_CHARACTERS", "SlotTypeValue", "slot_type_value", "value_problems"]

#: The longest slot value (or synonym) Amazon's build takes: the developer console refuses a
#: longer one, "Slot value length exceeds the limit of 140 characters".
MAX_VALUE_CHARACTERS: Final = 140
_KEYS: Final = ("name", "id", "synonyms")
_AMAZON_NAME_KEYS: Final = ("value", "synonyms")
_SHAPE: Final = "a value is {'name': ..., 'id': ..., 'synonyms': [...]}"


@dataclass(frozen=True, slots=True)
class SlotTypeValue:
    """One value of a custom slot type: its canonical name, optional id and synonyms."""

    name: str
    id: str | None = None
    synonyms: tuple[str, ...] = ()


def _unknown_key(where: str, given: Mapping[object, object], known: Sequence[str]) -> None:
    for key in given:
        if key not in known:
            hint = did_you_mean(str(key), known) if isinstance(key, str) else ""
            raise ConfigurationError(f"{where}: unknown key {shown_value(key)}{hint}; {_SHAPE}")


def _check_id(where: str, value_id: object) -> None:
    if isinstance(value_id, str) and not value_id.strip():
        raise ConfigurationError(f"{where}: its id is empty; give one, or leave it out")


def slot_type_value(type_name: str, value: object) -> SlotTypeValue:
    """``value`` (see the module docstring) of the slot type ``type_name`` as a `SlotTypeValue`."""
    if isinstance(value, str):
        return SlotTypeValue(value)
    if isinstance(value, SlotTypeValue):
        _check_id(f"slot type {shown(type_name)}: value {shown_value(value.name)}", value.id)
        return value
    name = value.get("name") if isinstance(value, Mapping) else None
    if not isinstance(value, Mapping) or not isinstance(name, str | Mapping):
        raise ConfigurationError(
            f"slot type {shown(type_name)}: {shown_value(value)} is not a value name, "
            "SlotTypeValue or mapping with a 'name'"
        )
    synonyms = value.get("synonyms")
    if isinstance(name, Mapping):  # as Amazon's model writes it
        _unknown_key(
            f"slot type {shown(type_name)}: value {shown_value(value)}", name, _AMAZON_NAME_KEYS
        )
        synonyms, name = name.get("synonyms"), name.get("value")
        if not isinstance(name, str) or "synonyms" in value:
            raise ConfigurationError(
                f"slot type {shown(type_name)}: {shown_value(value)}: as Amazon's model writes a "
                "value, 'name' is {'value': ..., 'synonyms': [...]}; " + _SHAPE
            )
    where = f"slot type {shown(type_name)}: value {shown_value(name)}"
    _unknown_key(where, value, _KEYS)
    if not isinstance(synonyms, Sequence | None) or isinstance(synonyms, str):
        raise ConfigurationError(f"slot type {shown(type_name)}: synonyms must be a list")
    for synonym in synonyms or ():
        if not isinstance(synonym, str):
            raise ConfigurationError(f"{where}: a synonym is a string, not {shown_value(synonym)}")
    value_id = value.get("id")
    if isinstance(value_id, bool) or not isinstance(value_id, str | int | None):
        raise ConfigurationError(f"{where}: its id is a string, not {shown_value(value_id)}")
    _check_id(where, value_id)
    return SlotTypeValue(name, None if value_id is None else str(value_id), tuple(synonyms or ()))


def value_problems(type_name: str, values: Iterable[SlotTypeValue]) -> list[str]:
    """What Amazon's build refuses in one locale's values of a custom slot type: an empty value
    or synonym, one longer than 140 characters, a value listed twice, two values with one id."""
    problems = []
    names: set[str] = set()
    ids: dict[str, str] = {}
    for value in values:
        if not value.name.strip():
            problems.append(f"slot type {shown(type_name)}: a value is empty")
            continue
        if len(value.name) > MAX_VALUE_CHARACTERS:
            # (`shown` echoes up to 120 characters whole: past 140, it says the length itself)
            problems.append(
                f"slot type {shown(type_name)}: value {shown(value.name, quoted=True)} is too "
                f"long; Amazon takes at most {MAX_VALUE_CHARACTERS} characters"
            )
        if any(not synonym.strip() for synonym in value.synonyms):
            problems.append(
                f"slot type {shown(type_name)}: value {shown_value(value.name)} has an empty "
                "synonym"
            )
        for synonym in value.synonyms:
            if len(synonym) > MAX_VALUE_CHARACTERS:
                problems.append(
                    f"slot type {shown(type_name)}: value {shown(value.name, quoted=True)} has a "
                    f"synonym too long, {shown(synonym, quoted=True)}; Amazon takes at most "
                    f"{MAX_VALUE_CHARACTERS} characters"
                )
        key = " ".join(value.name.casefold().split())
        if key in names:
            problems.append(
                f"slot type {shown(type_name)}: value {shown_value(value.name)} is listed twice"
            )
        names.add(key)
        if value.id is not None:
            other = ids.setdefault(value.id, value.name)
            if other != value.name:
                problems.append(
                    f"slot type {shown(type_name)}: values {shown_value(other)} and "
                    f"{shown_value(value.name)} have the same "
                    f"id {shown_value(value.id)}"
                )
    return problems
