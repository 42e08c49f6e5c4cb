"""`FakeAlexaApi`'s household lists refuse a blank name or item value, as Alexa's Lists API does:
where the test gives them (`ValueError`), and when the skill adds one (400, as the fake answers
other bad list input)."""

from __future__ import annotations

import json

import anyio
import pytest

from alexaskill.testing import FakeAlexaApi


@pytest.mark.parametrize(
    ("wrong", "said"),
    [
        ({"": ["milk"]}, r"lists has the name '': .*empty"),
        ({"  ": ["milk"]}, r"lists has the name '  ': .*empty"),
        ({"Chores": ["dust", ""]}, r"lists\['Chores'\]\[1\] is '': .*empty"),
        ({"Chores": ["\t "]}, r"lists\['Chores'\]\[0\] is '\\t ': .*empty"),
    ],
)
def test_an_empty_list_name_or_item_value_is_refused(wrong: object, said: str) -> None:
    # Alexa's lists have names and their items values: a blank one was served as given.
    api = FakeAlexaApi(lists={"Chores": ["dust"]})
    with pytest.raises(ValueError, match=said):
        FakeAlexaApi(lists=wrong)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=said):
        api.lists = wrong  # type: ignore[assignment]
    assert api.list_values("Chores") == ["dust"]


def add_item(fake: FakeAlexaApi, value: object) -> tuple[int, bytes]:
    """What the fake answers a skill adding ``value`` to its first list."""
    [list_id, *_] = fake._list_meta
    url = f"https://api.amazonalexa.com/v2/householdlists/{list_id}/items"
    headers = {"Authorization": "Bearer t"}
    body = {"value": value, "status": "active"}
    status, answer, _ = anyio.run(fake.alexa_api_call, "POST", url, headers, body, None)
    return status, answer


@pytest.mark.parametrize("value", ["", "   ", "\n"])
def test_an_empty_item_value_added_is_refused_as_other_bad_list_input(value: str) -> None:
    # The fake took an item of value "" (201), which Alexa's Lists API refuses: answered as the
    # fake answers other bad list input, 400 INVALID_REQUEST, and nothing added.
    fake = FakeAlexaApi()
    status, answer = add_item(fake, value)
    assert status == 400
    refusal = json.loads(answer)
    assert refusal["code"] == "INVALID_REQUEST" and "empty" in refusal["message"]
    assert fake.list_values("Alexa shopping list") == []
    assert add_item(fake, "milk")[0] == 201
    assert fake.list_values("Alexa shopping list") == ["milk"]
