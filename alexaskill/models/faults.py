"""Why a request body did not decode, said in a developer's words where msgspec's mislead."""

from __future__ import annotations

import re
from typing import Final

import msgspec

__all__ = ["what_is_wrong"]

#: The byte order marks a body saved by an editor may start with (RFC 8259 forbids them).
_BYTE_ORDER_MARKS: Final = (
    (b"\xef\xbb\xbf", "UTF-8"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)

#: A JSON escape: ``\\uXXXX`` (its four digits kept) or a backslash and the character after it.
_ESCAPE: Final = re.compile(rb"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)


def what_is_wrong(body: bytes | str, error: BaseException) -> str:
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
