"""Persistent attributes: a per-user dict that outlives the session, and the stores behind it."""

from .attributes import (
    DEFAULT_STORE,
    REDIS_CLIENT_OPTIONS,
    Attributes,
    DeviceAttributes,
    MemoryStore,
    PersonAttributes,
    RedisStore,
    SQLiteStore,
    Store,
    _encode,
    attributes_service,
    open_store,
)

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
