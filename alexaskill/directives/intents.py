"""Updated intents: the JSON of an intent with slot values changed, as dialog directives send it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import msgspec

from ..articles import type_with_article
from ..exceptions import ResponseError
from ..models import Intent, Slot
from ..shown_names import shown, shown_value
from .checks import _mapping, _one_of, _text

__all__ = [
    "CONFIRMATION_STATUSES",
    "updated_intent",
]


#: The confirmation statuses of an intent or a slot.
CONFIRMATION_STATUSES: Final = ("NONE", "CONFIRMED", "DENIED")


def _without_nulls(value: Any) -> Any:
    """JSON with the null members of every object left out (a Slot's unset fields)."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _whole_slot(name: str, slot: Slot) -> dict[str, Any]:
    """The slot as Alexa sent it: value, slotValue (every value of a list), resolutions, …

    Sent back whole: a slot reduced to ``{name, confirmationStatus}`` is the shape that clears
    it, and a multiple-value slot has no top-level ``value`` to keep.
    """
    whole: dict[str, Any] = _without_nulls(msgspec.to_builtins(slot))
    whole["name"] = name
    return whole


def _slot_json(name: str, value: object, old: Slot | None) -> dict[str, Any]:
    if isinstance(value, Slot):
        _one_of(f"slot {name} confirmationStatus", value.confirmation_status, CONFIRMATION_STATUSES)
        return _whole_slot(name, value)
    if value is None:
        return {"name": name, "confirmationStatus": "NONE"}
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ResponseError(
            f"slot {name}: give a str, an int, a Slot or None, not {shown_value(value)}"
        )
    # The text it holds: str() of a str or (int, Enum) member says "Size.LARGE".
    text = str.__str__(value) if isinstance(value, str) else int.__repr__(value)
    if old is not None and old.value == text:
        return _whole_slot(name, old)  # unchanged: as the user gave and confirmed it
    # A value the skill changes is no longer what the user confirmed.
    return {"name": name, "value": text, "confirmationStatus": "NONE"}


def updated_intent(intent: Intent | str, /, **slots: str | int | Slot | None) -> dict[str, Any]:
    """The JSON of ``intent`` (or a fresh intent of that name) with the given slots set.

    A ``str`` or ``int`` sets the slot's value (its confirmation status resets to ``NONE`` unless
    the value is unchanged; the old resolutions, which described the old value, are dropped),
    ``None`` clears it, a `Slot` is sent as given. Every other slot goes back whole, as Alexa sent
    it: ``value``, ``slotValue`` with every value of a multiple-value slot, ``resolutions`` and
    ``confirmationStatus`` (a slot sent back with less is cleared). Give a name instead of an
    `Intent` to start another intent (intent chaining):
    ``delegate(updated_intent("OrderIntent", size="large"))``.
    """
    if isinstance(intent, str):
        current = Intent(name=_text("updatedIntent.name", intent))
    elif isinstance(intent, Intent):
        current = intent
    else:
        raise ResponseError(
            f"updated_intent needs an Intent or a name, not {type_with_article(intent)}"
        )
    _one_of("updatedIntent.confirmationStatus", current.confirmation_status, CONFIRMATION_STATUSES)
    existing = current.slots or {}
    result: dict[str, dict[str, Any]] = {}
    for name, slot in existing.items():
        if name not in slots:
            result[name] = _whole_slot(name, slot)
    for name, value in slots.items():
        result[name] = _slot_json(name, value, existing.get(name))
    return {
        "name": _text("updatedIntent.name", current.name),
        "confirmationStatus": current.confirmation_status,
        "slots": result,
    }


def _intent_json(value: object) -> dict[str, Any] | None:
    """An updated intent as JSON: from an `Intent`, or a mapping checked for its shape."""
    if value is None:
        return None
    if isinstance(value, Intent):
        return updated_intent(value)
    intent = _mapping("updatedIntent", value)
    _text("updatedIntent.name", intent.get("name"))
    _one_of(
        "updatedIntent.confirmationStatus",
        intent.get("confirmationStatus", "NONE"),
        CONFIRMATION_STATUSES,
    )
    slots = intent.get("slots")
    if slots is not None and not isinstance(slots, Mapping):
        raise ResponseError("updatedIntent.slots must be a mapping of slot name to slot")
    for name, slot in (slots or {}).items():
        # (the key cut: the slots may be built from the user's words or a store's)
        said = shown(name) if isinstance(name, str) else shown_value(name)
        if not isinstance(slot, Mapping):
            raise ResponseError(
                f"updatedIntent.slots.{said} must be a mapping (name, value, "
                f"confirmationStatus), not {type_with_article(slot)}"
            )
        if "name" in slot and slot["name"] != name:
            raise ResponseError(
                f"updatedIntent.slots.{said} is named {shown_value(slot['name'])}: a slot goes "
                "under its own name"
            )
        if "confirmationStatus" in slot:
            _one_of(
                f"updatedIntent slot {said} confirmationStatus",
                slot["confirmationStatus"],
                CONFIRMATION_STATUSES,
            )
    return intent
