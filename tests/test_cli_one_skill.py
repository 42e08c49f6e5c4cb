"""Two commands of one process (`alexaskill.cli.main` in two threads) given the same Skill
object: the second is refused in one line, not broken by the first's test client."""

from __future__ import annotations

import importlib
import io
import json
import sys
import threading
from pathlib import Path

import pytest

from alexaskill.cli import main
from alexaskill.testing import RequestFactory

#: A skill whose handler answers once the test lets it (the other command tried meanwhile).
_HELD_SKILL = """
import threading

from alexaskill import Skill, speak

skill = Skill("amzn1.ask.skill.held")
entered, release = threading.Event(), threading.Event()


@skill.intent("Hold")
def hold():
    entered.set()
    release.wait(timeout=60)
    return speak("held")
"""


def test_replay_of_a_skill_another_command_is_running_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each replay's test client swaps the skill's verifier for its own PKI's: the second made
    # the first's requests fail (HTTP 400 "Signature-256 does not match") and deadlines time out.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    monkeypatch.delitem(sys.modules, "held", raising=False)
    (tmp_path / "held.py").write_text(_HELD_SKILL)
    request = RequestFactory(skill_id="amzn1.ask.skill.held").intent("Hold")
    (tmp_path / "hold.json").write_text(json.dumps(request))
    argv = ["replay", "held:skill", "hold.json"]
    held = importlib.import_module("held")  # (the process's: both commands run its skill)
    first_err, codes = io.StringIO(), {}

    def first() -> None:
        codes["first"] = main(argv, stdout=io.StringIO(), stderr=first_err)

    thread = threading.Thread(target=first)
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
