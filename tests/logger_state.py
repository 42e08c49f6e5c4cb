"""The "alexaskill" logger as a test found it, put back after the test changed it."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator


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
