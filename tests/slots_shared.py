"""What the slot conversion tests (tests/test_slots*.py) share: a converter's result for a
simple slot, a slot decoded from its JSON, a value with one authority's resolution, and an enum
of cities."""

from __future__ import annotations

import datetime
import enum
from typing import Any

import msgspec

from alexaskill.models import Slot
from alexaskill.slots import converter_for
from alexaskill.testing import DEFAULT_SKILL_ID

D = datetime.date
AUTHORITY = f"amzn1.er-authority.echo-sdk.{DEFAULT_SKILL_ID}"


def convert(annotation: Any, value: str | None) -> Any:
    """Convert a simple slot holding ``value`` (unfilled when ``None``) as ``annotation``."""
    return converter_for("tests.handler", "x", annotation)(Slot(name="x", value=value))


def decode(json: str) -> Slot:
    return msgspec.json.decode(json, type=Slot)


def resolved(value: str, *matches: tuple[str, str | None], code: str = "ER_SUCCESS_MATCH") -> str:
    """The JSON of a simple slot value with one authority's resolution."""
    values = ", ".join(
        f'{{"value": {{"name": "{name}"' + (f', "id": "{id_}"' if id_ else "") + "}}"
        for name, id_ in matches
    )
    return (
        f'{{"value": "{value}", "resolutions": {{"resolutionsPerAuthority": [{{'
        f'"authority": "{AUTHORITY}.City", "status": {{"code": "{code}"}}, "values": [{values}]'
        "}]}}"
    )


#: A slot type's values as an enum (tests/test_slots.py's annotations, and the enums' tests).
class City(enum.StrEnum):
    NEW_YORK = "nyc"
    PARIS = "paris"
