"""What the tests that start a server process share: a free port on 127.0.0.1, the wait for
its ``/health`` to answer, its stop by PID, the check for a tool they drive it with and a tool's
stand-in, whether ::1 can be bound (`ipv6_loopback`); the ``servers`` and ``module_servers``
fixtures (`Servers`), which tests/conftest.py imports, which makes them every test module's."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

# The tests' servers and the benchmarks' take their ports from one helper, outside the
# kernel's ephemeral range (``as``: re-exported, for mypy's strict mode: the tests import it here).
from benchmarks.serving import free_port as free_port
from tests import server_logs
from tests.missing import unavailable


def stop(process: subprocess.Popen[Any], patience: float = 5) -> None:
    """Stop a server a test started, by its PID: SIGTERM, then SIGKILL after ``patience`` s.
    A test that asserts a clean exit gives more: a server with workers took over 5 s to stop
    at load 20-40, and was killed (status -9)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=patience)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def running(command: list[str], **popen: Any) -> Iterator[subprocess.Popen[Any]]:
    """``subprocess.Popen(command, **popen)``; on the way out, stopped by `stop` if it still
    runs (a test that failed before it ended), and its pipes closed."""
    with subprocess.Popen(command, **popen) as process:
        try:
            yield process
        finally:
            stop(process)


def wait_for_health(
    url: str,
    process: subprocess.Popen[Any],
    *,
    seconds: float = 60,
    said: Callable[[], str] = lambda: "",
) -> None:
    """Return once ``GET url/health`` answers 200 (over TLS for an ``https`` URL, any certificate
    accepted); fail the test if ``process`` exits first or ``seconds`` pass (generous: a loaded CI
    machine starts a server slowly), with what the server ``said`` (its log) in the message."""
    deadline = time.monotonic() + seconds
    health = url.rstrip("/") + "/health"
    # verify=False: a test's server over TLS has the test's own self-signed certificate (what it
    # is checked for is the test's business, not this wait's). trust_env=False: the server is on
    # 127.0.0.1, and no proxy a test sets up may stand between.
    with httpx.Client(verify=False, trust_env=False) as client:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(
                    f"the server at {url} did not answer {health} in {seconds:.0f} s: {said()}"
                )
            try:
                # 5 s a request at most, and never past the deadline: a server that accepts
                # connections and never answers held `Servers.start(timeout=1)` for 5 s.
                if client.get(health, timeout=min(5.0, left)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                pytest.fail(f"the server at {url} exited with {process.returncode}: {said()}")
            time.sleep(max(0.0, min(0.05, deadline - time.monotonic())))


def stand_in(tmp_path: Path, tool: str, script: str) -> Path:
    """``script`` (sh) as ``tool`` in ``tmp_path``/bin, executable: a tool's stand-in; that
    directory, to put first on PATH."""
    tools = tmp_path / "bin"
    tools.mkdir(exist_ok=True)
    (tools / tool).write_text(f"#!/bin/sh\n{script}", encoding="utf-8")
    (tools / tool).chmod(0o755)
    return tools


def installed_or_skip(tool: str, must_run: str) -> None:
    """Skip the test where ``tool`` is not installed; with CI set (.ci/run installs it), fail it
    instead: ``must_run`` is never left out there."""
    if shutil.which(tool) is None:
        unavailable(f"{tool} is not installed (apt-get install {tool})", must_run)


# --- the `servers` fixtures: servers started for a test, stopped after it ----------


# What binding ::1 says on a machine without IPv6: a kernel built without it, or booted with
# ipv6.disable=1, has no AF_INET6 (socket() says EAFNOSUPPORT); one with IPv6 turned off
# (net.ipv6.conf.*.disable_ipv6=1, as in many containers) makes the socket, but ::1 is no
# address of it (bind() says EADDRNOTAVAIL).
_NO_IPV6 = frozenset((errno.EAFNOSUPPORT, errno.EADDRNOTAVAIL))


def ipv6_loopback() -> bool:
    """Whether ::1 can be bound here: False on a machine without IPv6 (`_NO_IPV6`), whose test
    is skipped, under CI too (no install gives a kernel a ::1). Any other error is no lack of
    IPv6 (out of file descriptors, a sandbox's refusal): the test is skipped, and fails under CI
    (`unavailable`), where the machine may well have IPv6 and the test must run."""
    if not socket.has_ipv6:  # (a Python built without IPv6)
        return False
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError as error:
        if error.errno in _NO_IPV6:
            return False
        unavailable(f"binding ::1 failed, for no lack of IPv6: {error}", "the IPv6 tests")
    return True


class Servers:
    """Starts servers for a test on 127.0.0.1 and stops them by PID (the ``servers`` fixture)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.started: list[subprocess.Popen[bytes]] = []
        #: Where each server's standard output and error go (a file: a pipe could fill up).
        self.output: dict[subprocess.Popen[bytes], Path] = {}

    def free_port(self) -> int:
        """A port nothing listens on now."""
        return free_port()

    def start(
        self,
        command: list[str],
        port: int,
        *,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        preexec_fn: Any = None,
        timeout: float = 60,
        tls: bool = False,
    ) -> subprocess.Popen[bytes]:
        """Run ``command`` and wait until ``GET /health`` on ``port`` answers 200 (over TLS if
        ``tls``, any certificate accepted)."""
        output = self.directory / f"server-{len(self.started)}.log"
        with output.open("wb") as sink:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                preexec_fn=preexec_fn,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        self.started.append(process)
        self.output[process] = output
        server_logs.keep(process, output)

        def said() -> str:
            stop(process)  # (what it said is then whole)
            text = output.read_text(encoding="utf-8", errors="replace")
            return f"{' '.join(command)}: {text[-2000:]}"

        url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
        wait_for_health(url, process, seconds=timeout, said=said)
        return process

    def serve_dev(
        self, app: str, *options: str, cwd: Path, dev_dir: Path, tls: bool = False
    ) -> tuple[subprocess.Popen[bytes], str]:
        """``alexaskill serve APP --dev [OPTIONS]`` started in ``cwd`` on a free port, its
        development PKI in ``dev_dir``: the process and its URL (``https`` if ``tls``: the
        options name the certificate and key)."""
        from alexaskill.cli import DEV_PKI_ENV

        port = free_port()
        command = [sys.executable, "-m", "alexaskill", "serve", app, "--dev", "--port", str(port)]
        env = {**os.environ, DEV_PKI_ENV: str(dev_dir)}
        process = self.start([*command, *options], port, cwd=cwd, env=env, tls=tls)
        return process, f"{'https' if tls else 'http'}://127.0.0.1:{port}/"

    def stop(self, process: subprocess.Popen[bytes], patience: float = 5) -> None:
        """Stop one of them, by its PID (its output is then whole): SIGTERM, then SIGKILL
        after ``patience`` seconds."""
        stop(process, patience)

    def stop_all(self) -> None:
        """Stop every server started here, by its PID."""
        for process in self.started:
            stop(process)


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    """Start servers with ``servers.start(command, port)``; all are stopped after the test."""
    made = Servers(tmp_path)
    try:
        yield made
    finally:
        made.stop_all()


@pytest.fixture(scope="module")
def module_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """`servers` shared by a module's tests, stopped after its last: for a server that takes
    seconds to start and that the tests using it leave as they found it."""
    made = Servers(tmp_path_factory.mktemp("servers-module"))
    try:
        yield made
    finally:
        made.stop_all()
