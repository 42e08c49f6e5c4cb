"""A reminder field of the wrong kind (``"offsetInSeconds": "60"``) said in alexaskill's words,
the field named and what it takes, alike in the three places that read one: `FakeAlexaApi`'s
"create a reminder" call, the reminders a test gives it, and `AlexaApi.get_reminders` reading
Amazon's answer (`alexaskill.alexa_api.kinds`). msgspec's own ("Expected `int | null`, got
`str` - at `$.trigger.offsetInSeconds`") named a type of Python's, in its notation."""

from __future__ import annotations

import copy
import json
import re
from typing import Any, Final

import anyio
import httpx
import pytest

from alexaskill import AlexaApi, AlexaApiError
from alexaskill.alexa_api.recurrence import NO_FREQ
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory

_RELATIVE: Final = {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 3600}
#: A weekly reminder by Amazon's older fields, and a daily one by its rules.
_OLDER: Final = {
    "type": "SCHEDULED_ABSOLUTE",
    "scheduledTime": "2031-03-17T07:30:00.000",
    "timeZoneId": "Europe/Paris",
    "recurrence": {"freq": "WEEKLY", "byDay": ["MO"]},
}
_RULED: Final = {
    "type": "SCHEDULED_ABSOLUTE",
    "timeZoneId": "Europe/Paris",
    "recurrence": {
        "startDateTime": "2031-03-17T07:30:00.000",
        "recurrenceRules": ["FREQ=DAILY;BYHOUR=7;BYMINUTE=30"],
    },
}
_TRIGGERS: Final = {"relative": _RELATIVE, "older": _OLDER, "ruled": _RULED}

#: What offsetInSeconds takes: said of any value but a string of digits, which the client reads
#: in Amazon's answer (and the fake in a reminder given as a mapping) as its number, so that
#: "written as a number" was untrue of those readers.
_OFFSET: Final = "a positive whole number of seconds (3600: an hour)"
#: Said of a string of digits, only where one is refused: the fake's create call.
_OFFSET_DIGITS: Final = "a positive whole number of seconds, written as a number (3600, not '3600')"
_LOCAL: Final = "a local time ('2031-03-15T07:30:00.000')"
_CONTENT: Final = "{'locale': 'en-US', 'text': 'walk the dog'}"

#: (id, trigger, path in the reminder, value, what the message says it takes, who reads it:
#: "c" the fake's create call, "g" a reminder given to the fake, "a" Amazon's answer read).
_CASES: Final[list[tuple[str, str, str, Any, str, str]]] = [
    # (a string of digits in Amazon's answer, or in a reminder given, which stands for one, is
    # read as its number: test_an_offset_written_…)
    ("offset-str", "relative", "trigger.offsetInSeconds", "60", _OFFSET_DIGITS, "c"),
    ("offset-signed", "relative", "trigger.offsetInSeconds", "-60", _OFFSET, "cga"),
    ("offset-word", "relative", "trigger.offsetInSeconds", "an hour", _OFFSET, "cga"),
    ("offset-float", "relative", "trigger.offsetInSeconds", 60.5, _OFFSET, "cga"),
    ("offset-bool", "relative", "trigger.offsetInSeconds", True, _OFFSET, "cga"),
    ("offset-list", "relative", "trigger.offsetInSeconds", [60], _OFFSET, "cga"),
    ("type-int", "relative", "trigger.type", 5, "SCHEDULED_ABSOLUTE or SCHEDULED_RELATIVE", "cga"),
    ("scheduled-int", "older", "trigger.scheduledTime", 5, _LOCAL, "cga"),
    ("zone-int", "older", "trigger.timeZoneId", 5, "an IANA time zone ('Europe/Paris')", "cga"),
    (
        "recurrence-str",
        "older",
        "trigger.recurrence",
        "FREQ=DAILY",
        "an object of recurrenceRules (['FREQ=WEEKLY;BYDAY=MO'])",
        "cga",
    ),
    (
        "freq-int",
        "older",
        "trigger.recurrence.freq",
        5,
        "WEEKLY or DAILY (deprecated: recurrenceRules)",
        "cga",
    ),
    (
        "freq-list",
        "older",
        "trigger.recurrence.freq",
        ["WEEKLY"],
        "WEEKLY or DAILY (deprecated: recurrenceRules)",
        "cga",
    ),
    (
        "freq-int-beside-rules",
        "ruled",
        "trigger.recurrence.freq",
        5,
        "WEEKLY or DAILY (deprecated: recurrenceRules)",
        "cga",
    ),
    (
        "by-day-str",
        "older",
        "trigger.recurrence.byDay",
        "MO",
        "a list of days of the week (['MO', 'WE'])",
        "cga",
    ),
    (
        "by-day-int",
        "older",
        "trigger.recurrence.byDay[0]",
        1,
        "a day of the week (SU, MO, TU, WE, TH, FR, SA)",
        "cga",
    ),
    (
        "interval-str",
        "older",
        "trigger.recurrence.interval",
        "2",
        "a positive whole number (2: every other)",
        "cga",
    ),
    ("start-int", "ruled", "trigger.recurrence.startDateTime", 5, _LOCAL, "cga"),
    ("end-list", "ruled", "trigger.recurrence.endDateTime", ["x"], _LOCAL, "cga"),
    (
        "rules-str",
        "ruled",
        "trigger.recurrence.recurrenceRules",
        "FREQ=DAILY",
        "a list of RFC 5545 rules (['FREQ=WEEKLY;BYDAY=MO'])",
        "cga",
    ),
    ("rule-int", "ruled", "trigger.recurrence.recurrenceRules[0]", 5, NO_FREQ, "cga"),
    (
        "trigger-str",
        "relative",
        "trigger",
        "in an hour",
        "an object ({'type': 'SCHEDULED_RELATIVE', 'offsetInSeconds': 3600})",
        "cga",
    ),
    (
        "alert-info-str",
        "relative",
        "alertInfo",
        "walk the dog",
        f"an object ({{'spokenInfo': {{'content': [{_CONTENT}]}}}})",
        "cga",
    ),
    (
        "spoken-info-str",
        "relative",
        "alertInfo.spokenInfo",
        "walk the dog",
        f"an object ({{'content': [{_CONTENT}]}})",
        "cga",
    ),
    (
        "content-str",
        "relative",
        "alertInfo.spokenInfo.content",
        "walk the dog",
        f"a list of the reminder's words in each locale ([{_CONTENT}])",
        "cga",
    ),
    (
        "entry-str",
        "relative",
        "alertInfo.spokenInfo.content[0]",
        "walk the dog",
        f"an object ({_CONTENT})",
        "cga",
    ),
    (
        "locale-int",
        "relative",
        "alertInfo.spokenInfo.content[0].locale",
        5,
        "a locale ('en-US')",
        "cga",
    ),
    (
        "text-int",
        "relative",
        "alertInfo.spokenInfo.content[0].text",
        5,
        "the words Alexa says ('walk the dog')",
        "cga",
    ),
    (
        "ssml-int",
        "relative",
        "alertInfo.spokenInfo.content[0].ssml",
        5,
        "an SSML document ('<speak>walk the dog</speak>')",
        "cga",
    ),
    (
        "push-str",
        "relative",
        "pushNotification",
        "ENABLED",
        "an object ({'status': 'ENABLED'})",
        "cga",
    ),
    ("push-status-int", "relative", "pushNotification.status", 1, "ENABLED or DISABLED", "cga"),
    # (what Amazon answers, and a test gives: a skill sends none of these)
    ("token-int", "relative", "alertToken", 5, "the reminder's id, a string", "ga"),
    ("status-int", "relative", "status", 5, "ON or COMPLETED", "ga"),
    (
        "created-int",
        "relative",
        "createdTime",
        5,
        "a time in UTC ('2031-03-14T09:00:00.000Z')",
        "ga",
    ),
    ("version-float", "relative", "version", 1.5, "a string or a whole number ('1')", "ga"),
]


def _reminder(trigger: str, path: str, value: Any) -> dict[str, Any]:
    """A reminder as Amazon's JSON has it, with ``trigger`` and ``value`` at ``path``."""
    reminder: dict[str, Any] = {
        "alertToken": "r1",
        "status": "ON",
        "createdTime": "2031-03-14T09:00:00.000Z",
        "version": "1",
        "trigger": copy.deepcopy(_TRIGGERS[trigger]),
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
        "pushNotification": {"status": "ENABLED"},
    }
    *parents, last = [
        int(part) if part.isdigit() else part for part in re.split(r"\.|\[|\]\.?", path) if part
    ]
    place: Any = reminder
    for part in parents:
        place = place[part]
    place[last] = value
    return reminder


def _created(fake: FakeAlexaApi, body: dict[str, Any]) -> httpx.Response:
    """The fake's answer to a skill creating the reminder ``body``."""
    with httpx.Client(transport=httpx.MockTransport(fake.handle), trust_env=False) as client:
        return client.post(
            "http://fake/v1/alerts/reminders", json=body, headers={"Authorization": "Bearer t"}
        )


def _code(path: str) -> str:
    """The code of the fake's 400 for a fault at ``path``: its part's."""
    if path.startswith("trigger"):
        return "INVALID_TRIGGER"
    return "INVALID_ALERT_INFO" if path.startswith("alertInfo") else "INVALID_REQUEST"


def _read_answer(content: bytes) -> list[Any]:
    """The reminders `AlexaApi.get_reminders` reads from Amazon's answer ``content``."""
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=content))
    envelope = decode_envelope(json.dumps(RequestFactory().intent("Remind")))

    async def main() -> list[Any]:
        async with httpx.AsyncClient(transport=transport) as client:
            return await AlexaApi(envelope, client=client).get_reminders()

    return anyio.run(main)


@pytest.mark.parametrize(
    ("trigger", "path", "value", "what", "readers"),
    [case[1:] for case in _CASES],
    ids=[case[0] for case in _CASES],
)
def test_a_reminder_field_of_the_wrong_kind_is_named_with_what_it_takes(
    trigger: str, path: str, value: Any, what: str, readers: str
) -> None:
    reminder = _reminder(trigger, path, value)
    said = f"{path} is {value!r}: {what}"
    assert "Expected" not in said  # (the case says alexaskill's words)
    if "c" in readers:  # (a trigger's own fields said from the trigger on, as its values are)
        body = {"requestTime": "2031-03-14T09:00:00.000"} | {
            key: reminder[key] for key in ("trigger", "alertInfo", "pushNotification")
        }
        fake = FakeAlexaApi()
        answer = _created(fake, body)
        shown = said.removeprefix("trigger.") if path != "trigger" else said
        assert (answer.status_code, answer.json()) == (400, {"code": _code(path), "message": shown})
        assert fake.reminders == []
    if "g" in readers:
        with pytest.raises(ValueError) as given:
            FakeAlexaApi(reminders=[{"alertToken": "r0"}, reminder])
        assert str(given.value) == f"reminders[1].{said}"
    if "a" in readers:
        with pytest.raises(AlexaApiError) as read:
            _read_answer(json.dumps({"alerts": [reminder]}).encode())
        # (the JSON decodes: a field of it is of the wrong kind)
        assert str(read.value) == (
            f"get_reminders: a field of Alexa's answer is of the wrong kind: alerts[0].{said}"
        )


def test_the_reminders_the_cases_start_from_are_taken_by_all_three() -> None:
    # (so that each case's fault is the one value it changes)
    for trigger in _TRIGGERS:
        reminder = _reminder(trigger, "alertToken", "r1")
        FakeAlexaApi(reminders=[reminder])
        body = {"requestTime": "2031-03-14T09:00:00.000"} | {
            key: reminder[key] for key in ("trigger", "alertInfo", "pushNotification")
        }
        fake = FakeAlexaApi()
        answer = _created(fake, body)
        assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"[]", "Alexa's answer is of the wrong kind: the answer is []: an object"),
        (b'{"alerts": 5}', "a field of Alexa's answer is of the wrong kind: alerts is 5: a list"),
        (b"<html>proxy</html>", "Alexa's answer does not decode: JSON is malformed"),
    ],
    ids=["root", "field", "not-json"],
)
def test_an_answer_of_the_wrong_kind_is_told_from_one_that_does_not_decode(
    content: bytes, said: str
) -> None:
    with pytest.raises(AlexaApiError) as read:
        _read_answer(content)
    assert str(read.value).startswith(f"get_reminders: {said}")


def test_an_offset_written_as_a_string_of_digits_in_amazons_answer_is_read_as_its_number() -> None:
    # Amazon's Reminders overview writes "offsetInSeconds": "7200" in a reminder it answers
    # with; its SDKs type the field as a number (and read such a string into one): the client
    # reads it so, as the fake reads a reminder given (tests/test_fake_api_reminders.py), while
    # the fake's create call keeps refusing it (the offset-str case above).
    written = _reminder("relative", "trigger.offsetInSeconds", "7200")
    number = _reminder("relative", "trigger.offsetInSeconds", 7200)
    [read] = _read_answer(json.dumps({"alerts": [written]}).encode())
    assert read.trigger.offset_in_seconds == 7200
    assert [read] == _read_answer(json.dumps({"alerts": [number]}).encode())
    # Beside another fault, that fault is the one named.
    faulty = _reminder("relative", "alertInfo.spokenInfo.content[0].text", 5)
    faulty["trigger"]["offsetInSeconds"] = "7200"
    with pytest.raises(AlexaApiError) as failed:
        _read_answer(json.dumps({"alerts": [faulty]}).encode())
    assert "alerts[0].alertInfo.spokenInfo.content[0].text is 5" in str(failed.value)
    # Only ASCII digits, at most 20 (past any offset): a sign, a fraction, a blank, another of
    # Unicode's digits, 5000 of them (past what Python's int() reads) are refused as before.
    for value in ("-60", "+60", "60.0", " 60", "", "\u0666\u0660", "9" * 5000):
        bad = _reminder("relative", "trigger.offsetInSeconds", value)
        with pytest.raises(AlexaApiError, match=r"alerts\[0\]\.trigger\.offsetInSeconds is "):
            _read_answer(json.dumps({"alerts": [bad]}).encode())
