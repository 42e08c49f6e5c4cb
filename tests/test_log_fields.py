"""The request line's values (`alexaskill.log_fields`): the JSON line made in one function is the
line `JsonFormatter` makes of the request line's record, whatever the request holds."""

from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from alexaskill.exceptions import MalformedRequestError
from alexaskill.log_fields import json_line, line_args, line_message
from alexaskill.log_fit import MAX_LINE_BYTES
from alexaskill.log_format import JsonFormatter
from alexaskill.logs import _record
from alexaskill.models import Envelope, decode_envelope
from tests.in_threads import ended

FIXTURE = Path(__file__).parent / "fixtures" / "requests" / "IntentRequest.GetWeather.json"


def _envelope(change: dict[str, Any] | None = None, *, user: bool = True) -> Envelope:
    raw = json.loads(FIXTURE.read_text(encoding="utf-8"))
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


# Pieces of the generated values: Alexa's own, and what no request of Alexa's holds but a forged
# one may (spaces, quotes, backslashes, control and separator characters, four-byte characters,
# values past MAX_VALUE alone or together, what looks like the rest of the line).
_PIECES = (
    "", "IntentRequest", "LaunchRequest", "GetWeather", "amzn1.echo-api.request.6e0b",
    "fr-FR", " ", '"', "\\", "\n", "\r", "\t", "\x00", "\x1b[31m", "\x7f", "\u2028", "\u00e9",
    "\U0001f600", "%s", "{}", " -> ok (200)", "id=x", "a" * 60, "b" * 200, "\u00e9" * 300,
    "\U0001f600" * 700, "\x00" * 900,
)  # fmt: skip


def _value(rng: random.Random) -> str:
    return "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 4)))


def _generated(rng: random.Random) -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    request = raw["request"]
    request["type"] = rng.choice(["IntentRequest", "LaunchRequest", _value(rng)])
    request["requestId"] = _value(rng)
    if rng.random() < 0.2:
        request.pop("locale", None)
    else:
        request["locale"] = _value(rng)
    if rng.random() < 0.8:
        request["intent"] = {"name": _value(rng)}
    else:
        request.pop("intent", None)
    for holder in (raw["context"]["System"], raw["session"]):
        if rng.random() < 0.3:
            holder.pop("user", None)
        else:
            holder["user"] = {"userId": rng.choice(["", _value(rng)])}
    return raw


def _time(rng: random.Random) -> float | None:
    return rng.choice([None, 0.0, 0.049, 0.05, 1.25, 12.95, -1.0, 99_999.999, 1e300])


def test_the_json_line_and_the_records_line_agree_on_generated_envelopes() -> None:
    # A seeded generator, not a property-testing tool (none among the test dependencies): the
    # same 600 envelopes each run, every one compared byte for byte with the formatter's line of
    # `line_args`/`line_message`/`line_fields`, so that json_line's own copy of their clean-value
    # test and message cannot drift from them.
    rng = random.Random(20261205)
    outcomes = ("ok", "unhandled", "refused:signature", "error:handler", 'x y "z"\n')
    compared = 0
    for _ in range(600):
        try:
            envelope: Envelope | None = decode_envelope(json.dumps(_generated(rng)).encode())
        except MalformedRequestError:  # a value the envelope's decoder refuses (an empty intent)
            continue
        if rng.random() < 0.05:
            envelope = None
        call = (rng.choice(outcomes), rng.choice([None, 200, 400, 500]), _time(rng), _time(rng))
        now_ns = rng.randrange(0, 4_000_000_000) * 1_000_000_000 + rng.randrange(1_000_000_000)
        line = json_line(now_ns, envelope, *call)
        record = _record(envelope, *call)
        record.created = now_ns / 1e9
        standard = JsonFormatter().format(record)
        assert line.split(",", 1)[1] == standard.split(",", 1)[1], (envelope, call)
        # With its newline, within what a pipe writes whole.
        assert len(line.encode()) + 1 <= MAX_LINE_BYTES, (envelope, call)
        assert json.loads(line)["message"] == line_message(*line_args(envelope, *call))
        compared += 1
    assert compared >= 450


@pytest.mark.parametrize("module", ["log_fields", "log_lambda", "logs", "log_early"])
def test_log_fields_imports_no_private_name_of_another_module(module: str) -> None:
    # It made the JSON line with three private names of log_format (the logger's name, the
    # line's Struct, the UTC clock): now public there, or in log_times, their shared home.
    # log_lambda fitted its text line, and logs and log_early made the plain formatter and
    # escaped arguments, with private names of log_format and log_values: public there now.
    import ast
    import importlib

    path = importlib.import_module(f"alexaskill.{module}").__file__
    assert path is not None
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    private = [
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.startswith("_") and alias.name != "annotations"
    ]
    assert private == []


def test_a_json_line_made_by_another_thread_meanwhile_leaves_this_ones_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each thread encodes into a buffer it keeps (`log_format.json_request_line`), then decodes
    # it: another thread's line made between the two (a thread switch there, at any request of
    # the workers) must not be what this one reads. Run at that point here, not left to a race
    # (four threads making 3,200 lines at once passed with a buffer shared by all).
    from alexaskill import log_fit, log_format

    encoder = log_fit.JSON_ENCODER
    short, long = _envelope({"requestId": "id-1"}), _envelope({"requestId": "id-" + "x" * 200})
    short_line = json_line(0, short, "ok", 200, 1.0, 2.0)
    long_line = json_line(0, long, "ok", None, None, None)
    meanwhile: list[str] = []

    class Switching:
        """The encoder, another thread making its line just after this one is encoded."""

        def encode(self, value: Any) -> bytes:
            return encoder.encode(value)

        def encode_into(self, value: Any, buffer: bytearray) -> None:
            encoder.encode_into(value, buffer)
            if threading.current_thread() is threading.main_thread():
                other = threading.Thread(
                    target=lambda: meanwhile.append(json_line(0, short, "ok", 200, 1.0, 2.0)),
                    daemon=True,
                )
                other.start()
                ended(other)

    monkeypatch.setattr(log_format, "JSON_ENCODER", Switching())
    assert (
        json_line(0, long, "ok", None, None, None) == long_line
    )  # (its line the longer: not cut short)
    assert json_line(0, short, "ok", 200, 1.0, 2.0) == short_line
    assert meanwhile == [short_line] * 2
