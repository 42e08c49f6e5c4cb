"""The skill's store as its start finds it: whether its handlers use it (`store_used`), and a
SQLite file that no load or save could ever open (`check_store`)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Protocol

from ..exceptions import ConfigurationError
from .attributes import Attributes, DeviceAttributes, PersonAttributes

if TYPE_CHECKING:
    from ..dispatch import Registry
    from .base import Store
    from .sqlite import SQLiteStore

__all__ = ["check_store", "sqlite_store", "store_used"]


class StoreSkill(Protocol):
    """What is asked of a `Skill` here (`alexaskill.aws_lambda.LambdaSkill` has it too)."""

    @property
    def registry(self) -> Registry:
        """The skill's handlers."""

    @property
    def store(self) -> Store:
        """Where the attribute services load and save."""

    def _store_serves(self, kind: type) -> bool:
        """Whether handlers asking for ``kind`` get it from `store` (no service added over it)."""


def store_used(skill: StoreSkill) -> bool:
    """Whether a handler (or hook) asks for attributes that come from ``skill.store``: only the
    kinds the store serves, `add_service(Attributes, …)` putting another store in its place."""
    kinds = {k for k in (Attributes, PersonAttributes, DeviceAttributes) if skill._store_serves(k)}
    return any(kinds & set(h.services) for h in skill.registry.handlers_called())


def sqlite_store(skill: StoreSkill) -> SQLiteStore | None:
    """``skill.store`` if it is a `SQLiteStore`, else None (`check_store`, and the warning on
    AWS Lambda: `alexaskill.lambda_start.unsuited_sqlite`)."""
    sqlite = sys.modules.get("alexaskill.store.sqlite")  # not loaded: the store is no SQLite
    store = skill.store
    return store if sqlite is not None and isinstance(store, sqlite.SQLiteStore) else None


def check_store(skill: StoreSkill) -> None:
    """`ConfigurationError` at the skill's start if its store is a SQLite file, in a directory
    this process may not write, that does not exist or is in WAL mode (`_never_opened`), and
    a handler uses it: every load and save would fail, each request for attributes answered
    with the apology. The default store, ``sqlite:///alexaskill.db``, is such a file in a
    read-only working directory (AWS Lambda's code directory, a container's read-only
    ``WORKDIR``). A skill whose handlers use no attributes starts: it never opens the file."""
    store = sqlite_store(skill)
    if store is None:
        return
    from .sqlite_file import _never_opened  # (loaded with the store: no import for the others)

    why = _never_opened(store.path)
    if why is None or not store_used(skill):
        return
    raise ConfigurationError(
        f"the attribute store, SQLite file {store.path}: {why}: every load and save of the "
        "handlers' attributes would fail (on AWS Lambda only /tmp may be written, and by one "
        "instance alone). Give the skill a store it can write: set ALEXASKILL_STORE (read by a "
        "Skill given no store=, and by settings_from_env()), or give Skill(store=…): "
        "dynamodb://TABLE?region=REGION, redis://host:6379/0, or "
        "sqlite:////a/writable/directory/skill.db"
    )
