"""What a request's repr (printed, quoted in an exception, logged) never shows: a token or an
OAuth grant's code in an event's body."""

from __future__ import annotations

import json
from typing import Any

import pytest

from alexaskill.models import decode_envelope

from .conftest import SKILL_ID


def _envelope(request: dict[str, Any]) -> bytes:
    system = {"application": {"applicationId": SKILL_ID}, "user": {"userId": "u"}}
    base = {"type": "", "requestId": "r", "timestamp": "2024-01-01T00:00:00Z"}
    return json.dumps(
        {"version": "1.0", "context": {"System": system}, "request": {**base, **request}}
    ).encode()


@pytest.mark.parametrize(
    "request_",
    [
        # The account-linking event carries the linked account's access token.
        {"type": "AlexaSkillEvent.SkillAccountLinked", "body": {"accessToken": "topsecret"}},
        # An out-of-session grant carries an OAuth authorization code, worth a token.
        {
            "type": "Alexa.Authorization.Grant",
            "body": {"grant": {"type": "OAuth2.AuthorizationCode", "code": "topsecret"}},
        },
        # A type alexaskill does not model keeps its fields in raw.
        {"type": "Some.NewEvent", "payload": [{"refreshToken": "topsecret", "n": 1}]},
    ],
)
def test_an_event_requests_repr_hides_its_tokens(request_: dict[str, Any]) -> None:
    # The body was shown as it came, access token or grant code included.
    envelope = decode_envelope(_envelope(request_))
    for shown in (repr(envelope), repr(envelope.request), str(envelope.request)):
        assert "topsecret" not in shown and "'***'" in shown, shown
    assert "topsecret" in json.dumps(envelope.raw)  # the data itself is untouched


@pytest.mark.parametrize("depth", [200, 450])  # twice as many levels: a dict and a list each
def test_a_deeply_nested_event_body_has_a_repr(depth: int) -> None:
    # The decoder takes a body nested as deep as ~1000 levels; the masking walked it two Python
    # frames a level, and a handler that printed the request raised RecursionError (test_fuzz
    # found it: the spoken apology instead of the skill's answer).
    nested: Any = {"accessToken": "topsecret"}
    for _ in range(depth):
        nested = {"a": [nested]}
    envelope = decode_envelope(_envelope({"type": "Some.NewEvent", "payload": nested}))
    shown = repr(envelope.request)
    assert "topsecret" not in shown and "payload" in shown
