"""`RedisStore`'s connection pool: past a URL's ``max_connections`` a load or save waits for a
connection, once; a pool full, or a database Redis lacks, said as that."""

from __future__ import annotations

import time
import warnings
from typing import Any

import pytest

from alexaskill.store import RedisStore

from .redis_server import redis_url_with

pytestmark = pytest.mark.oldest_dependencies


@pytest.mark.anyio
async def test_a_redis_pool_at_max_connections_or_a_database_redis_lacks_is_said_so(
    redis_url: str,
) -> None:
    # Both were "cannot reach Redis … is it running?", and a save added "nor could the save be
    # cancelled …: if it reached Redis, it may still be applied", though nothing was sent.
    from alexaskill.exceptions import StoreError

    # The pool's wait for the held connection is short (timeout=); connecting is not (the
    # URL's patient socket_connect_timeout): a loaded CI can stall a connect past half a second.
    url = redis_url_with(redis_url, max_connections="1", timeout="0.1")
    store = RedisStore(url, prefix=f"test:{time.monotonic_ns()}:")
    try:
        await store.load("user")  # the client made, in this event loop
        pool = store._client.connection_pool
        held = await _another_requests_connection(pool)  # held past the wait for one
        try:
            with pytest.raises(StoreError) as caught:
                await store.update("user", {"a": 1}, ())
        finally:
            await pool.release(held)
        text = str(caught.value)
        assert "no connection free for the save, nothing sent" in text
        assert "max_connections (1)" in text
        assert "cannot reach" not in text and "may still be applied" not in text
    finally:
        await store.aclose()
    lacking = RedisStore(redis_url_with(redis_url, database=99))
    try:
        with pytest.raises(StoreError, match=r"has no database 99 for the save") as caught:
            await lacking.update("user", {"a": 1}, ())
        assert "may still be applied" not in str(caught.value)
        with pytest.raises(StoreError, match=r"has no database 99 for the load"):
            await lacking.load("user")
    finally:
        await lacking.aclose()


@pytest.mark.anyio
async def test_saves_past_a_redis_urls_max_connections_wait_for_a_connection(
    redis_url: str,
) -> None:
    # redis-py's plain pool failed a load or save at once when all max_connections were in use
    # ("Too many connections"): one request more than the limit at a moment lost its save.
    import asyncio

    # A generous wait (the URL's patient connect timeout, where the default is 2 s): six saves
    # in turn on a loaded CI.
    url = redis_url_with(redis_url, max_connections="1")
    store = RedisStore(url, prefix=f"test:{time.monotonic_ns()}:")
    try:
        await asyncio.gather(*(store.update("user", {f"k{i}": i}, ()) for i in range(6)))
        assert await store.load("user") == {f"k{i}": i for i in range(6)}
    finally:
        await store.aclose()


@pytest.mark.anyio
async def test_a_full_redis_pool_is_waited_for_once_not_twice(redis_url: str) -> None:
    # The pool's "No connection available" is a ConnectionError, which the store took for dead
    # connections and tried again: a second wait, twice the URL's socket_connect_timeout in all
    # (4 s of Alexa's 8 with the defaults), though the README says the wait is up to it.
    from alexaskill.exceptions import StoreError

    # The pool's wait for the held connection is short (timeout=); connecting is not (the
    # URL's patient socket_connect_timeout): a loaded CI can stall a connect past half a second.
    url = redis_url_with(redis_url, max_connections="1", timeout="0.1")
    store = RedisStore(url, prefix=f"test:{time.monotonic_ns()}:")
    try:
        await store.load("user")  # the client made, in this event loop
        pool = store._client.connection_pool
        held = await _another_requests_connection(pool)
        asked: list[object] = []
        real = pool.get_connection

        async def counted(*args: Any, **kwargs: Any) -> Any:
            asked.append(args)
            return await real(*args, **kwargs)  # type: ignore[no-untyped-call]

        pool.get_connection = counted  # type: ignore[method-assign]
        try:
            with pytest.raises(StoreError, match="no connection free for the save"):
                await store.update("user", {"a": 1}, ())
        finally:
            del pool.get_connection
            await pool.release(held)
        assert len(asked) == 1
        await store.update("user", {"a": 2}, ())  # the connection back: saves go on
        assert await store.load("user") == {"a": 2}
    finally:
        await store.aclose()


async def _another_requests_connection(pool: Any) -> Any:
    """One of ``pool``'s connections, taken as a request would. redis-py 5.0 requires a command
    name here, and redis-py 6 and later warn that it is deprecated."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return await pool.get_connection("PING")


@pytest.mark.anyio
async def test_a_full_pool_of_redis_pys_default_limit_says_to_name_one(redis_url: str) -> None:
    # redis-py 8's plain pool stops at 100 connections (redis-py 5's at 2**31) and fails the
    # next load or save at once; its message told to "leave [max_connections] out (no limit)",
    # already out, and spoke of a wait there was not. (1 here stands for that default.)
    from alexaskill.exceptions import StoreError

    store = RedisStore(redis_url, prefix=f"test:{time.monotonic_ns()}:")
    try:
        await store.load("user")  # the client made, in this event loop
        pool = store._client.connection_pool
        pool.max_connections = 1
        held = await _another_requests_connection(pool)
        try:
            with pytest.raises(StoreError) as caught:
                await store.update("user", {"a": 1}, ())
        finally:
            await pool.release(held)
        text = str(caught.value)
        assert "no connection free for the save, nothing sent" in text
        assert "redis-py's default, the URL naming none" in text
        assert "no limit" not in text and "past the wait" not in text
    finally:
        await store.aclose()


def test_a_blank_max_connections_in_a_redis_url_sets_no_limit_of_its_own() -> None:
    # redis-py skips a blank URL option; the store took "max_connections=" for a limit and made
    # a waiting pool of BlockingConnectionPool's default size (50), which the URL never asked.
    import redis.asyncio

    plain = RedisStore("redis://cache:6379/0")._client.connection_pool
    blank = RedisStore("redis://cache:6379/0?max_connections=")._client.connection_pool
    assert type(blank) is redis.asyncio.ConnectionPool
    assert blank.max_connections == plain.max_connections
    named = RedisStore("redis://cache:6379/0?max_connections=7")._client.connection_pool
    assert type(named) is redis.asyncio.BlockingConnectionPool and named.max_connections == 7


@pytest.mark.anyio
async def test_a_waiting_pool_that_cannot_connect_fails_the_load_and_the_next() -> None:
    # redis-py 5.0.1's BlockingConnectionPool connected while holding its lock and released a
    # failed connection under the same lock (redis-py issue #3056): the first load through a
    # URL with max_connections to a Redis not reached hung for ever, and every later one
    # with it. redis-py 5.0.2 connects outside the lock: pyproject's floor.
    import asyncio

    from alexaskill.exceptions import StoreError

    from .blackhole import unconnectable_port

    with unconnectable_port() as port:  # every connect times out there: 0.1 s proves as much
        url = f"redis://127.0.0.1:{port}/0?max_connections=2&socket_connect_timeout=0.1"
        store = RedisStore(url)
        try:
            for _ in range(2):
                with pytest.raises(StoreError, match="Timeout connecting"):
                    await asyncio.wait_for(store.load("user"), 30)  # (hung: TimeoutError)
        finally:
            await store.aclose()
