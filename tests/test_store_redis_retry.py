"""`RedisStore` saves tried again after a lost answer: applied once, whatever the retries."""

from __future__ import annotations

import contextlib
import socket
import threading
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from alexaskill.exceptions import ResponseError
from alexaskill.store import RedisStore

from .conftest import RedisServers
from .store_shared import _Forwarder


def _port(redis_url: str) -> int:
    """The port of the test's Redis server, from its URL."""
    return int(redis_url.rsplit(":", 1)[1].split("/")[0])


#: The store's timeouts where no command goes unanswered (a lost answer closes its connection):
#: long, so that a redis-server or proxy thread a loaded CI machine stalls past the default 2 s
#: cannot fail the test; only a broken store waits them out.
_PATIENT = "socket_timeout=30&socket_connect_timeout=30"


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
        threading.Thread(target=self._requests, args=(client, server, doomed)).start()
        threading.Thread(target=self._answers, args=(server, client, doomed)).start()

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


@pytest.mark.parametrize("increments", [None, {"visits": 1}])
@pytest.mark.anyio
async def test_a_redis_save_whose_answer_was_lost_is_not_made_again(
    redis_url: str, increments: dict[str, int] | None
) -> None:
    # Redis applied the save, its answer was lost, and the store (and redis-py, which retries
    # a transaction whose connection failed) sent the MULTI/EXEC again: the save was applied
    # twice, the second time over what another request had saved in between ("draft" deleted
    # again, "n" set back to 1).
    import redis

    port = _port(redis_url)
    prefix = f"test:{uuid.uuid4().hex}:"
    key = f"{prefix}user"
    direct = redis.Redis(port=port)
    direct.hset(key, mapping={"n": "0", "draft": '"old"', "visits": "0"})

    def meanwhile() -> None:  # another request's save, applied after this one
        direct.hset(key, mapping={"n": "2", "draft": '"theirs"'})

    proxy = _AnswerLosingProxy(port, key.encode(), meanwhile)
    store = RedisStore(f"redis://127.0.0.1:{proxy.port}/0?{_PATIENT}", prefix=prefix)
    try:
        await store.update("warm-up", {"a": 1}, (), increments=increments)
        proxy.armed = True
        await store.update("user", {"n": 1}, ["draft"], increments=increments)
        assert proxy.lost == 1
        assert await store.load("user") == {
            "n": 2,
            "draft": "theirs",
            "visits": 1 if increments else 0,
        }
    finally:
        await store.aclose()
        proxy.close()
        direct.close()


@pytest.mark.anyio
async def test_a_redis_save_whose_answer_was_lost_is_not_checked_again(redis_url: str) -> None:
    # The script checked the values to add to before it looked for the save's token: sent
    # again after its answer was lost, it checked them as the first run had left them, and
    # refused an increment that had been applied, once ("too large to increment"): the user
    # heard the apology for a save that was made.
    import redis

    port = _port(redis_url)
    prefix = f"test:{uuid.uuid4().hex}:"
    key = f"{prefix}user"
    near = 8_223_372_036_854_775_800  # within the script's limit, not once 10 is added
    direct = redis.Redis(port=port)
    direct.hset(key, mapping={"visits": str(near)})
    proxy = _AnswerLosingProxy(port, key.encode(), lambda: None)
    store = RedisStore(f"redis://127.0.0.1:{proxy.port}/0?{_PATIENT}", prefix=prefix)
    try:
        await store.update("warm-up", {"a": 1}, ())  # the script loaded: no NOSCRIPT lost
        proxy.armed = True
        await store.update("user", {"n": 1}, (), increments={"visits": 10})
        assert proxy.lost == 1
        assert await store.load("user") == {"n": 1, "visits": near + 10}
    finally:
        await store.aclose()
        proxy.close()
        direct.close()


@pytest.mark.anyio
async def test_a_refused_redis_save_whose_answer_was_lost_is_refused_again(
    redis_url: str,
) -> None:
    # The token is set only once the values have been checked: set first, a refused save would
    # leave it behind, and the save sent again would do nothing and report success.
    import redis

    port = _port(redis_url)
    prefix = f"test:{uuid.uuid4().hex}:"
    key = f"{prefix}user"
    direct = redis.Redis(port=port)
    direct.hset(key, mapping={"visits": '"many"'})
    proxy = _AnswerLosingProxy(port, key.encode(), lambda: None)
    store = RedisStore(f"redis://127.0.0.1:{proxy.port}/0?{_PATIENT}", prefix=prefix)
    try:
        await store.update("warm-up", {"a": 1}, ())  # the script loaded: no NOSCRIPT lost
        proxy.armed = True
        with pytest.raises(ResponseError, match="'visits' holds str: not incremented"):
            await store.update("user", {"n": 1}, (), increments={"visits": 1})
        assert proxy.lost == 1
        assert await store.load("user") == {"visits": "many"}
        # The first try, unanswered, could still reach Redis (the value mended meanwhile): the
        # second's refusal cancels it, as when Redis refused the save with an error.
        tokens = [direct.get(token) for token in direct.scan_iter(f"{prefix}saves:{{{key}}}:*")]
        assert tokens == [b"cancelled"]
    finally:
        await store.aclose()
        proxy.close()
        direct.close()


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


@pytest.mark.anyio
async def test_a_redis_save_given_up_is_not_applied_late(redis_url: str) -> None:
    # The save's script reached Redis only after the store had given up on it (no answer
    # within socket_timeout, twice) and the user had heard the apology: the next request read
    # the old values and saved, and then the late script wrote over that save.

    import redis

    from alexaskill.exceptions import StoreError

    port = _port(redis_url)
    prefix = f"test:{uuid.uuid4().hex}:"
    direct = redis.Redis(port=port)
    proxy = _HoldingProxy(port, b"EVALSHA")
    options = _TIMEOUTS
    store = RedisStore(f"redis://127.0.0.1:{proxy.port}/0?{options}", prefix=prefix)
    try:
        await store.update("user", {"n": 1}, ())  # the script loaded: no NOSCRIPT held
        proxy.holding = True
        async with _held_answers_given_up_at_once(store, proxy):
            with pytest.raises(StoreError, match="nothing was saved"):
                await store.update("user", {"n": 2}, ())
        proxy.holding = False
        assert await store.load("user") == {"n": 1}
        await store.update("user", {"n": 3}, ())  # the user's next request
        assert _release_scripts(proxy, direct) >= 1
        assert await store.load("user") == {"n": 3}
    finally:
        await store.aclose()
        proxy.close()
        direct.close()


@pytest.mark.anyio
async def test_a_redis_save_applied_though_both_answers_were_lost_succeeds(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Both tries' answers lost: the store reported a failure (the user heard the apology) for
    # a save Redis had applied. Cancelling it finds its token set by the script: it was made.
    import redis

    port = _port(redis_url)
    prefix = f"test:{uuid.uuid4().hex}:"
    key = f"{prefix}user"
    direct = redis.Redis(port=port)
    losses = []

    def lose_the_next_answer_too() -> None:
        losses.append(1)
        proxy.armed = len(losses) == 1

    proxy = _AnswerLosingProxy(port, key.encode(), lose_the_next_answer_too)
    store = RedisStore(f"redis://127.0.0.1:{proxy.port}/0?{_PATIENT}", prefix=prefix)
    try:
        await store.update("warm-up", {"a": 1}, ())  # the script loaded: no NOSCRIPT lost
        proxy.armed = True
        await store.update("user", {"n": 1}, (), increments={"visits": 1})
        assert proxy.lost == 2
        assert await store.load("user") == {"n": 1, "visits": 1}
        assert "Redis had applied it" in caplog.text
    finally:
        await store.aclose()
        proxy.close()
        direct.close()


@pytest.mark.anyio
async def test_a_redis_save_through_a_client_without_timeouts_does_not_hang(
    redis_url: str,
) -> None:
    # A client given without socket_timeout (redis-py's default before 8) waited for ever for
    # the answer of a save that never came: the request was never answered (a save is not cut
    # short by the deadline), and the worker's task hung. (redis-py 8's default client retries
    # each command 10 times, 5 s each: minutes.) The store now bounds each command of a client
    # given by its timeouts, or REDIS_CLIENT_OPTIONS' where it has none.
    import anyio
    import redis.asyncio

    from alexaskill.exceptions import StoreError

    port = _port(redis_url)
    proxy = _HoldingProxy(port, b"EVALSHA")
    # None, nor to connect: redis-py's defaults before 8 (8's default connect timeout, 5 s,
    # made each of the two tries wait 7 s: the store's 2 s to read, and those 5).
    client = redis.asyncio.Redis(port=proxy.port, socket_timeout=None, socket_connect_timeout=None)
    store = RedisStore("redis://unused", prefix=f"test:{uuid.uuid4().hex}:", client=client)
    try:
        await store.update("user", {"n": 1}, ())  # the script loaded: no NOSCRIPT held
        proxy.holding = True
        with anyio.fail_after(60), pytest.raises(StoreError, match="nothing was saved"):
            await store.update("user", {"n": 2}, ())
        proxy.holding = False
        assert await store.load("user") == {"n": 1}
    finally:
        proxy.release()
        await store.aclose()
        proxy.close()


@pytest.mark.anyio
async def test_a_redis_save_whose_cancel_answer_was_lost_is_not_reported_made(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # The cancel (SET NX of the save's token) was tried twice: the first applied, its answer
    # lost, the second found the token set, and the store read that as the script's doing: it
    # logged "Redis had applied it" and returned, though nothing was saved. The cancel now
    # tells the script's token from its own by value.
    from alexaskill.exceptions import StoreError

    port = _port(redis_url)
    losing = _AnswerLosingProxy(port, b"cancelled", lambda: None)  # the cancel's answer
    holding = _HoldingProxy(losing.port, b"EVALSHA")  # the save's script never gets through
    options = _TIMEOUTS
    store = RedisStore(
        f"redis://127.0.0.1:{holding.port}/0?{options}", prefix=f"test:{uuid.uuid4().hex}:"
    )
    try:
        await store.update("user", {"n": 1}, ())  # the script loaded: no NOSCRIPT held
        holding.holding = True
        losing.armed = True
        async with _held_answers_given_up_at_once(store, holding):
            with pytest.raises(StoreError, match=r"nothing was saved|may still be applied"):
                await store.update("user", {"n": 2}, ())
        holding.holding = False
        assert losing.lost == 1
        assert "Redis had applied it" not in caplog.text
        assert await store.load("user") == {"n": 1}
    finally:
        holding.release()
        await store.aclose()
        holding.close()
        losing.close()


@pytest.mark.anyio
async def test_a_redis_save_given_up_is_cancelled_once(redis_url: str) -> None:
    # The cancel went through the store's retry too: a save Redis did not answer took four
    # socket_timeouts (8 s with the defaults: Alexa's whole budget), two of them the cancel's.
    from alexaskill.exceptions import StoreError

    port = _port(redis_url)
    proxy = _HoldingProxy(port, b"EVALSHA", b"cancelled")  # the save and its cancel
    options = _TIMEOUTS
    store = RedisStore(
        f"redis://127.0.0.1:{proxy.port}/0?{options}", prefix=f"test:{uuid.uuid4().hex}:"
    )
    try:
        await store.update("user", {"n": 1}, ())  # the script loaded: no NOSCRIPT held
        proxy.holding = True
        async with _held_answers_given_up_at_once(store, proxy):
            with pytest.raises(StoreError, match="may still be applied") as info:
                await store.update("user", {"n": 2}, ())
        sent = b"".join(data for _, data in proxy.held)
        assert sent.count(b"$7\r\nEVALSHA\r\n") == 2  # the save, tried twice
        assert sent.count(b"$4\r\nEVAL\r\n") == 1  # its cancel, once
        assert str(info.value).count("did not answer") == 1  # the first error, not repeated
    finally:
        proxy.holding = False
        proxy.release()
        await store.aclose()
        proxy.close()


@pytest.mark.anyio
async def test_a_redis_save_never_sent_is_not_cancelled(redis_url: str) -> None:
    # Redis refusing the connection (nothing listens), the store still tried to cancel the
    # save, twice, and said, repeating the first error, that "it may still be applied": nothing
    # had been sent.
    import socket

    from alexaskill.exceptions import StoreError

    nowhere = socket.socket()
    nowhere.bind(("127.0.0.1", 0))
    port = nowhere.getsockname()[1]
    nowhere.close()  # nothing listens there now
    store = RedisStore(f"redis://127.0.0.1:{port}/0", prefix=f"test:{uuid.uuid4().hex}:")
    try:
        with pytest.raises(StoreError) as info:
            await store.update("user", {"n": 1}, ())
        message = str(info.value)
        assert message.count("cannot reach") == 1, message
        assert "cancel" not in message and "may still be applied" not in message, message
    finally:
        await store.aclose()


@pytest.mark.anyio
async def test_a_redis_save_refused_is_not_cancelled(redis_servers: RedisServers) -> None:
    # Redis answered: it refused the script (a read-only replica), which can then never be
    # applied late. No cancel is sent (it would be refused too, and its error say the save
    # "may still be applied").
    import redis.asyncio

    from alexaskill.exceptions import StoreError

    _, primary_port = redis_servers.start()
    _, replica_port = redis_servers.start()
    replica = redis.asyncio.Redis(port=replica_port)
    await replica.replicaof("127.0.0.1", str(primary_port))
    store = RedisStore(f"redis://127.0.0.1:{replica_port}/0", prefix=f"test:{uuid.uuid4().hex}:")
    try:
        with pytest.raises(StoreError, match="read-only replica and refused the save") as info:
            await store.update("user", {"n": 1}, ())
        message = str(info.value)
        assert "cancel" not in message and "may still be applied" not in message, message
        stats = await replica.info("commandstats")
        assert "cmdstat_eval" not in stats  # no cancel sent
    finally:
        await store.aclose()
        await replica.aclose()


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


@pytest.mark.anyio
async def test_a_redis_save_tried_twice_keeps_its_token_a_day(redis_url: str) -> None:
    # The second try set the save's token for a minute: the first try, held up longer in a
    # partition (TCP retransmits for minutes), reached Redis once the token was gone and wrote
    # over later saves. The second try keeps the token a day.
    port = _port(redis_url)
    prefix = f"test:{uuid.uuid4().hex}:"
    proxy = _HoldingProxy(port, b"EVALSHA")
    proxy.once = True  # the first try only
    options = _TIMEOUTS
    store = RedisStore(f"redis://127.0.0.1:{proxy.port}/0?{options}", prefix=prefix)
    try:
        await store.update("warm-up", {"n": 1}, ())  # the script loaded: no NOSCRIPT held
        proxy.holding = True
        async with _held_answers_given_up_at_once(store, proxy):
            await store.update("user", {"n": 2}, ())  # the second try applied
        assert proxy.held
        assert len(await _token_ttls(port, prefix)) == 1
        assert min(await _token_ttls(port, prefix)) > 3600
    finally:
        proxy.release()
        await store.aclose()
        proxy.close()


@pytest.mark.anyio
async def test_a_redis_save_found_made_keeps_its_token_a_day(redis_url: str) -> None:
    # The first try applied (its token kept a minute), its answer lost; the second found the
    # token, and left it to expire in a minute, though a copy of the save may still be on its
    # way (redis-py's own retry, a delayed segment). Finding its token, the script keeps it a
    # day.
    port = _port(redis_url)
    prefix = f"test:{uuid.uuid4().hex}:"
    proxy = _AnswerLosingProxy(port, f"{prefix}user".encode(), lambda: None)
    store = RedisStore(f"redis://127.0.0.1:{proxy.port}/0?{_PATIENT}", prefix=prefix)
    try:
        await store.update("warm-up", {"a": 1}, ())  # the script loaded: no NOSCRIPT lost
        proxy.armed = True
        await store.update("user", {"n": 1}, ())
        assert proxy.lost == 1
        ttls = await _token_ttls(port, prefix)
        assert len(ttls) == 1 and ttls[0] > 3600, ttls
    finally:
        await store.aclose()
        proxy.close()


@pytest.mark.anyio
async def test_a_redis_save_cancelled_by_its_caller_is_not_applied_late(redis_url: str) -> None:
    # A save whose task was cancelled from outside (a server shutting down, a caller's own
    # timeout) while its script was on its way was not tokened as cancelled: the script,
    # reaching Redis late, wrote over what the user's next request had saved meanwhile.
    import asyncio
    import time

    import redis

    port = _port(redis_url)
    prefix = f"test:{uuid.uuid4().hex}:"
    direct = redis.Redis(port=port)
    proxy = _HoldingProxy(port, b"EVALSHA")
    store = RedisStore(f"redis://127.0.0.1:{proxy.port}/0?{_PATIENT}", prefix=prefix)
    try:
        await store.update("user", {"n": 1}, ())  # the script loaded: no NOSCRIPT held
        proxy.holding = True
        proxy.once = True
        save = asyncio.ensure_future(store.update("user", {"n": 2}, ()))
        until = time.monotonic() + 30
        while not proxy.held:
            assert time.monotonic() < until, "the save never reached the proxy"
            await asyncio.sleep(0.01)
        save.cancel()
        with pytest.raises(asyncio.CancelledError):
            await save
        assert await store.load("user") == {"n": 1}
        await store.update("user", {"n": 3}, ())  # the user's next request
        _release_scripts(proxy, direct)
        assert await store.load("user") == {"n": 3}
    finally:
        await store.aclose()
        proxy.close()
        direct.close()


@pytest.mark.anyio
async def test_a_redis_cancel_cancelled_in_turn_says_the_save_may_be_applied(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A save cancelled by its caller is cancelled in Redis, in a task of its own when the
    # caller is cancelled again. That task cancelled too (asyncio.run ending, at the end of a
    # Lambda invocation) logged nothing, the save maybe applied late.
    import asyncio

    from alexaskill.store import redis as redis_module

    store = RedisStore("redis://127.0.0.1:1/0", prefix="test:")
    never = asyncio.Event()

    async def slow_cancel(token: str) -> bool:
        await never.wait()
        return False

    store._set_cancelled = slow_cancel  # type: ignore[method-assign]
    caller = asyncio.ensure_future(store._cancel_for_caller("token"))
    await asyncio.sleep(0)
    (cancel,) = redis_module._CANCELLING
    caller.cancel()  # cancelled again: the cancel goes on, on its own
    await caller
    with caplog.at_level("WARNING", logger="alexaskill"):
        cancel.cancel()  # the event loop ending
        with pytest.raises(asyncio.CancelledError):
            await cancel
    assert "was cancelled too" in caplog.text
    assert "it may still be applied" in caplog.text
    await store.aclose()
