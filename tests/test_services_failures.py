"""How `AlexaApi` reports failures a skill can act on: throttling (Retry-After), a closed client."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
from typing import Any

import anyio
import httpx
import pytest

from alexaskill import AlexaApi, AlexaApiError
from alexaskill.models import decode_envelope
from alexaskill.testing import RequestFactory


def _api(client: httpx.AsyncClient) -> AlexaApi:
    return AlexaApi(decode_envelope(json.dumps(RequestFactory().intent("Ask"))), client=client)


def _answering(status: int, headers: dict[str, str]) -> httpx.AsyncClient:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers=headers, json={"code": "TOO_MANY_REQUESTS"})

    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


def _failure(client: httpx.AsyncClient) -> AlexaApiError:
    async def main() -> AlexaApiError:
        try:
            await _api(client).given_name()
        except AlexaApiError as exc:
            return exc
        finally:
            await client.aclose()
        raise AssertionError("no AlexaApiError")

    return anyio.run(main)


def test_a_429_tells_when_to_try_again_in_seconds() -> None:
    error = _failure(_answering(429, {"Retry-After": "3"}))
    assert error.status == 429
    assert error.code == "TOO_MANY_REQUESTS"
    assert error.retry_after == 3.0
    assert "retry after 3 s" in str(error)


def test_a_retry_after_date_is_seconds_from_now() -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=120)
    error = _failure(_answering(503, {"Retry-After": email.utils.format_datetime(later, True)}))
    assert error.status == 503
    assert error.retry_after is not None
    assert 100 <= error.retry_after <= 121


@pytest.mark.parametrize(
    ("status", "headers"),
    [
        (429, {}),  # Amazon's pages promise no Retry-After
        (429, {"Retry-After": "soon"}),
        (429, {"Retry-After": "-5"}),
        (429, {"Retry-After": "1.5"}),  # RFC 9110: whole seconds, or a date
        (500, {}),
        (404, {"Retry-After": "3"}),  # meaningless on a refusal that waiting does not cure
    ],
)
def test_no_usable_retry_after_is_none(status: int, headers: dict[str, str]) -> None:
    error = _failure(_answering(status, headers))
    assert error.status == status
    assert error.retry_after is None
    assert "retry after" not in str(error)


def test_a_retry_after_date_already_past_is_zero() -> None:
    error = _failure(_answering(429, {"Retry-After": "Sun, 06 Nov 1994 08:49:37 GMT"}))
    assert error.retry_after == 0.0


def test_a_closed_client_is_an_alexa_api_error_that_says_so() -> None:
    client = _answering(200, {})
    anyio.run(client.aclose)
    error = _failure(client)
    assert type(error) is AlexaApiError
    assert error.operation == "given_name"
    assert error.status is None
    assert "closed" in str(error)
    assert "api_client" in str(error)


def test_a_progressive_response_through_a_closed_client_names_the_cause(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = _answering(204, {})
    anyio.run(client.aclose)

    async def main() -> Any:
        return await _api(client).progressive("Hmm")

    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert anyio.run(main) is False
    assert "client" in caplog.text
    assert "closed" in caplog.text
