"""The fixtures and helpers the test modules share: the skill ids their skills answer to, small
fixtures, values several modules build alike. Those with a module of their own are imported here,
which makes them every test module's: the servers a test starts (tests/processes.py), the
redis-servers (tests/redis_server.py), moto's (tests/moto_server.py), the browser's, the
verifier's. The run's guards are plugins this module registers, which makes them examples/' tests'
too: the shell's settings and proxies gone, no test writing into this machine's data directory or
the working directory, a hung test ended (tests/run_guards.py); alexaskill's loggers
(tests/logger_state.py) and the process's state (tests/process_state.py) left as each test found
them; no test leaving a non-daemon thread of its own running (tests/threads_left.py); a tool
missing under CI a failure (tests/missing.py); a failed test's servers' logs
(tests/server_logs.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

# (run_guards guards the environment as it is imported: before any test module is.)
from tests import (
    logger_state,
    missing,
    oldest_dependencies,
    process_state,
    run_guards,
    server_logs,
    threads_left,
)
from tests.moto_server import aws_env, dynamodb_endpoint, moto_endpoint  # noqa: F401

# The servers a test starts on 127.0.0.1 and stops by PID (tests/processes.py) and the
# redis-servers (tests/redis_server.py): re-exported, where most modules import the classes from
# (`from tests.conftest import Servers`), and the fixtures imported, for pytest to see.
from tests.processes import Servers as Servers
from tests.processes import module_servers, servers  # noqa: F401
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
    "tests.cli_serve_exit_shared",
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
    "tests.invocation_shared",
    "tests.lifespan_start",
    "tests.log_gates",
    "tests.mangum_shared",
    "tests.models_shared",
    "tests.redis_proxies",
    "tests.server_shared",
    "tests.stalls_driven",
    "tests.terminable_shared",
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


@pytest.fixture
def dev_dir(empty_dev_dir: Path) -> Path:
    """The development PKI's directory of this test (never the user's own), holding the
    process's development PKI (tests/dev_pki_shared.py's `with_dev_pki`: three RSA keys made
    once a process, not in each test). A module whose tests share one directory gives a
    module-scoped ``dev_dir`` of its own."""
    from tests.dev_pki_shared import with_dev_pki

    return with_dev_pki(empty_dev_dir)


@pytest.fixture
def empty_dev_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The development PKI's directory of this test, not made yet: for a test of what makes
    the PKI (the first command that signs), or of a directory that cannot hold it."""
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


@pytest.fixture
def anyio_backend() -> str:
    """asyncio alone under ``@pytest.mark.anyio`` (anyio's own fixture runs each test on trio
    too); a test that wants trio as well parametrizes ``anyio_backend`` itself."""
    return "asyncio"


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


# --- the run's plugins ---------------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    # Plugins, not conftest's own hooks and fixtures, which are for tests/ alone: the tests of
    # examples/ run in the suite's processes too. The run's guards; a failed test shows what its
    # servers said (`Servers.start` keeps their logs); alexaskill's loggers and the process's
    # state left as each test found them; no thread of a test's own left running; a fixture's
    # tool missing under CI, its test failed.
    # In this order: a plugin's autouse fixtures are set up in the order it is registered, and
    # the loggers' guard reads them before any other fixture is made, after all are gone.
    for plugin in (server_logs, logger_state, process_state, run_guards, threads_left, missing):
        if not config.pluginmanager.is_registered(plugin):
            config.pluginmanager.register(plugin, plugin.__name__)
    config.addinivalue_line(
        "markers",
        f"{oldest_dependencies.MARKER}: .ci/run runs the test again at the oldest dependencies",
    )
