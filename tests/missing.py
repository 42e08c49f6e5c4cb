"""A tool or package a test needs that this machine lacks: the test is skipped here, and fails
where the CI environment variable is set (.ci/run sets it and installs everything the suite
needs), so that no test is ever left out there."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from types import ModuleType
from typing import NoReturn, TypeVar

import pytest

T = TypeVar("T")

#: Why a fixture could not make what its test needs, under CI (`made_or_failed`): tests/conftest.py
#: fails the test with it as it runs.
UNAVAILABLE = pytest.StashKey[str]()

# What a CI environment variable that says "not CI" holds (a developer's CI=0 to run the suite
# as on a workstation): set to one of these, a missing tool skips its test as if CI were unset.
_NOT_CI = frozenset({"0", "false", "no"})


def under_ci() -> bool:
    """Whether the CI environment variable is set to something other than empty, 0, false or
    no (in any case)."""
    value = os.environ.get("CI", "").strip().lower()
    return value != "" and value not in _NOT_CI


def unavailable(reason: str, must_run: str = "the tests that need it") -> NoReturn:
    """Skip the test, ``reason`` saying what is missing; with CI set, fail it instead, saying
    that ``must_run`` must run there."""
    if under_ci():
        pytest.fail(f"{reason} (CI is set: {must_run} must run)")
    pytest.skip(reason)


def imported_or_skip(module: str, must_run: str = "the tests that need it") -> ModuleType:
    """``module`` imported, as `pytest.importorskip` does, except that under CI (the test extra
    installs it) a module that cannot be imported fails the test instead of skipping it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        unavailable(f"{module} is not installed: pip install -e '.[test]'", must_run)


def made_or_failed(request: pytest.FixtureRequest, make: Callable[[], T]) -> T | None:
    """``make()``, for a function-scoped fixture: skipped as `unavailable` skips, but under CI its
    test fails as it runs (None given, never read), where a fixture that fails would make it an
    error, which says the suite's set-up broke, not that a test could not run."""
    try:
        return make()
    except pytest.fail.Exception as failed:
        request.node.stash[UNAVAILABLE] = failed.msg
        return None
