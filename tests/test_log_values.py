"""The escaping of values from requests in log records: every alexaskill logger's."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import alexaskill
from alexaskill.log_values import _escape_args
from alexaskill.logs import configure_logging

from .logger_state import alexaskill_logger_kept

FORGED = "cert\n2026-01-01 00:00:00,000 WARNING alexaskill: \x1b[2Kforged"


@pytest.fixture
def plain_log() -> Iterator[io.StringIO]:
    """configure_logging() to a buffer; the "alexaskill" logger put back after."""
    with alexaskill_logger_kept():
        stream = io.StringIO()
        configure_logging("INFO", stream=stream)
        yield stream


def _child_loggers() -> set[str]:
    """The names of the "alexaskill" logger's children the package logs to."""
    names: set[str] = set()
    for path in Path(alexaskill.__file__).parent.rglob("*.py"):
        names.update(re.findall(r'getLogger\("(alexaskill\.[\w.]+)"\)', path.read_text()))
    return names


@pytest.mark.parametrize(
    "name", ["alexaskill.server", "alexaskill.verify", "alexaskill.simulator", "alexaskill.x"]
)
def test_a_child_loggers_arguments_are_escaped_in_the_log(
    plain_log: io.StringIO, name: str
) -> None:
    # A logger's filters see only the records made on it, not those its children pass up: the
    # escaping filter on "alexaskill" let a newline in an argument of "alexaskill.verify"'s
    # (say) forge a second line, and an ANSI escape erase one on the operator's terminal.
    logging.getLogger(name).warning("downloaded %s", FORGED)
    lines = plain_log.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].endswith(r"downloaded cert\n2026-01-01 00:00:00,000 WARNING alexaskill: "
                             r"\x1b[2Kforged")  # fmt: skip


def test_every_child_logger_of_the_package_has_the_escaping_filter() -> None:
    # For handlers other than configure_logging's (an app's own on "alexaskill", AWS Lambda's
    # runtime handler on the root logger), which see the record as the logger left it.
    import alexaskill.logs  # noqa: F401  (which adds the filters)

    names = _child_loggers() - {"alexaskill.request"}  # (its lines are escaped as made)
    assert {"alexaskill.server", "alexaskill.verify", "alexaskill.simulator"} <= names
    for name in names | {"alexaskill", "alexaskill.security"}:
        assert _escape_args in logging.getLogger(name).filters, name


def test_an_apps_handler_sees_a_childs_arguments_escaped() -> None:
    logger = logging.getLogger("alexaskill")
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    handler = Keep()
    logger.addHandler(handler)
    try:
        logging.getLogger("alexaskill.verify").warning("downloaded %s", FORGED)
    finally:
        logger.removeHandler(handler)
    assert seen == [r"downloaded cert\n2026-01-01 00:00:00,000 WARNING alexaskill: \x1b[2Kforged"]
