"""alexaskill: host Alexa custom skills as verified, typed, fast ASGI web services.

    from alexaskill import Skill, speak

    skill = Skill(skill_id="amzn1.ask.skill.00000000-0000-0000-0000-000000000000")

    @skill.intent("HelloIntent", utterances=["say hello to {name}", "say hello"],
                  slots={"name": "AMAZON.FirstName"})
    def hello(name: str = "world"):
        return speak(f"Hello, {name}!")

Serve it with ``alexaskill serve app:skill`` (uvicorn, bounded: README.md, "Running the
server"); ``alexaskill model app:skill --invocation "hello world"`` writes its interaction model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:  # what type checkers and IDEs read; at run time, see _WHERE below
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
        AccessTokenError,
        AlexaApiError,
        AlexaApiTimeout,
        CertificateError,
        CertificateUnavailableError,
        CertificateUrlError,
        ConfigurationError,
        DeadlineExceeded,
        DeviceNotSupported,
        MalformedRequestError,
        NotAResponse,
        PermissionRequired,
        RequestError,
        ResponseError,
        RuleViolation,
        SignatureError,
        SkillError,
        SkillIdError,
        SlotError,
        StoreError,
        TimestampError,
        VerificationError,
    )
    from .interaction import SlotTypeValue
    from .logs import configure_logging
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
    from .pace import blocking
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
    from .settings import settings_from_env
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
    from .verify import Verifier


__all__ = [
    "APL",
    "AccessTokenError",
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
    "DeviceNotSupported",
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
    "NotAResponse",
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
    "RuleViolation",
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
    "blocking",
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


# Where each public name lives. `import alexaskill` imports none of these modules: a name is
# imported on first use (PEP 562), so that what loads alexaskill without needing all of it (the
# pytest plugin, in every pytest run of anyone who has alexaskill installed; `alexaskill
# --version`; an AWS Lambda cold start, which needs no certificate machinery) pays only for what
# it uses. tests/test_init.py checks this map against the imports above.
_MODULES: Final[dict[str, tuple[str, ...]]] = {
    "alexa_api": (
        "Address",
        "AlexaList",
        "CountryAndPostalCode",
        "InSkillProduct",
        "ListItem",
        "PhoneNumber",
        "Reminder",
        "Scope",
    ),
    "app": ("Skill",),
    "dialog_model": (
        "DialogSlot",
        "Validate",
    ),
    "directives": (
        "APL",
        "AudioMetadata",
        "AudioPlayer",
        "Connections",
        "Dialog",
        "VideoApp",
        "confirm_intent",
        "confirm_slot",
        "delegate",
        "elicit_slot",
        "updated_intent",
    ),
    "dynamodb": ("DynamoDBStore",),
    "exceptions": (
        "AccessTokenError",
        "AlexaApiError",
        "AlexaApiTimeout",
        "CertificateError",
        "CertificateUnavailableError",
        "CertificateUrlError",
        "ConfigurationError",
        "DeadlineExceeded",
        "DeviceNotSupported",
        "MalformedRequestError",
        "NotAResponse",
        "PermissionRequired",
        "RequestError",
        "ResponseError",
        "RuleViolation",
        "SignatureError",
        "SkillError",
        "SkillIdError",
        "SlotError",
        "StoreError",
        "TimestampError",
        "VerificationError",
    ),
    "interaction": ("SlotTypeValue",),
    "logs": ("configure_logging",),
    "pace": ("blocking",),
    "models": (
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
        "GameEngineInputHandlerEvent",
        "GenericRequest",
        "HouseholdListEventRequest",
        "Intent",
        "IntentRequest",
        "LaunchRequest",
        "MessageReceivedRequest",
        "Person",
        "PlaybackControllerRequest",
        "PresentationRequest",
        "ReminderEventRequest",
        "Request",
        "Session",
        "SessionEndedRequest",
        "SessionResumedRequest",
        "Slot",
        "System",
        "SystemExceptionRequest",
        "User",
    ),
    "responses": (
        "AskForPermissionsConsentCard",
        "CanFulfillIntent",
        "CanFulfillSlot",
        "ExperimentTrigger",
        "LinkAccountCard",
        "Response",
        "SimpleCard",
        "StandardCard",
        "ask",
        "can_fulfill",
        "empty",
        "speak",
    ),
    "services": ("AlexaApi",),
    "settings": ("settings_from_env",),
    "slots": (
        "AlexaDate",
        "AlexaDuration",
        "AlexaTime",
        "DateKind",
        "Season",
        "TimeKind",
        "TimeOfDay",
    ),
    "ssml": ("Ssml",),
    "store": (
        "Attributes",
        "DeviceAttributes",
        "MemoryStore",
        "PersonAttributes",
        "RedisStore",
        "SQLiteStore",
        "Store",
        "open_store",
    ),
    "verify": ("Verifier",),
}
_WHERE: Final = {name: module for module, names in _MODULES.items() for name in names}


# Type checkers read the imports above instead: a module `__getattr__` would make any name,
# misspelt ones too, an `Any` for them.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """Import a public name's module on first use, and keep the name here from then on."""
        import importlib

        if name == "ssml":  # the submodule itself (`from . import ssml` would come back here)
            return importlib.import_module(".ssml", __name__)
        module = _WHERE.get(name)
        if module is None:
            raise AttributeError(f"module 'alexaskill' has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        """The module's names, the public ones not imported yet included."""
        return sorted({*globals(), *__all__})
