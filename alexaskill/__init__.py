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
from .alexa_api import (
    Address,
    AlexaList,
    CountryAndPostalCode,
    InSkillProduct,
    ListItem,
    PhoneNumber,
    Reminder,
    Scope,
)
from .app import Skill
from .dialog_model import DialogSlot, Validate
from .directives import (
    APL,
    AudioMetadata,
    AudioPlayer,
    Connections,
    Dialog,
    VideoApp,
    confirm_intent,
    confirm_slot,
    delegate,
    elicit_slot,
    updated_intent,
)
from .dynamodb import DynamoDBStore
from .exceptions import (
    AlexaApiError,
    AlexaApiTimeout,
    CertificateError,
    CertificateUnavailableError,
    CertificateUrlError,
    ConfigurationError,
    DeadlineExceeded,
    MalformedRequestError,
    PermissionRequired,
    RequestError,
    ResponseError,
    SignatureError,
    SkillError,
    SkillIdError,
    SlotError,
    StoreError,
    TimestampError,
    VerificationError,
)
from .interaction import SlotTypeValue
from .logs import configure_logging, settings_from_env
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
    CanFulfillIntent,
    CanFulfillSlot,
    ExperimentTrigger,
    LinkAccountCard,
    Response,
    SimpleCard,
    StandardCard,
    ask,
    can_fulfill,
    empty,
    speak,
)
from .services import AlexaApi
from .slots import AlexaDate, AlexaDuration, AlexaTime, DateKind, Season, TimeKind, TimeOfDay
from .ssml import Ssml
from .store import (
    Attributes,
    DeviceAttributes,
    MemoryStore,
    PersonAttributes,
    RedisStore,
    SQLiteStore,
    Store,
    open_store,
)

if TYPE_CHECKING:
    from .verify import Verifier

__all__ = [
    "APL",
    "Address",
    "AlexaApi",
    "AlexaApiError",
    "AlexaApiTimeout",
    "AlexaDate",
    "AlexaDuration",
    "AlexaList",
    "AlexaSkillEventRequest",
    "AlexaTime",
    "Application",
    "AskForPermissionsConsentCard",
    "Attributes",
    "AudioMetadata",
    "AudioPlayer",
    "AudioPlayerRequest",
    "AudioPlayerState",
    "AuthorizationGrantRequest",
    "CanFulfillIntent",
    "CanFulfillIntentRequest",
    "CanFulfillSlot",
    "CertificateError",
    "CertificateUnavailableError",
    "CertificateUrlError",
    "ConfigurationError",
    "Connections",
    "ConnectionsRequest",
    "ConnectionsResponse",
    "Context",
    "CountryAndPostalCode",
    "CustomInterfaceRequest",
    "DateKind",
    "DeadlineExceeded",
    "Device",
    "DeviceAttributes",
    "Dialog",
    "DialogSlot",
    "DisplayElementSelectedRequest",
    "DynamoDBStore",
    "Envelope",
    "ExperimentTrigger",
    "GameEngineInputHandlerEvent",
    "GenericRequest",
    "HouseholdListEventRequest",
    "InSkillProduct",
    "Intent",
    "IntentRequest",
    "LaunchRequest",
    "LinkAccountCard",
    "ListItem",
    "MalformedRequestError",
    "MemoryStore",
    "MessageReceivedRequest",
    "PermissionRequired",
    "Person",
    "PersonAttributes",
    "PhoneNumber",
    "PlaybackControllerRequest",
    "PresentationRequest",
    "RedisStore",
    "Reminder",
    "ReminderEventRequest",
    "Request",
    "RequestError",
    "Response",
    "ResponseError",
    "SQLiteStore",
    "Scope",
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
    "SlotTypeValue",
    "Ssml",
    "StandardCard",
    "Store",
    "StoreError",
    "System",
    "SystemExceptionRequest",
    "TimeKind",
    "TimeOfDay",
    "TimestampError",
    "User",
    "Validate",
    "VerificationError",
    "Verifier",
    "VideoApp",
    "ask",
    "can_fulfill",
    "configure_logging",
    "confirm_intent",
    "confirm_slot",
    "delegate",
    "elicit_slot",
    "empty",
    "open_store",
    "settings_from_env",
    "speak",
    "ssml",
    "updated_intent",
]


def __getattr__(name: str) -> Any:
    # The certificate machinery loads only when asked for, so that an AWS Lambda skill (whose
    # requests are not signed) does not pay for importing it on every cold start.
    if name == "Verifier":
        from .verify import Verifier

        return Verifier
    raise AttributeError(f"module 'alexaskill' has no attribute {name!r}")
