"""A store's configuration (its URL, which ALEXASKILL_STORE may hold; its timeouts, a Redis
client's database) as its refusals quote it: cut as alexaskill/shown_names.py cuts a long value,
as the DynamoDB URL's and the other configuration values' are (tests/test_config_values_cut.py).
A scheme, a Redis URL's database or option name of 100,000 characters made a message as long;
a number of an int past Python's 4,300 digits raised repr()'s ValueError in place of the
refusal."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import ConfigurationError
from alexaskill.store import RedisStore, SQLiteStore
from alexaskill.store.url import open_store


@pytest.fixture(autouse=True)
def _redis() -> None:
    """Every test here skipped without redis, as the module was: imported when a test runs, not
    at import (0.1 s of CPU in every process collecting the suite, for one that runs these)."""
    pytest.importorskip("redis")


#: A value far past any message's length, its head unlike its end.
LONG = "x" * 100_000 + "END"
#: The most characters a message quoting one such value may have.
BOUND = 1_000
#: An int whose repr Python refuses (past 4,300 digits).
HUGE = 10**5000


def _refusal(call: Callable[[], object]) -> str:
    with pytest.raises(ConfigurationError) as raised:
        call()
    return str(raised.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda: open_store(LONG + "://host"),
        lambda: RedisStore("redis://localhost:6379/" + LONG),
        lambda: RedisStore(f"redis://localhost:6379/0?{LONG}=1&{LONG}=2"),
        lambda: RedisStore(f"redis://localhost:6379/0?{LONG}=1"),
    ],
    ids=["scheme", "redis-database", "redis-option-twice", "redis-option-unknown"],
)
def test_a_long_store_url_part_is_quoted_cut(call: Callable[[], object]) -> None:
    message = _refusal(call)
    assert len(message) < BOUND, message[:300]
    assert "…" in message


def test_a_redis_client_s_timeout_too_long_to_show_is_refused_cut() -> None:
    import redis.asyncio

    client = redis.asyncio.Redis(socket_timeout=HUGE)
    message = _refusal(lambda: RedisStore("redis://localhost:6379/0", client=client))
    assert "socket_timeout must be a number of seconds above 0" in message
    assert len(message) < BOUND, message[:300]


@pytest.mark.parametrize(
    "call",
    [
        lambda: SQLiteStore("skill.db", timeout=HUGE),
        lambda: DynamoDBStore("table", region="us-east-1", timeout=HUGE),
    ],
    ids=["sqlite", "dynamodb"],
)
def test_a_store_timeout_too_long_to_show_is_refused_cut(call: Callable[[], object]) -> None:
    # str() of it raised ValueError ("Exceeds the limit (4300 digits)"), not the refusal.
    message = _refusal(call)
    assert "timeout" in message
    assert len(message) < BOUND, message[:300]


@pytest.mark.parametrize(
    "options",
    [{"health_check_interval": HUGE}, {"db": HUGE}, {"db": "1" * 5000}],
    ids=["interval", "database", "database-text"],
)
def test_a_redis_client_s_number_too_long_to_show_is_refused_cut(
    options: dict[str, object],
) -> None:
    import redis.asyncio

    client = redis.asyncio.Redis(**options)  # type: ignore[arg-type]
    message = _refusal(lambda: RedisStore("redis://localhost:6379/0", client=client))
    assert len(message) < BOUND, message[:300]


@pytest.mark.parametrize("path", ["file:" + LONG, LONG + "\x00"], ids=["uri", "nul"])
def test_a_long_sqlite_path_refused_is_quoted_cut(path: str) -> None:
    # SQLiteStore's refusals of a URI or memory name and of a NUL quoted the path whole.
    message = _refusal(lambda: SQLiteStore(path))
    assert len(message) < BOUND, message[:300]
    assert "…" in message


def test_a_long_sqlite_directory_refused_is_named_cut(tmp_path: Path) -> None:
    # Its refusal of a directory named the path whole (a 2,000-character one here: the system
    # takes no longer one).
    directory = tmp_path.joinpath(*["d" * 200] * 10)
    directory.mkdir(parents=True)
    message = _refusal(lambda: SQLiteStore(str(directory)))
    assert len(message) < BOUND, message[:300]
    assert "…" in message and "is a directory" in message


def test_the_lambda_warning_of_a_long_sqlite_path_names_it_cut(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # warn_of_sqlite logged the store's path whole (%s).
    from alexaskill.lambda_start import warn_of_sqlite

    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        warn_of_sqlite("/tmp/" + LONG + ".db")
    [message] = [record.getMessage() for record in caplog.records]
    assert len(message) < BOUND, message[:300]
    assert "…" in message and "does not suit AWS Lambda" in message


def test_a_redis_client_s_database_of_leading_zeros_is_read_as_its_number() -> None:
    # The check that keeps int() from a text past Python's digits reads up to 640 of them (the
    # least limit sys.set_int_max_str_digits takes), not 20: "000…05" is database 5.
    import redis.asyncio

    RedisStore("redis://localhost:6379/0", client=redis.asyncio.Redis(db="0" * 30 + "5"))
