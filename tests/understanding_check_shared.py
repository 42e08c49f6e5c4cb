"""What the model check's tests (tests/test_understanding_check*.py) share: the hand-written model
file, a model of the five required built-in intents with the language model's fields given, a
slot type's value, and the messages ``check_model`` (or reading the model) gives at a level."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alexaskill.interaction import InteractionModelError
from alexaskill.understanding import InteractionModel, check_model

MODEL_FILE = Path(__file__).parent / "fixtures" / "models" / "en-US.json"


def model(**language: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "invocationName": "pizza palace",
        "intents": [
            {"name": "AMAZON.CancelIntent", "samples": []},
            {"name": "AMAZON.HelpIntent", "samples": []},
            {"name": "AMAZON.StopIntent", "samples": []},
            {"name": "AMAZON.NavigateHomeIntent", "samples": []},
            {"name": "AMAZON.FallbackIntent", "samples": []},
        ],
        "types": [],
    }
    extra_intents = language.pop("intents", [])
    base["intents"] += extra_intents
    base.update(language)
    return {"interactionModel": {"languageModel": base}}


def messages(data: dict[str, Any], level: str = "error") -> list[str]:
    try:
        model = InteractionModel.from_json(data)
    except InteractionModelError as exc:  # what --check reports as errors too
        return [problem.removeprefix("the model: ") for problem in exc.problems]
    findings = check_model(model)
    return [finding.message for finding in findings if finding.level == level]


def _value(name: str, value_id: str | None = None, synonyms: list[str] | None = None) -> Any:
    entry: dict[str, Any] = {"name": {"value": name, "synonyms": synonyms or []}}
    if value_id is not None:
        entry["id"] = value_id
    return entry
