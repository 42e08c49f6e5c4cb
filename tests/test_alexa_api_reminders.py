"""Reminders through `AlexaApi`: what `create_reminder` sends, the times and types it refuses
before any call (a moment gone by among them), and Amazon's reminders decoded."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any, Final
from zoneinfo import ZoneInfo

import pytest

from alexaskill import AlexaApi, Reminder, Response, Scope, Skill, speak
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory, TestClient

from .alexa_api_shared import MOMENT, _run, fake_api, reminder_skill
from .conftest import SKILL_ID

HOUR: Final = dt.timedelta(hours=1)
#: A recurring reminder's start: 07:30 UTC, in a December to come; the same time in Berlin, and
#: as a local time (the device's).
_RECURRING_AT: Final = dt.datetime(2036, 12, 1, 7, 30, tzinfo=dt.UTC)
_BERLIN_AT: Final = dt.datetime(2036, 12, 1, 7, 30, tzinfo=ZoneInfo("Europe/Berlin"))
_LOCAL_AT: Final = dt.datetime(2036, 12, 1, 7, 30)
#: The second 02:30 of 26 October 2031 in Paris (01:30 UTC), its clocks going back at 03:00.
_SECOND_HALF_PAST_TWO: Final = dt.datetime(
    2031, 10, 26, 2, 30, fold=1, tzinfo=ZoneInfo("Europe/Paris")
)
#: The forms of a recurrence `create_reminder` takes beside a list: each its rules, in order.
_RULE_FORMS: Final[dict[str, Callable[[list[str]], Any]]] = {
    "list": list,
    "tuple": tuple,
    "iterator": iter,
    "generator": lambda rules: (rule for rule in rules),
    "dict keys": lambda rules: dict.fromkeys(rules).keys(),
}


# --- reminders ------------------------------------------------------------------------------------


def refusal_skill(*, zone_asked_first: bool = False, **options: Any) -> tuple[Skill, list[str]]:
    """A skill whose Remind intent creates a reminder "Stretch" with ``options`` (after asking
    the time, so the device's zone, if ``zone_asked_first``) and answers "done": the skill, and
    what each `ValueError` the call raised said."""
    skill = Skill(SKILL_ID)
    said: list[str] = []

    @skill.intent("Remind")
    async def remind(api: AlexaApi) -> Response:
        if zone_asked_first:
            await api.now()
        try:
            await api.create_reminder("Stretch", **options)
        except ValueError as exc:
            said.append(str(exc))
        return speak("done")

    return skill, said


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


@pytest.mark.parametrize("granted", [False, True], ids=["not granted", "granted"])
@pytest.mark.parametrize("operation", ["create_reminder", "get_reminders", "delete_reminder"])
def test_a_reminders_401_for_the_token_itself_is_no_consent_card(
    operation: str, granted: bool, caplog: pytest.LogCaptureFixture
) -> None:
    # Amazon's model of the Reminders API (ask-sdk-model's ReminderManagementServiceClient)
    # gives its 401 for an unauthenticated request as well as for a permission not granted:
    # with the code INVALID_TOKEN the token is at fault (expired, or not this request's), and
    # the consent card would ask the user for a permission they may well have given; nor is it
    # "refused though the user granted" the scope.
    import logging

    import httpx

    from alexaskill import AlexaApiError, PermissionRequired

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"code": "INVALID_TOKEN", "message": "Token expired"})

    raw = RequestFactory().intent("Remind")
    if granted:
        raw["context"]["System"]["user"]["permissions"] = {
            "scopes": {Scope.REMINDERS: {"status": "GRANTED"}}
        }
    else:
        raw["context"]["System"]["user"].pop("permissions", None)
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    calls: dict[str, Callable[[AlexaApi], Any]] = {
        "create_reminder": lambda api: api.create_reminder("tea", after=dt.timedelta(minutes=5)),
        "get_reminders": lambda api: api.get_reminders(),
        "delete_reminder": lambda api: api.delete_reminder("r1"),
    }
    with caplog.at_level(logging.WARNING, "alexaskill"), pytest.raises(AlexaApiError) as caught:
        _run(calls[operation](api))
    error = caught.value
    assert not isinstance(error, PermissionRequired)
    assert (error.operation, error.status, error.code) == (operation, 401, "INVALID_TOKEN")
    assert str(error) == (
        f"{operation}: HTTP 401, Alexa refused the request's access token (expired, or not "
        "this request's): a consent card cannot mend it (INVALID_TOKEN, Token expired)"
    )
    assert not [r for r in caplog.records if "granted" in r.getMessage()]

    # Any other 401 of the Reminders API is still the permission's (its model's example).
    def refused(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"code": "UNAUTHORIZED", "message": "no"})

    if not granted and operation != "create_reminder":
        api = AlexaApi(
            decode_envelope(json.dumps(raw)),
            client=httpx.AsyncClient(transport=httpx.MockTransport(refused)),
        )
        with pytest.raises(PermissionRequired):
            _run(calls[operation](api))


def test_an_expired_token_on_a_reminder_call_is_the_apology_not_the_consent_card(
    skill_client: Callable[..., TestClient],
) -> None:
    # Through the test client, the fake's fault carrying Amazon's code: no card the user could
    # act on, the apology, and the call's 401 recorded.
    fault = {"status": 401, "code": "INVALID_TOKEN", "message": "Token expired"}
    from alexaskill import AlexaApiError, PermissionRequired

    skill = reminder_skill(after=dt.timedelta(minutes=1))
    # (the scope not granted: with it granted, any refusal is an AlexaApiError already)
    client = skill_client(
        skill, faults={"get_reminders": fault}, permissions=[], raise_handler_errors=False
    )
    result = client.intent("List")
    assert isinstance(result.handler_error, AlexaApiError)
    assert not isinstance(result.handler_error, PermissionRequired)
    assert result.card is None
    assert result.speech is not None and "permission" not in result.speech
    assert [(call.operation, call.status) for call in result.api_calls] == [("get_reminders", 401)]


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


# --- a reminder in the past -----------------------------------------------------------------------


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


@pytest.mark.parametrize("zone_asked_first", [True, False], ids=["zone asked", "zone not asked"])
def test_a_local_time_gone_in_the_devices_zone_is_a_value_error_unsent(
    skill_client: Callable[..., TestClient], zone_asked_first: bool
) -> None:
    # A time without tzinfo is the device's: 09:30 in Paris is 08:30 UTC, gone at 09:00 UTC. It
    # was a ValueError once the handler had asked the zone (api.now()), and an AlexaApiError
    # (the fake's 400) when it had not: one mistake, two errors to catch. create_reminder asks
    # the zone itself now (once a request, as api.now() does), unsent.
    skill, said = refusal_skill(
        zone_asked_first=zone_asked_first, at=dt.datetime(2031, 3, 14, 9, 30)
    )
    client = skill_client(skill, time_zone="Europe/Paris", now=lambda: MOMENT)
    result = client.intent("Remind")
    assert [call.operation for call in result.api_calls] == ["time_zone"]
    assert said and "in the past" in said[0] and "2031-03-14T09:30" in said[0]
    assert client.api.reminders == []


@pytest.mark.parametrize(
    ("zone", "at", "zone_status"),
    [
        # Ten in the evening in Paris is to come: created, the zone asked first.
        ("Europe/Paris", dt.datetime(2031, 3, 14, 22, 0), 200),
        # The skill cannot read a local time on a device that set no zone, and sent it; the
        # fake read it in UTC and refused 08:30, gone at 09:00 UTC (400, an AlexaApiError): a
        # rule of its own, as what Alexa does then is not documented. Neither judges it now.
        (None, dt.datetime(2031, 3, 14, 8, 30), 204),
    ],
    ids=["to come in the device's zone", "on a device without a zone"],
)
def test_a_local_time_is_created_the_zone_asked_first(
    skill_client: Callable[..., TestClient], zone: str | None, at: dt.datetime, zone_status: int
) -> None:
    client = skill_client(reminder_skill(at=at), now=lambda: MOMENT)
    client.api.time_zone = zone
    calls = client.intent("Remind").api_calls
    assert [(call.operation, call.status) for call in calls] == [
        ("time_zone", zone_status),
        ("create_reminder", 200),
    ]


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


# --- recurrence rules, read by RFC 5545's grammar before they are sent ----------------------------

#: Rules RFC 5545's grammar of a rule (section 3.3.10, ``recur``) refuses, and what is said of
#: each: the same as `FakeAlexaApi` says of it (one grammar: `alexaskill.alexa_api.recurrence`).
_RULES_OUT_OF_GRAMMAR: Final = [
    ("FREQ=DAILY;FREQ=WEEKLY", r"FREQ is given twice \(RFC 5545: each rule part at most once\)"),
    ("FREQ=DAILY;BYHOUR=7;byhour=8", r"BYHOUR is given twice"),
    ("FREQ=DAILY;BYHOUR=25", r"its BYHOUR is '25': hours, 0 to 23 \(RFC 5545\)"),
    ("FREQ=DAILY;BYMINUTE=60", r"its BYMINUTE is '60': minutes, 0 to 59"),
    ("FREQ=MONTHLY;BYMONTHDAY=32", r"its BYMONTHDAY is '32': days of the month, 1 to 31"),
    ("FREQ=WEEKLY;BYDAY=MO,XY", r"its BYDAY is 'MO,XY': days of the week \(SU, MO, TU,"),
    ("FREQ=DAILY;BYHOURS=7", r"BYHOURS is no rule part of RFC 5545's \(FREQ, UNTIL, COUNT,"),
    ("FREQ=DAYLY", r"its FREQ is 'DAYLY': one of SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY,"),
    ("BYHOUR=7", r"an RFC 5545 rule, with its FREQ \('FREQ=DAILY;BYHOUR=7'\)"),
    ("FREQ=DAILY;COUNT=3;UNTIL=20311231", r"COUNT and UNTIL both end it \(RFC 5545: one or"),
    ("FREQ=WEEKLY;INTERVAL=+2", r"its INTERVAL is a positive whole number \(RFC 5545\)"),
    ("FREQ=WEEKLY;INTERVAL=0", r"its INTERVAL is a positive whole number \(RFC 5545\)"),
    ("FREQ=DAILY;COUNT=-1", r"its COUNT is a whole number \(RFC 5545\)"),
    ("FREQ=DAILY;UNTIL=2031-12-31", r"its UNTIL is '2031-12-31': a date \(20311231\)"),
    ("FREQ=DAILY;BYHOUR", r"BYHOUR has no value \(RFC 5545: NAME=VALUE\)"),
    # (ordwk is "1 to 53": a YEARLY rule's bounds, the grammar's)
    ("FREQ=YEARLY;BYDAY=54MO", r"its BYDAY is '54MO': days of the week .*1 to 53 or -53 to -1"),
    ("FREQ=YEARLY;BYDAY=-54SU", r"its BYDAY is '-54SU': days of the week"),
    # (an iCalendar file's "RRULE:" line: the property's name is no part of the rule, and the
    # fault said only "with its FREQ", the FREQ there for anyone to see)
    (
        "RRULE:FREQ=DAILY;BYHOUR=7",
        r"the rule without its 'RRULE:' prefix \('FREQ=DAILY;BYHOUR=7'\): RRULE is the iCalendar ",
    ),
    (" rrule:freq=weekly", r"the rule without its 'rrule:' prefix \('freq=weekly'\)"),
]

#: Grammatical rules that RFC 5545's text beyond the grammar forbids (section 3.3.10: "MUST NOT",
#: and BYSETPOS "MUST only be used in conjunction with another BYxxx rule part"), and what is
#: said of each: the same as `FakeAlexaApi` says of it.
_RULES_THE_RFC_FORBIDS: Final = [
    (
        "FREQ=MONTHLY;BYWEEKNO=20",
        r"BYWEEKNO is for FREQ=YEARLY only, not FREQ=MONTHLY \(RFC 5545\)",
    ),
    ("freq=weekly;byweekno=1", r"BYWEEKNO is for FREQ=YEARLY only, not FREQ=WEEKLY"),
    ("FREQ=DAILY;BYYEARDAY=100", r"BYYEARDAY is not for FREQ=DAILY \(RFC 5545: not with DAILY,"),
    ("FREQ=WEEKLY;BYYEARDAY=-1", r"BYYEARDAY is not for FREQ=WEEKLY"),
    ("FREQ=MONTHLY;BYYEARDAY=1", r"BYYEARDAY is not for FREQ=MONTHLY"),
    ("FREQ=WEEKLY;BYMONTHDAY=15", r"BYMONTHDAY is not for FREQ=WEEKLY \(RFC 5545\)"),
    ("FREQ=WEEKLY;BYDAY=MO,-1FR", r"its BYDAY numbers a day \('-1FR'\): only with FREQ=MONTHLY"),
    ("FREQ=DAILY;BYDAY=+2TU", r"its BYDAY numbers a day \('\+2TU'\): only with FREQ=MONTHLY or "),
    ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO", r"its BYDAY numbers a day \('1MO'\): not with BYWEEKNO"),
    ("FREQ=MONTHLY;BYSETPOS=-1", r"BYSETPOS picks among the times another BY part gives"),
    ("FREQ=MONTHLY;BYSETPOS=1;COUNT=3;INTERVAL=2", r"BYSETPOS picks among the times another"),
]

#: Grammatical rules whose numbered BYDAY names a day no month has: RFC 5545 reads the number as
#: the nth of that weekday "within the month" in a MONTHLY rule, and in a YEARLY one with BYMONTH
#: (section 3.3.10), and a month has at most five of each, so such a rule never rings.
_RULES_OF_NO_DAY: Final = [
    (
        "FREQ=MONTHLY;BYDAY=6MO",
        r"its BYDAY numbers a day no month has \('6MO'\): with FREQ=MONTHLY, 1 to 5 or -5 to -1 "
        r"\(RFC 5545: the nth of that weekday within the month; a month has five at most\)",
    ),
    ("freq=monthly;byday=mo,-6fr", r"its BYDAY numbers a day no month has \('-6fr'\)"),
    ("FREQ=MONTHLY;BYDAY=+53SU", r"its BYDAY numbers a day no month has \('\+53SU'\)"),
    (
        "FREQ=YEARLY;BYMONTH=2;BYDAY=6MO",
        r"no month has \('6MO'\): with FREQ=YEARLY and BYMONTH, 1 to 5 or -5 to -1",
    ),
]

#: Grammatical rules that define no occurrence: RFC 5545's COUNT "defines the number of
#: occurrences", so a COUNT of 0 defines none, and the reminder would never ring.
_RULES_OF_NO_TIME: Final = [
    (
        "FREQ=DAILY;COUNT=0",
        r"its COUNT is 0: the number of times it rings, a positive whole number \(RFC 5545: "
        r"'FREQ=DAILY;COUNT=10', ten times\); with none the reminder would never ring",
    ),
    ("freq=weekly;count=000", r"its COUNT is 0: the number of times it rings"),
]


def _refused_unsent(rule: str, said: str) -> None:
    """``rule``, second of a reminder's rules, is a `ValueError` saying ``said``, unsent."""
    fake = FakeAlexaApi()
    with pytest.raises(ValueError) as raised:
        _run(
            fake_api(fake).create_reminder(
                "Stretch", at=_RECURRING_AT, recurrence=["FREQ=DAILY", rule]
            )
        )
    message = str(raised.value)
    assert message.startswith(f"a reminder's recurrence[1] is {rule!r}: "), message
    assert re.search(said, message), message
    assert fake.calls == [] and fake.reminders == []


@pytest.mark.parametrize(("rule", "said"), _RULES_OUT_OF_GRAMMAR)
def test_a_rule_out_of_rfc_5545s_grammar_is_a_value_error_unsent(rule: str, said: str) -> None:
    # create_reminder checked only that each rule was a str: the rule went out, and the skill
    # learnt of it from Amazon's 400 (the fake's INVALID_TRIGGER) at run time, as an
    # AlexaApiError, in the middle of a conversation.
    _refused_unsent(rule, said)


@pytest.mark.parametrize(("rule", "said"), _RULES_THE_RFC_FORBIDS)
def test_a_grammatical_rule_rfc_5545s_text_forbids_is_a_value_error_unsent(
    rule: str, said: str
) -> None:
    # The grammar takes these (the test above was run on them under its name too); the RFC's
    # "MUST NOT"s refuse them, so create_reminder does, before anything is sent.
    _refused_unsent(rule, said)


@pytest.mark.parametrize(("rule", "said"), _RULES_OF_NO_DAY)
def test_a_numbered_byday_no_month_has_is_a_value_error_unsent(rule: str, said: str) -> None:
    # FREQ=MONTHLY;BYDAY=6MO, a sixth Monday, went out (the grammar's bound is 53, a YEARLY
    # rule's), and the fake created a reminder that never rings.
    _refused_unsent(rule, said)


@pytest.mark.parametrize(
    ("rule", "said"),
    _RULES_OUT_OF_GRAMMAR + _RULES_THE_RFC_FORBIDS + _RULES_OF_NO_DAY + _RULES_OF_NO_TIME,
)
def test_the_client_and_the_fake_say_the_same_of_a_rule_rfc_5545_refuses(
    rule: str, said: str
) -> None:
    # One reading for both, of the grammar and of the text beyond it (its "MUST NOT"s): the
    # fault the client names is the one the fake answers with.
    # Given as create_reminder sends it: the start in startDateTime (Amazon ignores the
    # scheduledTime beside rules).
    start = "2036-12-01T07:30:00.000"
    trigger = {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": start,
        "recurrence": {"startDateTime": start, "recurrenceRules": [rule]},
    }
    with pytest.raises(ValueError) as given:
        FakeAlexaApi(reminders=[{"alertToken": "r1", "trigger": trigger}])
    fakes = str(given.value).split(f"is {rule!r}: ", 1)[1]
    with pytest.raises(ValueError) as raised:
        _run(
            fake_api(FakeAlexaApi()).create_reminder("Stretch", at=_RECURRING_AT, recurrence=[rule])
        )
    assert str(raised.value).split(f"is {rule!r}: ", 1)[1] == fakes
    assert re.search(said, fakes), fakes


@pytest.mark.parametrize(
    "rules",
    [
        # (Amazon's Reminders API reference's own rule, its trailing ";" included)
        ["FREQ=DAILY;BYHOUR=6;BYMINUTE=10;BYSECOND=0;INTERVAL=1;"],
        ["interval=2;freq=weekly;byday=mo,fr", "FREQ=MONTHLY;BYMONTHDAY=-31,1,+31;COUNT=3"],
        # (what RFC 5545's text allows beside the grammar: a numbered BYDAY in a MONTHLY or a
        # YEARLY rule without BYWEEKNO, BYWEEKNO in a YEARLY one, BYSETPOS with another BY part)
        ["freq=monthly;byday=-1fr", "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "FREQ=YEARLY;BYWEEKNO=1"],
        # (a numbered BYDAY at its bounds: five in a month, 53 in a year)
        ["FREQ=MONTHLY;BYDAY=5MO,-5FR", "FREQ=YEARLY;BYMONTH=3;BYDAY=-5SU"],
        ["FREQ=YEARLY;BYDAY=53TH,-53MO", "FREQ=YEARLY;BYDAY=20MO"],
        ["FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "FREQ=DAILY;BYMONTHDAY=1,15"],
        ["FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;UNTIL=20400229T073000Z"],
        ["FREQ=DAILY;INTERVAL=" + "1" * 5000],  # (no int() of it: Python refuses 4,300 digits)
    ],
)
def test_a_rule_rfc_5545_takes_is_sent_as_written(rules: list[str]) -> None:
    fake = FakeAlexaApi()
    _run(fake_api(fake).create_reminder("Stretch", at=_RECURRING_AT, recurrence=rules))
    [call] = fake.calls
    assert (call.status, call.body["trigger"]["recurrence"]["recurrenceRules"]) == (200, rules)


@pytest.mark.parametrize(("rule", "said"), _RULES_OF_NO_TIME)
def test_a_count_of_zero_is_a_value_error_unsent(rule: str, said: str) -> None:
    # COUNT=0 went out (RFC 5545's grammar, 1*DIGIT, takes it), and only the fake refused it,
    # at run time (an AlexaApiError): the client refused a BYDAY=6MO, which never rings either.
    _refused_unsent(rule, said)


#: An UNTIL before the start (2036-12-01T07:30), of the start's kind, read as FakeAlexaApi
#: reads it: a UTC one before it said in its zone (_RECURRING_AT, in UTC), a local one before
#: a naive at= (a date is no UNTIL of either: RFC 5545, 3.3.10).
_UNTILS_BEFORE_THE_START: Final = [
    (dt.datetime(2036, 12, 1, 7, 30, tzinfo=dt.UTC), "FREQ=DAILY;UNTIL=20361130T235959Z"),
    (dt.datetime(2036, 12, 1, 7, 30, tzinfo=dt.UTC), "FREQ=WEEKLY;UNTIL=20361201T072959Z"),
    (dt.datetime(2036, 12, 1, 7, 30), "FREQ=WEEKLY;UNTIL=20361201T072959"),
]


@pytest.mark.parametrize(("at", "rule"), _UNTILS_BEFORE_THE_START)
def test_an_until_before_the_start_is_a_value_error_unsent(at: dt.datetime, rule: str) -> None:
    # Such a rule never rings, as BYDAY=6MO and COUNT=0: the client sent it, and only the fake
    # refused it (400, an AlexaApiError at run time). One reading, one message, for both.
    where = "2036-12-01T07:30:00\\.000, UTC" if at.tzinfo else "2036-12-01T07:30:00\\.000"
    said = (
        rf"its UNTIL is before the reminder's start \({where}\): the "
        r"reminder would never ring \(alexaskill's rule; one on or after it rings: RFC 5545's "
        r"UNTIL is inclusive\)"
    )
    fake = FakeAlexaApi()
    with pytest.raises(ValueError, match=said):
        _run(fake_api(fake).create_reminder("Stretch", at=at, recurrence=["FREQ=DAILY", rule]))
    assert fake.calls == [] and fake.reminders == []
    # Given as create_reminder sends it: the start in startDateTime (Amazon ignores the
    # scheduledTime beside rules).
    start = "2036-12-01T07:30:00.000"
    trigger = {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": start,
        "recurrence": {"startDateTime": start, "recurrenceRules": [rule]},
    }
    if at.tzinfo:
        trigger["timeZoneId"] = "UTC"
    with pytest.raises(ValueError) as given:
        FakeAlexaApi(reminders=[{"alertToken": "r1", "trigger": trigger}])
    assert re.search(said, str(given.value)), given.value


def test_an_until_before_the_start_is_read_in_the_starts_zone() -> None:
    # 07:30 in Berlin is 06:30 UTC: an UNTIL of 06:30 UTC rings once, one a second earlier never.
    at = dt.datetime(2036, 12, 1, 7, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    fake = FakeAlexaApi()
    before = ["FREQ=DAILY;UNTIL=20361201T062959Z"]
    with pytest.raises(ValueError, match=r"start \(2036-12-01T07:30:00\.000, Europe/Berlin\)"):
        _run(fake_api(fake).create_reminder("Stretch", at=at, recurrence=before))
    assert fake.calls == []
    rules = ["FREQ=DAILY;UNTIL=20361201T063000Z", "FREQ=WEEKLY;UNTIL=20361208T063000Z"]
    _run(fake_api(fake).create_reminder("Stretch", at=at, recurrence=rules))
    assert [call.status for call in fake.calls] == [200]


@pytest.mark.parametrize("form", _RULE_FORMS)
def test_a_utc_until_beside_a_local_start_is_refused_whatever_form_the_rules_come_in(
    skill_client: Callable[..., TestClient], form: str
) -> None:
    # Only a list or a tuple was looked at for a UTC UNTIL: given an iterator, the UNTIL went
    # out unjudged, and only the fake refused it (400, an AlexaApiError at run time). A local
    # start's UNTIL is local (RFC 5545, 3.3.10): refused, in any form, the zone not asked.
    rules = _RULE_FORMS[form](["FREQ=DAILY;UNTIL=20361201T062959Z"])
    skill, said = refusal_skill(at=_LOCAL_AT, recurrence=rules)
    client = skill_client(skill, time_zone="Europe/Berlin", now=lambda: MOMENT)
    assert list(client.intent("Remind").api_calls) == []
    [message] = said
    assert "its UNTIL is a UTC date and time, with Z, and the reminder starts at a local" in message


@pytest.mark.parametrize("form", _RULE_FORMS)
def test_a_local_time_gone_with_no_rules_is_judged_whatever_form_they_come_in(
    skill_client: Callable[..., TestClient], form: str
) -> None:
    # An empty iterator is no rule, a one-time reminder, but it is true: the device's zone was
    # not asked, and a local time gone by went out, refused only by the fake (400).
    skill = reminder_skill(at=dt.datetime(2031, 3, 14, 9, 30), recurrence=_RULE_FORMS[form]([]))
    client = skill_client(skill, time_zone="Europe/Paris", now=lambda: MOMENT)
    with pytest.raises(ValueError, match=r"at= 2031-03-14T09:30:00 is in the past"):
        client.intent("Remind")
    assert [call.operation for call in client.api.calls] == ["time_zone"]
    assert client.api.reminders == []


#: An UNTIL of another kind than ``at=``'s start, and the kinds the fault names: the UNTIL's,
#: the start's, and the UNTIL's that start wants.
_UNTILS_OF_ANOTHER_KIND: Final = [
    (
        _LOCAL_AT,
        "20361231T073000Z",
        "a UTC date and time",
        "a local time in no time zone it names (floating) (2036-12-01T07:30:00.000)",
        "a local date and time, without Z",
    ),
    (
        _LOCAL_AT,
        "20361231",
        "a date",
        "a local time in no time zone it names (floating)",
        "a local date and time, without Z",
    ),
    (
        _BERLIN_AT,
        "20361231T073000",
        "a local date and time, without Z",
        "a time in a time zone (2036-12-01T07:30:00.000, Europe/Berlin)",
        "a UTC date and time",
    ),
    (_BERLIN_AT, "20361231", "a date", "a time in a time zone", "a UTC date and time"),
    (
        _RECURRING_AT,
        "20361231",
        "a date",
        "a time in a time zone (2036-12-01T07:30:00.000, UTC)",
        "a UTC date and time",
    ),
]


@pytest.mark.parametrize(("at", "until", "kind", "start", "wanted"), _UNTILS_OF_ANOTHER_KIND)
def test_an_until_of_another_kind_than_the_start_is_a_value_error_unsent_as_the_fake_says(
    at: dt.datetime, until: str, kind: str, start: str, wanted: str
) -> None:
    # RFC 5545 (3.3.10): UNTIL has DTSTART's value type, is local for a floating start and UTC
    # for one in a time zone. Not checked, such a rule went out, its end a guess of Amazon's.
    rule = f"FREQ=DAILY;UNTIL={until}"
    fake = FakeAlexaApi(time_zone="Europe/Berlin")
    with pytest.raises(ValueError) as raised:
        _run(fake_api(fake).create_reminder("Stretch", at=at, recurrence=[rule]))
    assert fake.calls == []
    message = str(raised.value)
    said = f"its UNTIL is {kind}, "
    assert said in message and f"the reminder starts at {start}" in message, message
    assert f"): its UNTIL is {wanted}" in message and "(RFC 5545, 3.3.10: " in message, message
    # The fake, given the trigger the client would send, says the same of it.
    trigger = {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": "2036-12-01T07:30:00.000",
        "recurrence": {"startDateTime": "2036-12-01T07:30:00.000", "recurrenceRules": [rule]},
    }
    if at.tzinfo is not None:
        trigger["timeZoneId"] = str(getattr(at.tzinfo, "key", "UTC"))
    with pytest.raises(ValueError) as given:
        FakeAlexaApi(reminders=[{"alertToken": "r1", "trigger": trigger}])
    assert str(given.value).split(f"is {rule!r}: ", 1)[1] == message.split(f"is {rule!r}: ")[1]


@pytest.mark.parametrize("form", _RULE_FORMS)
def test_an_until_of_the_starts_kind_is_sent_whatever_form_the_rules_come_in(form: str) -> None:
    rules = ["FREQ=DAILY;UNTIL=20361231T073000", "FREQ=WEEKLY;UNTIL=20361201T073000"]
    fake = FakeAlexaApi(time_zone="Europe/Berlin")
    _run(
        fake_api(fake).create_reminder("Stretch", at=_LOCAL_AT, recurrence=_RULE_FORMS[form](rules))
    )
    [call] = [call for call in fake.calls if call.operation == "create_reminder"]
    assert (call.status, call.body["trigger"]["recurrence"]["recurrenceRules"]) == (200, rules)


@pytest.mark.parametrize(
    ("at", "now"),
    [
        # (the time sent is to the millisecond: 09:00:00.000, the request's own moment)
        (MOMENT + dt.timedelta(microseconds=300), MOMENT),
        # (the second of a repeated local time, sent in UTC: 01:30:00.000, the request's moment)
        (
            _SECOND_HALF_PAST_TWO + dt.timedelta(microseconds=300),
            dt.datetime(2031, 10, 26, 1, 30, tzinfo=dt.UTC),
        ),
    ],
)
def test_a_one_time_reminder_is_judged_at_the_time_sent(
    skill_client: Callable[..., TestClient], at: dt.datetime, now: dt.datetime
) -> None:
    # The client judged at= itself, the fake the scheduledTime sent: a time a fraction of a
    # millisecond ahead went out, and the fake refused it as gone by (400, an AlexaApiError at
    # run time). (The second of a repeated local time, once sent as the first, is now sent as
    # itself in UTC, to the millisecond too.)
    client = skill_client(reminder_skill(at=at), now=lambda: now)
    with pytest.raises(ValueError, match=r"is in the past: the request was made at"):
        client.intent("Remind")
    assert client.api.calls == []


def test_a_local_time_is_judged_by_neither_side_when_the_zone_call_fails(
    skill_client: Callable[..., TestClient],
) -> None:
    # The zone's call failed, so create_reminder could not read the local 09:30 and sent it,
    # for Amazon to judge; the fake, its time_zone set, read it in Paris (08:30 UTC, gone at
    # 09:00 UTC) and refused it (400, an AlexaApiError): the skill failed on a rule of
    # alexaskill's it could not apply. Neither judges it now: created.
    skill = reminder_skill(at=dt.datetime(2031, 3, 14, 9, 30))
    client = skill_client(
        skill, time_zone="Europe/Paris", now=lambda: MOMENT, faults={"time_zone": 500}
    )
    calls = client.intent("Remind").api_calls
    assert [(call.operation, call.status) for call in calls] == [
        ("time_zone", 500),
        ("create_reminder", 200),
    ]
    # Answered, the zone is read, and the same time is refused unsent, as ever.
    client.api.faults = {}
    with pytest.raises(ValueError, match=r"is in the past"):
        client.intent("Remind")


@pytest.mark.parametrize(
    ("at", "zone", "operations"),
    [
        # The error said only the time as sent, "at= 2031-10-26T02:30:00+02:00 is in the past",
        # where the skill gave 02:30+01:00 (fold=1): which 02:30 was meant went unsaid, and the
        # offset shown was not the one given. (Sent in UTC now, it is refused only once the
        # second 02:30 is gone by: said as given, as sent, and the request's moment in its zone.)
        (_SECOND_HALF_PAST_TWO, None, []),
        # The same, for a time without tzinfo, read in the device's zone: said with the offset
        # the zone gives the one meant, and as sent (in UTC).
        (_SECOND_HALF_PAST_TWO.replace(tzinfo=None), "Europe/Paris", ["time_zone"]),
    ],
    ids=["given with its zone", "in the device's zone"],
)
def test_the_second_of_a_repeated_local_time_is_said_as_given_and_as_sent(
    skill_client: Callable[..., TestClient],
    at: dt.datetime,
    zone: str | None,
    operations: list[str],
) -> None:
    now = dt.datetime(2031, 10, 26, 1, 45, tzinfo=dt.UTC)
    client = skill_client(reminder_skill(at=at), time_zone=zone, now=lambda: now)
    with pytest.raises(ValueError) as raised:
        client.intent("Remind")
    said = str(raised.value)
    assert said.startswith(
        "a reminder's at= 2031-10-26T02:30:00+01:00 (the second 02:30, fold=1, sent as "
        "2031-10-26T01:30:00+00:00) is in the past: the request was made at "
        "2031-10-26T02:45:00+01:00 there"
    ), said
    assert [call.operation for call in client.api.calls] == operations


@pytest.mark.parametrize("device_zone", [False, True])
def test_a_recurring_reminder_from_the_second_of_a_repeated_time_is_refused_unsent(
    skill_client: Callable[..., TestClient], device_zone: bool
) -> None:
    # The second 02:30 (fold=1) went out silently as the first: its startDateTime (and
    # scheduledTime) is a local time, which cannot say which 02:30, and RFC 5545 reads a
    # repeated local time as the first, so the reminder would start an hour early. UTC cannot
    # carry it either (the rule's times would follow UTC, not the zone's clock): refused.
    at = _SECOND_HALF_PAST_TWO.replace(tzinfo=None) if device_zone else _SECOND_HALF_PAST_TWO
    options: dict[str, Any] = {"time_zone": "Europe/Paris"} if device_zone else {}
    now = dt.datetime(2031, 10, 25, 9, 0, tzinfo=dt.UTC)
    skill = reminder_skill(at=at, recurrence=["FREQ=DAILY"])
    client = skill_client(skill, now=lambda: now, **options)
    with pytest.raises(ValueError) as raised:
        client.intent("Remind")
    assert str(raised.value).startswith(
        "a recurring reminder's at= 2031-10-26T02:30:00+01:00 (the second 02:30, fold=1) would "
        "be sent as 2031-10-26T02:30:00+02:00 (the first: its startDateTime, a local time, "
        "cannot say which, and RFC 5545 reads a repeated local time as the first)"
    ), raised.value
    assert [call.operation for call in client.api.calls] == (["time_zone"] if device_zone else [])
    # The first 02:30 (fold=0) is the time sent: created, as ever.
    created = skill_client(
        reminder_skill(at=at.replace(fold=0), recurrence=["FREQ=DAILY"]), now=lambda: now, **options
    ).intent("Remind")
    assert [call.status for call in created.api_calls][-1] == 200


@pytest.mark.parametrize("device_zone", [False, True])
@pytest.mark.parametrize(
    "now",
    [
        # (before both 02:30s; and between them, the first gone by, the second to come)
        dt.datetime(2031, 10, 26, 0, 0, tzinfo=dt.UTC),
        dt.datetime(2031, 10, 26, 1, 0, tzinfo=dt.UTC),
    ],
)
def test_a_one_time_reminder_at_the_second_of_a_repeated_time_is_sent_as_itself_in_utc(
    skill_client: Callable[..., TestClient], device_zone: bool, now: dt.datetime
) -> None:
    # The second 02:30 (fold=1, 01:30 UTC) went out as a local scheduledTime, which names the
    # first (00:30 UTC): the reminder rang an hour early, or was refused as gone by once the
    # first had passed. A one-time reminder is one moment: sent as that moment in UTC, as a
    # time at a fixed offset is, it rings at the second 02:30.
    at = _SECOND_HALF_PAST_TWO.replace(tzinfo=None) if device_zone else _SECOND_HALF_PAST_TWO
    options: dict[str, Any] = {"time_zone": "Europe/Paris"} if device_zone else {}
    client = skill_client(reminder_skill(at=at), now=lambda: now, **options)
    call = client.intent("Remind").api_calls[-1]
    assert (call.operation, call.status) == ("create_reminder", 200), call.answer
    assert call.body["trigger"] == {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": "2031-10-26T01:30:00.000",
        "timeZoneId": "UTC",
    }
    # The first 02:30 (fold=0) is sent as ever: a local time in its zone.
    first = skill_client(
        reminder_skill(at=at.replace(fold=0)),
        now=lambda: dt.datetime(2031, 10, 26, 0, 0, tzinfo=dt.UTC),
        **options,
    ).intent("Remind")
    assert first.api_calls[-1].body["trigger"]["scheduledTime"] == "2031-10-26T02:30:00.000"


#: A reminder's create and update, each refused 403 (no code) by a stub Amazon.
_REFUSED_CALLS: Final[dict[str, Callable[[AlexaApi], Any]]] = {
    "create_reminder": lambda api: api.create_reminder("tea", after=dt.timedelta(minutes=5)),
    "update_reminder": lambda api: api.update_reminder("r1", "tea", after=dt.timedelta(minutes=5)),
}


def _refused_though_granted(
    operation: str, raw: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> tuple[str, str]:
    """The message of the `AlexaApiError` ``operation`` raised, for the request ``raw`` whose
    user granted the reminders scope, answered 403 of no code, and the WARNING logged."""
    import logging

    import httpx

    from alexaskill import AlexaApiError, PermissionRequired

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"message": "Forbidden"})

    raw["context"]["System"]["user"]["permissions"] = {
        "scopes": {Scope.REMINDERS: {"status": "GRANTED"}}
    }
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with caplog.at_level(logging.WARNING, "alexaskill"), pytest.raises(AlexaApiError) as caught:
        _run(_REFUSED_CALLS[operation](api))
    error = caught.value
    assert not isinstance(error, PermissionRequired)  # (no consent card: the user gave it)
    assert (error.operation, error.status, error.code) == (operation, 403, None)
    assert str(error).startswith(
        f"{operation}: HTTP 403, refused though the user granted {Scope.REMINDERS}"
    )
    [warned] = [r.getMessage() for r in caplog.records if "granted" in r.getMessage()]
    return str(error), warned


def test_a_reminders_create_refused_outside_a_session_says_amazon_creates_only_in_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Amazon's sources: a reminder is created only while the user uses the skill (the
    # Reminders reference: "you can only create and update a reminder from your skill"; an
    # Amazon forum article: "reminders can only be created while using skill"). A request
    # outside a session (Messaging.MessageReceived) is the one cause to name.
    raw = RequestFactory().envelope("Messaging.MessageReceived", message={})
    said, warned = _refused_though_granted("create_reminder", raw, caplog)
    for text in (said, warned):
        assert "outside a session" in text, text


@pytest.mark.parametrize("operation", sorted(_REFUSED_CALLS))
def test_a_reminders_403_in_a_session_or_an_update_names_no_session_cause(
    operation: str, caplog: pytest.LogCaptureFixture
) -> None:
    # In a session the request is in the skill session a create needs; and Amazon updates a
    # reminder outside one too (its tutorial "Update a Reminder from Outside of an Alexa Skill
    # Session", from the skill's Messaging.MessageReceived handler): no session to blame.
    for raw in (
        RequestFactory().intent("Remind"),
        RequestFactory().envelope("Messaging.MessageReceived", message={}),
    ):
        if operation == "create_reminder" and "session" not in raw:
            continue  # (the test above)
        said, warned = _refused_though_granted(operation, raw, caplog)
        caplog.clear()
        for text in (said, warned):
            assert "session" not in text, text
