"""`SQLiteStore` across ``os.fork()``: no connection crosses it, a child starts with fresh locks.

SQLite: "do not open a database connection, then fork(), then try to use that connection in
the child" (https://www.sqlite.org/howtocorrupt.html, 2.6); closing it in the child is using
it too, and its lock bookkeeping, copied into the child, would make the child's own
connections believe they hold locks that fcntl never gave them.
"""

from __future__ import annotations

import contextlib
import os
import weakref
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import sqlite3

    from .sqlite import SQLiteStore

# Every SQLiteStore of the process, for the fork hooks below. A set of weak references rather
# than a WeakSet: the hook before a fork lists it with set.copy(), which no other thread can
# interrupt, where iterating a WeakSet runs Python code, and a store made meanwhile by another
# thread stops the iteration ("Set changed size during iteration").
_STORES: Final[set[weakref.ref[SQLiteStore]]] = set()
# The stores whose locks the hook before a fork took, for the parent's hook after it to release.
_LOCKED: Final[list[SQLiteStore]] = []
# Connections a child process inherited: never used nor closed (see the hooks).
_INHERITED: Final[list[sqlite3.Connection]] = []


def _register(store: SQLiteStore) -> None:
    """List ``store`` for the fork hooks, for as long as it lives."""
    _STORES.add(weakref.ref(store, _STORES.discard))


def _stores() -> list[SQLiteStore]:
    """The stores of the process, listed at once (see `_STORES`)."""
    return [store for ref in _STORES.copy() if (store := ref()) is not None]


def _before_fork() -> None:
    for store in _stores():
        store._before_fork()


def _after_fork_in_parent() -> None:
    # Exactly the stores whose locks _before_fork took: a store made meanwhile (by another
    # thread, while a connection was closed there) is in _STORES now, its lock not held.
    locked = _LOCKED.copy()
    _LOCKED.clear()
    for store in locked:
        with contextlib.suppress(RuntimeError):  # one failure must not leave the rest held
            store._lock.release()


def _after_fork_in_child() -> None:
    _LOCKED.clear()
    for store in _stores():
        store._after_fork_in_child()


if hasattr(os, "register_at_fork"):  # not on Windows, which never forks
    os.register_at_fork(
        before=_before_fork,
        after_in_parent=_after_fork_in_parent,
        after_in_child=_after_fork_in_child,
    )
