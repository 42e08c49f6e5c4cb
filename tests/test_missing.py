"""tests/missing.py: a test that needs what this machine lacks skips here, and fails under CI,
never skipped there (tests/conftest.py's servers, the browser tests, the Dockerfile's lint, the
load harness, the modules of the test extra all go through it); CI=0, false or no is not CI."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

import pytest

from tests.missing import imported_or_skip, unavailable
from tests.processes import installed_or_skip

ROOT = Path(__file__).resolve().parent.parent


def _outcome(call: Callable[[], object]) -> BaseException | None:
    """What ``call`` ended with (None: it returned): a skip is caught too
    (`pytest.raises(pytest.fail.Exception)` would let it through, and this test would be
    skipped, not failed)."""
    try:
        call()
    except BaseException as exc:  # pytest's skip and fail are BaseExceptions
        return exc
    return None


@pytest.mark.parametrize("ci", ["1", "true", "True", "yes"])
def test_under_ci_a_missing_tool_fails_the_test(monkeypatch: pytest.MonkeyPatch, ci: str) -> None:
    monkeypatch.setenv("CI", ci)
    ended = _outcome(lambda: unavailable("redis-server not installed", "the Redis tests"))
    assert isinstance(ended, pytest.fail.Exception), repr(ended)
    assert str(ended) == "redis-server not installed (CI is set: the Redis tests must run)"


@pytest.mark.parametrize("ci", [None, "", "0", "false", "False", "no", "NO"])
def test_elsewhere_a_missing_tool_skips_the_test(
    monkeypatch: pytest.MonkeyPatch, ci: str | None
) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    ended = _outcome(lambda: unavailable("redis-server not installed"))
    assert isinstance(ended, pytest.skip.Exception), repr(ended)
    assert str(ended) == "redis-server not installed"


def test_under_ci_a_tool_not_installed_fails_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "1")
    ended = _outcome(lambda: installed_or_skip("no-such-tool-here", "the load-harness test"))
    assert isinstance(ended, pytest.fail.Exception), repr(ended)
    assert "no-such-tool-here is not installed" in str(ended)
    assert "the load-harness test must run" in str(ended)


def test_a_tool_installed_is_neither_skipped_nor_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "1")
    assert _outcome(lambda: installed_or_skip(sys.executable, "the load-harness test")) is None


def test_under_ci_a_module_that_cannot_be_imported_fails_the_test(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # uvloop, trio, httptools, botocore: the test extra installs them, and a test that needs one
    # was skipped under CI too (pytest.importorskip) when it was missing.
    monkeypatch.setenv("CI", "1")
    ended = _outcome(lambda: imported_or_skip("no_such_module_here", "the uvloop tests"))
    assert isinstance(ended, pytest.fail.Exception), repr(ended)
    assert str(ended) == (
        "no_such_module_here is not installed: pip install -e '.[test]' "
        "(CI is set: the uvloop tests must run)"
    )
    monkeypatch.setenv("CI", "0")
    ended = _outcome(lambda: imported_or_skip("no_such_module_here"))
    assert isinstance(ended, pytest.skip.Exception), repr(ended)


def test_a_module_that_imports_is_returned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "1")
    assert imported_or_skip("json") is json


#: Under each of these values of CI in turn, in one Python (`_EACH_CI`): "1" is CI, "0" is not.
_CIS: Final = ("1", "0")

#: The line that starts what a run under CI=<value> printed (`_EACH_CI`).
_RUN_UNDER: Final = "=== run under CI="

#: A pytest run on its arguments once under each CI value given (comma-separated), one after
#: the other in this Python, each with a base temporary folder of its own under the one given:
#: a Python and pytest started once, the test modules collected and imported once, for both
#: runs (what the run under CI=0 costs was a second start and collection: 3 s of CPU of 4).
#: Nothing read CI as it was imported: each test reads it as it runs (tests/missing.py).
_EACH_CI = f"""
import os, sys
import pytest

cis, base, arguments = sys.argv[1].split(","), sys.argv[2], sys.argv[3:]
for ci in cis:
    os.environ["CI"] = ci
    print("{_RUN_UNDER}" + ci, flush=True)
    pytest.main([*arguments, "--basetemp", os.path.join(base, "base-" + ci)])
    sys.stdout.flush()
    sys.stderr.flush()
"""


def _without_httptools(
    tmp_path: Path, *arguments: str, modules: Sequence[str] = ()
) -> dict[str, tuple[str, str]]:
    """A pytest of its own run on ``arguments`` and the test ``modules`` (by name), under CI=1
    and under CI=0, with an httptools that cannot be imported first on the path: for each CI
    value, that run's summary line, and the end of what it printed."""
    return _without(tmp_path, ["httptools"], *arguments, modules=modules)


def _without(
    tmp_path: Path, packages: list[str], *arguments: str, modules: Sequence[str] = ()
) -> dict[str, tuple[str, str]]:
    """`_without_httptools`, with each of ``packages`` hidden so."""
    hidden = tmp_path / "hidden"
    for package in packages:
        (hidden / package).mkdir(parents=True)
        (hidden / package / "__init__.py").write_text(
            f"raise ImportError('{package} hidden')\n", encoding="utf-8"
        )
    command = [sys.executable, "-c", _EACH_CI, ",".join(_CIS), str(tmp_path)]
    command += ["-q", "-rfs", "-p", "no:cacheprovider", "-n", "0"]
    # What is asserted is in the summary lines (-rfs), not in tracebacks: --tb=no. Files named
    # on the command line are collected whatever python_files says, and pytest lists tests/
    # again for each of them, making a module of each of its test files: python_files matching
    # none of them left a quarter of the CPU of the run of 16 modules under CI (and a
    # traceback for each of its 240 failed tests, another quarter).
    # Modules run whole are named by python_files instead, tests/ given once: its walk for each
    # of 16 modules named was another fifth of the CPU of the run (7 December 2026).
    files = " ".join(f"{module}.py" for module in modules) or "no_other_module.py"
    command += ["--tb=no", "-o", f"python_files={files}", *(["tests"] if modules else [])]
    command += arguments
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(hidden), str(ROOT)))}
    run = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    # A run that never came (the Python failed before it) has no summary, and the end of all
    # that was printed: its test fails saying so, as the other's does.
    runs = {ci: ("", run.stdout[-5000:]) for ci in _CIS}
    for part in run.stdout.split(_RUN_UNDER)[1:]:
        ci, _, printed = part.partition("\n")
        lines = printed.strip().splitlines() or [""]
        runs[ci] = (lines[-1], printed[-5000:])
    return runs


def _outcomes(summary: str) -> dict[str, int]:
    """The counts of pytest's summary line ("17 failed, 22 deselected in 3.1s"), by outcome
    ("error" for "errors", as "1 error" writes it); its warnings left out: not an outcome of a
    test (any other word is kept, so that an outcome not expected still fails an assertion)."""
    counts = re.findall(r"(\d+) (\w+)", summary.split(" in ")[0])
    found = {word.removesuffix("s"): int(number) for number, word in counts}
    found.pop("warning", None)
    return found


@pytest.mark.parametrize("warned", ["", ", 1 warning", ", 2 warnings"])
def test_a_runs_outcomes_leave_its_warnings_out(warned: str) -> None:
    # "1 warning" was read as an outcome: a warning in the run (a deprecation in a dependency,
    # say) failed the httptools tests below, whose outcomes must be failed (or skipped) alone.
    summary = f"17 failed, 22 deselected, 1 error{warned} in 3.10s"
    assert _outcomes(summary) == {"failed": 17, "deselected": 22, "error": 1}


# The tests' ways to alexaskill's protocol on httptools (tests/server_protocols.py,
# tests/threaded_uvicorn.py), each skipped without httptools and failed under CI.
_ON_HTTPTOOLS = frozenset({"on_httptools", "protocol_of", "http_protocol"})


def _on_httptools(node: ast.AST) -> bool:
    """Whether ``node`` is a test taking the ``protocol_class`` fixture, a call of one of
    `_ON_HTTPTOOLS` or ``imported_or_skip("httptools", ...)``."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return node.name.startswith("test") and "protocol_class" in {a.arg for a in node.args.args}
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name == "imported_or_skip":
        first = node.args[0] if node.args else None
        return isinstance(first, ast.Constant) and first.value == "httptools"
    return name in _ON_HTTPTOOLS


def _may_be_on_httptools(source: str) -> bool:
    """Whether ``source`` names anything `_on_httptools` looks for: parsing only those (two
    dozen of the suite's 600 test modules) took 4 s of CPU off each of this module's three
    calls of `httptools_modules`."""
    return any(name in source for name in (*_ON_HTTPTOOLS, "protocol_class", "imported_or_skip"))


def httptools_modules(tests: Path = ROOT / "tests") -> list[str]:
    """The test modules in ``tests`` with cases on httptools (`_on_httptools`), by name; not
    this one, whose own tests' names say httptools."""
    sources = {
        path.stem: path.read_text(encoding="utf-8")
        for path in sorted(tests.glob("test_*.py"))
        if path.name != Path(__file__).name
    }
    return [
        name
        for name, source in sources.items()
        if _may_be_on_httptools(source) and any(map(_on_httptools, ast.walk(ast.parse(source))))
    ]


@pytest.fixture(scope="module")
def httptools_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """The httptools cases of every module with cases on httptools (`httptools_modules`), run
    without httptools under each CI value (`_without_httptools`)."""
    modules = httptools_modules()
    tmp_path = tmp_path_factory.mktemp("httptools")
    return _without_httptools(tmp_path, "-k", "httptools and not h11", modules=modules)


@pytest.mark.parametrize("ci", _CIS)
def test_the_in_process_protocol_tests_on_httptools_without_httptools_fail_under_ci(
    httptools_runs: dict[str, tuple[str, str]], ci: str
) -> None:
    # Without httptools, alexaskill.server's HttpProtocol is H11Protocol: the "httptools" cases of
    # tests/test_server_starts.py, test_server_closing.py and test_server_tls.py (on subclasses
    # of it) ran h11 a second time and passed, under CI too. (In a pytest of its own, where an
    # httptools that cannot be imported comes first on the path.)
    # tests/server_protocols.py's PROTOCOLS held alexaskill.server.HttpToolsProtocol, None
    # without httptools: a TypeError, not a skip. tests/exchange_harness.py imported uvicorn's
    # httptools protocol: six modules failed to load. test_server_lingering.py's cases and
    # test_server_heads.py's "httptools" one ran h11 again and passed. Now each is skipped, or
    # fails under CI: as a failed test, not an error, where the `protocol_class` fixture fails
    # it (an error says the suite's set-up broke, not that a test could not run). Every module
    # with cases on httptools runs (`httptools_modules`), not a list that a new one is left out of.
    summary, said = httptools_runs[ci]
    assert "httptools is not installed" in said, said
    # None ran on h11 under httptools' name: each failed under CI, and was skipped elsewhere
    # (their number changes with each case added to those modules: not what this is about).
    outcomes = _outcomes(summary)
    assert set(outcomes) == {"failed" if ci == "1" else "skipped", "deselected"}, said


# One test a fixture that starts what it needs (a session's, a module's, a test's own), each
# needing what `_without` hides: redis, moto, Playwright.
NEEDING_A_SCOPED_FIXTURE = [
    "test_store_redis.py::test_redis_store_used_from_one_event_loop_after_another",  # redis_url
    "test_store_redis_client.py::test_redis_cluster_failures_name_the_cluster",  # module's
    "test_store_redis.py::test_no_apology_once_redis_is_back",  # redis_servers, the test's
    "test_dynamodb.py::test_named_key_and_column_and_other_columns_are_kept",  # moto_endpoint
    "test_simulator_browser_start.py::test_the_reason_the_api_refuses_the_page_is_shown",
]


@pytest.fixture(scope="module")
def scoped_fixture_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """`NEEDING_A_SCOPED_FIXTURE`, run without redis, moto and Playwright under each CI value
    (`_without`)."""
    tests = [f"tests/{test}" for test in NEEDING_A_SCOPED_FIXTURE]
    tmp_path = tmp_path_factory.mktemp("scoped")
    return _without(tmp_path, ["redis", "moto", "playwright"], *tests)


@pytest.mark.parametrize("ci", _CIS)
def test_a_fixture_of_any_scope_that_lacks_its_tool_fails_its_test_under_ci(
    scoped_fixture_runs: dict[str, tuple[str, str]], ci: str
) -> None:
    # redis_url and moto_endpoint (a session's), module_redis_servers and the simulator (a
    # module's) failed under CI as they started: each test that needed them was an ERROR of
    # the suite's set-up, not a failed test. Now each fails as a test (and is skipped elsewhere).
    summary, said = scoped_fixture_runs[ci]
    expected = {"failed" if ci == "1" else "skipped": len(NEEDING_A_SCOPED_FIXTURE)}
    assert _outcomes(summary) == expected, said
    for missing in ("redis package", "moto's server", "Playwright for Python"):
        assert f"{missing} is not installed" in said, said


def test_the_modules_with_cases_on_httptools_are_found(tmp_path: Path) -> None:
    # The run above listed its modules by hand: test_exchange_framing_chunks.py, split from
    # test_exchange_framing.py, was left out of it. (Another run listed three of them again,
    # run twice so: test_server_starts.py, test_server_closing.py, test_server_tls.py.)
    found = httptools_modules()
    assert "test_exchange_framing_chunks" in found
    assert {"test_server_starts", "test_server_closing", "test_server_tls"} <= set(found)
    tests = {
        "test_fixture": "def test_a(protocol_class: type) -> None: ...\n",
        "test_alone": "from tests.server_protocols import on_httptools\n\nx = on_httptools()\n",
        "test_skip": "import tests.missing as m\n\nm.imported_or_skip('httptools', 'them')\n",
        "test_threaded": "def test_b() -> None:\n    http_protocol('httptools')\n",
        "test_neither": "imported_or_skip('uvloop')\nimported_or_skip(name)\n",
        "test_named": "def test_takes_a_protocol_class(http: str) -> None: ...\n",
    }
    for name, source in tests.items():
        (tmp_path / f"{name}.py").write_text(source, encoding="utf-8")
    found = ["test_alone", "test_fixture", "test_skip", "test_threaded"]
    assert httptools_modules(tmp_path) == found
