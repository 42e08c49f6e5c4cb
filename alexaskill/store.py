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
account when Alexa recognises nobody. A handler may ask for either or both.

Concurrency: each save writes only the keys the handler changed or deleted, atomically. Two
requests for one user that change different keys both keep their changes; two that change the
same key leave the value of the one that saved last (last writer wins, per key). A
read-modify-write of one key (a counter) can still lose an update between two simultaneous
requests: Alexa users rarely speak to two devices at once, but keep what must never be lost
under keys that only one kind of request writes.

Values round-trip through JSON: tuples come back as lists, and a value JSON cannot hold (a
datetime, a set, NaN) fails the save with a `ResponseError` naming the key.

Stores: `SQLiteStore` (the default: one file, several worker processes on one machine),
`RedisStore` (several machines; needs the ``redis`` package: ``alexaskill[redis]``) and
`MemoryStore` (tests). `open_store` makes one from a URL.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

from .exceptions import ConfigurationError, ResponseError

if TYPE_CHECKING:
    import sqlite3

    from redis.asyncio import Redis

    from .dispatch import Call
    from .models import Envelope

__all__ = [
    "DEFAULT_STORE",
    "Attributes",
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
        """Set ``changes`` and remove ``deleted`` under ``key``, atomically; other names stay."""
        ...

    async def aclose(self) -> None:
        """Release connections; the store is not used afterwards."""
        ...


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

    async def update(self, key: str, changes: Mapping[str, Any], deleted: Iterable[str]) -> None:
        """Set ``changes`` and remove ``deleted`` under ``key``."""
        encoded = _encode_changes(changes)
        fields = self._data.setdefault(key, {})
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
        self._idle: list[sqlite3.Connection] = []
        self._schema_ready = False
        self._closed = False
        self._pid = os.getpid()

    async def load(self, key: str) -> dict[str, Any]:
        """All the values stored under ``key``."""
        rows = await self._run(_select, key)
        return {name: json.loads(text) for name, text in rows}

    async def update(self, key: str, changes: Mapping[str, Any], deleted: Iterable[str]) -> None:
        """Set ``changes`` and remove ``deleted`` under ``key``, in one transaction."""
        rows = [(key, name, text) for name, text in _encode_changes(changes).items()]
        gone = [(key, name) for name in deleted]
        if rows or gone:
            await self._run(_write, rows, gone)

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
                # A forked child must not touch its parent's connections, not even to close them.
                self._idle = []
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
                mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    connection.execute("PRAGMA journal_mode=WAL")
                connection.execute(_SCHEMA)
                self._schema_ready = True
        except BaseException:
            connection.close()
            raise
        return connection


def _select(connection: sqlite3.Connection, key: str) -> list[tuple[str, str]]:
    return connection.execute(_SELECT, (key,)).fetchall()


def _write(
    connection: sqlite3.Connection, rows: list[tuple[str, str, str]], gone: list[tuple[str, str]]
) -> None:
    connection.execute("BEGIN IMMEDIATE")
    try:
        if rows:
            connection.executemany(_UPSERT, rows)
        if gone:
            connection.executemany(_DELETE, gone)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


class RedisStore:
    """Attributes in Redis, for several machines: one hash per key, one JSON value per field.

    An update is one ``MULTI``/``EXEC`` of ``HSET`` and ``HDEL``. ``url`` is any URL the
    ``redis`` package takes (``redis://host:6379/0``, ``rediss://`` for TLS); keys are
    ``prefix`` + the user (or person) key. The client connects on first use, in the event loop
    that uses it.
    """

    def __init__(
        self, url: str, *, prefix: str = "alexaskill:attributes:", client: Redis | None = None
    ) -> None:
        if client is None:
            try:
                import redis.asyncio
            except ImportError as exc:
                raise ConfigurationError(
                    "RedisStore needs the redis package: pip install 'alexaskill[redis]'"
                ) from exc
            client = redis.asyncio.Redis.from_url(url)
        self.prefix = prefix
        self._client = client

    async def load(self, key: str) -> dict[str, Any]:
        """All the values stored under ``key``."""
        fields = await self._client.hgetall(self.prefix + key)
        return {_text(name): json.loads(value) for name, value in fields.items()}

    async def update(self, key: str, changes: Mapping[str, Any], deleted: Iterable[str]) -> None:
        """Set ``changes`` and remove ``deleted`` under ``key``, in one transaction."""
        encoded = _encode_changes(changes)
        gone = list(deleted)
        if not encoded and not gone:
            return
        name = self.prefix + key
        async with self._client.pipeline(transaction=True) as pipe:
            if encoded:
                pipe.hset(name, mapping=encoded)  # type: ignore[arg-type]
            if gone:
                pipe.hdel(name, *gone)
            await pipe.execute()

    async def aclose(self) -> None:
        """Close the client and its connection pool."""
        await self._client.aclose()


def _text(name: bytes | str) -> str:
    # Bytes from a client made by the store; str from one made with decode_responses=True.
    return name.decode() if isinstance(name, bytes) else name


def open_store(url: str) -> Store:
    """The store a URL names: ``sqlite:///relative.db``, ``sqlite:////abs/path.db``,
    ``redis://host:port/db`` (or ``rediss://``, ``unix://``), or ``memory://``.

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
    # Only the scheme goes into the message: the rest of a URL may hold a password.
    raise ConfigurationError(f"unknown store URL scheme {scheme!r}: {_STORE_URLS}")


_STORE_URLS: Final = "use sqlite:///path.db, redis://host:port/db or memory://"


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

    __slots__ = ("_data", "_saved", "_store", "key")

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

    def pending(self) -> tuple[dict[str, Any], list[str]]:
        """What a save would write: (changed or new names with their values, deleted names)."""
        saved = self._saved
        changes = {
            name: value
            for name, value in self._data.items()
            if saved.get(name) != _encode(name, value)
        }
        deleted = [name for name in saved if name not in self._data]
        return changes, deleted

    @property
    def changed(self) -> bool:
        """Whether anything differs from what was loaded (or last saved)."""
        changes, deleted = self.pending()
        return bool(changes or deleted)

    async def save(self) -> bool:
        """Write the changes, if any, in one store update; return whether there were any.

        Attributes made without a store (in a unit test, say) save nothing. `ResponseError` if a
        value is not JSON, or if there are changes but the request named no user to keep them for.
        """
        changes, deleted = self.pending()
        if not changes and not deleted:
            return False
        if self._store is None:
            return False
        if self.key is None:
            raise ResponseError(
                f"{type(self).__name__} changed, but the request names no user to save them for"
            )
        await self._store.update(self.key, changes, deleted)
        self._saved = {name: _encode(name, value) for name, value in self._data.items()}
        return True


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


def attributes_service(
    store: Store | str | Callable[[], Store], *, per_person: bool = False
) -> tuple[
    Callable[[Call], Awaitable[_StoredAttributes]], Callable[[_StoredAttributes], Awaitable[None]]
]:
    """``(create, finish)`` for ``skill.add_service(Attributes, *attributes_service(store))``.

    ``store`` is a `Store`, a store URL for `open_store`, or a function returning a store, called
    on the first request that needs it. ``per_person=True`` makes `PersonAttributes` instead
    (register them with ``skill.add_service(PersonAttributes, …)``).
    """
    cls: type[_StoredAttributes] = PersonAttributes if per_person else Attributes
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
