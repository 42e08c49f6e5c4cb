"""What the reminder tests share (tests/test_alexa_api_reminder*.py): a skill that asks for a
reminder the API may refuse, and what each refusal said."""

from __future__ import annotations

from typing import Any

from alexaskill import AlexaApi, Response, Skill, speak

from .conftest import SKILL_ID


def refusal_skill(*, zone_asked_first: bool = False, **options: Any) -> tuple[Skill, list[str]]:
    """A skill whose Remind intent creates a reminder "Stretch" with ``options`` (after asking
    the time, so the device's zone, if ``zone_asked_first``) and answers "done": the skill, and
    what each `ValueError` the call raised said."""
    skill = Skill(SKILL_ID)
    said: list[str] = []

    @skill.intent("Remind")
    async def remind(api: AlexaApi) -> Response:
        if zone_asked_first:
            await api.now()
        try:
            await api.create_reminder("Stretch", **options)
        except ValueError as exc:
            said.append(str(exc))
        return speak("done")

    return skill, said
