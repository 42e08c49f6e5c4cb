"""`RedisStore` and what Redis refuses for its size: said as that, not as Redis unreachable."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from alexaskill.exceptions import StoreError
from alexaskill.store import RedisStore

from .conftest import RedisServers
from .redis_server import PATIENT

pytestmark = pytest.mark.oldest_dependencies

#: 1.2 MB as JSON ("\u0001" each), past a bulk length of 1 MB, but 200,000 bytes in DynamoDB's
#: count, within its 400 KB a save, which every store keeps.
_PAST_A_MEGABYTE = "\x01" * 200_000


@pytest.mark.anyio
async def test_a_value_over_redis_bulk_limit_is_said_as_too_large(
    redis_servers: RedisServers,
) -> None:
    # Redis drops the connection of a client sending a string longer than its
    # proto-max-bulk-len (512 MB by default, 1 MB at least), or answers "Protocol error"
    # first: the save failed saying Redis could not be reached ("is it running?", though it
    # answered the cancel sent right after), or with Redis's bare "Protocol error: invalid bulk
    # length", or that the save may still be applied (the cancel sent on the dropped connection).
    _, port = redis_servers.start(proto_max_bulk_len="1mb")
    url = f"redis://127.0.0.1:{port}/0?{PATIENT}"
    store = RedisStore(url, prefix=f"test:{uuid.uuid4().hex}:")
    try:
        with pytest.raises(StoreError) as info:
            await store.update("user", {"big": _PAST_A_MEGABYTE, "n": 1}, ())
        message = str(info.value)
        assert "proto-max-bulk-len" in message
        assert "1,200,0" in message  # the size of the save, in bytes
        assert "is it running" not in message
        assert "nothing was saved" in message
        assert await store.load("user") == {}  # nothing half-written
        await store.update("user", {"n": 1}, ())  # Redis itself is fine
        assert await store.load("user") == {"n": 1}
    finally:
        await store.aclose()


def test_only_a_large_save_failed_so_is_said_as_too_large() -> None:
    # Which way Redis refuses a value over its bulk limit depends on timing: a "Protocol error"
    # answer if it reads the command's header before the client is done writing, else a dropped
    # connection. A connection dropped under a small save, or another refusal, is no size's.
    from redis.exceptions import ConnectionError, ResponseError

    from alexaskill.store.redis_script import _too_large

    big = {"big": "é" * (600 * 1024)}  # 1.2 MB in UTF-8
    protocol = ResponseError("Protocol error: invalid bulk length")
    dropped = ConnectionError("Error 104 while writing to socket. Connection reset by peer.")
    refused = _too_large("Redis at h:1", big, protocol, refused=True)
    assert refused is not None and "refused a save of 1,228,803 bytes" in refused
    assert "Protocol error: invalid bulk length" in refused
    said = _too_large("Redis at h:1", big, dropped, refused=False)
    assert said is not None and "dropped the connection of a save of 1,228,803" in said
    assert _too_large("Redis at h:1", {"n": "1"}, dropped, refused=False) is None
    assert _too_large("Redis at h:1", {"n": "1"}, protocol, refused=True) is None
    assert _too_large("Redis at h:1", big, ResponseError("OOM"), refused=True) is None
    assert _too_large("Redis at h:1", big, protocol, refused=False) is None


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("stored", "said"),
    [
        ("007", r"attribute 'b' is not JSON \(Extra data"),  # (as every store says: JSON it is not)
    ],
)
async def test_an_integer_redis_cannot_add_to_fails_the_save_whole(
    redis_url: str, stored: str, said: str
) -> None:
    # Another program's "007" passed the script's check of the values to add to, and
    # Redis's HINCRBY refused it midway: the increments before it were written, the values set
    # not, and the save's token was set, so that no retry could make it whole.
    import redis.asyncio

    from alexaskill.exceptions import StoreError

    prefix = f"test:{uuid.uuid4().hex}:"
    store = RedisStore(redis_url, prefix=prefix)
    raw = redis.asyncio.Redis.from_url(redis_url)
    try:
        await raw.hset(prefix + "user", mapping={"a": "1", "b": stored})
        with pytest.raises(StoreError, match=said):
            await store.update("user", {"c": 5}, (), increments={"a": 1, "b": 1})
        assert await raw.hgetall(prefix + "user") == {b"a": b"1", b"b": stored.encode()}
        assert await raw.keys(prefix + "saves:*") == []  # no token: nothing was applied
    finally:
        await raw.aclose()
        await store.aclose()


@pytest.mark.anyio
async def test_the_connection_a_protocol_error_closed_is_not_pooled(
    redis_servers: RedisServers,
) -> None:
    # Redis closes the connection it answers "Protocol error" on (a value over its bulk limit),
    # and redis-py put it back in the pool as it was: the next command sent on it failed.
    _, port = redis_servers.start(proto_max_bulk_len="1mb")
    url = f"redis://127.0.0.1:{port}/0?{PATIENT}"
    store = RedisStore(url, prefix=f"test:{uuid.uuid4().hex}:")
    try:
        for _ in range(2):
            with pytest.raises(StoreError, match="proto-max-bulk-len"):
                await store.update("user", {"big": _PAST_A_MEGABYTE}, ())
            assert await store._client.ping()  # the store's client, on a connection that works
    finally:
        await store.aclose()


@pytest.mark.anyio
async def test_a_large_save_redis_restarted_under_is_not_said_as_too_large(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A save of 1 MB or more whose connection dropped (Redis restarting), then whose second try
    # found Redis not yet listening, was said as refused for its size once the cancel got
    # through ("dropped the connection of a save ... twice: Redis takes no value over its
    # proto-max-bulk-len"): Redis had dropped it once, and refused nothing.
    from redis.exceptions import ConnectionError

    store = RedisStore(redis_url, prefix=f"test:{uuid.uuid4().hex}:")
    failures = [
        ConnectionError("Connection closed by server."),
        ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
    ]

    async def script(**kwargs: Any) -> Any:
        raise failures.pop(0)

    monkeypatch.setattr(store._client, "register_script", lambda text: script)
    try:
        with pytest.raises(StoreError) as info:
            await store.update("user", {"big": _PAST_A_MEGABYTE}, ())
        message = str(info.value)
        assert "proto-max-bulk-len" not in message
        assert "nothing was saved: the save is cancelled" in message
        assert failures == []
    finally:
        await store.aclose()


@pytest.mark.anyio
async def test_a_protocol_error_whose_pool_fails_to_close_is_still_a_store_error(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # After a "Protocol error" the store drops the pool's idle connections; that drop, made in
    # the error's handler, raised its own redis-py error (a close past the connect timeout)
    # past the store: the caller got a bare redis TimeoutError, not the save's StoreError.
    from redis.exceptions import ResponseError, TimeoutError

    store = RedisStore(redis_url, prefix=f"test:{uuid.uuid4().hex}:")

    async def script(**kwargs: Any) -> Any:
        raise ResponseError("Protocol error: invalid bulk length")

    async def disconnect(inuse_connections: bool = True) -> None:
        raise TimeoutError("Timed out closing connection after 2.0")

    monkeypatch.setattr(store._client, "register_script", lambda text: script)
    monkeypatch.setattr(store._client.connection_pool, "disconnect", disconnect)
    try:
        with pytest.raises(StoreError, match="Protocol error"):
            await store.update("user", {"n": 1}, ())
    finally:
        monkeypatch.undo()
        await store.aclose()


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


#: Updates every shipped store refuses (MemoryStore's `update` says how), none needing I/O.
REFUSED: dict[str, tuple[dict[str, Any], list[str], dict[str, int] | None]] = {
    "a number past DynamoDB's": ({"n": 1e300}, [], None),
    "an int of 39 digits": ({"n": {"deep": [10**40 + 1]}}, [], None),
    "nesting past 30 levels": ({"n": _nested(31)}, [], None),
    "no JSON": ({"n": {1, 2}}, [], None),
    "NaN": ({"n": float("nan")}, [], None),
    "a dict key JSON changes": ({"n": {1: "a"}}, [], None),
    "an empty dict key": ({"n": {"a": {"": 1}}}, [], None),
    "an empty name": ({"": 1}, [], None),
    "an empty name deleted": ({}, [""], None),
    "an empty name incremented": ({}, [], {"": 1}),
    "set and incremented": ({"n": 1}, [], {"n": 1}),
    "an increment past 10**18": ({}, [], {"n": 10**18 + 1}),
}


@pytest.mark.parametrize("kind", ["redis", "dynamodb"])
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_check_update_refuses_what_update_refuses_in_its_words(kind: str, case: str) -> None:
    # `check_update` is to raise what `update` would, without writing (a store of one's own
    # wrapping one of these calls it before its own writes). Redis's checked increments only: a
    # value past DynamoDB's numbers or nesting, no JSON, an empty name passed it, and only its
    # `update` refused them. DynamoDB's passed a name both set and incremented. No I/O:
    # neither store connects to check (Redis's URL leads nowhere).
    import anyio

    from alexaskill.dynamodb import DynamoDBStore
    from alexaskill.exceptions import ResponseError
    from alexaskill.store import MemoryStore

    from .fake_dynamodb import RecordingClient

    changes, deleted, increments = REFUSED[case]
    with pytest.raises(ResponseError) as expected:
        anyio.run(MemoryStore().update, "user", changes, deleted, increments)
    store: RedisStore | DynamoDBStore = (
        RedisStore("redis://127.0.0.1:9/0")
        if kind == "redis"
        else DynamoDBStore("table", client=RecordingClient())
    )
    with pytest.raises(ResponseError) as info:
        store.check_update(changes, deleted, increments)
    assert str(info.value) == str(expected.value)


#: Stored values over 8 KB an increment refuses, by id (an id short: see the trim test's).
LARGE_REFUSED = {
    "str": '"' + "é" * 1_000_000 + '"',
    "list": " [" + "1," * 500_000 + "1]",
    "dict": '{"a":"' + "x" * 100_000 + '"}',
    "digits": "9" * 9000,
    "float": "1." + "0" * 9000,
    "open-str": '"' + "x" * 9000,
    "open-list": "[" + "1," * 5000 + "1",
    "str-then-junk": '"' + "x" * 9000 + '"x',
}


@pytest.mark.anyio
@pytest.mark.parametrize("decoding", [False, True])
@pytest.mark.parametrize("case", list(LARGE_REFUSED))
async def test_a_large_value_an_increment_refuses_is_named_as_the_other_stores_name_it(
    redis_url: str, case: str, decoding: bool
) -> None:
    # The update script sent back the first 8 KB of a value it did not add to, and the store
    # named the value from them: "holds no integer" for a float the other stores say "holds
    # float" of, "holds str" for a value they find is not JSON at all (a StoreError). Now the
    # value Redis refused is named as the other stores name it (`base._incremented`).
    import redis.asyncio

    from alexaskill.exceptions import ResponseError
    from alexaskill.store.base import _incremented

    text = LARGE_REFUSED[case]
    prefix = f"test:{uuid.uuid4().hex}:"
    client = redis.asyncio.Redis.from_url(redis_url, decode_responses=decoding)
    store = RedisStore(redis_url, prefix=prefix, client=client)
    try:
        await client.hset(prefix + "user", "n", text)
        with pytest.raises((ResponseError, StoreError)) as expected:
            _incremented("n", text, 1, store._where())  # as memory and SQLite read it
        with pytest.raises((ResponseError, StoreError)) as info:
            await store.update("user", {}, (), increments={"n": 1})
        assert type(info.value) is type(expected.value)
        assert str(info.value) == str(expected.value)
        assert len(str(info.value)) < 400  # the excerpt bounded
        assert await client.hget(prefix + "user", "n") == (text if decoding else text.encode())
    finally:
        await store.aclose()
        await client.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("stored", "after"),
    [
        (" \t\n\r" * 50_000 + "7" + "\r\n\t " * 50_000, b"8"),  # 400,001 bytes, an integer
        ("\t-0\n", b"1"),
        (" 5 ", b"6"),
        ("5" + " " * 200_000 + "6", None),  # a long run inside: no integer, refused
        ("   ", None),
        ("", None),
    ],
    # Short ids: the test id goes into PYTEST_CURRENT_TEST, and an environment string of the
    # 400 KB value makes the redis-server the test starts fail with "Argument list too long"
    # (the oldest-dependencies run's pytest writes the value into the id).
    ids=["400kb-integer", "minus-zero", "spaces-around", "long-inner-run", "blank", "empty"],
)
async def test_the_update_script_trims_json_whitespace_around_a_stored_value(
    redis_servers: RedisServers, stored: str, after: bytes | None
) -> None:
    # The script trimmed a stored value with the Lua pattern '^%s*(.-)%s*$' (JSON's four
    # characters for %s), which tries the trailing run's end at every character of a run of
    # whitespace inside the value: quadratic. A 200 KB value with a 200,000-space run in it kept
    # Redis busy for minutes (10,000 spaces 1.1 s, 20,000 3.6 s, measured 5 December 2026), and
    # every client of that Redis waited. A server of the test's own: the old script blocks it.
    import redis.asyncio

    from alexaskill.exceptions import ResponseError

    _, port = redis_servers.start()
    url = f"redis://127.0.0.1:{port}/0"
    prefix = f"test:{uuid.uuid4().hex}:"
    store = RedisStore(url, prefix=prefix)
    raw = redis.asyncio.Redis.from_url(url)
    try:
        await raw.hset(prefix + "user", "n", stored)
        if after is None:
            with pytest.raises((ResponseError, StoreError)) as info:
                await store.update("user", {}, (), increments={"n": 1})
            assert "not incremented" in str(info.value) or "not JSON" in str(info.value)
            assert await raw.hget(prefix + "user", "n") == stored.encode()
        else:
            await store.update("user", {}, (), increments={"n": 1})
            assert await raw.hget(prefix + "user", "n") == after
    finally:
        await raw.aclose()
        await store.aclose()
