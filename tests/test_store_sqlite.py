"""`SQLiteStore`'s files: who may read them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

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
