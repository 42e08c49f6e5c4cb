"""Typed values for the request envelope Alexa sends, decoded with msgspec.

Every known ``request.type`` decodes into its own class; a type this package does not know decodes
into `GenericRequest`, which keeps the raw fields. Unknown fields are ignored everywhere, explicit
``null`` is accepted wherever Alexa leaves a field out, and ``session``, ``context`` and ``locale``
may be absent (pre-2016 requests look like that).

- `alexaskill.models.context`: ``context`` and ``session`` (`Context`, `System`, `Session`, …).
- `alexaskill.models.intents`: the intent and its slots, with entity resolution.
- `alexaskill.models.requests`: `Request` and a class per family of request types.
- `alexaskill.models.envelope`: `Envelope` and `decode_envelope`, with its module-level decoders.
"""

from __future__ import annotations

from .context import (
    SCREEN_INTERFACES,
    Advertising,
    AlexaPresentation,
    Application,
    AudioPlayerState,
    Context,
    Device,
    ExperimentAssignment,
    Experimentation,
    Extensions,
    Permissions,
    Person,
    Scope,
    Session,
    System,
    Unit,
    User,
)
from .envelope import (
    _ENVELOPE_DECODER as _ENVELOPE_DECODER,  # module-level, built once (tests/test_models.py)
)
from .envelope import (
    REQUEST_TYPES,
    Envelope,
    decode_envelope,
    epoch_ms_timestamp,
    request_class,
)
from .intents import (
    Intent,
    Resolution,
    Resolutions,
    ResolutionStatus,
    ResolutionValue,
    Slot,
    SlotValue,
)
from .requests import (
    AlexaSkillEventRequest,
    AudioPlayerRequest,
    AuthorizationGrantRequest,
    CanFulfillIntentRequest,
    ConnectionsRequest,
    ConnectionsResponse,
    CustomInterfaceRequest,
    DisplayElementSelectedRequest,
    ErrorInfo,
    GameEngineInputHandlerEvent,
    GenericRequest,
    HouseholdListEventRequest,
    IntentRequest,
    LaunchRequest,
    MessageReceivedRequest,
    PlaybackControllerRequest,
    PresentationRequest,
    ReminderEventRequest,
    Request,
    SessionEndedRequest,
    SessionResumedRequest,
    SystemExceptionRequest,
    Task,
)

__all__ = [
    "REQUEST_TYPES",
    "SCREEN_INTERFACES",
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
