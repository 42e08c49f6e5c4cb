"""`in_fresh_stack`: a call redone at the bottom of a thread of its own, for JSON nested deep.

msgspec and ``json`` count each level of nesting against Python's recursion limit (1,000),
starting from the depth of the frame that calls them. A request body nested about 975 levels
deep decodes where the request arrives, yet not again a few dozen frames deeper, in the handler
that reads `Envelope.raw`, nor do its session attributes encode there when the reply sends them
back. A new thread starts with no frames at all, so it takes whatever took that shallow a
caller. Only a call that has already failed with RecursionError pays for the thread.
"""

from __future__ import annotations

import _thread
from collections.abc import Callable
from typing import Any, Final, TypeVar

__all__ = ["in_fresh_stack"]

_T = TypeVar("_T")

#: The thread's stack: 1,000 levels of msgspec or json take under 512 KiB here, and some
#: platforms' default for a new thread is far smaller (musl's 128 KiB).
_STACK_BYTES: Final = 4 * 1024 * 1024

# The stack size is the process's setting for the next thread made: one change at a time.
_SIZING: Final = _thread.allocate_lock()


def in_fresh_stack(func: Callable[..., _T], *args: Any) -> _T:
    """``func(*args)``, called from the first frame of a new thread and waited for: its
    result, or its exception raised here."""
    results: list[_T] = []
    errors: list[BaseException] = []  # (the caller's to raise: a thread has nobody to tell)
    done = _thread.allocate_lock()
    done.acquire()

    def run() -> None:
        try:
            results.append(func(*args))
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.release()

    with _SIZING:
        try:
            previous = _thread.stack_size(_STACK_BYTES)
        except (ValueError, RuntimeError):  # a platform that sets no size: its default
            previous = None
        try:
            _thread.start_new_thread(run, ())
        finally:
            if previous is not None:
                _thread.stack_size(previous)
    done.acquire()
    if errors:
        raise errors[0]
    return results[0]
