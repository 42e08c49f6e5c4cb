"""``alexaskill request --model``: slot values resolved as Alexa resolves them, from the model,
what Alexa always sends and never sends, and the dialog state (its fields:
test_cli_request_fields.py; other kinds of request: test_cli_request_kinds.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from alexaskill.testing import TestClient

from .cli_request_shared import slot_of
from .cli_run import MODEL_FILE, run
from .conftest import SKILL_ID
from .skill_modules import skill_module

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
    code, out, err = run(*argv, "--model", "cafe:skill", "--skill-id", SKILL_ID)
    assert code == 0, err
    [resolved] = slot_of(out, "drink")["resolutions"]["resolutionsPerAuthority"]
    assert resolved["authority"] == f"amzn1.er-authority.echo-sdk.{SKILL_ID}.Drink"
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


# --- what Alexa always sends, and never sends ----------------------------------------------------

TWO_LOCALES = f"""
from alexaskill import Skill, speak

skill = Skill("{SKILL_ID}")


@skill.intent(
    "Order", utterances={{"en-US": ["a {{drink}} please"]}}, slots={{"drink": "AMAZON.Food"}}
)
def order(drink: str):
    return speak(drink)
"""


def test_every_slot_of_the_intent_is_sent_the_unfilled_ones_without_a_value(
    workdir: Path,
) -> None:
    # Alexa sends every slot the intent defines; --model knows them all.
    argv = ("request", "IntentRequest", "--intent", "OrderPizza", "--model", MODEL_FILE)
    code, out, err = run(*argv, "--slot", "size=big")
    assert code == 0, err
    slots = json.loads(out)["request"]["intent"]["slots"]
    assert list(slots) == ["size", "toppings", "count", "time"]  # the model's order
    assert slots["count"] == {"name": "count", "confirmationStatus": "NONE"}
    assert slots["size"]["value"] == "big"


def test_request_and_the_test_client_send_the_same_unfilled_slots(workdir: Path) -> None:
    code, out, err = run("request", "IntentRequest", "--intent", "Order", "--model", "cafe:skill")
    assert code == 0, err
    printed = json.loads(out)["request"]["intent"]["slots"]
    assert printed == {"drink": {"name": "drink", "confirmationStatus": "NONE"}}
    from cafe import skill

    with TestClient(skill) as client:
        sent = client.intent("Order").request
        said = client.say("a cocoa please").request
    assert sent is not None and said is not None
    assert sent["intent"]["slots"] == printed
    assert list(said["intent"]["slots"]) == list(printed)


def test_a_launch_or_a_session_end_needs_no_understanding_of_the_locale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The skill has samples for en-US only: no model for ja-JP, and none needed to open it.
    for _ in skill_module(tmp_path, monkeypatch, "twolocales", TWO_LOCALES):
        for request_type in ("LaunchRequest", "SessionEndedRequest"):
            argv = ("request", request_type, "--model", "twolocales:skill", "--locale", "ja-JP")
            code, out, err = run(*argv)
            assert code == 0, err
            printed = json.loads(out)
            assert printed["request"]["locale"] == "ja-JP"
            assert printed["context"]["System"]["application"]["applicationId"] == SKILL_ID
        # An intent does need it: the error names what is missing.
        argv = ("request", "IntentRequest", "--intent", "Order", "--model", "twolocales:skill")
        code, _, err = run(*argv, "--locale", "ja-JP")
        assert code == 2
        assert "none for ja-JP" in err


def test_a_launch_from_a_model_file_takes_the_locale_of_its_name(tmp_path: Path) -> None:
    german = tmp_path / "de-DE.json"
    german.write_text(
        '{"interactionModel": {}}', encoding="utf-8"
    )  # no language model: nothing to understand
    code, out, err = run("request", "LaunchRequest", "--model", str(german))
    assert code == 0, err
    assert json.loads(out)["request"]["locale"] == "de-DE"
    code, _, err = run("request", "LaunchRequest", "--model", str(tmp_path / "none.json"))
    assert code == 2
    assert "none.json" in err


def test_dialog_state_is_sent_for_an_intent_of_the_dialog_model_only(workdir: Path) -> None:
    argv = ("request", "IntentRequest", "--model", MODEL_FILE)
    code, out, err = run(*argv, "--intent", "OrderPizza")
    assert code == 0, err
    assert json.loads(out)["request"]["dialogState"] == "STARTED"
    code, out, err = run(*argv, "--intent", "OrderPizza", "--dialog-state", "IN_PROGRESS")
    assert json.loads(out)["request"]["dialogState"] == "IN_PROGRESS"
    code, out, err = run(*argv, "--intent", "DeliverOn")
    assert code == 0, err
    assert "dialogState" not in json.loads(out)["request"]
    code, _, err = run(*argv, "--intent", "DeliverOn", "--dialog-state", "STARTED")
    assert code == 2
    assert "DeliverOn is not in the model's dialog" in err
    code, _, err = run(*argv, "--intent", "OrderPizza", "--dialog-state", "started")
    assert code == 2
    assert "--dialog-state: invalid choice: 'started'" in err  # (argparse's)
    code, _, err = run("request", "LaunchRequest", "--dialog-state", "STARTED")
    assert code == 2
    assert "LaunchRequest requests carry no dialogState" in err


def test_several_values_of_a_slot_come_from_the_user_as_one_does() -> None:
    argv = ("request", "IntentRequest", "--intent", "Plan", "--slot", "a=x", "--slot", "a=y")
    code, out, err = run(*argv)
    assert code == 0, err
    slot = slot_of(out, "a")
    assert slot["source"] == "USER"
    assert slot["slotValue"]["type"] == "List"
    assert "value" not in slot


def test_an_intent_without_slots_has_no_slots_object(workdir: Path) -> None:
    # As Alexa sends AMAZON.HelpIntent: no "slots" at all, not an empty one.
    for model in ((), ("--model", MODEL_FILE)):
        code, out, err = run("request", "IntentRequest", "--intent", "AMAZON.HelpIntent", *model)
        assert code == 0, err
        assert "slots" not in json.loads(out)["request"]["intent"]


def test_a_can_fulfill_request_has_no_dialog_state(workdir: Path) -> None:
    # Alexa asks whether the skill could answer, outside any dialog: no dialogState, and only
    # the slots it heard, as Amazon's CanFulfillIntentRequest example shows.
    argv = ("request", "CanFulfillIntentRequest", "--intent", "OrderPizza", "--model", MODEL_FILE)
    code, out, err = run(*argv, "--slot", "size=big")
    assert code == 0, err
    request = json.loads(out)["request"]
    assert "dialogState" not in request
    assert list(request["intent"]["slots"]) == ["size"]
    for model in ((), ("--model", MODEL_FILE)):
        code, _, err = run(*argv[:4], *model, "--dialog-state", "STARTED")
        assert code == 2
        assert "CanFulfillIntentRequest requests carry no dialogState" in err


def test_a_session_ended_by_an_error_says_which() -> None:
    code, out, err = run("request", "SessionEndedRequest", "--field", "reason=ERROR")
    assert code == 0, err
    assert json.loads(out)["request"]["error"]["type"] == "INVALID_RESPONSE"
    code, out, err = run("request", "SessionEndedRequest")
    assert "error" not in json.loads(out)["request"]


BOOKING = f"""
from alexaskill import DialogSlot, Skill, speak

skill = Skill("{SKILL_ID}")


@skill.intent("Book", utterances=["book for {{people}}"],
              slots={{"people": DialogSlot("AMAZON.NUMBER", elicit="For how many?")}})
def book(people: int):
    return speak(str(people))


@skill.intent("Plan", utterances=["plan for {{people}}"], auto_delegate=False,
              slots={{"people": DialogSlot("AMAZON.NUMBER", elicit="For how many?")}})
def plan(people: int):
    return speak(str(people))
"""


def test_the_dialog_state_is_client_intents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A dialog Alexa runs alone (auto delegation) reaches the skill once, COMPLETED; one the
    # skill delegates itself starts STARTED: as client.intent sends them.
    for _ in skill_module(tmp_path, monkeypatch, "booking", BOOKING):
        from alexaskill.cli.common import load_skill

        with TestClient(load_skill("booking:skill")) as client:
            for intent, state in (("Book", "COMPLETED"), ("Plan", "STARTED")):
                argv = ("request", "IntentRequest", "--intent", intent, "--slot", "people=2")
                code, out, err = run(*argv, "--model", "booking:skill")
                assert code == 0, err
                assert json.loads(out)["request"]["dialogState"] == state
                request = client.intent(intent, people=2).request
                assert request is not None and request["dialogState"] == state


def test_a_can_fulfill_requests_slots_are_as_amazon_shows_them(workdir: Path) -> None:
    argv = ("request", "CanFulfillIntentRequest", "--intent", "Order", "--slot", "drink=java")
    for model in ((), ("--model", "cafe:skill")):
        code, out, err = run(*argv, *model)
        assert code == 0, err
        intent = json.loads(out)["request"]["intent"]
        assert list(intent) == ["name", "slots"]  # no confirmationStatus: nothing to confirm
        slot = intent["slots"]["drink"]
        assert list(slot) == ["name", "value", *(["resolutions"] if model else [])]
        assert slot["value"] == "java"


def test_the_command_line_offers_the_dialog_states_the_test_client_takes() -> None:
    from alexaskill.cli import request
    from alexaskill.testing import requests

    assert request.DIALOG_STATES == requests.DIALOG_STATES
