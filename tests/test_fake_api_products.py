"""`FakeAlexaApi`'s in-skill products read at every level as Amazon's JSON of them: a product given
as an `InSkillProduct` is checked as one given as a mapping is, not served as it was made."""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx
import pytest

from alexaskill import AlexaApi, InSkillProduct
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory


def products(fake: FakeAlexaApi) -> list[InSkillProduct]:
    """What a handler's `AlexaApi.in_skill_products()` reads from ``fake``."""
    api = AlexaApi(decode_envelope(json.dumps(RequestFactory().intent("Shop"))), client=fake)

    async def main() -> list[InSkillProduct]:
        return await api.in_skill_products()

    return anyio.run(main)


@pytest.mark.parametrize(
    ("wrong", "said"),
    [
        # A struct is not checked when made: served as JSON 5 (the skill's decoding failed,
        # "Expected `str`, got `int`"), as an address or a reminder given so is refused.
        (
            [InSkillProduct(product_id=5)],  # type: ignore[arg-type]
            r"in_skill_products\[0\]\.productId is 5: a string$",
        ),
        (
            [
                {"productId": "p0"},
                InSkillProduct(
                    product_id="p1",
                    active_entitlement_count="1",  # type: ignore[arg-type]
                ),
            ],
            r"in_skill_products\[1\]\.activeEntitlementCount is '1': a whole number$",
        ),
        # (A key of no field, as before: a product has no nested part.)
        ([{"productId": "p1", "nme": "Hints"}], r"in_skill_products\[0\]: 'nme' is no field"),
    ],
)
def test_a_product_of_the_wrong_kind_is_refused_where_it_is_given(
    wrong: list[Any], said: str
) -> None:
    with pytest.raises(ValueError, match=said):
        FakeAlexaApi(in_skill_products=wrong)
    fake = FakeAlexaApi()
    with pytest.raises(ValueError, match=said):
        fake.in_skill_products = wrong
    assert fake.in_skill_products == []  # (the value before stays)


def test_a_product_struct_is_kept_and_served() -> None:
    given = InSkillProduct(product_id="p1", name="Hints", type="ENTITLEMENT", entitled="ENTITLED")
    fake = FakeAlexaApi(in_skill_products=[given, {"product_id": "p2"}])
    assert fake.in_skill_products[0] is given
    assert products(fake) == [given, InSkillProduct(product_id="p2")]


def test_a_wrong_product_struct_put_in_place_is_refused_when_served() -> None:
    fake = FakeAlexaApi()
    fake.in_skill_products.append(InSkillProduct(product_id=5))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"in_skill_products\[0\]\.productId is 5: "):
        products(fake)


def test_a_product_the_fake_does_not_know_is_amazons_404() -> None:
    # The fake answered {"code": "NOT_FOUND"}; the Monetization API's error model (ask-sdk-model's
    # monetization/error.py) is {"message"} alone, for its 400, 401, 404 and 500 alike.
    fake = FakeAlexaApi()
    api = AlexaApi(decode_envelope(json.dumps(RequestFactory().intent("Shop"))), client=fake)

    async def main() -> object:
        return await api.in_skill_product("amzn1.adg.product.unknown")

    assert anyio.run(main) is None
    [made] = fake.calls
    assert made.status == 404
    assert set(made.answer) == {"message"}


def test_a_products_400_is_amazons_message_alone() -> None:
    fake = FakeAlexaApi()
    url = "https://api.amazonalexa.com/v1/users/~current/skills/~current/inSkillProducts"
    headers = {"Authorization": "Bearer t"}
    status, answer, _ = anyio.run(fake.alexa_api_call, "GET", url, headers, None, None)
    assert status == 400
    assert set(json.loads(answer)) == {"message"}


def _page(fake: FakeAlexaApi, **query: str) -> tuple[int, Any]:
    """What ``fake`` answers a get of the products with ``query``: its status and JSON."""
    url = "https://api.amazonalexa.com/v1/users/~current/skills/~current/inSkillProducts"
    headers = {"Authorization": "Bearer t", "Accept-Language": "en-US"}
    status, answer, _ = anyio.run(fake.alexa_api_call, "GET", url, headers, None, query)
    return status, json.loads(answer)


def _ids(page: Any) -> list[str]:
    return [product["productId"] for product in page["inSkillProducts"]]


def test_the_products_come_in_pages_of_100_at_most_as_amazons_do() -> None:
    # Amazon's answer holds 100 products at most, "isTruncated" and a "nextToken" to ask for
    # the rest (ask-sdk-model's MonetizationServiceClient, get_in_skill_products): the fake
    # answered 150 in one page, never truncated, so a skill's paging went untested.
    fake = FakeAlexaApi(in_skill_products=[{"productId": f"p{n}"} for n in range(150)])
    status, first = _page(fake)
    assert (status, _ids(first), first["isTruncated"]) == (200, [f"p{n}" for n in range(100)], True)
    assert isinstance(first["nextToken"], str) and first["nextToken"]
    status, second = _page(fake, nextToken=first["nextToken"])
    assert (status, _ids(second)) == (200, [f"p{n}" for n in range(100, 150)])
    assert (second["isTruncated"], second["nextToken"]) == (False, None)
    # `AlexaApi.in_skill_products` follows the pages: every product, once.
    assert [product.product_id for product in products(fake)] == [f"p{n}" for n in range(150)]


def test_max_results_sets_a_smaller_page_and_a_filter_holds_across_pages() -> None:
    # "maxResults": fewer than the 100 a page holds; the response "will never contain more".
    fake = FakeAlexaApi(
        in_skill_products=[
            {"productId": f"p{n}", "entitled": "ENTITLED" if n % 2 else "NOT_ENTITLED"}
            for n in range(7)
        ]
    )
    status, first = _page(fake, maxResults="2", entitled="ENTITLED")
    assert (status, _ids(first), first["isTruncated"]) == (200, ["p1", "p3"], True)
    status, second = _page(fake, maxResults="2", entitled="ENTITLED", nextToken=first["nextToken"])
    assert (status, _ids(second), second["isTruncated"]) == (200, ["p5"], False)


@pytest.mark.parametrize(
    "query",
    [
        {"maxResults": "0"},
        {"maxResults": "two"},
        {"maxResults": "-1"},
        {"nextToken": "x"},
        # (of the fake's form, but never given: they were taken, for the page from there on)
        {"nextToken": "fake-products-from-0"},
        {"nextToken": "fake-products-from-5"},
    ],
)
def test_a_page_amazon_cannot_give_is_its_400(query: dict[str, str]) -> None:
    # A maxResults that is no whole number from 1 on, or a nextToken the fake never gave: the
    # Monetization API's 400, "Invalid request", its message alone (they were ignored: the
    # whole list answered).
    fake = FakeAlexaApi(in_skill_products=[{"productId": "p1"}])
    status, answer = _page(fake, **query)
    assert status == 400
    assert set(answer) == {"message"}


def test_a_max_results_past_100_gets_a_page_of_100() -> None:
    # (Amazon's answer to one is not documented: the most a page of its holds, as the fake's
    # choice; a number too long for int() is no 500.)
    fake = FakeAlexaApi(in_skill_products=[{"productId": f"p{n}"} for n in range(101)])
    for size in ("101", "9" * 5000):
        status, page = _page(fake, maxResults=size)
        assert (status, len(page["inSkillProducts"]), page["isTruncated"]) == (200, 100, True)


@pytest.mark.parametrize(
    ("query", "status", "size"),
    [("maxResults=300&maxResults=2", 200, 2), ("maxResults=", 400, None)],
)
def test_a_query_is_read_alike_in_process_and_over_http(
    query: str, status: int, size: int | None
) -> None:
    # A parameter sent twice was read by its last value in-process (`alexa_api_call`) and by its
    # first over HTTP (`handle`, so `serve()`), and a blank one dropped in-process, kept over
    # HTTP: the same call got a page of 100 from one and of 2 from the other.
    fake = FakeAlexaApi(in_skill_products=[{"productId": f"p{n}"} for n in range(150)])
    url = f"https://api.amazonalexa.com/v1/users/~current/skills/~current/inSkillProducts?{query}"
    headers = {"Authorization": "Bearer t", "Accept-Language": "en-US"}
    got, answer, _ = anyio.run(fake.alexa_api_call, "GET", url, headers, None, None)
    with httpx.Client(transport=httpx.MockTransport(fake.handle), trust_env=False) as client:
        served = client.get(url, headers=headers)
    assert (got, json.loads(answer)) == (served.status_code, served.json())
    assert got == status
    if size is not None:
        assert len(served.json()["inSkillProducts"]) == size
