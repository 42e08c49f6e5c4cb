"""Amazon's deprecation of household lists (List Management API, list events): said once."""

from __future__ import annotations

import logging
import threading
from typing import Final

__all__ = ["LISTS_DEPRECATED", "warn_lists_deprecated"]

logger = logging.getLogger("alexaskill")

# Amazon moved its List Management REST API reference and "Functional Testing for a List Skill"
# to its Deprecated Features page on June 27, 2024; its "Access the Alexa Shopping and To-Do
# Lists" page warned: "Starting July 1, 2024, you will no longer be able to use List skills or
# the List Management REST API to access Alexa lists ... in your skills or apps".
LISTS_DEPRECATED: Final = (
    "Amazon deprecated the Alexa shopping and to-do lists for skills: from July 1, 2024 neither "
    "the List Management API (in or out of a session) nor list skills and their "
    "AlexaHouseholdListEvent.* events can be used; see https://developer.amazon.com/en-US/docs/"
    "alexa/ask-overviews/deprecated-features.html#shopping-lists"
)

_lock = threading.Lock()
_said = False


def warn_lists_deprecated(operation: str) -> None:
    """Log `LISTS_DEPRECATED` once per process, at the first list call (``operation``)."""
    # A log WARNING, not a DeprecationWarning: the deprecation is Amazon's, of a service, not of
    # this API (the methods stay, for accounts still answered), and Python hides a
    # DeprecationWarning from a served app's own code while `filterwarnings = error` would turn
    # it into a failure in every skill's tests that still call the fake's lists. Once per
    # process: a skill calls lists on every request, and one line is heard where a flood is not.
    global _said
    with _lock:
        if _said:
            return
        _said = True
    logger.warning("%s: %s", operation, LISTS_DEPRECATED)
