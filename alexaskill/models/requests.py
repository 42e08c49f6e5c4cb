"""The requests Alexa sends: one class per family of ``request.type`` values."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Final

import msgspec

from .context import AudioPlayerState, _Int32, _masked, _Milliseconds, _Model
from .intents import DialogState, Intent

__all__ = [
    "AlexaSkillEventRequest",
    "AudioPlayerRequest",
    "AuthorizationGrantRequest",
    "CanFulfillIntentRequest",
    "ConnectionsRequest",
    "ConnectionsResponse",
    "CustomInterfaceRequest",
    "DisplayElementSelectedRequest",
    "ErrorInfo",
    "GameEngineInputHandlerEvent",
    "GenericRequest",
    "HouseholdListEventRequest",
    "IntentRequest",
    "LaunchRequest",
    "MessageReceivedRequest",
    "PlaybackControllerRequest",
    "PresentationRequest",
    "ReminderEventRequest",
    "Request",
    "SessionEndedRequest",
    "SessionResumedRequest",
    "SystemExceptionRequest",
    "Task",
]


class ErrorInfo(_Model, kw_only=True):
    """An error Alexa reports: ``type`` and ``message``."""

    type: str = ""
    message: str = ""


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
    if TYPE_CHECKING:
        dialog_state: DialogState | None = None
    else:
        dialog_state: str | None = None  # (see DialogState)


class CanFulfillIntentRequest(Request, kw_only=True):
    """Alexa asks whether the skill could handle an intent, without running it."""

    types = ("CanFulfillIntentRequest",)

    intent: Intent = msgspec.field(default_factory=Intent)
    if TYPE_CHECKING:
        dialog_state: DialogState | None = None
    else:
        dialog_state: str | None = None  # (see DialogState)


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
    offset_in_milliseconds: _Milliseconds | None = None
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
    start_index: _Int32 | None = None
    count: _Int32 | None = None
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

    def __repr__(self) -> str:  # the grant's code as '***' (`_masked`)
        return _masked(self, frozenset(), json_fields=_BODY)


class _EventRequest(Request, kw_only=True):
    event_creation_time: str | None = None
    event_publishing_time: str | None = None
    body: dict[str, Any] | None = None

    def __repr__(self) -> str:  # an account-linking event's token as '***' (`_masked`)
        return _masked(self, frozenset(), json_fields=_BODY)


class AlexaSkillEventRequest(_EventRequest, kw_only=True):
    """The skill was enabled, disabled, permissions changed, an account was linked, or the
    user's subscriptions (to proactive events, to notification topics) changed."""

    types = (
        "AlexaSkillEvent.SkillEnabled",
        "AlexaSkillEvent.SkillDisabled",
        "AlexaSkillEvent.SkillPermissionAccepted",
        "AlexaSkillEvent.SkillPermissionChanged",
        "AlexaSkillEvent.SkillAccountLinked",
        # The two subscription events, beyond the five Amazon's pages (and the ASK SDKs'
        # verifiers) give an hour of lateness: given it too, verify/timestamp.py (_SKILL_EVENTS)
        # says why.
        "AlexaSkillEvent.ProactiveSubscriptionChanged",
        # Its one field a body of subscriptions, as ProactiveSubscriptionChanged's (ask-sdk-model's
        # NotificationSubscriptionChangedRequest): typed alike, not a GenericRequest.
        "AlexaSkillEvent.NotificationSubscriptionChanged",
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

    def __repr__(self) -> str:  # any token in its fields as '***' (`_masked`)
        return _masked(self, frozenset(), json_fields=frozenset(("raw",)))


_BODY: Final = frozenset(("body",))
