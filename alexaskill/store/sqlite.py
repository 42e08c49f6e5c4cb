"""`SQLiteStore`: attributes in one SQLite file, the default store."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, TypeVar

from ..articles import type_with_article
from ..exceptions import ConfigurationError, StoreError
from ..shown_names import shown, shown_value
from .base import _decode, _decoding, _incremented
from .checked_changes import _encode_written
from .data_faults import _key_checked, _names_checked
from .sqlite_backup import _backup
from .sqlite_file import (
    _RESTORE,
    _busy,
    _check_is_sqlite,
    _check_name_length,
    _chmod_made,
    _explain,
    _identity,
    _make_private,
    _writable,
)
from .sqlite_fork import _INHERITED, _LOCKED, _register
from .sqlite_rows import _TABLE, _connection_class, _mark, _select, _select_one, _text_name

if TYPE_CHECKING:
    import sqlite3

__all__ = ["SQLiteStore"]

T = TypeVar("T")

logger = logging.getLogger("alexaskill")

_SCHEMA: Final = (
    f"CREATE TABLE IF NOT EXISTS {_TABLE} ("
    "key TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (key, field)"
    ") WITHOUT ROWID"
)
_UPSERT: Final = (
    f"INSERT OR REPLACE INTO {_TABLE} (key, field, value)"  # noqa: S608
    " VALUES (?, ?, ?)"
)
_DELETE: Final = f"DELETE FROM {_TABLE} WHERE key = ? AND field = ?"  # noqa: S608
#: The longest wait SQLite takes, in seconds: its milliseconds are a C int.
_MAX_TIMEOUT: Final = 2**31 // 1000 - 1

#: Idle connections a `SQLiteStore` keeps open for reuse.
_MAX_IDLE: Final = 4


#: anyio's ``to_thread`` (its ``run_sync``: the worker thread, under asyncio or trio alike) and
#: `sqlite3`, imported at the first call of a store (`SQLiteStore._run`), not with this
#: module nor when a store is made: every ``Skill()`` makes one (the default store), and a cold
#: start on AWS Lambda that never loads attributes would pay anyio's import (3 to 12 ms). Nor
#: does the store's first call import it on the event loop's thread while requests wait: a
#: served skill's app, built at its start (its lifespan; without one, its first request, which
#: imports Starlette then), imports Starlette's routing, which imports it (both checked by
#: tests/test_store_sqlite_serving.py). The modules are kept, not their names: read at each
#: call, as a ``run_sync`` set there later (a test's) is.
_threads: tuple[ModuleType, ModuleType] | None = None


class SQLiteStore:
    """Attributes in one SQLite file: the default, safe for several worker processes on one machine.

    One row per (key, name), so an update touches only the names it changes, inside a
    ``BEGIN IMMEDIATE`` transaction (which takes the write lock up front: no deadlock between
    two writers upgrading read locks). The file is in WAL mode, so reads do not wait for writes;
    a writer waits up to ``timeout`` seconds for another to finish, then fails with a
    `StoreError` ("database is locked"), as every failure of SQLite's does, its message saying
    what to do. ``synchronous=NORMAL``: a commit survives a crash of the process, though not
    always a power cut. A file the store makes is its user's alone (mode 0600, as SQLite then
    makes its ``-wal`` and ``-shm``), from the moment it exists; through a symlink to no file,
    the file is made where it points. A file already there, or a symlink points to, keeps its mode.
    One this process may not write is read as it is (left in its journal mode), and a save says
    whether the file or its directory is read-only (a file in WAL mode needs the directory).

    SQLite work runs in worker threads, never on the event loop, on a small pool of connections
    opened on first use. WAL needs shared memory between the processes: use a local disk, not
    a network file system, and one machine (use `RedisStore` for several). A file at ``path``
    that is no SQLite database (its first bytes) is a `ConfigurationError` when the store is
    made; one damaged later fails the call that finds it, a `StoreError`.

    A store made before the process forks (gunicorn ``--preload``, multiprocessing) works in
    the children: the idle connections are closed just before ``os.fork()``, so none crosses
    it (SQLite forbids using one across a fork), and a child starts with fresh locks.

    A file deleted or replaced while the store has it open (moved away, restored from a
    backup) is found when a call takes a connection: the pooled connections, which still write
    to the old file where nobody reads it, are closed, a warning is logged, and the call opens
    the file now at the path (a new, empty one if none is there), through the ``-wal`` the old
    file left beside it if there is one: SQLite reads it as the new file's, its pages over the
    new file's (a backup moved there reads, in part or whole, as the file it replaced). A
    backup copied over the file in place (``cp``, the same inode) is not seen, by the store nor
    by SQLite, and the pages in the ``-wal`` are read over the copy's. So restore through
    SQLite (``sqlite3 FILE '.restore BACKUP'``, or `sqlite3.Connection.backup`), which is safe
    while serving, or with the skill stopped and the ``-wal`` and ``-shm`` files removed.
    """

    _common_limits = True  # (`base._common_limits`)

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 5.0) -> None:
        path = os.fspath(path) if isinstance(path, str | os.PathLike) else path
        if not isinstance(path, str):
            raise ConfigurationError(
                f"SQLiteStore: the path is a str or a pathlib.Path, not {type_with_article(path)}"
            )
        if not path or path == ":memory:" or path.startswith("file:"):
            raise ConfigurationError(
                f"SQLiteStore needs a file path, not {shown_value(path)} (MemoryStore keeps data "
                "in memory)"
            )
        if "\x00" in path:  # taken by os.path, refused by each connection (ValueError)
            raise ConfigurationError(
                f"SQLiteStore: the path {shown_value(path)} holds a NUL character"
            )
        if os.path.isdir(path):
            raise ConfigurationError(
                f"SQLiteStore: {shown(path)} is a directory; name a file in it"
            )
        # Resolved now, once: each connection, opened when the pool needs one, would resolve a
        # relative path against the working directory of its moment.
        given, path = path, os.path.abspath(path)
        directory = os.path.dirname(path)
        if not os.path.isdir(directory):
            said = "is a file, not a directory" if os.path.exists(directory) else "does not exist"
            if given.startswith("~"):  # a shell's, not Python's nor SQLite's
                said += f" ({given} is relative: ~ is not expanded)"
            raise ConfigurationError(f"SQLiteStore: the directory {directory} {said}")
        _check_name_length(path)
        _check_is_sqlite(path)
        #: The file's absolute path (a relative one is resolved when the store is made).
        self.path = path
        self.timeout = _checked_timeout(timeout)
        self._lock = threading.Lock()
        # Held by the one connection that sets the file up (WAL, the table) in this process.
        self._setup_lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        # True: set up; False: left in its journal mode, this process not allowed to write it
        # (set up again once it is, `_needs_set_up`); None: not yet.
        self._schema_ready: bool | None = None
        # (st_dev, st_ino) of the file the pooled connections have open; None: none yet.
        self._file: tuple[int, int] | None = None
        # Bumped by aclose: a connection of an earlier generation is closed, not kept, when its
        # call ends (it was in use while the app shut down).
        self._generation = 0
        _register(self)

    @_decoding
    async def load(self, key: str) -> dict[str, Any]:
        """All the values stored under ``key``."""
        _key_checked(key)
        where = f"SQLite file {self.path}"
        try:
            rows = await self._run("load", _select, key)
        except UnicodeDecodeError as exc:  # a name stored as text it cannot read (`_select`)
            raise StoreError(  # (UTF-8, or UTF-16 in a database made so: the codec named)
                f"{where}: a stored attribute name is not {exc.encoding.upper()} "
                f"({shown_value(exc.object)}): written by another program? delete its row"
            ) from exc
        return {
            (named := _text_name(name, where)): _decode(named, text, where) for name, text in rows
        }

    async def update(
        self,
        key: str,
        changes: Mapping[str, Any],
        deleted: Iterable[str],
        increments: Mapping[str, int] | None = None,
    ) -> None:
        """Set ``changes``, add ``increments`` and remove ``deleted`` under ``key``, in one
        transaction."""
        deleted = _names_checked(key, changes, deleted, increments)
        encoded = _encode_written(changes, deleted, increments)
        rows = [(key, name, text) for name, text in encoded.items()]
        gone = [(key, name) for name in deleted]
        added = dict(increments or {})
        if rows or gone or added:
            where = f"SQLite file {self.path}"
            await self._run("save", _write, key, rows, gone, added, where)

    async def backup(self, path: str | os.PathLike[str]) -> None:
        """Copy the attributes into a new file at ``path``, through SQLite: safe while serving.

        SQLite's ``VACUUM INTO``, one read transaction, which no save waits for: a consistent
        copy, a database of one file (no ``-wal``), made this user's alone (mode 0600) as the
        store's own. Never copy the store's file itself while the skill runs (``shutil.copy``):
        closing a descriptor of it in the skill's process drops every lock its connections hold
        (`.sqlite_file`).

        It is written in a private directory made beside ``path``, and linked at ``path`` once
        whole: a backup that fails leaves nothing there and removes nothing there, and a file
        at ``path``, before or while it is written, is never overwritten (`FileExistsError`),
        but for an empty one (``touch``), which the backup replaces as a new 0600 file if it is
        still empty then (written into, it kept its owner and mode). Anything else there that
        is no regular file (a directory, a FIFO, a device such as ``/dev/null``) is refused
        (`FileExistsError`) before any work, as is a name longer than the file system takes.
        A symlink, to a file or to none, is refused (`FileExistsError`), not followed: one
        planted by whoever may write to that directory would have the backup written where
        they chose; name the file it points to instead (`os.path.realpath`).

        What is wrong with the destination is an `OSError` naming it (`FileNotFoundError`,
        `FileExistsError`, `PermissionError`, `NotADirectoryError`; the disk full, an
        `OSError`; a disk I/O error, when a write there fails too), said before any work when
        its directory cannot be searched; the store's own trouble (its file locked or damaged)
        a `StoreError`, as for a save.
        """
        # The destination is looked at and made in the worker thread too: all the store's file
        # work is off the event loop.
        target = os.path.abspath(os.fspath(path))
        await self._run("backup", _backup, self._call, target, pooled=False)

    async def aclose(self) -> None:
        """Close the idle connections; connections in use close when their call ends.

        The store stays usable: a later call opens a connection again, as when the app that
        owns it is served again (a second test client, a lifespan restarted).
        """
        with self._lock:
            self._generation += 1
            # No connection open: a file deleted from now on is no news, and made afresh.
            self._file = None
            self._schema_ready = None
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    async def _run(self, doing: str, func: Callable[..., T], *args: Any, pooled: bool = True) -> T:
        """``func(connection, *args)`` in a worker thread, on a pooled connection; or, not
        ``pooled``, ``func(*args)``, which takes one itself (`_backup`)."""
        global _threads
        if _threads is None:  # (once: an import statement at each call cost ~0.7 us)
            import sqlite3

            import anyio.to_thread

            _threads = anyio.to_thread, sqlite3
        to_thread, sqlite = _threads
        # anyio's hop, not `alexaskill.threads`' cheaper pool (one call at a time, on a busy
        # machine: 115 to 145 us of CPU a hop against 40 to 50, of a load's 220 to 260), for what
        # the pool does otherwise: (1) a save's wait is shielded here (abandon_on_cancel=False: a
        # cancelled caller still waits for the write to end, so nothing runs after it, aclose at
        # shutdown included, while it writes); the pool's cancellation leaves the call running
        # unwaited for. (2) anyio's workers belong to the event loop and are stopped when its root
        # task ends: no thread is left after the app stops; the pool's outlive it, idle, for 10 s.
        # (3) The pool is the process's, shared with every def handler: handlers holding its 40
        # threads would hold up every load and save. (4) It runs on asyncio only (trio: anyio's
        # again). A pool of the store's own, built the same way, would need (1) and (2) rebuilt and
        # tested, its WARNINGs reworded (they speak of def handlers): not clearly safe, not done.
        # A load, which writes nothing, is abandoned when cancelled (the response deadline): its
        # thread may wait up to `timeout` for a lock, and finishes by itself. A save is not
        # cancelled (`Skill` waits for it) and is waited for: it writes.
        try:
            if pooled:
                func, args = self._call, (func, *args)
            done: T = await to_thread.run_sync(func, *args, abandon_on_cancel=doing == "load")
            return done
        except sqlite.Error as exc:
            raise StoreError(_explain(self.path, self.timeout, doing, exc)) from exc

    def _call(self, func: Callable[..., T], *args: Any) -> T:
        connection, generation = self._acquire()
        try:
            result = func(connection, *args)
        except BaseException:
            connection.close()  # its state is unknown: do not hand it to the next call
            raise
        self._release(connection, generation)
        return result

    def _acquire(self) -> tuple[sqlite3.Connection, int]:
        # A stat for each call, not one now and then: it costs microseconds, and each call
        # between two checks would have written to a deleted file, lost without a word.
        file = _identity(self.path)
        with self._lock:
            if file != self._file:
                # Again under the lock: a stat taken before another thread's, which saw a
                # replacement first, would call the old file the new one's replacement.
                file = _identity(self.path)
            if file != self._file:
                if self._file is not None:
                    self._forget_file(file is None)
                self._file = file
            generation = self._generation
            if self._idle:
                return self._idle.pop(), generation
        connection = self._connect(generation)
        with self._lock:
            if self._file is None and generation == self._generation:
                self._file = _identity(self.path)
        return connection, generation

    def _forget_file(self, deleted: bool) -> None:
        """Close the pooled connections to a file no longer at the path (with `_lock` held):
        connections in use close when their call ends, the next ones open the path afresh."""
        stale = ""  # the old file's -wal, which SQLite reads as the new file's
        with contextlib.suppress(OSError):
            if not deleted and os.path.getsize(f"{self.path}-wal") > 0:
                stale = (
                    f"; the old file's -wal ({self.path}-wal) is still beside it, and SQLite "
                    "reads its pages over the new file's: what is read now may be the old file's "
                    "or damaged"
                )
        logger.warning(
            "SQLite file %s was %s while the store had it open: its connections are "
            "closed, and the store opens %s (a save made at that moment went to the old file)%s%s",
            self.path,
            "deleted" if deleted else "replaced",
            "a new, empty file there" if deleted else "the file now at that path",
            stale,
            "" if deleted else "; " + _RESTORE.format(path=self.path),
        )
        self._generation += 1
        self._schema_ready = None
        idle, self._idle = self._idle, []
        for connection in idle:
            with contextlib.suppress(Exception):
                connection.close()

    def _release(self, connection: sqlite3.Connection, generation: int) -> None:
        with self._lock:
            if generation == self._generation and len(self._idle) < _MAX_IDLE:
                self._idle.append(connection)
                return
        connection.close()

    def _before_fork(self) -> None:
        """Close the idle connections and hold the pool's lock across the fork (released by the
        parent's hook after it, which releases the stores listed in `_LOCKED`, and no others):
        no connection is handed back to the pool meanwhile, to be inherited."""
        self._lock.acquire()
        _LOCKED.append(self)
        idle, self._idle = self._idle, []
        for connection in idle:
            with contextlib.suppress(Exception):  # one failure must not stop the fork's hook
                connection.close()

    def _after_fork_in_child(self) -> None:
        # The locks as the forking thread left them: the pool's held (by it, in _before_fork,
        # unless the store was made after that hook passed), the set-up's maybe by another
        # thread, which does not exist here. A connection that a thread was using at the fork
        # is not in the pool: the child never sees it; one in the pool of a store made after
        # the hook before the fork passed is kept, never used nor closed, as one in use is.
        self._lock = threading.Lock()
        self._setup_lock = threading.Lock()
        _INHERITED.extend(self._idle)
        self._idle = []

    def _connect(self, generation: int) -> sqlite3.Connection:
        import sqlite3

        # Made before SQLite opens it, which would make it readable by all for a moment.
        made = os.path.exists(self.path) or _make_private(self.path)
        # isolation_level=None: no implicit transactions; _write opens its own, explicitly.
        # check_same_thread=False: a pooled connection serves one thread at a time, any thread.
        connection = sqlite3.connect(
            self.path,
            timeout=self.timeout,
            isolation_level=None,
            check_same_thread=False,
            factory=_connection_class(),
        )
        try:
            if not made:
                _chmod_made(self.path)
            connection.execute("PRAGMA synchronous=NORMAL")
            if self._needs_set_up():
                with self._setup_lock:
                    if self._needs_set_up():
                        done = self._set_up(connection)
                        with self._lock:  # not if the file was forgotten meanwhile: the next
                            self._schema_ready = done if generation == self._generation else None
            _mark(connection)  # (whether its text is UTF-16: `_select` reads bytes then)
        except BaseException:
            connection.close()
            raise
        return connection

    def _needs_set_up(self) -> bool:
        """Whether a new connection sets the file up: not done yet, or left in its journal mode
        and writable now (not at each connection while nothing changed)."""
        return self._schema_ready is None or (not self._schema_ready and _writable(self.path))

    def _set_up(self, connection: sqlite3.Connection) -> bool:
        """WAL mode and the table, retried while another process is doing the same; False if
        the file stays in another journal mode, this process not allowed to write it (or make
        the -wal beside it): a load reads it as it is, a save says which is read-only.

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
                wal = str(connection.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"
                if not wal and _writable(self.path):
                    connection.execute("PRAGMA journal_mode=WAL")
                    wal = True
                connection.execute(_SCHEMA)
                return wal
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or time.monotonic() + pause > deadline:
                    raise
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
            time.sleep(pause)
            pause = min(pause * 2, 0.05)


def _checked_timeout(timeout: float) -> float:
    """``timeout``, if SQLite can wait that long; else `ConfigurationError`. SQLite keeps the
    wait as an int of milliseconds: a longer one (``inf``) or a negative one is no wait at all."""
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise ConfigurationError(
            f"SQLiteStore: timeout is a number of seconds, not {type_with_article(timeout)}"
        )
    if not 0 <= timeout <= _MAX_TIMEOUT:
        raise ConfigurationError(
            f"SQLiteStore: timeout {shown_value(timeout)} s is not one SQLite can wait: "
            f"from 0 to {_MAX_TIMEOUT:,} s (about 24 days)"
        )
    return timeout


def _write(
    connection: sqlite3.Connection,
    key: str,
    rows: list[tuple[str, str, str]],
    gone: list[tuple[str, str]],
    increments: dict[str, int],
    where: str,
) -> None:
    connection.execute("BEGIN IMMEDIATE")
    try:
        for name, by in increments.items():
            found = _select_one(connection, key, name)
            rows.append((key, name, str(_incremented(name, found, by, where))))
        if rows:
            connection.executemany(_UPSERT, rows)
        if gone:
            connection.executemany(_DELETE, gone)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
