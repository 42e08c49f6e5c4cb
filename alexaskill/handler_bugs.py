"""Which exceptions that are no `Exception`, raised by a handler, are its bug; what a handler
returned that is no reply; a cancellation from outside that it caught (`swallowed`).

`alexaskill.answering` answers a handler's bug with the apology and lets the rest go on up: the
request's own cancellation (the deadline's), or a Ctrl-C.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from types import CoroutineType
from typing import TYPE_CHECKING, Final

from .articles import type_with_article
from .builtin_intents import BUILTIN_INTENTS
from .deadline import Expired
from .exceptions import NotAResponse
from .handler_signature import describe, wrapped_coroutine_function
from .log_lambda import on_lambda
from .log_values import MAX_VALUE, cut
from .own_cancellation import cancelled_here, is_cancellation, is_trio_cancellation
from .server_stop import pythons_sigint, shutdown_cancels, stopped_by
from .typos import NAME_OF_WORDS, meant

if TYPE_CHECKING:
    from .dispatch import Registry
    from .injection import Handler

__all__ = [
    "LAMBDA_CANCELLER",
    "LAMBDA_WEB_CANCELLER",
    "LAMBDA_WEB_OWN",
    "LAMBDA_WEB_SHUTDOWN",
    "as_raised",
    "caught_cancellation",
    "failed_in",
    "handler_bug",
    "is_not_a_reply",
    "let_through_by",
    "meant_intent",
    "no_handler",
    "not_a_reply",
    "server_shutdown",
    "service_step",
    "swallowed",
    "typo_advice",
]

logger = logging.getLogger("alexaskill")


#: Who raised the last `BaseException` that `handler_bug` let go on up, or caught the request's
#: cancellation (`swallowed`), in this context (an AWS Lambda invocation's): what
#: `let_through_by` tells.
_LET_THROUGH_BY: ContextVar[str] = ContextVar("alexaskill_let_through_by", default="")


def let_through_by() -> str:
    """Who raised the `BaseException` that left the answering (`failed_in`'s words), for the
    AWS Lambda handler's line; "" when unknown."""
    return _LET_THROUGH_BY.get()


def as_raised(exc: BaseException) -> Exception:
    """``exc`` as the handler's failure in its log line: an `Exception` as it is (on AWS Lambda,
    the `ResponseError` of a reply its runtime could not send), any other said in a RuntimeError
    that names it (a KeyboardInterrupt let through), caused by it."""
    if isinstance(exc, Exception):
        return exc
    failure = RuntimeError(f"the handler raised {type(exc).__name__}")
    failure.__cause__ = exc
    return failure


def handler_bug(exc: BaseException, who: str = "") -> RuntimeError | None:
    """A `BaseException` that is no `Exception` as the handler's bug, to be answered with the
    apology; None when it must go on up: the request's own cancellation, or a Ctrl-C.

    ``sys.exit()``, ``GeneratorExit``, a class of the skill's own are bugs: the worker never
    ends for them. A KeyboardInterrupt too, except on the main thread while Python's own SIGINT
    handler is in place (a Ctrl-C raises it there): a server takes the signal itself (uvicorn's
    handler stops it gracefully) and a ``def`` handler runs in a thread, where no signal goes.
    ``who`` names the code that raised it (`failed_in`); "" says "the handler".
    Who raised one that goes on up is noted, for `let_through_by`.
    """
    failure = _handler_bug(exc, who)
    if failure is None:
        _LET_THROUGH_BY.set(who)
    return failure


def _handler_bug(exc: BaseException, who: str) -> RuntimeError | None:
    """`handler_bug`, without the note."""
    who = who or "the handler"
    if isinstance(exc, SystemExit):
        failure = RuntimeError(f"{who} raised SystemExit({_shown(exc.code)})")
    elif isinstance(exc, Expired) or (isinstance(exc, KeyboardInterrupt) and _ctrl_c_possible()):
        return None  # the deadline's, or maybe a Ctrl-C
    else:
        if cancelled_here(exc):  # the request's own (its deadline, a shutdown)
            return None
        if is_trio_cancellation(exc):
            return None  # a cancel scope's, around the request (its deadline, a shutdown)
        if is_cancellation(exc):  # a stray one: a task it awaited was cancelled elsewhere
            failure = RuntimeError(
                f"{who} let a CancelledError out: a task it awaited was cancelled, not the request"
            )
        else:
            failure = RuntimeError(f"{who} raised {type(exc).__name__}")
    failure.__cause__ = exc
    return failure


def swallowed(
    who: str, sent: BaseException | None = None, *, instead: Exception | None = None
) -> BaseException:
    """The ``CancelledError`` to raise again for the request's task, cancelled from outside (a
    server's shutdown, a caller's timeout; on AWS Lambda, the skill's own code: `_from_outside`),
    after ``who`` (`failed_in`'s words) caught it and
    returned, or raised ``instead`` (said with its traceback): said at ERROR, since the task
    would otherwise end as if never cancelled, and whoever cancelled it wait on for it.
    ``sent``, if given, is the one raised instead: a `FinishedCancellation`, whose reply is
    sent first (``who`` finished a service once it was made). The one caught, if ``instead``
    still holds it (`caught_cancellation`), tells who cancelled, and its text goes on with the
    one raised again."""
    caught = caught_cancellation(instead)
    logger.error(
        "%s caught the CancelledError of its request's cancellation from outside (%s) and %s: "
        "the request is cancelled still, %s. Let CancelledError through (catch Exception, not "
        "BaseException).",
        who,
        _from_outside(caught),
        "returned" if instead is None else f"raised {type(instead).__name__} instead",
        "and answered as such" if sent is None else "once its reply is sent",
        exc_info=instead,
    )
    # Who the cancellation stopped, for the WARNING of the request answered as cancelled
    # (`let_through_by`): a catch that raised ``instead`` reaches no `handler_bug` to note it.
    _LET_THROUGH_BY.set(who)
    if sent is not None:
        return sent
    from .finished_cancellation import SaidCancellation  # (loads asyncio: a task runs)

    return SaidCancellation(caught)


#: How many exceptions back from what code raised instead `caught_cancellation` looks (their
#: causes and contexts): code that failed while cleaning up after the catch adds one or two.
_CHAIN_LOOKED_AT: Final = 16


def caught_cancellation(instead: BaseException | None) -> BaseException | None:
    """The ``CancelledError`` that code caught and raised ``instead`` in place of, if still at
    hand: its ``__cause__`` (``raise … from``) or ``__context__`` (raised in the ``except``,
    ``from None`` too), or one of theirs; None when not (the code returned: it is lost). Its
    text tells the server's shutdown from a caller's timeout (`server_shutdown`)."""
    # (Only when code caught it: no request's path pays for the walk.)
    looked: set[int] = set()
    chain = [instead]
    while chain and len(looked) < _CHAIN_LOOKED_AT:
        exc = chain.pop(0)
        if exc is None or id(exc) in looked:
            continue
        looked.add(id(exc))
        if is_cancellation(exc):
            return exc
        chain += [exc.__cause__, exc.__context__]
    return None


#: What cancels an invocation of the AWS Lambda handler (`alexaskill.aws_lambda`), where no
#: server runs: neither Lambda's runtime nor the function's timeout (it stops the function,
#: cancelling nothing), so the skill's own code (a task it cancelled), or the asyncio Runner's
#: Ctrl-C in a local run. Said by `swallowed` and by the Lambda handler's WARNING of a request
#: answered as cancelled, in these words alone.
LAMBDA_CANCELLER: Final = (
    "the skill's own code: neither Lambda's runtime nor the function's timeout cancels an "
    "invocation; or a Ctrl-C, run locally"
)
#: What cancels a request of the skill's ASGI app served in AWS Lambda (behind Mangum, the
#: Lambda Web Adapter: `alexaskill.lambda_web`) while the server is not stopping (no SIGTERM
#: seen: `alexaskill.server_stop`): the skill's own code. Lambda cancels no invocation (its
#: timeout ends the function), and behind Mangum no server runs at all. Said by `swallowed` and by
#: the WARNING of a request answered as cancelled (`alexaskill.handling`), in these words alone.
LAMBDA_WEB_CANCELLER: Final = (
    "the skill's own code: neither Lambda nor the function's timeout cancels a request, and no "
    "SIGTERM has stopped the server"
)
#: What cancels it there once the server got Lambda's SIGTERM: the server's shutdown (the Lambda
#: Web Adapter's uvicorn past its graceful timeout), as Lambda ends the instance.
LAMBDA_WEB_SHUTDOWN: Final = "the server shutting down at Lambda's SIGTERM, as it ends the instance"
#: What cancels it there once the server got Lambda's SIGTERM, when not its shutdown (its
#: cancellation's text is not uvicorn's: `alexaskill.server_stop.shutdown_cancels`): the
#: skill's own code still (a middleware's timeout around it), raised on after the answer.
LAMBDA_WEB_OWN: Final = (
    "the skill's own code, as the server stops at Lambda's SIGTERM: not its shutdown, whose "
    "cancellation says so (uvicorn's text), and neither Lambda nor the function's timeout "
    "cancels a request"
)
#: What cancels a request from outside, as `swallowed` says it: a web server's shutdown, a
#: caller's timeout; on AWS Lambda, `LAMBDA_CANCELLER`; served in it, `LAMBDA_WEB_CANCELLER`;
#: the server stopping on a signal, `server_shutdown`'s words.
_FROM_OUTSIDE: Final = "the server shutting down, a caller's timeout"
_FROM_OUTSIDE_ON_LAMBDA: Final = f"on AWS Lambda, {LAMBDA_CANCELLER}"
_FROM_OUTSIDE_IN_LAMBDA: Final = f"in AWS Lambda, {LAMBDA_WEB_CANCELLER}"
#: Why the server's stop signal alone says what cancelled a request whose code caught it and
#: returned (`server_shutdown`), after what it may be.
_TEXT_LOST: Final = "its text, which tells them apart, went with the catch"


def server_shutdown(in_lambda: bool, cancellation: BaseException | None) -> str:
    """What cancelled a request from outside once the server is stopping on a signal, in the
    words of `swallowed` and of the WARNING of a request answered as cancelled (``in_lambda``:
    the skill's ASGI app run in AWS Lambda); "" while it is not stopping. Told by
    ``cancellation``'s text (`alexaskill.server_stop.shutdown_cancels`): uvicorn's, the
    server's shutdown past its graceful timeout, which ends with the answer; else "" (a
    caller's timeout, said as with no signal seen), or in AWS Lambda `LAMBDA_WEB_OWN`: both
    raised on. None for one that code caught and lost (it returned: `caught_cancellation`),
    which is raised on too: the signal says what it may be, and the other it may be."""
    signal = stopped_by()
    if not signal:
        return ""
    lambdas = in_lambda and signal == "SIGTERM"
    if lambdas:
        shutdown = LAMBDA_WEB_SHUTDOWN
    else:
        shutdown = f"the server shutting down ({signal}), past its --timeout-graceful-shutdown"
    if cancellation is None:
        other = "the skill's own code" if in_lambda else "a caller's timeout"
        return f"{shutdown}, or {other}: {_TEXT_LOST}"
    if shutdown_cancels(cancellation):
        return shutdown
    return LAMBDA_WEB_OWN if lambdas else ""


def _from_outside(caught: BaseException | None) -> str:
    """What cancelled the request from outside, by where it runs (`_FROM_OUTSIDE`) and, as the
    server stops, by the cancellation ``caught`` (None: lost, `server_shutdown`)."""
    # Looked up, not imported (the Lambda handler is above this module): set in the context of
    # an invocation the Lambda handler answers on its event loop, where a task can be cancelled.
    lambda_loop = sys.modules.get("alexaskill.lambda_loop")
    if lambda_loop is not None and lambda_loop.ON_THE_LOOP.get():
        return _FROM_OUTSIDE_ON_LAMBDA
    # Else, in a Lambda function's process, the skill's ASGI app (behind Mangum, the Lambda Web
    # Adapter). (Its environment read at each call: only a cancellation caught comes here.)
    in_lambda = on_lambda()
    shutdown = server_shutdown(in_lambda, caught)
    if shutdown:
        return shutdown
    return _FROM_OUTSIDE_IN_LAMBDA if in_lambda else _FROM_OUTSIDE


def _shown(value: object) -> str:
    """``repr(value)``, or what it is when its ``__repr__`` raises (a handler's object: the
    error about it must not fail in turn)."""
    try:
        return repr(value)
    except Exception:
        return f"<{type(value).__name__} object: its repr() failed>"


def failed_in(registry: Registry, running: Handler | None, step: str = "") -> str:
    """Who raised, for the log line of a failed request: the handler (or fallback) by its name,
    a hook or an exception handler as one ("the before-request hook module.check"), else
    ``step``, the service being made or finished when none of them was running (`service_step`:
    "the store's load of Attributes"); "" when nothing was (a reply broke one of Alexa's
    rules)."""
    if running is None:
        return step
    for when, hooks in (("before", registry.before_hooks), ("after", registry.after_hooks)):
        if any(hook.handler is running for hook in hooks):
            return f"the {when}-request hook {running.name}"
    if any(handler is running for handler in registry.exception_handlers.values()):
        return f"the exception handler {running.name}"
    return ("the fallback " if running is registry.fallback else "") + running.name


def service_step(kind: type, by: Callable[..., object], *, finishing: bool = False) -> str:
    """The making of a service of type ``kind`` by its function ``by`` (`Skill.add_service`'s
    ``create``), or with ``finishing`` its finishing by ``finish``, in the words of the log
    ("the making of the service Db by app.open_db"); for attributes, the store's load or save
    ("the store's load of Attributes"), alexaskill's own functions, no name of the skill's."""
    from .store.attributes import _StoredAttributes  # (only when a request failed or is late)

    if issubclass(kind, _StoredAttributes):
        return f"the store's {'save' if finishing else 'load'} of {kind.__name__}"
    step = "finishing" if finishing else "making"
    return f"the {step} of the service {kind.__name__} by {describe(by)}"


def _ctrl_c_possible() -> bool:
    """Whether a KeyboardInterrupt here may come from a Ctrl-C (see `handler_bug`): on the main
    thread, with Python's SIGINT handler or ``asyncio.run``'s (which raises it at a second
    Ctrl-C) in place."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return False
    return pythons_sigint(signal.getsignal(signal.SIGINT))


def is_not_a_reply(exc: BaseException) -> bool:
    """Whether ``exc`` is `not_a_reply`'s error, said in one line without its traceback: the
    traceback holds alexaskill's frames alone, the message names the handler and the fix (a
    `NotAResponse` the skill raised itself is not)."""
    return isinstance(exc, NotAResponse) and exc._returned


#: The fix for a result of these types (or a subclass: markupsafe's Markup, an OrderedDict),
#: after the general rule: what a newcomer returns most.
_FIXES: Final[dict[type, str]] = {
    str: ": return speak(text) to end the session, ask(text) to keep it open",
    dict: ": a dict is not sent as it is (Response(…) takes its fields)",
}


def not_a_reply(handler: Handler, result: object, who: str = "") -> NotAResponse:
    """The error for ``result``, returned by ``handler``, which is no `Response` (nor None);
    ``who`` is `failed_in`'s name of it (the fix then names a hook as a hook)."""
    error = NotAResponse(_not_a_reply(handler, result, who), handler=handler.name)
    error._returned = True
    return error


def _not_a_reply(handler: Handler, result: object, who: str) -> str:
    """`not_a_reply`'s message."""
    if isinstance(result, CoroutineType):
        called = result.__qualname__
        result.close()  # never to run: no "never awaited" RuntimeWarning when it is collected
        name = handler.name
        role = who.removesuffix(name).strip() if who.startswith("the ") else ""
        if handler.is_async:
            fix = "await it"
        elif wrapped_coroutine_function(handler.func) is not None:
            # A decorator's def wrapper (functools.wraps: it has the handler's name).
            name, fix = (
                f"the wrapper of {name}",
                "make the wrapper of it async def and await the call",
            )
        else:
            fix = f"make {role or 'the handler'} async def and await it"
        return f"{name} returned a coroutine ({called}() called without await): {fix}"
    fix = next((fix for kind, fix in _FIXES.items() if isinstance(result, kind)), "")
    return (
        f"{handler.name} returned {type_with_article(result)}; a handler returns a Response "
        f"(from speak(), ask(), …) or None{fix}"
    )


def no_handler(name: str, handled: Iterable[str | None]) -> str:
    """The warning for intent ``name``, which has no handler and the skill no fallback: it names
    the handled intent (of ``handled``) it looks like, a typing mistake in either spelling."""
    meant = meant_intent(name, handled)
    name = cut(name)  # the request's: bounded in the line, as the request line's values are
    if meant is None:
        return (
            f"no handler for intent {name!r} and no fallback: add @skill.intent({name!r}), or a "
            "@skill.fallback for every intent without a handler"
        )
    return (
        f"no handler for intent {name!r} and no fallback; {typo_advice(name, meant)}; or add "
        "a @skill.fallback for every intent without a handler"
    )


def meant_intent(name: str, handled: Iterable[str | None]) -> str | None:
    """The intent of ``handled`` (with a handler) that the request's intent ``name`` (without)
    looks like a typo of, or is one of: the closest, or None. The one guess of the warning with
    no fallback (`no_handler`) and with one answering it (`Registry.resolve`)."""
    # Built-in names look alike (AMAZON.NextIntent, AMAZON.PauseIntent), and a misspelt one is
    # refused at registration: only custom ones are compared. A name too long to be one is not
    # (difflib takes seconds on megabytes): one that is compared is short, shown whole.
    if name.startswith("AMAZON.") or len(name) > MAX_VALUE:
        return None
    custom = [each for each in handled if each and "." not in each]
    # (``name`` has no handler: it may be a typo of one that has, however alike two handled
    # names are; not where it differs by another word, of theirs or of Amazon's built-in
    # intents: TurnOffIntent is no typo of TurnOnIntent, Off being AMAZON.LoopOffIntent's.)
    return meant(name, custom, cutoff=NAME_OF_WORDS, real=BUILTIN_INTENTS)


def typo_advice(name: str, close: str) -> str:
    """The two fixes for intent ``name`` (a request's, compared only when short), with no handler
    while ``close``, a name like it, has one: the handler's spelling, or the request's. Said
    alike with no fallback (`no_handler`) and with one answering it (`Registry.resolve`)."""
    return (
        f"is the handler of {close!r} meant for it? Name it as the interaction model does, "
        f"@skill.intent({name!r}), or, where the request misspells it (a test's, a request "
        f"file's), send {cut(close)!r}"
    )
