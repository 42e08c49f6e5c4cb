"""Two commands of one process (`alexaskill.cli.main` in two threads) given the same Skill
object: the second is refused in one line, not broken by the first's test client."""

from __future__ import annotations

import importlib
import io
import json
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from alexaskill.cli import main
from alexaskill.testing import RequestFactory
from alexaskill.verify import Verifier

pytestmark = pytest.mark.oldest_dependencies

#: A skill whose handler answers once the test lets it (the other command tried meanwhile).
_HELD_SKILL = """
import threading

from alexaskill import Skill, speak

skill = Skill("amzn1.ask.skill.held")
entered, release = threading.Event(), threading.Event()


@skill.intent("Hold", utterances=["hold on"])
def hold():
    entered.set()
    release.wait(timeout=60)
    return speak("held")


@skill.launch
def launch():
    return hold()
"""


def _held(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The held skill's module, imported from ``tmp_path`` (the directory the commands run in),
    with ``hold.json``, its Hold request: the process's, as both commands run its skill."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    monkeypatch.delitem(sys.modules, "held", raising=False)
    (tmp_path / "held.py").write_text(_HELD_SKILL, encoding="utf-8")
    request = RequestFactory(skill_id="amzn1.ask.skill.held").intent("Hold")
    (tmp_path / "hold.json").write_text(json.dumps(request), encoding="utf-8")
    return importlib.import_module("held")


def test_replay_of_a_skill_another_command_is_running_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each replay's test client swaps the skill's verifier for its own PKI's: the second made
    # the first's requests fail (HTTP 400 "Signature-256 does not match") and deadlines time out.
    held = _held(tmp_path, monkeypatch)
    argv = ["replay", "held:skill", "hold.json"]
    first_err, codes = io.StringIO(), {}

    def first() -> None:
        codes["first"] = main(argv, stdout=io.StringIO(), stderr=first_err)

    thread = threading.Thread(target=first, daemon=True)
    thread.start()
    try:
        assert held.entered.wait(timeout=60)  # (the first command's request under way)
        err = io.StringIO()
        second = main(argv, stdout=io.StringIO(), stderr=err)
    finally:
        held.release.set()
        thread.join(timeout=60)
    assert (second, err.getvalue().count("\n")) == (2, 1), err.getvalue()
    assert "held:skill: another command of this process is running this Skill" in err.getvalue()
    assert (codes, first_err.getvalue()) == ({"first": 0}, "")


#: Each command's arguments, on the held skill: replay sends Hold, chat opens it (a launch).
_COMMANDS = {
    "replay": ["replay", "held:skill", "hold.json"],
    "chat": ["chat", "held:skill", "--invocation", "held skill"],
}


@pytest.mark.parametrize(
    ("first", "second"), [("replay", "chat"), ("chat", "chat"), ("chat", "replay")]
)
def test_chat_of_a_skill_another_command_is_running_is_refused_as_replay_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str, second: str
) -> None:
    # chat put its own test client on a skill another command was running, unrefused (and
    # replay then on one a chat was running): each broke the other's requests.
    held = _held(tmp_path, monkeypatch)
    # (the first chat's line; a second is refused before it reads any)
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(b"open held skill\n"), encoding="utf-8")
    )
    first_err, codes = io.StringIO(), {}

    def run_first() -> None:
        codes["first"] = main(_COMMANDS[first], stdout=io.StringIO(), stderr=first_err)

    thread = threading.Thread(target=run_first, daemon=True)
    thread.start()
    try:
        assert held.entered.wait(timeout=60)  # (the first command's request under way)
        err = io.StringIO()
        status = main(_COMMANDS[second], stdout=io.StringIO(), stderr=err)
    finally:
        held.release.set()
        thread.join(timeout=60)
    assert (status, err.getvalue().count("\n")) == (2, 1), err.getvalue()
    said = f"alexaskill {second}: error: held:skill: another command of this process is running"
    assert err.getvalue().startswith(said), err.getvalue()
    assert (codes, first_err.getvalue()) == ({"first": 0}, "")


@pytest.mark.parametrize(
    "where", ["its device set up", "its client's start", "just after its client's start"]
)
def test_a_chat_stopped_as_it_starts_lets_the_skill_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    # A chat stopped (Ctrl-C, an error) after its test client was made but before the chat was
    # whole never closed that client: the skill kept the client's verifier, and stayed held, so
    # that the next command of the process on it was refused as if one ran it.
    held = _held(tmp_path, monkeypatch)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"/quit\n"), encoding="utf-8"))
    own_verifier = held.skill.verifier = Verifier()  # (the one the client puts back at close)
    if where == "its device set up":
        from alexaskill.cli.chat_audio import player_of

        def interrupted(transport: object) -> object:
            monkeypatch.setattr("alexaskill.cli.chat.player_of", player_of)  # (once)
            raise KeyboardInterrupt

        monkeypatch.setattr("alexaskill.cli.chat.player_of", interrupted)
        stopped = main(_COMMANDS["chat"], stdout=io.StringIO(), stderr=io.StringIO())
        assert stopped == 130
    elif where == "just after its client's start":
        # (a Ctrl-C landing as `started` returns, before chat holds the client it started)
        from alexaskill.cli import skill_use

        started = skill_use.started

        def interrupted_after(client: Any) -> Any:
            started(client)
            raise KeyboardInterrupt

        monkeypatch.setattr(skill_use, "started", interrupted_after)
        stopped = main(_COMMANDS["chat"], stdout=io.StringIO(), stderr=io.StringIO())
        monkeypatch.setattr(skill_use, "started", started)
        assert stopped == 130
    else:  # the skill's start fails, in the client's lifespan: said in one line
        monkeypatch.setenv("ALEXASKILL_LOG_LEVEL", "nonsense")
        err = io.StringIO()
        assert main(_COMMANDS["chat"], stdout=io.StringIO(), stderr=err) == 2
        assert "ALEXASKILL_LOG_LEVEL" in err.getvalue()
        monkeypatch.delenv("ALEXASKILL_LOG_LEVEL")
    assert held.skill.verifier is own_verifier
    assert "_cancelled_because" not in vars(held.skill)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"/quit\n"), encoding="utf-8"))
    err = io.StringIO()
    assert (main(_COMMANDS["chat"], stdout=io.StringIO(), stderr=err), err.getvalue()) == (0, "")


def test_a_replay_stopped_just_after_its_clients_start_lets_the_skill_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Ctrl-C landing as `started` returned, before replay held the client it started (for
    # its close), left that client open: its lifespan running, its verifier on the skill.
    import alexaskill.cli.replay as replay
    from alexaskill.cli.skill_use import started

    held = _held(tmp_path, monkeypatch)
    own_verifier = held.skill.verifier = Verifier()  # (the one the client puts back at close)

    def interrupted_after(client: Any) -> Any:
        started(client)
        raise KeyboardInterrupt

    monkeypatch.setattr(replay, "started", interrupted_after)
    assert main(_COMMANDS["replay"], stdout=io.StringIO(), stderr=io.StringIO()) == 130
    assert held.skill.verifier is own_verifier
