"""How many Python functions a piece of work calls: the tests' measure of work done per
character or per line (a count, never a time: the machines are shared)."""

from __future__ import annotations

import sys
from collections.abc import Callable


def python_calls(work: Callable[[], object]) -> int:
    """How many Python functions ``work`` calls (its own call aside): not time, a count."""
    calls = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        calls += event == "call"

    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(None)
    return calls - 1
