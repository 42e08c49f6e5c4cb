"""The WARNING for a reply a handler built and did not return, when the handler's file has
changed since it was imported (`alexaskill.dropped_reply._dropped_call`, `_where`): it names
no wrong line, and looking never changes the answer."""

from __future__ import annotations

import importlib.util
import logging
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from alexaskill.testing import TestClient

from .conftest import SKILL_ID
from .dropped_reply_shared import _dropped


def _loaded(path: Path, source: str) -> ModuleType:
    """The module of ``source``, written to ``path`` and imported from there."""
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


STALE_SKILL = f"""
from alexaskill import Skill

skill = Skill({SKILL_ID!r})


@skill.intent("Quiet")
def quiet():
    return None
"""


def test_a_handler_s_file_saved_half_edited_since_leaves_an_empty_answer_as_it_is(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The code is read from its file at the first None, which may have changed since the
    # import: saved in the middle of an edit (a bracket left open to its end), tokenize raised
    # TokenError and the handler's empty answer, on purpose, became the apology.
    path = tmp_path / "stale_skill.py"
    module = _loaded(path, STALE_SKILL)
    path.write_text(STALE_SKILL.replace("return None", "return speak(\n"), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(module.skill) as client:
        answer = client.intent("Quiet")
    assert (answer.speech, answer.handler_error) == (None, None)
    assert [r.getMessage() for r in caplog.records] == []


EDITED_SKILL = f"""
from alexaskill import Skill, ask

skill = Skill({SKILL_ID!r})


@skill.intent("Animal")
def animal():
    ask("Which animal?")


@skill.intent("Colour")
def colour():
    ask("Which colour?")
"""


def test_a_handler_s_file_edited_since_names_no_wrong_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The file read at the first None had been edited since the import, and still parsed: lines
    # added above a handler made the WARNING read the function before it (colour() was said to
    # call ask() at animal()'s line); a line added in a handler's body named the line of the
    # file as it is now, not that of the code that ran. The file is named, its line left out.
    path = tmp_path / "edited_skill.py"
    module = _loaded(path, EDITED_SKILL)
    edited = '    name = 1\n    ask("Which?")\n\n# Colours.\n'
    path.write_text(EDITED_SKILL.replace('    ask("Which animal?")\n', edited), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(module.skill) as client:
        client.intent("Colour")
        client.intent("Animal")
    assert _dropped(caplog) == [
        "edited_skill.animal returned None, so the user hears nothing, and its code calls ask() "
        f"without returning what it built ({path}, edited since it was loaded): return ask(…)"
    ]


#: A skill whose handler has a line of code after its call, edited as `EDITED_SKILL` is (a
#: line added above the call), then asked, in a Python of ``-X no_debug_ranges``.
_NO_RANGES = f"""
import importlib.util, logging, sys
from pathlib import Path

from alexaskill.testing import TestClient

SKILL = '''
from alexaskill import Skill, ask

skill = Skill({SKILL_ID!r})


@skill.intent("Animal")
def animal():
    ask("Which animal?")
    asked = 1
'''
path = Path(sys.argv[1])
path.write_text(SKILL, encoding="utf-8")
spec = importlib.util.spec_from_file_location("ranged_skill", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
path.write_text(SKILL.replace("    ask(", "    name = 1\\n    ask("), encoding="utf-8")
logging.basicConfig(stream=sys.stdout, format="%(message)s", level=logging.WARNING)
with TestClient(module.skill) as client:
    client.intent("Animal")
"""


def test_without_debug_ranges_a_handler_s_file_edited_since_names_no_wrong_line(
    tmp_path: Path,
) -> None:
    # Without the columns of each instruction (-X no_debug_ranges, PYTHONNODEBUGRANGES), a call
    # was taken to be where the code that ran has any instruction on its line: a line added
    # above the call named the line of the statement after it (ranged_skill.py:10).
    path = tmp_path / "ranged_skill.py"
    command = [sys.executable, "-X", "no_debug_ranges", "-c", _NO_RANGES, str(path)]
    done = subprocess.run(
        command, capture_output=True, text=True, encoding="utf-8", timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stdout.splitlines() if "without returning" in line] == [
        "ranged_skill.animal returned None, so the user hears nothing, and its code calls ask() "
        f"without returning what it built ({path}, edited since it was loaded): return ask(…)"
    ]
