"""Amazon deprecated its household lists (the List Management API, list skills and their
``AlexaHouseholdListEvent.*`` events; July 1, 2024): a skill that calls a list method hears it
once, in a WARNING, one that registers a handler for a list event hears it as it registers, and
``alexaskill request`` says it as it writes such an event."""

from __future__ import annotations

import json
import logging

import pytest

from alexaskill import AlexaApi, Response, Skill, lists_deprecated, speak
from alexaskill.testing import FakeAlexaApi, TestClient
from tests.cli_run import run
from tests.conftest import SKILL_ID


def _deprecation_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and "deprecated" in r.getMessage()
    ]


def test_a_list_call_warns_once_that_amazon_deprecated_the_list_api(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The calls kept working silently, though Amazon has refused them since July 2024: a skill's
    # author learnt it from a 403 in production, if at all.
    monkeypatch.setattr(lists_deprecated, "_said", False)
    skill = Skill(SKILL_ID)

    @skill.intent("Add")
    async def add(api: AlexaApi, what: str) -> Response:
        [shopping, *_] = await api.lists()
        await api.add_list_item(shopping.list_id, what)
        items = await api.list_items(shopping.list_id)
        return speak(", ".join(str(item.value) for item in items))

    with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill, api=FakeAlexaApi()) as c:
        assert c.intent("Add", what="milk").speech == "milk"  # (the calls still work)
        assert c.intent("Add", what="eggs").speech == "milk, eggs"
    [said] = _deprecation_warnings(caplog)
    assert "July 1, 2024" in said and "deprecated-features.html#shopping-lists" in said


def test_registering_a_list_event_handler_warns_that_amazon_no_longer_sends_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(SKILL_ID)
    with caplog.at_level(logging.WARNING, "alexaskill"):

        @skill.on("AlexaHouseholdListEvent.ItemsCreated")
        def created() -> None:
            return None

    [said] = _deprecation_warnings(caplog)
    assert "AlexaHouseholdListEvent.ItemsCreated" in said and "created" in said
    assert "deprecated-features.html#shopping-lists" in said


def test_registering_another_event_handler_warns_of_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(SKILL_ID)
    with caplog.at_level(logging.WARNING, "alexaskill"):

        @skill.on("AlexaSkillEvent.SkillEnabled")
        def enabled() -> None:
            return None

    assert _deprecation_warnings(caplog) == []


@pytest.mark.parametrize(
    "request_type", ["AlexaHouseholdListEvent.ItemsCreated", "AlexaHouseholdListEvent.ListDeleted"]
)
def test_request_writing_a_list_event_says_amazon_no_longer_sends_them(request_type: str) -> None:
    # It wrote the event without a word, while a handler registered for it is warned: one took
    # the printed event for one Alexa still sends.
    code, out, err = run("request", request_type)
    assert code == 0 and json.loads(out)["request"]["type"] == request_type
    assert err == (
        f"alexaskill request: warning: {request_type}: {lists_deprecated.LISTS_DEPRECATED}\n"
    )


def test_request_writing_another_event_says_nothing_of_lists() -> None:
    code, _, err = run("request", "AlexaSkillEvent.SkillEnabled")
    assert (code, err) == (0, "")
