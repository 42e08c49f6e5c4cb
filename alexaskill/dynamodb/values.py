"""DynamoDB's typed attribute values, to and from the JSON values attributes hold."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ..exceptions import StoreError
from ..store.base import _encode_checked, _not_held
from ..store.limits import _MAX_NESTING, _TOO_DEEP

__all__: list[str] = []


def _to_dynamodb_checked(name: str, value: Any, text: str | None = None) -> dict[str, Any]:
    """``value`` as a DynamoDB attribute value, after the checks of every store
    (`_encode_checked`: JSON, its keys, DynamoDB's numbers and nesting), which leave nothing
    DynamoDB refuses: the refusals, and their words, are the other stores' too. ``text``: its
    JSON, checked so already (`store.base._Checked`). The value is typed as it is held now, not
    decoded from ``text``: one changed since its check (by a task a handler left running, while
    another kind of attributes is saved first) is written as it is, unchecked."""
    if text is None:
        _encode_checked(name, value)
    return _to_dynamodb(value)


def _to_dynamodb(value: Any) -> dict[str, Any]:
    """``value``, checked (`_to_dynamodb_checked`), typed as its JSON would read back, without
    decoding it: a tuple as a list, as in the other stores (tests/test_dynamodb_values.py keeps
    the old way, the JSON decoded again and walked, as the oracle)."""
    kind = type(value)
    if kind is str:
        return {"S": value}
    if kind is int or kind is float:
        return {"N": _number(value)}
    if kind is dict:
        return {
            "M": {
                key if type(key) is str else str.__str__(key): _to_dynamodb(item)
                for key, item in value.items()
            }
        }
    if kind is list or kind is tuple:
        return {"L": [_to_dynamodb(item) for item in value]}
    if kind is bool:
        return {"BOOL": value}
    if value is None:
        return {"NULL": True}
    return _to_dynamodb(_as_json_reads(value))


def _as_json_reads(value: Any) -> Any:
    """A subclass's value (checked: one JSON writes) as its JSON reads back, as json's encoder
    writes it: a str's, int's or float's own value (not its ``__str__`` or ``__repr__``: an
    IntEnum's int), a list's or tuple's items as it iterates, a dict's as its ``items()`` (none
    if it holds none: json looks no further)."""
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(int.__repr__(value))
    if isinstance(value, float):
        return float(float.__repr__(value))
    if isinstance(value, list | tuple):
        return list(value)
    return dict(value.items()) if dict.__len__(value) else {}


def _number(value: int | float) -> str:
    """The text DynamoDB takes for a number within its limits (`store.limits._number_refused`
    let it through): as JSON writes it, but a whole number of more than 38 digits in exponent
    form, its trailing zeros the exponent's (``1E+38``: 38 digits at most, for any reader)."""
    if not value:
        return "0"  # -0.0 too
    text = repr(value)  # a plain int or float (from JSON, or an increment): JSON's text
    if len(text) - (value < 0) <= 38:  # every float's (17 digits at most, or an exponent)
        return text
    sign, digits, exponent = Decimal(text).as_tuple()
    assert isinstance(exponent, int)  # (a whole number: no NaN, no infinity)
    significant = list(digits)
    while significant[-1] == 0:
        significant.pop()
        exponent += 1
    return str(Decimal((sign, tuple(significant), exponent)))


class _Unheld(Exception):
    """A stored value no attribute holds (`_from_stored`), why."""


def _from_stored(name: str, value: Mapping[str, Any], where: str) -> Any:
    """The stored value of attribute ``name`` (`_from_dynamodb`); `StoreError` naming it, in
    the other stores' words, if no attribute holds it: nested past `_MAX_NESTING` (DynamoDB
    keeps no more; a stand-in may). (No number is past a double: each past one is whole, an int.)"""
    try:
        return _from_dynamodb(value)
    except _Unheld as exc:
        raise _not_held(name, where, str(exc)) from None


def _from_dynamodb(value: Mapping[str, Any], depth: int = 1) -> Any:
    """A DynamoDB attribute value (as botocore gives it) as the JSON value it stands for, a map
    or list ``depth`` levels deep; `_Unheld` past `_MAX_NESTING`."""
    (kind, data), *_ = value.items()
    if depth > _MAX_NESTING and (kind == "M" or kind == "L"):
        raise _Unheld(f"it {_TOO_DEEP}")
    if kind == "S":
        return data
    if kind == "N":
        return _decode_number(data)
    if kind == "BOOL":
        return bool(data)
    if kind == "NULL":
        return None
    if kind == "M":
        return {key: _from_dynamodb(item, depth + 1) for key, item in data.items()}
    if kind == "L":
        return [_from_dynamodb(item, depth + 1) for item in data]
    if kind == "SS":
        return list(data)
    if kind == "NS":
        return [_decode_number(item) for item in data]
    if kind == "B":
        return base64.b64encode(data).decode("ascii")
    if kind == "BS":
        return [base64.b64encode(item).decode("ascii") for item in data]
    raise StoreError(f"DynamoDB returned a value of unknown type {kind!r}")


def _decode_number(text: str) -> int | float:
    """A whole number as an int (exact, however large), any other as a float."""
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise StoreError(f"DynamoDB returned a number that is not one: {text!r}") from exc
    if number == number.to_integral_value():
        return int(number)
    return float(number)
