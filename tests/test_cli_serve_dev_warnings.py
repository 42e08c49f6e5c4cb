"""``alexaskill serve --dev``: warned of beyond loopback and said whatever the log level, the
development PKI loaded once per process, and what it refuses."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from alexaskill import Skill
from alexaskill.cli import parser
from alexaskill.cli.dev import DEV_PKI_ENV
from alexaskill.testing import TestPKI

from .cli_run import run
from .cli_serve_shared import serve
from .cli_shared import APP, ROOT, WEATHER
from .conftest import SKILL_ID, Servers
from .processes import free_port

pytestmark = pytest.mark.oldest_dependencies


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
    (tmp_path / f"{module}.py").write_text(APP, encoding="utf-8")

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
    output = servers.output[process].read_text(encoding="utf-8")
    assert "WARNING alexaskill.security: --dev: request verification trusts" in output, output


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
    # (A name of several addresses may be bound on a port each: "the port" named one of them.)
    assert said[0] == (
        "--dev: the simulator is at /_simulator/ on each address of uvicorn's `Uvicorn running "
        "on` line below"
    )
    # (Nor "whoever reaches the port", of what may be several, one per address.)
    assert "whoever reaches a port of uvicorn's `Uvicorn running on` line can drive" in said[1]
    assert said[1].endswith("or keep those ports behind a firewall."), said[1]


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
