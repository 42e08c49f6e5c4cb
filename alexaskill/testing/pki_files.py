"""The file a `TestPKI` is kept in: private to its owner, written whole, read as it was checked."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from ..shown_names import shown

__all__ = [
    "FileIdentity",
    "check_private",
    "identity_if",
    "private_directory",
    "read_identity",
    "read_private",
    "write_private",
]


def check_private(path: Path) -> None:
    """`PermissionError` unless the PKI file ``path`` and its directory are this user's, the
    directory writable by no one else and the file readable by no one else either.

    The file is looked at first: with no key there is nothing to distrust yet, and a missing one
    is `FileNotFoundError`, whatever its directory (`private_directory` judges that).
    """
    _check_owner_and_mode(
        path, 0o077, "readable or writable", f"chmod 600 {path}, or delete it for a new PKI"
    )
    _check_owner_and_mode(path.parent, 0o022, "writable", f"chmod go-w {path.parent}")


def private_directory(directory: Path) -> None:
    """Make ``directory`` for a new PKI key (0700), or check an existing one as `check_private`
    does: a key made in a directory others can write could be replaced by theirs.

    An existing directory is never chmodded: it may be the project or the home directory
    (``ALEXASKILL_DEV_PKI_DIR=.``), whose mode is its owner's business.
    """
    try:
        directory.mkdir(mode=0o700, parents=True)
    except FileExistsError:
        _check_owner_and_mode(directory, 0o022, "writable", f"chmod go-w {directory}")


def _check_owner_and_mode(target: Path, others: int, what: str, fix: str) -> None:
    """`PermissionError` if ``target`` is another user's or has any of the ``others`` mode
    bits; `FileNotFoundError` if it is missing."""
    if not hasattr(os, "getuid"):  # Windows: access is ACLs, not these modes
        return
    found = target.stat()
    named = shown(str(target))  # (cut when long; the fix to copy keeps it whole)
    if found.st_uid != os.getuid():
        raise PermissionError(
            f"{named} belongs to another user (uid {found.st_uid}): a key someone else "
            "can replace is not used; use a directory of your own"
        )
    mode = stat.S_IMODE(found.st_mode)
    if mode & others:
        raise PermissionError(
            f"{named} is {what} by group or others (mode {mode:04o}): whoever can put a "
            f"key there would be trusted; {fix}"
        )


def write_private(path: Path, data: bytes, *, replace: bool) -> int | None:
    """Write ``data`` to ``path`` readable by its owner only, all at once; the inode number of
    the file written, None if ``path`` exists and ``replace`` is false (then nothing is written).
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pem")
    try:
        with os.fdopen(fd, "wb") as file:  # mkstemp makes it 0600
            file.write(data)
            inode = os.fstat(file.fileno()).st_ino
        if replace:
            os.replace(temporary, path)
            return inode
        try:
            # A hard link fails if the name exists: create-if-absent without a partial file.
            os.link(temporary, path)
        except FileExistsError:
            return None
        except OSError:  # a file system without hard links
            if path.exists():
                return None
            os.replace(temporary, path)
        return inode
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


#: What tells one version of a file from another: device, inode, size, modification and change
#: times (in nanoseconds). A file written anew is another inode; one written over in place
#: changes its change time, which no one can set back.
FileIdentity = tuple[int, int, int, int, int]


def _identity(found: os.stat_result) -> FileIdentity:
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)


def read_private(path: Path) -> tuple[bytes, FileIdentity]:
    """The bytes of the PKI file ``path``, checked by `check_private` first, and what the file
    was as they were read (taken before reading: a change while reading is a change after)."""
    check_private(path)
    with path.open("rb") as file:
        found = _identity(os.fstat(file.fileno()))
        return file.read(), found


def read_identity(path: Path) -> FileIdentity:
    """What the PKI file ``path`` is now, checked by `check_private` first."""
    check_private(path)
    return _identity(path.stat())


def identity_if(path: Path, inode: int | None) -> FileIdentity | None:
    """What ``path`` is now if it is still the file `write_private` wrote as ``inode``; None if
    nothing was written, or it was replaced since (another process's PKI: read it again)."""
    if inode is None:
        return None
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return _identity(found) if found.st_ino == inode else None
