"""`SQLiteStore.backup` at a name it cannot make: a long name made, the rest refused before any
work, saying why."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import anyio
import pytest

from alexaskill.store import SQLiteStore

# store_fixture: the fixture `store`, a store with one user's attributes saved
from .store_backup_shared import _beside, _restored, store_fixture  # noqa: F401


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
    (tmp_path / "notes.txt").write_text("not a directory", encoding="utf-8")
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
