"""What the deadline's answering says of an answer that came past its time: a handler (or a
save) that caught the deadline's cancellation, an event loop held up, an exception handler's grace
outlasted, a save cut at AWS Lambda's end (`alexaskill.deadline_answering`)."""

from __future__ import annotations

import logging
import time
from typing import Final

from . import messages
from .answering import Answer, Answering
from .deadline import LAMBDA_MARGIN
from .dispatch import Call
from .exceptions import DeadlineExceeded
from .finishing import CUT_AT_THE_END
from .handler_bugs import failed_in

__all__ = ["LateSaying", "grace_spent"]  # alexaskill's own (the public API has none of them)

logger = logging.getLogger("alexaskill")

DEADLINE_REPLY: Final = messages.DEADLINE_REPLY


class LateSaying(Answering):
    """The log lines `alexaskill.deadline_answering.DeadlineAnswering` says of a late answer."""

    def _caught_cancellation(
        self, call: Call, at: float, cancellation: str = "CancelledError"
    ) -> None:
        """Say that the answer to ``call`` came though the deadline (due at `time.perf_counter`
        ``at``) cancelled it: the handler or a hook caught the cancellation (``cancellation``,
        the event loop's name for it). A late answer is still an answer."""
        if call.finishing is not None:
            # A finish failed with the cancellation pending: only AWS Lambda's end cuts one
            # (`Finishing._save`), which it caught, raising its own error (a store's timeout)
            # answered as a failure: the handler, returned long before, caught nothing.
            logger.warning(
                "%s caught the cancellation at the Lambda function's end (its remaining time "
                "less %g s) and failed instead: its failure was answered %.2f s after the "
                "deadline (the answer went out as it was). %s",
                self._step(call),
                LAMBDA_MARGIN,
                time.perf_counter() - at,
                CUT_AT_THE_END,
            )
            return
        handler = self.registry.resolve(call.envelope)
        caught = call.caught or call.overran or handler
        logger.warning(
            "%s caught the deadline's cancellation and %s %.2f s late (the answer went out as "
            "it was): let %s through",
            "a handler" if caught is None else failed_in(self.registry, caught),
            "answered" if caught is handler else "the request was answered",
            time.perf_counter() - at,
            cancellation,
        )

    def _answered_late(self, call: Call, at: float) -> None:
        """Say that the answer to ``call``, due at `time.perf_counter` ``at``, is late though the
        watchdog never acted: the event loop was held up past the deadline (a def handler on the
        loop's thread that blocked, say, or blocking code in an async def), by the handler or
        hook that returned past it."""
        due = max(at, call.deadline or at)  # (a failed save's exception handler's grace's end)
        if time.perf_counter() <= due:  # (answered within it: said by `Finishing._watch_again`)
            return
        handler = self.registry.resolve(call.envelope)
        late = call.overran or handler
        # From the deadline, as the line says, not from that grace's end: Alexa's wait, ~8 s,
        # counts from the request (README), and Skill(deadline=...) is what the author sets.
        late_by = time.perf_counter() - at
        held = (
            "the event loop was held up meanwhile (a def handler on the loop's thread that "
            "blocked, or blocking code in an async def), so the deadline could not act; the "
            "answer went out as it was"
        )
        if late is None or late is handler:
            who = "the request" if late is None else late.name
            logger.warning(
                "%s answered %.2f s after its deadline (Skill(deadline=...)): %s",
                who,
                late_by,
                held,
            )
        else:
            logger.warning(
                "the request was answered %.2f s after its deadline (Skill(deadline=...)), %s "
                "returning past it: %s",
                late_by,
                failed_in(self.registry, late),
                held,
            )

    def _save_cut_short(self, call: Call, reply: str = "") -> None:
        """Say that the save of ``call``'s answer (or a service's finish) was not done by the AWS
        Lambda function's end less `LAMBDA_MARGIN` (``call.latest``): given up on there, so that
        Lambda gets an answer at all, the deadline's, instead of ``reply`` (its caller's words for
        it; none: the exception handler's for `DeadlineExceeded`)."""
        call.expired = True
        # ERROR whichever code's save it was, as a store's failure is said: the user heard the
        # apology over a write that may still be made, and the skill's author must act (a store
        # whose timeout ends before the function's: README, "AWS Lambda").
        logger.error(
            "%s was not done by the Lambda function's end (its remaining time less %g s): given "
            "up on, answered %r instead of %s (a write under way may still be made; the user's "
            "retry may make it again)",
            self._step(call),
            LAMBDA_MARGIN,
            DEADLINE_REPLY,
            reply or "the exception handler's reply for DeadlineExceeded",
        )

    def _grace_caught(
        self, exc: DeadlineExceeded, call: Call, answer: Answer, grace: float, cancellation: str
    ) -> None:
        """Say that the exception handler for ``exc`` answered though its ``grace`` ended: it
        caught the cancellation (``cancellation``, the event loop's name for it)."""
        handler = self.registry.exception_handler(exc)
        if answer.outcome != "exception_handler" or handler is None:
            return  # (it failed: the deadline's own reply goes out, and the failure was said)
        # A grace in two figures, as every line of one says it (`finishing._GRACE_ENDED`): one
        # cut short by AWS Lambda's end is a clock's difference ("0.287312 s" was said).
        logger.warning(
            "the exception handler for DeadlineExceeded, %s, caught the cancellation that ended "
            "its %.2g s grace and answered %.2f s after it ended (the answer went out as it "
            "was): let %s through",
            handler.name,
            grace,
            time.perf_counter() - (call.deadline or 0.0),
            cancellation,
        )


def grace_spent(call: Call, grace: float) -> None:
    """Say that the exception handler for `DeadlineExceeded` outlasted its ``grace`` too."""
    call.expired = True
    logger.error(
        "the exception handler for DeadlineExceeded took over %.2g s too: answered %r",
        grace,
        DEADLINE_REPLY,
    )
