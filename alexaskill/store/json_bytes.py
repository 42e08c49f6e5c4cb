"""JSON as UTF-8 bytes (Redis's values), read by msgspec wherever it reads as json.loads does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

#: What `_read` returns for bytes it leaves to json.loads (`base._decode`), which reads them or
#: refuses them in its own words.
UNREAD: Final = object()

#: A value with fewer ``[`` and ``{`` than this is nested less deep, far within json.loads'
#: reach (the stack's depth: about 990 levels at the top of a default stack). Nested near it,
#: json.loads stops (RecursionError) a few levels before msgspec, which calls no Python
#: function on its way down: such a value goes to json, to be refused as it was.
_FEW_CONTAINERS: Final = 200

#: ``msgspec.json.Decoder().decode`` and msgspec's error, made at the first bytes read: only a
#: Redis store reads any, and a script of a store alone may never import msgspec.
_decode: Callable[[bytes], Any] | None = None
_refused: tuple[type[BaseException], ...] = ()


def _read(text: bytes) -> Any:
    """``text`` decoded by msgspec, straight from the bytes (no str made first, no decoder made
    per value as json.loads with ``parse_constant`` makes one), or `UNREAD`.

    What msgspec reads it reads as json.loads: the same values, of the same types (integers of
    any size, floats to the last bit, the last of a key given twice). Everything it refuses is
    handed back, json.loads reading it or refusing it as before: NaN and the infinities (which
    `base._decode` refuses), a BOM and UTF-16 or UTF-32 (which json.loads reads), a number past
    a double (json: an infinity), a surrogate escaped or encoded alone (json: a str holding it,
    which `base._decode` refuses), bytes not UTF-8, a control character in a string, text that
    is no JSON (tests/test_store_foreign_values.py compares them, value or words, with
    json.loads').
    """
    global _decode, _refused
    if text.count(b"[") + text.count(b"{") >= _FEW_CONTAINERS:
        return UNREAD
    if _decode is None:
        import msgspec

        # (UnicodeDecodeError: msgspec 0.21 and 0.22 raise it for bytes not UTF-8, a surrogate
        # encoded alone too, where later ones raise DecodeError)
        _decode = msgspec.json.Decoder().decode
        _refused = (msgspec.DecodeError, UnicodeDecodeError, RecursionError)
    try:
        return _decode(text)
    except _refused:
        return UNREAD
