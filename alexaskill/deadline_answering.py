"""Answering in time: `DeadlineExceeded` for a late handler, automatic progressive responses."""

from __future__ import annotations

import contextlib
import logging
import math
import time
from typing import Any, Final

from . import messages
from .answering import Answer
from .deadline import DEADLINE_GRACE, expired, on_asyncio, watch
from .deadline_late import LateSaying, grace_spent
from .dispatch import Call
from .exceptions import DeadlineExceeded, MalformedRequestError, ResponseError
from .handler_bugs import failed_in, let_through_by
from .leaving import END, LEAVING
from .models import Envelope, decode_envelope
from .responses import Response, ask, encode_response
from .services import AlexaApi

__all__ = ["DEADLINE_GRACE", "DEADLINE_REPLY", "PROGRESSIVE_SPEECH", "DeadlineAnswering"]

logger = logging.getLogger("alexaskill")

# What the framework says by itself (`alexaskill.messages`), as in `alexaskill.answering`.
DEADLINE_REPLY: Final = messages.DEADLINE_REPLY
PROGRESSIVE_SPEECH: Final = messages.PROGRESSIVE_SPEECH
_PROGRESSIVE_REQUESTS: Final = frozenset(("LaunchRequest", "IntentRequest"))
_RUNS_ON: Final = ": its thread runs on, and what it returns will be discarded"
#: Whether the process said that `progressive_after` does not act under its event loop (trio).
_progressive_refused_said = False


class DeadlineAnswering(LateSaying):
    """`Answering` given up on at a deadline (`Skill(deadline=…)`, `alexaskill.deadline`)."""

    # Set by `Skill.__init__` (documented there).
    deadline: float | None
    progressive_after: float | None
    progressive_speech: str
    _progressive_tasks: set[Any]
    #: Why a request is cancelled from outside while its handler runs, as its WARNING says it:
    #: a server's shutdown; ``alexaskill chat``, whose requests end only with it, says Ctrl-C.
    #: (In AWS Lambda, or once the server got its stop signal, its caller says what did:
    #: `Handling._cancelled_by`.)
    _cancelled_because: str = "the server shutting down, past its --timeout-graceful-shutdown?"

    async def _respond_by(
        self,
        envelope: Envelope,
        body: bytes | None,
        at: float,
        limit: float,
        *,
        threadpool: bool = True,
        loop: bool = True,
        latest: float | None = None,
    ) -> Answer:
        """`respond`, or the answer to `DeadlineExceeded` if it is not done by ``at``.

        ``at`` is a `time.perf_counter` time, ``limit`` the deadline it stands for (seconds, for
        messages). ``body``, the request as received, gives the exception handler a session
        untouched by a handler still running in its thread. ``loop`` says whether this runs on
        an asyncio event loop (AWS Lambda answers some skills without one). ``latest`` (a
        `time.perf_counter` time) ends the exception handler's `DEADLINE_GRACE` sooner: AWS
        Lambda ends the function then.
        """
        call = Call(envelope)
        call.deadline = at
        call.latest = latest  # (AWS Lambda's end, which bounds the wait for its save: `_save`)
        # What was a coroutine of its own (`_respond_in_time`) inline: a coroutine a request
        # less (its object, frame and send, ~700 instructions).
        try:
            seconds = at - time.perf_counter()
            if seconds > 0:  # else spent before the handler's turn (a slow certificate download)
                watched = watch(self._watchdog, at) if loop else None
                if loop and watched is None and not on_asyncio():  # (trio)
                    return await self._respond_in_scope(call, body, at, limit, threadpool, latest)
                if watched is not None:
                    self._watchdog = watched[0]
                    call.watched = watched
                progressive = None
                if self.progressive_after is not None and watched is not None:
                    progressive = self._progressive_later(call, at - limit + self.progressive_after)
                try:
                    answer = await self._answer(call, threadpool)
                except BaseException as exc:
                    if not expired(watched, exc):  # (or cancelled from outside too: `_handle`)
                        raise
                    if call.finishing is not None:  # its save, past AWS Lambda's end
                        self._save_cut_short(call, "the reply made")
                        return self._deadline_answer(_afresh(call, body))
                else:
                    if watched is not None:
                        watchdog, task = watched
                        if watchdog.release(task):
                            if time.perf_counter() > at:
                                self._answered_late(call, at)
                        elif watchdog.unwatch(task):
                            self._caught_cancellation(call, at)
                    return answer
                finally:
                    if progressive is not None:
                        progressive.cancel()
                call.expired = True
                return await self._answer_deadline(call, body, limit, threadpool, loop, latest)
            call.expired = True
            return await self._answer_deadline(
                call, body, limit, threadpool, loop, latest, started=False
            )
        finally:
            call.answered = True  # (what a task left running asks of it: too late)

    async def _respond_in_scope(
        self,
        call: Call,
        body: bytes | None,
        at: float,
        limit: float,
        threadpool: bool,
        latest: float | None,
    ) -> Answer:
        """`_respond_by` under another event loop than asyncio's (trio, through anyio),
        which has no tasks for the watchdog to cancel: an anyio cancel scope ends the work at
        ``at`` instead (a timer per request; no automatic progressive response)."""
        import anyio

        global _progressive_refused_said
        if self.progressive_after is not None and not _progressive_refused_said:
            _progressive_refused_said = True
            logger.warning(
                "progressive_after= sends no automatic progressive response here: it needs an "
                "asyncio event loop, and this one is another library's (trio). The deadline "
                "still acts."
            )
        answer: Answer | None = None
        with anyio.move_on_after(max(at - time.perf_counter(), 0.0)) as scope:
            call.watched = scope  # (what `Answering._save` stands down before saving)
            answer = await self._answer(call, threadpool)
        if answer is not None:
            if scope.cancel_called:
                self._caught_cancellation(call, at, _cancellation_name(anyio))
            # (Unless a save stood the scope down, its deadline now infinite: it said that.)
            elif time.perf_counter() > at and math.isfinite(scope.deadline):
                self._answered_late(call, at)
            return answer
        call.expired = True
        return await self._answer_deadline(call, body, limit, threadpool, True, latest)

    def _answer_cancelled(self, envelope: Envelope, body: bytes, because: str = "") -> Answer:
        """The deadline's answer to a request whose task was cancelled from outside while its
        handler (or a hook) ran (uvicorn's ``--timeout-graceful-shutdown`` passed, say): an
        apology, not the server's HTTP 500. Said in one WARNING line, without a traceback,
        naming the code the cancellation stopped (`handler_bug` noted it on its way out, or
        `swallowed` its catch: a handler, a hook, a store's load), or the request, when none of
        them ran; ``because`` says why it was cancelled, if not `_cancelled_because` (AWS
        Lambda's own reason, its handler's or the ASGI app's run there; the server's shutdown,
        its stop signal seen: `alexaskill.handling`)."""
        who = let_through_by()
        while_ = ""
        if not who:  # none was running: what was cancelled is the request, not its handler
            handler = self.registry.resolve(envelope)
            who = "the request" if handler is None else f"the request for {handler.name}"
            while_ = (
                ", while none of the skill's handlers or hooks ran (a store's load or save, or "
                "a service being made, say)"
            )
        logger.warning(
            "%s was cancelled before it answered (%s)%s: answered %r",
            who,
            because or self._cancelled_because,
            while_,
            DEADLINE_REPLY,
        )
        call = _afresh(Call(envelope), body)  # (a def handler's session left aside)
        text = self._say(DEADLINE_REPLY, call.envelope.request)
        return Answer(_deadline_body(call, text, self._silent_reply(call)), "cancelled")

    def _progressive_later(self, call: Call, at: float) -> _Progressive | None:
        """Send `progressive_speech` at `time.perf_counter` ``at``, unless cancelled first."""
        if call.envelope.request.type not in _PROGRESSIVE_REQUESTS:
            return None
        import asyncio

        loop = asyncio.get_running_loop()
        progressive = _Progressive()

        def start() -> None:
            task = loop.create_task(self._send_progressive(call))
            self._progressive_tasks.add(task)  # kept, so that it is not collected meanwhile
            task.add_done_callback(self._progressive_tasks.discard)
            progressive.task = task

        progressive.timer = loop.call_later(max(at - time.perf_counter(), 0.0), start)
        return progressive

    async def _send_progressive(self, call: Call) -> None:
        try:
            api = await self._services[AlexaApi][0](call)
            await api.progressive(self._say(self.progressive_speech, call.envelope.request))
        except Exception as exc:  # the interim speech never matters more than the answer
            logger.warning("automatic progressive response not sent: %s", exc)

    async def _answer_deadline(
        self,
        call: Call,
        body: bytes | None,
        limit: float,
        threadpool: bool,
        loop: bool,
        latest: float | None,
        *,
        started: bool = True,
    ) -> Answer:
        handler = self.registry.resolve(call.envelope)
        exc = DeadlineExceeded(limit, None if handler is None else handler.name)
        queued = call.queued
        if not started:
            fate = "" if handler is None else ": it was not started: no time was left"
        elif queued is not None:
            # Every worker thread busy (alexaskill.threads logs that too): never run, never to be.
            who = "it" if handler is not None and queued == handler.name else queued
            fate = f": {who} was never started: it waited for a worker thread, all of them busy"
        elif handler is None:
            fate = ""
        elif call.making is not None:
            # Its services (attributes from a slow store) were still being made: never called.
            # (Named as a failed or cancelled making is: "the store's load of Attributes".)
            fate = f": it was never started: {self._step(call)} took that long"
        else:
            # A hook may be what ran late (the handler not called yet, or answered already).
            running = call.running or handler
            fate = ": it was cancelled" if running.is_async else _RUNS_ON
            if running is not handler:
                fate = f": {failed_in(self.registry, running)} was still running{fate}"
        # On AWS Lambda (``latest``) the limit may be the function's remaining time instead.
        cause = "Skill(deadline=...)"
        if latest is not None and self.deadline is not None and limit < self.deadline:
            cause = "the Lambda function's remaining time"
        # An exception handler was called and never answered: the exception it was given (the
        # handler's bug) is logged nowhere else, so its traceback goes with this line.
        handled = call.exception
        if handled is not None:
            fate += f"; the exception being handled: {type(handled).__name__}"
        said, beyond = str(exc), ""
        grace = getattr(call, "grace", None)  # (a failed save's handler's: `_watch_again`)
        if grace is not None:  # the handler had answered: its save failed, then the grace ended
            who = "the request" if handler is None else f"the request for {handler.name}"
            said = f"{who} was not answered within {limit:g} s"
            beyond = f" nor within the {grace:.2g} s of grace given to its failed save's "
            beyond += "exception handler"
        logger.warning("%s (%s)%s, answering now%s", said, cause, beyond, fate, exc_info=handled)
        # A def handler may still be changing the session in its thread: the exception handler
        # and the reply get the request's own, decoded afresh.
        fresh = _afresh(call, body)
        if body is not None:
            api = call.services.get(AlexaApi)
            if api is not None:  # the same request: its count of progressive responses goes on
                fresh.services[AlexaApi] = api
            # Past the deadline, as the request's own call: a progressive response from an
            # `AlexaApi` made for it is refused as one from the handler's would be.
            fresh.deadline, fresh.expired = call.deadline, call.expired
        try:
            if grace is not None:  # a failed save's exception handler spent the grace
                return self._deadline_answer(fresh)  # (`Finishing._watch_again`)
            return await self._answer_after_deadline(exc, fresh, threadpool, loop, latest)
        finally:
            fresh.answered = True  # (what a task the exception handler left running asks)

    async def _answer_after_deadline(
        self,
        exc: DeadlineExceeded,
        fresh: Call,
        threadpool: bool,
        loop: bool,
        latest: float | None,
    ) -> Answer:
        fresh.latest = latest  # (a save waited for past the grace ends by then too: `_save`)
        if self.registry.exception_handler(exc) is not None:
            now = time.perf_counter()
            grace = DEADLINE_GRACE
            if latest is not None:
                grace = min(DEADLINE_GRACE, latest - now)
            if grace > 0:
                answer = await self._recover_within(exc, fresh, grace, threadpool, loop)
                if answer is not None:
                    return answer
            else:  # AWS Lambda, the function about to be ended
                logger.error(
                    "no time was left for the exception handler for DeadlineExceeded: answered %r",
                    DEADLINE_REPLY,
                )
        return self._deadline_answer(fresh)

    def _deadline_answer(self, call: Call) -> Answer:
        """`DEADLINE_REPLY`, in the request's language, as the answer to ``call``."""
        text = self._say(DEADLINE_REPLY, call.envelope.request)
        return Answer(_deadline_body(call, text, self._silent_reply(call)), "deadline")

    async def _recover_within(
        self, exc: DeadlineExceeded, call: Call, grace: float, threadpool: bool, loop: bool
    ) -> Answer | None:
        """The exception handler's answer to ``exc``, if it gives one within ``grace`` seconds."""
        call.deadline = time.perf_counter() + grace
        call.grace = grace  # (what a late save's WARNING says it was given: `_save`)
        watched = watch(self._watchdog, call.deadline) if loop else None
        # What `Answering._save` stands down before a save (as `_respond_by` sets it): a store's
        # write, once begun, runs on, so its grace must not cancel it mid-write. (Also what the
        # checks of a cancellation caught read, this grace's, not the handler's spent one.)
        call.watched = watched
        if loop and watched is None and not on_asyncio():  # (trio)
            import anyio

            with anyio.move_on_after(grace) as scope:
                call.watched = scope
                answer = await self._recover(exc, call, threadpool)
                if scope.cancel_called:
                    self._grace_caught(exc, call, answer, grace, _cancellation_name(anyio))
                return _as_deadlines(answer)
            grace_spent(call, grace)
            return None
        try:
            answer = await self._recover(exc, call, threadpool)
        except BaseException as error:
            if not expired(watched, error):
                if watched is not None:  # (an asyncio task: a finish may have caught one)
                    _as_deadlines_sent(error)
                raise
            if call.finishing is not None:  # its save, past the grace: Lambda's end came
                self._save_cut_short(call)
                return None
            grace_spent(call, grace)
            return None
        if watched is not None and watched[0].unwatch(watched[1]):
            self._grace_caught(exc, call, answer, grace, "CancelledError")
        return _as_deadlines(answer)


def _cancellation_name(anyio: Any) -> str:
    """The running event loop's cancellation exception, as a handler would catch it:
    ``CancelledError`` on asyncio, ``trio.Cancelled`` under trio."""
    cls = anyio.get_cancelled_exc_class()
    if cls.__name__ == "CancelledError":
        return "CancelledError"
    return f"{cls.__module__}.{cls.__qualname__}"


def _afresh(call: Call, body: bytes | None) -> Call:
    """A call of the request as it came (``body``), for a reply the deadline makes: a def handler
    may still be changing ``call``'s session in its thread; ``call`` itself without a body."""
    if body is not None:
        with contextlib.suppress(MalformedRequestError):
            return Call(decode_envelope(body))
    return call


def _as_deadlines(answer: Answer) -> Answer | None:
    """The exception handler's ``answer`` to `DeadlineExceeded` as the deadline's, if it gave
    one (else None: the deadline's own reply goes out)."""
    return Answer(answer.body, "deadline") if answer.outcome == "exception_handler" else None


def _as_deadlines_sent(error: BaseException) -> None:
    """The reply a `FinishedCancellation` carries out of the exception handler for
    `DeadlineExceeded` (a finish of its services caught the request's cancellation from outside)
    as the deadline's, as `_as_deadlines` makes it when none does: the request line names the
    same outcome, whether the endpoint or the Lambda handler sends it."""
    from .finished_cancellation import FinishedCancellation  # (asyncio is loaded: a task runs)

    if isinstance(error, FinishedCancellation):
        error.answer = _as_deadlines(error.answer) or error.answer


class _Progressive:
    """An automatic progressive response: its timer, then the task sending it."""

    __slots__ = ("task", "timer")

    def __init__(self) -> None:
        self.timer: Any = None
        self.task: Any = None

    def cancel(self) -> None:
        """The answer is ready: a "one moment" now would come after it, so none is sent."""
        self.timer.cancel()
        if self.task is not None:
            self.task.cancel()


def _deadline_body(call: Call, text: str, reply: Response | None) -> bytes:
    """``text`` (`DEADLINE_REPLY`, in the request's language), keeping the session (and its
    attributes) open, where Alexa takes speech; else ``reply``, the silent one. To Stop, Cancel
    and NavigateHome, the session's end: "please try again" with the microphone open would keep
    in a user who wants out (`alexaskill.leaving`)."""
    if reply is None:
        intent = getattr(call.envelope.request, "intent", None)
        reply = END if intent is not None and intent.name in LEAVING else ask(text)
    try:
        return encode_response(reply, call.session_attributes, answered=call.envelope)
    except ResponseError:
        return encode_response(reply)
