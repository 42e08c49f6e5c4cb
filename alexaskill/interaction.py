"""What a skill declares for its interaction model: sample utterances, slot types, custom types.

`Skill` records these as handlers are registered; `alexaskill model` turns them into the JSON of
the ASK CLI's ``skill-package/interactionModels/custom/<locale>.json``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .exceptions import ConfigurationError

__all__ = ["IntentDeclaration", "SlotTypeDeclaration", "SlotTypeValue"]


@dataclass(frozen=True, slots=True)
class IntentDeclaration:
    """An intent's sample utterances and the type of each of its slots."""

    name: str
    utterances: tuple[str, ...] = ()
    #: Slot name to slot type (``"AMAZON.City"``, or a custom type's name).
    slots: Mapping[str, str] = field(default_factory=dict)


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
    values: tuple[SlotTypeValue, ...]

    @classmethod
    def build(
        cls, name: str, values: Iterable[str | SlotTypeValue | Mapping[str, object]]
    ) -> SlotTypeDeclaration:
        """Accept values as plain names, `SlotTypeValue`, or ``{"name", "id", "synonyms"}``."""
        built: list[SlotTypeValue] = []
        for value in values:
            if isinstance(value, str):
                built.append(SlotTypeValue(value))
            elif isinstance(value, SlotTypeValue):
                built.append(value)
            elif isinstance(value, Mapping) and isinstance(value.get("name"), str):
                synonyms = value.get("synonyms") or ()
                if not isinstance(synonyms, Sequence) or isinstance(synonyms, str):
                    raise ConfigurationError(f"slot type {name}: synonyms must be a list")
                value_id = value.get("id")
                built.append(
                    SlotTypeValue(
                        str(value["name"]),
                        None if value_id is None else str(value_id),
                        tuple(str(s) for s in synonyms),
                    )
                )
            else:
                raise ConfigurationError(
                    f"slot type {name}: {value!r} is not a value name, SlotTypeValue or mapping"
                )
        if not built:
            raise ConfigurationError(f"slot type {name} needs at least one value")
        return cls(name, tuple(built))
