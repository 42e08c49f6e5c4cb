"""`SQLiteStore`'s files: who may read them. Its backups: test_store_backup*.py."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

from alexaskill.store import SQLiteStore

from .store_shared import _TAKE_OVER, _modes, _save_and_load


def _modes_after_a_save(path: Path) -> dict[str, int]:
    """The modes of the files beside ``path`` once a store of ``path`` saved and loaded a value
    (read before the store is closed: its -wal and -shm files are there)."""
    store = SQLiteStore(path)
    try:
        anyio.run(_save_and_load, store)
        return _modes(path.parent)
    finally:
        anyio.run(store.aclose)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
@pytest.mark.usefixtures("umask_022")
def test_the_file_the_store_makes_is_the_owners_alone_with_its_wal_and_shm(tmp_path: Path) -> None:
    # SQLite made the file 0644 under the usual umask: every local user could read the user
    # ids and attributes. SQLite gives the -wal and -shm files (and a -journal) the mode of the
    # database file, so they follow it.
    modes = _modes_after_a_save(tmp_path / "attributes.db")
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
    modes = _modes_after_a_save(path)
    assert modes == {"attributes.db": 0o640, "attributes.db-wal": 0o640, "attributes.db-shm": 0o640}


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
            [sys.executable, "-c", _TAKE_OVER, str(path)],
            capture_output=True,
            text=True,
            encoding="utf-8",
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
    modes = _modes_after_a_save(tmp_path / "attributes.db")
    assert modes == {"attributes.db": 0o600, "attributes.db-wal": 0o600, "attributes.db-shm": 0o600}


def test_a_call_after_the_first_reads_anyios_run_sync_from_anyio(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # anyio's run_sync was kept from the first call: one set later (as a test sets one) was
    # never called, which made such a test pass or fail by whether another test's store call
    # had come first in its process (the DynamoDB store's alike, e4cab7c8).
    import anyio.to_thread

    store = SQLiteStore(tmp_path / "a.db")
    try:
        anyio.run(store.load, "user")  # the first call
        real = anyio.to_thread.run_sync
        hops: list[str] = []

        async def recording(func: Any, *args: Any, **kwargs: Any) -> Any:
            hops.append(getattr(func, "__name__", "?"))
            return await real(func, *args, **kwargs)

        monkeypatch.setattr(anyio.to_thread, "run_sync", recording)
        anyio.run(store.load, "user")
        assert hops
    finally:
        monkeypatch.undo()
        anyio.run(store.aclose)
