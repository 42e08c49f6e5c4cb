"""What `attributes_service` takes for its store (a store, its URL, a factory), checked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..articles import type_with_article
from ..exceptions import ConfigurationError
from .base import Store, _is_store, _lacking
from .url import open_store

__all__: list[str] = []


def _check_factory(factory: Callable[..., Any]) -> None:
    """`ConfigurationError` now for a store factory no request could use: an ``async def``
    (called, not awaited: a coroutine, no store) or one that needs arguments (a store's class,
    ``SQLiteStore``), where each request that asked for attributes failed."""
    import inspect

    name = getattr(factory, "__name__", type(factory).__name__)
    if inspect.iscoroutinefunction(inspect.unwrap(factory)):
        raise ConfigurationError(
            f"the store factory {name} is an async def, and the app calls it without awaiting: "
            "write a def returning the store (stores connect at their first load or save)"
        )
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):
        return  # no signature to read (a builtin): called as it is
    try:
        signature.bind()
    except TypeError:
        raise ConfigurationError(
            f"the store factory {name} takes arguments, and the app calls it with none: give a "
            f"store, {name}(…), or its URL"
        ) from None


def _store_getter(
    store: Store | str | Callable[[], Store],
) -> tuple[Callable[[], Store], Callable[[], Store | None]]:
    """(the store, made on the first call if ``store`` is a factory; the store if made yet)."""
    if isinstance(store, str):
        opened = open_store(store)
        return (lambda: opened), (lambda: opened)
    if _is_store(store):  # (a class is a factory: `MemoryStore`)
        ready: Store = store  # type: ignore[assignment]
        return (lambda: ready), (lambda: ready)
    if not callable(store):
        lacking = _lacking(store)
        if lacking is not None:
            raise ConfigurationError(
                f"attributes_service: {lacking}: a store has the methods load, update and aclose"
            )
        # Only the type: a repr may hold a password (a client's, a settings object's).
        raise ConfigurationError(
            f"not a store, store URL or store factory: {type_with_article(store)} "
            "(a store has load, update and aclose)"
        )
    factory: Callable[[], Store] = store
    _check_factory(factory)
    made: list[Store] = []

    def get() -> Store:
        if not made:
            store = factory()
            if not _is_store(store):
                # Only the type: a URL returned may hold a password.
                lacking = _lacking(store)
                raise ConfigurationError(
                    f"the store factory returned {type_with_article(store)}, not a store (with "
                    "load, update and aclose): return MemoryStore(), say, or open_store(url)"
                    + (f" ({lacking})" if lacking else "")
                )
            made.append(store)
        return made[0]

    return get, lambda: made[0] if made else None
