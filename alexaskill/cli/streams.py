"""The command's own output streams: whether a failed write to one means its reader went away."""

from __future__ import annotations

import errno

__all__ = ["lost", "reader_gone"]

#: What a write or flush of a closed stream raises (io's and _pyio's ValueError, a text
#: stream's with or without a full stop; a buffered file's under a codecs StreamWriter).
_CLOSED = frozenset(
    {
        "I/O operation on closed file",
        "write to closed file",
        "flush of closed file",
        "flush on closed file",
    }
)

#: The command's own modules' names begin so (this package's, its ``__init__`` too).
_COMMAND = f"{__name__.rpartition('.')[0]}."


def lost(exc: BaseException, stream: object) -> bool:
    """Whether ``exc``, raised by a write to ``stream`` or its flush, says that nobody reads it
    any more: a broken pipe (``| head -1``), EIO (its terminal closed: an ssh session dropped),
    or, ``stream`` closed, the ValueError of a closed stream, "I/O operation on closed file" or
    a buffered file's "write to closed file" (a caller of `main` closed it): not another
    ValueError, the skill's own, raised while it is closed."""
    if isinstance(exc, ValueError):
        return str(exc).removesuffix(".") in _CLOSED and getattr(stream, "closed", False) is True
    return isinstance(exc, BrokenPipeError) or (isinstance(exc, OSError) and exc.errno == errno.EIO)


def reader_gone(exc: BaseException, *streams: object) -> bool:
    """Whether ``exc``, raised from anywhere in a command, is the failure of a write to one of
    ``streams`` whose reader went away (`lost`).

    A broken pipe or an EIO counts only if one of the streams' file descriptors says so (its
    pipe's reader gone, its terminal hung up): one of the skill's own pipes or sockets raises
    the same error, which is the skill's, reported as its others are, not a quiet 141. A stream
    with no descriptor cannot say: a broken pipe out of it counts as the skill's. So does a
    closed stream's ValueError raised by other code than the command's (`_written`).
    """
    if isinstance(exc, ValueError):
        return any(lost(exc, stream) for stream in streams) and _written(exc, streams)
    return lost(exc, None) and any(_hung_up(stream, exc) for stream in streams)


def _written(exc: BaseException, streams: tuple[object, ...]) -> bool:
    """Whether ``exc`` was raised by the command's own write to one of ``streams``: by the
    command's code itself (a C stream's write leaves no frame of its own), or by code it called
    that holds one of them (the stream's own write method, a codecs StreamWriter's).

    A closed stream's words say nothing of which stream: the skill's own file, closed, says the
    same while a stream given to `main` is closed too; its frames come after the command's and
    hold none of the command's streams.

    The limit of telling by module names and frame locals: a write the command makes through
    a wrapper of its own defined outside this package, holding the stream only as an
    attribute (``self._out``), counts as the skill's, raised with its traceback, not a quiet
    141 (keep such wrappers here, as `chat_show.TerminalSafe` is); and a skill whose frames
    hold one of the streams (``sys.stdout`` when `main` writes to it) has its closed-file
    error taken for that stream's."""
    after: list[dict[str, object]] = []  # the locals of the frames after the command's last
    trace = exc.__traceback__
    while trace is not None:
        frame = trace.tb_frame
        if f"{frame.f_globals.get('__name__')}.".startswith(_COMMAND):
            after = []
        else:
            after.append(frame.f_locals)
        trace = trace.tb_next
    if not after:
        return True
    return any(value is stream for names in after for value in names.values() for stream in streams)


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
