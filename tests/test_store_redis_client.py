"""`RedisStore` with a client given: Redis Cluster (a save's keys share the user's hash slot),
event loops after the first, its failures said in its own terms (its timeouts, no URL to mend).
The client's options checked as the store is made (timeouts, TLS checks, its kind, its text) are
test_store_redis_client_options.py's; a URL's, test_store_redis_url.py's; the connection pool,
test_store_redis_pool.py's."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from alexaskill.store import RedisStore

from .conftest import RedisServers
from .redis_server import redis_url_with

pytestmark = pytest.mark.oldest_dependencies


def _cluster_of_one(redis_servers: RedisServers) -> int:
    """The port of a redis-server in cluster mode holding every slot: it refuses commands
    whose keys are in different slots (CROSSSLOT) as a cluster of several nodes does."""
    import redis

    with socket.socket() as bus:  # the cluster bus's port: by default the port + 10000
        bus.bind(("127.0.0.1", 0))
        bus_port = bus.getsockname()[1]
    _, port = redis_servers.start(
        cluster_enabled="yes",
        cluster_port=str(bus_port),
        cluster_config_file=f"nodes-{time.monotonic_ns()}.conf",
    )
    with redis.Redis(port=port) as direct:
        direct.execute_command("CLUSTER", "ADDSLOTSRANGE", 0, 16383)
        until = time.monotonic() + 30  # Redis itself waits 2 s before a new master is "ok"
        while b"cluster_state:ok" not in direct.execute_command("CLUSTER", "INFO"):
            assert time.monotonic() < until, "the cluster did not become ready"
            time.sleep(0.02)
    return port


@pytest.fixture(scope="module")
def _shared_cluster(module_redis_servers: RedisServers) -> int:
    return _cluster_of_one(module_redis_servers)


@pytest.fixture
def cluster_port(_shared_cluster: int) -> int:
    """The port of the module's `_cluster_of_one`, emptied for each test (made once: Redis
    waits 2 s before a new cluster is ready)."""
    import redis

    with redis.Redis(port=_shared_cluster) as direct:
        direct.flushall()
    return _shared_cluster


@pytest.mark.parametrize(
    ("prefix", "key"),
    [
        ("alexaskill:attributes:", "amzn1.ask.account.AAA"),
        ("alexaskill:attributes:", "amzn1.ask.account.AAA/amzn1.ask.person.BBB"),
        ("{skill}:", "amzn1.ask.account.AAA"),  # a hash tag in the prefix: all in one slot
        ("alexaskill:attributes:", "odd{tag}key"),  # a hash tag in the key
    ],
)
@pytest.mark.anyio
async def test_redis_store_saves_on_redis_cluster(cluster_port: int, prefix: str, key: str) -> None:
    # The save's script names the user's hash and the save's token: they hashed to different
    # slots, and every save failed with CROSSSLOT ("Keys in request don't hash to the same
    # slot"). The user's key is unchanged (existing data stays readable); the token shares
    # its slot.
    import redis.asyncio

    port = cluster_port
    client = redis.asyncio.RedisCluster(host="127.0.0.1", port=port)
    store = RedisStore("redis://unused", prefix=prefix, client=client)
    try:
        await client.hset(prefix + key, mapping={"old": '"kept"', "n": "1"})  # saved before
        await store.update(key, {"a": [1, 2]}, ["old"], increments={"n": 2})
        assert await store.load(key) == {"a": [1, 2], "n": 3}
    finally:
        await client.aclose()


@pytest.mark.anyio
async def test_redis_cluster_failures_name_the_cluster(cluster_port: int) -> None:
    # Its messages said "Redis at localhost:6379", an address the skill never used.
    import redis.asyncio

    from alexaskill.exceptions import ResponseError

    port = cluster_port
    client = redis.asyncio.RedisCluster(host="127.0.0.1", port=port)
    store = RedisStore("redis://unused", client=client)
    try:
        await client.hset(store.prefix + "user", "n", '"text"')
        with pytest.raises(ResponseError, match="'n' holds a str: not incremented"):
            await store.update("user", {}, (), increments={"n": 1})
        assert store._where() == f"Redis Cluster at 127.0.0.1:{port}"
    finally:
        await client.aclose()


@pytest.mark.parametrize(
    ("prefix", "key", "token"),
    [
        ("p:", "user", "p:saves:{p:user}:1"),
        ("{app}:", "user", "{app}:saves:{app}:1"),
        ("p:", "a{b}c", "p:saves:{b}:1"),
        ("p{", "user", "p{saves:1"),  # no tag can share the slot: without one
        ("p:", "a}b", "p:saves:1"),
    ],
)
def test_a_redis_save_token_shares_its_hash_slot_where_it_can(
    prefix: str, key: str, token: str
) -> None:
    from alexaskill.store.redis_script import _token

    assert _token(prefix, prefix + key, "1") == token


def test_a_redis_client_given_is_used_from_one_event_loop_after_another(redis_url: str) -> None:
    # The store used a client given "as it is, in any loop", but its pooled connections are
    # the first loop's: every load and save from a later loop (TestClient without `with`, a
    # process forked) failed with a RuntimeError ("attached to a different loop", "Event loop
    # is closed"), not even a StoreError. In another loop the store now uses a client of the
    # same options; the client given is left as it is.
    import uuid

    import anyio
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(redis_url)
    store = RedisStore("redis://unused", prefix=f"test:{uuid.uuid4().hex}:", client=client)

    async def first() -> None:
        try:
            await store.update("user", {"n": 0}, ())
        finally:
            await client.aclose()  # its connections are this loop's: closed in it, by its owner

    try:
        anyio.run(first)
        for n in range(1, 4):
            anyio.run(store.update, "user", {"n": n}, ())
            assert anyio.run(store.load, "user") == {"n": n}
    finally:
        anyio.run(store.aclose)


def test_a_redis_cluster_client_given_is_refused_in_a_second_event_loop(
    cluster_port: int,
) -> None:
    # A RedisCluster given was used as it was in every event loop: its nodes' connections
    # being the first loop's, every load and save in a second loop (TestClient without
    # `with`) failed with a RuntimeError, not even a StoreError. redis-py cannot copy a
    # cluster client as it can a Redis one, so the store says so, as a StoreError.
    import uuid

    import anyio
    import redis.asyncio

    from alexaskill.exceptions import StoreError

    port = cluster_port
    client = redis.asyncio.RedisCluster(host="127.0.0.1", port=port)
    store = RedisStore("redis://unused", prefix=f"test:{uuid.uuid4().hex}:", client=client)

    def in_a_second_loop() -> None:
        with pytest.raises(StoreError, match="first used in another event loop"):
            anyio.run(store.load, "user")
        with pytest.raises(StoreError, match="first used in another event loop"):
            anyio.run(store.update, "user", {"n": 2}, ())

    async def in_the_first_loop() -> None:
        try:
            await store.update("user", {"n": 1}, ())
            await anyio.to_thread.run_sync(in_a_second_loop)
            assert await store.load("user") == {"n": 1}  # the first loop's use goes on
        finally:
            await client.aclose()

    anyio.run(in_the_first_loop)


def test_a_given_client_of_a_pool_subclass_is_copied_for_another_event_loop() -> None:
    # _like made type(pool)(...) of any pool: a Sentinel client's pool (its own required
    # arguments) was a TypeError out of the store's first call in another event loop.
    import redis.asyncio
    from redis.asyncio.sentinel import Sentinel

    from alexaskill.store.redis_client import _like

    # (Called as Any: redis 8.2 types Sentinel, 8.1 does not, and an ignore fails mypy on one)
    untyped: Any = Sentinel
    given = untyped([("127.0.0.1", 26379)]).master_for("mymaster")
    copy = _like(given)
    assert copy is not None
    assert copy.connection_pool is not given.connection_pool
    assert type(copy.connection_pool) is redis.asyncio.ConnectionPool
    assert copy.connection_pool.connection_class is given.connection_pool.connection_class
    waiting = redis.asyncio.Redis(
        connection_pool=redis.asyncio.BlockingConnectionPool(max_connections=3, timeout=7)
    )
    pool = _like(waiting).connection_pool  # type: ignore[union-attr]
    assert type(pool) is redis.asyncio.BlockingConnectionPool
    assert (pool.max_connections, pool.timeout) == (3, 7)


@pytest.mark.anyio
async def test_a_client_given_that_times_out_is_not_told_to_mend_the_url() -> None:
    # The line said "(the URL's socket_timeout and socket_connect_timeout, default 2 s)" for a
    # client given, which has no URL: its own timeouts are the ones to look at.
    import socket

    import anyio
    import redis.asyncio

    from alexaskill.exceptions import StoreError

    with socket.socket() as silent:  # connections are taken (the backlog), never answered
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        client = redis.asyncio.Redis(port=port, socket_timeout=0.1, socket_connect_timeout=0.1)
        store = RedisStore("redis://unused", client=client)
        try:
            with (
                anyio.fail_after(30),
                pytest.raises(StoreError, match="did not answer the load") as info,
            ):
                await store.load("user")
        finally:
            await store.aclose()
    assert "the URL's" not in str(info.value)
    # Its own timeouts, in force: it said "default 2 s", the store's for a URL naming none.
    assert "the client given's socket_timeout and socket_connect_timeout, 0.1 s)" in str(info.value)


@pytest.mark.parametrize(
    ("url", "client", "said"),
    [
        (
            "redis://cache/0",
            None,
            "the URL's socket_timeout and socket_connect_timeout, default 2 s",
        ),
        (
            "redis://cache/0?socket_timeout=30",
            None,
            "the URL's socket_timeout, 30 s, and socket_connect_timeout, default 2 s",
        ),
        (
            "redis://cache/0?socket_connect_timeout=0.5&socket_timeout=7",
            None,
            "the URL's socket_timeout, 7 s, and socket_connect_timeout, 0.5 s",
        ),
        (
            "redis://unused",
            {"socket_timeout": None, "socket_connect_timeout": None},
            "the client given's socket_timeout and socket_connect_timeout, none: the store gave "
            "each try up after 4 s",
        ),
        (
            "redis://unused",
            {"socket_timeout": 3, "socket_connect_timeout": None},
            "the client given's socket_timeout, 3 s, and socket_connect_timeout, none (redis-py "
            "then connects within the socket_timeout)",
        ),
        (
            "redis://unused",
            {"socket_timeout": None, "socket_connect_timeout": 0.5},
            "the client given's socket_timeout, none, and socket_connect_timeout, 0.5 s: the "
            "store gave each try up after 2.5 s",
        ),
    ],
)
def test_a_redis_timeout_is_said_with_the_timeouts_in_force(
    url: str, client: dict[str, Any] | None, said: str
) -> None:
    # The line said "(the URL's socket_timeout and socket_connect_timeout, default 2 s)" whatever
    # the URL or the client given set: 30 s waited, or none (the store's bound, `_bounded`).
    import anyio
    import redis.asyncio
    from redis.exceptions import TimeoutError as RedisTimeoutError

    from alexaskill.store.redis_errors import _failure

    given = None if client is None else redis.asyncio.Redis(host="cache", **client)
    try:
        store = RedisStore(url, client=given)
        message = str(_failure(store, "load", RedisTimeoutError("Timeout reading from socket")))
        assert f"({said})" in message
    finally:
        if given is not None:
            anyio.run(given.aclose)


@pytest.mark.anyio
async def test_a_client_given_is_not_told_to_mend_a_url_it_has_not(redis_url: str) -> None:
    # A client given (client=) with a database Redis lacks, or a user that may not run the
    # store's commands, was told to mend "the store URL's database" or "the URL's user".
    import uuid

    import redis.asyncio

    from alexaskill.exceptions import StoreError

    lacking = redis.asyncio.Redis.from_url(redis_url_with(redis_url, database=99))
    store = RedisStore("redis://unused", client=lacking)
    try:
        with pytest.raises(StoreError, match=r"has no database 99 for the load") as caught:
            await store.load("user")
        assert "URL" not in str(caught.value)
    finally:
        await store.aclose()
    admin = redis.asyncio.Redis.from_url(redis_url)
    user = f"limited-{uuid.uuid4().hex}"
    try:
        await admin.acl_setuser(
            user, enabled=True, passwords=["+pw"], keys=["*"], commands=["+ping"]
        )
        try:
            limited = redis.asyncio.Redis.from_url(redis_url, username=user, password="pw")
            store = RedisStore("redis://unused", client=limited)
            try:
                with pytest.raises(StoreError, match="may not run the load") as caught:
                    await store.load("user")
                assert "URL" not in str(caught.value)
            finally:
                await store.aclose()
        finally:
            await admin.acl_deluser(user)
    finally:
        await admin.aclose()
