"""The public API: what `import alexaskill` offers is pinned here, so changes are deliberate."""

from __future__ import annotations

import subprocess
import sys

import alexaskill

PUBLIC = [
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


def test_all_is_pinned() -> None:
    assert alexaskill.__all__ == PUBLIC


def test_every_public_name_resolves_and_is_documented() -> None:
    for name in alexaskill.__all__:
        value = getattr(alexaskill, name)
        if callable(value) or isinstance(value, type):
            assert (value.__doc__ or "").strip(), name


def test_verifier_is_loaded_lazily() -> None:
    code = (
        "import sys, alexaskill; "
        "assert 'alexaskill.verify' not in sys.modules; "
        "assert 'cryptography' not in sys.modules; "
        "alexaskill.Verifier; assert 'alexaskill.verify' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
