"""The run's own guards: the shell's settings of a skill and its proxies gone, no test writing into
this machine's data directory (the development PKI's) or the working directory, a hung test ended
with every thread's traceback, trio kept out of the processes the tests start. A plugin of the run
(tests/conftest.py imports it, which runs the environment's guard before any test module is
imported, and registers it): its hooks and its fixture are the run's, examples/' tests' too, which
share the suite's processes."""

from __future__ import annotations

import faulthandler
import math
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import warm_bytecode

# --- the shell's configuration of a skill is not the tests' ------------------------------------

# The variables settings_from_env() and `alexaskill serve` read (ALEXASKILL_LOG_JSON=1 exported for
# a server the developer runs, say) would change what the tests' skills log, store and accept:
# gone for the whole run, and for the processes the tests start. The suite's own are kept, by
# name (not by the order in which the modules reading them are imported): ALEXASKILL_TEST_*;
# ALEXASKILL_FUZZ_RUNS and ALEXASKILL_FUZZ_SEED, which the fuzz tests read as they are imported,
# after this (tests/fuzz_shared.py, tests/verify_mutations_shared.py); ALEXASKILL_CHROMIUM, the
# browser of the simulator's tests (tests/simulator_browser.py; README.md's "What the tests need"),
# ALEXASKILL_SCREENSHOTS, where they keep their screenshots, and ALEXASKILL_README_SCREENSHOT,
# the file README.md's command draws its picture into (tests/test_simulator_browser_turns.py).
_SUITES_OWN_PREFIX = "ALEXASKILL_TEST_"
_SUITES_OWN = frozenset(
    (
        "ALEXASKILL_FUZZ_RUNS",
        "ALEXASKILL_FUZZ_SEED",
        "ALEXASKILL_CHROMIUM",
        "ALEXASKILL_SCREENSHOTS",
        "ALEXASKILL_README_SCREENSHOT",
    )
)
for _name in [name for name in os.environ if name.startswith("ALEXASKILL_")]:
    if not _name.startswith(_SUITES_OWN_PREFIX) and _name not in _SUITES_OWN:
        del os.environ[_name]

# No test reaches past this machine, and every server a test talks to is on 127.0.0.1: a proxy
# the shell exports (HTTPS_PROXY behind a company's firewall, say) would stand between the tests
# and their own servers. Gone for the whole run too, in any case; a test that means a proxy sets
# it (`no_proxies`, `monkeypatch.setenv`).
for _name in [name for name in os.environ if name.lower().endswith("_proxy")]:
    del os.environ[_name]

# --- no test touches this machine's own data directory -----------------------------------------

# With ALEXASKILL_DEV_PKI_DIR cleared above, the development PKI (`serve --dev`, `chat --url`,
# `replay --url`, the simulator) lives in the per-user data directory (alexaskill/cli/dev.py:
# $XDG_DATA_HOME, else ~/.local/share; %LOCALAPPDATA% on Windows): a test that named no
# directory wrote its keys into the user's own. Each process of the run (the controller, each
# xdist worker) points those variables at a temporary directory of its own when its session
# starts, for its tests and the processes they start; a test's monkeypatch.setenv still wins.
# The directory is made in pytest's own base temporary directory (each worker has its own under
# the controller's), not in /tmp itself: the run removes it when it ends, and what a killed run
# leaves (SIGKILL, a worker the hang limit below ends) goes with the base directory, which pytest
# clears at the next run given that --basetemp and otherwise rotates (the newest three are kept).
_DATA_HOME_VARIABLES = ("XDG_DATA_HOME", "LOCALAPPDATA")
_DATA_HOME = pytest.StashKey[Path]()


def _guard_data_home(config: pytest.Config) -> None:
    factory: pytest.TempPathFactory = config._tmp_path_factory  # type: ignore[attr-defined]
    directory = factory.mktemp("alexaskill-data-home")
    config.stash[_DATA_HOME] = directory
    for name in _DATA_HOME_VARIABLES:
        os.environ[name] = str(directory)


# --- trio stays out of the processes the tests start -------------------------------------------

# httpcore imports trio whenever it is installed, at the first HTTP client a process makes; the
# test extra installs it (anyio's other backend, which tests run skills on). Each process a test
# starts (`alexaskill serve` and its workers, the commands, a Lambda runtime) spent ~0.15 s of CPU
# on it, ~60 s a run, where a skill author's own process, without trio, spends nothing. So each
# process that runs tests (an xdist worker; the one process of -n 0), its own trio imported
# already or importable as ever, puts a stand-in first on PYTHONPATH for the processes it starts:
# their `import trio` fails as it does where trio is not installed (httpcore then goes on
# without), saying why. A pytest started by a test (a run of the suite's own tests in a process of
# their own) imports the real one: the stand-in steps aside once pytest has been imported; and so
# does a fresh Python of tests/fresh_python.py, which tells what a process imports as a skill's on
# trio would (`environment_with_trio`).
_NO_TRIO = """import importlib
import os
import sys

if "_pytest" not in sys.modules:
    raise ImportError(
        "trio is kept out of the processes the tests start (tests/run_guards.py): "
        "a test that needs it there starts a pytest, or takes this folder off PYTHONPATH"
    )
_HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != _HERE]
del sys.modules[__name__]
sys.modules[__name__] = importlib.import_module(__name__)
"""


_NO_TRIO_FOLDER = "no-trio"


def _keep_trio_out_of_started_processes(config: pytest.Config) -> None:
    if config.pluginmanager.has_plugin("dsession"):
        return  # xdist's controller: its workers, started after this, run the tests with trio
    factory: pytest.TempPathFactory = config._tmp_path_factory  # type: ignore[attr-defined]
    stand_in = factory.mktemp(_NO_TRIO_FOLDER, numbered=False)
    (stand_in / "trio").mkdir()
    (stand_in / "trio" / "__init__.py").write_text(_NO_TRIO, encoding="utf-8")
    paths = [str(stand_in), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(paths)


def environment_with_trio() -> dict[str, str]:
    """This process's environment, for a process that imports trio when it is installed."""
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    kept = [path for path in paths if path and Path(path).name != _NO_TRIO_FOLDER]
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    return environment | ({"PYTHONPATH": os.pathsep.join(kept)} if kept else {})


# A test that needs a development PKI names a directory of its own (ALEXASKILL_DEV_PKI_DIR, as the
# `dev_dir` fixtures do): one that made the default one, in the directory above, said nothing and
# shared its keys with the tests after it in the process. A test about the default PKI itself
# says so with this marker. (Checked after the test's own fixtures are gone, its servers too.)
_DEFAULT_DEV_PKI_MARKER = "default_dev_pki"


@pytest.fixture(autouse=True)
def _no_default_dev_pki(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    made = request.config.stash[_DATA_HOME] / "alexaskill" / "dev-pki"
    if not made.exists():
        return
    shutil.rmtree(made, ignore_errors=True)
    if request.node.get_closest_marker(_DEFAULT_DEV_PKI_MARKER) is None:
        pytest.fail(
            f"the test made the default development PKI ({made}): give it a directory of its "
            f"own (ALEXASKILL_DEV_PKI_DIR), or mark it @pytest.mark.{_DEFAULT_DEV_PKI_MARKER}"
        )


# --- a hung test ends its worker, with every thread's traceback -------------------------------

# CI gives the whole run 90 minutes: a test that hangs (a deadlock, a server that never answers)
# would take all of them and say nothing. Past this many seconds (the slowest test takes about 90
# on a loaded two-core machine), faulthandler writes each thread's traceback to standard error and
# ends the process: xdist reports the test as crashed and goes on in a new worker; without xdist
# the run ends, failed. ALEXASKILL_TEST_HANG_LIMIT=0 turns it off (a debugger's breakpoint).
_HANG_LIMIT = float(os.environ.get("ALEXASKILL_TEST_HANG_LIMIT", "600"))
_STDERR = pytest.StashKey[int]()


def pytest_configure(config: pytest.Config) -> None:
    # Standard error as it is now, between captures (a test's capture takes fd 2 over, and what is
    # written there is lost when the process ends), as pytest's own faulthandler plugin keeps it.
    config.stash[_STDERR] = os.dup(2)
    config.addinivalue_line(
        "markers", f"{_DEFAULT_DEV_PKI_MARKER}: the test makes the default development PKI"
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    os.close(config.stash[_STDERR])
    data_home = config.stash.get(_DATA_HOME, None)
    if data_home is not None:
        shutil.rmtree(data_home, ignore_errors=True)


# The watch is set again only when a quarter of the limit (at most 30 s) has gone by since it was
# last set, not at each test: setting it starts faulthandler's thread and cancelling it waits for
# that thread to end, with the GIL held, which on a loaded machine cost the workers ~35 s a run
# (py-spy). So a test that hangs is ended between three quarters of the limit and the limit after
# it started. The watch is off once the process has no test left to run.
_REARM_AFTER = min(30.0, _HANG_LIMIT / 4)
_ARMED_AT = pytest.StashKey[float]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    if _HANG_LIMIT <= 0:
        yield
        return
    stash, now = item.config.stash, time.monotonic()
    if now - stash.get(_ARMED_AT, -math.inf) >= _REARM_AFTER:
        faulthandler.dump_traceback_later(_HANG_LIMIT, exit=True, file=stash[_STDERR])
        stash[_ARMED_AT] = now
    try:
        yield
    finally:
        if nextitem is None:  # (the process's last test: xdist's worker waits for the next one
            # before it runs a test, and the watch set meanwhile bounds that wait too)
            faulthandler.cancel_dump_traceback_later()
            del stash[_ARMED_AT]


# --- the working directory stays as it was -----------------------------------------------------

_CWD_LISTING = pytest.StashKey[tuple[Path, frozenset[str]]]()
# What pytest itself keeps in the directory it runs from.
_PYTEST_OWN = frozenset((".pytest_cache",))


def pytest_sessionstart(session: pytest.Session) -> None:
    """Note what the working directory holds before any test runs; compile the suite's Python
    once, before xdist's workers start (tests/warm_bytecode.py); point the per-user data
    directory at a temporary one (`_guard_data_home`) before any test module is imported; keep
    trio out of the processes the tests start (`_keep_trio_out_of_started_processes`)."""
    _guard_data_home(session.config)
    _keep_trio_out_of_started_processes(session.config)
    cwd = Path.cwd()
    session.config.stash[_CWD_LISTING] = (cwd, frozenset(os.listdir(cwd)))
    warm_bytecode.warm(session.config)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if tests left files in the working directory (they belong in tmp_path)."""
    cwd, before = session.config.stash[_CWD_LISTING]
    left = sorted(set(os.listdir(cwd)) - before - _PYTEST_OWN)
    if not left:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    message = f"tests wrote into the working directory {cwd}: {', '.join(left)}"
    if reporter is not None:
        reporter.write_line(f"ERROR: {message}", red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
