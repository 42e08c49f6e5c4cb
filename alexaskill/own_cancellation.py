"""Which exceptions are asyncio's cancellation, and whether one is the request's own: its task
cancelled from outside (a deadline, a shutdown), not a stray ``CancelledError`` that awaited
work let out (a task cancelled elsewhere: a bug of whoever let it out); which are trio's. The one
check of `alexaskill.handler_bugs`, `alexaskill.cancellations`, `alexaskill.verify.fetch`, the
endpoint and `Handling`."""

from __future__ import annotations

import sys

__all__: list[str] = []  # alexaskill's own, not the public API


def is_cancellation(exc: BaseException) -> bool:
    """Whether ``exc`` is asyncio's ``CancelledError`` (asyncio is loaded only if it runs: AWS
    Lambda with only def handlers never loads it)."""
    asyncio = sys.modules.get("asyncio")
    return asyncio is not None and isinstance(exc, asyncio.CancelledError)


def is_trio_cancellation(exc: BaseException) -> bool:
    """Whether ``exc`` is trio's ``Cancelled``: a cancel scope's around the request (its deadline
    through anyio, a shutdown), always the request's own. (trio is looked up only if loaded.)"""
    trio = sys.modules.get("trio")
    return trio is not None and isinstance(exc, trio.Cancelled)


def cancelled_here(exc: BaseException) -> bool:
    """Whether ``exc`` is asyncio's ``CancelledError`` for the request's own task: the running
    task is being cancelled, or no task runs (a thread, no event loop). Not a stray one that a
    task it awaited let out. (asyncio's only: alexaskill is served on asyncio, and refuses a
    trio host at its start, `alexaskill.asgi_start.NEEDS_ASYNCIO`.)"""
    if not is_cancellation(exc):
        return False
    import asyncio

    try:
        task = asyncio.current_task()
    except RuntimeError:  # no running event loop (a def handler's thread)
        return True
    return task is None or task.cancelling() > 0
