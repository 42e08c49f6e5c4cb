"""The request line's values (`alexaskill.log_fields`): the JSON line made in one function is the
line `JsonFormatter` makes of the request line's record, whatever the request holds."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from alexaskill.log_fields import json_line
from alexaskill.log_format import JsonFormatter
from alexaskill.logs import _record
from alexaskill.models import Envelope, decode_envelope

FIXTURE = Path(__file__).parent / "fixtures" / "requests" / "IntentRequest.GetWeather.json"


def _envelope(change: dict[str, Any] | None = None, *, user: bool = True) -> Envelope:
    raw = json.loads(FIXTURE.read_text())
    raw["request"].update(change or {})
    if not user:
        raw["context"]["System"].pop("user", None)
        raw.get("session", {}).pop("user", None)
    return decode_envelope(json.dumps(raw).encode())


@pytest.mark.parametrize(
    ("envelope", "call"),
    [
        (_envelope(), ("ok", 200, 1.23456, 0.5)),
        (_envelope(), ("unhandled", None, None, None)),
        (_envelope(user=False), ("ok", 200, 0.049, 12.95)),
        (None, ("refused:signature", 400, None, 2.0)),
        (_envelope({"requestId": "id\nINFO forged -> ok"}), ("ok", 200, 1.0, 1.0)),
        (_envelope({"requestId": 'a "quoted" id\\'}), ("ok", 200, 1.0, 1.0)),
        (_envelope({"requestId": ""}), ("ok", 200, 1.0, 1.0)),
        (_envelope({"requestId": "x" * 1_000, "locale": "y" * 300}), ("ok", 200, 1.0, 1.0)),
        (_envelope({"requestId": "\U0001f600\u2028\x00" * 200}), ("ok", 200, 1.0, 1.0)),
        (_envelope({"type": "Custom.Type", "locale": "fr-FR"}), ("ok", 200, 1.0, 1.0)),
    ],
)
def test_the_json_line_is_the_formatters_line_of_the_record(
    envelope: Envelope | None, call: tuple[Any, ...]
) -> None:
    now_ns = time.time_ns()
    line = json_line(now_ns, envelope, *call)
    record = _record(envelope, *call)
    record.created = now_ns / 1e9
    standard = JsonFormatter().format(record)
    # After the time (no comma in it), byte for byte: the message, the fields, their order.
    assert line.split(",", 1)[1] == standard.split(",", 1)[1]
    assert line.startswith('{"time":"') and len(line.encode()) < 4_096
