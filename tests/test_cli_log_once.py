"""How the skill's log reaches the terminal in `alexaskill replay` and `chat`: once."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from alexaskill.cli import main
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory

from .logger_state import alexaskill_logger_kept
from .skill_modules import skill_module

WARNING_SKILL = f"""
import logging
import sys

from alexaskill import Skill, speak

logging.basicConfig(force=True, stream=sys.stderr, format="ROOT %(name)s: %(message)s")
skill = Skill({DEFAULT_SKILL_ID!r})

@skill.intent("Hello", utterances=["hello"])
def hello():
    return speak("Hello.")

@skill.fallback
def anything():
    return speak("What?")
"""


@pytest.fixture
def warning_skill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The current directory, holding warned.py: a skill with a root handler on stderr, whose
    fallback answers Stop and Cancel (a WARNING of the framework's about the skill)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    # (force=True: pytest's handlers are on the root, and basicConfig adds none beside them)
    try:
        yield from skill_module(tmp_path, monkeypatch, "warned", WARNING_SKILL)
    finally:
        root.handlers, root.level = handlers, level


def _shown(text: str) -> int:
    return text.count("answers AMAZON.StopIntent and AMAZON.CancelIntent")


def test_replay_shows_a_warning_once_with_the_skill_s_root_handler(
    warning_skill: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The skill's `logging.basicConfig()` root handler wrote the framework's WARNING, and
    # replay's own handler wrote it again.
    (warning_skill / "hello.json").write_text(
        json.dumps(RequestFactory().intent("Hello")), encoding="utf-8"
    )
    out, err = io.StringIO(), io.StringIO()
    code = main(["replay", "warned:skill", "hello.json"], stdout=out, stderr=err)
    assert code == 0, out.getvalue() + err.getvalue()
    root_said = capsys.readouterr().err
    assert _shown(root_said) + _shown(err.getvalue()) == 1, (root_said, err.getvalue())
    assert _shown(root_said) == 1  # (as the skill configured it)


def test_chat_shows_a_warning_once_with_the_skill_s_root_handler(
    warning_skill: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("ask the bar hello\n"))
    out, err = io.StringIO(), io.StringIO()
    code = main(["chat", "warned:skill", "--invocation", "the bar"], stdout=out, stderr=err)
    assert code == 0, out.getvalue() + err.getvalue()
    root_said = capsys.readouterr().err
    assert _shown(root_said) + _shown(err.getvalue()) == 1, (root_said, err.getvalue())


def test_replay_still_shows_a_warning_when_the_skill_logs_to_a_file_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = WARNING_SKILL.replace("stream=sys.stderr", f"filename={str(tmp_path / 'log')!r}")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        for _ in skill_module(tmp_path, monkeypatch, "warned", source):
            (tmp_path / "hello.json").write_text(
                json.dumps(RequestFactory().intent("Hello")), encoding="utf-8"
            )
            out, err = io.StringIO(), io.StringIO()
            code = main(["replay", "warned:skill", "hello.json"], stdout=out, stderr=err)
            assert code == 0, out.getvalue() + err.getvalue()
            assert _shown(err.getvalue()) == 1  # (the file is not the terminal)
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers, root.level = handlers, level


def test_slot_notes_leave_a_logger_at_info_its_handlers_once() -> None:
    # A logger that shows INFO already (configure_logging("INFO"), ALEXASKILL_LOG_LEVEL=INFO)
    # is not lowered: slot_notes put its handlers back twice all the same, and each replay or
    # chat run in the process doubled every line of the log.
    from alexaskill.cli.replay_show import slot_notes

    with alexaskill_logger_kept() as logger:
        logger.setLevel(logging.INFO)
        logger.addHandler(logging.NullHandler())
        before = list(logger.handlers)
        with slot_notes():
            pass
        assert logger.handlers == before


def test_slot_notes_of_two_commands_at_once_take_each_ones_own_lines() -> None:
    # Each call's SlotNotes was a filter on the process's logger: two replays run by main() in
    # two threads each showed the other's slot rows too.
    import threading

    from alexaskill.cli.replay_show import slot_notes
    from alexaskill.cli.skill_log import log_to
    from alexaskill.slots.reasons import FALLBACK_LINE

    barrier, taken = threading.Barrier(2, timeout=60), {}

    def command(name: str) -> None:
        with log_to(io.StringIO(), logging.WARNING), slot_notes() as notes:
            barrier.wait()  # (both under way)
            logging.getLogger("alexaskill").info(FALLBACK_LINE, f"{name}: ", "…", "count", "None")
            barrier.wait()  # (both logged)
            taken[name] = notes.take()

    with alexaskill_logger_kept() as logger:
        logger.setLevel(logging.WARNING)
        before = list(logger.handlers)
        threads = [
            threading.Thread(target=command, args=(name,), daemon=True) for name in ("one", "two")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert logger.handlers == before and logger.level == logging.WARNING
    assert taken == {"one": ["one: …; count gets None"], "two": ["two: …; count gets None"]}


def test_a_logger_set_to_error_shows_no_warning_in_replay_or_chat() -> None:
    # (as before the log_to handler stood beside slot_notes' lowering, not behind it)
    from alexaskill.cli.replay_show import slot_notes
    from alexaskill.cli.skill_log import log_to

    shown = io.StringIO()
    with alexaskill_logger_kept() as logger:
        logger.setLevel(logging.ERROR)
        with log_to(shown, logging.WARNING), slot_notes():
            logger.warning("a warning the logger does not show")
            logger.error("an error it shows")
    assert shown.getvalue() == "ERROR alexaskill: an error it shows\n"


def test_a_command_s_log_handler_is_kept_while_another_lowers_the_logger(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # slot_notes lowered the logger by reading its handlers and assigning it a new list: a
    # command's log_to handler removed meanwhile by another thread (under logging's lock, not
    # theirs) made the reading skip the handler after it, a third command's, which was dropped
    # (that command showed none of its skill's log from then on).
    from alexaskill.cli import skill_log
    from alexaskill.cli.replay_show import slot_notes

    ending, running = logging.NullHandler(), logging.NullHandler()
    seen = {ending: 0, running: 0}

    def meanwhile(handler: logging.Handler) -> bool:  # (as slot_notes read the handlers)
        if handler in seen:
            seen[handler] += 1
            if handler is ending and seen[ending] == 2:  # (its command's log_to ends now)
                logging.getLogger("alexaskill").removeHandler(ending)
            return True
        return is_call_handler(handler)

    is_call_handler = skill_log.is_call_handler
    monkeypatch.setattr(skill_log, "is_call_handler", meanwhile)
    with alexaskill_logger_kept() as logger:
        logger.setLevel(logging.WARNING)
        for handler in (logging.NullHandler(), ending, running):
            logger.addHandler(handler)
        with slot_notes():
            assert running in logger.handlers
