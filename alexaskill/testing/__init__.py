"""Test a skill as Alexa would talk to it, with verification on.

- `TestPKI`: a throwaway root → intermediate → leaf chain (SAN ``echo-api.amazon.com``) that
  signs request bodies with both signature headers, and makes `Verifier` objects trusting it.
- `RequestFactory`: realistic, fresh request envelopes for one simulated user and device.
- `DevicePlayer`: the simulated device's audio player (``context.AudioPlayer``), moved along by
  the skill's AudioPlayer directives and the events the test sends.
- `FakeAlexaApi`: Alexa's service APIs (time zone, profile, reminders, …) answered in-process
  from data a test gives, every call recorded as an `ApiCall`.
- `TestClient`: runs the skill in-process (Starlette's test client), signs every request with the
  PKI, carries session attributes from answer to request like Alexa, and returns `SkillResponse`
  values with the parts a test looks at.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .._lazy import lazy_names

if TYPE_CHECKING:
    from .alexa_api import ApiCall, FakeAlexaApi
    from .api_zones import UnknownZone
    from .client import SkillClientFactory, TestClient
    from .pki import DEFAULT_CERT_URL, TestPKI
    from .player import DevicePlayer
    from .requests import (
        DEFAULT_SKILL_ID,
        SCREEN,
        RequestFactory,
        can_fulfill_fields,
        intent_fields,
        load_request,
        refresh,
        slot_json,
        timestamp,
    )
    from .response import SkillResponse

__all__ = [
    "DEFAULT_CERT_URL",
    "DEFAULT_SKILL_ID",
    "SCREEN",
    "ApiCall",
    "DevicePlayer",
    "FakeAlexaApi",
    "RequestFactory",
    "SkillClientFactory",
    "SkillResponse",
    "TestClient",
    "TestPKI",
    "UnknownZone",
    "can_fulfill_fields",
    "intent_fields",
    "load_request",
    "refresh",
    "slot_json",
    "timestamp",
]

# The names above, from the modules that define them, imported when first asked for: a command
# that builds requests (`alexaskill request`) or signs them (`replay --url`) imports
# `alexaskill.testing.requests` or `.pki` without the test client, the fake service APIs and
# the verification they bring (tens of milliseconds).
_LAZY: Final = {
    "ApiCall": "alexa_api",
    "FakeAlexaApi": "alexa_api",
    "UnknownZone": "api_zones",
    "SkillClientFactory": "client",
    "TestClient": "client",
    "DEFAULT_CERT_URL": "pki",
    "TestPKI": "pki",
    "DevicePlayer": "player",
    "DEFAULT_SKILL_ID": "requests",
    "SCREEN": "requests",
    "RequestFactory": "requests",
    "can_fulfill_fields": "requests",
    "intent_fields": "requests",
    "load_request": "requests",
    "refresh": "requests",
    "slot_json": "requests",
    "timestamp": "requests",
    "SkillResponse": "response",
}


__getattr__, __dir__ = lazy_names(globals(), _LAZY)
