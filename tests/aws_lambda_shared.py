"""What the AWS Lambda tests (tests/test_aws_lambda*.py) share: the repository's root, a small
weather skill, and an answer's speech. (The context the Lambda runtime passes: the stand-in of
tests/lambda_runtime.py; a skill counting visits: tests/store_shared.py's `counting_skill`.)"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alexaskill import Session, Skill, speak
from alexaskill.responses import Response
from alexaskill.store import Attributes, MemoryStore, attributes_service
from alexaskill.testing import DEFAULT_SKILL_ID

ROOT = Path(__file__).resolve().parent.parent


# It answers DEFAULT_SKILL_ID, by its name: the id the sample envelopes carry.
def weather_skill() -> Skill:
    skill = Skill(DEFAULT_SKILL_ID)
    skill.add_service(Attributes, *attributes_service(MemoryStore()))
    loops: list[asyncio.AbstractEventLoop] = []

    @skill.launch
    def launch() -> Response:
        return speak("Welcome to Weather.")

    @skill.intent("GetWeather")
    async def weather(session: Session, city: str | None = None) -> Response:
        loops.append(asyncio.get_running_loop())
        session.attributes["asked"] = session.attributes.get("asked", 0) + 1
        return speak(f"Sunny in {city or 'Paris'}.")

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        attributes["visits"] = attributes.get("visits", 0) + 1
        return speak(f"Visit number {attributes['visits']}.")

    @skill.intent("Broken")
    def broken() -> Response:
        raise RuntimeError("the weather service is down")

    skill.loops = loops  # type: ignore[attr-defined]
    return skill


def speech(response: dict[str, Any]) -> str:
    """The plain-text speech of an answer as JSON (a Lambda handler's, a decoded body)."""
    text: str = response["response"]["outputSpeech"]["text"]
    return text
