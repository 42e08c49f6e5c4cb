"""`RedisStore`'s URL options, each refused at start if redis-py cannot use it or reads it other
than written (timeouts, TLS checks, booleans, numbers, brackets, files), none showing its
password. (Its pool's limits: test_store_redis_pool.py.)"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from alexaskill.exceptions import ConfigurationError
from alexaskill.store import RedisStore

pytestmark = pytest.mark.oldest_dependencies


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


@pytest.mark.parametrize("value", ["-1", "-20"])
def test_a_redis_url_max_connections_below_zero_is_said_as_such(value: str) -> None:
    # redis-py's refusal ("max_connections" must be a positive integer) came out as "the port
    # is not a number from 0 to 65535", sending the reader to a port that was fine.
    with pytest.raises(ConfigurationError, match='"max_connections" must be a positive') as got:
        RedisStore(f"redis://:hunter2@cache:6379/0?max_connections={value}")
    assert "port" not in str(got.value) and "hunter2" not in str(got.value)
    with pytest.raises(ConfigurationError, match="the port is not a number"):
        RedisStore("redis://:hunter2@cache:63a79/0")  # a port's own error is still the port's


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
    assert "from 0 (no check) to 86,400 (a day)" in str(caught.value)  # (86400 before)


def test_a_redis_url_health_check_interval_in_range_is_taken() -> None:
    for interval in (0, 30, 86400):
        store = RedisStore(f"redis://cache:6379/0?health_check_interval={interval}")
        assert store._client.connection_pool.connection_kwargs["health_check_interval"] == interval


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


@pytest.mark.parametrize(
    ("url", "said"),
    [
        # A full-width or small '@', ':' or '/' (typed with an input method), which Python's
        # urlsplit reads as ASCII and refuses: said as a bracket missing.
        ("redis://:hunter2\uff20cache:6379/0", r"'\uff20' \(U\+FF20\), which Python reads as '@'"),
        ("redis://:hunter2\ufe55x@cache:6379/0", r"U\+FE55\), which Python reads as ':'"),
        ("redis://:hun\uff0fter2@cache:6379/0", r"U\+FF0F\), which Python reads as '/'"),
        # One Python reads as several characters, one of them refused ('\u2100' is 'a/c'): it
        # was told as brackets holding no IPv6 address.
        ("redis://:hunter2\u2100@cache:6379/0", r"U\+2100\), which Python reads as 'a/c'"),
        ("redis://:hunter2\u2105@cache:6379/0", r"U\+2105\), which Python reads as 'c/o'"),
        # Brackets, both, holding no IPv6 address (a password's, unencoded).
        ("redis://:hunter2[x]@cache:6379/0", r"in brackets is no IPv6 address.*%5B"),
        ("redis://[::g]:6379/0", r"in brackets is no IPv6 address"),
    ],
)
def test_a_redis_url_python_refuses_is_refused_for_its_reason(url: str, said: str) -> None:
    from alexaskill.store import open_store

    for make in (open_store, RedisStore):
        with pytest.raises(ConfigurationError, match=said) as info:
            make(url)
        assert "hunter" not in str(info.value) and "brackets, both" not in str(info.value)


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
        # Past Python's 4,300 digits int() raised its ValueError in place of the message.
        ("rediss://:hunter2@cache/0?ssl_min_version=" + "9" * 5000, "(5,000 characters)"),
        ("rediss://:hunter2@cache/0?ssl_min_version=%C2%B2", "not '²'"),  # (isdigit(), no int)
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
    assert RedisStore(f"rediss://cache/0?ssl_min_version=%2B{version}&socket_read_size=%2B65536")


@pytest.mark.parametrize("name", ["ssl_ca_certs", "ssl_certfile", "ssl_keyfile", "ssl_ca_path"])
def test_a_rediss_url_naming_a_tls_file_that_is_not_there_is_refused(
    name: str, tmp_path: Any
) -> None:
    # Taken: every connection then failed as it was made, each request a StoreError.
    missing = tmp_path / "missing.pem"
    with pytest.raises(ConfigurationError, match=f"URL: {name} names nothing: .*missing.pem"):
        RedisStore(f"rediss://:hunter2@cache:6380/0?{name}={missing}")
    there = tmp_path / "there.pem"
    there.write_text("", encoding="utf-8")
    assert RedisStore(
        f"rediss://:hunter2@cache:6380/0?{name}={there if 'path' not in name else tmp_path}"
    )


def test_a_redis_url_encoding_other_than_utf8_is_refused() -> None:
    # redis-py passes an option it does not know to the connection as written: the store's own
    # client encoded every save in latin-1, which every other store refuses as not UTF-8.
    with pytest.raises(ConfigurationError, match="encodes text in 'latin-1'") as info:
        RedisStore("redis://:hunter2@cache:6379/0?encoding=latin-1")
    assert "hunter2" not in str(info.value)
    RedisStore("redis://cache:6379/0?encoding=utf8")  # UTF-8 under another name: taken


def test_a_redis_url_encoding_errors_other_than_strict_or_surrogates_is_refused() -> None:
    # The store's own client reads bytes, but writes with encoding_errors: "ignore" wrote the
    # deletion of "\udcffname" (a name a surrogateescape client reads) as one of "name".
    with pytest.raises(ConfigurationError, match="encoding_errors='ignore'") as info:
        RedisStore("redis://:hunter2@cache:6379/0?encoding_errors=ignore")
    assert "hunter2" not in str(info.value)
    assert "leave encoding_errors= out of the URL" in str(info.value)
    for errors in ("strict", "surrogateescape", "surrogatepass"):
        RedisStore(f"redis://cache:6379/0?encoding_errors={errors}")  # read as they were written


@pytest.mark.parametrize(
    ("option", "takes"),
    [
        ("socket_timeout", "a number of seconds"),
        ("socket_connect_timeout", "a number of seconds"),
        ("timeout", "a number of seconds"),
        ("health_check_interval", "a whole number of seconds"),
        ("max_connections", "a whole number"),
        ("socket_read_size", "a whole number"),
        ("ssl_min_version", "a whole number"),
        ("db", "a whole number"),
    ],
)
def test_a_redis_url_number_option_that_is_no_number_is_refused_with_its_value(
    option: str, takes: str
) -> None:
    # redis-py's own words said neither the value nor what the option takes: "Redis store URL:
    # Invalid value for 'socket_timeout' in connection URL."
    with pytest.raises(ConfigurationError) as caught:
        RedisStore(f"redis://:hunter2@cache:6379?{option}=abc")
    message = str(caught.value)
    assert f"{option}='abc'" in message
    assert f"takes {takes}" in message
    assert "hunter2" not in message


def test_a_redis_url_number_option_that_may_hold_the_password_is_not_shown() -> None:
    # A password's "?" unescaped starts the query: what follows, up to the host, is a value.
    with pytest.raises(ConfigurationError, match="socket_timeout is not a value") as caught:
        RedisStore("redis://:hun?socket_timeout=ter2@cache:6379/0")
    assert "ter2" not in str(caught.value)


@pytest.mark.parametrize("lambda_", [False, True], ids=["off-lambda", "on-lambda"])
def test_a_redis_store_without_redis_py_says_how_to_get_it(
    lambda_: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On AWS Lambda "pip install 'alexaskill[redis]'" is no fix: the function's package lacks
    # redis-py, and it is packaged with the extra (README: AWS Lambda, step 1).
    from .lambda_runtime import LAMBDA_ENVIRON

    for name in LAMBDA_ENVIRON:
        monkeypatch.delenv(name, raising=False)
    if lambda_:
        for name, value in LAMBDA_ENVIRON.items():
            monkeypatch.setenv(name, value)
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)  # (its import fails)
    with pytest.raises(ConfigurationError, match="needs the redis package") as caught:
        RedisStore("redis://cache:6379/0")
    message = str(caught.value)
    assert "pip install 'alexaskill[redis]'" in message
    assert ("[redis]\"' in step 1" in message) is lambda_
