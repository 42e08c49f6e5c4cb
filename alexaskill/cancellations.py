"""A request's task cancelled from outside (a server's shutdown, a caller's timeout), as
`alexaskill.endpoint` and `alexaskill.handling` both see it: which exceptions are such a
cancellation, which go on up out of a request's answering without a request line, and the answer
made in its place (`AnsweredCancellation`), which the endpoint sends."""

from __future__ import annotations

from typing import Any, Final

from .error_bodies import error_body
from .exceptions import remade_from_parts
from .own_cancellation import is_cancellation, is_trio_cancellation

__all__: list[str] = []  # for the endpoint and `Handling`, not the public API

#: The answer to a request whose task was cancelled from outside before its signature was
#: checked (its chain downloading, uvicorn past ``--timeout-graceful-shutdown``): not verified,
#: so never handled nor apologised to, but a short 503 sent as a handler's cancellation is
#: (`AnsweredCancellation`), not the server's HTTP 500 and traceback. Its WARNING
#: (`CANCELLED_WARNING`) is said once a while (`Repeats`): such requests may be forged ones,
#: any number of them. (The skill's ASGI app in AWS Lambda says its own:
#: `alexaskill.handling.Handling._cancelled_unverified`.)
CANCELLED_UNVERIFIED: Final = error_body(
    "request cancelled before its signature was checked (the server shutting down?)"
)
CANCELLED_WARNING: Final = (
    "a request was cancelled before its signature was checked (the server shutting down, past "
    "its --timeout-graceful-shutdown?): answered HTTP 503"
)


class AnsweredCancellation(BaseException):
    """`Handling._handle`'s task was cancelled from outside (uvicorn's shutdown past its
    ``--timeout-graceful-shutdown``): the answer it made instead, for the endpoint to send
    before the cancellation goes on, unless the server's stop signal was seen (its request line
    written; `alexaskill.endpoint._send_answered`)."""

    def __init__(self, status: int, body: bytes, cancellation: BaseException) -> None:
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.cancellation = cancellation  # asyncio's CancelledError, as it came (its message)

    def __reduce__(self) -> tuple[Any, ...]:
        return remade_from_parts(self, self.status, self.body, self.cancellation)


def unlogged(exc: BaseException) -> bool:
    """Whether ``exc``, out of a request's answering, goes on up without an internal_error line:
    `AnsweredCancellation` (its line written), a cancellation (asyncio's or trio's: a shutdown,
    a caller's timeout, whose line, if any, is written where it is answered) and GeneratorExit (a
    coroutine closed unfinished): none of them alexaskill's failure."""
    return (
        isinstance(exc, AnsweredCancellation | GeneratorExit)
        or is_cancellation(exc)
        or is_trio_cancellation(exc)
    )
