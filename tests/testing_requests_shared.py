"""What the test client's request tests (tests/test_testing_requests*.py) share: UTC, and a
diary skill with two intents, When (a date and a city, answered with ``api.today()``) and Help."""

from __future__ import annotations

import datetime
from typing import Any

from alexaskill import AlexaApi, Skill, speak

from .conftest import SKILL_ID

UTC = datetime.UTC


def diary() -> Skill:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "When",
        utterances=["what happens {day}", "what happens {day} in {place}"],
        slots={"day": "AMAZON.DATE", "place": "AMAZON.City"},
    )
    async def when(api: AlexaApi, day: str | None = None, place: str | None = None) -> Any:
        return speak(f"{day} {await api.today()}")

    @skill.intent("Help", utterances=["help me"])
    def help_() -> Any:
        return speak("Ask what happens today.")

    return skill
