"""``alexaskill request`` of a request type alexaskill does not model: the fields Amazon sends
with it (an error, an apiRequest, a package's version), in a session or not as Amazon sends it,
a data store error naming the request's device. Defaults of the modelled types:
test_cli_request_defaults.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

import pytest

from alexaskill.testing import RequestFactory

from .cli_run import run


def unmodelled(request_type: str) -> dict[str, Any]:
    """``alexaskill request request_type`` of a type alexaskill does not model: the envelope."""
    code, out, err = run("request", request_type)
    assert code == 0 and "does not model" in err, err
    return cast(dict[str, Any], json.loads(out))


@pytest.mark.parametrize(
    ("request_type", "check"),
    [
        (
            "Alexa.Presentation.HTML.RuntimeError",
            lambda r: r["error"]["reason"] == "HTTP_REQUEST_ERROR" and r["error"]["message"],
        ),
        (
            "Alexa.Presentation.APLA.RuntimeError",
            lambda r: (
                r["token"] == "documentToken"
                and (r["errors"][0]["type"], r["errors"][0]["reason"])
                == ("AUDIO_SOURCE_ERROR", "NOT_FOUND_ERROR")
            ),
        ),
        (
            "Dialog.API.Invoked",
            lambda r: (
                r["apiRequest"]["name"] == "GetWeather"
                and r["apiRequest"]["arguments"] == {"cityName": "Lisbon"}
                and r["apiRequest"]["slots"]["cityName"] == {"type": "Simple", "value": "Lisbon"}
            ),
        ),
        (
            "Alexa.DataStore.Error",
            lambda r: (
                r["error"]["type"] == "DEVICE_UNAVAILABLE"
                and r["error"]["content"]["commands"][0]["type"] == "PUT_OBJECT"
                and r["error"]["content"]["deviceId"].startswith("amzn1.ask.device.")
            ),
        ),
        (
            "Alexa.DataStore.PackageManager.UsagesInstalled",
            lambda r: (
                (r["payload"]["packageId"], r["payload"]["packageVersion"]) == ("widget", "1.0")
                and r["payload"]["usages"][0]["location"] == "FAVORITE"
            ),
        ),
        (
            "Alexa.DataStore.PackageManager.UsagesRemoved",
            lambda r: (
                r["payload"]["packageId"] == "widget" and r["payload"]["usages"][0]["instanceId"]
            ),
        ),
        (
            "Alexa.DataStore.PackageManager.UpdateRequest",
            lambda r: (
                (r["packageId"], r["fromVersion"], r["toVersion"]) == ("widget", "1.0", "1.1")
            ),
        ),
        (
            "Alexa.DataStore.PackageManager.InstallationError",
            lambda r: (
                (r["packageId"], r["version"]) == ("widget", "1.0")
                and r["error"]["type"] == "INTERNAL_ERROR"
            ),
        ),
        ("Alexa.Advertisement.AdCompleted", lambda r: r["token"] == "adStreamToken"),
        (
            "Alexa.Advertisement.AdNotRendered",
            lambda r: r["reason"]["type"] == "AD_NOT_AVAILABLE" and r["reason"]["message"],
        ),
        (
            "Alexa.Advertisement.ReadyToEnqueueAudio",
            lambda r: (r["token"], r["previousToken"]) == ("adStreamToken", "streamToken"),
        ),
        (
            "Dialog.InputRequest",
            lambda r: (
                r["input"]["name"] == "WeatherInput"
                and r["input"]["slots"]["cityName"]["value"] == "Lisbon"
            ),
        ),
    ],
)
def test_a_request_type_alexaskill_does_not_model_carries_the_fields_amazon_sends(
    request_type: str, check: Callable[[dict[str, Any]], bool]
) -> None:
    # They were written with type, requestId, timestamp and locale only: an InstallationError
    # had no error, a Dialog.API.Invoked no apiRequest.
    request = unmodelled(request_type)["request"]
    assert check(request), request


@pytest.mark.parametrize(
    ("request_type", "in_session"),
    [
        ("Alexa.Presentation.APLA.RuntimeError", True),
        ("Alexa.Presentation.HTML.RuntimeError", True),
        ("Dialog.API.Invoked", True),
        ("Alexa.DataStore.Error", False),
        ("Alexa.DataStore.PackageManager.UsagesInstalled", False),
        ("Alexa.DataStore.PackageManager.UsagesRemoved", False),
        ("Alexa.DataStore.PackageManager.UpdateRequest", False),
        ("Alexa.DataStore.PackageManager.InstallationError", False),
        ("Dialog.InputRequest", True),
        ("Alexa.Advertisement.AdCompleted", False),
    ],
)
def test_an_apla_error_comes_in_a_session_a_widget_event_without_one(
    request_type: str, in_session: bool
) -> None:
    # APLA's RuntimeError came with no session, where APL's (and HTML's) come in one: the
    # document failed in the answer to a turn of the session.
    assert ("session" in unmodelled(request_type)) is in_session


def test_ready_to_enqueue_audio_comes_from_a_player_playing_the_ad() -> None:
    # Its player was IDLE: Alexa sends it while the ad plays (ask-sdk-model's
    # ReadyToEnqueueAudio: its token is "the ad stream being played"), the skill to enqueue its
    # own stream after it.
    envelope = unmodelled("Alexa.Advertisement.ReadyToEnqueueAudio")
    assert envelope["context"]["AudioPlayer"] == {
        "token": "adStreamToken",
        "offsetInMilliseconds": 0,
        "playerActivity": "PLAYING",
    }
    # A test's factory alike; one whose player holds the ad already keeps it where it is.
    factory = RequestFactory()
    made = factory.envelope("Alexa.Advertisement.ReadyToEnqueueAudio")
    assert made["context"]["AudioPlayer"]["playerActivity"] == "PLAYING"
    factory.player.token, factory.player.activity = "adStreamToken", "PLAYING"
    factory.player.offset_in_milliseconds = 5000
    made = factory.envelope("Alexa.Advertisement.ReadyToEnqueueAudio")
    assert made["context"]["AudioPlayer"]["offsetInMilliseconds"] == 5000


def test_a_data_store_error_names_the_device_the_request_came_from() -> None:
    # Its deviceId, the device the push was not delivered to, was a device id of its own (a
    # fresh one each time), not the request's device: a skill pushing again to the device it
    # names reached one no test knew.
    envelope = unmodelled("Alexa.DataStore.Error")
    device = envelope["context"]["System"]["device"]["deviceId"]
    assert envelope["request"]["error"]["content"]["deviceId"] == device
    factory = RequestFactory(device_id="amzn1.ask.device.kitchen")
    made = factory.envelope("Alexa.DataStore.Error")
    assert made["request"]["error"]["content"]["deviceId"] == "amzn1.ask.device.kitchen"


def test_the_testing_modules_name_the_types_alexaskill_does_not_model_as_it_knows_them() -> None:
    # SESSION_TYPES and the per-type defaults name the unmodelled types in strings of their own:
    # one misspelt there (or one added to UNMODELLED alone) would come without its session or
    # its fields, and no test of a type would say which.
    from alexaskill.models import REQUEST_TYPES
    from alexaskill.request_types import SENT, UNMODELLED
    from alexaskill.testing import request_defaults
    from alexaskill.testing.requests import SESSION_TYPES

    per_type = {**request_defaults._DEFAULTS, **request_defaults._OF_THE_DEVICE}
    assert sorted(SESSION_TYPES - SENT) == []
    assert sorted(set(per_type) - SENT) == []
    for request_type, fields in UNMODELLED.items():
        assert request_type not in REQUEST_TYPES
        made = request_defaults.default_fields(request_type)
        assert sorted(made) == sorted(fields), request_type  # (what --field sets: request_fields)


def test_the_samples_of_modelled_and_unmodelled_types_are_kept_apart_as_the_types_are() -> None:
    # AlexaSkillEvent.NotificationSubscriptionChanged's sample sat among the unmodelled types'
    # though it is typed (an AlexaSkillEventRequest), and Alexa.Presentation.HTML.Message's,
    # unmodelled, among the typed ones: a reader of either list was misled about the other.
    from alexaskill.models import REQUEST_TYPES
    from alexaskill.request_types import UNMODELLED
    from alexaskill.testing import request_defaults

    assert sorted(set(request_defaults._MODELLED) - REQUEST_TYPES) == []
    assert sorted(set(request_defaults._UNMODELLED) - set(UNMODELLED)) == []
    assert request_defaults._DEFAULTS == {
        **request_defaults._MODELLED,
        **request_defaults._UNMODELLED,
    }
