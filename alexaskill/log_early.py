"""What alexaskill says before any logging is set up: with its level and logger, not bare.

A host app's import says a mounted skill's start (``verification is OFF``, ``the skill-id check
is OFF``) and a store's setting (``TLS certificate checks are off``) before anything has set up
logging: under ``uvicorn portal:app`` (uvicorn sets up its own loggers alone), in each server
process of ``serve --reload`` or ``--workers``. Python wrote them through its last resort, bare
(no time, no level, no logger), which a log collector filtering by level drops.

`EarlyFilter`, on each logger alexaskill writes to (`install_early`, from alexaskill's first
import), writes what the last resort would write, and only that, formatted as
`alexaskill.logs.configure_logging` would (``ALEXASKILL_LOG_JSON``): silent once any handler
would take the record, so a host app's logging set up after its imports takes every line from
then on, through its own handler; silent too where the app has switched the last resort off
(``logging.lastResort = None``). A last resort of the app's own (another handler than Python's),
or one with filters of its own (`alexaskill.cli.serve_app.left_to_the_servers` holds lines
there), is given the record, as Python would give it. Logging set up (by alexaskill or by the
app's start) removes it (`forget_early`).

A filter, not a handler: a handler on ``"alexaskill"`` showed in its ``handlers``, and an app's
``if not logger.handlers: logger.addHandler(...)`` added none, its lines then written beside its
logging. A logger's filters see only the records made on it, hence one on each logger;
``"alexaskill.request"`` has none (its lines come once logging is set up, and a filter there
would take each request line off its direct path, `alexaskill.logs.log_request`). Where it
writes a record it ends the logger's turn of filters: those put after it (an app's, added after
the import) are run first, and one that drops the record drops it, as without alexaskill.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any, Final

__all__ = ["LOGGERS", "EarlyFilter", "early", "forget_early", "install_early"]

#: The values of a boolean setting that mean yes (`alexaskill.settings`).
TRUE: Final = frozenset(("1", "true", "yes", "on"))
#: The type of Python's own last resort (`logging.lastResort`), which no stub declares.
_PYTHONS_LAST_RESORT: Final[type[logging.Handler]] = vars(logging)["_StderrHandler"]
#: The loggers alexaskill writes to before logging is set up (tests/test_log_early.py checks
#: that each logger alexaskill names is here, or ``"alexaskill.request"``).
LOGGERS: Final = (
    "alexaskill",
    "alexaskill.security",
    "alexaskill.server",
    "alexaskill.verify",
    "alexaskill.simulator",
)


class EarlyFilter(logging.Filter):
    """Python's last resort for alexaskill's records, formatted as alexaskill's own lines."""

    #: Known by this mark (`early`), not by identity: two copies of alexaskill in one process
    #: (``benchmarks/before_after.py`` loads the one it compares with) share the loggers, and
    #: either one's set-up takes the other's early filters (or an older copy's early handler)
    #: off too.
    alexaskill_early: Final = True

    def __init__(self) -> None:
        super().__init__()
        self._writer = _EarlyWriter()

    def filter(self, record: logging.LogRecord) -> bool:
        """Write ``record`` where the last resort would, formatted, and drop it there; else let
        it through, as it is, to the handlers (or to the last resort) Python gives it."""
        last = logging.lastResort
        if (
            last is None
            or type(last) is not _PYTHONS_LAST_RESORT  # the app's own: where its lines go
            or last.filters  # (`serve`'s check of the app holds them there)
            or not isinstance(record.levelno, int)  # (a hand-made record: not judged here)
            or record.levelno < last.level
            or _taken(record)
        ):
            return True
        passed = _after(self, record)
        if passed is not None:  # (None: a filter after this one, the app's, drops it)
            self._writer.handle(passed)
        return False


class _EarlyWriter(logging.Handler):
    """What `EarlyFilter` writes with: on no logger (a handler there would show in its
    ``handlers``)."""

    def __init__(self) -> None:
        super().__init__()
        self._formats: dict[bool, logging.Formatter] = {}

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
            from .log_format import JsonFormatter, PlainFormatter

            formatter = self._formats[json] = JsonFormatter() if json else PlainFormatter()
        return formatter


def _after(early: EarlyFilter, record: logging.LogRecord) -> logging.LogRecord | None:
    """``record`` as the filters after ``early`` on its logger (an app's, added after alexaskill's
    import) leave it, or None if one drops it: run here, once, as the logger would run them,
    for ``early`` ends the logger's turn of filters where it writes the record."""
    filters = logging.getLogger(record.name).filters
    later = filters[filters.index(early) + 1 :] if early in filters else []
    for found in later:
        check: Any = getattr(found, "filter", found)  # (as `logging.Filterer` calls it)
        result = check(record)
        if not result:
            return None
        if isinstance(result, logging.LogRecord):  # (Python 3.12 on: a record in its place)
            record = result
    return record


def _taken(record: logging.LogRecord) -> bool:
    """Whether a handler takes ``record`` on its way up from its logger, as
    `logging.Logger.callHandlers` looks for one before it turns to the last resort."""
    found: logging.Logger | None = logging.getLogger(record.name)
    while found is not None:
        if found.handlers:
            return True
        found = found.parent if found.propagate else None
    return False


_early: Final = EarlyFilter()


def install_early() -> None:
    """Put `EarlyFilter` on each of `LOGGERS`, after the filters they have (their arguments
    escaped first, `alexaskill.log_values`), unless ``"alexaskill"`` has handlers already (a
    dictConfig that named it before alexaskill was imported)."""
    if logging.getLogger(LOGGERS[0]).handlers:
        return
    for name in LOGGERS:
        # (addFilter, not `log_lists.edit_filters`: an append, at import, skips no record's
        # walk; and this module is run on its own too, where that relative import fails.)
        logging.getLogger(name).addFilter(_early)


def forget_early() -> None:
    """Take `EarlyFilter` (any copy of alexaskill's) off `LOGGERS`, and an older copy's early
    handler off ``"alexaskill"``: logging is set up."""
    # (Imported here, as `_EarlyWriter` imports its formats: this module alone is run on its
    # own too, as the second copy of tests/test_log_early.py.)
    from .log_lists import edit_filters, edit_handlers

    # New lists, not removals in place: logging may be set up while a thread the skill started
    # logs, and its record's walk of the lists would skip the one after each removed.
    for name in LOGGERS:
        logger = logging.getLogger(name)
        edit_filters(logger, lambda filters: [found for found in filters if not early(found)])
        edit_handlers(logger, lambda handlers: [found for found in handlers if not early(found)])


def early(found: object) -> bool:
    """Whether ``found`` (a handler or a filter) is alexaskill's for no set-up (of any copy of
    alexaskill: an `EarlyFilter`, or an older copy's early handler)."""
    return getattr(found, "alexaskill_early", False) is True
