"""``alexaskill request --model``: slot values resolved as Alexa resolves them, from the model."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alexaskill.cli import main
from alexaskill.testing import TestClient

from .cli_run import run
from .conftest import SKILL_ID
from .skill_modules import skill_module

ROOT = Path(__file__).resolve().parent.parent
MODEL_FILE = str(ROOT / "tests" / "fixtures" / "models" / "en-US.json")

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
    german.write_text('{"interactionModel": {}}')  # no language model: nothing to understand
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


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Launch", "LaunchRequest"),
        ("IntentRequst", "IntentRequest"),
        ("launchrequest", "LaunchRequest"),
        # Two types end in UserEvent: both are named, not the last sorted alone (APLT's, a
        # character display's, was named for APL's, a screen's).
        ("UserEvent", "Alexa.Presentation.APL.UserEvent or Alexa.Presentation.APLT.UserEvent"),
    ],
)
def test_a_request_type_near_a_known_one_says_which_was_likely_meant(
    capsys: pytest.CaptureFixture[str], typed: str, meant: str
) -> None:
    # An unknown type was written with a note: now refused, naming the one likely meant.
    assert main(["request", typed]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"alexaskill request: error: TYPE {typed!r}: not a request type Alexa sends (did you "
        f"mean {meant}?); one of CanFulfillIntentRequest, IntentRequest, "
    ), err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("typed", "takes"),
    [
        ("Bogus", "; one of CanFulfillIntentRequest, IntentRequest, LaunchRequest, "),
        ("Custom.NewRequest", "or a namespaced type such as AudioPlayer.PlaybackStarted"),
        (
            "AudioPlayer.Bogus",
            "AudioPlayer requests are AudioPlayer.PlaybackFailed, AudioPlayer.PlaybackFinished, ",
        ),
    ],
)
def test_a_request_type_alexa_does_not_send_is_refused_naming_those_it_does(
    typed: str, takes: str
) -> None:
    # `alexaskill request Bogus` wrote a Bogus request (exit status 0) with a note.
    code, out, err = run("request", typed)
    assert (code, out) == (2, "")
    assert err.startswith(f"alexaskill request: error: TYPE {typed!r}: not a request type "), err
    assert takes in err and "did you mean" not in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["LaunchRequest", "--field", "nosuch=1"],
            "--field nosuch: LaunchRequest requests carry no nosuch; their fields: requestId, "
            "timestamp, task, shouldLinkResultBeReturned",
        ),
        (
            ["SessionEndedRequest", "--field", "reasn=ERROR"],
            "--field reasn: SessionEndedRequest requests carry no reasn (did you mean reason?); "
            "their fields: requestId, timestamp, reason, error",
        ),
        (
            ["AudioPlayer.PlaybackStarted", "--field", "token=t", "--field", "error={}"],
            "--field error: AudioPlayer.PlaybackStarted requests carry no error; their fields: "
            "requestId, timestamp, token, offsetInMilliseconds",
        ),
        (
            ["IntentRequest", "--intent", "A", "--field", "slots={}"],
            "--field slots: IntentRequest requests carry no slots; their fields: requestId, "
            "timestamp",
        ),
    ],
)
def test_a_field_the_request_does_not_carry_is_refused(argv: list[str], said: str) -> None:
    # `--field nosuch=1` was written into the request object.
    code, out, err = run("request", *argv)
    assert (code, out) == (2, "")
    assert err == f"alexaskill request: error: {said}\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["LaunchRequest", "--field", "type=IntentRequest"],
            "--field type: the request type is TYPE",
        ),
        (
            ["IntentRequest", "--intent", "A", "--field", 'intent={"name": "B"}'],
            "--field intent: the intent is --intent NAME (and --slot NAME=VALUE)",
        ),
        (
            ["IntentRequest", "--intent", "A", "--field", "dialogState=FOO"],
            "--field dialogState: the dialog state is --dialog-state",
        ),
        (["LaunchRequest", "--field", "locale=xx"], "--field locale: the locale is --locale"),
        # (one RequestFactory.envelope refuses too: the command's own words come first)
        (["LaunchRequest", "--field", "locale=en_US"], "--field locale: the locale is --locale"),
    ],
)
def test_a_field_the_options_set_is_a_usage_error(argv: list[str], message: str) -> None:
    # "--field sets any other field of request": one the command sets itself was taken over
    # (type, locale, dialogState: a LaunchRequest turned IntentRequest, a locale Alexa lacks),
    # or lost (intent, replaced by --intent's), without a word.
    code, out, err = run("request", *argv)
    assert (code, out) == (2, "")
    assert err == f"alexaskill request: error: {message}\n"  # one line, no traceback


def test_a_slot_given_no_value_is_sent_unfilled() -> None:
    # "--slot city=" sent the value "", which Alexa never sends: an unfilled slot has none.
    code, out, err = run("request", "IntentRequest", "--intent", "Plan", "--slot", "city=")
    assert (code, err) == (0, "")
    assert slot_of(out, "city") == {"name": "city", "confirmationStatus": "NONE"}
    code, out, err = run("request", "IntentRequest", "--intent", "Plan", "--slot", "city= ")
    assert (code, err) == (0, "")  # nor a blank one: unfilled too
    assert slot_of(out, "city") == {"name": "city", "confirmationStatus": "NONE"}
    for argv in (
        ["CanFulfillIntentRequest", "--intent", "Plan", "--slot", "city="],
        ["IntentRequest", "--intent", "Plan", "--slot", "city=", "--slot", "city=x"],
    ):
        code, out, err = run("request", *argv)
        assert (code, out) == (2, "")
        assert "--slot city=: " in err


@pytest.mark.parametrize(
    "argv",
    [
        ["IntentRequest", "--intent", "A", "--slot", "city=Z\udcfcrich"],
        ["LaunchRequest", "--field", "note=caf\udce9"],
        ["LaunchRequest", "--skill-id", "amzn1.ask.skill.\udcff"],
        ["LaunchRequest", "--interface", "Alexa.Caf\udce9"],  # declared, with a note
    ],
)
def test_a_value_that_is_not_utf8_is_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # Bytes that are not UTF-8 on the command line (a Latin-1 terminal) reach Python as lone
    # surrogates, and were written back as those bytes: a request file no JSON reader takes.
    # (--skill-id's is refused by its argparse type: the error on sys.stderr.)
    code, out, err = run("request", *argv)
    err += capsys.readouterr().err
    assert (code, out) == (2, "")
    assert "not UTF-8 text" in err


def test_a_type_without_an_intent_says_it_carries_none() -> None:
    # (A type alexaskill did not model, Custom.NewRequest, took any field: such types are now
    # refused, `test_a_request_type_alexa_does_not_send_is_refused_naming_those_it_does`.)
    # A modelled type without an intent says so, not "the intent is --intent".
    code, out, err = run("request", "LaunchRequest", "--field", 'intent={"name": "A"}')
    assert (code, out) == (2, "")
    assert "--field intent: LaunchRequest requests carry no intent" in err


def test_an_intent_and_its_slots_can_be_sent_confirmed_or_denied() -> None:
    code, out, err = run(
        "request",
        "IntentRequest",
        "--intent",
        "Order",
        "--slot",
        "drink=tea",
        "--slot",
        "size=",
        "--confirm",
        "DENIED",
        "--confirm-slot",
        "drink=CONFIRMED",
    )
    assert (code, err) == (0, "")
    intent = json.loads(out)["request"]["intent"]
    assert intent["confirmationStatus"] == "DENIED"
    assert intent["slots"]["drink"]["confirmationStatus"] == "CONFIRMED"
    assert intent["slots"]["size"]["confirmationStatus"] == "NONE"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--confirm-slot", "drink=YES"], "--confirm-slot drink=YES: a status is one of NONE"),
        (["--confirm-slot", "city=CONFIRMED"], "--confirm-slot city: no --slot city=VALUE"),
        (["--confirm-slot", "size=DENIED"], "--confirm-slot size: the slot has no value"),
        (["--confirm-slot", "drink=DENIED"] * 2, "--confirm-slot drink: given twice"),
        # (It said "expected NAME=VALUE", where its help says NAME=STATUS.)
        (["--confirm-slot", "drink"], "--confirm-slot 'drink': expected NAME=STATUS\n"),
    ],
)
def test_a_confirmation_that_cannot_be_sent_is_a_usage_error(argv: list[str], message: str) -> None:
    base = ["request", "IntentRequest", "--intent", "Order", "--slot", "drink=tea"]
    code, out, err = run(*base, "--slot", "size=", *argv)
    assert (code, out) == (2, "")
    assert message in err, err


@pytest.mark.parametrize("option", ["--confirm=CONFIRMED", "--confirm-slot=drink=CONFIRMED"])
def test_a_confirmation_needs_an_intent_request(option: str) -> None:
    # Alexa asks a CanFulfillIntentRequest outside any dialog: nothing is confirmed in it.
    argv = ["--intent", "Order", "--slot", "drink=tea", option]
    code, out, err = run("request", "CanFulfillIntentRequest", *argv)
    assert (code, out) == (2, "")
    assert "CanFulfillIntentRequest requests carry no confirmationStatus" in err


@pytest.mark.parametrize("name", ["", "  "])
def test_an_empty_interface_name_is_a_usage_error(name: str) -> None:
    # The device declared an interface named "" ("supportedInterfaces": {"": {}}), which no
    # device does, with only a note that alexaskill does not know it.
    code, out, err = run("request", "LaunchRequest", "--interface", name)
    assert (code, out) == (2, "")
    assert f"--interface {name!r}: name an interface, e.g. Display" in err


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("requestId=5", "--field requestId: Expected `str`, got `int`"),
        ("timestamp=yesterday", "--field timestamp: not ISO 8601, as 2026-11-29T12:00:00Z"),
        ("timestamp=2026-11-29T12:00:00", "--field timestamp: no UTC offset"),
        ("timestamp=true", "--field timestamp: Expected `str`, got `bool`"),
        ("error=5", "--field error"),
        ("error=1e400", "--field error: 1e400 holds a number too large for JSON"),
    ],
)
def test_a_field_value_the_model_refuses_is_a_usage_error(field: str, message: str) -> None:
    # Any value was printed: the file was then refused (HTTP 400) where it was replayed or
    # served, or was no JSON at all (1e400 printed as Infinity).
    code, out, err = run("request", "SessionEndedRequest", "--field", field)
    assert (code, out) == (2, "")
    assert message in err


@pytest.mark.parametrize(
    "field",
    ["requestId=x", "timestamp=5", "timestamp=2020-01-01T00:00:00Z", "requestId=NaN"],
)
def test_a_field_value_the_model_takes_is_printed(field: str) -> None:
    # A string requestId, epoch milliseconds, a stale time (a sample too); NaN is no JSON
    # number, so it is the string "NaN".
    from alexaskill.models import decode_envelope

    code, out, err = run("request", "LaunchRequest", "--field", field)
    assert (code, err) == (0, "")
    name, value = field.split("=", 1)
    assert str(json.loads(out)["request"][name]) == value
    decode_envelope(out)


def test_a_value_that_is_not_utf8_is_shown_as_its_bytes() -> None:
    # The byte 0xE9 of a Latin-1 terminal was shown as Python holds it, '\udce9'.
    code, _, err = run("request", "LaunchRequest", "--field", "note=caf\udce9")
    assert code == 2
    assert err == "alexaskill request: error: 'note=caf\\xe9': not UTF-8 text\n"


def test_an_audio_player_event_is_printed_as_alexa_sends_one() -> None:
    # "request AudioPlayer.PlaybackStarted" printed an event with no token and no offset (Alexa's
    # carry both: Amazon's "AudioPlayer Interface Reference"), and from a device declaring no
    # AudioPlayer (--interface Display), which Alexa never sends: a sample file no skill's stream
    # matches.
    code, out, err = run("request", "AudioPlayer.PlaybackStarted")
    assert (code, out) == (2, "")
    assert err == (
        "alexaskill request: error: AudioPlayer.PlaybackStarted is about the stream the device "
        "plays: name its token, --field token=TOKEN (the token of the skill's AudioPlayer.Play)\n"
    )
    code, out, err = run(
        "request", "AudioPlayer.PlaybackStopped", "--field", "token=t1", "--interface", "Display"
    )
    assert (code, out) == (2, "")
    assert err == (
        "alexaskill request: error: AudioPlayer.PlaybackStopped: Alexa sends AudioPlayer events "
        "only from a device declaring AudioPlayer: add --interface AudioPlayer\n"
    )
    code, out, err = run("request", "AudioPlayer.PlaybackNearlyFinished", "--field", "token=t1")
    assert code == 0, err
    request = json.loads(out)["request"]
    assert (request["token"], request["offsetInMilliseconds"]) == ("t1", 0)
    code, out, err = run(
        "request",
        "AudioPlayer.PlaybackStarted",
        "--field",
        "token=t1",
        "--field",
        "offsetInMilliseconds=1500",
    )
    assert code == 0, err
    assert json.loads(out)["request"]["offsetInMilliseconds"] == 1500


def test_a_media_button_press_comes_from_a_device_declaring_audio_player() -> None:
    # As TestClient.send refuses it: "PlaybackController.PauseCommandIssued --interface Display"
    # printed a press from a device Alexa never sends one from.
    argv = ("request", "PlaybackController.PauseCommandIssued")
    code, out, err = run(*argv, "--interface", "Display")
    assert (code, out) == (2, "")
    assert err == (
        "alexaskill request: error: PlaybackController.PauseCommandIssued: Alexa sends it only "
        "from a device declaring AudioPlayer: add --interface AudioPlayer\n"
    )
    code, out, err = run(*argv)
    assert code == 0, err
    assert "token" not in json.loads(out)["request"]  # (the context's player says which stream)


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["--intent", "Get\x01Weather"], "--intent 'Get\\x01Weather': no intent name Alexa sends"),
        (["--intent", "Get Weather"], "--intent 'Get Weather': no intent name Alexa sends"),
        (["--intent", "GetWeather2"], "--intent 'GetWeather2': no intent name Alexa sends"),
        (["--intent", "AMAZON.StopIntnet"], "did you mean AMAZON.StopIntent?"),
        (["--intent", "Order", "--slot", "my drink=tea"], "--slot 'my drink': no slot name"),
        (["--intent", "Order", "--slot", "drink\x7f=tea"], "--slot 'drink\\x7f': no slot name"),
        (["--intent", "Order", "--slot", "2=tea"], "--slot '2': no slot name"),
    ],
)
def test_without_a_model_names_alexa_never_sends_are_refused(argv: list[str], shown: str) -> None:
    # Without --model nothing checked the names: a control character, a space, a digit, all
    # written into the request, which no skill is ever sent.
    code, out, err = run("request", "IntentRequest", *argv)
    assert (code, out) == (2, ""), err
    assert shown in err, err


@pytest.mark.parametrize(
    "argv",
    [
        ["--intent", "Order_Drink", "--slot", "the_drink=tea"],
        ["--intent", "AMAZON.HelpIntent"],
        ["--intent", "AMAZON.SearchAction<object@WeatherForecast>", "--slot", "object.time=now"],
    ],
)
def test_without_a_model_the_names_alexa_sends_are_taken(argv: list[str]) -> None:
    code, out, err = run("request", "IntentRequest", *argv)
    assert (code, err) == (0, "")
    assert json.loads(out)["request"]["intent"]["name"] == argv[1]


@pytest.mark.parametrize("request_type", ["Launch Request", "Launch\x01Request", "Launch-Request"])
def test_a_request_type_alexa_never_sends_is_refused(request_type: str) -> None:
    # It was a note ("alexaskill does not model 'Launch Request' requests ... did you mean
    # LaunchRequest?") and the request written, exit status 0.
    code, out, err = run("request", request_type)
    assert (code, out) == (2, ""), err
    assert f"TYPE {request_type!r}: no request type Alexa sends" in err, err
    assert "(did you mean LaunchRequest?)" in err


def test_a_request_type_alexa_sends_that_alexaskill_does_not_model_is_still_written() -> None:
    code, out, err = run("request", "Alexa.Presentation.HTML.Message", "--field", 'message={"a":1}')
    assert code == 0 and "does not model" in err
    request = json.loads(out)["request"]
    assert (request["type"], request["message"]) == ("Alexa.Presentation.HTML.Message", {"a": 1})
    code, out, err = run("request", "Alexa.Presentation.APLT.UserEvent2")
    assert (code, out) == (2, "")
    assert "(did you mean Alexa.Presentation.APLT.UserEvent?)" in err, err


def test_a_field_refused_where_the_request_copies_it_names_the_field() -> None:
    # "the request: Expected `int` >= 0 - at `$.context.AudioPlayer.offsetInMilliseconds`":
    # refused in the player's state the event carries, the --field given was not named.
    argv = ["AudioPlayer.PlaybackStarted", "--field", "token=a"]
    code, out, err = run("request", *argv, "--field", "offsetInMilliseconds=-5")
    assert (code, out) == (2, "")
    assert err.startswith("alexaskill request: error: --field offsetInMilliseconds: "), err


def test_a_number_given_for_a_string_field_says_how_to_quote_it() -> None:
    # --field token=5 is the JSON number 5: "Expected `str | null`, got `int`" said nothing of
    # how to give the string "5".
    code, out, err = run("request", "AudioPlayer.PlaybackStarted", "--field", "token=5")
    assert (code, out) == (2, "")
    assert err.startswith("alexaskill request: error: --field token: Expected `str"), err
    assert err.endswith("""; for the string "5", quote it as JSON: --field 'token="5"'\n"""), err


def test_a_launch_request_with_a_model_directory_holding_no_model_is_refused(
    tmp_path: Path,
) -> None:
    # No model is built for a LaunchRequest, but the directory was not looked in either: the
    # request was written for en-US, as from a model that is not there.
    (tmp_path / "models").mkdir()
    code, out, err = run("request", "LaunchRequest", "--model", str(tmp_path / "models"))
    assert (code, out) == (2, "")
    assert "models: no en-US.json in it, nor any model file (LOCALE.json)" in err, err
    (tmp_path / "models" / "de-DE.json").write_text("{}")
    code, out, err = run("request", "LaunchRequest", "--model", str(tmp_path / "models"))
    assert (code, out) == (2, "")
    assert "no en-US.json in it (it holds de-DE.json): choose one with --locale de-DE" in err
    argv = ("request", "LaunchRequest", "--model", str(tmp_path / "models"), "--locale", "de-DE")
    code, out, err = run(*argv)
    assert code == 0 and json.loads(out)["request"]["locale"] == "de-DE", err


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Dis\x01play", "--interface 'Dis\\x01play': no interface name"),
        (" Display", "--interface ' Display': no interface name (letters and digits, parts "),
        ("Alexa Presentation", "--interface 'Alexa Presentation': no interface name"),
    ],
)
def test_an_interface_name_no_device_declares_is_refused(name: str, shown: str) -> None:
    # A control character was declared with a note ("alexaskill does not know it"), and
    # " Display" was said to be in the wrong case.
    code, out, err = run("request", "LaunchRequest", "--interface", name)
    assert (code, out) == (2, ""), err
    assert shown in err, err


@pytest.mark.parametrize("name", ["a b", "reason\x01", "-x", "é"])
def test_a_field_name_no_request_has_is_refused(name: str) -> None:
    # Written into the request as given: a name with a space or a control character, which no
    # request of Alexa's has (its fields are names of letters and digits: requestId).
    code, out, err = run("request", "LaunchRequest", f"--field={name}=1")  # (-x: no option)
    assert (code, out) == (2, ""), err
    assert f"--field {name!r}: no field name" in err, err


@pytest.mark.parametrize("value", ["Par\x01is", "Paris\n", "Par\tis"])
def test_a_slot_value_with_a_control_character_is_refused(value: str) -> None:
    # Alexa sends the words it heard: never a control character, which was written as given.
    code, out, err = run("request", "IntentRequest", "--intent", "Go", "--slot", f"city={value}")
    assert (code, out) == (2, ""), err
    assert f"--slot city={value!r}: a control character" in err, err


@pytest.mark.parametrize("event", ["AudioPlayer.PlaybackStarted", "AudioPlayer.PlaybackFailed"])
def test_an_audio_player_event_with_a_null_token_is_refused_as_one_without(event: str) -> None:
    # --field reads its VALUE as JSON: token=null is null, which passed for a token named and
    # printed an event about no stream ("token": null, the player's state holding none), which
    # Alexa never sends. The string "null" is quoted, as the help says.
    code, out, err = run("request", event, "--field", "token=null")
    assert (code, out) == (2, "")
    assert "plays: name its token, --field token=TOKEN" in err, err
    code, out, err = run("request", event, "--field", 'token="null"')
    assert code == 0, err
    assert json.loads(out)["request"]["token"] == "null"


def test_a_playback_failed_event_carries_its_error_and_the_state_before_it() -> None:
    # Amazon's "AudioPlayer Interface Reference": PlaybackFailed adds `error` and
    # `currentPlaybackState`, which chat and the simulator send; `request` printed the event
    # without either.
    code, out, err = run("request", "AudioPlayer.PlaybackFailed", "--field", "token=t1")
    assert code == 0, err
    request = json.loads(out)["request"]
    assert request["error"] == {"type": "MEDIA_ERROR_UNKNOWN", "message": "unknown"}
    assert request["currentPlaybackState"] == {
        "token": "t1",
        "offsetInMilliseconds": 0,
        "playerActivity": "PLAYING",
    }
    error = '{"type": "MEDIA_ERROR_SERVICE_UNAVAILABLE", "message": "503"}'
    argv = ("--field", "token=t1", "--field", "offsetInMilliseconds=5", "--field", f"error={error}")
    code, out, err = run("request", "AudioPlayer.PlaybackFailed", *argv)
    assert code == 0, err
    request = json.loads(out)["request"]
    assert request["error"] == json.loads(error)  # as given
    assert request["currentPlaybackState"]["offsetInMilliseconds"] == 5
    code, out, _ = run("request", "AudioPlayer.PlaybackStopped", "--field", "token=t1")
    assert "error" not in json.loads(out)["request"]


@pytest.mark.parametrize("app", ["examples.weather.app:skill", "path/to/app.py:skill"])
def test_an_app_given_as_type_is_told_that_request_takes_no_app(app: str) -> None:
    # "TYPE 'app:skill': no request type" gave no hint that request takes no APP at all.
    code, _, err = run("request", app, "--intent", "GetWeather")
    assert code == 2
    assert "takes no APP" in err and "replay" in err and "chat" in err, err


def test_a_type_of_letters_gets_no_app_hint() -> None:
    code, _, err = run("request", "Launch-Request")
    assert code == 2
    assert "no request type" in err and "APP" not in err, err


TIMERS = f"""
from alexaskill import Skill, speak

skill = Skill("{SKILL_ID}")


@skill.intent(
    "SetTimer",
    utterances=["{{minutes}} minutes on {{day}} at {{at}} for {{span}} in {{city}}"],
    slots={{
        "minutes": "AMAZON.NUMBER",
        "day": "AMAZON.DATE",
        "at": "AMAZON.TIME",
        "span": "AMAZON.DURATION",
        "city": "AMAZON.City",
    }},
)
def set_timer(minutes, day, at, span, city):
    return speak(str(minutes))
"""


@pytest.fixture
def timers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from skill_module(tmp_path, monkeypatch, "timers", TIMERS)


def timer_request(*slots: str) -> tuple[str, ...]:
    argv = ("request", "IntentRequest", "--intent", "SetTimer", "--model", "timers:skill")
    return argv + tuple(arg for slot in slots for arg in ("--slot", slot))


@pytest.mark.parametrize(
    ("slot", "said"),
    [
        (
            "minutes=five",
            "--slot minutes='five': Alexa sends an AMAZON.NUMBER slot's value in digits "
            '("5", "-3", "2.5"; "?" for a number it did not understand)',
        ),
        ("day=tomorrow", "--slot day='tomorrow': Alexa sends an AMAZON.DATE slot's value as a "),
        ("at=noonish", "--slot at='noonish': Alexa sends an AMAZON.TIME slot's value as "),
        ("span=ten minutes", "--slot span='ten minutes': Alexa sends an AMAZON.DURATION "),
    ],
)
def test_a_value_alexa_never_sends_for_a_built_in_type_is_warned_of(
    timers: Path, slot: str, said: str
) -> None:
    # "--slot minutes=five" was printed without a word: the skill's `minutes: int` then got
    # None, where Alexa, hearing "five", sends "5".
    code, out, err = run(*timer_request(slot))
    assert code == 0, err
    name, _, value = slot.partition("=")
    assert slot_of(out, name)["value"] == value  # (sent as given: a skill may test its guard)
    assert err.startswith(f"alexaskill request: warning: {said}"), err
    assert err.endswith("; sent as given\n"), err
    assert err.count("\n") == 1, err


def test_values_in_alexas_forms_are_not_warned_of(timers: Path) -> None:
    for slots in (
        ("minutes=5", "day=2026-11-27", "at=14:30", "span=PT10M", "city=five"),
        ("minutes=?", "day=2026-W48-WE", "at=MO", "span=P2Y", "minutes=-2.5"),
    ):
        code, _, err = run(*timer_request(*slots))
        assert code == 0, err
        assert err == "", err


def test_each_value_of_a_slot_given_twice_is_checked(timers: Path) -> None:
    code, _, err = run(*timer_request("minutes=5", "minutes=six"))
    assert code == 0, err
    assert "--slot minutes='six': Alexa sends an AMAZON.NUMBER slot's value in digits" in err
    assert "'5'" not in err, err


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x9b"])
def test_del_and_c1_characters_are_written_as_json_escapes(char: str) -> None:
    # JSON escapes C0 only: json.dumps(ensure_ascii=False) wrote DEL and C1 (U+009B: a CSI to
    # some terminals) as they were given, here in a request id.
    code, out, err = run("request", "LaunchRequest", "--field", f"requestId=a{char}b")
    assert (code, err) == (0, "")
    assert char not in out
    assert f"\\u{ord(char):04x}" in out
    assert json.loads(out)["request"]["requestId"] == f"a{char}b"  # (the same text, read back)


@pytest.mark.parametrize("typed", ["Bogus", "Custom.NewRequest", "Launch.Bogus"])
def test_a_type_of_no_known_namespace_is_refused_in_one_short_line(typed: str) -> None:
    # The error listed the core types and every namespace: some 460 characters for "Bogus".
    code, out, err = run("request", typed)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and len(err) - len(typed) < 280, (len(err), err)
    assert err.endswith(
        "SessionResumedRequest, or a namespaced type such as AudioPlayer.PlaybackStarted; "
        "`alexaskill request --help` lists them\n"
    ), err


def test_help_lists_every_request_type_the_command_writes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The short error sends the user to --help, which named no type but IntentRequest.
    from alexaskill.cli.request_names import request_types

    assert main(["request", "--help"]) == 0
    listed = capsys.readouterr().out.split("request types:\n", 1)[1]
    assert sorted(re.findall(r"[\w.]+", listed)) == request_types()


@pytest.mark.parametrize(
    ("request_type", "field", "value"),
    [
        ("Alexa.Presentation.APLA.RuntimeError", "errors", '[{"type": "RENDER_ERROR"}]'),
        ("Alexa.Presentation.HTML.RuntimeError", "error", '{"reason": "TIMED_OUT"}'),
        ("Dialog.API.Invoked", "apiRequest", '{"name": "GetWeather", "arguments": {}}'),
        ("Alexa.DataStore.Error", "error", '{"type": "DEVICE_UNAVAILABLE"}'),
        ("Alexa.DataStore.PackageManager.UsagesInstalled", "payload", '{"packageId": "w"}'),
        ("Alexa.DataStore.PackageManager.UsagesRemoved", "payload", '{"packageId": "w"}'),
        ("Alexa.DataStore.PackageManager.UpdateRequest", "toVersion", '"2.0"'),
        ("Alexa.DataStore.PackageManager.InstallationError", "error", '{"type": "INTERNAL_ERROR"}'),
    ],
)
def test_request_types_alexa_sends_that_alexaskill_does_not_model_are_written(
    request_type: str, field: str, value: str
) -> None:
    # Each was refused ("not a request type Alexa sends"): ask-sdk-model's Request maps them.
    code, out, err = run("request", request_type, "--field", f"{field}={value}")
    assert code == 0, err
    assert err == (
        f"alexaskill request: note: alexaskill does not model {request_type!r} requests; "
        "they reach the skill's fallback handler\n"
    )
    request = json.loads(out)["request"]
    assert (request["type"], request[field]) == (request_type, json.loads(value))
    code, out, err = run("request", request_type, "--field", "nosuch=1")
    assert (code, out) == (2, "")
    assert f"--field nosuch: {request_type} requests carry no nosuch" in err, err


@pytest.mark.parametrize(
    "request_type", ["Alexa.Presentation.HTML.RuntimeError", "Dialog.API.Invoked"]
)
def test_a_web_app_error_and_a_conversations_api_call_arrive_in_a_session(
    request_type: str,
) -> None:
    # Both come while the skill's session is open (a web app runs in it, as its messages do;
    # Alexa Conversations calls the skill's APIs in the dialog).
    code, out, err = run("request", request_type)
    assert code == 0, err
    assert "session" in json.loads(out)


def test_bidi_controls_and_line_separators_are_written_as_json_escapes() -> None:
    # JSON leaves U+202E (right-to-left override), U+2066-U+2069, U+2028 and U+2029 as they
    # are: a slot value holding one reordered or broke the terminal's line.
    value = "a\u202eb\u2028c\u2029d\u2066e\u200f"
    code, out, err = run(
        "request", "IntentRequest", "--intent", "GetWeather", "--slot", f"city={value}"
    )
    assert code == 0, err
    assert not (set(value) - set("abcde")) & set(out), out
    assert "a\\u202eb\\u2028c\\u2029d\\u2066e\\u200f" in out, out
    assert json.loads(out)["request"]["intent"]["slots"]["city"]["value"] == value


@pytest.mark.parametrize(
    ("name", "declared"), [("Navigation", {}), ("AppLink", {"version": "2.0"})]
)
def test_navigation_and_app_link_are_interfaces_a_device_declares(
    name: str, declared: dict[str, str]
) -> None:
    # Both were refused ("not an interface a device declares"), though Amazon's SDK model of
    # supportedInterfaces has Navigation and an Alexa for Apps skill checks for AppLink.
    code, out, err = run("request", "LaunchRequest", "--interface", name)
    assert code == 0, err
    supported = json.loads(out)["context"]["System"]["device"]["supportedInterfaces"]
    assert supported == {name: declared}
    code, _, err = run("request", "LaunchRequest", "--interface", name.lower())
    assert code == 2 and f"interface names are case-sensitive: {name}" in err, err
