"""What the tests of alexaskill.responses (tests/test_responses*.py) share: a response's body
and its ``response`` part as Alexa reads them, an APL document and an APL for audio one (the
directives' tests' too, tests/directives_shared.py), a str enum, a directive and a card of a
skill's own classes, and an object JSON cannot hold."""

from __future__ import annotations

import enum
import json
from typing import Any

from alexaskill.responses import Card, Directive, Response, encode_response

#: An APL for audio document with what Amazon requires of one (type, version, mainTemplate).
APLA: Any = {"type": "APLA", "version": "0.91", "mainTemplate": {"items": []}}
#: An APL document with what Amazon requires of one.
APL_DOCUMENT: Any = {"type": "APL", "version": "2024.3", "mainTemplate": {"items": []}}


def body(response: Response | None, attributes: dict[str, Any] | None = None) -> Any:
    return json.loads(encode_response(response, attributes))


def wire(response: Response) -> Any:
    return body(response)["response"]


class Shade(enum.StrEnum):
    DARK = "dark"


class Show(Directive, tag="Custom.Show", frozen=True):
    """A directive of the skill's own class (`Directive` is public, for types alexaskill lacks;
    its fields are the skill's to type)."""

    payload: Any = None


class Note(Card, tag="Custom.Note", frozen=True):
    """A card of the skill's own class (`Card` is public too)."""

    text: Any = None


class NotJson:
    """An object JSON cannot hold (its type is named in the error)."""
