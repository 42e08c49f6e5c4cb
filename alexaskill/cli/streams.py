"""The command's own output streams: whether a failed write to one means its reader went away."""

from __future__ import annotations

import errno

__all__ = ["lost", "reader_gone"]

#: What a write to a closed text stream raises (io's ValueError), with or without a full stop.
_CLOSED = "I/O operation on closed file"


def lost(exc: BaseException, stream: object) -> bool:
    """Whether ``exc``, raised by a write to ``stream`` or its flush, says that nobody reads it
    any more: a broken pipe (``| head -1``), EIO (its terminal closed: an ssh session dropped),
    or, ``stream`` closed, the ValueError "I/O operation on closed file" (a caller of `main`
    closed it): not another ValueError, the skill's own, raised while it is closed."""
    if isinstance(exc, ValueError):
        # (the text streams' words, "…file" or "…file.": a binary one's are not the CLI's)
        return str(exc).removesuffix(".") == _CLOSED and getattr(stream, "closed", False) is True
    return isinstance(exc, BrokenPipeError) or (isinstance(exc, OSError) and exc.errno == errno.EIO)


def reader_gone(exc: BaseException, *streams: object) -> bool:
    """Whether ``exc``, raised from anywhere in a command, is the failure of a write to one of
    ``streams`` whose reader went away (`lost`).

    A broken pipe or an EIO counts only if one of the streams' file descriptors says so (its
    pipe's reader gone, its terminal hung up): one of the skill's own pipes or sockets raises
    the same error, which is the skill's, reported as its others are, not a quiet 141. A stream
    with no descriptor cannot say: a broken pipe out of it counts as the skill's.
    """
    if isinstance(exc, ValueError):
        return any(lost(exc, stream) for stream in streams)
    return lost(exc, None) and any(_hung_up(stream, exc) for stream in streams)


def _hung_up(stream: object, exc: BaseException) -> bool:
    import select

    try:
        descriptor = stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):  # (io.UnsupportedOperation: both)
        return False
    if not isinstance(descriptor, int):
        return False
    if not hasattr(select, "poll"):  # (Windows: a pipe cannot be polled; a broken pipe counts)
        return isinstance(exc, BrokenPipeError)
    poller = select.poll()
    # Asked for nothing: POLLERR (a pipe whose reader closed it) and POLLHUP (a terminal hung
    # up, a socket shut) are reported whatever is asked, and a poll of 0 ms never waits.
    poller.register(descriptor, 0)
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
