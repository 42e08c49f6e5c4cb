"""The date and time text of log lines, made once a second, not once a line.

Shared by the formatters (`alexaskill.log_format`, `alexaskill.log_lambda`) and the request line
made without a record (`alexaskill.log_fields.json_line`): one cache of each second's text.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final

__all__ = [
    "LOCAL_SECONDS",
    "MILLISECONDS",
    "UTC_SECONDS",
    "SecondsText",
    "local_stamp",
    "local_text",
    "utc_stamp",
    "utc_text",
]


class SecondsText:
    """``time.strftime(format, convert(second))``, remembered for the last second asked."""

    __slots__ = ("_convert", "_format", "_last", "_point", "_stamped")

    def __init__(
        self, format: str, convert: Callable[[float], time.struct_time], point: str
    ) -> None:
        self._format = format
        self._convert = convert
        self._point = point
        self._last: tuple[int, str] = (-1, "")
        self._stamped: tuple[int, str] = (-1, "")

    def text(self, created: float) -> str:
        """The text of the second of ``created`` (`time.time()`, a record's)."""
        second = int(created)
        last = self._last  # one tuple, read and replaced whole: safe from any thread
        if last[0] != second:
            last = self._last = (second, time.strftime(self._format, self._convert(second)))
        return last[1]

    def stamp(self, now_ns: int) -> str:
        """The text of the second of ``now_ns`` (`time.time_ns()`), the point, and its
        milliseconds in three digits: what a formatter writes of a record made then."""
        # From integer nanoseconds, not a float time: one divmod and a look-up in a table of
        # the 1,000 texts, the second's text kept with its point, where int(), float arithmetic
        # and str() took 5,900 instructions a request line, 2,700 now (benchmarks/README.md,
        # "The request line, ninth session"). The milliseconds are cut, as logging cuts a
        # float's (Python 3.13's logging reads time_ns too); the float's were at times one
        # short (created 0.123 is 0.12299…: 122).
        second, within = divmod(now_ns, 1_000_000_000)
        stamped = self._stamped  # replaced whole, as `_last`
        if stamped[0] != second:
            stamped = self._stamped = (second, self.text(second) + self._point)
        return stamped[1] + MILLISECONDS[within // 1_000_000]


#: Local time, as `logging.Formatter.formatTime` writes it: ``2026-11-27 10:00:00,123``.
LOCAL_SECONDS: Final = SecondsText("%Y-%m-%d %H:%M:%S", time.localtime, ",")
#: UTC, as the JSON lines write it (RFC 3339, before its "Z"): ``2026-11-27T10:00:00.123``.
UTC_SECONDS: Final = SecondsText("%Y-%m-%dT%H:%M:%S", time.gmtime, ".")
#: "000" to "999", by the millisecond.
MILLISECONDS: Final = tuple(f"{ms:03d}" for ms in range(1000))

# The methods bound once, for the modules that import them. CPython 3.11 compiles a method call
# on an imported name (``UTC_SECONDS.stamp(ns)``) as an attribute load, taking the name for a
# module's: a bound method made at each call, ~400 instructions of a request line (the JSON
# line paid them; `benchmarks/bench_request_line.py --instructions`); a bound method imported
# is called without making one.
#: `LOCAL_SECONDS`'s `SecondsText.stamp`: the plain request line's time.
local_stamp: Final = LOCAL_SECONDS.stamp
#: `LOCAL_SECONDS`'s `SecondsText.text`: a plain record's second.
local_text: Final = LOCAL_SECONDS.text
#: `UTC_SECONDS`'s `SecondsText.stamp`: the JSON request line's time.
utc_stamp: Final = UTC_SECONDS.stamp
#: `UTC_SECONDS`'s `SecondsText.text`: a JSON or Lambda record's second.
utc_text: Final = UTC_SECONDS.text
