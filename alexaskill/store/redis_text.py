"""What `RedisStore` reads from Redis as text: a name or value as its client answered it, bytes
(its own client) or text (a client given, decode_responses=True), the latter as the bytes it
stands for where it holds half a surrogate pair."""

from __future__ import annotations

import contextlib
from typing import Any, Protocol


class _Reading(Protocol):
    """The store whose client answered (`RedisStore`): its client's connection options."""

    def _options(self) -> dict[str, Any]: ...


def _text(name: bytes | str, store: _Reading) -> str:
    # Bytes from a client made by the store; str from one made with decode_responses=True.
    read = name if isinstance(name, bytes) else _as_read(name, store)
    return read if isinstance(read, str) else read.decode()  # (UnicodeDecodeError: `load`'s)


def _as_read(text: str, store: _Reading) -> str | bytes:
    """``text``, a name or value ``store``'s client given decoded (decode_responses=True), or
    the bytes it stands for if it holds half a surrogate pair: a client decoding with
    ``encoding_errors="surrogateescape"`` (or ``"surrogatepass"``) reads so bytes that are not
    UTF-8, which the load then refuses as it does through its own client (reading bytes): one
    rule in every store (`data_faults._held`). ``text`` itself, encoded only if not ASCII.
    (UTF-8: a client of another ``encoding`` is refused when the store is made,
    `redis_client._check_encoding`.)"""
    if text.isascii():
        return text
    try:
        text.encode()
    except UnicodeEncodeError:
        # The client's handler says which bytes were stored: U+DC80 to U+DCFF stand for one
        # escaped byte under "surrogateescape" (U+DCFF for b"\xff") but for their own three
        # under "surrogatepass" (b"\xed\xb3\xbf"), which "surrogateescape" would misquote.
        if store._options().get("encoding_errors") != "surrogatepass":
            with contextlib.suppress(UnicodeEncodeError):  # (a surrogate no byte was escaped as)
                return text.encode("utf-8", "surrogateescape")
        return text.encode("utf-8", "surrogatepass")
    return text
