"""Why a request body did not decode, said in a developer's words where msgspec's mislead; and
what is taken as a body's bytes (`unfit_body`), by `decode_envelope` and the `Verifier` alike."""

from __future__ import annotations

import re
from typing import Final

import msgspec

from ..articles import type_with_article
from ..shown_names import shown_value

__all__ = ["copied_body", "unfit_body", "what_is_wrong"]

#: The byte order marks a body saved by an editor may start with (RFC 8259 forbids them).
_BYTE_ORDER_MARKS: Final = (
    (b"\xef\xbb\xbf", "UTF-8"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)

#: A JSON escape: ``\\uXXXX`` (its four digits kept) or a backslash and the character after it.
_ESCAPE: Final = re.compile(rb"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)


def what_is_wrong(body: bytes | bytearray | memoryview | str, error: BaseException) -> str:
    """The reason a body did not decode, in a developer's words where msgspec's mislead: it says
    "Input data was truncated" of an empty body, and of a lone surrogate escape (``\\ud800``,
    half of a UTF-16 pair: no character) near a string's end."""
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else bytes(body)
    if not data.strip():
        return "empty body"
    for mark, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return (
                f"a {encoding} byte order mark before the JSON: "
                "a request body is UTF-8 JSON without one"
            )
    if isinstance(error, msgspec.DecodeError) and not isinstance(error, msgspec.ValidationError):
        lone = _lone_surrogate(data)
        if lone is not None:
            at, escape = lone
            return f"lone UTF-16 surrogate {escape.decode()} at byte {at}: not a character"
    return str(error)


def _lone_surrogate(data: bytes) -> tuple[int, bytes] | None:
    """The offset and text of the first ``\\uXXXX`` escape in ``data`` that is half of a UTF-16
    pair without its other half, or None."""
    high: re.Match[bytes] | None = None  # a high half, waiting for its low half
    for match in _ESCAPE.finditer(data):
        digits = match[1]
        unit = -1 if digits is None else int(digits, 16)
        if high is not None:
            if 0xDC00 <= unit <= 0xDFFF and match.start() == high.end():
                high = None
                continue
            break
        if 0xD800 <= unit <= 0xDBFF:
            high = match
        elif 0xDC00 <= unit <= 0xDFFF:
            return match.start(), match[0]
    return None if high is None else (high.start(), high[0])


#: A memoryview's formats of 1-byte items: unsigned, signed, char.
_BYTE_FORMATS: Final = frozenset(("B", "b", "c"))


def unfit_body(body: object) -> str | None:
    """None if ``body`` is a request's bytes: bytes, a bytearray, or a C-contiguous memoryview
    of 1-byte items; else what it is, said after "not" in a TypeError.

    hashlib and cryptography read a view's buffer, not the bytes it shows: a strided view
    (``memoryview(b)[::2]``) was hashlib's bare BufferError, and at cryptography 45.0.1 its
    SHA-1 check read the bytes under the view's start, where decode_envelope read those it
    shows; a view of wider items was hashed by one and refused by the other. The verifier's
    routes and `decode_envelope` refuse them alike (the verifier before any download).
    """
    if isinstance(body, bytes | bytearray):
        return None
    if not isinstance(body, memoryview):
        return type_with_article(body)
    try:
        # A byte order ('<B', a ctypes array's; '@B') is none to 1-byte items: read past it.
        if body.format.lstrip("@=<>!") not in _BYTE_FORMATS:
            # (cut past 120 characters: a ctypes Structure's format names its every field)
            return f"a memoryview of format {shown_value(body.format)} ({body.itemsize}-byte items)"
        if not body.c_contiguous:
            return "a memoryview that is not C-contiguous (a slice with a step)"
    except ValueError:  # every attribute of a released view raises it
        return "a released memoryview"
    return None


def copied_body(body: bytes | bytearray | memoryview) -> bytes:
    """A body `unfit_body` takes, as bytes: bytes as given; a bytearray, memoryview or a
    subclass of bytes copied from its buffer (what hashlib and msgspec read), none of its own
    methods asked (a subclass's ``isascii`` or ``decode``, a ``__bytes__`` that ``bytes()``
    calls)."""
    if type(body) is bytes:
        return body
    return (body if isinstance(body, memoryview) else memoryview(body)).tobytes()
