"""What `AlexaApi` refuses before sending anything: an endpoint that is no URL for the list
calls, a list item status that is not Amazon's, an argument of the wrong type, a blank id in a
path; each an error of its own, the request unsent. (Split from tests/test_services_failures.py.)
"""

from __future__ import annotations

import json
import re
from typing import Any

import anyio
import httpx
import pytest

from alexaskill import AlexaApi, AlexaApiError
from alexaskill.models import decode_envelope
from alexaskill.testing import RequestFactory

from .services_shared import api_with


@pytest.mark.parametrize(
    ("method", "args"),
    [("lists", ()), ("list_items", ("L",)), ("add_list_item", ("L", "milk"))],
)
def test_list_calls_refuse_an_endpoint_that_is_no_url_unsent(
    method: str, args: tuple[str, ...]
) -> None:
    # The List Management API's own host is chosen from the endpoint before it is checked: an
    # unclosed "[" (a forged request's) was a bare ValueError from urlsplit, which a skill's
    # `except AlexaApiError` missed; it is the endpoint's refusal, as for every other call.
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    envelope = RequestFactory().intent("Ask")
    envelope["context"]["System"]["apiEndpoint"] = "http://[::1"
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(envelope)), client=client)

    async def main() -> None:
        try:
            with pytest.raises(AlexaApiError, match="is not Alexa's"):
                await getattr(api, method)(*args)
        finally:
            await client.aclose()

    anyio.run(main)
    assert sent == []


@pytest.mark.parametrize("method", ["list_items", "add_list_item"])
@pytest.mark.parametrize("status", ["done", "Active", "active/../x", ""])
def test_a_list_item_status_not_amazons_is_a_value_error_unsent(method: str, status: str) -> None:
    # list_items("done") got a 404 naming no status, add_list_item(..., "done") Amazon's 400:
    # Amazon's item status is "active" or "completed", as the docstrings say.
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"items": []})

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = api_with(client)

    async def main() -> None:
        call = getattr(api, method)
        args = ("list-1", "eggs") if method == "add_list_item" else ("list-1",)
        try:
            with pytest.raises(ValueError, match=r"'active' or 'completed'"):
                await call(*args, status=status)
        finally:
            await client.aclose()

    anyio.run(main)
    assert sent == []


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("in_skill_products", {"entitled": "NOT_ENTITLED"}),  # Amazon's word: sent as ENTITLED
        ("in_skill_products", {"purchasable": "no"}),
        ("in_skill_products", {"entitled": 0}),
        ("add_list_item", {"list_id": "list-1", "value": 12}),  # an AMAZON.NUMBER slot's int
    ],
)
def test_an_argument_of_the_wrong_type_is_a_type_error_unsent(
    method: str, kwargs: dict[str, Any]
) -> None:
    # A str for entitled= was truthy: "NOT_ENTITLED" asked Alexa for the ENTITLED products,
    # the opposite, with no error; an int list item value got Amazon's 400.
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"inSkillProducts": [], "isTruncated": False})

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = api_with(client)

    async def main() -> None:
        try:
            with pytest.raises(TypeError, match=r"True or False|a str"):
                await getattr(api, method)(**kwargs)
        finally:
            await client.aclose()

    anyio.run(main)
    assert sent == []


@pytest.mark.parametrize(
    ("method", "args", "name"),
    [
        ("list_items", ("  ",), "list_id"),
        ("add_list_item", ("\t", "milk"), "list_id"),
        ("list_items", ("", "completed"), "list_id"),
        ("in_skill_product", (" ",), "product_id"),
        ("delete_reminder", ("  ",), "alert_token"),
        ("get_reminder", ("  ",), "alert_token"),
    ],
)
def test_a_blank_id_in_a_path_is_a_value_error_unsent(
    method: str, args: tuple[str, ...], name: str
) -> None:
    # "  " was sent as /v2/householdlists/%20%20/active: an id of no characters but spaces,
    # which Amazon answers 404 (in_skill_product: None, "no such product"), naming nothing.
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(404, json={"code": "NOT_FOUND", "message": "no such list"})

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = api_with(client)

    async def main() -> None:
        try:
            with pytest.raises(ValueError, match=f"^{name} is {re.escape(repr(args[0]))}: "):
                await getattr(api, method)(*args)
        finally:
            await client.aclose()

    anyio.run(main)
    assert sent == []
