"""`SQLiteStore.backup` (`alexaskill.store.sqlite_backup`): where the backup lands, and whose it is.

The backup made through SQLite while the skill serves: a new destination, a file there, failures.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from alexaskill.store import SQLiteStore

from .store_shared import _TAKE_OVER, _modes, _save_and_load


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    """A store with one user's attributes saved, its one connection idle in the pool."""
    made = SQLiteStore(tmp_path / "attributes.db")
    try:
        anyio.run(made.update, "amzn1.ask.account.a", {"city": "Oslo"}, ())
        yield made
    finally:
        anyio.run(made.aclose)


def _restored(path: Path) -> dict[str, object]:
    restored = SQLiteStore(path)
    try:
        return anyio.run(restored.load, "amzn1.ask.account.a")
    finally:
        anyio.run(restored.aclose)


def _beside(directory: Path) -> list[str]:
    """What is in ``directory`` but the store's files (a backup's leftovers, say)."""
    return sorted(p.name for p in directory.iterdir() if not p.name.startswith("attributes.db"))


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
@pytest.mark.usefixtures("umask_022")
@pytest.mark.parametrize("name", ["backup.db", "was-there"])  # (where the empty one goes)
def test_a_backup_into_an_empty_file_is_the_owners_alone(
    tmp_path: Path, store: SQLiteStore, name: str
) -> None:
    # SQLite wrote the backup into the empty file there (`touch`), which kept its mode: 0644,
    # every local user could read the attributes. Changing its mode first is not enough: a
    # descriptor opened on it before (`touch` then read it, by anyone) would still read it all.
    target = tmp_path / name
    target.touch()
    target.chmod(0o644)
    with open(target, "rb") as opened_before:
        anyio.run(store.backup, target)
        assert opened_before.read() == b""  # the backup is a file of its own, made private
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _restored(target) == {"city": "Oslo"}
    assert _beside(tmp_path) == [name]


@pytest.mark.skipif(os.name != "posix", reason="symlinks are POSIX's")
def test_a_backup_is_not_written_through_a_symlink_to_an_empty_file(
    tmp_path: Path, store: SQLiteStore
) -> None:
    # SQLite followed it, writing the backup wherever the link points, which whoever may write
    # to the destination's directory chooses (a symlink to no file was refused already).
    elsewhere = tmp_path / "theirs" / "empty.db"
    elsewhere.parent.mkdir()
    elsewhere.touch()
    link = tmp_path / "backup.db"
    link.symlink_to(elsewhere)
    with pytest.raises(FileExistsError, match="is a symlink") as raised:
        anyio.run(store.backup, link)
    said = str(raised.value)
    assert str(link) in said and "realpath" in said and str(store.path) not in said, said
    assert elsewhere.read_bytes() == b""
    assert link.is_symlink() and os.readlink(link) == str(elsewhere)
    assert _beside(tmp_path) == ["backup.db", "theirs"]
    assert anyio.run(store.load, "amzn1.ask.account.a") == {"city": "Oslo"}


def _put_theirs(target: Path, what: str) -> None:
    """Another program's file renamed at ``target`` (as ``mv`` does: atomically, over a file
    there), or a symlink to one."""
    theirs = target.parent / "theirs.db"
    theirs.write_bytes(b"another program's file")
    if what == "a symlink":
        aside = target.parent / "link"
        aside.symlink_to(theirs)
        os.replace(aside, target)
    else:
        os.replace(theirs, target)


def _once(action: Callable[[], object]) -> Callable[[], int]:
    """A progress handler for SQLite that does ``action`` while SQLite writes, once."""
    done: list[bool] = []

    def handler() -> int:
        if not done:
            done.append(True)
            action()
        return 0  # (SQLite goes on)

    return handler


@pytest.mark.parametrize("what", ["a file", "a symlink"])
def test_an_empty_file_replaced_while_the_backup_is_written_is_kept(
    tmp_path: Path, store: SQLiteStore, what: str
) -> None:
    # The empty file is moved away to be replaced by the backup: what was moved is put back
    # unless it is the empty file looked at (a symlink put back is still a symlink).
    target = tmp_path / "backup.db"
    target.touch()
    [pooled] = store._idle  # the one connection the backup will take
    pooled.set_progress_handler(_once(lambda: _put_theirs(target, what)), 1)
    with pytest.raises(FileExistsError, match="replaced or written to by another") as raised:
        anyio.run(store.backup, target)
    said = str(raised.value)
    assert str(target) in said and str(store.path) not in said, said
    assert target.read_bytes() == b"another program's file"
    assert target.is_symlink() is (what == "a symlink")
    left = ["backup.db", "theirs.db"] if what == "a symlink" else ["backup.db"]
    assert _beside(tmp_path) == left


def test_a_file_moved_away_that_cannot_be_put_back_is_kept_and_said_where(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another program's file renamed over the empty one while SQLite writes, then a third file
    # at the destination once the backup moved the second away: the second is never removed.
    target = tmp_path / "backup.db"
    target.touch()
    [pooled] = store._idle
    pooled.set_progress_handler(_once(lambda: _put_theirs(target, "a file")), 1)
    real_lstat = os.lstat

    def third_comes(file: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        if os.path.basename(file) == "was-there" and not os.path.exists(target):
            target.write_bytes(b"a third file")
        return real_lstat(file, *args, **kwargs)

    monkeypatch.setattr(os, "lstat", third_comes)
    with pytest.raises(FileExistsError, match="kept at") as raised:
        anyio.run(store.backup, target)
    monkeypatch.undo()
    kept = Path(str(raised.value).rsplit("kept at ", 1)[1])
    assert kept.read_bytes() == b"another program's file"
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700  # beside, in the private directory
    assert target.read_bytes() == b"a third file"
    assert _beside(tmp_path) == sorted(["backup.db", kept.parent.name])
    assert [p.name for p in kept.parent.iterdir()] == [kept.name]  # the backup's own, removed


def test_a_file_made_where_the_empty_one_was_moved_from_is_kept(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Between moving the empty file away and linking the backup there, another program makes a
    # file there: it is kept, and the empty file, which has no place left, is dropped.
    target = tmp_path / "backup.db"
    target.touch()
    real_lstat = os.lstat

    def theirs_comes(file: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        if os.path.basename(file) == "was-there" and not os.path.exists(target):
            target.write_bytes(b"another program's file")
        return real_lstat(file, *args, **kwargs)

    monkeypatch.setattr(os, "lstat", theirs_comes)
    with pytest.raises(FileExistsError, match="was made by another program") as raised:
        anyio.run(store.backup, target)
    monkeypatch.undo()
    assert str(target) in str(raised.value)
    assert target.read_bytes() == b"another program's file"
    assert _beside(tmp_path) == ["backup.db"]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
@pytest.mark.usefixtures("umask_022")
@pytest.mark.parametrize("meanwhile", ["nothing", "the empty file removed"])
def test_an_empty_file_is_replaced_on_a_file_system_without_hard_links(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch, meanwhile: str
) -> None:
    # FAT (a USB stick) and some network file systems refuse os.link: the backup is renamed.
    target = tmp_path / "backups" / "monday.db"
    target.parent.mkdir()
    target.touch()
    target.chmod(0o644)
    if meanwhile != "nothing":
        [pooled] = store._idle
        pooled.set_progress_handler(_once(target.unlink), 1)

    def no_link(*args: Any, **kwargs: Any) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_link)
    anyio.run(store.backup, target)
    monkeypatch.undo()
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in target.parent.iterdir()} == {
        "monday.db": 0o600
    }
    assert _restored(target) == {"city": "Oslo"}


# --- a new destination, a file there, failures ----------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
@pytest.mark.usefixtures("umask_022")
def test_a_backup_is_a_private_file_of_its_own_that_sqlite_reads(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "attributes.db"
    saved = tmp_path / "backups" / "monday.db"
    saved.parent.mkdir()
    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
        anyio.run(store.backup, saved)
        anyio.run(store.update, "amzn1.ask.account.a", {"city": "Lima"}, ())  # after: not in it
    finally:
        anyio.run(store.aclose)
    assert _modes(saved.parent) == {"monday.db": 0o600}  # no -wal of its own: one file
    restored = SQLiteStore(saved)
    try:
        assert anyio.run(restored.load, "amzn1.ask.account.a") == {"city": "Oslo"}
    finally:
        anyio.run(restored.aclose)
    with contextlib.closing(sqlite3.connect(saved)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_backup_leaves_the_stores_locks(tmp_path: Path) -> None:
    # A copy made by opening the file in the skill's process (shutil.copy) closes a descriptor
    # of it, which drops every POSIX lock of the process on it: the backup goes through SQLite.
    path = tmp_path / "attributes.db"
    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)  # its connection stays open, in the pool
        anyio.run(store.backup, tmp_path / "backup.db")
        taken = subprocess.run(
            [sys.executable, "-c", _TAKE_OVER, str(path)], capture_output=True, text=True
        )
        assert taken.stdout.strip() == "database is locked", taken
    finally:
        anyio.run(store.aclose)


def test_a_backup_overwrites_no_file(tmp_path: Path) -> None:
    path = tmp_path / "attributes.db"
    older = tmp_path / "backup.db"
    older.write_bytes(b"last week's backup")
    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
        with pytest.raises(FileExistsError, match=re.escape(f"{older} is there already")):
            anyio.run(store.backup, older)
        with pytest.raises(FileExistsError, match=re.escape(f"{path} is there already")):
            anyio.run(store.backup, path)  # (its own file)
        with pytest.raises(FileExistsError, match=re.escape(f"{tmp_path} is a directory")):
            anyio.run(store.backup, tmp_path)
        assert anyio.run(store.load, "amzn1.ask.account.a") == {"city": "Oslo"}
    finally:
        anyio.run(store.aclose)
    assert older.read_bytes() == b"last week's backup"


def test_a_backup_into_no_directory_says_so(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "attributes.db")
    try:
        with pytest.raises(FileNotFoundError, match="no directory"):
            anyio.run(store.backup, tmp_path / "missing" / "backup.db")
    finally:
        anyio.run(store.aclose)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="directory modes are POSIX's")
def test_a_backup_into_a_read_only_directory_names_the_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Said as the store's own file being unwritable ("SQLite file …/attributes.db cannot be
    # opened for the backup"), a StoreError: the operator looked at the wrong file.
    path = tmp_path / "attributes.db"
    backups = tmp_path / "backups"
    backups.mkdir()
    backups.chmod(0o555)
    if os.geteuid() == 0:  # root writes there whatever the mode: refused as the kernel would
        real_open = os.open

        def refusing_open(file: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if os.path.dirname(os.fspath(file)) == str(backups) and flags & os.O_CREAT:
                raise PermissionError(13, "Permission denied", os.fspath(file))
            return real_open(file, flags, *args, **kwargs)

        real_mkdir = os.mkdir

        def refusing_mkdir(file: Any, *args: Any, **kwargs: Any) -> None:
            if os.path.dirname(os.fspath(file)) == str(backups):
                raise PermissionError(13, "Permission denied", os.fspath(file))
            real_mkdir(file, *args, **kwargs)

        monkeypatch.setattr(os, "open", refusing_open)
        monkeypatch.setattr(os, "mkdir", refusing_mkdir)  # (backup writes in a directory there)
    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
        with pytest.raises(PermissionError) as raised:
            anyio.run(store.backup, backups / "monday.db")
        assert anyio.run(store.load, "amzn1.ask.account.a") == {"city": "Oslo"}
    finally:
        anyio.run(store.aclose)
        backups.chmod(0o755)
    said = str(raised.value)
    assert f"{backups / 'monday.db'}" in said and str(backups) in said.replace("monday.db", ""), (
        said
    )
    assert f"{path}" not in said
    assert list(backups.iterdir()) == []


@pytest.mark.parametrize("database", [False, True])
def test_a_file_written_at_the_destination_meanwhile_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database: bool
) -> None:
    # Another program writes into the (empty) destination after backup's look at it. When SQLite
    # wrote into it, SQLite refused, said as a generic StoreError ("output file already
    # exists"), or, for a file that is no database, as the store's OWN file damaged; now the
    # backup replaces the empty file only if it is still empty, and puts it back otherwise.
    path = tmp_path / "attributes.db"
    target = tmp_path / "backup.db"
    target.touch()
    written = b"notes, not a database\n" * 200
    if database:  # another program's database, or a backup made at the same moment
        import sqlite3

        with contextlib.closing(sqlite3.connect(tmp_path / "other.db")) as other:
            other.execute("CREATE TABLE notes (line TEXT)")
            other.commit()
        written = (tmp_path / "other.db").read_bytes()
    real_lstat = os.lstat
    looked: list[bool] = []

    def written_after_the_look(file: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        found = real_lstat(file, *args, **kwargs)
        if os.fspath(file) == str(target) and not looked:
            looked.append(True)
            target.write_bytes(written)
        return found

    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
        monkeypatch.setattr(os, "lstat", written_after_the_look)
        with pytest.raises(FileExistsError) as raised:
            anyio.run(store.backup, target)
        monkeypatch.undo()
        assert anyio.run(store.load, "amzn1.ask.account.a") == {"city": "Oslo"}
    finally:
        anyio.run(store.aclose)
    said = str(raised.value)
    assert str(target) in said and str(path) not in said, said
    assert "written to by another program" in said, said
    assert target.read_bytes() == written  # not the backup's: kept
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "other.db") == [
        "attributes.db",
        "backup.db",
    ]


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


def test_a_file_put_at_the_destination_while_the_backup_is_written_is_kept(tmp_path: Path) -> None:
    # The backup is linked into place once written, and linking replaces no file: one another
    # program put there meanwhile is kept, and the backup says so, naming the destination.
    path = tmp_path / "attributes.db"
    target = tmp_path / "backup.db"
    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
        [pooled] = store._idle  # the one connection the backup will take

        put: list[bool] = []

        def put_theirs() -> int:
            if not put:
                put.append(True)
                (tmp_path / "theirs").write_bytes(b"another program's file")
                os.replace(tmp_path / "theirs", target)  # as `mv` does
            return 0  # (SQLite goes on)

        pooled.set_progress_handler(put_theirs, 1)
        with pytest.raises(FileExistsError) as raised:
            anyio.run(store.backup, target)
    finally:
        anyio.run(store.aclose)
    assert str(target) in str(raised.value) and str(path) not in str(raised.value)
    assert target.read_bytes() == b"another program's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["attributes.db", "backup.db"]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
@pytest.mark.usefixtures("umask_022")
def test_a_backup_onto_a_file_system_without_hard_links_is_renamed_into_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # FAT (a USB stick) and some network file systems refuse os.link: the backup is renamed.
    path = tmp_path / "attributes.db"
    target = tmp_path / "backups" / "monday.db"
    target.parent.mkdir()

    def no_link(*args: Any, **kwargs: Any) -> None:
        raise PermissionError(1, "Operation not permitted")

    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
        monkeypatch.setattr(os, "link", no_link)
        anyio.run(store.backup, target)
        monkeypatch.undo()
    finally:
        anyio.run(store.aclose)
    assert _modes(target.parent) == {"monday.db": 0o600}
    restored = SQLiteStore(target)
    try:
        assert anyio.run(restored.load, "amzn1.ask.account.a") == {"city": "Oslo"}
    finally:
        anyio.run(restored.aclose)


@pytest.mark.skipif(os.name != "posix", reason="symlinks are POSIX's")
def test_a_backup_makes_no_file_through_a_symlink_to_no_file(tmp_path: Path) -> None:
    # Decided: refused, not followed. A symlink at the destination may be anyone's who can
    # write to that directory (/tmp, a shared backup directory); followed, it would make a file
    # where they chose, holding values users said, as the skill's user (root, at times). The
    # user whose link it is names the file it points to: os.path.realpath(link).
    path = tmp_path / "attributes.db"
    elsewhere = tmp_path / "volume" / "backup.db"
    elsewhere.parent.mkdir()
    link = tmp_path / "backup.db"
    link.symlink_to(elsewhere)
    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
        with pytest.raises(FileExistsError, match="is a symlink to no file") as raised:
            anyio.run(store.backup, link)
        assert "realpath" in str(raised.value)
        anyio.run(store.backup, os.path.realpath(link))  # what its user does
    finally:
        anyio.run(store.aclose)
    assert link.is_symlink() and os.readlink(link) == str(elsewhere)
    assert _modes(elsewhere.parent) == {"backup.db": 0o600}


@pytest.mark.parametrize("length", [248, 255])  # (255: NAME_MAX, the longest a name may be)
def test_a_backup_at_a_long_name_is_made(tmp_path: Path, store: SQLiteStore, length: int) -> None:
    # SQLite's journal, beside the file written in the private directory, took its name and
    # "-journal": past 255 bytes, so a backup to a name of 248 characters or more failed with
    # a PermissionError saying this process "needs write access".
    target = tmp_path / ("b" * (length - 3) + ".db")
    anyio.run(store.backup, target)
    assert _beside(tmp_path) == [target.name]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    # (read under a short name: a store at the long one needs its own journal beside it)
    restored = target.rename(tmp_path / "restored.db")
    assert _restored(restored) == {"city": "Oslo"}


@pytest.fixture
def vacuums(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The destinations SQLite was asked to write a backup into, none of them written: a spy in
    place of ``VACUUM INTO``, and of the private directory made for it (``mkdir``)."""
    from alexaskill.store import sqlite_backup

    asked: list[str] = []
    real_mkdir = os.mkdir

    def mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
        asked.append(f"mkdir {os.fspath(path)}")
        real_mkdir(path, *args, **kwargs)

    def vacuum_into(connection: object, written: str, target: str) -> None:
        asked.append(f"VACUUM INTO {written}")

    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr(sqlite_backup, "_vacuum_into", vacuum_into)
    return asked


@pytest.mark.parametrize("name", ["b" * 253 + ".db", "é" * 127 + ".db"])  # 256 and 257 bytes
def test_a_backup_at_a_name_too_long_is_refused_before_any_work(
    tmp_path: Path, store: SQLiteStore, vacuums: list[str], name: str
) -> None:
    # Refused only once VACUUM INTO had copied every attribute into the private directory, when
    # the finished backup could not be linked at a name past the file system's 255 bytes: the
    # work, and the disk it took, were wasted.
    target = tmp_path / name
    with pytest.raises(OSError, match="cannot be made") as raised:
        anyio.run(store.backup, target)
    said = str(raised.value)
    assert str(target) in said and "too long" in said and str(store.path) not in said, said
    assert vacuums == []
    assert _beside(tmp_path) == []
    assert anyio.run(store.load, "amzn1.ask.account.a") == {"city": "Oslo"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX's")
def test_a_backup_onto_a_fifo_is_refused_before_any_work(
    tmp_path: Path, store: SQLiteStore, vacuums: list[str]
) -> None:
    # SQLite was handed the FIFO by its path, as a device: how opening and writing one behaves
    # is the platform's (a blocked open or write holds the backup's connection). SQLite 3.40
    # here refused it after the look, "unable to open database", said as the store's OWN file's
    # disk I/O error (a StoreError naming the wrong file).
    fifo = tmp_path / "backup.db"
    os.mkfifo(fifo)
    with pytest.raises(FileExistsError, match=re.escape(f"{fifo} is a FIFO")) as raised:
        anyio.run(store.backup, fifo)
    assert "name a new file" in str(raised.value)
    assert vacuums == []
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert _beside(tmp_path) == ["backup.db"]


@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
def test_a_backup_onto_a_device_is_refused_before_any_work(
    store: SQLiteStore, vacuums: list[str], device: str
) -> None:
    # SQLite was handed it by its path, and the disk I/O errors of writing it (its fsync) were
    # said as the destination's: no backup is kept in a device, nor is it the backup's.
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    with pytest.raises(FileExistsError, match=re.escape(f"{device} is a character device")):
        anyio.run(store.backup, device)
    assert vacuums == []


def test_a_backup_through_a_file_in_its_path_says_which_is_no_directory(
    tmp_path: Path, store: SQLiteStore, vacuums: list[str]
) -> None:
    # Said "cannot be made: no directory …/notes.txt/2031": it read as missing, where a file
    # named as one of its directories is there, in the way.
    (tmp_path / "notes.txt").write_text("not a directory")
    target = tmp_path / "notes.txt" / "2031" / "backup.db"
    with pytest.raises(NotADirectoryError) as raised:
        anyio.run(store.backup, target)
    said = str(raised.value)
    assert said == (
        f"SQLiteStore.backup: {target} cannot be made (Not a directory): a part of "
        f"{target.parent} is a file, not a directory"
    ), said
    assert vacuums == []
    assert _beside(tmp_path) == ["notes.txt"]


@pytest.mark.skipif(os.name != "posix", reason="symlinks are POSIX's")
def test_a_backup_through_a_symlink_loop_says_so(
    tmp_path: Path, store: SQLiteStore, vacuums: list[str]
) -> None:
    # Said "cannot be made: no directory …/loop": the symlink is there, and leads to itself.
    (tmp_path / "loop").symlink_to("loop")
    target = tmp_path / "loop" / "backup.db"
    with pytest.raises(OSError, match="cannot be made") as raised:
        anyio.run(store.backup, target)
    said = str(raised.value)
    assert said.startswith(f"SQLiteStore.backup: {target} cannot be made (Too many levels"), said
    assert f"the symlinks in {tmp_path / 'loop'} loop" in said, said
    assert "no directory" not in said and str(store.path) not in said, said
    assert vacuums == []
    assert _beside(tmp_path) == ["loop"]


@pytest.mark.skipif(os.name != "posix", reason="directory modes are POSIX's")
@pytest.mark.parametrize(
    ("mode", "below"), [(0o600, ""), (0o000, "2031")], ids=["not-searchable", "below-one"]
)
def test_a_backup_in_a_directory_it_may_not_search_says_so_before_any_work(
    tmp_path: Path,
    store: SQLiteStore,
    vacuums: list[str],
    monkeypatch: pytest.MonkeyPatch,
    mode: int,
    below: str,
) -> None:
    # A directory this process may write to but not search (0600) was taken as holding nothing
    # at the name: the private directory's mkdir was tried, said as a want of WRITE access to
    # it; one below a directory it may not enter (0000) was said to be no directory at all.
    locked = tmp_path / "locked"
    (locked / "2031").mkdir(parents=True)
    vacuums.clear()  # (the spy saw these made)
    target = locked / below / "backup.db" if below else locked / "backup.db"
    if os.geteuid() == 0:  # root searches any directory: refused as the kernel would another user
        for name in ("stat", "lstat"):
            real = getattr(os, name)

            def refusing(path: Any, *args: Any, real: Any = real, **kwargs: Any) -> Any:
                if os.fspath(path).startswith(f"{locked}{os.sep}"):
                    raise PermissionError(13, "Permission denied", os.fspath(path))
                return real(path, *args, **kwargs)

            monkeypatch.setattr(os, name, refusing)
    locked.chmod(mode)
    try:
        with pytest.raises(PermissionError) as raised:
            anyio.run(store.backup, target)
    finally:
        locked.chmod(0o755)
    said = str(raised.value)
    assert said == (
        f"SQLiteStore.backup: {target} cannot be looked at (Permission denied): this process "
        f"needs search (x) access to {target.parent} and to each directory above it"
    ), said
    assert vacuums == []
    assert sorted(p.name for p in locked.iterdir()) == ["2031"]
    assert anyio.run(store.load, "amzn1.ask.account.a") == {"city": "Oslo"}
