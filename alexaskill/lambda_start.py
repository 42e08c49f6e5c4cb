"""An AWS Lambda skill's start, at its first invocation: what it says of the set-up (a SQLite
store), and a start that failed on the author's configuration, said once and kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .logs import logger

if TYPE_CHECKING:
    from .exceptions import ConfigurationError
    from .store.start_check import StoreSkill

__all__ = [
    "fresh_start_error",
    "kept_start_error",
    "say_not_started",
    "warn_of_sqlite",
]


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


def kept_start_error(error: ConfigurationError) -> ConfigurationError:
    """``error``, and the exceptions it chains (cause, context), without their tracebacks, to
    be kept for the process: a traceback's frames hold the frames that called them, up to the
    invocation's (its event and context), which the process would keep alive. Its messages
    are what a start that failed on the author's configuration says (`say_not_started`)."""
    seen: set[int] = set()
    chained: list[BaseException | None] = [error]
    while chained:
        each = chained.pop()
        if each is not None and id(each) not in seen:
            seen.add(id(each))
            each.__traceback__ = None
            chained += (each.__cause__, each.__context__)
    return error


def fresh_start_error(kept: ConfigurationError) -> ConfigurationError:
    """A fresh copy of the kept start error, to raise: raising sets a traceback on what it
    raises, through the invocation's frame, which the kept one must not hold. Made by
    ``__new__`` and its attributes, not `copy.copy`, which calls ``__init__`` with ``args``:
    `InteractionModelError` takes its problems there, not its message."""
    fresh = type(kept).__new__(type(kept), *kept.args)
    fresh.__dict__.update(vars(kept))
    if "__notes__" in vars(kept):  # its own list: a note added to the copy is not kept
        fresh.__notes__ = list(kept.__notes__)
    fresh.__cause__ = kept.__cause__
    fresh.__suppress_context__ = kept.__suppress_context__
    return fresh


def warn_of_sqlite(skill: StoreSkill) -> None:
    """Say, once, that a SQLite store does not suit Lambda, if a handler uses attributes.

    It is the default (``ALEXASKILL_STORE`` unset): in the function's read-only code directory
    the skill does not start (`store.start_check.check_store`: no file can be made there; one
    shipped there is read-only); in ``/tmp`` the attributes stay with one instance of the
    function, lost when Lambda replaces it and not seen by the others.
    """
    from .store.start_check import sqlite_store, store_used

    store = sqlite_store(skill)
    # (store_used: not the SQLite default if a service put another store in its place)
    if store is not None and store_used(skill):
        logger.warning(
            "the attribute store is the SQLite file %s, which does not suit AWS Lambda: the code "
            "directory is read-only (every save fails there) and /tmp belongs to one instance "
            "of the function. Set ALEXASKILL_STORE=dynamodb://TABLE (README: AWS Lambda with "
            "DynamoDB) or a Redis URL",
            store.path,
        )
