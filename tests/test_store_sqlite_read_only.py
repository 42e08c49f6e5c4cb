"""`SQLiteStore` on a file, or in a directory, this process may not write: a load reads what
SQLite can read, and a failure says which of the two is read-only."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from alexaskill.store import SQLiteStore

from .unprivileged import run_unprivileged

# Run in a process of its own (`run_unprivileged`): root writes any file.
_SCRIPT = """
import asyncio, json, sys
from alexaskill.store import SQLiteStore

async def main():
    store = SQLiteStore(sys.argv[1])
    said = {}
    try:
        for doing in ("load", "save", "load again"):
            try:
                if doing == "save":
                    await store.update("user", {"b": 2}, ())
                    said[doing] = "saved"
                else:
                    said[doing] = await store.load("user")
            except Exception as exc:
                said[doing] = f"{type(exc).__name__}: {exc}"
    finally:
        await store.aclose()
    print(json.dumps(said))

asyncio.run(main())
"""


def _unprivileged(path: Path) -> dict[str, Any]:
    """What a load, a save and a load again of ``path`` gave, in a process that may write only
    what its file modes let it."""
    said: dict[str, Any] = json.loads(run_unprivileged(_SCRIPT, str(path)))
    return said


def _made(tmp_path: Path, journal: str) -> Path:
    """A store's file holding {"a": 1} for "user", in ``journal`` mode (another program may
    have made it so), its connections closed."""
    path = tmp_path / "data" / "attributes.db"
    path.parent.mkdir()

    async def save() -> None:
        store = SQLiteStore(path)
        try:
            await store.update("user", {"a": 1}, ())
        finally:
            await store.aclose()

    asyncio.run(save())
    if journal != "wal":
        with sqlite3.connect(path) as connection:
            connection.execute(f"PRAGMA journal_mode={journal}")
        connection.close()
    return path


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_read_only_file_loads_and_a_save_says_the_file_is_read_only(
    tmp_path: Path, journal: str
) -> None:
    # A file in rollback-journal mode (another program's, or copied so) failed its first load,
    # "the load may not write": the store's set-up switched it to WAL, a write.
    path = _made(tmp_path, journal)
    path.chmod(0o444)
    try:
        said = _unprivileged(path)
    finally:
        path.chmod(0o644)
    assert said["load"] == {"a": 1}
    assert said["load again"] == {"a": 1}
    assert said["save"].startswith(f"StoreError: SQLite file {path} is read-only to this process")
    assert "may not write" not in said["save"]


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_file_in_a_read_only_directory_says_the_directory_is_read_only(
    tmp_path: Path, journal: str
) -> None:
    # SQLite makes the -wal and -shm files beside the file, and the -journal of a save: a
    # file in WAL mode cannot even be read where it cannot make them.
    path = _made(tmp_path, journal)
    path.parent.chmod(0o555)
    try:
        said = _unprivileged(path)
    finally:
        path.parent.chmod(0o755)
    if journal == "wal":
        assert said["load"].startswith(f"StoreError: SQLite file {path}: its directory ")
        assert said["load"] == said["load again"]
    else:
        assert said["load"] == said["load again"] == {"a": 1}
    assert said["save"].startswith(f"StoreError: SQLite file {path}: its directory ")
    assert f"{path.parent} is read-only to this process" in said["save"]


def test_a_file_left_in_its_journal_mode_is_set_up_once_not_at_each_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file this process may not write, in rollback-journal mode, is left as it is: its set-up
    # (the journal mode read, the table, under the set-up lock) reported it not done, and ran
    # again for each connection the pool opened, nothing having changed. Now again only once
    # the file may be written (then switched to WAL). Read-only as `_writable` sees it, so that
    # the test needs no process without root's capabilities (as the tests above do).
    from alexaskill.store import sqlite as sqlite_module

    path = _made(tmp_path, "delete")
    writable = False
    monkeypatch.setattr(sqlite_module, "_writable", lambda _path: writable)
    set_ups: list[bool] = []
    set_up = SQLiteStore._set_up

    def counted(self: SQLiteStore, connection: sqlite3.Connection) -> bool:
        set_ups.append(done := set_up(self, connection))
        return done

    monkeypatch.setattr(SQLiteStore, "_set_up", counted)
    store = SQLiteStore(path)
    try:
        assert asyncio.run(store.load("user")) == {"a": 1}
        held = [store._acquire() for _ in range(3)]  # the pooled one, and two opened
        for connection, generation in held:
            store._release(connection, generation)
        assert set_ups == [False]
        writable = True  # the file may be written now: the next connection switches it
        held = [store._acquire() for _ in range(4)]  # the three pooled, and one opened
        for connection, generation in held:
            store._release(connection, generation)
        assert set_ups == [False, True]
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        connection.close()
    finally:
        asyncio.run(store.aclose())
