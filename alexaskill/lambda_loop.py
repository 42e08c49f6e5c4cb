"""AWS Lambda: the event loop the handler answers on, one for the process (`Loop`), or none
for a skill that never awaits anything (`run_inline`)."""

from __future__ import annotations

import _thread
import contextvars
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from .lambda_tasks import run_saying_tasks

if TYPE_CHECKING:
    import asyncio

__all__ = ["ON_THE_LOOP", "Loop", "run_inline"]

T = TypeVar("T")


class Loop:
    """The process's one event loop, made on the first invocation (asyncio loads only then).

    Each invocation runs in a fresh copy of the invoking thread's context variables, as each
    request of the web service does: a value one user's invocation set is not the next one's
    (the Runner would otherwise run every invocation in the one context it keeps). The handler
    makes the copy, notes the invocation's id in it, and passes it.
    """

    runner: asyncio.Runner | None = None
    #: Held while the loop runs an invocation: the Lambda runtime never overlaps them, but a
    #: test or a local server calling the handler from several threads would (the loop can
    #: run one at a time: the second was refused, said to come from a running event loop).
    #: They take turns instead. Reentrant: a call from the loop's own thread (an async test)
    #: gets the error below, not a deadlock. ``_thread``'s: no import at a cold start.
    lock = _thread.RLock()

    @classmethod
    def run(cls, coro: Coroutine[Any, Any, T], context: contextvars.Context) -> T:
        if ON_THE_LOOP.get():
            # Called by a handler (its worker thread copies the invocation's context): the
            # loop is held by the invocation waiting for that handler; its turn never comes.
            coro.close()
            raise RuntimeError(_FROM_AN_INVOCATION)
        with cls.lock:
            context.run(ON_THE_LOOP.set, True)
            return cls._run(coro, context)

    @classmethod
    def _run(cls, coro: Coroutine[Any, Any, T], context: contextvars.Context) -> T:
        runner = cls.runner
        if runner is None:
            import asyncio  # loaded once, at the first invocation

            runner = cls.runner = asyncio.Runner()
        try:
            return run_saying_tasks(runner, coro, context)  # (and what it left running)
        except RuntimeError:
            # Runner.run refuses a call from a running event loop (an async test) before it
            # starts the coroutine: its error says nothing of what to do, and the coroutine
            # would be left unawaited. Any other (a coroutine that ran and raised, or one cut
            # off mid-way: a handler stopped the loop) is what it says.
            import inspect  # loaded with asyncio already

            if inspect.getcoroutinestate(coro) != inspect.CORO_CREATED:
                raise
            coro.close()
            raise RuntimeError(_FROM_A_LOOP) from None


#: Set in the context of an invocation answered on the loop, which threads of its handlers copy.
ON_THE_LOOP: contextvars.ContextVar[bool] = contextvars.ContextVar("_ON_THE_LOOP", default=False)
_FROM_AN_INVOCATION = (
    "the Lambda handler was called from inside an invocation (by a handler, or a thread with its"
    " context): the invocation holds the event loop until that handler returns, so this call's"
    " turn would never come; answer the other request in the handler itself"
)
_FROM_A_LOOP = (
    "the Lambda handler was called from a running event loop: it answers on an event loop of its"
    " own, so call it from synchronous code, as Lambda's runtime does (from async code, an async"
    " test: `await asyncio.to_thread(handler, event, context)`)"
)


def run_inline(coro: Coroutine[Any, Any, T], context: contextvars.Context) -> T:
    """Run a coroutine that never suspends, without an event loop (and without asyncio), in
    the invocation's own context (as `Loop.run`)."""
    try:
        context.run(coro.send, None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coro.close()
    raise RuntimeError("a skill with only synchronous handlers awaited something")
