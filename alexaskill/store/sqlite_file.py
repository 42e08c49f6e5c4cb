"""The file under a `SQLiteStore`: checked to be SQLite, made private, its identity, its errors.

Kept apart from the store's connections and pool. Nothing here opens a descriptor of a file
that may be a database in use: closing it would drop every POSIX lock this process holds on the
file (https://www.sqlite.org/howtocorrupt.html, 2.2).
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING, Final

from ..exceptions import ConfigurationError
from ..shown_names import shown

if TYPE_CHECKING:
    import sqlite3

# How to restore a backup safely (why: `SQLiteStore`'s docstring). SQLite's backup API writes the
# backup through the lock and the -wal, as any save: safe while serving.
_RESTORE: Final = (
    "restore a backup through SQLite, safe while the skill runs: sqlite3 {path} '.restore "
    "BACKUP'; or with the skill stopped, the -wal and -shm files removed (never copy a file "
    "over it while it is open: the old -wal is read over the copy)"
)


#: The first bytes of every SQLite database file.
_HEADER: Final = b"SQLite format 3\x00"


def _check_is_sqlite(path: str) -> None:
    """`ConfigurationError` for a regular file at ``path`` that is no SQLite database, found
    when the store is made. An empty one is taken, as is one SQLite cannot open (its error
    says why later). Read through SQLite: closing a descriptor of ours drops every POSIX lock
    of this process on the file, and another process could then delete the -wal its
    connections write to (https://www.sqlite.org/howtocorrupt.html, 2.2). Only a file shorter
    than the header (never a database in use) is read by us."""
    import sqlite3

    bad = False
    with contextlib.suppress(OSError, sqlite3.Error, ValueError):
        if not os.path.isfile(path):  # (a FIFO would block)
            return
        if 0 < os.path.getsize(path) < len(_HEADER):
            with open(path, "rb") as file:
                bad = not _HEADER.startswith(file.read())
        else:  # read-only, no wait: a file being set up by another process is taken
            bad = _read_error(path) & 0xFF == sqlite3.SQLITE_NOTADB
    if bad:
        raise ConfigurationError(
            f"SQLiteStore: {path} is not a SQLite database (it does not start as one does): "
            "name another file, or move this one away"
        )


def _read_error(path: str) -> int:
    """SQLite's (extended) error code for a read of the file at ``path`` through a connection
    that writes nothing and waits for no lock; 0 if it reads. A failure to connect is raised."""
    import sqlite3

    uri = path.replace("%", "%25").replace("?", "%3f").replace("#", "%23")  # (no urllib)
    reading = sqlite3.connect(f"file:{uri}?mode=ro", uri=True, timeout=0)
    try:
        reading.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError as exc:
        return getattr(exc, "sqlite_errorcode", 0) or 0
    finally:
        reading.close()
    return 0


def _make_private(path: str) -> bool:
    """Make an empty file at ``path``, readable and writable by this user alone, for SQLite to
    open: SQLite makes one 0644 under the usual umask, every local user able to read the user
    ids and attributes (a descriptor opened meanwhile reads them for ever, whatever chmod comes
    after). Its -wal, -shm and -journal files, made later, take the file's mode. Through a
    symlink to no file, the file is made where it points, as SQLite would make it; a file
    already there, or made meanwhile by another process of the skill's, is kept as it is.

    Made 0600 under another name, its descriptor closed, then linked at the path: linking never
    replaces a file, and the descriptor closed is of a file that nobody else has open (see the
    module's docstring). False if that could not be done here (a file system without hard
    links): SQLite makes the file, and the caller makes it private with `_chmod_made`."""
    if os.name != "posix":  # no file modes to speak of (and no os.fchmod before Python 3.13)
        return True
    target = os.path.realpath(path)  # the file a symlink names, which SQLite opens
    directory, name = os.path.split(target)
    temporary = os.path.join(directory, f".{name}.{os.urandom(8).hex()}.new")
    try:
        made = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except OSError:
        return False  # no directory, not ours: SQLite's error says what to do
    try:
        os.fchmod(made, 0o600)  # whatever the umask (as the store always made it)
    finally:
        os.close(made)
    try:
        os.link(temporary, target)
    except FileExistsError:
        return True
    except OSError:
        return False
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    return True


def _check_name_length(path: str) -> None:
    """`ConfigurationError` for a file name too long for the ``-journal`` file SQLite keeps
    beside it (``-wal`` and ``-shm`` too), named after it: the store was made, then its
    first call failed, its file "cannot be opened", blaming the directory or the rights."""
    from ..exceptions import ConfigurationError

    directory, name = os.path.split(path)
    try:
        most = os.pathconf(directory, "PC_NAME_MAX")
    except (OSError, ValueError):  # (no such limit said: the usual one)
        most = 255
    size, longest = len(os.fsencode(name)), most - len("-journal")
    if size > longest:
        raise ConfigurationError(
            f"SQLiteStore: the file name {shown(name)} is {size:,} bytes long: SQLite keeps a "
            f"file beside it named as it is with -journal added, past this file system's {most:,} "
            f"bytes a name; name the file with at most {longest:,} bytes"
        )


def _chmod_made(path: str) -> None:
    """Make the file SQLite just made at ``path`` this user's alone, where `_make_private` could
    not make it first: only while it is empty, as made (another process of the skill's may have
    made it, and written to it: that one does the same); a file there keeps its mode."""
    with contextlib.suppress(OSError):  # gone, or not ours: SQLite's errors say what to do
        if os.stat(path).st_size == 0:
            os.chmod(path, 0o600)


def _identity(path: str) -> tuple[int, int] | None:
    """(st_dev, st_ino) of the file at ``path``, or None if there is none (or no stat)."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _explain(path: str, timeout: float, doing: str, exc: sqlite3.Error) -> str:
    """A log line that says what went wrong with the store's file at ``path`` and what to do,
    from a sqlite3 error (``timeout``: the store's wait for a lock)."""
    import sqlite3

    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    file = f"SQLite file {path}"
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return (
            f"{file}: the {doing} waited {timeout:g} s for another connection's lock "
            f"({exc}): a long transaction elsewhere (a backup, the sqlite3 shell)? keep it "
            "short, or give the store longer: SQLiteStore(timeout=…)"
        )
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM):
        read_only = _read_only(path, doing, exc)
        if read_only is not None:
            return read_only
        return (
            f"{file}: the {doing} may not write ({exc}): this process needs write access to "
            "the file and to its directory (SQLite keeps its -wal and -shm files there)"
        )
    if code == sqlite3.SQLITE_FULL:
        return f"{file}: the {doing} failed, the disk is full ({exc})"
    if code == sqlite3.SQLITE_CANTOPEN:
        return (
            f"{file} cannot be opened for the {doing} ({exc}): check that its directory "
            "exists and that this process may write there"
        )
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return (
            f"{file} is not a SQLite database, or is damaged ({exc}): move it away and "
            f"start afresh, or {_RESTORE.format(path=path)}"
        )
    if code == sqlite3.SQLITE_IOERR:
        return (
            f"{file}: disk I/O error in the {doing} ({exc}): check the disk, and that it is "
            "a local one (WAL needs memory shared between processes)"
        )
    return f"{file}: the {doing} failed ({type(exc).__name__}: {exc})"


def _writable(path: str) -> bool:
    """Whether this process may write the file at ``path`` and make files beside it (SQLite's
    -wal, -shm and -journal files)."""
    return os.access(path, os.W_OK) and os.access(os.path.dirname(path) or ".", os.W_OK)


def _read_only(path: str, doing: str, exc: sqlite3.Error) -> str | None:
    """The log line of SQLite's "attempt to write a readonly database" when the file at
    ``path`` or its directory is read-only to this process, saying which; else None."""
    directory = os.path.dirname(path) or "."
    if not os.access(directory, os.W_OK):
        also = " (and so is the file)" if not os.access(path, os.W_OK) else ""
        return (
            f"SQLite file {path}: its directory {directory} is read-only to this process"
            f"{also}, and SQLite makes the file's -wal and -shm files there (to read a file in "
            f"WAL mode too) and the -journal of a save: the {doing} failed ({exc}); give this "
            "process write access to the directory"
        )
    if not os.access(path, os.W_OK):
        return (
            f"SQLite file {path} is read-only to this process: the {doing} cannot write to it "
            f"({exc}); give this process write access to the file (a load reads it as it is)"
        )
    return None


def _never_opened(path: str) -> str | None:
    """Why no connection could ever open the file at ``path``, in a directory this process may
    not write: it does not exist, and SQLite would make it there; or it is in WAL mode, read
    only through the -wal and -shm files SQLite makes beside it. None if it may be read (a
    file in another mode, read-only: each save's error says so) or made, or if anything else
    is wrong (each call's to say, `_explain`). Through a symlink, the directory is the one it
    points into, where the file is or would be made (`_make_private`)."""
    import sqlite3

    target = os.path.realpath(path)
    directory = os.path.dirname(target)
    if not os.path.isdir(directory) or os.access(directory, os.W_OK | os.X_OK):
        return None
    if not os.path.exists(target):
        return (
            f"it does not exist, and its directory {directory} is read-only to this process, "
            "so SQLite cannot make it"
        )
    # Through SQLite, never a descriptor of ours (the module's docstring): in WAL mode, with no
    # -shm and -wal beside it, its read fails as every load's would (SQLITE_READONLY_DIRECTORY).
    with contextlib.suppress(sqlite3.Error):  # (not that: each call's to say)
        if _read_error(target) == sqlite3.SQLITE_READONLY_DIRECTORY:
            return (
                f"it is in WAL mode, and its directory {directory} is read-only to this "
                "process, so SQLite cannot make the -wal and -shm files it reads it through"
            )
    return None


def _busy(exc: sqlite3.Error) -> bool:
    """Whether a sqlite3 error is SQLITE_BUSY or SQLITE_LOCKED: another connection's lock."""
    import sqlite3

    return (exc.sqlite_errorcode & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
