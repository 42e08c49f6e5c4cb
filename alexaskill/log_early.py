"""What alexaskill says before any logging is set up: with its level and logger, not bare.

A host app's import says a mounted skill's start (``verification is OFF``, ``the skill-id check
is OFF``) and a store's setting (``TLS certificate checks are off``) before anything has set up
logging: under ``uvicorn portal:app`` (uvicorn sets up its own loggers alone), in each server
process of ``serve --reload`` or ``--workers``. Python wrote them through its last resort, bare
(no time, no level, no logger), which a log collector filtering by level drops.

`EarlyHandler`, on the ``"alexaskill"`` logger from its first import, writes what the last
resort would write, and only that, formatted as `alexaskill.logs.configure_logging` would
(``ALEXASKILL_LOG_JSON``): silent once any other handler would take the record, so a host app's
logging set up after its imports takes every line from then on, through its own handler; silent
too where the app has switched the last resort off (``logging.lastResort = None``), or its
filters drop the record. A last resort of the app's own (another handler than Python's) is
given the record, as Python would give it. Logging set up (by alexaskill or by the app's start)
removes it.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Final

__all__ = ["EarlyHandler", "early", "forget_early_handler", "install_early_handler"]

#: The values of a boolean setting that mean yes (`alexaskill.settings`).
TRUE: Final = frozenset(("1", "true", "yes", "on"))
#: The type of Python's own last resort (`logging.lastResort`), which no stub declares.
_PYTHONS_LAST_RESORT: Final[type[logging.Handler]] = vars(logging)["_StderrHandler"]


class EarlyHandler(logging.Handler):
    """Python's last resort for alexaskill's records, formatted as alexaskill's own lines."""

    #: Known by this mark (`early`), not by identity: two copies of alexaskill in one process
    #: (``benchmarks/before_after.py`` loads the one it compares with) share the logger, and
    #: either one's set-up takes the other's early handler off too.
    alexaskill_early: Final = True

    def __init__(self) -> None:
        super().__init__()
        self._formats: dict[bool, logging.Formatter] = {}

    def handle(self, record: logging.LogRecord) -> bool:
        """Write ``record`` where the last resort would, formatted; else nothing."""
        last = logging.lastResort
        if last is None or record.levelno < last.level or _taken_elsewhere(record, self):
            return False
        if type(last) is not _PYTHONS_LAST_RESORT:  # the app's own: where its lines go
            return bool(last.handle(record))
        if not last.filter(record):  # (`serve`'s check of the app holds them there)
            return False
        return super().handle(record)

    def emit(self, record: logging.LogRecord) -> None:
        """Write the record to standard error, as it is at the moment (a test's capture)."""
        try:
            json = os.environ.get("ALEXASKILL_LOG_JSON", "").strip().lower() in TRUE
            stream = sys.stderr
            if stream is None:  # (pythonw: nowhere to write, as for the last resort)
                return
            stream.write(self._format(json).format(record) + "\n")
            stream.flush()
        except Exception:
            self.handleError(record)

    def _format(self, json: bool) -> logging.Formatter:
        formatter = self._formats.get(json)
        if formatter is None:
            from .log_format import JsonFormatter, _PlainFormatter

            formatter = self._formats[json] = JsonFormatter() if json else _PlainFormatter()
        return formatter


def _taken_elsewhere(record: logging.LogRecord, early: logging.Handler) -> bool:
    """Whether a handler other than ``early`` takes ``record`` on its way up from its logger, as
    `logging.Logger.callHandlers` looks for one before it turns to the last resort."""
    found: logging.Logger | None = logging.getLogger(record.name)
    while found is not None:
        if any(handler is not early for handler in found.handlers):
            return True
        found = found.parent if found.propagate else None
    return False


_early: Final = EarlyHandler()


def install_early_handler(logger: logging.Logger) -> None:
    """Put `EarlyHandler` on ``logger`` (alexaskill's), unless it has handlers already (a
    dictConfig that named it before alexaskill was imported)."""
    if not logger.handlers:
        logger.addHandler(_early)


def forget_early_handler(logger: logging.Logger) -> None:
    """Take `EarlyHandler` off ``logger`` (any copy of alexaskill's): logging is set up."""
    for handler in [handler for handler in logger.handlers if early(handler)]:
        logger.removeHandler(handler)


def early(handler: logging.Handler) -> bool:
    """Whether ``handler`` is an `EarlyHandler` (of any copy of alexaskill): no set-up."""
    return getattr(handler, "alexaskill_early", False) is True
