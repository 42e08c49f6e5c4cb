"""Tests for alexaskill.rules_dialog: the dialog directives' rules that need the request."""

from __future__ import annotations

import pytest

from alexaskill import Skill
from alexaskill.directives import elicit_slot
from alexaskill.responses import Response
from alexaskill.testing import TestClient

SKILL_ID = "amzn1.ask.skill.11111111-1111-1111-1111-111111111111"
APOLOGY = "Sorry, something went wrong. Please try again later."


@pytest.mark.parametrize("by_slots", [False, True], ids=["utterances-only", "slots-only"])
def test_an_intent_declared_by_utterances_or_slots_alone_has_its_slots_checked(
    by_slots: bool, caplog: pytest.LogCaptureFixture
) -> None:
    # Either half of a declaration describes the intent's model: an ElicitSlot of a slot it
    # lacks is refused (Alexa would refuse the reply), not only when both halves are given.
    def book() -> Response:
        return elicit_slot("time", "At what time?")

    def book_for(party: int | None = None) -> Response:
        return book()

    skill = Skill(SKILL_ID)
    skill.add_intent_handler(
        "BookTable",
        book_for if by_slots else book,
        utterances=() if by_slots else ["book a table"],
        slots={"party": "AMAZON.NUMBER"} if by_slots else None,
    )
    with TestClient(skill, raise_handler_errors=False) as client:
        assert client.intent("BookTable").speech == APOLOGY
    assert "Dialog.ElicitSlot slotToElicit 'time' is no slot of intent BookTable" in caplog.text
