"""Request lines written to a stream several worker processes share: in writes a pipe keeps whole.

With ``--workers N`` every worker writes to one inherited standard error, a pipe under Docker
or systemd. The kernel keeps one write() to a pipe whole only up to PIPE_BUF bytes: a longer one
may be split and interleaved with another worker's, tearing lines apart. And a request line's
record handed to the application's filters and handlers (`handled`), never raising.
"""

from __future__ import annotations

import logging
import sys

__all__ = ["handled", "pipe_buf", "whole_writes"]


def pipe_buf() -> int:
    """What one write() to a pipe keeps whole: PIPE_BUF (4,096 on Linux, 512 on macOS)."""
    select = sys.modules.get("select")  # loaded with asyncio, which lines wait for
    return 4096 if select is None else int(select.PIPE_BUF)


def whole_writes(
    lines: list[str], terminator: str, encoding: str | None, limit: int
) -> list[tuple[str, list[str]]]:
    """``lines`` in groups of at most ``limit`` bytes in the stream's encoding (a longer line
    alone), in their order: each group's text, and its lines."""
    codec = encoding or "utf-8"
    groups: list[list[str]] = []
    group: list[str] = []
    size = 0
    for line in lines:
        text = line + terminator
        length = len(text) if text.isascii() else len(text.encode(codec, "backslashreplace"))
        if group and size + length > limit:
            groups.append(group)
            group, size = [], 0
        group.append(line)
        size += length
    groups.append(group)
    return [(terminator.join(group) + terminator, group) for group in groups]


def handled(logger: logging.Logger, record: logging.LogRecord) -> None:
    """``logger.handle(record)``, for a request's line: an exception of a filter or a handler
    the application added (which `logging` lets out of the log call) is reported on standard
    error as `logging` reports a record a handler cannot write, not raised into the request,
    whose answer it would have turned into an error."""
    try:
        logger.handle(record)
    except RecursionError:  # as logging's handlers do: not a failure of the log alone
        raise
    except Exception:
        _REPORTER.handleError(record)


#: What reports a failed request line, as any handler reports a record it could not write.
_REPORTER = logging.NullHandler()
