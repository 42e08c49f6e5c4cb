"""`Handling`: a POST to the skill's endpoint answered, from its body (its headers read by
`alexaskill.endpoint`) to the status and body of the answer: verified, or decoded, the skill id
checked, a refusal warned of, the request captured and logged, the handler run under the deadline.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from .cancellations import (
    CANCELLED_UNVERIFIED,
    CANCELLED_WARNING,
    AnsweredCancellation,
    unlogged,
)
from .deadline import lambda_deadline
from .error_bodies import error_body
from .exceptions import RequestError
from .handler_bugs import LAMBDA_WEB_CANCELLER, server_shutdown
from .lambda_web import note_request
from .logs import INTERNAL_ERROR, log_request, refusal
from .models import Envelope, decode_envelope
from .own_cancellation import cancelled_here, is_cancellation
from .refusal_warnings import warn_refused
from .skill_closing import Closing

if TYPE_CHECKING:
    from starlette.types import Scope

    from .capture import RequestCapture
    from .log_repeats import Repeats
    from .verify import Verifier

__all__ = ["Handling"]

logger = logging.getLogger("alexaskill")

#: Why a request was cancelled, in the WARNING of one answered as such, where the skill's ASGI
#: app runs in AWS Lambda (`alexaskill.lambda_web`), in `swallowed`'s words.
_IN_LAMBDA: Final = f"by {LAMBDA_WEB_CANCELLER}"
#: There, or once the server got its stop signal, a request cancelled before its signature was
#: checked: its 503's reason, with no guess (`alexaskill.cancellations`' words elsewhere).
_UNVERIFIED: Final = error_body("request cancelled before its signature was checked")


class Handling(Closing):
    """A `Skill`'s answer to each POST its endpoint has read (`Serving` adds the ASGI app)."""

    # Set by `Skill.__init__` (documented there).
    verify: bool
    verifier: Verifier | None
    deadline: float | None
    capture: RequestCapture | None
    #: When the warning of each kind of refusal was said (`_warn_refused`).
    _refusals_said: Repeats
    #: Requests inside `_handle` (in this worker, on any event loop).
    _in_flight: int = 0
    #: Whether this process is a Lambda function's (`on_lambda`), checked when the app is built:
    #: each request then notes its invocation's id for the log, and its time left
    #: (`alexaskill.lambda_web.note_request`).
    _on_lambda: bool = False
    #: Seconds of a Lambda invocation's remaining time kept back for the skill's exception
    #: handler of `DeadlineExceeded` (`deadline_grace`): settled when the app is built, the
    #: handlers frozen, not looked up again at each request.
    _lambda_grace: float = 0.0
    #: Whether a POST to the skill's path, its headers and body accepted, reached `_handle`
    #: on Lambda through an ASGI adapter the Lambda runtime runs (Mangum: the invocation's
    #: Lambda context in the scope), whose lifespan runs around each invocation: its shutdown
    #: then leaves the stores and its HTTP client open (`Building._lifespan`). Another request (a
    #: GET, another path, a POST refused for its headers or body) sets nothing: the shutdowns
    #: after it close them. Not a server's in Lambda (the Lambda Web Adapter's uvicorn), whose
    #: one shutdown is the instance's end.
    _behind_runtime_adapter: bool = False

    async def _handle(
        self, scope: Scope, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, bytes]:
        """The status and body of the answer to a POST of ``body``, its headers read already
        (`_Endpoint`, through ASGI or not)."""
        self._in_flight += 1  # the request line waits for others in flight (logs._Handler)
        verify_ms: float | None = None
        envelope: Envelope | None = None
        try:
            remaining = None
            if self._on_lambda:
                # A web server run in Lambda: the invocation's id, for the log, and its time left
                # (from Mangum's Lambda context, the Lambda Web Adapter's header), which shortens
                # the deadline as on AWS Lambda's own handler.
                remaining = note_request(scope)
                if "aws.context" in scope and not self._behind_runtime_adapter:
                    self._noted_behind_adapter()  # (the first such request's: once)
            started = time.perf_counter()
            # Captured once the checks have judged it: only an accepted request may take a
            # place among the captures kept for Alexa's (`alexaskill.capture`).
            refused: str | None = "its checks did not finish"  # (an error, a cancellation)
            try:
                if self.verify is not False:  # only False turns it off (Skill.__init__)
                    verifier = self.verifier
                    if verifier is None:  # reset after the app was built: never skip the check
                        from .verify import Verifier

                        verifier = self.verifier = Verifier()
                    try:
                        envelope = await verifier.verify_envelope(headers, body)
                    except BaseException as exc:
                        if not cancelled_here(exc):
                            raise
                        verify_ms = (time.perf_counter() - started) * 1000
                        warning, reason = self._cancelled_unverified(exc)
                        self._refusals_said.warn(logger, warning)
                        log_request(None, outcome="cancelled", status=503, verify_ms=verify_ms)
                        raise AnsweredCancellation(503, reason, exc) from None
                    finally:
                        verify_ms = (time.perf_counter() - started) * 1000
                else:
                    envelope = decode_envelope(body)
                self.check_skill_id(envelope)
                refused = None
            except RequestError as exc:
                refused = str(exc)
                self._warn_refused(exc)
                log_request(
                    envelope,
                    outcome=refusal(exc),
                    status=400,
                    verify_ms=verify_ms,
                    deferrable=self._in_flight > 1,
                )
                return 400, error_body(str(exc))
            finally:
                if self.capture is not None:
                    self.capture.write(scope["path"], scope["headers"], body, refused=refused)
            decoded = time.perf_counter()
            deadline = self.deadline
            cancelled: BaseException | None = None
            try:
                if deadline is None:
                    answer = await self.respond(envelope)
                else:
                    latest = None
                    if remaining is not None:  # Lambda would end the function, answered or not
                        grace = self._lambda_grace
                        deadline, latest = lambda_deadline(started, deadline, remaining, grace)
                    answer = await self._respond_by(
                        envelope, body, started + deadline, deadline, latest=latest
                    )
            except BaseException as exc:
                if not is_cancellation(exc):
                    raise
                # Cancelled from outside (uvicorn past its --timeout-graceful-shutdown): the
                # server would answer HTTP 500, with a traceback. The deadline's apology instead,
                # sent by the endpoint before the cancellation goes on (`AnsweredCancellation`);
                # or the reply made, if a service's finish caught it (its services finished).
                from .finished_cancellation import FinishedCancellation, SaidCancellation

                if isinstance(exc, FinishedCancellation):
                    answer = exc.answer
                else:
                    # One code caught (said by `swallowed`) is told as its ERROR: by the one
                    # caught, if still at hand; else (None) lost, by the stop signal alone.
                    caught = exc.caught if isinstance(exc, SaidCancellation) else exc
                    answer = self._answer_cancelled(envelope, body, self._cancelled_by(caught))
                cancelled = exc
            handler_ms = (time.perf_counter() - decoded) * 1000
            log_request(
                envelope,
                outcome=answer.outcome,
                status=200,
                handler_ms=handler_ms,
                verify_ms=verify_ms,
                deferrable=self._in_flight > 1,  # the line may go out with theirs (logs._Handler)
            )
            if cancelled is not None:
                raise AnsweredCancellation(200, answer.body, cancelled)
            return 200, answer.body
        except BaseException as exc:
            # alexaskill's own bug (a handler's is answered with the apology, and logged, in
            # `respond`): the server logs its traceback and answers 500. Its request line
            # still, as every request has one. (Only `log_request` itself raising could come
            # here with a line written already, which it does not: it reports what fails.)
            # A BaseException too (a Ctrl-C, the deadline's Expired, a skill's own class out of
            # `respond`), but not a cancellation, answered above or not ours (`unlogged`).
            if not unlogged(exc):
                log_request(envelope, outcome=INTERNAL_ERROR, status=500, verify_ms=verify_ms)
            raise
        finally:
            self._in_flight -= 1

    def _cancelled_by(self, cancellation: BaseException | None) -> str:
        """Why a request was cancelled from outside (by ``cancellation``; None for one code
        caught and lost), in the WARNING of one answered as such: once the server got its stop
        signal, by the cancellation's text (`server_shutdown`); else, in AWS Lambda (behind
        Mangum, the Lambda Web Adapter), where nothing else cancels a request, the skill's own
        code; else "" (a server's shutdown, or a caller's timeout: unknown)."""
        shutdown = server_shutdown(self._on_lambda, cancellation)
        if shutdown:
            return f"by {shutdown}" if self._on_lambda else shutdown
        return _IN_LAMBDA if self._on_lambda else ""

    def _cancelled_unverified(self, cancellation: BaseException) -> tuple[str, bytes]:
        """The WARNING and the 503's body of a request cancelled before its signature was checked
        (its chain downloading, or its body still coming: `alexaskill.endpoint`): in AWS Lambda,
        or once the server got its stop signal, what cancelled it."""
        because = self._cancelled_by(cancellation)
        if because:
            warning = f"a request was cancelled before its signature was checked ({because})"
            return f"{warning}: answered HTTP 503", _UNVERIFIED
        return CANCELLED_WARNING, CANCELLED_UNVERIFIED

    def _noted_behind_adapter(self) -> None:
        """The first request behind an ASGI adapter the Lambda runtime runs (Mangum): noted
        (`_behind_runtime_adapter`), and the counts of repeated warnings whose window is still
        open at the instance's end put for Lambda's SIGTERM (`say_at_sigterm`). Here, not at an
        invocation's end (the lifespan's): Mangum's ``lifespan="off"`` runs none."""
        from .lambda_sigterm import say_at_sigterm

        self._behind_runtime_adapter = True
        say_at_sigterm(self._say_unsaid)

    def _warn_refused(self, exc: RequestError) -> None:
        """Say why a request was refused, at most once a kind every `REFUSAL_WARNING_EVERY`
        seconds (`alexaskill.refusal_warnings`)."""
        warn_refused(self._refusals_said, self.skill_ids, exc)
