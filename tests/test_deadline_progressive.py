"""The automatic progressive response on the web service: said while a slow handler works, one
of the request's five, its speech configurable, its options checked (the deadline itself:
tests/test_deadline.py).
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from typing import Any

import pytest

from alexaskill import ConfigurationError, DeadlineExceeded, Response, Skill, ask, speak
from alexaskill.app import DEADLINE_REPLY, PROGRESSIVE_SPEECH
from alexaskill.deadline import RESOLUTION
from alexaskill.exceptions import ResponseError
from alexaskill.services import AlexaApi
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

from . import deadline_shared
from .deadline_clock import Clock
from .deadline_shared import LONG, SHORT, WAIT

# The fixtures of tests/deadline_shared.py, this module's too (why not conftest's: see there).
clock = deadline_shared.clock


def test_a_slow_handler_gets_an_automatic_progressive_response() -> None:
    skill = Skill(DEFAULT_SKILL_ID, deadline=2.0, progressive_after=0.1)

    @skill.intent("Slow")
    async def slow() -> Response:
        await asyncio.sleep(0.4)
        return speak("done")

    @skill.intent("Quick")
    async def quick() -> Response:
        return speak("quick")

    with TestClient(skill) as client:
        slow_answer = client.intent("Slow")
        assert slow_answer.speech == "done"
        assert slow_answer.progressive == [PROGRESSIVE_SPEECH]
        # A quick answer must not race a busy machine's clock (the time counts from arrival,
        # verification included): the point moves to 1 s for the quick requests.
        skill.progressive_after = SHORT
        quick_answer = client.intent("Quick")
        assert quick_answer.progressive == []  # answered first: nothing said meanwhile
        time.sleep(SHORT + 0.1)  # past the point: a cancelled timer sends nothing afterwards
        assert client.intent("Quick").progressive == []


def test_the_automatic_progressive_response_counts_toward_the_handlers_five() -> None:
    # Amazon takes at most five progressive responses a request: the automatic one and the
    # handler's share the count, so the handler's fifth is refused before it is sent.
    skill = Skill(DEFAULT_SKILL_ID, deadline=5.0, progressive_after=0.05)
    refused: list[str] = []

    @skill.intent("Busy")
    async def busy(api: AlexaApi) -> Response:
        await asyncio.sleep(0.5)  # the automatic one goes out meanwhile
        try:
            for index in range(5):
                await api.progressive(f"step {index}")
        except ResponseError as exc:
            refused.append(str(exc))
        return speak("done")

    with TestClient(skill) as client:
        answer = client.intent("Busy")
    assert answer.speech == "done"
    assert answer.progressive == [PROGRESSIVE_SPEECH, "step 0", "step 1", "step 2", "step 3"]
    assert len(refused) == 1 and "at most 5 progressive responses" in refused[0]


def test_the_deadline_handler_shares_the_requests_five_progressive_responses(clock: Clock) -> None:
    # The handler for DeadlineExceeded answers the same request: its AlexaApi goes on counting.
    # The deadline is LONG, moved on once the five are sent: a request stalled past a deadline
    # of 0.3 s on a loaded machine never ran its handler.
    skill = Skill(DEFAULT_SKILL_ID, deadline=LONG)
    refused: list[str] = []

    @skill.intent("Slow")
    async def slow(api: AlexaApi) -> Response:
        for index in range(5):
            await api.progressive(f"step {index}")
        clock.skip(LONG)
        await asyncio.sleep(WAIT)
        return speak("done")

    @skill.exception(DeadlineExceeded)
    async def late(exc: DeadlineExceeded, api: AlexaApi) -> Response:
        try:
            await api.progressive("still working")
        except ResponseError as error:
            refused.append(str(error))
        return speak("Sorry, that took too long.")

    with TestClient(skill) as client:
        answer = client.intent("Slow")
    assert answer.speech == "Sorry, that took too long."
    assert answer.progressive == [f"step {index}" for index in range(5)]
    assert len(refused) == 1 and "at most 5 progressive responses" in refused[0]


def test_the_progressive_speech_is_configurable_and_comes_before_the_deadline_reply(
    monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    # The deadline is LONG, moved on once the progressive response was sent: a request stalled
    # past a SHORT one on a loaded machine met it before the progressive response was due.
    skill = Skill(
        DEFAULT_SKILL_ID, deadline=LONG, progressive_after=0.05, progressive_speech="Hmm."
    )
    sent = threading.Event()
    progressive = AlexaApi.progressive

    async def sending(self: AlexaApi, speech: Any) -> bool:
        try:
            return await progressive(self, speech)
        finally:
            sent.set()

    monkeypatch.setattr(AlexaApi, "progressive", sending)

    @skill.launch
    async def launch() -> Response:
        while not sent.is_set():  # were it never sent, the real LONG deadline ends this
            await asyncio.sleep(RESOLUTION)
        clock.skip(LONG)
        await asyncio.sleep(WAIT)
        return speak("never")

    with TestClient(skill) as client:
        result = client.launch()
    assert result.progressive == ["Hmm."]
    assert result.speech == DEADLINE_REPLY


def test_requests_that_take_no_progressive_response_get_none() -> None:
    skill = Skill(DEFAULT_SKILL_ID, deadline=2.0, progressive_after=0.05)

    @skill.session_ended
    async def ended() -> None:
        await asyncio.sleep(0.2)

    skill.launch(lambda: ask("Hello?"))
    with TestClient(skill) as client:
        client.launch()  # (Alexa ends an open session only)
        assert client.session_ended().progressive == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"deadline": 2.0, "progressive_after": 2.0}, "between 0 and the deadline"),
        ({"deadline": 2.0, "progressive_after": 0}, "between 0 and the deadline"),
        ({"deadline": None, "progressive_after": 1.0}, "between 0 and the deadline (None)"),
        ({"progressive_after": 1.0, "progressive_speech": ""}, "non-empty str"),
    ],
)
def test_progressive_options_are_checked(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        Skill(DEFAULT_SKILL_ID, **options)
