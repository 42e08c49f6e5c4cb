"""Under bare ``uvicorn --workers N``, a worker that ended without shutting down is said at ERROR
by the worker uvicorn starts in its place (`note_worker`).

uvicorn's supervisor replaces a worker that died (the OOM killer, a crash) or that stopped
answering its health check (killed), and says only ``Child process [4242] died``, at INFO.
``alexaskill serve`` runs a supervisor of its own that says it at ERROR, with the exit status;
bare uvicorn's is not alexaskill's, and a dying worker runs no code of its own (SIGKILL, a
crash). So each worker notes its process id, at its lifespan's start, in a directory of its
supervisor's (``$TMPDIR/alexaskill-workers-<supervisor's id>-<its run>``), and removes it at its
lifespan's end (`forget_worker`; at its exit too, but uvicorn's worker ends a SIGTERM by dying
of it, which runs no ``atexit``); a worker starting finds the ids of those that ended without
removing theirs, and says so.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import multiprocessing
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["SIGKILL_SENDERS", "forget_worker", "note_worker"]

#: Who sends a worker SIGKILL when uvicorn's health check did not (nothing else of uvicorn's or
#: alexaskill's does), in the log's words: said alike by bare uvicorn's workers (`note_worker`)
#: and by ``alexaskill serve``'s supervisor, so that one grep finds both.
SIGKILL_SENDERS = "the kernel's out-of-memory killer, if its log says so, or someone's kill -KILL"

logger = logging.getLogger("alexaskill.server")

_noted: Path | None = None
_checked = False


def note_worker(config: Any) -> None:
    """Once a process, in a worker of uvicorn's ``--workers`` supervisor (``config``, uvicorn's
    ``Config``, has ``workers`` over 1, and this process has a parent of `multiprocessing`'s):
    say at ERROR each worker of the same supervisor that ended without shutting down, then note
    this one. Not under ``alexaskill serve``, whose supervisor says it already, nor on
    Windows."""
    global _checked
    if _checked or (getattr(config, "workers", None) or 1) < 2:
        return
    _checked = True
    if sys.platform == "win32":
        # There signal 0 is CTRL_C_EVENT: os.kill(pid, 0) would not ask whether the process
        # is there but send a Ctrl+C (GenerateConsoleCtrlEvent), which can stop the server.
        return
    parent = multiprocessing.parent_process()
    if parent is None or os.environ.get("_ALEXASKILL_SERVE_SEAL"):
        return
    # A diagnostic: nothing here may fail the worker's start (no writable temporary
    # directory, say: a read-only root filesystem).
    try:
        _note()
    except Exception as exc:
        logger.debug("worker ends not noted: %s", exc)


def _note() -> None:
    """`note_worker`'s work: say the workers that ended unnoted, then note this one."""
    global _noted
    # The supervisor's run: its id, and its multiprocessing key (the same for all its workers,
    # another for a later supervisor that got the same id), hashed: the key is a secret.
    run = hashlib.sha256(bytes(multiprocessing.current_process().authkey)).hexdigest()[:16]
    directory = Path(tempfile.gettempdir()) / f"alexaskill-workers-{os.getppid()}-{run}"
    directory.mkdir(mode=0o700, exist_ok=True)
    try:
        entries = list(directory.iterdir())
    except FileNotFoundError:  # the last worker's forget_worker removed it meanwhile
        entries = []
    for entry in entries:
        pid = int(entry.name) if entry.name.isdigit() else 0
        if pid <= 0 or pid == os.getpid() or _alive(pid):
            continue
        with contextlib.suppress(FileNotFoundError):
            entry.unlink()  # a worker starting at the same moment may say it instead
            logger.error(
                "worker process [%d] ended without shutting down (killed: by uvicorn, its "
                "health check unanswered, or by %s; or it crashed); uvicorn started [%d] in "
                "its place",
                pid,
                SIGKILL_SENDERS,
                os.getpid(),
            )
    noted = directory / str(os.getpid())
    try:
        noted.touch()
    except FileNotFoundError:  # the last worker's forget_worker removed it meanwhile
        directory.mkdir(mode=0o700, exist_ok=True)
        noted.touch()
    _noted = noted
    atexit.register(forget_worker)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: there
        return True
    return True


def forget_worker() -> None:
    """At the end of a noted worker's lifespan (or its exit): it ended as it should. The
    directory goes with the last worker of the supervisor."""
    global _noted
    noted, _noted = _noted, None
    if noted is not None:
        with contextlib.suppress(OSError):
            noted.unlink()
            noted.parent.rmdir()
