"""`RedisStore` saves given up (no answer in time) or cancelled by their caller: cancelled in
Redis, once, never applied late over a later save; a save never sent, or refused, is not
cancelled. (Saves tried again after a lost answer: test_store_redis_retry.py.)"""

from __future__ import annotations

import uuid

import pytest

from alexaskill.store import RedisStore

from .conftest import RedisServers
from .redis_proxies import (
    _TIMEOUTS,
    _AnswerLosingProxy,
    _held_answers_given_up_at_once,
    _HoldingProxy,
    _port,
    _release_scripts,
)
from .redis_server import PATIENT

pytestmark = pytest.mark.oldest_dependencies


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
    store = RedisStore(f"redis://127.0.0.1:{port}/0?{PATIENT}", prefix=f"test:{uuid.uuid4().hex}:")
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
    store = RedisStore(
        f"redis://127.0.0.1:{replica_port}/0?{PATIENT}", prefix=f"test:{uuid.uuid4().hex}:"
    )
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
    store = RedisStore(f"redis://127.0.0.1:{proxy.port}/0?{PATIENT}", prefix=prefix)
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

    from alexaskill.store import redis_cancel

    store = RedisStore("redis://127.0.0.1:1/0", prefix="test:")
    never = asyncio.Event()

    async def slow_cancel(token: str) -> bool:
        await never.wait()
        return False

    store._set_cancelled = slow_cancel  # type: ignore[method-assign]
    caller = asyncio.ensure_future(store._cancel_for_caller("token"))
    await asyncio.sleep(0)
    (cancel,) = redis_cancel._CANCELLING
    caller.cancel()  # cancelled again: the cancel goes on, on its own
    await caller
    with caplog.at_level("WARNING", logger="alexaskill"):
        cancel.cancel()  # the event loop ending
        with pytest.raises(asyncio.CancelledError):
            await cancel
    assert "was cancelled too" in caplog.text
    assert "it may still be applied" in caplog.text
    await store.aclose()
