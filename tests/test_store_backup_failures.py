"""`SQLiteStore.backup` that fails: the destination named, and no file but its own removed."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path
from typing import Any

import anyio
import pytest

from alexaskill.store import SQLiteStore

from .store_shared import _save_and_load


def _full_disk_error() -> Exception:
    """The error SQLite raises when the disk fills up (SQLITE_FULL), made by SQLite itself."""
    import sqlite3

    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("CREATE TABLE t (v BLOB)")
        connection.execute("PRAGMA max_page_count = 2")
        connection.execute("INSERT INTO t VALUES (zeroblob(100000))")
    except sqlite3.Error as exc:
        assert exc.sqlite_errorcode == sqlite3.SQLITE_FULL, exc
        return exc
    finally:
        connection.close()
    raise AssertionError("SQLite filled no page")


def test_a_backup_onto_a_full_disk_names_the_destination(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store's file, on another disk, was said to be the one full. (/dev/full, whose every
    # write fails so, is refused as a device now: VACUUM INTO fails here as on a full disk.)
    from alexaskill.store import sqlite_backup

    full = _full_disk_error()
    real_vacuum_into = sqlite_backup._vacuum_into

    class FillingUp:
        def execute(self, sql: str, parameters: tuple[str]) -> None:
            assert sql == "VACUUM INTO ?"
            raise full

    def vacuum_into(connection: object, written: str, target: str) -> None:
        real_vacuum_into(FillingUp(), written, target)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite_backup, "_vacuum_into", vacuum_into)
    path = tmp_path / "attributes.db"
    target = tmp_path / "backups" / "monday.db"
    target.parent.mkdir()
    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
        with pytest.raises(OSError) as raised:
            anyio.run(store.backup, target)
        assert anyio.run(store.load, "amzn1.ask.account.a") == {"city": "Oslo"}
    finally:
        anyio.run(store.aclose)
    said = str(raised.value)
    assert f"{target} was not written, the disk is full" in said and str(path) not in said, said
    assert raised.value.__cause__ is full
    assert list(target.parent.iterdir()) == []


def _disk_io_error() -> Exception:
    """SQLite's plain "disk I/O error" (SQLITE_IOERR, no extended code), as the sqlite3 module
    raises it. Made by hand: no SQL makes SQLite fail so without a failing disk."""
    import sqlite3

    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorcode = sqlite3.SQLITE_IOERR
    error.sqlite_errorname = "SQLITE_IOERR"
    return error


def _failing_vacuum_into(monkeypatch: pytest.MonkeyPatch, error: Exception, then: Any) -> None:
    """Make `sqlite_backup._vacuum_into` fail with SQLite's ``error``, after ``then(written)``
    (what befell the destination meanwhile), its handling of the error the module's own."""
    from alexaskill.store import sqlite_backup

    real_vacuum_into = sqlite_backup._vacuum_into

    class Failing:
        def execute(self, sql: str, parameters: tuple[str]) -> None:
            assert sql == "VACUUM INTO ?"
            then(parameters[0])
            raise error

    def vacuum_into(connection: object, written: str, target: str) -> None:
        real_vacuum_into(Failing(), written, target)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite_backup, "_vacuum_into", vacuum_into)


@pytest.mark.skipif(os.name != "posix", reason="directory modes are POSIX's")
@pytest.mark.parametrize("fault", ["read-only", "full", "quota"])
def test_a_disk_io_error_writing_the_backup_names_the_destination(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    # SQLite's plain "disk I/O error" from VACUUM INTO was said as the store's own file's
    # ("SQLite file …/attributes.db: disk I/O error in the backup", a StoreError), when it was
    # the destination that could not be written: the operator checked the wrong disk. The
    # error is SQLite's, made by hand (`_disk_io_error`); the destination's fault comes after
    # backup's looks at it: its directory made read-only (the kernel's refusal made by hand for
    # root, whom modes do not stop), or its disk full or over quota (made by hand: no test
    # fills a disk).
    path = tmp_path / "attributes.db"
    target = tmp_path / "backups" / "monday.db"
    target.parent.mkdir()
    real_open, real_write = os.open, os.write
    broken: list[str] = []  # the backup's private directory, once its disk fails

    def refusing_open(file: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if broken and os.path.dirname(os.fspath(file)) == broken[0] and flags & os.O_CREAT:
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, flags, *args, **kwargs)

    def filling_write(descriptor: int, data: Any) -> int:
        if broken and fault == "quota":
            raise OSError(errno.EDQUOT, "Disk quota exceeded")
        if broken:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(descriptor, data)

    def disk_fails(written: str) -> None:
        broken.append(os.path.dirname(written))
        if fault == "read-only":
            os.chmod(broken[0], 0o500)

    if fault != "read-only":
        monkeypatch.setattr(os, "write", filling_write)
    elif os.geteuid() == 0:
        monkeypatch.setattr(os, "open", refusing_open)
    error = _disk_io_error()
    _failing_vacuum_into(monkeypatch, error, disk_fails)
    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
        with pytest.raises(OSError) as raised:
            anyio.run(store.backup, target)
        monkeypatch.undo()
        assert anyio.run(store.load, "amzn1.ask.account.a") == {"city": "Oslo"}
    finally:
        anyio.run(store.aclose)
        for directory in broken:  # (for tmp_path's removal, where modes hold)
            with contextlib.suppress(FileNotFoundError):
                os.chmod(directory, 0o700)
    said = str(raised.value)
    assert said.startswith(f"SQLiteStore.backup: {target} could not be written"), said
    assert "disk I/O error" in said and str(path) not in said, said
    if fault != "read-only":
        assert "the disk is full" in said and type(raised.value) is OSError, said
    else:
        assert f"write access to {target.parent}" in said, said
        assert isinstance(raised.value, PermissionError), said
    assert raised.value.__cause__ is error
    assert not target.exists()


def test_a_disk_io_error_where_the_backup_can_be_written_is_the_stores_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same error with the destination writable is the store's file's (VACUUM INTO reads
    # it): still said so, naming the store's file, not the destination.
    from alexaskill.exceptions import StoreError

    path = tmp_path / "attributes.db"
    target = tmp_path / "backups" / "monday.db"
    target.parent.mkdir()
    _failing_vacuum_into(monkeypatch, _disk_io_error(), lambda written: None)
    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
        with pytest.raises(StoreError) as raised:
            anyio.run(store.backup, target)
    finally:
        anyio.run(store.aclose)
    said = str(raised.value)
    assert said.startswith(f"SQLite file {path}: disk I/O error in the backup"), said
    assert str(target) not in said, said
    assert list(target.parent.iterdir()) == []


@pytest.mark.parametrize("there", [False, True])
def test_a_failed_backup_removes_the_file_it_made_and_no_other(tmp_path: Path, there: bool) -> None:
    # A VACUUM INTO that fails (here interrupted, as SQLite's progress handler can) left the
    # empty 0600 file backup made for it. An empty file that was there before is not backup's.
    from alexaskill.exceptions import StoreError

    path = tmp_path / "attributes.db"
    target = tmp_path / "backup.db"
    if there:
        target.touch()
    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
        [pooled] = store._idle  # the one connection the backup will take
        pooled.set_progress_handler(lambda: 1, 1)
        with pytest.raises(StoreError, match="interrupted"):
            anyio.run(store.backup, target)
        assert anyio.run(store.load, "amzn1.ask.account.a") == {"city": "Oslo"}
    finally:
        anyio.run(store.aclose)
    assert target.exists() is there


@pytest.mark.parametrize("when", ["while SQLite writes", "after backup looked"])
def test_a_failed_backup_never_removes_a_file_put_at_the_destination_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    # A failed backup looked at the file at the destination (was it the one it made?), then
    # removed it: two steps. Another program's file renamed there between them (its own backup,
    # `mv`) was removed. Here it comes while SQLite writes, or just after the look.
    from alexaskill.exceptions import StoreError

    path = tmp_path / "attributes.db"
    target = tmp_path / "backup.db"
    theirs = b"another program's file"

    def put_theirs() -> None:
        (tmp_path / "theirs").write_bytes(theirs)
        os.replace(tmp_path / "theirs", target)  # as `mv` does: atomically, over a file there

    real_stat = os.stat
    put: list[str] = []

    def look_then_put(file: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        found = real_stat(file, *args, **kwargs)
        if os.fspath(file) == str(target) and not put:
            put.append(when)
            put_theirs()
        return found

    def interrupt() -> int:
        if not put:
            put.append(when)
            put_theirs()
        return 1  # SQLite stops the VACUUM INTO: "interrupted"

    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
        [pooled] = store._idle  # the one connection the backup will take
        if when == "while SQLite writes":
            pooled.set_progress_handler(interrupt, 1)
        else:
            pooled.set_progress_handler(lambda: 1, 1)
            monkeypatch.setattr(os, "stat", look_then_put)
        with pytest.raises(StoreError, match="interrupted"):
            anyio.run(store.backup, target)
        monkeypatch.undo()
        assert anyio.run(store.load, "amzn1.ask.account.a") == {"city": "Oslo"}
    finally:
        anyio.run(store.aclose)
    if put:
        assert target.read_bytes() == theirs  # kept, whenever it came
    else:  # the backup never looked at the destination after it failed: nothing came
        assert not os.path.lexists(target)
    # and nothing of the backup's is left beside it
    assert [
        p.name for p in tmp_path.iterdir() if not p.name.startswith(("attributes.db", "backup.db"))
    ] == []
