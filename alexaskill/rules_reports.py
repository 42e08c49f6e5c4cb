"""What the response rules that need the request report, for `alexaskill.rules`: each
`RuleViolation` logged (naming the handler, the request and the part) and handed to the
listener of `reporting_to`, and each `DeviceDrop`, the directives a device without their
interface does not get.

The listener is what the test client collects, whatever the logging configuration
(`alexaskill.testing.violations`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from .exceptions import RuleViolation

__all__ = ["DeviceDrop", "Listener", "reporting_to"]

logger = logging.getLogger("alexaskill")


@dataclass(frozen=True)
class DeviceDrop:
    """Directives dropped from a reply because the request's device does not declare their
    interface: carried by the WARNING (or ERROR) record as ``unsupported_directives``."""

    #: ``request.requestId`` of the request answered.
    request_id: str
    #: The directive types dropped (``"Alexa.Presentation.APL.RenderDocument"``), in order.
    directives: tuple[str, ...]
    #: The interfaces the device lacks for them, sorted.
    interfaces: tuple[str, ...]


#: What `reporting_to` hears: each `RuleViolation`, and each `DeviceDrop`, as it is logged.
Listener = Callable[[RuleViolation | DeviceDrop], None]
# Read only when something is reported, never per request: production pays nothing for it.
_listener: ContextVar[Listener | None] = ContextVar("alexaskill_rules_listener", default=None)


@contextlib.contextmanager
def reporting_to(listener: Listener) -> Iterator[None]:
    """Hand ``listener`` each `RuleViolation` and `DeviceDrop` that `check_reply` reports in
    this context while the block runs (a context variable: the tasks started meanwhile share
    it, as do the threads anyio and Starlette's test client run code in; `check_reply` runs on
    the event loop), besides logging them; a block
    inside another has what is reported inside it to itself. What the test client collects,
    whatever the logging configuration."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def _tell(found: RuleViolation | DeviceDrop) -> None:
    """Hand ``found`` to the listener of the `reporting_to` block around, if any."""
    listener = _listener.get()
    if listener is not None:
        listener(found)


def _report(
    violation: RuleViolation,
    violations: list[RuleViolation] | None,
    level: int = logging.ERROR,
    **extra: Any,
) -> None:
    """Log ``violation`` at ``level`` (``extra``: more attributes for the record), append it to
    ``violations`` when given, and `_tell` it."""
    logger.log(level, "%s", violation, extra={"rule_violation": violation, **extra})
    if violations is not None:
        violations.append(violation)
    _tell(violation)
