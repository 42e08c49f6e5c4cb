"""AWS Lambda handler: the stores of the skills it answered on its event loop, closed when the
Python process exits, and the counts its skills' repeated warnings had yet to say, said.

What calls the handler in a process that ends normally (a test run, a local script, a server
of one's own) would otherwise leave a Redis store's connections to the garbage collector, with
a ``ResourceWarning`` each. AWS Lambda itself freezes an execution environment between
invocations and ends it without letting Python exit (no ``atexit``): there the stores are
never closed, and their connections end with the environment (the servers see them drop).
"""

from __future__ import annotations

import atexit
import logging
import time
import weakref
from collections.abc import Callable
from typing import Any

__all__ = ["close_at_exit"]

logger = logging.getLogger("alexaskill")

#: The skills whose stores close (or counts are said) at exit, by identity (``id``), as the
#: handler keys its plans: not by their ``__eq__`` and ``__hash__`` (two skills may compare
#: equal, one be unhashable). A weak reference each, or the skill itself for one no weak
#: reference can follow (kept); and whether it runs on the handler's event loop.
_skills: dict[int, tuple[Callable[[], Any], bool]] = {}
_registered: list[bool] = []

#: Seconds the exit may spend closing the stores, all skills together, an invocation still
#: running (in a daemon thread) waited for first.
CLOSE_TIMEOUT = 10.0


def close_at_exit(skill: Any, *, loop: bool = True) -> None:
    """Close ``skill``'s stores (`Skill.aclose`) on the handler's event loop at exit; of one
    answered without a loop (``loop`` false: it opens nothing), say the counts it had yet to."""
    key = id(skill)
    try:
        _skills[key] = (weakref.ref(skill), loop)
        weakref.finalize(skill, _skills.pop, key, None).atexit = False  # its id, free again
    except TypeError:
        _skills[key] = (lambda: skill, loop)  # kept alive: its id is no other's
    if not _registered:
        _registered.append(True)
        atexit.register(_close_all)


def _close_all() -> None:
    """`Skill.aclose` of each skill, on the handler's loop, within `CLOSE_TIMEOUT` in all (of a
    skill answered without it, or before it ran, or of every skill if an invocation still holds
    the loop past the bound, its counts said: `_say_unsaid`). The
    loop itself is left as it was, not closed: closing would cancel, and wait for, the tasks
    handlers left running (one that ignores its cancellation would hold up the exit); a later
    invocation (from another ``atexit`` function) runs on it still, its stores opened again."""
    from .lambda_loop import Loop

    end = time.monotonic() + CLOSE_TIMEOUT
    # An invocation still running in a daemon thread (a local server's) holds the loop: not
    # waited for beyond the bound, nor closed under it.
    if not Loop.lock.acquire(timeout=CLOSE_TIMEOUT):
        logger.warning("the skills' stores were not closed at exit: an invocation still runs")
        # Their counts said all the same, without the loop: a `Repeats` takes a lock of its own
        # for a few dict operations, never held while a count is said (they were lost with the
        # stores, and the last seconds of a flood of refusals with them).
        for follow, _loop in list(_skills.values()):
            _say_unsaid(follow())
        return
    try:
        runner = Loop.runner
        for follow, loop in list(_skills.values()):
            skill = follow()  # (None: gone since)
            if runner is None or not loop:
                # Nothing opened (no invocation ran on a loop), but the counts of its warnings
                # repeated (requests refused before it answered one): their windows' timers
                # run only while an invocation does (`lambda_sigterm.say_at_sigterm`).
                _say_unsaid(skill)
                continue
            aclose = getattr(skill, "aclose", None)
            if aclose is None:
                continue
            import asyncio  # loaded already: the loop ran

            # Which of the process's skills, as the handler's other lines name it, by its ids
            # (`Skill.lambda_log_name`: no path serves it here); the class's name for something
            # else the handler was given.
            name = getattr(skill, "lambda_log_name", None) or type(skill).__name__
            left = end - time.monotonic()
            if left <= 0:  # one bound for them all: the exit is not held up once per skill
                logger.warning(_NOT_CLOSED, name, CLOSE_TIMEOUT)
                continue
            # `Skill.aclose_and_report`: what failed, named (the verifier's ``aclose``, say),
            # where `aclose` raises it; a store's failure is logged by `close_stores` as it goes.
            close_naming = getattr(skill, "aclose_and_report", None)
            try:  # bounded: a store whose server does not answer must not hold up the exit
                if close_naming is None:
                    runner.run(asyncio.wait_for(aclose(), left))
                    failure = None
                else:
                    failure = runner.run(asyncio.wait_for(close_naming(name=name), left))
            except Exception as exc:
                if isinstance(exc, TimeoutError) and time.monotonic() >= end:
                    logger.warning(_NOT_CLOSED, name, CLOSE_TIMEOUT)  # (no traceback: ours)
                else:
                    logger.exception("closing %s at exit failed", name)
                continue
            if failure is not None:
                failed, error = failure
                logger.error(
                    "closing %s of %s at exit failed (the rest was closed)",
                    failed,
                    name,
                    exc_info=error,
                )
    finally:
        Loop.lock.release()


_NOT_CLOSED = "the stores of %s were not closed at exit: closing took over %g s"


def _say_unsaid(skill: Any) -> None:
    """Say the counts ``skill``'s repeated warnings had yet to say (`Skill._say_unsaid`)."""
    say = getattr(skill, "_say_unsaid", None)
    if say is None:
        return
    try:
        say()
    except Exception:
        name = getattr(skill, "lambda_log_name", None) or type(skill).__name__
        logger.exception("saying the counts of %s at exit failed", name)
