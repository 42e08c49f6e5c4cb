"""Progressive responses after the answer: the fake refuses them as Alexa does; tests see it.
And what the fake keeps of its calls, and its permissions. Amazon's limits on a progressive
response, in the fake: tests/test_testing_progressive_limits.py."""

from __future__ import annotations

import asyncio
import logging

import pytest

from alexaskill import AlexaApi, Skill
from alexaskill.exceptions import ResponseError
from alexaskill.responses import Response, speak
from alexaskill.testing import FakeAlexaApi, TestClient

from .conftest import SKILL_ID
from .testing_progressive_shared import _speak


def _keeping(kept: list[AlexaApi]) -> Skill:
    """A skill whose launch keeps its AlexaApi, as a background task left running would."""
    skill = Skill(SKILL_ID)

    @skill.launch
    async def launch(api: AlexaApi) -> Response:
        assert await api.progressive("One moment")
        kept.append(api)
        return speak("Welcome.")

    return skill


def test_a_progressive_response_after_the_answer_is_refused(
    caplog: pytest.LogCaptureFixture,
) -> None:
    kept: list[AlexaApi] = []
    with TestClient(_keeping(kept)) as client:
        result = client.launch()
        assert result.progressive == ["One moment"]  # while answering: taken
        with caplog.at_level(logging.WARNING, logger="alexaskill"):
            assert asyncio.run(kept[0].progressive("Still there?")) is False
        late = client.api.calls[-1]
        assert late.status == 403
        assert "answered" in late.answer["message"]
        assert "Unrecognized requestId" in late.answer["message"]
        assert "Unrecognized requestId" in caplog.text  # the skill's log says why
        with pytest.raises(ResponseError) as raised:
            client.launch()  # the next request the test makes fails, naming the late one
    message = str(raised.value)
    assert "Still there?" in message
    assert result.request is not None and result.request["requestId"] in message


def test_without_raising_the_late_call_is_left_in_the_calls() -> None:
    kept: list[AlexaApi] = []
    with TestClient(_keeping(kept), raise_handler_errors=False) as client:
        client.launch()
        asyncio.run(kept[0].progressive("Still there?"))
        assert client.launch().speech == "Welcome."
    assert [call.status for call in client.api.calls] == [204, 403, 204]


def test_the_fake_takes_progressive_responses_only_for_a_request_being_answered() -> None:
    api = FakeAlexaApi()
    assert _speak(api, "r0").status_code == 204  # no request marked: the fake cannot tell
    with api.answering("r1"):
        assert _speak(api, "r1").status_code == 204
        unknown = _speak(api, "r2")
    assert unknown.status_code == 403
    # (The whole of it: "without an id" is said of "" alone, `test_fake_api_unnamed`.)
    assert unknown.json()["message"] == (
        "Unrecognized requestId: r2 (no request with this id is being answered)"
    )
    answered = _speak(api, "r1")
    assert answered.status_code == 403
    assert "answered request r1 already" in answered.json()["message"]
    assert [call.body["header"]["requestId"] for call in api.late_progressive] == ["r1"]


def test_the_fake_keeps_a_bounded_number_of_answered_requests() -> None:
    # `serve --dev` runs for days: the ids of the requests answered are not kept for ever.
    from alexaskill.testing import api_progressive

    api = FakeAlexaApi()
    for number in range(api_progressive._ANSWERED_KEPT + 10):
        with api.answering(f"request-{number}"):
            pass
    assert len(api._answered) == api_progressive._ANSWERED_KEPT
    assert "request-0" not in api._answered
    assert f"request-{api_progressive._ANSWERED_KEPT + 9}" in api._answered


def test_a_late_progressive_response_after_the_last_request_fails_at_the_close() -> None:
    # No request follows the last one to raise it at: the client's close raises it, once
    # everything is given back to the skill.
    kept: list[AlexaApi] = []
    skill = _keeping(kept)
    with pytest.raises(ResponseError) as raised, TestClient(skill) as client:
        client.launch()
        the_clients = skill.verifier
        assert skill.on_handler_error is not None
        asyncio.run(kept[0].progressive("Still there?"))
    assert "Still there?" in str(raised.value)
    assert any("at its close" in note for note in raised.value.__notes__)
    # Given back first: the skill's own verifier, and no listener.
    assert skill.verifier is not the_clients and skill.on_handler_error is None


def test_the_close_does_not_hide_the_tests_own_error() -> None:
    kept: list[AlexaApi] = []
    with pytest.raises(KeyError), TestClient(_keeping(kept)) as client:
        client.launch()
        asyncio.run(kept[0].progressive("Still there?"))
        raise KeyError("the test's own")


def test_the_fake_keeps_only_its_most_recent_calls() -> None:
    # `serve --dev` runs the simulator's fake for days: its calls are not kept for ever, and
    # what a client reads of them by position stays right once the oldest are forgotten.
    api = FakeAlexaApi(keep_calls=5)
    with api.answering("r-done"):
        pass
    for _ in range(12):
        _speak(api, "r-done")  # late: refused, and kept in late_progressive too
    assert len(api.calls) == 5
    assert len(api.late_progressive) == 5
    assert api.call_count == 12 and api.late_count == 12
    mark = api.call_count
    late_mark = api.late_count
    _speak(api, "r-done")
    [newest] = api.calls_since(mark)
    assert newest is api.calls[-1]
    assert api.late_since(late_mark) == [api.late_progressive[-1]]
    assert api.calls_since(0) == api.calls  # those forgotten are gone, the rest are there
    assert api.calls_since(api.call_count) == []


def test_the_fake_keeps_a_thousand_calls_by_default() -> None:
    from alexaskill.testing import alexa_api

    api = FakeAlexaApi()
    assert api.keep_calls == alexa_api.KEPT_CALLS == 1000
    with pytest.raises(ValueError, match="keep_calls"):
        FakeAlexaApi(keep_calls=0)


@pytest.mark.parametrize("wrong", [0, -1, "5", True, 2.5])
def test_keep_calls_assigned_later_is_checked_as_at_creation(wrong: object) -> None:
    # `api.keep_calls = 0` was taken, and the fake then kept no call at all, silently;
    # `= "5"` failed the skill's next call deep in the fake (a TypeError comparing a length).
    api = FakeAlexaApi()
    with pytest.raises(ValueError, match=r"keep_calls is .*a whole number, 1 or more"):
        api.keep_calls = wrong  # type: ignore[assignment]
    with pytest.raises(ValueError, match=r"keep_calls is .*a whole number, 1 or more"):
        FakeAlexaApi(keep_calls=wrong)  # type: ignore[arg-type]
    assert api.keep_calls == 1000
    api.keep_calls = 2  # a right one is taken, and kept to at the next call
    with api.answering("r-done"):
        pass
    for _ in range(3):
        _speak(api, "r-done")
    assert len(api.calls) == 2 and api.call_count == 3


@pytest.mark.parametrize("name", ["calls", "late_progressive"])
@pytest.mark.parametrize("wrong", [None, (), "calls", [{"operation": "progressive"}]])
def test_calls_and_late_progressive_assigned_are_checked(name: str, wrong: object) -> None:
    # `api.calls = None` was taken, and the skill's next call failed deep in the fake
    # (`_keep`: "'NoneType' object has no attribute 'append'"); a tuple, the same.
    api = FakeAlexaApi()
    with pytest.raises(ValueError, match=rf"{name} is .*a list of ApiCall"):
        setattr(api, name, wrong)
    with api.answering("r-done"):
        pass
    _speak(api, "r-done")  # (a late one: kept in both)
    assert len(api.calls) == len(api.late_progressive) == 1
    # A test clears them, in place or with a fresh list: the fake keeps to it.
    api.calls.clear()
    setattr(api, name, [])
    _speak(api, "r-done")
    assert len(api.calls) == 1 and len(api.late_progressive) == (2 if name == "calls" else 1)
    assert api.calls[-1] is api.late_progressive[-1]


def test_a_client_reads_its_calls_right_after_the_fake_forgot_some() -> None:
    kept: list[AlexaApi] = []
    api = FakeAlexaApi(keep_calls=2)
    with TestClient(_keeping(kept), api=api, raise_handler_errors=False) as client:
        for _ in range(4):
            result = client.launch()
            assert [call.speech for call in result.api_calls] == ["One moment"]
            assert result.progressive == ["One moment"]
        asyncio.run(kept[0].progressive("late one"))
        asyncio.run(kept[1].progressive("late two"))
        asyncio.run(kept[2].progressive("late three"))
        assert [call.speech for call in api.late_progressive] == ["late two", "late three"]


def test_a_long_running_fake_does_not_grow_without_bound() -> None:
    api = FakeAlexaApi()
    with api.answering("r-done"):
        pass
    for _ in range(1010):
        _speak(api, "r-done")
    assert len(api.calls) == 1000
    assert len(api.late_progressive) == 1000


def test_the_fake_refuses_one_string_as_its_permissions_and_reads_any_iterable_once() -> None:
    # permissions="alexa::profile:given_name:read" was a set of characters: nothing granted,
    # without a word; a generator was read by the first call and granted nothing after it.
    from alexaskill import Scope

    with pytest.raises(ValueError, match=r"permissions .*a list of scopes"):
        FakeAlexaApi(permissions=Scope.GIVEN_NAME)
    api = FakeAlexaApi(permissions=(scope for scope in [Scope.GIVEN_NAME]))
    assert api.granted(Scope.GIVEN_NAME) and api.granted(Scope.GIVEN_NAME)
    assert not api.granted(Scope.EMAIL)
    with pytest.raises(ValueError, match="permissions"):
        api.permissions = Scope.EMAIL
    with pytest.raises(ValueError, match=r"permissions\[0\]"):
        api.permissions = [None]  # type: ignore[list-item]
