"""`FakeAlexaApi`'s refusals in the error model of the API refused, as Amazon's own models give
them (ask-sdk-model, alexa/alexa-apis-for-python, .../ask_sdk_model/services/): ``{"code",
"message"}`` for the Customer Profile and Device Settings APIs (``ups/error.py``) and the
Reminders API (``reminder_management/error.py``); ``{"type", "message"}`` for the Device Address
and List Management APIs, whose ``type`` no source names for these refusals (so the message is
sent alone); ``{"message"}`` for the Monetization API; the directive API's numeric ``code``
named by no source either."""

from __future__ import annotations

import json
from typing import Any, Final

import anyio
import pytest

from alexaskill.alexa_api import Scope
from alexaskill.testing import FakeAlexaApi, RequestFactory

_PRODUCTS = "/v1/users/~current/skills/~current/inSkillProducts"
#: One call to each API, by the id its test is run under: its method and path.
_APIS: Final = {
    "profile": ("GET", "/v2/accounts/~current/settings/Profile.email"),
    "settings": ("GET", "/v2/devices/{device}/settings/System.timeZone"),
    "reminders": ("GET", "/v1/alerts/reminders"),
    "address": ("GET", "/v1/devices/{device}/settings/address"),
    "lists": ("GET", "/v2/householdlists/"),
    "products": ("GET", _PRODUCTS),
    "directives": ("POST", "/v1/directives"),
}


def _each_api(**keys: set[str]) -> pytest.MarkDecorator:
    """A test run once a call of `_APIS`, with the keys of the error body its API answers
    (``keys``, by the API's id: every one named)."""
    assert keys.keys() == _APIS.keys()
    rows = [(*_APIS[api], keys[api]) for api in _APIS]
    return pytest.mark.parametrize(("method", "path", "keys"), rows, ids=list(_APIS))


def _call(
    fake: FakeAlexaApi, method: str, path: str, token: str, body: object = None
) -> tuple[int, Any]:
    """What ``fake`` answers a call to ``path`` with ``token``: its status and JSON body."""
    url = f"https://api.amazonalexa.com{path}"
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en-US"}
    status, answer, _ = anyio.run(fake.alexa_api_call, method, url, headers, body, None)
    return status, json.loads(answer) if answer else None


def _sent(fake: FakeAlexaApi) -> tuple[str, str]:
    """A request sent through ``fake``: its token and device."""
    envelope = RequestFactory().intent("Ask")
    fake.issued(envelope)
    system = envelope["context"]["System"]
    return system["apiAccessToken"], system["device"]["deviceId"]


def test_a_profile_call_not_granted_is_access_denied_as_amazon_words_it() -> None:
    # {"code": "ACCESS_DENIED", "message": "the user has not granted …"}: the code Amazon sends
    # (not in ask-sdk-model's ups ErrorCode, but read from Amazon's answers by Jovo's Alexa
    # client, jovotech/jovo-framework, platforms/platform-alexa/src/api/CustomerProfileApi.ts),
    # with a message of the fake's own, where Amazon's names its reason, ACCESS_NOT_REQUESTED
    # (a message a client may compare, as Jovo's does).
    fake = FakeAlexaApi(permissions=[])
    token, _ = _sent(fake)
    answer = _call(fake, "GET", "/v2/accounts/~current/settings/Profile.email", token)
    assert answer == (
        403,
        {"code": "ACCESS_DENIED", "message": "Access denied with reason: ACCESS_NOT_REQUESTED"},
    )


def test_a_device_setting_of_a_device_never_seen_is_refused_in_the_settings_model() -> None:
    # {"type": "FORBIDDEN"} was the Device Address API's model, not the Device Settings API's
    # (ups: {"code", "message"}); its 403 message is ask-sdk-model's for that API.
    fake = FakeAlexaApi(time_zone="Europe/Paris")
    token, device = _sent(fake)
    status, body = _call(fake, "GET", "/v2/devices/another/settings/System.timeZone", token)
    assert (status, body["code"]) == (403, "ACCESS_DENIED")
    assert set(body) == {"code", "message"}
    assert body["message"].startswith("The authentication token does not have access to resource")
    # (The address is the Device Address API's: {"type", "message"}, as ever.)
    status, body = _call(fake, "GET", "/v1/devices/another/settings/address", token)
    assert (status, set(body)) == (403, {"type", "message"})
    assert _call(fake, "GET", f"/v2/devices/{device}/settings/System.timeZone", token)[0] == 200


@_each_api(
    profile={"code", "message"},
    settings={"code", "message"},
    reminders={"code", "message"},
    address={"message"},
    lists={"message"},
    products={"message"},
    directives={"message"},
)
def test_a_token_no_request_carried_is_refused_401_in_the_model_of_its_api(
    method: str, path: str, keys: set[str]
) -> None:
    # Every API answered {"code": "INVALID_TOKEN"}: the code the Customer Profile and Device
    # Settings APIs' model names (ups ErrorCode), kept for them and the Reminders API (whose
    # model has a code: `AlexaApi` reads it as the token at fault, not the permission); the
    # others' models have no such code.
    fake = FakeAlexaApi()
    _, device = _sent(fake)
    status, body = _call(fake, method, path.format(device=device), "a-token-never-sent")
    assert status == 401 and set(body) == keys
    assert body.get("code", "INVALID_TOKEN") == "INVALID_TOKEN"
    assert "no request carried this apiAccessToken" in body["message"]


def test_a_list_item_refused_400_is_in_the_list_management_model() -> None:
    # {"code": "INVALID_REQUEST"}: the List Management API's model has no code, and names no
    # type for its 400 ("Bad Request"): the message alone.
    fake = FakeAlexaApi(permissions=[Scope.LISTS_READ, Scope.LISTS_WRITE])
    token, _ = _sent(fake)
    [list_id, *_] = fake._list_meta
    body = {"value": " ", "status": "active"}
    status, answer = _call(fake, "POST", f"/v2/householdlists/{list_id}/items", token, body)
    assert status == 400 and set(answer) == {"message"}
    assert "empty" in answer["message"]


@_each_api(
    profile={"message"},
    settings={"message"},
    reminders={"code", "message"},
    address={"message"},
    lists={"message"},
    products={"message"},
    directives={"message"},
)
def test_authorization_sent_twice_is_refused_400_in_the_model_of_its_api(
    method: str, path: str, keys: set[str]
) -> None:
    # Every API answered {"code": "INVALID_REQUEST"}, a code no model of theirs names for a 400
    # (ups' ErrorCode has none such; the address and list models have a type, the others a
    # message or a numeric code): the message alone, but for the Reminders API, whose 400s the
    # fake codes INVALID_REQUEST throughout (`api_reminder_rules`).
    fake = FakeAlexaApi()
    token, device = _sent(fake)
    url = f"https://api.amazonalexa.com{path.format(device=device)}"
    headers = {"Authorization": f"Bearer {token}", "authorization": f"Bearer {token}"}
    status, answer, _ = anyio.run(fake.alexa_api_call, method, url, headers, None, None)
    body = json.loads(answer)
    assert status == 400 and set(body) == keys
    assert body.get("code", "INVALID_REQUEST") == "INVALID_REQUEST"
    assert body["message"].startswith("Authorization sent more than once")


def test_the_device_address_api_words_each_403_as_amazon_does() -> None:
    # Three messages for one API's 403: "The authentication token is invalid." (the address),
    # "... is not valid." (its country and postal code), and the model's description (a device
    # no request came from). Amazon answers {"type": "FORBIDDEN", "message": "The
    # authentication token is not valid."} (maxbeckers/amazon-alexa-php issue 62, a GET of
    # .../settings/address): the one message, the fake's reason after it where it adds one.
    fake = FakeAlexaApi(permissions=[])
    token, device = _sent(fake)
    refused = {"type": "FORBIDDEN", "message": "The authentication token is not valid."}
    for path in ("address", "address/countryAndPostalCode"):
        answer = _call(fake, "GET", f"/v1/devices/{device}/settings/{path}", token)
        assert answer == (403, refused)
    status, body = _call(fake, "GET", "/v1/devices/another/settings/address", token)
    assert (status, body["type"]) == (403, "FORBIDDEN")
    assert body["message"].startswith(f"{refused['message'][:-1]} (no request came from this")


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v1/alerts/reminders", 401),
        ("GET", "/v1/alerts/reminders/an-alert", 401),
        ("PUT", "/v1/alerts/reminders/an-alert", 401),
        ("DELETE", "/v1/alerts/reminders/an-alert", 401),
        ("POST", "/v1/alerts/reminders", 403),
    ],
    ids=["get-all", "get", "update", "delete", "create"],
)
def test_a_reminders_call_not_granted_is_refused_in_amazons_words(
    method: str, path: str, status: int
) -> None:
    # {"code": "UNAUTHORIZED", …}: a code of the fake's own. The Reminders API's model
    # (reminder_management/error.py) has a code, "Domain specific", that no source names for
    # this refusal; its words are Amazon's "Request Unauthorized.", which Jovo's v3 Alexa client
    # (jovotech/jovo-framework, jovo-platforms/jovo-platform-alexa/src/services/
    # AlexaReminder.ts) reads from every reminders operation as the permission not granted.
    fake = FakeAlexaApi(permissions=[])
    token, _ = _sent(fake)
    body: object = {} if method in ("POST", "PUT") else None
    assert _call(fake, method, path, token, body) == (status, {"message": "Request Unauthorized."})


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/v1/alerts/reminders", "GET, HEAD, POST"),
        ("PATCH", "/v1/alerts/reminders/an-alert", "DELETE, GET, HEAD, PUT"),
        ("GET", "/v1/directives", "POST"),
        ("DELETE", "/v2/householdlists/bGlzdA==/items", "POST"),
        ("POST", "/v2/accounts/~current/settings/Profile.email", "GET, HEAD"),
    ],
)
def test_a_method_a_path_does_not_take_is_a_405_naming_those_it_takes(
    method: str, path: str, allowed: str
) -> None:
    # A 404 "no Alexa API at PUT /v1/alerts/reminders", as if the path did not exist: an HTTP
    # server answers 405 with the methods it takes (RFC 9110, 15.5.6), and a skill that sent
    # the wrong one was told to look for another path.
    import httpx

    fake = FakeAlexaApi()
    with httpx.Client(transport=httpx.MockTransport(fake.handle)) as client:
        answer = client.request(
            method, f"https://api.amazonalexa.com{path}", headers={"Authorization": "Bearer t"}
        )
    assert answer.status_code == 405, answer.text
    assert answer.headers["allow"] == allowed
    assert f"{method} is not allowed at {path}: {allowed}" in answer.json()["message"]
    [call] = fake.calls
    assert (call.operation, call.status) == (None, 405)


def test_a_path_alexa_does_not_have_is_still_a_404() -> None:
    import httpx

    fake = FakeAlexaApi()
    with httpx.Client(transport=httpx.MockTransport(fake.handle)) as client:
        answer = client.put("https://api.amazonalexa.com/v1/no/such/api")
    assert answer.status_code == 404 and "allow" not in answer.headers


def test_a_head_at_a_path_without_a_get_is_a_405_without_a_body_in_process() -> None:
    # In process (`handle`), a HEAD's 405 came with its JSON body, where the served fake (and
    # RFC 9110, 9.3.2) sends none: only its Content-Length, the body's a GET would get.
    import httpx

    fake = FakeAlexaApi()
    with httpx.Client(transport=httpx.MockTransport(fake.handle)) as client:
        answer = client.head(
            "https://api.amazonalexa.com/v1/directives", headers={"Authorization": "Bearer t"}
        )
    assert (answer.status_code, answer.headers["allow"]) == (405, "POST")
    assert answer.content == b"" and int(answer.headers["content-length"]) > 0
    [call] = fake.calls
    assert (call.method, call.status, call.answer) == ("HEAD", 405, None)  # (none was sent)
