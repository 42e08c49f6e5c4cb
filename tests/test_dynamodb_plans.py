"""The UpdateItem a `DynamoDBStore`'s ``check_update`` makes, kept for the ``update`` after it
(`dynamodb.plans`): taken only by the update of what it was made for, and gone with its
changes."""

from __future__ import annotations

from typing import Any

import pytest

from alexaskill import Skill, speak
from alexaskill.responses import Response
from alexaskill.store import Attributes, DeviceAttributes, base, checked_changes

from .conftest import SKILL_ID


def _checked(changes: dict[str, Any]) -> checked_changes._Checked:
    """``changes`` as `Attributes` checks them before a save (`check_saves`)."""
    texts = {name: base._encode(name, value) for name, value in changes.items()}
    sizes = {name: len(text) for name, text in texts.items()}
    return checked_changes._checked_changes(changes, texts, True, sizes)


def test_a_plan_kept_for_an_update_that_never_comes_goes_with_its_changes() -> None:
    # The plan a DynamoDB check made is kept for the save's update, by the store now (it was
    # a slot of the changes, on every store's `_Checked`): not past the changes' life, holding
    # their values, where the update never came (another kind's check refused the save).
    import gc

    from alexaskill.dynamodb import DynamoDBStore

    from .fake_dynamodb import RecordingClient

    store = DynamoDBStore("table", client=RecordingClient())
    checked = _checked({"basket": [1, 2], "n": 1})
    store.check_update(checked, ())
    assert len(store._plans) == 1
    del checked
    gc.collect()
    assert store._plans == {}


@pytest.mark.anyio
async def test_a_plan_kept_is_taken_only_by_an_update_of_what_it_was_made_for() -> None:
    # The store keeps a check's plan by the id of the changes: an update deleting or adding
    # what the check did not builds its own, and so does one whose changes have the id of
    # changes gone (a plan left under it: the weak reference's callback not run yet).
    from alexaskill.dynamodb import DynamoDBStore

    from .fake_dynamodb import RecordingClient

    client = RecordingClient()
    store = DynamoDBStore("table", client=client)
    first, second = _checked({"a": 1}), _checked({"b": 2})
    store.check_update(first, ())
    await store.update("user", first, ["gone"], increments={"n": 1})
    store.check_update(first, ())
    store._plans[id(second)] = store._plans.pop(id(first))
    await store.update("user", second, ())
    sent = [
        sorted(call["ExpressionAttributeNames"].values())
        for call in client.calls
        if "UpdateExpression" in call
    ]
    assert sent == [
        ["a", "alexaskill_saved_at", "attributes", "gone", "n"],
        ["alexaskill_saved_at", "attributes", "b"],
    ]


@pytest.mark.anyio
async def test_a_plan_kept_outlasts_a_second_check_of_the_same_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A second `check_update` of the same changes took the plan the first had kept, and kept
    # none: the update that followed built the UpdateItem again (time only: the same one).
    from alexaskill.dynamodb import DynamoDBStore, plans, update

    from .fake_dynamodb import RecordingClient

    made: list[Any] = []

    def spy(*args: Any) -> Any:
        made.append(update._plan(*args))
        return made[-1]

    monkeypatch.setattr(plans, "_plan", spy)
    client = RecordingClient()
    store = DynamoDBStore("table", client=client)
    checked = _checked({"a": 1})
    store.check_update(checked, ())
    store.check_update(checked, ())
    await store.update("user", checked, ())
    [sent] = [call for call in client.calls if "UpdateExpression" in call]
    assert sent["ExpressionAttributeNames"]["#n0"] == "a"
    assert len(made) == 1
    assert store._plans == {}  # (taken by the update)


def test_a_plan_s_callback_called_late_leaves_a_later_plan_under_the_same_id() -> None:
    # The weak reference's callback popped the plan kept under its changes' id, whatever plan
    # was there: called late (after a plan for other changes, given that id once the first were
    # gone, took its place), it dropped that one. It drops its own plan only.
    import weakref

    from alexaskill.dynamodb import DynamoDBStore

    from .fake_dynamodb import RecordingClient

    store = DynamoDBStore("table", client=RecordingClient())
    first, second = _checked({"a": 1}), _checked({"b": 2})
    store.check_update(first, ())
    [(ref, made, plan)] = store._plans.values()
    late = ref.__callback__
    assert late is not None
    later = (weakref.ref(second), made, plan)
    store._plans[id(first)] = later  # (a plan of second's, as if it had been given first's id)
    late(ref)
    assert store._plans == {id(first): later}
    store._plans[id(first)] = (ref, made, plan)
    late(ref)  # on time: its own plan goes
    assert store._plans == {}


def test_a_dynamodb_save_s_update_item_is_built_once_when_checked_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A handler that changed two kinds of attributes has each checked before any is saved
    # (`check_saves`): the DynamoDB store's `check_update` built the save's UpdateItem (its
    # expressions, each value made DynamoDB's), then its `update` built it all again. The one
    # built for the check is the one sent.
    from alexaskill.dynamodb import DynamoDBStore, plans, update
    from alexaskill.testing import TestClient

    from .fake_dynamodb import RecordingClient

    planned: list[Any] = []
    plan = update._plan

    def spy(*args: Any) -> Any:
        made = plan(*args)
        planned.append(made)
        return made

    monkeypatch.setattr(plans, "_plan", spy)
    client = RecordingClient()
    skill = Skill(SKILL_ID, store=DynamoDBStore("table", client=client))

    @skill.intent("Order")
    def order(attributes: Attributes, device: DeviceAttributes) -> Response:
        attributes["basket"] = [{"item": i} for i in range(50)]
        device["room"] = "kitchen"
        attributes.increment("orders")
        return speak("Ordered.")

    with TestClient(skill) as test_client:
        assert test_client.intent("Order").speech == "Ordered."
    sent = [call for call in client.calls if "UpdateExpression" in call]
    assert len(planned) == len(sent) == 2  # one a kind of attributes
    for made, call in zip(planned, sent, strict=True):  # (the loads found no map: made whole)
        assert call["ExpressionAttributeValues"][":m"] == {"M": made.whole}
