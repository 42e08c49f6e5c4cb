"""How `RedisStore` makes its Redis clients: from a URL, checked, or like one given."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from ..articles import type_with_article, with_article
from ..exceptions import ConfigurationError
from ..shown_names import shown_value

# alexaskill.logs's security logger, by name: the stores sit below the logs in README's module
# map (alexaskill's package import has set its level, WARNING, before any store is made).
security_logger = logging.getLogger("alexaskill.security")

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["REDIS_CLIENT_OPTIONS"]

#: What `RedisStore` asks of the client it makes; a ``?name=value`` in the URL overrides each.
#: Seconds: connecting, and waiting for an answer, take at most 2 (Alexa waits 8 for the reply);
#: a connection unused for 5 is checked with a PING before it carries a command.
REDIS_CLIENT_OPTIONS: Final[Mapping[str, Any]] = {
    "socket_connect_timeout": 2.0,
    "socket_timeout": 2.0,
    "health_check_interval": 5,
}


def _try_limit(options: Mapping[str, Any]) -> float:
    """Seconds after which `RedisStore` gives up a command through a client given: its read
    timeout and its connect timeout (redis-py connects within the read timeout where the
    connect one is None), `REDIS_CLIENT_OPTIONS`' read timeout for one it has not."""
    read = options.get("socket_timeout") or REDIS_CLIENT_OPTIONS["socket_timeout"]
    return float(read + (options.get("socket_connect_timeout") or read))


def _like(client: Redis | None) -> Redis | None:
    """A client with ``client``'s connection options and a pool of its own, or None for one
    without a connection pool (a RedisCluster)."""
    import redis.asyncio

    pool = getattr(client, "connection_pool", None)
    if pool is None:
        return None
    options = {**pool.connection_kwargs, "max_connections": pool.max_connections}
    # Redis-py's two pool classes only: a subclass (a Sentinel's) takes arguments of its own.
    kind: type[redis.asyncio.ConnectionPool] = redis.asyncio.ConnectionPool
    if isinstance(pool, redis.asyncio.BlockingConnectionPool):  # waits for a free connection
        options["timeout"] = pool.timeout
        kind = redis.asyncio.BlockingConnectionPool
    new_pool = kind(connection_class=pool.connection_class, **options)
    return redis.asyncio.Redis.from_pool(new_pool)  # its aclose closes the pool


def _client_from_url(url: str, *, first: bool = False) -> Redis:
    """A client for ``url`` with `REDIS_CLIENT_OPTIONS`, the URL checked (`_check_url`); the
    ``first`` (the store's, at start-up) says a TLS check the URL turns off (`_say_checks_off`)."""
    import redis.asyncio

    if not isinstance(url, str):  # the type only: bytes would show a password
        raise ConfigurationError(f"RedisStore: the URL is a string, not {type_with_article(url)}")
    _check_url_parts(url)
    _check_misread_options(url)
    try:
        options = {**REDIS_CLIENT_OPTIONS, **_tls_options(url)}
        if _limits_connections(url):
            client = redis.asyncio.Redis.from_pool(_waiting_pool(url, options))
        else:
            client = redis.asyncio.Redis.from_url(url, **options)
    except ValueError as exc:
        # urllib's own words for a port repeat it, and a port may be a password's first part.
        text = str(exc)
        if text.startswith("Invalid value for '"):
            text = _no_number(url, text.split("'")[1])
        elif not text.startswith(("Redis URL must specify", '"max_connections" must be')):
            text = _BAD_PORT
        raise ConfigurationError(f"Redis store URL: {text}") from None
    _check_url(url, client)
    if first:
        _say_checks_off(client.connection_pool.connection_kwargs, "in its URL")
    return client


#: What redis-py's number options take (it says only "Invalid value for 'NAME'").
_NUMBERS: Final = {
    "socket_timeout": "a number of seconds",
    "socket_connect_timeout": "a number of seconds",
    "timeout": "a number of seconds",
    "health_check_interval": "a whole number of seconds",
    "db": "a whole number",
    "max_connections": "a whole number",
    "socket_read_size": "a whole number",
    "ssl_min_version": "a whole number",
    "protocol": "a whole number",
}


def _no_number(url: str, name: str) -> str:
    """What to say of option ``name`` of ``url``, which redis-py could not read as a number:
    its value (cut: `shown_value`), unless it may hold the password (the password itself, or
    an '@': a password's '?' unescaped starts the query), and what it takes."""
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    value = urllib.parse.parse_qs(parts.query, keep_blank_values=True).get(name, [""])[0]
    takes = _NUMBERS.get(name, "another value")
    password = ""
    with contextlib.suppress(ValueError):
        password = parts.password or ""
    if "@" in value or (password and password in value):
        return (
            f"{name} is not a value it takes (not shown: it may hold a password): it takes {takes}"
        )
    return f"{name}={shown_value(value)} is not a value it takes: it takes {takes}"


def _limits_connections(url: str) -> bool:
    """Whether ``url`` sets ``max_connections`` (then `_waiting_pool` makes its pool); a blank
    one, which redis-py skips, does not."""
    import urllib.parse

    query = urllib.parse.urlsplit(url).query
    return "max_connections" in dict(urllib.parse.parse_qsl(query))


def _waiting_pool(url: str, options: Mapping[str, Any]) -> Any:
    """A pool for a URL that limits its connections: a load or save finding them all in use
    waits for one, up to the connect timeout, as redis-py's `BlockingConnectionPool` does.
    Its plain pool failed it at once ("Too many connections"): one request more than the
    limit at a moment, and a save was lost."""
    import redis.asyncio

    connect = redis.asyncio.ConnectionPool.from_url(url, **options).connection_kwargs
    wait = connect.get("socket_connect_timeout") or REDIS_CLIENT_OPTIONS["socket_connect_timeout"]
    return redis.asyncio.BlockingConnectionPool.from_url(url, timeout=wait, **options)


def _tls_options(url: str) -> dict[str, Any]:
    """``ssl_check_hostname=True`` for a ``rediss://`` URL that names no such option and checks
    certificates: redis-py before 6 checks no host name by default (any valid certificate, for
    any host, was taken), and refuses the check with ``ssl_cert_reqs=none``."""
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() != "rediss":
        return {}
    options = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    # A blank value is no choice: redis-py skips it (and would leave the check off before 6).
    if options.get("ssl_check_hostname") or options.get("ssl_cert_reqs") == "none":
        return {}
    return {"ssl_check_hostname": True}


def _say_checks_off(options: Mapping[str, Any], origin: str, where: str | None = None) -> None:
    """Say at WARNING (``"alexaskill.security"``) what TLS check a connection's ``options`` turn
    off: ``ssl_cert_reqs=none`` (no certificate check; redis-py then checks no host name either)
    or ``ssl_check_hostname=false``, and how to turn it back on. ``origin`` says where they come
    from: ``"in its URL"`` (the option is removed from it) or ``"in the client given"`` (the
    client is made without it); ``where``, the server (by default the options' host and port).
    Never the URL: it may hold a password."""
    import ssl

    where = where or f"{options.get('host', 'localhost')}:{options.get('port', 6379)}"
    checks = options.get("ssl_cert_reqs")
    if checks == "none" or checks == ssl.CERT_NONE:
        off, how, on = "ssl_cert_reqs=none", "TLS certificate checks are off", "'required'"
    elif options.get("ssl_check_hostname") is False:
        off, how, on = "ssl_check_hostname=false", "the TLS host name check is off", "True"
    else:
        return
    name = off.partition("=")[0]
    fix = f"remove {name} from the URL" if "URL" in origin else f"make it with {name}={on}"
    security_logger.warning(
        "Redis store at %s: %s (%s %s): anyone on the network path can pose as Redis, read the "
        "attributes and the password, and change them; %s to turn it back on (ssl_ca_certs=PATH "
        "trusts a private CA's certificate)",
        where,
        how,
        off,
        origin,
        fix,
    )


def _check_url_parts(url: str) -> None:
    """`ConfigurationError` for a URL whose host part ends before its ``@``.

    A password holding ``/``, ``?`` or ``#`` unescaped ends the host part there: redis-py would
    read what follows as the port (a ValueError repeating it), the database or an option, or
    take digits before it for a port and connect there without a password, each error naming
    a piece of the password. Nothing of the URL goes into the message.
    """
    import urllib.parse

    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        raise ConfigurationError(f"Redis store URL: {_unsplit_reason(url)}") from None
    names = [name for name, _ in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)]
    if (
        "@" in parts.path
        or parts.fragment
        or url.endswith("#")
        or any(not name.isidentifier() for name in names)
    ):
        raise ConfigurationError(
            "Redis store URL: it has an '@' (or a '#', or a query that is not name=value "
            "options) after the host part ends: a password holding '/', '?', '#' or '@' must "
            "be percent-encoded (%2F, %3F, %23, %40): redis://:PASSWORD@host:6379/0"
        )


def _unsplit_reason(url: str) -> str:
    """Why urlsplit refused ``url`` (its words repeat the host part, password and all): a
    character its NFKC check reads as (or as holding) ``/``, ``?``, ``#``, ``@`` or ``:``, a
    ``[`` without its ``]``, or brackets holding no IPv6 address. The character is named, not
    the URL."""
    import unicodedata
    import urllib.parse

    # The host part as urlsplit finds it: up to the first '/', '?' or '#'.
    netloc = re.split(r"[/?#]", url.partition("://")[2], maxsplit=1)[0]
    for char in netloc:
        if not char.isascii():
            read = unicodedata.normalize("NFKC", char)
            # (Any of them in what it is read as: '\u2100' is 'a/c', refused as well.)
            if any(sep in read for sep in "/?#@:"):
                return (
                    f"its host part holds {char!r} (U+{ord(char):04X}), which Python reads as "
                    f"{read!r} and refuses: write the {read!r} meant, or "
                    f"{urllib.parse.quote(char)} for the character itself in a password"
                )
    if "[" in netloc and "]" not in netloc.partition("[")[2]:  # urllib's "Invalid IPv6 URL"
        return "an IPv6 address is written in brackets, both: redis://[::1]:6379/0"
    return (
        "what is in brackets is no IPv6 address: write redis://[::1]:6379/0, and a '[' or ']' "
        "of a password as %5B or %5D"
    )


_BAD_PORT: Final = "the port is not a number from 1 to 65535"
#: What redis-py reads as true (any text but these, ``off`` and ``maybe`` too) and as false.
_TRUE: Final = frozenset({"1", "true", "yes", "y", "t", "on"})
_FALSE: Final = frozenset({"0", "false", "no", "n", "f"})
_BOOLEANS: Final = (
    "retry_on_timeout",
    "socket_keepalive",
    "ssl_check_hostname",
    "legacy_responses",
)


def _check_misread_options(url: str) -> None:
    """`ConfigurationError` for what redis-py reads in ``url`` other than as written: port 0 (no
    port: 6379), a boolean option neither true nor false (true), ``max_connections=0`` (no
    limit), ``socket_read_size`` under 1, a ``protocol`` but 2 or 3 (said as ssl_cert_reqs's
    fault), a pool ``timeout`` not above 0 (every wait for a connection failed at once), an
    option twice, two databases, a TLS file that is not there, an unknown TLS version. Text
    redis-py refuses itself is left to it. Messages name the option, never the URL."""
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    with contextlib.suppress(ValueError):  # (redis-py's, said as _BAD_PORT)
        if parts.port == 0:
            raise ConfigurationError(f"Redis store URL: {_BAD_PORT}")
    pairs = urllib.parse.parse_qsl(parts.query)
    every = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    if any(name == "db" and not text.strip() for name, text in every):
        # redis-py skips it: database 0, where a variable meant to name one was empty.
        raise ConfigurationError("Redis store URL: db= has no value: name the database, or no db=")
    names = [name for name, _ in pairs]
    for name in names:
        if names.count(name) > 1:  # redis-py takes the first, unsaid
            raise ConfigurationError(f"Redis store URL: option {shown_value(name)} given twice")
    database = parts.path.strip("/") if parts.scheme.lower() != "unix" else ""  # (a socket)
    if "db" in names and database and database != dict(pairs)["db"].strip():
        raise ConfigurationError(  # (the query's won)
            f"Redis store URL: database {shown_value(database)} in its path and db="
            f"{shown_value(dict(pairs)['db'])} in its query: name it once"
        )
    for name, text in pairs:
        lowered = text.lower()
        if name in _BOOLEANS and lowered not in _TRUE | _FALSE:
            raise ConfigurationError(
                f"Redis store URL: {name}={shown_value(text)} is not true or false (write true or "
                "false)"
            )
        number = text.strip().lstrip("+-")  # (redis-py before 8 passes the two on as text)
        if name in ("socket_read_size", "ssl_min_version") and not number.isdigit():
            raise ConfigurationError(f"Redis store URL: {_no_number(url, name)}")
        if name in ("max_connections", "socket_read_size") and text.strip() in ("0", "-0"):
            raise ConfigurationError(f"Redis store URL: {name} must be a whole number above 0")
        if name == "socket_read_size" and text.strip().startswith("-"):
            raise ConfigurationError(f"Redis store URL: {name} must be a whole number above 0")
        if name == "protocol" and text.strip() not in ("2", "3"):
            raise ConfigurationError(
                f"Redis store URL: protocol must be 2 or 3, not {shown_value(text)}"
            )
        if name in ("ssl_ca_certs", "ssl_certfile", "ssl_keyfile", "ssl_ca_path"):
            import os

            if text and not os.path.exists(text):  # else found by each connection
                raise ConfigurationError(
                    f"Redis store URL: {name} names nothing: {shown_value(text)}"
                )
        if name == "ssl_min_version" and text.strip().lstrip("-").isdigit():
            import ssl

            try:
                known = int(text) in {version.value for version in ssl.TLSVersion}
            except ValueError:  # (past 4,300 digits, or digits int() reads not: "²")
                known = False
            if not known:
                raise ConfigurationError(
                    f"Redis store URL: ssl_min_version must be a value of ssl.TLSVersion "
                    f"({ssl.TLSVersion.TLSv1_2.value} for TLS 1.2), not {shown_value(text)}"
                )
        if name == "timeout":
            with contextlib.suppress(ValueError):  # (redis-py's "Invalid value"; nan: refused)
                if not 0 < float(text) <= _MAX_TIMEOUT:
                    raise ConfigurationError(
                        f"Redis store URL: timeout must be a number of seconds above 0 and at "
                        f"most {_MAX_TIMEOUT:,} (the wait for a free connection), not "
                        f"{shown_value(text)}"
                    )


def _check_url(url: str, client: Redis) -> None:
    """`ConfigurationError` now for what redis-py accepts in ``url`` and fails on later.

    It passes unknown query options to the connection, which refuses them (TypeError) at each
    connection attempt, and reads a database that is not a number as database 0. Messages name
    the option or the path, never the URL: it may hold a password.
    """
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    database = parts.path.strip("/")
    # ASCII digits: redis-py reads a path int() refuses ("²", a digit to isdigit) as database 0.
    if parts.scheme in ("redis", "rediss") and database and not _is_number(database):
        raise ConfigurationError(
            f"Redis store URL: the database must be a number (redis://host:6379/0), not "
            f"{shown_value(database)}"
        )
    pool = client.connection_pool
    _check_timeouts(pool.connection_kwargs, "Redis store URL")
    _check_database(pool.connection_kwargs, "Redis store URL")
    _check_encoding(pool.connection_kwargs, "Redis store URL", "leave {name}= out of the URL")
    from redis.exceptions import RedisError

    try:
        pool.connection_class(**pool.connection_kwargs)  # builds it; connects on first use only
    except RedisError:
        # redis-py's TLS set-up refusing ssl_cert_reqs (its only such check): not a RedisError
        # out of a store's constructor, which callers take for a failure of Redis's.
        raise ConfigurationError(
            "Redis store URL: ssl_cert_reqs must be required (the default), optional or none, in "
            "lower case"
        ) from None
    except TypeError as exc:
        unknown = re.search(r"unexpected keyword argument '([^']*)'", str(exc))
        option = unknown.group(1) if unknown else str(exc)
        raise ConfigurationError(
            f"Redis store URL: unknown option {shown_value(option)} for a {parts.scheme}:// URL"
        ) from None


def _checked_client(client: Any) -> Any:
    """``client`` (a ``Redis`` or ``RedisCluster`` given to `RedisStore`), its timeouts checked
    as a URL's are (`_check_timeouts`): the store gives up a command after them; a TLS check it
    turns off is said as a URL's is (`_say_checks_off`). Any other client (redis-py's blocking
    ``redis.Redis``, a URL) is a `ConfigurationError`: each load and save failed instead."""
    import redis.asyncio

    if not isinstance(client, redis.asyncio.Redis | redis.asyncio.RedisCluster):
        kind, hint = type(client), ""
        named = type_with_article(client)
        if kind.__module__.startswith("redis"):  # by its module: redis.Redis is no asyncio one
            named = with_article(f"{kind.__module__}.{kind.__qualname__}")
            hint = ": use redis.asyncio.Redis"
        raise ConfigurationError(
            "RedisStore: the client given (client=) is a redis.asyncio.Redis or RedisCluster, "
            f"not {named}{hint}"
        )
    pool = getattr(client, "connection_pool", None)
    options = getattr(pool if pool is not None else client, "connection_kwargs", None)
    if isinstance(options, Mapping):
        _check_timeouts(options, "RedisStore: the client given (client=)")
        _check_database(options, "RedisStore: the client given (client=)")
        _check_encoding(
            options,
            "RedisStore: the client given (client=)",
            "make it with {name}={default!r} (redis-py's default), or no {name}",
        )
        # A RedisCluster's options name no host: its start-up nodes do.
        nodes = getattr(getattr(client, "nodes_manager", None), "startup_nodes", None)
        where = ", ".join(nodes) if pool is None and isinstance(nodes, Mapping) else None
        _say_checks_off(options, "in the client given", where)
    return client


def _check_encoding(options: Mapping[str, Any], where: str, fix: str) -> None:
    """`ConfigurationError` for a client that encodes text other than in UTF-8 (redis-py's
    ``encoding``, which a URL's ``?encoding=`` sets too), or handles what is no UTF-8 other
    than strictly or as surrogates (``encoding_errors``). ``fix``: what to do, its ``{name}``
    and ``{default}`` the option's.

    Refused, not followed: redis-py encodes every name and value the store sends with it, so
    a latin-1 client wrote saves that the stores of the other machines (their clients reading
    bytes, decoded as UTF-8, as every store keeps its JSON) refuse as not UTF-8, and could not
    write "€" at all; reading with it alone (``decode_responses=True``) misread their UTF-8
    ("Zürich" as "ZÃ¼rich"). Following it would mean sending bytes everywhere, for a setting
    that can only break what other machines read. Of the error handlers, "strict" refuses
    bytes that are no UTF-8, "surrogateescape" and "surrogatepass" refuse them or read them
    as surrogates, which the load refuses as every store does (`redis_text._as_read`), and
    write such a name back as the bytes read (`RedisStore._encodes`); any other reads them as
    other text (``b"\\xff"`` as U+FFFD under "replace", as "" under "ignore", loaded where
    the others refuse it) and writes a name other than the one given (the deletion of a name
    holding U+DCFF, "\\udcffname", deleted "name")."""
    import codecs

    encoding = options.get("encoding", "utf-8")
    try:
        name = codecs.lookup(encoding).name  # ("UTF8", "utf_8", "U8": UTF-8 all)
    except (LookupError, TypeError):
        name = None
    if name != "utf-8":
        raise ConfigurationError(
            f"{where} encodes text in {shown_value(encoding)}: the store reads and writes "
            f"UTF-8, as the stores of the other machines do: "
            + fix.format(name="encoding", default="utf-8")
        )
    errors = options.get("encoding_errors", "strict")
    if errors not in ("strict", "surrogateescape", "surrogatepass"):
        raise ConfigurationError(
            f"{where} has encoding_errors={shown_value(errors)}, which reads bytes that are no "
            "UTF-8 as other text, and writes a name other than the one given: the store reads "
            "them as written ('strict', 'surrogateescape' or 'surrogatepass'): "
            + fix.format(name="encoding_errors", default="strict")
        )


#: The longest connect or read timeout taken, in seconds: a day (as `DynamoDBStore`'s). One
#: longer (1e308) held a save on a stuck Redis, and its request, for ever in practice.
_MAX_TIMEOUT: Final = 86400


#: The highest database number Redis takes (``SELECT`` reads a C int; ``databases`` is one).
_MAX_DATABASE: Final = 2**31 - 1


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _check_database(options: Mapping[str, Any], where: str) -> None:
    """`ConfigurationError` for a database number no Redis has (negative, or past a C int):
    else each load and save failed, with Redis's "value is not an integer or out of range"."""
    database = options.get("db") or 0  # (redis-py selects none for a false one: database 0)
    if isinstance(database, str) and _is_number(database.strip()) and len(database) <= 640:
        database = int(database)
    if (
        isinstance(database, bool)
        or not isinstance(database, int)
        or not 0 <= database <= _MAX_DATABASE
    ):
        shown = shown_value(database)  # (cut; repr() of an int past 4,300 digits fails)
        raise ConfigurationError(
            f"{where}: the database must be a number from 0 to {_MAX_DATABASE:,}, below Redis's "
            f"'databases' setting (16 by default), not {shown}"
        )


def _check_timeouts(options: Mapping[str, Any], where: str) -> None:
    """`ConfigurationError` for a connect or read timeout that is not a number of seconds
    above 0, up to a day (None, no timeout, is taken: the store then waits
    `REDIS_CLIENT_OPTIONS`'), or a health check interval not from 0 to a day."""
    for name in ("socket_timeout", "socket_connect_timeout"):
        seconds = options.get(name)
        if seconds is None:
            continue
        # 0 or less times every command out; nan, inf (or 1e308) never give a stuck Redis up.
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not 0 < seconds <= _MAX_TIMEOUT
        ):
            raise ConfigurationError(
                f"{where}: {name} must be a number of seconds above 0 and at most "
                f"{_MAX_TIMEOUT:,} (a day), not {shown_value(seconds)}"
            )
    # 0 is none; below, a PING went before every command; past a float, each command failed.
    interval = options.get("health_check_interval", 0)
    if (
        isinstance(interval, bool)
        or not isinstance(interval, int | float)
        or not 0 <= interval <= _MAX_TIMEOUT
    ):
        shown = shown_value(interval)
        raise ConfigurationError(
            f"{where}: health_check_interval must be a number of seconds from 0 (no check) to "
            f"{_MAX_TIMEOUT:,} (a day), not {shown}"
        )


def _tls_hint(client: Any, text: str) -> str:
    """For a failure to connect (its words ``text``) through TLS, which a Redis speaking no TLS
    answers with silence (a timeout) or garbage: the question whether that is it."""
    from redis.asyncio.connection import SSLConnection

    kind = getattr(getattr(client, "connection_pool", None), "connection_class", None)
    if "connecting" in text and isinstance(kind, type) and issubclass(kind, SSLConnection):
        return "; or is this rediss:// to a Redis that speaks no TLS?"
    return ""
