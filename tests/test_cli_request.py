"""``alexaskill request --model``: slot values resolved as Alexa resolves them, from the model."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alexaskill.cli import main
from alexaskill.testing import TestClient

from .skill_modules import skill_module

ROOT = Path(__file__).resolve().parent.parent
MODEL_FILE = str(ROOT / "tests" / "fixtures" / "models" / "en-US.json")
SKILL_ID = "amzn1.ask.skill.44444444-4444-4444-4444-444444444444"

CAFE = f"""
from alexaskill import Skill, speak

skill = Skill("{SKILL_ID}")
skill.add_slot_type("Drink", [
    {{"name": "coffee", "id": "COFFEE", "synonyms": ["espresso", "java"]}},
    "cocoa",
])


@skill.intent("Order", utterances=["a {{drink}} please"], slots={{"drink": "Drink"}})
def order(drink: str):
    return speak(drink)
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from skill_module(tmp_path, monkeypatch, "cafe", CAFE)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def slot_of(out: str, name: str) -> dict[str, Any]:
    slot: dict[str, Any] = json.loads(out)["request"]["intent"]["slots"][name]
    return slot


def test_a_synonym_resolves_to_its_value_as_client_intent_sends_it(workdir: Path) -> None:
    argv = ("request", "IntentRequest", "--intent", "Order", "--slot", "drink=espresso")
    code, out, err = run(*argv, "--model", "cafe:skill")
    assert code == 0, err
    printed = json.loads(out)
    slot = printed["request"]["intent"]["slots"]["drink"]
    authority = f"amzn1.er-authority.echo-sdk.{SKILL_ID}.Drink"
    [resolved] = slot["resolutions"]["resolutionsPerAuthority"]
    assert resolved["authority"] == authority  # the APP's skill id, as Alexa names it
    assert resolved["status"]["code"] == "ER_SUCCESS_MATCH"
    assert resolved["values"] == [{"value": {"name": "coffee", "id": "COFFEE"}}]
    assert slot["value"] == "espresso"
    assert printed["context"]["System"]["application"]["applicationId"] == SKILL_ID
    # What the test client sends for the same slot.
    from cafe import skill  # type: ignore[import-not-found]

    with TestClient(skill) as client:
        sent = client.intent("Order", drink="espresso").request
    assert sent is not None
    assert slot == sent["intent"]["slots"]["drink"]


def test_words_that_are_no_value_do_not_match(workdir: Path) -> None:
    argv = ("request", "IntentRequest", "--intent", "Order", "--slot", "drink=lemonade")
    code, out, err = run(*argv, "--model", "cafe:skill", "--skill-id", "amzn1.ask.skill.x")
    assert code == 0, err
    [resolved] = slot_of(out, "drink")["resolutions"]["resolutionsPerAuthority"]
    assert resolved["authority"] == "amzn1.er-authority.echo-sdk.amzn1.ask.skill.x.Drink"
    assert resolved["status"]["code"] == "ER_SUCCESS_NO_MATCH"


def test_a_model_file_resolves_each_value_of_a_multiple_value_slot(workdir: Path) -> None:
    argv = ("request", "IntentRequest", "--intent", "OrderPizza", "--model", MODEL_FILE)
    code, out, err = run(
        *argv, "--slot", "toppings=champignons", "--slot", "toppings=ham", "--slot", "size=big"
    )
    assert code == 0, err
    assert json.loads(out)["request"]["locale"] == "en-US"  # the file's name
    [size] = slot_of(out, "size")["resolutions"]["resolutionsPerAuthority"]
    assert size["values"] == [{"value": {"name": "large", "id": "LARGE"}}]
    values = slot_of(out, "toppings")["slotValue"]["values"]
    assert [value["value"] for value in values] == ["champignons", "ham"]
    names = [
        value["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["name"]
        for value in values
    ]
    assert names == ["mushrooms", "ham"]


def test_an_intent_or_slot_the_model_lacks_is_a_usage_error(workdir: Path) -> None:
    code, _, err = run("request", "IntentRequest", "--intent", "Ordr", "--model", "cafe:skill")
    assert code == 2
    assert "the model has no intent 'Ordr'" in err
    assert "Order" in err  # the intents it has
    argv = ("request", "IntentRequest", "--intent", "Order", "--slot", "drnk=java")
    code, _, err = run(*argv, "--model", "cafe:skill")
    assert code == 2
    assert "intent 'Order' has no slot 'drnk' (its slots: drink)" in err


def test_without_a_model_values_go_unresolved_as_before(workdir: Path) -> None:
    code, out, _ = run("request", "IntentRequest", "--intent", "Order", "--slot", "drink=java")
    assert code == 0
    assert "resolutions" not in slot_of(out, "drink")
