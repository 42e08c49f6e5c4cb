"""Logging: the per-request line, the JSON formatter, and control characters from the wire that
never start a line of their own."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from alexaskill import log_times
from alexaskill.exceptions import (
    CertificateError,
    CertificateUrlError,
    MalformedRequestError,
    RequestError,
    SignatureError,
    SkillIdError,
    TimestampError,
    VerificationError,
)
from alexaskill.log_fields import line_args
from alexaskill.log_format import PlainFormatter
from alexaskill.logs import JsonFormatter, configure_logging, log_request, refusal, user_hash
from alexaskill.models import Envelope, decode_envelope

from .conftest import SKILL_ID, Servers
from .logs_shared import FIXTURES, envelope, json_lines
from .logs_shared import restore_logger as restore_logger
from .processes import free_port


def test_request_line_in_json_has_the_fields_and_nothing_sensitive() -> None:
    stream = io.StringIO()
    configure_logging("INFO", json=True, stream=stream)
    request = envelope()
    log_request(request, outcome="ok", status=200, handler_ms=1.23456, verify_ms=0.5)
    [line] = json_lines(stream)
    assert line["level"] == "INFO"
    assert line["logger"] == "alexaskill.request"
    assert line["time"].endswith("Z") and line["time"][10] == "T"
    assert line["request_id"] == request.request.request_id
    assert line["request_type"] == "IntentRequest"
    assert line["intent"] == "GetWeather"
    assert line["locale"] == "en-US"
    assert line["outcome"] == "ok"
    assert line["status"] == 200
    assert line["handler_ms"] == 1.23 and line["verify_ms"] == 0.5
    system = request.context.system  # type: ignore[union-attr]
    user_id = system.user.user_id  # type: ignore[union-attr]
    assert line["user"] == user_hash(user_id) and len(line["user"]) == 12
    text = stream.getvalue()
    assert user_id not in text and user_id[:40] not in text
    token = system.api_access_token  # type: ignore[union-attr]
    assert token and token[:20] not in text
    assert "GetWeather -> ok (200)" in line["message"]


def test_refused_request_without_envelope() -> None:
    stream = io.StringIO()
    configure_logging(json=True, stream=stream)
    log_request(None, outcome=refusal(SignatureError()), status=400, verify_ms=2.0)
    [line] = json_lines(stream)
    assert line["outcome"] == "refused:signature"
    assert line["request_id"] is None and line["user"] is None and line["handler_ms"] is None


def test_plain_request_line() -> None:
    stream = io.StringIO()
    configure_logging("info", stream=stream)
    log_request(envelope("LaunchRequest"), outcome="ok", status=200, handler_ms=0.04)
    text = stream.getvalue()
    assert " INFO alexaskill.request: LaunchRequest -> ok (200) handler=0.0ms verify=- id=" in text
    assert text.count("\n") == 1


def test_request_record_is_what_logger_info_would_make() -> None:
    # log_request builds its record itself (no stack search): the caller fields, the logger's
    # filters and propagation must be as with request_logger.info().
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    configure_logging("INFO", stream=io.StringIO())
    parent = logging.getLogger("alexaskill")
    keep = Keep()
    parent.addHandler(keep)
    request_logger = logging.getLogger("alexaskill.request")
    try:
        log_request(envelope(), outcome="ok", status=200)
        request_logger.addFilter(
            lambda record: record.outcome != "unhandled"  # type: ignore[attr-defined]
        )
        log_request(envelope(), outcome="unhandled", status=200)
    finally:
        parent.removeHandler(keep)
        request_logger.filters.clear()
    assert len(records) == 1
    record = records[0]
    assert (record.name, record.levelno, record.funcName) == (
        "alexaskill.request",
        20,
        "log_request",
    )
    assert record.filename == "logs.py" and record.lineno > 0
    assert record.getMessage().startswith("IntentRequest GetWeather -> ok (200) handler=- ")
    assert record.outcome == "ok" and record.status == 200  # type: ignore[attr-defined]


def both_paths(as_json: bool, entry: Envelope | None, **kwargs: Any) -> tuple[str, str]:
    """The request line written directly (configure_logging's handler alone) and through a
    LogRecord (a filter on the handler forces the standard path), from the same call."""
    direct, standard = io.StringIO(), io.StringIO()
    configure_logging("INFO", json=as_json, stream=direct)
    log_request(entry, **kwargs)
    configure_logging("INFO", json=as_json, stream=standard)
    handler = logging.getLogger("alexaskill").handlers[0]
    seen: list[logging.LogRecord] = []

    def note(record: logging.LogRecord) -> bool:
        seen.append(record)
        return True

    handler.addFilter(note)
    log_request(entry, **kwargs)
    assert len(seen) == 1  # the standard path did run: its record went through the filter
    return direct.getvalue(), standard.getvalue()


@pytest.mark.parametrize("as_json", [False, True])
@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("IntentRequest.GetWeather", {"outcome": "ok", "status": 200, "handler_ms": 1.23456}),
        ("LaunchRequest", {"outcome": "handler_error", "status": 200, "verify_ms": 0.125}),
        (None, {"outcome": "refused:signature", "status": 400, "verify_ms": 2.0}),
    ],
)
def test_the_direct_request_line_is_the_standard_one(
    as_json: bool, name: str | None, kwargs: dict[str, Any]
) -> None:
    entry = envelope(name) if name else None
    direct, standard = both_paths(as_json, entry, **kwargs)
    assert direct.count("\n") == standard.count("\n") == 1
    if as_json:
        direct_line, standard_line = json.loads(direct), json.loads(standard)
        assert list(direct_line) == list(standard_line)  # the same fields, in the same order
        assert direct_line["time"][:16] == standard_line["time"][:16]
        del direct_line["time"], standard_line["time"]
        assert direct_line == standard_line
    else:
        assert direct[:16] == standard[:16]  # the same minute, in the same format
        assert direct[23:] == standard[23:]  # all after "YYYY-MM-DD HH:MM:SS,mmm"
        assert direct[19] == standard[19] == ","


def test_the_time_text_is_the_formatters_own() -> None:
    record = logging.LogRecord("alexaskill.request", logging.INFO, __file__, 1, "x", (), None)
    ours, standard = PlainFormatter(), logging.Formatter()
    for created in (record.created, 0.0, 1_700_000_000.999, 1_700_000_001.5):
        record.created, record.msecs = created, int((created - int(created)) * 1000)
        assert ours.formatTime(record) == standard.formatTime(record)
    assert ours.formatTime(record, "%H") == standard.formatTime(record, "%H")
    ours.converter = time.gmtime
    standard.converter = time.gmtime
    assert ours.formatTime(record) == standard.formatTime(record)


def test_the_request_lines_time_from_nanoseconds_is_the_formatters_own() -> None:
    # The request line's time, made from time.time_ns(), against what logging's formatters
    # write of a record made at the same time (times a float holds exactly), second after
    # second (each replaces the second kept) and back.
    record = logging.LogRecord("alexaskill.request", logging.INFO, __file__, 1, "x", (), None)
    local, utc = logging.Formatter(), logging.Formatter()
    utc.converter = time.gmtime
    times = [
        (0, 0),
        (1_700_000_000, 500_000_000),
        (1_700_000_001, 250_000_000),
        (1_700_086_399, 875_000_000),
        (1_700_000_000, 3_906_250),
    ]
    for second, fraction in times:
        now_ns = second * 1_000_000_000 + fraction
        record.created = now_ns / 1e9
        record.msecs = fraction // 1_000_000
        assert log_times.LOCAL_SECONDS.stamp(now_ns) == local.formatTime(record)
        assert log_times.UTC_SECONDS.stamp(now_ns) == (
            f"{utc.formatTime(record, '%Y-%m-%dT%H:%M:%S')}.{fraction // 1_000_000:03d}"
        )
    # The milliseconds cut, as logging cuts a float's: never rounded up into the next second.
    record.created, record.msecs = 1_700_000_000.0, 0
    expected = local.formatTime(record).replace(",000", ",999")
    assert log_times.LOCAL_SECONDS.stamp(1_700_000_000_999_999_999) == expected


@pytest.mark.parametrize("ms", [0.0, 0.05, 0.25, 1.25, 2.675, 1234.56789, 1e16, 5])
def test_the_request_lines_times_have_one_decimal_as_format_writes_it(ms: float) -> None:
    # Written with %, not a format spec (fewer instructions): the same text, rounded half to
    # even on the float's binary value (0.25 -> 0.2, 1.25 -> 1.2), an int as a float.
    handler, verify = line_args(None, "ok", 200, ms, ms)[4:6]
    assert handler == verify == f"{ms:.1f}ms"


def test_a_handler_of_the_application_still_gets_each_request_record() -> None:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    request_logger = logging.getLogger("alexaskill.request")
    keep = Keep()
    request_logger.addHandler(keep)
    try:
        log_request(envelope(), outcome="ok", status=200)
    finally:
        request_logger.removeHandler(keep)
    [record] = records
    assert record.getMessage() in stream.getvalue()
    assert stream.getvalue().count("\n") == 1


def test_a_failed_write_is_reported_as_logging_reports_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    class Broken(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError("disk full")

    configure_logging("INFO", stream=Broken())
    log_request(envelope(), outcome="ok", status=200)  # no exception reaches the caller
    err = capsys.readouterr().err
    assert "--- Logging error ---" in err and "OSError: disk full" in err
    assert "Message: '%s%s -> %s%s" in err and "GetWeather" in err  # what failed to go out


class Untouchable:
    def __getattribute__(self, name: str) -> Any:
        raise AssertionError(f"log_request read .{name} with request logging off")


def test_request_line_costs_nothing_when_off() -> None:
    stream = io.StringIO()
    configure_logging("WARNING", stream=stream)
    log_request(Untouchable(), outcome="ok", status=200)  # type: ignore[arg-type]
    configure_logging("INFO", stream=stream)
    logging.getLogger("alexaskill.request").setLevel(logging.WARNING)
    try:
        log_request(Untouchable(), outcome="ok", status=200)  # type: ignore[arg-type]
    finally:
        logging.getLogger("alexaskill.request").setLevel(logging.NOTSET)
    assert stream.getvalue() == ""


@pytest.mark.parametrize(
    ("exc", "outcome"),
    [
        (MalformedRequestError(), "refused:malformed"),
        (CertificateUrlError(), "refused:certificate_url"),
        (CertificateError(), "refused:certificate"),
        (SignatureError(), "refused:signature"),
        (TimestampError(), "refused:timestamp"),
        (SkillIdError(), "refused:skill_id"),
        (VerificationError(), "refused:verification"),
        (RequestError(), "refused:request"),
    ],
)
def test_refusal_names_the_check(exc: RequestError, outcome: str) -> None:
    assert refusal(exc) == outcome


def test_json_formatter_extra_fields_and_exceptions() -> None:
    stream = io.StringIO()
    configure_logging("DEBUG", json=True, stream=stream)
    logger = logging.getLogger("alexaskill.test")
    logger.debug("plain %s", "args", extra={"custom": {"nested": [1]}, "odd": object()})
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed: ünïcode")
    first, second = json_lines(stream)
    assert first["message"] == "plain args" and first["level"] == "DEBUG"
    assert first["custom"] == {"nested": [1]}
    assert first["odd"].startswith("<object object")
    assert "exception" not in first
    assert second["level"] == "ERROR" and second["message"] == "failed: ünïcode"
    assert "ValueError: boom" in second["exception"]
    assert set(first) == {"time", "level", "logger", "message", "custom", "odd"}


def test_json_lines_keep_a_record_holding_a_lone_surrogate() -> None:
    # A str from os.environ, sys.argv or a file name (decoded with surrogateescape) may hold a
    # lone surrogate, which UTF-8 cannot encode: the record was lost whole (its traceback with
    # it) and a multi-line "--- Logging error ---" went to standard error instead of a line.
    stream = io.StringIO()
    configure_logging("INFO", json=True, stream=stream)
    logger = logging.getLogger("alexaskill")
    try:
        raise ValueError("no such city: caf\udce9")
    except ValueError:
        logger.exception("handler failed", extra={"city": "caf\udce9", "tags": {"\udce9": 1}})
    [line] = json_lines(stream)
    assert line["message"] == "handler failed"
    assert line["exception"].endswith("ValueError: no such city: caf\\udce9")
    assert line["city"] == "caf\\udce9" and line["tags"] == {"\\udce9": 1}


def test_json_formatter_alone() -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "a\nb", (), None)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line)["message"] == "a\nb"


# --- control characters from the wire never start a line of their own ---------------------------

FORGED = "\n2026-01-01 00:00:00,000 INFO alexaskill.request: LaunchRequest -> ok (200)"


def forged_envelope() -> Envelope:
    data = json.loads((FIXTURES / "IntentRequest.GetWeather.json").read_text(encoding="utf-8"))
    data["request"]["requestId"] = "amzn1.echo-api.request.1" + FORGED + "\x00\r\u2028\x1b[31m"
    data["request"]["intent"]["name"] = "GetWeather\nFAKE"
    return decode_envelope(json.dumps(data).encode())


def test_control_characters_in_request_fields_are_escaped_in_the_plain_line() -> None:
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    log_request(forged_envelope(), outcome="ok", status=200)
    text = stream.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    assert "\r" not in text and "\x00" not in text and "\x1b" not in text
    assert "\u2028" not in text  # str.splitlines() and some log viewers break lines there too
    # (in double quotes, as a value with a space, a quote or a backslash is written)
    assert 'IntentRequest "GetWeather\\nFAKE" -> ok (200)' in text
    assert 'id="amzn1.echo-api.request.1\\n2026-01-01 00:00:00,000 INFO' in text
    assert text.rstrip("\n").endswith('\\x00\\r\\u2028\\x1b[31m"')


def test_json_lines_keep_the_raw_values_in_their_fields() -> None:
    stream = io.StringIO()
    configure_logging("INFO", json=True, stream=stream)
    request = forged_envelope()
    log_request(request, outcome="ok", status=200)
    [line] = json_lines(stream)
    assert line["request_id"] == request.request.request_id
    assert line["intent"] == "GetWeather\nFAKE"
    assert "\n" not in line["message"]


def test_every_alexaskill_line_escapes_what_it_interpolates() -> None:
    # Not only the request line: a warning or error quoting an intent name, a slot value or an
    # error message must not forge lines either, whatever the handler's formatter.
    from alexaskill import Skill

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("alexaskill")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logger.warning("refused: %s; %s; %d", "a\nWARNING forged", ValueError("b\rc"), 7)
        logger.warning("%(x)s", {"x": "d\ne"})
        skill = Skill("*", store="memory://")

        @skill.fallback
        def boom() -> Any:
            raise RuntimeError("handler bug")

        asyncio.run(skill.respond(forged_envelope()))
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "WARNING refused: a\\nWARNING forged; b\\rc; 7"
    assert lines[1] == "WARNING d\\ne"
    assert lines[2] == (
        'ERROR handler failed for IntentRequest "GetWeather\\nFAKE" (the fallback tests.'
        "test_logs.test_every_alexaskill_line_escapes_what_it_interpolates.<locals>.boom)"
    )
    assert lines[3] == "Traceback (most recent call last):"  # tracebacks stay readable


def test_alexaskills_plain_format_indents_what_follows_a_records_first_line() -> None:
    # A traceback's last line quotes the exception's message, which may hold a value of a
    # request (a slot value in a handler's ValueError): indented, it cannot pass for a line.
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    forged = "2026-12-01 10:00:00,000 INFO alexaskill.request: IntentRequest Pay -> ok (200)"
    try:
        raise ValueError(f"cannot handle 'x\n{forged}'\r{forged}\u2028{forged}")
    except ValueError:
        logging.getLogger("alexaskill").exception("handler failed for IntentRequest Pay")
    finally:
        configure_logging("WARNING", stream=io.StringIO())
    first, *rest = stream.getvalue().splitlines()
    assert first.endswith(" ERROR alexaskill: handler failed for IntentRequest Pay")
    assert rest[0] == "  Traceback (most recent call last):"
    assert len(rest) > 3 and all(line.startswith("  ") for line in rest)
    assert sum(forged in line for line in rest) == 3


def test_alexaskills_plain_format_escapes_control_characters_in_a_traceback() -> None:
    # The exception's message may quote a request's value: an ANSI escape in it would reach
    # the operator's terminal as it is (erase a line, move the cursor up over the lines
    # before), a NUL or a bell likewise. Escaped as the message's arguments are; tabs stay.
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    try:
        raise ValueError("city 'x\x1b[1A\x1b[2K\x00\x07' unknown\tnow")
    except ValueError:
        logging.getLogger("alexaskill").exception("handler failed")
    finally:
        configure_logging("WARNING", stream=io.StringIO())
    text = stream.getvalue()
    assert "\x1b" not in text and "\x00" not in text and "\x07" not in text
    *_, last = text.splitlines()
    assert last == "  ValueError: city 'x\\x1b[1A\\x1b[2K\\x00\\x07' unknown\tnow"


def test_alexaskills_plain_format_escapes_control_characters_in_a_one_line_record() -> None:
    # No line break to split, all ASCII: an ANSI escape or a NUL in the message itself (not
    # an argument, which the filter escapes) reached the terminal as it was.
    record = logging.makeLogRecord({"name": "alexaskill", "msg": "x\x1b[2K\x00 y"})
    assert PlainFormatter().format(record).endswith(" alexaskill: x\\x1b[2K\\x00 y")


def test_the_plain_log_keeps_space_separators_and_escapes_the_rest() -> None:
    # French and German numbers (alexaskill.i18n_numbers) group digits with U+202F and
    # U+00A0, which str.isprintable() calls unprintable: "Prix: 1\u202f234\xa0€" was written
    # escaped. A space separator is kept; controls, format characters (a right-to-left
    # override), lone surrogates and line and paragraph separators are escaped.
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    try:
        logging.getLogger("alexaskill").warning("Prix: %s", "1\u202f234\xa0€\u3000")
        logging.getLogger("alexaskill").warning(
            "odd: %s", "a\u202eb\udce9c\u2028d\u2029e\x85f\x1bg"
        )
        try:
            raise ValueError("Prix: 1\u202f234\xa0€\x1b[2K")
        except ValueError:
            logging.getLogger("alexaskill").exception("handler failed")
    finally:
        configure_logging("WARNING", stream=io.StringIO())
    lines = stream.getvalue().splitlines()
    assert lines[0].endswith(" alexaskill: Prix: 1\u202f234\xa0€\u3000")
    assert lines[1].endswith(" alexaskill: odd: a\\u202eb\\udce9c\\u2028d\\u2029e\\x85f\\x1bg")
    assert lines[-1] == "  ValueError: Prix: 1\u202f234\xa0€\\x1b[2K"


def test_plain_uvicorn_writes_the_request_line_at_info(tmp_path: Path, servers: Servers) -> None:
    # `uvicorn app:skill` and nothing else: the configuration table promises INFO by default.
    # (No ALEXASKILL_* variable of the shell reaches it: tests/conftest.py removes them.)
    import httpx

    (tmp_path / "app.py").write_text(
        f"from alexaskill import Skill\n\nskill = Skill('{SKILL_ID}')\n", encoding="utf-8"
    )
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "app:skill", "--port", str(port)]
    process = servers.start(command, port, cwd=tmp_path)
    response = httpx.post(
        f"http://127.0.0.1:{port}/",
        content=b"{}",
        timeout=5,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    servers.stop(process)
    output = servers.output[process].read_text(encoding="utf-8")
    assert " INFO alexaskill.request: - -> refused:certificate_url (400) " in output, output
