"""Tests for alexaskill.worker_ends: a worker of bare ``uvicorn --workers N`` notes itself (only
there, and not on Windows), says a worker that ended without removing its note, and starts all
the same when it cannot note itself; its notes are its user's alone and go at its exit. (Split from
tests/test_cli_serve_workers.py, which runs the supervisors themselves.)"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest


def test_a_worker_notes_itself_only_under_uvicorns_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from alexaskill import worker_ends

    def note(workers: int, parent: object | None, serve: bool = False) -> None:
        monkeypatch.setattr(worker_ends, "_checked", False)
        monkeypatch.setattr(multiprocessing, "parent_process", lambda: parent)
        if serve:
            monkeypatch.setenv("_ALEXASKILL_SERVE_SEAL", "sealed")
        else:
            monkeypatch.delenv("_ALEXASKILL_SERVE_SEAL", raising=False)
        worker_ends.note_worker(SimpleNamespace(workers=workers))

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(worker_ends, "_noted", None)
    note(1, object())  # one process: no supervisor
    note(2, None)  # not a process of multiprocessing's
    note(2, object(), serve=True)  # `alexaskill serve`: its supervisor says it
    assert list(tmp_path.iterdir()) == []
    note(2, object())
    [directory] = list(tmp_path.iterdir())
    assert [p.name for p in directory.iterdir()] == [str(os.getpid())]
    # A worker of this supervisor that ended without removing its note, and one still there.
    # (Not a server, so not conftest's Servers: a process that has ended, for its unused PID.)
    gone = subprocess.Popen([sys.executable, "-c", ""])
    gone.wait()
    (directory / str(gone.pid)).touch()
    (directory / "1").touch()  # init: running
    with caplog.at_level("ERROR", logger="alexaskill.server"):
        note(2, object())
    [said] = [r.getMessage() for r in caplog.records]
    assert said.startswith(f"worker process [{gone.pid}] ended without shutting down"), said
    # As `alexaskill serve` says a SIGKILL (test_cli_serve_workers.py's test_how_a_worker_ended):
    # an operator's kill -KILL of a worker hung as it starts was said as perhaps out of memory.
    assert (
        "(killed: by uvicorn, its health check unanswered, or by the kernel's out-of-memory "
        "killer, if its log says so, or someone's kill -KILL; or it crashed); uvicorn started "
        f"[{os.getpid()}] in its place"
    ) in said, said
    assert sorted(p.name for p in directory.iterdir()) == sorted(["1", str(os.getpid())])
    worker_ends.forget_worker()
    assert [p.name for p in directory.iterdir()] == ["1"]


def _note_as_a_worker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """`note_worker` as in a worker of uvicorn's supervisor, its notes under ``tmp_path``."""
    from alexaskill import worker_ends

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(worker_ends, "_noted", None)
    monkeypatch.setattr(worker_ends, "_checked", False)
    monkeypatch.setattr(multiprocessing, "parent_process", lambda: object())
    monkeypatch.delenv("_ALEXASKILL_SERVE_SEAL", raising=False)
    return worker_ends


def test_a_worker_that_cannot_note_itself_starts_all_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # No writable temporary directory (a read-only root filesystem): gettempdir raised out of
    # the lifespan's start, and uvicorn (--lifespan auto) served without the skill's lifespan.
    worker_ends = _note_as_a_worker(monkeypatch, tmp_path)

    def no_temporary_directory() -> str:
        raise FileNotFoundError(2, "No usable temporary directory found")

    monkeypatch.setattr(tempfile, "gettempdir", no_temporary_directory)
    with caplog.at_level("DEBUG", logger="alexaskill.server"):
        worker_ends.note_worker(SimpleNamespace(workers=2))
    [said] = [r for r in caplog.records if r.name == "alexaskill.server"]
    assert said.levelname == "DEBUG"
    assert "No usable temporary directory" in said.getMessage()
    assert worker_ends._noted is None
    worker_ends.forget_worker()  # nothing noted: nothing to forget


def test_no_worker_notes_itself_on_windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # On Windows signal 0 is CTRL_C_EVENT: os.kill(pid, 0) sends a Ctrl+C to the process
    # group pid (which can stop the server) rather than ask whether the process is there.
    worker_ends = _note_as_a_worker(monkeypatch, tmp_path)
    run = tmp_path / "alexaskill-workers-noted"
    run.mkdir()
    (run / "4242").touch()
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(run.parent))
    monkeypatch.setattr(Path, "iterdir", lambda self: iter([self / "4242"]))
    killed: list[tuple[int, int]] = []
    monkeypatch.setattr(os, "kill", lambda pid, sig: killed.append((pid, sig)))
    monkeypatch.setattr(sys, "platform", "win32")
    worker_ends.note_worker(SimpleNamespace(workers=2))
    assert killed == []
    assert worker_ends._noted is None
    assert sorted(p.name for p in tmp_path.glob("*")) == ["alexaskill-workers-noted"]


@pytest.mark.parametrize("when", ["iterdir", "touch"])
def test_a_worker_notes_itself_when_the_last_one_took_the_directory_meanwhile(
    when: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another worker's forget_worker, its lifespan ending, removes the directory (empty to
    # it) after this worker's mkdir, before it lists it or makes its note: the note went
    # unmade.
    worker_ends = _note_as_a_worker(monkeypatch, tmp_path)
    method = getattr(Path, when)
    removed: list[Path] = []

    def once_removed(self: Path, *args: Any, **kwargs: Any) -> Any:
        if not removed:
            directory = self if when == "iterdir" else self.parent
            removed.append(directory)
            directory.rmdir()
        return method(self, *args, **kwargs)

    monkeypatch.setattr(Path, when, once_removed)
    worker_ends.note_worker(SimpleNamespace(workers=2))
    assert removed
    assert worker_ends._noted == removed[0] / str(os.getpid())
    assert worker_ends._noted.exists()
    assert removed[0].stat().st_mode & 0o777 == 0o700
    worker_ends.forget_worker()
    assert not removed[0].exists()


def test_a_workers_note_is_its_users_alone_and_goes_at_its_exit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The directory is the user's alone (another could make a worker say a death, or hide
    # one); and a worker that exits without its lifespan's end takes its note with it.
    import atexit

    worker_ends = _note_as_a_worker(monkeypatch, tmp_path)
    at_exit: list[Any] = []
    monkeypatch.setattr(atexit, "register", at_exit.append)
    umask = os.umask(0o022)
    try:
        worker_ends.note_worker(SimpleNamespace(workers=2))
    finally:
        os.umask(umask)
    [directory] = list(tmp_path.iterdir())
    assert directory.stat().st_mode & 0o777 == 0o700
    assert at_exit == [worker_ends.forget_worker]
    at_exit[0]()
    assert not directory.exists()
