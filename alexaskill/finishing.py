"""The services an answer made, finished once its reply is sure to go out (the attributes saved,
the deadline stood down first); which of their steps failed, in the log's words."""

from __future__ import annotations

import logging
import math
import time
from typing import Any, Final, NoReturn

from .apologising import Answer, Apologising
from .deadline import DEADLINE_GRACE, LAMBDA_MARGIN, Watchdog, cancelled_from_outside
from .dispatch import Call, Handler
from .exceptions import ConfigurationError, ResponseError, StoreError
from .handler_bugs import failed_in, handler_bug, service_step, swallowed
from .log_repeats import Repeats
from .store.attributes import Attributes, PersonAttributes, _StoredAttributes, check_saves

__all__ = ["CUT_AT_THE_END", "set_by", "settable"]  # alexaskill's own (not the public API's)

logger = logging.getLogger("alexaskill")

#: The services made for one answer (the hooks', the handler's), to finish once all returned.
_Made = dict[type, Any]


def _say_unsaid_store_failures(message: str, unsaid: int) -> None:
    """The store failures of one message left unsaid when their window ended, or at shutdown."""
    logger.error(
        "attributes not loaded or saved: %s (%s more since the last such line)",
        message,
        f"{unsaid:,}",
    )


#: Whose reply the late save's WARNING says went out, by the answer's outcome.
_REPLY_OF: Final = {
    "before_request": "before-request hook's",
    "exception_handler": "exception handler's",
    "unhandled": "unhandled request's default",
}
#: What ended as a save of the exception handler for `DeadlineExceeded` ran on (its call is
#: expired: the deadline had passed before it began), with the grace it was given; or of that
#: for a save that failed past the deadline (`Finishing._watch_again`: not expired).
_GRACE_ENDED: Final = "the exception handler's %.2g s of grace for %s ended"

#: What the author of a save that caught AWS Lambda's cut at the function's end less
#: `LAMBDA_MARGIN` can do. Not "let CancelledError through": the catch may be a store's client
#: library's (or Python 3.11's asyncio.wait_for), out of their reach, and let through it puts
#: the apology over a write made (`_save`); a save bounded sooner is said as a store's failure.
CUT_AT_THE_END: Final = (
    "It lasted until the function's end: bound it sooner (a store's own timeout, between the "
    "skill's deadline and the function's timeout: README, \"AWS Lambda\")"
)

#: The kinds of attributes that may hold one item, the other's (`alexaskill.store.service`).
_TWINS: dict[type, type] = {Attributes: PersonAttributes, PersonAttributes: Attributes}


def settable(code: Handler, made: _Made) -> list[type]:
    """The kinds of attributes ``code``, about to run where hooks run, takes: the ones whose save,
    if it refuses a value, names ``code`` once it has run (`set_by`). Not those that the code
    before it left refused already: that code stays named (a hook after the handler that only
    reads them set nothing)."""
    # Those earlier code of the answer had too are checked as the save checks them, only here
    # (a hook given them after the handler): else the line names whoever came last. One made
    # now whose twin kind was made before (`PersonAttributes` of no speaker recognised, sharing
    # the user's item) is that twin's: left out if it is refused. (Not twins, its own item, it
    # is checked after the twin's, made first: the twin's refusal is said, its setter named.)
    return [
        kind
        for kind in code.services
        if issubclass(kind, _StoredAttributes)
        and (_savable(made[kind]) if kind in made else _twin_savable(kind, made))
    ]


def _twin_savable(kind: type, made: _Made) -> bool:
    """Whether the attributes of ``kind``'s twin kind (`Attributes`, `PersonAttributes`), if
    made, would be saved as they stand (`_savable`); True if none was made."""
    twin = _TWINS.get(kind)
    return twin is None or twin not in made or _savable(made[twin])


def _savable(attributes: _StoredAttributes) -> bool:
    """Whether the save of ``attributes`` would take them as they stand (what it would refuse, it
    refuses when it comes, said as always). What it found is the save's if the code after
    changes nothing (`_StoredAttributes._prechecked`): a hook only reading them adds no check.
    Only the save's refusals are taken so: anything else the check raises is its bug, which goes
    on up as the request's failure (said, with its traceback), not taken for a refusal that the
    save, checking anew, might never meet."""
    try:
        attributes._prechecked()
    except (ResponseError, ConfigurationError):  # (what `save` raises refusing them)
        return False
    return True


def set_by(call: Call, code: Handler, kinds: list[type], made: _Made) -> None:
    """Note ``code``, which just returned, as what set ``kinds`` (`settable`'s) for
    `Finishing._setter`, and the kind of ``made`` sharing their item if any (`PersonAttributes`
    of no speaker recognised, and `Attributes`: either one's save refuses what it set through
    the other). (``call.setters`` exists only where hooks ran: no cost elsewhere.)"""
    setters: dict[type, Handler] | None = getattr(call, "setters", None)
    if setters is None:
        setters = call.setters = {}
    for kind in kinds:
        setters[kind] = code
        twin = _TWINS.get(kind)
        if twin is not None and twin in made and made[twin]._data is made[kind]._data:
            setters[twin] = code


def _counted_from(call: Call) -> str:
    """What a late save's figure (`time.perf_counter` less ``call.deadline``) counts from, in
    the log's words: the deadline, or, where an exception handler was given a grace
    (``call.grace``), its end (``call.deadline`` then)."""
    return "the deadline" if getattr(call, "grace", None) is None else "its grace ended"


class Finishing(Apologising):
    """How `alexaskill.answering.Answering` finishes the services of an answer, and names the
    step of one that failed."""

    #: The deadline's (`alexaskill.deadline_answering`), if any: its cancellations are not
    #: from outside (`cancelled_from_outside`).
    _watchdog: Watchdog | None = None
    #: When each store failure's ERROR line was said (`answering.STORE_FAILURE_EVERY`).
    _store_failures_said: Repeats

    async def _save(self, made: _Made, call: Call, answer: Answer) -> None:
        """`_finish`, the deadline stood down first: past it, nothing is saved and the deadline
        answers; before it, the save is waited for, however long, and the reply goes out (on AWS
        Lambda, until the function's end alone: then the deadline's reply goes out instead).

        A store's write runs on in its thread once begun, so a deadline cancelling it would have
        the user hear "please try again" over a change made, which the retry makes twice.
        If the save fails, the exception handler of its failure runs within the deadline again,
        as that of the handler's own failure does; past it, with its grace (`_watch_again`).
        ``answer`` is the reply made: what goes out if a finish catches a cancellation from
        outside (`_finish`).
        """
        watched = call.watched
        if watched is None:
            await self._finish(made, call, answer)
            return
        latest = None  # (rewatched until then: on AWS Lambda, below)
        if not isinstance(watched, tuple):  # an anyio cancel scope (trio: alexaskill.deadline)
            import anyio

            if time.perf_counter() >= (call.deadline or 0.0):
                await anyio.lowlevel.checkpoint()  # takes its cancellation: nothing is saved
            # (No ``latest`` to rewatch until, as below: no call under trio has one. AWS Lambda's
            # handler answers on asyncio, and the ASGI app refuses a trio host, behind Mangum or
            # the Lambda Web Adapter too: `alexaskill.asgi_start.NEEDS_ASYNCIO`.)
            watched.deadline = math.inf
        elif not watched[0].release(watched[1]):
            import asyncio

            await asyncio.sleep(0)  # takes the deadline's cancellation: nothing is saved
        elif (latest := call.latest) is not None:
            # On AWS Lambda, a save (the handler's, or the exception handler's for
            # DeadlineExceeded) is waited for until the function's end less LAMBDA_MARGIN alone
            # (`Call.latest`): past it, Lambda would end the function with no answer at all; the
            # deadline's reply goes out instead (`DeadlineAnswering._save_cut_short`). (A plain
            # read, None off Lambda: every watched call has it set, where getattr of an unset
            # slot would raise and catch an AttributeError at each save.)
            watched[0].watch(watched[1], latest)
        cut = False
        try:
            await self._finish(made, call, answer)
        finally:
            if latest is not None:  # done, or failed: released, the caller's unwatching finds
                # no cut (a failure's exception handler is watched again: `_watch_again`)
                cut = not watched[0].release(watched[1])
        if cut:  # the function's end cut it, and its finish caught that and returned
            # (No race with a save just done: the watchdog cancels only while the task awaits,
            # so its CancelledError was thrown into the finish, and code there took it: the
            # store's, or a library's, e.g. Python 3.11's asyncio.wait_for when what it waits
            # for is done in the same turn of the loop. The write did return: the reply goes.)
            watched[0].unwatch(watched[1])  # (said here, not as the handler's catch, after)
            self._caught_at_the_end(call, made, answer)
            return
        late = time.perf_counter() - (call.deadline or 0.0)
        if late > 0:
            # Given a grace (``call.deadline`` its end): the exception handler for
            # DeadlineExceeded (expired), or that of a save that failed past the deadline
            # (`_watch_again`: what is left of it); `DEADLINE_GRACE`, or less: `Call.grace`.
            grace = getattr(call, "grace", None)
            ended = "the deadline passed"
            if grace is not None:
                for_ = (
                    "DeadlineExceeded" if call.expired else "a save that failed past the deadline"
                )
                ended = _GRACE_ENDED % (grace, for_)
            logger.warning(
                "%s while the attributes were being saved: answered %.2f s after %s, with the "
                "%s reply (a save under way is not interrupted)",
                ended,
                late,
                _counted_from(call),
                _REPLY_OF.get(answer.outcome, "handler's"),
            )

    def _caught_at_the_end(self, call: Call, made: _Made, answer: Answer) -> None:
        """Say that a finish of ``made`` (a store's save) caught the cancellation AWS Lambda's
        end less `LAMBDA_MARGIN` made (`_save`) and returned: ``answer`` goes out as it was,
        late, where the deadline's reply would have, with the write done (it returned)."""
        steps = []
        for kind in made:
            if self._services[kind][1] is not None:
                call.finishing = kind
                steps.append(self._step(call))
        call.finishing = None
        logger.warning(
            "%s caught the cancellation at the Lambda function's end (its remaining time less "
            "%g s) and returned: answered %.2f s after %s, with the %s reply (its write "
            "returned: it is done). %s",
            " or ".join(steps),
            LAMBDA_MARGIN,
            time.perf_counter() - (call.deadline or 0.0),
            _counted_from(call),
            _REPLY_OF.get(answer.outcome, "handler's"),
            CUT_AT_THE_END,
        )

    def _watch_again(self, call: Call, handler: Handler) -> bool:
        """Put the deadline of ``call``, which `_save` stood down for a finish that then failed
        (a store that is down), back in force for ``handler``, the exception handler of that
        failure: the handler's own failure's runs within it, and so does this one (it ran for as
        long as it took: Alexa had given up). Past the deadline (the save took that long, a
        store's own timeout, say), it is given what is left of `DEADLINE_GRACE` after the
        deadline, as the one for `DeadlineExceeded` has all of it: the author's "I could not
        save that" beats the apology while Alexa still listens (README: 8 s, the deadline 7 by
        default); still running at its end, the deadline's reply goes out, no second grace
        (`_answer_deadline`). False, said, where no time is left (the grace past, or AWS
        Lambda's end): the apology answers at once."""
        watched, at = call.watched, call.deadline
        if watched is None or at is None:
            return True
        now = time.perf_counter()
        if now >= at:
            # Counted from the deadline, not from the failure: a store timing out 3 s past it
            # would answer at deadline + 3.5 s, after Alexa has given up (its ~8 s).
            grace = at + DEADLINE_GRACE - now
            if call.latest is not None:
                grace = min(grace, call.latest - now)
            if grace <= 0:
                left = (
                    f"past the deadline's {DEADLINE_GRACE:g} s of grace"
                    if call.latest is None or at + DEADLINE_GRACE <= call.latest
                    else "no time left before the Lambda function's end"
                )
                logger.warning(
                    "the exception handler %s was not run for %s: it failed %.2f s after the "
                    "deadline, %s; answered with the apology at once",
                    handler.name,
                    self._step(call),
                    now - at,
                    left,
                )
                return False
            logger.warning(
                "%s failed %.2f s after the deadline: its exception handler %s is given %.2g s "
                "of grace, what is left of the one for DeadlineExceeded",
                self._step(call),
                now - at,
                handler.name,
                grace,
            )
            # Its grace is its deadline now: what the late answer's checks (`_answered_late`)
            # and a save of its own read; ``grace`` says the deadline's was spent.
            at = call.deadline = now + grace
            call.grace = grace
        if isinstance(watched, tuple):
            watched[0].watch(watched[1], at)
            return True
        import anyio  # (an anyio cancel scope: trio, `alexaskill.deadline_answering`)

        # The scope's deadline is on the event loop's clock, not `time.perf_counter`'s.
        watched.deadline = anyio.current_time() + (at - now)
        return True

    async def _finish(self, made: _Made, call: Call, answer: Answer) -> None:
        """Finish the services of an answer whose code all returned (save what it changed).

        Attributes of several kinds are all checked before any is saved (`check_saves`). The
        service being finished, or checked, is noted in ``call.finishing`` (left set if its
        finish or check raises: its save's refusal, as when it is saved).
        A finish that caught the request's cancellation from outside and returned is named, and
        the cancellation raised again once all are finished, carrying ``answer``: what they
        finished is done, so the reply that says so is sent before the task ends cancelled.
        If a later finish fails, the reply is untrue: the cancellation goes on without it
        (`_failed_after_catch`).
        """
        if len(made) > 1:
            check_saves(made, lambda kind: setattr(call, "finishing", kind))
        caught: type | None = None  # (the kind whose finish caught it)
        for service_type, service in made.items():
            finish = self._services[service_type][1]
            if finish is not None:
                call.finishing = service_type
                try:
                    await finish(service)
                except BaseException as failure:
                    if caught is None:
                        raise
                    self._failed_after_catch(call, caught, failure)
                if caught is None and cancelled_from_outside(self._watchdog, call.watched):
                    caught = service_type
        if caught is not None:
            from .finished_cancellation import FinishedCancellation  # (loads asyncio)

            call.finishing = caught
            who = self._step(call)
            call.finishing = None
            raise swallowed(who, FinishedCancellation(answer))
        call.finishing = None

    def _failed_after_catch(self, call: Call, caught: type, failure: BaseException) -> NoReturn:
        """Raise the request's cancellation again: the finish of ``call.finishing`` failed
        (``failure``) after that of ``caught`` caught the cancellation from outside and returned.
        The catch is named, and the failure said as the request's would be (its line, the
        ``on_handler_error`` listener); the request is answered as a cancelled one (the
        deadline's apology, `Handling._handle`), neither the reply the failure makes untrue nor
        an exception handler's: nothing more of the skill's runs in a task being cancelled (an
        exception handler's code run now would be said to have caught it). A failure that goes
        on up by itself (the request cancelled again, a Ctrl-C) goes on as it is."""
        step = self._step(call)
        call.finishing = caught
        cancellation = swallowed(self._step(call))
        # (left set: the cancellation's WARNING names the catch, `_failed_in`'s `let_through_by`)
        bug = failure if isinstance(failure, Exception) else handler_bug(failure, step)
        if bug is None:
            raise failure
        if isinstance(bug, StoreError):  # as `Answering._recover` says it
            self._said_store_failure(bug, "%s failed after the request's cancellation", step)
        else:
            self._said_failed(bug, "%s failed after the request's cancellation", step)
        self._tell(bug, call.envelope)
        raise cancellation from failure

    def _said_store_failure(self, exc: StoreError, failed: str, *args: object) -> None:
        """Say ``exc`` in one ERROR line, ``failed % args`` then its message: it says what failed
        and what to do, a traceback would add only noise. Once a message every
        `answering.STORE_FAILURE_EVERY` seconds, the count of those unsaid with the next: a
        store that is down fails every request."""
        unsaid = self._store_failures_said.unsaid(str(exc), _say_unsaid_store_failures)
        if unsaid is not None:
            since = f" ({unsaid:,} more since the last such line)" if unsaid else ""
            logger.error(f"{failed}: %s%s", *args, exc, since)

    def _step(self, call: Call) -> str:
        """The service ``call`` is making or finishing, in the log's words (`service_step`),
        or "" when it is doing neither."""
        if call.making is not None:
            return service_step(call.making, self._services[call.making][0])
        if call.finishing is not None:
            finish = self._services[call.finishing][1]
            return service_step(
                call.finishing, finish or self._services[call.finishing][0], finishing=True
            )
        return ""

    def _failed_in(self, call: Call, exc: BaseException) -> str:
        """Who raised ``exc``, in `failed_in`'s words: the service being finished, if it did
        (`_finishing`), though the handler made the reply (its code had all run)."""
        step = self._finishing(call, exc)
        if step:
            return step
        return failed_in(self.registry, self._setter(call) or call.running, self._step(call))

    def _setter(self, call: Call) -> Handler | None:
        """Where hooks ran, the code that set the kind of attributes being saved (`set_by`): who
        a value their save refuses (`_finishing`: "") is said of; None elsewhere."""
        setters: dict[type, Handler] | None = getattr(call, "setters", None)
        if setters is None or call.finishing is None:
            return None
        return setters.get(call.finishing)

    def _finishing(self, call: Call, exc: BaseException) -> str:
        """The finishing of a service, in `service_step`'s words, if ``exc`` came of it; ""
        if not, or if it is the attributes' save refusing a value the reply's code set (a
        `ResponseError`: a fault of its data, not the store's; `_setter` or ``call.running`` names
        who set it)."""
        finishing = call.finishing
        if finishing is None or (
            isinstance(exc, ResponseError) and issubclass(finishing, _StoredAttributes)
        ):
            return ""
        return self._step(call)
