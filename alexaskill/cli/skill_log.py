"""The skill's log shown on the standard error of the command that runs it (replay, chat): each
call of `alexaskill.cli.main` shows its own skill's lines, not another's running in another
thread at the same time."""

from __future__ import annotations

import contextlib
import copy
import logging
import os
import sysconfig
import threading
import traceback
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Final, TextIO

from ..log_format import EscapingFormatter, escape_last_resort
from ..log_lists import edit_filters, edit_handlers
from ..log_values import MAX_ARGUMENT, cut

__all__ = ["current_call", "is_call_handler", "log_to"]

logger = logging.getLogger("alexaskill")


class _OfThisCall(logging.Filter):
    """Keeps, of the records of the process's "alexaskill" logger, those made for one call of
    `log_to`: in its context, which the skill's handlers run in a copy of (in the event loop's
    thread and in the threads of synchronous handlers alike). A record made in no call's
    context (a thread the skill started itself, which starts with an empty one) is kept only
    when this is the one call showing the log: with several, whose it is cannot be told.

    ``own`` writes the call's records of the skill's own loggers that no handler takes
    (`_IntoTheCall`), on the call's stream."""

    def __init__(self, own: logging.Handler) -> None:
        super().__init__()
        self.own = own

    def filter(self, record: logging.LogRecord) -> bool:
        current = _CALL.get()
        if current is not None:
            return current is self
        return len(_SHOWING) == 1 and self in _SHOWING


#: The `log_to` call whose context this is, if any.
_CALL: Final[ContextVar[_OfThisCall | None]] = ContextVar("alexaskill_cli_log_to", default=None)
#: The `log_to` calls under way, in any thread. No lock to read it: a set's add, discard, len
#: and ``in`` are each atomic (under the GIL, and each set's own lock without it), and
#: `_OfThisCall`'s two reads decide as one state of the set would: its call is added before its
#: handler goes on the logger and discarded after it comes off, never added again, so a record
#: it keeps was its alone at the ``len`` (another call added since is one that started after
#: the record). Changed under `_LAST_RESORT_LOCK`, for the last resort's formatter alone.
_SHOWING: Final[set[_OfThisCall]] = set()
#: Held to add a call to `_SHOWING` and to take it out: the first of the calls at once gives
#: Python's last resort its escaping formatter (`_escaping`, when it had none) and its
#: `_IntoTheCall` filter (`_into`), and the last to end takes them off again.
_LAST_RESORT_LOCK: Final = threading.Lock()
_escaping: Final[list[logging.Formatter]] = []
_into: Final[list[tuple[logging.Handler, _IntoTheCall]]] = []


class _IntoTheCall(logging.Filter):
    """On Python's last resort while calls show the log: a record no handler takes (of the
    skill's own loggers, ``logging.getLogger(__name__)``, no logging set up) goes to the call it
    was made for (`_OfThisCall`), on its stream, held with its turn as alexaskill's lines are
    (`alexaskill.cli.chat_log.TurnLog`), where the last resort wrote it to standard error at
    once, out of its place; below the last resort's ``level``, only one the skill's own code
    logged (`_skills`). Any other is the last resort's, at its ``level``."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level
        #: `_not_the_skill`, found at the first record below ``level``.
        self.others: tuple[str, ...] | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        for call in tuple(_SHOWING):  # (a copy: another thread's call may start or end)
            if call.filter(record):
                if record.levelno >= self.level or self._skills(record):
                    call.own.handle(record)
                return False
        return record.levelno >= self.level

    def _skills(self, record: logging.LogRecord) -> bool:
        """Whether ``record``, below the last resort's level, was logged by the skill's own
        code: a root logger set to DEBUG lets the command's own machinery log below it too
        (its client's request to the skill, the event loop's selector), none of the skill's."""
        from .common import in_alexaskill

        path = record.pathname
        if not isinstance(path, str) or not path or in_alexaskill(path):
            return False
        if self.others is None:
            self.others = _not_the_skill()
        return not os.path.abspath(path).startswith(self.others)


def current_call() -> logging.Filter | None:
    """The filter of the `log_to` call whose context this is (its ``filter(record)`` says
    whether a record is that call's), or None outside any."""
    return _CALL.get()


def is_call_handler(handler: logging.Handler) -> bool:
    """Whether ``handler`` is a `log_to` call's."""
    return any(isinstance(each, _OfThisCall) for each in handler.filters)


def _not_the_skill() -> tuple[str, ...]:
    """The directories of Python's own modules and of installed packages, pure and compiled
    (``platlib``: apart from ``purelib`` on some systems, Fedora's /usr/lib64/python3.11/
    site-packages), the system's (Debian's /usr/lib/python3/dist-packages, which no sysconfig
    path names) and the user's (``pip install --user``): not the skill's code."""
    import site

    # Read when a traceback is said, or as the first record below WARNING comes to the last
    # resort (`_IntoTheCall`), not at import: both are rare (a failure shown by `chat`, a
    # logger set below WARNING), and the paths are then the ones in place.
    names = ("stdlib", "platstdlib", "purelib", "platlib")
    paths = {sysconfig.get_path(n) for n in names}
    paths.update([*site.getsitepackages(), site.getusersitepackages()])
    return tuple(os.path.abspath(path) + os.sep for path in paths)


class _InOneLine(EscapingFormatter):
    """`EscapingFormatter`, a record's traceback said in one line: its exception, and the line
    of the skill's code it was raised from (the last frame outside alexaskill, Python's own
    modules and installed packages; else the last outside alexaskill). For `alexaskill chat`,
    where the traceback, mostly alexaskill's frames, broke the conversation it is shown in."""

    def format(self, record: logging.LogRecord) -> str:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None:
            return super().format(record)
        message = record.getMessage()
        record = copy.copy(record)  # (the other handlers see the record as it came)
        record.exc_text = _said_in_one_line(exc, message)
        return super().format(record)


def _said_in_one_line(exc: BaseException, message: str) -> str:
    """``exc`` and where the skill's code raised it; its type alone when ``message`` (the
    record's) says its reason already (a `ResponseError`'s, in alexaskill's ERROR line)."""
    from .common import in_alexaskill

    reason = str(exc)
    if reason and message.endswith(reason):
        said = type(exc).__name__
    else:
        said = cut(traceback.format_exception_only(type(exc), exc)[-1].strip(), MAX_ARGUMENT)
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not in_alexaskill(f.filename)]
    python = _not_the_skill()
    own = [f for f in frames if not os.path.abspath(f.filename).startswith(python)]
    where = ""
    if own or frames:
        frame = (own or frames)[-1]
        where = f", at {frame.filename}:{frame.lineno} in {frame.name}"
    return f"{said}{where} (chat --traceback shows the whole traceback)"


@contextlib.contextmanager
def log_to(stream: TextIO, level: int, *, tracebacks: bool = True) -> Iterator[None]:
    """Show the skill's log records of ``level`` and above on ``stream`` meanwhile, escaped
    (`alexaskill.log_format.EscapingFormatter`): those of this call's context only
    (`_OfThisCall`), though the logger is the process's; and those of the skill's own loggers
    that no handler takes, at the level their logger lets through, below WARNING those of the
    skill's own code alone (`_IntoTheCall`). Without
    ``tracebacks``, a record's traceback is said in one line (`_InOneLine`)."""
    from .replay_show import ShownByTheSkill, shown_level

    handler = logging.StreamHandler(stream)
    handler.addFilter(ShownByTheSkill(stream))
    # The skill's own lines no handler takes: at the level their logger lets through (an INFO
    # its author set), no handler but this call's, `ShownByTheSkill`'s check moot.
    call = _OfThisCall(logging.StreamHandler(stream))
    handler.addFilter(call)
    # Not below what the logger showed (a logger set to ERROR showed no WARNING): `slot_notes`
    # lower it to INFO for their time, and this handler is not behind their `_AsBefore`.
    handler.setLevel(max(level, shown_level(logger)))
    formatter = (EscapingFormatter if tracebacks else _InOneLine)(
        "%(levelname)s %(name)s: %(message)s"
    )
    handler.setFormatter(formatter)
    call.own.setFormatter(formatter)
    token = _CALL.set(call)
    _showing(call)
    edit_handlers(logger, lambda handlers: [*handlers, handler])
    try:
        yield
    finally:
        edit_handlers(logger, lambda handlers: [each for each in handlers if each is not handler])
        _shown(call)
        _CALL.reset(token)


def _showing(call: _OfThisCall) -> None:
    """``call`` added to those showing the log; Python's last resort, where the skill's own
    loggers' lines go, escaping them from the first, and giving each call its own
    (`_IntoTheCall`)."""
    with _LAST_RESORT_LOCK:
        if not _SHOWING:
            _escaping[:] = [formatter] if (formatter := escape_last_resort()) else []
            last = logging.lastResort
            if last is not None:  # (None: an app's choice, nothing goes there)
                into = _IntoTheCall(last.level)
                edit_filters(last, lambda filters: [*filters, into])
                # Lowered once the filter is on it (its level kept there for the others): a
                # logger its author set to INFO has its INFO lines shown, where Python's last
                # resort takes only warnings.
                last.setLevel(logging.NOTSET)
                _into[:] = [(last, into)]
        _SHOWING.add(call)


def _shown(call: _OfThisCall) -> None:
    """``call`` taken out of those showing the log; the last resort, at the last, as the first
    found it: an in-process call of `alexaskill.cli.main` (a test's, an app's own command) left
    it escaping for the rest of the process."""
    with _LAST_RESORT_LOCK:
        _SHOWING.discard(call)
        if _SHOWING:
            return
        if _into:
            lowered, into = _into.pop()
            if lowered.level == logging.NOTSET:  # (not set since: its level back, then no filter)
                lowered.setLevel(into.level)
            edit_filters(lowered, lambda filters: [each for each in filters if each is not into])
        if not _escaping:
            return
        last = logging.lastResort
        if last is not None and last.formatter is _escaping[0]:  # (not replaced since)
            last.setFormatter(None)
        _escaping.clear()
