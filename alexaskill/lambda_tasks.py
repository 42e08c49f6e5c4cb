"""AWS Lambda: the asyncio tasks an invocation left running, said in a WARNING.

On Lambda the event loop runs only while an invocation is answered (`alexaskill.aws_lambda`):
a task a handler starts and does not await (``asyncio.create_task(audit(...))``, fire and
forget, which on the web service runs on after the answer) stops with the invocation's answer.
It goes on only during later invocations, if any (Lambda freezes the execution environment
between them, and may end it), in the middle of other users' requests. alexaskill leaves such
tasks be (a client library's own background task must not be cancelled from under it) and says
each once, when the invocation that started it ends: await the work in the handler instead.
"""

from __future__ import annotations

import contextvars
import logging
import weakref
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["run_saying_tasks"]

logger = logging.getLogger("alexaskill")

T = TypeVar("T")


#: The tasks said already (pending at the end of an invocation), not to be said again.
_said: weakref.WeakSet[Any] = weakref.WeakSet()


def run_saying_tasks(runner: Any, coro: Coroutine[Any, Any, T], context: contextvars.Context) -> T:
    """``runner.run(coro, context=context)`` (an `asyncio.Runner`), then a WARNING naming the
    tasks it left pending (not those being cancelled: alexaskill's own progressive response,
    when the answer came first, ends at the loop's next run). The loop runs only during
    invocations, so a pending task not said yet was started by this one: one look at the
    loop's tasks, after (``asyncio.all_tasks`` costs ~4 µs an invocation)."""
    import asyncio  # loaded already: the runner is asyncio's

    try:
        return runner.run(coro, context=context)  # type: ignore[no-any-return]
    finally:
        said = _said
        left = [
            task
            for task in asyncio.all_tasks(runner.get_loop())
            if task not in said and not task.cancelling()
        ]
        if left:
            said.update(left)
            context.run(_say, left)


def _say(tasks: list[Any]) -> None:
    names = sorted(_name(task) for task in tasks)
    logger.warning(
        "the invocation ended with %d asyncio %s it started still pending (%s): on AWS Lambda "
        "the event loop runs only during invocations, so %s on only in later ones, if any, "
        "amid other requests. Await the work in the handler before it returns "
        "(asyncio.gather), or do it elsewhere (a queue, another function).",
        len(names),
        "task" if len(names) == 1 else "tasks",
        ", ".join(names),
        "it goes" if len(names) == 1 else "they go",
    )


def _name(task: Any) -> str:
    """The coroutine ``task`` runs, by module and qualified name (else the task's own name)."""
    coro = task.get_coro()
    code = getattr(coro, "cr_code", None)
    frame = getattr(coro, "cr_frame", None)
    if code is None:
        return str(task.get_name())
    module = frame.f_globals.get("__name__", "?") if frame is not None else "?"
    return f"{module}.{code.co_qualname}"
