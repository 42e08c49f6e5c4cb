"""Tests for alexaskill.models: realistic request files decode into typed values; the envelope,
session, context and device they carry."""

from __future__ import annotations

import json
from typing import Any, Final

import msgspec
import pytest

from alexaskill import models
from alexaskill.models import (
    AlexaSkillEventRequest,
    Device,
    Envelope,
    GenericRequest,
    HouseholdListEventRequest,
    IntentRequest,
    LaunchRequest,
    PresentationRequest,
    ReminderEventRequest,
    decode_envelope,
    request_class,
)
from alexaskill.testing import DEFAULT_SKILL_ID

from .conftest import OTHER_SKILL_ID, SKILL_ID
from .models_shared import (
    CASES,
    ENDPOINT,
    FIXTURES,
    decode_dict,
    device_of,
    load,
    load_json,
    resolve,
    system_of,
)

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
