"""Request lines written to a stream several worker processes share: in writes a pipe keeps whole.

With ``--workers N`` every worker writes to one inherited standard error, a pipe under Docker
or systemd. The kernel keeps one write() to a pipe whole only up to PIPE_BUF bytes: a longer one
may be split and interleaved with another worker's, tearing lines apart.
"""

from __future__ import annotations

import sys

__all__ = ["pipe_buf", "whole_writes"]


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
