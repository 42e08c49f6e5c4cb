"""The fields Alexa always sends with a request type, made up for a sample request: what
``alexaskill request TYPE`` prints beside the common ones (``--field`` replaces any of them).

Minimal, in the shapes of Amazon's request reference: the fields a handler reads (an error and
its cause, a purchase's result, an APL event's arguments), not every optional one."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final

from ..models import epoch_ms_timestamp
from .request_fields import slot_json
from .requests import timestamp

__all__ = ["default_fields", "default_interfaces"]

#: The token of the APL document a sample APL request is about (its RenderDocument's token).
_DOCUMENT: Final = "documentToken"
#: The token a skill gave its ``Connections.SendRequest`` (or ``StartConnection``): a purchase's.
_CORRELATION: Final = "correlationToken"
#: How a list, an item or a reminder changed: ``AlexaHouseholdListEvent.ItemsCreated``, ….
_CHANGES: Final = ("Created", "Updated", "Deleted")


def _request_id() -> str:
    return f"amzn1.echo-api.request.{uuid.uuid4()}"


#: A maker of the fields: called with the request's ``timestamp`` (the time Alexa made it).
_Maker = Callable[[str], dict[str, Any]]


def _exception(_now: str) -> dict[str, Any]:
    # The error of the skill's response Alexa could not use, and that request (`cause`).
    return {
        "error": {"type": "INVALID_RESPONSE", "message": "Invalid directive in the response"},
        "cause": {"requestId": _request_id()},
    }


def _purchase(_now: str) -> dict[str, Any]:
    # The answer to the skill's Connections.SendRequest "Buy": the user bought the product.
    return {
        "name": "Buy",
        "status": {"code": "200", "message": "OK"},
        "token": _CORRELATION,
        "payload": {"purchaseResult": "ACCEPTED", "productId": f"amzn1.adg.product.{uuid.uuid4()}"},
    }


def _user_event(_now: str) -> dict[str, Any]:
    # A touch on a TouchWrapper whose onPress is SendEvent with one argument.
    return {
        "token": _DOCUMENT,
        "arguments": ["buttonPressed"],
        "source": {"type": "TouchWrapper", "handler": "Press", "id": "button"},
        "components": {},
    }


def _runtime_error(_now: str) -> dict[str, Any]:
    return {
        "token": _DOCUMENT,
        "errors": [
            {
                "type": "LIST_ERROR",
                "reason": "INCONSISTENT_RANGE",
                "listId": "list",
                "message": "The list's range is not what the skill sent before",
            }
        ],
    }


def _resumed(_now: str) -> dict[str, Any]:
    # The session paused for a Connections.StartConnection goes on: the task completed.
    return {
        "cause": {
            "type": "ConnectionCompleted",
            "token": _CORRELATION,
            "status": {"code": "200", "message": "OK"},
            "result": {},
        }
    }


def _event(body: dict[str, Any] | None = None) -> _Maker:
    """A skill, list or reminder event's fields: when it was made and sent (the request's
    time), its body."""

    def fields(now: str) -> dict[str, Any]:
        made = {"eventCreationTime": now, "eventPublishingTime": now}
        return made if body is None else {**made, "body": copy.deepcopy(body)}

    return fields


_ITEMS: Final = {"listId": "list", "listItemIds": ["item"]}
_PERMISSIONS: Final = {"acceptedPermissions": [{"scope": "alexa::profile:email:read"}]}


def _print_task(_now: str) -> dict[str, Any]:
    # Another skill asks this one, a provider of Amazon's predefined task, to print a PDF.
    return {
        "name": "AMAZON.PrintPDF",
        "payload": {
            "@type": "PrintPDFRequest",
            "@version": "1",
            "title": "Flywheel",
            "description": "The flywheel's manual",
            "url": "https://www.example.com/flywheel.pdf",
        },
    }


def _button_press(now: str) -> dict[str, Any]:
    # An Echo Button pressed, as the skill's StartInputHandler (that request) asked, at the
    # moment the request reports it.
    press = {"gadgetId": "amzn1.ask.gadget.button", "timestamp": now, "action": "down"}
    return {
        "originatingRequestId": _request_id(),
        "events": [
            {
                "name": "buttonPressed",
                "inputEvents": [{**press, "color": "FF0000", "feature": "press"}],
            }
        ],
    }


def _web_app_error(_now: str) -> dict[str, Any]:
    # The web app's page could not be loaded (the reasons of Amazon's Alexa.Presentation.HTML
    # reference: HTTP_REQUEST_ERROR, TIMED_OUT, FILE_TYPE_NOT_SUPPORTED, APPLICATION_ERROR).
    return {"error": {"reason": "HTTP_REQUEST_ERROR", "message": "The start URI answered 404"}}


def _audio_error(_now: str) -> dict[str, Any]:
    # An APL for audio document whose Audio source was not found (ask-sdk-model's
    # apla.RuntimeErrorEvent: token, errors; an error's type AUDIO_SOURCE_ERROR, RENDER_ERROR,
    # DOCUMENT_ERROR or LINK_ERROR, with its reason and message).
    return {
        "token": _DOCUMENT,
        "errors": [
            {
                "type": "AUDIO_SOURCE_ERROR",
                "reason": "NOT_FOUND_ERROR",
                "message": "The audio at https://www.example.com/chime.mp3 was not found",
            }
        ],
    }


def _api_invoked(_now: str) -> dict[str, Any]:
    # Alexa Conversations calls the skill's GetWeather API with the city it collected
    # (Amazon's "Request and Response Reference for Alexa Conversations": apiRequest's name,
    # arguments, the plain values, and slots, each as a request's slotValue).
    return {
        "apiRequest": {
            "name": "GetWeather",
            "arguments": {"cityName": "Lisbon"},
            "slots": {"cityName": {"type": "Simple", "value": "Lisbon"}},
        }
    }


#: The widget (an APL package, by the id the skill's manifest gives it) a sample DataStore
#: request is about, and its version before and after an update.
_PACKAGE: Final = {"packageId": "widget", "packageVersion": "1.0"}


def _usages(_now: str) -> dict[str, Any]:
    # A widget installed (or removed) on a device, where it shows: FAVORITE, the one location
    # ask-sdk-model's Locations names (its UsagesInstallRequest and UsagesRemovedRequest).
    usage = {"location": "FAVORITE", "instanceId": f"amzn1.ask.widget.{uuid.uuid4()}"}
    return {"payload": {**_PACKAGE, "usages": [usage]}}


def _data_store_error(_now: str, device: str) -> dict[str, Any]:
    # A Data Store REST API push that expired, the device offline: the error's type
    # (DEVICE_UNAVAILABLE, DEVICE_PERMANENTLY_UNAVAILABLE, DATASTORE_INTERNAL_ERROR,
    # STORAGE_LIMIT_EXCEEDED) and, for a device unavailable, the device and the commands not
    # delivered, for the skill to push again (ask-sdk-model's datastore.DispatchErrorContent).
    # The device is the request's own, so that a skill pushing again reaches the device the
    # test knows (`default_fields`).
    command = {"type": "PUT_OBJECT", "namespace": "widget", "key": "today", "content": {}}
    return {
        "error": {
            "type": "DEVICE_UNAVAILABLE",
            "content": {"deviceId": device, "commands": [command]},
        }
    }


#: The token of the ad stream a sample Alexa.Advertisement event is about, and of the skill's
#: own stream the ad was enqueued after (its InjectAds directive's expectedPreviousToken).
_AD: Final = {"token": "adStreamToken", "previousToken": "streamToken"}


def _input(_now: str) -> dict[str, Any]:
    # An Alexa Conversations input: its name in the Conversations model and its slots, each
    # as an IntentRequest's slot (ask-sdk-model's dialog.Input: name, slots of Slot).
    return {
        "input": {"name": "WeatherInput", "slots": {"cityName": slot_json("cityName", "Lisbon")}}
    }


#: The fields of a sample of each type alexaskill models (`alexaskill.models.REQUEST_TYPES`).
_MODELLED: Final[dict[str, _Maker]] = {
    "AlexaSkillEvent.SkillEnabled": _event(),
    "AlexaSkillEvent.SkillDisabled": _event(),
    "AlexaSkillEvent.SkillPermissionAccepted": _event(_PERMISSIONS),
    "AlexaSkillEvent.SkillPermissionChanged": _event(_PERMISSIONS),
    "AlexaSkillEvent.SkillAccountLinked": _event({"accessToken": "linked-account-access-token"}),
    # Their body alone: ask-sdk-model's ProactiveSubscriptionChangedRequest (and
    # NotificationSubscriptionChangedRequest) has no event times.
    "AlexaSkillEvent.ProactiveSubscriptionChanged": lambda _now: {
        "body": {"subscriptions": [{"eventName": "AMAZON.MessageAlert.Activated"}]}
    },
    # The topics (of the skill's manifest) the user is now subscribed to.
    "AlexaSkillEvent.NotificationSubscriptionChanged": lambda _now: {
        "body": {"subscriptions": [{"topicId": "topic"}]}
    },
    **{f"AlexaHouseholdListEvent.Items{what}": _event(_ITEMS) for what in _CHANGES},
    **{f"AlexaHouseholdListEvent.List{what}": _event({"listId": "list"}) for what in _CHANGES},
    # A reminder's event says its status: ON until it is done (COMPLETED), as the Reminders
    # API reports it; a deleted one has none.
    **{
        f"Reminders.Reminder{what}": _event({"alertToken": "reminderAlertToken", "status": "ON"})
        for what in ("Created", "Updated", "Started")
    },
    "Reminders.ReminderDeleted": _event({"alertToken": "reminderAlertToken"}),
    "Reminders.ReminderStatusChanged": _event(
        {"alertToken": "reminderAlertToken", "status": "COMPLETED"}
    ),
    "Alexa.Authorization.Grant": lambda _now: {
        "body": {"grant": {"type": "OAuth2.AuthorizationCode", "code": "authorization-code"}}
    },
    "System.ExceptionEncountered": _exception,
    "Connections.Response": _purchase,
    "SessionResumedRequest": _resumed,
    "Alexa.Presentation.APL.UserEvent": _user_event,
    # A character display has no touch: its document's SendEvent names no TouchWrapper.
    "Alexa.Presentation.APLT.UserEvent": lambda _now: {"token": _DOCUMENT, "arguments": ["done"]},
    "Alexa.Presentation.APL.RuntimeError": _runtime_error,
    "Alexa.Presentation.APL.LoadIndexListData": lambda _now: {
        "token": _DOCUMENT,
        "correlationToken": "101",
        "listId": "list",
        "startIndex": 20,
        "count": 10,
    },
    "Alexa.Presentation.APL.LoadTokenListData": lambda _now: {
        "token": _DOCUMENT,
        "correlationToken": "101",
        "listId": "list",
        "pageToken": "nextPage",
    },
    "Display.ElementSelected": lambda _now: {"token": "item_1"},
    "Connections.Request": _print_task,
    "CustomInterfaceController.EventsReceived": lambda _now: {
        "token": "eventHandlerToken",
        "events": [
            {
                "header": {"namespace": "Custom.Gadget", "name": "Event"},
                "endpoint": {"endpointId": "amzn1.ask.endpoint.gadget"},
                "payload": {},
            }
        ],
    },
    "CustomInterfaceController.Expired": lambda _now: {
        "token": "eventHandlerToken",
        "expirationPayload": {},
    },
    "Messaging.MessageReceived": lambda _now: {"message": {}},
    "GameEngine.InputHandlerEvent": _button_press,
}

#: The fields of a sample of each type alexaskill does not model (`UNMODELLED` of
#: `alexaskill.request_types`: they reach the fallback handler), those Amazon's references give
#: them: the Alexa.Presentation.HTML and Alexa.Presentation.APLA interface references, "Handle
#: API Calls for Alexa Conversations", and the Alexa.DataStore and Alexa.DataStore.PackageManager
#: interface references (their objects' fields as ask-sdk-model, Amazon's SDK model generated
#: from the same API, names them). (A DataStore.Error's: `_OF_THE_DEVICE`.)
_UNMODELLED: Final[dict[str, _Maker]] = {
    # What the skill's web app sent (alexa.skill.sendMessage): its own JSON object.
    "Alexa.Presentation.HTML.Message": lambda _now: {"message": {}},
    "Alexa.Presentation.HTML.RuntimeError": _web_app_error,
    "Alexa.Presentation.APLA.RuntimeError": _audio_error,
    "Dialog.API.Invoked": _api_invoked,
    "Alexa.DataStore.PackageManager.UsagesInstalled": _usages,
    "Alexa.DataStore.PackageManager.UsagesRemoved": _usages,
    "Alexa.DataStore.PackageManager.UpdateRequest": lambda _now: {
        "packageId": _PACKAGE["packageId"],
        "fromVersion": _PACKAGE["packageVersion"],
        "toVersion": "1.1",
    },
    # A widget that could not be installed or updated: INTERNAL_ERROR, the one type
    # ask-sdk-model's packagemanager.ErrorType names; content is opaque.
    "Alexa.DataStore.PackageManager.InstallationError": lambda _now: {
        "packageId": _PACKAGE["packageId"],
        "version": _PACKAGE["packageVersion"],
        "error": {"type": "INTERNAL_ERROR", "content": {}},
    },
    # The ad events of ask-sdk-model's advertisement package: an ad not rendered says why, a
    # ReasonCode (DEVICE_OCCUPIED, UNSUPPORTED_DEVICE, SKILL_DAILY_CAP_LIMIT_REACHED,
    # DOMAIN_DAILY_CAP_LIMIT_REACHED, INTERNAL_SERVER_ERROR, AD_NOT_AVAILABLE), and a message.
    # An AdCompleted's player is left as it is (IDLE by default), not moved to the ad as a
    # ReadyToEnqueueAudio's is, for want of a source: ask-sdk-model's AdCompleted says only that
    # "the ad playback is finished", its token "the ad stream being played", and Amazon's docs
    # have no reference of the interface. FINISHED (as after a PlaybackFinished) and PLAYING
    # (the skill's own stream, enqueued after the ad) are both likely; neither is written down.
    # (Unconfirmed still: read in alexa-apis-for-java's AdCompleted.java and InjectAds.java,
    # ask-sdk-model/.../interfaces/alexa/advertisement/, which say no more than that.)
    "Alexa.Advertisement.AdCompleted": lambda _now: {"token": _AD["token"]},
    "Alexa.Advertisement.AdNotRendered": lambda _now: {
        "reason": {"type": "AD_NOT_AVAILABLE", "message": "No ad is available to play"}
    },
    "Alexa.Advertisement.ReadyToEnqueueAudio": lambda _now: dict(_AD),
    "Dialog.InputRequest": _input,
}

#: The fields of a sample of each type that has more than the four every request has.
_DEFAULTS: Final = {**_MODELLED, **_UNMODELLED}

#: The interfaces a device sending requests of a type declares, when none are given: an APL
#: event comes from a screen with APL, an APLT one from a character display (no screen), an
#: ElementSelected from a screen with Display, a web app's message from a device running it.
_INTERFACES: Final = {
    "Alexa.Presentation.APL.": ("AudioPlayer", "Alexa.Presentation.APL"),
    "Alexa.Presentation.APLT.": ("AudioPlayer", "Alexa.Presentation.APLT"),
    "Alexa.Presentation.HTML.": ("AudioPlayer", "Alexa.Presentation.HTML"),
    "Display.": ("AudioPlayer", "Display"),
    # A widget is an APL package, shown on a screen that runs APL.
    "Alexa.DataStore.": ("AudioPlayer", "Alexa.Presentation.APL"),
}


#: The request types whose fields name the device the request comes from, made for it.
_OF_THE_DEVICE: Final[dict[str, Callable[[str, str], dict[str, Any]]]] = {
    "Alexa.DataStore.Error": _data_store_error,
}


def default_fields(
    request_type: str, given: Mapping[str, Any] | None = None, *, device_id: str | None = None
) -> dict[str, Any]:
    """The fields (fresh ones) Alexa sends with a ``request_type`` request besides ``type``,
    ``requestId``, ``timestamp`` and ``locale``; none for a type with no more, or unknown. An
    event is made and sent (a button pressed) at the ``timestamp`` ``given`` (an ISO 8601 one,
    or epoch milliseconds, which the model takes too: written in ISO 8601), else now. A device
    a field names (a DataStore.Error's) is ``device_id``, the request's (None: one made up)."""
    stamp = (given or {}).get("timestamp")
    if not isinstance(stamp, str):
        stamp = epoch_ms_timestamp(stamp) or timestamp()
    of_the_device = _OF_THE_DEVICE.get(request_type)
    if of_the_device is not None:
        return of_the_device(stamp, device_id or f"amzn1.ask.device.{uuid.uuid4()}")
    make = _DEFAULTS.get(request_type)
    return make(stamp) if make is not None else {}


def default_interfaces(request_type: str) -> tuple[str, ...]:
    """The interfaces of a device that sends ``request_type`` requests: AudioPlayer, the
    default device's, unless the type needs a screen."""
    for prefix, names in _INTERFACES.items():
        if request_type.startswith(prefix):
            return names
    return ("AudioPlayer",)
