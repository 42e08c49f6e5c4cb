"""`FakeAlexaApi`'s reminders judged by their times: a ``scheduledTime`` or ``requestTime``
Amazon does not take is a 400, a local time read in the zone the skill could know."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Final
from zoneinfo import ZoneInfo

import httpx
import pytest

from alexaskill.testing import FakeAlexaApi, RequestFactory
from tests.fake_reminders_shared import _create, post_reminder, refused_trigger


def _asker(fake: FakeAlexaApi, token: str) -> tuple[Callable[[], int], Callable[[], int]]:
    """The time_zone call and the "create a reminder" call (a one-time 09:30 on the device's
    clock, gone by at 09:00 UTC in Paris) of the request of ``token``, each giving its status:
    ``fake``'s faults are read at each call."""
    body = {
        "requestTime": "2031-03-14T09:00:00.000",
        "trigger": {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": "2031-03-14T09:30:00.000"},
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
    }
    headers = {"Authorization": f"Bearer {token}"}

    def zone() -> int:
        with httpx.Client(transport=httpx.MockTransport(fake.handle)) as client:
            path = "http://fake/v2/devices/d1/settings/System.timeZone"
            return client.get(path, headers=headers).status_code

    def create() -> int:
        with httpx.Client(transport=httpx.MockTransport(fake.handle)) as client:
            path = "http://fake/v1/alerts/reminders"
            return client.post(path, json=body, headers=headers).status_code

    return zone, create


def test_a_time_zone_fault_hits_the_time_zone_call_it_names_and_no_other() -> None:
    # The fake read "faults names time_zone" as "the skill knows no zone" at every reminder
    # call, whatever its request's own time_zone call got: a request whose zone call had failed
    # was judged once the fault was gone (400, where the client could not judge it), and one
    # that made no zone call was not judged while the fault was there. Now the fault hits the
    # time_zone call alone, and a request's reminder is judged by what its own zone call got.
    moment = dt.datetime(2031, 3, 14, 9, 0, tzinfo=dt.UTC)
    fake = FakeAlexaApi(time_zone="Europe/Paris", now=lambda: moment, faults={"time_zone": 500})
    zone, create = _asker(fake, "zone-failed")
    assert zone() == 500
    fake.faults = {}
    assert create() == 200  # (its zone unknown to the skill: not judged)
    fake.faults = {"time_zone": 500}
    assert _asker(fake, "no-zone-call")[1]() == 400  # (no call of its own failed: judged)
    fake.faults = {}
    zone, create = _asker(fake, "zone-answered")
    assert (zone(), create()) == (200, 400)
    # A later zone call of the same request, answered, is what the skill knows then.
    zone, create = _asker(fake, "zone-failed")
    assert (zone(), create()) == (200, 400)
    assert [call.status for call in fake.calls] == [500, 200, 400, 200, 400, 200, 400]


def test_with_a_shared_token_a_request_s_zone_is_what_its_own_zone_call_got() -> None:
    # What a time_zone call got was kept by the token: with one the test fixed, which every
    # request carries, a request that made no zone call had its reminder judged by another
    # request's (here not judged, that call having failed), not by the zone Amazon knows.
    moment = dt.datetime(2031, 3, 14, 9, 0, tzinfo=dt.UTC)
    fake = FakeAlexaApi(time_zone="Europe/Paris", now=lambda: moment, faults={"time_zone": 500})
    factory = RequestFactory(api_access_token="my-token", device_id="d1")  # (`_asker`'s)
    zone, create = _asker(fake, "my-token")
    first, second = factory.intent("Remind"), factory.intent("Remind")
    fake.issued(first)
    with fake.answering(first["request"]["requestId"]):
        assert (zone(), create()) == (500, 200)  # (its zone unknown to the skill: not judged)
    fake.faults = {}
    fake.issued(second)
    with fake.answering(second["request"]["requestId"]):
        assert create() == 400  # (no zone call of its own: judged in the zone Amazon knows)


def _offset_said(scheduled: str) -> str:
    return (
        f"scheduledTime {scheduled} has a UTC offset: Amazon's Reminders API takes a local time "
        "without one ('2019-09-22T19:00:00.000'), read in the trigger's timeZoneId, else in the "
        "device's time zone (give the time there, and its zone in timeZoneId)"
    )


def _no_time_said(scheduled: str) -> str:
    return (
        f"scheduledTime {scheduled!r} is no ISO 8601 date and time: Amazon's Reminders API takes "
        "a local time ('2019-09-22T19:00:00.000'), read in the trigger's timeZoneId, else in the "
        "device's time zone"
    )


#: The same moment as each time with an offset, 10:00 in Paris, said as Amazon takes it.
_PARIS_LOCAL: Final = "2027-01-01T10:00:00.000"


@pytest.mark.parametrize(
    ("scheduled", "said", "local"),
    [
        # Amazon's Reminders API reference writes scheduledTime as a local time without an
        # offset, beside timeZoneId ("2019-09-22T19:00:00.000"), and its users report a 400 for
        # one with an offset or a Z; the fake took it, read at its offset, and a skill sending
        # one passed its tests.
        *[
            (scheduled, _offset_said(scheduled), _PARIS_LOCAL)
            for scheduled in (
                "2027-01-01T10:00:00+01:00",
                "2027-01-01T09:00:00.000Z",
                "2027-01-01T04:00:00.000-05:00",
            )
        ],
        # Amazon's model of a trigger (ask-sdk-model's Trigger) says of scheduledTime "Valid ISO
        # 8601 format - Intended trigger time": the fake answered "soon" with 200 and kept a
        # reminder that could never ring, and a skill sending one passed its tests.
        *[
            (scheduled, _no_time_said(scheduled), None)
            for scheduled in ("soon", "", "2031-02-30T07:30:00.000", "07:30")
        ],
    ],
)
def test_a_scheduled_time_amazon_does_not_take_is_a_400(
    scheduled: str, said: str, local: str | None
) -> None:
    fake = FakeAlexaApi(now=lambda: dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    trigger = {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": scheduled}
    for zone in ({}, {"timeZoneId": "Europe/Paris"}):
        answer = _create(fake, {**trigger, **zone})
        assert answer.status_code == 400, answer.text
        assert answer.json() == {"code": "INVALID_TRIGGER", "message": said}
    assert fake.reminders == []
    # Given in a test's data, it is refused where given, as the skill's is.
    with pytest.raises(ValueError) as given:
        FakeAlexaApi(reminders=[{"alertToken": "r1", "trigger": trigger}])
    assert str(given.value) == f"reminders[0].trigger.{said}", given.value
    if local is not None:  # The same time without its offset, in its zone, is created.
        fixed = {**trigger, "scheduledTime": local, "timeZoneId": "Europe/Paris"}
        assert _create(fake, fixed).status_code == 200


_NEW_YORK: Final = ZoneInfo("America/New_York")  # (on 2027-03-14: from 02:00 to 03:00)


@pytest.mark.parametrize(
    ("now", "status"),
    [
        # 03:15 EDT is 07:15Z: before 02:30 read at the offset before the gap (EST, 07:30Z).
        (dt.datetime(2027, 3, 14, 3, 15, tzinfo=_NEW_YORK), 200),
        (dt.datetime(2027, 3, 14, 7, 15, tzinfo=dt.UTC), 200),
        (dt.datetime(2027, 3, 14, 3, 45, tzinfo=_NEW_YORK), 400),  # (07:45Z: gone by)
        (dt.datetime(2027, 3, 14, 1, 59, tzinfo=_NEW_YORK), 200),
    ],
)
def test_a_one_time_reminder_in_a_gap_is_read_at_the_offset_before_it(
    now: dt.datetime, status: int
) -> None:
    # A skill building the call itself may send a local time the clocks skip. Amazon's
    # Reminders API reference says nothing of one: the fake takes it, read as RFC 5545 (3.3.5)
    # reads a DATE-TIME in a gap, and as create_reminder's docstring says Alexa reads a
    # recurring one: at the offset before the gap, 02:30 EST, 03:30 EDT. With the fake's now
    # in the same zone, it was judged by wall clock (02:30 < 03:15) and refused as gone by.
    fake = FakeAlexaApi(now=lambda: now)
    trigger = {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": "2027-03-14T02:30:00.000",
        "timeZoneId": "America/New_York",
    }
    answer = _create(fake, trigger)
    assert answer.status_code == status, answer.text
    if status == 400:
        assert answer.json() == {
            "code": "INVALID_TRIGGER",
            "message": (
                "scheduledTime 2027-03-14T02:30:00.000 (America/New_York) is in the past: the "
                "request was made at 2027-03-14T03:45:00-04:00 there"
            ),
        }
    else:
        [kept] = fake.reminders
        assert kept.trigger is not None and kept.trigger.scheduled_time == trigger["scheduledTime"]


def _sent_at(request_time: object) -> tuple[FakeAlexaApi, httpx.Response]:
    """A fake (its now 14 March 2031, 09:00 UTC) and its answer to a reminder in five minutes
    whose ``requestTime`` is ``request_time`` (``...``: none sent)."""
    fake = FakeAlexaApi(now=lambda: dt.datetime(2031, 3, 14, 9, 0, tzinfo=dt.UTC))
    body: dict[str, object] = {
        "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 300},
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
    }
    if request_time is not ...:
        body["requestTime"] = request_time
    return fake, post_reminder(fake, body)


@pytest.mark.parametrize(
    "request_time",
    [
        "soon",
        "",
        "2019-09-22",  # (a date alone: no time)
        "2019-09-22 19:04:00.672",  # (Python reads a space; Amazon writes a T)
        "20190922T190400",  # (ISO 8601's basic format: not how Amazon writes it)
        "2019-02-30T19:04:00.000",  # (no such day)
        "2019-09-22T19:04",  # (no seconds)
        "2019-09-22T19:04:00.672+0100",  # (an offset without its colon)
    ],
)
def test_a_request_time_that_is_no_time_as_amazon_writes_one_is_a_400(request_time: str) -> None:
    # requestTime was only checked to be a str: "soon" was answered 200 and the reminder kept,
    # and a skill sending one passed its tests.
    fake, answer = _sent_at(request_time)
    assert answer.status_code == 400, answer.text
    assert answer.json() == {
        "code": "INVALID_REQUEST_TIME",
        "message": (
            f"requestTime {request_time!r} is no ISO 8601 date and time as Amazon's Reminders "
            "API writes one: YYYY-MM-DDThh:mm:ss, a fraction of a second after it if any "
            "('2019-09-22T19:04:00.672'), then a Z or an offset (+01:00) if any"
        ),
    }
    assert fake.reminders == []


@pytest.mark.parametrize(
    ("request_time", "message"),
    [
        (5, "requestTime is 5: an ISO 8601 date and time ('2019-09-22T19:04:00.672')"),
        (True, "requestTime is True: an ISO 8601 date and time ('2019-09-22T19:04:00.672')"),
        (["x"], "requestTime is ['x']: an ISO 8601 date and time ('2019-09-22T19:04:00.672')"),
        (None, "requestTime is required"),  # (a null member is one left out)
        (..., "requestTime is required"),  # (left out)
    ],
    ids=["int", "bool", "list", "null", "missing"],
)
def test_a_request_time_of_another_kind_is_named_as_a_field_of_the_wrong_kind(
    request_time: object, message: str
) -> None:
    # It was said to be missing ("requestTime is required"), as a reminder's other fields of
    # the wrong kind were before alexaskill.alexa_api.kinds said them.
    fake, answer = _sent_at(request_time)
    assert (answer.status_code, answer.json()) == (
        400,
        {"code": "INVALID_REQUEST_TIME", "message": message},
    )
    assert fake.reminders == []


@pytest.mark.parametrize(
    "request_time",
    [
        "2019-09-22T19:04:00.672",  # (Amazon's reference writes it so)
        "2019-09-22T19:04:00",
        "2019-09-22T19:04:00.672Z",  # (a moment: a Z or an offset names it, as SDKs send it)
        "2019-09-22T21:04:00+02:00",
        "2019-09-22T19:04:00.123456789",
    ],
)
def test_a_request_time_as_amazon_writes_one_is_taken(request_time: str) -> None:
    _, answer = _sent_at(request_time)
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    ("zone", "said"),
    [
        ("Mars/Olympus_Mons", "timeZoneId is 'Mars/Olympus_Mons': no IANA time zone"),
        ("Paris", "timeZoneId is 'Paris': no IANA time zone .*; did you mean 'Europe/Paris'\\?"),
        ("europe/paris", "did you mean 'Europe/Paris'\\?"),
        ("../../etc/passwd", "timeZoneId is '../../etc/passwd': no IANA time zone"),
        # (zoneinfo reads these files of the tz database; no IANA name, they were taken)
        ("posix/Europe/Paris", "timeZoneId is 'posix/Europe/Paris': no IANA time zone"),
        ("right/UTC", "timeZoneId is 'right/UTC': no IANA time zone"),
        ("posixrules", "timeZoneId is 'posixrules': no IANA time zone"),
    ],
)
@pytest.mark.parametrize(
    "trigger",
    [
        {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": "2031-03-15T07:30:00.000"},
        {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 3600},
    ],
    ids=["absolute", "relative"],
)
def test_a_time_zone_id_no_tz_database_has_is_a_400(
    zone: str, said: str, trigger: dict[str, object]
) -> None:
    # Taken (200), and kept: a reminder in a zone that does not exist, which Amazon cannot ring
    # at any time, and a skill that sent a misspelt zone passed its tests.
    message = refused_trigger({**trigger, "timeZoneId": zone})
    assert re.search(said, message), message
    fake = FakeAlexaApi()
    assert _create(fake, {**trigger, "timeZoneId": "Europe/Paris"}).status_code == 200


@pytest.mark.parametrize("zone", ["Paris", "Mars/Olympus_Mons"])
def test_a_reminder_given_in_a_time_zone_no_tz_database_has_is_refused_as_the_skills_is(
    zone: str,
) -> None:
    # Kept and answered: a reminder Amazon never answers (it refuses the skill's create of one,
    # `test_a_time_zone_id_no_tz_database_has_is_a_400`), where a given trigger is checked as
    # the skill's is; the zone meant named too.
    trigger = {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 60, "timeZoneId": zone}
    said = re.escape(f"reminders[0].trigger.timeZoneId is {zone!r}: no IANA time zone")
    with pytest.raises(ValueError, match=said) as refused:
        FakeAlexaApi(reminders=[{"trigger": trigger}])
    assert ("did you mean 'Europe/Paris'?" in str(refused.value)) == (zone == "Paris")
    fake = FakeAlexaApi()
    with pytest.raises(ValueError, match=said):
        fake.reminders = [{"trigger": trigger}]
    fake.reminders = [{"trigger": {**trigger, "timeZoneId": "Europe/Paris"}}]
    assert fake.reminders[0].trigger is not None
    assert fake.reminders[0].trigger.time_zone_id == "Europe/Paris"
