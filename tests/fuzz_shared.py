"""What the fuzz tests of whole requests share (tests/test_fuzz.py, test_fuzz_headers.py; the
hostile requests of tests/test_adversarial_requests.py take its client and clock too): the
run's seed and size (``ALEXASKILL_FUZZ_SEED``, ``ALEXASKILL_FUZZ_RUNS``, read here, once, for
both), the sample envelopes a run starts from, what is wrong with an answer, and the test client,
whose skill's handlers take typed slots (tests/typed_skill.py) and which fails its test on an
ERROR line logged.

Each module binds the fixture (``fuzz_client = fuzz_shared.fuzz_client``; test_adversarial_requests
binds it as ``client``), as tests/deadline_shared.py's are bound.
"""

from __future__ import annotations

import copy
import datetime
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest

from alexaskill.app import DEFAULT_MAX_BODY_SIZE
from alexaskill.testing import TestClient

from .conftest import SKILL_ID
from .typed_skill import make_skill, typed_slots

NOW: Final = datetime.datetime(2026, 11, 26, 12, 0, 10, tzinfo=datetime.UTC)
STAMP: Final = "2026-11-26T12:00:10Z"
SEED: Final = int(os.environ.get("ALEXASKILL_FUZZ_SEED", "20261201"))
RUNS: Final = int(os.environ.get("ALEXASKILL_FUZZ_RUNS", "300"))
#: The longest 400 body allowed: a short reason, never a traceback.
MAX_REFUSAL: Final = 300
FIXTURES: Final = Path(__file__).parent / "fixtures" / "requests"


# --- the sample envelopes -------------------------------------------------------------------


def _typed_request() -> dict[str, Any]:
    sent = typed_slots({"numbers": ["1", "2"], "colors": ["red", "GREEN"], "dates": ["2026"]})
    base = json.loads((FIXTURES / "IntentRequest.GetWeather.json").read_text("utf-8"))
    base["request"]["intent"] = {"name": "Typed", "confirmationStatus": "NONE", "slots": sent}
    required = copy.deepcopy(base)
    required["request"]["intent"] = {
        "name": "Required",
        "confirmationStatus": "NONE",
        "slots": {name: sent[name] for name in ("number", "day", "color")},
    }
    return {"Typed": base, "Required": required}


def _set_ids(node: Any) -> None:
    """Every applicationId the skill's, so that a mutation reaches the handler."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "applicationId":
                node[key] = SKILL_ID
            else:
                _set_ids(value)
    elif isinstance(node, list):
        for item in node:
            _set_ids(item)


def samples() -> list[dict[str, Any]]:
    envelopes = [json.loads(path.read_text("utf-8")) for path in sorted(FIXTURES.glob("*.json"))]
    # (not IntentRequest.Legacy2015: from before Alexa sent a context, it names no skill in
    # context.System.application and is refused, its handler never reached)
    envelopes = [envelope for envelope in envelopes if "context" in envelope]
    envelopes.extend(_typed_request().values())
    for envelope in envelopes:
        _set_ids(envelope)
        if isinstance(envelope.get("request"), dict):
            envelope["request"]["timestamp"] = STAMP
    return envelopes


# --- running ----------------------------------------------------------------------------------


def check_answer(
    status: int, payload: Any, raw: bytes, handler_error: Any, sent: int = 0
) -> str | None:
    """What is wrong with an answer to a body of ``sent`` bytes, or None."""
    if status == 413 and sent > DEFAULT_MAX_BODY_SIZE:
        status = 400  # (too large: a refusal like the others)
    if status == 400:
        if len(raw) > MAX_REFUSAL:
            return f"400 body of {len(raw)} bytes"
        if not isinstance(payload, dict) or not isinstance(payload.get("error"), str):
            return f"400 body not JSON with an error: {raw[:200]!r}"
        if "Traceback" in raw.decode("utf-8", "replace"):
            return "400 body with a traceback"
        return None
    if status != 200:
        return f"HTTP {status}: {raw[:200]!r}"
    if handler_error is not None:
        return f"handler error {handler_error!r}"
    return None


@pytest.fixture
def fuzz_client(caplog: pytest.LogCaptureFixture) -> Iterator[TestClient]:
    skill = make_skill()
    with (
        caplog.at_level(logging.INFO, logger="alexaskill"),
        TestClient(skill, now=lambda: NOW, raise_handler_errors=False) as client,
    ):
        yield client
    errors = [
        f"{record.name}: {record.getMessage()[:300]}"
        for record in caplog.records
        if record.levelno >= logging.ERROR or record.exc_info
    ]
    assert not errors, "\n".join(errors[:10])


def _still_serving(client: TestClient, sample: dict[str, Any]) -> None:
    body = json.dumps(sample).encode()
    result = client.post(body, client.pki.sign(body))
    assert result.status_code == 200, result.json
