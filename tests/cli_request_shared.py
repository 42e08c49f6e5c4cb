"""What the tests of ``alexaskill request`` share (tests/test_cli_request*.py): a slot of the
request it printed."""

from __future__ import annotations

import json
from typing import Any


def slot_of(out: str, name: str) -> dict[str, Any]:
    slot: dict[str, Any] = json.loads(out)["request"]["intent"]["slots"][name]
    return slot
