"""The events AWS Lambda hands a skill's handler, for tests/test_aws_lambda*.py: a sample request
of tests/fixtures/requests (`event`), and the GetWeather sample made another intent's, for another
user (`intent_event`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# The skills answer DEFAULT_SKILL_ID, by its name: the id the sample envelopes carry.
FIXTURES = Path(__file__).parent / "fixtures" / "requests"


def event(name: str) -> dict[str, Any]:
    """The sample request ``name`` (tests/fixtures/requests/NAME.json), as an event."""
    loaded: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def intent_event(intent: str, *, user_id: str | None = None) -> dict[str, Any]:
    """The GetWeather sample asking ``intent``, with no slots; from ``user_id`` if given."""
    sample = event("IntentRequest.GetWeather")
    sample["request"]["intent"] = {"name": intent, "confirmationStatus": "NONE", "slots": {}}
    if user_id is not None:
        sample["context"]["System"]["user"]["userId"] = user_id
    return sample
