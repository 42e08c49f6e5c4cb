"""A tool or package a test needs that this machine lacks: the test is skipped here, and fails
where the CI environment variable is set (.ci/run sets it and installs everything the suite
needs), so that no test is ever left out there."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def unavailable(reason: str, must_run: str = "the tests that need it") -> NoReturn:
    """Skip the test, ``reason`` saying what is missing; with CI set, fail it instead, saying
    that ``must_run`` must run there."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: {must_run} must run)")
    pytest.skip(reason)
