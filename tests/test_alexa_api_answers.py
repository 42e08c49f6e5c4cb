"""`alexaskill.alexa_api.answers`: what an answer of Alexa's service APIs means. Each API's
error body in the shape of its model (ask-sdk-model, alexa/alexa-apis-for-python,
.../ask_sdk_model/services/): ``{"code", "message"}`` (ups: profile and device settings;
reminder_management), ``{"type", "message"}`` (device_address, list_management),
``{"Message"}`` (list_management's ForbiddenError), ``{"message"}`` (monetization), a numeric
``code`` (directive); and what `read_answer` makes of each status, and `retry_seconds` of a
``Retry-After``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from alexaskill.alexa_api import Scope, error_of, read_answer, retry_seconds
from alexaskill.exceptions import (
    AccessTokenError,
    AlexaApiError,
    DeviceNotSupported,
    PermissionRequired,
)


def _json(body: object) -> bytes:
    return msgspec.json.encode(body)


@pytest.mark.parametrize(
    ("body", "read"),
    [
        ({"code": "INVALID_TOKEN", "message": "Token expired"}, ("INVALID_TOKEN", "Token expired")),
        ({"type": "ObjectNotFound", "message": "gone"}, ("ObjectNotFound", "gone")),
        ({"Message": "Request is not authorized."}, (None, "Request is not authorized.")),
        ({"message": "Invalid request"}, (None, "Invalid request")),
        ({"code": 400, "message": "Directive not valid."}, (None, "Directive not valid.")),
        ({"code": 5, "type": "FORBIDDEN", "message": 7}, ("FORBIDDEN", None)),
        ({"code": "C" * 100, "message": "m" * 120}, ("C" * 100, "m" * 120)),
        (
            {"code": "C" * 200 + "END", "message": "m" * 300 + "END"},
            (
                f"{'C' * 70}…{'C' * 27}END (203 characters)",
                f"{'m' * 70}…{'m' * 27}END (303 characters)",
            ),
        ),
    ],
    ids=["ups", "list", "list-forbidden", "monetization", "directive", "kinds", "long", "longer"],
)
def test_error_of_reads_each_apis_error_model(body: dict[str, Any], read: tuple[Any, Any]) -> None:
    # A code that is no str is the type's (the address and list APIs name theirs so), a
    # message that is no str none; both whole up to 120 characters, cut past them as a long
    # name is (`shown_names.shown`), as they go into an error's text: they were cut at 80 and
    # 200 characters, their ends lost and nothing said of the cut.
    assert error_of(_json(body)) == read


@pytest.mark.parametrize(
    "content",
    [b"", b"<html>Bad Gateway</html>", b"\xff\xfe", b'["a list"]', b"[" * 100_000 + b"]" * 100_000],
    ids=["empty", "html", "not-utf8", "no-object", "nested-too-deeply"],
)
def test_error_of_any_other_body_is_nothing(content: bytes) -> None:
    assert error_of(content) == (None, None)


def test_error_of_reads_the_list_apis_capitalised_message() -> None:
    # The List Management API's 403 to GET /v2/householdlists/ is its ForbiddenError model,
    # {"Message": ...} with a capital M: the text was dropped (only "message" was read; read
    # alone: "list-forbidden" above).
    assert error_of(b'{"message": "lower", "Message": "upper"}') == (None, "lower")
    assert error_of(b'{"Message": 5}') == (None, None)


@pytest.mark.parametrize(
    ("body", "code", "said"),
    [
        ({"code": "INVALID_VALUE", "message": "m"}, "INVALID_VALUE", "(INVALID_VALUE, m)"),
        ({"type": "ObjectNotFound", "message": "m"}, "ObjectNotFound", "(ObjectNotFound, m)"),
        ({"Message": "Request is not authorized."}, None, "(Request is not authorized.)"),
        ({"message": "Invalid request"}, None, "(Invalid request)"),
        ({"code": 400, "message": "Directive not valid."}, None, "(Directive not valid.)"),
        ({}, None, "HTTP 400, refused"),
    ],
    ids=["ups", "list", "list-forbidden", "monetization", "directive", "none"],
)
def test_a_refusal_in_each_model_names_its_code_and_message(
    body: dict[str, Any], code: str | None, said: str
) -> None:
    # What Amazon said goes into the error, whichever model carried it; its code (a type, for
    # the APIs that name one so) is the error's `code`.
    with pytest.raises(AlexaApiError) as caught:
        read_answer("op", 400, _json(body), None)
    assert type(caught.value) is AlexaApiError
    assert caught.value.code == code
    assert str(caught.value).endswith(said)


def test_a_long_code_and_message_are_said_cut_with_their_lengths() -> None:
    # Their first 80 and 200 characters were said, with no "…" nor length: a cut unseen.
    body = {"code": "E" * 150 + "_LAST", "message": "why " * 100 + "the end."}
    with pytest.raises(AlexaApiError) as caught:
        read_answer("op", 400, _json(body), None)
    code = f"{'E' * 70}…{'E' * 25}_LAST (155 characters)"
    message = f"{'why ' * 17}wh…y why why why why why the end. (408 characters)"
    assert str(caught.value) == f"op: HTTP 400, refused ({code}, {message})"
    assert caught.value.code == code


@pytest.mark.parametrize(
    "body",
    [{"message": "no"}, {"type": "UNAUTHORIZED", "message": "no"}],
    ids=["message", "type"],
)
def test_a_401_of_a_model_without_a_code_is_the_token_at_fault(body: dict[str, Any]) -> None:
    # The list, address, product and directive APIs' (and FakeAlexaApi's, for them): no
    # INVALID_TOKEN to read, and a 401 of theirs says nothing of a permission.
    with pytest.raises(AccessTokenError) as caught:
        read_answer("lists", 401, _json(body), None, scope=Scope.LISTS_READ)
    assert not isinstance(caught.value, PermissionRequired)
    assert caught.value.code == body.get("type")


@pytest.mark.parametrize("status", [400, 404])
def test_device_not_supported_is_read_at_any_4xx_not_a_5xx(status: int) -> None:
    # (Its 401 and 403 through `AlexaApi`: tests/test_alexa_api_reminder_device.py.)
    body = {"code": "DEVICE_NOT_SUPPORTED", "message": "Device not supported"}
    with pytest.raises(DeviceNotSupported):
        read_answer("create_reminder", status, _json(body), None, scope=Scope.REMINDERS)
    with pytest.raises(AlexaApiError) as caught:  # (a 5xx is the server's, whatever its code)
        read_answer("create_reminder", 503, _json(body), None, scope=Scope.REMINDERS)
    assert not isinstance(caught.value, DeviceNotSupported)


_NOW = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "value",
    [
        "Wed, 21 Oct 99999999999999999999 07:28:00 GMT",  # a year past any datetime
        "Wed, 21 Oct 2015 99999999999999999999:28:00 GMT",  # an hour past any int
        "Wed, 21 Oct 2015 07:28:00 +99999999999999999999",  # an offset past any int
        "9" * 400,  # float() reads it as an infinity
        "100000000000000000000",  # 1e20 seconds: no wait a handler can do
        "86401",  # more than a day
        "Fri, 04 Dec 2026 08:00:00 GMT",  # two days away
        "Wed, 21 Oct 9999 23:59:59 -2359",
    ],
)
def test_a_retry_after_past_any_sensible_wait_is_none(value: str) -> None:
    # Not an OverflowError, an infinity or 1e20 seconds: a handler that awaits
    # asyncio.sleep(exc.retry_after) must never be handed any of them.
    assert retry_seconds(value, _NOW) is None


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("86400", 86400.0), ("0", 0.0), ("Thu, 03 Dec 2026 08:00:00 GMT", 86400.0)],
)
def test_a_retry_after_of_up_to_a_day_is_taken(value: str, seconds: float) -> None:
    assert retry_seconds(value, _NOW) == seconds
