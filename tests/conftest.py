"""Shared fixtures: a throwaway redis-server for the Redis store tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import NoReturn

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the Redis tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``redis://127.0.0.1:<port>/0`` of a redis-server started for this test session.

    Without ``redis-server`` (Debian: ``apt-get install redis-server``) the tests that need it
    are skipped, except under CI (``CI`` set), where they fail: CI must run them.
    """
    executable = shutil.which("redis-server")
    if executable is None:
        _unavailable("redis-server not installed: apt-get install redis-server")
    try:
        import redis  # noqa: F401
    except ImportError:
        _unavailable("the redis package is not installed: pip install -e '.[test]'")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    options = {"port": str(port), "bind": "127.0.0.1", "save": "", "appendonly": "no"}
    options["dir"] = str(workdir)
    command = [
        executable,
        *(item for name, value in options.items() for item in (f"--{name}", value)),
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 10
        while not _answers_ping(port):
            if process.poll() is not None:
                pytest.fail(f"redis-server exited with status {process.returncode}")
            if time.monotonic() > deadline:
                pytest.fail("redis-server did not answer PING within 10 s")
            time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
