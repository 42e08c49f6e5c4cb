"""Alexa's service APIs through a skill: each `AlexaApi` method answered by the test client's fake.

Every method is tried for success, "not set", a missing permission (the consent card), a timeout
and an HTTP failure. The wire format itself is checked against a server on 127.0.0.1 in
test_alexa_api_wire.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

import alexaskill
from alexaskill import (
    Address,
    AlexaApi,
    AlexaApiError,
    AlexaApiTimeout,
    InSkillProduct,
    PermissionRequired,
    PhoneNumber,
    Reminder,
    Response,
    Scope,
    Skill,
    alexa_api,
    speak,
)
from alexaskill.app import APOLOGY, PERMISSION_PROMPT
from alexaskill.models import decode_envelope
from alexaskill.ssml import Ssml, emphasis
from alexaskill.testing import FakeAlexaApi, RequestFactory, TestClient

SKILL_ID = "amzn1.ask.skill.19191919-1919-1919-1919-191919191919"

PARIS = Address(
    address_line1="8 rue de Rivoli",
    city="Paris",
    state_or_region="Île-de-France",
    postal_code="75004",
    country_code="FR",
)
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
IDS = [getter[0] for getter in GETTERS]


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


@pytest.mark.parametrize(("method", "data", "expected", "scope"), GETTERS, ids=IDS)
def test_each_method_returns_what_alexa_answers(
    skill_client: Callable[..., TestClient],
    method: str,
    data: dict[str, Any],
    expected: object,
    scope: str | None,
) -> None:
    skill, seen = api_skill()
    result = skill_client(skill, **data).intent("Ask", what=method)
    assert result.speech == f"{method} answered"
    assert seen == [expected]
    [call] = result.api_calls
    assert (call.operation, call.method, call.status) == (method, "GET", 200)


@pytest.mark.parametrize(("method", "data", "expected", "scope"), GETTERS, ids=IDS)
def test_each_method_answers_none_when_the_user_set_nothing(
    skill_client: Callable[..., TestClient],
    method: str,
    data: dict[str, Any],
    expected: object,
    scope: str | None,
) -> None:
    skill, seen = api_skill()
    result = skill_client(skill).intent("Ask", what=method)
    assert result.speech == f"{method} answered"
    nothing: list[object] | None = [] if isinstance(expected, list) else None
    assert seen == [nothing]
    assert result.api_calls[0].status == (200 if isinstance(expected, list) else 204)


@pytest.mark.parametrize(
    ("method", "data", "scope"),
    [(method, data, scope) for method, data, _, scope in GETTERS if scope is not None]
    + [("get_reminders", {}, Scope.REMINDERS), ("lists", {}, Scope.LISTS_READ)],
)
def test_a_missing_permission_is_answered_with_the_consent_card(
    skill_client: Callable[..., TestClient], method: str, data: dict[str, Any], scope: str
) -> None:
    skill, seen = api_skill()
    granted = [other for other in Scope.ALL if other != scope]
    result = skill_client(skill, permissions=granted, **data).intent("Ask", what=method)
    assert result.status_code == 200
    assert result.speech == PERMISSION_PROMPT
    assert result.card == {"type": "AskForPermissionsConsent", "permissions": [scope]}
    assert result.should_end_session is True
    assert seen == []
    assert result.api_calls[0].status in (401, 403)


@pytest.mark.parametrize("method", [*IDS, "get_reminders", "lists"])
def test_a_timeout_raises_alexa_api_timeout(
    skill_client: Callable[..., TestClient], method: str
) -> None:
    skill, _ = api_skill()
    result = skill_client(skill, faults={method: "timeout"}).intent("Ask", what=method)
    assert result.speech == f"{method} timed out"


@pytest.mark.parametrize("status", [429, 500, 503])
@pytest.mark.parametrize("method", [*IDS, "get_reminders", "lists"])
def test_throttling_and_server_errors_raise_alexa_api_error(
    skill_client: Callable[..., TestClient], method: str, status: int
) -> None:
    skill, _ = api_skill()
    result = skill_client(skill, faults={method: status}).intent("Ask", what=method)
    assert result.speech == f"{method} failed with {status}"


def test_an_unhandled_api_error_is_the_apology_and_a_log_line(
    skill_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    skill = Skill(SKILL_ID)

    @skill.launch
    async def launch(api: AlexaApi) -> Response:
        return speak(f"{await api.given_name()}")

    result = skill_client(skill, faults={"given_name": 503}, raise_handler_errors=False).launch()
    assert result.speech == APOLOGY
    assert "given_name: HTTP 503, server error (FAULT" in caplog.text
    assert "test-api-access-token" not in caplog.text


def test_the_consent_card_can_be_replaced_by_an_exception_handler(
    skill_client: Callable[..., TestClient],
) -> None:
    skill = Skill(SKILL_ID)

    @skill.launch
    async def launch(api: AlexaApi) -> Response:
        return speak(f"Hello {await api.given_name()}")

    @skill.exception(PermissionRequired)
    async def no_name(exc: PermissionRequired) -> Response:
        return speak(f"Hello, whoever you are ({exc.scope}).")

    result = skill_client(skill, given_name="Ada", permissions=[]).launch()
    assert result.speech == f"Hello, whoever you are ({Scope.GIVEN_NAME})."
    assert result.card is None


def test_no_consent_card_where_alexa_takes_no_card(skill_client: Callable[..., TestClient]) -> None:
    skill = Skill(SKILL_ID)

    @skill.on("AudioPlayer.PlaybackStarted")
    async def started(api: AlexaApi) -> None:
        await api.given_name()

    client = skill_client(skill, permissions=[], raise_handler_errors=False)
    result = client.send("AudioPlayer.PlaybackStarted", token="t")
    assert result.status_code == 200
    assert result.card is None and result.speech is None
    assert isinstance(result.handler_error, PermissionRequired)


# --- the time zone and the user's "now" -------------------------------------------------------


def clock_skill() -> Skill:
    skill = Skill(SKILL_ID)

    @skill.intent("When")
    async def when(api: AlexaApi) -> Response:
        now = await api.now()
        today = await api.today()
        return speak(f"{now.isoformat()} {today.isoformat()}")

    return skill


def late_evening_utc() -> dt.datetime:
    """Tomorrow at 23:30 UTC: a moment the test PKI's certificates are valid at."""
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    return tomorrow.replace(hour=23, minute=30, second=0, microsecond=0)


@pytest.mark.parametrize(
    ("zone", "days_ahead"),
    [("Pacific/Auckland", 1), ("Asia/Tokyo", 1), ("America/Los_Angeles", 0), (None, 0)],
)
def test_now_and_today_are_the_requests_moment_in_the_device_time_zone(
    skill_client: Callable[..., TestClient], zone: str | None, days_ahead: int
) -> None:
    moment = late_evening_utc()
    client = skill_client(clock_skill(), time_zone=zone, now=lambda: moment)
    result = client.intent("When")
    assert result.speech is not None
    now_text, today_text = result.speech.split()
    now = dt.datetime.fromisoformat(now_text)
    assert now == moment  # the same moment, said in the device's zone
    expected_offset = moment.astimezone(ZoneInfo(zone)).utcoffset() if zone else dt.timedelta(0)
    assert now.utcoffset() == expected_offset
    assert today_text == (moment.date() + dt.timedelta(days=days_ahead)).isoformat()
    # One question for the time zone, however many helpers ask.
    assert [call.operation for call in result.api_calls] == ["time_zone"]


def test_an_unknown_time_zone_name_is_an_api_error(
    skill_client: Callable[..., TestClient],
) -> None:
    skill, _ = api_skill()
    result = skill_client(skill, time_zone="Mars/Olympus_Mons").intent("Ask", what="time_zone")
    assert result.speech == "time_zone failed with None"


# --- reminders --------------------------------------------------------------------------------


def reminder_skill(**options: Any) -> Skill:
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


def test_a_reminder_in_ten_minutes(skill_client: Callable[..., TestClient]) -> None:
    client = skill_client(reminder_skill(after=dt.timedelta(minutes=10)), locale="en-GB")
    result = client.intent("Remind")
    [call] = result.api_calls
    assert (call.operation, call.method, call.path, call.status) == (
        "create_reminder",
        "POST",
        "/v1/alerts/reminders",
        200,
    )
    assert call.body["trigger"] == {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 600}
    assert call.body["alertInfo"] == {
        "spokenInfo": {"content": [{"locale": "en-GB", "text": "Take the bins out"}]}
    }
    assert call.body["pushNotification"] == {"status": "ENABLED"}
    dt.datetime.fromisoformat(call.body["requestTime"])
    [kept] = client.api.reminders
    assert result.speech == f"Created {kept.alert_token} ON"
    listed = client.intent("List")
    assert listed.speech == "Take the bins out at SCHEDULED_RELATIVE"


def test_a_reminder_at_a_local_time_in_a_named_zone(
    skill_client: Callable[..., TestClient],
) -> None:
    at = dt.datetime(2026, 12, 1, 7, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    skill = reminder_skill(at=at, recurrence=["FREQ=WEEKLY;BYDAY=MO"], push_notification=False)
    call = skill_client(skill).intent("Remind").api_calls[0]
    assert call.body["trigger"] == {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": "2026-12-01T07:30:00.000",
        "timeZoneId": "Europe/Berlin",
        "recurrence": {
            "startDateTime": "2026-12-01T07:30:00.000",
            "recurrenceRules": ["FREQ=WEEKLY;BYDAY=MO"],
        },
    }
    assert call.body["pushNotification"] == {"status": "DISABLED"}


def test_a_naive_time_is_the_devices_and_a_fixed_offset_is_said_in_utc(
    skill_client: Callable[..., TestClient],
) -> None:
    naive = skill_client(reminder_skill(at=dt.datetime(2036, 12, 1, 7, 30)))
    # (after the time_zone call create_reminder makes to judge a local time)
    zone, created = naive.intent("Remind").api_calls
    assert (zone.operation, created.operation) == ("time_zone", "create_reminder")
    assert created.body["trigger"] == {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": "2036-12-01T07:30:00.000",
    }
    offset = dt.timezone(dt.timedelta(hours=2))
    fixed = skill_client(reminder_skill(at=dt.datetime(2036, 12, 1, 7, 30, tzinfo=offset)))
    assert fixed.intent("Remind").api_calls[0].body["trigger"] == {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": "2036-12-01T05:30:00.000",
        "timeZoneId": "UTC",
    }


def test_deleting_a_reminder(skill_client: Callable[..., TestClient]) -> None:
    client = skill_client(reminder_skill(after=dt.timedelta(hours=1)))
    client.intent("Remind")
    token = client.api.reminders[0].alert_token
    first = client.intent("Delete", token=token)
    assert first.speech == "deleted True"
    assert first.api_calls[0].path == f"/v1/alerts/reminders/{token}"
    assert client.intent("Delete", token=token).speech == "deleted False"
    assert client.api.reminders == []


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"at": dt.datetime(2026, 1, 1), "after": dt.timedelta(minutes=1)},
        {"after": dt.timedelta(0)},
        {"after": dt.timedelta(minutes=5), "recurrence": ["FREQ=DAILY"]},
        {"at": dt.datetime(2026, 1, 1), "recurrence": "FREQ=DAILY"},
    ],
)
def test_a_reminder_the_api_would_refuse_is_a_value_error_before_any_call(
    options: dict[str, Any],
) -> None:
    api = AlexaApi(decode_envelope(json.dumps(RequestFactory().intent("Remind"))))
    with pytest.raises(ValueError):
        _run(api.create_reminder("Stretch", **options))


def test_reminders_without_permission_get_the_consent_card(
    skill_client: Callable[..., TestClient],
) -> None:
    client = skill_client(reminder_skill(after=dt.timedelta(minutes=1)), permissions=[])
    result = client.intent("Remind")
    assert result.card == {"type": "AskForPermissionsConsent", "permissions": [Scope.REMINDERS]}
    assert result.api_calls[0].status == 403
    assert client.intent("Delete", token="abc").api_calls[0].status == 401


# --- lists and in-skill products ---------------------------------------------------------------


def test_adding_to_the_shopping_list(skill_client: Callable[..., TestClient]) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("AddItem")
    async def add_item(api: AlexaApi, item: str) -> Response:
        lists = {alexa_list.name: alexa_list.list_id for alexa_list in await api.lists()}
        shopping = lists["Alexa shopping list"]
        added = await api.add_list_item(shopping, item)
        items = await api.list_items(shopping)
        return speak(f"{added.value} added; the list has {', '.join(i.value or '' for i in items)}")

    client = skill_client(skill, lists={"Alexa shopping list": ["milk"], "Alexa to-do list": []})
    result = client.intent("AddItem", item="eggs")
    assert result.speech == "eggs added; the list has milk, eggs"
    assert [(c.operation, c.status) for c in result.api_calls] == [
        ("lists", 200),
        ("add_list_item", 201),
        ("list_items", 200),
    ]
    assert result.api_calls[1].body == {"value": "eggs", "status": "active"}
    assert client.api.list_values("Alexa shopping list") == ["milk", "eggs"]
    refused = skill_client(skill, permissions=[Scope.LISTS_READ]).intent("AddItem", item="tea")
    assert refused.card == {"type": "AskForPermissionsConsent", "permissions": [Scope.LISTS_WRITE]}


def test_lists_assigned_between_requests_are_what_the_skill_reads_next(
    skill_client: Callable[..., TestClient],
) -> None:
    # `api.lists = {...}` after the fake was made was ignored (the lists were read once, at
    # creation), where `api.reminders = ...` or `api.address = ...` took effect at the next
    # call: the skill read the old lists, and a test of the new ones failed, or passed, on them.
    skill = Skill(SKILL_ID)

    @skill.intent("ReadLists")
    async def read_lists(api: AlexaApi) -> Response:
        said = []
        for alexa_list in await api.lists():
            items = await api.list_items(alexa_list.list_id)
            said.append(f"{alexa_list.name}: {', '.join(i.value or '' for i in items)}")
        return speak("; ".join(said))

    client = skill_client(skill, lists={"Alexa shopping list": ["milk"]})
    assert client.intent("ReadLists").speech == "Alexa shopping list: milk"
    client.api.lists = {"Chores": ["dust", "sweep"], "Alexa shopping list": []}
    assert client.intent("ReadLists").speech == "Chores: dust, sweep; Alexa shopping list: "
    assert client.api.list_values("Chores") == ["dust", "sweep"]
    client.api.lists = None  # Amazon's two empty default lists, as at creation
    assert client.intent("ReadLists").speech == "Alexa shopping list: ; Alexa to-do list: "
    # A wrong value is refused where it is assigned, as at creation, the lists kept as they were.
    for wrong, said in (
        ({"Chores": "dust"}, r"'Chores'.*a list of values"),
        ({"Chores": 5}, r"'Chores'.*a list of values"),
        (["Chores"], r"lists is \['Chores'\]: a mapping"),
    ):
        with pytest.raises(ValueError, match=said):
            client.api.lists = wrong  # type: ignore[assignment]
        with pytest.raises(ValueError, match=said):
            FakeAlexaApi(lists=wrong)  # type: ignore[arg-type]
    assert client.intent("ReadLists").speech == "Alexa shopping list: ; Alexa to-do list: "


def test_in_skill_products_filtered_and_one_by_id(
    skill_client: Callable[..., TestClient],
) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Shop")
    async def shop(api: AlexaApi) -> Response:
        owned = await api.in_skill_products(entitled=True)
        on_sale = await api.in_skill_products(purchasable=True, product_type="CONSUMABLE")
        one = await api.in_skill_product("amzn1.adg.product.2")
        missing = await api.in_skill_product("amzn1.adg.product.404")
        return speak(
            f"own {[p.name for p in owned]}, can buy {[p.name for p in on_sale]}, "
            f"{one and one.is_purchasable}, {missing}"
        )

    result = skill_client(skill, in_skill_products=PRODUCTS, locale="de-DE").intent("Shop")
    assert result.speech == ("own ['Premium forecasts'], can buy ['Hint pack'], True, None")
    first, second, third, fourth = result.api_calls
    assert first.query == {"entitled": "ENTITLED"}
    assert second.query == {"purchasable": "PURCHASABLE", "productType": "CONSUMABLE"}
    assert (third.status, fourth.status) == (200, 404)


# --- progressive responses through the test client --------------------------------------------


def test_progressive_responses_are_recorded_on_the_result(
    skill_client: Callable[..., TestClient],
) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Slow")
    async def slow(api: AlexaApi) -> Response:
        assert await api.progressive("Looking that up")
        assert await api.progressive(Ssml("One ") + emphasis("moment"))
        return speak("Done.")

    result = skill_client(skill).intent("Slow")
    assert result.speech == "Done."
    assert result.progressive == ["Looking that up", "One moment"]
    assert result.api_calls[0].body["directive"]["type"] == "VoicePlayer.Speak"


def test_a_refused_progressive_response_is_sent_not_heard(
    skill_client: Callable[..., TestClient],
) -> None:
    # SkillResponse.progressive listed it as if the user heard it.
    from alexaskill.testing import FakeAlexaApi

    skill = Skill(SKILL_ID)

    @skill.intent("Slow")
    async def slow(api: AlexaApi) -> Response:
        await api.progressive("Looking that up")
        return speak("Done.")

    client = skill_client(skill, api=FakeAlexaApi(faults={"progressive": 503}))
    result = client.intent("Slow")
    assert result.progressive == []
    assert result.progressive_sent == ["Looking that up"]


# --- the endpoint rule, without a test client ---------------------------------------------------


def envelope_with(endpoint: str | None, token: str | None = "tok") -> AlexaApi:
    raw = RequestFactory().intent("Ask")
    system = raw["context"]["System"]
    system["apiEndpoint"] = endpoint
    system["apiAccessToken"] = token
    fake = FakeAlexaApi(given_name="Ada")
    return AlexaApi(decode_envelope(json.dumps(raw)), client=fake.client())


def _run(coroutine: Any) -> Any:
    import anyio

    async def main() -> Any:
        return await coroutine

    return anyio.run(main)


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://api.amazonalexa.com",
        "ftp://127.0.0.1",
        "http://localhost:8000",
        "api.amazonalexa.com",
    ],
)
def test_only_https_or_loopback_http_endpoints_are_called(endpoint: str) -> None:
    with pytest.raises(AlexaApiError, match="not Alexa's"):
        _run(envelope_with(endpoint).given_name())


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://api.eu.amazonalexa.com",
        "https://API.FE.AmazonAlexa.com./",
        "https://api.amazonalexa.com:443",
        "http://127.0.0.1:9",
        "http://[::1]:9",
        "https://127.0.0.1:9",
    ],
)
def test_amazons_https_and_loopback_endpoints_are_allowed(endpoint: str) -> None:
    assert _run(envelope_with(endpoint).given_name()) == "Ada"


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://evil.example",
        "https://evil-amazonalexa.com",
        "https://api.amazonalexa.com.evil.com",
        "https://amazonalexa.com@evil.com",
        "https://user:secret@api.amazonalexa.com",
        "https://10.0.0.1",
        "https://[::1",
        # Names httpx cannot build a URL of (it raised InvalidURL or idna's error, no
        # AlexaApiError), or that are no host name: Amazon's are ASCII letters, digits, hyphens.
        "https://evil\x00.amazonalexa.com",
        "https://a\u200d\u200d.amazonalexa.com",
        "https://xn--a.amazonalexa.com",
        "https://\uff41pi.amazonalexa.com",
        "https://ex ample.amazonalexa.com",
        "https://a_b.amazonalexa.com",
        "https://-api.amazonalexa.com",
        "https://api..amazonalexa.com",
        "https://api.amazonalexa.com/v1\x00",
        # A query or fragment: the call's path was put after it ("…amazonalexa.com?x=/v2/…"
        # asked the host's root, and Amazon's 404 told nothing of the endpoint that caused it).
        "https://api.amazonalexa.com?x=",
        "https://api.amazonalexa.com/?next=1",
        "https://api.amazonalexa.com#part",
        "http://127.0.0.1:9?x",
    ],
)
def test_the_token_goes_to_no_host_but_amazons(endpoint: str) -> None:
    # A request whose apiEndpoint is not Alexa's (a forged one, with verification off) must not
    # get the user's token out: refused before anything is sent.
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json="Ada")

    raw = RequestFactory(api_endpoint=endpoint).intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match="not Alexa's") as caught:
        _run(api.given_name())
    assert sent == []
    assert caught.value.status is None and "secret" not in str(caught.value)


def test_no_endpoint_or_token_is_a_clear_error() -> None:
    with pytest.raises(AlexaApiError, match="no apiEndpoint or apiAccessToken"):
        _run(envelope_with("https://api.amazonalexa.com", token=None).given_name())


def test_a_slow_api_never_holds_the_handler() -> None:
    import anyio

    async def slow(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(10)
        return httpx.Response(200, json="Europe/Paris")

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(slow))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client, timeout=0.05)

    async def main() -> None:
        # The answer comes after 10 s: a call that returns, rather than raises, waited for it.
        with pytest.raises(AlexaApiTimeout, match=r"within 0\.05 s"):
            await api.time_zone()

    anyio.run(main)


def test_reminder_values_decode_amazons_answer() -> None:
    # The shape of a reminder in Amazon's "Get all reminders" example.
    raw = {
        "alertToken": "string",
        "createdTime": "2018-08-14T15:40:55.002Z",
        "updatedTime": "2018-08-14T15:41:55.002Z",
        "trigger": {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": "2018-08-14T18:00:00.000"},
        "status": "ON",
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
        "pushNotification": {"status": "ENABLED"},
        "version": "1",
    }
    import msgspec

    reminder = msgspec.convert(raw, Reminder)
    assert reminder.text == "walk the dog"
    assert (
        reminder.trigger is not None
        and reminder.trigger.scheduled_time == "2018-08-14T18:00:00.000"
    )


# --- the fake itself ----------------------------------------------------------------------------


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


def test_a_def_handler_calls_the_api_with_call_sync(
    skill_client: Callable[..., TestClient],
) -> None:
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch(api: AlexaApi) -> Response:
        return speak(f"Hello {api.call_sync(api.given_name)}")

    assert skill_client(skill, given_name="Ada").launch().speech == "Hello Ada"


def test_call_sync_passes_keyword_arguments_on(
    skill_client: Callable[..., TestClient],
) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Shop")
    def shop(api: AlexaApi) -> Response:
        owned = api.call_sync(api.in_skill_products, entitled=True)
        reminder = api.call_sync(api.create_reminder, "Stretch", after=dt.timedelta(minutes=5))
        return speak(f"own {[p.name for p in owned]}, {reminder.status}")

    result = skill_client(skill, in_skill_products=PRODUCTS).intent("Shop")
    assert result.speech == "own ['Premium forecasts'], ON"
    assert result.api_calls[0].query == {"entitled": "ENTITLED"}
    assert result.api_calls[1].body["trigger"]["offsetInSeconds"] == 300


def test_a_runtime_error_of_the_called_method_reaches_the_handler(
    skill_client: Callable[..., TestClient],
) -> None:
    # call_sync took any RuntimeError for "not alexaskill's thread" and tried anyio's way next,
    # whose own RuntimeError ("only from an AnyIO worker thread") replaced the method's.
    skill = Skill(SKILL_ID)
    calls = []

    async def failing() -> str:
        calls.append(1)
        raise RuntimeError("the method's own")

    @skill.launch
    def launch(api: AlexaApi) -> Response:
        try:
            return speak(api.call_sync(failing))
        except RuntimeError as exc:
            return speak(str(exc))

    assert skill_client(skill).launch().speech == "the method's own"
    assert calls == [1]


def test_call_sync_outside_a_worker_thread_is_a_runtime_error() -> None:
    api = AlexaApi(decode_envelope(json.dumps(RequestFactory().intent("Ask"))))
    with pytest.raises(RuntimeError):
        api.call_sync(api.given_name)


def test_the_fake_served_on_loopback_answers_alexa_api_over_http() -> None:
    fake = FakeAlexaApi(given_name="Ada", faults={"email": "timeout"})
    with fake.serve() as url:
        assert url.startswith("http://127.0.0.1:")
        raw = RequestFactory(api_endpoint=url).intent("Ask")
        # Far past the default 2 s, which a loaded machine's stalled server thread may exceed.
        api = AlexaApi(decode_envelope(json.dumps(raw)), timeout=30.0)
        assert _run(api.given_name()) == "Ada"
        assert _run(api.full_name()) is None
        api.timeout = 0.3
        with pytest.raises(AlexaApiTimeout):
            _run(api.email())
    assert [(c.operation, c.status) for c in fake.calls] == [
        ("given_name", 200),
        ("full_name", 204),
        ("email", 0),
    ]


def test_the_fake_serves_loopback_addresses_only() -> None:
    with pytest.raises(ValueError, match="loopback"), FakeAlexaApi().serve(host="0.0.0.0"):
        pass


@pytest.mark.parametrize(
    "module", [alexa_api, "alexaskill.testing.alexa_api", "alexaskill.testing.api_server"]
)
def test_public_names_are_sorted_and_documented(module: Any) -> None:
    import importlib

    if isinstance(module, str):
        module = importlib.import_module(module)
    names = module.__all__
    # As ruff's RUF022 sorts: constants, then classes, then functions.
    assert names == sorted(names, key=lambda name: (not name.isupper(), name[0].islower(), name))
    for name in names:
        assert getattr(module, name).__doc__, name


def test_a_redirect_is_not_followed_even_by_a_client_that_would() -> None:
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(302, headers={"location": "https://evil.example/collect"})

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer), follow_redirects=True)
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError) as caught:
        _run(api.given_name())
    assert caught.value.status == 302
    assert [url for url in sent if "evil" in url] == []


@pytest.mark.parametrize("token", ["abc\r\nX-Injected: SECRET", "abcé-SECRET", "abc SECRET", " "])
def test_a_token_that_is_no_bearer_token_is_refused_unsent_and_unshown(token: str) -> None:
    # Not Amazon's (a forged request, with verification off): sending it would inject a header,
    # or fail in httpx or h11 with an exception that carries the token (UnicodeEncodeError,
    # "Illegal header value b'Bearer …'").
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json="Ada")

    raw = RequestFactory().intent("Ask")
    raw["context"]["System"]["apiAccessToken"] = token
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match="apiAccessToken") as caught:
        _run(api.given_name())
    assert sent == []
    assert "SECRET" not in str(caught.value) and caught.value.__cause__ is None


def test_an_answer_larger_than_the_cap_is_not_read_in_full() -> None:
    from alexaskill.alexa_api import MAX_ANSWER_BYTES

    pulled: list[int] = []
    chunk = b" " * 65536

    class Endless(httpx.AsyncByteStream):
        async def __aiter__(self) -> Any:
            yield b'"'
            for _ in range(4 * MAX_ANSWER_BYTES // len(chunk)):
                pulled.append(len(chunk))
                yield chunk
            yield b'"'

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Endless(), headers={"content-type": "application/json"})

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match="larger than") as caught:
        _run(api.distance_units())
    assert caught.value.status == 200
    assert sum(pulled) <= MAX_ANSWER_BYTES + len(chunk)


def test_an_answer_whose_length_says_too_large_is_refused_unread() -> None:
    # By its Content-Length, before a byte of it is read (the streaming cap would refuse it
    # too, but only after reading 4 MiB): the stream records whether it was read at all.
    from alexaskill.alexa_api import MAX_ANSWER_BYTES

    pulled: list[int] = []

    class Body(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            chunk = b"x" * (MAX_ANSWER_BYTES + 1)
            pulled.append(len(chunk))
            yield chunk

    def answer(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "text/html", "content-length": str(MAX_ANSWER_BYTES + 1)}
        return httpx.Response(503, stream=Body(), headers=headers)

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match="larger than") as caught:
        _run(api.distance_units())
    assert caught.value.status == 503
    assert pulled == []


def test_httpx_logs_no_user_or_device_id_of_a_call(caplog: pytest.LogCaptureFixture) -> None:
    # httpx logs each request's URL at INFO; the device id and list ids (the account id,
    # base64) are in Amazon's paths. The line stays, with the operation instead of the path.
    import logging

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json="METRIC")

    raw = RequestFactory(device_id="amzn1.ask.device.SECRETDEVICE").intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with caplog.at_level(logging.INFO, "httpx"):
        assert _run(api.distance_units()) == "METRIC"
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert len(lines) == 1 and "distance_units" in lines[0] and "200" in lines[0]
    assert "SECRETDEVICE" not in caplog.text

    async def elsewhere() -> None:  # another call of the app's: its line is untouched
        await client.get("https://example.test/amzn1.ask.device.OTHER")

    with caplog.at_level(logging.INFO, "httpx"):
        _run(elsewhere())
    assert "amzn1.ask.device.OTHER" in caplog.text


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


def test_a_header_httpx_cannot_encode_is_an_alexa_api_error() -> None:
    # The request's locale goes out as Accept-Language: one that is not ASCII (no request of
    # Alexa's) raised a bare UnicodeEncodeError from httpx, past `except AlexaApiError`.
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"inSkillProducts": []})

    raw = RequestFactory().intent("Ask")
    raw["request"]["locale"] = "fr-FRé"
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match="not ASCII") as caught:
        _run(api.in_skill_products())
    assert caught.value.__cause__ is None


@pytest.mark.parametrize(
    "error", [httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.ProxyError]
)
def test_a_network_error_carries_no_request_with_the_token(error: type[httpx.RequestError]) -> None:
    # httpx's error holds the request, its Authorization header and all, and its traceback the
    # frames whose locals hold it: what an error reporter records of the AlexaApiError chain.
    token = RequestFactory().intent("Ask")["context"]["System"]["apiAccessToken"]

    def answer(request: httpx.Request) -> httpx.Response:
        raise error("the network failed", request=request)

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match=error.__name__) as caught:
        _run(api.distance_units())
    chain: list[BaseException] = []
    todo: list[BaseException | None] = [caught.value]
    while todo:  # every exception reachable, as cause or as context (shown or not)
        seen = todo.pop()
        if seen is not None and seen not in chain:
            chain.append(seen)
            todo += [seen.__cause__, seen.__context__]
    assert isinstance(caught.value.__cause__, error)  # the kind of failure stays findable
    for link in chain[1:]:
        with pytest.raises(RuntimeError):  # httpx: "The .request property has not been set."
            link.request  # type: ignore[attr-defined]  # noqa: B018
        assert link.__traceback__ is None
    assert token not in repr([vars(link) for link in chain])


@pytest.mark.parametrize("how", ["httpx", "deadline"])
def test_a_timeout_carries_no_request_with_the_token(how: str) -> None:
    # The context of the timeout (httpx's ReadTimeout, or the cancellation of the call) holds
    # the request, or frames whose locals do: the AlexaApiTimeout has none.
    async def answer(request: httpx.Request) -> httpx.Response:
        if how == "httpx":
            raise httpx.ReadTimeout("no answer", request=request)
        await asyncio.sleep(10)
        return httpx.Response(200, json="METRIC")

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client, timeout=0.05)
    with pytest.raises(AlexaApiTimeout) as caught:
        _run(api.distance_units())
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def _locals_showing(error: BaseException, secret: str) -> list[str]:
    """The locals of alexaskill's frames in ``error``'s traceback whose repr shows ``secret``, as
    an error reporter that records locals (Sentry) would record them."""
    package = str(Path(alexaskill.__file__).parent)
    shown = []
    frame = error.__traceback__
    while frame is not None:
        code = frame.tb_frame.f_code
        if code.co_filename.startswith(package):
            shown += [
                f"{code.co_name}:{name}"
                for name, value in frame.tb_frame.f_locals.items()
                if secret in repr(value)
            ]
        frame = frame.tb_next
    return shown


@pytest.mark.parametrize(
    "how", ["network", "timeout", "status", "fake", "forged", "endpoint", "no device"]
)
def test_no_frame_of_a_failed_call_shows_the_token(how: str) -> None:
    # The token is in _call's locals, and the headers sent in send's and _http's (context.System
    # in _base's): a reporter that records the locals of the traceback's frames (by their repr,
    # as Sentry does) must not record it.
    raw = RequestFactory().intent("Ask")
    system = raw["context"]["System"]
    if how == "forged":
        system["apiAccessToken"] = "forged token"
    elif how == "endpoint":
        system["apiEndpoint"] = "https://api.example.test"
    elif how == "no device":
        del system["device"]
    token = system["apiAccessToken"]

    async def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == f"Bearer {token}"  # still sent, as it was
        if how == "network":
            raise httpx.ConnectError("down", request=request)
        if how == "timeout":
            await asyncio.sleep(10)
        return httpx.Response(500)

    if how == "fake":
        client: Any = FakeAlexaApi(faults={"distance_units": 503})
    else:
        client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client, timeout=0.05)
    with pytest.raises(AlexaApiError) as caught:
        _run(api.distance_units())
    assert _locals_showing(caught.value, token) == []


@pytest.mark.parametrize(
    "url", ["https://evil\x00.amazonalexa.com/v1", "https://xn--a.amazonalexa.com/v1"]
)
@pytest.mark.parametrize("own_client", [True, False])
def test_a_url_httpx_cannot_build_is_an_alexa_api_error(url: str, own_client: bool) -> None:
    # send() past check_endpoint: httpx's InvalidURL and idna's error are no httpx.HTTPError.
    from alexaskill.alexa_api import send

    def answer(request: httpx.Request) -> httpx.Response:
        raise AssertionError("sent")

    client = None if own_client else httpx.AsyncClient(transport=httpx.MockTransport(answer))
    with pytest.raises(AlexaApiError, match="cannot be sent to") as caught:
        _run(send(client, "op", "GET", url, {}, None, None, timeout=1.0))
    assert caught.value.__cause__ is None and caught.value.__context__ is None


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
    assert "FORBIDDEN" in str(fake.calls[-1].answer)


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


def _gzip_stream(data: bytes) -> httpx.AsyncByteStream:
    """A streamed body of ``data`` in one chunk (a MockTransport's Response(content=...) is
    read, and so decoded, before the client sees it)."""

    class One(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield data

    return One()


def test_a_gzip_bomb_is_refused_without_inflating_it_whole() -> None:
    # 48 MiB of spaces compress to ~50 kB, one chunk: httpx's decoder would inflate it whole
    # (with the bytearray it is added to: over 100 MB at once) before the cap was looked at.
    import tracemalloc
    import zlib

    from alexaskill.alexa_api import MAX_ANSWER_BYTES

    deflater = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    megabyte = b" " * (1 << 20)
    bomb = b"".join(deflater.compress(megabyte) for _ in range(48)) + deflater.flush()
    assert len(bomb) < 1 << 20 and MAX_ANSWER_BYTES < 48 << 20

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept-encoding"] == "gzip"
        headers = {"content-type": "application/json", "content-encoding": "gzip"}
        return httpx.Response(200, stream=_gzip_stream(bomb), headers=headers)

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    tracemalloc.start()
    try:
        with pytest.raises(AlexaApiError, match="larger than") as caught:
            _run(api.distance_units())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.status == 200
    assert peak < 4 * MAX_ANSWER_BYTES  # the cap and a piece, not the 48 MiB inflated


def test_a_gzip_answer_is_read_and_another_encoding_refused() -> None:
    import gzip

    encoding = "gzip"

    def answer(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "application/json", "content-encoding": encoding}
        return httpx.Response(200, stream=_gzip_stream(gzip.compress(b'"METRIC"')), headers=headers)

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    assert _run(api.distance_units()) == "METRIC"
    encoding = "compress"
    with pytest.raises(AlexaApiError, match="content-encoding 'compress', not gzip"):
        _run(api.distance_units())
    encoding = "identity"  # gzip bytes said to be plain: they do not decode as JSON
    with pytest.raises(AlexaApiError, match="does not decode"):
        _run(api.distance_units())


@pytest.mark.parametrize(
    ("call", "scope"),
    [
        (lambda api: api.lists(), Scope.LISTS_READ),
        (lambda api: api.list_items("list-1"), Scope.LISTS_READ),
        (lambda api: api.add_list_item("list-1", "tea"), Scope.LISTS_WRITE),
    ],
)
def test_a_list_api_403_with_the_scope_granted_asks_for_no_consent_again(
    call: Callable[[AlexaApi], Any], scope: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Amazon's List API is deprecated: it may refuse a skill (403) whatever the user granted.
    # A consent card then asked the user for a permission they had, again and again.
    import logging

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"code": "ACCESS_DENIED", "message": "no"})

    def api_granting(*granted: str) -> AlexaApi:
        raw = RequestFactory().intent("Ask")
        scopes = {name: {"status": "GRANTED"} for name in granted}
        raw["context"]["System"]["user"]["permissions"] = {"scopes": scopes}
        client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
        return AlexaApi(decode_envelope(json.dumps(raw)), client=client)

    refused = pytest.raises(AlexaApiError, match="though the user granted")
    with caplog.at_level(logging.WARNING, "alexaskill"), refused as caught:
        _run(call(api_granting(scope)))
    assert not isinstance(caught.value, PermissionRequired)
    assert caught.value.status == 403 and caught.value.code == "ACCESS_DENIED"
    assert any(scope in record.getMessage() for record in caplog.records)
    other = Scope.LISTS_WRITE if scope == Scope.LISTS_READ else Scope.LISTS_READ
    with pytest.raises(PermissionRequired) as asked:  # not granted: the consent card, as before
        _run(call(api_granting(other)))
    assert asked.value.scope == scope


_SCOPED_CALLS: list[tuple[str, Callable[[AlexaApi], Any], str, int]] = [
    ("full_address", lambda api: api.full_address(), Scope.FULL_ADDRESS, 403),
    (
        "country_and_postal_code",
        lambda api: api.country_and_postal_code(),
        Scope.COUNTRY_AND_POSTAL_CODE,
        403,
    ),
    ("full_name", lambda api: api.full_name(), Scope.NAME, 403),
    ("given_name", lambda api: api.given_name(), Scope.GIVEN_NAME, 403),
    ("email", lambda api: api.email(), Scope.EMAIL, 403),
    ("mobile_number", lambda api: api.mobile_number(), Scope.MOBILE_NUMBER, 403),
    (
        "create_reminder",
        lambda api: api.create_reminder("tea", after=dt.timedelta(minutes=5)),
        Scope.REMINDERS,
        403,
    ),
    ("get_reminders", lambda api: api.get_reminders(), Scope.REMINDERS, 401),
    ("delete_reminder", lambda api: api.delete_reminder("alert-1"), Scope.REMINDERS, 401),
]


@pytest.mark.parametrize(
    ("call", "scope", "status"),
    [(call, scope, status) for _, call, scope, status in _SCOPED_CALLS],
    ids=[name for name, *_ in _SCOPED_CALLS],
)
def test_every_api_refusing_a_granted_scope_asks_for_no_consent_again(
    call: Callable[[AlexaApi], Any], scope: str, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    # Only the List API's refusal of a granted scope was told apart: any other API's 403 (401
    # for reminders) sent the consent card for a permission the request says the user gave, and
    # the next request was refused again, the user asked again and again.
    import logging

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"code": "ACCESS_DENIED", "message": "no"})

    def api_with(permissions: dict[str, Any]) -> AlexaApi:
        raw = RequestFactory().intent("Ask")
        raw["context"]["System"]["user"]["permissions"] = permissions
        client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
        return AlexaApi(decode_envelope(json.dumps(raw)), client=client)

    granted = {"scopes": {scope: {"status": "GRANTED"}}}
    refused = pytest.raises(AlexaApiError, match=f"refused though the user granted {scope}")
    with caplog.at_level(logging.WARNING, "alexaskill"), refused as caught:
        _run(call(api_with(granted)))
    assert not isinstance(caught.value, PermissionRequired)
    assert (caught.value.status, caught.value.code) == (status, "ACCESS_DENIED")
    assert any(
        scope in record.getMessage() and "no consent card" in record.getMessage()
        for record in caplog.records
    )
    # Not granted, denied, or only a consent token (which names no scope): the card, as before.
    for permissions in (
        {"scopes": {other: {"status": "GRANTED"} for other in Scope.ALL if other != scope}},
        {"scopes": {scope: {"status": "DENIED"}}},
        {"consentToken": "eyJ0eXAiOiJKV1Qi.e30.c2ln"},
    ):
        with pytest.raises(PermissionRequired) as asked:
            _run(call(api_with(permissions)))
        assert asked.value.scope == scope


@pytest.mark.parametrize("method", [getter[0] for getter in GETTERS if getter[3] is not None])
def test_a_granted_scope_refused_is_the_apology_not_the_consent_card(
    skill_client: Callable[..., TestClient], method: str
) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Ask")
    async def ask_api(api: AlexaApi, what: str) -> Response:
        await getattr(api, what)()
        return speak("answered")

    client = skill_client(skill, faults={method: 403}, raise_handler_errors=False)
    envelope = client.factory.intent("Ask", what=method)
    granted = {name: {"status": "GRANTED"} for name in Scope.ALL}
    envelope["context"]["System"]["user"]["permissions"] = {"scopes": granted}
    result = client.send_envelope(envelope)
    assert result.status_code == 200
    assert result.speech == APOLOGY
    assert result.card is None
    assert result.api_calls[0].status == 403
    assert isinstance(result.handler_error, AlexaApiError)
    assert not isinstance(result.handler_error, PermissionRequired)


@pytest.mark.parametrize(
    ("stamp", "moment"),
    [
        # RFC 3339's lower-case z, and a leap second (read as the instant it ends), both taken by
        # the verifier: the user's "now" fell back to this server's clock.
        ("2026-12-01T12:00:00z", dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)),
        ("2016-12-31T23:59:60Z", dt.datetime(2017, 1, 1, 0, 0, tzinfo=dt.UTC)),
        ("2016-12-31t23:59:60z", dt.datetime(2017, 1, 1, 0, 0, tzinfo=dt.UTC)),
        ("2026-12-01T13:00:00+01:00", dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)),
    ],
)
def test_the_requests_moment_is_its_timestamp_as_the_verifier_reads_it(
    stamp: str, moment: dt.datetime
) -> None:
    from alexaskill.services.user import _request_time

    raw = RequestFactory().intent("When")
    raw["request"]["timestamp"] = stamp
    assert _request_time(decode_envelope(json.dumps(raw))) == moment


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_says_it_was_not_followed_not_that_alexa_refused(status: int) -> None:
    # "HTTP 302, refused" read as Amazon's refusal of the call; it was a redirect left unfollowed.
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers={"location": "https://elsewhere.example/x"})

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError) as caught:
        _run(api.given_name())
    message = str(caught.value)
    assert caught.value.status == status
    assert "redirect" in message and "not followed" in message and "refused" not in message
    assert "elsewhere.example" not in message


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"at": "2026-12-01T07:30"}, r"at= is a datetime.*not a str"),
        ({"at": dt.date(2026, 12, 1)}, r"at= is a datetime.*not a date"),
        ({"after": 300}, r"after= is a timedelta.*not a int"),
        ({"at": dt.datetime(2026, 12, 1), "recurrence": [7]}, r"recurrence.*rules.*not a int"),
    ],
)
def test_a_reminder_time_of_the_wrong_type_is_a_type_error_that_says_what_to_give(
    options: dict[str, Any], said: str
) -> None:
    # after=300 (seconds, as one writes it) was AttributeError: 'int' object has no attribute
    # 'total_seconds'; at="…" a str's 'tzinfo'; a rule that is no str was sent (to the fake).
    raw = RequestFactory().intent("Remind")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=FakeAlexaApi())
    with pytest.raises(TypeError, match=said):
        _run(api.create_reminder("Stretch", **options))


def test_a_reminder_token_that_is_no_str_is_a_type_error() -> None:
    # It was quote()'s "quote_from_bytes() expected bytes", which names nothing of the skill's.
    raw = RequestFactory().intent("Delete")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=FakeAlexaApi())
    with pytest.raises(TypeError, match=r"delete_reminder.*alert_token.*str, not a int"):
        _run(api.delete_reminder(5))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "rules"),
    [
        ({"at": dt.datetime(2036, 12, 1, 7, 30), "recurrence": None}, None),
        ({"after": dt.timedelta(minutes=5), "recurrence": None}, None),
        ({"at": dt.datetime(2036, 12, 1, 7, 30), "recurrence": "iterator"}, ["FREQ=DAILY"]),
    ],
)
def test_the_reminder_type_check_keeps_a_recurrence_of_none_or_read_once(
    options: dict[str, Any], rules: list[str] | None
) -> None:
    # The rule check iterated the recurrence before the trigger was made of it: None (no
    # recurrence, as it worked before) became "'NoneType' object is not iterable", and an
    # iterator's rules were used up, a recurrence of no rules sent.
    if options["recurrence"] == "iterator":
        options = {**options, "recurrence": iter(["FREQ=DAILY"])}
    fake = FakeAlexaApi()
    raw = RequestFactory().intent("Remind")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=fake)
    _run(api.create_reminder("Stretch", **options))
    [call] = [call for call in fake.calls if call.operation == "create_reminder"]
    recurrence = call.body["trigger"].get("recurrence")
    assert (recurrence and recurrence["recurrenceRules"]) == rules


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
    with pytest.raises(TypeError, match=r"product_type.*not a int"):
        _run(api.in_skill_products(product_type=1))  # type: ignore[arg-type]


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


# --- a reminder in the past -------------------------------------------------------------------

MOMENT = dt.datetime(2031, 3, 14, 9, 0, tzinfo=dt.UTC)  # the client's clock in these tests


@pytest.mark.parametrize(
    "at",
    [
        dt.datetime(2031, 3, 14, 8, 0, tzinfo=dt.UTC),
        dt.datetime(2031, 3, 14, 9, 30, tzinfo=ZoneInfo("Europe/Paris")),  # 08:30 UTC
        dt.datetime(2031, 3, 14, 9, 0, tzinfo=dt.UTC),  # the request's moment: gone by the call
    ],
)
def test_a_reminder_at_a_moment_gone_is_a_value_error_unsent(
    skill_client: Callable[..., TestClient], at: dt.datetime
) -> None:
    # A one-time reminder in the past never rings. at= an hour ago went out, and the
    # fake created it: a skill that said "I'll remind you at 8" at 9 passed its tests.
    client = skill_client(reminder_skill(at=at), now=lambda: MOMENT)
    with pytest.raises(ValueError, match=r"at= 2031-03-14T.* is in the past.*never ring"):
        client.intent("Remind")
    assert client.api.calls == []
    assert client.api.reminders == []


def test_a_local_time_gone_in_the_devices_zone_is_a_value_error_once_the_zone_is_known(
    skill_client: Callable[..., TestClient],
) -> None:
    # A time without tzinfo is the device's: once the handler asked the zone (api.now()), the
    # check reads it in that zone; 09:30 in Paris is 08:30 UTC, gone at 09:00 UTC.
    skill = Skill(SKILL_ID)
    raised: list[BaseException] = []

    @skill.intent("Remind")
    async def remind(api: AlexaApi) -> Response:
        now = await api.now()
        try:
            await api.create_reminder("Stretch", at=now.replace(tzinfo=None, minute=30) - HOUR)
        except ValueError as exc:
            raised.append(exc)
        return speak("done")

    client = skill_client(skill, time_zone="Europe/Paris", now=lambda: MOMENT)
    result = client.intent("Remind")
    assert [call.operation for call in result.api_calls] == ["time_zone"]
    [exc] = raised
    assert "in the past" in str(exc) and "2031-03-14T09:30" in str(exc)


HOUR = dt.timedelta(hours=1)


def test_a_local_time_gone_is_a_value_error_whether_or_not_the_zone_was_asked(
    skill_client: Callable[..., TestClient],
) -> None:
    # A time without tzinfo gone by was a ValueError once the handler had asked the zone, and
    # an AlexaApiError (the fake's 400) when it had not: one mistake, two errors to catch.
    # create_reminder asks the zone itself now (once a request, as api.now() does), unsent.
    skill = Skill(SKILL_ID)
    said: list[str] = []

    @skill.intent("Remind")
    async def remind(api: AlexaApi) -> Response:
        try:
            await api.create_reminder("Stretch", at=dt.datetime(2031, 3, 14, 9, 30))
        except ValueError as exc:
            said.append(str(exc))
        return speak("done")

    client = skill_client(skill, time_zone="Europe/Paris", now=lambda: MOMENT)
    result = client.intent("Remind")
    assert [call.operation for call in result.api_calls] == ["time_zone"]
    assert said and "in the past" in said[0] and "2031-03-14T09:30" in said[0]
    assert client.api.reminders == []
    # Ten in the evening in Paris is to come: created, the zone asked first.
    later = skill_client(reminder_skill(at=dt.datetime(2031, 3, 14, 22, 0)), now=lambda: MOMENT)
    later.api.time_zone = "Europe/Paris"
    calls = later.intent("Remind").api_calls
    assert [(call.operation, call.status) for call in calls] == [
        ("time_zone", 200),
        ("create_reminder", 200),
    ]


def test_a_local_time_on_a_device_without_a_zone_is_judged_by_neither_side(
    skill_client: Callable[..., TestClient],
) -> None:
    # The skill cannot read a local time on a device that set no zone, and sent it; the fake
    # read it in UTC and refused it (400, an AlexaApiError): a rule of its own, as what Alexa
    # does then is not documented. Neither judges it now: created.
    client = skill_client(reminder_skill(at=dt.datetime(2031, 3, 14, 8, 30)), now=lambda: MOMENT)
    calls = client.intent("Remind").api_calls
    assert [(call.operation, call.status) for call in calls] == [
        ("time_zone", 204),
        ("create_reminder", 200),
    ]


def test_the_fake_refuses_a_local_time_gone_in_its_time_zone_sent_by_another_client() -> None:
    # A skill that builds the call itself (another framework, in another process) gets the
    # fake's 400, the time read in the fake's zone at the request's moment.
    import anyio

    raw = RequestFactory().intent("Remind")
    raw["request"]["timestamp"] = "2031-03-14T09:00:00Z"  # (MOMENT)
    fake = FakeAlexaApi(time_zone="Europe/Paris")
    fake.issued(raw)
    trigger = {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": "2031-03-14T09:30:00.000"}
    body: dict[str, Any] = {
        "requestTime": "2031-03-14T09:00:00.000",
        "trigger": trigger,
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "Stretch"}]}},
        "pushNotification": {"status": "ENABLED"},
    }
    token = raw["context"]["System"]["apiAccessToken"]
    url = "https://api.amazonalexa.com/v1/alerts/reminders"
    headers = {"Authorization": f"Bearer {token}"}
    status, answer, _ = anyio.run(fake.alexa_api_call, "POST", url, headers, body, None)
    assert status == 400 and b"in the past" in answer and b"INVALID_TRIGGER" in answer
    trigger["scheduledTime"] = "2031-03-14T22:00:00.000"
    assert anyio.run(fake.alexa_api_call, "POST", url, headers, body, None)[0] == 200


def reminder_call(fake: FakeAlexaApi, token: str, scheduled: str) -> tuple[int, bytes]:
    """The fake's status and answer to a one-time reminder at ``scheduled`` (UTC), called with
    ``token`` as a skill in another process would call it."""
    import anyio

    trigger = {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": scheduled, "timeZoneId": "UTC"}
    body: dict[str, Any] = {
        "requestTime": "2001-02-03T10:00:00.000",
        "trigger": trigger,
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "Stretch"}]}},
        "pushNotification": {"status": "ENABLED"},
    }
    url = "https://api.amazonalexa.com/v1/alerts/reminders"
    headers = {"Authorization": f"Bearer {token}"}
    status, answer, _ = anyio.run(fake.alexa_api_call, "POST", url, headers, body, None)
    return status, answer


def sent_at(stamp: str, token: str) -> dict[str, Any]:
    """An IntentRequest sent at ``stamp``, carrying ``token`` as its apiAccessToken."""
    raw = RequestFactory().intent("Remind")
    raw["request"]["timestamp"] = stamp
    raw["context"]["System"]["apiAccessToken"] = token
    return raw


def test_the_fake_judges_reminders_at_the_now_a_test_gives_it() -> None:
    # With no request sent, the fake judged a reminder by this machine's clock: one at a fixed
    # time passed or failed depending on the day the test ran. A far-past moment shows it.
    fake = FakeAlexaApi(now=lambda: dt.datetime(2001, 2, 3, 10, 0, tzinfo=dt.UTC))
    status, answer = reminder_call(fake, "any-token", "2001-02-03T10:30:00.000")
    assert status == 200, answer
    assert json.loads(answer)["createdTime"] == "2001-02-03T10:00:00.000Z"
    status, answer = reminder_call(fake, "any-token", "2001-02-03T09:30:00.000")
    assert status == 400 and b"in the past" in answer and b"2001-02-03T10:00:00+00:00" in answer
    # Given, it wins over the requests' timestamps too.
    fake.issued(sent_at("2040-01-01T00:00:00Z", "token-a"))
    assert reminder_call(fake, "token-a", "2001-02-03T10:30:00.000")[0] == 200


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2001, 2, 3, 10, 0, tzinfo=dt.UTC),  # a moment: TestClient's now= is a clock
        lambda: dt.datetime(2001, 2, 3, 10, 0),  # naive: in no zone
        lambda: "2001-02-03T10:00:00Z",
    ],
)
def test_the_fakes_now_is_a_clock_giving_an_aware_time(now: Any) -> None:
    with pytest.raises(TypeError, match=r"FakeAlexaApi\(now=\.\.\.\) is a clock"):
        FakeAlexaApi(now=now)
    fake = FakeAlexaApi()
    with pytest.raises(TypeError, match=r"FakeAlexaApi\(now=\.\.\.\) is a clock"):
        fake.now = now


def test_the_fake_judges_a_call_at_the_time_of_the_request_that_carried_its_token() -> None:
    # Two conversations share one fake, each request with its own token (as Alexa's are): the
    # fake judged every call at the last request's timestamp, whichever request made it.
    fake = FakeAlexaApi()
    fake.issued(sent_at("2001-02-03T10:00:00Z", "token-a"))
    fake.issued(sent_at("2099-01-01T00:00:00Z", "token-b"))
    assert reminder_call(fake, "token-a", "2001-02-03T10:30:00.000")[0] == 200
    status, answer = reminder_call(fake, "token-b", "2001-02-03T10:30:00.000")
    assert status == 400 and b"2099-01-01T00:00:00+00:00" in answer


def test_the_fake_judges_a_call_at_the_time_of_the_request_being_answered() -> None:
    # Requests sharing a token (one a test gave: `RequestFactory.api_access_token`): the
    # request the call belongs to is the one being answered, though another one was sent (and
    # answered) since it came.
    fake = FakeAlexaApi()
    first = sent_at("2001-02-03T10:00:00Z", "test-api-access-token")
    fake.issued(first)
    with fake.answering(first["request"]["requestId"]):
        second = sent_at("2099-01-01T00:00:00Z", "test-api-access-token")
        fake.issued(second)
        with fake.answering(second["request"]["requestId"]):
            pass
        status, answer = reminder_call(fake, "test-api-access-token", "2001-02-03T10:30:00.000")
    assert status == 200, answer
    # Once both are answered, a late call is judged at the last request sent with the token.
    assert reminder_call(fake, "test-api-access-token", "2001-02-03T10:30:00.000")[0] == 400


def list_call(fake: FakeAlexaApi, token: str, value: str) -> dict[str, Any]:
    """The item the fake answers to adding ``value`` to its first list, called with ``token``
    as a skill in another process would call it."""
    import anyio

    [list_id, *_] = fake._list_meta
    url = f"https://api.amazonalexa.com/v2/householdlists/{list_id}/items"
    headers = {"Authorization": f"Bearer {token}"}
    body = {"value": value, "status": "active"}
    status, answer, _ = anyio.run(fake.alexa_api_call, "POST", url, headers, body, None)
    assert status == 201, answer
    item: dict[str, Any] = json.loads(answer)
    return item


def test_list_items_are_stamped_at_the_fakes_now() -> None:
    # Items (those given and those added) were stamped by this machine's clock, whatever the
    # fake's now: a test of a fixed date read list times of the day it ran.
    fake = FakeAlexaApi(
        now=lambda: dt.datetime(2001, 2, 3, 10, 0, tzinfo=dt.UTC), lists={"Chores": ["dust"]}
    )
    [given] = fake._items[next(iter(fake._list_meta))]
    assert (given.created_time, given.updated_time) == ("2001-02-03T10:00:00.000Z",) * 2
    added = list_call(fake, "any-token", "sweep")
    assert (added["createdTime"], added["updatedTime"]) == ("2001-02-03T10:00:00.000Z",) * 2


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


def test_list_items_are_stamped_at_the_time_of_the_request_that_added_them() -> None:
    fake = FakeAlexaApi(lists={"Chores": []})
    fake.issued(sent_at("2001-02-03T10:00:00Z", "token-a"))
    fake.issued(sent_at("2099-01-01T00:00:00Z", "token-b"))
    assert list_call(fake, "token-a", "dust")["createdTime"] == "2001-02-03T10:00:00.000Z"
    assert list_call(fake, "token-b", "sweep")["createdTime"] == "2099-01-01T00:00:00.000Z"


def test_a_list_item_a_skill_adds_is_stamped_at_the_clients_now(
    skill_client: Callable[..., TestClient],
) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("AddItem")
    async def add_item(api: AlexaApi, item: str) -> Response:
        [shopping, *_] = await api.lists()
        added = await api.add_list_item(shopping.list_id, item)
        return speak(f"added at {added.created_time}")

    client = skill_client(skill, now=lambda: MOMENT)
    assert client.intent("AddItem", item="eggs").speech == "added at 2031-03-14T09:00:00.000Z"


def test_list_items_given_are_stamped_at_the_first_call_that_reads_them(
    skill_client: Callable[..., TestClient],
) -> None:
    # Items given with `lists=` were stamped when the fake was made, by this machine's clock:
    # a test with a fixed client clock and no fake's now read the day it ran.
    skill = Skill(SKILL_ID)

    @skill.intent("ReadList")
    async def read_list(api: AlexaApi) -> Response:
        [shopping, *_] = await api.lists()
        [item] = await api.list_items(shopping.list_id)
        return speak(f"{item.value} since {item.created_time}, {item.updated_time}")

    client = skill_client(skill, now=lambda: MOMENT, lists={"Alexa shopping list": ["milk"]})
    stamp = "2031-03-14T09:00:00.000Z"
    assert client.intent("ReadList").speech == f"milk since {stamp}, {stamp}"


def test_a_reminders_request_time_is_the_requests_timestamp(
    skill_client: Callable[..., TestClient],
) -> None:
    # requestTime came from this machine's clock, whatever the request's timestamp: a test
    # with a fixed clock sent a requestTime of the day it ran.
    client = skill_client(reminder_skill(after=dt.timedelta(minutes=10)), now=lambda: MOMENT)
    [call] = client.intent("Remind").api_calls
    assert call.status == 200
    assert call.body["requestTime"] == "2031-03-14T09:00:00.000"
    assert client.api.reminders[0].created_time == "2031-03-14T09:00:00.000Z"


def test_a_reminder_to_come_and_a_recurring_one_are_created(
    skill_client: Callable[..., TestClient],
) -> None:
    soon = dt.datetime(2031, 3, 14, 9, 5, tzinfo=dt.UTC)
    assert skill_client(reminder_skill(at=soon), now=lambda: MOMENT).intent("Remind").api_calls[
        0
    ].status == (200)
    # A recurring one's first time may have gone by today: what Amazon does with it is not
    # documented, so neither the client nor the fake refuses it.
    daily = reminder_skill(at=soon - HOUR, recurrence=["FREQ=DAILY"])
    assert skill_client(daily, now=lambda: MOMENT).intent("Remind").api_calls[0].status == 200


def read_to_close(sock: Any) -> bytes:
    """All a socket receives until the peer closes it: a refusal's head and body may come in
    two reads (one recv had the 411's head only, about a third of the time under load)."""
    answer = b""
    with contextlib.suppress(ConnectionResetError):  # (a close with bytes left unread)
        while chunk := sock.recv(4096):
            answer += chunk
    return answer


@pytest.mark.parametrize("length", ["9" * 5000, "ten", "-5", "1 2"])
def test_the_fake_served_answers_a_content_length_that_is_no_size_with_400(length: str) -> None:
    # "9" * 5000 made int() raise (past Python's 4300 digits): the handler's traceback went to
    # stderr and the connection closed unanswered. "ten" or "-5" was read as no body at all, and
    # the body left on the connection was read as the next request.
    import socket
    from urllib.parse import urlsplit

    fake = FakeAlexaApi(given_name="Ada")
    with fake.serve() as url:
        parts = urlsplit(url)
        with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
            sock.sendall(
                b"POST /v1/directives HTTP/1.1\r\nHost: x\r\nContent-Length: "
                + length.encode()
                + b"\r\n\r\n{}"
            )
            answer = read_to_close(sock)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:80]
    assert b"Content-Length" in answer
    assert fake.calls == []


def test_the_fake_served_refuses_a_chunked_body_with_411_not_reading_it_as_none() -> None:
    # A body sent chunked (no Content-Length) was read as none: the call was answered without
    # its body (a 400 "expected header.requestId") and the chunks read as the next request.
    import socket
    from urllib.parse import urlsplit

    fake = FakeAlexaApi()
    with fake.serve() as url:
        parts = urlsplit(url)
        with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
            sock.sendall(
                b"POST /v1/directives HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"2\r\n{}\r\n0\r\n\r\n"
            )
            answer = read_to_close(sock)
    assert answer.startswith(b"HTTP/1.1 411"), answer[:80]
    assert b"Content-Length" in answer.split(b"\r\n\r\n", 1)[1]
    assert fake.calls == []


def test_a_reminder_gone_by_is_said_as_alexaskills_rule_to_the_second(
    skill_client: Callable[..., TestClient],
) -> None:
    # The message said "Amazon's Reminders API refuses a reminder in the past", which Amazon's
    # reference does not say (the fake's code for it is its own); and it gave both times to
    # the minute: "at= 2031-03-14T09:00+00:00 is in the past: the request was made at
    # 2031-03-14T09:00+00:00", the same time said twice.
    at = MOMENT + dt.timedelta(seconds=30)
    client = skill_client(reminder_skill(at=at), now=lambda: MOMENT + dt.timedelta(seconds=45))
    with pytest.raises(ValueError) as raised:
        client.intent("Remind")
    said = str(raised.value)
    assert "2031-03-14T09:00:30+00:00" in said and "2031-03-14T09:00:45+00:00" in said
    assert "alexaskill" in said and "Amazon's Reminders API refuses" not in said


def test_the_fake_served_refuses_two_differing_content_lengths_with_400() -> None:
    # Only the first Content-Length was read: the body was cut to it (or a next request read
    # from the rest). RFC 9112, 6.3: a length given twice with differing values is refused.
    import socket
    from urllib.parse import urlsplit

    fake = FakeAlexaApi()
    body = json.dumps(
        {"header": {"requestId": "r1"}, "directive": {"type": "VoicePlayer.Speak", "speech": "Hi"}}
    ).encode()
    head = (
        b"POST /v1/directives HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
        b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(body), len(body) + 5)
    )
    with fake.serve() as url:
        parts = urlsplit(url)
        with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
            sock.sendall(head + body + b"12345")
            answer = read_to_close(sock)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:80]
    reason = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert "Content-Length" in reason["message"] and str(len(body) + 5) in reason["message"]
    assert fake.calls == []


def test_the_fake_served_takes_a_content_length_sent_twice_with_one_value() -> None:
    import socket
    from urllib.parse import urlsplit

    fake = FakeAlexaApi()
    body = json.dumps(
        {"header": {"requestId": "r1"}, "directive": {"type": "VoicePlayer.Speak", "speech": "Hi"}}
    ).encode()
    head = (
        b"POST /v1/directives HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nConnection: close"
        b"\r\nContent-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(body), len(body))
    )
    with fake.serve() as url:
        parts = urlsplit(url)
        with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
            sock.sendall(head + body)
            answer = read_to_close(sock)
    assert answer.startswith(b"HTTP/1.1 204"), answer[:80]
    assert [call.status for call in fake.calls] == [204]


#: A request whose body (2 bytes) is shorter than its Content-Length (10).
SHORT_BODY = b"POST /v1/directives HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{}"


def test_the_fake_served_drops_a_body_that_stalls_and_answers_others_meanwhile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A body shorter than its Content-Length held its thread in rfile.read forever: the client
    # (or a test's bug) never told. Now the connection has a read timeout: 408 and closed.
    import socket
    from urllib.parse import urlsplit

    from alexaskill.testing import api_server

    monkeypatch.setattr(api_server, "_READ_SECONDS", 0.5)
    fake = FakeAlexaApi(given_name="Ada")
    with fake.serve() as url:
        parts = urlsplit(url)
        # (the client's own timeout only ends the test if the server never answers)
        with socket.create_connection((parts.hostname, parts.port), timeout=30) as stalled:
            stalled.sendall(SHORT_BODY)
            other = httpx.get(
                url + "/v2/accounts/~current/settings/Profile.givenName",
                headers={"Authorization": "Bearer t"},
                timeout=30,
            )
            assert (other.status_code, other.json()) == (200, "Ada")
            answer = read_to_close(stalled)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
    reason = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert "2 of its 10 bytes" in reason["message"]
    assert [call.operation for call in fake.calls] == ["given_name"]


def test_the_fake_served_refuses_a_body_cut_short_by_the_client_closing() -> None:
    # A body of 2 bytes declared as 10, its sender then half-closed: the 2 bytes were answered
    # as if they were the whole body.
    import socket
    from urllib.parse import urlsplit

    fake = FakeAlexaApi()
    with fake.serve() as url:
        parts = urlsplit(url)
        with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
            sock.sendall(SHORT_BODY)
            sock.shutdown(socket.SHUT_WR)
            answer = read_to_close(sock)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:80]
    assert "2 of its 10 bytes" in json.loads(answer.split(b"\r\n\r\n", 1)[1])["message"]
    assert fake.calls == []


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
    fake.in_skill_products.append(added)  # type: ignore[attr-defined]
    raw = RequestFactory().intent("Shop")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=fake)
    with pytest.raises(ValueError, match=said):
        _run(api.in_skill_products())
    with pytest.raises(ValueError, match=said):
        _run(api.in_skill_product("p1"))


def test_a_product_added_in_place_in_python_names_is_served() -> None:
    fake = FakeAlexaApi()
    fake.in_skill_products.append({"product_id": "p2", "name": "Hints"})  # type: ignore[attr-defined]
    raw = RequestFactory().intent("Shop")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=fake)
    [product] = _run(api.in_skill_products())
    assert (product.product_id, product.name) == ("p2", "Hints")


def test_the_fake_reads_a_leap_second_timestamp_as_the_client_does() -> None:
    # The fake read request.timestamp with fromisoformat, which refuses "23:59:60": it fell back
    # to this machine's clock, so a reminder the client (read_timestamp) judged to come was
    # refused as gone by (years ago, by the machine's clock).
    raw = RequestFactory().intent("Remind")
    raw["request"]["timestamp"] = "2016-12-31T23:59:60Z"
    fake = FakeAlexaApi(time_zone="UTC")
    fake.issued(raw)
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=fake)
    assert _run(api.now()) == dt.datetime(2017, 1, 1, tzinfo=dt.UTC)
    at = dt.datetime(2017, 1, 1, 0, 0, 30, tzinfo=dt.UTC)
    reminder = _run(api.create_reminder("Take the bins out", at=at))
    assert reminder.status == "ON"
    assert [(call.operation, call.status) for call in fake.calls][-1] == ("create_reminder", 200)


def test_the_fake_served_answers_its_own_bad_data_with_500_and_the_reason() -> None:
    # A fault or product changed in place is checked at the call (a ValueError): served over
    # HTTP, its traceback went to stderr and the connection closed unanswered, so the skill in
    # the other process saw "Server disconnected", not what was wrong.
    fake = FakeAlexaApi(given_name="Ada")
    fake.in_skill_products.append({"productId": "p", "type": "consumable"})  # type: ignore[attr-defined]
    headers = {"Authorization": "Bearer t", "Accept-Language": "en-US"}
    with fake.serve() as url:
        products = httpx.get(
            url + "/v1/users/~current/skills/~current/inSkillProducts", headers=headers
        )
        fake.faults["given_nme"] = 503  # type: ignore[index]
        name = httpx.get(url + "/v2/accounts/~current/settings/Profile.givenName", headers=headers)
    assert products.status_code == name.status_code == 500
    assert "in_skill_products[0].type is 'consumable'" in products.json()["message"]
    assert "'given_nme'" in name.json()["message"]


def test_the_fake_served_answers_a_header_of_latin_1_bytes() -> None:
    # A header value with a byte past ASCII (obs-text, which RFC 9110 lets a value hold) made
    # httpx.Request raise UnicodeEncodeError: a traceback, and the connection closed unanswered.
    import socket
    from urllib.parse import urlsplit

    fake = FakeAlexaApi(given_name="Ada")
    with fake.serve() as url:
        parts = urlsplit(url)
        with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
            sock.sendall(
                b"GET /v2/accounts/~current/settings/Profile.givenName HTTP/1.1\r\nHost: x\r\n"
                b"Authorization: Bearer t\r\nX-Note: caf\xe9\r\nConnection: close\r\n\r\n"
            )
            answer = read_to_close(sock)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:80]
    assert answer.endswith(b'"Ada"')


def test_the_fake_refuses_two_authorization_headers_in_process_and_served() -> None:
    # Two Authorization headers were joined ("Bearer a, Bearer b") and the call answered:
    # 200 from a fake no request went through (any token taken), else a 401 saying no request
    # carried the token, which both did. RFC 9110 (5.3) lets no request send the field twice.
    from urllib.parse import urlsplit

    import anyio

    fake = FakeAlexaApi(given_name="Ada")
    url = "https://api.amazonalexa.com/v2/accounts/~current/settings/Profile.givenName"
    doubled = [("Authorization", "Bearer a"), ("Authorization", "Bearer b")]

    async def in_process() -> httpx.Response:
        async with fake.client() as http:
            return await http.get(url, headers=doubled)

    answers = [anyio.run(in_process)]
    with fake.serve() as base:
        answers.append(httpx.get(base + urlsplit(url).path, headers=doubled, timeout=30))
    for answer in answers:
        assert answer.status_code == 400, answer.text
        assert "Authorization" in answer.json()["message"]
        assert "one" in answer.json()["message"]
    statuses = [call.status for call in fake.calls]
    assert statuses == [400, 400]
    # As an ApiTransport, a header named twice in two cases is two headers too.
    status, body, _ = anyio.run(
        fake.alexa_api_call,
        "GET",
        url,
        {"Authorization": "Bearer a", "authorization": "Bearer a"},
        None,
        None,
    )
    assert status == 400 and b"Authorization" in body
    # One header is answered, as before.
    single = anyio.run(fake.alexa_api_call, "GET", url, {"Authorization": "Bearer a"}, None, None)
    assert single[:2] == (200, b'"Ada"')


def test_the_fakes_products_and_reminders_of_none_are_none_and_other_kinds_refused() -> None:
    # in_skill_products=None (as lists=None, address=None: nothing set) was kept as None and
    # failed the skill's call deep in the fake ("'NoneType' object is not iterable"), as did
    # reminders=None at get_reminders; a string or a lone product failed there too, unnamed.
    fake = FakeAlexaApi(in_skill_products=None, reminders=None)  # type: ignore[arg-type]
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
