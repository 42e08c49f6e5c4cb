"""An AWS Lambda function's start: its environment, read as its module makes the handler (a
setting that does not parse ends it in one line), then each skill's, at its first invocation:
one at a time for each skill (its own lock), what it says of the set-up (a SQLite store, one
in memory), and a start that failed on the author's configuration, said once and kept."""

from __future__ import annotations

import _thread
import contextlib
import copy
import sys
import types
import weakref
from typing import TYPE_CHECKING, TypeVar

from .exceptions import ConfigurationError
from .log_lambda import on_lambda
from .logs import logger
from .outgoing_proxies import check_outgoing_proxies

if TYPE_CHECKING:
    from .store.start_check import StoreSkill

__all__ = [
    "check_environment",
    "fresh_start_error",
    "kept_start_error",
    "say_not_started",
    "start_lock",
    "started",
    "unsuited_memory",
    "unsuited_sqlite",
    "warn_of_memory",
    "warn_of_sqlite",
    "warn_of_unsuited_store",
]

E = TypeVar("E", bound=BaseException)


def check_environment() -> None:
    """Read, as the function's module makes the handler (the function's start), what the
    environment sets: the settings (`settings_from_env`), whether or not the module reads them
    (it may make the skill with ids of its own), and the proxies (no lifespan runs on Lambda:
    each call to Alexa's APIs makes a client of its own, which httpx refuses for a proxy it
    cannot use, its ImportError a handler bug's apology at every call).

    One that does not parse raises its `ConfigurationError` (a test, a local script); on AWS
    Lambda the start ends in one line instead, its message, as a web server's does
    (``raise SystemExit``, as the README's function and the example skills do): the runtime
    reports an exception at the import with its traceback, through alexaskill's checks, under
    a warning that blames the function's code, again at each invocation (Lambda tries a failed
    init again), where the message alone names the setting and what it takes. The runtime's
    process ends (Lambda reports ``Runtime.ExitError``), which a SystemExit, no Exception, gets
    past its handling of the import to do.
    """
    from .settings import settings_from_env

    try:
        check_outgoing_proxies()
        settings_from_env()
    except ConfigurationError as exc:
        if not on_lambda():
            raise
        raise SystemExit(f"alexaskill: {exc}") from None


#: Each skill's lock while it starts, by the skill's identity (as the handler's plans): the
#: Lambda runtime never overlaps invocations, but a test or a local emulator calling one
#: handler from two threads at its first would start the skill twice (and say a failed start
#: twice). A skill's own: one skill's slow start (a store's check over the network) holds up
#: no other skill's first invocation. Reentrant, as `alexaskill.lambda_loop.Loop.lock`;
#: ``_thread``'s: no import at a cold start. An entry goes with its skill (`start_lock`): a
#: start that raised keeps it, and the skill's ``id`` may be another object's once it is gone.
_start_locks: dict[int, _thread.RLock] = {}
#: The skills with a lock in `_start_locks` that no weak reference can follow (``__slots__``
#: without ``__weakref__``), by ``id``: kept alive until `started`, so that the id is theirs.
_unfollowed: dict[int, object] = {}


def start_lock(skill: object) -> _thread.RLock:
    """The lock ``skill``'s start holds (made at its first invocation: `started` drops it)."""
    key = id(skill)
    made = _thread.RLock()
    # (setdefault: one call, so two threads at once get the same lock; a lock made and not
    # kept costs nothing, and this runs only until the skill has started.)
    lock = _start_locks.setdefault(key, made)
    if lock is made:
        # By identity, not in a WeakKeyDictionary: that one hashes and compares the skills
        # (a Skill subclass may be unhashable, or equal to another skill).
        try:
            weakref.finalize(skill, _start_locks.pop, key, None).atexit = False
        except TypeError:
            _unfollowed[key] = skill
    return lock


def started(skill: object) -> None:
    """Drop ``skill``'s start lock: its start is decided (its plan, or its error, kept), and no
    invocation takes the lock again. A thread waiting for it has it still, and finds the start
    decided once it gets it. A start that raised anything else keeps its lock, for the next try
    (dropped with the skill once it is gone)."""
    _start_locks.pop(id(skill), None)
    _unfollowed.pop(id(skill), None)


def say_not_started(name: str, error: ConfigurationError) -> None:
    """Say at ERROR, once for the process (the start that failed), that ``name``
    (`lambda_log_name`) could not start with ``error``, and what that does to the function: one
    line, without a traceback, as the web service's lifespan says such a failure (the message
    says what to change; a traceback would show alexaskill's checks, not the author's code)."""
    logger.error(
        "%s could not start (%s: %s): every invocation of this instance of the function fails "
        "with that error, no handler run (Alexa tells the user the skill had a problem); once "
        "it is mended, update the function's code or settings: Lambda answers with new "
        "instances then",
        name,
        type(error).__name__,
        error,
    )


def kept_start_error(error: E) -> E:
    """A copy of ``error``, and of the exceptions it chains (cause, context; an exception
    group's own), without their tracebacks, to be kept for the process: a traceback's frames
    hold the frames that called them, up to the invocation's (its event and context), which the
    process would keep alive.
    Copies: ``error`` and its chain are left as they are, tracebacks and all, for whoever else
    holds them (the raiser, which may raise it again; a log record). Its messages are what a
    start that failed on the author's configuration says (`say_not_started`)."""
    return _detached(error, {})


def _detached(error: E, copies: dict[int, BaseException | None]) -> E:
    """``error`` copied (`_copy`) without its traceback, with the exceptions it chains copied
    so too, and those of an exception group; ``copies``: those made so far, by the original's
    ``id`` (a chain may loop), None for a group being made (`LookupError`: the link ends)."""
    if id(error) in copies:
        made = copies[id(error)]
        if made is None:
            raise LookupError("an exception group's exception chains the group")
        return made  # type: ignore[return-value]  # (a copy of ``error``: the same type)
    if isinstance(error, BaseExceptionGroup):
        # Its exceptions have tracebacks too, which hold the invocation as the chain's would:
        # copied so, the group made again around them (``derive``, as ``split`` makes its own).
        copies[id(error)] = None
        made = _attributes(error.derive([_detached(e, copies) for e in error.exceptions]), error)
    else:
        made = _copy(error)
    copies[id(error)] = made
    made.__suppress_context__ = error.__suppress_context__
    for link in ("__cause__", "__context__"):
        chained = getattr(error, link)
        if chained is not None:
            # (A group whose ``derive`` fails: the chain ends there. One whose class cannot be
            # copied gets a stand-in, `_copy`.)
            with contextlib.suppress(Exception):
                setattr(made, link, _detached(chained, copies))
    return made  # type: ignore[return-value]  # (a group's derive: of ``error``'s type)


def _copy(error: E) -> E:
    """A copy of ``error``, with no traceback nor chain. Its notes are a list of its own: a note
    added to the copy is not the original's. A class that cannot make a copy (its ``__new__``
    refuses its own ``args``: it takes others) gets a stand-in (`_stand_in`)."""
    kind = type(error)
    try:
        if isinstance(kind.__init__, types.WrapperDescriptorType):
            # A built-in's __init__ (OSError, UnicodeDecodeError, ImportError, ...): it fills
            # fields of its own, not in ``vars`` (a file name, the bytes that did not decode),
            # which only its __reduce__ gives back (`copy.copy`). One not Python's, as
            # `InteractionModelError`'s (its problems, not its message), is not called with
            # ``args``: ``__new__`` and ``vars``.
            fresh = copy.copy(error)
        else:
            fresh = kind.__new__(kind, *error.args)
        return _attributes(fresh, error)
    except Exception:
        return _notes(_stand_in(error), error)


def _attributes(fresh: E, error: BaseException) -> E:
    """``fresh`` given ``error``'s attributes, its notes a list of its own."""
    fresh.__dict__.update(vars(error))
    return _notes(fresh, error)


def _notes(fresh: E, error: BaseException) -> E:
    """``fresh`` given ``error``'s notes, as a list of its own."""
    if "__notes__" in vars(error):
        fresh.__notes__ = list(error.__notes__)
    return fresh


def _stand_in(error: E) -> E:
    """What `_copy` keeps of ``error`` when its class cannot make a copy: its message and its
    class's name (what the log line, the runtime's ``errorType`` and a traceback show), on a
    class made here under that name, a `ConfigurationError` for one (`plan_of` keeps those
    alone) and an `Exception` for an `Exception`. Failing there instead, a start error was
    alexaskill's bug (tried again at each invocation), a cause the end of the chain."""
    kind = type(error)
    base = next(b for b in (ConfigurationError, Exception, BaseException) if isinstance(error, b))
    try:
        message = str(error)
    except Exception:
        message = "<exception str() failed>"  # (as Python's traceback says it)
    names = {"__module__": kind.__module__, "__qualname__": kind.__qualname__}
    made: E = type(kind.__name__, (base,), names)(message)
    return made


def fresh_start_error(kept: ConfigurationError) -> ConfigurationError:
    """A fresh copy of the kept start error, to raise: raising sets a traceback on what it
    raises, through the invocation's frame, which the kept one must not hold (`_copy`)."""
    fresh = _copy(kept)
    fresh.__cause__ = kept.__cause__
    fresh.__suppress_context__ = kept.__suppress_context__
    return fresh


def unsuited_sqlite(skill: StoreSkill) -> str | None:
    """The path of ``skill``'s SQLite store if a handler uses attributes from it, which does not
    suit Lambda (`warn_of_sqlite` says why), else None.

    It is the default (``ALEXASKILL_STORE`` unset): in the function's read-only code directory
    the skill does not start (`store.start_check.check_store`: no file can be made there; one
    shipped there is read-only); in ``/tmp`` the attributes stay with one instance of the
    function, lost when Lambda replaces it and not seen by the others.
    """
    from .store.start_check import sqlite_store, store_used

    store = sqlite_store(skill)
    # (store_used: not the SQLite default if a service put another store in its place)
    return str(store.path) if store is not None and store_used(skill) else None


def warn_of_sqlite(path: str) -> None:
    """Say that the SQLite store at ``path`` (`unsuited_sqlite`) does not suit Lambda: once for
    a skill, just before its start is kept (`alexaskill.lambda_plan.plan_of`)."""
    from .shown_names import shown

    logger.warning(
        "the attribute store is the SQLite file %s, which does not suit AWS Lambda: the code "
        "directory is read-only (every save fails there) and /tmp belongs to one instance "
        "of the function. Set ALEXASKILL_STORE=dynamodb://TABLE (README: AWS Lambda with "
        "DynamoDB) or a Redis URL",
        shown(path),  # (ALEXASKILL_STORE's, of any length)
    )


def unsuited_memory(skill: StoreSkill) -> bool:
    """Whether, on AWS Lambda itself (`on_lambda`), a handler uses attributes from ``skill``'s
    `MemoryStore` (``ALEXASKILL_STORE=memory://``, for tests): each instance of the function
    keeps its own, lost when Lambda replaces it. Off Lambda (a test calling the handler) it is
    what was meant."""
    from .store.start_check import store_used

    memory = sys.modules.get("alexaskill.store.memory")  # not loaded: the store is no MemoryStore
    return (
        memory is not None
        and isinstance(skill.store, memory.MemoryStore)
        and on_lambda()
        and store_used(skill)
    )


def warn_of_memory() -> None:
    """Say that the skill's `MemoryStore` (`unsuited_memory`) does not suit Lambda: once for a
    skill, as `warn_of_sqlite` says its own."""
    logger.warning(
        "the attribute store is in memory (memory://), which does not suit AWS Lambda: each "
        "instance of the function keeps its own, lost when Lambda replaces it, so users' "
        "attributes come and go. Set ALEXASKILL_STORE=dynamodb://TABLE (README: AWS Lambda "
        "with DynamoDB) or a Redis URL"
    )


def warn_of_unsuited_store(skill: StoreSkill) -> None:
    """Say that ``skill``'s store does not suit AWS Lambda (`unsuited_sqlite`, `unsuited_memory`),
    at the start of its ASGI app on Lambda (behind Mangum, or the Lambda Web Adapter), as
    `alexaskill.lambda_plan.plan_of` says it at the handler's first invocation."""
    sqlite = unsuited_sqlite(skill)
    if sqlite is not None:
        warn_of_sqlite(sqlite)
    elif unsuited_memory(skill):
        warn_of_memory()
