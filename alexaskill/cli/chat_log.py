"""The skill's log lines in `alexaskill chat`, shown with the turn they were logged in: after the
line of the request the skill was answering, before its answer, in the order logged.

They go to standard error, as every command's log does, while the transcript goes to standard
output: written as they come, a line logged in a turn came before the turn's request line (that
line is printed once Alexa's part of the turn is played), and with both streams to one pipe
(``2>&1``) before the turn's ``>`` line too, standard output being written in blocks there. So
a turn's lines are held (`TurnLog.hold`) and written where the turn is printed, standard output
flushed first; between turns (the skill's start, its shutdown) each is written at once, after
what the chat printed before it. A turn holds a megabyte of them at most (`MOST_HELD`): a handler
logging in a loop has them written as they come past it, out of their place, not all kept.

`alexaskill replay` holds a file's lines alike, written after the file's line: one turn a file.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, TextIO

if TYPE_CHECKING:
    from ..understanding import Reply, Transport

__all__ = ["MOST_HELD", "NotingTransport", "TurnLog"]

#: The most text a turn holds: past it, the lines held are written at once, out of their place.
MOST_HELD: Final = 1 << 20


class TurnLog:
    """The stream of chat's log handler (`alexaskill.cli.skill_log.log_to`): ``err``, written
    once ``out`` is flushed; in a turn, held until the turn's printing releases its lines."""

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self._out = out
        self._err = err
        #: The turn's lines not written yet (None between turns), how long they are, and how
        #: many lines of the turn are written.
        self._held: list[str] | None = None
        self._size = 0
        self._written = 0
        #: How many lines the turn had as each of its requests was answered (`sent`).
        self._marks: list[int] = []
        # The skill's handlers log in worker threads, and a thread it started may log any time.
        self._lock = threading.Lock()

    # Lines are written under the lock too: one logged as a turn's are released waits for them.
    def write(self, text: str) -> int:
        with self._lock:
            if self._held is not None:
                self._held.append(text)
                self._size += len(text)
                if self._size > MOST_HELD:  # (a handler logging in a loop: memory bounded)
                    self._release(None)
                return len(text)
            self._out.flush()  # (what the chat printed before the line comes first)
            return self._err.write(text)

    def flush(self) -> None:
        with self._lock:
            if self._held is None:
                self._err.flush()

    def hold(self) -> None:
        """Hold the lines logged from now on: a turn starts."""
        with self._lock:
            self._held, self._size, self._written, self._marks = [], 0, 0, []

    def sent(self) -> None:
        """Note that a request of the turn was answered: the lines held so far are its own and
        its predecessors' (`release_request`)."""
        with self._lock:
            if self._held is not None:
                self._marks.append(self._written + len(self._held))

    def release_request(self) -> None:
        """Write the lines logged up to the answer of the turn's next request not shown yet (all
        held, past the requests noted)."""
        with self._lock:
            self._release(self._marks.pop(0) if self._marks else None)

    def release(self) -> None:
        """Write the lines held, and go on holding: the turn goes on."""
        with self._lock:
            self._release(None)

    def end(self) -> None:
        """Write the lines still held, and those logged from now on as they come: the turn is
        over."""
        with self._lock:
            self._release(None)
            self._held, self._size, self._marks = None, 0, []

    def _release(self, upto: int | None) -> None:
        """Write the held lines, up to the turn's line ``upto`` (None: all); the lock held."""
        if self._held is None:
            return
        count = len(self._held) if upto is None else max(upto - self._written, 0)
        lines = self._held[:count]
        del self._held[:count]  # (written: not kept)
        self._written += count
        self._size -= sum(map(len, lines))
        if lines:
            self._out.flush()
            self._err.write("".join(lines))
            self._err.flush()


class NotingTransport:
    """A conversation's transport that notes each request answered on ``log`` (`TurnLog.sent`):
    the lines logged up to then are shown after that request's line."""

    def __init__(self, transport: Transport, log: TurnLog) -> None:
        self._transport = transport
        self._log = log

    def send(self, request: Mapping[str, Any], *, new_session: bool) -> Reply:
        try:
            return self._transport.send(request, new_session=new_session)
        finally:
            self._log.sent()
