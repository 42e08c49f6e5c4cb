"""The understanding benchmarks work: the model has the size the issue names, the evaluation
sets are well formed and stay understood (accuracy is a correctness figure; no time asserted)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from benchmarks import bench_understanding, eval_understanding


def test_the_speed_model_is_the_size_asked_for() -> None:
    data = bench_understanding.make_model()
    language = data["interactionModel"]["languageModel"]
    custom = [intent for intent in language["intents"] if not intent["name"].startswith("AMAZON.")]
    assert len(custom) == 50
    assert all(len(intent["samples"]) == 30 for intent in custom)
    assert len(language["types"]) == 5
    assert all(len(entry["values"]) == 100 for entry in language["types"])
    said = bench_understanding.utterances(data)
    assert len(said["exact"]) == 500
    understander = bench_understanding.build(data)
    for text in said["exact"][:40]:
        assert understander.understand(text).intent != "AMAZON.FallbackIntent", text


@pytest.mark.parametrize("path", eval_understanding.SETS, ids=lambda path: path.stem)
def test_evaluation_sets_are_well_formed(path: Path) -> None:
    data = json.loads(path.read_text())
    assert {"model", "invocation", "locale", "now", "utterances"} <= set(data)
    for entry in data["utterances"]:
        assert set(entry) <= {"utterance", "intent", "slots", "expecting"}
        assert entry["utterance"] and entry["intent"]


def test_the_examples_stay_understood() -> None:
    results = {path.stem: eval_understanding.evaluate(path) for path in eval_understanding.SETS}
    out = io.StringIO()
    exact = eval_understanding.report(results, misses=True, out=out)
    assert out.getvalue().startswith("set ")
    # 117 of the 121 utterances today; a change that loses more is a regression.
    assert exact >= 0.95, out.getvalue()
