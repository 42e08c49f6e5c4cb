"""`SQLiteStore.backup`: its destination made and checked, SQLite's ``VACUUM INTO`` run into it.

What is wrong with the destination is said naming it, not the store's file. As in
`.sqlite_file`, no descriptor is opened here of a file that may be a database in use.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite3

#: os.link links a symlink itself, not what it points to (a symlink moved away and put back).
_AS_IS: dict[str, bool] = (
    {"follow_symlinks": False} if os.link in os.supports_follow_symlinks else {}
)


def _backup(call: Callable[..., Any], target: str) -> None:
    """`SQLiteStore.backup` in its worker thread, ``call`` the store's `_call`. The destination
    is looked at before a connection is taken (a destination refused opens nor closes none).

    A new backup is written in a private directory made beside ``target`` (mode 0700, on the
    same file system) and linked at ``target`` only once SQLite has written it all: linking
    never replaces a file, and a backup that fails removes only what is in its own directory,
    never touching ``target``. A file made at ``target`` and removed on failure, even after a
    look that it is still ours, could be another program's renamed there between the two.
    An empty file at ``target`` (``touch``) is replaced by the backup, not written into
    (`_replace_empty`).
    """
    _look_at_directory(target)
    found = _look(target)
    private = _private_directory(target)
    # A short name, not ``target``'s: SQLite's journal beside it adds "-journal", which took a
    # name of 248 characters or more past what a file system allows (255 bytes), and SQLite
    # said it could not open the file. It is linked at ``target``'s name once written.
    written = os.path.join(private, "backup")
    kept: list[str] = []  # what is in ``private`` but not the backup's to remove
    try:
        _new_file(written, target)
        call(_vacuum_into, written, target)
        if found is None:
            _put_in_place(written, target)
        else:
            _replace_empty(written, target, found, kept)
    finally:
        with contextlib.suppress(OSError):  # (SQLite may leave a -journal there)
            for name in os.listdir(private):
                if name not in kept:
                    os.unlink(os.path.join(private, name))
            os.rmdir(private)


#: What a destination that is no regular file is, said refusing it.
_KINDS: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _look_at_directory(target: str) -> None:
    """Refuse a ``target`` whose directory is not one, naming ``target``; one that cannot be
    looked at is said as why (`_unreachable`), not as no directory: it may well be there."""
    directory = os.path.dirname(target)
    try:
        is_directory = stat.S_ISDIR(os.stat(directory).st_mode)
    except FileNotFoundError:
        is_directory = False
    except OSError as exc:
        raise _unreachable(target, exc) from exc
    if not is_directory:
        raise _refused(FileNotFoundError, target, f"cannot be made: no directory {directory}")


def _look(target: str) -> os.stat_result | None:
    """What is at ``target``: None for nothing, else an empty file, which a backup replaces;
    any other thing, or a ``target`` that cannot be looked at, is refused, naming ``target``."""
    try:
        found = os.lstat(target)
    except FileNotFoundError:
        return None  # (in a directory that is there: `_look_at_directory`)
    except OSError as exc:
        # Said now, not taken as nothing there for a later step to fail less clearly: in a
        # directory this process may write to but not search, the private directory's mkdir,
        # said as a want of write access; at a name too long, the link of the whole backup.
        raise _unreachable(target, exc) from exc
    if stat.S_ISLNK(found.st_mode):
        # Followed, the backup would be written where whoever may write to that directory
        # (/tmp, a shared backup directory) chose, as the skill's user (root, at times).
        if _size(target) < 0:
            said = "is a symlink to no file: a backup makes no file through a symlink"
        else:
            said = "is a symlink: a backup writes into no file through a symlink"
        raise _refused(FileExistsError, target, f"{said}; name the file itself (os.path.realpath)")
    if not stat.S_ISREG(found.st_mode):
        # Handed to SQLite by its path, a FIFO's open or writes could block the backup and its
        # connection, and a device keeps no backup (``/dev/null``): neither is the backup's to
        # replace. (A directory is 0 bytes on btrfs: refused here, not as a file there.)
        kind = next((kind for is_it, kind in _KINDS if is_it(found.st_mode)), "no regular file")
        said = f"is {kind}: a backup is made as a regular file of its own; name a new file"
        raise _refused(FileExistsError, target, said)
    if found.st_size != 0:
        raise _refused(FileExistsError, target, "is there already: name a new file")
    return found


def _replace_empty(written: str, target: str, found: os.stat_result, kept: list[str]) -> None:
    """Put the finished backup at ``target`` in place of the empty file ``found`` there.

    Written into, the file would keep its owner and mode (0644 after ``touch``), and a
    descriptor opened on it before, by whoever could, would read the backup whatever its mode
    is changed to: the backup is a new file, as at a new destination. The empty file is moved
    into the private directory, where no other user reaches it, and dropped only if it is still
    the one looked at, and empty: a file renamed there meanwhile, or written to, is put back at
    ``target``, or, if yet another came there, kept where it is, its place said (``kept``).
    """
    # A short name (``target``'s own, made longer, could be too long), never the backup's.
    there = os.path.join(os.path.dirname(written), "was-there")
    try:
        os.rename(target, there)
    except FileNotFoundError:  # removed meanwhile: the backup goes there as to a new file
        _put_in_place(written, target)
        return
    except OSError as exc:
        raise _cannot_be_made(target, exc) from exc
    moved = os.lstat(there)
    if (moved.st_dev, moved.st_ino, moved.st_size) != (found.st_dev, found.st_ino, 0):
        came = "was replaced or written to by another program while the backup was made"
        try:
            _put_in_place(there, target)
        except OSError:
            kept.append(os.path.basename(there))
            raise _refused(
                FileExistsError,
                target,
                f"{came}, then another file came there: the one moved away is kept at {there}",
            ) from None
        raise _refused(FileExistsError, target, f"{came}: it is kept; name a new file")
    try:
        _put_in_place(written, target)
    except OSError:
        with contextlib.suppress(OSError):  # the empty file back, unless another came there
            _put_in_place(there, target)
        raise


def _vacuum_into(connection: sqlite3.Connection, written: str, target: str) -> None:
    """``VACUUM INTO written``, its errors about the destination naming ``target``."""
    import sqlite3

    try:
        connection.execute("VACUUM INTO ?", (written,))
    except sqlite3.Error as exc:
        # Here, not around the whole call: a failure to open the store's own file (in
        # _acquire) is the store's, which _run explains.
        refused = _backup_refused(written, target, exc)
        if refused is None:
            raise
        raise refused from exc


def _private_directory(target: str) -> str:
    """Make a directory beside ``target`` that only this user may enter (0700), for the backup
    to be written in; the errors name ``target``, whose directory it is."""
    directory, name = os.path.split(target)
    # A short name of its own: one made from a long ``target`` would be too long for the disk.
    private = os.path.join(directory, f".{name[:24]}.{os.urandom(8).hex()}.backup")
    try:
        os.mkdir(private, 0o700)  # (a umask only takes bits away: private whatever it is)
    except OSError as exc:
        raise _cannot_be_made(target, exc) from exc
    return private


def _new_file(written: str, target: str) -> None:
    """Make the empty file SQLite writes the backup into, this user's alone (0600) from the
    moment it exists; a descriptor of our new file, which no connection has open, is closed
    safely (the module's docstring). The errors name ``target``."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        made = os.open(written, flags, 0o600)
    except OSError as exc:
        raise _cannot_be_made(target, exc) from exc
    try:
        if os.name == "posix":
            os.fchmod(made, 0o600)  # whatever the umask
    finally:
        os.close(made)


def _put_in_place(written: str, target: str) -> None:
    """Link the finished backup (or a file moved away, put back) at ``target``: never over a
    file there, whenever it came."""
    came = "was made by another program while the backup was written: name a new file"
    try:
        os.link(written, target, **_AS_IS)
        return
    except FileExistsError:
        raise _refused(FileExistsError, target, came) from None
    except OSError:  # no hard links on that file system (FAT, some network ones): renamed
        pass
    # rename replaces a file there: one made at ``target`` between this look and the rename is
    # lost, a window left only where the file system cannot link.
    if os.path.lexists(target):
        raise _refused(FileExistsError, target, came)
    try:
        os.rename(written, target)
    except OSError as exc:
        raise _cannot_be_made(target, exc) from exc


def _unreachable(target: str, exc: OSError) -> OSError:
    """The error for ``exc``, raised looking at ``target`` or its directory before any work:
    what a backup there would meet, said with what to check."""
    directory = os.path.dirname(target)
    if exc.errno == errno.ENAMETOOLONG:  # (past 255 bytes a name, or 4096 the path, on most)
        return _cannot_be_made(target, exc)
    if isinstance(exc, PermissionError):
        return _refused(
            PermissionError,
            target,
            f"cannot be looked at ({exc.strerror}): this process needs search (x) access to "
            f"{directory} and to each directory above it",
        )
    if exc.errno == errno.ENOTDIR:
        said = f"a part of {directory} is a file, not a directory"
        return _refused(NotADirectoryError, target, f"cannot be made ({exc.strerror}): {said}")
    if exc.errno == errno.ELOOP:
        said = f"the symlinks in {directory} loop, or are too many to follow"
        return _refused(OSError, target, f"cannot be made ({exc.strerror}): {said}")
    return _refused(OSError, target, f"cannot be looked at ({exc.strerror})")


def _cannot_be_made(target: str, exc: OSError) -> OSError:
    """The error for ``exc``, raised making the backup's directory or file beside ``target``."""
    directory = os.path.dirname(target)
    if isinstance(exc, PermissionError):
        return _refused(
            PermissionError,
            target,
            f"cannot be made ({exc.strerror}): this process needs write access to {directory}",
        )
    # a read-only file system (EROFS), a full disk, a name too long
    return _refused(OSError, target, f"cannot be made ({exc.strerror})")


def _backup_refused(written: str, target: str, exc: sqlite3.Error) -> OSError | None:
    """The error to raise for SQLite's ``exc`` from ``VACUUM INTO written`` when it is about the
    destination, naming ``target`` (`_explain` would name the store's file); None for the
    store's own (locked, damaged, interrupted). VACUUM INTO only reads the store's file, through
    a connection open on it already: opening, writing or filling up is the destination's; an
    I/O error that says neither is the destination's if a write beside it fails too."""
    import sqlite3

    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    refused = code == sqlite3.SQLITE_NOTADB or "already exists" in str(exc)
    if refused and _size(written) != 0:  # SQLite writes only into an empty file
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
    if code == sqlite3.SQLITE_IOERR:
        # Another of SQLite's I/O errors (a plain "disk I/O error", say) names no file: the
        # destination's when writing there fails now, else the store's file's, which is read.
        failed = _write_fails(os.path.dirname(written))
        if failed is not None:
            return _not_written(target, exc, failed)
    return None


def _write_fails(directory: str) -> OSError | None:
    """What writing a page into a new file in ``directory`` (the backup's own) raises, synced to
    the disk; None if it is written. (The file goes with the directory, as SQLite's do.)"""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        probe = os.open(os.path.join(directory, "probe"), flags, 0o600)
        try:
            os.write(probe, bytes(4096))
            os.fsync(probe)
        finally:
            os.close(probe)
    except OSError as exc:
        return exc
    return None


def _not_written(target: str, exc: sqlite3.Error, failed: OSError) -> OSError:
    """The error for SQLite's ``exc`` when a write beside the backup failed too (``failed``)."""
    said = f"could not be written, {exc}: a write there fails too"
    if failed.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):  # (a quota)
        return _refused(OSError, target, f"{said}, the disk is full ({failed.strerror})")
    if isinstance(failed, PermissionError):
        return _refused(
            PermissionError,
            target,
            f"{said} ({failed.strerror}): this process needs write access to "
            f"{os.path.dirname(target)}",
        )
    return _refused(OSError, target, f"{said} ({failed.strerror})")


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
