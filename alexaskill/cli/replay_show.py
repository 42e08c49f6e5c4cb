"""``alexaskill replay``: how the skill's answer to one request file is shown, row by row."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final, TextIO

from .common import shown_speech

if TYPE_CHECKING:
    from ..testing import SkillResponse

__all__ = ["ShownByTheSkill", "SlotNotes", "show_answer", "slot_notes"]


class SlotNotes(logging.Filter):
    """The skill's INFO lines of a slot value that does not convert to its parameter's type
    (the parameter got its default, or the user is asked again), kept for the rows of the
    request replayed: an author replaying a capture sees why the handler heard no value.

    A filter first on the "alexaskill" logger, so that it reads each line as made, before the
    log escapes its values (`alexaskill.log_values.printable`): the rows escape them once as
    they are shown, and ``replay --json`` leaves them to JSON. Within a `log_to` call
    (``call``, `alexaskill.cli.skill_log.current_call`), the lines of that call only."""

    def __init__(self, call: logging.Filter | None = None) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.call = call

    def filter(self, record: logging.LogRecord) -> bool:
        from ..asking_again import ASKING_AGAIN_LINE
        from ..slots.reasons import FALLBACK_LINE

        if (record.msg is FALLBACK_LINE or record.msg is ASKING_AGAIN_LINE) and (
            self.call is None or self.call.filter(record)
        ):
            self.lines.append(record.getMessage())
        return True

    def take(self) -> list[str]:
        """The lines kept since the last call, as made (escape them to show them)."""
        taken, self.lines = self.lines, []
        return taken


class _AsBefore(logging.Handler):
    """Hands on, at the level the logger showed before, the records of a logger lowered to
    INFO for `SlotNotes`: to its former ``handlers`` and (it propagated) its ancestors'
    handlers, so that a skill's root handler (`logging.basicConfig()`) gets no INFO line it did
    not."""

    def __init__(self, logger: logging.Logger, level: int, handlers: list[logging.Handler]) -> None:
        super().__init__(level)
        self.handlers, self.parent = handlers, logger.parent
        self.propagate = logger.propagate

    def emit(self, record: logging.LogRecord) -> None:
        chain: list[logging.Handler] = list(self.handlers)
        parent = self.parent if self.propagate else None
        while parent is not None:  # (as `Logger.callHandlers` walks up)
            chain += parent.handlers
            parent = parent.parent if parent.propagate else None
        for handler in chain:
            if record.levelno >= handler.level:
                handler.handle(record)


class ShownByTheSkill(logging.Filter):
    """Keeps from the command's own log handler (on ``stream``) the records the skill's handlers
    write to the terminal already: a skill calling `logging.basicConfig()` got each WARNING of
    the framework's twice in replay and chat. A handler writing to a file shows nothing there."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.terminals = (stream, sys.stderr, sys.stdout, sys.__stderr__, sys.__stdout__)

    def filter(self, record: logging.LogRecord) -> bool:
        logger = logging.getLogger("alexaskill")
        lowered = [h for h in logger.handlers if isinstance(h, _AsBefore)]  # (`slot_notes`)
        up = lowered[0].propagate if lowered else logger.propagate
        parent = logger.parent if up else None
        while parent is not None:  # (as `Logger.callHandlers` walks up)
            for handler in parent.handlers:
                if (
                    type(handler) is logging.StreamHandler  # (not a FileHandler)
                    and any(handler.stream is terminal for terminal in self.terminals)
                    and record.levelno >= handler.level
                    and handler.filter(record)
                ):
                    return False
            parent = parent.parent if parent.propagate else None
        return True


@contextlib.contextmanager
def slot_notes() -> Iterator[SlotNotes]:
    """A `SlotNotes` that hears the skill's log meanwhile: the logger lowered to INFO if need be,
    what it logs reaching its other handlers and its ancestors' only at the level it had.

    Several at once (`alexaskill.cli.main` in several threads) share one lowering, made by the
    first and undone by the last (`_Lowering`); each takes its own call's lines."""
    from ..log_lists import edit_filters
    from .skill_log import current_call

    logger = logging.getLogger("alexaskill")
    notes = SlotNotes(current_call())
    with _LOWERING.lock:
        if _LOWERING.users == 0:
            _LOWERING.lower(logger)
        _LOWERING.users += 1
        edit_filters(logger, lambda filters: [notes, *filters])  # (before the log's escaping)
    try:
        yield notes
    finally:
        with _LOWERING.lock:
            edit_filters(logger, lambda filters: [each for each in filters if each is not notes])
            _LOWERING.users -= 1
            if _LOWERING.users == 0:
                _LOWERING.restore(logger)


class _Lowering:
    """The "alexaskill" logger lowered to INFO for the `slot_notes` under way, if it showed
    less: its handlers moved behind an `_AsBefore` (but `log_to`'s, which have their own level
    and come and go with their calls, meanwhile too), put back as they were by `restore`."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
        self.level, self.propagate, self.shown = logging.NOTSET, True, logging.NOTSET
        self.moved: list[logging.Handler] = []
        self.ours: _AsBefore | None = None

    def lower(self, logger: logging.Logger) -> None:
        from ..log_lists import edit_handlers
        from .skill_log import is_call_handler

        self.ours = None
        shown = logger.getEffectiveLevel()
        if shown <= logging.INFO:
            return
        self.level, self.propagate, self.shown = logger.level, logger.propagate, shown

        def behind_ours(handlers: list[logging.Handler]) -> list[logging.Handler]:
            # (read and replaced as one, under logging's lock: `log_to` adds and removes its
            # handlers from other threads meanwhile)
            self.moved = [h for h in handlers if not is_call_handler(h)]
            self.ours = _AsBefore(logger, shown, self.moved)
            return [*(h for h in handlers if is_call_handler(h)), self.ours]

        edit_handlers(logger, behind_ours)
        logger.propagate = False
        logger.setLevel(logging.INFO)

    def restore(self, logger: logging.Logger) -> None:
        from ..log_lists import edit_handlers

        if self.ours is None:  # (not lowered: nothing moved)
            return
        ours, moved = self.ours, self.moved
        edit_handlers(logger, lambda handlers: [*moved, *(h for h in handlers if h is not ours)])
        logger.propagate = self.propagate
        logger.setLevel(self.level)
        self.moved, self.ours = [], None


_LOWERING: Final = _Lowering()


def shown_level(logger: logging.Logger) -> int:
    """The level the "alexaskill" ``logger`` shows, as it showed it before `slot_notes` lowered
    it for their time."""
    return _LOWERING.shown if _LOWERING.ours is not None else logger.getEffectiveLevel()


def show_answer(result: SkillResponse, out: TextIO, *, served: bool) -> None:
    """Write the rows of the skill's answer to one request; ``served`` says the answer is a
    server's (``--url``)."""
    from .chat_show import lacking_rows, progressive_rows, terminal_safe

    # Heard before the answer, or refused by Alexa (not heard): as chat shows them.
    lines = progressive_rows(result.api_calls)
    body = result.json.get("response") if isinstance(result.json, dict) else None
    response: dict[str, Any] = body if isinstance(body, dict) else {}
    speech = shown_speech(response.get("outputSpeech"))
    if speech is not None:
        lines.append(("speech", speech))
    reprompt = response.get("reprompt")
    shown = shown_speech(reprompt.get("outputSpeech") if isinstance(reprompt, dict) else None)
    if shown is not None:
        lines.append(("reprompt", shown))
    card = result.card
    if card is not None:
        text = card.get("content") or card.get("text") or ""
        title = card.get("title")
        shown = f"[{title}] {text}" if title else str(text)
        lines.append(("card", shown or str(card.get("type"))))
    if result.directives:
        kinds = [  # (a server's answer may hold anything: --url)
            str(d.get("type")) if isinstance(d, dict) else f"{json.dumps(d)} (not an object)"
            for d in result.directives
        ]
        lines.append(("directives", ", ".join(kinds)))
    # Those for an interface the device lacks: dropped in process, sent all the same by a server.
    lines.extend(lacking_rows(result.unsupported, served=served))
    verdict = _can_fulfill(result)
    if verdict is not None:
        lines.append(("can fulfill", verdict))
    end = result.should_end_session
    if end is not None or (lines and verdict is None):  # a can-fulfill answer has no session
        session = {
            True: "ends (shouldEndSession: true)",
            False: "stays open, microphone on (shouldEndSession: false)",
            None: "left to the device (no shouldEndSession)",
        }[end]
        lines.append(("session", session))
    if result.session_attributes:
        lines.append(("attributes", json.dumps(result.session_attributes, ensure_ascii=False)))
    for call in result.api_calls:
        said = f": {call.speech}" if call.speech is not None else ""
        lines.append(("alexa api", f"{call.operation or call.path} -> {call.status}{said}"))
    if not lines:  # (a server's parts of the wrong shape are not shown: name them)
        parts = f"none of its parts is of a shape shown here ({', '.join(sorted(response))})"
        lines.append(("answer", parts if response else "an empty response"))
    for key, value in lines:
        out.write(f"  {(key + ':').ljust(11)} {terminal_safe(value)}\n")  # shown, not acted on


def _can_fulfill(result: SkillResponse) -> str | None:
    """The ``canFulfillIntent`` answer: the verdict, then each slot's."""
    body = result.json.get("response") if isinstance(result.json, dict) else None
    answer = body.get("canFulfillIntent") if isinstance(body, dict) else None
    if not isinstance(answer, dict):
        return None
    slots = answer.get("slots")
    shown = [
        f"{name}: understand {slot.get('canUnderstand')}, fulfill {slot.get('canFulfill')}"
        for name, slot in (slots.items() if isinstance(slots, dict) else ())
        if isinstance(slot, dict)
    ]
    verdict = str(answer.get("canFulfill"))
    return f"{verdict} ({'; '.join(shown)})" if shown else verdict
