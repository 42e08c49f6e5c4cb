"""AWS Lambda: each skill's start, at its first invocation, and how its invocations are then
answered (`plan_of`): on the process's event loop, or without one; a start that failed on the
author's configuration kept instead."""

from __future__ import annotations

import contextvars
import weakref
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, NamedTuple

from .deadline import deadline_grace
from .exceptions import ConfigurationError
from .lambda_exit import close_at_exit
from .lambda_loop import Loop, run_inline
from .lambda_sigterm import say_at_sigterm
from .lambda_start import (
    fresh_start_error,
    kept_start_error,
    say_not_started,
    start_lock,
    started,
    unsuited_memory,
    unsuited_sqlite,
    warn_of_memory,
    warn_of_sqlite,
)

if TYPE_CHECKING:
    from .lambda_skill import LambdaSkill

__all__ = ["Plan", "needs_loop", "plan_of"]


def needs_loop(skill: LambdaSkill) -> bool:
    """Whether answering may await real I/O: an async handler or hook, a service (store, API),
    or the automatic progressive response (a timer, then a call to Alexa's API)."""
    if skill.progressive_after is not None:
        return True
    return any(h.is_async or h.services for h in skill.registry.handlers_called())


class Plan(NamedTuple):
    """How a skill's invocations are answered, decided at its first."""

    #: `Loop.run`, or `run_inline` for a skill that never awaits anything.
    run: Callable[[Coroutine[Any, Any, Any], contextvars.Context], Any]
    loop: bool
    #: Seconds of the invocation's time kept back for an exception handler of DeadlineExceeded.
    grace: float


def _plan(skill: LambdaSkill) -> Plan:
    """Whether ``skill`` needs an event loop, and the time kept back for its exception handler
    of `DeadlineExceeded`."""
    loop = needs_loop(skill)
    return Plan(Loop.run if loop else run_inline, loop, deadline_grace(skill.registry))


#: Each skill's plan by the skill's identity (``id``), made at its first invocation through any
#: of its handlers: a function that reads ``skill.lambda_handler`` at each invocation has a new
#: handler each time. By identity, not by the skill's ``__eq__``/``__hash__``: a Skill subclass
#: may compare equal to another skill, or be unhashable. An entry goes with its skill. Or the
#: `ConfigurationError` its start failed with, kept for the process (`plan_of`).
_plans: dict[int, Plan | ConfigurationError] = {}
#: The skills no weak reference can follow (``__slots__`` without ``__weakref__``): kept alive,
#: so that their ``id`` is never another object's.
_kept: list[LambdaSkill] = []


def _remember(skill: LambdaSkill, plan: Plan | ConfigurationError) -> None:
    key = id(skill)
    try:
        weakref.finalize(skill, _plans.pop, key, None).atexit = False
    except TypeError:
        _kept.append(skill)
    _plans[key] = plan


def plan_of(skill: LambdaSkill) -> Plan:
    """The skill's plan; at its first invocation, when every handler is registered, log what is
    risky in the set-up, once, and decide how to run: a skill whose handlers are all
    synchronous and use no service never awaits anything, so it runs without an event loop,
    and a cold start does not pay ~18 ms importing asyncio.

    A start that fails with a `ConfigurationError` is said once (`say_not_started`) and kept:
    each later invocation raises it again, unstarted. An instance's configuration cannot change
    (its code directory is read-only, its environment set before the import): the start would
    fail the same way each time, and say it again. Any other failure (alexaskill's bug, or one
    that may pass) is tried again at the next invocation."""
    # A skill started already (a new handler of it) is not given a start lock again, which
    # `started` would never drop; the lock is taken only while the handler has no plan.
    plan = _plans.get(id(skill))
    if plan is None:
        with start_lock(skill):
            plan = _plans.get(id(skill))
            if plan is None:
                sqlite, memory = None, False
                try:
                    skill.start(skill.lambda_log_name)
                    sqlite, memory = unsuited_sqlite(skill), unsuited_memory(skill)
                    plan = _plan(skill)
                except ConfigurationError as exc:
                    plan = kept_start_error(exc)
                    say_not_started(skill.lambda_log_name, plan)  # (the copy: a record holds it)
                if isinstance(plan, Plan):
                    # Stores it opens on the loop closed at exit, its counts said (before the plan
                    # is kept: a cut start is redone).
                    close_at_exit(skill, loop=plan.loop)
                    # The counts of windows still open at the instance's end, said at Lambda's
                    # SIGTERM where its runtime runs a handler (3.12 on): its timer runs only
                    # while an invocation does, or none is set (no loop: the next line says it).
                    say_at_sigterm(skill._say_unsaid)
                if sqlite is not None:
                    # Said last before the start is kept, never after: a start kept is one
                    # whose warning was said. One cut before it (above) is redone and says it
                    # once; one cut in it or just after it (a Ctrl-C in a log handler's write)
                    # is redone and may say it twice, rather than never. (`skill.start` says
                    # its own warnings once, whatever is redone.)
                    warn_of_sqlite(sqlite)
                if memory:
                    warn_of_memory()
                _remember(skill, plan)
            # Decided: the lock dropped (made again, maybe, by a thread that came meanwhile).
            started(skill)
    if isinstance(plan, ConfigurationError):
        raise fresh_start_error(plan)
    return plan
