"""`FinishedCancellation`: a request's cancellation from outside that a service's finish caught,
raised again once every service is finished, with the reply it made; `SaidCancellation`, one
raised again without a reply (loaded only then: they need asyncio, which an AWS Lambda skill
whose handlers are all ``def`` never loads)."""

from __future__ import annotations

import asyncio
from typing import Any

from .apologising import Answer
from .exceptions import remade_from_parts

__all__: list[str] = []  # alexaskill's own, not the public API


class FinishedCancellation(asyncio.CancelledError):
    """The cancellation of a request whose services were finished (its attributes saved, a
    skill's service closed) though one finish caught its ``CancelledError``: ``answer``, the
    reply made, is true, so `Handling._handle` sends it (an apology would have the user retry
    what was done), then the task ends cancelled as asyncio's caller expects."""

    def __init__(self, answer: Answer) -> None:
        super().__init__()
        self.answer = answer

    def __reduce__(self) -> tuple[Any, ...]:
        return remade_from_parts(self, self.answer)


class SaidCancellation(asyncio.CancelledError):
    """The cancellation of a request raised again by `alexaskill.handler_bugs.swallowed`, once
    it said (at ERROR) the code that caught it: answered as a cancelled request, the deadline's
    apology (`DeadlineAnswering._answer_cancelled`), by the web endpoint as any cancellation,
    and by the AWS Lambda handler, which takes any other ``CancelledError`` for a handler's bug
    (nothing cancels an invocation from outside there). ``caught``: the one the code caught,
    if still at hand (`alexaskill.handler_bugs.caught_cancellation`), whose text it carries:
    the endpoint ends the server's shutdown's there, as one not caught (`shutdown_cancels`)."""

    def __init__(self, caught: BaseException | None = None) -> None:
        super().__init__(*(() if caught is None else caught.args))
        self.caught = caught

    def __reduce__(self) -> tuple[Any, ...]:
        return remade_from_parts(self, self.caught)
