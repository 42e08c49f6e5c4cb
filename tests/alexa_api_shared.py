"""What the tests of Alexa's service APIs (tests/test_alexa_api*.py) share: the skill id, the
fake's products, the getters (each method with the fake's data, what it returns and the scope it
needs: `GETTERS`, `PARIS` the address), a skill asking any `AlexaApi` method, a coroutine run, the
client's clock, a watch on the HTTP clients a call makes within its time limit, a skill of
reminders, an `AlexaApi` calling the fake or answered one way, and raw bytes sent to the fake
served over HTTP (`connected`, `read_to_close`, `sent_raw`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import socket
import ssl
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest

from alexaskill import (
    Address,
    AlexaApi,
    AlexaApiError,
    AlexaApiTimeout,
    InSkillProduct,
    PhoneNumber,
    Response,
    Scope,
    Skill,
    alexa_api,
    speak,
)
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory

from .conftest import SKILL_ID


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The TLS context httpx makes for each client it builds (certifi's CAs loaded: ~25 ms of
    CPU, twice for a client with a proxy), made once a process for the tests' own clients
    (``verify=tls_context()``): none of them changes it."""
    return httpx.create_ssl_context(trust_env=False)


PRODUCTS = [
    InSkillProduct(
        product_id="amzn1.adg.product.1",
        reference_name="premium",
        name="Premium forecasts",
        type="ENTITLEMENT",
        purchasable="NOT_PURCHASABLE",
        entitled="ENTITLED",
        entitlement_reason="PURCHASED",
        active_entitlement_count=1,
        purchase_mode="TEST",
    ),
    InSkillProduct(
        product_id="amzn1.adg.product.2",
        reference_name="hints",
        name="Hint pack",
        type="CONSUMABLE",
        purchasable="PURCHASABLE",
        entitled="NOT_ENTITLED",
        active_entitlement_count=0,
        purchase_mode="TEST",
    ),
]

PARIS = Address(
    address_line1="8 rue de Rivoli",
    city="Paris",
    state_or_region="Île-de-France",
    postal_code="75004",
    country_code="FR",
)


# method, data given to the fake, what the method returns with it, the scope it needs
GETTERS: list[tuple[str, dict[str, Any], object, str | None]] = [
    ("time_zone", {"time_zone": "Europe/Paris"}, ZoneInfo("Europe/Paris"), None),
    ("distance_units", {"distance_units": "IMPERIAL"}, "IMPERIAL", None),
    ("temperature_unit", {"temperature_unit": "CELSIUS"}, "CELSIUS", None),
    ("full_address", {"address": PARIS}, PARIS, Scope.FULL_ADDRESS),
    (
        "country_and_postal_code",
        {"address": PARIS},
        alexa_api.CountryAndPostalCode(country_code="FR", postal_code="75004"),
        Scope.COUNTRY_AND_POSTAL_CODE,
    ),
    ("full_name", {"full_name": "Ada Lovelace"}, "Ada Lovelace", Scope.NAME),
    ("given_name", {"given_name": "Ada"}, "Ada", Scope.GIVEN_NAME),
    ("email", {"email": "ada@example.com"}, "ada@example.com", Scope.EMAIL),
    (
        "mobile_number",
        {"mobile_number": PhoneNumber(country_code="+44", phone_number="7700900123")},
        PhoneNumber(country_code="+44", phone_number="7700900123"),
        Scope.MOBILE_NUMBER,
    ),
    ("in_skill_products", {"in_skill_products": PRODUCTS}, PRODUCTS, None),
]


def api_skill() -> tuple[Skill, list[object]]:
    """A skill whose intent ``Ask`` calls the `AlexaApi` method named by its slot ``what``."""
    skill = Skill(SKILL_ID)
    seen: list[object] = []

    @skill.intent("Ask")
    async def ask_api(api: AlexaApi, what: str) -> Response:
        value = await getattr(api, what)()
        seen.append(value)
        return speak(f"{what} answered")

    @skill.exception(AlexaApiTimeout)
    async def too_slow(exc: AlexaApiTimeout) -> Response:
        return speak(f"{exc.operation} timed out")

    @skill.exception(AlexaApiError)
    async def failed(exc: AlexaApiError) -> Response:
        return speak(f"{exc.operation} failed with {exc.status}")

    return skill, seen


def _run(coroutine: Any) -> Any:
    import anyio

    async def main() -> Any:
        return await coroutine

    return anyio.run(main)


MOMENT = dt.datetime(2031, 3, 14, 9, 0, tzinfo=dt.UTC)  # the client's clock in these tests


def clients_made(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each ``httpx.AsyncClient`` made from now on (this test's): True if it was made within a
    call's time limit (`alexaskill.alexa_api.send`'s ``asyncio.timeout``, or on trio its
    ``anyio.fail_after``), False if before it."""
    import asyncio

    import anyio
    import httpx

    made: list[bool] = []
    timing = [False]
    asyncio_limit, anyio_limit, make = asyncio.timeout, anyio.fail_after, httpx.AsyncClient.__init__

    @contextlib.asynccontextmanager
    async def asyncio_timed(delay: float | None) -> AsyncIterator[None]:
        async with asyncio_limit(delay):
            timing[0] = True
            try:
                yield
            finally:
                timing[0] = False

    @contextlib.contextmanager
    def anyio_timed(delay: float | None, shield: bool = False) -> Iterator[None]:
        with anyio_limit(delay, shield):
            timing[0] = True
            try:
                yield
            finally:
                timing[0] = False

    def made_now(client: httpx.AsyncClient, *args: Any, **kwargs: Any) -> None:
        made.append(timing[0])
        make(client, *args, **kwargs)

    monkeypatch.setattr(asyncio, "timeout", asyncio_timed)
    monkeypatch.setattr(anyio, "fail_after", anyio_timed)
    monkeypatch.setattr(httpx.AsyncClient, "__init__", made_now)
    return made


def reminder_skill(**options: Any) -> Skill:
    """A skill whose Remind intent creates a reminder with ``options``, List lists them, Delete
    deletes the ``token`` slot's."""
    skill = Skill(SKILL_ID)

    @skill.intent("Remind")
    async def remind(api: AlexaApi) -> Response:
        reminder = await api.create_reminder("Take the bins out", **options)
        return speak(f"Created {reminder.alert_token} {reminder.status}")

    @skill.intent("List")
    async def list_(api: AlexaApi) -> Response:
        reminders = await api.get_reminders()
        return speak("; ".join(f"{r.text} at {r.trigger and r.trigger.type}" for r in reminders))

    @skill.intent("Delete")
    async def delete(api: AlexaApi, token: str) -> Response:
        return speak(f"deleted {await api.delete_reminder(token)}")

    return skill


def fake_api(fake: FakeAlexaApi) -> AlexaApi:
    """An `AlexaApi` of an IntentRequest, calling ``fake``."""
    raw = RequestFactory().intent("Remind")
    return AlexaApi(decode_envelope(json.dumps(raw)), client=fake)


def answered_api(status: int, body: dict[str, str], *, granted: bool) -> AlexaApi:
    """An `AlexaApi` of an IntentRequest whose every call is answered ``status`` ``body``; its
    user granted the reminders and given-name scopes if ``granted``."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body)

    raw = RequestFactory().intent("Remind")
    user = raw["context"]["System"]["user"]
    if granted:
        scopes = {scope: {"status": "GRANTED"} for scope in (Scope.REMINDERS, Scope.GIVEN_NAME)}
        user["permissions"] = {"scopes": scopes}
    else:
        user.pop("permissions", None)
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    return AlexaApi(decode_envelope(json.dumps(raw)), client=client)


@contextlib.contextmanager
def connected(url: str) -> Iterator[socket.socket]:
    """A connection of its own to the fake served at ``url`` (its 30 s timeout only ends a test
    whose server never answers)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        yield sock


def read_to_close(sock: socket.socket) -> bytes:
    """All a socket receives until the peer closes it: a refusal's head and body may come in
    two reads (one recv had the 411's head only, about a third of the time under load)."""
    answer = b""
    with contextlib.suppress(ConnectionResetError):  # (a close with bytes left unread)
        while chunk := sock.recv(4096):
            answer += chunk
    return answer


def sent_raw(url: str, request: bytes, *, half_close: bool = False) -> bytes:
    """``request``'s bytes sent as they are to the fake served at ``url``, on a connection of
    its own (its sending side then closed if ``half_close``): all the fake answers till it
    closes the connection."""
    with connected(url) as sock:
        sock.sendall(request)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        return read_to_close(sock)
