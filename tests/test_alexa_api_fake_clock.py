"""When `FakeAlexaApi` judges a call: reminders judged, and list items stamped, at the fake's now,
or at the time of the request that carried the call's token."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from alexaskill import AlexaApi, Response, Skill, speak
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory, TestClient

from .alexa_api_shared import MOMENT, _run
from .conftest import SKILL_ID


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


def reminder_call(
    fake: FakeAlexaApi, token: str, scheduled: str, zone: str | None = "UTC"
) -> tuple[int, bytes]:
    """The fake's status and answer to a one-time reminder at ``scheduled`` (in ``zone``, its
    ``timeZoneId``: none if None), called with ``token`` as a skill in another process would."""
    import anyio

    trigger = {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": scheduled}
    if zone is not None:
        trigger["timeZoneId"] = zone
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


def test_a_scheduled_time_with_an_offset_is_refused_before_it_is_judged() -> None:
    # 10:30+02:00 was read at its offset (08:30 UTC, gone at 10:00 UTC), said "(read at its
    # offset, UTC+02:00, not in its timeZoneId, Europe/Paris) is in the past": the fake took a
    # form Amazon's reference never writes (a local time, beside timeZoneId). It is refused
    # first now, gone by or not (`test_fake_api_reminder_times`: its answer in full).
    fake = FakeAlexaApi(now=lambda: dt.datetime(2001, 2, 3, 10, 0, tzinfo=dt.UTC))
    for scheduled, zone in [
        ("2001-02-03T10:30:00.000+02:00", "Europe/Paris"),
        ("2001-02-03T09:30:00.000Z", None),
        ("2001-02-03T11:30:00.000Z", None),
    ]:
        status, answer = reminder_call(fake, "any-token", scheduled, zone=zone)
        assert status == 400, answer
        message = json.loads(answer)["message"]
        assert message.startswith(f"scheduledTime {scheduled} has a UTC offset: "), message
        assert "in the past" not in message


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
    # Once both are answered, a late call is refused (it was judged at the last request sent
    # with the token, whichever one made it): the fake cannot tell which (`_shared_token`).
    status, answer = reminder_call(fake, "test-api-access-token", "2001-02-03T10:30:00.000")
    assert status == 401 and b"none being answered" in answer


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


_NOW = dt.datetime(2031, 3, 14, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("at", "zone", "gone"),
    [
        (_NOW, None, True),  # (the request's moment: gone by the call)
        (_NOW + dt.timedelta(seconds=1), None, False),
        (dt.datetime(2031, 3, 14, 9, 30, tzinfo=ZoneInfo("Europe/Paris")), None, True),
        (dt.datetime(2031, 3, 14, 9, 30), "Europe/Paris", True),  # (08:30 UTC)
        (dt.datetime(2031, 3, 14, 10, 30), "Europe/Paris", False),
        (dt.datetime(2031, 3, 14, 8, 30), None, False),  # (a local time in no zone: not judged)
    ],
)
def test_the_client_and_the_fake_judge_a_time_gone_by_alike(
    at: dt.datetime, zone: str | None, gone: bool
) -> None:
    # The check was written twice, create_reminder's and the fake's: one reading now
    # (alexaskill.alexa_api.reminders.gone_by), the same verdict on both sides.
    import anyio

    from alexaskill.alexa_api import reminder_body

    read_in = None if zone is None else ZoneInfo(zone)
    with pytest.raises(ValueError) if gone else contextlib.nullcontext():
        reminder_body(
            "Stretch", at, None, (), None, True, "en-US", _NOW, asked_at=_NOW, zone=read_in
        )
    # (unjudged, and its trigger as the client sends it: a local time, the zone beside it)
    body = reminder_body("Stretch", at, None, (), None, True, "en-US", _NOW)
    fake = FakeAlexaApi(now=lambda: _NOW, time_zone=zone)
    url = "https://api.amazonalexa.com/v1/alerts/reminders"
    headers = {"Authorization": "Bearer any-token"}
    status, answer, _ = anyio.run(fake.alexa_api_call, "POST", url, headers, body, None)
    assert (status, b"in the past" in answer) == ((400, True) if gone else (200, False)), answer


@pytest.mark.parametrize("stamp", [None, "not a time"])
def test_a_request_without_a_usable_timestamp_is_judged_by_this_machines_clock_on_both_sides(
    stamp: str | None,
) -> None:
    # With no timestamp to read, AlexaApi judges "when the user spoke" by this machine's clock
    # (`AlexaApi.now` reads it so too); the fake judged the call at the timestamp of another
    # request that carried the same token (here sent in 2099), and refused as gone by a
    # reminder the client had judged to come (400, an AlexaApiError).
    fake = FakeAlexaApi(time_zone="UTC")
    fake.issued(sent_at("2099-01-01T00:00:00Z", "shared-token"))
    raw = sent_at("2001-02-03T10:00:00Z", "shared-token")
    if stamp is None:
        del raw["request"]["timestamp"]
    else:
        raw["request"]["timestamp"] = stamp
    fake.issued(raw)
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=fake)
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)  # (to come by this machine's clock)
    # (While it is answered: the token two requests carried names it then, and only then.)
    with fake.answering(raw["request"]["requestId"]):
        assert _run(api.create_reminder("Stretch", at=soon)).status == "ON"
        # And one gone by that clock is refused by both: by the client unsent, by the fake 400.
        gone = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
        with pytest.raises(ValueError, match="in the past"):
            _run(api.create_reminder("Stretch", at=gone))
        status, answer = reminder_call(fake, "shared-token", f"{gone:%Y-%m-%dT%H:%M:%S}.000")
    assert status == 400 and b"in the past" in answer, answer


def test_a_stamp_before_the_year_1000_has_four_digits_of_year() -> None:
    # strftime("%Y") wrote the year 999 as "999" ("999-02-03T…"), no ISO 8601 date, as
    # `timestamp()` did before it wrote the year with isoformat.
    fake = FakeAlexaApi(
        now=lambda: dt.datetime(999, 2, 3, 10, 0, tzinfo=dt.UTC), lists={"Chores": ["dust"]}
    )
    [given] = fake._items[next(iter(fake._list_meta))]
    assert given.created_time == "0999-02-03T10:00:00.000Z"
    assert list_call(fake, "any-token", "sweep")["createdTime"] == "0999-02-03T10:00:00.000Z"


def test_a_stamp_keeps_the_milliseconds_of_the_fakes_now() -> None:
    moment = dt.datetime(2001, 2, 3, 10, 0, 5, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    fake = FakeAlexaApi(now=lambda: moment, lists={"Chores": []})
    assert list_call(fake, "any-token", "sweep")["createdTime"] == "2001-02-03T08:00:05.123Z"


def test_a_fakes_now_with_no_time_in_utc_is_refused_naming_it() -> None:
    # 00:30 on 1 January of the year 1 at +01:00 is before datetime.min in UTC: astimezone
    # raised OverflowError from deep in the fake, which said nothing of its clock.
    east = dt.timezone(dt.timedelta(hours=1))
    early = dt.datetime(1, 1, 1, 0, 30, tzinfo=east)
    fake = FakeAlexaApi(now=lambda: early, lists={"Chores": []})
    with pytest.raises(
        ValueError, match=r"now, datetime\.datetime\(1, 1, 1, 0, 30, .*no time in UTC"
    ):
        list_call(fake, "any-token", "sweep")
