"""Production logging: one line per request, plain or JSON.

Every log line alexaskill writes goes to the logger ``"alexaskill"``; the per-request lines go
to its child ``"alexaskill.request"`` at INFO, so ``logging.getLogger("alexaskill.request")
.setLevel(logging.WARNING)`` silences them alone; the warnings that a security check is off go
to its child ``"alexaskill.security"`` (`security_logger`), at WARNING whatever the level of
``"alexaskill"``. A request line carries:

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

Never logged: access tokens, consent tokens, user, person, device, unit or advertising ids in
full, request or response bodies.

On AWS Lambda, `configure_logging` hands the records to the Lambda runtime's handler, or writes
each on one line with the invocation's id (`alexaskill.log_lambda`).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import IO, TYPE_CHECKING, Any, Final

from .articles import type_with_article
from .exceptions import ConfigurationError
from .log_early import LOGGERS, forget_early, install_early
from .log_fields import json_line, line_args, line_fields, line_message
from .log_format import JsonFormatter, PlainFormatter
from .log_lambda import (
    LambdaJsonFormatter,
    LambdaTextFormatter,
    lambda_json_format,
    lambda_log_floor,
    on_lambda,
    runtime_takes_records,
)
from .log_lists import edit_handlers
from .log_values import escape_args, printable, refusal, user_hash
from .log_writes import handled, pipe_buf, whole_writes
from .shown_names import shown_value

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop
    from threading import RLock

    from .models import Envelope

    # Moved to `alexaskill.settings` (see `_MOVED` below), still typed here.
    from .settings import Settings as Settings
    from .settings import configure_logging_if_unset as configure_logging_if_unset
    from .settings import settings_from_env as settings_from_env

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
#: Every warning that a security check is off or weakened (`Skill(verify=False)`, any skill id,
#: capture, ``serve --dev``, a `Verifier`'s options). Its level is its own, WARNING, not the
#: ``"alexaskill"`` logger's: ``ALEXASKILL_LOG_LEVEL=ERROR`` (or an app's logging at ERROR)
#: does not hide them. Silencing them is written in code, explicitly:
#: ``logging.getLogger("alexaskill.security").setLevel(logging.ERROR)``.
security_logger = logging.getLogger("alexaskill.security")
if security_logger.level == logging.NOTSET:  # a level set before this import (a dictConfig) stays
    security_logger.setLevel(logging.WARNING)


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler `configure_logging` installs, so that a second call can find and replace it.

    It also writes the request lines `log_request` formats itself, batched under load.
    """

    lock: RLock  # made by Handler.__init__ (createLock), never None

    def __init__(self, stream: IO[str]) -> None:
        super().__init__(stream)
        # Request lines waiting for the flush scheduled on `_flush_loop` (see `_write_line`):
        # their text alone. Keeping each line's request too (its envelope, for the record a
        # failed write reports) until the turn's end let the garbage collector find a turn's
        # envelopes alive and move them to its older generations, collected far more often
        # then: under load ~8% more CPU a request, more than the batched writes save
        # (benchmarks/README.md).
        self._pending: list[str] = []
        self._flush_loop: AbstractEventLoop | None = None
        #: The task whose line went out at once in this turn of `_flush_loop`, if one did.
        self._turn_task: object = None

    def _write_line(self, line: str, call: _Call, deferrable: bool) -> None:
        """Write one request line, formatted, as `emit` would, under the handler's lock.

        On an event loop, a line waits for the end of the loop's turn, to go out in one write
        with the others of the turn, when the turn already wrote or holds another request's
        line (another task's), or when other requests are in flight (``deferrable``).
        """
        # The lock's own methods, not the handler's acquire() and release() (Python code
        # around them, the lock always there): 1,000 instructions a line less.
        lock = self.lock
        lock.acquire()
        try:
            # One write() for many lines: each line is a system call, and a release of the GIL
            # (a worker thread of a def handler may take it). Under load a turn of the loop
            # runs several requests to their end (uvicorn's task for each; a quick def handler
            # on the loop, alexaskill.pace, never awaits), none in flight beside another: the
            # turn's first line goes out at once, the others together at the turn's end
            # (load.py, def-info: 1.0 write() a request for the log down to 0.07, worth 1-2%
            # of a request's CPU, below what load.py can show; benchmarks/README.md). One
            # request at a time (tests, a quiet server), or several one after another in one
            # task (an in-process client), has each line out before its answer; without a
            # running loop (AWS Lambda, a script) every line goes out at once.
            found = _LOOP_CALLS or _loop_calls()
            loop = found[0]() if found else None
            if loop is not None:
                current_task = found[1]
                if self._flush_loop is not loop:
                    waits = deferrable
                    self._flush_loop = loop
                    self._turn_task = None if deferrable else current_task(loop)
                    loop.call_soon(self._flush_pending, loop)
                else:
                    waits = deferrable or current_task(loop) is not self._turn_task
                if waits:
                    self._pending.append(line)
                    return
            if self._pending:
                self._pending.append(line)
                self._write_pending()
                return
            try:
                stream = self.stream
                stream.write(line + self.terminator)
                # The stream's own (self.flush() would take the lock again), kept: a file, or a
                # pipe opened as one, is not line-buffered, and the line is to be out before the
                # answer. On sys.stderr (line-buffered; write-through under the Docker image's
                # PYTHONUNBUFFERED) it is a second, empty flush: 700-1,100 instructions, under
                # the 0.2% of a request a check to skip it must save (benchmarks/README.md).
                stream.flush()
            except RecursionError:
                raise
            except Exception:
                self.handleError(_record(*call))
        finally:
            lock.release()

    def _write_pending(self) -> None:
        """Write the pending lines in writes a pipe keeps whole (the caller holds the lock)."""
        lines = self._pending
        self._pending = []
        stream = self.stream
        terminator = self.terminator
        text = terminator.join(lines) + terminator
        # Several workers share one standard error, a pipe under Docker or systemd, where the
        # kernel keeps a write() whole only up to PIPE_BUF bytes (4,096 on Linux): a longer one
        # may be split and interleaved with another worker's, tearing lines apart. A busy turn's
        # lines (~200 bytes a plain line, ~450 a JSON one) go out in writes of at most that.
        limit = pipe_buf()
        if len(text) <= limit and text.isascii():
            writes = [(text, lines)]
        else:
            writes = whole_writes(lines, terminator, getattr(stream, "encoding", None), limit)
        for text, written in writes:
            try:
                stream.write(text)
                stream.flush()
            except RecursionError:
                raise
            except Exception:
                for line in written:  # one report per line lost, as one emit() per line makes
                    self.handleError(_line_record(line))

    def _flush_pending(self, loop: AbstractEventLoop) -> None:
        """The end of ``loop``'s turn: write what waits (the lines of any loop)."""
        self.acquire()
        try:
            if self._flush_loop is loop:
                self._flush_loop = self._turn_task = None
            if self._pending:
                self._write_pending()
        finally:
            self.release()

    def emit(self, record: logging.LogRecord) -> None:
        """Write ``record``, after the request lines still pending: the lines keep their order.

        Its arguments escaped (`alexaskill.log_values`), whichever alexaskill logger made it.
        """
        if self._pending:  # Handler.handle holds the lock
            self._write_pending()
        escape_args(record)
        super().emit(record)

    def flush(self) -> None:
        """Write the pending request lines, then flush the stream (`logging.shutdown` calls it)."""
        self.acquire()
        try:
            if self._pending:
                self._write_pending()
        finally:
            self.release()
        super().flush()

    def close(self) -> None:
        """Write the pending request lines, then close as a `logging.StreamHandler` does."""
        self.flush()
        super().close()


def _forget_pending_in_child() -> None:
    """In a forked child: the request lines waiting are the parent's, to write, not the child's
    (which would write them again at its first record, or its exit)."""
    for handler in logger.handlers:
        if isinstance(handler, _Handler):
            handler._pending = []
            handler._flush_loop = handler._turn_task = None


if hasattr(os, "register_at_fork"):  # not on Windows, which never forks
    os.register_at_fork(after_in_child=_forget_pending_in_child)


#: asyncio's ``_get_running_loop`` and ``current_task``, once asyncio is imported (`_loop_calls`).
_LOOP_CALLS: list[Any] = []


def _loop_calls() -> list[Any]:
    """`_LOOP_CALLS`, filled when asyncio is imported (by the caller whose lines wait, the ASGI
    server; not here: importing it costs an AWS Lambda cold start ~10 ms)."""
    # Found once, not in sys.modules and asyncio's namespace for each line: 1,100 of a line's
    # instructions, a tenth of its writing (benchmarks/README.md, "The request line, ninth
    # session").
    asyncio = sys.modules.get("asyncio")
    if asyncio is not None and not _LOOP_CALLS:
        current_task = asyncio.current_task
        if sys.version_info < (3, 12):
            # Python 3.11's current_task is Python code around this get (C from 3.12 on): the
            # get alone, 1,200 instructions a line less.
            current_task = asyncio.tasks._current_tasks.get
        _LOOP_CALLS.extend((asyncio._get_running_loop, current_task))
    return _LOOP_CALLS


def configure_logging(
    level: str | int = "INFO", *, json: bool = False, stream: IO[str] | None = None
) -> None:
    """Send alexaskill's logs to ``stream`` (default: standard error) at ``level``, plain or JSON.

    Calling it again replaces the previous set-up. The ``"alexaskill"`` logger then stops
    propagating to the root logger, so a root handler (many apps install one) does not print
    every line twice.

    On AWS Lambda (`alexaskill.log_lambda`), without ``stream``, the records go to the handler
    the Lambda runtime put on the root logger instead, when it writes the format asked (plain,
    or JSON when the function's log format is JSON): it frames each record as one CloudWatch
    event and adds the invocation's request id. Otherwise alexaskill's handler writes each
    record on one line, with that id. ``level`` is raised to the function's application log
    level when that is higher (``AWS_LAMBDA_LOG_LEVEL``): Lambda drops whatever is below it, the
    request lines at INFO among them; a WARNING says so (`alexaskill.log_lambda`).
    """
    resolved = _level(level)
    if not isinstance(json, bool):  # "false", read from a setting, is true
        raise ConfigurationError(f"json must be True or False, not {shown_value(json)}")
    if stream is not None and not callable(getattr(stream, "write", None)):
        raise ConfigurationError(
            f"stream must be a text stream (sys.stdout, open(path, 'a')), not "
            f"{type_with_article(stream)}"
        )
    global _set_ups
    _set_ups += 1
    lambda_ = on_lambda()
    handler: _Handler | None = None  # (None: to the runtime's handler on AWS Lambda)
    if not (lambda_ and stream is None and runtime_takes_records(json)):
        handler = _Handler(sys.stderr if stream is None else stream)
        formatter: logging.Formatter
        if lambda_:
            # To standard error on a function whose log format is JSON, JSON whatever was
            # asked: Lambda filters what a process writes by each JSON line's level, and a
            # plain line has none (it reads as INFO, dropped at an application log level
            # above it).
            json = json or (stream is None and lambda_json_format())
            formatter = LambdaJsonFormatter() if json else LambdaTextFormatter()
        else:
            formatter = JsonFormatter() if json else PlainFormatter()
        handler.setFormatter(formatter)
    else:
        # Before the old handler goes: a record another thread logs meanwhile reaches one.
        logger.propagate = True  # to the runtime's handler alone: alexaskill adds none
    # The old handler swapped for the new in one new list: a record another thread logs
    # meanwhile finds one of them (taken off, then added, it found none in between, lost), and
    # its walk of the handlers skips none (removed in place, the one after it was skipped).
    olds: list[logging.Handler] = []

    def swapped(handlers: list[logging.Handler]) -> list[logging.Handler]:
        olds.extend(each for each in handlers if isinstance(each, _Handler))
        kept = [each for each in handlers if not isinstance(each, _Handler)]
        return kept if handler is None else [*kept, handler]

    logger.setLevel(resolved)
    edit_handlers(logger, swapped)
    for old in olds:
        old.close()
    forget_early()
    if handler is None:
        logger.setLevel(lambda_log_floor(resolved))  # (said once it has a way out)
        return
    logger.propagate = False
    if lambda_ and stream is None:  # to standard error, which Lambda filters too
        logger.setLevel(lambda_log_floor(resolved))


#: How many set-ups `configure_logging` has made in this process: whose the last one is (the
#: app's, or `configure_logging_if_unset`'s provisional one) where the logger alone cannot say.
_set_ups = 0


def _level(level: str | int) -> int:
    resolved: int | None = None
    if isinstance(level, int) and not isinstance(level, bool):
        resolved = level
    elif isinstance(level, str):
        name = level.strip().upper()
        # (ASCII digits, few: int() refuses "²", which isdigit() takes, and 4,301 digits)
        digits = name.isascii() and name.isdigit() and len(name) <= 9
        resolved = int(name) if digits else logging.getLevelNamesMapping().get(name)
    if resolved is None:
        raise ConfigurationError(
            f"unknown log level {shown_value(level)}: use DEBUG, INFO, WARNING, ERROR or CRITICAL"
        )
    if resolved > logging.NOTSET and logging.getLevelName(resolved) == f"Level {resolved}":
        # A number logging names no level for: a typo (15), or above CRITICAL (100), which
        # silenced every line, errors included.
        raise ConfigurationError(
            f"log level {shown_value(level)} is not one of logging's levels (10 DEBUG, 20 INFO, "
            "30 WARNING, 40 ERROR, 50 CRITICAL, or one named with logging.addLevelName): use "
            "DEBUG, INFO, WARNING, ERROR or CRITICAL"
        )
    if resolved <= logging.NOTSET:
        # The logger would defer to the root's level (WARNING): the request lines would go.
        raise ConfigurationError(
            f"log level {shown_value(level)} is NOTSET, which would drop the request lines: use "
            "DEBUG, INFO, WARNING, ERROR or CRITICAL"
        )
    return resolved


# A logger's filters see only the records made on it, not those its children pass up: each
# child alexaskill logs to has its own (for any handler: an app's, AWS Lambda's runtime's), and
# configure_logging's handler escapes whatever reaches it (`_Handler.emit`).
for _name in LOGGERS:
    # (addFilter, not `log_lists.edit_filters`: an append, at import, skips no record's walk.)
    logging.getLogger(_name).addFilter(escape_args)
del _name
install_early()  # (what is said before logging is set up, escaped: `alexaskill.log_early`)


def log_request(
    envelope: Envelope | None,
    *,
    outcome: str,
    status: int | None = None,
    handler_ms: float | None = None,
    verify_ms: float | None = None,
    deferrable: bool = False,
) -> None:
    """Log the one INFO line for a request (nothing at all when that level is off).

    ``envelope`` is None when the request was refused before it could be decoded.
    ``deferrable``: other requests are in flight, so the line may wait for the end of the event
    loop's turn and go out in one write with theirs (without a running event loop it never
    waits).
    """
    if not request_logger.isEnabledFor(logging.INFO):
        return
    call = (envelope, outcome, status, handler_ms, verify_ms)
    handler = _direct_handler()
    if handler is not None:
        # The line goes to configure_logging's handler alone, with one of its formatters: it
        # is formatted and written here, without the LogRecord, the logger hierarchy and the
        # formatter's per-line strftime (115,000 instructions a line down to 43,000,
        # benchmarks/README.md). Only what the formatter prints is worked out: the plain line
        # has neither the fields nor the user's hash (a BLAKE2b). Anything else (a handler or
        # filter of the application) gets the standard record below.
        formatter = handler.formatter
        if type(formatter) is PlainFormatter:
            line = formatter._request_line(time.time_ns(), line_message(*line_args(*call)))
        elif type(formatter) is JsonFormatter:
            line = json_line(time.time_ns(), envelope, outcome, status, handler_ms, verify_ms)
        else:
            line = None
        if line is not None:
            handler._write_line(line, call, deferrable)
            return
    handled(request_logger, _record(*call))  # an application's filter's error reported


#: The arguments of `log_request`, kept to make the record of a line, should it need one.
_Call = tuple["Envelope | None", str, int | None, float | None, float | None]


def _record(
    envelope: Envelope | None,
    outcome: str,
    status: int | None,
    handler_ms: float | None,
    verify_ms: float | None,
) -> logging.LogRecord:
    # What request_logger.info() would make, less its search of the stack for the caller
    # (always log_request).
    call = (envelope, outcome, status, handler_ms, verify_ms)
    return request_logger.makeRecord(
        request_logger.name, logging.INFO, __file__, _LINE, _REQUEST_LINE, line_args(*call), None,
        "log_request", line_fields(*call),
    )  # fmt: skip


def _line_record(line: str) -> logging.LogRecord:
    """A record of a request line already formatted: what a failed batched write reports."""
    return request_logger.makeRecord(
        request_logger.name, logging.INFO, __file__, _LINE, line, (), None, "log_request"
    )


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


#: The outcome of a request that alexaskill's own bug failed (not a handler's: "handler_error"),
#: answered by the server (500), or reported by AWS Lambda's runtime as a failed invocation.
INTERNAL_ERROR: Final = "internal_error"
#: The outcome of an AWS Lambda invocation refused because the skill's start failed on the
#: author's configuration (a `ConfigurationError`): no handler run, the invocation failed with
#: it (`alexaskill.lambda_start`).
NOT_STARTED: Final = "not_started"

_REQUEST_LINE: Final = "%s%s -> %s%s handler=%s verify=%s id=%s"
_LINE: Final = log_request.__code__.co_firstlineno


# `Settings`, `settings_from_env` and `configure_logging_if_unset` live in `alexaskill.settings`
# (which imports this module); still importable from here.
_MOVED: Final = frozenset(("Settings", "configure_logging_if_unset", "settings_from_env"))


# Not for type checkers, which read the imports under TYPE_CHECKING: a module `__getattr__`
# would make any name, misspelt ones too, an `Any` for them.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """The names that moved to `alexaskill.settings`, imported from there on first use."""
        if name not in _MOVED:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from . import settings

        return getattr(settings, name)
