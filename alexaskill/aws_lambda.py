"""AWS Lambda: answer Alexa's events with the same dispatch as the web service.

    # lambda_function.py; set the function's handler to "lambda_function.handler"
    from alexaskill import ConfigurationError, settings_from_env
    from alexaskill.aws_lambda import handler as lambda_handler
    from myskill import skill

    try:
        settings_from_env().configure_logging()  # ALEXASKILL_LOG_*; else no request line (INFO)
    except ConfigurationError as exc:  # in one line, as the handler ends the start (below)
        raise SystemExit(f"alexaskill: {exc}") from None
    handler = lambda_handler(skill)

The README's "AWS Lambda" section has the packaging, the function's settings and its
environment variables.

Logs: on Lambda, ``configure_logging`` (``settings_from_env().configure_logging()``) hands
alexaskill's records to the handler the Lambda runtime puts on the root logger, which sends each
one, a traceback included, as one CloudWatch event with the invocation's request id, in the
function's log format (Text, or JSON). ``ALEXASKILL_LOG_LEVEL`` sets their level;
``ALEXASKILL_LOG_JSON=1`` on a function whose log format is Text writes alexaskill's own JSON
lines (one a record, with ``aws_request_id``) instead. Each invocation notes its
``context.aws_request_id`` for those lines (`alexaskill.log_lambda`).

Alexa invokes a Lambda function directly: the request is not signed, so nothing here verifies a
signature or a timestamp (and nothing warns about it). The skill-id check remains, and matters
more, since anyone allowed to invoke the function can send any event.

A refused event (not a request envelope, larger than the skill's ``max_body_size`` as JSON, or
for another skill) raises `MalformedRequestError` or `SkillIdError`: Lambda reports the
invocation as failed and Alexa tells the user the skill had a problem. There is never a
half-made response. Alexa never sends an event that is no request envelope at all; a developer
testing the function from the Lambda console does, or a trigger meant for something else: its
error says what came, its shape only (`describe_event`), and what to send instead, and a warning
says it in the log. A warm-up ping from a scheduler is such an event: refused, a failed
invocation each time (there is no warm-up mode).

Errors inside handlers are answered as on the web service: with the spoken apology (or the
skill's exception handler). So is anything else they let out (KeyboardInterrupt,
CancelledError), which Lambda's runtime would not survive.

Each invocation runs on one event loop kept for the life of the Lambda process, so clients bound
to a loop (a Redis connection pool) are reused from one invocation to the next (the skill's
stores close at the process's exit: `alexaskill.lambda_exit`). ``def``
handlers run in worker threads, as on the web service (`Skill(def_handlers=...)` applies): the
loop stays free for what they ask of it (`AlexaApi.call_sync`), and the deadline can stop
waiting for them. A skill whose handlers are all synchronous and ask for no service (no
`Attributes`, no `AlexaApi`), without ``progressive_after``, never awaits anything: it runs
without an event loop, and asyncio is not even imported; its handlers run on the invoking
thread. Either way the handler must be called from synchronous code, as the Lambda runtime does:
called from a running event loop (an async test), it raises a `RuntimeError` that says so
(``await asyncio.to_thread(handler, event, context)`` calls it from async code). Lambda never
overlaps invocations in one process; called from several threads at once, invocations on the
event loop take turns (`alexaskill.lambda_loop.Loop.lock`), and the skill starts once, at the
first (`start_lock`: each skill's own, so that one's slow start holds up no other's;
`alexaskill.lambda_plan`). Called by a handler, whose invocation holds the loop, it raises a
`RuntimeError` (its turn would never come).

The skill's deadline (`Skill(deadline=...)`) holds here too, shortened to the invocation's
remaining time (``context.get_remaining_time_in_millis()``, less `LAMBDA_MARGIN`, and less
`DEADLINE_GRACE` when an exception handler takes `DeadlineExceeded`) when that is smaller: a
function about to time out answers through `DeadlineExceeded` instead, since Lambda would end
it without an answer; the exception handler's grace ends by the remaining time less the
margin. Without an event loop, a ``def`` handler then runs in a thread of its own, waited for
until the deadline. A save of attributes under way (the handler's, or the exception handler's,
begun within its grace) is waited for past the deadline, but only until the remaining time less
the margin: cut short, it may still be made (and made again by the user's retry), but past it
Lambda would end the function with no answer at all, so the deadline's reply goes out instead
(an ERROR line says so, whichever code's save it was). With ``Skill(deadline=None)`` there is
no such bound: nothing is cut short, the save included, and a function past its time is ended
by Lambda unanswered.

A SQLite store (the default) does not suit Lambda: the first invocation warns if a handler uses it.
One whose file could never be made, as the default's in the read-only code directory, fails the
skill's start instead, with a `ConfigurationError` that says what to set (`store.start_check`).
A start that fails so (the author's configuration) is said once, in one ERROR line, and kept:
each invocation of the process fails with it (its request line ``not_started``), the start not
tried again, since an instance's code and settings cannot change (`alexaskill.lambda_start`).
Any other failure of the start is alexaskill's own (``internal_error``), tried again at the next.

This module imports neither the web server nor the certificate machinery, so cold starts stay
short (``benchmarks/bench_cold_import.py``).
"""

from __future__ import annotations

import contextvars
import sys
import time
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Final, Protocol

import msgspec

from .deadline import LAMBDA_MARGIN, lambda_deadline, remaining_time
from .exceptions import ConfigurationError, RequestError, ResponseError
from .handler_bugs import LAMBDA_CANCELLER
from .lambda_events import decode_body, decode_event, describe_event
from .lambda_plan import Plan, plan_of
from .lambda_skill import LambdaAnswer, LambdaSkill
from .lambda_start import check_environment
from .log_lambda import note_invocation
from .logs import INTERNAL_ERROR, NOT_STARTED, log_request, refusal

if TYPE_CHECKING:
    from .models import Envelope

__all__ = [
    "LAMBDA_MARGIN",
    "LambdaHandler",
    "LambdaSkill",
    "decode_event",
    "describe_event",
    "handler",
]


class LambdaHandler(Protocol):
    """What Lambda calls: ``(event, context) -> response``; the context may be left out (a
    test's call), as if None."""

    def __call__(self, event: dict[str, Any], context: Any = None) -> dict[str, Any]: ...


_RESPONSE_DECODER = msgspec.json.Decoder(dict[str, Any])

#: Frames the runtime's encoding of the answer runs in below the frame that called the handler,
#: past the one the handler's own decoding of it takes: awslambdaric's marshal_response, the
#: encoder's encode and iterencode, then simplejson's C encoder, which Python 3.11 counts as
#: frames (measured: a reply the handler's frame decodes 986 levels deep, the runtime's
#: encoding takes 982). Two to spare, for another version of the runtime; every answer pays the
#: six calls (well under a microsecond), where a reply refused for them is ~980 levels deep.
_RUNTIME_ENCODING_FRAMES: Final = 6


def _reply(body: bytes, frames: int = _RUNTIME_ENCODING_FRAMES) -> dict[str, Any]:
    """The reply's body as the answer's dict, decoded ``frames`` calls below this frame: it
    raises RecursionError wherever the runtime's encoding of the answer would."""
    return _reply(body, frames - 1) if frames else _RESPONSE_DECODER.decode(body)


def _too_deep_for_the_runtime() -> ResponseError:
    """The handler's failure for a reply `_reply` could not decode: a refusal of the reply's
    data (`data_refused`), said in one line as the encoder's refusals are."""
    from .responses.encoding import data_refused  # (the skill has loaded it: no cost)

    return data_refused(
        "the reply is nested too deeply for AWS Lambda's runtime to send it: it encodes the"
        " answer again below its own frames, where JSON nested nearly 1,000 levels (a"
        " directive's payload, the session attributes) leaves no room"
    )


#: Why an invocation's task was cancelled, as `_answer_cancelled`'s WARNING says it: nothing
#: cancels one from outside on Lambda (no server shuts down under it), in `swallowed`'s words.
_OWN_CANCEL: Final = f"by {LAMBDA_CANCELLER}"


def handler(skill: LambdaSkill) -> LambdaHandler:
    """The Lambda function for ``skill``: Alexa's event dict in, the response dict out."""
    check_environment()  # (the function's start: a setting that does not parse ends it)
    plans: list[Plan] = []  # the skill's, once known: no lookup at each invocation

    def lambda_handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        # Its id, for the lines of a handler of alexaskill's own: in a copy of the context made
        # for this invocation alone, which its answer runs in (and the threads alexaskill runs
        # def handlers in copy), so a def handler past its deadline, still running while the
        # next invocation is answered, keeps its own id in its lines.
        invocation = contextvars.copy_context()
        envelope: Envelope | None = None
        try:
            # The set-up too (the first invocation's plan): a bug there has its line as well.
            invocation.run(note_invocation, context)
            if not plans:
                plans.append(plan_of(skill))
            plan = plans[0]
            body, envelope = decode_body(event, skill)
            skill.check_skill_id(envelope)
        except RequestError as exc:
            # Its lines in the invocation's context, as all of them: they carry its id.
            invocation.run(log_request, envelope, outcome=refusal(exc))
            # Why, as the web service says it (at most every 10 s a kind): what came, if no
            # Alexa request (a test from the console); the id the event named and ours, which
            # tell a stray event from a mistyped ALEXASKILL_SKILL_ID.
            invocation.run(skill._warn_refused, exc)
            # A refusal, not a crash: the runtime reports the message (and prints a traceback
            # of this frame alone, not one through the parsing of the event).
            raise exc.with_traceback(None) from None
        except Exception as exc:
            if isinstance(exc, ConfigurationError) and not plans:
                # The start failed on the author's configuration (said once, in `plan_of`):
                # the invocation fails, as the web service refuses to start (or answers 500),
                # and Lambda counts it in the function's errors. Raised with this frame alone:
                # the runtime's traceback of alexaskill's checks would say nothing more (the
                # cause its raiser gave is kept, without its traceback: `kept_start_error`).
                invocation.run(log_request, envelope, outcome=NOT_STARTED)
                raise exc.with_traceback(None) from exc.__cause__
            invocation.run(log_request, envelope, outcome=INTERNAL_ERROR)  # alexaskill's bug
            raise
        started = time.perf_counter()
        limit = skill.deadline
        # With an event loop, def handlers run in worker threads as on the web service: the
        # loop stays free for what they ask of it (`AlexaApi.call_sync`), and the deadline
        # stops waiting for them. Without one, on the invoking thread (or a thread of its own
        # under a deadline: `alexaskill.deadline.call_in_thread`).
        answering: Coroutine[Any, Any, LambdaAnswer]
        try:
            if limit is None:  # Skill(deadline=None): no deadline at all
                answering = skill.respond(envelope, threadpool=plan.loop)
            else:
                latest = None
                remaining = remaining_time(context)
                if remaining is not None:
                    limit, latest = lambda_deadline(started, limit, remaining, plan.grace)
                answering = skill._respond_by(
                    envelope,
                    body,
                    started + limit,
                    limit,
                    threadpool=plan.loop,
                    loop=plan.loop,
                    latest=latest,
                )
            try:
                answer = plan.run(answering, invocation)
            except Exception:
                raise  # alexaskill's own bug: its line below
            except BaseException as exc:
                # Anything else would end the runtime's process (awslambdaric catches Exception).
                # Lambda sends the function no SIGINT and cancels no invocation: a KeyboardInterrupt
                # (taken for a Ctrl-C, raised in a def handler's thread, say) or a CancelledError
                # that got here is a handler's bug, answered as on the web service. But not one a
                # service's finish caught (`FinishedCancellation`, said at ERROR already): what it
                # finished is done (the attributes saved), so its reply goes out, as the endpoint
                # sends it; the apology would have the user retry it. (Looked up, not imported:
                # raised only once asyncio and its module are loaded.)
                # Nor one raised again once the code that caught it was said (`swallowed`: a
                # finish that cancelled its own task, then a later one failing, said and told
                # already): answered as cancelled, as the endpoint answers it, not a second time
                # as a handler's bug.
                finished = sys.modules.get("alexaskill.finished_cancellation")
                if finished is not None and isinstance(exc, finished.FinishedCancellation):
                    answer = exc.answer
                elif finished is not None and isinstance(exc, finished.SaidCancellation):
                    answer = invocation.run(skill._answer_cancelled, envelope, body, _OWN_CANCEL)
                else:
                    answer = invocation.run(skill._apology_for, envelope, exc)
            try:
                reply = _reply(answer.body)
            except RecursionError:
                # Encoded from a fresh stack (alexaskill.fresh_stack), or by a handler whose thread
                # was shallower than this one: decoded afresh too, the runtime could still not
                # encode it and would report the invocation failed. Refused as the handler's reply
                # is when it breaks a limit: Alexa gets the apology, a reply it takes.
                # One ERROR line, as a reply refused for nesting on the web service: the reason
                # names the data; a traceback would show this frame, not the handler's code.
                answer = invocation.run(skill._apology_for, envelope, _too_deep_for_the_runtime())
                reply = _RESPONSE_DECODER.decode(answer.body)
        except BaseException:
            # alexaskill's own bug, wherever it came (answering, the apology, the reply's dict):
            # the runtime reports the invocation as failed. Its request line first, as every
            # request has one. A BaseException too: one out of the apology itself (a Ctrl-C the
            # on_handler_error listener raised goes on up) fails the invocation as well.
            invocation.run(log_request, envelope, outcome=INTERNAL_ERROR)
            raise
        handler_ms = (time.perf_counter() - started) * 1000
        invocation.run(log_request, envelope, outcome=answer.outcome, handler_ms=handler_ms)
        return reply

    return lambda_handler
