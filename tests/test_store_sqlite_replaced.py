"""`SQLiteStore`'s file deleted, replaced or restored while a skill serves and the store has it
open: made afresh, or the new one read and written, never a write unseen; damage told how to
restore safely. (Serving on one file: test_store_sqlite_serving.py.)"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from alexaskill.exceptions import StoreError
from alexaskill.store import SQLiteStore

#: The store's file and the two SQLite keeps beside it (WAL mode).
FILES = ("attributes.db", "attributes.db-wal", "attributes.db-shm")


async def _saved(path: Path, values: dict[str, Any], close: bool = False) -> SQLiteStore:
    """A store on ``path`` with ``values`` saved for "user"; closed if ``close`` (its next call
    opens the file again)."""
    store = SQLiteStore(path)
    await store.update("user", values, ())
    if close:
        await store.aclose()
    return store


async def _read_anew(path: Path) -> dict[str, Any]:
    """What a store opened afresh on ``path`` (another worker, the next restart) reads."""
    other = SQLiteStore(path)
    try:
        return await other.load("user")
    finally:
        await other.aclose()


def _delete(folder: Path, names: tuple[str, ...]) -> None:
    for name in names:
        (folder / name).unlink(missing_ok=True)


@pytest.mark.anyio
async def test_a_sqlite_file_deleted_while_open_is_made_afresh_not_written_unseen(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The pooled connections went on writing to the deleted file: every later save was lost,
    # without a word, for whoever opened the path (another worker, the next restart).
    path = tmp_path / "attributes.db"
    store = await _saved(path, {"old": 1})
    _delete(tmp_path, FILES)
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        await store.update("user", {"new": 2}, ())
    assert "was deleted while the store had it open" in caplog.text
    assert await store.load("user") == {"new": 2}
    assert await _read_anew(path) == {"new": 2}
    await store.aclose()


@pytest.mark.anyio
async def test_a_sqlite_file_replaced_while_open_is_the_one_read_and_written(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A backup restored over the file (os.replace): the store read and wrote the old one.
    path = tmp_path / "attributes.db"
    await _saved(tmp_path / "backup.db", {"restored": True}, close=True)
    store = await _saved(path, {"lost": 1})
    os.replace(tmp_path / "backup.db", path)
    _delete(tmp_path, FILES[1:])
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert await store.load("user") == {"restored": True}
    assert "was replaced while the store had it open" in caplog.text
    assert "-wal and -shm files removed" in caplog.text
    await store.update("user", {"after": 2}, ())
    assert await _read_anew(path) == {"restored": True, "after": 2}
    await store.aclose()


@pytest.mark.anyio
async def test_a_sqlite_file_deleted_after_the_store_closed_is_no_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Closed (a test client's end), the store had no connection to the file: a test deleting
    # it before the next one is no file "deleted while the store had it open". And the next
    # load failed, "no such table": the store had set the file up once, and never again.
    store = await _saved(tmp_path / "attributes.db", {"old": 1}, close=True)
    _delete(tmp_path, FILES)
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert await store.load("user") == {}
    assert "while the store had it open" not in caplog.text
    await store.aclose()


@pytest.mark.anyio
async def test_a_late_stat_of_the_file_replaced_is_no_second_replacement(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two threads stat the path around a replacement: the one that saw the old file took the
    # lock second, called the new file "replaced" by the old one (a second warning, the pool
    # closed again) and kept the old file's identity, so the next call warned a third time.
    from alexaskill.store import sqlite as sqlite_module
    from alexaskill.store.sqlite_file import _identity

    path = tmp_path / "attributes.db"
    store = await _saved(path, {"old": 1})
    stale = _identity(str(path))
    os.replace(path, tmp_path / "moved.db")
    _delete(tmp_path, FILES[1:])
    await _saved(path, {"new": 2}, close=True)
    real = _identity
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert await store.load("user") == {"new": 2}  # the replacement seen: one warning
        late = iter([stale])  # the next call's stat, taken before the replacement
        monkeypatch.setattr(sqlite_module, "_identity", lambda p: next(late, None) or real(p))
        assert await store.load("user") == {"new": 2}
        assert await store.load("user") == {"new": 2}
    assert caplog.text.count("while the store had it open") == 1
    await store.aclose()


@pytest.mark.anyio
async def test_a_file_deleted_while_another_call_sets_it_up_is_set_up_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A call setting the old file up (its table) finished after another had seen the file
    # deleted and forgotten it: it marked the store set up, so the new file never got its table
    # and every call failed "no such table".
    # (Closed: the next connection sets the file up again.)
    store = await _saved(tmp_path / "attributes.db", {"old": 1}, close=True)
    set_up = SQLiteStore._set_up

    def deleted_meanwhile(self: SQLiteStore, connection: sqlite3.Connection) -> None:
        set_up(self, connection)
        monkeypatch.setattr(SQLiteStore, "_set_up", set_up)
        _delete(tmp_path, FILES)
        with self._lock:  # what another thread's call does on seeing the file gone
            self._forget_file(deleted=True)
            self._file = None

    monkeypatch.setattr(SQLiteStore, "_set_up", deleted_meanwhile)
    assert await store.load("user") == {"old": 1}  # read from the file it had open
    assert await store.load("user") == {}
    await store.update("user", {"new": 2}, ())
    assert await store.load("user") == {"new": 2}
    await store.aclose()


@pytest.mark.anyio
async def test_a_backup_restored_through_sqlite_while_serving_is_read_and_kept(
    tmp_path: Path,
) -> None:
    # A backup copied over the file in place (cp, the same inode) is seen by no one while the
    # -wal holds pages: they were read over the copy's, and the next save failed "malformed"
    # (probed). The way the store's messages give, SQLite's backup API, is safe while serving.
    backup_path = tmp_path / "backup.db"
    await _saved(backup_path, {"restored": True}, close=True)
    store = SQLiteStore(tmp_path / "attributes.db")
    for i in range(20):
        await store.update(f"user{i}", {"lost": i, "pad": "x" * 300}, ())
    assert os.path.getsize(tmp_path / "attributes.db-wal") > 0  # the pages are in the -wal
    source = sqlite3.connect(backup_path)
    target = sqlite3.connect(tmp_path / "attributes.db")
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    assert await store.load("user") == {"restored": True}
    assert await store.load("user3") == {}
    await store.update("user", {"after": 2}, ())
    await store.aclose()
    check = sqlite3.connect(tmp_path / "attributes.db")
    try:
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        check.close()
    assert await _read_anew(tmp_path / "attributes.db") == {"restored": True, "after": 2}


@pytest.mark.anyio
async def test_a_damaged_or_replaced_sqlite_file_is_told_how_to_restore_safely(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The message said "restore it from a backup": copied over the file while the skill runs,
    # the old -wal's pages are read over the copy's, and it is damaged again.
    garbage = tmp_path / "garbage.db"
    broken = SQLiteStore(garbage)
    # Damaged once the store is made (a file no database when it is made is refused then).
    garbage.write_bytes(b"not a database at all " * 200)
    with pytest.raises(StoreError) as info:
        await broken.load("u")
    await broken.aclose()
    assert f"sqlite3 {garbage} '.restore BACKUP'" in str(info.value)
    assert "never copy a file over it while it is open" in str(info.value)
    path = tmp_path / "attributes.db"
    store = await _saved(path, {"old": 1})
    await _saved(tmp_path / "fresh.db", {"new": 1}, close=True)
    os.replace(tmp_path / "fresh.db", path)
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        await store.load("user")
    assert "was replaced while the store had it open" in caplog.text
    assert f"sqlite3 {path} '.restore BACKUP'" in caplog.text
    await store.aclose()


@pytest.mark.anyio
async def test_a_sqlite_file_replaced_beside_the_old_wal_is_warned_it_may_read_the_old_values(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A backup moved over the file while the skill runs, the old file's -wal left beside it:
    # SQLite reads that -wal's pages over the backup's (here the old values come back), and
    # the warning said the store "opens the file now at that path", as if the backup were read.
    path = tmp_path / "attributes.db"
    await _saved(tmp_path / "backup.db", {"restored": True}, close=True)
    store = await _saved(path, {"old": 1})
    os.replace(tmp_path / "backup.db", path)
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        await store.load("user")
    await store.aclose()
    assert "was replaced while the store had it open" in caplog.text
    assert f"the old file's -wal ({path}-wal) is still beside it" in caplog.text
    assert "may be the old file's or damaged" in caplog.text
