"""What the dispatch tests (tests/test_dispatch*.py) share: a request factory for the tests' skill
id, the `Call` of an envelope, and the handler an envelope resolves to with the arguments it
would be called with."""

from __future__ import annotations

import json
from typing import Any

from alexaskill import Skill
from alexaskill.dispatch import Call
from alexaskill.models import decode_envelope
from alexaskill.testing import RequestFactory
from tests.conftest import SKILL_ID

factory = RequestFactory(skill_id=SKILL_ID)


def call_for(envelope: dict[str, Any]) -> Call:
    return Call(decode_envelope(json.dumps(envelope).encode()))


def run(skill: Skill, envelope: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    call = call_for(envelope)
    handler = skill.registry.resolve(call.envelope)
    assert handler is not None
    return handler.func, handler.arguments(call)
