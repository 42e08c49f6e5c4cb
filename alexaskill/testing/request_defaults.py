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


_DEFAULTS: Final[dict[str, _Maker]] = {
    "AlexaSkillEvent.SkillEnabled": _event(),
    "AlexaSkillEvent.SkillDisabled": _event(),
    "AlexaSkillEvent.SkillPermissionAccepted": _event(_PERMISSIONS),
    "AlexaSkillEvent.SkillPermissionChanged": _event(_PERMISSIONS),
    "AlexaSkillEvent.SkillAccountLinked": _event({"accessToken": "linked-account-access-token"}),
    "AlexaSkillEvent.ProactiveSubscriptionChanged": _event(
        {"subscriptions": [{"eventName": "AMAZON.MessageAlert.Activated"}]}
    ),
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
    # What the skill's web app sent (alexa.skill.sendMessage): its own JSON object.
    "Alexa.Presentation.HTML.Message": lambda _now: {"message": {}},
    "GameEngine.InputHandlerEvent": _button_press,
}

#: The interfaces a device sending requests of a type declares, when none are given: an APL
#: event comes from a screen with APL, an APLT one from a character display (no screen), an
#: ElementSelected from a screen with Display, a web app's message from a device running it.
_INTERFACES: Final = {
    "Alexa.Presentation.APL.": ("AudioPlayer", "Alexa.Presentation.APL"),
    "Alexa.Presentation.APLT.": ("AudioPlayer", "Alexa.Presentation.APLT"),
    "Alexa.Presentation.HTML.": ("AudioPlayer", "Alexa.Presentation.HTML"),
    "Display.": ("AudioPlayer", "Display"),
}


def default_fields(request_type: str, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The fields (fresh ones) Alexa sends with a ``request_type`` request besides ``type``,
    ``requestId``, ``timestamp`` and ``locale``; none for a type with no more, or unknown. An
    event is made and sent (a button pressed) at the ``timestamp`` ``given`` (an ISO 8601 one,
    or epoch milliseconds, which the model takes too: written in ISO 8601), else now."""
    make = _DEFAULTS.get(request_type)
    stamp = (given or {}).get("timestamp")
    if not isinstance(stamp, str):
        stamp = epoch_ms_timestamp(stamp) or timestamp()
    return make(stamp) if make is not None else {}


def default_interfaces(request_type: str) -> tuple[str, ...]:
    """The interfaces of a device that sends ``request_type`` requests: AudioPlayer, the
    default device's, unless the type needs a screen."""
    for prefix, names in _INTERFACES.items():
        if request_type.startswith(prefix):
            return names
    return ("AudioPlayer",)
