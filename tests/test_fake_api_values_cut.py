"""Values a skill sends `FakeAlexaApi` (a reminder's trigger, a late progressive response's
speech and request id) and a test gives the test tools (the fake's clock, its server's host and
port, `TestPKI`'s options) as their answers and refusals quote them: cut as
alexaskill/shown_names.py cuts a long value, where each was quoted whole (an int past Python's
4,300 digits raised ValueError from its repr)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import pytest

from alexaskill.testing import FakeAlexaApi, RequestFactory, TestPKI
from alexaskill.testing.api_calls import ApiCall
from alexaskill.testing.api_server import serve_fake_api
from alexaskill.testing.violations import late_progressive_error
from tests.fake_reminders_shared import _AT, post_reminder, refused_trigger, run, skill_api

#: A value far past any message's length, its head unlike its end.
LONG = "x" * 5_000 + "END"
#: An int too long for its repr (Python's 4,300 digits).
HUGE = 10**5_000
#: The most characters a message quoting one such value may have.
BOUND = 1_000


def _bounded(message: str) -> None:
    assert len(message) < BOUND, message[:300]
    assert "x" * 40 in message, message[:300]


def _late(speech: str, request_id: str) -> ApiCall:
    """A progressive response of ``speech`` for ``request_id``, refused as late."""
    body = {
        "header": {"requestId": request_id},
        "directive": {"type": "VoicePlayer.Speak", "speech": speech},
    }
    return ApiCall("progressive", "POST", "/v1/directives", {}, body, 403, None)


@pytest.mark.parametrize(
    ("speech", "request_id"), [(LONG, "amzn1.echo-api.request.1"), ("Hold on.", LONG)]
)
def test_a_late_progressive_response_s_long_speech_or_id_is_quoted_cut(
    speech: str, request_id: str
) -> None:
    late = _late(speech, request_id)
    _bounded(late.late_note())
    _bounded(str(late_progressive_error([late], "at the request after")))


def test_a_progressive_response_for_a_long_unknown_request_id_is_answered_cut() -> None:
    # The fake's 403 quoted the id the skill named whole, once a request was answered.
    fake = FakeAlexaApi()
    envelope = RequestFactory(api_access_token="my-token").intent("Add")
    fake.issued(envelope)
    with fake.answering(envelope["request"]["requestId"]):
        pass
    body = {
        "header": {"requestId": LONG},
        "directive": {"type": "VoicePlayer.Speak", "speech": "One moment"},
    }
    headers = {"Authorization": "Bearer my-token"}
    url = "https://api.amazonalexa.com/v1/directives"
    status, answer, _ = anyio.run(fake.alexa_api_call, "POST", url, headers, body, None)
    assert status == 403
    _bounded(answer.decode())


@pytest.mark.parametrize(
    "trigger",
    [
        {**_AT, "scheduledTime": LONG},
        {**_AT, "recurrence": {"recurrenceRules": [LONG]}},
        {**_AT, "type": LONG},
    ],
    ids=["scheduled-time", "rule", "type"],
)
def test_a_long_trigger_value_refused_is_quoted_cut(trigger: dict[str, Any]) -> None:
    _bounded(refused_trigger(trigger))


def test_a_long_push_notification_status_refused_is_quoted_cut() -> None:
    body = {
        "requestTime": "2031-03-14T09:00:00.000",
        "trigger": _AT,
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "walk the dog"}]}},
        "pushNotification": {"status": LONG},
    }
    answer = post_reminder(FakeAlexaApi(), body)
    assert answer.status_code == 400, answer.text
    _bounded(answer.json()["message"])


@pytest.mark.parametrize(
    "given",
    [
        lambda: FakeAlexaApi(now=LONG),  # type: ignore[arg-type]
        lambda: FakeAlexaApi(now=lambda: LONG),  # type: ignore[arg-type,return-value]
        lambda: serve_fake_api(FakeAlexaApi(), port=LONG),  # type: ignore[arg-type]
        lambda: serve_fake_api(FakeAlexaApi(), host=LONG),
        lambda: serve_fake_api(FakeAlexaApi(), host=[LONG]),  # type: ignore[arg-type]
        lambda: TestPKI(cert_url=[LONG]),  # type: ignore[arg-type]
        lambda: TestPKI(include_root=LONG),  # type: ignore[arg-type]
        lambda: TestPKI(key_set=LONG),  # type: ignore[arg-type]
        lambda: TestPKI(keys=(LONG,)),  # type: ignore[arg-type]
        lambda: TestPKI(valid_at=LONG),  # type: ignore[arg-type]
    ],
    ids=[
        "fake-now",
        "fake-clock",
        "serve-port",
        "serve-host",
        "serve-host-kind",
        "pki-cert-url",
        "pki-include-root",
        "pki-key-set",
        "pki-keys",
        "pki-moment",
    ],
)
def test_a_long_value_the_test_tools_refuse_is_quoted_cut(given: Callable[[], object]) -> None:
    with pytest.raises((TypeError, ValueError)) as raised:
        given()
    _bounded(str(raised.value))


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (lambda: serve_fake_api(FakeAlexaApi(), port=HUGE), "a port number"),
        (lambda: serve_fake_api(FakeAlexaApi(), port=-HUGE), "a port number"),
        (lambda: TestPKI(key_set=-HUGE), "a whole number"),
    ],
    ids=["serve-port", "serve-port-negative", "pki-key-set"],
)
def test_an_int_too_long_for_its_repr_is_refused_in_the_tools_words(
    given: Callable[[], object], said: str
) -> None:
    # Its repr raised ValueError ("Exceeds the limit (4300 digits)") in place of the refusal.
    with pytest.raises((TypeError, ValueError)) as raised:
        given()
    message = str(raised.value)
    assert said in message and len(message) < BOUND, message[:300]


@pytest.mark.parametrize(
    "call",
    [
        lambda api: api.add_list_item("list", " " * 100_000),
        lambda api: api.add_list_item("list", "milk", status=LONG),
        lambda api: api.add_list_item([LONG], "milk"),
        lambda api: api.in_skill_products(entitled=[LONG]),
    ],
    ids=["blank-item", "item-status", "list-id", "products-flag"],
)
def test_a_long_value_a_handler_gives_alexa_api_is_refused_cut(call: Callable[[Any], Any]) -> None:
    # AlexaApi's refusals (unsent) quoted the handler's value whole: a blank item's value, a
    # status, an id of no str, a flag.
    with pytest.raises((TypeError, ValueError)) as raised:
        run(call(skill_api(FakeAlexaApi())))
    message = str(raised.value)
    assert len(message) < BOUND, message[:300]
    assert "…" in message or "..." in message, message[:300]


def test_an_alexa_api_timeout_too_long_for_its_repr_is_refused_in_its_words() -> None:
    from alexaskill import AlexaApi

    with pytest.raises(ValueError) as raised:
        AlexaApi(RequestFactory().intent("Remind"), timeout=-HUGE)  # type: ignore[arg-type]
    assert "timeout must be a positive" in str(raised.value), str(raised.value)[:300]
    # One past a float's range, positive, passed the check and raised float()'s OverflowError.
    with pytest.raises(ValueError) as raised:
        AlexaApi(RequestFactory().intent("Remind"), timeout=HUGE)  # type: ignore[arg-type]
    assert "timeout must be a positive, finite" in str(raised.value), str(raised.value)[:300]
