"""How deep a request body nests: one past `MAX_NESTING` is refused when it is decoded.

msgspec and ``json.loads`` give up at Python's recursion limit counted from the frame that calls
them, so a body nested just under it where the request is decoded (~970 levels) could not be
read a few frames deeper, where a handler reads `Envelope.raw`: RecursionError in the handler's
name. A fixed depth, far above Alexa's requests and far below that limit, answers alike
wherever the body is read.
"""

from __future__ import annotations

import itertools
import re
from typing import Final

from ..exceptions import MalformedRequestError

__all__ = ["MAX_NESTING", "check_nesting"]

#: The deepest a request body's arrays and objects may nest (Alexa's own: about ten levels).
MAX_NESTING: Final = 500

#: A JSON string, escapes and all (possessive: linear, on a body already decoded as JSON).
_STRING: Final = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
#: Every byte but the four brackets, deleted by bytes.translate.
_NOT_BRACKETS: Final = bytes(set(range(256)) - set(b"[]{}"))


def check_nesting(body: bytes | bytearray | str) -> None:
    """Raise `MalformedRequestError` if ``body``, valid JSON, nests past `MAX_NESTING`."""
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else bytes(body)
    # Fewer opening brackets than the limit cannot nest past it: the usual body stops here.
    if data.count(b"[") + data.count(b"{") <= MAX_NESTING:
        return
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    steps = (1 if byte in b"[{" else -1 for byte in brackets)
    deepest = max(itertools.accumulate(steps, initial=0))
    if deepest > MAX_NESTING:
        raise MalformedRequestError(
            f"malformed request: nested {deepest} levels deep, past the {MAX_NESTING} allowed"
        )
