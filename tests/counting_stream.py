"""A stream that keeps what each write() carried, for the tests of how log lines are written
(tests/test_logs_concurrency.py, test_log_format.py): one write a line, as a pipe is handed it."""

from __future__ import annotations

import io


class CountingStream(io.StringIO):
    """A stream that keeps what each write() call carried."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []

    def write(self, text: str) -> int:
        self.writes.append(text)
        return super().write(text)
