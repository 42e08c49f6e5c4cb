"""What a redis-py error of a `RedisStore`'s stands for, said as what to do about it; why its
update script added nothing.

Every failure of Redis's (unreachable, no answer in time, a refused password, a read-only
replica, out of memory, a database it has not) becomes a `StoreError` naming Redis by its
address, never the password.
"""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING

from ..exceptions import ResponseError, StoreError
from ..shown_names import shown_value
from .base import _excerpt, _incremented
from .data_faults import _refused
from .redis_client import _tls_hint, _try_limit

if TYPE_CHECKING:
    from .redis import RedisStore


def _not_added(name: bytes | str, stored: bytes | str, where: str) -> ResponseError | StoreError:
    """Why the update script added nothing to the attribute ``name`` (it returns the name and
    the ``stored`` value; nothing written): in the words of the other stores' increment
    (`base._incremented`), the value not JSON a `StoreError` as its load says, else a data fault
    naming its type. The name is quoted as `repr` quotes (a ``'`` or a line break in it)."""
    text = name.decode() if isinstance(name, bytes) else name
    try:
        _incremented(text, stored, 0, where)
    except (ResponseError, StoreError) as exc:
        return exc
    # Bytes after a UTF-8 BOM: JSON's integer to Python, none to HINCRBY.
    return _refused(
        f"attribute {shown_value(text)} holds an integer Redis cannot add to as written "
        f"({_excerpt(stored)}): not incremented; set it instead"
    )


def _not_utf8(where: str, exc: UnicodeDecodeError) -> StoreError:
    """The `StoreError` for a name or value not UTF-8 that redis-py failed to decode, in a
    client given with decode_responses=True (a store's own client reads bytes)."""
    return StoreError(
        f"{where}: a stored attribute name or value is not UTF-8 ({exc}): delete it (a client "
        "given with decode_responses=True reads no value that is not)"
    )


def _failure(store: RedisStore, doing: str, exc: Exception) -> StoreError:
    """What a redis-py error of ``store``'s stands for: a `StoreError` that says what to do."""
    from redis import exceptions

    text = str(exc).removeprefix("ERR ").strip()
    # A pipeline's error repeats the command, values and all: keep only Redis's answer.
    text = text.partition(" of pipeline caused error: ")[2].strip("(),'\"") or text
    text = store._scrubbed(text)
    where = store._where()
    if isinstance(exc, exceptions.AuthenticationError):
        return StoreError(
            f"{where} refused the credentials for the {doing} ({text}): put the right "
            "password in the store URL (redis://:PASSWORD@host:6379/0, or USER:PASSWORD@)"
        )
    if isinstance(exc, exceptions.BusyLoadingError):
        return StoreError(f"{where} is still loading its data (after a restart): try later")
    if isinstance(exc, exceptions.TimeoutError):
        return StoreError(
            f"{where} did not answer the {doing} in time, tried twice ({text}): is it "
            f"overloaded or stuck? ({_timeouts(store)}){_tls_hint(store._client, text)}"
        )
    if isinstance(exc, exceptions.ConnectionError) and _pool_full(exc):
        pool = getattr(store._client, "connection_pool", None)
        limit = getattr(pool, "max_connections", "?")
        if store._url is None:  # the pool of a client given
            why = "(the client given: raise its pool's max_connections)"
        elif "No connection available" in str(exc):  # a URL's limit: waited for one
            why = (
                "past the wait for one (the URL's socket_connect_timeout); raise "
                "max_connections in the store URL"
            )
        else:  # a plain pool: redis-py's own limit (100 in redis-py 8)
            why = (
                "(redis-py's default, the URL naming none); name a max_connections in the "
                "store URL: past it a load or save waits for a connection"
            )
        return StoreError(
            f"{where}: no connection free for the {doing}, nothing sent: the store's "
            f"connection pool is at its max_connections ({limit}), each in use by another "
            f"request {why}"
        )
    if _no_database(exc):  # a ResponseError, or (redis-py's own words) a ConnectionError
        database = store._options().get("db", 0)
        url = "the store URL's database (redis://host:6379/N)"
        whose = url if store._url else "the database of the client given (its db=)"
        return StoreError(
            f"{where} has no database {database} for the {doing} ({text}): {whose} must "
            "be below Redis's 'databases' setting (16 by default)"
        )
    if isinstance(exc, exceptions.ConnectionError):
        return StoreError(
            f"cannot reach {where} for the {doing} ({text}): is it running, and can this "
            f"machine reach it?{_tls_hint(store._client, text)}"
        )
    if isinstance(exc, exceptions.ReadOnlyError):
        return StoreError(
            f"{where} is a read-only replica and refused the {doing} (after a failover?): "
            "the store URL must lead to the primary"
        )
    if isinstance(exc, exceptions.OutOfMemoryError):
        return StoreError(
            f"{where} is out of memory (maxmemory) and refused the {doing}: raise "
            "maxmemory, or free memory"
        )
    if type(exc) is exceptions.ResponseError and "WRONGTYPE" in text:  # (Redis 6: wrapped)
        return StoreError(
            f"{where}: the {doing} found the user's key is not a hash (WRONGTYPE): another "
            f"program's value under the store's prefix {store.prefix!r}? give the store a "
            "prefix of its own (RedisStore(url, prefix=…)), or move that program's keys"
        )
    if isinstance(exc, exceptions.NoPermissionError):
        whose = "the URL's user" if store._url else "the user of the client given"
        return StoreError(
            f"{where}: {whose} may not run the {doing}'s commands ({text}): it needs "
            "HGETALL, EVALSHA, EVAL, and in the scripts EXISTS, EXPIRE, GET, HGET, HSET, "
            f"HDEL, HINCRBY and SET, on the keys {store.prefix}*"
        )
    return StoreError(f"{where}: the {doing} failed ({type(exc).__name__}: {text})")


def _timeouts(store: RedisStore) -> str:
    """The connect and read timeouts ``store``'s commands took, for a timeout's message:
    the URL's (``default 2 s`` for one it does not name), or the client given's, with the
    store's bound for a read one it has not (`_try_limit`), or, for a connect one it has not,
    the read one that redis-py connects within instead."""
    options = store._options()
    named = urllib.parse.parse_qs(urllib.parse.urlsplit(store._url or "").query)  # as redis-py
    said = []
    for name in ("socket_timeout", "socket_connect_timeout"):
        seconds = options.get(name)
        if seconds is None:  # a client given's (a read for ever but for the store's bound)
            said.append("none")
        elif store._url is not None and name not in named:  # the store's (REDIS_CLIENT_OPTIONS)
            said.append(f"default {seconds:g} s")
        else:
            said.append(f"{seconds:g} s")
    read, connect = said
    whose = "the URL's" if store._url is not None else "the client given's"
    if read == connect:
        words = f"{whose} socket_timeout and socket_connect_timeout, {read}"
    else:
        words = f"{whose} socket_timeout, {read}, and socket_connect_timeout, {connect}"
    if read != "none" and connect == "none":  # redis-py's connection takes the read one
        words += " (redis-py then connects within the socket_timeout)"
    elif "none" in said:
        words += f": the store gave each try up after {_try_limit(options):g} s"
    return words


def _pool_full(exc: BaseException) -> bool:
    """Whether redis-py gave no connection, its pool at ``max_connections`` (its words, as its
    ``MaxConnectionsError`` is recent; a `BlockingConnectionPool`'s after its wait): nothing
    was sent, and Redis is not to blame."""
    return any(words in str(exc) for words in ("Too many connections", "No connection available"))


def _no_database(exc: BaseException) -> bool:
    """Whether a new connection's ``SELECT`` was refused: Redis has no such database."""
    return any(words in str(exc) for words in ("DB index is out of range", "Invalid Database"))
