"""`RedisStore` with a client given: Redis Cluster (a save's keys share the user's hash slot),
and event loops after the first."""

from __future__ import annotations

import socket
import time
import warnings
from typing import Any

import pytest

from alexaskill.exceptions import ConfigurationError
from alexaskill.store import RedisStore

from .conftest import RedisServers


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
        with pytest.raises(ResponseError, match="'n' holds str: not incremented"):
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
        await store.update("user", {"n": 0}, ())
        await client.aclose()  # its connections are this loop's: closed in it, by its owner

    anyio.run(first)
    for n in range(1, 4):
        anyio.run(store.update, "user", {"n": n}, ())
        assert anyio.run(store.load, "user") == {"n": n}
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
        await store.update("user", {"n": 1}, ())
        await anyio.to_thread.run_sync(in_a_second_loop)
        assert await store.load("user") == {"n": 1}  # the first loop's use goes on
        await client.aclose()

    anyio.run(in_the_first_loop)


@pytest.mark.parametrize("option", ["socket_timeout", "socket_connect_timeout"])
@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
def test_a_redis_url_timeout_that_cannot_work_is_refused(option: str, value: str) -> None:
    # Taken: 0 or less timed out every command (each request's StoreError asking whether Redis
    # was "overloaded or stuck"); nan and inf never gave a stuck Redis up, holding the save.
    from alexaskill.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError, match=f"{option} must be"):
        RedisStore(f"redis://:hunter2@cache:6379/0?{option}={value}")


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("ssl_cert_reqs=none", "ssl_cert_reqs=none"),
        ("db=0&ssl_cert_reqs=none", "ssl_cert_reqs=none"),
        ("ssl_check_hostname=false", "ssl_check_hostname=false"),
    ],
)
def test_a_rediss_url_turning_tls_checks_off_is_said_at_warning(
    query: str, said: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Taken in silence: a URL option switched TLS's certificate (or host name) check off, and
    # the start-up log said nothing of it. A security check off is said on alexaskill.security.
    with caplog.at_level("WARNING", logger="alexaskill.security"):
        RedisStore(f"rediss://:topsecret@cache:6380/0?{query}")
    lines = [r for r in caplog.records if r.name == "alexaskill.security"]
    assert len(lines) == 1 and lines[0].levelname == "WARNING", caplog.records
    text = lines[0].getMessage()
    assert said in text and "cache:6380" in text and "remove" in text, text
    assert "topsecret" not in caplog.text


def test_a_rediss_url_with_its_checks_on_says_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="alexaskill.security"):
        RedisStore("rediss://cache:6380/0?ssl_cert_reqs=required&ssl_check_hostname=true")
        RedisStore("rediss://cache:6380/0")
    assert not [r for r in caplog.records if r.name == "alexaskill.security"], caplog.records


def test_a_rediss_url_ssl_cert_reqs_redis_py_refuses_is_a_configuration_error() -> None:
    # redis-py's RedisError came out of RedisStore(url) (it builds the connection to check the
    # options), not the ConfigurationError every other refused URL option raises.
    with pytest.raises(ConfigurationError, match="ssl_cert_reqs must be required"):
        RedisStore("rediss://:topsecret@cache:6380/0?ssl_cert_reqs=NONE")


def test_a_rediss_url_asks_for_the_host_name_check_whatever_redis_py_defaults_to() -> None:
    # redis-py before 6 (pyproject allows 5.0.2) checks no host name by default: any valid
    # certificate, for any host, was taken. The store asks for the check itself.
    store = RedisStore("rediss://:topsecret@cache:6380/0")
    options = store._client.connection_pool.connection_kwargs
    assert options["ssl_check_hostname"] is True
    # Unless the URL says otherwise (said at WARNING), or checks no certificate at all (no
    # host name to check then: redis-py 5 refused that pair at the first connection).
    for query in ("ssl_check_hostname=false", "ssl_cert_reqs=none"):
        store = RedisStore(f"rediss://cache:6380/0?{query}")
        assert not store._client.connection_pool.connection_kwargs.get("ssl_check_hostname")
    assert (
        "ssl_check_hostname"
        not in RedisStore("redis://cache:6379/0")._client.connection_pool.connection_kwargs
    )


@pytest.mark.parametrize("seconds", [0, -1.5, float("inf"), float("nan")])
@pytest.mark.parametrize("name", ["socket_timeout", "socket_connect_timeout"])
def test_a_client_given_with_timeouts_no_redis_can_keep_is_refused(
    name: str, seconds: float
) -> None:
    # Checked in a URL only: a client given with no usable timeout was taken, and the store's
    # bound on each command (its connect and read timeouts) never gave a stuck Redis up (inf,
    # nan) or gave every command up at once (0 or less).
    import redis.asyncio

    from alexaskill.exceptions import ConfigurationError

    options: dict[str, Any] = {name: seconds}
    client = redis.asyncio.Redis(**options)
    with pytest.raises(ConfigurationError, match=f"client given.*{name} must be a number"):
        RedisStore("redis://unused", client=client)
    cluster = redis.asyncio.RedisCluster(host="127.0.0.1", port=7000, **options)
    with pytest.raises(ConfigurationError, match=f"client given.*{name} must be a number"):
        RedisStore("redis://unused", client=cluster)
    fine = redis.asyncio.Redis(**{**options, name: 1.5})
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
    options: dict[str, Any], said: str, cluster: bool, caplog: pytest.LogCaptureFixture
) -> None:
    # Said for a rediss:// URL only: a client given with the same options was taken in silence.
    import redis.asyncio

    kind = redis.asyncio.RedisCluster if cluster else redis.asyncio.Redis
    client = kind(host="cache", port=6380, ssl=True, password="topsecret", **options)
    with caplog.at_level("WARNING", logger="alexaskill.security"):
        RedisStore("redis://unused", client=client)
    lines = [r for r in caplog.records if r.name == "alexaskill.security"]
    assert len(lines) == 1 and lines[0].levelname == "WARNING", caplog.records
    text = lines[0].getMessage()
    assert said in text and "client given" in text and "cache:6380" in text, text
    assert "topsecret" not in caplog.text


def test_a_client_given_with_tls_checks_on_or_no_tls_says_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import redis.asyncio

    with caplog.at_level("WARNING", logger="alexaskill.security"):
        for client in (
            redis.asyncio.Redis(host="cache", ssl=True, ssl_check_hostname=True),
            redis.asyncio.Redis(host="cache"),
            redis.asyncio.RedisCluster(host="cache", port=7000),
        ):
            RedisStore("redis://unused", client=client)
    assert not [r for r in caplog.records if r.name == "alexaskill.security"], caplog.records


@pytest.mark.parametrize("seconds", [1e308, 86400.5, 10**12])
@pytest.mark.parametrize("name", ["socket_timeout", "socket_connect_timeout"])
def test_a_redis_timeout_longer_than_a_day_is_refused(name: str, seconds: float) -> None:
    # Taken: 1e308 s is no timeout in practice, a stuck Redis holding each save for ever.
    import redis.asyncio

    with pytest.raises(ConfigurationError, match=f"URL: {name} must be .*at most 86400"):
        RedisStore(f"redis://:hunter2@cache:6379/0?{name}={seconds!r}".replace("+", ""))
    options: dict[str, Any] = {name: seconds}
    with pytest.raises(ConfigurationError, match=f"client given.*{name} must be .*at most"):
        RedisStore("redis://unused", client=redis.asyncio.Redis(**options))
    # A day itself is taken, in the URL and in a client.
    assert RedisStore(f"redis://cache:6379/0?{name}=86400")
    options = {name: 86400}
    assert RedisStore("redis://unused", client=redis.asyncio.Redis(**options))


@pytest.mark.parametrize("value", ["-1", "-20"])
def test_a_redis_url_max_connections_below_zero_is_said_as_such(value: str) -> None:
    # redis-py's refusal ("max_connections" must be a positive integer) came out as "the port
    # is not a number from 0 to 65535", sending the reader to a port that was fine.
    with pytest.raises(ConfigurationError, match='"max_connections" must be a positive') as got:
        RedisStore(f"redis://:hunter2@cache:6379/0?max_connections={value}")
    assert "port" not in str(got.value) and "hunter2" not in str(got.value)
    with pytest.raises(ConfigurationError, match="the port is not a number"):
        RedisStore("redis://:hunter2@cache:63a79/0")  # a port's own error is still the port's


def test_a_client_given_that_is_no_asyncio_redis_client_is_refused() -> None:
    # Taken: redis-py's blocking client (whose commands return no awaitable) or a URL passed
    # as the client failed each load and save with a TypeError or AttributeError.
    import redis

    blocking = redis.Redis(host="cache", password="topsecret")
    with pytest.raises(ConfigurationError, match=r"not redis\..*Redis: use redis\.asyncio") as got:
        RedisStore("redis://unused", client=blocking)  # type: ignore[arg-type]
    assert "topsecret" not in str(got.value)
    with pytest.raises(ConfigurationError, match=r"RedisCluster, not builtins\.str$"):
        RedisStore(
            "redis://unused",
            client="redis://:topsecret@cache:6379/0",  # type: ignore[arg-type]
        )


def test_a_blank_ssl_check_hostname_in_a_rediss_url_leaves_the_check_on() -> None:
    # redis-py skips a blank URL option; the store took its name for the user's choice and did
    # not ask for the check: on redis-py before 6 the host name went unchecked, unsaid.
    for query in ("ssl_check_hostname=", "ssl_check_hostname=&db=0"):
        store = RedisStore(f"rediss://:topsecret@cache:6380/0?{query}")
        assert store._client.connection_pool.connection_kwargs["ssl_check_hostname"] is True


@pytest.mark.parametrize("interval", ["-5", "9" * 400, "86401"])
def test_a_redis_url_health_check_interval_out_of_range_is_refused(interval: str) -> None:
    # Taken: a negative one sent a PING before every command; one past a float (400 digits)
    # raised OverflowError on each command, as a StoreError.
    url = f"redis://:topsecret@cache:6379/0?health_check_interval={interval}"
    with pytest.raises(ConfigurationError, match="health_check_interval must be") as caught:
        RedisStore(url)
    assert "topsecret" not in str(caught.value)
    assert len(str(caught.value)) < 300


def test_a_redis_url_health_check_interval_in_range_is_taken() -> None:
    for interval in (0, 30, 86400):
        store = RedisStore(f"redis://cache:6379/0?health_check_interval={interval}")
        assert store._client.connection_pool.connection_kwargs["health_check_interval"] == interval


@pytest.mark.anyio
async def test_a_redis_pool_at_max_connections_or_a_database_redis_lacks_is_said_so(
    redis_url: str,
) -> None:
    # Both were "cannot reach Redis … is it running?", and a save added "nor could the save be
    # cancelled …: if it reached Redis, it may still be applied", though nothing was sent.
    from alexaskill.exceptions import StoreError

    # The pool's wait for the held connection is short (timeout=); connecting is not: a
    # loaded CI can stall a connect to the test's Redis past half a second.
    url = redis_url + "?max_connections=1&socket_connect_timeout=30&timeout=0.1"
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
    lacking = RedisStore(redis_url.rpartition("/")[0] + "/99")
    try:
        with pytest.raises(StoreError, match=r"has no database 99 for the save") as caught:
            await lacking.update("user", {"a": 1}, ())
        assert "may still be applied" not in str(caught.value)
        with pytest.raises(StoreError, match=r"has no database 99 for the load"):
            await lacking.load("user")
    finally:
        await lacking.aclose()


@pytest.mark.parametrize(
    "url", ["redis://:hunter2@[::1/0", "redis://[::1:6379/0", "rediss://u:hunter2@[::1"]
)
def test_a_redis_url_with_an_unclosed_ipv6_bracket_is_a_configuration_error(url: str) -> None:
    # urllib's ValueError ("Invalid IPv6 URL") went out of the store's constructor as it was.
    from alexaskill.store import open_store

    with pytest.raises(ConfigurationError, match=r"brackets, both: redis://\[::1\]") as info:
        open_store(url)
    assert "hunter" not in str(info.value)
    with pytest.raises(ConfigurationError, match="brackets"):
        RedisStore(url)


@pytest.mark.anyio
async def test_saves_past_a_redis_urls_max_connections_wait_for_a_connection(
    redis_url: str,
) -> None:
    # redis-py's plain pool failed a load or save at once when all max_connections were in use
    # ("Too many connections"): one request more than the limit at a moment lost its save.
    import asyncio

    # A generous wait (the connect timeout, 2 s by default): six saves in turn on a loaded CI.
    url = redis_url + "?max_connections=1&socket_connect_timeout=30"
    store = RedisStore(url, prefix=f"test:{time.monotonic_ns()}:")
    try:
        await asyncio.gather(*(store.update("user", {f"k{i}": i}, ()) for i in range(6)))
        assert await store.load("user") == {f"k{i}": i for i in range(6)}
    finally:
        await store.aclose()


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("retry_on_timeout=maybe", "retry_on_timeout"),
        # redis-py reads every string but 0, f, false, n and no as true: off too.
        ("retry_on_timeout=off", "retry_on_timeout"),
        ("socket_keepalive=disabled", "socket_keepalive"),
        ("legacy_responses=nope", "legacy_responses"),
        ("db=0&ssl_check_hostname=nah", "ssl_check_hostname"),
    ],
)
def test_a_redis_url_boolean_that_is_not_true_or_false_is_refused(query: str, name: str) -> None:
    # Taken: each was read as true, whatever was meant.
    with pytest.raises(ConfigurationError, match=f"URL: {name}=.* is not true or false") as got:
        RedisStore(f"rediss://:hunter2@cache:6380/0?{query}")
    assert "hunter2" not in str(got.value)


def test_a_redis_url_boolean_written_plainly_is_read_as_written() -> None:
    for text, meant in [("true", True), ("False", False), ("1", True), ("0", False)]:
        for value in (text, text.upper(), "yes" if meant else "no"):
            store = RedisStore(f"redis://cache:6379/0?retry_on_timeout={value}")
            assert store._client.connection_pool.connection_kwargs["retry_on_timeout"] is meant


@pytest.mark.parametrize(
    ("url", "message", "fine"),
    [
        # redis-py reads port 0 as no port: the store went to 6379, unsaid.
        ("redis://:hunter2@cache:0/0", "the port is not a number from 1 to 65535", "cache:1/0"),
        ("rediss://:hunter2@cache:00/0", "the port is not a number from 1 to 65535", "cache:1/0"),
        # 0 was read as no limit at all.
        ("redis://:hunter2@cache/0?max_connections=0", "max_connections must be", "=2"),
        ("redis://:hunter2@cache/0?socket_read_size=0", "socket_read_size must be", "=2"),
        # Said as "ssl_cert_reqs must be required (the default), optional or none".
        ("redis://:hunter2@cache/0?protocol=7", "protocol must be 2 or 3", "=3"),
        # A pool's wait of 0 or less failed every request finding all connections in use.
        ("redis://:hunter2@cache/0?max_connections=2&timeout=-1", "timeout must be", "=1"),
        ("redis://:hunter2@cache/0?max_connections=2&timeout=nan", "timeout must be", "=1"),
    ],
)
def test_a_redis_url_number_redis_py_misreads_is_refused(url: str, message: str, fine: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as got:
        RedisStore(url)
    assert "hunter2" not in str(got.value)
    # The same URL with a value it takes: taken.
    cut = url.rindex("=") if fine.startswith("=") else url.index("@") + 1
    assert RedisStore(url[:cut] + fine)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        # redis-py took the first of two and dropped the other, unsaid.
        ("redis://:hunter2@cache/0?db=5&db=6", "option 'db' given twice"),
        ("rediss://:hunter2@cache/0?ssl_check_hostname=false&ssl_check_hostname=true", "twice"),
        # The query's database won over the path's.
        ("redis://:hunter2@cache/3?db=5", "database '3' in its path and db='5'"),
        # An int no TLS version has: each connection failed as it was made.
        ("rediss://:hunter2@cache/0?ssl_min_version=99", "ssl_min_version must be"),
    ],
)
def test_a_redis_url_option_read_other_than_written_is_refused(url: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as got:
        RedisStore(url)
    assert "hunter2" not in str(got.value)


def test_a_redis_url_database_named_alike_twice_and_a_tls_version_are_taken() -> None:
    import ssl

    assert RedisStore("redis://cache/4?db=4")._client.connection_pool.connection_kwargs["db"] == 4
    # A unix:// URL's path is its socket's: its database is db= alone.
    store = RedisStore("unix:///tmp/redis.sock?db=2")
    assert store._client.connection_pool.connection_kwargs["db"] == 2
    version = ssl.TLSVersion.TLSv1_2.value
    assert RedisStore(f"rediss://cache/0?ssl_min_version={version}")


@pytest.mark.parametrize("name", ["ssl_ca_certs", "ssl_certfile", "ssl_keyfile", "ssl_ca_path"])
def test_a_rediss_url_naming_a_tls_file_that_is_not_there_is_refused(
    name: str, tmp_path: Any
) -> None:
    # Taken: every connection then failed as it was made, each request a StoreError.
    missing = tmp_path / "missing.pem"
    with pytest.raises(ConfigurationError, match=f"URL: {name} names nothing: .*missing.pem"):
        RedisStore(f"rediss://:hunter2@cache:6380/0?{name}={missing}")
    there = tmp_path / "there.pem"
    there.write_text("")
    assert RedisStore(
        f"rediss://:hunter2@cache:6380/0?{name}={there if 'path' not in name else tmp_path}"
    )


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
async def test_a_full_redis_pool_is_waited_for_once_not_twice(redis_url: str) -> None:
    # The pool's "No connection available" is a ConnectionError, which the store took for dead
    # connections and tried again: a second wait, twice the URL's socket_connect_timeout in all
    # (4 s of Alexa's 8 with the defaults), though the README says the wait is up to it.
    from alexaskill.exceptions import StoreError

    # The pool's wait for the held connection is short (timeout=); connecting is not: a
    # loaded CI can stall a connect to the test's Redis past half a second.
    url = redis_url + "?max_connections=1&socket_connect_timeout=30&timeout=0.1"
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
        with (
            anyio.fail_after(30),
            pytest.raises(StoreError, match="did not answer the load") as info,
        ):
            await store.load("user")
        await store.aclose()
    assert "the URL's" not in str(info.value)
    assert "the client given" in str(info.value)


@pytest.mark.anyio
async def test_a_client_given_is_not_told_to_mend_a_url_it_has_not(redis_url: str) -> None:
    # A client given (client=) with a database Redis lacks, or a user that may not run the
    # store's commands, was told to mend "the store URL's database" or "the URL's user".
    import uuid

    import redis.asyncio

    from alexaskill.exceptions import StoreError

    lacking = redis.asyncio.Redis.from_url(redis_url.rpartition("/")[0] + "/99")
    store = RedisStore("redis://unused", client=lacking)
    try:
        with pytest.raises(StoreError, match=r"has no database 99 for the load") as caught:
            await store.load("user")
        assert "URL" not in str(caught.value)
    finally:
        await store.aclose()
    admin = redis.asyncio.Redis.from_url(redis_url)
    user = f"limited-{uuid.uuid4().hex}"
    await admin.acl_setuser(user, enabled=True, passwords=["+pw"], keys=["*"], commands=["+ping"])
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
        await admin.aclose()
