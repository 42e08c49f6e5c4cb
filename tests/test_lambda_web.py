"""The skill's ASGI app run in AWS Lambda: what it reads of the invocation from the host.

Behind an ASGI adapter run by the Lambda runtime (Mangum: the invocation's context in the
scope, ``scope["aws.context"]``), the Lambda Web Adapter (the ``x-amzn-lambda-context``
header), or as a Lambda web function (``lambda-web-request-id``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from alexaskill import DeadlineExceeded, Skill, speak
from alexaskill.aws_lambda import LAMBDA_MARGIN
from alexaskill.deadline import DEADLINE_GRACE
from alexaskill.deadline_answering import DEADLINE_REPLY
from alexaskill.responses import Response
from alexaskill.settings import settings_from_env
from alexaskill.store import Attributes

from . import deadline_shared
from .aws_lambda_shared import speech
from .conftest import SKILL_ID
from .deadline_clock import Clock
from .deadline_shared import SHORT, WAIT, saves_to_the_end, slow_saving
from .lambda_runtime import LambdaContext, stream_events

# restore_logging: autouse, each test's logging and environment put back, as in
# tests/test_log_lambda.py.
from .log_lambda_shared import (  # noqa: F401
    WEB_ID,
    on_lambda_runtime,
    post_on_lambda_server,
    restore_logging,
    standard_error,
)

# The fixtures of tests/deadline_shared.py, this module's too (why not conftest's: see there);
# SHORT, the time a handler is given, and WAIT, how long the slow handlers take (far beyond
# SHORT: a test that waits for it has failed), are its too.
clock = deadline_shared.clock
release = deadline_shared.release

FORGED_IDS = [
    "x" * 5000,  # in every line of the request, 5 KB each
    "8476a536 alexaskill.request: LaunchRequest -> ok",  # a line's fields, spoofed
    "8476a536\t[ERROR]\tforged",
    "8476a536\r\n[ERROR] forged",
    "",
]


@pytest.mark.parametrize("forged", FORGED_IDS)
@pytest.mark.parametrize("header", ["lambda-web-request-id", "x-amzn-lambda-context"])
def test_an_invocation_id_from_a_header_that_is_no_lambda_request_id_is_not_logged(
    monkeypatch: pytest.MonkeyPatch, header: str, forged: str
) -> None:
    """A header a client may have written (one of these two reaches the app, whichever the host):
    only a request id's shape is taken, never a caller's text in the log's id column."""
    value = forged if header == "lambda-web-request-id" else json.dumps({"request_id": forged})
    status, seen, _ = post_on_lambda_server(monkeypatch, {header: value})
    assert status == 200 and seen == [""]


@pytest.mark.parametrize("header", ["lambda-web-request-id", "x-amzn-lambda-context"])
def test_a_request_id_from_a_header_is_taken(monkeypatch: pytest.MonkeyPatch, header: str) -> None:
    extra: dict[str, Any] = {header: WEB_ID}
    if header == "x-amzn-lambda-context":
        extra = {header: json.dumps({"request_id": WEB_ID, "deadline": 1542409706888})}
    status, seen, _ = post_on_lambda_server(monkeypatch, extra)
    assert status == 200 and seen == [WEB_ID]


class _Mangum:
    """What Mangum does to each request: the invocation's context in the scope."""

    def __init__(self, app: Any, context: LambdaContext) -> None:
        self.app, self.context = app, context

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope = {**scope, "aws.context": self.context}
        await self.app(scope, receive, send)


def _post_behind_mangum(
    monkeypatch: pytest.MonkeyPatch, skill: Skill, context: LambdaContext
) -> tuple[dict[str, Any], str]:
    """A slow intent posted to ``skill`` behind a Mangum stand-in on Lambda: the response
    envelope, and the log (alexaskill's lines, on standard error)."""
    return _post_on_lambda(monkeypatch, skill, lambda app: _Mangum(app, context))


def _post_on_lambda(
    monkeypatch: pytest.MonkeyPatch,
    skill: Skill,
    host: Callable[[Skill], Any] = lambda app: app,
    extra: dict[str, str] | None = None,
) -> tuple[dict[str, Any], str]:
    """A slow intent posted on Lambda to ``skill`` behind ``host`` (what stands in for the
    host: Mangum, the Lambda Web Adapter) with the headers ``extra``: the response envelope,
    and the log (alexaskill's lines, on standard error)."""
    from starlette.testclient import TestClient as StarletteClient

    from alexaskill.testing import TestClient

    on_lambda_runtime(monkeypatch)
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    stderr = standard_error(monkeypatch)
    with TestClient(skill) as client:  # (its verifier trusts the test's signing PKI)
        body = json.dumps(client.factory.intent("Slow")).encode()
        headers = {"Content-Type": "application/json", **client.pki.sign(body), **(extra or {})}
        app = host(skill)
        with StarletteClient(app) as http:
            answered = http.post(skill.path, content=body, headers=headers)
    assert answered.status_code == 200
    envelope: dict[str, Any] = answered.json()
    return envelope, stderr.getvalue()


def _slow_skill(asynchronous: bool, release: threading.Event, clock: Clock | None = None) -> Skill:
    """A skill whose intent Slow outlives the invocation's time: SHORT of ``clock`` (at once), if
    given, else `WAIT` of the real one."""
    skill = Skill(SKILL_ID, deadline=2 * WAIT)  # far more than the invocation has left

    async def slow_async() -> Response:
        if clock is not None:
            clock.skip(SHORT)
        await asyncio.sleep(WAIT)
        return speak("too late")

    def slow() -> Response:
        if clock is not None:
            clock.skip(SHORT)
        release.wait(WAIT)
        return speak("too late")

    skill.add_intent_handler("Slow", slow_async if asynchronous else slow)
    return skill


@pytest.mark.parametrize("asynchronous", [False, True], ids=["def", "async"])
def test_behind_mangum_the_deadline_is_the_invocations_remaining_time_when_shorter(
    monkeypatch: pytest.MonkeyPatch,
    release: threading.Event,
    asynchronous: bool,
    clock: Clock,
) -> None:
    """As `alexaskill.aws_lambda.handler`: the remaining time less `LAMBDA_MARGIN`, so that the
    spoken answer leaves before Lambda ends the function (which would leave Alexa none)."""
    skill = _slow_skill(asynchronous, release, clock)
    context = LambdaContext(int((SHORT + LAMBDA_MARGIN) * 1000), WEB_ID)
    answered, log = _post_behind_mangum(monkeypatch, skill, context)
    assert speech(answered) == DEADLINE_REPLY
    assert f"did not answer within {SHORT:g} s" in log
    assert "the Lambda function's remaining time" in log


def test_behind_mangum_an_exception_handlers_grace_is_kept_back_too(
    monkeypatch: pytest.MonkeyPatch, release: threading.Event
) -> None:
    # (The real clock: the grace left is the invocation's time less what verification took.)
    skill = _slow_skill(True, release)

    @skill.exception(DeadlineExceeded)
    def late(exc: DeadlineExceeded) -> Response:
        return speak("Still thinking.")

    context = LambdaContext(int((SHORT + LAMBDA_MARGIN + DEADLINE_GRACE) * 1000), WEB_ID)
    answered, log = _post_behind_mangum(monkeypatch, skill, context)
    assert speech(answered) == "Still thinking."
    assert f"did not answer within {SHORT:g} s" in log


@saves_to_the_end((SHORT + 1, "noted"), "invocation")
def test_behind_mangum_the_handlers_own_save_is_waited_for_until_the_invocation_ends(
    monkeypatch: pytest.MonkeyPatch, clock: Clock, takes: float, said: str
) -> None:
    """As `alexaskill.aws_lambda.handler` (tests/test_deadline_lambda.py): a save begun before
    the deadline is waited for past it until the invocation's remaining time less
    `LAMBDA_MARGIN`, then given up on, the deadline's reply sent, where Lambda would end the
    function with no answer; one done in time is waited for, its reply sent late."""
    store = slow_saving(monkeypatch, clock, takes)
    skill = Skill(SKILL_ID, deadline=SHORT, store=store)

    @skill.intent("Slow")
    async def slow(attributes: Attributes) -> Response:
        attributes["seen"] = "yes"
        return speak("noted")

    # Ten seconds left: the skill's deadline first, then the invocation's, less LAMBDA_MARGIN,
    # between a save of SHORT + 1 s and one of LONG.
    answered, log = _post_behind_mangum(monkeypatch, skill, LambdaContext(10_000, WEB_ID))
    assert speech(answered) == said
    cut = "the store's save of Attributes was not done by the Lambda function's end"
    if said == DEADLINE_REPLY:
        assert store.saved == 0
        assert re.search(rf"^\[ERROR\]\t.*{re.escape(cut)}", log, re.MULTILINE), log
    else:
        assert store.saved == 1
        assert cut not in log and "after the deadline, with the handler's reply" in log, log


@pytest.mark.parametrize("remaining_ms", [None, int((WAIT + 60) * 1000)], ids=["broken", "long"])
def test_behind_mangum_the_skills_deadline_stays_when_the_invocation_has_longer(
    monkeypatch: pytest.MonkeyPatch,
    release: threading.Event,
    remaining_ms: int | None,
    clock: Clock,
) -> None:
    skill = Skill(SKILL_ID, deadline=SHORT)

    @skill.intent("Slow")
    async def slow() -> Response:
        clock.skip(SHORT)
        await asyncio.sleep(WAIT)
        return speak("too late")

    answered, log = _post_behind_mangum(monkeypatch, skill, LambdaContext(remaining_ms, WEB_ID))
    assert speech(answered) == DEADLINE_REPLY
    assert "(Skill(deadline=...))" in log


def test_a_web_server_on_a_json_function_writes_json_lines_lambda_can_filter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Lambda Web Adapter's server (no runtime handler) on a function whose log format is
    JSON: Lambda filters what it writes by each JSON line's level; a plain-text line has none,
    reads as INFO, and is dropped at an application log level of WARN, every one of
    alexaskill's (raised to WARNING there). So its lines are JSON, ALEXASKILL_LOG_JSON or not."""
    on_lambda_runtime(monkeypatch, "JSON", "WARN")
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    stderr = standard_error(monkeypatch)
    settings_from_env().configure_logging()
    logging.getLogger("alexaskill").error("a store is down")
    entries = [json.loads(line) for line in stream_events(stderr.getvalue())]
    assert [e["level"] for e in entries] == ["WARN", "ERROR"]  # the floor's warning, the error
    assert entries[1]["message"] == "a store is down"


def test_alexaskills_json_on_lambda_names_levels_as_lambdas_filter_reads_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """JSON lines a function writes itself (a web server in Lambda, ``ALEXASKILL_LOG_JSON=1``)
    are filtered by their "level", one of Lambda's names (WARN, not WARNING), and their RFC 3339
    "timestamp": any other level reads as INFO, dropped at an application log level of WARN."""
    on_lambda_runtime(monkeypatch, "JSON", "WARN", LOG_JSON="1")
    stderr = standard_error(monkeypatch)
    monkeypatch.setattr(logging.getLogger(), "handlers", [])  # the Lambda Web Adapter's server
    settings_from_env().configure_logging()
    alexaskill_logger = logging.getLogger("alexaskill")
    alexaskill_logger.setLevel(1)
    for level in (5, logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, 55):
        alexaskill_logger.log(level, "at %d", level)
    entries = [json.loads(e) for e in stream_events(stderr.getvalue())]
    [told] = [e for e in entries if "AWS_LAMBDA_LOG_LEVEL" in e["message"]]
    assert told["level"] == "WARN"  # else Lambda took it for INFO, and dropped it
    assert [(e["message"], e["level"]) for e in entries if e is not told] == [
        ("at 5", "TRACE"),
        ("at 10", "DEBUG"),
        ("at 20", "INFO"),
        ("at 30", "WARN"),
        ("at 40", "ERROR"),
        ("at 55", "FATAL"),
    ]
    rfc3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
    assert all(rfc3339.fullmatch(e["timestamp"]) for e in entries)


def test_a_records_extra_cannot_replace_the_lines_timestamp_or_level() -> None:
    # Lambda reads a line whose timestamp it cannot parse as INFO: an extra named "timestamp"
    # (an order's, say) made an ERROR line one that an application log level of WARN dropped.
    from alexaskill.log_lambda import LambdaJsonFormatter

    record = logging.LogRecord("skill", logging.ERROR, __file__, 1, "order failed", None, None)
    record.timestamp = "order-123"
    record.order = 123
    entry = json.loads(LambdaJsonFormatter().format(record))
    assert entry["level"] == "ERROR"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["timestamp"])
    assert entry["order"] == 123


def test_behind_mangum_the_grace_is_looked_up_once_not_at_every_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whether an exception handler takes `DeadlineExceeded` is settled when the skill starts
    (its handlers are frozen then): each request does not look it up again."""
    from starlette.testclient import TestClient as StarletteClient

    import alexaskill.asgi_build
    from alexaskill.deadline import deadline_grace
    from alexaskill.testing import TestClient

    looked_up: list[float] = []
    real = deadline_grace

    def counted(registry: Any) -> float:
        looked_up.append(real(registry))
        return looked_up[-1]

    monkeypatch.setattr(alexaskill.asgi_build, "deadline_grace", counted)
    on_lambda_runtime(monkeypatch)
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    standard_error(monkeypatch)
    skill = Skill(SKILL_ID)

    @skill.intent("Quick")
    def quick() -> Response:
        return speak("Done.")

    @skill.exception(DeadlineExceeded)
    def late(exc: DeadlineExceeded) -> Response:
        return speak("Still thinking.")

    context = LambdaContext(int((SHORT + WAIT) * 1000), WEB_ID)
    with TestClient(skill) as client, StarletteClient(_Mangum(skill, context)) as http:
        for _ in range(3):
            body = json.dumps(client.factory.intent("Quick")).encode()
            headers = {"Content-Type": "application/json", **client.pki.sign(body)}
            answered = http.post(skill.path, content=body, headers=headers)
            assert speech(answered.json()) == "Done."
    assert looked_up == [DEADLINE_GRACE]


def test_behind_mangum_the_store_is_checked_at_the_first_start_not_at_every_invocation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Mangum's default lifespan ("auto") runs the app's lifespan at each invocation, its
    startup and its shutdown around the request: the store's start check (a look at its file,
    for SQLite) is the skill's first start's alone, as the rest of the app's build."""
    from starlette.testclient import TestClient as StarletteClient

    import alexaskill.app
    from alexaskill.store.start_check import check_store
    from alexaskill.testing import RequestFactory, TestPKI

    checked: list[object] = []

    def counted(skill: Any) -> None:
        checked.append(skill)
        check_store(skill)

    monkeypatch.setattr(alexaskill.app, "check_store", counted)
    on_lambda_runtime(monkeypatch)
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    standard_error(monkeypatch)
    skill = Skill(SKILL_ID, store="memory://")

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        attributes["visits"] = attributes.get("visits", 0) + 1
        return speak(f"Visit number {attributes['visits']}.")

    pki = TestPKI.default()
    skill.verifier = pki.verifier()
    body = json.dumps(RequestFactory(SKILL_ID).intent("Count")).encode()
    headers = {"Content-Type": "application/json", **pki.sign(body)}
    for visit in (1, 2, 3):  # (an invocation each: the lifespan's startup, the request, its end)
        with StarletteClient(_Mangum(skill, LambdaContext(7000, WEB_ID))) as http:
            answered = http.post(skill.path, content=body, headers=headers)
        assert speech(answered.json()) == f"Visit number {visit}."
    assert checked == [skill]


def _adapter_context(deadline: Any) -> dict[str, str]:
    """The Lambda Web Adapter's ``x-amzn-lambda-context`` header, its ``deadline`` (a Unix time
    in milliseconds, as the adapter writes it) the one given."""
    context = {"request_id": WEB_ID, "deadline": deadline, "invoked_function_arn": "arn:x"}
    return {"x-amzn-lambda-context": json.dumps(context)}


def _in_ms(seconds: float) -> int:
    """The Unix time in milliseconds ``seconds`` from now."""
    return int((time.time() + seconds) * 1000)


class _WebAdapter:
    """What the Lambda Web Adapter does to each request: the invocation's context in the
    ``x-amzn-lambda-context`` header, its deadline ``left`` seconds after the request."""

    def __init__(self, app: Any, left: float) -> None:
        self.app, self.left = app, left

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            [(name, value)] = _adapter_context(_in_ms(self.left)).items()
            scope = {**scope, "headers": [*scope["headers"], (name.encode(), value.encode())]}
        await self.app(scope, receive, send)


@pytest.mark.parametrize("asynchronous", [False, True], ids=["def", "async"])
def test_behind_the_lambda_web_adapter_the_invocations_deadline_shortens_the_skills(
    monkeypatch: pytest.MonkeyPatch, release: threading.Event, asynchronous: bool, clock: Clock
) -> None:
    """As behind Mangum: the adapter's header says when Lambda ends the invocation; an answer
    not sent by then (less `LAMBDA_MARGIN`) never reaches Alexa."""
    skill = _slow_skill(asynchronous, release, clock)
    adapter = _WebAdapter(skill, SHORT + LAMBDA_MARGIN)
    answered, log = _post_on_lambda(monkeypatch, skill, lambda app: adapter)
    assert speech(answered) == DEADLINE_REPLY
    assert "the Lambda function's remaining time" in log


FORGED_DEADLINES = {
    "an hour left": lambda: _in_ms(3600),  # more than Lambda's longest timeout (15 minutes)
    "past": lambda: _in_ms(-5),
    "zero": lambda: 0,
    "negative": lambda: -1,
    "float": lambda: 1e300,
    "huge": lambda: 10**40,
    "text": lambda: "soon",
    "true": lambda: True,
    "null": lambda: None,
    "object": lambda: {"deadline": _in_ms(1)},
}


@pytest.mark.parametrize("forged", FORGED_DEADLINES.values(), ids=FORGED_DEADLINES)
def test_an_implausible_adapter_deadline_is_ignored(
    monkeypatch: pytest.MonkeyPatch, forged: Any, clock: Clock
) -> None:
    """A header that may be a caller's (a Lambda web function passes a client's on): a deadline
    no invocation has never lengthens the skill's, nor cuts an answer short, nor fails."""
    skill = Skill(SKILL_ID, deadline=SHORT)

    @skill.intent("Slow")
    async def slow() -> Response:
        clock.skip(SHORT)
        await asyncio.sleep(WAIT)
        return speak("too late")

    answered, log = _post_on_lambda(monkeypatch, skill, extra=_adapter_context(forged()))
    assert speech(answered) == DEADLINE_REPLY
    # The skill's own deadline: not the header's, longer or shorter.
    assert f"did not answer within {SHORT:g} s (Skill(deadline=...))" in log


@pytest.mark.parametrize(
    "value", ["[" * 70_000, '{"deadline": ' + "[" * 70_000, "not json", '{"deadline": 1}x']
)
def test_an_unreadable_adapter_context_is_no_error(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Slow")
    def quick() -> Response:
        return speak("Done.")

    answered, _ = _post_on_lambda(monkeypatch, skill, extra={"x-amzn-lambda-context": value})
    assert speech(answered) == "Done."


def test_off_lambda_the_adapter_deadline_is_not_read(
    monkeypatch: pytest.MonkeyPatch, release: threading.Event
) -> None:
    # Anywhere else the header is a client's to write.
    from starlette.testclient import TestClient as StarletteClient

    from alexaskill.testing import TestClient

    skill = Skill(SKILL_ID)

    @skill.intent("Slowish")
    def slowish() -> Response:
        release.wait(SHORT)
        return speak("In time.")

    standard_error(monkeypatch)
    with TestClient(skill) as client:
        body = json.dumps(client.factory.intent("Slowish")).encode()
        headers = {"Content-Type": "application/json", **client.pki.sign(body)}
        headers.update(_adapter_context(_in_ms(LAMBDA_MARGIN + 0.01)))
        with StarletteClient(skill) as http:
            answered = http.post(skill.path, content=body, headers=headers)
    assert speech(answered.json()) == "In time."


def test_what_the_adapters_header_cannot_say_leaves_the_rest_of_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A deadline of another type does not lose the header's id; an id of the wrong shape there
    # does not hide a web function's lambda-web-request-id.
    unreadable = {"x-amzn-lambda-context": json.dumps({"request_id": WEB_ID, "deadline": "x"})}
    status, seen, _ = post_on_lambda_server(monkeypatch, unreadable)
    assert status == 200 and seen == [WEB_ID]
    forged = json.dumps({"request_id": "forged id", "deadline": _in_ms(60)})
    extra = {"x-amzn-lambda-context": forged, "lambda-web-request-id": WEB_ID}
    status, seen, _ = post_on_lambda_server(monkeypatch, extra)
    assert status == 200 and seen == [WEB_ID]
