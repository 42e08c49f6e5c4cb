"""What the tests of alexaskill.directives share (tests/test_directives*.py): a stream URL, and
the directives as Alexa receives them (wire, one). (Their APL for audio document is
tests/responses_shared.py's.)"""

from __future__ import annotations

import json
from typing import Any

from msgspec import UNSET

from alexaskill.responses import Directive, Response, directive_type, encode_response, output_speech

URL = "https://cdn.example.com/podcast/episode-42.mp3"
QUESTION = output_speech("Which one?")


def wire(*items: Directive | dict[str, Any]) -> list[Any]:
    """The directives as Alexa receives them (with speech when a dialog step asks a question)."""
    asks = {"Dialog.ElicitSlot", "Dialog.ConfirmSlot", "Dialog.ConfirmIntent"}
    speech = QUESTION if asks & {directive_type(item) for item in items} else UNSET
    body = json.loads(encode_response(Response(output_speech=speech, directives=items)))
    directives_json: list[Any] = body["response"]["directives"]
    return directives_json


def one(item: Directive) -> Any:
    return wire(item)[0]
