"""The answer to a CanFulfillIntentRequest: `can_fulfill` and the values it is made of."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

import msgspec
from msgspec import UNSET, UnsetType
from msgspec.structs import force_setattr

from ..articles import type_with_article
from ..exceptions import ResponseError
from ..shown_names import shown_value
from .response import Response

__all__ = [
    "CanFulfillIntent",
    "CanFulfillSlot",
    "can_fulfill",
]

_Answer = Literal["YES", "NO", "MAYBE"]
_CAN_UNDERSTAND: Final = ("YES", "NO", "MAYBE")
_CAN_FULFILL_SLOT: Final = ("YES", "NO")


def _check_answer(field: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ResponseError(f"{field} is {shown_value(value)}; use one of {', '.join(allowed)}")


class CanFulfillSlot(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """Whether the skill understands a slot's value (YES/NO/MAYBE) and can act on it (YES/NO)."""

    can_understand: _Answer
    can_fulfill: Literal["YES", "NO"] | UnsetType = UNSET

    def __post_init__(self) -> None:
        _check_answer("canFulfillIntent slot canUnderstand", self.can_understand, _CAN_UNDERSTAND)
        if self.can_fulfill is not UNSET:
            _check_answer("canFulfillIntent slot canFulfill", self.can_fulfill, _CAN_FULFILL_SLOT)


class CanFulfillIntent(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """``canFulfillIntent``: the skill's answer (YES/NO/MAYBE) and its answer for each slot."""

    can_fulfill: _Answer
    slots: dict[str, CanFulfillSlot] | UnsetType = UNSET

    def __post_init__(self) -> None:
        _check_answer("canFulfillIntent canFulfill", self.can_fulfill, _CAN_UNDERSTAND)
        slots = self.slots
        if slots is UNSET:
            return
        if not isinstance(slots, Mapping):
            raise ResponseError(
                f"canFulfillIntent slots must be a mapping, not {type_with_article(slots)}"
            )
        for name, slot in slots.items():
            if not isinstance(name, str) or not name:
                raise ResponseError(
                    f"canFulfillIntent slot names must be non-empty str, not {name!r}"
                )
            if not isinstance(slot, CanFulfillSlot):
                raise ResponseError(
                    f"canFulfillIntent slots[{name!r}] must be a CanFulfillSlot, not "
                    f"{type_with_article(slot)} (can_fulfill() takes pairs)"
                )
        if type(slots) is not dict:  # msgspec encodes a dict
            force_setattr(self, "slots", dict(slots))


def can_fulfill(
    answer: _Answer,
    slots: Mapping[str, CanFulfillSlot | tuple[str, str]] | None = None,
) -> Response:
    """Answer a CanFulfillIntentRequest: ``can_fulfill("YES", {"city": ("YES", "YES")})``.

    Each slot is ``(canUnderstand, canFulfill)`` or a `CanFulfillSlot` (which may leave
    canFulfill out). The response carries ``canFulfillIntent`` and nothing else.
    """
    built: dict[str, CanFulfillSlot] = {}
    if slots is not None and not isinstance(slots, Mapping):
        raise ResponseError(
            "slots must be a mapping of slot names to (canUnderstand, canFulfill), "
            f"not {type_with_article(slots)}"
        )
    for name, value in (slots or {}).items():
        if isinstance(value, CanFulfillSlot):
            built[name] = value
        elif isinstance(value, tuple) and len(value) == 2:
            try:
                built[name] = CanFulfillSlot(*value)  # type: ignore[arg-type]
            except ResponseError as exc:
                raise ResponseError(f"slot {name}: {exc}") from None
        else:
            raise ResponseError(
                f"slot {name}: give (canUnderstand, canFulfill), e.g. ('YES', 'YES'), "
                f"or a CanFulfillSlot, not {shown_value(value)}"
            )
    return Response(
        can_fulfill_intent=CanFulfillIntent(answer, built if built else UNSET),
    )
