"""`AlexaApi` against a stand-in for Alexa's service APIs on 127.0.0.1 (tests/alexa_api_server.py).

The server is its own process, written from Amazon's API references: it answers their example
JSON and refuses (400) any request that is not the documented one. So these tests check the wire
format (paths, methods, headers, bodies, status codes) through a real socket and a real httpx
client, not just against the in-process fake.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import ssl
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import anyio
import httpx
import pytest

from alexaskill import (
    Address,
    AlexaApi,
    AlexaApiError,
    AlexaApiTimeout,
    PermissionRequired,
    PhoneNumber,
    Scope,
)
from alexaskill.alexa_api import CountryAndPostalCode
from alexaskill.models import decode_envelope
from alexaskill.testing import RequestFactory
from tests.conftest import SKILL_ID
from tests.processes import stop

SERVER = Path(__file__).with_name("alexa_api_server.py")
DEVICE_ID = "amzn1.ask.device.WIRE"
LIST_ID = "YW16bjEuYWNjb3VudC5BRVhBTVBMRS1TSE9QUElOR19JVEVN"


class Server:
    def __init__(self, url: str, log: Path) -> None:
        self.url = url
        self.log = log

    def requests(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("alexa-api") / "requests.jsonl"
    log.touch()
    process = subprocess.Popen(
        [sys.executable, str(SERVER), str(log)], stdout=subprocess.PIPE, text=True, encoding="utf-8"
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # "PORT <n>" once listening; EOF if it died
        if not line.startswith("PORT "):
            pytest.fail(f"the fake Alexa API server did not start: {line!r}")
        yield Server(f"http://127.0.0.1:{int(line.split()[1])}", log)
    finally:
        assert process.stdout is not None
        process.stdout.close()
        stop(process)


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every client: httpx would load the certifi bundle for each (~0.2 s).
    Made by the first test that asks, not at import (every process collecting the suite paid it)."""
    return ssl.create_default_context()


def api(server: Server, token: str, *, timeout: float = 30.0, own_client: bool = False) -> AlexaApi:
    """An `AlexaApi` for a request whose apiEndpoint is the server and whose token is ``token``.

    Its client keeps no connection alive, so that each ``anyio.run`` (a new event loop) opens
    its own; ``own_client`` leaves it without one (each call then opens and closes its own).
    """
    factory = RequestFactory(api_endpoint=server.url, device_id=DEVICE_ID)
    raw = factory.intent("Ask")
    raw["context"]["System"]["apiAccessToken"] = token
    client = None
    if not own_client:
        limits = httpx.Limits(max_keepalive_connections=0)
        client = httpx.AsyncClient(verify=_tls(), limits=limits)
    return AlexaApi(decode_envelope(json.dumps(raw)), timeout=timeout, client=client)


def run(call: Callable[[], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        return await call()

    return anyio.run(main)


# method, arguments, the value decoded from Amazon's example answer, what "not set" gives, scope
METHODS: list[tuple[str, tuple[Any, ...], object, object, str | None]] = [
    ("time_zone", (), ZoneInfo("Africa/Abidjan"), None, None),
    ("distance_units", (), "METRIC", None, None),
    ("temperature_unit", (), "CELSIUS", None, None),
    (
        "full_address",
        (),
        Address(
            address_line1="410 Terry Ave North",
            address_line2="",
            address_line3="aeiou",
            city="Seattle",
            district_or_county="",
            state_or_region="WA",
            postal_code="98109",
            country_code="US",
        ),
        None,
        Scope.FULL_ADDRESS,
    ),
    (
        "country_and_postal_code",
        (),
        CountryAndPostalCode(country_code="US", postal_code="98109"),
        None,
        Scope.COUNTRY_AND_POSTAL_CODE,
    ),
    ("full_name", (), "John Smith", None, Scope.NAME),
    ("given_name", (), "John", None, Scope.GIVEN_NAME),
    ("email", (), "johnsmith@example.com", None, Scope.EMAIL),
    (
        "mobile_number",
        (),
        PhoneNumber(country_code="+1", phone_number="999-999-9999"),
        None,
        Scope.MOBILE_NUMBER,
    ),
    ("get_reminders", (), "walk the dog", [], Scope.REMINDERS),
    ("delete_reminder", ("a1b2c3d4-reminder",), True, False, Scope.REMINDERS),
    ("get_reminder", ("a1b2c3d4-reminder",), "walk the dog", None, Scope.REMINDERS),
    ("update_reminder", ("a1b2c3d4-reminder", "tea"), "a1b2c3d4-reminder", None, Scope.REMINDERS),
    ("lists", (), "Alexa shopping list", [], Scope.LISTS_READ),
    ("list_items", (LIST_ID,), "milk", [], Scope.LISTS_READ),
    ("add_list_item", (LIST_ID, "eggs"), "eggs", None, Scope.LISTS_WRITE),
    ("in_skill_products", (), "Hint pack", [], None),
    ("in_skill_product", ("amzn1.adg.product.unique-id-4",), "Hint pack", None, None),
]
IDS = [method[0] for method in METHODS]
#: The keywords a method of `METHODS` takes beside its arguments: an update's time.
KEYWORDS: dict[str, dict[str, Any]] = {"update_reminder": {"after": dt.timedelta(minutes=5)}}


def summary(value: Any) -> object:
    """A list's telling part, so that one table can say what each method returns."""
    if isinstance(value, list) and value:
        first = value[0]
        return getattr(first, "text", None) or getattr(first, "name", None) or first.value
    if hasattr(value, "product_id"):
        return value.name
    if hasattr(value, "alert_token"):  # (an update's answer has no words: its token)
        return value.text or value.alert_token
    if hasattr(value, "id") and hasattr(value, "value"):
        return value.value
    return value


@pytest.mark.parametrize(("method", "args", "expected", "unset", "scope"), METHODS, ids=IDS)
def test_success(
    server: Server, method: str, args: tuple[Any, ...], expected: object, unset: object, scope: str
) -> None:
    client = api(server, "ok")
    assert (
        summary(run(lambda: getattr(client, method)(*args, **KEYWORDS.get(method, {})))) == expected
    )


@pytest.mark.parametrize(
    ("method", "args", "expected", "unset", "scope"),
    [method for method in METHODS if method[0] != "add_list_item"],  # adding has no "not set"
    ids=[name for name in IDS if name != "add_list_item"],
)
def test_not_set(
    server: Server, method: str, args: tuple[Any, ...], expected: object, unset: object, scope: str
) -> None:
    client = api(server, "not-set")
    assert run(lambda: getattr(client, method)(*args, **KEYWORDS.get(method, {}))) == unset


@pytest.mark.parametrize(
    ("method", "args", "scope"),
    [(m, a, s) for m, a, _, _, s in METHODS if s is not None]
    + [("create_reminder", ("Stretch",), Scope.REMINDERS)],
)
def test_permission_missing(server: Server, method: str, args: tuple[Any, ...], scope: str) -> None:
    client = api(server, "no-consent")
    kwargs = {"after": dt.timedelta(minutes=5)} if method == "create_reminder" else {}
    kwargs = KEYWORDS.get(method, kwargs)
    with pytest.raises(PermissionRequired) as caught:
        run(lambda: getattr(client, method)(*args, **kwargs))
    assert caught.value.scope == scope
    assert caught.value.operation == method
    assert caught.value.status in (401, 403)


@pytest.mark.parametrize(("method", "args", "expected", "unset", "scope"), METHODS, ids=IDS)
def test_timeout(
    server: Server, method: str, args: tuple[Any, ...], expected: object, unset: object, scope: str
) -> None:
    client = api(server, "slow", timeout=0.2)

    async def timed() -> None:
        # The server answers after 3 s: a call that returns, rather than raises, waited for it.
        with pytest.raises(AlexaApiTimeout):
            await getattr(client, method)(*args, **KEYWORDS.get(method, {}))

    anyio.run(timed)


@pytest.mark.parametrize(("token", "status"), [("throttled", 429), ("broken", 500)])
@pytest.mark.parametrize(("method", "args", "expected", "unset", "scope"), METHODS, ids=IDS)
def test_throttled_or_broken(
    server: Server,
    method: str,
    args: tuple[Any, ...],
    expected: object,
    unset: object,
    scope: str,
    token: str,
    status: int,
) -> None:
    client = api(server, token)
    with pytest.raises(AlexaApiError) as caught:
        run(lambda: getattr(client, method)(*args, **KEYWORDS.get(method, {})))
    assert caught.value.status == status
    assert not isinstance(caught.value, PermissionRequired)


def test_what_went_on_the_wire(server: Server) -> None:
    start = len(server.requests())
    client = api(server, "ok")
    at = dt.datetime(2026, 12, 1, 7, 30, tzinfo=ZoneInfo("Europe/Paris"))

    async def calls() -> None:
        await client.given_name()
        await client.create_reminder("Walk the dog", at=at, recurrence=["FREQ=DAILY"])
        await client.in_skill_products(entitled=False, product_type="CONSUMABLE")
        assert await client.progressive("One moment")

    run(calls)
    profile, reminder, products, progressive = server.requests()[start:]
    assert profile["method"] == "GET"
    assert profile["path"] == "/v2/accounts/~current/settings/Profile.givenName"
    assert profile["headers"]["authorization"] == "Bearer ok"
    assert reminder["path"] == "/v1/alerts/reminders"
    assert reminder["body"]["trigger"] == {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": "2026-12-01T07:30:00.000",
        "timeZoneId": "Europe/Paris",
        "recurrence": {
            "startDateTime": "2026-12-01T07:30:00.000",
            "recurrenceRules": ["FREQ=DAILY"],
        },
    }
    assert reminder["body"]["alertInfo"]["spokenInfo"]["content"] == [
        {"locale": "en-US", "text": "Walk the dog"}
    ]
    assert products["query"] == {"entitled": "NOT_ENTITLED", "productType": "CONSUMABLE"}
    assert products["headers"]["accept-language"] == "en-US"
    assert progressive["body"]["directive"] == {
        "type": "VoicePlayer.Speak",
        "speech": "<speak>One moment</speak>",
    }


def test_created_reminders_decode_amazons_answer(server: Server) -> None:
    client = api(server, "ok")
    created = run(lambda: client.create_reminder("Stretch", after=dt.timedelta(minutes=20)))
    assert (created.alert_token, created.status, created.version) == (
        "a1b2c3d4-reminder",
        "ON",
        "1",
    )
    assert created.href == "/v1/alerts/reminders/a1b2c3d4-reminder"


def test_in_skill_products_follow_every_page(server: Server) -> None:
    client = api(server, "paged")
    names = [p.name for p in run(client.in_skill_products)]
    assert names == ["Hint pack", "Premium"]
    pages = [r for r in server.requests() if r["headers"]["authorization"] == "Bearer paged"]
    assert [page["query"] for page in pages[-2:]] == [{}, {"nextToken": "page-2"}]


def test_without_a_shared_client_each_call_opens_its_own(server: Server) -> None:
    client = api(server, "ok", own_client=True)
    assert client.client is None
    assert run(client.given_name) == "John"
    assert run(client.distance_units) == "METRIC"


def test_a_call_on_an_event_loop_of_its_own_is_an_alexa_api_error(server: Server) -> None:
    # The app's client keeps connections alive, on the app's event loop. A def handler that
    # ran a call on a loop of its own (asyncio.run) reached them from there: a bare RuntimeError
    # (an asyncio Event "bound to a different event loop") that `except AlexaApiError` missed.
    # It is an AlexaApiError that points to call_sync, and the app's client still works.
    import asyncio

    from alexaskill import Response, Skill, speak
    from alexaskill.services import alexa_api_factory
    from alexaskill.testing import TestClient

    shared: list[httpx.AsyncClient] = []

    def client() -> httpx.AsyncClient:
        if not shared:
            shared.append(httpx.AsyncClient(verify=_tls()))  # keeps connections, as the app's
        return shared[0]

    skill = Skill(SKILL_ID)
    skill.add_service(AlexaApi, alexa_api_factory(client, timeout=30.0))

    app_loop: list[asyncio.AbstractEventLoop] = []

    @skill.intent("Loop")
    async def loop() -> Response:
        app_loop.append(asyncio.get_running_loop())
        return speak("Noted.")

    @skill.intent("Ask")
    def ask(api: AlexaApi) -> Response:
        before, failed = api.call_sync(api.distance_units), False
        # The app's loop held for a moment, so that the answer is not already read into the
        # pooled connection when the call on the other loop waits for it (it was in one CI run:
        # the call then needed no wait, met no other loop's object, and succeeded).
        app_loop[0].call_soon_threadsafe(time.sleep, 0.5)
        try:
            asyncio.run(api.distance_units())
        except AlexaApiError as exc:
            failed = "call_sync" in str(exc) and "event loop" in str(exc)
        after = api.call_sync(api.distance_units)
        return speak(f"{before} {failed} {after}")

    @skill.intent("Close")
    async def close() -> Response:  # on the app's loop, whose the connections are
        await shared[0].aclose()
        return speak("Closed.")

    with TestClient(skill, device_id=DEVICE_ID) as test_client:
        test_client.factory.api_endpoint = server.url
        try:
            test_client.intent("Loop")
            assert test_client.intent("Ask").speech == "METRIC True METRIC"
        finally:
            test_client.intent("Close")


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "ALL_PROXY"])
def test_a_call_to_a_loopback_endpoint_goes_through_no_proxy(
    server: Server, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    # Each call's own client (no app lifespan: AWS Lambda, a mounted skill) took the
    # environment's proxy for the loopback stand-in too: behind a proxy the call failed
    # (the proxy cannot reach this machine's 127.0.0.1), the token sent to it in clear text.
    monkeypatch.setenv(variable, "http://127.0.0.1:9")  # (the discard port: nothing answers)
    client = api(server, "ok", own_client=True)
    assert run(client.given_name) == "John"


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "ALL_PROXY"])
def test_the_app_s_shared_client_takes_no_proxy_to_a_loopback_endpoint(
    server: Server, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    # The lifespan's client (``serve``, ``serve --dev`` and its simulator's fake API) took the
    # environment's proxy for a loopback apiEndpoint: the token sent to the proxy, the call failed.
    from alexaskill import Response, Skill, speak
    from alexaskill.testing import TestClient

    monkeypatch.setenv(variable, "http://127.0.0.1:9")  # (the discard port: nothing answers)
    skill = Skill(SKILL_ID)

    @skill.intent("Ask")
    async def ask(api: AlexaApi) -> Response:
        try:
            name = await api.given_name()
        except AlexaApiError as exc:
            name = f"failed: {exc}"
        return speak(f"Name {name}.")

    with TestClient(skill, device_id=DEVICE_ID) as test_client:
        fake, skill.api_client = skill.api_client, None  # the lifespan's client, not the fake's
        test_client.factory.api_endpoint = server.url
        try:
            speech = test_client.intent("Ask").speech
        finally:
            skill.api_client = fake
    assert speech == "Name John."
