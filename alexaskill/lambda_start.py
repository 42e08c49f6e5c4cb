"""An AWS Lambda skill's start, at its first invocation: what it says of the set-up (a SQLite
store)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from .logs import logger

if TYPE_CHECKING:
    from .store.start_check import StoreSkill

__all__ = ["warn_of_sqlite"]


def warn_of_sqlite(skill: StoreSkill) -> None:
    """Say, once, that a SQLite store does not suit Lambda, if a handler uses attributes.

    It is the default (``ALEXASKILL_STORE`` unset): in the function's read-only code directory
    the skill does not start (`store.start_check.check_store`: no file can be made there; one
    shipped there is read-only); in ``/tmp`` the attributes stay with one instance of the
    function, lost when Lambda replaces it and not seen by the others.
    """
    sqlite = sys.modules.get("alexaskill.store.sqlite")  # not loaded: the store is no SQLite
    store = skill.store
    if sqlite is None or not isinstance(store, sqlite.SQLiteStore):
        return
    from .store.start_check import store_used

    if store_used(skill):  # (not the SQLite default if a service put another store in its place)
        logger.warning(
            "the attribute store is the SQLite file %s, which does not suit AWS Lambda: the code "
            "directory is read-only (every save fails there) and /tmp belongs to one instance "
            "of the function. Set ALEXASKILL_STORE=dynamodb://TABLE (README: AWS Lambda with "
            "DynamoDB) or a Redis URL",
            store.path,
        )
