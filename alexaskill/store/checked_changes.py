"""A save's changes checked once and encoded: `_Checked`, each value's JSON and the counts the
save's size is checked with (`limits._check_item_size`), for a shipped store's ``update``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .base import _encode
from .json_keys import _check_keys
from .limits import _ITEM_BYTES, _check_item_size, _check_limits

__all__: list[str] = []


class _Checked(dict[str, Any]):
    """The changes of a save as `Attributes` found them (a dict of the values, for any store),
    with ``texts``, each value's JSON, and ``limits``: True if checked as `_encode_checked` checks
    with limits, False without them (a store of one's own: the dict keys alone). A shipped
    store's `_encode_changes` takes the texts of changes checked as it would check them, without
    checking again: a value is checked once a save, however many checks (`check_saves`,
    ``check_update``) it passes.

    ``counts``: with ``limits``, each text's (bytes of UTF-8, "[" and "{") as the checks counted
    them, for the count of the save's size (`limits._check_item_size`), which ``sized`` notes
    once made (the names it counted), so that `check_saves`, a ``check_update`` and the
    store's ``update`` make it once a save (`_check_size_once`). ``bound``: the count's first
    bound with every name of ``counts`` written, within 400 KB for most saves: none to make.
    Weakly referenced, for a store to keep what its ``check_update`` made of them for its
    ``update`` no longer than they live (`dynamodb.plans._planned`)."""

    __slots__ = ("__weakref__", "bound", "counts", "limits", "sized", "texts")

    def __init__(
        self,
        changes: Mapping[str, Any],
        texts: dict[str, str],
        limits: bool,
        counts: dict[str, tuple[int, int]] | None = None,
    ) -> None:
        super().__init__(changes)
        self.texts = texts
        self.limits = limits
        self.counts = counts
        self.sized: tuple[frozenset[str], frozenset[str]] | None = None
        self.bound = _ITEM_BYTES + 1  # (`_checked_changes` counts it)


def _checked_changes(
    changes: Mapping[str, Any], texts: dict[str, str], limits: bool, sizes: Mapping[str, int]
) -> _Checked:
    """``changes``, their JSON ``texts`` (of ``sizes`` bytes of UTF-8) checked (`_check_value`),
    as `_Checked`."""
    counts: dict[str, tuple[int, int]] = {}
    bound = 0  # (`limits._check_item_size`'s first, a name's bytes at most 4 a character)
    for name, value in changes.items():
        size = sizes[name]
        counts[name] = (size, _check_value(name, value, texts[name], limits=limits))
        bound += 4 * len(name) + 2 * size
    checked = _Checked(changes, texts, limits, counts if limits else None)
    checked.bound = bound
    return checked


def _checked_texts(changes: Mapping[str, Any], limits: bool = True) -> dict[str, str] | None:
    """The JSON of ``changes`` if `Attributes` checked them as ``limits`` asks (`_Checked`)."""
    if type(changes) is _Checked and changes.limits >= limits:
        return changes.texts
    return None


def _encode_changes(changes: Mapping[str, Any], *, limits: bool = True) -> dict[str, str]:
    """Each changed value as JSON (`_encode_checked`), unless checked already (`_Checked`)."""
    texts = _checked_texts(changes, limits)
    if texts is not None:
        return dict(texts)
    return {name: _encode_checked(name, value, limits=limits) for name, value in changes.items()}


def _encode_written(
    changes: Mapping[str, Any], deleted: Iterable[str], increments: Iterable[str] | None
) -> dict[str, str]:
    """`_encode_changes`, refusing also a save past DynamoDB's 400 KB an item
    (`_check_size_once`): what a shipped store writes, ``deleted`` removed with it."""
    texts = _encode_changes(changes)
    _check_size_once(changes, texts, deleted, increments)
    return texts


def _check_size_once(
    changes: Mapping[str, Any],
    texts: Mapping[str, str],
    deleted: Iterable[str],
    increments: Iterable[str] | None,
) -> None:
    """`limits._check_item_size` of a save whose values' JSON is ``texts``, once a save: of
    changes `Attributes` checked (`_Checked`), with the counts its checks made, and not again
    for the same names (`check_saves`, then a store's ``check_update``, then its ``update``:
    a save past 200 KB of JSON had its brackets counted three times more)."""
    if type(changes) is not _Checked or changes.counts is None:  # (counts: with limits)
        _check_item_size(texts, deleted, increments)
        return
    added = 0 if not increments else sum(4 * len(name) + 1 for name in increments)
    if changes.bound + added <= _ITEM_BYTES:
        return  # under the first bound with every name it may write: nothing to count or note
    gone = set(deleted)
    counted = (
        frozenset(name for name in changes if name not in gone),
        frozenset(name for name in increments or () if name not in gone),
    )
    if changes.sized == counted:
        return
    _check_item_size(changes.texts, deleted, increments, changes.counts)
    changes.sized = counted


def _encode_checked(name: str, value: Any, *, limits: bool = True) -> str:
    """`_encode`, refusing also dict keys that JSON would turn into strings, and with ``limits``
    what a shipped store cannot keep (`_check_value`): for a value to be written. (Not for one
    loaded: it came from JSON; nor to compare: it costs a walk.)"""
    text = _encode(name, value)
    _check_value(name, value, text, limits=limits)
    return text


def _check_value(name: str, value: Any, text: str, *, limits: bool = True) -> int:
    """`ResponseError` for dict keys in ``value`` (whose JSON is ``text``) that JSON would turn
    into strings, and with ``limits`` for what a shipped store cannot keep (`_check_limits`).
    Returns the "[" and "{" of ``text`` with ``limits`` (its "{" without), for the count of
    the save's size (`_Checked.counts`)."""
    dicts = text.count("{")  # (at most as many dicts: strings may hold some too)
    if dicts:  # no "{", no dict: only values that may hold one are walked, as far as they do
        _check_keys(name, value, dicts)
    if not limits:
        return dicts
    brackets = text.count("[") + dicts
    _check_limits(name, value, text, brackets)
    return brackets
