"""``alexaskill chat`` (and ``replay``) with standard output and standard error to one pipe
(``2>&1``): the skill's log lines, alexaskill's and its own loggers', come with the turn they were
logged in, after its request line."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from alexaskill.cli import main
from alexaskill.cli.chat_log import MOST_HELD, TurnLog

# The fixture of tests/cli_chat_shared.py these tests take, imported for pytest to see.
from .cli_chat_shared import workdir as workdir
from .cli_shared import in_order, on_one_pipe
from .conftest import APP_SKILL_ID
from .skill_modules import skill_module

#: brew.py: a skill that logs on its own logger, set to INFO by its author, as ``__name__``.
BREW = f"""
import logging

from alexaskill import Skill, ask, speak

log = logging.getLogger(__name__)
log.setLevel(logging.INFO)
skill = Skill({APP_SKILL_ID!r})


@skill.launch
def launch():
    log.info("opened, %s", "kettle on")
    return ask("Welcome to the brewery. What shall I brew?", reprompt="What shall I brew?")


@skill.intent("Brew", utterances=["brew tea"])
def brew():
    log.warning("out of milk")
    return speak("Brewing tea.")
"""


def _chatted(workdir: Path, app: str, invocation: str, *said: str) -> list[str]:
    """``alexaskill chat app --invocation invocation`` in ``workdir`` on one pipe (`on_one_pipe`),
    told each of ``said`` in turn: the lines it wrote, once it has ended well (status 0)."""
    stdin = "".join(f"{line}\n" for line in said)
    status, lines = on_one_pipe(workdir, "chat", app, "--invocation", invocation, stdin=stdin)
    assert status == 0, "\n".join(lines)
    return lines


@pytest.fixture
def brewdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from skill_module(tmp_path, monkeypatch, "brew", BREW)


def test_the_skills_log_lines_come_with_their_turn_on_one_pipe(workdir: Path) -> None:
    # Standard output to a pipe is written in blocks, standard error at once: the skill's
    # ERROR for "crash" came before the "> crash" line, the WARNING for the intent without a
    # handler before its "> " line too; on a terminal, before the turn's "→" line.
    lines = _chatted(workdir, "cafe:skill", "the cafe", "open the cafe", "blah blah blah", "crash")
    expected = [
        "> open the cafe",
        "  → LaunchRequest",
        "> blah blah blah",
        "  → IntentRequest AMAZON.FallbackIntent",
        "WARNING alexaskill: no handler for intent 'AMAZON.FallbackIntent' and no fallback",
        "  skill:      Sorry, I can't help with that.",
        "> crash",
        "  → IntentRequest Crash",
        "ERROR alexaskill: handler failed for IntentRequest Crash (cafe.crash)",
        "  RuntimeError: boom, at ",
        "  skill:      Sorry, something went wrong.",
    ]
    assert in_order(lines, expected), "\n".join(lines)


def test_each_request_of_a_turn_is_followed_by_the_lines_logged_as_it_was_answered() -> None:
    # A turn of two requests (a launch that chains to an intent): the second's lines after the
    # second's request line, not all after the first's.
    out = io.StringIO()
    log = TurnLog(out, out)
    log.write("between turns\n")
    log.hold()
    log.write("first\n")
    log.sent()
    log.write("second\n")
    log.sent()
    assert out.getvalue() == "between turns\n"  # (held: the turn is not printed yet)
    out.write("→ LaunchRequest\n")
    log.release_request()
    out.write("→ IntentRequest\n")
    log.release_request()
    log.write("late\n")
    log.end()
    log.write("after\n")
    assert out.getvalue().splitlines() == [
        "between turns",
        "→ LaunchRequest",
        "first",
        "→ IntentRequest",
        "second",
        "late",
        "after",
    ]


def test_a_turn_holds_its_lines_within_a_bound() -> None:
    # A handler logging in a loop had every line of its turn held until the turn was printed,
    # however many: past the bound they are written at once, out of place but not kept.
    out, err = io.StringIO(), io.StringIO()
    log = TurnLog(out, err)
    log.hold()
    line = "WARNING mine: " + "x" * 1000 + "\n"
    for _ in range(MOST_HELD // len(line) + 1):
        log.write(line)
    assert err.getvalue() != ""  # (written: past the bound)
    assert MOST_HELD // 2 < len(err.getvalue()) <= MOST_HELD + len(line)
    out.write("→ IntentRequest\n")
    log.sent()
    log.write("after the bound\n")
    log.release_request()
    log.end()
    assert err.getvalue().count(line) == MOST_HELD // len(line) + 1
    assert err.getvalue().endswith(line + "after the bound\n")


def test_a_failed_turn_shows_what_was_logged_before_saying_it_failed(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logging

    from alexaskill.testing import talking

    def broken(self: object, request: dict[str, object], *, new_session: bool) -> object:
        logging.getLogger("alexaskill").warning("logged as the line dropped")
        raise ConnectionError("the line dropped")

    monkeypatch.setattr(talking.ClientTransport, "send", broken)
    monkeypatch.setattr(sys, "stdin", io.StringIO("open the cafe\n"))
    both = io.StringIO()  # (standard output and standard error to one file)
    args = ["chat", "cafe:skill", "--invocation", "the cafe"]
    assert main(args, stdout=both, stderr=both) == 0
    said = both.getvalue()
    assert "WARNING alexaskill: logged as the line dropped\n  the turn failed:" in said, said


def test_the_lines_of_the_skills_own_logger_come_with_their_turn(brewdir: Path) -> None:
    # Python's last resort wrote a logger's lines that no handler takes straight to standard
    # error, before the turn's lines and unformatted, and its INFO lines not at all.
    lines = _chatted(brewdir, "brew:skill", "the brewery", "open the brewery", "brew tea")
    expected = [
        "> open the brewery",
        "  → LaunchRequest",
        "INFO brew: opened, kettle on",
        "  skill:      Welcome to the brewery.",
        "> brew tea",
        "  → IntentRequest Brew",
        "WARNING brew: out of milk",
        "  skill:      Brewing tea.",
    ]
    assert in_order(lines, expected), "\n".join(lines)
    assert not any(line.startswith(("opened", "out of milk")) for line in lines), lines


def test_replay_writes_the_skills_own_lines_after_their_files_line(brewdir: Path) -> None:
    from alexaskill.testing import RequestFactory

    factory = RequestFactory(skill_id=APP_SKILL_ID)
    (brewdir / "launch.json").write_text(
        json.dumps(factory.envelope("LaunchRequest")), encoding="utf-8"
    )
    (brewdir / "brew.json").write_text(json.dumps(factory.intent("Brew")), encoding="utf-8")
    status, lines = on_one_pipe(brewdir, "replay", "brew:skill", "launch.json", "brew.json")
    assert status == 0, "\n".join(lines)
    expected = [
        "launch.json (LaunchRequest)",
        "INFO brew: opened, kettle on",
        "  speech:     Welcome to the brewery.",
        "brew.json (IntentRequest Brew)",
        "WARNING brew: out of milk",
        "  speech:     Brewing tea.",
    ]
    assert in_order(lines, expected), "\n".join(lines)


#: rooted.py: a skill that sets the root logger to DEBUG and logs on it, as AWS's Lambda samples
#: do (``logging.getLogger().setLevel(...)``), with no handler of its own.
ROOTED = f"""
import logging

from alexaskill import Skill, ask

log = logging.getLogger()
log.setLevel(logging.DEBUG)
skill = Skill({APP_SKILL_ID!r})


@skill.launch
async def launch():
    log.info("opened")
    return ask("Welcome to the root cellar. What now?", reprompt="What now?")
"""


@pytest.fixture
def rooteddir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from skill_module(tmp_path, monkeypatch, "rooted", ROOTED)


def test_only_the_skills_own_lines_below_warning_come_with_their_turn(rooteddir: Path) -> None:
    # With the last resort lowered for the skill's INFO lines, a root logger set to DEBUG let
    # the command's own machinery into each turn, as the skill's lines: its client's request to
    # the skill (`INFO httpx2: HTTP Request: POST http://testserver/ ...`), the event loop's
    # selector (`DEBUG asyncio: Using selector: EpollSelector`).
    lines = _chatted(rooteddir, "rooted:skill", "the root cellar", "open the root cellar")
    expected = ["  → LaunchRequest", "INFO root: opened", "  skill:      Welcome to the root"]
    assert in_order(lines, expected), "\n".join(lines)
    assert not [line for line in lines if line.startswith(("DEBUG", "INFO httpx"))], lines
