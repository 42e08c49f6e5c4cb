"""alexaskill.loops: the event loop ``alexaskill serve`` and the Docker image give uvicorn, whose
TLS servers close a connection that does not finish its handshake within seconds, not 60.
Where uvicorn serves on them (or is told to): tests/test_loops_uvicorn.py."""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from benchmarks.serving import self_signed

from .loops_shared import _BOUND, closed_unanswered
from .missing import imported_or_skip
from .said_rarely import SAID_RARELY

#: The TLS bound a test shortens where nothing must finish within it, only be cut off by it
#: (a handshake never begun, a close_notify never answered): the connection's end is waited
#: for, up to `_BOUND`.
_PROVOKED = 0.25


def test_the_loop_factory_is_uvloops_where_installed() -> None:
    from alexaskill import loops

    loop = loops.new_event_loop()
    try:
        if _has_uvloop():
            import uvloop

            # uvloop's own class, not a subclass: each of a subclass's Cython methods looks
            # itself up in Python (about 1% of a request, benchmarks/count_stack.py).
            assert type(loop) is uvloop.Loop
        else:
            assert isinstance(loop, loops.BoundedHandshakes)
            assert isinstance(loop, asyncio.SelectorEventLoop)
    finally:
        loop.close()


def _has_uvloop() -> bool:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return False
    return True


def _tls_loop(kind: str, tmp_path: Path) -> tuple[Callable[[], asyncio.AbstractEventLoop], Any]:
    """The event loop of ``kind`` (``asyncio``, ``uvloop``, ``factory``: `new_event_loop`) and a
    server TLS context for localhost, for the TLS timeout tests."""
    from alexaskill import loops

    if kind == "uvloop":
        imported_or_skip("uvloop", "the uvloop tests")
    loop_class: Callable[[], asyncio.AbstractEventLoop] = {
        "uvloop": loops.UvloopLoop,
        "asyncio": loops.SelectorEventLoop,
        "factory": loops.new_event_loop,
    }[kind]
    cert, key = self_signed(tmp_path, common_name="localhost", dns=["localhost"])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return loop_class, context


@pytest.mark.parametrize("kind", ["asyncio", "uvloop", "factory"])
def test_a_tls_handshake_never_begun_is_closed_in_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    from alexaskill import loops

    monkeypatch.setattr(loops.BoundedHandshakes, "tls_handshake_timeout", _PROVOKED)
    loop_class, context = _tls_loop(kind, tmp_path)

    async def main() -> bool:
        server = await asyncio.get_running_loop().create_server(
            asyncio.Protocol, "127.0.0.1", 0, ssl=context
        )
        port = server.sockets[0].getsockname()[1]
        try:
            return await asyncio.to_thread(closed_unanswered, port)
        finally:
            server.close()

    with asyncio.Runner(loop_factory=loop_class) as runner:
        assert runner.run(main())


def test_a_server_without_tls_is_made_as_before() -> None:
    # (A handshake timeout given without TLS is a ValueError: none is added there.)
    from alexaskill import loops

    async def main() -> None:
        plain = await asyncio.get_running_loop().create_server(asyncio.Protocol, "127.0.0.1", 0)
        plain.close()

    with asyncio.Runner(loop_factory=loops.new_event_loop) as runner:
        runner.run(main())


@pytest.mark.parametrize("kind", ["asyncio", "uvloop", "factory"])
def test_the_oldest_handshake_past_the_most_under_way_is_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    # A connection whose TLS handshake is under way is the loop's alone, out of
    # --limit-concurrency's sight, and asyncio gives each a 256 KiB buffer: connections that send
    # nothing piled up, about 320 KB each, for the handshake timeout, however many they were.
    # uvloop (the Docker image's loop), about 55 KB and a file descriptor each, had no bound
    # on their number either.
    from alexaskill import loops

    monkeypatch.setattr(loops.BoundedHandshakes, "tls_handshake_timeout", 600.0)  # not it
    monkeypatch.setattr(loops.BoundedHandshakes, "max_pending_handshakes", 2)
    loop_class, context = _tls_loop(kind, tmp_path)

    def clients(port: int) -> tuple[bool, list[bool], bytes]:
        silent = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
        try:
            silent[0].settimeout(_BOUND)
            first_closed = closed(silent[0])
            others = []
            for sock in silent[1:]:
                sock.setblocking(False)
                others.append(closed(sock))
            client = ssl.create_default_context()
            client.check_hostname = False
            client.verify_mode = ssl.CERT_NONE
            address = ("127.0.0.1", port)
            # A real handshake is still done (and makes the second silent one the oldest).
            with (
                socket.create_connection(address, timeout=_BOUND) as raw,
                client.wrap_socket(raw) as tls,
            ):
                tls.sendall(b"ping")
                echoed = tls.recv(4)
            return first_closed, others, echoed
        finally:
            for sock in silent:
                sock.close()

    def closed(sock: socket.socket) -> bool:
        try:
            return sock.recv(1) == b""
        except (BlockingIOError, TimeoutError):
            return False
        except ConnectionResetError:
            return True

    class Echo(asyncio.Protocol):
        def connection_made(self, transport: Any) -> None:
            self.transport = transport

        def data_received(self, data: bytes) -> None:
            self.transport.write(data)

    async def main() -> tuple[bool, list[bool], bytes]:
        server = await asyncio.get_running_loop().create_server(Echo, "127.0.0.1", 0, ssl=context)
        try:
            return await asyncio.to_thread(clients, server.sockets[0].getsockname()[1])
        finally:
            server.close()

    with asyncio.Runner(loop_factory=loop_class) as runner:
        first_closed, others, echoed = runner.run(main())
    assert first_closed, "the oldest handshake was left under way"
    assert others == [False, False]
    assert echoed == b"ping"


def closed_without_close_notify(port: int, seconds: float) -> bool:
    """Whether the server at ``port``, which closes a connection once its TLS handshake is done,
    closes the TCP connection within ``seconds`` though the client never answers its
    ``close_notify``."""
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.check_hostname = False
    client.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = client.wrap_bio(incoming, outgoing, server_hostname="localhost")
    with socket.create_connection(("127.0.0.1", port), timeout=_BOUND) as sock:
        while True:
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                sock.sendall(outgoing.read())
                incoming.write(sock.recv(65536))
        sock.sendall(outgoing.read())  # the client's Finished
        sock.settimeout(seconds)
        try:
            while sock.recv(65536):  # never given to `tls`: no close_notify goes back
                pass
        except TimeoutError:
            return False
        except ConnectionResetError:
            pass
        return True


@pytest.mark.parametrize("kind", ["asyncio", "uvloop", "factory"])
def test_a_tls_close_notify_never_answered_is_given_up_in_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    # asyncio and uvloop wait 30 s for it, the connection counted meanwhile, and a stopping
    # uvicorn waits for it through its whole graceful timeout, then logs an ERROR.
    from alexaskill import loops

    monkeypatch.setattr(loops.BoundedHandshakes, "tls_shutdown_timeout", _PROVOKED)
    loop_class, context = _tls_loop(kind, tmp_path)

    class Closing(asyncio.Protocol):
        def connection_made(self, transport: Any) -> None:
            transport.close()

    async def main() -> bool:
        server = await asyncio.get_running_loop().create_server(
            Closing, "127.0.0.1", 0, ssl=context
        )
        port = server.sockets[0].getsockname()[1]
        try:
            return await asyncio.to_thread(closed_without_close_notify, port, 20.0)
        finally:
            server.close()

    with asyncio.Runner(loop_factory=loop_class) as runner:
        assert runner.run(main())


def test_a_uvloop_without_its_tls_protocol_class_serves_tls_its_own_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The handshake cap subclasses uvloop's SSLProtocol, which is no public API: a uvloop
    # without it made `import alexaskill.loops` raise AttributeError. The module imports, and
    # its loop serves TLS with uvloop's own handling, saying once that the cap is off.
    uvloop = imported_or_skip("uvloop", "the uvloop tests")
    import importlib.util

    import alexaskill

    monkeypatch.delattr(uvloop.loop, "SSLProtocol")
    name = "alexaskill._loops_without_sslprotocol"
    spec = importlib.util.spec_from_file_location(
        name, Path(alexaskill.__file__).with_name("loops.py")
    )
    assert spec is not None and spec.loader is not None
    copy = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, copy)
    spec.loader.exec_module(copy)
    assert copy._TLSServerProtocol is None
    _, context = _tls_loop("asyncio", tmp_path)
    client = ssl.create_default_context()
    client.check_hostname = False
    client.verify_mode = ssl.CERT_NONE

    async def main() -> bytes:
        loop = asyncio.get_running_loop()
        served: list[bytes] = []
        for _ in range(2):  # said once, not once a server
            server = await loop.create_server(_Echo, "127.0.0.1", 0, ssl=context)
            port = server.sockets[0].getsockname()[1]
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", port, ssl=client, server_hostname="localhost"
            )
            writer.write(b"hello")
            served.append(await reader.readexactly(5))
            writer.close()
            server.close()
        assert served[0] == served[1]
        return served[0]

    caplog.set_level(logging.WARNING, logger="alexaskill.server")
    with asyncio.Runner(loop_factory=copy.new_event_loop) as runner:
        assert runner.run(main()) == b"hello"
    said = [r.getMessage() for r in caplog.records if "handshakes" in r.getMessage()]
    assert len(said) == 1, said


class _Echo(asyncio.Protocol):
    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.transport.write(data)


def test_the_handshake_bound_is_the_documented_one() -> None:
    # (What the README's table of bounds says; the tests that see a connection closed use a
    # shorter bound rather than wait 10 s.)
    from alexaskill import loops

    assert loops.TLS_HANDSHAKE_TIMEOUT == 10.0
    assert loops.BoundedHandshakes.tls_handshake_timeout == loops.TLS_HANDSHAKE_TIMEOUT
    for loop_class in (loops.SelectorEventLoop, loops.UvloopLoop):
        if loop_class is not None:
            assert loop_class.tls_handshake_timeout == loops.TLS_HANDSHAKE_TIMEOUT
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "| TLS handshake, when uvicorn terminates TLS | 10 s, then closed" in readme


_TOO_MANY = (
    "over 1 TLS handshakes under way at once: closing the oldest (clients that connect and "
    "send nothing?)"
)


class _Transport:
    def __init__(self) -> None:
        self.aborted = False

    def abort(self) -> None:
        self.aborted = True


class _Waiter:
    """A handshake that never ends: its connection stays counted until closed as the oldest."""

    def add_done_callback(self, callback: Callable[..., object]) -> None:
        pass


class _Clock:
    """The part of an event loop the handshake cap asks for, on a clock the test moves."""

    now = 0.0

    def time(self) -> float:
        return self.now

    def call_soon(self, callback: Callable[[], object]) -> None:
        callback()


def _said_on_each(
    step: Callable[[], object], clock: _Clock, caplog: pytest.LogCaptureFixture
) -> list[list[str]]:
    """What `alexaskill.server` warned at each time of `SAID_RARELY`, ``step`` run at each."""
    caplog.set_level(logging.WARNING, logger="alexaskill.server")
    said = []
    for now, _ in SAID_RARELY:
        clock.now = now
        caplog.clear()
        step()
        said.append([r.getMessage() for r in caplog.records if r.name == "alexaskill.server"])
    return said


def test_too_many_handshakes_on_asyncio_are_said_at_most_every_10_s(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A client opening connections that send nothing makes the cap close one on every
    # connection it opens: a log line each would flood the log.
    from alexaskill import loops

    class Base(_Clock):
        def _make_ssl_transport(self, *args: Any, **kwargs: Any) -> _Transport:
            return _Transport()

    class Loop(loops._PendingHandshakes, Base):
        max_pending_handshakes = 1

    loop = Loop()
    transports: list[_Transport] = []

    def connect() -> None:
        transports.append(loop._make_ssl_transport(None, None, None, _Waiter(), server_side=True))

    connect()  # under way: the next makes one too many
    said = _said_on_each(connect, loop, caplog)
    assert said == [[_TOO_MANY] if due else [] for _, due in SAID_RARELY]
    assert [t.aborted for t in transports] == [True] * len(SAID_RARELY) + [False]


def test_too_many_handshakes_on_uvloop_are_said_at_most_every_10_s(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # As on asyncio, for the cap of uvloop's TLS (`_CappedHandshakes`, made without uvloop here).
    from alexaskill import loops

    clock = _Clock()
    capped = loops._CappedHandshakes(clock, None, None, {}, most=1)
    transports: list[_Transport] = []

    def connect() -> None:
        transports.append(_Transport())
        capped.began(transports[-1], _Waiter())  # type: ignore[arg-type]

    connect()
    said = _said_on_each(connect, clock, caplog)
    assert said == [[_TOO_MANY] if due else [] for _, due in SAID_RARELY]
    assert [t.aborted for t in transports] == [True] * len(SAID_RARELY) + [False]
