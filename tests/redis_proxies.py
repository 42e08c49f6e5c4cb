"""TCP proxies to the tests' Redis that lose or hold back what passes, as a failing network
would, and what `RedisStore`'s retry and cancel tests read with them (test_store_redis_retry.py,
test_store_redis_cancel.py)."""

from __future__ import annotations

import contextlib
import socket
import threading
import urllib.parse
from collections.abc import AsyncIterator, Callable
from typing import Any

from alexaskill.store import RedisStore

from .store_shared import _Forwarder


def _port(redis_url: str) -> int:
    """The port of the test's Redis server, from its URL."""
    port = urllib.parse.urlsplit(redis_url).port
    assert port is not None, redis_url
    return port


class _AnswerLosingProxy(_Forwarder):
    """A TCP proxy to Redis that loses the answer to the first command naming ``trigger`` once
    armed: Redis has applied the command; the client sees its connection close instead of the
    answer. ``meanwhile`` runs between the two, as another request's save would."""

    def __init__(self, target: int, trigger: bytes, meanwhile: Callable[[], None]) -> None:
        self.trigger = trigger
        self.meanwhile = meanwhile
        self.armed = False
        self.lost = 0
        super().__init__(target)

    def _relay(self, client: socket.socket, server: socket.socket) -> None:
        doomed = threading.Event()  # this connection's next answer is lost
        threading.Thread(target=self._requests, args=(client, server, doomed), daemon=True).start()
        threading.Thread(target=self._answers, args=(server, client, doomed), daemon=True).start()

    def _requests(self, client: socket.socket, server: socket.socket, doomed: Any) -> None:
        with contextlib.suppress(OSError):
            while data := client.recv(65536):
                if self.armed and self.trigger in data:
                    self.armed = False
                    doomed.set()  # before Redis can answer
                server.sendall(data)

    def _answers(self, server: socket.socket, client: socket.socket, doomed: Any) -> None:
        with contextlib.suppress(OSError):
            while data := server.recv(65536):
                if doomed.is_set():
                    self.lost += 1
                    self.meanwhile()
                    client.shutdown(socket.SHUT_RDWR)
                    client.close()
                    server.close()
                    return
                client.sendall(data)


#: The store's timeouts where a test holds a command back: only what is held may go unanswered,
#: so the rest (the warm-up, the cancel, the load) must be answered within them, by a proxy
#: thread and a redis-server that a loaded CI machine (two cores, four test workers) stalls
#: for seconds, and 2.5 s left little room. A held command costs its test this much unless
#: `_held_answers_given_up_at_once` gives up waiting for its answer at once.
_TIMEOUTS = "socket_timeout=5&socket_connect_timeout=5"


class _HoldingProxy(_Forwarder):
    """A TCP proxy to Redis that, while ``holding``, keeps back what a connection sends from
    its first command naming a ``trigger`` on, as a congested network would: the client times
    out and gives up; `release` delivers it all to Redis, late. What is beyond it closing a
    connection (a proxy that loses an answer) closes the client's too."""

    def __init__(self, target: int, *triggers: bytes) -> None:
        self.triggers = triggers
        self.holding = False
        self.once = False  # holding one connection's sends only: the next are let through
        self.held: list[tuple[socket.socket, bytes]] = []
        #: The client's ports of the connections whose sends are held, until it closes them.
        self.held_ports: set[int] = set()
        super().__init__(target)

    def _relay(self, client: socket.socket, server: socket.socket) -> None:
        threading.Thread(target=self._requests, args=(client, server), daemon=True).start()
        threading.Thread(target=self._answers, args=(server, client), daemon=True).start()

    def _requests(self, client: socket.socket, server: socket.socket) -> None:
        held = False
        port = None
        with contextlib.suppress(OSError):
            port = client.getpeername()[1]
            while data := client.recv(65536):
                if not held and self.holding and any(t in data for t in self.triggers):
                    held = True
                    self.holding = not self.once
                    self.held_ports.add(port)  # before the send is held and answered late
                if held:
                    self.held.append((server, data))
                else:
                    server.sendall(data)
        self.held_ports.discard(port)  # closed by the client: it gave up

    def _answers(self, server: socket.socket, client: socket.socket) -> None:
        self._pump(server, client)
        with contextlib.suppress(OSError):
            client.shutdown(socket.SHUT_RDWR)

    def release(self) -> int:
        """Send Redis what was held; how many held sends there were."""
        held, self.held = self.held, []
        for server, data in held:
            server.sendall(data)
        return len(held)


@contextlib.asynccontextmanager
async def _held_answers_given_up_at_once(
    store: RedisStore, proxy: _HoldingProxy
) -> AsyncIterator[None]:
    """Within it, the store's client gives up waiting for the answer to a command ``proxy``
    holds at once, not after its ``socket_timeout``: redis-py's own timeout of that read is
    moved to now (`update_current_socket_timeout`, which Redis's maintenance notifications
    use to change it), so the store sees what a timeout raises ("Timeout reading from …"),
    the connection closed. Only reads on a connection ``proxy`` holds the sends of are cut
    short: a command is sent once the answer before it is read, so each is a held command's,
    and what must be answered (a handshake, the cancel, a second try) keeps the whole
    ``socket_timeout``. With a redis-py without the method, the held commands time out as
    they always did."""
    import asyncio

    async def give_up() -> None:
        while True:
            pool = store._client.connection_pool  # a URL's client: the store's for good
            for connection in list(getattr(pool, "_in_use_connections", ())):
                writer = getattr(connection, "_writer", None)  # None: not connected
                now = getattr(connection, "update_current_socket_timeout", None)
                port = (writer.get_extra_info("sockname") or (None, None))[1] if writer else None
                if now is not None and port in proxy.held_ports:
                    # Not reading yet does nothing; a timeout already fired but not yet
                    # raised refuses to move (RuntimeError).
                    with contextlib.suppress(RuntimeError):
                        now(0)
            await asyncio.sleep(0.005)

    giving_up = asyncio.ensure_future(give_up())
    try:
        yield
    finally:
        giving_up.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await giving_up


def _release_scripts(proxy: _HoldingProxy, direct: Any) -> int:
    """Release what ``proxy`` held and wait until Redis (``direct``, a client of its own) has
    run that many scripts; how many sends were held."""
    import time

    def scripts_run() -> int:
        calls: int = direct.info("commandstats")["cmdstat_evalsha"]["calls"]
        return calls

    before = scripts_run()
    held = proxy.release()
    until = time.monotonic() + 30
    while scripts_run() < before + held:
        assert time.monotonic() < until, "the held scripts did not reach Redis"
        time.sleep(0.01)
    return held


async def _token_ttls(port: int, prefix: str) -> list[int]:
    """The seconds left to the tokens of the saves to the user "user" under ``prefix``."""
    import redis.asyncio

    direct = redis.asyncio.Redis(port=port)
    try:
        return [
            await direct.ttl(key)
            async for key in direct.scan_iter(f"{prefix}saves:{{{prefix}user}}:*")
        ]
    finally:
        await direct.aclose()
