"""A web server run in AWS Lambda (the Lambda Web Adapter's uvicorn): Lambda's SIGTERM, as it
shuts the instance down, said in one WARNING when the skill's requests are still under way.

Lambda sends SIGTERM only to a function with an extension registered (AWS's "Graceful shutdown
with AWS Lambda" sample: without one the runtime's process gets SIGKILL alone, and nothing can
be said). The Lambda Web Adapter is one, an external extension: behind it the SIGTERM always
comes, to the process Lambda started, the server itself when the function's start script
``exec``s it (a shell left in between gets it instead), on any Python version (the 3.8 to 3.11
runtimes' caveat is the runtime's own Python process's, behind Mangum: `hook_stop` puts nothing
there). Lambda's SIGKILL follows that SIGTERM by 300 ms (500 with an internal extension) of its
2-second Shutdown phase.

Lambda shuts an instance down with a request under way once an invocation is past the
function's timeout (AWS's "Lambda execution environment" page: a timeout resets the
environment, which behaves as a Shutdown); the adapter sets no time limit of its own on a
request (its settings bound its readiness check and idle connections only). The skill's
deadline answers before that timeout where the request tells its invocation's time left
(`alexaskill.lambda_web`: the adapter's ``x-amzn-lambda-context`` header), unless the skill has
no deadline (``deadline=None``: the invocation's time is not applied then) or a handler holds up
the event loop, where the deadline cannot act; only where a request tells no time (a Lambda web
function) does the skill's own deadline have to be set below the function's timeout. So the
WARNING says those, not one rule.

uvicorn waits for the requests under way before the lifespan's shutdown, so with one there the
process was killed with nothing said: not the requests cut, nor the stores left unclosed. The
server tells the app nothing at the SIGTERM, so the lifespan's start puts a handler of its own
in front of uvicorn's (`hook_sigterm`), which reads the count the requests keep anyway
(`Handling._in_flight`): nothing is paid per request. A skill mounted in a host app runs no
lifespan of its own: ``alexaskill serve`` puts one for each skill a host app mounts
(`alexaskill.cli.serve_closing`), ``uvicorn portal:app`` none (README, "A complete skill").

Behind Mangum, and under `alexaskill.aws_lambda.handler`, in the Lambda runtime's own process,
SIGTERM's handler is the default: the process dies of it at once, and the counts of repeated
warnings whose window is still open (behind Mangum each invocation's end says those that have
ended; the handler's timer runs only while an invocation does) were never said.
`say_at_sigterm` puts a handler there that says them, then ends the process by the signal as
the default did. It is
put only where the runtime lets Python see the signal between invocations: its Python 3.12
runtime and later (``AWS_EXECUTION_ENV`` ``AWS_Lambda_python3.12`` on), whose client waits for
the next invocation in a thread (awslambdaric's ``use_thread_for_polling_next``). The 3.8 to
3.11 runtimes' client waits in native code that never returns to Python on a signal
(aws-lambda-python-runtime-interface-client issue 105), and so does awslambdaric without
``AWS_EXECUTION_ENV`` (a container image of one's own): a handler there never ran at the
instance's end, and the process, which the default ended at once, lived on to Lambda's SIGKILL,
300 ms on, nothing said; none is put there. An invocation past its timeout, cut by the SIGTERM,
may have a count's line come amid one of its own (or, caught inside a count, none: the SIGKILL
ends it as before).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from .server_stop import hook_stop

if TYPE_CHECKING:
    import asyncio

__all__ = ["hook_sigterm", "say_at_sigterm"]

logger = logging.getLogger("alexaskill")

#: What `say_at_sigterm` was given, by its owner's id (a skill's): a weak reference each, gone
#: with its skill.
_says: dict[int, weakref.WeakMethod[Callable[[], None]]] = {}


def hook_sigterm(
    name: str | Callable[[], str], in_flight: Callable[[], int], loop: asyncio.AbstractEventLoop
) -> Callable[[], None] | None:
    """`hook_stop`, whose SIGTERM says, if ``in_flight()`` requests are under way, a WARNING
    naming how many (said on ``loop``), before uvicorn's own handler runs; the skill named by
    ``name``, or by what ``name()`` gives then (a mounted skill's `log_name`, which its first
    request may set: `alexaskill.cli.serve_closing`). What takes it away
    again (the lifespan's shutdown), or None where nothing was put (`hook_stop`'s cases: off the
    main thread; no uvicorn server's handler, as behind Mangum, in the Lambda runtime's own
    process, where SIGTERM's is the default, which dies of the signal at once, or one the
    function set of its own, left as it is)."""

    def on_stop(signum: int) -> None:
        count = in_flight() if signum == signal.SIGTERM else 0
        if count:
            # Said on the loop, not here: a signal's handler runs between any two bytecodes of
            # the main thread, which may be inside a log handler's write (a line of its own
            # half written); the loop runs it at its next turn, well within the 300 ms.
            with contextlib.suppress(RuntimeError):  # (a closed loop: nothing is under way)
                loop.call_soon_threadsafe(_say, name, count)

    return hook_stop(on_stop, loop)


def _say(name: str | Callable[[], str], count: int) -> None:
    logger.warning(
        "AWS Lambda is shutting this instance down (SIGTERM) with %d %s to %s under way: it "
        "ends the process 300 ms later (500 with an internal extension), before the server has "
        "answered %s or closed the skill's stores (what they had yet to write is lost). Lambda "
        "shuts an instance down with a request under way once its invocation is past the "
        "function's timeout. The skill's deadline answers before that where the request tells "
        "the invocation's time left (the Lambda Web Adapter's header does), unless the skill "
        "has no deadline (deadline=None) or a handler holds up the event loop (a blocking call "
        "in an async def); where it tells none, keep the deadline below the function's timeout",
        count,
        "request" if count == 1 else "requests",
        name if isinstance(name, str) else name(),
        "it" if count == 1 else "them",
    )


def say_at_sigterm(say: Callable[[], None]) -> None:
    """Behind Mangum on AWS Lambda, or under `alexaskill.aws_lambda.handler`: have ``say`` (a
    skill's `_say_unsaid`, a bound method, followed weakly) run at Lambda's SIGTERM as it shuts
    the instance down, before the process dies of it (the module's docstring). Put at the
    skill's first request behind Mangum (its lifespan "auto" or "off"), at the handler's start
    of the skill; the handler put in the main thread only, where SIGTERM's is the default: one the
    function set of its own (AWS's graceful shutdown sample) is left as it is, and runs alone.
    Nothing done where the runtime would never run it (`_runtime_runs_handler`)."""
    if not _runtime_runs_handler():
        return
    owner = getattr(say, "__self__", None)
    key = id(owner)
    if key in _says:  # (once a skill)
        return
    try:
        _says[key] = weakref.WeakMethod(say)
        weakref.finalize(owner, _says.pop, key, None).atexit = False
    except TypeError:  # (no bound method, or one no weak reference follows: not said)
        return
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _say_and_die)


def _runtime_runs_handler() -> bool:
    """Whether the Lambda runtime lets a SIGTERM handler of Python's run between invocations:
    its Python 3.12 runtime and later, whose client waits for the next in a thread
    (``AWS_EXECUTION_ENV``, as awslambdaric reads it), not the 3.8 to 3.11 ones, nor awslambdaric
    without it (the module's docstring)."""
    runtime = os.environ.get("AWS_EXECUTION_ENV", "")
    prefix = "AWS_Lambda_python3."
    minor = runtime[len(prefix) :] if runtime.startswith(prefix) else ""
    return minor.isdecimal() and int(minor) >= 12


def _say_and_die(signum: int, frame: object) -> None:
    """Lambda's SIGTERM in the runtime's own process: each skill's counts said
    (`say_at_sigterm`), then the process ended by the signal, as the default handler ends it."""
    for follow in list(_says.values()):
        say = follow()
        if say is None:
            continue
        try:
            say()
        except Exception:  # (the next skill's said still; the end is the signal's)
            logger.exception("saying the warnings' counts at AWS Lambda's SIGTERM failed")
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)
