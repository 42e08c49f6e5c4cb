"""What a redis-py error of a `RedisStore`'s stands for, said as what to do about it.

Every failure of Redis's (unreachable, no answer in time, a refused password, a read-only
replica, out of memory, a database it has not) becomes a `StoreError` naming Redis by its
address, never the password; the update script's refusal of a value, a `ResponseError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..exceptions import ResponseError, StoreError
from .base import _decode
from .data_faults import _refused
from .redis_client import _tls_hint

if TYPE_CHECKING:
    from .redis import RedisStore


#: How the update script (`redis_script._UPDATE_SCRIPT`) refuses to add to a value that is empty or
#: only whitespace, then the whitespace (a letter each) and the attribute: ``<spaces>:<name>``.
_NOT_JSON = "alexaskill-not-json "
_SPACES = str.maketrans({"s": " ", "t": "\t", "n": "\n", "r": "\r"})


def _not_json(reply: str, where: str) -> StoreError | None:
    """The `StoreError` a load raises for the value the script found no JSON (its ``reply``,
    after `_NOT_JSON`): the same words as the other stores' increment of it. None if the reply
    is not the script's."""
    spaces, colon, name = reply.partition(":")
    if not colon or spaces.strip("stnr"):
        return None
    try:
        _decode(name, spaces.translate(_SPACES), where)
    except StoreError as exc:
        return exc
    return None


def _failure(store: RedisStore, doing: str, exc: Exception) -> ResponseError | StoreError:
    """What a redis-py error of ``store``'s stands for: the update script's refusal of a value
    (its own replies begin ``attribute``), else a `StoreError` that says what to do."""
    from redis import exceptions

    text = str(exc).removeprefix("ERR ").strip()
    if type(exc) is exceptions.ResponseError and text.startswith("attribute "):
        return _refused(text)  # (a data fault: said in one line, `data_faults._refused`)
    if type(exc) is exceptions.ResponseError and text.startswith(_NOT_JSON):
        # (Unstripped: an attribute's name may end in a space.)
        reply = str(exc).removeprefix("ERR ").removeprefix(_NOT_JSON)
        not_json = _not_json(reply, store._where())
        if not_json is not None:
            return not_json
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
        whose = "the URL's" if store._url is not None else "the client given's"
        return StoreError(
            f"{where} did not answer the {doing} in time, tried twice ({text}): is it "
            f"overloaded or stuck? ({whose} socket_timeout and socket_connect_timeout, "
            f"default 2 s){_tls_hint(store._client, text)}"
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


def _pool_full(exc: BaseException) -> bool:
    """Whether redis-py gave no connection, its pool at ``max_connections`` (its words, as its
    ``MaxConnectionsError`` is recent; a `BlockingConnectionPool`'s after its wait): nothing
    was sent, and Redis is not to blame."""
    return any(words in str(exc) for words in ("Too many connections", "No connection available"))


def _no_database(exc: BaseException) -> bool:
    """Whether a new connection's ``SELECT`` was refused: Redis has no such database."""
    return any(words in str(exc) for words in ("DB index is out of range", "Invalid Database"))
