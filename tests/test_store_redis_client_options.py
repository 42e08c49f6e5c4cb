"""`RedisStore` with a client given: its options checked as the store is made, as a URL's are
(timeouts Redis can keep, TLS checks off said, its kind, text read and written as UTF-8).
Split from test_store_redis_client.py (its Redis Cluster, event loops and failures said), and
run at the oldest dependencies as it is: the options are redis-py's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol, TypeVar

import pytest

from alexaskill.exceptions import ConfigurationError
from alexaskill.store import RedisStore

pytestmark = pytest.mark.oldest_dependencies

_Client = TypeVar("_Client")


class _Closing(Protocol):
    def __call__(self, client: _Client, /) -> _Client: ...


@pytest.fixture
def closing() -> Iterator[_Closing]:
    """Keeps each redis-py client (or store) a test passes it, returned as it is, and closes it
    after the test, as a client's owner must (redis-py warns of one left open once connected)."""
    import anyio

    made: list[Any] = []

    def kept(client: _Client) -> _Client:
        made.append(client)
        return client

    yield kept
    for client in made:
        if hasattr(client, "aclose"):
            anyio.run(client.aclose)
        else:  # redis-py's blocking client
            client.close()


@pytest.mark.parametrize("seconds", [0, -1.5, float("inf"), float("nan")])
@pytest.mark.parametrize("name", ["socket_timeout", "socket_connect_timeout"])
def test_a_client_given_with_timeouts_no_redis_can_keep_is_refused(
    name: str, seconds: float, closing: _Closing
) -> None:
    # Checked in a URL only: a client given with no usable timeout was taken, and the store's
    # bound on each command (its connect and read timeouts) never gave a stuck Redis up (inf,
    # nan) or gave every command up at once (0 or less).
    import redis.asyncio

    from alexaskill.exceptions import ConfigurationError

    options: dict[str, Any] = {name: seconds}
    client = closing(redis.asyncio.Redis(**options))
    with pytest.raises(ConfigurationError, match=f"client given.*{name} must be a number"):
        RedisStore("redis://unused", client=client)
    cluster = closing(redis.asyncio.RedisCluster(host="127.0.0.1", port=7000, **options))
    with pytest.raises(ConfigurationError, match=f"client given.*{name} must be a number"):
        RedisStore("redis://unused", client=cluster)
    fine = closing(redis.asyncio.Redis(**{**options, name: 1.5}))
    assert RedisStore("redis://unused", client=fine)._given is fine


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"ssl_cert_reqs": "none"}, "ssl_cert_reqs=none"),
        ({"ssl_check_hostname": False}, "ssl_check_hostname=false"),
    ],
)
@pytest.mark.parametrize("cluster", [False, True])
def test_a_client_given_with_tls_checks_off_is_said_at_warning(
    options: dict[str, Any],
    said: str,
    cluster: bool,
    caplog: pytest.LogCaptureFixture,
    closing: _Closing,
) -> None:
    # Said for a rediss:// URL only: a client given with the same options was taken in silence.
    import redis.asyncio

    kind = redis.asyncio.RedisCluster if cluster else redis.asyncio.Redis
    client = closing(kind(host="cache", port=6380, ssl=True, password="topsecret", **options))
    with caplog.at_level("WARNING", logger="alexaskill.security"):
        RedisStore("redis://unused", client=client)
    lines = [r for r in caplog.records if r.name == "alexaskill.security"]
    assert len(lines) == 1 and lines[0].levelname == "WARNING", caplog.records
    text = lines[0].getMessage()
    assert said in text and "client given" in text and "cache:6380" in text, text
    assert "topsecret" not in caplog.text


def test_a_client_given_with_tls_checks_on_or_no_tls_says_nothing(
    caplog: pytest.LogCaptureFixture, closing: _Closing
) -> None:
    import redis.asyncio

    with caplog.at_level("WARNING", logger="alexaskill.security"):
        for client in (
            redis.asyncio.Redis(host="cache", ssl=True, ssl_check_hostname=True),
            redis.asyncio.Redis(host="cache"),
            redis.asyncio.RedisCluster(host="cache", port=7000),
        ):
            RedisStore("redis://unused", client=closing(client))
    assert not [r for r in caplog.records if r.name == "alexaskill.security"], caplog.records


@pytest.mark.parametrize("seconds", [1e308, 86400.5, 10**12])
@pytest.mark.parametrize("name", ["socket_timeout", "socket_connect_timeout"])
def test_a_redis_timeout_longer_than_a_day_is_refused(
    name: str, seconds: float, closing: _Closing
) -> None:
    # Taken: 1e308 s is no timeout in practice, a stuck Redis holding each save for ever.
    import redis.asyncio

    # (86,400: the bound written with its thousands separator, as messages write them)
    with pytest.raises(ConfigurationError, match=f"URL: {name} must be .*at most 86,400 "):
        RedisStore(f"redis://:hunter2@cache:6379/0?{name}={seconds!r}".replace("+", ""))
    options: dict[str, Any] = {name: seconds}
    with pytest.raises(ConfigurationError, match=f"client given.*{name} must be .*most 86,400"):
        RedisStore("redis://unused", client=closing(redis.asyncio.Redis(**options)))
    # A day itself is taken, in the URL and in a client.
    assert closing(RedisStore(f"redis://cache:6379/0?{name}=86400"))
    options = {name: 86400}
    assert RedisStore("redis://unused", client=closing(redis.asyncio.Redis(**options)))


def test_a_client_given_that_is_no_asyncio_redis_client_is_refused(
    closing: _Closing,
) -> None:
    # Taken: redis-py's blocking client (whose commands return no awaitable) or a URL passed
    # as the client failed each load and save with a TypeError or AttributeError.
    import redis

    blocking = closing(redis.Redis(host="cache", password="topsecret"))
    said = r"not a redis\.client\.Redis: use redis\.asyncio"
    with pytest.raises(ConfigurationError, match=said) as got:
        RedisStore("redis://unused", client=blocking)  # type: ignore[arg-type]
    assert "topsecret" not in str(got.value)
    # A type of Python's own is named as the other errors name it ("not builtins.str" was said).
    with pytest.raises(ConfigurationError, match=r"RedisCluster, not a str$"):
        RedisStore(
            "redis://unused",
            client="redis://:topsecret@cache:6379/0",  # type: ignore[arg-type]
        )


@pytest.mark.anyio
@pytest.mark.parametrize("decode_responses", [True, False])
async def test_a_client_given_encoding_other_than_utf8_is_refused_at_the_start(
    redis_url: str, decode_responses: bool
) -> None:
    # A client made with encoding="latin-1": redis-py encodes every str the store sends with it,
    # and with decode_responses=True decodes every answer with it too. The store read "Zürich",
    # saved in UTF-8 (by the store of another machine, its own client), as "ZÃ¼rich"; and its
    # own saves were latin-1, which every other store refuses as not UTF-8.
    import uuid

    import redis.asyncio

    prefix = f"test:{uuid.uuid4().hex}:"
    saving = RedisStore(redis_url, prefix=prefix)
    client = redis.asyncio.Redis.from_url(
        redis_url, decode_responses=decode_responses, encoding="latin-1"
    )
    try:
        await saving.update("user", {"city": "Zürich"}, ())
        with pytest.raises(ConfigurationError, match="encodes text in 'latin-1'") as info:
            store = RedisStore(redis_url, prefix=prefix, client=client)
            await store.load("user")  # (taken, it read {"city": "ZÃ¼rich"})
        assert "encoding='utf-8'" in str(info.value)
    finally:
        await saving.aclose()
        await client.aclose()


@pytest.mark.parametrize("encoding", ["utf-8", "UTF8", "utf_8", "U8"])
def test_a_client_given_encoding_utf8_under_any_name_is_taken(
    encoding: str, closing: _Closing
) -> None:
    import redis.asyncio

    client = redis.asyncio.Redis(host="cache", encoding=encoding, decode_responses=True)
    RedisStore("redis://cache", client=closing(client))


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("errors", "decode_responses"),
    [("ignore", False), ("ignore", True), ("replace", True), ("backslashreplace", True)],
)
async def test_a_client_given_reading_or_writing_other_text_than_stored_is_refused_at_the_start(
    redis_url: str, errors: str, decode_responses: bool
) -> None:
    # A UTF-8 client whose encoding_errors is none of strict, surrogateescape, surrogatepass
    # reads another program's bytes that are not UTF-8 as other text (b'"\xff"' as "\ufffd",
    # "" or "\\xff", where every other store refuses them as not UTF-8), and writes a name
    # other than the one given: deleting "\udcffname" (a name a surrogateescape client reads)
    # deleted "name" under "ignore", "?name" under "replace".
    import uuid

    import redis.asyncio

    prefix = f"test:{uuid.uuid4().hex}:"
    raw = redis.asyncio.Redis.from_url(redis_url)
    client = redis.asyncio.Redis.from_url(
        redis_url, decode_responses=decode_responses, encoding_errors=errors
    )
    try:
        await raw.hset(prefix + "user", "name", '"Ann"')
        with pytest.raises(ConfigurationError, match=f"encoding_errors={errors!r}") as info:
            store = RedisStore(redis_url, prefix=prefix, client=client)
            await store.update("user", {}, ["\udcffname"])  # (taken, "ignore" deleted "name")
        assert "'surrogateescape'" in str(info.value)
        assert await raw.hget(prefix + "user", "name") == b'"Ann"'
    finally:
        await raw.aclose()
        await client.aclose()


@pytest.mark.parametrize(
    ("option", "said"),
    [
        ({"encoding": "latin-1"}, "encodes text in 'latin-1'"),
        ({"encoding_errors": "ignore"}, "encoding_errors='ignore'"),
    ],
)
def test_a_cluster_client_given_is_held_to_utf8_as_a_client_is(
    option: dict[str, Any], said: str, closing: _Closing
) -> None:
    # A RedisCluster keeps its options on itself, not on a connection pool.
    import redis.asyncio

    client = closing(redis.asyncio.RedisCluster(host="cache", decode_responses=True, **option))
    with pytest.raises(ConfigurationError, match=said):
        RedisStore("redis://cache", client=client)
