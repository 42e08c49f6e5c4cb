"""What the tests of alexaskill.models share (tests/test_models*.py): the sample request files,
what each decodes to (CASES), and helpers that load and decode them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from alexaskill import models
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
    IntentRequest,
    LaunchRequest,
    MessageReceivedRequest,
    PlaybackControllerRequest,
    PresentationRequest,
    ReminderEventRequest,
    SessionEndedRequest,
    SessionResumedRequest,
    Slot,
    System,
    SystemExceptionRequest,
    decode_envelope,
)

FIXTURES = Path(__file__).parent / "fixtures" / "requests"
ENDPOINT = "https://api.amazonalexa.com"
TRACK = "episode-0042"
CIC_TOKEN = "1234abcd-40bb-11e9-9527-6b98b093d166"
LIST_ID = "YW16bjEuYWNjb3VudC5BRVhBTVBMRS1TSE9QUElORy1JVEVN"
LINKED_TOKEN = "Atza|IwEBIFakeLinkedAccountToken0123456789abcdef"


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
