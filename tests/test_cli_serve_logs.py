"""What ``alexaskill serve`` logs: what the app's import said (once, and when no server starts),
at the level the environment says, the proxies it trusts and the addresses it serves."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from alexaskill import Skill

from .cli_serve_exit_shared import serving, wait_in_log
from .cli_serve_shared import LOUD_APP, log_text, pids, say_hello, serve, signed_skill
from .conftest import SKILL_ID, Servers
from .processes import free_port, stop

pytestmark = pytest.mark.oldest_dependencies

#: A host app mounting a skill whose start says two loud warnings: its store, named by a
#: setting (``ALEXASKILL_STORE``), with its TLS checks off, and its skill-id check off.
LOUD_PORTAL = """
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from alexaskill import Skill, settings_from_env, speak

skill = Skill("*", store=settings_from_env().store)
skill.launch(lambda: speak("hi"))


async def health(request):
    return JSONResponse({"status": "ok"})


app = Starlette(routes=[Route("/health", health), skill.mount("/weather")])
"""


@pytest.mark.parametrize("workers", [(), ("--reload",)], ids=["one", "reload"])
def test_serve_says_the_warnings_of_the_apps_import_once_a_server_process(
    servers: Servers, tmp_path: Path, workers: tuple[str, ...]
) -> None:
    # Under --reload (and --workers), serve imports the app to check it, in a process that
    # serves nothing, and then the server process imports it to serve it: what the import says
    # (a mounted skill's start, a store's setting) was said twice for the one server.
    (tmp_path / "loud.py").write_text(LOUD_PORTAL, encoding="utf-8")
    # (--capture: said of the mounted skill by serve's own check too, once logging was set up)
    # (the store's line needs the redis package, of the redis extra: without it, as in a
    # skill's install without the extra, the skill's lines alone are checked)
    redis = importlib.util.find_spec("redis") is not None
    store = "rediss://127.0.0.1:9/0?ssl_cert_reqs=none" if redis else "memory://"
    argv = ("loud:app", *workers, "--capture", str(tmp_path / "captures"))
    process, _ = serve(servers, tmp_path, tmp_path, *argv, ALEXASKILL_STORE=store)
    servers.stop(process)
    output = servers.output[process].read_text(encoding="utf-8")
    assert len(pids(output)) == 1, output
    said_once = ["Redis store at 127.0.0.1:9: TLS certificate checks are off"] if redis else []
    said_once += ["the skill-id check is OFF (Skill(skill_id='*')) for the skill at /weather"]
    for said in said_once:
        assert output.count(said) == 1, output
        # Said before logging is set up, it came bare (Python's last resort: no time, no
        # level, no logger), which a log collector filtering by level dropped.
        assert f"WARNING alexaskill.security: {said}" in output, output
    assert output.count("request capture is ON for the skill at /weather") == 1, output


def test_serve_says_what_an_import_that_fails_said_before_it(tmp_path: Path) -> None:
    # What the check's import says is left to the server processes (above), but one that fails
    # starts none: what it said first is said, with the failure.
    (tmp_path / "failing.py").write_text(
        "import logging\n"
        "logging.getLogger('failing').warning('the reason it fails: no database URL')\n"
        "raise RuntimeError('no database')\n",
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "alexaskill", "serve", "failing:app", "--reload"]
    done = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", timeout=60
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == "the reason it fails: no database URL", done.stderr
    assert "RuntimeError: no database" in lines[-1], done.stderr


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (("--reload", "--workers", "2"), "--reload runs one server process: drop --workers"),
        (("--reload", "--model", "en-US.json"), "--model is the simulator's: add --dev"),
        (("--workers", "2", "--port", "{busy}"), "--port {busy}: "),
        (("--reload", "--port", "{busy}"), "--port {busy}: "),
    ],
    ids=["reload-workers", "model-without-dev", "workers-port-taken", "reload-port-taken"],
)
def test_serve_says_what_the_import_said_when_no_server_starts(
    tmp_path: Path, options: tuple[str, ...], error: str
) -> None:
    # serve's check of the app dropped what its import said, leaving it to the server
    # processes; but its usage checks come after the import (and the port's, just before
    # uvicorn): a mistake found there starts no server, and the warning was never said.
    import socket

    (tmp_path / "loud.py").write_text(LOUD_APP, encoding="utf-8")
    (tmp_path / "en-US.json").write_text("{}", encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = str(taken.getsockname()[1])
        argv = [option.format(busy=busy) for option in options]
        command = [sys.executable, "-m", "alexaskill", "serve", "loud:app", *argv]
        done = subprocess.run(
            command, cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", timeout=60
        )
    assert done.returncode == 2, done.stderr
    said = done.stderr.splitlines()
    assert said[-1].startswith(f"alexaskill serve: error: {error.format(busy=busy)}"), said
    warned = [line for line in said if "the loud import's warning: no cache configured" in line]
    assert len(warned) == 1, said
    assert said.index(warned[0]) < len(said) - 1, said


@pytest.mark.parametrize("app", ["loud:app", "loud.py:app"])
def test_serve_workers_1_says_what_the_import_said_once(tmp_path: Path, app: str) -> None:
    # --workers 1 serves in serve's own process, which imported the app to check it: what that
    # import said was held for the server processes, then dropped as uvicorn ran, and the
    # server's import found the module already imported (loud:app): never said. A file
    # (loud.py:app) was imported a second time, under another name, in the same process.
    imported = "\nimport sys\nprint('imported', file=sys.stderr)\n"
    (tmp_path / "loud.py").write_text(LOUD_APP + imported, encoding="utf-8")
    port = str(free_port())
    command = [sys.executable, "-m", "alexaskill", "serve", app, "--workers", "1", "--port", port]
    log = tmp_path / "serve.log"
    with serving(command, tmp_path, log) as process:
        wait_in_log(process, log, "Uvicorn running on")
        stop(process)
    said = log_text(log).splitlines()
    warned = [line for line in said if "the loud import's warning: no cache configured" in line]
    assert len(warned) == 1, said
    assert said.count("imported") == 1, said


def test_serve_logs_as_the_environment_says(servers: Servers, tmp_path: Path) -> None:
    # A skill that sets up no logging of its own, as the README's: under `uvicorn app:skill`
    # the app configures alexaskill's logging from the environment at start-up; so must serve.
    pki = signed_skill(tmp_path, "signing")
    process, url = serve(servers, tmp_path, tmp_path, "signing:skill", ALEXASKILL_LOG_JSON="1")
    assert say_hello(url, pki) == 200
    servers.stop(process)
    output = servers.output[process].read_text(encoding="utf-8")
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    [line] = [line for line in lines if line["logger"] == "alexaskill.request"]
    assert line["intent"] == "Hello" and line["status"] == 200
    assert "POST / HTTP/1.1" not in output  # uvicorn's access line is off

    # A setting that does not parse stops serve before it starts, as a usage error.
    refused = subprocess.run(
        [sys.executable, "-m", "alexaskill", "serve", "signing:skill", "--port", "0"],
        cwd=tmp_path,
        env={**os.environ, "ALEXASKILL_LOG_LEVEL": "loud"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=30,
        check=False,
    )
    assert refused.returncode == 2
    # Its last line: the app's import says first that its verifier trusts a test root.
    *_, error = refused.stderr.splitlines()
    assert error.startswith("alexaskill serve: error: ALEXASKILL_LOG_LEVEL")


@pytest.mark.parametrize("workers", [(), ("--workers", "2")], ids=["one", "workers"])
def test_serve_leaves_an_apps_own_logging_alone(
    servers: Servers, tmp_path: Path, workers: tuple[str, ...]
) -> None:
    own = "import logging\nlogging.basicConfig(level='INFO', format='MYAPP %(name)s %(message)s')\n"
    pki = signed_skill(tmp_path, "ownlog", own)
    process, url = serve(servers, tmp_path, tmp_path, "ownlog:skill", *workers)
    assert say_hello(url, pki) == 200
    servers.stop(process)
    output = servers.output[process].read_text(encoding="utf-8")
    assert "MYAPP alexaskill.request IntentRequest Hello -> ok (200)" in output, output


def test_capture_on_a_mounted_skill_is_said_though_it_started_when_mounted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from starlette.applications import Starlette

    from alexaskill.cli.serve import _prepare

    skill = Skill(SKILL_ID, store="memory://")
    portal = Starlette(routes=[skill.mount("/weather")])
    with caplog.at_level(logging.WARNING, "alexaskill"):
        assert _prepare("portal:app", portal, False, str(tmp_path)) is portal
    assert "request capture is ON" in caplog.text and str(tmp_path) in caplog.text
    assert skill.capture is not None


def test_serve_checks_forwarded_allow_ips_from_the_environment(
    servers: Servers, tmp_path: Path
) -> None:
    # An app that reads no settings of its own (cli_shared's): serve checks uvicorn's variable.
    signed_skill(tmp_path, "signing")
    command = [sys.executable, "-m", "alexaskill", "serve", "signing:skill", "--port", "0"]
    env = {**os.environ, "FORWARDED_ALLOW_IPS": "10.0.0.5;10.0.0.6"}
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60
    )
    assert done.returncode == 2, done.stderr
    *_, error = done.stderr.splitlines()
    assert error.startswith("alexaskill serve: error: FORWARDED_ALLOW_IPS='10.0.0.5;10.0.0.6': ")

    # '*' serves, and says so once, at start, on the security logger.
    process, _ = serve(servers, tmp_path, tmp_path, "signing:skill", FORWARDED_ALLOW_IPS="*")
    servers.stop(process)
    output = servers.output[process].read_text(encoding="utf-8")
    assert output.count("WARNING alexaskill.security: FORWARDED_ALLOW_IPS='*': ") == 1, output


def test_serve_checks_only_the_proxies_it_hands_uvicorn(servers: Servers, tmp_path: Path) -> None:
    # --forwarded-allow-ips overrides the variable, which uvicorn then never reads: a stale value
    # there stopped serve all the same (settings_from_env() refused it at the app's start).
    pki = signed_skill(tmp_path, "signing")
    argv = ("signing:skill", "--forwarded-allow-ips", "10.0.0.1")
    process, url = serve(servers, tmp_path, tmp_path, *argv, FORWARDED_ALLOW_IPS="localhost")
    assert say_hello(url, pki) == 200
    servers.stop(process)
    output = servers.output[process].read_text(encoding="utf-8")
    assert "localhost" not in output, output


def test_serve_workers_say_every_address_once(servers: Servers, tmp_path: Path) -> None:
    # The serve process says it at start; each worker said it again at its first connection.
    pki = signed_skill(tmp_path, "signing")
    argv = ("signing:skill", "--workers", "2")
    process, url = serve(servers, tmp_path, tmp_path, *argv, FORWARDED_ALLOW_IPS="*")
    for _ in range(6):  # new connections each: likely both workers answer one
        assert say_hello(url, pki) == 200
    servers.stop(process)
    output = servers.output[process].read_text(encoding="utf-8")
    assert output.count("WARNING alexaskill.security: FORWARDED_ALLOW_IPS='*': ") == 1, output
