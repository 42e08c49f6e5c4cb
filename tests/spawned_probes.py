"""Targets of the processes a test starts with multiprocessing's "spawn", which imports a
target's module afresh in the new process: a module of their own that imports nothing at its top,
so that the child's start costs Python and what the target itself imports, not a test module's
imports (alexaskill, httpx, the tests' helpers: half a second of CPU a child)."""

from __future__ import annotations

from typing import Any


def uvicorns_process_module(answer: Any) -> None:
    """Send on ``answer`` (a pipe's end) the module of the ``Process`` class uvicorn's
    supervisor makes its workers of, as a process of its own (a worker) imports it, after
    alexaskill's supervisor and worker modules (which a worker imports: nothing of theirs may
    put alexaskill's class in uvicorn's place as they are imported)."""
    from uvicorn.supervisors import multiprocess as module

    import alexaskill.cli.serve_worker_process
    import alexaskill.cli.serve_workers  # noqa: F401

    answer.send(module.Process.__module__)
