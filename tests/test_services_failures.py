"""How `AlexaApi` reports failures a skill can act on: a closed client."""

from __future__ import annotations

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
