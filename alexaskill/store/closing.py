"""`close_stores`: the skill's store and those its attribute services opened, closed once each."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from .base import Store, _awaitable

__all__ = ["close_stores"]

logger = logging.getLogger("alexaskill")


async def close_stores(store: Store, makers: Iterable[tuple[Callable[..., Any], Any]]) -> None:
    """Close ``store`` (the skill's), then each store the services ``makers`` opened through
    `attributes_service` (a URL's, a store given, one a factory made), each once.

    A store whose ``aclose`` fails (its server gone, a plain ``def``) is logged with its
    traceback, and the others are closed still: one failure left them all open before.
    """
    from .attributes import services_stores

    for one in (store, *services_stores(makers, besides=store)):
        try:
            await _awaitable(one, "aclose", one.aclose())
        except Exception:
            logger.exception("closing the store %s failed", type(one).__name__)
