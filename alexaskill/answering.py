"""Answering, sans-IO: from a decoded envelope to the encoded reply (hooks, handler, recovery)."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Final

from . import messages
from .apologising import APOLOGY as APOLOGY
from .apologising import Answer as Answer
from .apologising import failed_request_id as failed_request_id
from .asking_again import ASKING_AGAIN_LINE, Question, ask_again, encode_question
from .deadline import call_in_thread, cancellations, cancelled_from_outside
from .dispatch import Call, Handler
from .dropped_reply import said_dropped_reply
from .exceptions import PermissionRequired, ResponseError, SkillIdError, SlotError, StoreError
from .finishing import Finishing, _Made, set_by, settable
from .handler_bugs import (
    failed_in,
    handler_bug,
    not_a_reply,
    swallowed,
)
from .late_results import LateResult, report_late
from .leaving import LEAVING, ended, kept_ended, unhandled
from .log_repeats import Repeats
from .log_values import bounded, request_name
from .models import Envelope, IntentRequest, LaunchRequest, Request
from .responses import AskForPermissionsConsentCard, Response, ask, encode_response, speak
from .rules import check_reply

if TYPE_CHECKING:
    from .dialog_model import DialogSlot

__all__ = [
    "APOLOGY",
    "PERMISSION_PROMPT",
    "SLOT_PROMPT",
    "UNHANDLED",
    "Answer",
    "Answering",
    "failed_request_id",
]

logger = logging.getLogger("alexaskill")

_PROBE: Final = "CanFulfillIntentRequest"

# What the framework says by itself, in English (`alexaskill.messages` documents each); a
# request in another language hears it in that language. (APOLOGY: `alexaskill.apologising`.)
SLOT_PROMPT: Final = messages.SLOT_PROMPT
PERMISSION_PROMPT: Final = messages.PERMISSION_PROMPT
UNHANDLED: Final = messages.UNHANDLED

#: Why a request without ``context.System.application`` is refused (`Answering.check_skill_id`).
NO_CONTEXT_APPLICATION: Final = (
    "request names no application id (context.System.application missing or null)"
)

#: Why a request whose session names another of the skill's ids than its context is refused.
TWO_SKILLS: Final = "request names two skills (session.application is not context.System's)"

#: Seconds between two ERROR lines of one store failure (the same message).
STORE_FAILURE_EVERY: Final = 10.0


def _failed_after(step: str, handler: Handler) -> tuple[str, ...]:
    """The ERROR line's format and values for the failure of exception ``handler``'s answer:
    its own, or that of ``step``, the finishing of a service once it had answered."""
    if step:
        return "%s failed after the exception handler %s answered", step, handler.name
    return "exception handler %s failed", handler.name


def _note_overrun(call: Call, deadline: float, handler: Handler) -> None:
    """Note ``handler``, which just returned, as what ran past the call's deadline if it did;
    and as what caught the deadline's cancellation if it returned with it pending (asyncio:
    its task's cancellation not taken back; trio: the request's cancel scope cancelled): what
    `alexaskill.deadline_answering` names, rather than the request's handler."""
    if time.perf_counter() <= deadline:
        return
    if call.overran is None:
        call.overran = handler
    watched = call.watched
    if not handler.is_async or watched is None:
        return  # (a def function cannot catch it: its call's await in this task takes it)
    if cancellations(watched)[0]:
        call.caught = handler


class Answering(Finishing):
    """How a `Skill` answers a decoded envelope with what was registered (no I/O, no deadline)."""

    def_handlers: str
    _handling_said: Repeats  # (no handler; a catch-all's reply to Stop: leaving.ended)

    def check_skill_id(self, envelope: Envelope) -> None:
        """Raise `SkillIdError` unless ``envelope`` names one of our ids in
        ``context.System.application`` and, if its session names one, that same one."""
        skill_ids = self.skill_ids
        if skill_ids is None:
            return
        # Read in place (every request: no list, no tuple, no call). The context's id is the one
        # Amazon's SDKs check (Python, Node.js, Java: context.System.application alone), and
        # Alexa sends it in every request: without it a request names no skill, whatever its
        # session says (pre-2016 requests had no context: none comes any more).
        context = envelope.context
        system = None if context is None else context.system
        application = None if system is None else system.application
        if application is None:
            raise SkillIdError(NO_CONTEXT_APPLICATION)
        named_id = application.application_id
        if named_id not in skill_ids:
            raise SkillIdError.for_id(named_id)
        session = envelope.session
        if session is not None and session.application is not None:
            session_id = session.application.application_id
            if session_id not in skill_ids:
                raise SkillIdError.for_id(session_id, "session.application")
            # Both the skill's, yet not one skill: a skill serving several ids (Alexa names one
            # skill in both places).
            if session_id != named_id:
                raise SkillIdError(TWO_SKILLS, application_id=session_id)

    async def answer(self, envelope: Envelope) -> bytes:
        """Dispatch a verified, decoded ``envelope`` and return the encoded response envelope."""
        return (await self.respond(envelope)).body

    async def respond(self, envelope: Envelope, *, threadpool: bool = True) -> Answer:
        """`answer`, with the outcome for the request's log line (and no deadline).

        ``threadpool=False`` calls synchronous handlers on the calling thread: for an AWS Lambda
        skill that runs without an event loop (`alexaskill.aws_lambda`); never in a web server.
        """
        call = Call(envelope)
        try:
            return await self._answer(call, threadpool)
        finally:
            call.answered = True

    async def _answer(self, call: Call, threadpool: bool) -> Answer:
        self.registry.freeze()
        envelope = call.envelope
        handler = self.registry.resolve(envelope)
        made: _Made = {}
        try:
            if self.registry.hooked:
                response, outcome, name = await self._hooked(handler, call, threadpool, made)
            elif handler is None:
                response, outcome, name = self._unhandled(envelope.request), "unhandled", ""
            else:
                response = await self._invoke(handler, call, threadpool, made)
                if response is None:
                    # (`ask("…")` without `return`: once a handler)
                    said_dropped_reply(handler, envelope)
                if handler.catch_all or response is None:  # a Stop's ask(), or its silence
                    response = ended(response, envelope.request, handler, self._handling_said)
                outcome, name = "ok", handler.name
            checked = check_reply(response, envelope, self, handler=name)
            body = encode_response(checked, call.session_attributes, answered=call.envelope)
            answer = Answer(body, outcome)
            if made:  # saved once the reply is sure to go out: an apology saves nothing, so a
                # retry is no double; a value JSON cannot hold fails in the name of the code
                # that set it (`Finishing._failed_in`: the handler's, where no hook took them)
                call.running = handler if outcome == "ok" else None
                await self._save(made, call, answer)
            return answer
        except Exception as exc:
            return await self._recover(exc, call, threadpool)
        except BaseException as exc:
            failure = handler_bug(exc, self._failed_in(call, exc))
            if failure is None:
                raise  # the request itself is cancelled (its deadline, a shutdown), or Ctrl-C
            return await self._recover(failure, call, threadpool)

    async def _hooked(
        self, handler: Handler | None, call: Call, threadpool: bool, made: _Made
    ) -> tuple[Response | None, str, str]:
        """The before-request hooks, the handler (unless a hook answered), the after-request
        hooks: the reply, the outcome and who made the reply. Services are made once for all
        of them, in ``made``, for the caller to finish."""
        request, answering = call.envelope.request, handler  # (who made the reply)
        for hook in self.registry.before_hooks:
            if hook.applies(request):
                response = await self._run(hook.handler, call, threadpool, made)
                if response is not None:
                    answering, outcome = hook.handler, "before_request"
                    break
        else:
            if handler is None:
                response, outcome = self._unhandled(request), "unhandled"
            else:
                response, outcome = await self._run(handler, call, threadpool, made), "ok"
                if response is None:
                    said_dropped_reply(handler, call.envelope)
        name = "" if answering is None else answering.name
        if answering is not None and (answering.catch_all or response is None):  # (before the
            # after hooks: they keep the end; None to Stop keeps the session open on a screen)
            response = ended(response, request, answering, self._handling_said)
        response, name = await self._after(call, response, name, threadpool, made)
        return response, outcome, name

    async def _after(
        self,
        call: Call,
        response: Response | None,
        name: str,
        threadpool: bool,
        made: _Made,
    ) -> tuple[Response | None, str]:
        """The reply once the after-request hooks that apply have seen (and changed) it."""
        request, said = call.envelope.request, self._handling_said
        for hook in self.registry.after_hooks:
            if hook.applies(request) and (response is not None or not hook.handler.required):
                call.response = response
                changed = await self._run(hook.handler, call, threadpool, made)
                if changed is not None:
                    if hook.handler.catch_all:  # it may reopen the end of a Stop (leaving.py)
                        changed = kept_ended(response, changed, request, hook.handler, said)
                    response, name = changed, hook.handler.name
        return response, name

    async def _run(
        self, code: Handler, call: Call, threadpool: bool, made: _Made
    ) -> Response | None:
        """`_invoke`, where hooks run: ``code`` noted as what set the attributes it takes, for
        the line of a value their save refuses (where none run, the handler is all there is)."""
        kinds = settable(code, made)
        response = await self._invoke(code, call, threadpool, made)
        if kinds:
            set_by(call, code, kinds, made)
        return response

    async def _invoke(
        self,
        handler: Handler,
        call: Call,
        threadpool: bool,
        made: _Made,
    ) -> Response | None:
        """Call ``handler`` with its arguments: its reply. The services it asks for are made
        (unless in ``made``: an earlier hook of the answer made them) and added to ``made``, for
        the caller to finish once the reply is good."""
        for service_type in handler.services:
            if service_type not in made:
                create = self._services[service_type][0]
                call.making = service_type
                made[service_type] = call.services[service_type] = await create(call)
                if cancelled_from_outside(self._watchdog, call.watched):  # (as a handler's)
                    raise swallowed(self._step(call))
        call.making = None
        call.running = handler
        kwargs = handler.arguments(call)
        translations = self.translations
        # While it runs, alexaskill.i18n's _() speaks the request's language (a def handler's
        # thread runs in a copy of this context).
        token = (
            None if translations is None else translations.activate(call.envelope.request.locale)
        )
        try:
            if handler.is_async:
                result = await handler.func(**kwargs)
                # A cancellation it caught (`except BaseException`) goes on: else the task ends
                # as if never cancelled. (No await since: this is the handler's doing.)
                if cancelled_from_outside(self._watchdog, call.watched):
                    raise swallowed(failed_in(self.registry, handler))
            elif threadpool and handler.pace.inline and self.def_handlers == "adaptive":
                # Its calls proved quick in threads: inline, saving the hop (alexaskill.pace).
                result = handler.pace.call(handler.func, kwargs, handler.name)
            elif threadpool:
                # A def handler may block, so it runs in a worker thread; alexaskill.threads
                # hops there and back for a fraction of what starlette's run_in_threadpool
                # (anyio) costs, and times the call for alexaskill.pace. Imported here: it
                # loads asyncio, ~18 ms of an AWS Lambda cold start that needs none.
                from .threads import run_sync

                pace = handler.pace if self.def_handlers == "adaptive" else None
                if call.deadline is None:
                    result = await run_sync(handler.func, kwargs, pace)
                else:
                    # A result that comes too late is said once (alexaskill.late_results).
                    late = LateResult(handler, call)
                    call.queued = handler.name
                    try:
                        result = await run_sync(late.run, kwargs, pace)
                    except BaseException as exc:
                        late.given_up(exc)
                        raise
            elif call.deadline is None:
                result = handler.func(**kwargs)
            else:
                # AWS Lambda: a thread of its own, so that the deadline can stop waiting for it.
                seconds = call.deadline - time.perf_counter()
                result = call_in_thread(
                    handler.func,
                    kwargs,
                    seconds,
                    lambda _seconds, error: report_late(handler, call, error),
                )
        finally:
            if translations is not None and token is not None:
                translations.deactivate(token)
        if call.deadline is not None and call.caught is None:
            _note_overrun(call, call.deadline, handler)
        if result is not None and not isinstance(result, Response):
            raise not_a_reply(handler, result, failed_in(self.registry, handler))
        call.running = None
        return result

    def _unhandled(self, request: Request) -> Response | None:
        if isinstance(request, IntentRequest):
            name = request.intent.name
            if name in LEAVING:
                return unhandled(name)  # the user wants out: the session ends
            self._handling_said.warn(logger, self.registry.no_handler_warning(name))
            return ask(
                self._say(UNHANDLED, request),
                reprompt=self._say(messages.UNHANDLED_REPROMPT, request),
            )
        if isinstance(request, LaunchRequest):
            self._handling_said.warn(
                logger,
                "no handler for LaunchRequest and no fallback: the user who opens the skill "
                "hears nothing; add @skill.launch, or a @skill.fallback",
            )
        return None

    async def _recover(self, exc: Exception, call: Call, threadpool: bool) -> Answer:
        if cancelled_from_outside(self._watchdog, call.watched):
            # Code that caught the request's cancellation from outside and raised ``exc``
            # instead (a client library's own error): the cancellation goes on, else the task
            # ends as if never cancelled; no exception handler runs in a task being cancelled
            # (its code would be said to have caught it). (The failure path only: no cost.)
            raise swallowed(self._failed_in(call, exc), instead=exc) from exc
        # The consent card below is the default handler of PermissionRequired, and asking again
        # that of SlotError: only a handler registered for the class (or a subclass) replaces
        # it, not one for AlexaApiError or Exception.
        stop_at = SlotError if isinstance(exc, SlotError) else PermissionRequired
        handler = self.registry.exception_handler(exc, stop_at=stop_at)
        # A save failed, the deadline stood down for it: back in force, unless already past.
        if handler and call.finishing is not None and not self._watch_again(call, handler):
            handler = None
        if handler is not None:
            call.exception = exc
            call.making = call.finishing = None  # (the failed code's steps: handled now)
            if getattr(call, "setters", None):  # (what it set: its attributes are made again)
                del call.setters
            try:
                # Its services are made again (each service's create decides what it takes over
                # from the failed code's), and the after-request hooks share them.
                made: _Made = {}
                reply = await self._invoke(handler, call, threadpool, made)
                reply = ended(reply, call.envelope.request, handler, self._handling_said)
                name = handler.name
                if self.registry.after_hooks:
                    reply, name = await self._after(call, reply, name, threadpool, made)
                response = check_reply(reply, call.envelope, self, handler=name)
                body = encode_response(response, call.session_attributes, answered=call.envelope)
                answer = Answer(body, "exception_handler")
                if made:  # once the reply is good, as in _answer (nothing to save: no wait
                    # for it, which past the grace would take its cancellation, reply dropped)
                    await self._save(made, call, answer)
                return answer
            except Exception as failure:
                if cancelled_from_outside(self._watchdog, call.watched):  # (as above)
                    raise swallowed(self._failed_in(call, failure), instead=failure) from failure
                if not self._said_too_large(call, failure):
                    step = self._finishing(call, failure)
                    if not step and (setter := self._setter(call)) is not None:
                        step = failed_in(self.registry, setter)  # (a hook's value refused)
                    self._said_failed(failure, *_failed_after(step, handler))
                self._tell(failure, call.envelope)
                return Answer(self._apology_body(call), "handler_error")
            except BaseException as escaped:
                # sys.exit() and the like: the same bugs as in a handler (see _answer).
                step = self._finishing(call, escaped)
                bug = handler_bug(escaped, step or f"exception handler {handler.name}")
                if bug is None:
                    raise
                logger.error(*_failed_after(step, handler), exc_info=bug)
                self._tell(bug, call.envelope)
                return Answer(self._apology_body(call), "handler_error")
        silent = self._silent_reply(call)
        probe = call.envelope.request.type == _PROBE
        if isinstance(exc, SlotError) and probe and silent is not None:
            # A CanFulfillIntentRequest without the slot (Alexa's probes often come so): NO.
            # (A SlotError elsewhere where Alexa takes no speech is a bug: logged below.)
            logger.info("%s; answered without it", exc)
            return Answer(encode_response(silent), "slot_retry")
        if isinstance(exc, SlotError | PermissionRequired) and silent is None:
            if isinstance(exc, SlotError):
                request = call.envelope.request
                intent = getattr(getattr(request, "intent", None), "name", None)
                try:
                    question = ask_again(
                        request,
                        exc,
                        self._declared_slot(intent, exc.slot_name),
                        self.translations,
                        lambda message: self._say(message, request),
                    )
                except Exception as failure:
                    # A prompt Alexa would refuse (a catalog's translation, said at start: the
                    # prompt as written fails where declared): the user hears the apology, as for
                    # any failure, never a 500; the line says why, as a handler's failure does.
                    self._said_failed(failure, "asking again for %s failed", exc.slot_name)
                    self._tell(failure, call.envelope)
                    return Answer(self._apology_body(call), "handler_error")
                where = f"{bounded(intent)}: " if intent else ""
                logger.info(ASKING_AGAIN_LINE, where, exc, question.source)
                outcome = "slot_retry"
            else:
                # Amazon's guidance: say what is missing, and send the consent card for it.
                logger.info("%s; sending the consent card", exc)
                card = AskForPermissionsConsentCard([exc.scope])
                prompt = self._say(PERMISSION_PROMPT, call.envelope.request)
                question = Question(speak(prompt, card=card), "the consent card")
                outcome = "permission_consent"
            try:
                return Answer(encode_question(question, call), outcome)
            except ResponseError as failure:
                if not self._said_too_large(call, failure):
                    self._said_failed(failure, "session attributes do not encode")
                self._tell(failure, call.envelope)
                return Answer(self._apology_body(call), "handler_error")
        request = call.envelope.request
        if isinstance(exc, StoreError):
            what = request_name(request)
            self._said_store_failure(exc, "attributes not loaded or saved for %s", what)
        elif not self._said_too_large(call, exc):
            who = self._failed_in(call, exc)
            where = request_name(request) + (f" ({who})" if who else "")
            self._said_failure(exc, where)
        self._tell(exc, call.envelope)
        return Answer(self._apology_body(call), "handler_error")

    def _declared_slot(self, intent: str | None, slot: str) -> DialogSlot | None:
        """The dialog declaration of ``slot`` of ``intent``, if its handler declared one."""
        declaration = None if intent is None else self.intent_declarations.get(intent)
        dialog = None if declaration is None else declaration.dialog
        return None if dialog is None else dialog.slots.get(slot)
