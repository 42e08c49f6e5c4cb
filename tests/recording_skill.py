"""What the test toolkit's tests share (tests/test_testing_*.py): a second skill id (the first,
``SKILL_ID``, is tests/verify_shared.py's), and a skill that notes what each request told its
handlers."""

from __future__ import annotations

from typing import Any

from alexaskill import Context, Device, IntentRequest, Response, Session, Skill, User, ask, speak

from .verify_shared import SKILL_ID

OTHER_ID = "amzn1.ask.skill.22222222-2222-2222-2222-222222222222"


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
