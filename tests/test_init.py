"""The public API: what `import alexaskill` offers is pinned here, so changes are deliberate."""

from __future__ import annotations

import subprocess
import sys

import pytest

import alexaskill

PUBLIC = [
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


def test_all_is_pinned() -> None:
    assert alexaskill.__all__ == PUBLIC


def test_every_public_name_resolves_and_is_documented() -> None:
    for name in alexaskill.__all__:
        value = getattr(alexaskill, name)
        if callable(value) or isinstance(value, type):
            assert (value.__doc__ or "").strip(), name


def test_every_name_comes_from_the_module_the_type_checkers_are_told() -> None:
    # alexaskill/__init__.py lists each public name twice: in the imports under TYPE_CHECKING
    # (for mypy and IDEs) and in _MODULES (for the lazy import at run time). They must agree.
    import ast
    from pathlib import Path

    tree = ast.parse(Path(alexaskill.__file__).read_text(encoding="utf-8"))
    guarded = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
    )
    declared = {
        alias.name: node.module or alias.name
        for node in guarded.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert declared == {**alexaskill._WHERE, "ssml": "ssml"}
    assert set(declared) == set(alexaskill.__all__)


def test_import_alexaskill_loads_none_of_its_modules_or_the_heavy_dependencies() -> None:
    code = (
        "import sys, alexaskill; "
        "print(sorted(m for m in sys.modules if m.startswith('alexaskill.') or m.split('.')[0] "
        "in ('starlette', 'anyio', 'httpx', 'cryptography', 'msgspec', 'asyncio')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, encoding="utf-8"
    ).stdout.strip()
    assert loaded == "[]"


def test_names_load_on_first_use_and_stay() -> None:
    code = (
        "import sys, alexaskill; "
        "assert 'alexaskill.responses' not in sys.modules; "
        "speak = alexaskill.speak; "
        "assert 'alexaskill.responses' in sys.modules; "
        "assert 'alexaskill.app' not in sys.modules; "
        "assert alexaskill.__dict__['speak'] is speak; "
        "assert 'Skill' in dir(alexaskill); "
        "from alexaskill import ssml, Skill; "
        "assert ssml.__name__ == 'alexaskill.ssml'; "
        "import alexaskill.app; assert Skill is alexaskill.app.Skill"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    # A submodule's `from . import ssml` before anything loaded it, and the same from outside.
    for first in ("import alexaskill.alexa_api", "from alexaskill import ssml"):
        subprocess.run([sys.executable, "-c", first], check=True)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        alexaskill.Nope  # type: ignore[attr-defined]  # noqa: B018


def test_verifier_is_loaded_lazily() -> None:
    code = (
        "import sys, alexaskill; "
        "assert 'alexaskill.verify' not in sys.modules; "
        "assert 'cryptography' not in sys.modules; "
        "alexaskill.Verifier; assert 'alexaskill.verify' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
