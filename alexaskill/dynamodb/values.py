"""DynamoDB's typed attribute values, to and from the JSON values attributes hold."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ..exceptions import ResponseError, StoreError
from ..store.base import _MAX_NESTING, _encode_checked

__all__: list[str] = []


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _to_dynamodb_checked(name: str, value: Any) -> dict[str, Any]:
    """``value`` as a DynamoDB attribute value, after the same JSON check as every store."""
    plain = json.loads(_encode_checked(name, value))  # tuples become lists, as in the other stores
    try:
        return _to_dynamodb(plain, 0)
    except ValueError as exc:
        raise ResponseError(f"attribute {name!r} cannot be saved in DynamoDB: {exc}") from exc


def _to_dynamodb(value: Any, depth: int) -> dict[str, Any]:
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int | float):
        return {"N": _number(value)}
    if depth >= _MAX_NESTING:
        raise ValueError(f"it nests deeper than DynamoDB allows ({_MAX_NESTING} levels)")
    if isinstance(value, list):
        return {"L": [_to_dynamodb(item, depth + 1) for item in value]}
    if "" in value:  # DynamoDB refuses an empty name at any depth ("Empty attribute name")
        raise ValueError("a dict in it has the key '' (empty), and DynamoDB keeps no empty names")
    return {"M": {key: _to_dynamodb(item, depth + 1) for key, item in value.items()}}


def _number(value: int | float) -> str:
    """The text DynamoDB takes for a number, or ValueError if it is out of DynamoDB's range."""
    text = json.dumps(value)
    number = Decimal(text)
    if number.is_zero():
        return "0"
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # not NaN or infinity: _encode refused those
    significant = list(digits)
    while significant[-1] == 0:
        significant.pop()
        exponent += 1
    if len(significant) > 38 or not -130 <= number.adjusted() <= 125:
        shown = text if len(text) <= 40 else f"{text[:12]}…({len(text)} characters)"
        raise ValueError(
            f"{shown} is outside DynamoDB's numbers "
            "(38 significant digits, magnitude from 1E-130 to under 1E+126)"
        )
    if len(digits) > 38:  # a whole number ending in zeros: its 38 digits at most (exponent form)
        return str(Decimal((sign, tuple(significant), exponent)))
    return text


def _from_dynamodb(value: Mapping[str, Any]) -> Any:
    """A DynamoDB attribute value (as botocore gives it) as the JSON value it stands for."""
    (kind, data), *_ = value.items()
    if kind == "S":
        return data
    if kind == "N":
        return _decode_number(data)
    if kind == "BOOL":
        return bool(data)
    if kind == "NULL":
        return None
    if kind == "M":
        return {key: _from_dynamodb(item) for key, item in data.items()}
    if kind == "L":
        return [_from_dynamodb(item) for item in data]
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
