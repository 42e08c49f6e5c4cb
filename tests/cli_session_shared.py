"""What the tests of carried sessions share (tests/test_cli_request_session.py,
tests/test_cli_replay_sessions.py): a skill whose answer to "yes" depends on what it stored in
the session, and its request files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from alexaskill.testing import RequestFactory

from .conftest import SKILL_ID
from .skill_modules import skill_module

#: coffeeshop.py: the launch asks a yes/no question and keeps what it asked in the session; the
#: "yes" orders that, or asks what it answers when the session holds no question.
COFFEESHOP = f"""
from alexaskill import Session, Skill, ask, speak

skill = Skill("{SKILL_ID}")


@skill.launch
def launch(session: Session):
    session.attributes["asked"] = "coffee"
    return ask("Shall I order a coffee?", reprompt="A coffee?")


@skill.intent("AMAZON.YesIntent")
def yes(session: Session):
    asked = session.attributes.get("asked")
    if asked is None:
        return ask("Yes to what?")
    return speak(f"Ordered a {{asked}}; new session: {{session.new}}.")


@skill.intent("AMAZON.NoIntent")
def no():
    return speak("Goodbye.")
"""

YES_TO_WHAT = "  speech:     Yes to what?\n"
ORDERED = "  speech:     Ordered a coffee; new session: False.\n"


@pytest.fixture
def coffeeshop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A current directory holding coffeeshop.py and the request files launch.json, yes.json
    and no.json, each in a session of its own, as `alexaskill request` writes them."""
    for path in skill_module(tmp_path, monkeypatch, "coffeeshop", COFFEESHOP):
        factory = RequestFactory(skill_id=SKILL_ID)
        (path / "launch.json").write_text(
            json.dumps(factory.envelope("LaunchRequest")), encoding="utf-8"
        )
        for name in ("Yes", "No"):
            envelope = factory.intent(f"AMAZON.{name}Intent")
            (path / f"{name.lower()}.json").write_text(json.dumps(envelope), encoding="utf-8")
        yield path
