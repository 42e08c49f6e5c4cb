"""What the tests of alexaskill.services (tests/test_services*.py) share: a stand-in for Alexa's
API that records what it receives, the ``stub`` fixture that makes them (and closes their
clients), a request's envelope carrying the test token, and an `AlexaApi` calling through a
given client (`api_with`).

Each module binds the ``stub`` fixture if it uses it (``stub = services_shared.stub``), as
tests/deadline_shared.py's do: in tests/conftest.py it would be every module's.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from typing import Any

import anyio
import httpx
import pytest

from alexaskill import AlexaApi
from alexaskill.models import Envelope, decode_envelope
from alexaskill.testing import RequestFactory

from .conftest import SKILL_ID

TOKEN = "test-api-access-token"


class AlexaApiStub:
    """An httpx.MockTransport standing in for api.amazonalexa.com, recording what it receives."""

    def __init__(self, status: int = 204, *, fail: Exception | None = None, delay: float = 0):
        self.status = status
        self.fail = fail
        self.delay = delay
        self.requests: list[httpx.Request] = []
        self.client = httpx.AsyncClient(transport=httpx.MockTransport(self.handle))

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail is not None:
            raise self.fail
        return httpx.Response(self.status)

    @property
    def bodies(self) -> list[Any]:
        return [json.loads(request.content) for request in self.requests]


@pytest.fixture
def stub() -> Iterator[Callable[..., AlexaApiStub]]:
    made: list[AlexaApiStub] = []

    def make(*args: Any, **kwargs: Any) -> AlexaApiStub:
        made.append(AlexaApiStub(*args, **kwargs))
        return made[-1]

    yield make
    for api in made:
        anyio.run(api.client.aclose)


def envelope(request_type: str = "IntentRequest", **fields: Any) -> Envelope:
    factory = RequestFactory(skill_id=SKILL_ID, api_access_token=TOKEN)  # (one to look for)
    if request_type == "IntentRequest":
        raw = factory.intent("GetWeather")
    else:
        raw = factory.envelope(request_type, **fields)
    return decode_envelope(json.dumps(raw))


def api_with(client: httpx.AsyncClient) -> AlexaApi:
    """The `AlexaApi` of an IntentRequest of the default test envelope, calling through
    ``client``."""
    return AlexaApi(decode_envelope(json.dumps(RequestFactory().intent("Ask"))), client=client)
