"""Typed values for the request envelope Alexa sends, decoded with msgspec.

Every known ``request.type`` decodes into its own class; a type this module does not know decodes
into `GenericRequest`, which keeps the raw fields. Unknown fields are ignored everywhere, explicit
``null`` is accepted wherever Alexa leaves a field out, and ``session``, ``context`` and ``locale``
may be absent (pre-2016 requests look like that).

Decoding happens in two steps: the envelope with the request kept as raw bytes, then the request
with the decoder its ``type`` selects. A single tagged union would reject types it does not know,
and Amazon adds request types without notice.

Two shapes Alexa has really sent take a slower second pass, so that the usual request pays
nothing for them: an explicit ``null`` in a field typed without one (``request.error.type``, say)
is read as the field left out, and a numeric ``request.timestamp`` (epoch milliseconds, sent by
the developer console in 2017) becomes the ISO 8601 form and is checked like it. Every field
Amazon documents but this module does not type is in `Envelope.raw`, decoded from the body only
when a handler reads it.
"""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Final, cast

import msgspec
import msgspec.inspect

from ..exceptions import MalformedRequestError

__all__ = [
    "Advertising",
    "AlexaPresentation",
    "AlexaSkillEventRequest",
    "Application",
    "AudioPlayerRequest",
    "AudioPlayerState",
    "AuthorizationGrantRequest",
    "CanFulfillIntentRequest",
    "ConnectionsRequest",
    "ConnectionsResponse",
    "Context",
    "CustomInterfaceRequest",
    "Device",
    "DisplayElementSelectedRequest",
    "Envelope",
    "ErrorInfo",
    "ExperimentAssignment",
    "Experimentation",
    "Extensions",
    "GameEngineInputHandlerEvent",
    "GenericRequest",
    "HouseholdListEventRequest",
    "Intent",
    "IntentRequest",
    "LaunchRequest",
    "MessageReceivedRequest",
    "Permissions",
    "Person",
    "PlaybackControllerRequest",
    "PresentationRequest",
    "ReminderEventRequest",
    "Request",
    "Resolution",
    "ResolutionStatus",
    "ResolutionValue",
    "Resolutions",
    "Scope",
    "Session",
    "SessionEndedRequest",
    "SessionResumedRequest",
    "Slot",
    "SlotValue",
    "System",
    "SystemExceptionRequest",
    "Task",
    "Unit",
    "User",
    "decode_envelope",
    "epoch_ms_timestamp",
    "request_class",
]


class _Model(msgspec.Struct, rename="camel", kw_only=True):
    """Base of the decoded values: camelCase on the wire, snake_case in Python."""


# --- context and session ---------------------------------------------------------------------


class Application(_Model, kw_only=True):
    """The skill a request is for."""

    application_id: str = ""


class Scope(_Model, kw_only=True):
    """The state of one permission scope: ``status`` is ``GRANTED`` or ``DENIED``."""

    status: str | None = None


class Permissions(_Model, kw_only=True):
    """What the user granted: ``scopes`` by name, and the (deprecated) consent token."""

    consent_token: str | None = None
    #: Scope name to its state, e.g. ``{"alexa::devices:all:geolocation:read": Scope("GRANTED")}``.
    scopes: dict[str, Scope] | None = None

    def granted(self, scope: str) -> bool:
        """Whether ``scope`` (``"alexa::devices:all:geolocation:read"``, …) has status GRANTED."""
        state = None if self.scopes is None else self.scopes.get(scope)
        return state is not None and state.status == "GRANTED"


class User(_Model, kw_only=True):
    """The Amazon account that uses the skill."""

    user_id: str = ""
    access_token: str | None = None
    permissions: Permissions | None = None


class Person(_Model, kw_only=True):
    """A recognised speaker, when voice profiles are on."""

    person_id: str = ""
    access_token: str | None = None


class Unit(_Model, kw_only=True):
    """A unit (a room in a hotel, say) of an organisation's devices."""

    unit_id: str | None = None
    persistent_unit_id: str | None = None


class Device(_Model, kw_only=True):
    """The device the request came from and the interfaces it supports."""

    device_id: str = ""
    #: The endpoint's id across skills (``amzn1.alexa.endpoint.did.…``): stays when the skill is
    #: disabled and enabled again, unlike ``device_id``.
    persistent_endpoint_id: str | None = None
    supported_interfaces: dict[str, Any] | None = None

    def supports(self, interface: str) -> bool:
        """Whether the device declares ``interface`` (``"AudioPlayer"``, ``"VideoApp"``, …)."""
        interfaces = self.supported_interfaces
        return interfaces is not None and interface in interfaces


class System(_Model, kw_only=True):
    """``context.System``: application, user, device and the service API endpoint."""

    application: Application | None = None
    user: User | None = None
    device: Device | None = None
    person: Person | None = None
    unit: Unit | None = None
    api_endpoint: str | None = None
    api_access_token: str | None = None


class AudioPlayerState(_Model, kw_only=True):
    """``context.AudioPlayer``: what the device's audio player is doing."""

    token: str | None = None
    offset_in_milliseconds: int | None = None
    player_activity: str | None = None


class Extensions(_Model, kw_only=True):
    """``context.Extensions``: the APL extensions the device offers, by URI."""

    available: dict[str, Any] | None = None


class ExperimentAssignment(_Model, kw_only=True):
    """One A/B test the user is in: its ``id`` and ``treatment_id`` (``"C"`` or ``"T1"``)."""

    id: str | None = None
    treatment_id: str | None = None


class Experimentation(_Model, kw_only=True):
    """``context.Experimentation``: the skill's experiments active for this user."""

    active_experiments: list[ExperimentAssignment] | None = None


class Advertising(_Model, kw_only=True):
    """``context.Advertising``: the Alexa advertising id, for skills that declare advertising.

    Check ``limit_ad_tracking`` before any use of ``advertising_id`` (Amazon's Advertising ID
    policy): True means the user opted out of interest-based ads.
    """

    advertising_id: str | None = None
    limit_ad_tracking: bool | None = None


class AlexaPresentation(_Model, kw_only=True):
    """``context["Alexa.Presentation"]``: the visual context of the skill's widgets in view."""

    contexts: list[dict[str, Any]] | None = None


class Context(_Model, kw_only=True):
    """The device's state as Alexa saw it when the request was made."""

    system: System | None = msgspec.field(default=None, name="System")
    audio_player: AudioPlayerState | None = msgspec.field(default=None, name="AudioPlayer")
    viewport: dict[str, Any] | None = msgspec.field(default=None, name="Viewport")
    viewports: list[dict[str, Any]] | None = msgspec.field(default=None, name="Viewports")
    display: dict[str, Any] | None = msgspec.field(default=None, name="Display")
    geolocation: dict[str, Any] | None = msgspec.field(default=None, name="Geolocation")
    presentation_apl: dict[str, Any] | None = msgspec.field(
        default=None, name="Alexa.Presentation.APL"
    )
    alexa_presentation: AlexaPresentation | None = msgspec.field(
        default=None, name="Alexa.Presentation"
    )
    extensions: Extensions | None = msgspec.field(default=None, name="Extensions")
    experimentation: Experimentation | None = msgspec.field(default=None, name="Experimentation")
    advertising: Advertising | None = msgspec.field(default=None, name="Advertising")


class Session(_Model, kw_only=True):
    """The conversation: ``attributes`` is read and written by handlers and sent back."""

    new: bool = False
    session_id: str = ""
    application: Application | None = None
    if TYPE_CHECKING:
        attributes: dict[str, Any] = msgspec.field(default_factory=dict)
    else:
        # Alexa may send ``"attributes": null``; decode that, then hand handlers a dict.
        attributes: dict[str, Any] | None = None
    user: User | None = None

    def __post_init__(self) -> None:
        if self.attributes is None:
            self.attributes = {}


# --- slots and intents -----------------------------------------------------------------------


class ResolutionStatus(_Model, kw_only=True):
    """Outcome of entity resolution: ``ER_SUCCESS_MATCH``, ``ER_SUCCESS_NO_MATCH``, …"""

    code: str = ""


class ResolutionValue(_Model, kw_only=True):
    """A canonical slot value: its name and its id from the interaction model."""

    name: str = ""
    id: str | None = None


class _ValueWrapper(_Model, kw_only=True):
    value: ResolutionValue = msgspec.field(default_factory=ResolutionValue)


class Resolution(_Model, kw_only=True):
    """Entity resolution by one authority (the skill's own slot type, or a dynamic one)."""

    authority: str = ""
    status: ResolutionStatus | None = None
    values: list[_ValueWrapper] | None = None

    @property
    def matched(self) -> bool:
        """Whether this authority found a match."""
        return self.status is not None and self.status.code == "ER_SUCCESS_MATCH"


class Resolutions(_Model, kw_only=True):
    """``resolutions`` of a slot (or of one value of a multiple-value slot)."""

    resolutions_per_authority: list[Resolution] | None = None

    @property
    def matches(self) -> list[ResolutionValue]:
        """Every canonical value any authority matched, in Alexa's order (best first)."""
        return [
            wrapper.value
            for resolution in self.resolutions_per_authority or ()
            if resolution.matched
            for wrapper in resolution.values or ()
        ]

    @property
    def match(self) -> ResolutionValue | None:
        """The first canonical value any authority matched, or ``None``."""
        for resolution in self.resolutions_per_authority or ():
            if resolution.matched and resolution.values:
                return resolution.values[0].value
        return None

    @property
    def status(self) -> str | None:
        """``ER_SUCCESS_MATCH`` if any authority matched, else the first authority's status."""
        first: str | None = None
        for resolution in self.resolutions_per_authority or ():
            if resolution.matched:
                return "ER_SUCCESS_MATCH"
            if first is None and resolution.status is not None:
                first = resolution.status.code
        return first


# The entity-resolution helpers of `SlotValue` and `Slot` are written out on each class: a
# shared mixin base would slow every field read of a Struct (measured: 20 -> 40 ns).


class SlotValue(_Model, kw_only=True):
    """``slotValue``: ``Simple`` with one value, or ``List`` with several (multiple-value slots).

    Each value of a ``List`` is a ``Simple`` `SlotValue` with its own entity resolution:
    ``resolved_name``, ``resolved_id`` and ``match_status`` describe that value.
    """

    type: str = "Simple"
    value: str | None = None
    values: list[SlotValue] | None = None
    resolutions: Resolutions | None = None

    @property
    def match(self) -> ResolutionValue | None:
        """The first canonical value any authority matched, or ``None``."""
        return None if self.resolutions is None else self.resolutions.match

    @property
    def resolved_name(self) -> str | None:
        """The canonical name of the matched value (``"New York"`` for "the big apple")."""
        match = self.match
        return None if match is None else match.name

    @property
    def resolved_id(self) -> str | None:
        """The id of the matched value, as declared in the interaction model."""
        match = self.match
        return None if match is None else match.id

    @property
    def match_status(self) -> str | None:
        """Resolution status: ``ER_SUCCESS_MATCH`` if any authority matched, else the first one."""
        return None if self.resolutions is None else self.resolutions.status


class Slot(_Model, kw_only=True):
    """A slot as Alexa sent it, with helpers for entity resolution.

    ``resolved_name``, ``resolved_id`` and ``match_status`` describe the slot's first value (the
    one a ``str`` parameter receives); `slot_values` gives every value with its own.
    """

    name: str = ""
    value: str | None = None
    if TYPE_CHECKING:
        confirmation_status: str = "NONE"
    else:
        # Old requests leave confirmationStatus out; an explicit null means the same.
        confirmation_status: str | None = "NONE"
    source: str | None = None
    resolutions: Resolutions | None = None
    slot_value: SlotValue | None = None

    def __post_init__(self) -> None:
        if self.confirmation_status is None:
            self.confirmation_status = "NONE"

    @property
    def values(self) -> list[str]:
        """Every value the user said: several for a multiple-value slot, else zero or one."""
        sv = self.slot_value
        if sv is not None and sv.type == "List":
            return [v.value for v in sv.values or () if v.value is not None]
        if self.value is not None:
            return [self.value]
        if sv is not None and sv.value is not None:
            return [sv.value]
        return []

    @property
    def slot_values(self) -> list[SlotValue]:
        """Every value the user said, each a ``Simple`` `SlotValue` with its own resolution.

        A multiple-value slot gives one per value; a single-value slot gives one (its value and
        resolutions), an unfilled slot none.
        """
        sv = self.slot_value
        if sv is not None and sv.type == "List":
            return [v for v in sv.values or () if v.value is not None]
        if self.value is not None:
            if sv is not None and sv.value == self.value and self.resolutions is None:
                return [sv]
            resolutions = self.resolutions
            if resolutions is None and sv is not None:
                resolutions = sv.resolutions
            return [SlotValue(value=self.value, resolutions=resolutions)]
        if sv is not None and sv.value is not None:
            return [sv]
        return []

    def _resolutions(self) -> Resolutions | None:
        """The resolutions of the slot's first value."""
        if self.resolutions is not None:
            return self.resolutions
        sv = self.slot_value
        if sv is None:
            return None
        if sv.type == "List":
            for item in sv.values or ():
                if item.value is not None:
                    return item.resolutions
            return None
        return sv.resolutions

    @property
    def match(self) -> ResolutionValue | None:
        """The first canonical value any authority matched for the first value, or ``None``."""
        resolutions = self._resolutions()
        return None if resolutions is None else resolutions.match

    @property
    def resolved_name(self) -> str | None:
        """The canonical name of the matched value (``"New York"`` for "the big apple")."""
        match = self.match
        return None if match is None else match.name

    @property
    def resolved_id(self) -> str | None:
        """The id of the matched value, as declared in the interaction model."""
        match = self.match
        return None if match is None else match.id

    @property
    def match_status(self) -> str | None:
        """Resolution status: ``ER_SUCCESS_MATCH`` if any authority matched, else the first one."""
        resolutions = self._resolutions()
        return None if resolutions is None else resolutions.status

    @property
    def is_filled(self) -> bool:
        """Whether the user gave a value."""
        return bool(self.values)


class Intent(_Model, kw_only=True):
    """The intent the user expressed, with its slots by name."""

    name: str = ""
    if TYPE_CHECKING:
        confirmation_status: str = "NONE"
    else:
        confirmation_status: str | None = "NONE"
    slots: dict[str, Slot] | None = None

    def __post_init__(self) -> None:
        if self.confirmation_status is None:
            self.confirmation_status = "NONE"

    def slot(self, name: str) -> Slot | None:
        """The slot called ``name``, or ``None`` when the intent has none by that name."""
        return None if self.slots is None else self.slots.get(name)


class ErrorInfo(_Model, kw_only=True):
    """An error Alexa reports: ``type`` and ``message``."""

    type: str = ""
    message: str = ""


# --- requests --------------------------------------------------------------------------------


class Request(_Model, kw_only=True):
    """Fields every request carries. Subclasses add the fields of their types."""

    #: The ``request.type`` values this class decodes.
    types: ClassVar[tuple[str, ...]] = ()

    type: str = ""
    request_id: str = ""
    timestamp: str = ""
    locale: str | None = None


class Task(_Model, kw_only=True):
    """A task the skill was launched to perform: a custom task, or a Quick Link's."""

    #: ``amzn1.ask.skill.<id>.<TaskName>`` for the skill's own custom tasks.
    name: str = ""
    version: str | None = None
    #: The task's input, as the caller sent it.
    input: dict[str, Any] | None = None


class LaunchRequest(Request, kw_only=True):
    """The user opened the skill without asking for anything in particular.

    ``task`` is set when the skill was launched to perform a task (a custom task started by
    another skill or a Quick Link), else None.
    """

    types = ("LaunchRequest",)

    task: Task | None = None


class IntentRequest(Request, kw_only=True):
    """The user asked for something: ``intent`` names it and carries the slots."""

    types = ("IntentRequest",)

    intent: Intent = msgspec.field(default_factory=Intent)
    dialog_state: str | None = None


class CanFulfillIntentRequest(Request, kw_only=True):
    """Alexa asks whether the skill could handle an intent, without running it."""

    types = ("CanFulfillIntentRequest",)

    intent: Intent = msgspec.field(default_factory=Intent)
    dialog_state: str | None = None


class SessionEndedRequest(Request, kw_only=True):
    """The session ended: the user left, an error happened, or reprompts ran out."""

    types = ("SessionEndedRequest",)

    reason: str | None = None
    error: ErrorInfo | None = None


class SessionResumedRequest(Request, kw_only=True):
    """A session paused for a Connections task resumed."""

    types = ("SessionResumedRequest",)

    cause: dict[str, Any] | None = None


class AudioPlayerRequest(Request, kw_only=True):
    """An ``AudioPlayer.Playback*`` event about the stream identified by ``token``."""

    types = (
        "AudioPlayer.PlaybackStarted",
        "AudioPlayer.PlaybackFinished",
        "AudioPlayer.PlaybackStopped",
        "AudioPlayer.PlaybackNearlyFinished",
        "AudioPlayer.PlaybackFailed",
    )

    token: str | None = None
    offset_in_milliseconds: int | None = None
    error: ErrorInfo | None = None
    current_playback_state: AudioPlayerState | None = None


class PlaybackControllerRequest(Request, kw_only=True):
    """The user pressed a media button (play, pause, next, previous)."""

    types = (
        "PlaybackController.PlayCommandIssued",
        "PlaybackController.PauseCommandIssued",
        "PlaybackController.NextCommandIssued",
        "PlaybackController.PreviousCommandIssued",
    )


class SystemExceptionRequest(Request, kw_only=True):
    """Alexa could not use the skill's previous response."""

    types = ("System.ExceptionEncountered",)

    error: ErrorInfo | None = None
    cause: dict[str, Any] | None = None


class DisplayElementSelectedRequest(Request, kw_only=True):
    """The user selected an item on a (legacy Display interface) screen."""

    types = ("Display.ElementSelected",)

    token: str | None = None


class PresentationRequest(Request, kw_only=True):
    """An APL event: a user event, a runtime error, or a request for more list data."""

    types = (
        "Alexa.Presentation.APL.UserEvent",
        "Alexa.Presentation.APL.RuntimeError",
        "Alexa.Presentation.APL.LoadIndexListData",
        "Alexa.Presentation.APL.LoadTokenListData",
        "Alexa.Presentation.APLT.UserEvent",
    )

    token: str | None = None
    arguments: list[Any] | None = None
    source: dict[str, Any] | None = None
    components: dict[str, Any] | None = None
    errors: list[dict[str, Any]] | None = None
    correlation_token: str | None = None
    list_id: str | None = None
    start_index: int | None = None
    count: int | None = None
    page_token: str | None = None


class ConnectionsResponse(Request, kw_only=True):
    """The answer to a ``Connections.SendRequest`` (a purchase, a task, …)."""

    types = ("Connections.Response",)

    name: str | None = None
    status: dict[str, Any] | None = None
    payload: dict[str, Any] | None = None
    token: str | None = None


class ConnectionsRequest(Request, kw_only=True):
    """Another skill or Alexa asks this skill to perform a task."""

    types = ("Connections.Request",)

    name: str | None = None
    payload: dict[str, Any] | None = None


class MessageReceivedRequest(Request, kw_only=True):
    """A message sent to the skill through the Skill Messaging API."""

    types = ("Messaging.MessageReceived",)

    message: dict[str, Any] | None = None


class GameEngineInputHandlerEvent(Request, kw_only=True):
    """Echo Buttons input events."""

    types = ("GameEngine.InputHandlerEvent",)

    originating_request_id: str | None = None
    events: list[dict[str, Any]] | None = None


class CustomInterfaceRequest(Request, kw_only=True):
    """Events from an Alexa Gadget, or the expiry of an event handler."""

    types = (
        "CustomInterfaceController.EventsReceived",
        "CustomInterfaceController.Expired",
    )

    token: str | None = None
    events: list[dict[str, Any]] | None = None
    expiration_payload: dict[str, Any] | None = None


class AuthorizationGrantRequest(Request, kw_only=True):
    """The user granted the skill out-of-session access (``body.grant.code``)."""

    types = ("Alexa.Authorization.Grant",)

    body: dict[str, Any] | None = None


class _EventRequest(Request, kw_only=True):
    event_creation_time: str | None = None
    event_publishing_time: str | None = None
    body: dict[str, Any] | None = None


class AlexaSkillEventRequest(_EventRequest, kw_only=True):
    """The skill was enabled, disabled, permissions changed, or an account was linked."""

    types = (
        "AlexaSkillEvent.SkillEnabled",
        "AlexaSkillEvent.SkillDisabled",
        "AlexaSkillEvent.SkillPermissionAccepted",
        "AlexaSkillEvent.SkillPermissionChanged",
        "AlexaSkillEvent.SkillAccountLinked",
        "AlexaSkillEvent.ProactiveSubscriptionChanged",
    )


class HouseholdListEventRequest(_EventRequest, kw_only=True):
    """A shopping or to-do list, or one of its items, changed."""

    types = (
        "AlexaHouseholdListEvent.ItemsCreated",
        "AlexaHouseholdListEvent.ItemsUpdated",
        "AlexaHouseholdListEvent.ItemsDeleted",
        "AlexaHouseholdListEvent.ListCreated",
        "AlexaHouseholdListEvent.ListUpdated",
        "AlexaHouseholdListEvent.ListDeleted",
    )


class ReminderEventRequest(_EventRequest, kw_only=True):
    """A reminder the skill made was created, changed, deleted or started."""

    types = (
        "Reminders.ReminderCreated",
        "Reminders.ReminderUpdated",
        "Reminders.ReminderDeleted",
        "Reminders.ReminderStatusChanged",
        "Reminders.ReminderStarted",
    )


class GenericRequest(Request, kw_only=True):
    """A request of a type alexaskill does not model; ``raw`` keeps all of its fields."""

    raw: dict[str, Any] = msgspec.field(default_factory=dict)


class Envelope(msgspec.Struct, kw_only=True):
    """The whole request body: version, session, context and the request.

    `raw` is the whole request as decoded JSON, for the fields alexaskill does not type. Two
    envelopes are equal when their decoded parts are, whatever the bytes they came from.
    """

    version: str = "1.0"
    session: Session | None = None
    context: Context | None = None
    request: Request
    #: The request body exactly as received (None for an envelope made in code).
    body: bytes | str | None = None
    # `raw`, once decoded: a field, since a Struct has no room for other attributes.
    _raw: dict[str, Any] | None = None

    def _parts(self) -> tuple[object, ...]:
        return (self.version, self.session, self.context, self.request)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Envelope):
            return NotImplemented
        return self._parts() == other._parts()

    __hash__ = None  # type: ignore[assignment]  # mutable, as every Struct here

    def __repr__(self) -> str:
        version, session, context, request = self._parts()
        return f"Envelope({version=!r}, {session=!r}, {context=!r}, {request=!r})"

    @property
    def raw(self) -> dict[str, Any]:
        """The whole request body as JSON (a dict), decoded from `body` on first use.

        Requests whose handlers do not read it never pay for it. An envelope made in code, with
        no body, gives its own fields as JSON instead.
        """
        raw = self._raw
        if raw is None:
            raw = self._raw = self._decode_raw()
        return raw

    def _decode_raw(self) -> dict[str, Any]:
        if self.body is not None:
            decoded: dict[str, Any] = _DICT_DECODER.decode(self.body)
            return decoded
        built: dict[str, Any] = {"version": self.version}
        for key, part in (("session", self.session), ("context", self.context)):
            if part is not None:
                built[key] = msgspec.to_builtins(part)
        built["request"] = msgspec.to_builtins(self.request)
        return built

    @property
    def application_ids(self) -> tuple[str, ...]:
        """The application ids the envelope names (context and session), for the skill-id check."""
        ids: list[str] = []
        context = self.context
        if context is not None and context.system is not None and context.system.application:
            ids.append(context.system.application.application_id)
        session = self.session
        if session is not None and session.application is not None:
            ids.append(session.application.application_id)
        return tuple(ids)

    @property
    def intent(self) -> Intent | None:
        """The intent of an IntentRequest or CanFulfillIntentRequest, else ``None``."""
        return getattr(self.request, "intent", None)


# --- decoding --------------------------------------------------------------------------------


class _RawEnvelope(msgspec.Struct, kw_only=True):
    version: str | None = None
    session: Session | None = None
    context: Context | None = None
    request: msgspec.Raw


class _RequestHead(msgspec.Struct):
    type: str


_REQUEST_CLASSES: Final[tuple[type[Request], ...]] = (
    LaunchRequest,
    IntentRequest,
    CanFulfillIntentRequest,
    SessionEndedRequest,
    SessionResumedRequest,
    AudioPlayerRequest,
    PlaybackControllerRequest,
    SystemExceptionRequest,
    DisplayElementSelectedRequest,
    PresentationRequest,
    ConnectionsResponse,
    ConnectionsRequest,
    MessageReceivedRequest,
    GameEngineInputHandlerEvent,
    CustomInterfaceRequest,
    AuthorizationGrantRequest,
    AlexaSkillEventRequest,
    HouseholdListEventRequest,
    ReminderEventRequest,
)

_CLASS_BY_TYPE: Final[dict[str, type[Request]]] = {
    name: cls for cls in _REQUEST_CLASSES for name in cls.types
}
_DECODERS: Final[dict[str, msgspec.json.Decoder[Any]]] = {
    name: msgspec.json.Decoder(cls) for name, cls in _CLASS_BY_TYPE.items()
}
_ENVELOPE_DECODER: Final = msgspec.json.Decoder(_RawEnvelope)
_HEAD_DECODER: Final = msgspec.json.Decoder(_RequestHead)
_DICT_DECODER: Final = msgspec.json.Decoder(dict[str, Any])
_BASE_DECODER: Final = msgspec.json.Decoder(Request)
_ANY_DECODER: Final = msgspec.json.Decoder(Any)


def request_class(request_type: str) -> type[Request]:
    """The class a request of ``request_type`` decodes into (`GenericRequest` when unknown)."""
    return _CLASS_BY_TYPE.get(request_type, GenericRequest)


def decode_envelope(body: bytes | str) -> Envelope:
    """Decode a request body into an `Envelope`; raise `MalformedRequestError` if it is not one."""
    try:
        if isinstance(body, bytes | bytearray) and not body.isascii():
            # msgspec skips unknown fields without checking their UTF-8; JSON must be UTF-8.
            body.decode()
        try:
            raw = _ENVELOPE_DECODER.decode(body)
            # The usual case inline (a call costs as much as a field): see _decode_request.
            decoder = _DECODERS.get(_HEAD_DECODER.decode(raw.request).type)
            if decoder is not None:
                request: Request = decoder.decode(raw.request)
            else:
                request = _decode_request(raw.request)
        except msgspec.ValidationError as exc:
            return _decode_repaired(body, exc)
    except (msgspec.DecodeError, UnicodeError, RecursionError) as exc:
        # msgspec raises UnicodeDecodeError for invalid UTF-8 inside a string it decodes, and
        # RecursionError past ~1000 levels of nesting: both mean a malformed body.
        raise MalformedRequestError(f"malformed request: {exc}") from exc
    return Envelope(
        version=raw.version or "1.0",
        session=raw.session,
        context=raw.context,
        request=request,
        body=body,  # kept for Envelope.raw, which decodes it only if a handler asks
    )


def _decode_request(data: msgspec.Raw) -> Request:
    request_type = _HEAD_DECODER.decode(data).type
    decoder = _DECODERS.get(request_type)
    if decoder is not None:
        request: Request = decoder.decode(data)
        return request
    # Decode the common fields with the base class: a GenericRequest decoder would also read a
    # wire field named "raw" and reject it unless it is an object.
    head = _BASE_DECODER.decode(data)
    return GenericRequest(
        type=head.type,
        request_id=head.request_id,
        timestamp=head.timestamp,
        locale=head.locale,
        raw=_DICT_DECODER.decode(data),
    )


# --- the second pass: nulls and numeric timestamps ---------------------------------------------


def epoch_ms_timestamp(milliseconds: object) -> str | None:
    """The ISO 8601 form (``2017-03-20T08:53:20.123Z``) of a timestamp in epoch milliseconds.

    None if it is not a finite number of a representable date. The developer console sent
    ``request.timestamp`` in this form in 2017.
    """
    if isinstance(milliseconds, bool) or not isinstance(milliseconds, int | float):
        return None
    if not math.isfinite(milliseconds):
        return None
    try:
        moment = datetime.datetime.fromtimestamp(milliseconds / 1000, datetime.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _decode_repaired(body: bytes | str, error: msgspec.ValidationError) -> Envelope:
    """Decode a body the typed decoders refused, after reading explicit nulls as absent fields.

    Only a body that fails the fast path pays for this (a generic decode, a walk along the
    typed fields, an encode, the typed decode again). Nulls inside untyped JSON (session
    attributes, APL arguments, …) are the sender's data and stay. If nothing needed repair, or
    the repaired body still does not fit, the first error stands.
    """
    data = _ANY_DECODER.decode(body)
    if not isinstance(data, dict) or not _repair_envelope(data):
        raise error
    try:
        raw = _ENVELOPE_DECODER.decode(msgspec.json.encode(data))
        request = _decode_request(raw.request)
    except msgspec.ValidationError:
        raise error from None
    return Envelope(
        version=raw.version or "1.0",
        session=raw.session,
        context=raw.context,
        request=request,
        body=body,
    )


def _repair_envelope(data: dict[str, Any]) -> bool:
    changed = False
    for key, part_class in (("session", Session), ("context", Context)):
        part = data.get(key)
        if isinstance(part, dict):
            changed |= _drop_nulls(part, _struct_info(part_class))
    request = data.get("request")
    if isinstance(request, dict):
        type_ = request.get("type")
        cls = _CLASS_BY_TYPE.get(type_, Request) if isinstance(type_, str) else Request
        changed |= _drop_nulls(request, _struct_info(cls))
        timestamp = request.get("timestamp")
        if not isinstance(timestamp, str):
            iso = epoch_ms_timestamp(timestamp)
            if iso is not None:
                request["timestamp"] = iso
                changed = True
    return changed


@functools.cache
def _struct_info(cls: type[msgspec.Struct]) -> msgspec.inspect.StructType:
    return cast(msgspec.inspect.StructType, msgspec.inspect.type_info(cls))


def _allows_null(info: msgspec.inspect.Type) -> bool:
    if isinstance(info, msgspec.inspect.UnionType):
        return any(_allows_null(member) for member in info.types)
    return isinstance(info, msgspec.inspect.NoneType | msgspec.inspect.AnyType)


def _drop_nulls(obj: dict[str, Any], info: msgspec.inspect.StructType) -> bool:
    """Delete each field of ``obj`` that is null where ``info`` does not allow null; recurse."""
    changed = False
    for field in info.fields:
        name = field.encode_name
        if name not in obj:
            continue
        value = obj[name]
        if value is None:
            if not _allows_null(field.type):
                del obj[name]
                changed = True
        else:
            changed |= _repair(value, field.type)
    return changed


def _repair(value: Any, info: msgspec.inspect.Type) -> bool:
    if isinstance(info, msgspec.inspect.UnionType):
        changed = False
        for member in info.types:
            changed |= _repair(value, member)
        return changed
    if isinstance(info, msgspec.inspect.StructType):
        return isinstance(value, dict) and _drop_nulls(value, info)
    if isinstance(info, msgspec.inspect.ListType) and isinstance(value, list):
        return _repair_items(value, range(len(value)), info.item_type)
    if isinstance(info, msgspec.inspect.DictType) and isinstance(value, dict):
        return _repair_items(value, list(value), info.value_type)
    return False


def _repair_items(container: Any, keys: Iterable[Any], info: msgspec.inspect.Type) -> bool:
    changed = False
    nulls = []
    for key in keys:
        item = container[key]
        if item is None:
            if not _allows_null(info):
                nulls.append(key)
        else:
            changed |= _repair(item, info)
    for key in reversed(nulls):
        del container[key]
    return changed or bool(nulls)
