"""`SQLiteStore.backup` into an empty file at the destination: replaced by a private file, and
what another program puts there meanwhile is kept."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest

from alexaskill.store import SQLiteStore

# store_fixture: the fixture `store`, a store with one user's attributes saved
from .store_backup_shared import _beside, _restored, store_fixture  # noqa: F401


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
