"""What the tests of `FakeAlexaApi`'s reminders share (test_fake_api_reminder*.py): the
skill's `AlexaApi` and its create call, answered by a fake, a trigger's refusal, and a trigger
to build on."""

from __future__ import annotations

import json
from typing import Any, Final

import anyio
import httpx
import msgspec

from alexaskill import AlexaApi
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory


def skill_api(fake: FakeAlexaApi) -> AlexaApi:
    """A handler's `AlexaApi`, answered by ``fake``."""
    return AlexaApi(decode_envelope(json.dumps(RequestFactory().intent("Remind"))), client=fake)


def run(call: Any) -> Any:
    async def main() -> Any:
        return await call

    return anyio.run(main)


def post_reminder(fake: FakeAlexaApi, body: object) -> httpx.Response:
    """A "create a reminder" call sending ``body`` as JSON, answered by ``fake`` in-process."""
    with httpx.Client(transport=httpx.MockTransport(fake.handle), trust_env=False) as client:
        return client.post(
            "http://fake/v1/alerts/reminders", json=body, headers={"Authorization": "Bearer t"}
        )


def _create(fake: FakeAlexaApi, trigger: dict[str, Any]) -> httpx.Response:
    """The skill's "create a reminder" call of ``trigger``, answered by ``fake`` in-process."""
    body = {
        "requestTime": "2031-03-14T09:00:00.000",
        "trigger": trigger,
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
    }
    return post_reminder(fake, body)


def refused_trigger(trigger: dict[str, Any]) -> str:
    """What a fake's 400 to the create of ``trigger`` says, checked to be ``INVALID_TRIGGER``
    (the code and the message alone) and to keep no reminder."""
    fake = FakeAlexaApi()
    answer = _create(fake, trigger)
    assert answer.status_code == 400, answer.text
    assert answer.json().keys() == {"code", "message"}, answer.text
    assert answer.json()["code"] == "INVALID_TRIGGER", answer.text
    assert fake.reminders == []
    message: str = answer.json()["message"]
    return message


_AT: Final = {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": "2031-03-15T07:30:00.000"}


def _wire(value: object) -> Any:
    """``value`` as Amazon's JSON has it (a `ReminderRecurrence`'s camelCase names, lists)."""
    return json.loads(msgspec.json.encode(value))
