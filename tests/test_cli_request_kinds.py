"""``alexaskill request`` of each kind Alexa sends: AudioPlayer events, media buttons, types
alexaskill does not model, values of built-in slot types, interfaces a device declares, and the
characters it writes as JSON escapes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from alexaskill.cli import main

from .cli_request_shared import slot_of
from .cli_run import run
from .conftest import SKILL_ID
from .skill_modules import skill_module


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


@pytest.mark.parametrize("head", ["Customx", "Custom-"])  # a type's name, and no name at all
def test_a_long_request_type_is_echoed_cut(head: str) -> None:
    # It was echoed whole: a TYPE of 5,000 characters made an error line as long.
    code, out, err = run("request", head + "x" * 4999)
    assert (code, out) == (2, ""), err
    assert re.search(rf"TYPE '{head}x{{63}}…x{{30}}' \(5,006 characters\): no", err), err
    assert max(map(len, err.splitlines())) < 500, err


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
    (tmp_path / "models" / "de-DE.json").write_text("{}", encoding="utf-8")
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


def test_a_long_value_warned_of_is_echoed_cut(timers: Path) -> None:
    # The warning echoed the value whole: a 5,000-character value, a line as long.
    value = "five " * 1000
    code, _, err = run(*timer_request(f"minutes={value}"))
    assert code == 0, err
    cut = f"'{value[:70]}…{value[-30:]}' ({len(value):,} characters)"
    assert err.startswith(f"alexaskill request: warning: --slot minutes={cut}: Alexa sends"), err
    assert value not in err, err
