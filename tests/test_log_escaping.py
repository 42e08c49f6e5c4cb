"""The plain-text handlers alexaskill installs escape what they format, whichever logger made it.

A skill's handler that logs a slot value or an utterance through its own logger must not be able
to forge a line of the log or send an ANSI escape to the operator's terminal.
"""

from __future__ import annotations

import io
import logging
import random
from collections.abc import Iterator

import pytest

from alexaskill.cli.serve import _configure_server_logging
from alexaskill.cli.skill_log import log_to
from alexaskill.log_format import EscapingFormatter
from alexaskill.log_lambda import LambdaTextFormatter
from alexaskill.log_values import printable, shown_lines

from .logger_state import alexaskill_logger_kept
from .python_calls import python_calls

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


def _shown_line_by_line(text: str) -> str:
    """What the plain formatters wrote before: each line (`str.splitlines`'s) `printable` but
    its tabs, every one after the first indented by two spaces."""

    def shown(line: str) -> str:
        return "\t".join(printable(part) for part in line.split("\t"))

    first, *rest = text.splitlines() or [""]
    return "\n".join([shown(first), *[f"  {shown(line)}" for line in rest]])


def test_a_messages_lines_are_shown_as_they_were_line_by_line() -> None:
    tricky = ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\t", "\x00"]
    tricky += ["\x1b[2K", "\x7f", "\x9b", "\u202e", "\u200d", "\ud800", "\U000e0041", "\xa0"]
    tricky += ["a", "é", "東", "😀", "\\", " ", "  "]
    rnd = random.Random(192)
    texts = ["".join(tricky), "", "\n", "a\n", "\n\n\tb", "\t", FORGED]
    for size in (1, 2, 5, 17, 200):
        texts.extend("".join(rnd.choices(tricky, k=size)) for _ in range(100))
    for text in texts:
        assert shown_lines(text) == _shown_line_by_line(text), ascii(text)


@pytest.mark.parametrize("line", ["", "a", "\x00", "\x1b[2K\u202e\t"])
@pytest.mark.parametrize("formatter", [EscapingFormatter(), LambdaTextFormatter()])
def test_a_message_of_many_lines_calls_no_function_for_each(
    formatter: logging.Formatter, line: str
) -> None:
    # A skill's own message (an f-string of a slot value: not an argument, which is escaped
    # first) of a megabyte of newlines called two Python functions a line, seconds of a
    # worker's CPU. A count of calls, not time: as many for 10,000 lines as for 1,000 (a call a
    # line: 9,000 more).
    def calls(count: int) -> int:
        record = _record(f"{line}\n" * count)
        text = formatter.format(record)
        assert text.count("\n" if isinstance(formatter, EscapingFormatter) else "\r") == count - 1
        return python_calls(lambda: formatter.format(record))

    calls(1_000)  # (anything made once, made)
    assert calls(10_000) == calls(1_000)
