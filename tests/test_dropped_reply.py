"""The WARNING for a reply a handler built and did not return (`ask("…")` without `return`,
`alexaskill.handler_bugs.said_dropped_reply`): where its code is read from, and that looking
never changes the answer."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import pytest

from alexaskill import Skill
from alexaskill.testing import TestClient

from .conftest import SKILL_ID

#: A function made by exec() without ``__name__`` in its globals: its ``__module__`` is None.
_NAMELESS: dict[str, object] = {}
exec("def audit():\n    pass\n", _NAMELESS)
audit = _NAMELESS["audit"]


def test_a_call_of_a_function_of_no_module_leaves_an_empty_answer_as_it_is(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Looking for a builder among the calls, a function whose __module__ is None (made by
    # exec() without __name__) raised AttributeError: the handler's empty answer, on purpose,
    # became the apology and an ERROR line.
    assert audit.__module__ is None  # type: ignore[attr-defined]
    skill = Skill(SKILL_ID)

    @skill.intent("Audit")
    def audited() -> None:
        audit()  # type: ignore[operator]

    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(skill) as client:
        answer = client.intent("Audit")
    assert (answer.speech, answer.handler_error) == (None, None)
    assert [r.getMessage() for r in caplog.records] == []


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
    path.write_text(STALE_SKILL)
    spec = importlib.util.spec_from_file_location("stale_skill", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path.write_text(STALE_SKILL.replace("return None", "return speak(\n"))
    with caplog.at_level(logging.WARNING, logger="alexaskill"), TestClient(module.skill) as client:
        answer = client.intent("Quiet")
    assert (answer.speech, answer.handler_error) == (None, None)
    assert [r.getMessage() for r in caplog.records] == []
