"""`FakeAlexaApi`'s household lists refuse a blank name or item value, as Alexa's Lists API does:
where the test gives them (`ValueError`), and when the skill adds one (400, as the fake answers
other bad list input); a list it does not know is Amazon's 404 ``ObjectNotFound``."""

from __future__ import annotations

import json
from typing import Any

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
    # fake answers other bad list input, 400 (the message alone: `_bad_request`), and nothing
    # added.
    fake = FakeAlexaApi()
    status, answer = add_item(fake, value)
    assert status == 400
    refusal = json.loads(answer)
    assert set(refusal) == {"message"} and "empty" in refusal["message"]
    assert fake.list_values("Alexa shopping list") == []
    assert add_item(fake, "milk")[0] == 201
    assert fake.list_values("Alexa shopping list") == ["milk"]


#: What Amazon's List Management API answers for a list (or item) it does not know: a 404 whose
#: body is its ``Error`` model, ``{"type", "message"}``, typed ``ObjectNotFound``
#: (ask-sdk-model's ListManagementServiceClient and its ``list_management/error.py``).
_LIST_CALLS = {
    "list_items": lambda api: api.list_items("bm8tc3VjaC1saXN0"),
    "add_list_item": lambda api: api.add_list_item("bm8tc3VjaC1saXN0", "milk"),
}


@pytest.mark.parametrize("operation", sorted(_LIST_CALLS))
def test_a_list_the_fake_does_not_know_is_amazons_object_not_found(operation: str) -> None:
    # The fake answered {"code": "NOT_FOUND"}, a code of its own: a skill that told a missing
    # list by it passed its tests and missed Amazon's answer.
    from alexaskill import AlexaApi, AlexaApiError

    fake = FakeAlexaApi()
    api = AlexaApi(_envelope(), client=fake)
    with pytest.raises(AlexaApiError) as caught:
        anyio.run(lambda: _LIST_CALLS[operation](api))
    error = caught.value
    assert (error.operation, error.status, error.code) == (operation, 404, "ObjectNotFound")
    assert str(error).startswith(f"{operation}: HTTP 404, not found (ObjectNotFound, ")
    [made] = fake.calls
    assert made.answer == {"type": "ObjectNotFound", "message": "no such list"}


def test_the_client_reads_amazons_object_not_found_for_a_list() -> None:
    import httpx

    from alexaskill import AlexaApi, AlexaApiError

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"type": "ObjectNotFound", "message": "List not found"})

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(_envelope(endpoint="http://127.0.0.1:9"), client=client)
    with pytest.raises(AlexaApiError) as caught:
        anyio.run(lambda: api.list_items("bm8tc3VjaC1saXN0"))
    assert (caught.value.status, caught.value.code) == (404, "ObjectNotFound")
    assert "(ObjectNotFound, List not found)" in str(caught.value)


def _envelope(endpoint: str | None = None) -> Any:
    from alexaskill.models import decode_envelope
    from alexaskill.testing import RequestFactory

    raw = RequestFactory().intent("Shop")
    if endpoint is not None:
        raw["context"]["System"]["apiEndpoint"] = endpoint
    return decode_envelope(json.dumps(raw))


def test_a_list_403_with_the_scope_granted_names_amazons_message() -> None:
    # A 403 of the lists though the user granted the scope (Amazon's token refused, as in the
    # Node SDK's issue 683): the error said nothing of Amazon's reason.
    import httpx

    from alexaskill import AlexaApi, AlexaApiError, PermissionRequired

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"Message": "Request is not authorized."})

    raw = _raw()
    scopes = {"read::alexa:household:list": {"status": "GRANTED"}}
    raw["context"]["System"]["user"]["permissions"] = {"scopes": scopes}
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(_decoded(raw), client=client)
    with pytest.raises(AlexaApiError) as caught:
        anyio.run(api.lists)
    assert not isinstance(caught.value, PermissionRequired)
    assert "Request is not authorized." in str(caught.value)


#: What the fake answers a list call the user has not granted the scope of: Amazon's models
#: (ask-sdk-model's ListManagementServiceClient): {"Message"} for the lists' metadata
#: (ForbiddenError), {"type", "message"} for the others (Error, whose type is not named).
_REFUSED_BODY_KEYS = {"lists": {"Message"}, "list_items": {"message"}, "add_list_item": {"message"}}


@pytest.mark.parametrize("operation", sorted(_REFUSED_BODY_KEYS))
def test_a_list_call_not_granted_is_answered_as_amazon_does(operation: str) -> None:
    # The fake answered {"code": "FORBIDDEN"}: a code of its own, in no model of the API.
    from alexaskill import AlexaApi, PermissionRequired

    fake = FakeAlexaApi(permissions=[])
    api = AlexaApi(_envelope(), client=fake)
    call = api.lists if operation == "lists" else lambda: _LIST_CALLS[operation](api)
    with pytest.raises(PermissionRequired):
        anyio.run(call)
    [made] = fake.calls
    assert made.status == 403
    assert set(made.answer) == _REFUSED_BODY_KEYS[operation]
    assert "has not granted" in next(iter(made.answer.values()))


def _raw() -> Any:
    from alexaskill.testing import RequestFactory

    return RequestFactory().intent("Shop")


def _decoded(raw: Any) -> Any:
    from alexaskill.models import decode_envelope

    return decode_envelope(json.dumps(raw))


def test_a_list_is_answered_with_links_null_as_amazon_answers_it() -> None:
    # {"links": {}}: an object where Amazon's model has one to page by (ask-sdk-model's
    # AlexaList.links, a Links with a next), though the fake gives every item in one answer and
    # Amazon's get list takes no token to page by; Amazon answers null there
    # (alexa/alexa-skills-kit-sdk-for-nodejs issue 700).
    fake = FakeAlexaApi(lists={"Chores": ["dust", "sweep"]})
    [list_id] = fake._list_meta
    url = f"https://api.amazonalexa.com/v2/householdlists/{list_id}/active"
    headers = {"Authorization": "Bearer t"}
    status, answer, _ = anyio.run(fake.alexa_api_call, "GET", url, headers, None, None)
    assert status == 200
    read = json.loads(answer)
    assert read["links"] is None
    assert [item["value"] for item in read["items"]] == ["dust", "sweep"]


def test_a_long_item_value_is_taken_and_every_item_answered_at_once() -> None:
    # No Amazon page gives a longest item value, a page size or a paging rule for a list (a
    # user reports 100 items answered, links null: Node SDK issue 700): the fake sets none of
    # its own, which would refuse, or cut short, what Amazon may take (`api_lists`).
    fake = FakeAlexaApi(lists={"Chores": [f"chore {n}" for n in range(150)]})
    long_value = "dust " * 2_000
    assert add_item(fake, long_value)[0] == 201
    [list_id] = fake._list_meta
    url = f"https://api.amazonalexa.com/v2/householdlists/{list_id}/active"
    headers = {"Authorization": "Bearer t"}
    status, answer, _ = anyio.run(fake.alexa_api_call, "GET", url, headers, None, None)
    read = json.loads(answer)
    assert (status, read["links"], len(read["items"])) == (200, None, 151)
    assert read["items"][-1]["value"] == long_value
