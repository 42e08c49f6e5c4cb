"""A value encoded once, as the reply will send it: within a reply's bytes (`_encode_within`),
held as those bytes (`_Encoded`, read as a mapping) so that a later change to what the skill
gave changes nothing already checked."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

import msgspec

from ..exceptions import ResponseError
from .as_written import MAX_RESPONSE_BYTES, _DataRefused, unencodable, written_out_past_any_reply


class _Encoded(Mapping[str, Any]):
    """A JSON object held as the bytes it encodes to (``raw``, a `msgspec.Raw` the response's
    encoder copies as it is), read as a mapping: decoded on the first read of a member."""

    __slots__ = ("_data", "raw")

    def __init__(self, raw: msgspec.Raw, data: dict[str, Any] | None = None) -> None:
        self.raw = raw
        self._data = data

    def _json(self) -> dict[str, Any]:
        data = self._data
        if data is None:
            data = self._data = msgspec.json.decode(self.raw)
        return data

    def __getitem__(self, key: str) -> Any:
        return self._json()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._json())

    def __len__(self) -> int:
        return len(self._json())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Encoded) and self.raw == other.raw:
            return True
        return self._json() == other if isinstance(other, Mapping) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # as a dict's

    def __repr__(self) -> str:
        return repr(self._json())


class _EncodedDirective(_Encoded):
    """A raw directive checked and encoded; its ``type`` is read without decoding the rest."""

    __slots__ = ("type",)

    def __init__(self, raw: msgspec.Raw, type_: str, data: dict[str, Any] | None) -> None:
        self.raw = raw  # (as _Encoded: set here, one call fewer a directive)
        self._data = data
        self.type: Final = type_

    def __getitem__(self, key: str) -> Any:
        if key == "type":
            return self.type
        return self._json()[key]


def _enc_hook(obj: object) -> object:
    # Called only for types msgspec does not know: a snapshot (its bytes, copied as they are),
    # str subclasses such as Ssml in raw directives.
    kind = type(obj)
    if kind is _EncodedDirective or kind is _Encoded:  # (isinstance of a Mapping: slower)
        return obj.raw  # type: ignore[attr-defined]
    if isinstance(obj, str):
        return str.__str__(obj)  # its text, never what its __str__ says
    raise TypeError(f"{type(obj).__name__} is not JSON-encodable")


_encoder: Final = msgspec.json.Encoder(enc_hook=_enc_hook)
_encode: Final = _encoder.encode
_ENCODE_ERRORS: Final = (TypeError, ValueError, OverflowError, RecursionError)


#: The buffers `_encode_within` writes into, one after the other: a small one first (most
#: directives fit it; a buffer of a reply's bytes, zeroed, costs more than the encoding of a
#: small directive), then one of a reply's bytes and one more, to tell it is past them; a
#: ``large`` value (an APL document, most are over 4 KB) only the second (its first 4 KB
#: encoded for nothing cost a 28 KB document ~20% more; zeroing the buffer ~4%).
_BUFFERS: Final = (4096, MAX_RESPONSE_BYTES + 1)


def _encode_within(field: str, value: Any, *, large: bool = False) -> bytes:
    """``value`` encoded (`_encode`); `_DataRefused` (a data fault: one ERROR line, the
    apology) if JSON writes it out past any reply for holding a list or dict in several
    places (`written_out_past_any_reply`: the encoder would work at it for ever).

    No walk of its own: the encoding is bounded, writing into a buffer of a reply's bytes that
    a view held on it keeps from growing (the encoder's BufferError past them). Only an
    encoding past them (no reply carries it: already suspicious) is walked, then encoded in
    full if it holds no container in several places (merely large: the reply's size refusal
    names it, as before)."""
    for size in _BUFFERS[1:] if large else _BUFFERS:
        buffer = bytearray(size)
        with memoryview(buffer):  # (held: the buffer cannot grow)
            try:
                _encoder.encode_into(value, buffer)
            except BufferError:
                continue
            return bytes(buffer)
    why = written_out_past_any_reply(field, value)
    if why is not None:
        raise _DataRefused(why)
    return _encode(value)


def _encoded(field: str, value: Mapping[str, Any], *, large: bool = False) -> msgspec.Raw:
    """``value`` encoded as the response will send it (`TypeError`, … when it cannot be;
    `_DataRefused` past any reply, `_encode_within`); ``field`` names it in a refusal.

    This is the copy that keeps a response as it was checked: a change the caller makes to its
    dict afterwards (a template reused for the next user's token, a URL made http) changes no
    bytes already made. It costs the encoding alone, done once: the response's encoder copies
    the bytes. Measured (speak + encode_response, best of 8 interleaved runs): with a 24 KB APL
    document ~1.05x no copy at all (a `msgspec.to_builtins` copy, encoded again: ~2.8x).
    `_snapshot` then decodes the bytes to compare them with what was written (`check_as_written`):
    on a loaded machine, a 27 KB APL document's response took ~145 µs where it took ~37 µs."""
    written = value if type(value) is dict else dict(value)
    return msgspec.Raw(_encode_within(field, written, large=large))


def _not_encodable(field: str, written: Mapping[str, Any], exc: Exception) -> ResponseError:
    """`ResponseError`: ``field`` (``written``) does not encode; where, if it can be found."""
    where = unencodable(written if type(written) is dict else dict(written), _encode)
    return ResponseError(f"{field} is not JSON-encodable: {exc if where is None else where}")
