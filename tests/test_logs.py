"""Logging: the per-request line, the JSON formatter, configure_logging, settings from the env."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alexaskill import log_times, logs
from alexaskill.exceptions import (
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
from alexaskill.log_fields import line_args
from alexaskill.log_format import PlainFormatter
from alexaskill.logs import (
    JsonFormatter,
    configure_logging,
    log_request,
    refusal,
    user_hash,
)
from alexaskill.models import Envelope, decode_envelope
from alexaskill.settings import Settings, configure_logging_if_unset, settings_from_env
from alexaskill.store import DEFAULT_STORE

from .conftest import OTHER_SKILL_ID, SKILL_ID, Servers
from .counting_stream import CountingStream
from .logger_state import alexaskill_logger_kept
from .processes import free_port

FIXTURES = Path(__file__).parent / "fixtures" / "requests"


@pytest.fixture(autouse=True)
def restore_logger() -> Iterator[None]:
    """configure_logging changes the global "alexaskill" logger: put it back after each test."""
    with alexaskill_logger_kept():
        yield


def envelope(name: str = "IntentRequest.GetWeather") -> Envelope:
    return decode_envelope((FIXTURES / f"{name}.json").read_bytes())


def json_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


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


def test_configure_logging_is_idempotent_and_stops_propagation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging("INFO", stream=first)
    configure_logging("ERROR", json=True, stream=second)
    logger = logging.getLogger("alexaskill")
    assert logger.level == logging.ERROR and logger.propagate is False
    assert sum(type(h).__name__ == "_Handler" for h in logger.handlers) == 1
    logger.error("once")
    logger.warning("filtered")
    assert first.getvalue() == ""
    assert [line["message"] for line in json_lines(second)] == ["once"]
    assert not [r for r in caplog.records if r.name == "alexaskill"]  # not doubled via root


def test_configure_logging_defaults_to_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.StringIO()
    monkeypatch.setattr(sys, "stderr", fake)
    configure_logging(logging.WARNING)
    logging.getLogger("alexaskill").warning("to stderr")
    assert "WARNING alexaskill: to stderr" in fake.getvalue()


@pytest.mark.parametrize("level", ["LOUD", "", True, 1.5])
def test_configure_logging_refuses_unknown_levels(level: Any) -> None:
    with pytest.raises(ConfigurationError, match="unknown log level"):
        configure_logging(level)


def test_the_settings_names_still_import_from_logs() -> None:
    # They moved to alexaskill.settings; README's examples import them from alexaskill.logs.
    from alexaskill.logs import settings_from_env as from_logs

    assert from_logs is settings_from_env
    assert logs.Settings is Settings
    assert logs.configure_logging_if_unset is configure_logging_if_unset


def test_settings_from_env() -> None:
    assert settings_from_env({}) == Settings(
        skill_ids=(), store=DEFAULT_STORE, log_level="INFO", log_json=False
    )
    settings = settings_from_env(
        {
            "ALEXASKILL_SKILL_ID": f" {SKILL_ID} , {OTHER_SKILL_ID},,",
            "ALEXASKILL_STORE": "redis://cache:6379/1",
            "ALEXASKILL_LOG_LEVEL": "debug",
            "ALEXASKILL_LOG_JSON": "True",
            "UNRELATED": "x",
        }
    )
    assert settings == Settings(
        skill_ids=(SKILL_ID, OTHER_SKILL_ID),
        store="redis://cache:6379/1",
        log_level="DEBUG",
        log_json=True,
    )
    with pytest.raises(AttributeError):
        settings.store = "memory://"  # type: ignore[misc]
    assert settings_from_env({"ALEXASKILL_LOG_JSON": "0"}).log_json is False


def test_logging_is_set_up_even_when_a_setting_does_not_parse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # It was not set up at all: the lines said before the start failed (a server's first
    # connection), and the failure, went out bare through Python's last resort. Set up from
    # the log settings that parse, the error raised still; a later call, the setting mended,
    # sets it up from them all.
    import threading

    from alexaskill import settings

    monkeypatch.setattr(logging.getLogger(), "handlers", [])  # (pytest's own: none, as uvicorn)
    monkeypatch.setattr(settings, "_provisional", None)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    assert logging.lastResort is not None
    monkeypatch.setattr(logging.lastResort, "formatter", logging.lastResort.formatter)
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    monkeypatch.setenv("ALEXASKILL_LOG_JSON", "yes")
    monkeypatch.setenv("ALEXASKILL_LOG_LEVEL", "verbose")
    with pytest.raises(ConfigurationError, match="ALEXASKILL_LOG_LEVEL"):
        configure_logging_if_unset()
    alexaskill = logging.getLogger("alexaskill")
    [handler] = alexaskill.handlers
    assert isinstance(handler.formatter, JsonFormatter) and alexaskill.level == logging.INFO
    monkeypatch.setenv("ALEXASKILL_LOG_LEVEL", "debug")
    assert configure_logging_if_unset() is True
    [mended] = alexaskill.handlers
    assert mended is not handler and alexaskill.level == logging.DEBUG
    assert isinstance(mended.formatter, JsonFormatter)
    assert configure_logging_if_unset() is False  # (set up now)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:hunter2@cache:6379/0", "redis://:***@cache:6379/0"),
        (
            "rediss://skill:hunter2@cache/0?ssl_cert_reqs=none",
            "rediss://skill:***@cache/0?ssl_cert_reqs=none",
        ),
        ("redis://:hun@ter2@cache/0", "redis://:***@cache/0"),
        ("redis://cache/0?password=hunter2&db=1", "redis://cache/0?password=***&db=1"),
        ("unix://:hunter2@/run/redis.sock", "unix://:***@/run/redis.sock"),
        ("sqlite:///skill.db", "sqlite:///skill.db"),
    ],
)
def test_settings_shown_never_show_the_store_password(url: str, shown: str) -> None:
    # A skill that logs its settings at start-up ("starting with %s") must not log the password.
    settings = settings_from_env({"ALEXASKILL_STORE": url})
    assert settings.store == url  # the URL itself, to open the store with
    assert "hunter" not in repr(settings) and "hunter" not in str(settings)
    assert f"store={shown!r}" in repr(settings)


def test_settings_from_env_refuses_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match="ALEXASKILL_LOG_JSON"):
        settings_from_env({"ALEXASKILL_LOG_JSON": "maybe"})
    with pytest.raises(ConfigurationError, match=r"^ALEXASKILL_LOG_LEVEL: unknown log level"):
        settings_from_env({"ALEXASKILL_LOG_LEVEL": "chatty"})
    monkeypatch.setenv("ALEXASKILL_SKILL_ID", SKILL_ID)
    assert settings_from_env().skill_ids == (SKILL_ID,)


@pytest.mark.parametrize("value", ["0", "NOTSET", "notset"])
def test_a_log_level_that_would_drop_the_request_lines_is_refused(value: str) -> None:
    # NOTSET (0) defers to the root logger's WARNING: the request lines went silently.
    with pytest.raises(ConfigurationError, match=r"^ALEXASKILL_LOG_LEVEL: .*NOTSET"):
        settings_from_env({"ALEXASKILL_LOG_LEVEL": value})
    with pytest.raises(ConfigurationError, match="NOTSET"):
        configure_logging(value)


@pytest.mark.parametrize("value", ["*", " * ", f"{SKILL_ID},*"])
def test_settings_from_env_refuse_any_skill(value: str) -> None:
    # Answering any skill is written in code (Skill(skill_id="*")), never a setting's accident.
    with pytest.raises(ConfigurationError, match=r"^ALEXASKILL_SKILL_ID.*in code"):
        settings_from_env({"ALEXASKILL_SKILL_ID": value})


def test_settings_configure_logging() -> None:
    stream = io.StringIO()
    Settings(log_level="WARNING", log_json=True).configure_logging(stream)
    logging.getLogger("alexaskill").warning("hello")
    assert json_lines(stream)[0]["message"] == "hello"


# --- after the lead's wiring: the web service writes the line ----------------------------------


def test_web_service_writes_one_line_per_request(caplog: pytest.LogCaptureFixture) -> None:
    from alexaskill import Skill, speak
    from alexaskill.testing import TestClient

    skill = Skill(SKILL_ID, store="memory://")

    @skill.launch
    def launch() -> Any:
        return speak("hi")

    caplog.set_level(logging.INFO, logger="alexaskill.request")
    with TestClient(skill) as client:
        client.launch()
        client.post(b"{}", headers={"content-type": "application/json"})
    answered, refused = [r.__dict__ for r in caplog.records if r.name == "alexaskill.request"]
    assert answered["outcome"] == "ok" and answered["status"] == 200
    assert answered["request_type"] == "LaunchRequest"
    assert answered["verify_ms"] > 0 and answered["handler_ms"] >= 0
    assert refused["outcome"].startswith("refused:") and refused["status"] == 400


def test_refusals_are_warned_about_once_a_kind_every_ten_seconds(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every refused request has its request line; the warning that says why comes once a kind
    # every 10 s, with how many it left out: a flood of forged requests must not double the log.
    from alexaskill import Skill, log_repeats
    from alexaskill.testing import TestClient

    clock = [1000.0]
    monkeypatch.setattr(log_repeats, "_monotonic", lambda: clock[0])
    skill = Skill(SKILL_ID, store="memory://")
    caplog.set_level(logging.INFO, logger="alexaskill")
    with TestClient(skill) as client:
        for _ in range(3):
            client.post(b"{}")  # unsigned: refused:certificate_url
        client.post(b"{}", headers=client.pki.sign(b"{}"))  # signed, no request: another kind
        clock[0] += 10
        client.post(b"{}")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    lines = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert len(lines) == 5
    assert len(warnings) == 3
    assert warnings[0].startswith("refused request: ")
    assert warnings[1].startswith("refused request: malformed")
    assert warnings[2].endswith("(2 more refused:certificate_url since the last such line)")


def test_repeats_remember_a_bounded_number_of_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    # Kinds made of messages (a store's failures) could be many: past the bound they are
    # forgotten, each then said again once, never kept without end.
    from alexaskill import log_repeats

    monkeypatch.setattr(log_repeats, "_monotonic", lambda: 50.0)
    repeats = log_repeats.Repeats(10.0)
    assert [repeats.unsaid("a"), repeats.unsaid("a"), repeats.unsaid("a")] == [0, None, None]
    for kind in range(log_repeats._KINDS - 1):
        assert repeats.unsaid(str(kind)) == 0
    assert len(repeats._said) == log_repeats._KINDS
    assert repeats.unsaid("new") == 0  # the bound reached: the others forgotten
    assert len(repeats._said) == 1
    assert repeats.unsaid("a") == 0  # said again; its two unsaid are lost with it


# --- control characters from the wire never start a line of their own ---------------------------

FORGED = "\n2026-01-01 00:00:00,000 INFO alexaskill.request: LaunchRequest -> ok (200)"


def forged_envelope() -> Envelope:
    data = json.loads((FIXTURES / "IntentRequest.GetWeather.json").read_text())
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
        f"from alexaskill import Skill\n\nskill = Skill('{SKILL_ID}')\n"
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
    output = servers.output[process].read_text()
    assert " INFO alexaskill.request: - -> refused:certificate_url (400) " in output, output


# --- the request line under concurrency: several lines, one write -------------------------------


def request_lines(stream: io.StringIO) -> list[str]:
    return [line for line in stream.getvalue().splitlines() if "alexaskill.request" in line]


class Served:
    """An ASGI wrapper around a skill that notes, as each call of the skill returns, how many
    calls are still inside it and how many request lines the stream holds at that moment."""

    def __init__(self, skill: Any, stream: io.StringIO) -> None:
        self.skill, self.stream = skill, stream
        self.inside = 0
        self.returned: list[tuple[int, int]] = []  # (calls still inside, request lines written)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.inside += 1
        try:
            await self.skill(scope, receive, send)
        finally:
            self.inside -= 1
            self.returned.append((self.inside, len(request_lines(self.stream))))


def together_skill(count: int) -> tuple[Any, Any]:
    """A skill whose intent handler answers once ``count`` calls of it are in flight at once."""
    from alexaskill import Skill, speak
    from alexaskill.testing import DEFAULT_SKILL_ID, TestPKI

    skill = Skill(DEFAULT_SKILL_ID, store="memory://")
    skill.verifier = TestPKI.default().verifier()
    arrived: list[None] = []
    everyone = asyncio.Event()

    @skill.intent("Together")
    async def together() -> Any:
        arrived.append(None)
        if len(arrived) == count:
            everyone.set()
        await everyone.wait()
        return speak("Done.")

    return skill, everyone


async def post_signed(app: Any, bodies: list[bytes], *, at_once: bool) -> list[int]:
    """POST each signed body to ``app``: all at once (asyncio.gather), or one after another."""
    import httpx

    from alexaskill.testing import TestPKI

    pki = TestPKI.default()
    signed = [(body, {**pki.sign(body), "Content-Type": "application/json"}) for body in bodies]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://skill") as client:

        async def post(body: bytes, headers: dict[str, str]) -> int:
            return (await client.post("/", content=body, headers=headers)).status_code

        if at_once:
            return list(await asyncio.gather(*(post(b, h) for b, h in signed)))
        return [await post(b, h) for b, h in signed]


def intent_bodies(count: int, name: str = "Together") -> list[bytes]:
    from alexaskill.testing import RequestFactory

    factory = RequestFactory()
    return [json.dumps(factory.intent(name)).encode() for _ in range(count)]


@pytest.mark.parametrize("as_json", [False, True])
def test_concurrent_requests_one_line_each_all_written_by_the_end_of_the_turn(
    as_json: bool,
) -> None:
    stream = CountingStream()
    configure_logging("INFO", json=as_json, stream=stream)
    skill, _ = together_skill(8)
    served = Served(skill, stream)
    bodies = intent_bodies(8)

    async def main() -> tuple[list[int], int]:
        statuses = await post_signed(served, bodies, at_once=True)
        await asyncio.sleep(0)  # the next turn of the loop: nothing waits any longer
        return statuses, len(request_lines(stream))

    statuses, written = asyncio.run(main())
    assert statuses == [200] * 8
    assert written == 8
    lines = request_lines(stream)
    assert len(lines) == 8 and len(set(lines)) == 8
    ids = {json.loads(body)["request"]["requestId"] for body in bodies}
    assert {next(i for i in ids if i in line) for line in lines} == ids  # one line per request
    assert all(text.endswith("\n") for text in stream.writes)  # whole lines in every write
    # Several lines went out in one write() call: the lines of requests in flight wait.
    assert len(stream.writes) < 8
    assert max(text.count("\n") for text in stream.writes) > 1


@pytest.mark.parametrize("as_json", [False, True])
def test_requests_a_turn_runs_to_their_end_write_their_lines_in_two_writes(as_json: bool) -> None:
    # Under load, uvicorn starts a task per request, several in one turn of the loop, and a
    # quick def handler on the loop (alexaskill.pace) runs each to its end without awaiting:
    # no two are ever in flight together, yet their lines need not be a write() each.
    stream = CountingStream()
    configure_logging("INFO", json=as_json, stream=stream)
    kinds = ["LaunchRequest", "IntentRequest.GetWeather", "SessionEndedRequest.USER_INITIATED"]

    async def request(kind: str) -> None:
        log_request(envelope(kind), outcome="ok", status=200)  # nothing else in flight

    async def main() -> list[str]:
        tasks = [asyncio.create_task(request(kind)) for _ in range(3) for kind in kinds]
        await asyncio.sleep(0)  # the turn that runs the nine requests, then this task again
        during = list(stream.writes)
        await asyncio.gather(*tasks)  # the end of that turn
        await asyncio.sleep(0)
        return during

    during = asyncio.run(main())
    # The turn's first line went out at once, as a lone request's does, before its answer ...
    assert len(during) == 1 and during[0].count("\n") == 1
    # ... and the eight after it at the end of the turn, in one write, in their order.
    assert len(stream.writes) == 2 and stream.writes[1].count("\n") == 8
    lines = stream.getvalue().splitlines()
    types = (
        [json.loads(line)["request_type"] for line in lines]
        if as_json
        else [line.split(": ", 1)[1].split(" ", 1)[0] for line in lines]
    )
    assert types == ["LaunchRequest", "IntentRequest", "SessionEndedRequest"] * 3


def test_sequential_requests_write_their_line_before_answering() -> None:
    skill, _ = together_skill(1)  # first: its test verifier's warning is no write counted here
    stream = CountingStream()
    configure_logging("INFO", stream=stream)
    served = Served(skill, stream)
    assert asyncio.run(post_signed(served, intent_bodies(3), at_once=False)) == [200] * 3
    assert served.returned == [(0, 1), (0, 2), (0, 3)]
    assert len(stream.writes) == 3


def test_a_deferrable_line_without_a_running_loop_is_written_at_once() -> None:
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    log_request(envelope(), outcome="ok", status=200, deferrable=True)  # AWS Lambda, a script
    assert len(request_lines(stream)) == 1


def test_deferred_lines_keep_their_order_with_other_records() -> None:
    stream = CountingStream()
    configure_logging("INFO", stream=stream)
    logger = logging.getLogger("alexaskill")

    async def main() -> tuple[str, str]:
        log_request(envelope("LaunchRequest"), outcome="ok", status=200, deferrable=True)
        log_request(envelope(), outcome="ok", status=200, deferrable=True)
        logger.warning("between")
        seen = stream.getvalue()  # still within the same turn of the loop
        log_request(
            envelope("SessionEndedRequest.USER_INITIATED"),
            outcome="ok",
            status=200,
            deferrable=True,
        )
        await asyncio.sleep(0)  # one turn: the deferred line goes out
        await asyncio.sleep(0)
        return seen, stream.getvalue()

    seen, after = asyncio.run(main())
    assert [line.split(": ", 1)[1][:20] for line in seen.splitlines()] == [
        "LaunchRequest -> ok ",
        "IntentRequest GetWea",
        "between",
    ]
    assert after.splitlines()[:3] == seen.splitlines()
    assert after.splitlines()[3].split(": ", 1)[1].startswith("SessionEndedRequest -> ok")
    assert len(after.splitlines()) == 4


@pytest.mark.parametrize("how", ["flush", "close", "configure_logging", "end of the turn"])
def test_pending_lines_are_written_by_flush_close_and_the_end_of_the_turn(how: str) -> None:
    stream = CountingStream()
    configure_logging("INFO", stream=stream)
    handler = logging.getLogger("alexaskill").handlers[0]

    async def main() -> tuple[int, int]:
        log_request(envelope(), outcome="ok", status=200, deferrable=True)
        log_request(envelope("LaunchRequest"), outcome="ok", status=200, deferrable=True)
        # The last request in flight, in the same turn: it waits with them.
        log_request(envelope(), outcome="ok", status=200)
        before = len(request_lines(stream))
        if how == "flush":
            handler.flush()
        elif how == "close":
            handler.close()
        elif how == "configure_logging":
            configure_logging("INFO", stream=io.StringIO())  # replaces (and closes) the handler
        else:
            await asyncio.sleep(0)
        return before, len(request_lines(stream))

    before, after = asyncio.run(main())
    assert before == 0  # the three lines were pending: what this test is about
    assert after == 3
    assert len(stream.writes) == 1  # all of them in one write() call
    assert request_lines(stream) == stream.getvalue().splitlines()


def run_script(script: str) -> subprocess.CompletedProcess[str]:
    """``script`` run by a Python of its own, to its end (what import and exit do to logging)."""
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )


def test_pending_lines_are_written_at_interpreter_exit() -> None:
    # logging.shutdown() (atexit) flushes the handler: a line deferred just before the process
    # exits is not lost, even when the event loop never turns again.
    script = (
        "import asyncio, sys\n"
        "from alexaskill.logs import configure_logging, log_request\n"
        "configure_logging('INFO')\n"
        "async def main():\n"
        "    log_request(None, outcome='refused:signature', status=400, deferrable=True)\n"
        "    sys.stderr.write('exiting\\n')\n"
        "    raise SystemExit(0)\n"
        "asyncio.new_event_loop().run_until_complete(main())\n"
    )
    done = run_script(script)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == "exiting"  # the line was still pending then
    assert "alexaskill.request: - -> refused:signature (400)" in done.stderr.splitlines()[1]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork")
def test_a_child_forked_while_lines_wait_does_not_write_them_again() -> None:
    # A forked child has a copy of the parent's pending lines, which the parent writes at the
    # end of its turn: the child must not write them too (at its first record, or its exit).
    script = (
        "import asyncio, logging, os, sys\n"
        "from alexaskill.logs import configure_logging, log_request\n"
        "configure_logging('INFO', stream=sys.stdout)\n"
        "async def main():\n"
        "    log_request(None, outcome='refused:signature', status=400, deferrable=True)\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        logging.getLogger('alexaskill').warning('the child')\n"
        "        logging.shutdown()\n"
        "        os._exit(0)\n"
        "    os.waitpid(pid, 0)\n"
        "asyncio.run(main())\n"
    )
    done = run_script(script)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == [
        "the child",
        "- -> refused:signature (400) handler=- verify=- id=-",
    ]


def test_a_waiting_line_keeps_no_reference_to_its_request() -> None:
    # Kept until the turn's end, a turn's envelopes were alive when the garbage collector ran:
    # moved to its older generations, collected far more often (logs._Handler).
    stream = CountingStream()
    configure_logging("INFO", stream=stream)

    async def main() -> tuple[int, int, int]:
        request = envelope()
        before = sys.getrefcount(request)
        log_request(request, outcome="ok", status=200, deferrable=True)
        waiting = sys.getrefcount(request)
        await asyncio.sleep(0)
        return before, waiting, len(request_lines(stream))

    before, waiting, written = asyncio.run(main())
    assert waiting == before
    assert written == 1  # the line did wait, and went out at the turn's end


def test_a_failed_batched_write_reports_every_line_lost(capsys: pytest.CaptureFixture[str]) -> None:
    class Broken(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError("disk full")

    configure_logging("INFO", stream=Broken())

    async def main() -> None:
        log_request(envelope(), outcome="ok", status=200, deferrable=True)
        log_request(envelope("LaunchRequest"), outcome="ok", status=200, deferrable=True)
        await asyncio.sleep(0)  # the flush at the end of the turn fails; nothing raises here

    asyncio.run(main())
    err = capsys.readouterr().err
    assert err.count("--- Logging error ---") == 2 and "OSError: disk full" in err
    assert "GetWeather" in err and "LaunchRequest" in err


def test_uvicorn_stops_at_a_log_setting_that_does_not_parse(tmp_path: Path) -> None:
    # Under `uvicorn app:skill` (lifespan "auto") the ConfigurationError the app's start raised
    # made uvicorn take the app for one without a lifespan: it served, and every request got a
    # plain-text 500. The app now fails its lifespan's startup, and uvicorn exits with the reason.
    (tmp_path / "plain_app.py").write_text(
        f'from alexaskill import Skill\n\nskill = Skill("{SKILL_ID}")\n'
    )
    refused = subprocess.run(
        [sys.executable, "-m", "uvicorn", "plain_app:skill", "--port", "0"],
        cwd=tmp_path,
        env={**os.environ, "ALEXASKILL_LOG_LEVEL": "verbose"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert refused.returncode != 0, refused.stderr
    assert "ALEXASKILL_LOG_LEVEL: unknown log level 'VERBOSE'" in refused.stderr
    assert "Application startup failed" in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.parametrize("as_json", [False, True])
def test_a_turns_lines_go_out_in_writes_a_pipe_keeps_whole(as_json: bool) -> None:
    # Several workers (`--workers N`) write to one inherited standard error, a pipe under Docker
    # or systemd, where one write() is kept whole only up to PIPE_BUF bytes (4,096 on Linux): a
    # longer one may be split and interleaved with another worker's, tearing lines apart. A
    # busy turn's lines go out in as many writes of at most PIPE_BUF bytes as they need.
    import select

    stream = CountingStream()
    configure_logging("INFO", json=as_json, stream=stream)
    request = envelope()
    request.request.request_id += "-ü" * 20  # non-ASCII: counted in bytes, not characters

    async def main() -> None:
        for _ in range(60):  # a turn of a busy server: none written at once
            log_request(request, outcome="ok", status=200, deferrable=True)
        await asyncio.sleep(0)

    asyncio.run(main())
    assert len(request_lines(stream)) == 60
    assert all(text.endswith("\n") for text in stream.writes)  # whole lines only
    sizes = [len(text.encode()) for text in stream.writes]
    assert max(sizes) <= select.PIPE_BUF
    for size, after in zip(sizes, stream.writes[1:], strict=False):
        # As few writes as whole lines allow: the next write's first line did not fit.
        assert size + len(after.splitlines(keepends=True)[0].encode()) > select.PIPE_BUF


def _start_insecure_skill(tmp_path: Path) -> None:
    """Start a skill with every check the constructor can switch off switched off, and make a
    verifier accepting SHA-1: the warnings that say so."""
    from starlette.testclient import TestClient as StarletteClient

    from alexaskill import Skill, Verifier

    # (unsigned requests accepted is what the warnings are about: no request is sent)
    directory = tmp_path / "captures\nWARNING forged"  # values in these lines are escaped too
    skill = Skill("*", verify=False, capture_dir=directory, store="memory://")
    with StarletteClient(skill):
        pass
    Verifier(allow_sha1=True)


_SECURITY_WARNINGS = (
    "request verification is OFF",
    "the skill-id check is OFF",
    "request capture is ON",
    "allow_sha1=True",
)


def test_a_log_level_from_the_environment_does_not_hide_that_a_check_is_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ALEXASKILL_LOG_LEVEL=ERROR, a common production setting, hid every warning that a check
    # was off: they go to "alexaskill.security", whose own level is WARNING.
    monkeypatch.setenv("ALEXASKILL_LOG_LEVEL", "ERROR")
    stream = io.StringIO()
    settings_from_env().configure_logging(stream)
    _start_insecure_skill(tmp_path)
    logging.getLogger("alexaskill").warning("an ordinary warning")
    text = stream.getvalue()
    for warning in _SECURITY_WARNINGS:
        assert f"WARNING alexaskill.security: {warning}" in text, text
    assert "captures\\nWARNING forged" in text
    assert "an ordinary warning" not in text  # the level still holds for the others
    # Silencing them is written in code, explicitly.
    security = logging.getLogger("alexaskill.security")
    security.setLevel(logging.ERROR)
    try:
        _start_insecure_skill(tmp_path)
    finally:
        security.setLevel(logging.WARNING)
    assert stream.getvalue() == text


def test_an_apps_own_logging_at_error_still_shows_that_a_check_is_off(tmp_path: Path) -> None:
    # The app set up logging itself (logging.basicConfig(level="ERROR")): alexaskill installs
    # no handler, and its loggers take the root's level.
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    logger = logging.getLogger("alexaskill")
    saved = root.level
    logger.handlers[:] = []
    logger.propagate = True
    logger.setLevel(logging.NOTSET)
    root.addHandler(handler)
    root.setLevel(logging.ERROR)
    try:
        _start_insecure_skill(tmp_path)
    finally:
        root.removeHandler(handler)
        root.setLevel(saved)
    for warning in _SECURITY_WARNINGS:
        assert warning in stream.getvalue(), stream.getvalue()


def test_a_level_set_on_the_security_logger_before_alexaskill_loads_stays() -> None:
    # A dictConfig (uvicorn's --log-config, say) that set "alexaskill.security" to ERROR before
    # alexaskill was imported was reset to WARNING by the import.
    script = (
        "import logging\n"
        "logging.getLogger('alexaskill.security').setLevel(logging.ERROR)\n"
        "import alexaskill.logs\n"
        "print(logging.getLogger('alexaskill.security').level)\n"
    )
    done = run_script(script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(logging.ERROR)]


@pytest.mark.parametrize("value", ["100", "55", "15", "0100"])
def test_a_log_level_number_that_is_no_level_is_refused(value: str) -> None:
    # Taken: ALEXASKILL_LOG_LEVEL=100 (above CRITICAL) silenced every line, errors included;
    # 15 or 55 name no level, a typo's likely result.
    with pytest.raises(ConfigurationError, match=r"^ALEXASKILL_LOG_LEVEL: .*not one of"):
        settings_from_env({"ALEXASKILL_LOG_LEVEL": value})
    with pytest.raises(ConfigurationError, match="not one of"):
        configure_logging(int(value))


def test_a_log_level_number_of_a_named_level_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings_from_env({"ALEXASKILL_LOG_LEVEL": "30"}).log_level == "30"
    # A level an app names itself counts as one (logging's tables copied: the name goes after).
    monkeypatch.setattr(logging, "_levelToName", dict(logging._levelToName))
    monkeypatch.setattr(logging, "_nameToLevel", dict(logging._nameToLevel))
    logging.addLevelName(25, "NOTICE")
    assert settings_from_env({"ALEXASKILL_LOG_LEVEL": "25"}).log_level == "25"


@pytest.mark.parametrize(
    ("options", "why"),
    [
        # "false" (a setting read as text) is true: every line came out as JSON.
        ({"json": "false"}, "json must be True or False, not 'false'"),
        ({"json": None}, "json must be True or False, not None"),
        # A path: taken, and every line then failed in the handler ('str' has no 'write').
        ({"stream": "/tmp/skill.log"}, "stream must be a text stream .* not str"),
    ],
)
def test_configure_logging_refuses_options_it_would_misread(options: Any, why: str) -> None:
    with pytest.raises(ConfigurationError, match=why):
        configure_logging("INFO", **options)


def _long_values(type_: bool) -> Envelope:
    """The GetWeather request, its id, intent name (or type) and locale 100,000 characters."""
    raw = json.loads((FIXTURES / "IntentRequest.GetWeather.json").read_bytes())
    long = "A" * 99_999 + "\x1b"
    raw["request"].update(requestId=f"id{long}", locale=f"en{long}")
    if type_:  # (not an IntentRequest then: no intent)
        raw["request"]["type"] = f"Type{long}"
    else:
        raw["request"]["intent"]["name"] = f"Intent{long}"
    return decode_envelope(json.dumps(raw).encode())


@pytest.mark.parametrize("type_", [False, True], ids=["intent", "type"])
@pytest.mark.parametrize("as_json", [False, True], ids=["plain", "json"])
def test_a_very_long_value_of_a_request_is_cut_in_its_line(as_json: bool, type_: bool) -> None:
    # A request id, type, intent name or locale of 100,000 characters (a forged request on a
    # skill that does not verify, a broken client) made its line that long, twice over in
    # JSON (the message and the field). Each is cut at 256 characters, saying how many more.
    request = _long_values(type_)
    stream = io.StringIO()
    configure_logging("INFO", json=as_json, stream=stream)
    log_request(request, outcome="ok", status=200, handler_ms=1.0, verify_ms=1.0)
    text = stream.getvalue()
    assert len(text) < 3_000 and text.count("\n") == 1 and "\x1b" not in text
    message = json.loads(text)["message"] if as_json else text
    cut_id = "id" + "A" * 254 + "…(+99746)"
    # (The message's in double quotes: each value holds an escape, past the cut.)
    shown_id = '"id' + "A" * 254 + '"…(+99746)'
    if type_:
        assert '"Type' + "A" * 252 + '"…(+99748) -> ok' in message
    else:
        assert 'IntentRequest "Intent' + "A" * 250 + '"…(+99750) -> ok' in message
    assert message.endswith(f" id={shown_id}\n" if not as_json else f" id={shown_id}")
    if as_json:
        line = json.loads(text)
        assert line["request_id"] == cut_id
        assert line["locale"] == "en" + "A" * 254 + "…(+99746)"
        assert len(line["request_type" if type_ else "intent"]) == 256 + len("…(+99748)")
    # The standard record (for a handler of the application) has the same, cut.
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign, assignment]
    logging.getLogger("alexaskill.request").addHandler(handler)
    try:
        log_request(request, outcome="ok", status=200)
    finally:
        logging.getLogger("alexaskill.request").removeHandler(handler)
    [record] = records
    assert len(record.getMessage()) < 1_000 and record.__dict__["request_id"] == cut_id


@pytest.mark.parametrize("broken", ["filter", "handler"])
def test_an_applications_failing_filter_or_handler_does_not_fail_the_request(
    broken: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # logging lets a filter's exception (and a handler's outside emit) out of the log call:
    # the request line's raised into the request, which a web server then answered with an
    # error, the skill's answer lost. Now reported as logging reports a line it cannot write.
    from alexaskill import Skill, speak
    from alexaskill.testing import TestClient

    skill = Skill(SKILL_ID, store="memory://")

    @skill.launch
    def launch() -> Any:
        return speak("hi")

    def fails(record: logging.LogRecord) -> bool:
        raise ValueError("the application's bug")

    class Failing(logging.Handler):
        def handle(self, record: logging.LogRecord) -> bool:
            return fails(record)

    configure_logging("INFO", stream=io.StringIO())
    request_logger = logging.getLogger("alexaskill.request")
    added: Any = fails if broken == "filter" else Failing()
    (request_logger.addFilter if broken == "filter" else request_logger.addHandler)(added)
    try:
        with TestClient(skill) as client:
            assert client.launch().speech == "hi"
            refused = client.post(b"{}", headers={"content-type": "application/json"})
            assert refused.status_code == 400
    finally:
        request_logger.removeFilter(added)
        request_logger.removeHandler(added)
    reported = capsys.readouterr().err
    assert reported.count("--- Logging error ---") == 2
    assert "ValueError: the application's bug" in reported


def test_every_post_refused_before_the_skills_checks_has_its_request_line() -> None:
    # The endpoint's own refusals (method, media type, size, conflicting headers) and a client
    # that went away before its body came whole wrote no request line: a scan or a flood of
    # them left no trace at INFO, where every request is said to have one line.
    from starlette.testclient import TestClient as HttpClient

    from alexaskill import Skill

    skill = Skill(SKILL_ID, store="memory://", max_body_size=1000)
    stream = io.StringIO()
    configure_logging("INFO", json=True, stream=stream)
    path = skill.path
    json_type = {"content-type": "application/json"}
    with HttpClient(skill) as http:
        assert http.get(path).status_code == 405
        text = {"content-type": "text/plain"}
        assert http.post(path, content=b"{}", headers=text).status_code == 415
        assert http.post(path, content=b" " * 2000, headers=json_type).status_code == 413
        twice = [("content-type", "application/json"), ("signature", "a"), ("signature", "b")]
        assert http.post(path, content=b"{}", headers=twice).status_code == 400
        assert http.post(path, content=b"{}", headers=json_type).status_code == 400  # unsigned

        async def went_away() -> None:
            scope = {
                "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
                "root_path": "", "query_string": b"", "client": ("127.0.0.1", 1),
                "server": ("127.0.0.1", 80), "headers": [(b"content-type", b"application/json")],
            }  # fmt: skip

            async def receive() -> dict[str, Any]:
                return {"type": "http.disconnect"}

            async def send(message: Any) -> None:
                raise AssertionError(f"nobody to answer: {message}")

            await skill(scope, receive, send)

        http.portal.call(went_away)  # type: ignore[union-attr]
    lines = [line for line in json_lines(stream) if line["logger"] == "alexaskill.request"]
    assert [(line["outcome"], line["status"]) for line in lines] == [
        ("refused:method", 405),
        ("refused:media_type", 415),
        ("refused:too_large", 413),
        ("refused:headers", 400),
        ("refused:certificate_url", 400),
        ("disconnected", None),
    ]
    assert all(line["request_id"] is None and line["user"] is None for line in lines)
