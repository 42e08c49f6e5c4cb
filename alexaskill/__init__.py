"""alexaskill: host Alexa custom skills as verified, typed, fast ASGI web services.

    from alexaskill import Skill, speak

    skill = Skill(skill_id="amzn1.ask.skill.…")

    @skill.intent("HelloIntent")
    def hello(name: str = "world"):
        return speak(f"Hello, {name}!")

Serve it with ``uvicorn app:skill``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ssml
from .app import Skill
from .exceptions import (
    CertificateError,
    CertificateUrlError,
    ConfigurationError,
    MalformedRequestError,
    RequestError,
    ResponseError,
    SignatureError,
    SkillError,
    SkillIdError,
    SlotError,
    TimestampError,
    VerificationError,
)
from .models import (
    AlexaSkillEventRequest,
    Application,
    AudioPlayerRequest,
    AudioPlayerState,
    AuthorizationGrantRequest,
    CanFulfillIntentRequest,
    ConnectionsRequest,
    ConnectionsResponse,
    Context,
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
    Person,
    PlaybackControllerRequest,
    PresentationRequest,
    ReminderEventRequest,
    Request,
    Session,
    SessionEndedRequest,
    SessionResumedRequest,
    Slot,
    System,
    SystemExceptionRequest,
    User,
)
from .responses import (
    AskForPermissionsConsentCard,
    LinkAccountCard,
    Response,
    SimpleCard,
    StandardCard,
    ask,
    empty,
    speak,
)
from .slots import AlexaDate, AlexaDuration, AlexaTime, DateKind, Season, TimeKind, TimeOfDay
from .ssml import Ssml

if TYPE_CHECKING:
    from .verify import Verifier

__all__ = [
    "AlexaDate",
    "AlexaDuration",
    "AlexaSkillEventRequest",
    "AlexaTime",
    "Application",
    "AskForPermissionsConsentCard",
    "AudioPlayerRequest",
    "AudioPlayerState",
    "AuthorizationGrantRequest",
    "CanFulfillIntentRequest",
    "CertificateError",
    "CertificateUrlError",
    "ConfigurationError",
    "ConnectionsRequest",
    "ConnectionsResponse",
    "Context",
    "CustomInterfaceRequest",
    "DateKind",
    "Device",
    "DisplayElementSelectedRequest",
    "Envelope",
    "GameEngineInputHandlerEvent",
    "GenericRequest",
    "HouseholdListEventRequest",
    "Intent",
    "IntentRequest",
    "LaunchRequest",
    "LinkAccountCard",
    "MalformedRequestError",
    "MessageReceivedRequest",
    "Person",
    "PlaybackControllerRequest",
    "PresentationRequest",
    "ReminderEventRequest",
    "Request",
    "RequestError",
    "Response",
    "ResponseError",
    "Season",
    "Session",
    "SessionEndedRequest",
    "SessionResumedRequest",
    "SignatureError",
    "SimpleCard",
    "Skill",
    "SkillError",
    "SkillIdError",
    "Slot",
    "SlotError",
    "Ssml",
    "StandardCard",
    "System",
    "SystemExceptionRequest",
    "TimeKind",
    "TimeOfDay",
    "TimestampError",
    "User",
    "VerificationError",
    "Verifier",
    "ask",
    "empty",
    "speak",
    "ssml",
]


def __getattr__(name: str) -> Any:
    # The certificate machinery loads only when asked for, so that an AWS Lambda skill (whose
    # requests are not signed) does not pay for importing it on every cold start.
    if name == "Verifier":
        from .verify import Verifier

        return Verifier
    raise AttributeError(f"module 'alexaskill' has no attribute {name!r}")
