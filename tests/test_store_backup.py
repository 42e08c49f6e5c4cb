"""`SQLiteStore.backup` (`alexaskill.store.sqlite_backup`): where the backup lands, and whose it is.

The backup made through SQLite while the skill serves: a new destination, a file there. Into an
empty file: test_store_backup_empty_file.py; failures: test_store_backup_failures.py; what is
refused before any work: test_store_backup_refused.py.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

from alexaskill.store import SQLiteStore

from .store_shared import _TAKE_OVER, _modes, _save_and_load

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
            [sys.executable, "-c", _TAKE_OVER, str(path)],
            capture_output=True,
            text=True,
            encoding="utf-8",
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
