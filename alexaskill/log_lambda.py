"""Logging on AWS Lambda: each record one CloudWatch event, tagged with the invocation's id.

Lambda's Python runtime (the runtime interface client, awslambdaric, in every managed Python
runtime and AWS's base images) puts a handler on the root logger before it imports the function's
module. That handler adds the invocation's request id (``aws_request_id``) to every record, writes
the function's log format (Text, or JSON when ``AWS_LAMBDA_LOG_FORMAT`` is JSON) and hands each
record to Lambda as one frame: one CloudWatch event, however many lines it has, with its level
(which the function's log-level filtering reads). What a process writes to standard output or
error is cut into events at each newline instead.

So `alexaskill.logs.configure_logging`, on Lambda (`on_lambda`):

- lets alexaskill's records through to that handler (adding none of its own, and propagating),
  when the format asked is plain, or when the function's own log format is JSON;
- otherwise (``json=True`` on a function whose log format is Text; no handler on the root logger,
  as under a web server in Lambda; a stream passed explicitly) installs its own handler, with a
  formatter that writes each record as a single line: `LambdaJsonFormatter` (JSON escapes every
  newline; always, to standard error, on a function whose log format is JSON, where Lambda reads
  each line's level from it) or `LambdaTextFormatter` (the runtime's text layout, the record's
  line breaks written as carriage returns, as the runtime writes a failed invocation's error to
  standard output).
  Both add the id of the invocation under way, which `alexaskill.aws_lambda.handler` notes from
  its ``context.aws_request_id`` (`note_invocation`).

A web server run in Lambda (the skill's ASGI app as a Lambda web function, behind the Lambda Web
Adapter, or through an ASGI adapter such as Mangum) is not invoked through
`alexaskill.aws_lambda.handler`: the app notes each request's invocation id from what the host
passes it (`alexaskill.lambda_web.note_request`), for the lines written while it answers.

The function's application log level (``AWS_LAMBDA_LOG_LEVEL``, set with the JSON log format
only) is Lambda's own filter, applied to what the function wrote: nothing below it reaches
CloudWatch, however the function logged it, and no record can pass it without claiming a level
it does not have. So alexaskill's one line per request, at INFO, is kept only when that level
is INFO or lower. Below it, `configure_logging` raises alexaskill's level to it (no line is made
to be dropped) and says so once, at WARNING (`lambda_log_floor`).

Nothing here imports more than the logging module: a cold start pays nothing for it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from .log_fit import SURELY_WITHIN, fitted_plain, too_long
from .log_format import JsonFormatter, is_ours
from .log_times import utc_text
from .log_values import printable, shown_lines

__all__ = [
    "LambdaJsonFormatter",
    "LambdaTextFormatter",
    "aws_request_id",
    "lambda_json_format",
    "lambda_level",
    "lambda_log_floor",
    "note_invocation",
    "on_lambda",
    "runtime_takes_records",
]

#: The last invocation noted, as the runtime keeps it (one invocation at a time in a process:
#: Lambda's concurrent mode forks one process per concurrent invocation), for a line written
#: outside any invocation's context (a thread started bare, which copies no context).
_aws_request_id: str = ""
#: The invocation a line is written for, in the context of its answer: the invocation's of
#: `alexaskill.aws_lambda.handler` (`note_invocation`, in the context made for it), or that of the
#: request a web server in Lambda is answering (`alexaskill.lambda_web.note_request`). Each its
#: own, however many are under way: a handler past its deadline runs on in its thread while the
#: next invocation is answered, and a web server may take several requests at once.
_request_invocation: ContextVar[str] = ContextVar("alexaskill_aws_request_id", default="")


def on_lambda(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this process is a Lambda function's: the variables Lambda's runtime environment
    sets, ``AWS_LAMBDA_FUNCTION_NAME`` and ``AWS_LAMBDA_RUNTIME_API`` (or an
    ``AWS_EXECUTION_ENV`` of Lambda's, ``AWS_Lambda_python3.11``: ECS sets that variable too,
    to ``AWS_ECS_FARGATE``)."""
    env = os.environ if environ is None else environ
    if not env.get("AWS_LAMBDA_FUNCTION_NAME"):
        return False
    execution = env.get("AWS_EXECUTION_ENV", "")
    return bool(env.get("AWS_LAMBDA_RUNTIME_API")) or execution.startswith("AWS_Lambda_")


def lambda_json_format(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the function's log format is JSON (``AWS_LAMBDA_LOG_FORMAT``): Lambda then filters
    its logs by level (``AWS_LAMBDA_LOG_LEVEL``), reading the level of what a process writes
    itself from each JSON line's ``"level"`` (a plain line reads as INFO)."""
    env = os.environ if environ is None else environ
    return env.get("AWS_LAMBDA_LOG_FORMAT", "").strip().upper() == "JSON"


def runtime_takes_records(json: bool, environ: Mapping[str, str] | None = None) -> bool:
    """Whether alexaskill's records should go to the runtime's handler (on the root logger).

    It is there, and writes what was asked: any format for plain text (its own text layout carries
    the request id), and JSON only when the function's log format is JSON.
    """
    if not logging.getLogger().handlers:
        return False
    return not json or lambda_json_format(environ)


#: ``AWS_LAMBDA_LOG_LEVEL``'s values (Lambda's names), as Python's levels (awslambdaric's).
_LAMBDA_LEVELS = {
    "TRACE": logging.DEBUG,
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARN": logging.WARNING,
    "WARNING": logging.WARNING,
    "ERROR": logging.ERROR,
    "FATAL": logging.CRITICAL,
    "CRITICAL": logging.CRITICAL,
}
#: The levels `lambda_log_floor` said were raised (asked, floor), not to say it at every set-up.
_floor_said: tuple[int, int] | None = None


def lambda_log_floor(asked: int, environ: Mapping[str, str] | None = None) -> int:
    """The level alexaskill's loggers should have on this Lambda function, ``asked`` for.

    ``asked``, unless the function's application log level is above it (the JSON log format and
    ``AWS_LAMBDA_LOG_LEVEL=WARN``, say): then that level, since Lambda drops whatever is below
    it, the request lines among them. Said at WARNING, once for a pair of levels: the function's
    author should know that the one line per request is not kept, and how to keep it.
    """
    global _floor_said
    env = os.environ if environ is None else environ
    if not lambda_json_format(env):
        return asked  # the Text format filters nothing: Lambda reads no level in it
    floor = _LAMBDA_LEVELS.get(env.get("AWS_LAMBDA_LOG_LEVEL", "").strip().upper(), 0)
    if floor <= asked:
        return asked
    if _floor_said != (asked, floor):
        _floor_said = (asked, floor)
        logging.getLogger("alexaskill").warning(
            "the function's application log level is %s (AWS_LAMBDA_LOG_LEVEL): Lambda drops "
            "every record below it, so alexaskill logs at %s, not %s, and its request lines "
            "(alexaskill.request, one a request at INFO) are not kept. To keep them, set the "
            "application log level to INFO (and, for your own code's logs at WARN, "
            "logging.getLogger().setLevel('WARNING') in the function's module); to say no more "
            "of it, set ALEXASKILL_LOG_LEVEL=%s",
            env["AWS_LAMBDA_LOG_LEVEL"].strip().upper(),
            logging.getLevelName(floor),
            logging.getLevelName(asked),
            logging.getLevelName(floor),
        )
    return floor


def note_invocation(context: Any) -> None:
    """Note the id of the invocation starting, ``context.aws_request_id``, for lines to carry:
    in the current context (call it in the one made for the invocation) and as the last one."""
    global _aws_request_id
    request_id = getattr(context, "aws_request_id", None)
    _aws_request_id = request_id if isinstance(request_id, str) else ""
    _request_invocation.set(_aws_request_id)


def aws_request_id() -> str:
    """The id of the invocation under way (or the last one); empty before any.

    In a web server run in Lambda, the id of the request being answered
    (`alexaskill.lambda_web.note_request`).
    """
    return _request_invocation.get() or _aws_request_id


def lambda_level(levelno: int) -> str:
    """Lambda's name for a record's level: TRACE, DEBUG, INFO, WARN, ERROR or FATAL.

    The names Lambda's log-level filtering reads in a JSON line's ``"level"``; any other
    (Python's WARNING and CRITICAL) reads as INFO, kept or dropped as INFO would be.
    """
    for floor, name in _LAMBDA_NAMES:
        if levelno >= floor:
            return name
    return "TRACE"


#: Lambda's level names, from the highest, with the lowest Python level each stands for.
_LAMBDA_NAMES = (
    (logging.CRITICAL, "FATAL"),
    (logging.ERROR, "ERROR"),
    (logging.WARNING, "WARN"),
    (logging.INFO, "INFO"),
    (logging.DEBUG, "DEBUG"),
)


class LambdaJsonFormatter(JsonFormatter):
    """`JsonFormatter` in the terms of Lambda's log-level filtering, with ``"aws_request_id"``
    (the Lambda invocation's, when there is one).

    On a function whose log format is JSON, Lambda filters the JSON lines a process writes by
    their ``"level"``, in Lambda's names (`lambda_level`: ``WARN``, not ``WARNING``), and their
    RFC 3339 ``"timestamp"`` (the key of the Python runtime's own JSON): a line whose level or
    timestamp it cannot read counts as INFO. So the time is ``"timestamp"`` here, not ``"time"``.
    """

    def _entry(self, record: logging.LogRecord) -> dict[str, Any]:
        entry = super()._entry(record)
        del entry["level"]
        # An extra named "timestamp" is dropped, as `JsonFormatter` drops one named "time": the
        # line's own is what Lambda reads (one it cannot parse makes the line INFO).
        entry.pop("timestamp", None)
        entry = {"timestamp": entry.pop("time"), "level": lambda_level(record.levelno), **entry}
        request_id = aws_request_id()
        if request_id:
            entry["aws_request_id"] = request_id
        return entry


class LambdaTextFormatter(logging.Formatter):
    """The Lambda runtime's text layout, on one line: line breaks within a record (a traceback's)
    written as carriage returns, and every line after the first indented by two spaces.

    ``[INFO]\t2026-11-27T10:00:00.123Z\t<aws request id>\talexaskill.request: <message>``: time
    in UTC, the logger's name before the message.
    """

    def __init__(self) -> None:
        super().__init__("%(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line: level, UTC time, the invocation's id, logger, message."""
        text = super().format(record)
        lines = [text]
        if not text.isprintable():
            # Lambda cuts standard output and error into events at "\n" only; any other line
            # break would still split the record in a viewer. A traceback's last line quotes its
            # exception's message, which may hold a value of a request: indented, no line of it
            # passes for a record of its own, and its other control characters are escaped.
            lines = shown_lines(text).split("\n")
        request_id = aws_request_id()
        aws_id = request_id if request_id.isprintable() else printable(request_id)
        created = utc_text(record.created)
        lines[0] = f"[{record.levelname}]\t{created}.{int(record.msecs):03d}Z\t{aws_id}\t{lines[0]}"
        line = "\r".join(lines)
        # Within `MAX_LINE_BYTES`, as the plain and JSON formatters keep an alexaskill record
        # (the whole record is one line here, its traceback too): cut as the plain one is, a
        # traceback's middle left out, what was raised kept ("\r" and "\n" one byte each).
        if len(line) > SURELY_WITHIN and is_ours(record.name) and too_long(line):
            return fitted_plain(lines).replace("\n", "\r")
        return line
