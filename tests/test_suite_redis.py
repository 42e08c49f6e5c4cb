"""The tests' Redis (tests/redis_server.py): the session's URL (``redis_url``) waits patiently,
and a test that needs other options sets them on it (`redis_url_with`) in place of its own."""

from __future__ import annotations

import pytest

from alexaskill.store import RedisStore
from tests.redis_server import redis_url_with

# (As the store's Redis tests: the URL read by the oldest redis-py too.)
pytestmark = pytest.mark.oldest_dependencies


def _options(url: str) -> dict[str, object]:
    """The connection options a `RedisStore` of ``url`` connects with."""
    import redis.asyncio

    pool = redis.asyncio.ConnectionPool.from_url(url)
    return dict(pool.connection_kwargs)


def test_the_sessions_redis_url_waits_patiently(redis_url: str) -> None:
    # The URL took RedisStore's 2 s to connect and to read: a CI run (two cores, four test
    # workers, other work) stalled the session's redis-server past it, and
    # test_store_foreign_numbers[redis] failed on "Timeout connecting to server".
    options = _options(redis_url)
    timeouts = (options.get("socket_connect_timeout"), options.get("socket_timeout"))
    assert timeouts == (30.0, 30.0), redis_url
    RedisStore(redis_url)  # (taken: no option named twice)


def test_options_set_on_the_url_replace_its_own() -> None:
    url = redis_url_with("redis://127.0.0.1:1234/0?socket_timeout=30", socket_timeout="0.1")
    assert url == "redis://127.0.0.1:1234/0?socket_timeout=0.1"
    url = redis_url_with(url, database=99, max_connections="1")
    assert url == "redis://127.0.0.1:1234/99?socket_timeout=0.1&max_connections=1"
    assert redis_url_with(url, scheme="rediss").startswith("rediss://127.0.0.1:1234/99?")


def test_a_blank_option_of_the_url_is_kept() -> None:
    # Dropped: parse_qsl leaves blank values out unless told to keep them, so a URL built to test
    # how the store takes a blank option (`?db=`, which it refuses) lost it unseen.
    url = redis_url_with("redis://127.0.0.1:1234/0?db=&socket_timeout=30", socket_timeout="0.1")
    assert url == "redis://127.0.0.1:1234/0?db=&socket_timeout=0.1"


def test_an_option_the_url_names_twice_is_kept_twice() -> None:
    # dict() kept only the last of the two, so a URL built to test how the store takes an
    # option named twice (it refuses one) lost it unseen. One set on it replaces both.
    url = redis_url_with("redis://127.0.0.1:1234/0?db=1&db=2", socket_timeout="0.1")
    assert url == "redis://127.0.0.1:1234/0?db=1&db=2&socket_timeout=0.1"
    url = redis_url_with(
        "redis://127.0.0.1:1234/0?a=1&socket_timeout=30&a=2&socket_timeout=9", socket_timeout="0.1"
    )
    assert url == "redis://127.0.0.1:1234/0?a=1&socket_timeout=0.1&a=2"
