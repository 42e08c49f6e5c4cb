"""The run's own guards (the shell's settings and proxies gone, no test writing into this
machine's data directory or the working directory, a hung test ended) and the fixtures and
helpers the test modules share: the skill ids their skills answer to, small fixtures, moto's
server (started and awaited by tests/moto_server.py). Those with a module of their own (the
servers a test starts, tests/processes.py; the redis-servers, tests/redis_server.py; the
browser's, the verifier's) are imported here, which makes them every test module's."""

from __future__ import annotations

import faulthandler
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import logger_state, moto_server, oldest_dependencies, server_logs, warm_bytecode
from tests.missing import UNAVAILABLE, Unavailable, unavailable

# The servers a test starts on 127.0.0.1 and stops by PID (tests/processes.py) and the
# redis-servers (tests/redis_server.py): re-exported, where most modules import the classes from
# (`from tests.conftest import Servers`), and the fixtures imported, for pytest to see.
from tests.processes import Servers as Servers
from tests.processes import free_port, module_servers, servers, stop  # noqa: F401
from tests.redis_server import RedisServers as RedisServers
from tests.redis_server import module_redis_servers, redis_servers, redis_url  # noqa: F401

# The skill ids the tests' skills answer to are defined in tests/skill_ids.py (which
# tests/verify_shared.py, imported below, reads too) and re-exported here, where most modules
# import them from (`from tests.conftest import SKILL_ID`).
from tests.skill_ids import APP_SKILL_ID as APP_SKILL_ID
from tests.skill_ids import DEPLOYED_SKILL_ID as DEPLOYED_SKILL_ID
from tests.skill_ids import FOURTH_SKILL_ID as FOURTH_SKILL_ID
from tests.skill_ids import NEAR_DEFAULT_SKILL_ID as NEAR_DEFAULT_SKILL_ID
from tests.skill_ids import OTHER_SKILL_ID as OTHER_SKILL_ID
from tests.skill_ids import SKILL_ID as SKILL_ID
from tests.skill_ids import THIRD_SKILL_ID as THIRD_SKILL_ID

#: An answer forced past the app's checks that the test tools refuse, for tests of what they,
#: replay, chat and the simulator say of it (tests/ssml_refused.py, which the simulator's skill
#: reads too).
from tests.ssml_refused import BREAK_ALEXA_REFUSES as BREAK_ALEXA_REFUSES
from tests.ssml_refused import BREAK_APP_SENDS as BREAK_APP_SENDS
from tests.ssml_refused import alexa_refuses as alexa_refuses

# The helper modules of tests/ that assert, rewritten so that a failed assert says what it read
# (tests/test_suite_asserts.py fails for one left out): these, and those registered below with
# their fixtures and reasons. Registered before anything imports them, or pytest cannot.
pytest.register_assert_rewrite(
    "tests.adversarial_handlers_shared",
    "tests.blackhole",
    "tests.cancelled_shared",
    "tests.certify_shared",
    "tests.chained_errors",
    "tests.cli_chat_audio_shared",
    "tests.cli_chat_shared",
    "tests.cli_serve_shared",
    "tests.deadline_clock",
    "tests.deadline_shared",
    "tests.dispatch_shared",
    "tests.docs_shared",
    "tests.fake_dynamodb",
    "tests.fake_reminders_shared",
    "tests.fresh_python",
    "tests.fuzz_shared",
    "tests.in_threads",
    "tests.lifespan_start",
    "tests.log_gates",
    "tests.models_shared",
    "tests.redis_proxies",
    "tests.server_shared",
    "tests.stalls_driven",
    "tests.threads_shared",
    "tests.unprivileged",
)

# The browser tests' fixtures (the server, Chromium, a tab) are in tests/simulator_browser.py, by
# the helpers they use, for the tests/test_simulator_browser_*.py modules: imported here, they are
# each module's (module-scoped: one server and one browser a module). Registered first, so that
# their asserts (no script error on the page) still say what failed.
pytest.register_assert_rewrite("tests.simulator_browser")
from tests.simulator_browser import page, shots, simulator  # noqa: E402, F401

# The verifier's test PKIs (tests/verify_shared.py), for the tests/test_verify_*.py modules, the
# same way: module-scoped, so each module makes or takes its own.
pytest.register_assert_rewrite("tests.verify_shared")
from tests.verify_shared import own_clients, pki, pki_2017, stranger  # noqa: E402, F401

# What the store tests share (tests/store_shared.py) asserts too (a SQLite save read back, for
# tests/test_store_sqlite.py and tests/test_store_backup*.py): rewritten, to say what was read.
pytest.register_assert_rewrite("tests.store_shared")

# The hostile-request tests' skill (tests/typed_skill.py) asserts in its handlers what they were
# given: rewritten, to say what it was.
pytest.register_assert_rewrite("tests.typed_skill")

# What the exchange's tests share (tests/exchange_harness.py) asserts too (both protocols wrote
# the same): rewritten, to say what differed.
pytest.register_assert_rewrite("tests.exchange_harness")

# So does the recording transport those tests and the server's share (tests/server_protocols.py:
# nothing written after a close, a first event that is a write).
pytest.register_assert_rewrite("tests.server_protocols")

# And the uvicorn server a test runs in a thread (tests/threaded_uvicorn.py: one that did not
# start).
pytest.register_assert_rewrite("tests.threaded_uvicorn")

# And the Dockerfile as the tests read it (tests/dockerfile_shared.py: a CMD that is uvicorn).
pytest.register_assert_rewrite("tests.dockerfile_shared")

# So does what the simulator's server-side tests share (tests/simulator_shared.py: a turn the JSON
# API answered 200). Its fixtures are not imported here: that module says why.
pytest.register_assert_rewrite("tests.simulator_shared")

# So does what the slot types' tests share (tests/understanding_shared.py): `slot` asserts that a
# phrase was understood at all, and says what came back when it was not.
pytest.register_assert_rewrite("tests.understanding_shared")

# And what the tests of refused SSML share (tests/ssml_shared.py: the words of a refusal, the
# apology a handler answering one gets), asserted there since the tests' copies were said once.
pytest.register_assert_rewrite("tests.ssml_shared")

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


@pytest.fixture
def dev_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The development PKI's directory of this test (never the user's own). A module whose
    tests share one PKI (three RSA keys made once) gives a module-scoped ``dev_dir`` of its own."""
    from alexaskill.cli import DEV_PKI_ENV

    directory = tmp_path / "dev-pki"
    monkeypatch.setenv(DEV_PKI_ENV, str(directory))
    return directory


# --- values several modules build alike ---------------------------------------------------------


def attributes_holding_themselves(where: str) -> dict[str, Any]:
    """Session attributes that hold themselves, which JSON cannot write: ``where`` is "at the
    top" (the attributes are one of their own values), "deep in a list" (they are, in a list in a
    dict), or "a pair below" (two containers below them hold each other)."""
    attributes: dict[str, Any] = {"name": "Jana"}
    if where == "at the top":
        attributes["self"] = attributes
    elif where == "deep in a list":
        attributes["history"] = {"turns": [1, {"back": [attributes]}]}
    elif where == "a pair below":
        first: dict[str, Any] = {}
        first["second"] = {"first": first}
        attributes["pair"] = first
    else:
        raise ValueError(f"where: {where!r}")
    return attributes


# --- small fixtures several modules take alike -------------------------------------------------


@pytest.fixture
def protocol_class(request: pytest.FixtureRequest) -> type[Any]:
    """alexaskill's server protocol of the id a test is parametrized with, indirectly
    (tests/server_protocols.py's ``PROTOCOLS``): httptools' skipped without httptools, failed
    under CI. (Imported here, not above: most modules need no server protocol.)"""
    from tests.server_protocols import protocol_of

    return protocol_of(request.param)


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


@pytest.fixture
def anyio_backend() -> str:
    """asyncio alone under ``@pytest.mark.anyio`` (anyio's own fixture runs each test on trio
    too); a test that wants trio as well parametrizes ``anyio_backend`` itself."""
    return "asyncio"


@pytest.fixture(autouse=True)
def _lambda_loop_closed() -> Iterator[None]:
    """Each test's AWS Lambda event loop its own, closed after it. alexaskill.lambda_loop keeps
    one for the process (``Loop.runner``): a test that ran the handler left it there (ten
    modules did), open to the run's end and collected unclosed, a ResourceWarning for it and
    each of its self-pipe's two unix sockets. Without monkeypatch (which a test's own patches
    would then undo in another order), and without importing aws_lambda where no test did."""
    yield
    lambda_loop = sys.modules.get("alexaskill.lambda_loop")
    if lambda_loop is not None and lambda_loop.Loop.runner is not None:
        lambda_loop.Loop.runner.close()
        lambda_loop.Loop.runner = None


@pytest.fixture
def own_lambda_loop(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A loop a test puts in place itself (``monkeypatch.setattr(lambda_loop.Loop, "runner",
    ...)``) closed after it: monkeypatch's undo comes before `_lambda_loop_closed`'s look, and
    would leave it open."""
    from alexaskill import lambda_loop

    monkeypatch.setattr(lambda_loop.Loop, "runner", None)
    try:
        yield
    finally:
        runner = lambda_loop.Loop.runner
        if runner is not None:
            runner.close()


@pytest.fixture
def python_sigint() -> Iterator[None]:
    """Python's own SIGINT handler in place, as in a terminal: a suite started in the background
    (``pytest &``, ``nohup``) inherits SIGINT ignored, Python installs no handler of its own, and
    alexaskill rightly takes no KeyboardInterrupt for a Ctrl-C then (`handler_bugs`)."""
    import signal

    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which a file made with mode 0644 (``touch``) is readable by every
    user."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy from the environment: each ``*_proxy`` variable unset, in any case (the test
    sets the one it means), undone afterwards."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)


@pytest.fixture
def one_second_url_timeouts(no_proxies: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """`no_proxies`, and the --url commands' time limits at 1 s (``replay_url.URL_TIMEOUT``, chat's
    too, and ``chat_http._INFO_TIMEOUT``, the served skill id's): for a proxy (or a server)
    that never answers, whose failure is said "within 1 s". (Not for a proxy that answers: a
    loaded machine could be slower than a second to let it.)"""
    from alexaskill.cli import chat_http, replay_url

    monkeypatch.setattr(replay_url, "URL_TIMEOUT", 1.0)
    monkeypatch.setattr(chat_http, "_INFO_TIMEOUT", 1.0)


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
    # A failed test shows what its servers said (`Servers.start` keeps their logs).
    if not config.pluginmanager.is_registered(server_logs):
        config.pluginmanager.register(server_logs, "tests.server_logs")
    # alexaskill's loggers left as each test found them, examples/' tests too, which share the
    # suite's processes (a plugin's fixture: conftest's are for tests/ alone).
    if not config.pluginmanager.is_registered(logger_state):
        config.pluginmanager.register(logger_state, "tests.logger_state")
    config.addinivalue_line(
        "markers", f"{_DEFAULT_DEV_PKI_MARKER}: the test makes the default development PKI"
    )
    config.addinivalue_line(
        "markers",
        f"{oldest_dependencies.MARKER}: .ci/run runs the test again at the oldest dependencies",
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    os.close(config.stash[_STDERR])
    data_home = config.stash.get(_DATA_HOME, None)
    if data_home is not None:
        shutil.rmtree(data_home, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    if _HANG_LIMIT <= 0:
        yield
        return
    faulthandler.dump_traceback_later(_HANG_LIMIT, exit=True, file=item.config.stash[_STDERR])
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


# --- the working directory stays as it was -----------------------------------------------------

_CWD_LISTING = pytest.StashKey[tuple[Path, frozenset[str]]]()
# What pytest itself keeps in the directory it runs from.
_PYTEST_OWN = frozenset((".pytest_cache",))


def pytest_sessionstart(session: pytest.Session) -> None:
    """Note what the working directory holds before any test runs; compile the suite's Python
    once, before xdist's workers start (tests/warm_bytecode.py); point the per-user data
    directory at a temporary one (`_guard_data_home`) before any test module is imported."""
    _guard_data_home(session.config)
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


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """``http://127.0.0.1:<port>`` of moto's server (a DynamoDB API), started for this session.

    Under xdist each worker's session starts its own (up to one a worker): one shared by the
    workers would serve all their calls on its one thread, the tests' short deadlines with them.
    Its start is mostly moto's own imports (botocore, boto3, responses, Flask: 0.5 to 0.9 s of
    CPU on a quiet machine), which any of its backends needs.

    moto comes with the test extra (``moto[server]``). Without it the tests that need it are
    skipped, except under CI, where they fail.
    """
    try:
        import flask  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError:
        unavailable("moto's server is not installed: pip install -e '.[test]' (moto[server])")
    port = free_port()
    process = moto_server.start(port)
    try:
        moto_server.await_dynamodb(process, port, moto_server.START_SECONDS)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Made-up AWS credentials and region, and none of the machine's AWS configuration."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    # Never ask an instance-metadata service (or any file of this machine) for credentials.
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))


@pytest.fixture
def dynamodb_endpoint(moto_endpoint: str, aws_env: None) -> str:
    """moto's endpoint, with made-up credentials in the environment for botocore to sign with."""
    return moto_endpoint
