"""The plain-text handlers alexaskill installs escape what they format, whichever logger made it.

A skill's handler that logs a slot value or an utterance through its own logger must not be able
to forge a line of the log or send an ANSI escape to the operator's terminal.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from alexaskill.cli.serve import _configure_server_logging
from alexaskill.cli.skill_log import log_to
from alexaskill.log_format import EscapingFormatter

from .logger_state import alexaskill_logger_kept

#: What a user could say (or a forged request hold): a line of its own, then a colour.
FORGED = "rain\n2026-12-02 10:00:00,000 INFO alexaskill.request: forged\x1b[31m red"


def _record(msg: str, *args: object, name: str = "myskill") -> logging.LogRecord:
    return logging.LogRecord(name, logging.WARNING, __file__, 1, msg, args, None)


def test_the_escaping_formatter_escapes_arguments_and_indents_the_messages_lines() -> None:
    formatter = EscapingFormatter("%(levelname)s %(name)s: %(message)s")
    record = _record("heard %s", FORGED)
    assert formatter.format(record) == (
        "WARNING myskill: heard rain\\n2026-12-02 10:00:00,000 INFO alexaskill.request: "
        "forged\\x1b[31m red"
    )
    assert record.args == (FORGED,)  # other handlers see the record as it came
    # A message written with the value in it (an f-string): its second line indented, so that
    # it cannot pass for a record; its escape escaped.
    assert formatter.format(_record(f"heard {FORGED}")) == (
        "WARNING myskill: heard rain\n"
        "  2026-12-02 10:00:00,000 INFO alexaskill.request: forged\\x1b[31m red"
    )
    named = _record("heard %(said)s", {"said": "\x1b[2J"})
    assert formatter.format(named) == "WARNING myskill: heard \\x1b[2J"
    assert formatter.format(_record("plain %s %d", "words", 3)) == "WARNING myskill: plain words 3"
    # Escaped, not cut: a skill's own long value is its to write (alexaskill's records alone
    # have theirs cut, tests/test_log_values.py).
    assert (
        formatter.format(_record("dump %s", "x" * 5_000)) == "WARNING myskill: dump " + "x" * 5_000
    )


@pytest.fixture
def root_kept() -> Iterator[logging.Logger]:
    """The root logger, its handlers and level put back after the test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    with alexaskill_logger_kept():
        yield root
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_alexaskill_serve_escapes_the_lines_of_a_skills_own_logger(
    root_kept: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ALEXASKILL_LOG_LEVEL", raising=False)
    monkeypatch.delenv("ALEXASKILL_LOG_JSON", raising=False)
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    root_kept.handlers[:] = []  # (pytest's, for this test's call, would stop basicConfig)
    _configure_server_logging()
    [handler] = root_kept.handlers
    assert isinstance(handler, logging.StreamHandler) and handler.stream is stream
    skill_logger = logging.getLogger("tests.a_skill")
    skill_logger.warning("heard %s", FORGED)
    skill_logger.warning(f"said {FORGED}")
    assert stream.getvalue().splitlines() == [
        "WARNING:     tests.a_skill: heard rain\\n2026-12-02 10:00:00,000 INFO "
        "alexaskill.request: forged\\x1b[31m red",
        "WARNING:     tests.a_skill: said rain",
        "  2026-12-02 10:00:00,000 INFO alexaskill.request: forged\\x1b[31m red",
    ]


def test_alexaskill_chat_shows_records_escaped() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("alexaskill")
    with alexaskill_logger_kept(), log_to(stream, logging.WARNING):
        logger.warning(f"the user said {FORGED}")
    assert stream.getvalue().splitlines() == [
        "WARNING alexaskill: the user said rain",
        "  2026-12-02 10:00:00,000 INFO alexaskill.request: forged\\x1b[31m red",
    ]


@pytest.fixture
def last_resort(monkeypatch: pytest.MonkeyPatch) -> logging.Handler:
    """Python's `logging.lastResort` as Python made it, its formatter put back after."""
    last = logging.lastResort
    assert last is not None
    monkeypatch.setattr(last, "formatter", None)
    return last


def test_uvicorn_app_without_logging_escapes_a_skills_own_warnings(
    root_kept: logging.Logger, last_resort: logging.Handler, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ``uvicorn app:skill`` (the Docker image) sets up alexaskill's logger alone: a skill's own
    # logger's warning goes to Python's last resort, which wrote it raw.
    from alexaskill.settings import configure_logging_if_unset

    for name in ("ALEXASKILL_LOG_LEVEL", "ALEXASKILL_LOG_JSON", "AWS_LAMBDA_FUNCTION_NAME"):
        monkeypatch.delenv(name, raising=False)
    root_kept.handlers[:] = []
    assert configure_logging_if_unset()
    assert last_resort.format(_record("heard %s", FORGED)) == (
        "heard rain\\n2026-12-02 10:00:00,000 INFO alexaskill.request: forged\\x1b[31m red"
    )


def test_alexaskill_chat_escapes_a_skills_own_warnings(last_resort: logging.Handler) -> None:
    with alexaskill_logger_kept(), log_to(io.StringIO(), logging.WARNING):
        shown = last_resort.format(_record(f"said {FORGED}"))
    assert shown == (
        "said rain\n  2026-12-02 10:00:00,000 INFO alexaskill.request: forged\\x1b[31m red"
    )


def test_alexaskill_chat_in_a_process_leaves_the_last_resort_as_it_found_it(
    last_resort: logging.Handler,
) -> None:
    # `alexaskill.cli.main` (chat, replay) called in a process that goes on (a test, an app's
    # own command) left Python's last resort escaping for the rest of it, from its first call.
    # Two calls at once (threads): escaped until the last ends, whichever ended first.
    with alexaskill_logger_kept():
        second = log_to(io.StringIO(), logging.WARNING)
        with log_to(io.StringIO(), logging.WARNING):
            second.__enter__()  # (begun after the first, ended after it)
        assert isinstance(last_resort.formatter, EscapingFormatter)
        second.__exit__(None, None, None)
    assert last_resort.formatter is None
    mine = logging.Formatter("%(message)s")  # (an app's own: its to keep, as it is)
    last_resort.setFormatter(mine)
    with alexaskill_logger_kept(), log_to(io.StringIO(), logging.WARNING):
        assert last_resort.formatter is mine
    assert last_resort.formatter is mine
