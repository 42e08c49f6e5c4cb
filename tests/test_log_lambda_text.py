"""Logging on AWS Lambda: the Lambda text formatter keeps a record on one line (a CloudWatch
event), its control characters escaped and its length within 4,096 bytes (alexaskill's records
under the runtime's logging: tests/test_log_lambda.py)."""

from __future__ import annotations

import logging
import re
import sys
import time

from alexaskill import log_lambda as log_lambda_module
from alexaskill.log_lambda import LambdaTextFormatter

from .chained_errors import STEPS, chained_value_errors

# restore_logging: autouse, each test's logging and environment put back.
from .log_lambda_shared import restore_logging  # noqa: F401


def test_the_text_formatter_keeps_a_record_on_one_line() -> None:
    try:
        raise ValueError("a\nb\u2028c")
    except ValueError:
        record = logging.LogRecord("alexaskill", logging.ERROR, "", 1, "oops", (), sys.exc_info())
    log_lambda_module._aws_request_id = "id\n1"
    text = LambdaTextFormatter().format(record)
    assert "\n" not in text and "\u2028" not in text
    assert text.startswith("[ERROR]\t") and "\tid\\n1\talexaskill: oops\r  Traceback" in text
    assert text.endswith("\r  ValueError: a\r  b\r  c")
    assert time.strftime("%Y-%m-%dT", time.gmtime(record.created)) in text


def test_the_text_formatter_escapes_control_characters_in_a_traceback() -> None:
    try:
        raise ValueError("x\x1b[2K\x00")
    except ValueError:
        record = logging.LogRecord("alexaskill", logging.ERROR, "", 1, "oops", (), sys.exc_info())
    text = LambdaTextFormatter().format(record)
    assert "\x1b" not in text and "\x00" not in text
    assert text.endswith("\r  ValueError: x\\x1b[2K\\x00")


def test_the_text_formatter_escapes_control_characters_in_a_one_line_record() -> None:
    # No line break, all ASCII: an ANSI escape or a NUL in the message itself went out as is.
    record = logging.makeLogRecord({"name": "alexaskill", "msg": "x\x1b[2K\x00 y"})
    assert LambdaTextFormatter().format(record).endswith("\talexaskill: x\\x1b[2K\\x00 y")


def test_the_text_formatter_keeps_space_separators() -> None:
    # French and German numbers group digits with U+202F and U+00A0: kept, not escaped.
    try:
        raise ValueError("1\u202f234\xa0€\x00")
    except ValueError:
        record = logging.LogRecord(
            "alexaskill", logging.ERROR, "", 1, "Prix: 1\u202f234\xa0€", (), sys.exc_info()
        )
    text = LambdaTextFormatter().format(record)
    assert "\talexaskill: Prix: 1\u202f234\xa0€\r  Traceback" in text
    assert text.endswith("\r  ValueError: 1\u202f234\xa0€\\x00")


def test_the_text_formatter_keeps_an_alexaskill_record_within_4096_bytes() -> None:
    # The plain and JSON formatters cut an alexaskill line to 4,096 bytes (a write a pipe keeps
    # whole); the Lambda text one, a whole traceback on one line, had no bound.
    try:
        raise ValueError("\u20ac" * 3000)  # (three bytes a character in UTF-8)
    except ValueError:
        record = logging.LogRecord(
            "alexaskill", logging.ERROR, "", 1, "oops %s", ("x" * 2000,), sys.exc_info()
        )
    text = LambdaTextFormatter().format(record)
    assert len((text + "\n").encode()) <= 4_096 and "\n" not in text
    assert text.startswith("[ERROR]\t") and "alexaskill: oops xx" in text
    assert text.endswith(")") and "\u2026(+" in text  # how much was cut, said
    other = logging.makeLogRecord({"name": "theirs", "msg": "y" * 5000})
    assert len(LambdaTextFormatter().format(other)) > 5000  # another logger's, as it came


def test_the_text_formatter_keeps_what_was_raised_when_it_cuts_a_traceback() -> None:
    # It cut a record past 4,096 bytes at its end: a long traceback lost its last lines, the
    # exception raised. Cut as the plain formatter cuts one: its middle left out.
    exc = chained_value_errors("e" * 150)
    record = logging.LogRecord("alexaskill", logging.ERROR, "", 1, "failed", (), None)
    record.exc_info = (type(exc), exc, exc.__traceback__)
    text = LambdaTextFormatter().format(record)
    assert len((text + "\n").encode()) <= 4_096 and "\n" not in text
    first, *rest = text.split("\r")
    assert first.startswith("[ERROR]\t") and first.endswith("\talexaskill: failed")
    assert all(line.startswith("  ") for line in rest)
    assert any(re.fullmatch(r"  … \([\d,]+ lines left out\) …", line) for line in rest)
    assert rest[-1].startswith(f"  ValueError: step {STEPS - 1} eee")
