"""What the backup tests (tests/test_store_backup*.py) share: a store with one user's attributes
saved, a backup read back, and what a backup left beside the store's files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from alexaskill.store import SQLiteStore


# Named apart from the fixture, so that a module importing it may take a parameter `store`.
@pytest.fixture(name="store")
def store_fixture(tmp_path: Path) -> Iterator[SQLiteStore]:
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
