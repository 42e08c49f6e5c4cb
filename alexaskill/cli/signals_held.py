"""The process's Python signal handlers held off for a moment (`held`): a Ctrl-C, a SIGTERM or
any other signal with one, come meanwhile, is recorded, and sent again once they are back.

Every one, not SIGINT's and SIGTERM's alone, which the CLI's own raise: a program that calls
`main` may set a handler that raises for SIGHUP or SIGUSR1 (a reload, say), which Python runs in
the main thread whichever thread took the signal, and raised just as `_Insisting.start` had its
pipe, it lost it as a Ctrl-C's did."""

from __future__ import annotations

import contextlib
import signal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

__all__ = ["held"]


@contextlib.contextmanager
def held(taking: Mapping[int, Callable[[], object]] | None = None) -> Iterator[None]:
    """Within it, the process's Python signal handlers do not run (SIGINT's, SIGTERM's, any
    other's): a signal of theirs that comes is recorded, and raised again
    (``signal.raise_signal``) once the handlers are back, as the block is left, whatever it did:
    raised by a handler (KeyboardInterrupt), its exception is the one the block raised's
    (``__context__``), which it replaces; one ``taking`` names is given to its function instead,
    called as it comes (or as the handlers are put back), and not raised again.

    Blocking the signals (``pthread_sigmask``) holds off only those sent to the thread that
    blocks them: one the process gets is taken by another thread, where it is not blocked (a
    program that calls `main` and runs threads), and Python runs its handler in the main thread
    all the same, at the next bytecode that checks (where a call has returned a file
    descriptor, before it is kept). In the main thread only (the block runs as it is
    elsewhere); a handler that is not Python's (SIG_DFL, SIG_IGN) is left as it is."""
    import threading

    if threading.current_thread() is not threading.main_thread():  # (no handler set there)
        yield
        return
    came: list[int] = []
    kept: dict[int, Any] = {}
    holding = {"now": True}

    def record(signum: int, frame: object) -> Any:
        if holding["now"]:
            if taking is not None and signum in taking:
                return taking[signum]()
            came.append(signum)
            return None
        # Left in place (the signal came as the handlers were put back, and its own, back
        # already, raised): it is that handler.
        return kept[signum](signum, frame)

    try:
        for signum in signal.valid_signals():  # (each cheap: no call into the system)
            handler = signal.getsignal(signum)
            if callable(handler):
                kept[signum] = handler  # (first: set or not, the handler put back is that)
                signal.signal(signum, record)  # (a signal pending is its own handler's first)
        yield
    finally:
        try:
            # One put back may raise (its signal came again as the next is put back): the
            # others are then `record`'s, which from then on runs what it held off.
            for number, handler in kept.items():
                signal.signal(number, handler)
        finally:
            holding["now"] = False  # (no call: no handler runs before it)
            # Whatever the block did: left by an exception (the outcome serve's workers
            # decided), a Ctrl-C come meanwhile was dropped.
            _send_again(list(dict.fromkeys(came)))


def _send_again(numbers: list[int]) -> None:
    """``signal.raise_signal`` of each of ``numbers``, in turn, though one's handler raises (a
    Ctrl-C's KeyboardInterrupt): the others sent all the same (each, so raised, the context
    of the next's), where the first to raise left them unsent."""
    if numbers:
        try:
            signal.raise_signal(numbers[0])
        finally:
            _send_again(numbers[1:])
