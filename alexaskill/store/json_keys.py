"""The dict keys JSON would change in a stored value: a key no str, which JSON turns into a
string, or ``""``, which no store keeps (`_check_keys`, at each save); and a name or key no str
that a store of one's own loaded (`_loaded_name_refused`, `_loaded_key_refused`)."""

from __future__ import annotations

import json
from typing import Any, Final

from ..articles import value_with_type
from ..exceptions import StoreError
from .data_faults import _refused


def _check_keys(name: str, value: Any, dicts: int) -> None:
    """`ResponseError` naming where a dict in ``value`` (of ``dicts`` dicts at most, each place
    one is held counted) has a key that is no string, or ``""``.

    JSON turns such a key into one without a word: ``{1: "a"}`` comes back as ``{"1": "a"}``,
    and ``{1: "a", "1": "b"}`` as ``{"1": "b"}``. An empty key, at any depth, is refused by every
    store, as an empty attribute name is: DynamoDB keeps neither, and a skill moved to it from
    another store found saves it had made for months refused.
    """
    found = _key_not_str(value, [dicts])
    if found is not None:
        path, key = found
        where = _place(name, path)
        if key == "":
            raise _refused(
                f"attribute {name!r} cannot be saved: {where} has the key '' (empty), and no "
                "store keeps an empty name (DynamoDB cannot)"
            )
        raise _refused(
            f"attribute {name!r} cannot be saved as JSON: {where} has the key "
            f"{value_with_type(key)}, and JSON keys are strings: it would come back as "
            f"{json.dumps(key)!r}"
        )


def _loaded_name_refused(where: str, name: object) -> StoreError:
    """The `StoreError` of an attribute name that is no str, loaded by a store of one's own
    (``where``: its ``load``): the user's data that load found, not the skill's mistake."""
    return StoreError(
        f"{where}: the attribute name {value_with_type(name)} loaded is no string "
        "(attributes are a JSON object, its keys strings): make the load return str names, or "
        "delete the attribute"
    )


def _loaded_key_refused(where: str, texts: dict[str, str], data: dict[str, Any]) -> None:
    """`StoreError` for the first dict key that is no str in the values ``data`` a store of
    one's own loaded (``where``: its ``load``), whose JSON ``texts`` holds: JSON would turn it
    into a string, and the save of its attribute refused it as if the handler had set it. Only
    a value whose JSON holds a "{" is walked, as far as its dicts go (`_key_not_str`)."""
    for name, text in texts.items():
        dicts = text.count("{")
        found = _key_not_str(data[name], [dicts], empty=False) if dicts else None
        if found is not None:
            path, key = found
            place = f" in {_place(name, path)}" if path else ""
            raise StoreError(
                f"{where}: the value loaded for attribute {name!r} has the key "
                f"{value_with_type(key)}{place}, and JSON keys are strings (it would be saved "
                f"as {json.dumps(key)!r}): make the load return str keys, or delete the attribute"
            )


def _place(name: str, path: list[Any]) -> str:
    """Where ``path`` leads in the value of attribute ``name``, as Python would index it."""
    return name + "".join(f"[{step!r}]" for step in path)


def _key_not_str(
    value: Any, left: list[int], *, empty: bool = True
) -> tuple[list[Any], Any] | None:
    """(the path to a dict with a key that is no str, or with ``empty`` is ``""``; that key),
    or None. ``left`` holds how many dicts may be left to look at: none, and no list is walked
    further (a dict of a list of 5,000 numbers walked them all at each save)."""
    if isinstance(value, dict):
        left[0] -= 1
        for key, item in value.items():
            if not isinstance(key, str) or (empty and not key):
                return [], key
            if left[0] > 0 and isinstance(item, _CONTAINERS):
                found = _key_not_str(item, left, empty=empty)
                if found is not None:
                    found[0].insert(0, key)
                    return found
    elif isinstance(value, _CONTAINERS):
        for index, item in enumerate(value):
            if left[0] <= 0:
                break
            if isinstance(item, _CONTAINERS):
                found = _key_not_str(item, left, empty=empty)
                if found is not None:
                    found[0].insert(0, index)
                    return found
    return None


#: What holds other values in JSON (a tuple of types: `isinstance` takes one in half the time
#: of a union, ``dict | list | tuple``).
_CONTAINERS: Final = (dict, list, tuple)
