"""`FakeAlexaApi`'s reminder calls judged by their bodies as Amazon's Reminders API judges
them: a part that does not read, a field Amazon's body has not, a trigger or push
notification of the wrong kind, SSML Alexa cannot parse (each a 400 with its code); and the
statuses Amazon names for each call, as the skill's `AlexaApi` raises them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Final

import httpx
import pytest

from alexaskill import Reminder
from alexaskill.testing import FakeAlexaApi
from tests.fake_reminders_shared import _AT, post_reminder, refused_trigger, run, skill_api


@pytest.mark.parametrize(
    ("part", "wrong", "code", "said"),
    [
        (
            "alertInfo",
            {"spokenInfo": {"content": [{"locale": "en-US", "text": 5}]}},
            "INVALID_ALERT_INFO",
            "alertInfo.spokenInfo.content[0].text is 5: ",
        ),
        ("pushNotification", "ENABLED", "INVALID_REQUEST", "pushNotification is 'ENABLED': "),
    ],
)
def test_a_reminder_body_that_does_not_read_is_a_400(
    part: str, wrong: Any, code: str, said: str
) -> None:
    # A skill in another process (serve --dev) sent it: the fake answered 500 FAKE_DATA, "the
    # fake Alexa API's data is wrong", blaming the test's data for the skill's request. (Its
    # code the part's, as its values' are: test_alexa_api_kinds.py.)
    body = {
        "requestTime": "2031-03-14T09:00:00.000",
        "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 300},
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
        part: wrong,
    }
    fake = FakeAlexaApi()
    with fake.serve() as url:
        answer = httpx.post(
            url + "/v1/alerts/reminders", json=body, headers={"Authorization": "Bearer t"}
        )
    assert answer.status_code == 400
    assert answer.json()["code"] == code
    assert answer.json()["message"].startswith(said)
    assert fake.reminders == []


#: Fields no part of Amazon's "create a reminder" body has, each where a skill may put it: the
#: 400's code, and what its message starts with.
_UNKNOWN_FIELDS: Final = [
    # A weekly reminder with its freq beside the trigger's type rang once: the fake dropped it.
    (
        {"trigger": {**_AT, "freq": "WEEKLY"}},
        "INVALID_TRIGGER",
        "trigger.freq is no field of Amazon's trigger: a recurrence's fields go in "
        "trigger.recurrence",
    ),
    (
        {"trigger": {**_AT, "recurrenceRules": ["FREQ=DAILY"]}},
        "INVALID_TRIGGER",
        "trigger.recurrenceRules is no field of Amazon's trigger: a recurrence's fields go in",
    ),
    (
        {"trigger": {**_AT, "timezoneId": "Europe/Paris"}},
        "INVALID_TRIGGER",
        # (as Amazon's Reminders overview writes it: the models name timeZoneId)
        "trigger.timezoneId is no field of Amazon's trigger (did you mean timeZoneId? Amazon's "
        "Reminders overview writes timezoneId",
    ),
    (
        {"trigger": {**_AT, "recurrence": {"recurrenceRules": ["FREQ=DAILY"], "byday": ["MO"]}}},
        "INVALID_TRIGGER",
        "trigger.recurrence.byday is no field of Amazon's recurrence (did you mean byDay?)",
    ),
    (
        {"trigger": {"type": "SCHEDULED_RELATIVE", "offset_in_seconds": 60, "offsetInSeconds": 60}},
        "INVALID_TRIGGER",
        "trigger.offset_in_seconds is no field of Amazon's trigger (did you mean offsetInSeconds?)",
    ),
    (
        {"alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "t", "tone": 1}]}}},
        "INVALID_ALERT_INFO",
        "alertInfo.spokenInfo.content[0].tone is no field of Amazon's spoken text",
    ),
    (
        {"pushNotification": {"status": "ENABLED", "sound": "bell"}},
        "INVALID_REQUEST",
        "pushNotification.sound is no field of Amazon's push notification",
    ),
    ({"repeat": "WEEKLY"}, "INVALID_REQUEST", "repeat is no field of Amazon's reminder request"),
]


@pytest.mark.parametrize(("changed", "code", "said"), _UNKNOWN_FIELDS)
def test_a_field_amazons_reminder_body_has_not_is_a_400_not_dropped(
    changed: dict[str, Any], code: str, said: str
) -> None:
    # Amazon's Reminders API reference lists the body's fields; one it does not name is read by
    # no one, and what the skill meant by it (a recurrence, a zone) was lost without a word.
    body = {
        "requestTime": "2031-03-14T09:00:00.000",
        "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 60},
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
        "pushNotification": {"status": "ENABLED"},
        **changed,
    }
    fake = FakeAlexaApi()
    answer = post_reminder(fake, body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == code
    assert answer.json()["message"].startswith(said), answer.json()["message"]
    assert fake.reminders == []


@pytest.mark.parametrize(
    ("ssml", "said"),
    [
        ("<speak>Bins & boxes</speak>", "a bare '&' at index 12"),
        ("<speak>Bins <break time=1s/></speak>", "an unquoted attribute value at index 24"),
        ("<speak><emphasis>Bins</speak>", "</speak> while <emphasis> inside it is open"),
        ("Take the bins out", "not well-formed XML"),  # (no document at all)
        ("<p>Take the bins out</p>", "the root element is <p>, not <speak>"),
        ("<speak><emphais>Bins</emphais></speak>", "<emphais> is no SSML tag Alexa knows"),
        ('<speak>Bins <break time="20s"/></speak>', "the limit is 10 s"),
        (
            '<speak>Bins <audio src="clip.mp3"/></speak>',
            "<audio src='clip.mp3'> is no URL Alexa can fetch: Alexa fetches files over HTTPS only",
        ),
    ],
)
def test_a_reminders_ssml_alexa_cannot_parse_is_a_400(ssml: str, said: str) -> None:
    # Amazon's Reminders API takes SSML in alertInfo.spokenInfo.content[].ssml (its reference
    # writes "<speak>…</speak>"), and Alexa parses it as it parses an answer's: the fake took any
    # string there, kept it, and the test never saw the reminder Alexa would refuse.
    body = {
        "requestTime": "2031-03-14T09:00:00.000",
        "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 300},
        "alertInfo": {
            "spokenInfo": {
                "content": [
                    {"locale": "en-US", "text": "walk the dog"},
                    {"locale": "en-GB", "text": "Take the bins out", "ssml": ssml},
                ]
            }
        },
    }
    fake = FakeAlexaApi()
    answer = post_reminder(fake, body)
    assert answer.status_code == 400, answer.json()
    assert answer.json()["code"] == "INVALID_ALERT_INFO"
    message = answer.json()["message"]
    assert message.startswith("alertInfo.spokenInfo.content[1].ssml is SSML Alexa cannot take: ")
    assert said in message, message
    assert fake.reminders == []


_GIVEN_SSML: Final = [
    ("<speak>Bins & boxes</speak>", "a bare '&' at index 12"),
    ("<p>Take the bins out</p>", "the root element is <p>, not <speak>"),
    ('<speak>Bins <break time="20s"/></speak>', "the limit is 10 s"),
]


@pytest.mark.parametrize("form", ["mapping", "Reminder"])
@pytest.mark.parametrize(("ssml", "said"), _GIVEN_SSML)
def test_a_given_reminders_ssml_alexa_cannot_parse_is_refused_where_given(
    ssml: str, said: str, form: str
) -> None:
    # Only a given reminder's trigger was checked: its SSML, which the fake refuses (400) in a
    # reminder the skill creates, was kept, and read back by the skill as a reminder Alexa has.
    from alexaskill.alexa_api import AlertInfo, SpokenInfo, SpokenText

    content = [{"locale": "en-US", "text": "walk the dog"}, {"locale": "en-GB", "ssml": ssml}]
    entry: Any = {"alertToken": "r1", "alertInfo": {"spokenInfo": {"content": content}}}
    if form == "Reminder":
        spoken = tuple(SpokenText(**item) for item in content)
        entry = Reminder(
            alert_token="r1", alert_info=AlertInfo(spoken_info=SpokenInfo(content=spoken))
        )
    with pytest.raises(ValueError) as given:
        FakeAlexaApi(reminders=[entry])
    message = str(given.value)
    where = "reminders[0].alertInfo.spokenInfo.content[1].ssml"
    assert message.startswith(f"{where} is SSML Alexa cannot take: "), message
    assert said in message, message
    fake = FakeAlexaApi()
    with pytest.raises(ValueError) as assigned:
        fake.reminders = [{"alertToken": "r0"}, entry]
    assert str(assigned.value) == message.replace("reminders[0]", "reminders[1]")
    # SSML Alexa takes is kept, as ever.
    content[1]["ssml"] = "<speak>Take the bins out</speak>"
    kept = FakeAlexaApi(
        reminders=[{"alertToken": "r1", "alertInfo": {"spokenInfo": {"content": content}}}]
    )
    assert kept.reminders[0].alert_info.spoken_info.content[1].ssml == content[1]["ssml"]  # type: ignore[union-attr]


_REMINDERS: Final = "http://fake/v1/alerts/reminders"


@pytest.mark.parametrize(
    ("trigger", "said"),
    [
        # (Amazon's Reminders API reference writes it so; the fake's own check refuses it)
        (
            {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": "7200"},
            "offsetInSeconds is '7200': a positive whole number of seconds, written as a number "
            "(3600, not '3600')",
        ),
        (
            {**_AT, "recurrence": {"freq": "DAILY", "interval": "2"}},
            "recurrence.interval is '2': a positive whole number (2: every other)",
        ),
        (
            {**_AT, "recurrence": {"freq": "DAILY", "interval": 2.0}},
            "recurrence.interval is 2.0: a positive whole number (2: every other)",
        ),
        (
            {**_AT, "timeZoneId": 5},
            "timeZoneId is 5: an IANA time zone ('Europe/Paris')",
        ),
        (
            {**_AT, "recurrence": {"freq": "WEEKLY", "byDay": "MO"}},
            "recurrence.byDay is 'MO': a list of days of the week (['MO', 'WE'])",
        ),
    ],
    ids=["offset-str", "interval-str", "interval-float", "zone-int", "by-day-str"],
)
def test_a_trigger_field_of_the_wrong_type_is_the_triggers_400(
    trigger: dict[str, Any], said: str
) -> None:
    # A string offsetInSeconds was INVALID_TRIGGER, a string interval (or a timeZoneId that is
    # no str) INVALID_REQUEST, msgspec's refusal of the whole reminder: one code for the trigger.
    assert refused_trigger(trigger) == said


@pytest.mark.parametrize("status", ["ON", "enabled", "", 1])
def test_a_push_notification_status_amazon_does_not_take_is_a_400(status: object) -> None:
    # Amazon's model (ask-sdk-model's PushNotificationStatus) allows ENABLED and DISABLED
    # only; the fake kept any, and a skill sending "ON" passed its tests.
    fake = FakeAlexaApi()
    body = {
        "requestTime": "2031-03-14T09:00:00.000",
        "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 60},
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
        "pushNotification": {"status": status},
    }
    with httpx.Client(transport=httpx.MockTransport(fake.handle), trust_env=False) as client:
        answer = client.post(_REMINDERS, json=body, headers={"Authorization": "Bearer t"})
        assert answer.status_code == 400, answer.text
        assert answer.json() == {
            "code": "INVALID_REQUEST",
            "message": f"pushNotification.status is {status!r}: ENABLED or DISABLED",
        }
        assert fake.reminders == []
        for taken in ("ENABLED", "DISABLED"):
            body["pushNotification"] = {"status": taken}
            answer = client.post(_REMINDERS, json=body, headers={"Authorization": "Bearer t"})
            assert answer.status_code == 200, answer.text
    # Given in a test's data, it is refused where given, as the skill's is.
    with pytest.raises(ValueError) as given:
        FakeAlexaApi(reminders=[{"alertToken": "r1", "pushNotification": {"status": status}}])
    assert str(given.value) == (
        f"reminders[0].pushNotification.status is {status!r}: ENABLED or DISABLED"
    ), given.value


@pytest.mark.parametrize(
    ("content", "shown"),
    [(b"[1]", "[1]"), (b'"x"', "'x'"), (b"5", "5"), (b"{oops", "'{oops'"), (b"", "nothing")],
    ids=["list", "str", "int", "no-json", "empty"],
)
def test_a_create_body_that_is_no_json_object_is_said_so(content: bytes, shown: str) -> None:
    # It was answered "requestTime is required" (INVALID_REQUEST_TIME), as if an object had
    # left the field out.
    fake = FakeAlexaApi()
    with httpx.Client(transport=httpx.MockTransport(fake.handle), trust_env=False) as client:
        answer = client.post(
            "http://fake/v1/alerts/reminders",
            content=content,
            headers={"Authorization": "Bearer t", "Content-Type": "application/json"},
        )
    assert (answer.status_code, answer.json()) == (
        400,
        {
            "code": "INVALID_REQUEST",
            "message": f"the body must be a JSON object (the reminder), not {shown}",
        },
    )
    assert fake.reminders == []


#: The error statuses Amazon's model of the Reminders API names for each operation the fake
#: serves (ask-sdk-model's ReminderManagementServiceClient, alexa/alexa-apis-for-python:
#: create 400 "Bad Request", 403 "Forbidden", 429 "RateExceededException", 500, 503, 504;
#: get and delete 401 "UserAuthenticationException", 429, 500), and what the skill's call
#: raises for each: the consent card's error, or an AlexaApiError with its status.
_REMINDER_STATUSES: Final = [
    ("create_reminder", 400, "refused"),
    ("create_reminder", 403, None),
    ("create_reminder", (429, 2), "throttled by Amazon (too many requests); retry after 2 s"),
    ("create_reminder", 500, "server error"),
    ("create_reminder", 503, "server error"),
    ("create_reminder", (504, 1), "server error; retry after 1 s"),
    ("get_reminders", 401, None),
    ("get_reminders", 429, "throttled by Amazon (too many requests)"),
    ("get_reminders", 500, "server error"),
    ("delete_reminder", 401, None),
    ("delete_reminder", 429, "throttled by Amazon (too many requests)"),
    ("delete_reminder", 500, "server error"),
]


@pytest.mark.parametrize(("operation", "fault", "reason"), _REMINDER_STATUSES)
def test_each_status_amazon_names_for_a_reminder_call_is_a_typed_error(
    operation: str, fault: int | tuple[int, int], reason: str | None
) -> None:
    # The fake makes each (faults), and the skill's AlexaApi says it: a 401 or 403 the
    # reminders permission's card (the request grants no scope), anything else an
    # AlexaApiError with the status, Amazon's code and the seconds a Retry-After asks.
    from alexaskill import AlexaApiError, PermissionRequired, Scope

    fake = FakeAlexaApi(faults={operation: fault})
    api = skill_api(fake)
    calls: dict[str, Callable[[], Any]] = {
        "create_reminder": lambda: api.create_reminder("tea", after=dt.timedelta(minutes=5)),
        "get_reminders": api.get_reminders,
        "delete_reminder": lambda: api.delete_reminder("r1"),
    }
    status, wait = fault if isinstance(fault, tuple) else (fault, None)
    with pytest.raises(AlexaApiError) as caught:
        run(calls[operation]())
    error = caught.value
    assert (error.operation, error.status, error.code) == (operation, status, "FAULT")
    assert error.retry_after == wait
    if reason is None:
        assert isinstance(error, PermissionRequired) and error.scope == Scope.REMINDERS
    else:
        assert type(error) is AlexaApiError
        assert str(error).startswith(f"{operation}: HTTP {status}, {reason} (FAULT, ")


@pytest.mark.parametrize(
    "ssml",
    [
        "<speak>Bins " + "<audio src='https://example.com/a.mp3'/>" * 6 + "</speak>",
        "<speak>" + "Take the bins out. " * 500 + "</speak>",
        "<speak> </speak>",
    ],
    ids=["six-clips", "long", "blank"],
)
def test_a_reminders_ssml_is_held_to_its_markup_not_an_answers_limits(ssml: str) -> None:
    # Amazon documents no length, clip or blank rule for a reminder's SSML, and
    # AlexaApi.create_reminder sends such speech: the fake refused it by an answer's limits.
    content = [{"locale": "en-GB", "text": "Take the bins out", "ssml": ssml}]
    body = {
        "requestTime": "2031-03-14T09:00:00.000",
        "trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 300},
        "alertInfo": {"spokenInfo": {"content": content}},
    }
    fake = FakeAlexaApi()
    answer = post_reminder(fake, body)
    assert answer.status_code == 201 or answer.status_code == 200, answer.json()
    # A reminder given to the fake is read by the same rule.
    given = FakeAlexaApi(
        reminders=[{"alertToken": "r1", "alertInfo": {"spokenInfo": {"content": content}}}]
    )
    assert given.reminders[0].alert_info.spoken_info.content[0].ssml == ssml  # type: ignore[union-attr]


def test_an_offset_past_a_32_bit_integer_is_the_triggers_400() -> None:
    # Amazon's model types offsetInSeconds a Java Integer (alexa/alexa-apis-for-java,
    # .../reminderManagement/Trigger.java): 2147483647 (68 years) at most. The fake took any
    # int, 2**64 too, and answered it back in a get, one Amazon never holds.
    most = 2**31 - 1
    said = refused_trigger({"type": "SCHEDULED_RELATIVE", "offsetInSeconds": most + 1})
    assert said.startswith("offsetInSeconds is 2,147,483,648: at most 2,147,483,647 (68 years)")
    with pytest.raises(
        ValueError, match=r"reminders\[0\]\.trigger\.offsetInSeconds is 2,147,483,648"
    ):
        FakeAlexaApi(
            reminders=[{"trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 2**31}}]
        )
    # An int past Python's 4,300 digits, given in Python: its repr raised ValueError ("Exceeds
    # the limit (4300 digits)") in place of the message due.
    with pytest.raises(ValueError, match=r"offsetInSeconds is <an int of 16,610 bits>: at most"):
        FakeAlexaApi(
            reminders=[{"trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 10**5000}}]
        )
    kept = FakeAlexaApi(
        reminders=[{"trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": most}}]
    )
    assert kept.reminders[0].trigger.offset_in_seconds == most  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("offset", "said"),
    [
        (-(10**5000), "offsetInSeconds is <a negative int of 16,610 bits>: "),
        (-(10**4000), "(4,001 digits): "),
    ],
    ids=["past-4300-digits", "long"],
)
def test_a_negative_offset_of_any_size_is_said_within_a_line(offset: int, said: str) -> None:
    # offsetInSeconds <= 0 was said by its repr: past Python's 4,300 digits a ValueError
    # ("Exceeds the limit (4300 digits)") came in place of the message, and under it a line of
    # 4,000 digits.
    with pytest.raises(ValueError) as caught:
        FakeAlexaApi(
            reminders=[{"trigger": {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": offset}}]
        )
    assert said in str(caught.value) and len(str(caught.value)) < 400, str(caught.value)
