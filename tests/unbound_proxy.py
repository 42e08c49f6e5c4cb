"""A lazy proxy not yet bound (werkzeug's LocalProxy outside a request, a module-level lazy
object): asked for its ``__class__`` (as ``isinstance`` does, its type no match), for any
attribute, or called, it raises RuntimeError."""

from __future__ import annotations

from typing import NoReturn

_UNBOUND = "working outside of the application context"


class UnboundProxy:
    """Raises RuntimeError for ``__class__``, for any other attribute and when called."""

    @property  # type: ignore[misc]
    def __class__(self) -> NoReturn:  # type: ignore[override]
        raise RuntimeError(_UNBOUND)

    def __getattr__(self, name: str) -> NoReturn:
        raise RuntimeError(_UNBOUND)

    def __call__(self) -> NoReturn:
        raise RuntimeError(_UNBOUND)


#: Whether `current` is bound: never (a handler's call through it is in a branch not taken).
BOUND = False

#: A module global a handler names (``current.speak(…)``, ``current()``).
current = UnboundProxy()
