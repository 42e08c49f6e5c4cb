"""Alexa's service APIs for what the user's device and account hold, through the test client: the
request's moment as the user's "now" and "today" in the device's time zone (one question for the
zone), a zone name this machine does not know, the moment read from the request's timestamp as
the verifier reads it; the user's lists (and the fake's lists assigned between requests), and
in-skill products. Each method's answers and failures: tests/test_alexa_api.py."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from alexaskill import AlexaApi, Response, Scope, Skill, speak
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory, TestClient, UnknownZone

from .alexa_api_shared import PRODUCTS, api_skill
from .conftest import SKILL_ID

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


@pytest.mark.parametrize(
    "name",
    [
        "Europe/" + "x" * 150 + "_TAIL",  # the form of a name, no zone known
        "Europe/" + "x" * 150 + " TAIL",  # not the form of one
        ["Europe/Paris"] * 20,  # no str: its repr, not str() of it cut
    ],
)
def test_a_long_time_zone_answered_is_quoted_by_its_head_and_tail(name: object) -> None:
    # It was cut to its first 60 characters, no "…" to say so.
    from alexaskill.exceptions import AlexaApiError
    from alexaskill.services.user import _zone
    from alexaskill.shown_names import shown_json, shown_value

    with pytest.raises(AlexaApiError) as refused:
        _zone("time_zone", name)  # type: ignore[arg-type]
    said = str(refused.value)
    # (A value of another kind by its parts: test_services_failures.)
    shown = shown_value(name) if isinstance(name, str) else shown_json(name)
    assert said.startswith(f"time_zone: Alexa answered the time zone {shown}, "), said
