"""A skill written as a module of its own in a test's directory, as the CLI's tests load them."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


def skill_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, source: str
) -> Iterator[Path]:
    """For a fixture: ``tmp_path`` as the current directory, holding ``name``.py (``source``),
    importable; the modules loaded from it are forgotten afterwards, and before: a module of that
    name another test's CLI run left (``model name.py:skill`` imports ``name``) is not this one."""
    _forget(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / f"{name}.py").write_text(source, encoding="utf-8")
    yield tmp_path
    _forget(name)


def _forget(name: str) -> None:
    for module in [
        module for module in sys.modules if module.startswith((name, "_alexaskill_app"))
    ]:
        del sys.modules[module]


#: twolocales.py: a skill of one intent with utterances in en-US and de-DE, for the CLI's
#: ``model`` command.
TWO_LOCALES = """
from alexaskill import Skill, speak

skill = Skill("*")

@skill.intent(
    "GetWeather",
    utterances={"en-US": ["weather in {city}"], "de-DE": ["wetter in {city}"]},
    slots={"city": "AMAZON.City"},
)
def weather(city: str):
    return speak(city)
"""

#: ``alexaskill model`` of twolocales.py, both locales with their invocation names, written
#: into the folder that comes next.
TWO_LOCALES_INTO = (
    "model",
    "twolocales.py:skill",
    "--all-locales",
    "--invocation",
    "en-US=weather helper",
    "--invocation",
    "de-DE=wetter helfer",
    "--output-dir",
)

#: quick_skill.py: a skill that answers a launch at once, keeping the session open, for the
#: CLI's ``chat`` (``chat quick_skill:skill --invocation quick``).
QUICK_SKILL = """
from alexaskill import Skill, ask

skill = Skill("amzn1.ask.skill.quick")

@skill.launch
def launch():
    return ask("Hello there.", reprompt="Again?")
"""
