"""The checks a typed directive makes of its fields, each error naming the JSON field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from ..articles import type_with_article
from ..exceptions import ResponseError
from ..responses.as_written import _DataRefused, check_as_written
from ..responses.snapshots import _ENCODE_ERRORS, _Encoded, _encoded, _not_encodable
from ..shown_names import shown_value
from ..web_urls import _url_error

__all__: list[str] = []  # helpers for the directive modules beside this one


def _one_of(field: str, value: object, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ResponseError(f"{field} is {shown_value(value)}; use one of {', '.join(allowed)}")


def _text(field: str, value: object, *, limit: int | None = None) -> str:
    """``value``, a non-empty str within ``limit``, as the text it holds: a str subclass's
    (a str Enum's member its value, never what its ``__str__`` says, "Media.STREAM")."""
    if not isinstance(value, str) or not value:
        raise ResponseError(f"{field} must be a non-empty str, not {shown_value(value)}")
    if limit is not None and len(value) > limit:
        raise ResponseError(f"{field} is {len(value):,} characters; the limit is {limit:,}")
    return str.__str__(value)


def _https(field: str, url: object, *, limit: int | None = None) -> str:
    text = _text(field, url, limit=limit)
    error = _url_error(text)
    if error is not None:
        raise ResponseError(f"{field} must be an HTTPS URL, not {shown_value(text)}: {error}")
    return text


def _mapping(field: str, value: object) -> dict[str, Any]:
    """``value``, a mapping, copied as the JSON it says (as a raw directive is: a change the
    caller makes to its dict afterwards changes no directive, nor undoes the checks made)."""
    if not isinstance(value, Mapping):
        raise _not_a_mapping(field, value)
    written = value if type(value) is dict else dict(value)
    try:
        copied: dict[str, Any] = msgspec.json.decode(_encoded(field, written))
    except _DataRefused:  # (a ValueError: past any reply, said as it is)
        raise
    except _ENCODE_ERRORS as exc:
        raise _not_encodable(field, written, exc) from None
    check_as_written(field, written, copied)
    return copied


def _not_a_mapping(field: str, value: object) -> ResponseError:
    """The refusal of ``value``, no mapping, given for ``field`` (`_mapping`, `_sent_mapping`)."""
    return ResponseError(f"{field} must be a mapping (JSON object), not {type_with_article(value)}")


def _sent_mapping(field: str, value: object) -> _Encoded:
    """``value``, a mapping, as the JSON it sends (`_encoded`: a large APL document is encoded
    once, where a copy then the response's encoding did it three times over)."""
    if isinstance(value, _Encoded):
        return value  # bytes already: nothing can change them
    if not isinstance(value, Mapping):
        raise _not_a_mapping(field, value)
    written = value if type(value) is dict else dict(value)
    try:
        raw = _encoded(field, written, large=True)
    except _DataRefused:  # (a ValueError: past any reply, said as it is)
        raise
    except _ENCODE_ERRORS as exc:
        raise _not_encodable(field, written, exc) from None
    sent = msgspec.json.decode(raw)
    check_as_written(field, written, sent)
    return _Encoded(raw, sent)
