"""redis-servers a test starts on 127.0.0.1 and stops by PID: one for the session
(``redis_url``), a test's own (``redis_servers``) or a module's (``module_redis_servers``).
tests/conftest.py imports the fixtures, which makes them every test module's. Without
redis-server or the redis package the tests that need them are skipped, failed under CI
(tests/missing.py)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest

from tests.missing import unavailable
from tests.processes import free_port, stop

#: RedisStore's timeouts (seconds, to connect and to read) in the session's URL (`redis_url`),
#: and in the URLs of a test's own redis-servers (``?{PATIENT}``): long, so that a redis-server
#: (or a proxy thread of tests/redis_proxies.py) that a loaded CI machine (two cores, four test
#: workers, other work) stalls past the store's default 2 s cannot fail a test; only a broken
#: store waits them out. A test of the timeouts sets its own (`redis_url_with`).
PATIENT: Final = "socket_timeout=30&socket_connect_timeout=30"


def redis_url_with(
    url: str, *, scheme: str | None = None, database: int | None = None, **options: str
) -> str:
    """``url`` with ``options`` in its query, each in place of those of the same name (RedisStore
    refuses an option named twice), and ``scheme``, ``database`` (its path) if given. A blank
    option (``?db=``) is kept, and one the URL names twice that ``options`` does not: the store
    refuses both, which a test may mean to see."""
    parts = urllib.parse.urlsplit(url)
    left = dict(options)
    query: list[tuple[str, str]] = []  # (pairs, not a dict: an option named twice stays twice)
    for name, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True):
        if name not in options:
            query.append((name, value))
        elif name in left:  # the first of its name, in its place; the others dropped
            query.append((name, left.pop(name)))
    query += left.items()
    return urllib.parse.urlunsplit(
        parts._replace(
            scheme=scheme or parts.scheme,
            path=parts.path if database is None else f"/{database}",
            query=urllib.parse.urlencode(query),
        )
    )


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServers:
    """Starts redis-server processes on 127.0.0.1 (see the ``redis_servers`` fixture)."""

    def __init__(self, executable: str, directory: Path) -> None:
        self.executable = executable
        self.directory = directory
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, port: int | None = None, **more: str) -> tuple[subprocess.Popen[bytes], int]:
        """A redis-server answering PING on ``port`` (a free one if None), and its port.

        ``more`` are further options (``cluster_enabled="yes"`` for ``--cluster-enabled yes``).
        """
        port = free_port() if port is None else port
        options = {"port": str(port), "bind": "127.0.0.1", "save": "", "appendonly": "no"}
        options["dir"] = str(self.directory)
        options.update({name.replace("_", "-"): value for name, value in more.items()})
        command = [
            self.executable,
            *(item for name, value in options.items() for item in (f"--{name}", value)),
        ]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        self.started.append(process)
        deadline = time.monotonic() + 30
        while not _answers_ping(port):
            if process.poll() is not None:
                pytest.fail(f"redis-server exited with status {process.returncode}")
            if time.monotonic() > deadline:
                pytest.fail("redis-server did not answer PING within 30 s")
            time.sleep(0.02)
        return process, port

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        """Stop one of them, by its PID."""
        stop(process)

    def stop_all(self) -> None:
        """Stop every server started here."""
        for process in self.started:
            stop(process)


def _redis_servers(directory: Path) -> RedisServers:
    executable = shutil.which("redis-server")
    if executable is None:
        unavailable("redis-server not installed: apt-get install redis-server")
    try:
        import redis  # noqa: F401
    except ImportError:
        unavailable("the redis package is not installed: pip install -e '.[test]'")
    return RedisServers(executable, directory)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``redis://127.0.0.1:<port>/0`` of a redis-server started for this test session, with
    `PATIENT` timeouts (`redis_url_with` sets others on it).

    Without ``redis-server`` (Debian: ``apt-get install redis-server``) the tests that need it
    are skipped, except under CI (``CI`` set), where they fail: CI must run them.
    """
    servers = _redis_servers(tmp_path_factory.mktemp("redis"))
    try:
        _, port = servers.start()
        yield f"redis://127.0.0.1:{port}/0?{PATIENT}"
    finally:
        servers.stop_all()


@pytest.fixture
def redis_servers(tmp_path: Path) -> Iterator[RedisServers]:
    """redis-servers of the test's own, to stop and start again (skipped as ``redis_url``)."""
    servers = _redis_servers(tmp_path)
    try:
        yield servers
    finally:
        servers.stop_all()


@pytest.fixture(scope="module")
def module_redis_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServers]:
    """redis-servers shared by a module's tests (skipped as ``redis_url``): for a server that
    takes seconds to make ready and that no test stops."""
    servers = _redis_servers(tmp_path_factory.mktemp("redis-module"))
    try:
        yield servers
    finally:
        servers.stop_all()
