"""AWS Lambda: each skill's plan (event loop or not) is found by the skill's identity, whatever
its class says of equality and hashing."""

from __future__ import annotations

import asyncio
import gc
import weakref
from typing import Any

from alexaskill import Skill, lambda_plan, speak
from alexaskill.aws_lambda import handler
from alexaskill.responses import Response
from alexaskill.testing import RequestFactory
from tests.aws_lambda_shared import speech
from tests.conftest import SKILL_ID


class Unhashable(Skill):
    """A subclass that defines ``__eq__`` alone: Python makes it unhashable."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Skill)


class AllEqual(Skill):
    """A subclass whose instances are all equal, with one hash."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Skill)

    def __hash__(self) -> int:
        return 1


def _launch() -> dict[str, Any]:
    return RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")


def test_an_unhashable_skill_is_answered() -> None:
    skill = Unhashable(SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return speak("Welcome.")

    lambda_handler = handler(skill)
    assert "Welcome." in speech(lambda_handler(_launch(), None))
    assert "Welcome." in speech(handler(skill)(_launch(), None))  # a second handler: its plan


def test_skills_equal_to_each_other_have_plans_of_their_own() -> None:
    # The first needs no event loop; the second awaits: had it the first's plan, it would run
    # without one, and fail.
    plain, awaiting = AllEqual(SKILL_ID), AllEqual(SKILL_ID)

    @plain.launch
    def launch() -> Response:
        return speak("Plain.")

    @awaiting.launch
    async def launch_later() -> Response:
        await asyncio.sleep(0)
        return speak("Awaited.")

    assert "Plain." in speech(handler(plain)(_launch(), None))
    assert "Awaited." in speech(handler(awaiting)(_launch(), None))


def test_a_skill_s_plan_goes_with_it() -> None:
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return speak("Welcome.")

    handler(skill)(_launch(), None)
    key, gone = id(skill), weakref.ref(skill)
    assert key in lambda_plan._plans
    del skill, launch
    gc.collect()
    assert gone() is None
    assert key not in lambda_plan._plans
