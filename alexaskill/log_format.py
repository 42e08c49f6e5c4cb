"""The two formatters of `alexaskill.logs.configure_logging`: plain text and JSON lines.

Each also helps make the request line without a `logging.LogRecord` (the plain formatter's
``_request_line``; for JSON, `json_request_line` of `alexaskill.log_fields.json_line`), the same
text its ``format`` makes of the record `alexaskill.logs.log_request` would log.
"""

from __future__ import annotations

import copy
import logging
import re
import reprlib
import threading
import time
from typing import Any, Final

import msgspec

from .log_times import local_stamp, local_text, utc_text
from .log_values import MAX_ARGUMENT, TERMINAL_UNSAFE, cut, escaped_args, json_escape, shown

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
        line = _json_line(entry)
        if len(line) > SURELY_WITHIN and too_long(line) and is_ours(record.name):
            return _fitted_json(entry)
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
    # a new bytes object each line, and without `_json_line`'s call, whose one way out a Struct
    # of str, int and float can take (a lone surrogate) is kept: ~1,100 instructions a JSON line
    # less, the same text.
    try:
        buffer: bytearray = _BUFFERS.buffer
    except AttributeError:
        buffer = _BUFFERS.buffer = bytearray(1024)
    try:
        _JSON_ENCODER.encode_into(entry, buffer)
        line = buffer.decode()
    except UnicodeEncodeError:
        line = _json_line(entry)
    else:
        if _raw_unsafe(line):
            line = _RAW_UNSAFE.sub(_json_escape, line)
    # Its values are cut at 256 characters, but five of them, JSON-escaped (\u0000 is six)
    # or of four-byte characters, pass what a pipe keeps whole. Counted only past the
    # length no line of ours under it can have (a line ~450 characters): one test.
    if len(line) <= SURELY_WITHIN or not too_long(line):
        return line
    return _fitted_json(msgspec.json.decode(line))


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


def _json_line(entry: object) -> str:
    try:
        line = _JSON_ENCODER.encode(entry).decode()
    except RecursionError:
        # An extra that holds itself (or is nested past msgspec's depth): a handler re-raises
        # a RecursionError out of the log call, into the code that logged. Such a value is
        # written as Python shows it (a cycle as {...}), the line kept.
        if not isinstance(entry, dict):
            raise
        return _json_line({name: _encodable(value) for name, value in entry.items()})
    except UnicodeEncodeError:
        # A lone surrogate (a str from os.environ, sys.argv or a file name, decoded with
        # surrogateescape), which UTF-8 cannot encode: written as Python writes it, \udce9.
        builtins = msgspec.to_builtins(entry, enc_hook=repr)
        line = _JSON_ENCODER.encode(_without_surrogates(builtins)).decode()
    if _raw_unsafe(line):
        # JSON allows these raw in strings, but str.splitlines() and some log viewers break
        # lines at U+0085, U+2028 and U+2029: a value from a request could split one line into
        # two. A C1 control (U+009B, an ANSI escape in one character) acts on a terminal that
        # shows the line (tail -f), a bidirectional override reorders what it shows. Written as
        # \uXXXX, which any JSON reader reads back as the same character.
        line = _RAW_UNSAFE.sub(_json_escape, line)
    return line


_JSON_ENCODER: Final = msgspec.json.Encoder(enc_hook=repr)
#: Each thread's buffer for `json_request_line` (a thread's own: the loop's and the workers'
#: lines are encoded at once).
_BUFFERS: Final = threading.local()


def is_ours(name: str) -> bool:
    """Whether the logger ``name`` is alexaskill's (not a skill's own)."""
    return name == "alexaskill" or name.startswith("alexaskill.")


#: The most bytes of one line alexaskill writes, its newline too: what one write() to a pipe
#: keeps whole on Linux (PIPE_BUF; another worker's write cannot tear it), far under what
#: Docker's log driver keeps in one message (16 KiB).
MAX_LINE_BYTES: Final = 4096
#: A line of at most this many characters is within `MAX_LINE_BYTES` whatever it holds (UTF-8
#: writes a character in four bytes at most): its bytes are not counted.
SURELY_WITHIN: Final = (MAX_LINE_BYTES - 1) // 4


def too_long(line: str) -> bool:
    """Whether ``line`` and its newline pass `MAX_LINE_BYTES` in UTF-8."""
    return len(line.encode("utf-8", "backslashreplace")) >= MAX_LINE_BYTES


def _cut_line(line: str, most: int = MAX_LINE_BYTES) -> str:
    """``line`` cut to ``most`` bytes with its newline, saying how many characters more it had
    (a character cut in two left out)."""
    room = most - 1 - len(f"…(+{len(line):,})".encode())  # (the count said is no longer)
    kept = line.encode("utf-8", "backslashreplace")[:room].decode("utf-8", "ignore")
    return f"{kept}…(+{len(line) - len(kept):,})"


def _size(line: str) -> int:
    """The bytes of ``line`` in UTF-8 (as `too_long` counts them)."""
    return len(line) if line.isascii() else len(line.encode("utf-8", "backslashreplace"))


# Not one code with `_fitted_json`: a JSON line's room is shared by escaped values cut in rounds
# by their bytes, a plain record's by lines kept whole or left out; `cut` is what they share.
def fitted_plain(lines: list[str]) -> str:
    """A plain record's ``lines`` (each after the first indented) within `MAX_LINE_BYTES`, the
    newline counted, as one text: one write() a pipe keeps whole, as a JSON record's one line.
    (AWS Lambda's text line too, its lines joined with "\\r": `log_lambda.LambdaTextFormatter`.)

    As `_fitted_json` cuts a traceback: the lines after the first cut at `_TRACEBACK_LINE`
    characters, then their middle left out (a line saying how many), their start and their end,
    what was raised, kept. The first line (the message) is cut to half the room if the rest
    needs it.
    """
    room = MAX_LINE_BYTES - 1
    rest = [cut(line, _TRACEBACK_LINE) for line in lines[1:]]
    needed = sum(_size(line) + 1 for line in rest)  # (each with the newline before it)
    first = lines[0]
    if _size(first) > max(room // 2, room - needed):
        first = _cut_line(first, max(room // 2, room - needed) + 1)
    left = room - _size(first)
    if needed > left:
        budget = left - _size(_LEFT_OUT.format(9_999_999)) - 1
        end: list[str] = []
        used = 0
        for line in reversed(rest):  # the end first: what was raised, and from what
            if used + _size(line) + 1 > budget - budget // 3:
                break
            end.append(line)
            used += _size(line) + 1
        start: list[str] = []
        for line in rest[: len(rest) - len(end)]:
            if used + _size(line) + 1 > budget:
                break
            start.append(line)
            used += _size(line) + 1
        left_out = _LEFT_OUT.format(len(rest) - len(start) - len(end))
        rest = [*start, left_out, *reversed(end)]
    return "\n".join([first, *rest])


#: The line `fitted_plain` writes for the lines of a record it left out.
_LEFT_OUT: Final = "  … ({:,} lines left out) …"


def _as_text(value: object) -> str:
    """``value`` as a JSON line writes it, as text: a str as it is, a repr's text, the JSON of
    a list."""
    if isinstance(value, str):
        return value
    encodable = _encodable(value)
    if isinstance(encodable, str):
        return encodable
    text = _json_line(encodable)
    return str(msgspec.json.decode(text)) if text.startswith('"') else text


#: The most characters of one line of a traceback in a JSON line cut to fit (`_fitted_json`).
_TRACEBACK_LINE: Final = 200


def _cut_middle(text: str, most: int) -> str:
    """``text`` (a traceback) in at most ``most`` characters and a note: its start and its end,
    which says what was raised, kept."""
    if len(text) <= most:
        return text
    head = most // 3
    tail = most - head
    end = text[len(text) - tail :] if tail > 0 else ""
    return f"{text[:head]}\n… ({len(text) - head - len(end):,} characters left out) …\n{end}"


def _fitted_json(entry: dict[str, Any]) -> str:
    """The JSON line of ``entry`` within `MAX_LINE_BYTES`: its longest values cut (a
    traceback's middle left out), each value not a str, a number or null written as its text."""
    entry = {
        name: value if value is None or isinstance(value, str | int | float) else _as_text(value)
        for name, value in entry.items()
    }
    # Each cut made of the value as it came, not of one cut before: its note counted as text
    # would say the characters of that cut left out, not of the value.
    texts = {name: value for name, value in entry.items() if isinstance(value, str)}
    # A value's bytes in the line are those of its own JSON (the line's escapes are each
    # character's): the line comes to as many bytes fewer as the value does.
    sizes = {name: _json_size(_json_line(value)) for name, value in texts.items()}
    size = _json_size(_json_line(entry))
    for _ in range(32):  # (one round or two, almost always)
        if size < MAX_LINE_BYTES or not sizes:
            break
        name = max(sizes, key=sizes.__getitem__)
        # As many bytes fewer as the line is over, but half of it kept at least: the next round
        # cuts the next longest, so that each keeps a share.
        most = max(sizes[name] - (size - MAX_LINE_BYTES + 1), sizes[name] // 2)
        shorter, shorter_size = _within(texts[name], most, name in ("exception", "stack"))
        if shorter_size < sizes[name]:
            entry[name] = shorter
            size -= sizes[name] - shorter_size
            sizes[name] = shorter_size
        else:
            del sizes[name]  # as short as it is cut: the others are
    line = _json_line(entry)
    return line if _json_size(line) < MAX_LINE_BYTES else _last_resort(texts, len(entry))


def _json_size(line: str) -> int:
    """The bytes of the JSON ``line`` (which holds no lone surrogate: `_json_line` escapes them)."""
    return len(line) if line.isascii() else len(line.encode())


def _within(text: str, most: int, traceback: bool) -> tuple[str, int]:
    """``text`` cut (by `cut`; a traceback, each of its lines cut at `_TRACEBACK_LINE`
    characters, by `_cut_middle`) to a JSON string of at most ``most`` bytes, its quotes and its
    note too (when not even its note fits, the least it can be cut to), and its bytes."""
    if traceback:
        # Its lines cut first (the exception's message, a long source line), its middle frames
        # left out then: its start and end, what was raised, kept.
        text = "\n".join(cut(line, _TRACEBACK_LINE) for line in text.split("\n"))
    size = _json_size(_json_line(text))
    if size <= most:
        return text, size
    shorten = _cut_middle if traceback else cut
    # Each character's share of the bytes, the note's (at most ~40) left: one round or two.
    keep = max(0, len(text) * (most - 40) // size)
    while True:
        shown = shorten(text, keep)
        shown_size = _json_size(_json_line(shown))
        if shown_size <= most or keep == 0:
            return shown, shown_size
        # As many characters fewer as bytes over: each is one byte at least (its note may grow
        # a digit, the next round's few bytes).
        keep = max(0, keep - (shown_size - most))


def _last_resort(texts: dict[str, str], fields: int) -> str:
    """The line of a record's time, level and logger (``texts``: its str values as they came),
    its message cut to the room they leave, and how many of its ``fields`` are left out: what no
    cut of its values brought within `MAX_LINE_BYTES` (hundreds of fields, keys of thousands of
    characters). (Those three, of 100 characters at most, leave the message ~1,900 bytes.)"""
    line: dict[str, Any] = {name: cut(texts.get(name, ""), 100) for name in _LAST_RESORT}
    line["fields_left_out"] = fields - len(line)
    room = MAX_LINE_BYTES + 1 - _json_size(_json_line(line))  # (its "" counted: + 2)
    line["message"] = _within(texts.get("message", ""), room, False)[0]
    return _json_line(line)


_LAST_RESORT: Final = ("time", "level", "logger", "message")


def _cut_extra(value: object) -> object:
    """``value``, or its text (its JSON's, as `format` writes it) `cut` at `MAX_ARGUMENT`
    characters when that is longer."""
    if isinstance(value, str):
        return cut(value, MAX_ARGUMENT)
    if value is None or isinstance(value, int | float):
        return value
    try:
        encoded = _JSON_ENCODER.encode(value)
    except (RecursionError, UnicodeEncodeError):
        return value  # (`_json_line` writes it, as Python shows it or its surrogates escaped)
    if len(encoded) <= MAX_ARGUMENT:
        return value
    text = encoded.decode()
    shown = msgspec.json.decode(encoded) if text.startswith('"') else text  # (a repr's text)
    return cut(shown, MAX_ARGUMENT)


def _encodable(value: object) -> object:
    """``value``, or its `reprlib` text when msgspec cannot encode it for its depth."""
    try:
        _JSON_ENCODER.encode(value)
    except RecursionError:
        try:
            return repr(value)  # a cycle as Python shows it: {...}
        except RecursionError:
            return _REPR.repr(value)  # nested too deep for repr too: cut at 20 levels
    except UnicodeEncodeError:
        pass  # a lone surrogate: `_json_line` escapes it
    return value


def _make_repr() -> reprlib.Repr:
    shown = reprlib.Repr()  # 3.11's takes no arguments
    shown.maxlevel = 20  # where Python's own repr would recurse until it failed
    shown.maxstring = shown.maxother = shown.maxlong = 1000
    shown.maxdict = shown.maxlist = shown.maxtuple = shown.maxset = 100
    shown.maxfrozenset = shown.maxdeque = shown.maxarray = 100
    return shown


_REPR: Final = _make_repr()


def _without_surrogates(value: Any) -> Any:
    """``value`` (builtins: `msgspec.to_builtins`'s) with every str's lone surrogates escaped."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode()
    if isinstance(value, dict):
        return {_without_surrogates(key): _without_surrogates(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(map(_without_surrogates, value))
    return value


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
            first, *rest = text.splitlines() or [""]
            text = "\n".join([shown(first), *[f"  {shown(line)}" for line in rest]])
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


#: What msgspec writes raw in a string (it escapes only below U+0020, ", \\) and a JSON line
#: must not hold raw: DEL, the C1 controls (U+0085 a line break among them), line and
#: paragraph separators, and the format characters the command line escapes too
#: (`HIDING_FORMAT`: the bidirectional controls, and a zero-width space or a tag character that
#: hides text where the line is read, a terminal; the joiners Indic scripts are spelt with are
#: kept).
_RAW_UNSAFE: Final = TERMINAL_UNSAFE


def _raw_unsafe(line: str) -> bool:
    """Whether ``line`` holds one of `_RAW_UNSAFE`'s characters."""
    # DEL, the one ASCII character of them, looked for on its own (a memchr): an ASCII line,
    # almost every line, is then not searched by the pattern.
    if line.isascii():
        return "\x7f" in line
    return _RAW_UNSAFE.search(line) is not None


def _json_escape(match: re.Match[str]) -> str:
    return json_escape(match.group())
