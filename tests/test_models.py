"""Tests for alexaskill.models: realistic request files decode into typed values."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Final

import msgspec
import pytest

from alexaskill import models
from alexaskill.exceptions import MalformedRequestError
from alexaskill.models import (
    AlexaSkillEventRequest,
    AudioPlayerRequest,
    AuthorizationGrantRequest,
    CanFulfillIntentRequest,
    ConnectionsRequest,
    ConnectionsResponse,
    CustomInterfaceRequest,
    Device,
    DisplayElementSelectedRequest,
    Envelope,
    GameEngineInputHandlerEvent,
    GenericRequest,
    HouseholdListEventRequest,
    Intent,
    IntentRequest,
    LaunchRequest,
    MessageReceivedRequest,
    PlaybackControllerRequest,
    PresentationRequest,
    ReminderEventRequest,
    Session,
    SessionEndedRequest,
    SessionResumedRequest,
    Slot,
    SlotValue,
    System,
    SystemExceptionRequest,
    User,
    decode_envelope,
    request_class,
)
from alexaskill.testing import DEFAULT_SKILL_ID

from .conftest import OTHER_SKILL_ID, SKILL_ID

# The skills here answer DEFAULT_SKILL_ID, by its name: the id the sample envelopes carry.
FIXTURES = Path(__file__).parent / "fixtures" / "requests"
ENDPOINT = "https://api.amazonalexa.com"
TRACK = "episode-0042"
CIC_TOKEN = "1234abcd-40bb-11e9-9527-6b98b093d166"
LIST_ID = "YW16bjEuYWNjb3VudC5BRVhBTVBMRS1TSE9QUElORy1JVEVN"
LINKED_TOKEN = "Atza|IwEBIFakeLinkedAccountToken0123456789abcdef"

# The request types Amazon's "Request Types Reference" names; each needs a fixture that decodes
# into its class.
CONTRACT_TYPES = (
    "LaunchRequest",
    "IntentRequest",
    "SessionEndedRequest",
    "CanFulfillIntentRequest",
    "SessionResumedRequest",
    "AudioPlayer.PlaybackStarted",
    "AudioPlayer.PlaybackFinished",
    "AudioPlayer.PlaybackStopped",
    "AudioPlayer.PlaybackNearlyFinished",
    "AudioPlayer.PlaybackFailed",
    "PlaybackController.PlayCommandIssued",
    "PlaybackController.PauseCommandIssued",
    "PlaybackController.NextCommandIssued",
    "PlaybackController.PreviousCommandIssued",
    "System.ExceptionEncountered",
    "Display.ElementSelected",
    "Alexa.Presentation.APL.UserEvent",
    "Alexa.Presentation.APL.RuntimeError",
    "Alexa.Presentation.APL.LoadIndexListData",
    "Alexa.Presentation.APL.LoadTokenListData",
    "Connections.Response",
    "Connections.Request",
    "Messaging.MessageReceived",
    "GameEngine.InputHandlerEvent",
    "CustomInterfaceController.EventsReceived",
    "CustomInterfaceController.Expired",
    "Alexa.Authorization.Grant",
    "AlexaSkillEvent.SkillEnabled",
    "AlexaSkillEvent.SkillDisabled",
    "AlexaSkillEvent.SkillPermissionAccepted",
    "AlexaSkillEvent.SkillPermissionChanged",
    "AlexaSkillEvent.SkillAccountLinked",
    "AlexaHouseholdListEvent.ItemsCreated",
    "Reminders.ReminderCreated",
)

# Alexa sends these outside any session: their fixtures must have no "session".
SESSIONLESS_PREFIXES = (
    "AudioPlayer.",
    "PlaybackController.",
    "AlexaSkillEvent.",
    "AlexaHouseholdListEvent.",
    "Reminders.",
    "Messaging.",
    "System.ExceptionEncountered",
)


def _audio(token: str, offset: int, activity: str) -> dict[str, Any]:
    return {
        "request.token": token,
        "request.offset_in_milliseconds": offset,
        "request.error": None,
        "request.current_playback_state": None,
        "context.audio_player.player_activity": activity,
        "context.audio_player.offset_in_milliseconds": offset,
    }


def _controller(activity: str) -> dict[str, Any]:
    return {
        "context.audio_player.token": TRACK,
        "context.audio_player.offset_in_milliseconds": 98000,
        "context.audio_player.player_activity": activity,
    }


# fixture name -> (class, {dotted path from the envelope: value taken from the JSON}).
CASES: dict[str, tuple[type[models.Request], dict[str, Any]]] = {
    "LaunchRequest": (
        LaunchRequest,
        {
            "session.new": True,
            "session.attributes": {},
            "context.audio_player.player_activity": "IDLE",
            "context.viewport.pixelWidth": 1280,
            "context.viewport.mode": "HUB",
            "context.viewports.0.type": "APL",
            "context.system.api_endpoint": ENDPOINT,
        },
    ),
    "IntentRequest.GetWeather": (
        IntentRequest,
        {
            "request.intent.name": "GetWeather",
            "request.intent.confirmation_status": "NONE",
            "request.dialog_state": "STARTED",
            "request.intent.slots.city.value": "big apple",
            "request.intent.slots.city.source": "USER",
            "request.intent.slots.date.value": "2026-11-27",
            "request.intent.slots.unit.value": None,
            "session.new": False,
            "session.attributes": {"lastCity": "Paris", "turns": 2},
        },
    ),
    "IntentRequest.PlanTrip": (
        IntentRequest,
        {
            "request.intent.name": "PlanTrip",
            "request.intent.confirmation_status": "CONFIRMED",
            "request.dialog_state": "COMPLETED",
            "request.intent.slots.destination.value": "Zürich",
            "request.intent.slots.destination.confirmation_status": "CONFIRMED",
            "request.intent.slots.activity.value": None,
            "request.intent.slots.activity.slot_value.type": "List",
            "request.intent.slots.activity.slot_value.values.1.value": "camping",
            "request.intent.slots.travelDate.value": "2026-W49-WE",
            "request.intent.slots.duration.value": "P3D",
            "session.attributes": {"tripId": "T-1001"},
        },
    ),
    "IntentRequest.AMAZON.HelpIntent": (
        IntentRequest,
        {
            "request.intent.name": "AMAZON.HelpIntent",
            "request.intent.confirmation_status": "NONE",
            "request.intent.slots": None,
            "request.dialog_state": None,
        },
    ),
    "SessionEndedRequest.USER_INITIATED": (
        SessionEndedRequest,
        {"request.reason": "USER_INITIATED", "request.error": None},
    ),
    "SessionEndedRequest.ERROR": (
        SessionEndedRequest,
        {
            "request.reason": "ERROR",
            "request.error.type": "INVALID_RESPONSE",
            "request.error.message": (
                "SpeechletResponse was null or contained neither speech nor directives"
            ),
        },
    ),
    "CanFulfillIntentRequest": (
        CanFulfillIntentRequest,
        {
            "request.intent.name": "GetWeather",
            "request.intent.slots.city.value": "seattle",
            "request.intent.slots.date.value": "2026-11-28",
            "request.intent.confirmation_status": "NONE",
            "session.new": True,
        },
    ),
    "SessionResumedRequest": (
        SessionResumedRequest,
        {
            "request.cause.type": "ConnectionCompleted",
            "request.cause.token": "taxi-booking-1234",
            "request.cause.status.code": "200",
            "request.cause.result.reservationId": "R-88421",
        },
    ),
    "AudioPlayer.PlaybackStarted": (AudioPlayerRequest, _audio(TRACK, 0, "PLAYING")),
    "AudioPlayer.PlaybackFinished": (AudioPlayerRequest, _audio(TRACK, 1834500, "FINISHED")),
    "AudioPlayer.PlaybackStopped": (AudioPlayerRequest, _audio(TRACK, 412345, "STOPPED")),
    "AudioPlayer.PlaybackNearlyFinished": (
        AudioPlayerRequest,
        _audio(TRACK, 1800000, "PLAYING"),
    ),
    "AudioPlayer.PlaybackFailed": (
        AudioPlayerRequest,
        {
            "request.token": "episode-0043",
            "request.offset_in_milliseconds": None,
            "request.error.type": "MEDIA_ERROR_SERVICE_UNAVAILABLE",
            "request.error.message": "Device playback error: HTTP 503 from stream host",
            "request.current_playback_state.token": TRACK,
            "request.current_playback_state.offset_in_milliseconds": 52000,
            "request.current_playback_state.player_activity": "PLAYING",
        },
    ),
    "PlaybackController.PlayCommandIssued": (PlaybackControllerRequest, _controller("PAUSED")),
    "PlaybackController.PauseCommandIssued": (PlaybackControllerRequest, _controller("PLAYING")),
    "PlaybackController.NextCommandIssued": (PlaybackControllerRequest, _controller("PLAYING")),
    "PlaybackController.PreviousCommandIssued": (
        PlaybackControllerRequest,
        _controller("PLAYING"),
    ),
    "System.ExceptionEncountered": (
        SystemExceptionRequest,
        {
            "request.error.type": "INVALID_RESPONSE",
            "request.error.message": (
                "Invalid directive: AudioPlayer.Play is missing audioItem.stream.url"
            ),
            "request.cause.requestId": (
                "amzn1.echo-api.request.950e06f3-515c-5baa-854c-b7ba6a74fdf4"
            ),
        },
    ),
    "Display.ElementSelected": (
        DisplayElementSelectedRequest,
        {"request.token": "city-item-3", "context.display.token": "city-list"},
    ),
    "Alexa.Presentation.APL.UserEvent": (
        PresentationRequest,
        {
            "request.token": "weatherScreen",
            "request.arguments": ["showForecast", "Paris", 5],
            "request.source.type": "TouchWrapper",
            "request.source.handler": "Press",
            "request.source.id": "forecastButton",
            "request.components": {"cityInput": "Paris"},
            "context.presentation_apl.token": "weatherScreen",
        },
    ),
    "Alexa.Presentation.APL.RuntimeError": (
        PresentationRequest,
        {
            "request.token": "weatherScreen",
            "request.errors.0.type": "LIST_ERROR",
            "request.errors.0.reason": "INCONSISTENT_LIST_ID",
            "request.errors.0.listId": "forecastList",
            "request.errors.0.listVersion": 3,
        },
    ),
    "Alexa.Presentation.APL.LoadIndexListData": (
        PresentationRequest,
        {
            "request.token": "weatherScreen",
            "request.correlation_token": "101",
            "request.list_id": "forecastList",
            "request.start_index": 20,
            "request.count": 10,
            "request.page_token": None,
        },
    ),
    "Alexa.Presentation.APL.LoadTokenListData": (
        PresentationRequest,
        {
            "request.correlation_token": "102",
            "request.list_id": "citiesList",
            "request.page_token": "page-3",
            "request.start_index": None,
        },
    ),
    "Connections.Response.Buy": (
        ConnectionsResponse,
        {
            "request.name": "Buy",
            "request.status.code": "200",
            "request.status.message": "OK",
            "request.payload.purchaseResult": "ACCEPTED",
            "request.payload.productId": ("amzn1.adg.product.68b22059-9222-55fd-bb85-743538177630"),
            "request.token": "correlationToken-premium-forecast",
        },
    ),
    "Connections.Request": (
        ConnectionsRequest,
        {
            "request.name": "ScheduleTaxiReservation",
            "request.payload.partySize": 2,
            "request.payload.pickupLocation.locality": "Bellevue",
            "request.payload.pickupTime": None,
        },
    ),
    "Messaging.MessageReceived": (
        MessageReceivedRequest,
        {
            "request.message": {"alert": "storm-warning", "city": "Paris", "severity": 3},
            "context.system.device": None,
        },
    ),
    "GameEngine.InputHandlerEvent": (
        GameEngineInputHandlerEvent,
        {
            "request.originating_request_id": (
                "amzn1.echo-api.request.baa146f6-b291-5292-9fd7-5aa65d9303cc"
            ),
            "request.events.0.name": "button_down_event",
            "request.events.0.inputEvents.0.action": "down",
            "request.events.0.inputEvents.0.color": "FF0000",
        },
    ),
    "CustomInterfaceController.EventsReceived": (
        CustomInterfaceRequest,
        {
            "request.token": CIC_TOKEN,
            "request.events.0.header.namespace": "Custom.Robot",
            "request.events.0.header.name": "EyesTouched",
            "request.events.0.payload.duration": 1200,
            "request.expiration_payload": None,
        },
    ),
    "CustomInterfaceController.Expired": (
        CustomInterfaceRequest,
        {
            "request.token": CIC_TOKEN,
            "request.expiration_payload.gameOverSpeech": (
                "Game over! Would you like to hear your stats?"
            ),
            "request.events": None,
        },
    ),
    "Alexa.Authorization.Grant": (
        AuthorizationGrantRequest,
        {
            "request.body.grant.type": "OAuth2.AuthorizationCode",
            "request.body.grant.code": "ANUbUKCJqlBOpMhwYWxU",
        },
    ),
    "AlexaSkillEvent.SkillEnabled": (
        AlexaSkillEventRequest,
        {
            "request.event_creation_time": "2026-11-26T12:09:58Z",
            "request.event_publishing_time": "2026-11-26T12:10:00Z",
            "request.body": None,
        },
    ),
    "AlexaSkillEvent.SkillDisabled": (
        AlexaSkillEventRequest,
        {
            "request.event_creation_time": "2026-11-26T12:10:01Z",
            "request.body.userInformationPersistenceStatus": "PERSISTED",
        },
    ),
    "AlexaSkillEvent.SkillPermissionAccepted": (
        AlexaSkillEventRequest,
        {
            "request.body.acceptedPermissions.0.scope": "alexa::household:lists:read",
            "request.body.acceptedPermissions.1.scope": "alexa::alerts:reminders:skill:readwrite",
            "request.body.acceptedPersonPermissions.0.scope": "alexa::profile:given_name:read",
        },
    ),
    "AlexaSkillEvent.SkillPermissionChanged": (
        AlexaSkillEventRequest,
        {
            "request.body.acceptedPermissions": [{"scope": "alexa::household:lists:read"}],
            "request.body.acceptedPersonPermissions": [],
            "request.event_publishing_time": "2026-11-26T12:10:15Z",
        },
    ),
    "AlexaSkillEvent.SkillAccountLinked": (
        AlexaSkillEventRequest,
        {
            "request.body.accessToken": LINKED_TOKEN,
            "context.system.user.access_token": LINKED_TOKEN,
        },
    ),
    "AlexaHouseholdListEvent.ItemsCreated": (
        HouseholdListEventRequest,
        {
            "request.body.listId": LIST_ID,
            "request.body.listItemIds": [
                "8dff0651-b2c3-5c4f-879a-31fd18431f9e",
                "108bd933-23ac-5adc-9b9a-31e3fd63b7ba",
            ],
            "request.event_creation_time": "2026-11-26T12:10:59Z",
        },
    ),
    "AlexaHouseholdListEvent.ListUpdated": (
        HouseholdListEventRequest,
        {"request.body": {"listId": LIST_ID}},
    ),
    "Reminders.ReminderCreated": (
        ReminderEventRequest,
        {
            "request.body.alertToken": "amzn1.alert.5dd67199-ebaa-5a10-a299-eba203dcef2b",
            "request.event_creation_time": None,
        },
    ),
    "Alexa.NewFeature.SomethingHappened": (
        GenericRequest,
        {
            "request.raw.token": "feature-token-7",
            "request.raw.attempt": 2,
            "request.raw.payload.tags": ["new", "shiny"],
            "session.attributes": {"lastCity": "Paris"},
        },
    ),
    "IntentRequest.Legacy2015": (
        IntentRequest,
        {
            "version": "1.0",
            "context": None,
            "session.session_id": "SessionId.d4dbc84f-50ea-50db-bbb9-3fda3ea16264",
            "session.user.user_id": "amzn1.account.AM3B227HF3FAM1B261HK7FFM3A2",
            "request.intent.name": "GetWeather",
            "request.intent.confirmation_status": "NONE",
            "request.intent.slots.city.value": "boston",
            "request.intent.slots.date.value": None,
        },
    ),
    "IntentRequest.ExplicitNulls": (
        IntentRequest,
        {
            "session.attributes": {},
            "session.user.access_token": None,
            "session.user.permissions": None,
            "context.audio_player": None,
            "context.viewport": None,
            "context.system.person": None,
            "context.system.api_access_token": None,
            "context.system.user.permissions.consent_token": None,
            "request.dialog_state": None,
            "request.intent.slots.city.value": None,
            "request.intent.slots.city.resolutions": None,
            "request.intent.slots.date.value": "2026-11-27",
        },
    ),
    "IntentRequest.UnknownFields": (
        IntentRequest,
        {
            "request.intent.name": "GetWeather",
            "request.intent.slots.city.value": "big apple",
            "context.system.api_endpoint": ENDPOINT,
        },
    ),
}


def load(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


def load_json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(load(name))
    return data


def resolve(value: Any, path: str) -> Any:
    """Follow ``a.b.0.c`` through struct attributes, dict keys and list indexes."""
    for part in path.split("."):
        if isinstance(value, dict):
            value = value[part]
        elif isinstance(value, list):
            value = value[int(part)]
        else:
            value = getattr(value, part)
    return value


def decode_dict(data: dict[str, Any]) -> Envelope:
    return decode_envelope(json.dumps(data).encode())


def system_of(name: str) -> System:
    context = decode_envelope(load(name)).context
    assert context is not None
    assert context.system is not None
    return context.system


def device_of(name: str) -> Device:
    device = system_of(name).device
    assert device is not None
    return device


def weather_slot(name: str) -> Slot:
    intent = decode_envelope(load("IntentRequest.GetWeather")).intent
    assert intent is not None
    slot = intent.slot(name)
    assert slot is not None
    return slot


# --- every fixture -----------------------------------------------------------------------------


def test_every_fixture_file_has_expectations() -> None:
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(CASES)


def test_every_contract_request_type_has_a_fixture() -> None:
    fixture_types = {load_json(name)["request"]["type"] for name in CASES}
    assert set(CONTRACT_TYPES) <= fixture_types


@pytest.mark.parametrize("request_type", CONTRACT_TYPES)
def test_contract_request_types_have_their_own_class(request_type: str) -> None:
    cls = request_class(request_type)
    assert cls is not GenericRequest
    assert request_type in cls.types


def test_a_character_display_event_is_typed_as_apl_events_are() -> None:
    # Alexa.Presentation.APLT.UserEvent (a press on an Echo Dot's clock display) has no fixture
    # of Amazon's: without this, it could fall to GenericRequest and its token to raw.
    body = {
        "version": "1.0",
        "request": {
            "type": "Alexa.Presentation.APLT.UserEvent",
            "requestId": "amzn1.echo-api.request.1",
            "timestamp": "2026-12-04T14:00:00Z",
            "token": "clock",
            "arguments": ["pressed", 3],
        },
    }
    request = decode_envelope(json.dumps(body).encode()).request
    assert type(request) is PresentationRequest
    assert request_class("Alexa.Presentation.APLT.UserEvent") is PresentationRequest
    assert (request.token, request.arguments) == ("clock", ["pressed", 3])


_EVENT_CLASSES: Final = {
    "AlexaSkillEvent.": (AlexaSkillEventRequest, ("ProactiveSubscriptionChanged",)),
    "AlexaHouseholdListEvent.": (
        HouseholdListEventRequest,
        ("ItemsUpdated", "ItemsDeleted", "ListCreated", "ListUpdated", "ListDeleted"),
    ),
    "Reminders.": (
        ReminderEventRequest,
        ("ReminderUpdated", "ReminderDeleted", "ReminderStatusChanged", "ReminderStarted"),
    ),
}


@pytest.mark.parametrize(
    ("request_type", "cls"),
    [(prefix + event, cls) for prefix, (cls, events) in _EVENT_CLASSES.items() for event in events],
)
def test_events_without_a_fixture_are_typed_as_their_family(
    request_type: str, cls: type[models.Request]
) -> None:
    # The fixtures hold one event of each family; the others (Amazon's event references) must
    # not fall to GenericRequest, their body then only in raw.
    body = {
        "version": "1.0",
        "request": {
            "type": request_type,
            "requestId": "amzn1.echo-api.request.1",
            "timestamp": "2026-12-04T14:00:00Z",
            "body": {"listId": "list-1"},
        },
    }
    request = decode_envelope(json.dumps(body).encode()).request
    assert type(request) is cls
    assert request_class(request_type) is cls
    assert getattr(request, "body") == {"listId": "list-1"}  # noqa: B009  (typed by cls)


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_decodes_into_its_class(name: str) -> None:
    cls, expected = CASES[name]
    data = load_json(name)
    envelope = decode_envelope(load(name))
    request = envelope.request

    assert type(request) is cls
    assert type(request) is request_class(data["request"]["type"])
    assert request.type == data["request"]["type"]
    assert request.request_id == data["request"]["requestId"]
    assert request.timestamp == data["request"]["timestamp"]
    assert request.locale == data["request"].get("locale")
    assert (envelope.session is None) == ("session" not in data)
    assert (envelope.context is None) == ("context" not in data)
    for path, value in expected.items():
        assert resolve(envelope, path) == value, path


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_names_the_test_skill_in_context_and_session(name: str) -> None:
    envelope = decode_envelope(load(name))
    expected = (envelope.context is not None) + (envelope.session is not None)
    assert envelope.application_ids == (DEFAULT_SKILL_ID,) * expected


@pytest.mark.parametrize("name", sorted(n for n in CASES if n.startswith(SESSIONLESS_PREFIXES)))
def test_out_of_session_requests_have_no_session(name: str) -> None:
    assert load_json(name)["request"]["type"].startswith(SESSIONLESS_PREFIXES)
    assert "session" not in load_json(name)
    assert decode_envelope(load(name)).session is None


# --- envelope, session, context ---------------------------------------------------------------


def test_context_system_fields() -> None:
    data = load_json("IntentRequest.PlanTrip")["context"]["System"]
    system = system_of("IntentRequest.PlanTrip")
    assert system.application is not None
    assert system.application.application_id == DEFAULT_SKILL_ID
    assert system.user is not None
    assert system.user.user_id == data["user"]["userId"]
    assert system.user.user_id.startswith("amzn1.ask.account.")
    assert system.device is not None
    assert system.device.device_id == data["device"]["deviceId"]
    assert system.device.device_id.startswith("amzn1.ask.device.")
    assert system.api_endpoint == ENDPOINT
    assert system.api_access_token == data["apiAccessToken"]
    assert system.person is not None
    assert system.person.person_id == data["person"]["personId"]
    assert system.person.access_token is None
    assert system.unit is not None
    assert system.unit.unit_id == data["unit"]["unitId"]
    assert system.unit.persistent_unit_id == data["unit"]["persistentUnitId"]


def test_session_fields() -> None:
    data = load_json("IntentRequest.GetWeather")["session"]
    session = decode_envelope(load("IntentRequest.GetWeather")).session
    assert session is not None
    assert session.new is False
    assert session.session_id == data["sessionId"]
    assert session.session_id.startswith("amzn1.echo-api.session.")
    assert session.user is not None
    assert session.user.user_id == data["user"]["userId"]
    assert session.attributes == {"lastCity": "Paris", "turns": 2}


def test_null_session_attributes_become_an_empty_dict_a_handler_can_write() -> None:
    session = decode_envelope(load("IntentRequest.ExplicitNulls")).session
    assert session is not None
    assert session.attributes == {}
    session.attributes["lastCity"] = "Lyon"
    assert session.attributes == {"lastCity": "Lyon"}


def test_missing_session_attributes_become_an_empty_dict() -> None:
    data = load_json("IntentRequest.GetWeather")
    del data["session"]["attributes"]
    session = decode_dict(data).session
    assert session is not None
    assert session.attributes == {}


def test_pre_2016_request_without_context_or_locale() -> None:
    envelope = decode_envelope(load("IntentRequest.Legacy2015"))
    assert envelope.context is None
    assert envelope.request.locale is None
    assert envelope.session is not None
    assert envelope.application_ids == (DEFAULT_SKILL_ID,)


def test_minimal_envelope_gets_defaults() -> None:
    envelope = decode_envelope(b'{"request": {"type": "LaunchRequest"}}')
    assert type(envelope.request) is LaunchRequest
    assert envelope.version == "1.0"
    assert envelope.session is None
    assert envelope.context is None
    assert envelope.application_ids == ()
    assert envelope.intent is None


def test_explicit_null_version_session_and_context() -> None:
    body = b'{"version": null, "session": null, "context": null, "request": {"type": "X"}}'
    envelope = decode_envelope(body)
    assert envelope.version == "1.0"
    assert envelope.session is None
    assert envelope.context is None
    assert isinstance(envelope.request, GenericRequest)


@pytest.mark.parametrize("field", ["intent", "slot"])
def test_explicit_null_confirmation_status_is_accepted(field: str) -> None:
    # Old requests leave confirmationStatus out; null must decode the same way.
    data = load_json("IntentRequest.GetWeather")
    intent = data["request"]["intent"]
    target = intent if field == "intent" else intent["slots"]["city"]
    target["confirmationStatus"] = None
    request = decode_dict(data).request
    assert isinstance(request, IntentRequest)
    assert request.intent.name == "GetWeather"


def test_application_ids_lists_context_then_session() -> None:
    data = load_json("IntentRequest.GetWeather")
    data["context"]["System"]["application"]["applicationId"] = SKILL_ID
    data["session"]["application"]["applicationId"] = OTHER_SKILL_ID
    envelope = decode_dict(data)
    assert envelope.application_ids == (SKILL_ID, OTHER_SKILL_ID)


def test_application_ids_without_application_objects() -> None:
    data = load_json("IntentRequest.GetWeather")
    del data["context"]["System"]["application"]
    del data["session"]["application"]
    assert decode_dict(data).application_ids == ()


def test_envelope_intent_shortcut() -> None:
    assert decode_envelope(load("IntentRequest.GetWeather")).intent is not None
    assert decode_envelope(load("CanFulfillIntentRequest")).intent is not None
    assert decode_envelope(load("LaunchRequest")).intent is None


# --- Device.supports --------------------------------------------------------------------------


def test_device_supports_declared_interfaces() -> None:
    dot = device_of("IntentRequest.GetWeather")
    show = device_of("LaunchRequest")
    assert dot.supports("AudioPlayer")
    assert not dot.supports("Alexa.Presentation.APL")
    assert not dot.supports("Display")
    assert show.supports("Alexa.Presentation.APL")
    assert show.supports("Display")
    assert show.supported_interfaces is not None
    assert show.supported_interfaces["Alexa.Presentation.APL"] == {
        "runtime": {"maxVersion": "2024.3"}
    }


def test_device_without_interfaces_supports_nothing() -> None:
    assert not Device(device_id="d").supports("AudioPlayer")
    assert not Device(device_id="d", supported_interfaces={}).supports("AudioPlayer")
    assert not device_of("IntentRequest.ExplicitNulls").supports("AudioPlayer")


# --- Context.has_screen -----------------------------------------------------------------------

_SPEAKER: Final[dict[str, Any]] = {"AudioPlayer": {}}
_APL: Final = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.3"}}}
_DISPLAY: Final = {"Display": {"templateVersion": "1.0", "markupVersion": "1.0"}}


def _launch_from(interfaces: dict[str, Any] | None, *viewports: str) -> Envelope:
    """The LaunchRequest fixture (an Echo Show) with only these interfaces and viewport keys."""
    data = load_json("LaunchRequest")
    context = data["context"]
    for key in ("Viewport", "Viewports"):
        if key not in viewports:
            del context[key]
    if interfaces is None:
        del context["System"]["device"]
    else:
        context["System"]["device"]["supportedInterfaces"] = interfaces
    return decode_dict(data)


@pytest.mark.parametrize(
    ("interfaces", "viewports", "screen", "device_screen"),
    [
        (_APL | _DISPLAY, ("Viewport", "Viewports"), True, True),  # an Echo Show, as sent
        (_SPEAKER, ("Viewport",), True, False),  # a viewport says so alone
        (_SPEAKER, ("Viewports",), True, False),
        (_APL, (), True, True),  # so does a screen's interface
        (_DISPLAY, (), True, True),
        (_SPEAKER, (), False, False),  # an Echo Dot
        ({}, (), False, False),
        (None, (), False, None),  # no device at all
    ],
)
def test_context_has_screen_from_a_viewport_or_a_screen_s_interface(
    interfaces: dict[str, Any] | None,
    viewports: tuple[str, ...],
    screen: bool,
    device_screen: bool | None,
) -> None:
    context = _launch_from(interfaces, *viewports).context
    assert context is not None
    assert context.has_screen is screen
    assert context.system is not None
    device = context.system.device
    # The device alone knows only its interfaces.
    assert (None if device is None else device.has_screen) is device_screen


def test_screen_interfaces_are_apl_and_display() -> None:
    assert frozenset({"Alexa.Presentation.APL", "Display"}) == models.SCREEN_INTERFACES
    assert not Device(device_id="d").has_screen


# --- slots -------------------------------------------------------------------------------------


def test_slot_matched_by_entity_resolution() -> None:
    city = weather_slot("city")
    assert city.values == ["big apple"]
    assert city.is_filled
    assert city.match_status == "ER_SUCCESS_MATCH"
    assert city.resolved_name == "New York"
    assert city.resolved_id == "NYC"


def test_slot_not_matched_by_entity_resolution() -> None:
    region = weather_slot("region")
    assert region.values == ["atlantis"]
    assert region.is_filled
    assert region.match_status == "ER_SUCCESS_NO_MATCH"
    assert region.resolved_name is None
    assert region.resolved_id is None


def test_slot_without_resolutions() -> None:
    date = weather_slot("date")
    assert date.values == ["2026-11-27"]
    assert date.match_status is None
    assert date.resolved_name is None


def test_unfilled_slot() -> None:
    unit = weather_slot("unit")
    assert unit.name == "unit"
    assert unit.value is None
    assert unit.values == []
    assert not unit.is_filled
    assert unit.match_status is None
    assert unit.resolved_name is None
    assert unit.resolved_id is None


def test_multiple_value_slot() -> None:
    intent = decode_envelope(load("IntentRequest.PlanTrip")).intent
    assert intent is not None
    activity = intent.slot("activity")
    assert activity is not None
    assert activity.value is None
    assert activity.values == ["hiking", "camping", "fishing"]
    assert activity.is_filled


def test_static_match_wins_over_dynamic_no_match() -> None:
    intent = decode_envelope(load("IntentRequest.PlanTrip")).intent
    assert intent is not None
    destination = intent.slot("destination")
    assert destination is not None
    assert destination.match_status == "ER_SUCCESS_MATCH"
    assert destination.resolved_name == "Zürich"
    assert destination.resolved_id == "ZRH"


def test_slot_with_only_a_simple_slot_value() -> None:
    slot = Slot(name="city", slot_value=SlotValue(type="Simple", value="Paris"))
    assert slot.values == ["Paris"]
    assert slot.is_filled


def test_slot_with_an_empty_list_slot_value() -> None:
    slot = Slot(name="activity", slot_value=SlotValue(type="List", values=[]))
    assert slot.values == []
    assert not slot.is_filled


def test_slot_with_a_timeout_status_has_no_match() -> None:
    data = load_json("IntentRequest.GetWeather")
    city = data["request"]["intent"]["slots"]["city"]
    city["resolutions"]["resolutionsPerAuthority"] = [
        {"authority": "amzn1.er-authority.x.CityType", "status": {"code": "ER_ERROR_TIMEOUT"}}
    ]
    intent = decode_dict(data).intent
    assert intent is not None
    slot = intent.slot("city")
    assert slot is not None
    assert slot.match_status == "ER_ERROR_TIMEOUT"
    assert slot.resolved_name is None


def test_only_a_matched_authority_resolves_and_the_first_status_is_the_slot_s() -> None:
    # Two authorities, neither matched: the slot's status is the first one's, and values listed
    # under a status other than ER_SUCCESS_MATCH resolve nothing.
    data = load_json("IntentRequest.GetWeather")
    city = data["request"]["intent"]["slots"]["city"]
    city["resolutions"]["resolutionsPerAuthority"] = [
        {
            "authority": "amzn1.er-authority.x.CityType",
            "status": {"code": "ER_SUCCESS_NO_MATCH"},
            "values": [{"value": {"name": "New York", "id": "NYC"}}],
        },
        {
            "authority": "amzn1.er-authority.x.dynamic.CityType",
            "status": {"code": "ER_ERROR_TIMEOUT"},
        },
    ]
    intent = decode_dict(data).intent
    assert intent is not None
    slot = intent.slot("city")
    assert slot is not None
    assert slot.match_status == "ER_SUCCESS_NO_MATCH"
    assert slot.resolved_name is None and slot.resolved_id is None


def test_intent_slot_lookup() -> None:
    intent = decode_envelope(load("IntentRequest.GetWeather")).intent
    assert intent is not None
    city = intent.slot("city")
    assert city is not None
    assert city.name == "city"
    assert intent.slot("nope") is None
    help_intent = decode_envelope(load("IntentRequest.AMAZON.HelpIntent")).intent
    assert help_intent is not None
    assert help_intent.slot("city") is None
    assert Intent(name="X").slot("city") is None


# --- unknown types and unknown fields ---------------------------------------------------------


def test_unknown_request_type_keeps_every_raw_field() -> None:
    data = load_json("Alexa.NewFeature.SomethingHappened")
    request = decode_envelope(load("Alexa.NewFeature.SomethingHappened")).request
    assert isinstance(request, GenericRequest)
    assert request_class("Alexa.NewFeature.SomethingHappened") is GenericRequest
    assert request.raw == data["request"]
    assert request.raw["payload"] == {
        "kind": "sparkle",
        "intensity": 0.75,
        "tags": ["new", "shiny"],
        "nothing": None,
    }
    assert request.raw["enabled"] is True


def test_unknown_request_type_with_a_field_named_raw() -> None:
    body = b'{"request": {"type": "Alexa.Future.Thing", "requestId": "r", "raw": "abc"}}'
    request = decode_envelope(body).request
    assert isinstance(request, GenericRequest)
    assert request.raw == {"type": "Alexa.Future.Thing", "requestId": "r", "raw": "abc"}


def _strip_future(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_future(v) for k, v in value.items() if not k.lower().startswith("future")}
    if isinstance(value, list):
        return [_strip_future(v) for v in value]
    return value


def test_unknown_fields_at_every_level_are_ignored() -> None:
    data = load_json("IntentRequest.UnknownFields")
    stripped = _strip_future(data)
    assert stripped != data
    assert decode_envelope(load("IntentRequest.UnknownFields")) == decode_dict(stripped)


# --- raw bodies --------------------------------------------------------------------------------


def test_body_with_leading_space_and_raw_utf8() -> None:
    body = load("IntentRequest.PlanTrip")
    assert "Zürich".encode() in body
    envelope = decode_envelope(b" \n" + body + b"\r\n")
    intent = envelope.intent
    assert intent is not None
    destination = intent.slot("destination")
    assert destination is not None
    assert destination.value == "Zürich"


def test_escaped_and_raw_utf8_decode_alike() -> None:
    raw = b'{"request": {"type": "LaunchRequest", "requestId": "Z\xc3\xbcrich"}}'
    escaped = b'{"request": {"type": "LaunchRequest", "requestId": "Z\\u00fcrich"}}'
    assert decode_envelope(raw).request.request_id == "Zürich"
    assert decode_envelope(escaped) == decode_envelope(raw)


def test_str_body_decodes_like_bytes() -> None:
    body = load("IntentRequest.PlanTrip")
    assert decode_envelope(body.decode()) == decode_envelope(body)


MALFORMED = {
    "empty": b"",
    "whitespace": b"  \n",
    "not json": b"hello",
    "truncated": b'{"request": {"type": "LaunchRequest"',
    "trailing garbage": b'{"request": {"type": "LaunchRequest"}} x',
    "json array": b'[{"request": {"type": "LaunchRequest"}}]',
    "json null": b"null",
    "json string": b'"LaunchRequest"',
    "json number": b"42",
    "missing request": b'{"version": "1.0"}',
    "null request": b'{"request": null}',
    "request is a string": b'{"request": "LaunchRequest"}',
    "request is a list": b'{"request": ["LaunchRequest"]}',
    "request without type": b'{"request": {"requestId": "r"}}',
    "type is a number": b'{"request": {"type": 5}}',
    "type is null": b'{"request": {"type": null}}',
    "type is an object": b'{"request": {"type": {"name": "LaunchRequest"}}}',
    "intent is a list": b'{"request": {"type": "IntentRequest", "intent": []}}',
    "slots is a list": b'{"request": {"type": "IntentRequest", "intent": {"slots": []}}}',
    "offset is a string": (
        b'{"request": {"type": "AudioPlayer.PlaybackStarted", "offsetInMilliseconds": "10"}}'
    ),
    "session is a list": b'{"session": [], "request": {"type": "LaunchRequest"}}',
    "attributes is a list": (
        b'{"session": {"attributes": []}, "request": {"type": "LaunchRequest"}}'
    ),
    "System is a string": b'{"context": {"System": "x"}, "request": {"type": "LaunchRequest"}}',
    "NaN": b'{"request": {"type": "LaunchRequest", "x": NaN}}',
    "byte order mark": b'\xef\xbb\xbf{"request": {"type": "LaunchRequest"}}',
    "invalid utf-8 in a typed field": b'{"request": {"type": "LaunchRequest", "locale": "\xff"}}',
    "invalid utf-8 in a slot value": (
        b'{"request": {"type": "IntentRequest", "intent": {"name": "A", "slots": '
        b'{"city": {"name": "city", "value": "Z\xfcrich"}}}}}'
    ),
    "invalid utf-8 in an unknown type": b'{"request": {"type": "X.Y", "note": "\xc3\x28"}}',
    "invalid utf-8 in session attributes": (
        b'{"session": {"attributes": {"k": "\xed\xa0\x80"}}, "request": {"type": "LaunchRequest"}}'
    ),
    "invalid utf-8 in an ignored field": b'{"junk": "\xff", "request": {"type": "LaunchRequest"}}',
    "deeply nested ignored field": (
        b'{"junk": ' + b"[" * 5000 + b"]" * 5000 + b', "request": {"type": "LaunchRequest"}}'
    ),
    "deeply nested unknown request": (
        b'{"request": {"type": "X.Y", "a": ' + b"[" * 5000 + b"]" * 5000 + b"}}"
    ),
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_body_raises_malformed_request_error(body: bytes) -> None:
    with pytest.raises(MalformedRequestError):
        decode_envelope(body)


def test_str_body_with_a_lone_surrogate_raises_malformed_request_error() -> None:
    with pytest.raises(MalformedRequestError):
        decode_envelope('{"request": {"type": "LaunchRequest", "requestId": "\ud800"}}')


def test_malformed_request_error_keeps_the_decoder_message() -> None:
    with pytest.raises(MalformedRequestError, match="intent") as info:
        decode_envelope(b'{"request": {"type": "IntentRequest", "intent": []}}')
    assert isinstance(info.value.__cause__, msgspec.DecodeError)


# --- performance shape -------------------------------------------------------------------------


def test_decoding_reuses_module_level_decoders(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(models._ENVELOPE_DECODER, msgspec.json.Decoder)
    body = load("IntentRequest.PlanTrip")
    assert len(body) > 8000

    def no_new_decoders(*args: object, **kwargs: object) -> None:
        raise AssertionError("decode_envelope must reuse module-level decoders")

    monkeypatch.setattr(msgspec.json, "Decoder", no_new_decoders)
    monkeypatch.setattr(msgspec.json, "decode", no_new_decoders)
    first = decode_envelope(body)
    assert decode_envelope(body) == first
    assert first.intent is not None
    assert first.intent.name == "PlanTrip"


# --- every documented field, and shapes Alexa has really sent (signed, through the app) --------


def _echo_skill(answer: Any) -> Any:
    """A skill whose fallback speaks ``answer(envelope)`` (a str), for field round trips."""
    from alexaskill import Skill, speak

    skill = Skill(skill_id=DEFAULT_SKILL_ID)

    @skill.fallback
    def everything(envelope: Envelope) -> Any:
        return speak(str(answer(envelope)))

    return skill


def test_launch_request_task_is_typed() -> None:
    from alexaskill.testing import TestClient

    def task(envelope: Envelope) -> str:
        request = envelope.request
        assert isinstance(request, LaunchRequest)
        if request.task is None:
            return "no task"
        return f"{request.task.name} v{request.task.version} {request.task.input}"

    with TestClient(_echo_skill(task)) as client:
        assert client.launch().speech == "no task"
        result = client.send(
            "LaunchRequest",
            task={
                "name": "amzn1.ask.skill.x.CountDown",
                "version": "1",
                "input": {"seconds": 30},
            },
        )
    assert result.speech == "amzn1.ask.skill.x.CountDown v1 {'seconds': 30}"


def _with_documented_context(envelope: dict[str, Any]) -> dict[str, Any]:
    context = envelope["context"]
    system = context["System"]
    system["user"]["permissions"] = {
        "consentToken": "ct",
        "scopes": {
            "alexa::devices:all:geolocation:read": {"status": "GRANTED"},
            "alexa::profile:email:read": {"status": "DENIED"},
        },
    }
    system["device"]["persistentEndpointId"] = "amzn1.alexa.endpoint.did.abc"
    context["Extensions"] = {"available": {"aplext:backstack:10": {}}}
    context["Experimentation"] = {"activeExperiments": [{"id": "exp-1", "treatmentId": "T1"}]}
    context["Advertising"] = {"advertisingId": "3A233D2B-B22E-42D0", "limitAdTracking": True}
    context["Alexa.Presentation"] = {
        "contexts": [{"type": "Alexa.Presentation.APL", "presentationUri": "widget://x"}]
    }
    context["Automotive"] = {"driverState": "PARKED"}  # documented, not typed: in raw
    envelope["request"]["shouldLinkResultBeReturned"] = False
    return envelope


def test_every_documented_field_is_reachable() -> None:
    from alexaskill.testing import TestClient

    def fields(envelope: Envelope) -> str:
        context = envelope.context
        assert context is not None and context.system is not None
        user, device = context.system.user, context.system.device
        assert user is not None and user.permissions is not None and device is not None
        assert context.extensions is not None and context.experimentation is not None
        assert context.advertising is not None and context.alexa_presentation is not None
        experiment = (context.experimentation.active_experiments or [])[0]
        return " | ".join(
            str(part)
            for part in (
                user.permissions.granted("alexa::devices:all:geolocation:read"),
                user.permissions.granted("alexa::profile:email:read"),
                user.permissions.granted("alexa::profile:name:read"),
                device.persistent_endpoint_id,
                list(context.extensions.available or {}),
                f"{experiment.id}/{experiment.treatment_id}",
                context.advertising.limit_ad_tracking,
                context.advertising.advertising_id,
                (context.alexa_presentation.contexts or [{}])[0].get("presentationUri"),
                envelope.raw["context"]["Automotive"]["driverState"],
                envelope.raw["request"]["shouldLinkResultBeReturned"],
            )
        )

    with TestClient(_echo_skill(fields)) as client:
        result = client.send_envelope(
            _with_documented_context(client.factory.envelope("LaunchRequest"))
        )
    assert result.speech == (
        "True | False | False | amzn1.alexa.endpoint.did.abc | ['aplext:backstack:10'] | "
        "exp-1/T1 | True | 3A233D2B-B22E-42D0 | widget://x | PARKED | False"
    )


def test_a_user_without_permissions_has_granted_none() -> None:
    # The requests of a test client granting nothing carry no permissions (user.permissions is
    # None), as do those of a user who never saw the consent card: user.granted() is False, no
    # AttributeError.
    from alexaskill import Skill, speak
    from alexaskill.testing import TestClient

    skill = Skill(DEFAULT_SKILL_ID)

    @skill.launch
    def launch(user: User) -> Any:
        return speak(f"{user.granted('alexa::profile:email:read')}")

    with TestClient(skill, permissions=[]) as client:
        assert client.launch().speech == "False"
    granted = models.Scope(status="GRANTED")
    permissions = models.Permissions(scopes={"alexa::profile:email:read": granted})
    assert User(permissions=permissions).granted("alexa::profile:email:read")
    assert not User(permissions=permissions).granted("alexa::profile:name:read")
    assert not User(permissions=models.Permissions()).granted("alexa::profile:email:read")


def test_raw_is_decoded_from_the_body_only_when_read() -> None:
    data = _with_documented_context(load_json("IntentRequest.GetWeather"))
    body = json.dumps(data).encode()
    envelope = decode_envelope(body)
    assert envelope.body == body
    assert envelope._raw is None  # nothing decoded yet
    assert envelope.raw == data
    assert envelope.raw is envelope.raw  # decoded once
    # An envelope made in code has no body: its own fields, as JSON.
    built = Envelope(request=LaunchRequest(type="LaunchRequest", request_id="r"))
    assert built.raw["request"]["requestId"] == "r"
    assert set(built.raw) == {"version", "request"}


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (b"1e999", math.inf),
        (b"-1e400", -math.inf),
        (b"9" * 5000, math.inf),  # past Python's 4,300 digits of an int read from text
        (b"-" + b"9" * 5000, -math.inf),
        (b"18446744073709551616", 2**64),  # an int past 64 bits stays an int
    ],
    ids=["float-over", "float-under", "int-digits", "negative-int-digits", "big-int"],
)
def test_raw_reads_numbers_past_any_range_in_untyped_fields(number: bytes, expected: float) -> None:
    # msgspec skips an untyped field unread, so such a request is accepted: reading its raw
    # JSON must not raise in the handler (an apology for the skill's "bug"). As json.loads: an
    # out-of-range number is an infinity.
    data = {"version": "1.0", "request": {"type": "LaunchRequest", "requestId": "r"}}
    body = json.dumps(data).encode()[:-1] + b', "extra": {"n": ' + number + b"}}"
    envelope = decode_envelope(body)
    assert envelope.raw["extra"] == {"n": expected}
    assert envelope.raw["request"] == data["request"]


#: Fields Alexa may send as null where the model types them without one (path, then key).
NULLED_FIELDS: Final = [
    (("request", "error"), "type"),
    (("request", "error"), "message"),
    (("request",), "requestId"),
    (("request",), "reason"),
    (("session",), "new"),
    (("session",), "sessionId"),
    (("session", "user"), "userId"),
    (("context", "System", "user"), "userId"),
    (("context", "System", "device"), "deviceId"),
]


@pytest.mark.parametrize(("path", "key"), NULLED_FIELDS)
def test_explicit_null_in_any_typed_field_is_accepted(path: tuple[str, ...], key: str) -> None:
    from alexaskill import Skill
    from alexaskill.testing import TestClient

    skill = Skill(skill_id=DEFAULT_SKILL_ID)
    seen: list[Any] = []
    attributes: list[dict[str, Any]] = []

    @skill.session_ended
    def ended(request: SessionEndedRequest, session: Session) -> None:
        # Alexa takes no reply here: the handler reports through these lists.
        assert request.error is not None
        seen.extend([request.reason, request.error.type, request.error.message])
        attributes.append(dict(session.attributes))

    with TestClient(skill, skill_id=DEFAULT_SKILL_ID) as client:
        envelope = client.factory.envelope(
            "SessionEndedRequest",
            reason="ERROR",
            error={"type": "INVALID_RESPONSE", "message": "bad"},
        )
        envelope["session"]["attributes"] = {"kept": None}  # the skill's own null stays
        target = envelope
        for part in path:
            target = target[part]
        target[key] = None
        result = client.send_envelope(envelope)
    assert result.status_code == 200, result.json
    assert result.json == {"version": "1.0", "response": {}}
    assert attributes == [{"kept": None}]
    expected: list[str | None] = ["ERROR", "INVALID_RESPONSE", "bad"]
    if path == ("request", "error"):
        expected[1 if key == "type" else 2] = ""
    elif key == "reason":
        expected[0] = None
    assert seen == expected


def test_null_error_type_and_message_read_as_empty() -> None:
    body = json.dumps(
        {
            "request": {
                "type": "SessionEndedRequest",
                "reason": "ERROR",
                "error": {"type": None, "message": None},
            }
        }
    ).encode()
    request = decode_envelope(body).request
    assert isinstance(request, SessionEndedRequest)
    assert request.error is not None
    assert (request.error.type, request.error.message) == ("", "")
    # A null where the request cannot do without a value is still refused.
    with pytest.raises(MalformedRequestError):
        decode_envelope(b'{"request": {"type": null}}')


def test_numeric_timestamp_is_read_as_epoch_milliseconds() -> None:
    import time

    from alexaskill.testing import TestClient

    def stamp(envelope: Envelope) -> str:
        return envelope.request.timestamp

    with TestClient(_echo_skill(stamp)) as client:
        now_ms = int(time.time() * 1000)
        fresh = client.send("LaunchRequest", timestamp=now_ms)
        stale = client.send("LaunchRequest", timestamp=now_ms - 151_000)
        future = client.send("LaunchRequest", timestamp=now_ms + 151_000)
    assert fresh.status_code == 200, fresh.json
    assert fresh.speech == models.epoch_ms_timestamp(now_ms)
    assert fresh.speech is not None and fresh.speech.endswith("Z")
    assert (stale.status_code, str(stale.error)[:20]) == (400, "timestamp: too old (")
    assert (future.status_code, str(future.error)[:26]) == (400, "timestamp: in the future (")


def test_epoch_ms_timestamp() -> None:
    assert models.epoch_ms_timestamp(1490000000123) == "2017-03-20T08:53:20.123Z"
    assert models.epoch_ms_timestamp(1490000000123.0) == "2017-03-20T08:53:20.123Z"
    # 10**309: an int past what a float holds (math.isfinite raised OverflowError: HTTP 500)
    for unusable in (True, float("nan"), float("inf"), 10**20, 10**309, "1490000000123", None):
        assert models.epoch_ms_timestamp(unusable) is None


def test_the_printed_form_shows_no_token_and_no_whole_user_id() -> None:
    # A handler's exception that quotes the request, or a debug print of it, ends up in logs:
    # the tokens and the user's id are shown masked (the user as the request line's hash).
    from alexaskill.logs import user_hash
    from alexaskill.testing import RequestFactory

    user_id = "amzn1.ask.account.FULL-USER-ID"
    person = {"personId": "amzn1.ask.person.FULL-PERSON-ID", "accessToken": "PERSON-TOKEN"}
    user = {"accessToken": "USER-TOKEN", "permissions": {"consentToken": "CONSENT-TOKEN"}}
    factory = RequestFactory(user_id=user_id, user=user)
    envelope = factory.intent("GetWeather")
    envelope["context"]["System"]["person"] = person
    device = envelope["context"]["System"]["device"]
    device["deviceId"] = "amzn1.ask.device.FULL-DEVICE-ID"
    device["persistentEndpointId"] = "amzn1.alexa.endpoint.did.FULL-ENDPOINT-ID"
    token = envelope["context"]["System"]["apiAccessToken"]
    decoded = decode_envelope(json.dumps(envelope))
    shown = repr(decoded) + str(decoded) + repr(decoded.context) + repr(decoded.session)
    for secret in (
        token,
        "USER-TOKEN",
        "CONSENT-TOKEN",
        "PERSON-TOKEN",
        "FULL-USER-ID",
        "FULL-PERSON-ID",
        "FULL-DEVICE-ID",  # a device's ids follow a household as a user's id follows a user
        "FULL-ENDPOINT-ID",
    ):
        assert secret not in shown, secret
    assert f"user_id=<user {user_hash(user_id)}>" in shown
    assert f"device_id=<device {user_hash(device['deviceId'])}>" in shown
    assert "access_token='***'" in shown and "api_access_token='***'" in shown
    # Only the printed form: the values are there for the handler.
    assert decoded.context is not None and decoded.context.system is not None
    assert decoded.context.system.api_access_token == token
    system_user = decoded.context.system.user
    assert system_user is not None and system_user.user_id == user_id
    assert repr(models.User()) == "User(user_id='', access_token=None, permissions=None)"


def test_a_state_amazon_adds_still_decodes() -> None:
    # dialog_state and confirmation_status are Literals for type checkers only.
    data = load_json("IntentRequest.GetWeather")
    data["request"]["dialogState"] = "SUSPENDED"
    data["request"]["intent"]["confirmationStatus"] = "MAYBE"
    for slot in data["request"]["intent"].get("slots", {}).values():
        slot["confirmationStatus"] = "MAYBE"
    request = decode_envelope(json.dumps(data).encode()).request
    assert isinstance(request, IntentRequest)
    assert request.dialog_state == "SUSPENDED"  # type: ignore[comparison-overlap]
    assert request.intent.confirmation_status == "MAYBE"
    assert request.intent.slots
    assert {slot.confirmation_status for slot in request.intent.slots.values()} == {"MAYBE"}


# --- integers: Amazon's types bound them --------------------------------------------------------

INT64_MAX: Final = 2**63 - 1
INT32_MAX: Final = 2**31 - 1


def _audio_event(offset: object, state_offset: object = 0) -> bytes:
    return json.dumps(
        {
            "context": {"AudioPlayer": {"offsetInMilliseconds": state_offset}},
            "request": {"type": "AudioPlayer.PlaybackStarted", "offsetInMilliseconds": offset},
        }
    ).encode()


def _list_data(start: object, count: object) -> bytes:
    request = {"type": "Alexa.Presentation.APL.LoadIndexListData", "startIndex": start}
    return json.dumps({"request": {**request, "count": count}}).encode()


def test_integers_in_range_of_amazons_types_decode() -> None:
    request = decode_envelope(_audio_event(INT64_MAX, INT64_MAX)).request
    assert isinstance(request, models.AudioPlayerRequest)
    assert request.offset_in_milliseconds == INT64_MAX
    listing = decode_envelope(_list_data(-INT32_MAX - 1, INT32_MAX)).request
    assert isinstance(listing, models.PresentationRequest)
    assert (listing.start_index, listing.count) == (-INT32_MAX - 1, INT32_MAX)


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (_audio_event(INT64_MAX + 1), "$.request.offsetInMilliseconds"),
        (_audio_event(10**30), "$.request.offsetInMilliseconds"),
        (_audio_event(-1), "$.request.offsetInMilliseconds"),
        (_audio_event(0, 2**64), "$.context.AudioPlayer.offsetInMilliseconds"),
        (_list_data(INT32_MAX + 1, 1), "$.request.startIndex"),
        (_list_data(0, -(2**70)), "$.request.count"),
    ],
)
def test_an_integer_past_amazons_type_is_refused_naming_the_field(body: bytes, where: str) -> None:
    # offsetInMilliseconds is a position (a long, 0 or more); APL's list indexes are ints.
    # Arbitrarily large integers reached handlers (and a Play resuming at one).
    with pytest.raises(MalformedRequestError) as info:
        decode_envelope(body)
    message = str(info.value)
    assert where in message, message
    assert len(message) < 160, message


def test_a_refusal_in_the_request_names_its_path_from_the_root() -> None:
    with pytest.raises(MalformedRequestError) as info:
        decode_envelope(b'{"request": {"type": "IntentRequest", "intent": []}}')
    assert "`$.request.intent`" in str(info.value)
    assert isinstance(info.value.__cause__, msgspec.ValidationError)
    with pytest.raises(MalformedRequestError) as info:
        decode_envelope(b'{"session": [], "request": {"type": "LaunchRequest"}}')
    assert "`$.session`" in str(info.value)


@pytest.mark.parametrize(
    ("escape", "where"),
    [
        (r"\ud800", 0),  # a high half at the end of its string
        (r"\ud83dx", 0),  # a high half followed by a character
        (r"a\udfffb", 1),  # a low half alone
        (r"\ud800\ud800", 0),  # two high halves
        (r"\ud800\u0041", 0),  # a high half followed by another escape
        (r"\ud83d\ude00\udc00", 12),  # a pair, then a low half alone
        (r"\ud800a\udc00", 0),  # two lone halves, a character between: no pair
    ],
)
def test_a_lone_surrogate_escape_is_said_to_be_one(escape: str, where: int) -> None:
    # msgspec says "Input data was truncated" (or "unexpected end of hex escape") for most of
    # these: a developer looked for a cut-off body.
    head = b'{"request": {"type": "LaunchRequest", "locale": "'
    body = head + escape.encode() + b'"}}'
    with pytest.raises(MalformedRequestError) as info:
        decode_envelope(body)
    message = str(info.value)
    shown = escape[where : where + 6]
    assert message == (
        f"malformed request: lone UTF-16 surrogate {shown} at byte {len(head) + where}: "
        "not a character"
    ), message
    assert "truncated" not in message


def test_a_pair_and_an_escaped_backslash_are_no_lone_surrogates() -> None:
    body = b'{"request": {"type": "LaunchRequest", "locale": "\\ud83d\\ude00 \\\\ud800"'
    with pytest.raises(MalformedRequestError, match="truncated"):
        decode_envelope(body)  # (cut off: the reason stays msgspec's)


@pytest.mark.parametrize("body", [b"", b"  \r\n", ""])
def test_an_empty_body_is_said_to_be_empty(body: bytes | str) -> None:
    with pytest.raises(MalformedRequestError) as info:
        decode_envelope(body)
    assert str(info.value) == "malformed request: empty body"


def test_the_printed_form_shows_the_advertising_and_unit_ids_as_hashes() -> None:
    # The advertising id names a person to ad networks, a unit's ids an organisation's room (a
    # hotel guest's): shown as hashes, as the user's and the device's are.
    from alexaskill.logs import user_hash
    from alexaskill.testing import RequestFactory

    envelope = RequestFactory().intent("GetWeather")
    advertising_id = "c2d6f8e1-FULL-ADVERTISING-ID"
    envelope["context"]["Advertising"] = {"advertisingId": advertising_id, "limitAdTracking": False}
    envelope["context"]["System"]["unit"] = {
        "unitId": "amzn1.ask.unit.FULL-UNIT-ID",
        "persistentUnitId": "amzn1.alexa.unit.did.FULL-PERSISTENT-UNIT-ID",
    }
    decoded = decode_envelope(json.dumps(envelope))
    shown = repr(decoded) + str(decoded) + repr(decoded.context)
    for secret in ("FULL-ADVERTISING-ID", "FULL-UNIT-ID", "FULL-PERSISTENT-UNIT-ID"):
        assert secret not in shown, secret
    assert f"advertising_id=<advertising {user_hash(advertising_id)}>" in shown
    assert "limit_ad_tracking=False" in shown
    assert f"unit_id=<unit {user_hash('amzn1.ask.unit.FULL-UNIT-ID')}>" in shown
    # Only the printed form: the values are there for the handler.
    assert decoded.context is not None and decoded.context.advertising is not None
    assert decoded.context.advertising.advertising_id == advertising_id
    assert repr(models.Unit()) == "Unit(unit_id=None, persistent_unit_id=None)"
