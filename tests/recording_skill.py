"""What the test toolkit's tests share (tests/test_testing_*.py): a skill that notes what each
request told its handlers (answering tests/conftest.py's ``SKILL_ID`` unless given ids)."""

from __future__ import annotations

from typing import Any

from alexaskill import Context, Device, IntentRequest, Response, Session, Skill, User, ask, speak

from .conftest import SKILL_ID


def recording_skill(*skill_ids: str) -> tuple[Skill, list[dict[str, Any]]]:
    """A skill whose handlers note what each request told them."""
    skill = Skill(skill_ids or SKILL_ID)
    seen: list[dict[str, Any]] = []

    @skill.intent("Count")
    def count(session: Session, request: IntentRequest) -> Response:
        number = session.attributes.get("n", 0) + 1
        session.attributes["n"] = number
        seen.append({"new": session.new, "id": session.session_id, "locale": request.locale})
        return ask(f"{number}", reprompt="again?")

    @skill.intent("Done")
    def done() -> Response:
        return speak("bye")

    @skill.intent("Who")
    def who(context: Context, user: User, device: Device) -> Response:
        system = context.system
        seen.append(
            {
                "user": user.user_id,
                "device": device.device_id,
                "interfaces": sorted(device.supported_interfaces or {}),
                "skill": system.application.application_id if system and system.application else "",
                "viewport": context.viewport is not None,
            }
        )
        return speak("ok")

    return skill, seen
