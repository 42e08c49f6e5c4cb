"""``alexaskill serve``: its uvicorn options (the Docker image's), its workers and its reload, on
real servers on 127.0.0.1 stopped by PID (``--dev`` with ``replay --url``: test_cli_serve_dev.py;
its logging: test_cli_serve_logs.py; what it refuses: test_cli_serve_refuses.py)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
import uvicorn

from alexaskill import Skill, exchange_protocol, speak
from alexaskill.cli import parser, serve_loop
from alexaskill.cli.dev import DEV_PKI_ENV
from alexaskill.loops import handshakes_bounded
from alexaskill.skill_ids_given import PLACEHOLDER_SKILL_ID
from alexaskill.testing import TestPKI

from .cli_run import run
from .cli_serve_exit_shared import serving, wait_in_log
from .cli_serve_shared import (
    LOUD_APP,
    log_text,
    options,
    pids,
    running,
    say_hello,
    serve,
    signed_skill,
)
from .cli_shared import ROOT, WEATHER, WEATHER_REQUESTS
from .conftest import SKILL_ID, Servers
from .dockerfile_shared import dockerfile_cmd
from .processes import free_port, stop

pytestmark = pytest.mark.oldest_dependencies

_FLAGS: dict[str, tuple[str, bool]] = {
    "--proxy-headers": ("proxy_headers", True),
    "--no-server-header": ("server_header", False),
    "--no-access-log": ("access_log", False),
}


@pytest.fixture(scope="module")
def dev_pki_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The module's development PKI (never the user's own), made once: ``serve --dev`` and
    ``replay --url`` made one of three fresh RSA keys in each test's directory. Of the test
    PKI's key set 1, unrelated to the keys `signed_skill`'s skills trust (key set 0): a request
    it signs is accepted only where ``--dev`` was handed on."""
    from alexaskill.cli import DEV_CERT_URL

    directory = tmp_path_factory.mktemp("dev-pki-home") / "dev-pki"
    TestPKI(cert_url=DEV_CERT_URL, key_set=1).save(directory)
    return directory


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
        if name not in ("host", "port", "loop"):
            assert str(served[name]) == str(value), name
    # The image's loop, made by serve's own factory (its default executor left to the exit's
    # bound: tests/test_cli_serve_exit_executor.py).
    assert (docker["loop"], served["loop"]) == (
        "alexaskill.loops:new_event_loop",
        "alexaskill.cli.serve_loop:new_event_loop",
    )
    loop = serve_loop.new_event_loop()
    try:
        assert handshakes_bounded(loop)
    finally:
        loop.close()
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
        # Taken, and nothing done with it: no supervisor runs to check a worker's health.
        *(
            ((*more, "--timeout-worker-healthcheck", "30"), "--timeout-worker-healthcheck is ")
            for more in ((), ("--workers", "1"), ("--reload",))
        ),
    ],
)
def test_serve_refuses_what_cannot_serve_before_it_starts(
    tmp_path: Path,
    dev_pki_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: tuple[str, ...],
    error: str,
) -> None:
    # In this process (each case is refused before uvicorn runs: a refusal that came later
    # would reach the _run_uvicorn below); `python -m alexaskill serve` exiting 2 with the
    # refusal in one line is checked on real processes in test_cli_serve_logs.py
    # (FORWARDED_ALLOW_IPS, ALEXASKILL_LOG_LEVEL).
    from alexaskill.cli import serve
    from examples.weather.app import skill

    bad = tmp_path / "not-a-pem.txt"
    bad.write_text("hello\n", encoding="utf-8")
    argv = tuple(arg.format(bad=bad) for arg in argv)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv(DEV_PKI_ENV, str(dev_pki_dir))
    monkeypatch.setattr(skill, "verifier", skill.verifier)  # (--dev wraps it: put back)
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: pytest.fail("served"))
    code, out, err = run("serve", WEATHER, *argv, "--port", str(free_port()))
    assert (code, out) == (2, ""), err
    assert error.format(bad=bad) in err
    assert "alexaskill serve: error: " in err and "Traceback" not in err


def test_serve_workers(
    servers: Servers, tmp_path: Path, dev_pki_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = (WEATHER, "--dev", "--access-log", "--workers", "2")
    env = {"ALEXASKILL_STORE": "memory://", DEV_PKI_ENV: str(dev_pki_dir)}
    process, url = serve(servers, tmp_path, ROOT, *argv, **env)
    log = servers.output[process]
    deadline = time.monotonic() + 30
    while (
        len(pids(log.read_text(encoding="utf-8"))) < 2
    ):  # /health answered: one worker at least is up
        assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
        time.sleep(0.05)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv(DEV_PKI_ENV, str(dev_pki_dir))
    code, out, err = run("replay", WEATHER, *WEATHER_REQUESTS, "--url", url)
    assert code == 0, out + err
    assert out.endswith(f"{len(WEATHER_REQUESTS)} requests: all answered\n")
    servers.stop(process, patience=60)
    assert process.returncode == 0  # stopped by SIGTERM, not killed
    output = log.read_text(encoding="utf-8")
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
    servers: Servers, tmp_path: Path, dev_pki_dir: Path
) -> None:
    # The reloader's server process is started by multiprocessing (spawn), as --workers' are:
    # it holds the serve process's authkey, so the options it is handed (--dev here) hold.
    from alexaskill.cli import DEV_CERT_URL

    pki = signed_skill(tmp_path, "signing")
    argv = ("signing:skill", "--reload", "--dev")
    process, url = serve(servers, tmp_path, tmp_path, *argv, **{DEV_PKI_ENV: str(dev_pki_dir)})
    dev = TestPKI.load_or_create(dev_pki_dir, cert_url=DEV_CERT_URL)
    assert say_hello(url, pki) == 200
    assert say_hello(url, dev) == 200  # the development key is trusted: --dev was handed over
    servers.stop(process)
    output = servers.output[process].read_text(encoding="utf-8")
    assert "serve_factory serves only" not in output, output
    # Said by the server process, which trusts the key; serve's own, which checks it, said it
    # too: twice for the one server.
    assert output.count("Never use --dev in production") == 1, output
    assert len(pids(output)) == 1 and process.pid not in pids(output)


def test_serve_reload_watches_the_directory_of_an_app_file_outside_this_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # uvicorn watches the current directory alone: `serve ../skill/app.py:skill --reload` never
    # restarted when app.py changed.
    from alexaskill.cli import serve

    (tmp_path / "skill").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "skill" / "reloaded.py").write_text(
        f"from alexaskill import Skill\n\nskill = Skill({SKILL_ID!r})\n", encoding="utf-8"
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


#: `LOUD_APP`, which in serve's own process (the reloader's: it imports the app to check it) says
#: `_WATCHING` once uvicorn's reloader has looked at the files since it (re)started its server,
#: its answer unchanged. Only an edit made after that look is one it can see: StatReload reads the
#: files' times then (again after each restart, its times forgotten), WatchFiles starts watching.
_WATCHED_APP = (
    LOUD_APP
    + """
import multiprocessing

if multiprocessing.parent_process() is None:
    from uvicorn.supervisors import ChangeReload

    looked, restarted = ChangeReload.should_restart, ChangeReload.restart

    def should_restart(self):
        changes = looked(self)
        if not changes and not getattr(self, "said_watching", False):
            self.said_watching = True
            print("(the test's reloader watching)", flush=True)
        return changes

    def restart(self):
        self.said_watching = False
        restarted(self)

    ChangeReload.should_restart, ChangeReload.restart = should_restart, restart
"""
)
_WATCHING = "(the test's reloader watching)"


def test_serve_reload_restarts_on_a_change_with_uvicorns_reloader(tmp_path: Path) -> None:
    # serve runs uvicorn's reloader itself (its socket bound first, to say a port taken in the
    # check's words): the one uvicorn.run would pick (WatchFiles where watchfiles is installed,
    # else StatReload), watching what uvicorn.run would watch, and a change restarts the server,
    # once. Each edit waits for the reloader to be watching (an edit before its first look was
    # never seen: edits repeated every half second until one was, and one more could restart
    # the server a third time), and is one rename (a write seen in two batches is two reloads).
    from uvicorn.supervisors import ChangeReload

    expected = {"WatchFilesReload": "WatchFiles", "StatReload": "StatReload"}[ChangeReload.__name__]
    app = tmp_path / "reloaded.py"
    app.write_text(_WATCHED_APP, encoding="utf-8")
    port = str(free_port())
    command = [sys.executable, "-m", "alexaskill", "serve", "reloaded:app", "--reload"]
    log = tmp_path / "serve.log"
    with serving([*command, "--port", port], tmp_path, log) as process:
        try:  # (a minute each for the reloader's look and the restart, on a loaded machine)
            for edit in (1, 2):
                wait_in_log(process, log, _WATCHING, edit, seconds=120)
                edited = tmp_path / "reloaded.edit"  # (not a .py file: neither reloader's)
                edited.write_text(f"{_WATCHED_APP}\nEDITS = {edit}\n", encoding="utf-8")
                edited.replace(app)
                wait_in_log(process, log, "Started server process", edit + 1, seconds=120)
            wait_in_log(process, log, _WATCHING, 3, seconds=120)  # (nothing changed since)
        finally:
            stop(process)
    said = log_text(log).splitlines()
    assert sum("Started server process" in line for line in said) == 3, said
    assert sum("reloaded.py" in line and "Reloading" in line for line in said) == 2, said
    assert any(f"Started reloader process [{process.pid}] using {expected}" in x for x in said), (
        said
    )
    watched = [line for line in said if "Will watch for changes in these directories" in line]
    assert watched == [f"INFO:     Will watch for changes in these directories: {[str(tmp_path)]}"]


@pytest.mark.parametrize(
    ("skill_id", "argv", "warned"),
    [
        (PLACEHOLDER_SKILL_ID, (), True),
        (PLACEHOLDER_SKILL_ID, ("--workers", "2"), True),  # (said by serve, not by each worker)
        (PLACEHOLDER_SKILL_ID, ("--dev",), False),  # (the simulator's requests carry it)
        (SKILL_ID, (), False),
    ],
)
def test_serve_of_a_skill_with_the_placeholder_id_says_so_at_start(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    skill_id: str,
    argv: tuple[str, ...],
    warned: bool,
) -> None:
    # It started silently: only the first real request, refused, said why.
    from alexaskill.cli import serve as serve_module

    (tmp_path / "placeholder_app.py").write_text(
        f"from alexaskill import Skill\n\nskill = Skill({skill_id!r}, store='memory://')\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    monkeypatch.setattr(os, "environ", dict(os.environ))  # (serve hands its options over there)
    monkeypatch.setattr(serve_module, "_run_uvicorn", lambda app, **options: None)
    if "--dev" in argv:
        from alexaskill.cli.dev import DEV_CERT_URL

        TestPKI(cert_url=DEV_CERT_URL).save(tmp_path / "dev-pki")  # (never the user's own)
        monkeypatch.setenv(DEV_PKI_ENV, str(tmp_path / "dev-pki"))
    try:
        code, _, err = run("serve", "placeholder_app:skill", "--port", str(free_port()), *argv)
    finally:
        sys.modules.pop("placeholder_app", None)
        sys.modules.pop("_alexaskill_app_placeholder_app", None)
    assert code == 0, err
    lines = [r for r in caplog.records if PLACEHOLDER_SKILL_ID in r.getMessage()]
    if not warned:
        assert lines == []
        return
    assert [(r.levelname, r.getMessage()) for r in lines] == [
        (
            "WARNING",
            f"the skill id is {PLACEHOLDER_SKILL_ID}, the examples' placeholder: Alexa's requests "
            "will be refused; give the console's id to Skill(skill_id=...) or ALEXASKILL_SKILL_ID",
        )
    ]
