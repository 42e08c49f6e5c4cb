"""What the ``alexaskill certify`` tests share (tests/test_certify*.py): the servers they start on
127.0.0.1, each its own process stopped by PID (the example skill, plainly and capturing, an
endpoint that accepts everything, a proxy that re-encodes JSON), a self-signed certificate, the
probes certify sends, and ``certify`` run with ``--json`` and its report read.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest

from alexaskill.cli import DEV_PKI_ENV, main
from alexaskill.cli.probes import INVALID_CERT_URLS
from benchmarks.serving import self_signed
from tests.processes import free_port, stop

from .conftest import Servers

# The module's development PKI and the variable pointing at it (tests/dev_pki_shared.py),
# re-exported: the certify modules import them from here, with the servers that sign with it.
from .dev_pki_shared import _dev_env as _dev_env
from .dev_pki_shared import dev_dir as dev_dir

ROOT = Path(__file__).resolve().parent.parent
SERVERS = Path(__file__).resolve().parent / "certify_servers.py"
WEATHER = "examples.weather.app:skill"
# What each server of the example skill here is given besides: its log at WARNING and up.
QUIET: Final = ("--log-level", "warning")
# Every probe certify sends without --replay; --dev adds the valid request.
PROBES = [
    "no-signature-headers",
    "empty-cert-url",
    *(name for name, _ in INVALID_CERT_URLS),
    "invalid-signature",
    "signature-not-base64",
    "timestamp-old",
    "timestamp-future",
    "timestamp-just-old",
    "timestamp-just-future",
    "body-changed",
    "not-json",
    "another-skill",
]


def wait_for_port(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 60  # (its setup took 13 s here under load)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"server exited with {process.returncode}: {log.read_text(encoding='utf-8')}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"no server on port {port} after 60 s")


@pytest.fixture(scope="module")
def start(dev_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``start(argv) -> base URL``: a server process on a free port, stopped after the module.
    For tests/certify_servers.py's endpoints, which answer no ``GET /health`` (the skills' servers
    are conftest's `Servers`, which waits for it)."""
    processes: list[subprocess.Popen[bytes]] = []
    logs = tmp_path_factory.mktemp("logs")

    def start_server(*argv: str, scheme: str = "http") -> str:
        port = free_port()
        command = [a.replace("{port}", str(port)) for a in argv]
        log = logs / f"{port}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, *command],
                cwd=ROOT,
                env={**os.environ, DEV_PKI_ENV: str(dev_dir)},
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        processes.append(process)
        wait_for_port(process, port, log)
        return f"{scheme}://127.0.0.1:{port}/"

    yield start_server
    for process in processes:  # all told at once: each takes a while to shut down
        process.terminate()
    for process in processes:
        stop(process)


@pytest.fixture(scope="module")
def captures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("captures") / "requests"


@pytest.fixture(scope="module")
def weather(module_servers: Servers, dev_dir: Path) -> str:
    """The example skill under ``serve --dev``, for the probes."""
    return module_servers.serve_dev(WEATHER, *QUIET, cwd=ROOT, dev_dir=dev_dir)[1]


@pytest.fixture(scope="module")
def capturing(module_servers: Servers, dev_dir: Path, captures: Path) -> str:
    """The example skill under ``serve --dev``, capturing what it receives: a server of its own,
    as the probes, all refused, would soon use up the quota of refused captures."""
    options = ("--capture", str(captures), *QUIET)
    return module_servers.serve_dev(WEATHER, *options, cwd=ROOT, dev_dir=dev_dir)[1]


@pytest.fixture(scope="module")
def accept_all(start: Any) -> str:
    """An endpoint that answers every request 200, verifying nothing (it keeps no state)."""
    return str(start(str(SERVERS), "accept-all", "{port}"))


@pytest.fixture(scope="module")
def proxy(start: Any, weather: str) -> str:
    """A proxy re-encoding the JSON it passes on to the example skill (it keeps no state)."""
    return str(start(str(SERVERS), "reserialise", "{port}", weather))


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for the address 127.0.0.1 (only), and its key."""
    directory = tmp_path_factory.mktemp("tls")
    return self_signed(directory, common_name="certify test", ips=["127.0.0.1"], ca=True)


def certify(*argv: str) -> tuple[int, dict[str, Any]]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["certify", *argv, "--json", "--timeout", "5"], stdout=out, stderr=err)
    assert code != 2, err.getvalue()
    return code, json.loads(out.getvalue())


def outcome(report: dict[str, Any]) -> dict[str, bool | None]:
    return {check["name"]: check["passed"] for check in report["checks"]}


def detail(report: dict[str, Any], name: str) -> str:
    return str(next(c["detail"] for c in report["checks"] if c["name"] == name))
