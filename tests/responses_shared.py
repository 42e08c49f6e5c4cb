"""What the tests of alexaskill.responses (tests/test_responses*.py) share: a response's body
and its ``response`` part as Alexa reads them, an APL for audio document, a str enum."""

from __future__ import annotations

import enum
import json
from typing import Any

from alexaskill.responses import Response, encode_response

#: An APL for audio document with what Amazon requires of one (type, version, mainTemplate).
APLA: Any = {"type": "APLA", "version": "0.91", "mainTemplate": {"items": []}}


def body(response: Response | None, attributes: dict[str, Any] | None = None) -> Any:
    return json.loads(encode_response(response, attributes))


def wire(response: Response) -> Any:
    return body(response)["response"]


class Shade(enum.StrEnum):
    DARK = "dark"
