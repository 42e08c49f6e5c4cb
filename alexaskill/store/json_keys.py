"""The dict keys JSON would change in a stored value: a key no str, which JSON turns into a
string, or ``""``, which no store keeps (`_check_keys`, at each save); and a name or key no str
that a store of one's own loaded (`_loaded_name_refused`, `_loaded_key_refused`); and what in a
value json's encoder has no JSON for, a type or a key, and where (`_unjson`)."""

from __future__ import annotations

import json
from typing import Any, Final

from ..articles import value_with_type
from ..exceptions import StoreError
from ..json_scalars import JSON_SCALARS
from ..shown_names import shown, shown_value
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
                f"attribute {shown_value(name)} cannot be saved: {where} has the key '' (empty), "
                "and no store keeps an empty name (DynamoDB cannot)"
            )
        raise _refused(
            f"attribute {shown_value(name)} cannot be saved as JSON: {where} has the key "
            f"{value_with_type(key)}, and JSON keys are strings: {_comes_back(key, 'come back')}"
        )


def _comes_back(key: object, verb: str) -> str:
    """What JSON makes of ``key``, a dict key no str that json writes (an int, a float, a bool,
    None), as a refusal says it: "it would <verb> as '1'", its text cut (`shown_value`); for an
    int past Python's digits, whose text Python refuses, that no store keeps it."""
    try:
        text = json.dumps(key)
    except ValueError:  # (an int past sys.get_int_max_str_digits: no text of it is made)
        from .limits import _past_digits_said  # (limits imports this module)

        return f"it is {_past_digits_said()}"
    return f"it would {verb} as {shown_value(text)}"


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
                f"{where}: the value loaded for attribute {shown_value(name)} has the key "
                f"{value_with_type(key)}{place}, and JSON keys are strings ("
                f"{_comes_back(key, 'be saved')}): make the load return str "
                "keys, or delete the attribute"
            )


def _place(name: str, path: list[Any]) -> str:
    """Where ``path`` leads in the value of attribute ``name``, as Python would index it: the
    name and each key cut to their head and tail (`shown`, `shown_value`), as a message quotes
    a name of the handler's."""
    return shown(name) + "".join(f"[{shown_value(step)}]" for step in path)


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


#: What `_unjson` finds: (the path to it, as Python indexes it; the value or key; whether a key).
_Unjson = tuple[list[Any], Any, bool]


def _unjson(value: Any) -> _Unjson | None:
    """What in ``value`` json's encoder has no JSON for, the first in its order (a dict's key,
    then its value, in turn), and where (`_unjson_said` says it); None if none. Found by type,
    not read from json's message, whose words are its own to change (and name no place)."""
    # (what, whether a dict's key, where: None for the value itself, else its container's
    # where and its index or key), last first. A link to the container, the path built once
    # found: a path copied for each element made a refused save of a list of a million ints
    # take seconds. A list's scalars are not pushed at all, for the same reason.
    todo: list[tuple[Any, bool, Any]] = [(value, False, None)]
    seen: set[int] = set()  # (a list or dict met again: looked into once, if it holds itself)
    while todo:
        item, key, where = todo.pop()
        if item is None or isinstance(item, str | int | float):  # (bool: an int)
            continue
        if key or not isinstance(item, list | tuple | dict):
            return _path(where), item, key
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, dict):
            for pair in reversed(list(item.items())):
                todo += [(pair[1], False, (where, pair[0])), (pair[0], True, where)]
        else:  # (by exact type, the quicker test: a subclass of one, pushed, is skipped popped)
            todo += [
                (item[at], False, (where, at))
                for at, kind in enumerate(map(type, item))
                if kind not in JSON_SCALARS
            ][::-1]
    return None


def _path(where: Any) -> list[Any]:
    """The path `_unjson`'s ``where`` links lead by, as Python indexes it, from the value."""
    path = []
    while where is not None:
        where, step = where
        path.append(step)
    path.reverse()
    return path
