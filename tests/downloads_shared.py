"""What the chain download tests share (tests/test_downloads*.py): a request's time and body, the
test PKI, a coroutine run, and a made-up certificate URL.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any

import pytest

from alexaskill.testing import RequestFactory, TestPKI

NOW = datetime.now(UTC).replace(microsecond=0)
BODY = json.dumps(RequestFactory().envelope("LaunchRequest", now=NOW)).encode()


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return TestPKI.default()


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coro)


def forged(n: int | str) -> str:
    return f"https://s3.amazonaws.com/echo.api/made-up-{n}.pem"
