"""A tool or package a test needs that this machine lacks: the test is skipped here, and fails
where the CI environment variable is set (.ci/run sets it and installs everything the suite
needs), so that no test is ever left out there. A plugin of the run (tests/conftest.py registers
it): its hooks fail, as it runs, a test whose fixture could not make what it needs under CI."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from types import ModuleType
from typing import NoReturn

import pytest

# pytest.fail.Exception, by its class's own name: mypy takes that attribute for a value, not a
# class it can subclass.
from _pytest.outcomes import Failed

#: Why a fixture could not make what its test needs, under CI (`Unavailable`): `pytest_runtest_call`
#: fails the test with it as it runs.
UNAVAILABLE = pytest.StashKey[str]()

# What a CI environment variable that says "not CI" holds (a developer's CI=0 to run the suite
# as on a workstation): set to one of these, a missing tool skips its test as if CI were unset.
_NOT_CI = frozenset({"0", "false", "no"})


class Unavailable(Failed):
    """What `unavailable` raises under CI: a failure, which `pytest_runtest_setup` takes from a
    fixture of any scope and fails its test with as it runs, where it would be an ERROR, which
    says the suite's set-up broke, not that a test could not run."""


def under_ci() -> bool:
    """Whether the CI environment variable is set to something other than empty, 0, false or
    no (in any case)."""
    value = os.environ.get("CI", "").strip().lower()
    return value != "" and value not in _NOT_CI


def unavailable(reason: str, must_run: str = "the tests that need it") -> NoReturn:
    """Skip the test, ``reason`` saying what is missing; with CI set, fail it instead, saying
    that ``must_run`` must run there."""
    if under_ci():
        raise Unavailable(f"{reason} (CI is set: {must_run} must run)")
    pytest.skip(reason)


def imported_or_skip(module: str, must_run: str = "the tests that need it") -> ModuleType:
    """``module`` imported, as `pytest.importorskip` does, except that under CI (the test extra
    installs it) a module that cannot be imported fails the test instead of skipping it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        unavailable(f"{module} is not installed: pip install -e '.[test]'", must_run)


# --- the run's hooks: this module is a plugin (tests/conftest.py registers it) -----------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    """A fixture that lacks its tool under CI (`tests.missing.Unavailable`), of whatever scope
    (a session's raises again for each of its tests): its test's set-up ends there, and
    `pytest_runtest_call` fails the test."""
    try:
        return (yield)
    except Unavailable as missing:
        item.stash[UNAVAILABLE] = missing.msg or ""
        return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """Fail, before its body runs, a test whose fixture could not make what it needs under CI
    (`pytest_runtest_setup`)."""
    reason = item.stash.get(UNAVAILABLE, None)
    if reason is not None:
        pytest.fail(reason, pytrace=False)
