"""DynamoDB's typed attribute values, to and from the JSON values attributes hold."""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from ..store.base import _not_held
from ..store.checked_changes import _encode_checked
from ..store.limits import _KEPT_NUMBERS, _MAX_NESTING, _TOO_DEEP

__all__: list[str] = []


def _to_dynamodb_checked(name: str, value: Any, text: str | None = None) -> dict[str, Any]:
    """``value`` as a DynamoDB attribute value, after the checks of every store
    (`_encode_checked`: JSON, its keys, DynamoDB's numbers and nesting), which leave nothing
    DynamoDB refuses: the refusals, and their words, are the other stores' too. ``text``: its
    JSON, checked so already (`store.checked_changes._Checked`)."""
    if text is None:
        text = _encode_checked(name, value)
    return _to_dynamodb(json.loads(text))  # tuples become lists, as in the other stores


def _to_dynamodb(value: Any) -> dict[str, Any]:
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int | float):
        return {"N": _number(value)}
    if isinstance(value, list):
        return {"L": [_to_dynamodb(item) for item in value]}
    return {"M": {key: _to_dynamodb(item) for key, item in value.items()}}


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
    keeps no more; a stand-in may), of a type or a number no JSON value stands for (a stand-in's,
    or a type DynamoDB adds). (No number is past a double: each past one is whole, an int.)"""
    try:
        return _from_dynamodb(value)
    except _Unheld as exc:
        raise _not_held(name, where, str(exc)) from None


def _from_dynamodb(value: Mapping[str, Any], depth: int = 1) -> Any:
    """A DynamoDB attribute value (as botocore gives it) as the JSON value it stands for, a map
    or list ``depth`` levels deep; `_Unheld` past `_MAX_NESTING`, or of a type not in `_READERS`."""
    (kind, data), *_ = value.items()
    try:
        read = _READERS[kind]
    except KeyError:
        raise _Unheld(f"DynamoDB returned a value of unknown type {kind!r}") from None
    if read is None:
        return data  # a string
    if kind == "M" or kind == "L":
        if depth > _MAX_NESTING:
            raise _Unheld(f"it {_TOO_DEEP}")
        return read(data, depth)
    return read(data)


def _kind(value: Mapping[str, Any]) -> str:
    """The Python type a stored value loads as (`_from_dynamodb`), named from its DynamoDB type
    without decoding it (it may be one no attribute holds, nested past `_MAX_NESTING`), for a
    refused increment's words; the type itself where `_KINDS` lacks it."""
    kind = next(iter(value), "")
    known = _KINDS.get(kind)
    return f"a value of unknown DynamoDB type {kind!r}" if known is None else known


def _decode_number(text: str) -> int | float:
    """A whole number as an int (exact, however large), any other as a float; `_Unheld` for
    text that is no number."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _Unheld(f"DynamoDB returned a number that is not one: {text!r}") from None
    if number == number.to_integral_value():
        # Past Python's digits for an int's text (DynamoDB keeps 126; a stand-in may keep
        # more): made an int it would take minutes at 1E+100000000, and no JSON be written of
        # it. Refused in the words the other stores refuse one in (`limits._past_int_digits`).
        # A limit of 0 is none (`sys.set_int_max_str_digits(0)`), and a zero has no digits to
        # count, whatever its exponent ("0E+5000").
        digits = sys.get_int_max_str_digits()
        if digits and number and number.adjusted() >= digits:
            raise _Unheld(
                f"it holds an integer of more than {digits:,} digits, outside {_KEPT_NUMBERS}"
            )
        return int(number)
    return float(number)


def _base64(data: bytes) -> str:
    """A binary value as the text it loads as: its base64, in ASCII."""
    return base64.b64encode(data).decode("ascii")


#: How each DynamoDB type (its tag in an attribute value) is read as the JSON value it stands
#: for: a map's or list's from its data and depth, any other's from its data; a string's is its
#: data (None: no call, most values being strings). Looked up by subscript at each value
#: `_from_dynamodb` reads, the readers alone: a table of (name, reader) pairs read through
#: `.get`, a tuple's index and a lambda for every value (a string's too) had a load cost a tenth
#: more CPU than the chain of comparisons the table replaced; this, 1 to 4 % more.
_READERS: Final[dict[str, Callable[..., Any] | None]] = {
    "S": None,
    "N": _decode_number,
    "BOOL": bool,
    "NULL": lambda _: None,
    "M": lambda data, depth: {k: _from_dynamodb(v, depth + 1) for k, v in data.items()},
    "L": lambda data, depth: [_from_dynamodb(item, depth + 1) for item in data],
    "SS": list,
    "NS": lambda data: [_decode_number(item) for item in data],
    "B": _base64,
    "BS": lambda data: [_base64(item) for item in data],
}
#: The Python type of the JSON value each DynamoDB type loads as, named as
#: `articles.type_with_article` names a value's ("a str", "None"), for `_kind`. No number's
#: ("N"): `_kind` names a value an increment cannot add to, which a number never is.
_KINDS: Final = {
    "S": "a str",
    "BOOL": "a bool",
    "NULL": "None",
    "M": "a dict",
    "L": "a list",
    "SS": "a list",
    "NS": "a list",
    "B": "a str",
    "BS": "a list",
}
