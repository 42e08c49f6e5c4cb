"""Production logging: one line per request, plain or JSON.

Every log line alexaskill writes goes to the logger ``"alexaskill"``; the per-request lines go
to its child ``"alexaskill.request"`` at INFO, so ``logging.getLogger("alexaskill.request")
.setLevel(logging.WARNING)`` silences them alone. A request line carries:

=============  =================================================================================
request_id     ``request.requestId``
request_type   ``request.type`` (``IntentRequest``, …)
intent         the intent name, or null
locale         ``request.locale``, or null
outcome        ``ok``, ``unhandled``, ``handler_error``, ``refused:<check>`` (see `refusal`), …
status         the HTTP status sent (null on AWS Lambda)
handler_ms     time from the decoded envelope to the encoded answer (dispatch, handler, store)
verify_ms      time spent verifying the request and decoding its body (null when not verified)
user           a 12-hex-digit hash of the user id: enough to follow one user, not to name them
=============  =================================================================================

Never logged: access tokens, consent tokens, user ids in full, request or response bodies.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable, Mapping
from typing import IO, TYPE_CHECKING, Any, Final

import msgspec

from .exceptions import (
    CertificateError,
    CertificateUrlError,
    ConfigurationError,
    MalformedRequestError,
    RequestError,
    SignatureError,
    SkillIdError,
    TimestampError,
    VerificationError,
)

if TYPE_CHECKING:
    from .models import Envelope

__all__ = [
    "JsonFormatter",
    "configure_logging",
    "log_request",
    "printable",
    "refusal",
    "user_hash",
]

logger = logging.getLogger("alexaskill")
request_logger = logging.getLogger("alexaskill.request")

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_FIELDS: Final = frozenset(
    (*logging.LogRecord("", 0, "", 0, "", (), None).__dict__, "message", "asctime", "taskName")
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, then any ``extra`` fields.

    A traceback, when there is one, goes into ``"exception"`` (and a stack into ``"stack"``).
    """

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        entry: dict[str, Any] = {
            "time": f"{_UTC_SECONDS.text(record.created)}.{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in record.__dict__.items():
            if name not in _RECORD_FIELDS and name not in entry:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return _json_line(entry)

    def _request_line(self, created: float, message: str, fields: dict[str, Any]) -> str:
        """What `format` makes of the request line's record, made without the record."""
        entry: dict[str, Any] = {
            "time": f"{_UTC_SECONDS.text(created)}.{_msecs(created):03d}Z",
            "level": "INFO",
            "logger": request_logger.name,
            "message": message,
        }
        entry.update(fields)
        return _json_line(entry)


def _json_line(entry: dict[str, Any]) -> str:
    line = _JSON_ENCODER.encode(entry).decode()
    if not line.isascii() and _LINE_BREAKS.search(line):
        # JSON allows these raw in strings, but str.splitlines() and some log viewers break
        # lines there: a value from a request could split one line into two.
        line = _LINE_BREAKS.sub(_json_escape, line)
    return line


_JSON_ENCODER: Final = msgspec.json.Encoder(enc_hook=repr)


#: The plain line: ``2026-11-27 10:00:00,123 INFO alexaskill.request: IntentRequest …``.
_PLAIN_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _PlainFormatter(logging.Formatter):
    """`_PLAIN_FORMAT`, with the date and time text made once a second, not once a line."""

    def __init__(self) -> None:
        super().__init__(_PLAIN_FORMAT)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """``logging.Formatter.formatTime`` (local time, milliseconds after a comma), cached."""
        if datefmt is not None or self.converter is not time.localtime:
            return super().formatTime(record, datefmt)
        return f"{_LOCAL_SECONDS.text(record.created)},{int(record.msecs):03d}"

    def _request_line(self, created: float, message: str) -> str:
        """What `format` makes of the request line's record, made without the record."""
        seconds = _LOCAL_SECONDS.text(created)
        return f"{seconds},{int((created - int(created)) * 1000):03d} {_PLAIN_REST}{message}"


_PLAIN_REST: Final = f"INFO {request_logger.name}: "


class _SecondsText:
    """``time.strftime(format, convert(second))``, remembered for the last second asked."""

    __slots__ = ("_convert", "_format", "_last")

    def __init__(self, format: str, convert: Callable[[float], time.struct_time]) -> None:
        self._format = format
        self._convert = convert
        self._last: tuple[int, str] = (-1, "")

    def text(self, created: float) -> str:
        second = int(created)
        last = self._last  # one tuple, read and replaced whole: safe from any thread
        if last[0] != second:
            last = self._last = (second, time.strftime(self._format, self._convert(second)))
        return last[1]


_LOCAL_SECONDS: Final = _SecondsText("%Y-%m-%d %H:%M:%S", time.localtime)
_UTC_SECONDS: Final = _SecondsText("%Y-%m-%dT%H:%M:%S", time.gmtime)


def _msecs(created: float) -> int:
    return int((created - int(created)) * 1000)


_LINE_BREAKS: Final = re.compile("[\x85\u2028\u2029]")


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler `configure_logging` installs, so that a second call can find and replace it."""

    def _write_line(self, line: str, args: tuple[str, ...], fields: _Fields) -> None:
        """Write one request line, formatted, as `emit` would, under the handler's lock.

        ``args`` and ``fields`` make its record, should `handleError` need one.
        """
        self.acquire()
        try:
            stream = self.stream
            stream.write(line + self.terminator)
            stream.flush()  # the stream's own: self.flush() would take the lock a second time
        except RecursionError:
            raise
        except Exception:
            self.handleError(_record(args, fields))
        finally:
            self.release()


def configure_logging(
    level: str | int = "INFO", *, json: bool = False, stream: IO[str] | None = None
) -> None:
    """Send alexaskill's logs to ``stream`` (default: standard error) at ``level``, plain or JSON.

    Calling it again replaces the previous set-up. The ``"alexaskill"`` logger then stops
    propagating to the root logger, so a root handler (AWS Lambda installs one, so do many
    apps) does not print every line twice.
    """
    resolved = _level(level)
    handler = _Handler(sys.stderr if stream is None else stream)
    handler.setFormatter(JsonFormatter() if json else _PlainFormatter())
    for old in [h for h in logger.handlers if isinstance(h, _Handler)]:
        logger.removeHandler(old)
        old.close()
    logger.addHandler(handler)
    logger.setLevel(resolved)
    logger.propagate = False


def _level(level: str | int) -> int:
    if isinstance(level, int) and not isinstance(level, bool):
        return level
    if isinstance(level, str):
        name = level.strip().upper()
        if name.isdigit():
            return int(name)
        levels = logging.getLevelNamesMapping()
        if name in levels:
            return levels[name]
    raise ConfigurationError(
        f"unknown log level {level!r}: use DEBUG, INFO, WARNING, ERROR or CRITICAL"
    )


_CHECKS: Final[tuple[tuple[type[RequestError], str], ...]] = (
    (MalformedRequestError, "malformed"),
    (CertificateUrlError, "certificate_url"),
    (CertificateError, "certificate"),
    (SignatureError, "signature"),
    (TimestampError, "timestamp"),
    (SkillIdError, "skill_id"),
    (VerificationError, "verification"),
)


def refusal(exc: RequestError) -> str:
    """The outcome for a refused request: ``refused:signature``, ``refused:skill_id``, …"""
    for cls, check in _CHECKS:
        if isinstance(exc, cls):
            return f"refused:{check}"
    return "refused:request"


def user_hash(user_id: str) -> str:
    """12 hex digits identifying ``user_id`` in logs without revealing it."""
    # A copy of one empty BLAKE2b object, not a new one: no digest_size argument to parse on
    # every request line (8,000 instructions down to 5,400). The same hash as ever.
    made = _EMPTY_BLAKE2B
    digest = (made[0] if made else _new_blake2b()).copy()
    digest.update(user_id.encode())
    return digest.hexdigest()


if TYPE_CHECKING:
    from hashlib import blake2b

_EMPTY_BLAKE2B: list[blake2b] = []


def _new_blake2b() -> blake2b:
    import hashlib  # here, not at the top: hashlib loads OpenSSL, ~3 ms of a Lambda cold start

    _EMPTY_BLAKE2B.append(hashlib.blake2b(digest_size=6))
    return _EMPTY_BLAKE2B[0]


def printable(text: str) -> str:
    """``text`` with every character that is not printable escaped as in a Python literal.

    Newlines, carriage returns, NUL, ANSI escapes, Unicode line separators… in a value from a
    request could otherwise forge or hide lines of a plain-text log. Printable text (all of it,
    almost always) is returned as it is.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def _escape_args(record: logging.LogRecord) -> bool:
    """Filter on the "alexaskill" logger: its messages interpolate values from requests."""
    args = record.args
    if isinstance(args, tuple):
        record.args = tuple(_escaped(arg) for arg in args)
    elif isinstance(args, Mapping):
        record.args = {name: _escaped(arg) for name, arg in args.items()}
    return True


def _escaped(arg: object) -> object:
    if isinstance(arg, str):
        return printable(arg)
    if isinstance(arg, BaseException):
        text = str(arg)
        return arg if text.isprintable() else printable(text)
    return arg


logger.addFilter(_escape_args)


def log_request(
    envelope: Envelope | None,
    *,
    outcome: str,
    status: int | None = None,
    handler_ms: float | None = None,
    verify_ms: float | None = None,
) -> None:
    """Log the one INFO line for a request (nothing at all when that level is off).

    ``envelope`` is None when the request was refused before it could be decoded.
    """
    if not request_logger.isEnabledFor(logging.INFO):
        return
    request_id = request_type = intent = locale = user = None
    if envelope is not None:
        request = envelope.request
        request_id = request.request_id or None
        request_type = request.type
        locale = request.locale
        found = envelope.intent
        intent = found.name if found is not None else None
        user = _user(envelope)
    # The values from the request are escaped in the line (a newline in requestId would forge
    # a line); the fields keep them as they came, for formatters that encode them (JSON).
    args = (
        printable(request_type) if request_type else "-",
        f" {printable(intent)}" if intent else "",
        outcome,
        "" if status is None else f" ({status})",
        _ms(handler_ms),
        _ms(verify_ms),
        printable(request_id) if request_id else "-",
    )
    message = _REQUEST_LINE % args
    fields = (
        request_id,
        request_type,
        intent,
        locale,
        outcome,
        status,
        handler_ms,
        verify_ms,
        user,
    )

    handler = _direct_handler()
    if handler is not None:
        # The line goes to configure_logging's handler alone, with one of its formatters: it
        # is formatted and written here, without the LogRecord, the logger hierarchy and the
        # formatter's per-line strftime (115,000 instructions a line down to 43,000,
        # benchmarks/README.md). Anything else (a handler or filter of the application) gets
        # the standard record below.
        created = time.time()
        formatter = handler.formatter
        if type(formatter) is _PlainFormatter:
            line = formatter._request_line(created, message)
        elif type(formatter) is JsonFormatter:
            line = formatter._request_line(created, message, _fields(*fields))
        else:
            line = None
        if line is not None:
            handler._write_line(line, args, fields)
            return
    request_logger.handle(_record(args, fields))


_Fields = tuple[
    str | None, str | None, str | None, str | None, str, int | None, float | None, float | None,
    str | None,
]  # fmt: skip


def _fields(
    request_id: str | None,
    request_type: str | None,
    intent: str | None,
    locale: str | None,
    outcome: str,
    status: int | None,
    handler_ms: float | None,
    verify_ms: float | None,
    user: str | None,
) -> dict[str, Any]:
    """The request line's fields (the ``extra`` of its record, the keys of its JSON)."""
    return {
        "request_id": request_id,
        "request_type": request_type,
        "intent": intent,
        "locale": locale,
        "outcome": outcome,
        "status": status,
        # round(x * 100) / 100, not round(x, 2): the same two decimals for a time, for a
        # fraction of the cost (round with digits goes through a decimal conversion).
        "handler_ms": None if handler_ms is None else round(handler_ms * 100) / 100,
        "verify_ms": None if verify_ms is None else round(verify_ms * 100) / 100,
        "user": user,
    }


def _record(args: tuple[str, ...], fields: _Fields) -> logging.LogRecord:
    # What request_logger.info() would make, less its search of the stack for the caller
    # (always log_request).
    return request_logger.makeRecord(
        request_logger.name, logging.INFO, __file__, _LINE, _REQUEST_LINE, args, None,
        "log_request", _fields(*fields),
    )  # fmt: skip


def _direct_handler() -> _Handler | None:
    """The handler of `configure_logging`, when the request line reaches it alone, unfiltered."""
    if request_logger.handlers or request_logger.filters or not request_logger.propagate:
        return None
    if logger.propagate or len(logger.handlers) != 1:
        return None
    handler = logger.handlers[0]
    if type(handler) is not _Handler or handler.filters or handler.level > logging.INFO:
        return None
    return handler


_REQUEST_LINE: Final = "%s%s -> %s%s handler=%s verify=%s id=%s"
_LINE: Final = log_request.__code__.co_firstlineno


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}ms"


def _user(envelope: Envelope) -> str | None:
    context = envelope.context
    system = None if context is None else context.system
    user = None if system is None else system.user
    if (user is None or not user.user_id) and envelope.session is not None:
        user = envelope.session.user
    if user is None or not user.user_id:
        return None
    return user_hash(user.user_id)


# `Settings`, `settings_from_env` and `configure_logging_if_unset` live in `alexaskill.settings`
# (which imports this module); still importable from here.
_MOVED: Final = frozenset(("Settings", "configure_logging_if_unset", "settings_from_env"))


def __getattr__(name: str) -> Any:
    """The names that moved to `alexaskill.settings`, imported from there on first use."""
    if name not in _MOVED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import settings

    return getattr(settings, name)
