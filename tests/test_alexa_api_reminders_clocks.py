"""Reminders at the local times a zone's clocks change: the second of a repeated time
(``fold=1``) on a device whose zone is unknown, a time the clocks skip, and the reading back of
one sent in UTC."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, Final
from zoneinfo import ZoneInfo

import pytest

from alexaskill import AlexaApi, AlexaApiError, Response, Skill, speak
from alexaskill.alexa_api import reminder_body
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory, TestClient

from .alexa_api_shared import _run, fake_api, reminder_skill
from .conftest import SKILL_ID

#: The second 02:30 of 26 October 2031 on a device's clock (01:30 UTC in Paris, whose clocks go
#: back at 03:00), without tzinfo: the device's local time.
_SECOND_HALF_PAST_TWO: Final = dt.datetime(2031, 10, 26, 2, 30, fold=1)
#: Days before it: every reading of it is to come.
_BEFORE: Final = dt.datetime(2031, 10, 20, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("recurrence", [[], ["FREQ=DAILY"]])
def test_the_second_of_a_repeated_device_time_is_refused_unsent_when_the_zone_is_unknown(
    skill_client: Callable[..., TestClient], recurrence: list[str]
) -> None:
    # Without the device's zone, a local 02:30 with fold=1 went out as a local scheduledTime,
    # which Alexa reads as the first 02:30 where the clocks go back: an hour early, silently.
    # Which moment fold=1 means cannot be worked out without the zone: refused, unsent.
    options: dict[str, Any] = {}  # (the device set no zone: 204)
    skill = reminder_skill(at=_SECOND_HALF_PAST_TWO, recurrence=recurrence)
    client = skill_client(skill, now=lambda: _BEFORE, **options)
    with pytest.raises(ValueError) as raised:
        client.intent("Remind")
    said = str(raised.value)
    assert said.startswith(
        "a reminder's at= 2031-10-26T02:30:00 has fold=1 (the second of a local time the clocks "
        "go back through) and no tzinfo, and the device's time zone is unknown (it set none, or "
        "the request names no device)"
    ), said
    assert "give at= in a ZoneInfo" in said, said
    assert [call.operation for call in client.api.calls] == ["time_zone"]
    # The first (fold=0) goes out as ever: a local time, the device's.
    first = reminder_skill(at=_SECOND_HALF_PAST_TWO.replace(fold=0), recurrence=recurrence)
    created = skill_client(first, now=lambda: _BEFORE, **options).intent("Remind")
    assert created.api_calls[-1].status == 200


@pytest.mark.parametrize("operation", ["create_reminder", "update_reminder"])
@pytest.mark.parametrize("recurrence", [[], ["FREQ=DAILY"]])
@pytest.mark.parametrize("fault", [500, 429, "timeout"])
def test_the_second_of_a_repeated_device_time_is_an_api_error_when_the_zone_call_failed(
    skill_client: Callable[..., TestClient], recurrence: list[str], fault: int | str, operation: str
) -> None:
    # The time zone call failed: create_reminder raised a ValueError, which a handler catching
    # AlexaApiError (as it does any failed call) missed, and which was logged as a bug of the
    # handler. It is an AlexaApiError, chained from the call's, and nothing is sent. An update
    # (which builds its body alike) is named as the update, not as create_reminder.
    caught: list[AlexaApiError] = []
    skill = Skill(SKILL_ID)

    @skill.intent("Remind")
    async def remind(api: AlexaApi) -> Response:
        at, given = _SECOND_HALF_PAST_TWO, recurrence
        try:
            if operation == "update_reminder":
                await api.update_reminder("r1", "Stretch", at=at, recurrence=given)
            else:
                await api.create_reminder("Stretch", at=at, recurrence=given)
        except AlexaApiError as error:
            caught.append(error)
            return speak("Reminders are not available")
        return speak("Created")

    faults = {"time_zone": fault}
    client = skill_client(skill, now=lambda: _BEFORE, time_zone="Europe/Paris", faults=faults)
    result = client.intent("Remind")
    assert result.speech == "Reminders are not available"
    [error] = caught
    assert isinstance(error.__cause__, AlexaApiError), repr(error.__cause__)
    assert error.__cause__.operation == "time_zone"
    assert error.operation == operation
    assert error.retry_after == error.__cause__.retry_after
    said = str(error)
    assert said.startswith(
        f"{operation}: the reminder's at= 2031-10-26T02:30:00 has fold=1 (the second of a "
        "local time the clocks go back through) and no tzinfo, and the device's time zone, "
        "needed to send it, could not be asked ("
    ), said
    assert [call.operation for call in client.api.calls] == ["time_zone"]


def test_the_second_of_a_repeated_device_time_is_refused_unsent_without_a_device() -> None:
    # A request that names no device has no zone to ask: a ValueError, as for a device that
    # set none, not the error of a failed call; nothing is asked, nothing is sent.
    raw = RequestFactory().intent("Remind")
    del raw["context"]["System"]["device"]
    fake = FakeAlexaApi(time_zone="Europe/Paris")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=fake)
    with pytest.raises(ValueError, match=r"time zone is unknown \(it set none, or the request "):
        _run(api.create_reminder("Stretch", at=_SECOND_HALF_PAST_TWO))
    assert fake.calls == []


def test_reminder_body_refuses_the_second_of_a_repeated_time_in_no_zone() -> None:
    # (`reminder_body` alone, with no zone given: the same refusal, by the same check)
    with pytest.raises(ValueError, match=r"has fold=1 .* the device's time zone is unknown"):
        reminder_body(
            "Stretch", _SECOND_HALF_PAST_TWO, None, (), None, True, "en-US", _BEFORE, zone=None
        )
    body = reminder_body(
        "Stretch", _SECOND_HALF_PAST_TWO.replace(fold=0), None, (), None, True, "en-US", _BEFORE
    )
    assert json.loads(json.dumps(body))["trigger"]["scheduledTime"] == "2031-10-26T02:30:00.000"


#: 02:30 on 14 March 2027 in New York, whose clocks go forward from 02:00 (EST) to 03:00 (EDT).
_SKIPPED: Final = dt.datetime(2027, 3, 14, 2, 30)
_NEW_YORK: Final = ZoneInfo("America/New_York")
_DAYS_BEFORE: Final = dt.datetime(2027, 3, 10, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("fold", [0, 1])
@pytest.mark.parametrize("device_zone", [False, True])
def test_a_one_time_reminder_at_a_time_the_clocks_skip_is_refused_unsent_naming_the_gap(
    skill_client: Callable[..., TestClient], fold: int, device_zone: bool
) -> None:
    # 02:30 never comes in New York that day; it went out unchecked, for Alexa to ring at a
    # time it does not document (or to refuse), and with fold=1 it was taken for the second of
    # a repeated time and sent in UTC (06:30, 01:30 EST the night before the gap).
    at = _SKIPPED.replace(fold=fold)
    at = at if device_zone else at.replace(tzinfo=_NEW_YORK)
    options: dict[str, Any] = {"time_zone": "America/New_York"} if device_zone else {}
    client = skill_client(reminder_skill(at=at), now=lambda: _DAYS_BEFORE, **options)
    with pytest.raises(ValueError) as raised:
        client.intent("Remind")
    where = "the device's time zone, America/New_York" if device_zone else "America/New_York"
    assert str(raised.value) == (
        f"a reminder's at= 2027-03-14T02:30:00 is a time the clocks skip in {where}: on "
        "2027-03-14 they go forward from 02:00 to 03:00 (EST to EDT), so no 02:30 comes there "
        "and the reminder could never ring at it; alexaskill does not send it (give a time "
        "before 02:00 or from 03:00 on, or after=)"
    )
    assert [call.operation for call in client.api.calls] == (["time_zone"] if device_zone else [])
    # An hour later is a time the zone has: created, a local time in it.
    later = at + dt.timedelta(hours=1)
    created = skill_client(reminder_skill(at=later), now=lambda: _DAYS_BEFORE, **options)
    call = created.intent("Remind").api_calls[-1]
    assert (call.status, call.body["trigger"]["scheduledTime"]) == (200, "2027-03-14T03:30:00.000")


@pytest.mark.parametrize("fold", [0, 1])
def test_a_recurring_reminder_starting_at_a_time_the_clocks_skip_is_sent_as_given(
    skill_client: Callable[..., TestClient], fold: int
) -> None:
    # alexaskill's reading, documented: RFC 5545 (3.3.5) reads a start the clocks skip at the
    # offset before the gap (02:30 EST, 03:30 EDT), and the rule's later times at 02:30 on the
    # zone's clock, so a daily 02:30 started that day is sent as written (fold=1 too: it is no
    # second of a repeated time, and is not refused as one).
    at = _SKIPPED.replace(fold=fold, tzinfo=_NEW_YORK)
    skill = reminder_skill(at=at, recurrence=["FREQ=DAILY"])
    call = skill_client(skill, now=lambda: _DAYS_BEFORE).intent("Remind").api_calls[-1]
    assert call.status == 200, call.answer
    assert call.body["trigger"]["scheduledTime"] == "2027-03-14T02:30:00.000"
    assert call.body["trigger"]["timeZoneId"] == "America/New_York"


def test_a_second_of_a_repeated_time_reads_back_in_utc_and_converts_back_to_what_was_given() -> (
    None
):
    # The wire cannot say "the second 02:30 in Paris": scheduledTime is a local time, which
    # names the first, so the reminder is sent, kept and read back in UTC (documented on
    # ReminderTrigger and create_reminder). Read in its timeZoneId and said in the zone, it is
    # the moment given, fold=1 and all.
    paris = ZoneInfo("Europe/Paris")
    at = _SECOND_HALF_PAST_TWO.replace(tzinfo=paris)
    fake = FakeAlexaApi()
    _run(fake_api(fake).create_reminder("Stretch", at=at))
    [reminder] = _run(fake_api(fake).get_reminders())
    trigger = reminder.trigger
    assert trigger is not None and trigger.scheduled_time and trigger.time_zone_id
    assert (trigger.scheduled_time, trigger.time_zone_id) == ("2031-10-26T01:30:00.000", "UTC")
    read = dt.datetime.fromisoformat(trigger.scheduled_time)
    back = read.replace(tzinfo=ZoneInfo(trigger.time_zone_id)).astimezone(paris)
    assert (back, back.fold, back.utcoffset()) == (at, 1, dt.timedelta(hours=1))


def test_a_recurring_start_the_clocks_skip_is_judged_against_its_utc_until_as_the_moment_it_rings(
    skill_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    # A daily 02:30 in New York from 14 March 2027 first rings at 03:30 EDT (07:30 UTC: RFC
    # 5545, 3.3.5, reads a time the clocks skip at the offset before the gap). An UNTIL of
    # 07:15 UTC (03:15 EDT) ends it before then; it was compared with 02:30 on the wall clock
    # and sent, a reminder that never rings.
    at = _SKIPPED.replace(tzinfo=_NEW_YORK)
    never = reminder_skill(at=at, recurrence=["FREQ=DAILY;UNTIL=20270314T071500Z"])
    client = skill_client(never, now=lambda: _DAYS_BEFORE)
    with pytest.raises(ValueError, match=r"its UNTIL is before the reminder's start "):
        client.intent("Remind")
    assert client.api.calls == []
    # One ending on its first time rings once, at 03:30 EDT: sent as written, without a warning
    # (alexaskill's decision: RFC 5545's reading, which create_reminder documents, is no fault
    # of the handler's), and read back as sent, its start the 02:30 given (Amazon's reminder
    # has no field for the next time it rings).
    once = reminder_skill(at=at, recurrence=["FREQ=DAILY;UNTIL=20270314T073000Z"])
    client = skill_client(once, now=lambda: _DAYS_BEFORE)
    caplog.clear()  # (the refusal's log line, above)
    with caplog.at_level("DEBUG"):
        assert client.intent("Remind").api_calls[-1].status == 200
    assert [r for r in caplog.records if r.levelname not in ("DEBUG", "INFO")] == []
    [kept] = client.api.reminders
    assert kept.trigger is not None and kept.trigger.recurrence is not None
    assert kept.trigger.recurrence.start_date_time == "2027-03-14T02:30:00.000"
    assert kept.trigger.time_zone_id == "America/New_York"


def test_reminder_body_refuses_a_now_without_tzinfo() -> None:
    # requestTime is `now` in UTC: a `now` without tzinfo was read in this machine's time zone
    # (datetime.astimezone's reading of one), so the same call sent another requestTime on
    # another machine. The request's moment create_reminder passes always has its offset.
    with pytest.raises(ValueError, match=r"^reminder_body's now= 2031-10-20T09:00:00 has no "):
        reminder_body(
            "Stretch",
            None,
            dt.timedelta(minutes=5),
            (),
            None,
            True,
            "en-US",
            dt.datetime(2031, 10, 20, 9),
        )
    body = reminder_body("Stretch", None, dt.timedelta(minutes=5), (), None, True, "en-US", _BEFORE)
    assert body["requestTime"] == "2031-10-20T09:00:00.000"
