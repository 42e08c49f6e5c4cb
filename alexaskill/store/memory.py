"""`MemoryStore`: attributes in a dict, for tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .base import _decode, _decoding, _incremented
from .checked_changes import _encode_written
from .data_faults import _key_checked, _names_checked

__all__ = ["MemoryStore"]


class MemoryStore:
    """A store in a dict, for tests: values are kept as JSON, so they behave as in a real store."""

    _common_limits = True  # (`base._common_limits`)

    def __init__(self) -> None:
        self._data: dict[str, dict[str, str]] = {}

    @_decoding
    async def load(self, key: str) -> dict[str, Any]:
        """All the values stored under ``key``."""
        _key_checked(key)
        fields = self._data.get(key, {})
        return {name: _decode(name, text, "MemoryStore") for name, text in fields.items()}

    async def update(
        self,
        key: str,
        changes: Mapping[str, Any],
        deleted: Iterable[str],
        increments: Mapping[str, int] | None = None,
    ) -> None:
        """Set ``changes``, add ``increments`` and remove ``deleted`` under ``key``."""
        deleted = _names_checked(key, changes, deleted, increments)
        encoded = _encode_written(changes, deleted, increments)
        fields = self._data.get(key, {})
        for name, by in (increments or {}).items():
            encoded[name] = str(_incremented(name, fields.get(name), by, "MemoryStore"))
        fields = self._data.setdefault(key, fields)
        fields.update(encoded)
        for name in deleted:
            fields.pop(name, None)
        if not fields:
            del self._data[key]

    async def aclose(self) -> None:
        """Nothing to release."""
