"""What the logging tests share (tests/test_logs*.py, test_log_format.py): the sample envelopes, the
"alexaskill" logger put back after each test (restore_logger, autouse: each module imports it by
name, so that it runs for that module's tests), JSON lines read back, a stream that keeps each
write, and a script run by a Python of its own."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alexaskill.models import Envelope, decode_envelope

from .logger_state import alexaskill_logger_kept

FIXTURES = Path(__file__).parent / "fixtures" / "requests"


@pytest.fixture(autouse=True)
def restore_logger() -> Iterator[None]:
    """configure_logging changes the global "alexaskill" logger: put it back after each test."""
    with alexaskill_logger_kept():
        yield


def envelope(name: str = "IntentRequest.GetWeather") -> Envelope:
    return decode_envelope((FIXTURES / f"{name}.json").read_bytes())


def json_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def run_script(script: str) -> subprocess.CompletedProcess[str]:
    """``script`` run by a Python of its own, to its end (what import and exit do to logging)."""
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
