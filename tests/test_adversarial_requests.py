"""Hostile bodies, signed as Alexa signs them: each gets HTTP 200 (handled, maybe with an
apology) or a short JSON 400, never a 500, and alexaskill's own code logs no ERROR for them.

A signed body passes verification and reaches the decoder and dispatch, so these are the
requests that test them: JSON at its edges (nesting, numbers, duplicate keys, encodings), and
one table of every field of an IntentRequest replaced in turn by each value of another type.
"""

from __future__ import annotations

import datetime
import enum
import json
import logging
from collections.abc import Iterator
from typing import Any, Final

import pytest

from alexaskill import Response, Skill, speak
from alexaskill.models import Envelope, Slot
from alexaskill.responses.encoding import MAX_RESPONSE_BYTES
from alexaskill.slots import AlexaDate, AlexaDuration, AlexaTime
from alexaskill.testing import SkillResponse, TestClient

SKILL_ID: Final = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
NOW: Final = datetime.datetime(2026, 11, 26, 12, 0, 10, tzinfo=datetime.UTC)
STAMP: Final = "2026-11-26T12:00:10Z"
#: A refusal is a reason, not a traceback.
MAX_REASON: Final = 300


class Color(enum.Enum):
    RED = "red"


def _skill() -> Skill:
    skill = Skill(SKILL_ID)

    @skill.intent("Typed")
    def typed(
        envelope: Envelope,
        text: str | None = None,
        number: int | None = None,
        amount: float | None = None,
        day: datetime.date | None = None,
        when: AlexaDate | None = None,
        clock: datetime.time | None = None,
        moment: AlexaTime | None = None,
        span: datetime.timedelta | None = None,
        length: AlexaDuration | None = None,
        color: Color | None = None,
        numbers: list[int] | None = None,
        words: list[str] | None = None,
        raw: Slot | None = None,
    ) -> Response:
        envelope.raw  # noqa: B018  (decoded on first use: it must not raise either)
        return speak("typed")

    @skill.intent("Book")
    def book(day: datetime.date, note: str | None = None) -> Response:
        return speak(f"Booked for {day:%A}.")

    @skill.launch
    def launch() -> Response:
        return speak("hello")

    @skill.fallback
    def fallback(envelope: Envelope) -> None:
        envelope.raw  # noqa: B018

    return skill


@pytest.fixture
def client(caplog: pytest.LogCaptureFixture) -> Iterator[TestClient]:
    """A client whose requests may fail; after the test, no ERROR line and no traceback."""
    with (
        caplog.at_level(logging.INFO, logger="alexaskill"),
        TestClient(_skill(), now=lambda: NOW, raise_handler_errors=False) as made,
    ):
        yield made
    errors = [
        f"{record.name}: {record.getMessage()[:300]}"
        for record in caplog.records
        if record.levelno >= logging.ERROR or record.exc_info
    ]
    assert not errors, "\n".join(errors[:10])


def _typed_envelope() -> dict[str, Any]:
    """A valid IntentRequest for ``Typed``, one slot of each kind the handler takes."""
    values = {
        "text": "hello",
        "number": "42",
        "amount": "2.5",
        "day": "2026-11-27",
        "when": "2026-W48-WE",
        "clock": "14:30",
        "moment": "EV",
        "span": "PT10M",
        "length": "P2YT3H",
        "color": "red",
        "raw": "anything",
    }
    slots: dict[str, Any] = {
        name: {"name": name, "value": value, "confirmationStatus": "NONE", "source": "USER"}
        for name, value in values.items()
    }
    slots["color"]["resolutions"] = {
        "resolutionsPerAuthority": [
            {
                "authority": "amzn1.er-authority.echo-sdk.x.Color",
                "status": {"code": "ER_SUCCESS_MATCH"},
                "values": [{"value": {"name": "red", "id": "RED"}}],
            }
        ]
    }
    for name, items in (("numbers", ["1", "2"]), ("words", ["a"])):
        slots[name] = {
            "name": name,
            "confirmationStatus": "NONE",
            "slotValue": {
                "type": "List",
                "values": [{"type": "Simple", "value": item} for item in items],
            },
        }
    return _envelope("Typed", slots, dialog_state="IN_PROGRESS")


def _envelope(
    intent: str, slots: dict[str, Any], *, dialog_state: str | None = None
) -> dict[str, Any]:
    envelope = TestClient(_skill()).factory.intent(intent)
    envelope["request"]["timestamp"] = STAMP
    envelope["request"]["intent"]["slots"] = slots
    if dialog_state is not None:
        envelope["request"]["dialogState"] = dialog_state
    return envelope


def _send(client: TestClient, body: bytes) -> SkillResponse:
    return client.post(body, client.pki.sign(body))


def _problem(result: SkillResponse) -> str | None:
    """What is wrong with an answer to a hostile request, or None."""
    if result.status_code == 400:
        payload = result.json
        if not isinstance(payload, dict) or set(payload) != {"error"}:
            return f"400 body not {{'error': ...}}: {payload!r:.200}"
        reason = payload["error"]
        if not isinstance(reason, str) or len(reason) > MAX_REASON or "Traceback" in reason:
            return f"400 reason not short: {reason!r:.200}"
        return None
    if result.status_code != 200:
        return f"HTTP {result.status_code}: {result.json!r:.200}"
    if result.handler_error is not None:  # (the handlers here have no bug of their own)
        return f"handler error {result.handler_error!r:.200}"
    return None


# --- asking again for a slot, a request near the body limit ---------------------------------


def test_asking_again_beside_a_long_slot_value_elicits_without_the_intent_sent_back(
    client: TestClient,
) -> None:
    """In a dialog, a slot that does not convert is elicited again with the intent sent back,
    which echoes every slot of the request: a slot of 124,000 characters (the body still under
    the 128 KB limit) made that reply 124 KB, past Alexa's 120 KB. The reply failed to encode,
    alexaskill logged "session attributes do not encode" at ERROR with a traceback, told
    `on_handler_error` of a handler error (the handler was never called) and apologised, ending
    the session. The slot is elicited without the intent sent back instead."""
    envelope = _envelope(
        "Book",
        {
            "day": {"name": "day", "value": "someday", "confirmationStatus": "NONE"},
            "note": {"name": "note", "value": "n" * 124_000, "confirmationStatus": "NONE"},
        },
        dialog_state="IN_PROGRESS",
    )
    result = client.send_envelope(envelope)
    assert _problem(result) is None, _problem(result)
    (directive,) = result.json["response"]["directives"]
    assert directive == {"type": "Dialog.ElicitSlot", "slotToElicit": "day"}
    assert result.json["response"]["shouldEndSession"] is False
    assert len(json.dumps(result.json).encode()) <= MAX_RESPONSE_BYTES
    # A short one still sends the intent back, the slot cleared.
    envelope["request"]["intent"]["slots"]["note"]["value"] = "a note"
    (directive,) = client.send_envelope(envelope).json["response"]["directives"]
    assert directive["updatedIntent"]["slots"]["day"] == {
        "name": "day",
        "confirmationStatus": "NONE",
    }
    assert directive["updatedIntent"]["slots"]["note"]["value"] == "a note"
