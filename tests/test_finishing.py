"""What `alexaskill.finishing` checks of the attributes before a hook given them runs (so that a
value their save refuses names who set it), and what their save takes of that check."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from alexaskill import Response, Skill, speak
from alexaskill.exceptions import ResponseError
from alexaskill.store import Attributes, MemoryStore
from alexaskill.store.attributes import _StoredAttributes
from alexaskill.testing import TestClient

from .conftest import SKILL_ID


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each check of stored attributes made from now on (the kind checked), in order."""
    checked: list[str] = []
    check = _StoredAttributes._check

    def counted(self: _StoredAttributes) -> Any:
        checked.append(type(self).__name__)
        return check(self)

    monkeypatch.setattr(_StoredAttributes, "_check", counted)
    return checked


def test_attributes_a_hook_only_reads_are_checked_once_before_their_save(
    skill_client: Callable[..., TestClient], checks: list[str]
) -> None:
    # Before an after-request hook given the attributes, what the handler left is checked (so that
    # a value the save refuses names who set it); the save checked it all again, though the hook
    # set nothing: that check's answer is the save's now.
    store = MemoryStore()
    skill = Skill(SKILL_ID, store=store)
    checked = checks

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        attributes["city"] = f"Paris {len(checked)}"
        return speak(f"Visit {attributes.increment('visits')}.")

    @skill.after_request
    def after(attributes: Attributes) -> None:
        assert attributes["city"]

    client = skill_client(skill)
    assert client.launch().speech == "Visit 1." and client.launch().speech == "Visit 2."
    assert checked == ["Attributes", "Attributes"]
    assert list(store._data.values()) == [{"city": '"Paris 1"', "visits": "2"}]


def test_attributes_holding_a_list_a_hook_only_reads_are_checked_once_before_their_save(
    skill_client: Callable[..., TestClient], checks: list[str]
) -> None:
    # The check before the hook was the save's only while every value was a scalar (none can
    # change in place): a user holding a list paid the whole check twice though nothing
    # changed. The save now takes it if each list or dict encodes as the check saw it.
    store = MemoryStore()
    skill = Skill(SKILL_ID, store=store)
    checked = checks

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        attributes.setdefault("visited", []).append(f"City {len(checked)}")
        attributes["city"] = {"name": "Paris"}
        return speak(f"Visit {attributes.increment('visits')}.")

    @skill.after_request
    def after(attributes: Attributes) -> None:
        assert attributes["visited"] and attributes["city"]

    client = skill_client(skill)
    assert client.launch().speech == "Visit 1." and client.launch().speech == "Visit 2."
    assert checked == ["Attributes", "Attributes"]
    [saved] = store._data.values()
    assert saved == {"visited": '["City 0","City 1"]', "city": '{"name":"Paris"}', "visits": "2"}


@pytest.mark.parametrize("change", ["set", "in place", "deleted"])
def test_attributes_a_hook_changes_after_their_check_are_checked_again(
    skill_client: Callable[..., TestClient], change: str
) -> None:
    # The check before the hook is the save's only while nothing could change since: a value
    # set, a list changed in place or a value deleted by the hook is checked (and saved) as it is.
    store = MemoryStore()
    skill = Skill(SKILL_ID, store=store)

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        attributes["city"], attributes["country"] = "Paris", "France"
        if change == "in place":
            attributes["list"] = [1]
        return speak("Welcome.")

    @skill.after_request
    def after(attributes: Attributes) -> None:
        if change == "set":
            attributes["city"] = float("inf")  # JSON holds none (a float: no change in place)
        elif change == "in place":
            attributes["list"].append({1})
        else:
            del attributes["city"]

    client = skill_client(skill)
    if change == "deleted":
        assert client.launch().speech == "Welcome."
        assert list(store._data.values()) == [{"country": '"France"'}]
        return
    with pytest.raises(ResponseError, match=f"attribute '{'city' if change == 'set' else 'list'}'"):
        client.launch()
    assert store._data == {}


def test_a_key_a_hook_changes_in_place_to_one_json_writes_alike_is_refused(
    skill_client: Callable[..., TestClient],
) -> None:
    # The save took the check before the hook while each dict encoded as it saw it: a key the
    # hook made an int in place ({"1": …} to {1: …}) writes the same JSON, so the key check was
    # skipped and the save made it "1" without a word (it refuses one: JSON keys are strings).
    store = MemoryStore()
    skill = Skill(SKILL_ID, store=store)

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        attributes["scores"] = {"1": "gold"}
        return speak("Welcome.")

    @skill.after_request
    def after(attributes: Attributes) -> None:
        scores = attributes["scores"]
        scores[1] = scores.pop("1")

    with pytest.raises(ResponseError, match=r"attribute 'scores' .* has the key 1 "):
        skill_client(skill).launch()
    assert store._data == {}


def test_a_failure_of_the_check_before_a_hook_that_is_no_refusal_is_said(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The check before a hook given the attributes took any exception for a value the save
    # refuses (the save says it when it comes): a bug of the check itself, which the save's own
    # check did not meet again, went unsaid, the reply sent. It is the request's failure now.
    store = MemoryStore()
    skill = Skill(SKILL_ID, store=store)
    check = _StoredAttributes._check
    calls: list[str] = []

    def failing_once(self: _StoredAttributes) -> Any:
        calls.append(type(self).__name__)
        if len(calls) == 1:
            raise KeyError("a bug of the check")
        return check(self)

    monkeypatch.setattr(_StoredAttributes, "_check", failing_once)

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        attributes["city"] = "Paris"
        return speak("Welcome.")

    @skill.after_request
    def after(attributes: Attributes) -> None:
        attributes["country"] = "France"

    with (
        TestClient(skill, raise_handler_errors=False) as client,
        caplog.at_level(logging.ERROR, "alexaskill"),
    ):
        result = client.launch()
    assert isinstance(result.handler_error, KeyError), result.handler_error
    assert store._data == {}
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info is not None and record.exc_info[1] is result.handler_error
