"""`FakeAlexaApi` in process: what the test client takes, what it refuses as Alexa would (tokens,
devices), its faults, and its data checked (addresses, lists, products, reminders)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from alexaskill import (
    Address,
    AlexaApi,
    AlexaApiError,
    AlexaApiTimeout,
    InSkillProduct,
    PhoneNumber,
    Skill,
)
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory, TestClient

from .alexa_api_shared import PRODUCTS, _run, api_skill
from .conftest import SKILL_ID

# --- the fake itself ------------------------------------------------------------------------------


def test_the_client_takes_a_fake_or_its_data_not_both() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(TypeError, match="not both"):
        TestClient(skill, api=FakeAlexaApi(), given_name="Ada")
    with pytest.raises(TypeError, match="given_nam"):
        TestClient(skill, given_nam="Ada")
    assert skill.api_client is None


def test_the_fake_is_the_skills_api_until_the_client_closes() -> None:
    skill, seen = api_skill()
    fake = FakeAlexaApi(given_name="Grace")
    with TestClient(skill, api=fake) as client:
        assert client.api is fake
        assert client.intent("Ask", what="given_name").api_calls == tuple(fake.calls)
        fake.given_name = "Ada"  # data can change between requests
        client.intent("Ask", what="given_name")
        assert skill.api_client is not None
    assert seen == ["Grace", "Ada"]
    assert skill.api_client is None


def test_the_fake_refuses_what_alexa_would() -> None:
    fake = FakeAlexaApi(given_name="Ada")

    async def main() -> list[int]:
        async with fake.client() as http:
            base = "https://api.amazonalexa.com"
            statuses = [
                (
                    await http.get(base + "/v2/accounts/~current/settings/Profile.givenName")
                ).status_code,
                (
                    await http.get(base + "/v9/nothing", headers={"Authorization": "Bearer t"})
                ).status_code,
                (
                    await http.post(
                        base + "/v1/directives",
                        json={"directive": {}},
                        headers={"Authorization": "Bearer t"},
                    )
                ).status_code,
                (
                    await http.get(
                        base + "/v1/users/~current/skills/~current/inSkillProducts",
                        headers={"Authorization": "Bearer t"},
                    )
                ).status_code,
            ]
        return statuses

    import anyio

    assert anyio.run(main) == [401, 404, 400, 400]
    assert [call.operation for call in fake.calls] == [
        "given_name",
        None,
        "progressive",
        "in_skill_products",
    ]


def test_the_fake_answers_only_the_token_and_devices_of_the_requests_sent() -> None:
    # Alexa's APIs take the apiAccessToken Alexa sent the skill, and a device's settings only
    # for that device: the fake took any token and any device id, so a skill that sent a
    # wrong one passed its tests and failed on Alexa.
    import anyio

    skill, _ = api_skill()
    fake = FakeAlexaApi(time_zone="Europe/Paris")
    with TestClient(skill, api=fake) as client:
        client.intent("Ask", what="given_name")
        sent = client.factory.intent("Ask", what="given_name")  # (each request its own token)
        client.send_envelope(sent)
    system = sent["context"]["System"]
    token, device = system["apiAccessToken"], system["device"]["deviceId"]

    async def main() -> list[int]:
        base = "https://api.amazonalexa.com"
        asked = [
            (token, device),
            ("a-token-alexa-never-sent", device),
            (token, "amzn1.ask.device.ANOTHER"),
        ]
        async with fake.client() as http:
            return [
                (
                    await http.get(
                        f"{base}/v2/devices/{device_id}/settings/System.timeZone",
                        headers={"Authorization": f"Bearer {bearer}"},
                    )
                ).status_code
                for bearer, device_id in asked
            ]

    assert anyio.run(main) == [200, 401, 403]
    assert "ACCESS_DENIED" in str(fake.calls[-1].answer)  # (the Device Settings API's code)


def test_chat_url_tells_the_fake_the_token_and_device_of_each_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chat --url's transport tells its fake each envelope it sends, as the test client and the
    # simulator do: a skill served elsewhere calling with another token or device is refused
    # there too. (Nothing held this: without it the fake took any token, and no test failed.)
    from .chat_transports import mock_http_transport

    statuses: list[int] = []

    def skill(request: httpx.Request) -> httpx.Response:
        system = json.loads(request.content)["context"]["System"]
        token, device = system["apiAccessToken"], system["device"]["deviceId"]
        for bearer, device_id in ((token, device), ("not-sent", device), (token, "other")):
            url = f"{system['apiEndpoint']}/v2/devices/{device_id}/settings/System.timeZone"
            headers = {"Authorization": f"Bearer {bearer}"}
            status, _, _ = asyncio.run(transport.api.alexa_api_call("GET", url, headers, None, {}))
            statuses.append(status)
        answer = {"version": "1.0", "response": {"shouldEndSession": True}}
        return httpx.Response(200, content=json.dumps(answer).encode())

    transport = mock_http_transport(tmp_path, monkeypatch, skill)
    try:
        transport.send({"type": "LaunchRequest"}, new_session=True)
    finally:
        transport.close()
    assert statuses[1:] == [401, 403]
    assert statuses[0] in (200, 204)


@pytest.mark.parametrize(
    "faults",
    [
        {"given_nme": 503},  # no such operation
        {"given_name": "503"},  # a status as a string
        {"given_name": "time out"},
        {"given_name": 200},  # a success is no fault
        {"given_name": True},
        ["given_name"],
    ],
)
def test_a_fault_the_fake_cannot_make_is_refused_not_ignored(faults: Any) -> None:
    # Ignored, it let a test of the failure path pass on the success path.
    with pytest.raises(ValueError, match="faults"):
        FakeAlexaApi(given_name="Ada", faults=faults)
    fake = FakeAlexaApi(given_name="Ada")
    with pytest.raises(ValueError, match="faults"):
        fake.faults = faults


@pytest.mark.parametrize("transport", ["direct", "http"])
def test_a_fault_may_carry_the_code_and_message_a_test_chooses(transport: str) -> None:
    # Every fault said FAULT: a skill that answers Amazon's MAX_REMINDERS_EXCEEDED or
    # DEVICE_NOT_SUPPORTED its own way could not test that it reads the code.
    fault = {"status": 400, "code": "MAX_REMINDERS_EXCEEDED", "message": "Too many reminders"}
    fake = FakeAlexaApi(faults={"create_reminder": fault, "given_name": {"status": 503}})
    raw = RequestFactory().intent("Ask")
    client = fake if transport == "direct" else fake.client()
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError) as caught:
        _run(api.create_reminder("tea", after=dt.timedelta(minutes=5)))
    error = caught.value
    assert (error.status, error.code) == (400, "MAX_REMINDERS_EXCEEDED")
    assert str(error) == (
        "create_reminder: HTTP 400, refused (MAX_REMINDERS_EXCEEDED, Too many reminders)"
    )
    assert fake.calls[-1].answer == {
        "code": "MAX_REMINDERS_EXCEEDED",
        "message": "Too many reminders",
    }
    assert fake.reminders == []
    # Left out, the code and message are the fake's own, as for a status alone.
    with pytest.raises(AlexaApiError) as caught:
        _run(api.given_name())
    assert (caught.value.status, caught.value.code) == (503, "FAULT")
    assert str(caught.value).endswith("(FAULT, fault injected for given_name)")
    # A Retry-After with it, for a 429 or a 5xx, as (429, 2) sends one.
    fake.faults = {"given_name": {"status": 429, "code": "RATE_EXCEEDED", "retry_after": 2}}
    with pytest.raises(AlexaApiError) as caught:
        _run(api.given_name())
    assert (caught.value.code, caught.value.retry_after) == ("RATE_EXCEEDED", 2.0)


@pytest.mark.parametrize(
    "fault",
    [
        {"code": "MAX_REMINDERS_EXCEEDED"},  # no status
        {"status": 200, "code": "OK"},  # a success is no fault
        {"status": 400, "code": ""},
        {"status": 400, "code": 5},
        {"status": 400, "code": "BAD\nCODE"},
        {"status": 400, "message": None},
        {"status": 400, "retry_after": 2},  # a Retry-After only with a 429 or a 5xx
        {"status": 503, "retry_after": -1},
        {"status": 400, "cod": "TYPO"},  # a key of none: not dropped
    ],
)
def test_a_fault_with_a_code_the_fake_cannot_send_is_refused(fault: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="faults gives 'create_reminder' the fault"):
        FakeAlexaApi(faults={"create_reminder": fault})


def test_a_fault_added_in_place_is_checked_at_the_next_call() -> None:
    fake = FakeAlexaApi(given_name="Ada", faults={})
    fake.faults["given_nme"] = 503  # type: ignore[index]
    raw = RequestFactory().intent("Ask")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=fake)
    with pytest.raises(ValueError, match="given_nme"):
        _run(api.given_name())


@pytest.mark.parametrize("transport", ["direct", "http"])
@pytest.mark.parametrize(
    ("fault", "message"), [("not-json", "does not decode"), ("oversized", "larger than")]
)
def test_the_fake_answers_what_production_may_see(transport: str, fault: str, message: str) -> None:
    # A proxy's HTML page, an answer past the cap: the skill sees the AlexaApiError it would.
    fake = FakeAlexaApi(given_name="Ada", faults={"given_name": fault})
    raw = RequestFactory().intent("Ask")
    client = fake if transport == "direct" else fake.client()
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match=message) as caught:
        _run(api.given_name())
    assert caught.value.status == 200 and not isinstance(caught.value, AlexaApiTimeout)
    assert [(call.operation, call.status) for call in fake.calls] == [("given_name", 200)]


def test_an_oversized_answer_is_recorded_by_its_size_with_thousands_separators() -> None:
    # As the other messages write sizes: "(4194306 bytes of application/json)" was recorded.
    fake = FakeAlexaApi(given_name="Ada", faults={"given_name": "oversized"})
    raw = RequestFactory().intent("Ask")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=fake)
    with pytest.raises(AlexaApiError, match="larger than"):
        _run(api.given_name())
    assert [call.answer for call in fake.calls] == ["(4,194,306 bytes of application/json)"]


@pytest.mark.parametrize("transport", ["direct", "http"])
def test_the_fake_encodes_each_answer_once(transport: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The answer was encoded for the call's record (`ApiCall.answer`: the JSON decoded again),
    # then once more for the bytes sent: twice the work, a page of products and all.
    encode = msgspec.json.encode
    encoded: list[object] = []

    def spy(value: Any, *args: Any, **kwargs: Any) -> bytes:
        encoded.append(value)
        return encode(value, *args, **kwargs)

    fake = FakeAlexaApi(in_skill_products=PRODUCTS)
    raw = RequestFactory().intent("Ask")
    client = fake if transport == "direct" else fake.client()
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    monkeypatch.setattr(msgspec.json, "encode", spy)
    assert _run(api.in_skill_products()) == PRODUCTS
    answers = [value for value in encoded if isinstance(value, dict) and "inSkillProducts" in value]
    assert len(answers) == 1, f"the answer was encoded {len(answers)} times"
    # What the call's record shows is still the JSON the skill read, decoded.
    [call] = fake.calls
    assert call.answer == msgspec.json.decode(encode(answers[0]))


# --- the fake's data ------------------------------------------------------------------------------


def test_the_fakes_address_and_number_take_python_or_amazon_names_and_refuse_others() -> None:
    # A mapping in the Python field names (as Address() takes them) was read in Amazon's
    # camelCase alone: {"postal_code": ...} was dropped, silently, and the skill under test
    # heard "no postal code set". A key of neither is a ValueError, not data lost.
    paris = {"postal_code": "75004", "country_code": "FR", "city": "Paris"}
    number = {"country_code": "+44", "phone_number": "7700900123"}
    for address in (paris, {"postalCode": "75004", "countryCode": "FR", "city": "Paris"}):
        api = FakeAlexaApi(address=address, mobile_number=number)
        assert api.address == Address(postal_code="75004", country_code="FR", city="Paris")
        assert api.mobile_number == PhoneNumber(country_code="+44", phone_number="7700900123")
    with pytest.raises(ValueError, match=r"'postcode' is no field of Address"):
        FakeAlexaApi(address={"postcode": "75004"})
    api = FakeAlexaApi()
    with pytest.raises(ValueError, match=r"'number' is no field of PhoneNumber"):
        api.mobile_number = {"number": "7700900123"}


def test_the_fakes_products_take_python_or_amazon_names_and_refuse_others() -> None:
    # As for the address: {"product_id": ...} was dropped at each answer, the product's id "".
    for given in ({"product_id": "p1", "name": "Hints"}, {"productId": "p1", "name": "Hints"}):
        api = FakeAlexaApi(in_skill_products=[given])
        assert api.in_skill_products == [InSkillProduct(product_id="p1", name="Hints")]
    with pytest.raises(ValueError, match=r"in_skill_products\[1\]: 'productid' is no field"):
        FakeAlexaApi(in_skill_products=[given, {"productid": "p2"}])


def test_the_fakes_address_given_as_a_mapping_is_an_address_however_it_is_given() -> None:
    # The operations read `address` as an Address: every way in (creation, assignment,
    # dataclasses.replace, a copy) goes through `_given`, which converts a mapping.
    import copy
    import dataclasses

    api = FakeAlexaApi(address={"postalCode": "75004", "countryCode": "FR"})
    api.address = {"postal_code": "10115", "country_code": "DE"}
    made = (api, dataclasses.replace(api, address={"postalCode": "10115", "countryCode": "DE"}))
    for fake in (*made, copy.copy(api)):
        assert fake.address == Address(postal_code="10115", country_code="DE")
        request = httpx.Request(
            "GET",
            "https://api.amazonalexa.com/v1/devices/d/settings/address/countryAndPostalCode",
            headers={"Authorization": "Bearer any-token"},
        )
        answer = fake.handle(request)
        assert answer.json() == {"countryCode": "DE", "postalCode": "10115"}


def test_the_fakes_list_of_one_string_is_refused_not_read_letter_by_letter() -> None:
    # {"Alexa shopping list": "milk"} made four items, "m", "i", "l" and "k".
    with pytest.raises(ValueError, match=r"'Alexa shopping list'.*a list of values"):
        FakeAlexaApi(lists={"Alexa shopping list": "milk"})
    api = FakeAlexaApi(lists={"Alexa shopping list": ("milk", "eggs")})
    assert api.list_values("Alexa shopping list") == ["milk", "eggs"]


@pytest.mark.parametrize(
    ("wrong", "said"),
    [
        ({"Chores": [5]}, r"lists\['Chores'\]\[0\] is 5: a value is a string"),
        ({"Chores": ["dust", None]}, r"lists\['Chores'\]\[1\] is None: a value is a string"),
        ({5: ["dust"]}, r"lists has the name 5: a list's name is a string"),
    ],
)
def test_a_list_name_or_value_that_is_no_string_is_refused(wrong: object, said: str) -> None:
    # {"Chores": [5]} was served as an item whose value was 5, and a name 5 as a list named 5:
    # Amazon's are strings, and a skill reading them met what Alexa never sends.
    api = FakeAlexaApi(lists={"Chores": ["dust"]})
    with pytest.raises(ValueError, match=said):
        FakeAlexaApi(lists=wrong)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=said):
        api.lists = wrong  # type: ignore[assignment]
    assert api.list_values("Chores") == ["dust"]
    # Values given as an iterator are read once, when checked, and the items kept.
    api.lists = {"Chores": (v for v in ["dust", "sweep"])}  # type: ignore[dict-item]
    assert api.list_values("Chores") == ["dust", "sweep"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_lists_reassigned_during_a_list_call_answer_from_the_new_lists_whole(
    method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A test reassigning `lists` while a skill's call ran (a threaded server) could land
    # between the call's look-up of the list and its read of the items: a KeyError out of the
    # fake. The hook between the two (`_date_given`) reassigns them here, deterministically.
    fake = FakeAlexaApi(lists={"Chores": ["dust"]})
    [list_id] = fake._list_meta
    date_given = fake._date_given

    def reassigning(headers: Any) -> None:
        fake.lists = {"Alexa shopping list": ["milk"]}  # ("Chores" and its id gone)
        date_given(headers)

    monkeypatch.setattr(fake, "_date_given", reassigning)
    path = "active" if method == "GET" else "items"
    body = {"value": "sweep", "status": "active"} if method == "POST" else None
    request = httpx.Request(
        method,
        f"https://api.amazonalexa.com/v2/householdlists/{list_id}/{path}",
        json=body,
        headers={"Authorization": "Bearer any-token"},
    )
    response = fake.handle(request)
    assert response.status_code == 404, response.text  # the list is no more
    assert fake.list_values("Alexa shopping list") == ["milk"]


@pytest.mark.parametrize(
    ("product_type", "said"),
    [
        ("consumable", r"product_type.*'consumable'.*did you mean 'CONSUMABLE'"),
        ("ONE_TIME", r"product_type.*'ONE_TIME'.*ENTITLEMENT, SUBSCRIPTION or CONSUMABLE"),
        ("", r"product_type.*''"),
    ],
)
def test_a_product_type_amazon_does_not_define_is_a_value_error_unsent(
    product_type: str, said: str
) -> None:
    # Amazon's product types are ENTITLEMENT, SUBSCRIPTION and CONSUMABLE (its In-Skill
    # Product schema). product_type="consumable" went out as sent, and the fake answered no
    # product at all: a test of "nothing to buy" passed on a typo.
    fake = FakeAlexaApi(in_skill_products=PRODUCTS)
    raw = RequestFactory().intent("Shop")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=fake)
    with pytest.raises(ValueError, match=said):
        _run(api.in_skill_products(product_type=product_type))
    assert fake.calls == []
    # A type is said with its article ("not a int", "a int would be read" were said).
    with pytest.raises(TypeError, match=r"product_type.*not an int"):
        _run(api.in_skill_products(product_type=1))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"entitled= is True or False.*not 1: an int would be"):
        _run(api.in_skill_products(entitled=1))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"add_list_item takes the item's value, a str, not an int"):
        _run(api.add_list_item("list-1", 5))  # type: ignore[arg-type]


def test_the_fake_refuses_a_product_type_amazon_does_not_define() -> None:
    # A skill that sends its own calls (in another process) got an empty list for a typo.
    api = FakeAlexaApi(in_skill_products=PRODUCTS)
    url = "https://api.amazonalexa.com/v1/users/~current/skills/~current/inSkillProducts"
    headers = {"Authorization": "Bearer t", "Accept-Language": "en-US"}
    refused = api.handle(httpx.Request("GET", url + "?productType=consumable", headers=headers))
    assert refused.status_code == 400
    assert "ENTITLEMENT, SUBSCRIPTION or CONSUMABLE" in refused.json()["message"]
    taken = api.handle(httpx.Request("GET", url + "?productType=CONSUMABLE", headers=headers))
    assert [p["name"] for p in taken.json()["inSkillProducts"]] == ["Hint pack"]


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({"productId": "p", "type": "consumable"}, r"in_skill_products\[0\].*type.*'consumable'"),
        ({"productId": "p", "entitled": "yes"}, r"in_skill_products\[0\].*entitled.*'yes'"),
        ({"productId": "p", "purchasable": True}, r"in_skill_products\[0\].*purchasable"),
    ],
)
def test_the_fakes_products_refuse_values_amazon_never_answers(
    given: dict[str, Any], said: str
) -> None:
    # A product given the type "consumable" was never listed for productType=CONSUMABLE, nor
    # one entitled "yes" for entitled=True: the test's data was silently no product of Amazon's.
    with pytest.raises(ValueError, match=said):
        FakeAlexaApi(in_skill_products=[given])


@pytest.mark.parametrize(
    ("added", "said"),
    [
        ({"productId": "p2", "type": "consumable"}, r"in_skill_products\[1\].*type.*'consumable'"),
        ({"productid": "p2"}, r"in_skill_products\[1\]: 'productid' is no field"),
        (InSkillProduct(product_id="p2", entitled="yes"), r"in_skill_products\[1\].*entitled"),
    ],
)
def test_a_product_added_in_place_is_checked_when_the_products_are_served(
    added: Any, said: str
) -> None:
    # Only an assignment of in_skill_products was checked: a product appended to the list went
    # out as given (a "consumable" never listed for CONSUMABLE, a typo's key dropped).
    fake = FakeAlexaApi(in_skill_products=[{"productId": "p1", "type": "CONSUMABLE"}])
    fake.in_skill_products.append(added)
    raw = RequestFactory().intent("Shop")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=fake)
    with pytest.raises(ValueError, match=said):
        _run(api.in_skill_products())
    with pytest.raises(ValueError, match=said):
        _run(api.in_skill_product("p1"))


def test_a_product_added_in_place_in_python_names_is_served() -> None:
    fake = FakeAlexaApi()
    fake.in_skill_products.append({"product_id": "p2", "name": "Hints"})  # type: ignore[arg-type]
    raw = RequestFactory().intent("Shop")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=fake)
    [product] = _run(api.in_skill_products())
    assert (product.product_id, product.name) == ("p2", "Hints")


def test_the_fakes_products_and_reminders_of_none_are_none_and_other_kinds_refused() -> None:
    # in_skill_products=None (as lists=None, address=None: nothing set) was kept as None and
    # failed the skill's call deep in the fake ("'NoneType' object is not iterable"), as did
    # reminders=None at get_reminders; a string or a lone product failed there too, unnamed.
    fake = FakeAlexaApi(in_skill_products=None, reminders=None)
    assert fake.in_skill_products == [] and fake.reminders == []
    raw = RequestFactory().intent("Shop")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=fake)
    assert _run(api.in_skill_products()) == []
    assert _run(api.get_reminders()) == []
    for wrong in ("premium", {"productId": "p1"}, 5):
        with pytest.raises(ValueError, match=r"in_skill_products .*a list of products"):
            FakeAlexaApi(in_skill_products=wrong)  # type: ignore[arg-type]
    for wrong in ("soon", 5):
        with pytest.raises(ValueError, match=r"reminders .*a list of Reminder"):
            FakeAlexaApi(reminders=wrong)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"in_skill_products\[0\] is 'premium'"):
        FakeAlexaApi(in_skill_products=["premium"])  # type: ignore[list-item]
