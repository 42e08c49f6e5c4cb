"""The skill's ASGI app run in AWS Lambda: what each request's host tells of its invocation.

A web server run in Lambda is not invoked through `alexaskill.aws_lambda.handler`; its host
passes each request what it knows of the invocation, by host:

- an ASGI adapter run by the Lambda runtime (Mangum): the invocation's Lambda context in the
  scope, ``scope["aws.context"]``: its ``aws_request_id`` and ``get_remaining_time_in_millis()``;
- the Lambda Web Adapter (an extension that hands each invocation to a web server): the
  ``x-amzn-lambda-context`` header, the invocation's context in JSON: its ``request_id``, and
  its ``deadline``, when Lambda ends the invocation (a Unix time in milliseconds);
- a Lambda web function: the ``lambda-web-request-id`` header (an id only; Lambda removes any
  ``lambda-web-*`` header a client sent).

`note_request` notes the id for the lines written while the request is answered
(`alexaskill.log_lambda.aws_request_id`), and returns the invocation's remaining time, which
shortens the skill's deadline (`alexaskill.handling`) as it does on AWS Lambda's own handler.

Called only on Lambda (`alexaskill.log_lambda.on_lambda`): anywhere else a client could write
these headers. Even there one of the two headers may be a caller's, whichever the host: the
Lambda Web Adapter writes ``x-amzn-lambda-context`` over any a client sent, but passes a
client's ``lambda-web-request-id`` on to the app; on a Lambda web function, the other way round,
a client's ``x-amzn-lambda-context`` reaches the app, and nothing in the request says which host
this is. So from a header:

- only an id's shape is taken (up to 64 letters, digits and ``-``; a Lambda request id is a
  UUID), so that no caller's text is written in the log's id column;
- only a deadline an invocation can have is taken: still ahead, and no further than Lambda's
  longest timeout (15 minutes). It can only shorten the skill's deadline, never lengthen it;
  a forged one can at most cut short the answer to the request that carries it, its sender's
  own (an Alexa request is signed, and carries no such header).

A header it cannot read, or that names no such id or deadline, names none: never an error.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from typing import Any, Final

import msgspec

from .deadline import remaining_time
from .log_lambda import _request_invocation

__all__ = ["note_request"]

#: The longest invocation id taken from a header (Lambda's are UUIDs, 36 characters).
_HEADER_ID_LIMIT: Final = 64
#: Lambda's longest function timeout (seconds): an invocation never has more time left.
_LONGEST_INVOCATION: Final = 900.0


class _AdapterContext(msgspec.Struct):
    """The part of the Lambda Web Adapter's ``x-amzn-lambda-context`` read here (the Lambda
    context of the Rust runtime it is built on, serialized: other keys are skipped)."""

    # Either may be of another type (a caller's header): then that one is not taken, the other
    # still is.
    request_id: Any = None
    #: When Lambda ends the invocation: a Unix time in milliseconds.
    deadline: Any = None


_ADAPTER_CONTEXT: Final = msgspec.json.Decoder(_AdapterContext)


def note_request(scope: Mapping[str, Any]) -> float | None:
    """Note the invocation id of the HTTP request ``scope`` (an ASGI scope) is, for the lines
    written while it is answered; return the seconds its invocation has left, or None if the
    host does not tell (or tells nothing this module takes: see its docstring)."""
    context = scope.get("aws.context")
    if context is not None:
        found = getattr(context, "aws_request_id", None)
        if isinstance(found, str) and found:
            _request_invocation.set(found)
        return remaining_time(context)
    headers: Iterable[tuple[bytes, bytes]] = scope.get("headers") or ()
    web = adapter = b""
    for name, value in headers:
        if name == b"lambda-web-request-id":
            web = value
        elif name == b"x-amzn-lambda-context":
            adapter = value
    request_id = ""
    remaining = None
    # The adapter's header first: behind the Lambda Web Adapter a client's lambda-web-request-id
    # reaches the app, never a client's x-amzn-lambda-context.
    if adapter:
        try:
            read = _ADAPTER_CONTEXT.decode(adapter)
        except Exception:  # not JSON, not an object, a field of another type, nested too deep
            read = None
        if read is not None:
            if isinstance(read.request_id, str):
                request_id = _header_request_id(read.request_id)
            remaining = _remaining_until(read.deadline)
    if not request_id and web:
        request_id = _header_request_id(web.decode("latin-1"))
    if request_id:
        _request_invocation.set(request_id)
    return remaining


def _remaining_until(deadline_ms: object) -> float | None:
    """Seconds from now to ``deadline_ms`` (a Unix time in milliseconds), if it is a number and
    an invocation can have that much left (more than none, at most Lambda's longest timeout);
    else None."""
    if isinstance(deadline_ms, bool) or not isinstance(deadline_ms, int | float):
        return None
    if not math.isfinite(deadline_ms) or not 0 < deadline_ms < 1e15:  # (an int of any size)
        return None
    remaining = deadline_ms / 1000 - time.time()
    return remaining if 0 < remaining <= _LONGEST_INVOCATION else None


def _header_request_id(value: str) -> str:
    """``value``, an invocation id read from a header, if it has the shape of one (letters,
    digits and ``-``, as a UUID, at most `_HEADER_ID_LIMIT` characters); else ""."""
    if 0 < len(value) <= _HEADER_ID_LIMIT and value.isascii() and value.replace("-", "").isalnum():
        return value
    return ""
