"""A stand-in for AWS Lambda's Python runtime: its logging, and its loop of invocations.

What it reproduces, from the runtime interface client (awslambdaric 4.x, ``bootstrap.py`` and
``lambda_runtime_log_utils.py``), each as the real one does it:

- the set-up before the function's module is imported: a handler on the root logger, times in
  UTC (``logging.Formatter.converter = time.gmtime``), the root's level from
  ``AWS_LAMBDA_LOG_LEVEL`` when set;
- the handler's filter, which sets ``record.aws_request_id`` to the invocation's id;
- its text format, ``[LEVEL]\\tTIME.mmmZ\\tAWS_REQUEST_ID\\tMESSAGE\\n``, or with
  ``AWS_LAMBDA_LOG_FORMAT=JSON`` its JSON: timestamp, level, message, logger, stackTrace,
  errorType, errorMessage, requestId, location and the record's other attributes, None left out;
- its sink: on Lambda (``_LAMBDA_TELEMETRY_LOG_FD``) each record goes to Lambda as one frame,
  one CloudWatch event whatever its newlines (`frames`), of the record's level with the JSON
  format or a log level set, else of the default type (NOTSET); what the process writes to
  standard output or error is cut into events at each newline (`stream_events`);
- an invocation: the id set, ``handler(event, context)`` called with a context that has
  ``aws_request_id`` and ``get_remaining_time_in_millis`` (`LambdaContext`, which the other
  tests pass too), and an ``Exception`` that gets out logged as one ERROR frame and reported as
  the invocation's error;
- the answer encoded as the runtime posts it (``lambda_runtime_marshaller``'s
  ``marshal_response``, called in the frame that called the handler): bytes as they are,
  anything else as JSON by its ``Encoder``, ASCII only but on the python3.12 and 3.13 runtimes;
  an answer that does not encode (not JSON, or nested too deep for the frames left) fails the
  invocation with ``Runtime.MarshalError``, logged as one ERROR frame without a traceback.
  awslambdaric's encoder is simplejson's (``use_decimal=False``, a Decimal written as its
  digits); this is the standard library's, which Python counts against the recursion limit
  the same way, a level a frame (a Decimal here is written as a float).

``tests/test_log_lambda.py`` says how it was compared with the real runtime client.

The version followed is awslambdaric 4.2.2, the one it was compared with: an invocation's
error is its ERROR frame alone. Versions 2.0.9 to 3.x logged a WARNING frame before it,
``LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function
code. …`` (aws-lambda-python-runtime-interface-client pull request 120; in plain text whatever
the log format until 3.0.1, then through the root logger's handler, pull request 182). Pull
request 189 moved that WARNING to init errors (the function's module failing to import), which
this stand-in does not make: a function that raises in an invocation gets no WARNING from
4.2.2, so none is made here. A test that counted frames of a failed invocation on a 3.x runtime
would find one more.
"""

from __future__ import annotations

import decimal
import json
import logging
import math
import os
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: The environment Lambda gives a function on a managed Python runtime (the part read here).
LAMBDA_ENVIRON = {
    "AWS_LAMBDA_FUNCTION_NAME": "skill",
    "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
    "AWS_REGION": "us-east-1",
}

_TEXT_FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n"
_RESERVED = frozenset(
    (
        *logging.LogRecord("", 0, "", 0, "", (), None).__dict__,
        "aws_request_id",
        "tenant_id",
        "_frame_type",
    )
)
_LEVEL_NAMES = {0: "NOTSET", 10: "DEBUG", 20: "INFO", 30: "WARNING", 40: "ERROR", 50: "CRITICAL"}
#: AWS_LAMBDA_LOG_LEVEL's values, as Python's levels.
_LAMBDA_LEVELS = {"TRACE": 5, "DEBUG": 10, "INFO": 20, "WARN": 30, "ERROR": 40, "FATAL": 50}


@dataclass
class Frame:
    """One record as Lambda receives it: one CloudWatch event."""

    level: str
    message: str


class _JsonFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(datefmt="%Y-%m-%dT%H:%M:%SZ")

    def format(self, record: logging.LogRecord) -> str:
        level = min(50, max(0, record.levelno)) // 10 * 10
        record.levelno, record.levelname = level, _LEVEL_NAMES[level]
        exc = record.exc_info
        result: dict[str, Any] = {
            "timestamp": self.formatTime(record, self.datefmt),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": traceback.format_tb(exc[2]) if exc else None,
            "errorType": exc[0].__name__ if exc and exc[0] else None,
            "errorMessage": str(exc[1]) if exc else None,
            "requestId": getattr(record, "aws_request_id", None),
            "location": f"{record.pathname}:{record.funcName}:{record.lineno}" if exc else None,
        }
        result.update(
            (k, v) for k, v in record.__dict__.items() if k not in _RESERVED and k not in result
        )
        result = {k: v for k, v in result.items() if v is not None}
        return json.dumps(result, ensure_ascii=False, default=str) + "\n"


#: The runtimes whose encoder writes non-ASCII characters as they are (awslambdaric's
#: ``lambda_marshaller_ensure_ascii_false``); the others escape them (``\u00a3``).
_UNESCAPED_RUNTIMES = frozenset(("AWS_Lambda_python3.12", "AWS_Lambda_python3.13"))


class _Encoder(json.JSONEncoder):
    """awslambdaric's ``Encoder``, on the standard library's json."""

    def __init__(self) -> None:
        unescaped = os.environ.get("AWS_EXECUTION_ENV") in _UNESCAPED_RUNTIMES
        super().__init__(ensure_ascii=not unescaped)

    def default(self, o: Any) -> Any:
        if isinstance(o, decimal.Decimal):
            return math.nan if o.is_nan() else float(o)
        return super().default(o)


class _MarshalError(Exception):
    """awslambdaric's ``FaultException`` of an answer it could not encode."""


def _marshal(answer: Any) -> bytes | str:
    """The answer as the runtime posts it (``LambdaMarshaller.marshal_response``)."""
    if isinstance(answer, bytes):
        return answer
    try:
        return _Encoder().encode(answer)
    except Exception as exc:
        raise _MarshalError(f"Unable to marshal response: {exc}") from None


class LambdaContext:
    """What the Lambda runtime passes as ``context``: the part alexaskill reads, the invocation's
    id and the time it has left; ``remaining_ms`` None, a clock that fails (a context that is
    not Lambda's). The one stand-in of every test that passes a context."""

    def __init__(self, remaining_ms: int | None = 7000, aws_request_id: str | None = None) -> None:
        self.remaining_ms = remaining_ms
        # None is as good as no id: alexaskill reads it with getattr and keeps only a str.
        self.aws_request_id = aws_request_id

    def get_remaining_time_in_millis(self) -> int:
        if self.remaining_ms is None:
            raise RuntimeError("not a real Lambda context")
        return self.remaining_ms


@dataclass
class Runtime:
    """The runtime's logging installed on the root logger, and invocations made through it."""

    log_format: str = "Text"
    log_level: str | None = None
    frames: list[Frame] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    #: The answers posted to Lambda, as encoded (`_marshal`), one an invocation that did not fail.
    posted: list[bytes | str] = field(default_factory=list)
    request_id: str = ""

    def install(self) -> None:
        """What the runtime sets up before it imports the function's module."""
        runtime = self

        class Filter(logging.Filter):
            def filter(self, record: logging.LogRecord) -> bool:
                record.aws_request_id = runtime.request_id
                record.tenant_id = None
                return True

        # The frame's type carries the record's level only with the JSON format or a log level
        # set (LambdaLoggerHandlerWithFrameType); otherwise it is the default type, NOTSET.
        leveled = self.log_format.upper() == "JSON" or bool(self.log_level)

        class Handler(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                message = self.format(record)
                level = min(50, max(0, record.levelno)) // 10 * 10 if leveled else 0
                runtime.frames.append(Frame(_LEVEL_NAMES[level], message))

        logging.Formatter.converter = time.gmtime
        handler = Handler()
        if self.log_format.upper() == "JSON":
            handler.setFormatter(_JsonFormatter())
        else:
            handler.setFormatter(logging.Formatter(_TEXT_FORMAT, "%Y-%m-%dT%H:%M:%S"))
        if self.log_level:
            # (awslambdaric maps Lambda's names to Python's: WARN is WARNING, FATAL CRITICAL.)
            logging.getLogger().setLevel(_LAMBDA_LEVELS[self.log_level.upper()])
        handler.addFilter(Filter())
        logging.getLogger().addHandler(handler)
        self.handler = handler

    def invoke(
        self, handler: Callable[[Any, Any], Any], event: Any, *, remaining_ms: int = 7000
    ) -> Any:
        """One invocation: the handler's answer, once encoded as the runtime posts it (in
        `posted`), or None when it failed (the error in `errors`)."""
        self.request_id = str(uuid.uuid4())
        try:
            answer = handler(event, LambdaContext(remaining_ms, self.request_id))
            self.posted.append(_marshal(answer))  # (in this frame, as the runtime's)
            return answer
        except _MarshalError as exc:
            # (No traceback: awslambdaric's fault has none, its frame's "Traceback" line alone.)
            lines = [f"[ERROR] Runtime.MarshalError: {exc}", "Traceback (most recent call last):"]
            self.frames.append(Frame("ERROR", "\n".join(lines)))
            self.errors.append({"errorType": "Runtime.MarshalError", "errorMessage": str(exc)})
            return None
        except Exception as exc:
            lines = [f"[ERROR] {type(exc).__name__}: {exc}", "Traceback (most recent call last):"]
            lines += [line.rstrip("\n") for line in traceback.format_tb(exc.__traceback__)]
            self.frames.append(Frame("ERROR", "\n".join(lines)))
            self.errors.append({"errorType": type(exc).__name__, "errorMessage": str(exc)})
            return None

    def messages(self) -> list[str]:
        """The frames' messages."""
        return [frame.message for frame in self.frames]

    def delivered(self) -> list[str]:
        """The frames' messages CloudWatch gets: with the JSON format and an application log
        level (``AWS_LAMBDA_LOG_LEVEL``), Lambda drops the frames below that level (Amazon's
        "Log-level filtering" page)."""
        if self.log_format.upper() != "JSON" or not self.log_level:
            return self.messages()
        floor = _LAMBDA_LEVELS[self.log_level.upper()]
        levels = {name: number for number, name in _LEVEL_NAMES.items()}
        return [f.message for f in self.frames if levels[f.level] >= floor]


def stream_events(text: str) -> list[str]:
    """What Lambda makes of what a process wrote to standard output or error: an event a line."""
    return [line for line in text.split("\n") if line]
