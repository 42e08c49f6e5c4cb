"""`SQLiteStore.backup`: its destination made and checked, SQLite's ``VACUUM INTO`` run into it.

What is wrong with the destination is said naming it, not the store's file. As in
`.sqlite_file`, no descriptor is opened here of a file that may be a database in use.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .sqlite_file import _identity

if TYPE_CHECKING:
    import sqlite3


def _backup(call: Callable[..., Any], target: str) -> None:
    """`SQLiteStore.backup` in its worker thread, ``call`` the store's `_call`: the destination
    is looked at and made before a connection is taken (a destination refused opens nor closes
    none), and removed if the backup fails, unless another program wrote there meanwhile (kept:
    its data)."""
    made = _new_backup_file(target)
    try:
        call(_vacuum_into, target)
    except FileExistsError:
        raise
    except BaseException:
        _remove_made(target, made)
        raise


def _vacuum_into(connection: sqlite3.Connection, target: str) -> None:
    import sqlite3

    try:
        connection.execute("VACUUM INTO ?", (target,))
    except sqlite3.Error as exc:
        # Here, not around the whole call: a failure to open the store's own file (in
        # _acquire) is the store's, which _run explains.
        refused = _backup_refused(target, exc)
        if refused is None:
            raise
        raise refused from exc


def _new_backup_file(target: str) -> tuple[int, int] | None:
    """Make the file a backup is written to, empty and this user's alone (0600), and return
    its (st_dev, st_ino): backup removes it if SQLite fails. None for an empty file already
    there (``touch``, ``/dev/full``), which SQLite writes into and nobody removes. Made at once
    (``O_EXCL``), so a file there is refused, not written over, whenever it came; a descriptor
    of our new file, which no connection has open, is closed safely (the module's docstring).
    The errors name ``target`` and say what is wrong with it, not the store's file."""
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise _refused(FileNotFoundError, target, f"cannot be made: no directory {directory}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        made = os.open(target, flags, 0o600)
    except FileExistsError:
        if _size(target) == 0:
            return None
        raise _refused(FileExistsError, target, "is there already: name a new file") from None
    except PermissionError as exc:
        raise _refused(
            PermissionError,
            target,
            f"cannot be made ({exc.strerror}): this process needs write access to {directory}",
        ) from exc
    except OSError as exc:  # a read-only file system (EROFS), a full disk, a name too long
        raise _refused(OSError, target, f"cannot be made ({exc.strerror})") from exc
    try:
        if os.name == "posix":
            os.fchmod(made, 0o600)  # whatever the umask
        found = os.fstat(made)
    finally:
        os.close(made)
    return found.st_dev, found.st_ino


def _backup_refused(target: str, exc: sqlite3.Error) -> OSError | None:
    """The error to raise for SQLite's ``exc`` from ``VACUUM INTO target`` when it is about the
    destination, naming it (`_explain` would name the store's file); None for the store's own
    (locked, damaged, interrupted). VACUUM INTO only reads the store's file, through a
    connection open on it already: opening, writing or filling up is the destination's."""
    import sqlite3

    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    refused = code == sqlite3.SQLITE_NOTADB or "already exists" in str(exc)
    if refused and _size(target) != 0:  # SQLite writes only into an empty file
        return _refused(
            FileExistsError,
            target,
            "was written to by another program while the backup "
            f"began ({exc}): SQLite writes a backup into a new or empty file; name a new file",
        )
    if code == sqlite3.SQLITE_FULL:
        return _refused(OSError, target, f"was not written, the disk is full ({exc})")
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN):
        return _refused(
            PermissionError,
            target,
            f"cannot be written ({exc}): this process needs write "
            f"access to it and to {os.path.dirname(target)}",
        )
    writing = (
        sqlite3.SQLITE_IOERR_WRITE,
        sqlite3.SQLITE_IOERR_FSYNC,
        sqlite3.SQLITE_IOERR_TRUNCATE,
    )
    if getattr(exc, "sqlite_errorcode", None) in writing:  # (reading is the store's file)
        return _refused(OSError, target, f"was not written, disk I/O error ({exc})")
    return None


def _remove_made(target: str, made: tuple[int, int] | None) -> None:
    """Remove the file `_new_backup_file` made at ``target`` for a backup that failed, if it is
    still the one there: never a file of anyone else's."""
    if made is not None and _identity(target) == made:
        with contextlib.suppress(OSError):
            os.unlink(target)


def _refused(kind: type[OSError], target: str, said: str) -> OSError:
    """An `OSError` of ``kind`` about a backup's destination, its text the message alone, as
    the store's errors are (an errno given would print as ``[Errno 28] …``)."""
    return kind(f"SQLiteStore.backup: {target} {said}")


def _size(path: str) -> int:
    """The size of the file at ``path``; -1 if it cannot be had (a symlink to nothing)."""
    try:
        return os.path.getsize(path)
    except OSError:
        return -1
