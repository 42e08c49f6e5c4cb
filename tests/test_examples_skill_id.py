"""The examples agree on ALEXASKILL_SKILL_ID: unset or empty, the example id; a value that names
no id (blank, commas only) stops the import in one line, as a deployment's mistake."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from alexaskill.testing import DEFAULT_SKILL_ID

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _load(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """examples/NAME/app.py, imported afresh under a name of its own (dropped after the test)."""
    spec = importlib.util.spec_from_file_location(f"_skill_id_{name}", EXAMPLES / name / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # (dataclasses look the module up)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("example", ["dialog", "podcast", "weather"])
@pytest.mark.parametrize("value", [" ", ",", " , "])
def test_a_skill_id_that_names_none_stops_every_example(
    monkeypatch: pytest.MonkeyPatch, example: str, value: str
) -> None:
    # dialog and podcast fell back to the example id; weather refused: now all refuse.
    monkeypatch.setenv("ALEXASKILL_SKILL_ID", value)
    with pytest.raises(SystemExit) as raised:
        _load(example, monkeypatch)
    assert "names no skill id" in str(raised.value.code), raised.value.code


@pytest.mark.parametrize("example", ["dialog", "podcast", "weather"])
def test_an_empty_skill_id_is_the_example_id(monkeypatch: pytest.MonkeyPatch, example: str) -> None:
    monkeypatch.setenv("ALEXASKILL_SKILL_ID", "")
    # The example id is the tools' placeholder, written out in each app.py (an example imports
    # no test tool).
    assert _load(example, monkeypatch).SKILL_ID == (DEFAULT_SKILL_ID,)
