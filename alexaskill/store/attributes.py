"""Persistent attributes: a per-user dict that outlives the session, and the stores behind it.

A handler asks for it by annotation, and the app loads it (one ``await store.load(key)``) only
for handlers that do::

    @skill.intent("CountIntent")
    def count(attributes: Attributes) -> Response:
        attributes["count"] = attributes.get("count", 0) + 1
        return speak(f"That's {attributes['count']}.")

After the handler returns normally, the changes are saved in one ``store.update`` call, and only
if there are any (a handler that raises saves nothing). Changes are found by comparing each
value's JSON with the JSON it was loaded as, so a list changed in place counts too.

`Attributes` are keyed by the Amazon account (``context.System.user.userId``); `PersonAttributes`
by the recognised speaker (``context.System.person.personId``) within it, falling back to the
account when Alexa recognises nobody; `DeviceAttributes` by the device
(``context.System.device.deviceId``). A handler may ask for any of them.

Concurrency: each save writes only the keys the handler changed or deleted, atomically. Two
requests for one user that change different keys both keep their changes; two that change the
same key leave the value of the one that saved last (last writer wins, per key). A
read-modify-write of one key can lose an update between two simultaneous requests; for
counters, `Attributes.increment` adds at save time, atomically, to what the store holds then.

Values round-trip through JSON: tuples come back as lists, and a value JSON cannot hold (a
datetime, a set, NaN) fails the save with a `ResponseError` naming the key.

Stores: `SQLiteStore` (the default: one file, several worker processes on one machine),
`RedisStore` (several machines; needs the ``redis`` package: ``alexaskill[redis]``),
`alexaskill.dynamodb.DynamoDBStore` (AWS Lambda; ``alexaskill[dynamodb]``) and `MemoryStore`
(tests). `open_store` makes one from a URL.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

from ..exceptions import ConfigurationError, ResponseError

if TYPE_CHECKING:
    import sqlite3

    from redis.asyncio import Redis
    from redis.commands.core import AsyncScript

    from ..dispatch import Call
    from ..models import Envelope

__all__ = [
    "DEFAULT_STORE",
    "REDIS_CLIENT_OPTIONS",
    "Attributes",
    "DeviceAttributes",
    "MemoryStore",
    "PersonAttributes",
    "RedisStore",
    "SQLiteStore",
    "Store",
    "attributes_service",
    "open_store",
]

#: The store when none is named: a SQLite file in the working directory.
DEFAULT_STORE: Final = "sqlite:///alexaskill.db"

T = TypeVar("T")
A = TypeVar("A", bound="_StoredAttributes")


class Store(Protocol):
    """Where attributes live: a dict of JSON values per key (a user, or a person)."""

    async def load(self, key: str) -> dict[str, Any]:
        """All the values stored under ``key`` (an empty dict for a key never written)."""
        ...

    async def update(self, key: str, changes: Mapping[str, Any], deleted: Iterable[str]) -> None:
        """Set ``changes`` and remove ``deleted`` under ``key``, atomically; other names stay.

        A store may also take ``increments``, a mapping of names to integers to add to their
        stored integers (absent: 0) in the same transaction, for `Attributes.increment`. The
        stores here all do; `ResponseError` if a stored value is not an integer.
        """
        ...

    async def aclose(self) -> None:
        """Release connections; the store is not used afterwards."""
        ...


def _incremented(name: str, stored: str | bytes | None, by: int) -> int:
    """The stored JSON integer (absent: 0) plus ``by``; `ResponseError` if it is no integer."""
    value = 0 if stored is None else json.loads(stored)
    if type(value) is not int:
        raise ResponseError(f"attribute {name!r} holds {type(value).__name__}: not incremented")
    return value + by


def _encode(name: str, value: Any) -> str:
    """``value`` as compact JSON; `ResponseError` naming ``name`` if JSON cannot hold it."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        if not text.isascii():
            text.encode()  # a lone surrogate would fail later, in the store, without the name
        if not name.isascii():
            name.encode()
    except (TypeError, ValueError, RecursionError) as exc:
        raise ResponseError(f"attribute {name!r} cannot be saved as JSON: {exc}") from exc
    return text


def _encode_changes(changes: Mapping[str, Any]) -> dict[str, str]:
    return {name: _encode(name, value) for name, value in changes.items()}


# --- stores ------------------------------------------------------------------------------------


class MemoryStore:
    """A store in a dict, for tests: values are kept as JSON, so they behave as in a real store."""

    def __init__(self) -> None:
        self._data: dict[str, dict[str, str]] = {}

    async def load(self, key: str) -> dict[str, Any]:
        """All the values stored under ``key``."""
        return {name: json.loads(text) for name, text in self._data.get(key, {}).items()}

    async def update(
        self,
        key: str,
        changes: Mapping[str, Any],
        deleted: Iterable[str],
        increments: Mapping[str, int] | None = None,
    ) -> None:
        """Set ``changes``, add ``increments`` and remove ``deleted`` under ``key``."""
        encoded = _encode_changes(changes)
        fields = self._data.get(key, {})
        for name, by in (increments or {}).items():
            encoded[name] = str(_incremented(name, fields.get(name), by))
        fields = self._data.setdefault(key, fields)
        fields.update(encoded)
        for name in deleted:
            fields.pop(name, None)
        if not fields:
            del self._data[key]

    async def aclose(self) -> None:
        """Nothing to release."""


_TABLE: Final = "alexaskill_attributes"
_SCHEMA: Final = (
    f"CREATE TABLE IF NOT EXISTS {_TABLE} ("
    "key TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (key, field)"
    ") WITHOUT ROWID"
)
_SELECT: Final = f"SELECT field, value FROM {_TABLE} WHERE key = ?"  # noqa: S608
_UPSERT: Final = f"INSERT OR REPLACE INTO {_TABLE} (key, field, value) VALUES (?, ?, ?)"  # noqa: S608
_DELETE: Final = f"DELETE FROM {_TABLE} WHERE key = ? AND field = ?"  # noqa: S608
_SELECT_ONE: Final = f"SELECT value FROM {_TABLE} WHERE key = ? AND field = ?"  # noqa: S608

#: Idle connections a `SQLiteStore` keeps open for reuse.
_MAX_IDLE: Final = 4


class SQLiteStore:
    """Attributes in one SQLite file: the default, safe for several worker processes on one machine.

    One row per (key, name), so an update touches only the names it changes, inside a
    ``BEGIN IMMEDIATE`` transaction (which takes the write lock up front: no deadlock between
    two writers upgrading read locks). The file is in WAL mode, so reads do not wait for writes;
    a writer waits up to ``timeout`` seconds for another to finish, then fails with
    `sqlite3.OperationalError` ("database is locked"). ``synchronous=NORMAL``: a commit survives
    a crash of the process, though not always a power cut.

    SQLite work runs in worker threads, never on the event loop, on a small pool of connections
    opened on first use. WAL needs shared memory between the processes: use a local disk, not
    a network file system, and one machine (use `RedisStore` for several).
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 5.0) -> None:
        path = os.fspath(path)
        if not path or path == ":memory:" or path.startswith("file:"):
            raise ConfigurationError(
                f"SQLiteStore needs a file path, not {path!r} (MemoryStore keeps data in memory)"
            )
        directory = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(directory):
            raise ConfigurationError(f"SQLiteStore: the directory {directory} does not exist")
        self.path = path
        self.timeout = timeout
        self._lock = threading.Lock()
        # Held by the one connection that sets the file up (WAL, the table) in this process.
        self._setup_lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._schema_ready = False
        self._closed = False
        self._pid = os.getpid()

    async def load(self, key: str) -> dict[str, Any]:
        """All the values stored under ``key``."""
        rows = await self._run(_select, key)
        return {name: json.loads(text) for name, text in rows}

    async def update(
        self,
        key: str,
        changes: Mapping[str, Any],
        deleted: Iterable[str],
        increments: Mapping[str, int] | None = None,
    ) -> None:
        """Set ``changes``, add ``increments`` and remove ``deleted`` under ``key``, in one
        transaction."""
        rows = [(key, name, text) for name, text in _encode_changes(changes).items()]
        gone = [(key, name) for name in deleted]
        added = dict(increments or {})
        if rows or gone or added:
            await self._run(_write, key, rows, gone, added)

    async def aclose(self) -> None:
        """Close the idle connections; connections in use close when their call ends."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    async def _run(self, func: Callable[..., T], *args: Any) -> T:
        # anyio (which Starlette brings) runs the thread under asyncio or trio alike. Imported
        # here, like sqlite3 in _connect, so that importing this module costs a skill nothing.
        import anyio.to_thread

        return await anyio.to_thread.run_sync(self._call, func, *args)

    def _call(self, func: Callable[..., T], *args: Any) -> T:
        connection = self._acquire()
        try:
            result = func(connection, *args)
        except BaseException:
            connection.close()  # its state is unknown: do not hand it to the next call
            raise
        self._release(connection)
        return result

    def _acquire(self) -> sqlite3.Connection:
        with self._lock:
            if self._closed:
                raise RuntimeError("SQLiteStore is closed")
            if self._pid != os.getpid():
                # A forked child must not touch its parent's connections, not even to close them,
                # nor wait for a lock that a thread of its parent held at the fork.
                self._idle = []
                self._setup_lock = threading.Lock()
                self._pid = os.getpid()
            if self._idle:
                return self._idle.pop()
        return self._connect()

    def _release(self, connection: sqlite3.Connection) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < _MAX_IDLE and self._pid == os.getpid():
                self._idle.append(connection)
                return
        connection.close()

    def _connect(self) -> sqlite3.Connection:
        import sqlite3

        # isolation_level=None: no implicit transactions; _write opens its own, explicitly.
        # check_same_thread=False: a pooled connection serves one thread at a time, any thread.
        connection = sqlite3.connect(
            self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        try:
            connection.execute("PRAGMA synchronous=NORMAL")
            if not self._schema_ready:
                with self._setup_lock:
                    if not self._schema_ready:
                        self._set_up(connection)
                        self._schema_ready = True
        except BaseException:
            connection.close()
            raise
        return connection

    def _set_up(self, connection: sqlite3.Connection) -> None:
        """WAL mode and the table, retried while another process is doing the same.

        Switching to WAL needs an exclusive lock, and SQLite answers "database is locked" at once,
        without the busy timeout, to a connection that would otherwise deadlock with another
        switching too: two processes opening a new file at the same moment. So wait and retry,
        within ``timeout``. (Connections of this process wait for this one on `_setup_lock`.)
        """
        import sqlite3

        deadline = time.monotonic() + self.timeout
        pause = 0.001
        while True:
            try:
                mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    connection.execute("PRAGMA journal_mode=WAL")
                connection.execute(_SCHEMA)
                return
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or time.monotonic() + pause > deadline:
                    raise
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
            time.sleep(pause)
            pause = min(pause * 2, 0.05)


def _busy(exc: sqlite3.Error) -> bool:
    """Whether a sqlite3 error is SQLITE_BUSY or SQLITE_LOCKED: another connection's lock."""
    import sqlite3

    return (exc.sqlite_errorcode & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _select(connection: sqlite3.Connection, key: str) -> list[tuple[str, str]]:
    return connection.execute(_SELECT, (key,)).fetchall()


def _write(
    connection: sqlite3.Connection,
    key: str,
    rows: list[tuple[str, str, str]],
    gone: list[tuple[str, str]],
    increments: dict[str, int],
) -> None:
    connection.execute("BEGIN IMMEDIATE")
    try:
        for name, by in increments.items():
            found = connection.execute(_SELECT_ONE, (key, name)).fetchone()
            rows.append((key, name, str(_incremented(name, found and found[0], by))))
        if rows:
            connection.executemany(_UPSERT, rows)
        if gone:
            connection.executemany(_DELETE, gone)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


#: What `RedisStore` asks of the client it makes; a ``?name=value`` in the URL overrides each.
#: Seconds: connecting, and waiting for an answer, take at most 2 (Alexa waits 8 for the reply);
#: a connection unused for 5 is checked with a PING before it carries a command.
REDIS_CLIENT_OPTIONS: Final[Mapping[str, Any]] = {
    "socket_connect_timeout": 2.0,
    "socket_timeout": 2.0,
    "health_check_interval": 5,
}


class RedisStore:
    """Attributes in Redis, for several machines: one hash per key, one JSON value per field.

    An update is one ``MULTI``/``EXEC`` of ``HSET`` and ``HDEL``. ``url`` is any URL the
    ``redis`` package takes (``redis://host:6379/0``, ``rediss://`` for TLS); keys are
    ``prefix`` + the user (or person) key. The client connects on first use, in the event loop
    that uses it, with `REDIS_CLIENT_OPTIONS`.

    After Redis restarts (or the network drops), every pooled connection is dead, and each would
    fail one request: so a load or an update that fails for the connection (``ConnectionError``,
    ``TimeoutError``) closes the idle pooled connections and is tried once more, on a fresh one.
    Both are safe to repeat: a read, and a transaction that sets and deletes given values.
    """

    def __init__(
        self, url: str, *, prefix: str = "alexaskill:attributes:", client: Redis | None = None
    ) -> None:
        try:
            import redis.asyncio
            from redis.exceptions import ConnectionError, TimeoutError
        except ImportError as exc:
            raise ConfigurationError(
                "RedisStore needs the redis package: pip install 'alexaskill[redis]'"
            ) from exc
        if client is None:
            client = redis.asyncio.Redis.from_url(url, **REDIS_CLIENT_OPTIONS)
        self.prefix = prefix
        self._client = client
        self._connection_errors = (ConnectionError, TimeoutError)
        self._script: AsyncScript | None = None

    async def load(self, key: str) -> dict[str, Any]:
        """All the values stored under ``key``."""
        name = self.prefix + key
        fields = await self._retrying(lambda: self._client.hgetall(name))
        return {_text(field): json.loads(value) for field, value in fields.items()}

    async def update(
        self,
        key: str,
        changes: Mapping[str, Any],
        deleted: Iterable[str],
        increments: Mapping[str, int] | None = None,
    ) -> None:
        """Set ``changes``, add ``increments`` and remove ``deleted`` under ``key``, in one
        transaction."""
        encoded = _encode_changes(changes)
        gone = list(deleted)
        name = self.prefix + key
        if increments:
            await self._update_script(name, encoded, gone, increments)
            return
        if not encoded and not gone:
            return

        async def write() -> None:
            async with self._client.pipeline(transaction=True) as pipe:
                if encoded:
                    pipe.hset(name, mapping=encoded)  # type: ignore[arg-type]
                if gone:
                    pipe.hdel(name, *gone)
                await pipe.execute()

        await self._retrying(write)

    async def aclose(self) -> None:
        """Close the client and its connection pool."""
        await self._client.aclose()

    async def _update_script(
        self, name: str, encoded: dict[str, str], gone: list[str], increments: Mapping[str, int]
    ) -> None:
        # MULTI/EXEC cannot check a stored value before writing, and adding is not safe to
        # repeat: one Lua script checks, then writes, once per token (so a retry after a lost
        # reply does not add twice).
        import uuid

        from redis.exceptions import ResponseError as RedisResponseError

        for field, by in increments.items():
            if not -_MAX_STEP <= by <= _MAX_STEP:
                raise ResponseError(f"attribute {field!r}: increment {by} is out of range")
        token = f"{self.prefix}saves:{uuid.uuid4().hex}"
        args: list[str | int] = [60, len(increments)]
        for field, by in increments.items():
            args += [field, by]
        args.append(len(encoded))
        for field, text in encoded.items():
            args += [field, text]
        args += gone
        script = self._script
        if script is None:
            script = self._script = self._client.register_script(_UPDATE_SCRIPT)
        try:
            await self._retrying(lambda: script(keys=[name, token], args=args))
        except RedisResponseError as exc:
            raise ResponseError(str(exc).removeprefix("ERR ").strip()) from exc

    async def _retrying(self, operation: Callable[[], Awaitable[T]]) -> T:
        try:
            return await operation()
        except self._connection_errors:
            # The other idle connections are most likely dead too (Redis restarted): close them,
            # so that the second try, and the requests after it, connect afresh.
            pool = getattr(self._client, "connection_pool", None)
            if pool is not None:
                await pool.disconnect(inuse_connections=False)
            return await operation()


# Increments within what HINCRBY adds without overflow, for any stored value of 18 digits or
# fewer (the script refuses longer ones).
_MAX_STEP: Final = 10**18
_UPDATE_SCRIPT: Final = """
local n = tonumber(ARGV[2])
for i = 0, n - 1 do
  local field = ARGV[3 + 2 * i]
  local value = redis.call('HGET', KEYS[1], field)
  if value and not (string.match(value, '^%-?%d+$') and #value <= 19) then
    return redis.error_reply('attribute ' .. field .. ' holds no integer: not incremented')
  end
end
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', tonumber(ARGV[1])) then
  return 0
end
for i = 0, n - 1 do
  redis.call('HINCRBY', KEYS[1], ARGV[3 + 2 * i], ARGV[4 + 2 * i])
end
local at = 3 + 2 * n
local m = tonumber(ARGV[at])
for i = 0, m - 1 do
  redis.call('HSET', KEYS[1], ARGV[at + 1 + 2 * i], ARGV[at + 2 + 2 * i])
end
for i = at + 1 + 2 * m, #ARGV do
  redis.call('HDEL', KEYS[1], ARGV[i])
end
return 1
"""


def _text(name: bytes | str) -> str:
    # Bytes from a client made by the store; str from one made with decode_responses=True.
    return name.decode() if isinstance(name, bytes) else name


def open_store(url: str) -> Store:
    """The store a URL names: ``sqlite:///relative.db``, ``sqlite:////abs/path.db``,
    ``redis://host:port/db`` (or ``rediss://``, ``unix://``), ``dynamodb://TABLE?region=…``
    (`alexaskill.dynamodb.DynamoDBStore`), or ``memory://``.

    Nothing is opened yet: connections are made on first use.
    """
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep:
        raise ConfigurationError(f"store URL {url!r} has no scheme: {_STORE_URLS}")
    if scheme == "sqlite":
        if not rest.startswith("/") or len(rest) < 2 or "?" in rest:
            raise ConfigurationError(
                f"SQLite store URL {url!r}: write sqlite:///relative.db or sqlite:////abs/path.db"
            )
        return SQLiteStore(rest[1:])
    if scheme in ("redis", "rediss", "unix"):
        return RedisStore(url)
    if scheme == "memory":
        if rest:
            raise ConfigurationError(f"memory store URL {url!r}: write memory://")
        return MemoryStore()
    if scheme == "dynamodb":
        from ..dynamodb import dynamodb_store_from_url

        return dynamodb_store_from_url(url)
    # Only the scheme goes into the message: the rest of a URL may hold a password.
    raise ConfigurationError(f"unknown store URL scheme {scheme!r}: {_STORE_URLS}")


_STORE_URLS: Final = (
    "use sqlite:///path.db, redis://host:port/db, dynamodb://TABLE?region=REGION or memory://"
)


# --- attributes --------------------------------------------------------------------------------


def _user_id(envelope: Envelope) -> str | None:
    context = envelope.context
    system = None if context is None else context.system
    if system is not None and system.user is not None and system.user.user_id:
        return system.user.user_id
    session = envelope.session
    if session is not None and session.user is not None and session.user.user_id:
        return session.user.user_id
    return None


class _StoredAttributes(MutableMapping[str, Any]):
    """The behaviour `Attributes` and `PersonAttributes` share (they differ only in their key).

    They are siblings rather than parent and child so that a handler parameter annotated
    with one is never taken for the other when the app matches service types by subclass.
    """

    __slots__ = ("_data", "_increments", "_saved", "_store", "key")

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        key: str | None = None,
        store: Store | None = None,
    ) -> None:
        #: The store key (user id, or user and person ids), or None when the request names no user.
        self.key = key
        self._store = store
        self._data: dict[str, Any] = dict(data) if data else {}
        self._saved = {name: _encode(name, value) for name, value in self._data.items()}
        self._increments: dict[str, int] = {}

    @classmethod
    def key_for(cls, envelope: Envelope) -> str | None:
        """The store key for a request: its user id (None when it names no user)."""
        return _user_id(envelope)

    @classmethod
    async def load(cls: type[A], store: Store, envelope: Envelope) -> A:
        """The attributes of the user ``envelope`` comes from, read from ``store``."""
        key = cls.key_for(envelope)
        data = await store.load(key) if key is not None else None
        return cls(data, key=key, store=store)

    def __getitem__(self, name: str) -> Any:
        return self._data[name]

    def __setitem__(self, name: str, value: Any) -> None:
        if not isinstance(name, str):
            raise TypeError(f"attribute names are strings, not {type(name).__name__}")
        self._data[name] = value

    def __delitem__(self, name: str) -> None:
        del self._data[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"

    def increment(self, name: str, by: int = 1) -> int:
        """Add ``by`` to the integer ``name`` (absent: 0) and return the sum, here and, atomically,
        in the store when the attributes are saved.

        Unlike ``attributes[name] += 1``, two requests for one user that increment at once both
        count: the save adds ``by`` to what the store holds then, not to what was loaded. The
        value returned (and kept here) is the loaded one plus this request's increments. Setting
        or deleting ``name`` afterwards, in the same request, replaces the increment.
        """
        if type(by) is not int:
            raise TypeError(f"increment {name!r} by an int, not {type(by).__name__}")
        current = self._data.get(name, 0)
        if type(current) is not int:
            raise ResponseError(
                f"attribute {name!r} holds {type(current).__name__}: not incremented"
            )
        self[name] = current + by
        self._increments[name] = self._increments.get(name, 0) + by
        return current + by

    def pending(self) -> tuple[dict[str, Any], list[str]]:
        """What a save would write: (changed or new names with their values, deleted names),
        leaving out the names it adds to (`pending_increments`)."""
        saved = self._saved
        increments = self.pending_increments()
        changes = {
            name: value
            for name, value in self._data.items()
            if name not in increments and saved.get(name) != _encode(name, value)
        }
        deleted = [name for name in saved if name not in self._data]
        return changes, deleted

    def pending_increments(self) -> dict[str, int]:
        """What a save would add: the names `increment` changed (and nothing else changed since),
        with the amounts."""
        found = {}
        for name, by in self._increments.items():
            value = self._data.get(name)
            saved = self._saved.get(name)
            base = 0 if saved is None else json.loads(saved)
            if type(value) is int and type(base) is int and value == base + by:
                found[name] = by
        return found

    @property
    def changed(self) -> bool:
        """Whether anything differs from what was loaded (or last saved)."""
        changes, deleted = self.pending()
        return bool(changes or deleted or self.pending_increments())

    async def save(self) -> bool:
        """Write the changes, if any, in one store update; return whether there were any.

        Attributes made without a store (in a unit test, say) save nothing. `ResponseError` if a
        value is not JSON, or if there are changes but the request named no user to keep them for.
        """
        changes, deleted = self.pending()
        increments = self.pending_increments()
        if not changes and not deleted and not increments:
            return False
        if self._store is None:
            return False
        if self.key is None:
            raise ResponseError(
                f"{type(self).__name__} changed, but the request names no user to save them for"
            )
        if increments:
            if not _takes_increments(self._store):
                raise ConfigurationError(
                    f"{type(self._store).__name__}.update takes no increments: "
                    "Attributes.increment needs a store that adds atomically"
                )
            await self._store.update(self.key, changes, deleted, increments=increments)  # type: ignore[call-arg]
        else:
            await self._store.update(self.key, changes, deleted)
        self._saved = {name: _encode(name, value) for name, value in self._data.items()}
        self._increments.clear()
        return True


def _takes_increments(store: Store) -> bool:
    import inspect

    try:
        parameters = inspect.signature(store.update).parameters
    except (TypeError, ValueError):
        return False
    return "increments" in parameters or any(
        parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters.values()
    )


class Attributes(_StoredAttributes):
    """A dict kept per Amazon account across sessions; a handler asks for it by annotation.

    Keyed by ``context.System.user.userId`` (or ``session.user.userId``). Amazon gives a user a
    new id when they disable and re-enable the skill: the attributes start empty again.
    ``Attributes({"count": 1})`` makes a detached one, for calling a handler in a unit test.
    """

    __slots__ = ()


class PersonAttributes(_StoredAttributes):
    """A dict kept per recognised speaker (voice profile) across sessions.

    Keyed by ``userId/personId`` when Alexa recognises the speaker, else by the account's user id,
    so without voice profiles it holds the same values as `Attributes`.
    """

    __slots__ = ()

    @classmethod
    def key_for(cls, envelope: Envelope) -> str | None:
        """``userId/personId`` for a recognised speaker, else the user id."""
        user_id = _user_id(envelope)
        context = envelope.context
        system = None if context is None else context.system
        person = None if system is None else system.person
        if user_id is None or person is None or not person.person_id:
            return user_id
        return f"{user_id}/{person.person_id}"


class DeviceAttributes(_StoredAttributes):
    """A dict kept per Echo device (``context.System.device.deviceId``) across sessions.

    For what belongs to a device rather than to whoever speaks to it (the room it stands in,
    say), and the key the ASK SDK's device-id partition key scheme uses, so a skill that kept its
    persistent attributes per device reads them here. Requests without a device id (skill events)
    have none to save.
    """

    __slots__ = ()

    @classmethod
    def key_for(cls, envelope: Envelope) -> str | None:
        """The device id, or None when the request names no device."""
        context = envelope.context
        system = None if context is None else context.system
        device = None if system is None else system.device
        return device.device_id if device is not None and device.device_id else None


def attributes_service(
    store: Store | str | Callable[[], Store],
    *,
    per_person: bool = False,
    per_device: bool = False,
) -> tuple[
    Callable[[Call], Awaitable[_StoredAttributes]], Callable[[_StoredAttributes], Awaitable[None]]
]:
    """``(create, finish)`` for ``skill.add_service(Attributes, *attributes_service(store))``.

    ``store`` is a `Store`, a store URL for `open_store`, or a function returning a store, called
    on the first request that needs it. ``per_person=True`` makes `PersonAttributes` instead
    (register them with ``skill.add_service(PersonAttributes, …)``), ``per_device=True``
    `DeviceAttributes`.
    """
    if per_person and per_device:
        raise ConfigurationError("attributes_service: per_person or per_device, not both")
    cls: type[_StoredAttributes] = (
        PersonAttributes if per_person else DeviceAttributes if per_device else Attributes
    )
    get_store = _store_getter(store)

    async def create(call: Call) -> _StoredAttributes:
        return await cls.load(get_store(), call.envelope)

    async def finish(attributes: _StoredAttributes) -> None:
        await attributes.save()

    return create, finish


def _store_getter(store: Store | str | Callable[[], Store]) -> Callable[[], Store]:
    if isinstance(store, str):
        opened = open_store(store)
        return lambda: opened
    if all(hasattr(store, name) for name in ("load", "update", "aclose")):
        ready: Store = store  # type: ignore[assignment]
        return lambda: ready
    if not callable(store):
        raise ConfigurationError(f"not a store, store URL or store factory: {store!r}")
    factory: Callable[[], Store] = store
    made: list[Store] = []

    def get() -> Store:
        if not made:
            made.append(factory())
        return made[0]

    return get
