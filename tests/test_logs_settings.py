"""Logging: configure_logging, settings from the environment, and the warnings that a check is
off, whatever the log level."""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path
from typing import Any

import pytest

from alexaskill import logs
from alexaskill.exceptions import ConfigurationError
from alexaskill.logs import JsonFormatter, configure_logging
from alexaskill.settings import Settings, configure_logging_if_unset, settings_from_env
from alexaskill.store import DEFAULT_STORE

from .conftest import OTHER_SKILL_ID, SKILL_ID
from .logs_shared import json_lines, run_script
from .logs_shared import restore_logger as restore_logger


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
        ({"stream": "/tmp/skill.log"}, "stream must be a text stream .* not a str$"),
    ],
)
def test_configure_logging_refuses_options_it_would_misread(options: Any, why: str) -> None:
    with pytest.raises(ConfigurationError, match=why):
        configure_logging("INFO", **options)


@pytest.mark.parametrize("json", ["x" * 100_000, 10**5000], ids=["long-text", "huge-int"])
def test_configure_logging_quotes_a_json_option_it_refuses_cut(json: Any) -> None:
    # Quoted whole ({json!r}): a text of megabytes made a message as long, and an int past
    # Python's 4,300 digits raised repr()'s ValueError in place of the ConfigurationError.
    with pytest.raises(ConfigurationError, match="json must be True or False, not ") as caught:
        configure_logging("INFO", json=json)
    assert len(str(caught.value)) < 1_000
