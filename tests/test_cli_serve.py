"""``alexaskill serve``: its uvicorn options (the Docker image's), its workers and its logging,
on real servers on 127.0.0.1 stopped by PID (``--dev`` with ``replay --url``:
test_cli_serve_dev.py)."""

from __future__ import annotations

import importlib.util
import inspect
import json
import logging
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from alexaskill import Skill, exchange_protocol, speak
from alexaskill.cli import parser
from alexaskill.cli.dev import DEV_PKI_ENV
from alexaskill.cli.serve_uvicorn import _options
from alexaskill.testing import RequestFactory, TestPKI

from .cli_run import run
from .cli_shared import APP, ROOT, WEATHER, WEATHER_REQUESTS
from .conftest import APP_SKILL_ID, SKILL_ID, Servers
from .processes import free_port, stop
from .self_signed import self_signed
from .test_server import dockerfile_cmd

_FLAGS: dict[str, tuple[str, bool]] = {
    "--proxy-headers": ("proxy_headers", True),
    "--no-server-header": ("server_header", False),
    "--no-access-log": ("access_log", False),
}


def options(*argv: str) -> dict[str, object]:
    return _options(parser().parse_args(["serve", WEATHER, *argv]))


def endpoint(app: object, served: dict[str, object]) -> object:
    """The endpoint alexaskill's protocol answers a Skill's POSTs with directly, if any."""
    config = uvicorn.Config(app, **served)  # type: ignore[arg-type]
    config.load()
    return exchange_protocol.whole_body_endpoint(config.loaded_app, access_log=config.access_log)


def test_serve_bounds_as_the_docker_image_and_skips_asgi_for_the_skill() -> None:
    served = options()
    # The Docker image's CMD, option by option, in uvicorn.run's terms.
    docker: dict[str, object] = {}
    command = dockerfile_cmd(8080)[4:]  # after python -m uvicorn APP
    while command:
        option = command.pop(0)
        if option in _FLAGS:
            docker.update([_FLAGS[option]])
        else:
            docker[option.removeprefix("--").replace("-", "_")] = command.pop(0)
    assert {"access_log", "server_header", "proxy_headers", "limit_concurrency"} <= set(docker)
    for name, value in docker.items():
        if name not in ("host", "port"):
            assert str(served[name]) == str(value), name
    assert "forwarded_allow_ips" not in served  # uvicorn's: $FORWARDED_ALLOW_IPS or loopback

    skill = Skill(SKILL_ID, verifier=TestPKI().verifier())
    skill.add_intent_handler("Hello", lambda: speak("hello"))
    # Behind uvicorn's proxy-headers middleware, as served: a Skill's POST takes the direct path.
    assert endpoint(skill, served) is not None
    # uvicorn's access line shows the client the middleware rewrites: then through ASGI.
    logged = options("--access-log", "--forwarded-allow-ips", "10.0.0.0/8")
    assert logged["access_log"] is True and logged["forwarded_allow_ips"] == "10.0.0.0/8"
    assert endpoint(skill, logged) is None


def test_serve_waits_for_the_requests_under_way_a_little_longer_than_the_deadline() -> None:
    # uvicorn waits for the requests under way without end when stopped, unless told how long:
    # a handler that never returns (or catches the deadline's CancelledError each time) kept
    # the server from stopping. Long enough for the deadline's answer, its grace included.
    from alexaskill.cli.serve_uvicorn import _graceful_seconds
    from alexaskill.deadline import DEADLINE_GRACE, DEFAULT_DEADLINE

    waits = options()["timeout_graceful_shutdown"]
    assert isinstance(waits, int) and waits > DEFAULT_DEADLINE + DEADLINE_GRACE
    assert options("--timeout-graceful-shutdown", "30")["timeout_graceful_shutdown"] == 30
    slow = Skill(SKILL_ID, deadline=12.0)
    assert _graceful_seconds([slow, Skill(SKILL_ID)]) > 12.0 + DEADLINE_GRACE
    assert _graceful_seconds([Skill(SKILL_ID, deadline=None)]) == waits


def test_serve_refuses_workers_it_cannot_run(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run("serve", WEATHER, "--reload", "--workers", "2")
    assert (code, out) == (2, "")
    assert err == "alexaskill serve: error: --reload runs one server process: drop --workers\n"
    for bad, why in (("0", "0: at least one process"), ("two", "'two' is not a number")):
        with pytest.raises(SystemExit):
            parser().parse_args(["serve", WEATHER, "--workers", bad])
        assert why in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        # Each started a server (or a reloader, or workers restarted without end) that then
        # failed with a traceback, or hung: refused before uvicorn starts, exit 2.
        (("--reload", "--dev", "--model", "nonexist.json"), "--model nonexist.json: no such file"),
        (("--http", "nosuch:Protocol"), "--http nosuch:Protocol: cannot import it"),
        # A dotted module uvicorn's importer re-raises: a traceback and exit 1 before.
        (("--http", "nosuch.module:Proto"), "--http nosuch.module:Proto: cannot import it"),
        (("--workers", "2", "--http", "nosuch:Protocol"), "--http nosuch:Protocol: cannot import"),
        (("--reload", "--http", "alexaskill.server:Nothing"), "--http alexaskill.server:Nothing"),
        (("--ssl-certfile", "{bad}", "--ssl-keyfile", "{bad}"), "not a PEM certificate and key"),
        (("--workers", "2", "--capture", "{bad}"), "--capture {bad}: not a directory"),
        (("--limit-concurrency", "1"), "1: at least 2 (one connection answering, one waiting)"),
        # uvicorn took each for a name no address matches, and trusted no proxy, silently.
        (
            ("--forwarded-allow-ips", "10.0.0.0/33"),
            "--forwarded-allow-ips '10.0.0.0/33': '10.0.0.0/33' is not an IP network",
        ),
        (("--forwarded-allow-ips", "localhost,"), "'localhost' is not an IP address"),
    ],
)
def test_serve_refuses_what_cannot_serve_before_it_starts(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: tuple[str, ...],
    error: str,
) -> None:
    # In this process (each case is refused before uvicorn runs: a refusal that came later
    # would reach the _run_uvicorn below); `python -m alexaskill serve` exiting 2 with the
    # refusal in one line is checked on real processes below (FORWARDED_ALLOW_IPS,
    # ALEXASKILL_LOG_LEVEL).
    from alexaskill.cli import serve
    from examples.weather.app import skill

    bad = tmp_path / "not-a-pem.txt"
    bad.write_text("hello\n")
    argv = tuple(arg.format(bad=bad) for arg in argv)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv(DEV_PKI_ENV, str(tmp_path / "dev-pki"))  # (never the user's own)
    monkeypatch.setattr(skill, "verifier", skill.verifier)  # (--dev wraps it: put back)
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: pytest.fail("served"))
    code, out, err = run("serve", WEATHER, *argv, "--port", str(free_port()))
    assert (code, out) == (2, ""), err
    assert error.format(bad=bad) in err
    assert "alexaskill serve: error: " in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("host", "warned"),
    [
        ("0.0.0.0", True),
        ("192.168.1.20", True),
        ("127.0.0.1", False),
        ("::1", False),
        ("localhost", False),
    ],
)
def test_serve_dev_beyond_loopback_warns(
    caplog: pytest.LogCaptureFixture, host: str, warned: bool
) -> None:
    # --dev --host 0.0.0.0 said only where the simulator was, at INFO: anyone reaching the port
    # drives the skill with requests the development key signs.
    from alexaskill.cli.serve import _log_simulator

    args = parser().parse_args(["serve", WEATHER, "--dev", "--host", host])
    with caplog.at_level(logging.INFO, "alexaskill"):
        _log_simulator(args)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert bool(warnings) is warned
    if warned:
        assert (
            "not a loopback address: whoever reaches port 8000 can drive the skill" in (warnings[0])
        )


@pytest.mark.parametrize("host", ["127.1", "127.0.1", "0x7f000001", "2130706433"])
def test_serve_dev_on_loopback_written_short_does_not_warn(
    caplog: pytest.LogCaptureFixture, host: str
) -> None:
    # uvicorn binds --host 127.1 to 127.0.0.1 (the C library reads the short forms of IPv4), but
    # --dev warned "127.1, not a loopback address: whoever reaches port 8000 can drive the skill".
    from alexaskill.cli.serve import _log_simulator

    args = parser().parse_args(["serve", WEATHER, "--dev", "--host", host])
    with caplog.at_level(logging.INFO, "alexaskill"):
        _log_simulator(args)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


@pytest.mark.parametrize(
    ("addresses", "warned"),
    [
        (["127.0.0.1"], False),
        (["127.0.0.1", "::1"], False),
        (["127.0.0.1", "10.0.0.5"], True),
        (["192.168.1.20"], True),
        ([], True),  # the name does not resolve
    ],
)
def test_serve_dev_on_a_name_warns_unless_it_is_loopback_only(
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    addresses: list[str],
    warned: bool,
) -> None:
    # A name is bound to every address it resolves to (uvicorn's one process listens on each):
    # loopback only if each is. `--host vm`, a name of 127.0.0.1 in /etc/hosts, was warned of.
    import socket

    from alexaskill.cli.serve import _log_simulator

    def resolve(host: str, *args: object, **kwargs: object) -> list[Any]:
        assert host == "devbox"
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0))
            for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    args = parser().parse_args(["serve", WEATHER, "--dev", "--host", "devbox"])
    with caplog.at_level(logging.INFO, "alexaskill"):
        _log_simulator(args)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert bool(warnings) is warned
    if warned:
        assert "--dev on devbox, not a loopback address" in warnings[0]


def _serve_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, here: bool, *argv: str
) -> tuple[int, str]:
    """``alexaskill serve <module>:skill *argv``, its server process run in this one, where
    uvicorn would start it (``here``: serve's own process is the server, as for --workers 1):
    the exit code and standard error."""
    from alexaskill.cli import serve as serve_module
    from alexaskill.cli.serve import serve_factory

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    monkeypatch.setattr(os, "environ", dict(os.environ))  # (serve hands its options over there)
    (tmp_path / f"{module}.py").write_text(APP)

    def server_process(app: object, *, env: dict[str, str], starting: Any, **_: object) -> None:
        os.environ.update(env)
        starting(here)
        serve_factory()

    monkeypatch.setattr(serve_module, "_run_uvicorn", server_process)
    try:
        code, _, err = run("serve", f"{module}:skill", *argv)
    finally:
        for name in [name for name in sys.modules if name.endswith(module)]:
            del sys.modules[name]
    return code, err


def test_serve_dev_reload_beyond_loopback_warns_once(
    tmp_path: Path,
    dev_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # `serve --dev --reload --host 0.0.0.0` warned twice for its one server: serve's own
    # process, which checks the app and serves nothing, and the server process, which serves
    # the simulator. Here the server process (another one, under --reload) runs in this one.
    with caplog.at_level(logging.INFO, "alexaskill"):
        code, err = _serve_in_this_process(
            tmp_path, monkeypatch, "widely", False, "--dev", "--reload", "--host", "0.0.0.0"
        )
    assert code == 0, err
    warned = [r.getMessage() for r in caplog.records if "not a loopback address" in r.getMessage()]
    assert len(warned) == 1, warned
    assert warned[0].startswith("--dev on 0.0.0.0, not a loopback address: whoever reaches port")


def test_serve_dev_workers_1_says_it_trusts_the_development_key(
    tmp_path: Path,
    dev_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # `serve --dev --workers 1` never said "--dev: request verification trusts ... Never use
    # --dev in production": serve's check of the app, which leaves the warning to the server
    # processes, had made its skill trust the key already, and the one server, this same
    # process, found it trusted and said nothing.
    with caplog.at_level(logging.WARNING, "alexaskill"):
        code, err = _serve_in_this_process(
            tmp_path, monkeypatch, "trusting", True, "--dev", "--workers", "1"
        )
    assert code == 0, err
    assert caplog.text.count("Never use --dev in production") == 1, caplog.text


def pids(output: str) -> set[int]:
    return {int(pid) for pid in re.findall(r"Started server process \[(\d+)\]", output)}


def serve(servers: Servers, tmp_path: Path, cwd: Path, *argv: str, **env: str) -> tuple[Any, str]:
    """``alexaskill serve`` on a free port, as a user starts it (stopped by PID after the
    test): the process and its URL."""
    port = servers.free_port()
    command = [sys.executable, "-m", "alexaskill", "serve", *argv, "--port", str(port)]
    environ = {**os.environ, DEV_PKI_ENV: str(tmp_path / "dev-pki"), **env}
    # (60 s to start: two workers spawned on a loaded CI machine took over 20)
    started = servers.start(command, port, cwd=cwd, env=environ, timeout=60)
    return started, f"http://127.0.0.1:{port}/"


def signed_skill(tmp_path: Path, module: str, preamble: str = "") -> TestPKI:
    """``module:skill`` in ``tmp_path``: cli_shared's skill, trusting a fresh `TestPKI` (returned),
    imported after ``preamble``."""
    (tmp_path / "skillapp.py").write_text(APP)
    pki = TestPKI()
    pki.save(tmp_path)
    (tmp_path / f"{module}.py").write_text(
        f"{preamble}from alexaskill.testing import TestPKI\nfrom skillapp import skill\n"
        f"skill.verifier = TestPKI.load({str(tmp_path)!r}).verifier()\n"
    )
    return pki


def say_hello(url: str, pki: TestPKI) -> int:
    """The status of a signed Hello intent posted to ``url``."""
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Hello")).encode()
    headers = {"Content-Type": "application/json", **pki.sign(body)}
    return httpx.post(url, content=body, headers=headers, timeout=30).status_code


def running(pid: int) -> bool:
    """Whether process ``pid`` is still there (and not a zombie)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_serve_workers(servers: Servers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    argv = (WEATHER, "--dev", "--access-log", "--workers", "2")
    process, url = serve(servers, tmp_path, ROOT, *argv, ALEXASKILL_STORE="memory://")
    log = servers.output[process]
    deadline = time.monotonic() + 30
    while len(pids(log.read_text())) < 2:  # /health answered: one worker at least is up
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv(DEV_PKI_ENV, str(tmp_path / "dev-pki"))
    code, out, err = run("replay", WEATHER, *WEATHER_REQUESTS, "--url", url)
    assert code == 0, out + err
    assert out.endswith(f"{len(WEATHER_REQUESTS)} requests: all answered\n")
    servers.stop(process, patience=60)
    assert process.returncode == 0  # stopped by SIGTERM, not killed
    output = log.read_text()
    workers = pids(output)
    assert len(workers) == 2 and process.pid not in workers
    # Told once, by the parent; the development key's warning by each worker, as it trusts the
    # key, not by the parent too, which only checks it (it said it a third time).
    assert output.count("--dev: the simulator is at") == 1
    assert output.count("--dev with --workers 2: the simulator keeps each conversation") == 1
    assert output.count("Never use --dev in production") == 2
    # --access-log: uvicorn's line too, for every request.
    assert output.count('"POST / HTTP/1.1" 200') == len(WEATHER_REQUESTS)
    assert output.count("alexaskill.request") == len(WEATHER_REQUESTS)
    assert not any(running(pid) for pid in workers)  # stopped with their parent


def test_serve_reload_hands_its_options_to_the_server_process(
    servers: Servers, tmp_path: Path
) -> None:
    # The reloader's server process is started by multiprocessing (spawn), as --workers' are:
    # it holds the serve process's authkey, so the options it is handed (--dev here) hold.
    from alexaskill.cli import DEV_CERT_URL

    pki = signed_skill(tmp_path, "signing")
    process, url = serve(servers, tmp_path, tmp_path, "signing:skill", "--reload", "--dev")
    dev = TestPKI.load_or_create(tmp_path / "dev-pki", cert_url=DEV_CERT_URL)
    assert say_hello(url, pki) == 200
    assert say_hello(url, dev) == 200  # the development key is trusted: --dev was handed over
    servers.stop(process)
    output = servers.output[process].read_text()
    assert "serve_factory serves only" not in output, output
    # Said by the server process, which trusts the key; serve's own, which checks it, said it
    # too: twice for the one server.
    assert output.count("Never use --dev in production") == 1, output
    assert len(pids(output)) == 1 and process.pid not in pids(output)


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
    (tmp_path / "loud.py").write_text(LOUD_PORTAL)
    # (--capture: said of the mounted skill by serve's own check too, once logging was set up)
    # (the store's line needs the redis package, of the redis extra: without it, as in a
    # skill's install without the extra, the skill's lines alone are checked)
    redis = importlib.util.find_spec("redis") is not None
    store = "rediss://127.0.0.1:9/0?ssl_cert_reqs=none" if redis else "memory://"
    argv = ("loud:app", *workers, "--capture", str(tmp_path / "captures"))
    process, _ = serve(servers, tmp_path, tmp_path, *argv, ALEXASKILL_STORE=store)
    servers.stop(process)
    output = servers.output[process].read_text()
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
        "raise RuntimeError('no database')\n"
    )
    command = [sys.executable, "-m", "alexaskill", "serve", "failing:app", "--reload"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == "the reason it fails: no database URL", done.stderr
    assert "RuntimeError: no database" in lines[-1], done.stderr


#: An app whose import says a warning, before anything has set up logging.
LOUD_APP = """
import logging

logging.getLogger("loud").warning("the loud import's warning: no cache configured")


async def app(scope, receive, send):
    pass
"""


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

    (tmp_path / "loud.py").write_text(LOUD_APP)
    (tmp_path / "en-US.json").write_text("{}")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = str(taken.getsockname()[1])
        argv = [option.format(busy=busy) for option in options]
        command = [sys.executable, "-m", "alexaskill", "serve", "loud:app", *argv]
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
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
    (tmp_path / "loud.py").write_text(LOUD_APP + imported)
    port = str(free_port())
    command = [sys.executable, "-m", "alexaskill", "serve", app, "--workers", "1", "--port", port]
    said: list[str] = []
    with subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.PIPE, text=True) as process:
        try:
            assert process.stderr is not None
            for line in process.stderr:  # (ends if serve exits)
                said.append(line.rstrip("\n"))
                if "Uvicorn running on" in line:
                    break
        finally:
            stop(process)
    assert any("Uvicorn running on" in line for line in said), said
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
    output = servers.output[process].read_text()
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
    output = servers.output[process].read_text()
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


def test_dev_over_several_mounted_skills_warns_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `alexaskill serve portal:app --dev` (the README's portal, two skills) said the same
    # "--dev: request verification trusts ..." line twice, once a skill, naming neither.
    from starlette.applications import Starlette

    from alexaskill.cli.dev_verifier import DevVerifier
    from alexaskill.cli.serve import _prepare

    monkeypatch.setenv(DEV_PKI_ENV, str(tmp_path / "dev-pki"))  # (never the user's own)
    skills = [Skill(SKILL_ID, store="memory://") for _ in range(2)]
    portal = Starlette(routes=[skills[0].mount("/weather"), skills[1].mount("/trips")])
    with caplog.at_level(logging.WARNING, "alexaskill"):
        _prepare("portal:app", portal, True, None)
    assert caplog.text.count("Never use --dev in production") == 1, caplog.text
    assert all(isinstance(skill.verifier, DevVerifier) for skill in skills)  # both trust it


def test_serve_dev_says_so_whatever_the_log_level(servers: Servers, tmp_path: Path) -> None:
    # ALEXASKILL_LOG_LEVEL=ERROR hid that --dev trusts the development key.
    env = {"ALEXASKILL_LOG_LEVEL": "ERROR", "ALEXASKILL_STORE": "memory://"}
    process, _ = serve(servers, tmp_path, ROOT, WEATHER, "--dev", **env)
    servers.stop(process)
    output = servers.output[process].read_text()
    assert "WARNING alexaskill.security: --dev: request verification trusts" in output, output


def test_serve_checks_forwarded_allow_ips_from_the_environment(
    servers: Servers, tmp_path: Path
) -> None:
    # An app that reads no settings of its own (cli_shared's): serve checks uvicorn's variable.
    signed_skill(tmp_path, "signing")
    command = [sys.executable, "-m", "alexaskill", "serve", "signing:skill", "--port", "0"]
    env = {**os.environ, "FORWARDED_ALLOW_IPS": "10.0.0.5;10.0.0.6"}
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    *_, error = done.stderr.splitlines()
    assert error.startswith("alexaskill serve: error: FORWARDED_ALLOW_IPS='10.0.0.5;10.0.0.6': ")

    # '*' serves, and says so once, at start, on the security logger.
    process, _ = serve(servers, tmp_path, tmp_path, "signing:skill", FORWARDED_ALLOW_IPS="*")
    servers.stop(process)
    output = servers.output[process].read_text()
    assert output.count("WARNING alexaskill.security: FORWARDED_ALLOW_IPS='*': ") == 1, output


def test_serve_checks_only_the_proxies_it_hands_uvicorn(servers: Servers, tmp_path: Path) -> None:
    # --forwarded-allow-ips overrides the variable, which uvicorn then never reads: a stale value
    # there stopped serve all the same (settings_from_env() refused it at the app's start).
    pki = signed_skill(tmp_path, "signing")
    argv = ("signing:skill", "--forwarded-allow-ips", "10.0.0.1")
    process, url = serve(servers, tmp_path, tmp_path, *argv, FORWARDED_ALLOW_IPS="localhost")
    assert say_hello(url, pki) == 200
    servers.stop(process)
    output = servers.output[process].read_text()
    assert "localhost" not in output, output


def test_serve_workers_say_every_address_once(servers: Servers, tmp_path: Path) -> None:
    # The serve process says it at start; each worker said it again at its first connection.
    pki = signed_skill(tmp_path, "signing")
    argv = ("signing:skill", "--workers", "2")
    process, url = serve(servers, tmp_path, tmp_path, *argv, FORWARDED_ALLOW_IPS="*")
    for _ in range(6):  # new connections each: likely both workers answer one
        assert say_hello(url, pki) == 200
    servers.stop(process)
    output = servers.output[process].read_text()
    assert output.count("WARNING alexaskill.security: FORWARDED_ALLOW_IPS='*': ") == 1, output


def _certificate(
    directory: Path, *, days: tuple[int, int], names: list[str] | None
) -> tuple[str, str]:
    """A self-signed certificate valid from ``days[0]`` to ``days[1]`` days from now, for the
    DNS ``names`` (no subjectAltName if None), and its key: their PEM files."""
    cert, key = self_signed(directory, common_name="skill.example.com", days=days, dns=names or ())
    return str(cert), str(key)


@pytest.mark.parametrize(
    ("days", "names", "said"),
    [
        ((-60, -1), ["skill.example.com"], "expired on "),
        ((10, 100), ["skill.example.com"], "is not valid before "),
        ((-1, 30), None, "names no DNS name in its subjectAltName"),
        ((-1, 30), ["skill.example.com"], None),
    ],
    ids=["expired", "not-yet-valid", "no-dns-name", "good"],
)
def test_serve_warns_of_a_certificate_alexa_refuses(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    days: tuple[int, int],
    names: list[str] | None,
    said: str | None,
) -> None:
    # uvicorn served an expired certificate without a word: Alexa's requests then never came,
    # and nothing in the server's log said why.
    from alexaskill.cli.serve_uvicorn import _say_at_start

    cert, key = _certificate(tmp_path, days=days, names=names)
    argv = ("--ssl-certfile", cert, "--ssl-keyfile", key)
    assert options(*argv)["ssl_certfile"] == cert  # served all the same
    with caplog.at_level(logging.WARNING, "alexaskill"):
        _say_at_start(parser().parse_args(["serve", WEATHER, *argv]))  # once logging is set up
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    if said is None:
        assert warnings == []
    else:
        [warning] = warnings
        assert warning.startswith(f"--ssl-certfile {cert}: the certificate "), warning
        assert said in warning and "Alexa" in warning, warning


@pytest.mark.parametrize("host", ["", " "])
def test_serve_refuses_an_empty_host(capsys: pytest.CaptureFixture[str], host: str) -> None:
    # uvicorn binds an empty host on every interface: `--host "$HOST"` with HOST unset served
    # the skill (the simulator too, with --dev) to the whole network.
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", WEATHER, "--host", host])
    assert "every interface" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        # uvicorn's ImportFromStringError traceback, exit 1, once the server was starting.
        (("--http", ""), "--http '': uvicorn's auto, h11 or httptools, or a class"),
        (("--http", "nosuch"), "--http 'nosuch': uvicorn's auto, h11 or httptools, or a class"),
        # `--capture "$DIR"`, the variable unset: served with no capture, silently.
        (("--capture", ""), "--capture is empty"),
        (("--capture", " "), "--capture is empty"),
    ],
)
def test_serve_refuses_an_empty_or_unknown_option_value(argv: tuple[str, ...], error: str) -> None:
    from alexaskill.cli.common import UsageError

    with pytest.raises(UsageError, match=re.escape(error)):
        options(*argv)


def test_serve_refuses_a_capture_dir_under_a_file(tmp_path: Path) -> None:
    # Only DIR itself was checked: served, each request's capture failing with a warning.
    from alexaskill.cli.common import UsageError

    file = tmp_path / "captures"
    file.write_text("")
    with pytest.raises(UsageError, match="not a directory"):
        options("--capture", str(file / "today"))
    options("--capture", str(tmp_path / "new" / "today"))  # control: directories to make


def test_serve_refuses_more_workers_than_the_machine_can_use(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Taken: --workers 100000 had uvicorn start a hundred thousand processes, each importing
    # the app, until the machine ran out of memory or process slots.
    from alexaskill.cli.serve import max_workers

    most = max_workers()
    assert most >= 8
    args = parser().parse_args(["serve", WEATHER, "--workers", str(most)])
    assert args.workers == most
    for bad in (str(most + 1), "100000"):
        with pytest.raises(SystemExit):
            parser().parse_args(["serve", WEATHER, "--workers", bad])
        err = capsys.readouterr().err
        assert f"{bad}: at most {most} here" in err, err


def test_serve_refuses_a_host_that_does_not_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    # uvicorn started the app, then said only "[Errno -2] Name or service not known" (which
    # name?) and exited 3. (No DNS: the lookup is made to fail here.)
    import socket

    def no_such_name(host: object, *args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    from alexaskill.cli.common import UsageError

    args = parser().parse_args(["serve", WEATHER, "--host", "skill-hots.example"])
    with pytest.raises(UsageError, match=r"^--host skill-hots\.example: Name or service not"):
        _options(args)


@pytest.mark.parametrize("seconds", ["86401", "1" + "0" * 400])
def test_serve_refuses_a_graceful_shutdown_longer_than_a_day(
    capsys: pytest.CaptureFixture[str], seconds: str
) -> None:
    # Taken: uvicorn's wait_for at shutdown then raised OverflowError (a traceback, the requests
    # under way never cancelled) for a number past a float, and a day is more than any stop.
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", WEATHER, "--timeout-graceful-shutdown", seconds])
    assert "at most 86400 (a day)" in capsys.readouterr().err
    assert options("--timeout-graceful-shutdown", "86400")["timeout_graceful_shutdown"] == 86400


@pytest.mark.parametrize(("cpus", "most"), [(1, 8), (2, 8), (3, 12), (16, 64)])
def test_the_workers_bound_follows_the_cpus_this_process_may_use(
    monkeypatch: pytest.MonkeyPatch, cpus: int, most: int
) -> None:
    # A container given one CPU (sched_getaffinity) still takes 8 workers; above two CPUs, 4
    # each. (The test above checks the machine's own bound, 8 on a two-core CI either way.)
    import os

    from alexaskill.cli.serve import max_workers

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)), raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 1000)  # not asked where the affinity answers
    assert max_workers() == most
    assert parser().parse_args(["serve", WEATHER, "--workers", str(most)]).workers == most
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)  # macOS, Windows: no affinity
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    assert max_workers() == most
    monkeypatch.setattr(os, "cpu_count", lambda: None)  # "undetermined"
    assert max_workers() == 8


@pytest.mark.parametrize("http", ["h11", "httptools", "alexaskill.server:HttpProtocol"])
def test_serve_runs_each_request_in_a_fresh_context_whatever_the_protocol(http: str) -> None:
    # uvicorn's own protocols (--http h11, httptools) from 0.45 give a request a fresh context
    # only with reset_contextvars, off by default: serve turns it on where uvicorn has it (and
    # passes no option uvicorn 0.42, the floor, would refuse; it gave every request one).
    served = options("--http", http)
    if "reset_contextvars" in inspect.signature(uvicorn.Config).parameters:
        assert served["reset_contextvars"] is True
        uvicorn.Config(WEATHER, **served)  # type: ignore[arg-type]  # (taken)
    else:
        assert "reset_contextvars" not in served


@pytest.mark.parametrize(
    ("host", "hint"),
    [
        ("[::1]", "an IPv6 address goes without brackets: --host ::1"),
        ("[::]:8080", "an IPv6 address goes without brackets: --host :: --port 8080"),
        ("127.0.0.1:8000", "the port goes in --port: --host 127.0.0.1 --port 8000"),
        (
            "http://0.0.0.0:8080",
            "give an address, not a URL (the port has --port, TLS --ssl-certfile)",
        ),
    ],
)
def test_serve_says_what_to_give_for_a_host_written_as_in_a_url(
    monkeypatch: pytest.MonkeyPatch, host: str, hint: str
) -> None:
    # An address as a URL writes it ([::1], host:port, http://…) does not resolve: the error
    # said "give an address of this machine (…) or a name it resolves", as for a misspelt name.
    import socket

    def no_such_name(host: object, *args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    from alexaskill.cli.common import UsageError

    args = parser().parse_args(["serve", WEATHER, "--host", host])
    with pytest.raises(UsageError) as raised:
        _options(args)
    assert str(raised.value) == f"--host {host}: Name or service not known: {hint}"


def test_serve_refuses_a_capture_dir_it_cannot_make_or_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only a file in the way was checked: served, every request's capture failing with a
    # WARNING ("request capture: cannot write to …"), the capture asked for never made.
    from alexaskill.cli.common import UsageError

    too_long = tmp_path / ("x" * 300) / "today"  # a name no file system takes
    with pytest.raises(UsageError, match=r"^--capture .*: cannot make it \(File name too long\)"):
        options("--capture", str(too_long))
    made = tmp_path / "new" / "today"
    options("--capture", str(made))
    assert made.is_dir()  # made at start, as the capture would make it
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)  # (root may write anywhere)
    with pytest.raises(UsageError, match=r"^--capture .*: this user cannot write to it$"):
        options("--capture", str(made))


@pytest.mark.parametrize(
    "argv",
    [
        ("--ssl-certfile", "", "--ssl-keyfile", "key.pem"),
        ("--ssl-certfile", "cert.pem", "--ssl-keyfile", ""),
        ("--ssl-certfile", "", "--ssl-keyfile", ""),
        ("--ssl-keyfile", ""),
    ],
)
def test_serve_names_the_tls_option_given_an_empty_path(
    argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    # `--ssl-certfile "$CERT"`, the variable unset: said "--ssl-certfile and --ssl-keyfile go
    # together" (both were given), or "--ssl-certfile : no such file".
    empty = argv[argv.index("") - 1]
    with pytest.raises(SystemExit) as stopped:
        parser().parse_args(["serve", WEATHER, *argv])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {empty}: empty path: name " in err, err
    assert "go together" not in err


FACTORIES = f"""
from starlette.applications import Starlette
from starlette.routing import Mount

from alexaskill import Skill

skill = Skill({APP_SKILL_ID!r})


def make_app():
    return Starlette(routes=[Mount("/alexa", app=skill)])


def broken():
    raise RuntimeError("no database")


def nothing():
    return None


def make_skill():
    return skill


def sync_app(scope, receive, send):
    pass
"""


@pytest.fixture
def factories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A module of app factories, ``factories.py``; serve's uvicorn run recorded, not run."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "factories.py").write_text(FACTORIES)
    yield tmp_path
    sys.modules.pop("factories", None)


def test_serve_calls_an_app_factory_as_uvicorn_does(
    factories: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # uvicorn calls an APP that takes no argument and serves what it returns (a factory, with a
    # warning unless --factory); serve refused it: "is a function, not an ASGI app".
    from starlette.applications import Starlette

    from alexaskill.cli import serve
    from alexaskill.cli.serve_handover import _hand_over

    served: list[object] = []
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: served.append(app))
    code, _, err = run("serve", "factories:make_app", "--capture", str(factories / "got"))
    assert code == 0, err
    (app,) = served
    assert isinstance(getattr(app, "app", None), Starlette)  # (wrapped: serve_closing)
    code, _, err = run("serve", "factories:make_skill")
    assert code == 0, err
    assert type(served[-1]).__name__ == "Skill"
    # So does each process of --workers or --reload, handed the APP.
    handed = _hand_over("factories:make_app", False, None, None, "127.0.0.1", 8000)
    for name, value in handed.items():
        monkeypatch.setenv(name, value)
    assert isinstance(serve.serve_factory().app, Starlette)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("broken", "calling the app factory factories:broken() failed: RuntimeError: no database"),
        ("nothing", "factories:nothing() returned None, not an ASGI app: "),
        ("sync_app", "factories:sync_app is not async: an ASGI app is an async function of "),
    ],
)
def test_serve_says_why_it_cannot_serve_a_function(
    factories: Path, monkeypatch: pytest.MonkeyPatch, name: str, message: str
) -> None:
    from alexaskill.cli import serve

    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: pytest.fail("served"))
    code, out, err = run("serve", f"factories:{name}")
    assert (code, out) == (2, "")
    assert err.startswith(f"alexaskill serve: error: {message}"), err
    assert "Traceback" not in err


def test_serve_never_calls_a_handler_of_no_argument_as_a_factory(
    factories: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Named in place of the skill, a handler is said to be one, not called.
    from alexaskill.cli import serve

    module = factories / "factories.py"
    module.write_text(
        module.read_text() + "\n\n@skill.launch\ndef opened():\n    raise SystemExit('called')\n"
    )
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: pytest.fail("served"))
    code, _, err = run("serve", "factories:opened")
    assert code == 2
    assert "factories:opened is a function, not an ASGI app: name the Skill object" in err, err


def test_serve_dev_on_port_0_names_no_port_0(caplog: pytest.LogCaptureFixture) -> None:
    # --port 0 (the system chooses one) said "the simulator is at http://127.0.0.1:0/_simulator/",
    # a URL that reaches nothing, and "whoever reaches port 0".
    from alexaskill.cli.serve import _log_simulator

    args = parser().parse_args(["serve", WEATHER, "--dev", "--host", "0.0.0.0", "--port", "0"])
    with caplog.at_level(logging.INFO, "alexaskill"):
        _log_simulator(args)
    said = [record.getMessage() for record in caplog.records]
    assert len(said) == 2, said
    assert not any(":0/" in message or "port 0" in message for message in said), said
    assert "the simulator is at /_simulator/ on the port uvicorn names below" in said[0]
    assert "whoever reaches the port can drive the skill" in said[1]


def test_serve_never_calls_a_handler_its_module_imported_as_a_factory(
    factories: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A handler written in a module of handlers and registered by the APP's module's skill:
    # only the skills of the handler's own module were searched, so it was called (here, it
    # would exit) as an app factory.
    from alexaskill.cli import serve

    (factories / "factory_handlers.py").write_text(
        "def opened():\n    raise SystemExit('called')\n"
    )
    module = factories / "factories.py"
    module.write_text(
        module.read_text() + "\n\nfrom factory_handlers import opened\n\nskill.launch(opened)\n"
    )
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: pytest.fail("served"))
    try:
        code, _, err = run("serve", "factories:opened")
    finally:
        sys.modules.pop("factory_handlers", None)
    assert code == 2
    assert "factories:opened is a function, not an ASGI app: name the Skill object" in err, err


def test_serve_calls_a_partial_app_factory(
    factories: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # functools.partial(make_app, ...) is a factory as a function of no argument is: it was
    # served as the app itself (uvicorn called it with scope, receive and send: a TypeError on
    # every request), and --dev or --capture refused it as "no Skill and mounts none".
    from starlette.applications import Starlette

    from alexaskill.cli import serve

    module = factories / "factories.py"
    module.write_text(
        module.read_text()
        + "\n\nimport functools\n\n\ndef make_named(path):\n"
        + "    return Starlette(routes=[Mount(path, app=skill)])\n\n\n"
        + "partial_app = functools.partial(make_named, '/alexa')\n"
    )
    served: list[object] = []
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: served.append(app))
    code, _, err = run("serve", "factories:partial_app", "--capture", str(factories / "got"))
    assert code == 0, err
    (app,) = served
    assert isinstance(getattr(app, "app", None), Starlette)


def test_serve_dev_refuses_a_model_that_is_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # --model /dev/null (or a pipe, which the simulator cannot read again at each turn) was
    # "--model /dev/null: no such file or directory", of a path that is there.
    from alexaskill.cli import serve

    monkeypatch.setenv(DEV_PKI_ENV, str(tmp_path / "pki"))
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: pytest.fail("served"))
    code, out, err = run("serve", WEATHER, "--dev", "--model", "/dev/null")
    assert (code, out) == (2, "")
    assert err.endswith(
        "alexaskill serve: error: --model /dev/null: not a file: name an ASK CLI interaction "
        "model file (en-US.json) or a directory of them\n"
    ), err


@pytest.mark.parametrize(
    ("option", "environment", "said"),
    [
        (("--forwarded-allow-ips", ""), None, "--forwarded-allow-ips ''"),
        (("--forwarded-allow-ips", " , "), "10.0.0.5", "--forwarded-allow-ips ' , '"),
        ((), "", "FORWARDED_ALLOW_IPS=''"),
    ],
)
def test_serve_says_an_empty_proxy_list_trusts_no_proxy(
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    option: tuple[str, ...],
    environment: str | None,
    said: str,
) -> None:
    # uvicorn reads an empty list as no proxy at all, not its default (the loopback addresses):
    # `--forwarded-allow-ips "$IPS"` with IPS unset ignored a local proxy's X-Forwarded-For,
    # without a word.
    from alexaskill.cli.serve_uvicorn import _say_at_start

    if environment is None:
        monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    else:
        monkeypatch.setenv("FORWARDED_ALLOW_IPS", environment)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        _say_at_start(parser().parse_args(["serve", WEATHER, *option]))
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.startswith(f"{said} trusts no proxy, not even on the loopback addresses"), (
        warning
    )
    caplog.clear()
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.5")
    with caplog.at_level(logging.WARNING, "alexaskill"):
        _say_at_start(parser().parse_args(["serve", WEATHER]))
    assert caplog.records == []


def test_serve_reload_watches_the_directory_of_an_app_file_outside_this_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # uvicorn watches the current directory alone: `serve ../skill/app.py:skill --reload` never
    # restarted when app.py changed.
    from alexaskill.cli import serve

    (tmp_path / "skill").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "skill" / "reloaded.py").write_text(
        f"from alexaskill import Skill\n\nskill = Skill({SKILL_ID!r})\n"
    )
    monkeypatch.chdir(tmp_path / "elsewhere")
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(os, "environ", dict(os.environ))  # (serve hands its options over there)
    ran: list[dict[str, object]] = []
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: ran.append(options))
    try:
        code, _, err = run("serve", "../skill/reloaded.py:skill", "--reload")
        assert code == 0, err
        code, _, err = run("serve", "../skill/reloaded.py:skill")
        assert code == 0, err
    finally:
        sys.modules.pop("reloaded", None)
        sys.modules.pop("_alexaskill_app_reloaded", None)
    here = str(Path.cwd())
    assert ran[0]["reload_dirs"] == [here, str((tmp_path / "skill").resolve())]
    assert "reload_dirs" not in ran[1]
    assert serve._watched("reloaded:skill") == [here]
    assert serve._watched("./sub/app.py:skill") == [here]


def test_serve_reload_restarts_on_a_change_with_uvicorns_reloader(tmp_path: Path) -> None:
    # serve runs uvicorn's reloader itself (its socket bound first, to say a port taken in the
    # check's words): the one uvicorn.run would pick (WatchFiles where watchfiles is installed,
    # else StatReload), watching what uvicorn.run would watch, and a change restarts the server.
    import threading

    from uvicorn.supervisors import ChangeReload

    expected = {"WatchFilesReload": "WatchFiles", "StatReload": "StatReload"}[ChangeReload.__name__]
    app = tmp_path / "reloaded.py"
    app.write_text(LOUD_APP)
    port = str(free_port())
    command = [sys.executable, "-m", "alexaskill", "serve", "reloaded:app", "--reload"]
    said: list[str] = []
    changed = threading.Event()

    def change() -> None:  # (until a restart is seen: the reloader's first look may come late)
        edits = 0
        while not changed.wait(0.5):
            edits += 1
            app.write_text(f"{LOUD_APP}\nEDITS = {edits}\n")

    with subprocess.Popen(
        [*command, "--port", port], cwd=tmp_path, stderr=subprocess.PIPE, text=True
    ) as process:
        editor = threading.Thread(target=change)
        try:
            assert process.stderr is not None
            for line in process.stderr:  # (ends if serve exits)
                said.append(line.rstrip("\n"))
                started = sum("Started server process" in line for line in said)
                if started == 1 and not editor.is_alive():
                    editor.start()
                if started == 2:
                    break
        finally:
            changed.set()
            if editor.is_alive():
                editor.join()
            stop(process)
    assert sum("Started server process" in line for line in said) == 2, said
    assert any(f"Started reloader process [{process.pid}] using {expected}" in x for x in said), (
        said
    )
    watched = [line for line in said if "Will watch for changes in these directories" in line]
    assert watched == [f"INFO:     Will watch for changes in these directories: {[str(tmp_path)]}"]
    assert any("reloaded.py" in line and "Reloading" in line for line in said), said


@pytest.mark.parametrize("option", ["--ssl-certfile", "--ssl-keyfile"])
def test_serve_says_a_tls_file_that_is_no_file_is_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str
) -> None:
    # A directory (or /dev/null) named was "no such file", of a path that is there.
    from alexaskill.cli import serve

    cert, key = _certificate(tmp_path, days=(-1, 30), names=["skill.example.com"])
    files = {"--ssl-certfile": cert, "--ssl-keyfile": key, option: str(tmp_path)}
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: pytest.fail("served"))
    argv = [arg for pair in files.items() for arg in pair]
    code, out, err = run("serve", WEATHER, *argv)
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill serve: error: {option} {tmp_path}: not a file (a directory, a device or a "
        "pipe)\n"
    )


def test_serve_says_why_a_tls_file_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A key file the server's user may not read (mode 600, another owner) was "not a PEM
    # certificate" or the like; it is said as the system says it. (Root reads any file: the
    # refusal is made here, where serve opens the file.)
    from alexaskill.cli import serve, serve_uvicorn

    cert, key = _certificate(tmp_path, days=(-1, 30), names=["skill.example.com"])

    def refused(path: str, *args: object, **kwargs: object) -> object:
        if path == key:
            raise PermissionError(13, "Permission denied", path)
        return open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(serve_uvicorn, "open", refused, raising=False)
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: pytest.fail("served"))
    code, out, err = run("serve", WEATHER, "--ssl-certfile", cert, "--ssl-keyfile", key)
    assert (code, out) == (2, "")
    assert err == f"alexaskill serve: error: --ssl-keyfile {key}: Permission denied\n"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("::ffff:127.0.0.1", True),
        ("[::ffff:127.0.0.1]", True),
        ("::ffff:10.0.0.1", False),
        ("::1", True),
        ("0.0.0.0", False),
    ],
)
def test_an_ipv4_mapped_loopback_host_is_loopback(host: str, loopback: bool) -> None:
    # ::ffff:127.0.0.1 is 127.0.0.1 written in IPv6 (Python 3.11's is_loopback says no): --dev
    # there warned of another machine.
    from alexaskill.cli.serve import _loopback

    assert _loopback(host) is loopback


def test_serve_dev_loads_the_development_pki_once_per_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each --dev process (serve's, each worker's) parsed the development PKI's three private
    # keys twice: to trust it (once more for each skill an app mounts), then for the simulator.
    from starlette.applications import Starlette

    from alexaskill.cli import serve
    from alexaskill.cli.dev import DEV_CERT_URL
    from alexaskill.cli.dev_verifier import DevVerifier
    from examples.weather.app import skill

    directory = tmp_path / "dev-pki"
    TestPKI(cert_url=DEV_CERT_URL).save(directory)  # (the pool's keys: none made here)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv(DEV_PKI_ENV, str(directory))  # (never the user's own)
    monkeypatch.setattr(skill, "verifier", skill.verifier)  # (--dev wraps it: put back)
    loaded: list[TestPKI] = []
    from_pem = TestPKI.from_pem

    def counted(data: bytes, *, cert_url: str) -> TestPKI:
        loaded.append(from_pem(data, cert_url=cert_url))
        return loaded[-1]

    monkeypatch.setattr(TestPKI, "from_pem", staticmethod(counted))
    served: list[Any] = []
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: served.append(app))
    code, _, err = run("serve", WEATHER, "--dev", "--port", str(free_port()))
    assert code == 0, err
    assert len(loaded) == 1, f"the development PKI was loaded {len(loaded)} times"
    pki = loaded[0]
    assert served[0].simulator.pki is pki
    assert isinstance(skill.verifier, DevVerifier) and skill.verifier.leaf == pki.leaf
    # An app mounting two skills, in the same process: the PKI kept, not read again, both
    # skills trusting what the simulator signs.
    loaded.clear()
    skills = [Skill(SKILL_ID, store="memory://"), Skill(SKILL_ID, store="memory://")]
    portal = Starlette(routes=[skills[0].mount("/a"), skills[1].mount("/b")])
    app = serve._prepare("portal:app", portal, True, None)
    assert loaded == [], f"the development PKI was loaded {len(loaded)} times more"
    assert app.simulator.pki is pki
    assert all(isinstance(s.verifier, DevVerifier) and s.verifier.leaf == pki.leaf for s in skills)
