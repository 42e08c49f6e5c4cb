"""The "alexaskill" logger (and the filters of alexaskill's loggers) as a test found it, put back
after the test changed it."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from alexaskill.log_early import LOGGERS


@contextlib.contextmanager
def alexaskill_logger_kept() -> Iterator[logging.Logger]:
    """The "alexaskill" logger's handlers, level and propagation put back at the end of the
    block (`configure_logging` changes them for the whole process); a handler added meanwhile
    is closed."""
    logger = logging.getLogger("alexaskill")
    handlers, level, propagate = list(logger.handlers), logger.level, logger.propagate
    try:
        yield logger
    finally:
        for handler in logger.handlers:
            if handler not in handlers:
                handler.close()
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


@contextlib.contextmanager
def alexaskill_filters_kept() -> Iterator[None]:
    """The filters of alexaskill's loggers (`alexaskill.log_early.LOGGERS`) as the test found
    them, put back after it."""
    loggers = [logging.getLogger(name) for name in LOGGERS]
    kept = [list(logger.filters) for logger in loggers]
    try:
        yield
    finally:
        for logger, filters in zip(loggers, kept, strict=True):
            logger.filters[:] = filters
