"""DynamoDBStore throttled: the log line says why DynamoDB throttled, from the reason its error
names (``ThrottlingReasons``), and so what to do; the user hears the apology.

The errors come from the small fake DynamoDB of fake_dynamodb.py (moto never throttles).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

import anyio
import pytest

from alexaskill import Skill, speak
from alexaskill.app import APOLOGY
from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import StoreError
from alexaskill.responses import Response
from alexaskill.store import Attributes
from alexaskill.testing import TestClient

from .conftest import SKILL_ID
from .dynamodb_shared import USER
from .fake_dynamodb import (
    HANG,
    STORE_TIMEOUT,
    FakeDynamoDB,
    fake_dynamodb_fixture,  # noqa: F401
    given_up_once_held,
)
from .moto_server import botocore_data_once  # noqa: F401

pytestmark = [pytest.mark.usefixtures("botocore_data_once"), pytest.mark.oldest_dependencies]

_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/skill"


def _reasons_parsed(code: str) -> bool:
    """Whether this botocore's model of DynamoDB has the throttling reasons of ``code``'s
    error (botocore parses only the members its model names: its older releases, none)."""
    import botocore.session
    from botocore.model import NoShapeFoundError

    model = botocore.session.get_session().get_service_model("dynamodb")
    try:
        members = model.shape_for(code).members
    except NoShapeFoundError:  # (an error its model does not name: parsed as code and message)
        return False
    return "ThrottlingReasons" in members or "throttlingReasons" in members


def _throttled(fake: FakeDynamoDB, code: str, reason: str) -> None:
    """Every call of ``fake`` throttled with ``code``, DynamoDB naming ``reason`` for it."""
    fake.error = (
        400,
        code,
        "The level of configured provisioned throughput for the table was exceeded",
    )
    # (ThrottlingException's member is spelt with a small t, in DynamoDB's model as on the wire)
    member = "throttlingReasons" if code == "ThrottlingException" else "ThrottlingReasons"
    fake.error_fields = {member: [{"reason": reason, "resource": _ARN}]}


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("code", "reason", "expected", "not_said"),
    [
        (
            "ProvisionedThroughputExceededException",
            "TableReadKeyRangeThroughputExceeded",
            "one key",
            "provisioned capacity",
        ),
        (
            "ThrottlingException",
            "TableWriteMaxOnDemandThroughputExceeded",
            "maximum throughput set on it",
            "switch",
        ),
        (
            "ProvisionedThroughputExceededException",
            "TableReadAccountLimitExceeded",
            "per-table throughput quota",
            "switch",
        ),
        (
            "ProvisionedThroughputExceededException",
            "IndexWriteProvisionedThroughputExceeded",
            "global secondary index's provisioned capacity",
            "one key",
        ),
    ],
)
async def test_throttling_is_said_with_the_reason_dynamodb_names(
    fake_dynamodb: FakeDynamoDB, code: str, reason: str, expected: str, not_said: str
) -> None:
    # Each was said as "raise its provisioned capacity or switch it to on-demand": wrong for
    # an on-demand table (what the README advises) over its maximum throughput or the
    # account's quota, and for a key read or written past what one partition serves, which
    # no capacity raises.
    _throttled(fake_dynamodb, code, reason)
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=STORE_TIMEOUT)
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(StoreError, match="throttled GetItem") as info:
            await store.load(USER)
    message = str(info.value)
    if not _reasons_parsed(code):  # (no reason to say: the advice for every throttling)
        assert "on-demand" in message
        return
    assert f"({code}: {reason}) after 3 attempts" in message
    assert expected in message
    assert not_said not in message


@pytest.mark.anyio
async def test_throttling_without_a_reason_says_what_each_kind_of_table_can_do(
    fake_dynamodb: FakeDynamoDB,
) -> None:
    # A DynamoDB-compatible server, or a botocore that parses no reasons: the line told an
    # on-demand table to switch to on-demand.
    fake_dynamodb.error = (400, "ProvisionedThroughputExceededException", "Rate exceeded")
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=STORE_TIMEOUT)
    async with contextlib.aclosing(store):
        with anyio.fail_after(HANG), pytest.raises(StoreError) as info:
            await store.update(USER, {"a": 1}, ())
    message = str(info.value)
    assert "throttled UpdateItem (ProvisionedThroughputExceededException) after 3" in message
    assert "a provisioned table: raise its capacity" in message
    assert "an on-demand table" in message and "one key" in message


@pytest.mark.anyio
async def test_a_call_given_up_while_botocore_waits_to_retry_is_said_as_throttled(
    fake_dynamodb: FakeDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    # botocore waits before each retry of a throttled call (a random part of 1 s, then of 2 s):
    # the store's timeout (3 s) passing meanwhile was said "no answer to UpdateItem within 3 s
    # (the write may have been made)", though DynamoDB had answered every attempt, refusing it.
    # While it waits, the call keeps what its words need of the throttled answer, its code and
    # reason: it kept botocore's whole parse (headers, metadata, message) until it returned.
    from botocore.retries.standard import ExponentialBackoff

    from alexaskill.dynamodb import client as calls
    from alexaskill.dynamodb import store as store_module

    code, reason = "ProvisionedThroughputExceededException", "TableWriteAccountLimitExceeded"
    _throttled(fake_dynamodb, code, reason)
    pausing, go_on = threading.Event(), threading.Event()
    made: list[calls._Call] = []
    kept: list[object] = []

    class Call(calls._Call):
        def __init__(self) -> None:
            super().__init__()
            made.append(self)

    def pause(self: Any, context: Any) -> float:
        kept.append(made[-1].throttled)
        pausing.set()
        go_on.wait(HANG)
        return 0.0

    monkeypatch.setattr(store_module, "_Call", Call)
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", pause)
    store = DynamoDBStore("skill", endpoint_url=fake_dynamodb.url, timeout=STORE_TIMEOUT)
    try:
        save = lambda: store.update(USER, {"a": 1}, ())  # noqa: E731
        raised, _ = await given_up_once_held(fake_dynamodb, save, held=pausing)
    finally:
        go_on.set()
        await store.aclose()
    message = str(raised)
    assert isinstance(raised, StoreError), message
    assert "throttled UpdateItem (ProvisionedThroughputExceededException" in message
    assert f"until its timeout passed ({STORE_TIMEOUT:g} s, retries included)" in message
    assert "no answer" not in message and "may have been made" not in message
    parsed = _reasons_parsed(code)
    if parsed:
        assert "per-table throughput quota" in message
    assert kept[:1] == [(code, reason if parsed else None)]


def test_a_skill_throttled_answers_with_the_apology_and_says_why_in_one_line(
    fake_dynamodb: FakeDynamoDB,
    skill_client: Callable[..., TestClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # End to end: a signed request, the handler's attributes throttled at their load.
    code, reason = "ThrottlingException", "TableReadMaxOnDemandThroughputExceeded"
    _throttled(fake_dynamodb, code, reason)
    skill = Skill(SKILL_ID, store=f"dynamodb://skill?endpoint_url={fake_dynamodb.url}&timeout=20")

    @skill.intent("GetWeather")
    def weather(attributes: Attributes) -> Response:
        return speak("never")

    with caplog.at_level(logging.ERROR, logger="alexaskill"):
        result = skill_client(skill, raise_handler_errors=False).intent("GetWeather")
    assert result.speech == APOLOGY
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info is None
    line = record.getMessage()
    assert line.startswith("attributes not loaded or saved for IntentRequest GetWeather: ")
    assert "DynamoDB table 'skill' throttled GetItem" in line
    if _reasons_parsed(code):
        assert reason in line and "maximum throughput" in line
    anyio.run(skill.store.aclose)


def test_a_call_given_up_as_its_next_attempt_goes_out_is_not_said_as_throttled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The coroutine gives up (`_run`: the call set, then what its last attempt got read) at any
    # moment of the worker thread's before-send. Here, just after that found the call still
    # wanted, and before it forgot the throttled answer: the attempt went out all the same, and
    # the store said it throttled, nothing applied (an UpdateItem that may be applied).
    from alexaskill.dynamodb import client as calls

    call = calls._Call()
    call.throttled = ("ProvisionedThroughputExceededException", None)
    is_set, read = call.is_set, list[object]()

    def given_up_meanwhile() -> bool:
        found = is_set()
        call.set()  # (the coroutine, at its deadline)
        read.append(call.throttled)  # (what it says the call got)
        return found

    monkeypatch.setattr(call, "is_set", given_up_meanwhile)
    monkeypatch.setattr(calls._waited_for, "given_up", call, raising=False)
    try:
        calls._refuse_if_given_up()
    except calls._GivenUp:
        return  # not sent: whatever was read holds
    assert read == [None], "the attempt went out, said as throttled (nothing applied)"
