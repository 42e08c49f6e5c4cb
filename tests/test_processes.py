"""The ports `tests.processes.free_port` hands to the servers the tests start, and the wait
for their ``/health`` (`Servers.start`, `wait_for_health`)."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import Any, cast

import httpx
import pytest

from benchmarks import serving
from benchmarks.serving import self_signed

from . import processes
from .processes import Servers, free_port

#: A server answering ``GET /health`` 200 over TLS: ``python -c _TLS_HEALTH PORT CERT KEY``.
_TLS_HEALTH = """
import http.server, ssl, sys

class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/health" else 404)
        self.end_headers()

server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Health)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[2], sys.argv[3])
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
"""


def _ephemeral() -> range:
    low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text(encoding="utf-8").split()
    return range(int(low), int(high) + 1)


def test_a_free_port_is_never_one_the_kernel_hands_out_itself() -> None:
    # A port from bind(0), closed and given to a server, could meanwhile be taken by another
    # test's connection, whose local port the kernel takes from the same range: the server then
    # failed with "address already in use" (seen in test_cli_serve under load).
    ports = [free_port() for _ in range(50)]
    assert not set(ports) & set(_ephemeral()), ports


def test_the_benchmarks_servers_take_their_port_from_the_same_free_port() -> None:
    # benchmarks/serving.py's bind(0) gave a port of the kernel's range, which wrk's or a test's
    # connections could take for their local end before the server bound it: one helper now.
    assert serving.free_port is free_port
    ports = [serving.free_port() for _ in range(50)]
    assert not set(ports) & set(_ephemeral()), ports


def test_free_ports_are_not_handed_out_twice_and_can_be_bound() -> None:
    ports = [free_port() for _ in range(50)]
    assert len(set(ports)) == len(ports), ports
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", ports[-1]))


def test_free_ports_stay_below_the_kernels_range_however_many_are_handed_out() -> None:
    # The count ran on past the worker's block, into the next worker's (after 2,500 ports at
    # the least), then into the kernel's own range, and past 65,535 (bind's OverflowError).
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    ports = [free_port() for _ in range(25_000)]
    assert max(ports) < min(_ephemeral()), max(ports)
    assert max(ports) - min(ports) < 22_000 // workers, (min(ports), max(ports))  # its own block


def test_a_server_over_tls_with_its_own_certificate_is_waited_for_over_tls(
    servers: Servers, tmp_path: Path
) -> None:
    cert, key = self_signed(tmp_path, common_name="127.0.0.1", ips=["127.0.0.1"])
    ports = free_port(), free_port()
    commands = [[sys.executable, "-c", _TLS_HEALTH, str(p), str(cert), str(key)] for p in ports]
    process = servers.start(commands[0], ports[0], tls=True)
    assert process.poll() is None
    # Asked in plain HTTP, such a server never answers 200: the wait gives up, saying so.
    with pytest.raises(pytest.fail.Exception, match="did not answer"):
        servers.start(commands[1], ports[1], timeout=1)


def test_a_server_that_exits_before_it_answers_fails_the_test_with_what_it_said(
    servers: Servers,
) -> None:
    command = [sys.executable, "-c", "print('no app here'); raise SystemExit(3)"]
    with pytest.raises(pytest.fail.Exception, match=r"exited with 3: .*no app here"):
        servers.start(command, free_port())


class _Clock:
    """`time` as `tests.processes` reads it, moved on only by what waits: a request taking all
    its timeout, a sleep."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class _Running:
    """A server process that is still running (`poll` says so)."""

    returncode = None

    def poll(self) -> None:
        return None


def test_the_wait_for_a_server_that_never_answers_ends_by_its_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each request could take the client's 5 s timeout: `Servers.start(timeout=1)` gave up after
    # 5 s, not 1, on a server that accepts connections and never answers. Each is bounded by
    # the time left. (Simulated: each request takes its whole timeout on a clock of its own.)
    clock = _Clock()
    timeouts: list[float] = []

    def get(self: httpx.Client, url: str, **options: Any) -> httpx.Response:
        timeout = httpx.Timeout(options.get("timeout", self.timeout))
        assert timeout.read is not None and timeout.connect is not None
        timeouts.append(max(timeout.connect, timeout.read))
        clock.sleep(timeouts[-1])
        raise httpx.ReadTimeout("no answer", request=httpx.Request("GET", url))

    monkeypatch.setattr(processes, "time", clock)
    monkeypatch.setattr(httpx.Client, "get", get)
    with pytest.raises(pytest.fail.Exception, match=r"did not answer .*/health in 1 s"):
        processes.wait_for_health("http://127.0.0.1:9", cast(Any, _Running()), seconds=1)
    assert timeouts and max(timeouts) <= 1, timeouts
    assert clock.now <= 1000.0 + 1, clock.now
