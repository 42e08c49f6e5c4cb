"""Ports on 127.0.0.1 that a client cannot connect to in time, or that close every connection
unanswered: for the commands that must tell a server not reached from one that answered badly;
a proxy (or server) that reads a request's head and never answers it (`SilentProxy`); and a
server that leaves a TLS handshake unanswered (directly, or through the tunnel an http://
proxy opened, or a SOCKS5 proxy's), to see whether the client closes its connection when its
time limit ends the handshake (certificate downloads, Alexa's APIs: `handshake_cancelled`,
`StalledTunnels`, `StalledSocks`).
"""

from __future__ import annotations

import contextlib
import gc
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from typing import Self, TypeVar

import pytest

from .port_server import serving_port

T = TypeVar("T")


@contextlib.contextmanager
def unconnectable_port() -> Iterator[int]:
    """A port on 127.0.0.1 whose connections time out, as a firewall that drops them does.

    A listening socket that never accepts, its backlog filled: Linux drops further SYNs, so a
    connect() waits for its timeout. Skips the test where the system refuses them instead.
    """
    server = socket.socket()
    queued: list[socket.socket] = []
    try:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        port = int(server.getsockname()[1])
        for _ in range(3):
            client = socket.socket()
            client.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                client.connect(("127.0.0.1", port))
            queued.append(client)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except TimeoutError:
            yield port
        else:
            pytest.skip("this system accepts connections past a full backlog")
    finally:
        for client in queued:
            client.close()
        server.close()


@contextlib.contextmanager
def closing_port() -> Iterator[int]:
    """A port on 127.0.0.1 whose server reads each request and closes without an answer."""

    def close_unanswered(connection: socket.socket) -> None:
        connection.settimeout(2)
        connection.recv(65536)

    with serving_port(close_unanswered) as port:
        yield port


class _Listening:
    """A listening socket on 127.0.0.1 (``listener``, at ``port``) whose accept() gives up after
    a minute without a client: it ends the thread that waits, not the run.

    Its ``__exit__`` waits (up to a minute each) for the threads that serve the connections to
    end, which they do once the client closes its connection: what the tests that pass check.
    Once the test's body has raised, it hangs up on each connection first, so the test's own
    failure is said at once, not after a minute's wait for a client that will not close."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(60)
        self.port: int = self.listener.getsockname()[1]
        self._connections: list[socket.socket] = []  # (each taken, to hang up on)
        self._threads: list[threading.Thread] = []  # (each, to wait for)

    def _take(self) -> socket.socket:
        """The next connection accepted (its reads given a minute each), kept to hang up on."""
        connection, _ = self.listener.accept()
        connection.settimeout(60)
        self._connections.append(connection)
        return connection

    def _stop_listening(self) -> None:
        """Close the listener, ending an accept() that waits on it (Linux: its shutdown does)."""
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()

    def __exit__(self, failed: type[BaseException] | None, *exc: object) -> None:
        self._stop_listening()
        if failed is not None:  # (ends each read that waits: the threads end at once)
            for connection in list(self._connections):
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
        for thread in list(self._threads):
            thread.join(60)


class _OneConnection(_Listening):
    """A `_Listening` that takes one connection, served by ``_serve`` in a thread of its own."""

    def __init__(self) -> None:
        super().__init__()
        self._threads.append(threading.Thread(target=self._serve_one, daemon=True))

    def _serve_one(self) -> None:
        with contextlib.suppress(OSError), self._take() as connection:
            self._serve(connection)

    def _serve(self, connection: socket.socket) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self._threads[0].start()
        return self


class SilentProxy(_OneConnection):
    """A proxy on 127.0.0.1 that takes one connection and reads what comes (a CONNECT, or a
    request in absolute form; or, as a server that says nothing, any request's head) into
    ``heard``, sets ``came``, then says nothing until closed: one whose upstream never answers,
    or a stuck one. (One that answers the CONNECT 200 and then passes no TLS on is
    `HandshakeUnanswered`; `SilentTunnels` is this for any number of connections.)"""

    def __init__(self) -> None:
        super().__init__()
        self.heard = b""
        self.came = threading.Event()  # set once a head was read
        self.done = threading.Event()

    def _serve(self, connection: socket.socket) -> None:
        self.heard = _read_head(connection)
        if b"\r\n\r\n" not in self.heard:  # (closed before the head's end)
            return
        self.came.set()
        self.done.wait(60)

    def __exit__(self, failed: type[BaseException] | None, *exc: object) -> None:
        self.done.set()
        super().__exit__(failed, *exc)


class HandshakeUnanswered(_OneConnection):
    """A server on 127.0.0.1 that takes one connection, reads its first bytes (a TLS
    ClientHello) and never answers; ``closed`` is set once the client closes the connection.

    With ``tunnel``, an http:// proxy that opens the tunnel first: it reads the CONNECT's head
    (``connect``) and answers 200, then leaves the handshake sent through it unanswered, as an
    origin server that stalls would."""

    def __init__(self, *, tunnel: bool = False) -> None:
        super().__init__()
        self.tunnel = tunnel
        self.connect = b""
        self.heard = b""
        self.closed = threading.Event()

    def _serve(self, connection: socket.socket) -> None:
        if self.tunnel:
            self.connect = _tunnel_opened(connection)
        self.heard = connection.recv(4096)
        try:
            while connection.recv(4096):  # (nothing more comes: a handshake unanswered)
                pass
        except ConnectionResetError:  # (closed too, with a reset)
            pass
        self.closed.set()


def _tunnel_opened(connection: socket.socket) -> bytes:
    """The head of the CONNECT read from ``connection``, answered 200 (its tunnel open, as a
    proxy's); what came, unanswered, if it closed before the head's end."""
    head = _read_head(connection)  # (the ClientHello waits for the answer)
    if b"\r\n\r\n" in head:
        connection.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    return head


def _read_head(connection: socket.socket) -> bytes:
    """What ``connection`` sends up to a head's end (a blank line), read whole; less if it
    closed first."""
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = connection.recv(4096)
        if not chunk:
            break
        head += chunk
    return head


def handshake_cancelled(
    run: Callable[[HandshakeUnanswered], T], *, tunnel: bool = False
) -> tuple[T, HandshakeUnanswered]:
    """What ``run(server)`` returns, and the `HandshakeUnanswered` ``server`` (with ``tunnel``,
    the proxy) to whose port it sent a request whose time limit ends the TLS handshake, once
    the server saw the handshake start and the client close its connection (within 30 s).

    httpcore (1.0.9) closes the connection when a handshake fails (an Exception), not when it is
    cancelled: its socket stayed open until the garbage collector found it (a ResourceWarning
    in whichever test came next). With the collector off while ``run`` runs, the server sees
    the client close its connection only if alexaskill does, or the HTTP client's pool when the
    client closes: a ``run`` whose client's pool keeps the connection (a tunnel's) waits for
    ``server.closed`` before closing the client, and says whether it came."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        with HandshakeUnanswered(tunnel=tunnel) as server:
            result = run(server)
            closed = server.closed.wait(30)
    finally:
        if collecting:
            gc.enable()
    # (a TLS handshake's record, and nothing further: no request reached the server)
    assert server.heard.startswith(b"\x16\x03"), f"no TLS handshake began: {server.heard!r}"
    assert closed, "the socket was left open, to the garbage collector"
    return result, server


class StalledTunnels(_Listening):
    """An http:// proxy on 127.0.0.1 (https:// with ``tls``, its server context) that takes any
    number of connections: it answers each CONNECT 200 and then leaves the TLS handshake sent
    through the tunnel unanswered, as an origin server that stalls would (`HandshakeUnanswered`
    ``tunnel=True``, for each of many). ``connects`` holds each CONNECT's head read;
    `wait_for_handshakes` waits until so many handshakes came through."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__()
        self.tls = tls
        self.connects: list[bytes] = []
        self._handshakes = 0
        self._closed = 0
        self._changed = threading.Condition()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):  # (the listener closed: the end)
            while True:
                connection = self._take()
                thread = threading.Thread(target=self._serve, args=(connection,), daemon=True)
                self._threads.append(thread)
                thread.start()

    def _serve(self, connection: socket.socket) -> None:
        with contextlib.ExitStack() as stack, contextlib.suppress(OSError):
            connection = stack.enter_context(connection)
            if self.tls is not None:  # (the proxy's own handshake, before its CONNECT)
                connection = stack.enter_context(self.tls.wrap_socket(connection, server_side=True))
            head = self._open(connection)
            if head is None:  # (closed first: no tunnel asked for)
                return
            with self._changed:
                self.connects.append(head)
            if self._stalled(connection):
                with self._changed:
                    self._handshakes += 1
                    self._changed.notify_all()
            while connection.recv(4096):  # (until the client closes it)
                pass
            with self._changed:
                self._closed += 1
                self._changed.notify_all()

    def _open(self, connection: socket.socket) -> bytes | None:
        """The CONNECT's head, answered 200; None if the client closed before its end."""
        head = _tunnel_opened(connection)
        return head if head.endswith(b"\r\n\r\n") else None

    def _stalled(self, connection: socket.socket) -> bool:
        """Whether a TLS handshake came through the tunnel (left unanswered)."""
        return connection.recv(4096).startswith(b"\x16\x03")  # (a TLS handshake's record)

    def wait_for_handshakes(self, count: int) -> bool:
        """Whether ``count`` TLS handshakes came through the tunnels (within 30 s)."""
        with self._changed:
            return self._changed.wait_for(lambda: self._handshakes >= count, 30)

    def wait_for_closed(self, count: int) -> bool:
        """Whether the client closed ``count`` of its connections to the proxy (within 30 s)."""
        with self._changed:
            return self._changed.wait_for(lambda: self._closed >= count, 30)

    def __enter__(self) -> Self:
        accepting = threading.Thread(target=self._accept, daemon=True)
        self._threads.append(accepting)
        accepting.start()
        return self


class StalledSocks(StalledTunnels):
    """A SOCKS5 proxy on 127.0.0.1 that takes any number of connections and answers each
    greeting (no authentication). With ``answer`` False it leaves each CONNECT request
    unanswered (the SOCKS handshake stalls, after the greeting); else it answers it (succeeded)
    and leaves the TLS handshake sent through unanswered, as an origin server that stalls would.
    ``connects`` holds each CONNECT request read; `wait_for_handshakes` waits until so many
    stalled (a CONNECT unanswered, or a TLS handshake come through)."""

    def __init__(self, *, answer: bool) -> None:
        super().__init__()
        self.answer = answer

    def _open(self, connection: socket.socket) -> bytes | None:
        if connection.recv(4096)[:1] != b"\x05":  # (no SOCKS5 greeting)
            return None
        connection.sendall(b"\x05\x00")  # (version 5, no authentication)
        request = connection.recv(4096)  # (05 01 00, the address and the port)
        if not request.startswith(b"\x05\x01"):
            return None
        if self.answer:  # (succeeded, bound to 0.0.0.0:0)
            connection.sendall(b"\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00")
        return request

    def _stalled(self, connection: socket.socket) -> bool:
        return super()._stalled(connection) if self.answer else True


class RefusingSocks(StalledSocks):
    """A SOCKS5 proxy on 127.0.0.1 that answers each greeting (no authentication) and refuses
    each CONNECT (reply 0x05, connection refused), then waits for the client to close the
    connection (`wait_for_closed`); `wait_for_handshakes` counts the CONNECTs refused."""

    def __init__(self) -> None:
        super().__init__(answer=False)

    def _open(self, connection: socket.socket) -> bytes | None:
        request = super()._open(connection)  # (the greeting answered, the CONNECT read)
        if request is not None:  # (05: connection refused, bound to 0.0.0.0:0)
            connection.sendall(b"\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00")
        return request


class SilentSocks(StalledSocks):
    """A SOCKS5 proxy on 127.0.0.1 that accepts each connection and says nothing, not even its
    greeting's answer; ``connects`` holds each greeting read."""

    def __init__(self) -> None:
        super().__init__(answer=False)

    def _open(self, connection: socket.socket) -> bytes | None:
        return connection.recv(4096)  # (the greeting, unanswered)


class ClosingSocks(StalledSocks):
    """A SOCKS5 proxy on 127.0.0.1 that answers each greeting (no authentication), reads the
    CONNECT request and closes the connection unanswered, mid-handshake; ``connects`` holds
    each CONNECT request read."""

    def __init__(self) -> None:
        super().__init__(answer=False)

    def _open(self, connection: socket.socket) -> bytes | None:
        request = super()._open(connection)  # (the greeting answered, the CONNECT read)
        connection.close()  # (then `_serve`'s reads fail: OSError, the end)
        return request


class SilentTunnels(StalledTunnels):
    """An http:// proxy on 127.0.0.1 that reads each CONNECT's head and never answers it;
    ``connects`` holds each head read. (`SilentProxy` is the same for one connection, whose
    head it shows as it comes, ``came``, and whose wait it ends itself at the test's end.)"""

    def _open(self, connection: socket.socket) -> bytes | None:
        return _connect_head(connection)  # (unanswered)

    def _stalled(self, connection: socket.socket) -> bool:
        return False  # (no tunnel: nothing comes through it)


class RefusingTunnels(SilentTunnels):
    """An http:// proxy on 127.0.0.1 that answers each CONNECT ``403 Forbidden`` (its rules
    refuse the tunnel), then waits for the client to close the connection; ``connects`` holds
    each CONNECT's head read."""

    def _open(self, connection: socket.socket) -> bytes | None:
        head = super()._open(connection)
        if head is not None:
            connection.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        return head


def _connect_head(connection: socket.socket) -> bytes | None:
    """A CONNECT's head read whole from ``connection``, None if the client closed before its end."""
    head = _read_head(connection)
    return head if b"\r\n\r\n" in head else None
