"""``alexaskill serve`` given a port it cannot bind: one line naming the port, exit status 2,
before uvicorn starts the app (uvicorn said ``[Errno 98] Address already in use``, with
``--workers`` naming neither host nor port, after the app's start-up, and exited 3)."""

from __future__ import annotations

import errno
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from alexaskill.cli.common import UsageError

from .cli_run import run
from .cli_serve_shared import LOUD_APP, serve
from .cli_shared import ROOT, WEATHER
from .conftest import Servers
from .processes import ipv6_loopback, running

pytestmark = pytest.mark.oldest_dependencies


@pytest.fixture
def taken() -> Iterator[int]:
    """A port of 127.0.0.1 a listening socket holds (as another server would)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


@pytest.mark.parametrize("extra", [(), ("--workers", "2"), ("--reload",)])
def test_serve_says_the_port_is_in_use(taken: int, extra: tuple[str, ...]) -> None:
    code, out, err = run("serve", WEATHER, "--port", str(taken), *extra)
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill serve: error: --port {taken}: 127.0.0.1:{taken} is already in use (another "
        "server, or one still stopping): stop it, or choose another --port\n"
    )
    # Refused before anything was set up for the server processes (nothing handed over).
    assert [name for name in os.environ if name.startswith("_ALEXASKILL_SERVE")] == []


#: ``alexaskill serve`` whose port check passes, as when the port is taken just after it.
_CHECK_PASSED = """
import sys

from alexaskill.cli import main, serve_uvicorn

serve_uvicorn.check_port = lambda host, port, *, one_socket: None
raise SystemExit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("extra", [(), ("--workers", "1"), ("--workers", "2"), ("--reload",)])
def test_serve_says_a_port_taken_after_its_check_and_what_the_import_said(
    tmp_path: Path, taken: int, extra: tuple[str, ...]
) -> None:
    # The port taken between serve's check and uvicorn's bind: uvicorn said "[Errno 98] Address
    # already in use", naming neither host nor port, and exited 3; what the check's import said,
    # held for the server processes, was dropped, and none started to say it. With --workers 1
    # (the server in serve's own process, uvicorn binding as it starts), and plain `serve APP`,
    # it was said, then uvicorn's "[Errno 98] error while attempting to bind", exit status 3.
    (tmp_path / "loud.py").write_text(LOUD_APP, encoding="utf-8")
    command = [sys.executable, "-c", _CHECK_PASSED, "serve", "loud:app", "--port", str(taken)]
    # (Run to its end: serve refuses to start. Killed past a minute, held.)
    done = subprocess.run(
        [*command, *extra],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    err = done.stderr
    assert done.returncode == 2, err
    said = err.splitlines()
    assert said[-1] == (
        f"alexaskill serve: error: --port {taken}: 127.0.0.1:{taken} is already in use (another "
        "server, or one still stopping): stop it, or choose another --port"
    ), err
    warned = [line for line in said if "the loud import's warning: no cache configured" in line]
    assert len(warned) == 1, err
    assert "Started" not in err and "Traceback" not in err, err


def test_serve_on_a_name_checks_each_of_its_addresses(taken: int) -> None:
    # localhost: uvicorn binds each address the name resolves to, 127.0.0.1 among them.
    code, _, err = run("serve", WEATHER, "--host", "localhost", "--port", str(taken))
    assert code == 2
    assert f"--port {taken}: 127.0.0.1:{taken} is already in use" in err


def test_serve_says_an_address_is_not_this_machines() -> None:
    # 192.0.2.1: TEST-NET-1, documentation only, an address of no machine.
    code, out, err = run("serve", WEATHER, "--host", "192.0.2.1", "--port", "8000")
    assert (code, out) == (2, "")
    assert err == (
        "alexaskill serve: error: --host 192.0.2.1: not an address of this machine: give one of "
        "its own (127.0.0.1, 0.0.0.0 for every interface, ::)\n"
    )


def test_serve_says_a_port_this_user_may_not_bind(monkeypatch: pytest.MonkeyPatch) -> None:
    # (the suite may run as root, who may bind any port: the refusal is the kernel's, faked)
    class Unprivileged(socket.socket):
        def bind(self, address: object) -> None:
            raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(socket, "socket", Unprivileged)
    code, _, err = run("serve", WEATHER, "--port", "443")
    assert code == 2
    assert err == (
        "alexaskill serve: error: --port 443: this user may not bind 127.0.0.1:443 (Permission "
        "denied; ports below 1024 need privileges): choose one from 1024 up, with a TLS proxy on "
        "443 in front\n"
    )


def _dual_stack_or_skip() -> None:
    """Skip the test unless this machine has IPv6 and an IPv6 socket takes IPv4 too unless told
    otherwise (Linux's default; not with the sysctl net.ipv6.bindv6only=1), as `serve --host ::`
    binds. (Called as the test runs: `ipv6_loopback` fails it under CI for an error other than
    a missing IPv6.)"""
    if ipv6_loopback():
        with socket.socket(socket.AF_INET6) as probe:
            if probe.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) == 0:
                return
    pytest.skip("no IPv6, or IPv6 sockets are IPv6 only here")


def test_serve_on_the_ipv6_wildcard_answers_ipv4_too(servers: Servers, tmp_path: Path) -> None:
    _dual_stack_or_skip()
    # --host :: in one process was bound by asyncio, IPv6 only (IPV6_V6ONLY): 127.0.0.1 was
    # refused, while with --workers or --reload the same command answered both.
    process, url = serve(
        servers, tmp_path, ROOT, WEATHER, "--host", "::", ALEXASKILL_STORE="memory://"
    )
    port = url.rsplit(":", 1)[1].strip("/")
    with socket.create_connection(("::1", int(port)), timeout=10) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        assert sock.recv(64).startswith(b"HTTP/1.1 200")
    servers.stop(process, patience=60)
    assert process.returncode == 0
    assert f"Uvicorn running on http://[::]:{port}" in servers.output[process].read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize("extra", [(), ("--workers", "2")])
def test_serve_on_the_ipv6_wildcard_says_the_port_is_in_use_on_ipv4(
    taken: int, extra: tuple[str, ...]
) -> None:
    _dual_stack_or_skip()
    # --host :: listens on IPv4 too: a port held on 127.0.0.1 only was said as "[::]:N is
    # already in use", where nothing listens on IPv6.
    code, out, err = run("serve", WEATHER, "--host", "::", "--port", str(taken), *extra)
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill serve: error: --port {taken}: [::]:{taken} listens on IPv4 too, where port "
        f"{taken} is already in use (another server, or one still stopping): stop it, or choose "
        "another --port\n"
    )


class _NoIPv6(socket.socket):
    """A socket of a machine without IPv6 (booted with ipv6.disable=1): none of that family."""

    def __init__(self, family: int = -1, *args: Any, **kwargs: Any) -> None:
        if family == socket.AF_INET6:
            raise OSError(errno.EAFNOSUPPORT, "Address family not supported by protocol")
        super().__init__(family, *args, **kwargs)


@pytest.mark.parametrize("host", ["::", "::1"])
def test_serve_on_ipv6_without_ipv6_says_so(monkeypatch: pytest.MonkeyPatch, host: str) -> None:
    # The port check made an IPv6 socket outside its try: a traceback ending "OSError: [Errno
    # 97] Address family not supported by protocol".
    monkeypatch.setattr(socket, "socket", _NoIPv6)
    code, out, err = run("serve", WEATHER, "--host", host, "--port", "8000")
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill serve: error: --host {host}: this machine has no IPv6 (Address family not "
        "supported by protocol): give an IPv4 address (127.0.0.1, 0.0.0.0 for every interface)\n"
    )


def test_serve_on_a_name_of_ipv6_too_without_ipv6_checks_its_ipv4(
    monkeypatch: pytest.MonkeyPatch, taken: int
) -> None:
    # localhost is 127.0.0.1 and ::1 in most /etc/hosts, IPv6 or not: asyncio skips the family
    # it cannot make and serves 127.0.0.1, but the port check failed with a traceback.
    def resolve(host: str, port: int, *args: object, **kwargs: object) -> list[Any]:
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", port, 0, 0)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    from alexaskill.cli.serve_port import check_port

    monkeypatch.setattr(socket, "socket", _NoIPv6)
    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with socket.socket() as free:  # (a port free on 127.0.0.1: no error)
        free.bind(("127.0.0.1", 0))
        unused = int(free.getsockname()[1])
    check_port("localhost", unused, one_socket=False)
    with pytest.raises(UsageError, match=rf"^--port {taken}: 127\.0\.0\.1:{taken} is already"):
        check_port("localhost", taken, one_socket=False)


def _two_addresses(host: str, port: int, *args: object, **kwargs: object) -> list[Any]:
    """``getaddrinfo`` of a name of two loopback addresses (as localhost is 127.0.0.1 and ::1
    in most /etc/hosts; two of IPv4 here, which every Linux machine routes to itself)."""
    return [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.2", port)),
    ]


def _names_closed(sockets: list[socket.socket] | None) -> list[Any]:
    """The address each of ``sockets`` is bound to, the sockets closed."""
    assert sockets is not None
    try:
        return [sock.getsockname() for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@pytest.mark.parametrize("taken_once", [False, True], ids=["free", "taken-on-the-second"])
def test_serve_on_port_0_binds_each_address_of_a_name_on_one_port(
    monkeypatch: pytest.MonkeyPatch, taken_once: bool
) -> None:
    # --port 0 on a name of several addresses: each socket was bound to a port of its own, as
    # asyncio binds them, and "Uvicorn running on" named the first's alone. The port chosen for
    # the first taken on another address (by another server, meanwhile): the system asked again.
    from alexaskill.cli.serve_port import bind_as_asyncio

    refused: list[object] = []

    class Busy(socket.socket):
        def bind(self, address: Any) -> None:
            if taken_once and address[0] == "127.0.0.2" and not refused:
                refused.append(address)
                raise OSError(errno.EADDRINUSE, "Address already in use")
            super().bind(address)

    monkeypatch.setattr(socket, "getaddrinfo", _two_addresses)
    monkeypatch.setattr(socket, "socket", Busy)
    sockets = bind_as_asyncio("twice.example", 0)
    bound = _names_closed(sockets)
    assert [host for host, _ in bound] == ["127.0.0.1", "127.0.0.2"]
    assert bound[0][1] == bound[1][1] != 0, bound
    assert len(refused) == taken_once


def test_serve_on_port_0_says_when_no_port_was_free_on_every_address(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Every port the system chose for the first address taken on the second, five times: None,
    # without a word, and uvicorn, binding them itself, bound each on a port of its own (its
    # "Uvicorn running on" line naming the first's alone: serve's names each, below).
    from alexaskill.cli.serve_port import bind_as_asyncio

    class AlwaysBusy(socket.socket):
        def bind(self, address: Any) -> None:
            if address[0] == "127.0.0.2" and address[1] != 0:
                raise OSError(errno.EADDRINUSE, "Address already in use")
            super().bind(address)

    monkeypatch.setattr(socket, "getaddrinfo", _two_addresses)
    monkeypatch.setattr(socket, "socket", AlwaysBusy)
    with caplog.at_level("WARNING", logger="alexaskill"):
        sockets = bind_as_asyncio("twice.example", 0)
    bound = _names_closed(sockets)
    assert [host for host, _ in bound] == ["127.0.0.1", "127.0.0.2"]
    first, second = (port for _, port in bound)
    assert first != second and 0 not in (first, second), bound
    [said] = [r for r in caplog.records if r.name.startswith("alexaskill")]
    assert said.levelname == "WARNING"
    assert said.getMessage() == (
        "--port 0 on twice.example: no port the system chose (5 tries) was free on each of its "
        f"addresses, each now served on a port of its own: 127.0.0.1:{first}, "
        f"127.0.0.2:{second}: give a --port free on each to serve them on one"
    )


#: ``alexaskill serve`` on a name of two loopback addresses (twice.example: 127.0.0.1 and
#: 127.0.0.2), where no port the system chooses for the first is tried on both: each address
#: is bound on a port of its own, as when every port chosen was taken on the other.
_TWO_PORTS = """
import socket, sys

from alexaskill.cli import main, serve_port

resolve = socket.getaddrinfo
def twice(host, port, *args, **kwargs):
    if host != "twice.example":
        return resolve(host, port, *args, **kwargs)
    return [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.2", port)),
    ]
socket.getaddrinfo = twice
serve_port._PORT_0_TRIES = 0
raise SystemExit(main(sys.argv[1:]))
"""


def test_serve_on_port_0_names_each_address_on_a_port_of_its_own(tmp_path: Path) -> None:
    # Each address of --port 0 bound on a port of its own (none the system chose was free on
    # each): "Uvicorn running on" named the first's port alone, and the second's listening
    # socket was said nowhere but in the WARNING before it.
    (tmp_path / "loud.py").write_text(LOUD_APP, encoding="utf-8")
    log = tmp_path / "serve.log"
    command = [sys.executable, "-c", _TWO_PORTS, "serve", "loud:app", "--host", "twice.example"]
    with (
        log.open("wb") as sink,
        running(
            [*command, "--port", "0"], cwd=tmp_path, stdout=sink, stderr=subprocess.STDOUT
        ) as process,
    ):
        deadline, banner = time.monotonic() + 60, "Uvicorn running on http"
        while banner not in log.read_text(encoding="utf-8"):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text(
                encoding="utf-8"
            )
            time.sleep(0.05)
        [said] = [line for line in log.read_text(encoding="utf-8").splitlines() if banner in line]
        urls = re.findall(r"http://([\d.]+):(\d+)", said)
        assert [host for host, _ in urls] == ["127.0.0.1", "127.0.0.2"], said
        for host, port in urls:  # (each listening, on the port said)
            with socket.create_connection((host, int(port)), timeout=10):
                pass
        assert urls[0][1] != urls[1][1], said
        assert said.endswith("(Press CTRL+C to quit)"), said
        [warned] = [
            line for line in log.read_text(encoding="utf-8").splitlines() if "--port 0 on" in line
        ]
        assert "Uvicorn running on line names the first" not in warned, warned


def test_the_running_on_line_of_ports_of_their_own_keeps_uvicorns_colour(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # serve's "Uvicorn running on" line naming each address on a port of its own was plain
    # where uvicorn's, in colour at a terminal, puts its address in bold (its record's
    # color_message, which its formatter says in place of the message when it colours).
    import logging

    from uvicorn.logging import DefaultFormatter

    from alexaskill.cli.serve_server import _say_each_running_on, uvicorn_logger

    records: list[logging.LogRecord] = []

    class Heard(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    heard = Heard()
    monkeypatch.setattr(uvicorn_logger, "disabled", False)  # (as uvicorn's set-up may leave it)
    monkeypatch.setattr(uvicorn_logger, "level", logging.INFO)
    sockets = [socket.socket() for _ in range(2)]
    try:
        for sock, host in zip(sockets, ("127.0.0.1", "127.0.0.2"), strict=True):
            sock.bind((host, 0))
        ports = [sock.getsockname()[1] for sock in sockets]
        uvicorn_logger.addHandler(heard)
        try:
            _say_each_running_on(SimpleNamespace(is_ssl=False), sockets)
        finally:
            uvicorn_logger.removeHandler(heard)
    finally:
        for sock in sockets:
            sock.close()
    [record] = records
    urls = [f"http://127.0.0.{n}:{port}" for n, port in zip((1, 2), ports, strict=True)]
    plain = f"Uvicorn running on {urls[0]}, {urls[1]} (Press CTRL+C to quit)"
    assert DefaultFormatter("%(message)s", use_colors=False).format(record) == plain
    bold = ", ".join(f"\033[1m{url}\033[0m" for url in urls)
    coloured = DefaultFormatter("%(message)s", use_colors=True).format(record)
    assert coloured == f"Uvicorn running on {bold} (Press CTRL+C to quit)"
