"""What the tests of ``alexaskill serve`` share (tests/test_cli_serve*.py, test_serve_uvicorn.py):
starting ``serve`` as a process of its own, a signed skill to serve, asking it, and its servers'
processes, waited for by what their log says."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from alexaskill.cli import parser
from alexaskill.cli.dev import DEV_PKI_ENV
from alexaskill.cli.serve_uvicorn import _options
from alexaskill.testing import RequestFactory, TestPKI

from .cli_shared import APP, WEATHER
from .conftest import SKILL_ID, Servers
from .dev_pki_shared import with_dev_pki


def options(*argv: str) -> dict[str, object]:
    return _options(parser().parse_args(["serve", WEATHER, *argv]))


def pids(output: str) -> set[int]:
    return {int(pid) for pid in re.findall(r"Started server process \[(\d+)\]", output)}


def log_text(log: Path) -> str:
    """What a server has written to its ``log`` so far, read as UTF-8 whatever the locale."""
    return log.read_text(encoding="utf-8")


def serve(servers: Servers, tmp_path: Path, cwd: Path, *argv: str, **env: str) -> tuple[Any, str]:
    """``alexaskill serve`` on a free port, as a user starts it (stopped by PID after the
    test): the process and its URL, once it answers ``/health`` (one of its workers: wait for
    them all with `wait_in_log`)."""
    port = servers.free_port()
    command = [sys.executable, "-m", "alexaskill", "serve", *argv, "--port", str(port)]
    directory = tmp_path / "dev-pki"
    if "--dev" in argv:  # (the process's development PKI: the server reads it, makes none)
        with_dev_pki(directory)
    environ = {**os.environ, DEV_PKI_ENV: str(directory), **env}
    # (60 s to start: two workers spawned on a loaded CI machine took over 20)
    started = servers.start(command, port, cwd=cwd, env=environ, timeout=60)
    return started, f"http://127.0.0.1:{port}/"


def wait_for(condition: Any, what: str, log: Path, seconds: float = 30) -> None:
    """Return once ``condition()`` is true; fail after ``seconds``, saying ``what`` was waited
    for and the end of the server's ``log``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what}: {log_text(log)[-3000:]}"
        time.sleep(0.05)


# alexaskill's supervisor (the ERROR line, exit status 3) extends uvicorn's of 0.51 on; with 0.42
# to 0.50, which pyproject.toml allows, serve keeps uvicorn's own and says so at start
# (test_an_older_uvicorn_keeps_its_own_supervisor): there, these tests asked for what it lacks.
needs_our_supervisor = pytest.mark.skipif(
    tuple(int(part) for part in uvicorn.__version__.split(".")[:2]) < (0, 51),
    reason=f"alexaskill's supervisor needs uvicorn 0.51 or later, not {uvicorn.__version__}",
)


def signed_skill(tmp_path: Path, module: str, preamble: str = "") -> TestPKI:
    """``module:skill`` in ``tmp_path``: cli_shared's skill, trusting a fresh `TestPKI` (returned,
    and saved there), imported after ``preamble``. The module's verifier is the PKI's own
    (`TestPKI.verifier`: its root trusted, its chain served from memory), made of the root and
    the chain alone: ``TestPKI.load`` checks its three private keys as it reads them, 0.07 s of
    CPU in each process that imports the module (serve's, and each of its workers)."""
    from cryptography.hazmat.primitives.serialization import Encoding

    (tmp_path / "skillapp.py").write_text(APP, encoding="utf-8")
    pki = TestPKI()
    pki.save(tmp_path)
    (tmp_path / "trusted-root.pem").write_bytes(pki.root.public_bytes(Encoding.PEM))
    (tmp_path / "chain.pem").write_bytes(pki.chain_pem)
    (tmp_path / f"{module}.py").write_text(
        preamble + _SIGNING.format(directory=str(tmp_path)), encoding="utf-8"
    )
    return pki


#: `signed_skill`'s module after its preamble: the verifier `TestPKI.verifier` makes.
_SIGNING = """from pathlib import Path

from cryptography import x509

from alexaskill.verify import Verifier
from skillapp import skill

_chain = Path({directory!r}, "chain.pem").read_bytes()


async def _fetch_chain(url):
    return _chain


_root = x509.load_pem_x509_certificate(Path({directory!r}, "trusted-root.pem").read_bytes())
skill.verifier = Verifier(trusted_roots=[_root], fetch_chain=_fetch_chain)
"""


def say_hello(url: str, pki: TestPKI) -> int:
    """The status of a signed Hello intent posted to ``url`` (a server of the test's, http on
    127.0.0.1: no proxy between, and no CA bundle loaded, which cost httpx.post 60 ms of CPU a
    call, more than the request)."""
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Hello")).encode()
    headers = {"Content-Type": "application/json", **pki.sign(body)}
    with httpx.Client(verify=False, trust_env=False, timeout=30) as client:
        return client.post(url, content=body, headers=headers).status_code


def running(pid: int) -> bool:
    """Whether process ``pid`` is still there (and not a zombie)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


#: An app whose import says a warning, before anything has set up logging.
LOUD_APP = """
import logging

logging.getLogger("loud").warning("the loud import's warning: no cache configured")


async def app(scope, receive, send):
    pass
"""
