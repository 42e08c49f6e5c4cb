"""Realistic, fresh request envelopes: the builders the test client, replay and the CLI share
(the fields of an intent, its slots and a SessionEndedRequest in `request_fields`)."""

from __future__ import annotations

import base64
import copy
import datetime as _dt
import hashlib
import itertools
import os
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..articles import type_with_article
from ..locales import check_locale
from ..models import SCREEN_INTERFACES
from ..shown_names import shown_json, shown_value
from ..skill_ids_given import PLACEHOLDER_SKILL_ID
from .factory_checks import (
    checked_factory_field,
    checked_moment,
    checked_name,
    checked_session,
    checked_session_parts,
    checked_turn,
    checked_user_fields,
)
from .player import PLAYER_EVENTS, DevicePlayer
from .request_fields import (
    CONFIRMATION_STATUSES,
    DIALOG_STATES,
    SESSION_END_REASONS,
    can_fulfill_fields,
    dialog_state_for,
    given_slots,
    intent_fields,
    session_ended_fields,
    slot_json,
    slot_text,
)
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
    "session_ended_fields",
    "slot_json",
    "slot_text",
    "timestamp",
]

#: The skill id the request builders use when neither the client nor the skill names one.
DEFAULT_SKILL_ID: Final = PLACEHOLDER_SKILL_ID

#: Request types that arrive inside a session; the others come with no ``session``. A
#: document's error comes in the session of the answer that sent the document (an APL for
#: audio RenderDocument is "part of your standard response or ... a reprompt": Amazon's
#: Alexa.Presentation.APLA reference), a Dialog.API.Invoked with its session (Amazon's
#: "Request and Response Reference for Alexa Conversations" shows one). The Alexa.DataStore
#: events are taken to come without one, in no turn of a conversation: Alexa sends them when it
#: installs, removes or updates a widget on the device, or once a push's delivery expired with
#: the device offline (Amazon's Alexa.DataStore.PackageManager and Alexa.DataStore references;
#: neither shows a session, and the pushes are made "from outside of a skill session"). So are
#: the Alexa.Advertisement events, a choice kept for want of a source: Amazon's docs have no
#: reference of the interface, and ask-sdk-model's classes (AdCompleted, AdNotRendered,
#: ReadyToEnqueueAudio) say nothing of a session; an ad may be enqueued in the audio player
#: after the skill's own stream (InjectAds' expectedPreviousToken), whose events come with none.
#: Unconfirmed (read in alexa-apis-for-java, ask-sdk-model/.../interfaces/alexa/advertisement/
#: InjectAds.java): that token is optional, "the content currently being played", so an
#: InjectAds may answer a turn of a session too, its events then perhaps in that session.
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
        "Alexa.Presentation.APLA.RuntimeError",
        "Alexa.Presentation.APL.LoadIndexListData",
        "Alexa.Presentation.APL.LoadTokenListData",
        "Alexa.Presentation.APLT.UserEvent",  # (a character display's, as APL's)
        "Alexa.Presentation.HTML.Message",  # (a web app's: it runs in the session)
        "Alexa.Presentation.HTML.RuntimeError",
        "Dialog.API.Invoked",  # (Alexa Conversations calls an API within the dialog)
        "Dialog.InputRequest",  # (an input to Alexa Conversations' dialog, as above)
        "Connections.Response",
        "GameEngine.InputHandlerEvent",
        "CustomInterfaceController.EventsReceived",
        "CustomInterfaceController.Expired",
    }
)

#: The interfaces a device declares in ``supportedInterfaces`` that alexaskill knows of: those
#: of ask-sdk-model's ``SupportedInterfaces`` (alexa-apis-for-java, Amazon's model of the
#: request: Alexa.Presentation.APL, APLT and HTML, AudioPlayer, Display, VideoApp, Geolocation
#: and Navigation), and AppLink, the interface of Alexa for Apps (Amazon's "Migrate From Alexa
#: for Apps V1 to V2": "the AppLink V2 interface"), which Alexa for Apps sample skills look for
#: in supportedInterfaces, its ``version`` "2.0" for V2.
KNOWN_INTERFACES: Final = (
    "AudioPlayer",
    "Display",
    "VideoApp",
    "Alexa.Presentation.APL",
    "Alexa.Presentation.APLT",
    "Alexa.Presentation.HTML",
    "Geolocation",
    "Navigation",
    "AppLink",
)

#: The interfaces a device with a screen declares (an Echo Show): pass as ``interfaces=``.
SCREEN: Final = ("AudioPlayer", "Display", "Alexa.Presentation.APL")
#: The events about the stream the player holds, the request's ``token``, by request type, with
#: the player's activity as each is sent (PlaybackFailed aside). An ad's ReadyToEnqueueAudio too:
#: Alexa sends it while the ad plays, its token "the ad stream being played" (ask-sdk-model's
#: ReadyToEnqueueAudio), for the skill to enqueue its own stream after it.
_STREAM_EVENTS: Final = {
    **{
        f"AudioPlayer.{event}": activity
        for event, activity in PLAYER_EVENTS.items()
        if event != "PlaybackFailed"
    },
    "Alexa.Advertisement.ReadyToEnqueueAudio": "PLAYING",
}

_INTERFACES: dict[str, dict[str, Any]] = {
    "AudioPlayer": {},
    "Display": {"templateVersion": "1.0", "markupVersion": "1.0"},
    "VideoApp": {},
    "Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.3"}},
    "AppLink": {"version": "2.0"},  # (Alexa for Apps V2; V1's had no version)
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
            f"a request's time needs a time zone, and {shown_value(now)} has no time zone: "
            "give an aware datetime, e.g. datetime(2026, 11, 27, 9, 30, tzinfo=datetime.UTC)"
        )
    try:
        utc = now.astimezone(_dt.UTC)
    except OverflowError:  # (a moment near datetime.min or max, in a zone off UTC)
        raise ValueError(
            f"now= {shown_value(now)}: no time in UTC (out of datetime's range)"
        ) from None
    # (isoformat, not strftime("%Y"): that writes the year 1 as "1", no ISO 8601)
    return utc.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def device_time(now: _dt.datetime | None, time_zone: str | None) -> _dt.datetime:
    """``now`` (default: the clock) on the device's clock: in ``time_zone`` (an IANA name, as
    Alexa's settings API gives it), or UTC when the device has none set, as `AlexaApi.now`
    reads it. A naive ``now`` is taken as that wall-clock time already."""
    try:
        zone: _dt.tzinfo = ZoneInfo(time_zone) if time_zone else _dt.UTC
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"time_zone {shown_value(time_zone)}: not a time zone name") from None
    if now is None:
        now = _dt.datetime.now(_dt.UTC)
    elif now.utcoffset() is None:
        return now.replace(tzinfo=zone)
    return now.astimezone(zone)


def _new_id(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4()}"


def _new_session_id() -> str:
    """A new session's id, as Alexa writes one."""
    return _new_id("amzn1.echo-api.session")


def _new_request_id() -> str:
    """A new request's id, as Alexa writes one."""
    return _new_id("amzn1.echo-api.request")


def _new_account_id(prefix: str) -> str:
    """A user or device id of Alexa's shape: ``prefix``, "A" and 206 base32 characters (207 in
    all, as Alexa's): a skill keeping them where a uuid would fit finds out in its tests."""
    return f"{prefix}.A{base64.b32encode(os.urandom(130)).decode('ascii')[:206]}"


def check_interfaces(names: Iterable[str]) -> tuple[str, ...]:
    """``names`` as a tuple: `ValueError` for one string (its characters would be the names;
    `TypeError` for no list, None), for a known interface in the wrong case, which a skill's
    ``supports()`` would not see (names are case-sensitive), and for a name that is no str or
    a blank one; unknown names are kept."""
    if isinstance(names, str | bytes) or not isinstance(names, Iterable):
        one = isinstance(names, str | bytes)
        raise (ValueError if one else TypeError)(
            f"interfaces {shown_value(names)}: a list of interface names, e.g. "
            '["Display"] (or SCREEN), '
            f"not {'one string' if one else type_with_article(names)}"
        )
    names = tuple(names)
    by_lower = {name.lower(): name for name in KNOWN_INTERFACES}
    for name in names:
        if not isinstance(name, str) or not name.strip():
            # (a value of any size cut: a str by its head and tail, another by its parts)
            said = shown_value(name) if isinstance(name, str) else shown_json(name)
            raise ValueError(f"interfaces: {said} is no interface name (a str, e.g. AudioPlayer)")
        known = by_lower.get(name.lower())
        if known is not None and known != name:
            raise ValueError(
                f"interfaces: {shown_value(name)}: interface names are case-sensitive: {known}"
            )
    return names


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
    #: Extra fields merged into ``context.System.user`` (an ``accessToken``, say): not its
    #: ``userId``, which is ``user_id`` (a ``ValueError``).
    user: dict[str, Any] = field(default_factory=dict)
    #: The device's audio player: ``context.AudioPlayer`` of a device declaring AudioPlayer.
    player: DevicePlayer = field(default_factory=DevicePlayer)
    #: The ``apiAccessToken`` every request carries (a test's own, kept as given); None: each
    #: request one of its own, as each of Alexa's has (`FakeAlexaApi` takes a call's now from
    #: the request whose token it carries: with one shared, from the request being answered,
    #: and a call made while none of them is, it refuses, 401).
    api_access_token: str | None = None
    #: The requests made so far (a number in the next one's token; thread-safe in CPython).
    _made: Iterator[int] = field(
        default_factory=lambda: itertools.count(1), init=False, repr=False, compare=False
    )

    def __setattr__(self, name: str, value: Any) -> None:
        # Here, not only in __init__: a client's locale and interfaces change (`TestClient`).
        if name == "locale":
            check_locale(value, "locale")
        elif name == "interfaces":
            value = check_interfaces(value)
        super().__setattr__(name, checked_factory_field(name, value))

    def _new_token(self) -> str:
        """The ``apiAccessToken`` of the next request: the one given, else one of its own. Made
        of the skill, user and device ids and the request's number, not drawn at random: the
        same client's requests carry the same tokens at each run (a test comparing whole bodies
        compares), and two clients' (their ids drawn) never meet in a fake they share."""
        if self.api_access_token is not None:
            return self.api_access_token
        ids = f"{self.skill_id} {self.user_id} {self.device_id}".encode()
        return f"test-api-access-token.{hashlib.sha256(ids).hexdigest()[:16]}.{next(self._made)}"

    def _user(self) -> dict[str, Any]:
        """The ``user`` object of a request (its ``user`` checked again: changed in place)."""
        return {"userId": self.user_id, **checked_user_fields(self.user)}

    def context(self) -> dict[str, Any]:
        """The ``context`` object of a request from this device (each with its own token,
        unless the factory's ``api_access_token`` gives one)."""
        context: dict[str, Any] = {
            "System": {
                "application": {"applicationId": self.skill_id},
                "user": self._user(),
                "device": {
                    "deviceId": self.device_id,
                    "supportedInterfaces": {
                        name: _INTERFACES.get(name, {}) for name in self.interfaces
                    },
                },
                "apiEndpoint": self.api_endpoint,
                "apiAccessToken": self._new_token(),
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
        """The ``session`` object of a request in a session: of ``session_id`` (default: one
        made up)."""
        checked_session_parts(session_id, new, attributes)
        return {
            "new": new,
            "sessionId": session_id or _new_session_id(),  # ("": refused above)
            "application": {"applicationId": self.skill_id},
            "attributes": dict(attributes or {}),
            "user": self._user(),
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
        if fields.get("locale") is not None:  # (None: an old request's, which had none)
            check_locale(fields["locale"], "envelope(locale=...)")  # as the factory's locale
        session = checked_session(session)
        stamp = {"timestamp": timestamp(now)}
        request = {"type": request_type, "requestId": _new_request_id(), **stamp}
        defaults = default_fields(request_type, stamp | fields, device_id=self.device_id)
        request |= {"locale": self.locale, **defaults, **fields}
        envelope: dict[str, Any] = {"version": "1.0"}
        if session is not None:
            envelope["session"] = dict(session)
        elif request_type in SESSION_TYPES:
            envelope["session"] = self.session()
        envelope["context"] = context = self.context()
        envelope["request"] = request
        token = request.get("token")  # (given, or a default's: the ad's)
        held = context.get("AudioPlayer")
        activity = _STREAM_EVENTS.get(request_type)
        if (
            activity is not None
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
                "playerActivity": activity,
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
        /,
        *,
        session: Mapping[str, Any] | None = None,
        dialog_state: str | None = None,
        confirmation_status: str = "NONE",
        slots: Mapping[str, Any] | None = None,
        **slot_values: Any,
    ) -> dict[str, Any]:
        """An IntentRequest for intent ``name`` with its slots given by name, as keywords; a
        slot named as a keyword of this method (``session``, ``slots``, …) goes in ``slots``,
        a mapping of name to value (``slots={"session": "morning"}``)."""
        checked_name(name, "the intent's name", "GetWeather")
        given = given_slots(slots, slot_values)
        fields = intent_fields(name, dialog_state, confirmation_status, given)
        return self.envelope("IntentRequest", session=session, **fields)


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
    if not isinstance(envelope, dict):
        raise TypeError(
            "refresh() takes a parsed envelope (a dict: load_request(path), or json.loads(text)),"
            f" not {type_with_article(envelope)}"
        )
    if not isinstance(envelope.get("request"), dict):
        raise ValueError("the envelope given: not an Alexa request envelope (no 'request' object)")
    # Every argument checked before anything is changed: a refusal leaves the envelope whole.
    if skill_id is not None:
        checked_factory_field("skill_id", skill_id)
    if locale is not None:
        check_locale(locale, "locale")
    if api_endpoint is not None:
        checked_factory_field("api_endpoint", api_endpoint)
    envelope["request"]["timestamp"] = timestamp(now)
    if locale is not None:
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
