"""``alexaskill request``'s request types, fields, slots and confirmations: sent as asked, and
each that cannot be sent a one-line usage error."""

from __future__ import annotations

import json

import pytest

from alexaskill.cli import main

from .cli_request_shared import slot_of
from .cli_run import run


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Launch", "LaunchRequest"),
        ("IntentRequst", "IntentRequest"),
        ("launchrequest", "LaunchRequest"),
        # Two types end in UserEvent: both are named, not the last sorted alone (APLT's, a
        # character display's, was named for APL's, a screen's).
        ("UserEvent", "Alexa.Presentation.APL.UserEvent or Alexa.Presentation.APLT.UserEvent"),
        # A member a slip off, without its namespace: no hint, where registration names it.
        ("PlaybackStartd", "AudioPlayer.PlaybackStarted"),
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
        # Their body alone, as written: the event times of AlexaSkillEventRequest's other types
        # were taken (NotificationSubscriptionChanged's since it is typed as one).
        *(
            (
                [f"AlexaSkillEvent.{kind}SubscriptionChanged", "--field", "eventCreationTime=x"],
                f"--field eventCreationTime: AlexaSkillEvent.{kind}SubscriptionChanged requests "
                "carry no eventCreationTime; their fields: requestId, timestamp, body",
            )
            for kind in ("Notification", "Proactive")
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
