"""Persistent attributes: a per-user dict that outlives the session, and the stores behind it.

A handler asks for it by annotation, and the app loads it (one ``await store.load(key)``) only
for handlers that do::

    @skill.intent("CountIntent")
    def count(attributes: Attributes) -> Response:
        attributes["count"] = attributes.get("count", 0) + 1
        return speak(f"That's {attributes['count']}.")

After the handler returns normally, the changes are saved in one ``store.update`` call, and only
if there are any (a handler that raises saves nothing). Changes are found by comparing each
value's JSON with the JSON it was loaded as, so a list changed in place counts too.

`Attributes` are keyed by the Amazon account (``context.System.user.userId``); `PersonAttributes`
by the recognised speaker (``context.System.person.personId``) within it, falling back to the
account when Alexa recognises nobody (then, in one request, the user's `Attributes` themselves:
one dict, one save); `DeviceAttributes` by the device
(``context.System.device.deviceId``). A handler may ask for any of them.

Concurrency: each save writes only the keys the handler changed or deleted, atomically. Two
requests for one user that change different keys both keep their changes; two that change the
same key leave the value of the one that saved last (last writer wins, per key). A
read-modify-write of one key can lose an update between two simultaneous requests; for
counters, `Attributes.increment` adds at save time, atomically, to what the store holds then.

Values round-trip through JSON: tuples come back as lists, and a value JSON cannot hold (a
datetime, a set, NaN) or would change (a dict key that is not a string) fails the save with a
`ResponseError` naming the key.

Stores: `SQLiteStore` (the default: one file, several worker processes on one machine),
`RedisStore` (several machines; needs the ``redis`` package: ``alexaskill[redis]``),
`alexaskill.dynamodb.DynamoDBStore` (AWS Lambda; ``alexaskill[dynamodb]``) and `MemoryStore`
(tests). `open_store` makes one from a URL.
"""

from typing import TYPE_CHECKING, Any

from .attributes import Attributes, DeviceAttributes, PersonAttributes
from .base import DEFAULT_STORE, Store
from .service import attributes_service
from .url import open_store

if TYPE_CHECKING:
    from .memory import MemoryStore
    from .redis import REDIS_CLIENT_OPTIONS, RedisStore
    from .sqlite import SQLiteStore

__all__ = [
    "DEFAULT_STORE",
    "REDIS_CLIENT_OPTIONS",
    "Attributes",
    "DeviceAttributes",
    "MemoryStore",
    "PersonAttributes",
    "RedisStore",
    "SQLiteStore",
    "Store",
    "attributes_service",
    "open_store",
]

# Each store's module is imported when its name is first used (or its URL opened): a skill on
# the default SQLite store never loads the Redis one, a cold start on AWS Lambda neither.
_LAZY = {
    "MemoryStore": "memory",
    "REDIS_CLIENT_OPTIONS": "redis",
    "RedisStore": "redis",
    "SQLiteStore": "sqlite",
}


# Not for type checkers, which read the imports under TYPE_CHECKING: a module `__getattr__`
# would make any name, misspelt ones too, an `Any` for them.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """Import a store's module on first use of its name."""
        import importlib

        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value
