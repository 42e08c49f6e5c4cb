"""What the tests of registration (tests/test_registration*.py) share: a handler of the parameters
given, written as source."""

from __future__ import annotations

import datetime
from typing import Any

from alexaskill import speak


def _handler(parameters: str) -> Any:
    namespace: dict[str, Any] = {"speak": speak, "datetime": datetime}
    exec(f"def handler({parameters}):\n    return speak('ok')\n", namespace)
    return namespace["handler"]
