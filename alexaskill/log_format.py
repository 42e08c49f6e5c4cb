"""The two formatters of `alexaskill.logs.configure_logging`: plain text and JSON lines.

Each also helps make the request line without a `logging.LogRecord` (the plain formatter's
``_request_line``; for JSON, `json_request_line` of `alexaskill.log_fields.json_line`), the same
text its ``format`` makes of the record `alexaskill.logs.log_request` would log.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from typing import Any, Final

import msgspec

from .log_fit import (
    JSON_ENCODER,
    SURELY_WITHIN,
    fitted_json,
    fitted_plain,
    json_escaped,
    json_text,
    raw_unsafe,
    too_long,
)
from .log_times import local_stamp, local_text, utc_text
from .log_values import MAX_ARGUMENT, cut, escaped_args, shown_lines

__all__ = ["EscapingFormatter", "JsonFormatter", "escape_last_resort", "log_thread_exceptions"]

#: The logger of the request lines, which `log_request` also writes without a record.
REQUEST_LOGGER: Final = "alexaskill.request"

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_FIELDS: Final = frozenset(
    (*logging.LogRecord("", 0, "", 0, "", (), None).__dict__, "message", "asctime", "taskName")
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, then any ``extra`` fields.

    A traceback, when there is one, goes into ``"exception"`` (and a stack into ``"stack"``).
    """

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON (an alexaskill record's within `MAX_LINE_BYTES`)."""
        entry = self._entry(record)
        line = json_text(entry)
        if len(line) > SURELY_WITHIN and too_long(line) and is_ours(record.name):
            return fitted_json(entry)
        return line

    def _entry(self, record: logging.LogRecord) -> dict[str, Any]:
        """The keys and values of the record's line."""
        entry: dict[str, Any] = {
            "time": f"{utc_text(record.created)}.{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        ours = is_ours(record.name)
        for name, value in record.__dict__.items():
            if name not in _RECORD_FIELDS and name not in entry:
                # An alexaskill record's extra may quote a request as its message does (a
                # `RuleViolation`, its request's type): cut as the message's arguments are.
                entry[name] = _cut_extra(value) if ours else value
        if record.exc_text:  # (`logging.Formatter`'s cache; alexaskill's filter's cut text)
            entry["exception"] = record.exc_text
        elif record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return entry


def json_request_line(entry: JsonRequestLine) -> str:
    """The JSON request line of ``entry`` (what `JsonFormatter.format` makes of the request
    line's record), within `MAX_LINE_BYTES`."""
    # perf18 (benchmarks/README.md, "The JSON request line (perf18)"): encoded into a buffer
    # the thread keeps (msgspec leaves it the length of the last line, not of the longest), not
    # a new bytes object each line, and without `json_text`'s call, whose one way out a Struct
    # of str, int and float can take (a lone surrogate) is kept: ~1,100 instructions a JSON line
    # less, the same text.
    try:
        buffer: bytearray = _BUFFERS.buffer
    except AttributeError:
        buffer = _BUFFERS.buffer = bytearray(1024)
    try:
        JSON_ENCODER.encode_into(entry, buffer)
        line = buffer.decode()
    except UnicodeEncodeError:
        line = json_text(entry)
    else:
        if raw_unsafe(line):
            line = json_escaped(line)
    # Its values are cut at 256 characters, but five of them, JSON-escaped (\u0000 is six)
    # or of four-byte characters, pass what a pipe keeps whole. Counted only past the
    # length no line of ours under it can have (a line ~450 characters): one test.
    if len(line) <= SURELY_WITHIN or not too_long(line):
        return line
    return fitted_json(msgspec.json.decode(line))


class JsonRequestLine(msgspec.Struct, gc=False):
    """The request line's JSON object: `JsonFormatter.format`'s keys, then the record's extra.

    A Struct, not a dict: msgspec writes its keys from a table made once, and it is built by
    position (about 1,500 ns a line less than building a dict and encoding it).
    """

    time: str
    level: str
    logger: str
    message: str
    request_id: str | None
    request_type: str | None
    intent: str | None
    locale: str | None
    outcome: str
    status: int | None
    handler_ms: float | None
    verify_ms: float | None
    user: str | None


#: The fields of the request line's record, in their order.
REQUEST_FIELDS: Final = JsonRequestLine.__struct_fields__[4:]


#: Each thread's buffer for `json_request_line` (a thread's own: the loop's and the workers'
#: lines are encoded at once).
_BUFFERS: Final = threading.local()


def is_ours(name: str) -> bool:
    """Whether the logger ``name`` is alexaskill's (not a skill's own)."""
    return name == "alexaskill" or name.startswith("alexaskill.")


def _cut_extra(value: object) -> object:
    """``value``, or its text (its JSON's, as `format` writes it) `cut` at `MAX_ARGUMENT`
    characters when that is longer."""
    if isinstance(value, str):
        return cut(value, MAX_ARGUMENT)
    if value is None or isinstance(value, int | float):
        return value
    try:
        encoded = JSON_ENCODER.encode(value)
    except (RecursionError, UnicodeEncodeError):
        return value  # (`json_text` writes it, as Python shows it or its surrogates escaped)
    if len(encoded) <= MAX_ARGUMENT:
        return value
    text = encoded.decode()
    shown = msgspec.json.decode(encoded) if text.startswith('"') else text  # (a repr's text)
    return cut(shown, MAX_ARGUMENT)


#: The plain line: ``2026-11-27 10:00:00,123 INFO alexaskill.request: IntentRequest …``.
_PLAIN_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class EscapingFormatter(logging.Formatter):
    """A `logging.Formatter` whose text a value from a request cannot forge a line with.

    The record's arguments are `printable` (a newline in a slot value a skill's handler logs
    comes out as ``\\n``, an ANSI escape as ``\\x1b``), and the text made: every line after the
    first indented by two spaces (a traceback's; the lines of a message written with newlines
    of its own), their control characters escaped. The record itself is left as it came (other
    handlers see it unchanged). For every plain-text handler alexaskill installs: its own
    (`configure_logging`), ``alexaskill serve``'s for the other loggers, ``alexaskill chat``'s.
    """

    def format(self, record: logging.LogRecord) -> str:
        """The record's lines, escaped, every one after the first indented by two spaces."""
        args = record.args
        if args:
            escaped = escaped_args(args)
            if escaped is not args:
                record = copy.copy(record)
                record.args = escaped
        text = super().format(record)
        if not text.isprintable():
            # A traceback's last line quotes the exception's message, which may hold a value
            # of a request (a slot value in a handler's ValueError). Indented, no line of it can
            # pass for a record of its own: each of those starts with its date (or level). Its
            # other control characters (an ANSI escape that erases lines on the operator's
            # terminal, a NUL) are escaped, as the message's arguments are.
            text = shown_lines(text)
        return text


def escape_last_resort() -> EscapingFormatter | None:
    """Have `logging.lastResort` escape what it writes, as `EscapingFormatter` does: the
    formatter given it, or None where it has one already.

    Python writes there the warnings of a logger no handler takes: a skill's own loggers' when
    the application set up no logging (``uvicorn app:skill``, as the Docker image runs it, and
    ``alexaskill chat``). Left as Python made it (a handler without a formatter of its own):
    its text, ``%(message)s``, is the same, escaped. One replaced by the application is its own.
    """
    last = logging.lastResort
    if last is None or last.formatter is not None:
        return None
    formatter = EscapingFormatter()
    last.setFormatter(formatter)
    return formatter


def log_thread_exceptions() -> None:
    """Have an exception that ends a thread uncaught logged at ERROR on ``"alexaskill"``, with
    its traceback, as a handler's is.

    Python's own hook (`threading.excepthook`) prints it on standard error as it is: a thread a
    handler started wrote a plain traceback among the JSON lines (or torn by them), its message
    unescaped (a slot value in it). One the application installed is its own.
    """
    if threading.excepthook is threading.__excepthook__:
        threading.excepthook = _log_thread_exception


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    if issubclass(args.exc_type, SystemExit):
        return  # a thread's sys.exit() ends it quietly, as with Python's own hook
    name = args.thread.name if args.thread is not None else "?"
    logging.getLogger("alexaskill").error(
        "thread %r ended on %s, which nothing caught",
        name,
        args.exc_type.__name__,
        exc_info=args.exc_value if args.exc_value is not None else False,  # (its traceback)
    )


class PlainFormatter(EscapingFormatter):
    """`_PLAIN_FORMAT`, with the date and time text made once a second, not once a line."""

    def __init__(self) -> None:
        super().__init__(_PLAIN_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        """`EscapingFormatter.format`'s text, an alexaskill record's within `MAX_LINE_BYTES`
        in all, its lines together (a traceback of many frames, several arguments of 1,000
        characters, four-byte ones, passed it): one write() a pipe keeps whole."""
        text = super().format(record)
        if len(text) > SURELY_WITHIN and is_ours(record.name) and too_long(text):
            return fitted_plain(text.split("\n"))
        return text

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """``logging.Formatter.formatTime`` (local time, milliseconds after a comma), cached."""
        if datefmt is not None or self.converter is not time.localtime:
            return super().formatTime(record, datefmt)
        return f"{local_text(record.created)},{int(record.msecs):03d}"

    def _request_line(self, now_ns: int, message: str) -> str:
        """What `format` makes of the request line's record, made without the record.

        ``now_ns``: `time.time_ns()`.
        """
        return f"{local_stamp(now_ns)} {_PLAIN_REST}{message}"


_PLAIN_REST: Final = f"INFO {REQUEST_LOGGER}: "
