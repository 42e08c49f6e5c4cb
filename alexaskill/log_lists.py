"""A logger's handlers and filters (a handler's filters too) changed by replacing the list under
logging's lock, never in place: a record another thread is walking them with skips none.

Python's logging walks a logger's ``handlers`` (`logging.Logger.callHandlers`) and a logger's or
handler's ``filters`` (`logging.Filterer.filter`) as the list is, with no lock: one removed in
place (``removeHandler``, ``removeFilter``) from one thread while another thread's record is
past it moves the next one back under the walk, which never reaches it. With `alexaskill.cli.main`
run in two threads, the second command's handler went so: its stderr showed nothing of its
skill's failure; with logging set up while a thread the skill started logged, the app's filter
after alexaskill's early one (`alexaskill.log_early.forget_early`) did not drop what it drops.
A walk under way keeps the list it started, whole.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Final

__all__ = ["edit_filters", "edit_handlers"]

#: logging's own lock, which `logging.Logger.addHandler` and ``removeHandler`` take: the lists
#: are replaced under it, so that neither their edit nor ours is lost to the other. (Python's
#: ``addFilter`` and ``removeFilter`` take none: an edit of theirs at the same moment may be.)
_LOGGING_LOCK: Final[Any] = getattr(logging, "_lock", None) or threading.RLock()


def edit_handlers(
    logger: logging.Logger, edit: Callable[[list[logging.Handler]], list[logging.Handler]]
) -> None:
    """Give ``logger`` the handlers ``edit`` makes of its present ones, as a new list."""
    with _LOGGING_LOCK:
        logger.handlers = edit(list(logger.handlers))


def edit_filters(filterer: logging.Filterer, edit: Callable[[list[Any]], list[Any]]) -> None:
    """Give ``filterer`` (a logger or a handler) the filters ``edit`` makes of its present ones,
    as a new list."""
    with _LOGGING_LOCK:
        filterer.filters = edit(list(filterer.filters))
