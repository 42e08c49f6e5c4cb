"""Realistic, fresh request envelopes: the builders the test client, replay and the CLI share."""

from __future__ import annotations

import base64
import copy
import datetime as _dt
import decimal
import enum
import functools
import math
import os
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..locales import check_locale
from ..models import SCREEN_INTERFACES
from ..models.intents import sent_slot, simple_value
from .factory_checks import (
    checked_factory_field,
    checked_moment,
    checked_name,
    checked_session,
    checked_session_parts,
    checked_turn,
)
from .player import PLAYER_EVENTS, DevicePlayer
from .request_files import load_request

__all__ = [
    "CONFIRMATION_STATUSES",
    "DEFAULT_SKILL_ID",
    "DIALOG_STATES",
    "KNOWN_INTERFACES",
    "SCREEN",
    "SESSION_END_REASONS",
    "SESSION_TYPES",
    "RequestFactory",
    "can_fulfill_fields",
    "device_time",
    "dialog_state_for",
    "intent_fields",
    "load_request",
    "refresh",
    "slot_json",
    "slot_text",
    "timestamp",
]

#: The skill id the request builders use when neither the client nor the skill names one.
DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"

#: Request types that arrive inside a session; the others come with no ``session``.
SESSION_TYPES = frozenset(
    {
        "LaunchRequest",
        "IntentRequest",
        "SessionEndedRequest",
        "CanFulfillIntentRequest",
        "SessionResumedRequest",
        "Display.ElementSelected",
        "Alexa.Presentation.APL.UserEvent",
        "Alexa.Presentation.APL.RuntimeError",
        "Alexa.Presentation.APL.LoadIndexListData",
        "Alexa.Presentation.APL.LoadTokenListData",
        "Alexa.Presentation.APLT.UserEvent",  # (a character display's, as APL's)
        "Alexa.Presentation.HTML.Message",  # (a web app's: it runs in the session)
        "Connections.Response",
        "GameEngine.InputHandlerEvent",
        "CustomInterfaceController.EventsReceived",
        "CustomInterfaceController.Expired",
    }
)

#: The dialog states Alexa sends, with an intent of the dialog model only.
DIALOG_STATES: Final = ("STARTED", "IN_PROGRESS", "COMPLETED")
#: The ``confirmationStatus`` values of an intent or a slot.
CONFIRMATION_STATUSES: Final = ("NONE", "DENIED", "CONFIRMED")
#: The ``reason`` values of a SessionEndedRequest.
SESSION_END_REASONS: Final = ("USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS")

#: The interfaces a device declares in ``supportedInterfaces`` that alexaskill knows of.
KNOWN_INTERFACES: Final = (
    "AudioPlayer",
    "Display",
    "VideoApp",
    "Alexa.Presentation.APL",
    "Alexa.Presentation.APLT",
    "Alexa.Presentation.HTML",
    "Geolocation",
)

#: The interfaces a device with a screen declares (an Echo Show): pass as ``interfaces=``.
SCREEN: Final = ("AudioPlayer", "Display", "Alexa.Presentation.APL")
#: The audio player's events about the stream it holds, by request type (PlaybackFailed aside).
_PLAYER_EVENT_TYPES: Final = frozenset(
    f"AudioPlayer.{event}" for event in PLAYER_EVENTS if event != "PlaybackFailed"
)

_INTERFACES: dict[str, dict[str, Any]] = {
    "AudioPlayer": {},
    "Display": {"templateVersion": "1.0", "markupVersion": "1.0"},
    "VideoApp": {},
    "Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.3"}},
}


#: ``context.Viewport`` of a screen device: an Echo Show of 10 inches, with the fields of
#: Amazon's "Viewport object in the skill request" (``mode`` is what viewport profiles need).
_ECHO_SHOW_VIEWPORT: Final[Mapping[str, Any]] = {
    "experiences": [
        {"arcMinuteWidth": 246, "arcMinuteHeight": 144, "canRotate": False, "canResize": False}
    ],
    "mode": "HUB",
    "shape": "RECTANGLE",
    "pixelWidth": 1280,
    "pixelHeight": 800,
    "dpi": 160,
    "currentPixelWidth": 1280,
    "currentPixelHeight": 800,
    "touch": ["SINGLE"],
    "video": {"codecs": ["H_264_42", "H_264_41"]},
}


def timestamp(now: _dt.datetime | None = None) -> str:
    """An Alexa request timestamp, in UTC (``2026-11-27T09:30:00Z``), for ``now`` (default: the
    clock). ``now`` must say its time zone: `ValueError` for a naive datetime, which Python
    would read as this machine's local time."""
    if (now := checked_moment(now)) is None:
        now = _dt.datetime.now(_dt.UTC)
    elif now.utcoffset() is None:
        raise ValueError(
            f"a request's time needs a time zone, and {now!r} has no time zone: give an aware "
            "datetime, e.g. datetime(2026, 11, 27, 9, 30, tzinfo=datetime.UTC)"
        )
    return now.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def device_time(now: _dt.datetime | None, time_zone: str | None) -> _dt.datetime:
    """``now`` (default: the clock) on the device's clock: in ``time_zone`` (an IANA name, as
    Alexa's settings API gives it), or UTC when the device has none set, as `AlexaApi.now`
    reads it. A naive ``now`` is taken as that wall-clock time already."""
    try:
        zone: _dt.tzinfo = ZoneInfo(time_zone) if time_zone else _dt.UTC
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"time_zone {time_zone!r}: not a time zone name") from None
    if now is None:
        now = _dt.datetime.now(_dt.UTC)
    elif now.utcoffset() is None:
        return now.replace(tzinfo=zone)
    return now.astimezone(zone)


def _new_id(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4()}"


def _new_account_id(prefix: str) -> str:
    """A user or device id of Alexa's shape: ``prefix``, "A" and 206 base32 characters (207 in
    all, as Alexa's): a skill keeping them where a uuid would fit finds out in its tests."""
    return f"{prefix}.A{base64.b32encode(os.urandom(130)).decode('ascii')[:206]}"


def check_choice(value: object, field: str, choices: Sequence[str]) -> None:
    """`ValueError`, naming ``field``, unless ``value`` is one of ``choices`` (what Alexa sends)."""
    if value not in choices:
        raise ValueError(f"{field} {value!r}: Alexa sends one of {', '.join(choices)}")


def check_interfaces(names: Iterable[str]) -> tuple[str, ...]:
    """``names`` as a tuple: `ValueError` for one string (its characters would be the names;
    `TypeError` for no list, None), for a known interface in the wrong case, which a skill's
    ``supports()`` would not see (names are case-sensitive), and for a name that is no str;
    unknown names are kept."""
    if isinstance(names, str | bytes) or not isinstance(names, Iterable):
        one = isinstance(names, str | bytes)
        raise (ValueError if one else TypeError)(
            f'interfaces {names!r}: a list of interface names, e.g. ["Display"] (or SCREEN), '
            f"not {'one string' if one else type(names).__name__}"
        )
    names = tuple(names)
    by_lower = {name.lower(): name for name in KNOWN_INTERFACES}
    for name in names:
        if not isinstance(name, str):
            raise ValueError(f"interfaces: {name!r} is no interface name (a str, e.g. AudioPlayer)")
        known = by_lower.get(name.lower())
        if known is not None and known != name:
            raise ValueError(f"interfaces: {name!r}: interface names are case-sensitive: {known}")
    return names


def slot_text(value: Any, slot: str = "") -> str:
    """The words a slot value is sent as: an Enum member's value (``Diet.VEGAN`` is "vegan"), a
    number's digits (an int, a float, a `Decimal`; ``Decimal("1E+3")`` is "1000"), a date as
    AMAZON.DATE gives it ("2026-11-27"). `ValueError`, naming ``slot``, for a value Alexa sends
    no words of (a bool, an infinity or NaN, a `Fraction`, a time, an object)."""
    # str() of a (str, Enum) member is "Diet.VEGAN", which no handler's Enum parameter takes.
    text = value.value if isinstance(value, enum.Enum) else value
    if isinstance(text, str):
        return text
    if isinstance(text, int) and not isinstance(text, bool):
        return str(text)
    if isinstance(text, float) and math.isfinite(text):
        return str(text)
    if isinstance(text, decimal.Decimal) and text.is_finite():
        return format(text, "f")  # digits, not "1E+3"
    if isinstance(text, _dt.date) and not isinstance(text, _dt.datetime):
        return text.isoformat()
    # str() would send "True", "14:30:00", "inf" or an object's repr: words Alexa never sends.
    what = repr(text) if isinstance(text, float | decimal.Decimal) else f"a {type(text).__name__}"
    raise ValueError(
        f"slot {slot!r}: Alexa sends a slot's value as words, and {what} has "
        'none: give a str ("14:30", "PT10M"), a number, a date, an Enum member, a list of '
        "them, None (unfilled) or a slot dict"
    )


#: What Alexa's entity resolution sends with one value of a slot: its ``resolutions`` (None:
#: none, the slot's type has no entity resolution).
Resolve = Callable[[str], Mapping[str, Any] | None]


def slot_json(name: str, value: Any, resolve: Resolve | None = None) -> dict[str, Any]:
    """The JSON of slot ``name`` holding ``value``: a str, number, Enum member, list (multi-
    value), None (unfilled) or dict (sent as it is). ``resolve`` gives the ``resolutions`` of
    each value. The layout is `sent_slot`'s, as for the requests ``say`` sends."""
    if isinstance(value, Mapping):
        return {"name": name, "confirmationStatus": "NONE", **value}
    if value is None:
        return sent_slot(name, None)

    def simple(each: Any) -> dict[str, Any]:
        text = slot_text(each, name)
        return simple_value(text, resolve(text) if resolve is not None else None)

    if isinstance(value, list | tuple):
        return sent_slot(name, [simple(each) for each in value])
    return sent_slot(name, simple(value))


@dataclass
class RequestFactory:
    """Builds realistic, fresh request envelopes for one simulated user and device."""

    skill_id: str = DEFAULT_SKILL_ID
    locale: str = "en-US"
    user_id: str = field(default_factory=lambda: _new_account_id("amzn1.ask.account"))
    device_id: str = field(default_factory=lambda: _new_account_id("amzn1.ask.device"))
    #: Interfaces the device declares: AudioPlayer, Display, VideoApp, Alexa.Presentation.APL.
    interfaces: tuple[str, ...] = ("AudioPlayer",)
    api_endpoint: str = "https://api.amazonalexa.com"
    #: Extra fields merged into ``context.System.user`` (an ``accessToken``, say).
    user: dict[str, Any] = field(default_factory=dict)
    #: The device's audio player: ``context.AudioPlayer`` of a device declaring AudioPlayer.
    player: DevicePlayer = field(default_factory=DevicePlayer)

    def __setattr__(self, name: str, value: Any) -> None:
        # Here, not only in __init__: a client's locale and interfaces change (`TestClient`).
        if name == "locale":
            check_locale(value, "locale")
        elif name == "interfaces":
            value = check_interfaces(value)
        super().__setattr__(name, checked_factory_field(name, value))

    def context(self) -> dict[str, Any]:
        """The ``context`` object of a request from this device."""
        context: dict[str, Any] = {
            "System": {
                "application": {"applicationId": self.skill_id},
                "user": {"userId": self.user_id, **self.user},
                "device": {
                    "deviceId": self.device_id,
                    "supportedInterfaces": {
                        name: _INTERFACES.get(name, {}) for name in self.interfaces
                    },
                },
                "apiEndpoint": self.api_endpoint,
                "apiAccessToken": "test-api-access-token",
            },
        }
        if "AudioPlayer" in self.interfaces:
            context["AudioPlayer"] = self.player.context()
        if not SCREEN_INTERFACES.isdisjoint(self.interfaces):
            context["Viewport"] = copy.deepcopy(_ECHO_SHOW_VIEWPORT)
        return context

    def session(
        self,
        session_id: str | None = None,
        *,
        new: bool = True,
        attributes: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The ``session`` object of a request in a session."""
        checked_session_parts(session_id, new, attributes)
        return {
            "new": new,
            "sessionId": session_id or _new_id("amzn1.echo-api.session"),
            "application": {"applicationId": self.skill_id},
            "attributes": dict(attributes or {}),
            "user": {"userId": self.user_id, **self.user},
        }

    def envelope(
        self,
        request_type: str,
        *,
        session: Mapping[str, Any] | None = None,
        now: _dt.datetime | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """A request envelope of ``request_type`` with ``fields`` in its ``request`` object, and
        those Alexa always sends with the type unless given (`default_fields`: a purchase's
        result, an error's cause, an event's times). A session is made up for request types
        that come in one, unless ``session`` is given."""
        from .request_defaults import default_fields  # (it imports this module)

        checked_name(request_type, "the request type", "LaunchRequest")
        if "type" in fields:  # (it would replace request_type)
            raise TypeError("the request type is envelope()'s first argument, not a type= field")
        session = checked_session(session)
        stamp = {"timestamp": timestamp(now)}
        request = {"type": request_type, "requestId": _new_id("amzn1.echo-api.request"), **stamp}
        request |= {"locale": self.locale, **default_fields(request_type, stamp | fields), **fields}
        envelope: dict[str, Any] = {"version": "1.0"}
        if session is not None:
            envelope["session"] = dict(session)
        elif request_type in SESSION_TYPES:
            envelope["session"] = self.session()
        envelope["context"] = context = self.context()
        envelope["request"] = request
        token = fields.get("token")
        held = context.get("AudioPlayer")
        if (
            request_type in _PLAYER_EVENT_TYPES
            and isinstance(token, str)
            and held is not None
            and held.get("token") != token
        ):
            # An event built here names its stream in the request alone; Alexa's carries the
            # same stream in the context (the client's `send` moves its player instead). Not a
            # PlaybackFailed: its stream may be a queued one, the context the one playing.
            offset = fields.get("offsetInMilliseconds")
            context["AudioPlayer"] = {
                "token": token,
                "offsetInMilliseconds": offset if isinstance(offset, int) else 0,
                "playerActivity": PLAYER_EVENTS[request_type.removeprefix("AudioPlayer.")],
            }
        return envelope

    def turn(self, request: Mapping[str, Any], session: Mapping[str, Any] | None) -> dict[str, Any]:
        """The envelope of one turn of a conversation: ``request`` (its ``type`` and fields) in
        ``session`` when requests of its type come in one (AudioPlayer events do not)."""
        request_type = str(checked_turn(request)["type"])
        fields = {key: value for key, value in request.items() if key != "type"}
        in_session = session if request_type in SESSION_TYPES else None
        return self.envelope(request_type, session=in_session, **fields)

    def intent(
        self,
        name: str,
        *,
        session: Mapping[str, Any] | None = None,
        dialog_state: str | None = None,
        confirmation_status: str = "NONE",
        **slots: Any,
    ) -> dict[str, Any]:
        """An IntentRequest for intent ``name`` with ``slots`` given by name."""
        checked_name(name, "the intent's name", "GetWeather")
        fields = intent_fields(name, dialog_state, confirmation_status, slots)
        return self.envelope("IntentRequest", session=session, **fields)


def intent_fields(
    name: str,
    dialog_state: str | None,
    confirmation_status: str,
    slots: Mapping[str, Any],
    resolve: Callable[[str, str], Mapping[str, Any] | None] | None = None,
    defined: Sequence[str] = (),
) -> dict[str, Any]:
    """The ``request`` fields of an IntentRequest: the intent, its slots, the dialog state.

    ``defined`` names the slots the intent has in the interaction model: Alexa sends every one
    of them, in that order, those the user did not fill without a value; the other ``slots``
    given follow. An intent with no slot at all has no ``slots`` object, as Alexa sends it.
    ``resolve(slot, value)`` gives the ``resolutions`` Alexa sends with a value of a slot (None:
    none); slots given as dicts are sent as they are.
    """

    def resolver(slot: str) -> Resolve | None:
        return None if resolve is None else functools.partial(resolve, slot)

    check_choice(confirmation_status, "confirmation_status", CONFIRMATION_STATUSES)
    if dialog_state is not None:
        check_choice(dialog_state, "dialog_state", DIALOG_STATES)

    names = dict.fromkeys([*defined, *slots])
    intent: dict[str, Any] = {"name": name, "confirmationStatus": confirmation_status}
    if names:
        intent["slots"] = {slot: slot_json(slot, slots.get(slot), resolver(slot)) for slot in names}
    fields: dict[str, Any] = {"intent": intent}
    if dialog_state is not None:
        fields["dialogState"] = dialog_state
    return fields


def can_fulfill_fields(
    name: str,
    slots: Mapping[str, Any],
    resolve: Callable[[str, str], Mapping[str, Any] | None] | None = None,
) -> dict[str, Any]:
    """The ``request`` fields of a CanFulfillIntentRequest: the intent and the slots Alexa
    heard, as Amazon's example of the request shows them.

    Alexa asks outside any dialog: no ``dialogState``, no ``confirmationStatus`` (of the intent
    or a slot: nothing was confirmed), and only the slots heard, each with its ``name``,
    ``value`` and, from ``resolve(slot, value)``, its ``resolutions``. A list is the values of a
    multiple-value slot (``slotValue`` of type ``List``); a dict is sent as it is.
    """
    intent: dict[str, Any] = {"name": name}
    if slots:
        intent["slots"] = {slot: _heard_slot(slot, value, resolve) for slot, value in slots.items()}
    return {"intent": intent}


def _heard_slot(
    name: str, value: Any, resolve: Callable[[str, str], Mapping[str, Any] | None] | None
) -> dict[str, Any]:
    """Slot ``name`` holding ``value`` as a CanFulfillIntentRequest carries it."""
    if isinstance(value, Mapping):
        return {"name": name, **value}
    if isinstance(value, list | tuple):
        sent = slot_json(
            name, list(value), None if resolve is None else functools.partial(resolve, name)
        )
        return {key: part for key, part in sent.items() if key in ("name", "slotValue")}
    text = slot_text(value, name)
    entry: dict[str, Any] = {"name": name, "value": text}
    resolutions = resolve(name, text) if resolve is not None else None
    if resolutions is not None:
        entry["resolutions"] = dict(resolutions)
    return entry


def dialog_state_for(
    intent: str, given: str | None, delegation: str | None, *, known: bool = True
) -> str | None:
    """The ``dialogState`` of an IntentRequest for ``intent``: ``given``, else the one Alexa
    sends first. ``delegation`` is the intent's delegation strategy in the dialog model (None:
    the intent is not in it); ``known`` whether the model has the intent at all.

    Alexa sends a dialogState with an intent of the dialog model, and only then: STARTED on the
    first turn of a dialog the skill delegates itself (``SKILL_RESPONSE``); a dialog Alexa runs
    alone (auto delegation, ``ALWAYS``) reaches the skill once, COMPLETED. `ValueError` for a
    state Alexa does not send, or one given to an intent the model has without a dialog; an
    intent the model lacks takes what is given.
    """
    if given is not None and given not in DIALOG_STATES:
        raise ValueError(f"dialog_state {given!r}: Alexa sends one of {', '.join(DIALOG_STATES)}")
    if delegation is None:
        if given is not None and known:
            raise ValueError(
                f"dialog_state {given!r}: intent {intent} is not in the dialog model, and Alexa "
                "sends a dialogState only with an intent that is (one with a DialogSlot, or "
                "confirm=...): drop dialog_state, or build the request yourself "
                '(client.send("IntentRequest", **intent_fields(...)))'
            )
        return given
    if given is not None:
        return given
    return "COMPLETED" if delegation == "ALWAYS" else "STARTED"


def session_ended_fields(reason: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The ``request`` fields of a SessionEndedRequest for ``reason``: with ERROR, the ``error``
    Alexa sends with it (INVALID_RESPONSE, the one tests most meet) unless ``fields`` give one.
    `ValueError` for a reason Alexa does not send, or an ``error`` with a reason but ERROR."""
    check_choice(reason, "reason", SESSION_END_REASONS)
    ended = {"reason": reason, **fields}
    if reason != "ERROR" and "error" in ended:
        raise ValueError(f"error: Alexa sends one only with reason ERROR, not {reason}")
    if reason == "ERROR" and "error" not in ended:
        ended["error"] = {
            "type": "INVALID_RESPONSE",
            "message": "The skill's response was not valid (made by alexaskill's test tools)",
        }
    return ended


def refresh(
    envelope: dict[str, Any],
    *,
    now: _dt.datetime | None = None,
    skill_id: str | None = None,
    locale: str | None = None,
    api_endpoint: str | None = None,
) -> dict[str, Any]:
    """Give ``envelope`` a fresh timestamp and, if given, that application id, locale and
    ``apiEndpoint`` (where the skill calls Alexa's service APIs)."""
    envelope["request"]["timestamp"] = timestamp(now)
    if locale is not None:
        check_locale(locale, "locale")
        envelope["request"]["locale"] = locale
    # A sample file may be malformed: what is not an object is left for the skill to refuse.
    context = envelope.get("context")
    system = context.get("System") if isinstance(context, dict) else None
    if api_endpoint is not None and isinstance(system, dict):
        system["apiEndpoint"] = api_endpoint
    if skill_id is not None:
        if isinstance(system, dict) and isinstance(system.get("application"), dict):
            system["application"]["applicationId"] = skill_id
        session = envelope.get("session")
        if isinstance(session, dict) and isinstance(session.get("application"), dict):
            session["application"]["applicationId"] = skill_id
    return envelope
