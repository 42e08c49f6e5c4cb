"""Alexa's service APIs through a skill: each `AlexaApi` method answered by the test client's fake.

Every method is tried for success, "not set", a missing permission (the consent card), a timeout
and an HTTP failure; a scope the user granted and the API refused is no consent card. The wire
format itself is checked against a server on 127.0.0.1 in test_alexa_api_wire.py; reminders,
the call's endpoint and token, the answer read and the fake have test_alexa_api_*.py files.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from alexaskill import (
    Address,
    AlexaApi,
    AlexaApiError,
    PermissionRequired,
    PhoneNumber,
    Response,
    Scope,
    Skill,
    alexa_api,
    speak,
)
from alexaskill.app import APOLOGY, PERMISSION_PROMPT
from alexaskill.models import decode_envelope
from alexaskill.ssml import Ssml, emphasis
from alexaskill.testing import FakeAlexaApi, RequestFactory, TestClient, UnknownZone

from .alexa_api_shared import PRODUCTS, _run, api_skill
from .conftest import SKILL_ID

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
IDS = [getter[0] for getter in GETTERS]


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
    ("get_reminder", lambda api: api.get_reminder("alert-1"), Scope.REMINDERS, 401),
    (
        "update_reminder",
        lambda api: api.update_reminder("alert-1", "tea", after=dt.timedelta(minutes=5)),
        Scope.REMINDERS,
        401,
    ),
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


# --- the time zone and the user's "now" -----------------------------------------------------------


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
    zone = UnknownZone("Mars/Olympus_Mons")  # (a zone newer than this machine's tz data)
    result = skill_client(skill, time_zone=zone).intent("Ask", what="time_zone")
    assert result.speech == "time_zone failed with None"


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


# --- lists and in-skill products ------------------------------------------------------------------


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


# --- progressive responses through the test client ------------------------------------------------


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


# --- call_sync, from a def handler ----------------------------------------------------------------


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
