"""`SQLiteStore.backup` (`alexaskill.store.sqlite_backup`): where the backup lands, and whose it is.

The older backup tests (a new destination, a file there, failures) are in test_store_sqlite.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from alexaskill.store import SQLiteStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    """A store with one user's attributes saved, its one connection idle in the pool."""
    made = SQLiteStore(tmp_path / "attributes.db")
    try:
        anyio.run(made.update, "amzn1.ask.account.a", {"city": "Oslo"}, ())
        yield made
    finally:
        anyio.run(made.aclose)


def _beside(directory: Path) -> list[str]:
    """What is in ``directory`` but the store's files (a backup's leftovers, say)."""
    return sorted(p.name for p in directory.iterdir() if not p.name.startswith("attributes.db"))


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
