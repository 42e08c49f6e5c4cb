"""`FakeAlexaApi`'s in-skill products read at every level as Amazon's JSON of them: a product given
as an `InSkillProduct` is checked as one given as a mapping is, not served as it was made."""

from __future__ import annotations

import json
from typing import Any

import anyio
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
