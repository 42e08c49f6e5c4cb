"""`SQLiteStore`'s files: who may read them."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from alexaskill.store import SQLiteStore


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which a file made with mode 0644 is readable by every user."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _modes(directory: Path) -> dict[str, int]:
    return {path.name: stat.S_IMODE(path.stat().st_mode) for path in directory.iterdir()}


async def _save_and_load(store: SQLiteStore) -> None:
    await store.update("amzn1.ask.account.a", {"city": "Oslo"}, ())
    assert await store.load("amzn1.ask.account.a") == {"city": "Oslo"}


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
@pytest.mark.usefixtures("umask_022")
def test_the_file_the_store_makes_is_the_owners_alone_with_its_wal_and_shm(tmp_path: Path) -> None:
    # SQLite made the file 0644 under the usual umask: every local user could read the user
    # ids and attributes. SQLite gives the -wal and -shm files (and a -journal) the mode of the
    # database file, so they follow it.
    path = tmp_path / "attributes.db"
    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
        modes = _modes(tmp_path)
    finally:
        anyio.run(store.aclose)
    assert modes == {"attributes.db": 0o600, "attributes.db-wal": 0o600, "attributes.db-shm": 0o600}


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
@pytest.mark.usefixtures("umask_022")
def test_a_file_deleted_while_served_is_made_again_the_owners_alone(tmp_path: Path) -> None:
    path = tmp_path / "attributes.db"
    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
        for name in ("attributes.db", "attributes.db-wal", "attributes.db-shm"):
            (tmp_path / name).unlink()
        anyio.run(_save_and_load, store)
        assert _modes(tmp_path)["attributes.db"] == 0o600
    finally:
        anyio.run(store.aclose)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
@pytest.mark.usefixtures("umask_022")
def test_a_file_that_is_there_keeps_its_mode(tmp_path: Path) -> None:
    # The owner's choice (a group that reads it for backups, say): not changed behind their back.
    path = tmp_path / "attributes.db"
    path.touch(mode=0o640)
    path.chmod(0o640)
    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
        modes = _modes(tmp_path)
    finally:
        anyio.run(store.aclose)
    assert modes == {"attributes.db": 0o640, "attributes.db-wal": 0o640, "attributes.db-shm": 0o640}


_TAKE_OVER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)
try:
    print(connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0])
except sqlite3.OperationalError as exc:
    print(exc)
"""


def test_a_second_store_of_an_open_file_leaves_the_first_ones_locks(tmp_path: Path) -> None:
    # Making a store read the file's first bytes through a descriptor of its own, then closed
    # it: closing any descriptor of a file drops every POSIX lock the process holds on it
    # (SQLite's "How To Corrupt", 2.2), so the first store's open connection lost its shared
    # lock. Another process could then take the file (here: leave WAL mode, which checkpoints
    # and deletes the -wal) while that connection still wrote to the -wal: saves lost silently.
    path = tmp_path / "attributes.db"
    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)  # its connection stays open, in the pool
        SQLiteStore(path)
        taken = subprocess.run(
            [sys.executable, "-c", _TAKE_OVER, str(path)], capture_output=True, text=True
        )
        assert taken.stdout.strip() == "database is locked", taken
    finally:
        anyio.run(store.aclose)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
@pytest.mark.usefixtures("umask_022")
def test_the_file_is_the_owners_alone_from_the_moment_sqlite_opens_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite made the file 0644 and the store changed it to 0600 afterwards: another local user
    # who opened it in between kept a descriptor that read every attribute saved later.
    import sqlite3

    path = tmp_path / "attributes.db"
    opened: list[int] = []
    connect = sqlite3.connect

    def spy(database: str, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection: sqlite3.Connection = connect(database, *args, **kwargs)
        if database == str(path):
            opened.append(stat.S_IMODE(path.stat().st_mode))
        return connection

    monkeypatch.setattr(sqlite3, "connect", spy)
    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
    finally:
        anyio.run(store.aclose)
    assert opened == [0o600]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
@pytest.mark.usefixtures("umask_022")
def test_a_symlink_to_no_file_yet_gets_a_private_file_where_it_points(tmp_path: Path) -> None:
    # A symlink counted as a file there: SQLite made the file it points to, left 0644.
    (tmp_path / "data").mkdir()
    link = tmp_path / "attributes.db"
    link.symlink_to(tmp_path / "data" / "attributes.db")
    store = SQLiteStore(link)
    try:
        anyio.run(_save_and_load, store)
        modes = _modes(tmp_path / "data")
    finally:
        anyio.run(store.aclose)
    assert link.is_symlink()
    assert modes == {"attributes.db": 0o600, "attributes.db-wal": 0o600, "attributes.db-shm": 0o600}


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
@pytest.mark.usefixtures("umask_022")
@pytest.mark.parametrize("mode", [0o644, 0o640])
def test_a_file_a_symlink_points_to_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    # The owner's file, even an empty one (`touch`): never changed through a symlink.
    target = tmp_path / "elsewhere.db"
    target.touch()
    target.chmod(mode)
    link = tmp_path / "attributes.db"
    link.symlink_to(target)
    store = SQLiteStore(link)
    try:
        anyio.run(_save_and_load, store)
    finally:
        anyio.run(store.aclose)
    assert link.is_symlink() and stat.S_IMODE(target.stat().st_mode) == mode


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
def test_a_file_made_by_another_process_meanwhile_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another worker may make the file between the store's look and its own making: the store
    # takes that one, its mode and what it holds, and never puts a file of its own over it.
    path = tmp_path / "attributes.db"
    other = SQLiteStore(path)
    try:
        anyio.run(other.update, "amzn1.ask.account.b", {"city": "Rome"}, ())
    finally:
        anyio.run(other.aclose)
    path.chmod(0o640)
    for looking in ("exists", "lexists"):  # not there when the store looks
        real = getattr(os.path, looking)
        monkeypatch.setattr(os.path, looking, lambda p, real=real: p != str(path) and real(p))
    store = SQLiteStore(path)
    try:
        assert anyio.run(store.load, "amzn1.ask.account.b") == {"city": "Rome"}
    finally:
        anyio.run(store.aclose)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    # (nothing of the store's own left beside it; SQLite removed the -wal and -shm on closing)
    assert [p.name for p in tmp_path.iterdir()] == ["attributes.db"]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
@pytest.mark.usefixtures("umask_022")
def test_where_files_cannot_be_linked_the_file_sqlite_makes_is_made_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file system without hard links: the file cannot be made first, so it is made private
    # as soon as SQLite has made it, and nothing is left beside it.
    def no_link(source: str, destination: str) -> None:
        raise PermissionError(1, "Operation not permitted", destination)

    monkeypatch.setattr(os, "link", no_link)
    path = tmp_path / "attributes.db"
    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
        modes = _modes(tmp_path)
    finally:
        anyio.run(store.aclose)
    assert modes == {"attributes.db": 0o600, "attributes.db-wal": 0o600, "attributes.db-shm": 0o600}


# --- backup: through SQLite, while the skill serves ------------------------------------------


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


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_a_backup_onto_a_full_disk_names_the_destination(tmp_path: Path) -> None:
    # /dev/full: an empty file whose every write fails with ENOSPC. The store's file, on
    # another disk, was said to be the one full.
    path = tmp_path / "attributes.db"
    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
        with pytest.raises(OSError) as raised:
            anyio.run(store.backup, "/dev/full")
        assert anyio.run(store.load, "amzn1.ask.account.a") == {"city": "Oslo"}
    finally:
        anyio.run(store.aclose)
    said = str(raised.value)
    assert "/dev/full" in said and "full" in said.replace("/dev/full", "") and str(path) not in said


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
