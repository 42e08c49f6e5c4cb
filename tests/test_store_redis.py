"""`RedisStore`: riding out a restart and a failover, its failures said as what to do, the
clients it is given, and what it finds under its prefix."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

from alexaskill import Skill, speak
from alexaskill.exceptions import ConfigurationError, StoreError
from alexaskill.responses import Response
from alexaskill.store import Attributes, RedisStore

from .conftest import SKILL_ID, RedisServers
from .processes import free_port
from .redis_server import PATIENT, redis_url_with
from .store_shared import _Forwarder

pytestmark = pytest.mark.oldest_dependencies

# --- Redis: riding out a restart ------------------------------------------------------------------


@pytest.mark.anyio
async def test_redis_store_rides_out_a_restart(redis_servers: RedisServers) -> None:
    # Every pooled connection is dead after a restart: each failed one request with "Connection
    # closed by server" (30 of 30 here), until the pool had been worked through.
    process, port = redis_servers.start()
    store = RedisStore(f"redis://127.0.0.1:{port}/0?{PATIENT}")
    failures: list[str] = []

    async def request(user: str, n: int) -> None:
        try:
            await store.load(user)
            await store.update(user, {"n": n}, ())
        except Exception as exc:
            failures.append(repr(exc))

    try:
        async with anyio.create_task_group() as tasks:
            for n in range(30):  # 30 at once: 30 connections in the pool
                tasks.start_soon(request, f"user{n}", n)
        assert failures == []
        redis_servers.stop(process)
        redis_servers.start(port)
        async with anyio.create_task_group() as tasks:
            for n in range(30):
                tasks.start_soon(request, f"user{n}", n + 100)
        for n in range(10):
            await request(f"user{n}", n + 200)
        assert failures == []
        assert await store.load("user3") == {"n": 203}
        assert await store.load("user29") == {"n": 129}
    finally:
        await store.aclose()


def test_no_apology_once_redis_is_back(redis_servers: RedisServers) -> None:
    from alexaskill.app import APOLOGY
    from alexaskill.testing import TestClient

    process, port = redis_servers.start()
    skill = Skill(SKILL_ID, store=f"redis://127.0.0.1:{port}/0?{PATIENT}")

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        attributes["visits"] = attributes.get("visits", 0) + 1
        return speak(f"Visit {attributes['visits']}.")

    with TestClient(skill) as client:
        assert client.launch().speech == "Visit 1."
        redis_servers.stop(process)
        redis_servers.start(port)  # empty again: no persistence in the test's server
        said = [client.launch().speech for _ in range(3)]
    assert APOLOGY not in said
    assert said == ["Visit 1.", "Visit 2.", "Visit 3."]


def test_redis_store_client_options_and_url_overrides() -> None:
    store = RedisStore("redis://127.0.0.1:1/0")
    options = store._client.connection_pool.connection_kwargs
    assert options["socket_timeout"] == 2.0 and options["socket_connect_timeout"] == 2.0
    assert options["health_check_interval"] == 5
    store = RedisStore("redis://127.0.0.1:1/0?socket_timeout=7&health_check_interval=0")
    options = store._client.connection_pool.connection_kwargs
    assert options["socket_timeout"] == 7.0 and options["health_check_interval"] == 0


@pytest.mark.anyio
async def test_redis_failures_are_store_errors_that_say_what_to_do(
    redis_servers: RedisServers,
) -> None:
    # redis.ConnectionError, TimeoutError and the server's refusals went out as they were, and
    # a refusal of the increment script (out of memory) became a ResponseError: never the
    # StoreError that @skill.exception(StoreError) answers.
    import socket

    port = free_port()  # nothing listens there now
    store = RedisStore(f"redis://:hunter2@127.0.0.1:{port}/0?{PATIENT}")
    with pytest.raises(StoreError, match=rf"cannot reach Redis at 127\.0\.0\.1:{port}") as info:
        await store.load("user")
    assert "hunter2" not in str(info.value)
    await store.aclose()

    with socket.socket() as silent:  # connections are taken (the backlog), never answered
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        options = "socket_timeout=0.1&socket_connect_timeout=0.1"
        store = RedisStore(f"redis://127.0.0.1:{port}/0?{options}")
        with (
            anyio.fail_after(30),
            pytest.raises(StoreError, match="did not answer the load") as info,
        ):
            await store.load("user")
        await store.aclose()
    # The timeouts in force, the URL's: it said "default 2 s" whatever the URL set.
    assert "the URL's socket_timeout and socket_connect_timeout, 0.1 s)" in str(info.value)

    _, port = redis_servers.start()
    store = RedisStore(f"redis://127.0.0.1:{port}/0?{PATIENT}")
    await store.update("user", {"n": 1}, ())
    await store._client.config_set("maxmemory", 1)
    for increments in (None, {"n": 1}):
        with pytest.raises(StoreError, match=r"out of memory \(maxmemory\).*refused the save"):
            await store.update("user", {"a": 1}, (), increments=increments)
    await store._client.config_set("maxmemory", 0)
    await store._client.config_set("requirepass", "hunter2")
    await store.aclose()
    for url in (
        f"redis://127.0.0.1:{port}/0?{PATIENT}",
        f"redis://:wrong-hunter2@127.0.0.1:{port}/0?{PATIENT}",
    ):
        refused = RedisStore(url)
        with pytest.raises(StoreError, match="password") as info:
            await refused.load("user")
        assert "hunter2" not in str(info.value)
        await refused.aclose()
    allowed = RedisStore(f"redis://:hunter2@127.0.0.1:{port}/0?{PATIENT}")
    assert await allowed.load("user") == {"n": 1}
    await allowed.aclose()


def test_redis_store_used_from_one_event_loop_after_another(redis_url: str) -> None:
    # TestClient without `with` answers each request in an event loop of its own; the pooled
    # connection of the loop before failed every other request ("Event loop is closed").
    from alexaskill.testing import TestClient

    store = RedisStore(redis_url, prefix=f"test:{uuid.uuid4().hex}:")
    for n in range(3):
        anyio.run(store.update, "user", {"n": n}, ())
        assert anyio.run(store.load, "user") == {"n": n}
    anyio.run(store.aclose)

    skill = Skill(SKILL_ID, store=RedisStore(redis_url, prefix=f"test:{uuid.uuid4().hex}:"))

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        return speak(f"Visit {attributes.increment('visits')}.")

    client = TestClient(skill)  # no `with`: no lifespan, a loop per request
    assert [client.intent("Count").speech for _ in range(3)] == ["Visit 1.", "Visit 2.", "Visit 3."]
    anyio.run(skill.store.aclose)


@pytest.mark.anyio
async def test_redis_store_follows_a_failover(redis_servers: RedisServers) -> None:
    # After a failover (ElastiCache, Sentinel) the store's address leads to the new primary,
    # but the pooled connections still reach the old one, now a replica: every save failed
    # with READONLY until the process restarted.
    import redis.asyncio

    _, old_port = redis_servers.start()
    _, new_port = redis_servers.start()
    endpoint = _Forwarder(old_port)
    store = RedisStore(f"redis://127.0.0.1:{endpoint.port}/0?{PATIENT}")
    old = redis.asyncio.Redis(port=old_port)
    new = redis.asyncio.Redis(port=new_port)
    try:
        await store.update("user", {"n": 1, "a": 1}, ())  # a pooled connection to the old one
        endpoint.target = new_port
        await old.replicaof("127.0.0.1", str(new_port))
        await store.update("user", {"n": 2}, ())
        await store.update("user", {}, (), increments={"n": 1})
        assert await store.load("user") == {"n": 3}
        assert await new.hgetall(f"{store.prefix}user") == {b"n": b"3"}
        replica = RedisStore(f"redis://127.0.0.1:{old_port}/0?{PATIENT}")  # the URL of a replica
        with pytest.raises(StoreError, match="read-only replica and refused the save"):
            await replica.update("user", {"n": 4}, ())
        await replica.aclose()
    finally:
        await store.aclose()
        await old.aclose()
        await new.aclose()
        endpoint.close()


# --- Redis: what it is given, what it finds -------------------------------------------------------


@pytest.mark.anyio
async def test_a_redis_failure_is_told_without_any_password_option(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The messages hid only the value of the option named password: the TLS key's passphrase
    # (ssl_password), taken from the URL as url_without_password hides it, went out as it was.
    from redis.exceptions import ConnectionError as RedisConnectionError

    store = RedisStore("rediss://:user-pw@127.0.0.1:1/0?ssl_password=key-passphrase")

    async def failing(name: str) -> dict[bytes, bytes]:
        raise RedisConnectionError("the TLS key (key-passphrase) or the login (user-pw) failed")

    monkeypatch.setattr(store._client, "hgetall", failing)
    with pytest.raises(StoreError, match="cannot reach Redis") as info:
        await store.load("user")
    message = str(info.value)
    assert "key-passphrase" not in message and "user-pw" not in message
    assert "the TLS key (***) or the login (***) failed" in message
    await store.aclose()


@pytest.mark.parametrize("prefix", [None, b"skill:", 3])
def test_a_redis_prefix_that_is_no_string_is_refused_when_the_store_is_made(prefix: Any) -> None:
    # Taken, it failed each load and save later (a TypeError adding it to the user's key).
    with pytest.raises(ConfigurationError, match=r"RedisStore: prefix must be a string"):
        RedisStore("redis://127.0.0.1:1/0", prefix=prefix)


def test_a_redis_client_given_with_a_database_no_redis_can_have_is_refused() -> None:
    import redis.asyncio

    client = redis.asyncio.Redis(host="cache", password="hunter2", db=-1)
    with pytest.raises(ConfigurationError, match=r"the client given.*database") as info:
        RedisStore("redis://cache", client=client)
    assert "hunter2" not in str(info.value)
    anyio.run(client.aclose)


@pytest.mark.anyio
async def test_a_redis_key_that_is_no_hash_is_said_so_with_what_to_do(redis_url: str) -> None:
    # Another program's value under the store's prefix (a SET of its own): the load and the
    # save failed with Redis's bare "WRONGTYPE Operation against a key holding the wrong kind
    # of value", the save's with the script's SHA and line besides.
    store = RedisStore(redis_url, prefix=f"test:{uuid.uuid4().hex}:")
    try:
        await store._client.set(store.prefix + "user", "another program's")
        calls: list[Any] = [
            lambda: store.load("user"),
            lambda: store.update("user", {"a": 1}, ()),
            lambda: store.update("user", {}, (), increments={"a": 1}),
        ]
        for call in calls:
            with pytest.raises(StoreError) as info:
                await call()
            message = str(info.value)
            assert "is not a hash" in message, message
            assert f"prefix {store.prefix!r}" in message
            assert "script:" not in message and "user_script" not in message
            assert "'user'" not in message  # the key, a user id, is never said in full
        assert await store._client.get(store.prefix + "user") == b"another program's"
    finally:
        await store.aclose()


@pytest.mark.anyio
async def test_bytes_not_utf8_through_a_decoding_client_given_are_a_store_error(
    redis_url: str,
) -> None:
    # Another program's bytes, read through a client made with decode_responses=True: redis-py
    # raised UnicodeDecodeError out of the load, no StoreError: the log said "handler failed"
    # with a traceback, on every request of that user. (Through the store's own client, the
    # bytes reach the store, which says so already.)
    async with _decoding(redis_url) as (store, client, raw, prefix):
        await store.update("good", {"a": [1, 2]}, ())
        await client.hset(prefix + "user", "a", "1")
        await raw.hset(prefix + "user", "b", b"\xff\xfe")
        with pytest.raises(StoreError, match="not UTF-8") as info:
            await store.load("user")
        assert "decode_responses" in str(info.value)
        assert await store.load("good") == {"a": [1, 2]}  # the connection is still of use
        await store.update("user", {}, ["b"])  # deleting it mends the user
        assert await store.load("user") == {"a": 1}


@contextlib.asynccontextmanager
async def _decoding(redis_url: str) -> AsyncIterator[tuple[RedisStore, Any, Any, str]]:
    """A store on a client of its own made with decode_responses=True, that client, a client of
    raw bytes beside it, and the store's prefix (all closed after)."""
    import redis.asyncio

    prefix = f"test:{uuid.uuid4().hex}:"
    client = redis.asyncio.Redis.from_url(redis_url, decode_responses=True)
    raw = redis.asyncio.Redis.from_url(redis_url)
    store = RedisStore(redis_url, prefix=prefix, client=client)
    try:
        yield store, client, raw, prefix
    finally:
        await store.aclose()
        await raw.aclose()
        await client.aclose()


def test_a_redis_client_given_selecting_no_database_is_taken() -> None:
    # redis-py selects no database for db=None (database 0): not one to refuse.
    import redis.asyncio

    databases: list[Any] = [None, 0, "3"]
    for database in databases:
        client = redis.asyncio.Redis(host="cache", db=database)
        RedisStore("redis://cache", client=client)
        anyio.run(client.aclose)


@pytest.mark.anyio
async def test_a_tls_url_to_a_redis_without_tls_is_said_as_maybe_that(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # rediss:// to a Redis that speaks no TLS: the handshake gets no answer, and the line
    # asked whether Redis was "overloaded or stuck", never whether it speaks TLS.
    # Never answered: 0.1 s shows it (in place of the URL's patient timeouts).
    url = redis_url_with(
        redis_url,
        scheme="rediss",
        ssl_cert_reqs="none",
        socket_connect_timeout="0.1",
        socket_timeout="0.1",
    )
    with caplog.at_level(logging.WARNING, logger="alexaskill.security"):
        store = RedisStore(url)
    try:
        with pytest.raises(StoreError) as info:
            await store.load("user")
    finally:
        await store.aclose()
    assert "rediss:// to a Redis that speaks no TLS?" in str(info.value)


def test_a_redis_6_script_error_for_a_key_that_is_no_hash_is_said_so_too() -> None:
    # Redis before 7 wraps an error a script's redis.call raised: the save's WRONGTYPE came as
    # "Error running script …: WRONGTYPE …", and was said as Redis's bare words, script and all.
    from redis.exceptions import ResponseError as RedisResponseError

    from alexaskill.store.redis_errors import _failure

    store = RedisStore("redis://127.0.0.1:1/0", prefix="skill:")
    text = (
        "ERR Error running script (call to f_0123456789abcdef0123456789abcdef01234567): "
        "@user_script:20: WRONGTYPE Operation against a key holding the wrong kind of value"
    )
    failure = _failure(store, "save", RedisResponseError(text))
    assert isinstance(failure, StoreError)
    assert "is not a hash" in str(failure) and "prefix 'skill:'" in str(failure)


@pytest.mark.anyio
async def test_an_increment_over_bytes_not_utf8_through_a_decoding_client_is_a_store_error(
    redis_url: str,
) -> None:
    # The update script returns the value it does not add to, for the store to say why: through
    # a client made with decode_responses=True, redis-py raised UnicodeDecodeError decoding it,
    # out of the save, where the load of the same value says a StoreError.
    async with _decoding(redis_url) as (store, _, raw, prefix):
        await raw.hset(prefix + "user", "b", b"\xff\xfe")
        with pytest.raises(StoreError, match="not UTF-8") as info:
            await store.update("user", {"c": 1}, (), increments={"b": 1})
        assert "decode_responses" in str(info.value)
        assert await raw.hgetall(prefix + "user") == {b"b": b"\xff\xfe"}  # nothing written
        await store.update("good", {}, (), increments={"n": 1})  # the connection is of use
        assert await store.load("good") == {"n": 1}


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("errors", "stored", "read"),
    [
        ("surrogateescape", b"\xff", "\udcff"),
        ("surrogatepass", b"\xed\xa0\x80", "\ud800"),
        # A low surrogate "surrogateescape" would take for one escaped byte (b"\xff"): the
        # refusal quoted bytes that were not the stored ones.
        ("surrogatepass", b"\xed\xb3\xbf", "\udcff"),
    ],
)
async def test_a_name_or_value_read_holding_half_a_surrogate_pair_is_refused_as_not_utf8(
    redis_url: str, errors: str, stored: bytes, read: str
) -> None:
    # Through a client decoding with encoding_errors="surrogateescape" (or "surrogatepass"),
    # another program's name or value that is not UTF-8 reads holding half a surrogate pair:
    # the load handed both out, and the attributes made of them failed each request of that
    # user, as if the handler had set them ("cannot be saved as JSON"). Every other store, and
    # this one through its own client, refuses them at the load (a `StoreError`): so does it
    # now, in the same words. The name can still be deleted (it was refused as none a store
    # keeps, so it stayed): that mends the item.
    import redis.asyncio

    prefix = f"test:{uuid.uuid4().hex}:"
    client = redis.asyncio.Redis.from_url(redis_url, decode_responses=True, encoding_errors=errors)
    raw = redis.asyncio.Redis.from_url(redis_url)
    store = RedisStore(redis_url, prefix=prefix, client=client)
    own = RedisStore(redis_url, prefix=prefix)

    async def said(store: RedisStore) -> str:
        with pytest.raises(StoreError) as raised:
            await store.load("user")
        return str(raised.value).replace(store._where(), "here")

    try:
        await raw.hset(prefix + "user", mapping={stored + b"name": b"1", b"kept": b"2"})
        assert "a stored attribute name is not UTF-8 ('utf-8' codec" in await said(own)
        assert await said(store) == await said(own)
        await store.update("user", {}, [read + "name", "\udcfe"])  # (the second: none such)
        assert await raw.hgetall(prefix + "user") == {b"kept": b"2"}
        await raw.hset(prefix + "user", b"value", b'"' + stored + b'"')
        assert "the stored value of attribute 'value' is not JSON ('utf-8'" in await said(own)
        assert await said(store) == await said(own)
    finally:
        for closed in (store, own, raw, client):
            await closed.aclose()


@pytest.mark.anyio
async def test_a_name_not_utf8_read_by_the_store_itself_blames_no_decoding_client(
    redis_url: str,
) -> None:
    # A name not UTF-8 that the store decodes itself (its own client reads bytes) was refused
    # with the hint for a client given with decode_responses=True, which reads no value that is
    # not UTF-8: the store had made its client, or the one given decodes with surrogateescape.
    import redis.asyncio

    prefix = f"test:{uuid.uuid4().hex}:"
    raw = redis.asyncio.Redis.from_url(redis_url)
    escaping = redis.asyncio.Redis.from_url(
        redis_url, decode_responses=True, encoding_errors="surrogateescape"
    )
    stores = (
        RedisStore(redis_url, prefix=prefix),
        RedisStore(redis_url, prefix=prefix, client=escaping),
    )
    try:
        await raw.hset(prefix + "user", b"\xffname", b"1")
        for store in stores:
            with pytest.raises(StoreError) as raised:
                await store.load("user")
            said = str(raised.value)
            assert "a stored attribute name is not UTF-8 ('utf-8' codec" in said
            assert "decode_responses" not in said
    finally:
        for closed in (*stores, raw, escaping):
            await closed.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("errors", "stored"),
    [
        ("surrogateescape", b'"\xff"'),
        ("surrogatepass", b'"\xed\xa0\x80"'),
        ("surrogatepass", b'"\xed\xb3\xbf"'),  # (U+DCFF, not the escaped b"\xff")
    ],
)
async def test_an_increment_over_a_value_read_holding_half_a_surrogate_pair_is_refused_as_its_load(
    redis_url: str, errors: str, stored: bytes
) -> None:
    # Through a client decoding with encoding_errors="surrogateescape" (or "surrogatepass"), the
    # value the update script returned, not added to, was read as text holding half a surrogate
    # pair: "holds str: not incremented", a data fault blaming the handler, where the load of the
    # same value, and the increment through the store's own client, say it is not JSON.
    import redis.asyncio

    prefix = f"test:{uuid.uuid4().hex}:"
    client = redis.asyncio.Redis.from_url(redis_url, decode_responses=True, encoding_errors=errors)
    raw = redis.asyncio.Redis.from_url(redis_url)
    stores = (
        RedisStore(redis_url, prefix=prefix, client=client),
        RedisStore(redis_url, prefix=prefix),
    )
    try:
        await raw.hset(prefix + "user", b"n", stored)
        said = []
        for store in stores:
            with pytest.raises(StoreError) as raised:
                await store.update("user", {}, (), increments={"n": 1})
            said.append(str(raised.value).replace(store._where(), "here"))
        assert "the stored value of attribute 'n' is not JSON ('utf-8' codec" in said[1]
        assert said[0] == said[1]
        assert await raw.hgetall(prefix + "user") == {b"n": stored}  # nothing written
    finally:
        for closed in (*stores, raw, client):
            await closed.aclose()
