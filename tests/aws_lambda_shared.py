"""What the AWS Lambda tests (tests/test_aws_lambda*.py) share: the repository's root, a small
weather skill, a skill counting visits, and an answer's speech. (The context the Lambda runtime
passes: the stand-in of tests/lambda_runtime.py.)"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alexaskill import Session, Skill, speak
from alexaskill.responses import Response
from alexaskill.store import DEFAULT_STORE, Attributes, MemoryStore, Store, attributes_service
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


def counting_skill(
    store: Store | str = DEFAULT_STORE,
    attributes: MemoryStore | None = None,
    *,
    skill_id: str = DEFAULT_SKILL_ID,
) -> Skill:
    """A skill that welcomes at launch and counts visits in its attributes (Count), with
    ``store`` (a URL or a store; by default the default's, as ``Skill(DEFAULT_SKILL_ID)``:
    sqlite:///alexaskill.db): the skill's own, which its ``aclose`` closes; with ``attributes``,
    its handlers' attributes come from that store instead, through a service added over
    ``store`` (``add_service(Attributes, *attributes_service(...))``). It answers ``skill_id``."""
    skill = Skill(skill_id, store=store)
    if attributes is not None:  # (before the handlers, as services are added)
        skill.add_service(Attributes, *attributes_service(attributes))

    @skill.launch
    def launch() -> Response:
        return speak("Welcome.")

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        attributes["visits"] = attributes.get("visits", 0) + 1
        return speak(f"Visit number {attributes['visits']}.")

    return skill


def speech(response: dict[str, Any]) -> str:
    """The plain-text speech of an answer as JSON (a Lambda handler's, a decoded body)."""
    text: str = response["response"]["outputSpeech"]["text"]
    return text
