"""A request whose task is cancelled from outside while its signature is being checked (its
certificate chain downloading; uvicorn's shutdown past ``--timeout-graceful-shutdown``, say) is
answered a short JSON 503, as a raw ASGI call, and stays cancelled: not the server's HTTP 500 and
traceback (tests/test_cancelled_answer.py has the same for a request cancelled in its handler)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import MutableMapping
from typing import Any

import pytest

from alexaskill import Skill, speak
from alexaskill.testing import RequestFactory, TestPKI

from . import log_lambda_shared
from .app_shared import post_scope
from .conftest import SKILL_ID

# Logging put back after each test (autouse), the one built in a Lambda environment's too: the
# app sets a level on "alexaskill" there, which later modules' Lambda log lines would miss.
restore_logging = log_lambda_shared.restore_logging


async def _post_cancelled_while_verifying(
    *, whole: bool
) -> tuple[list[MutableMapping[str, Any]], BaseException | None, list[str]]:
    """POST a signed Hello whose chain download waits for ever, cancel the request's task once
    the download began: what it sent, what it raised, and the handler's calls (none)."""
    skill = Skill(SKILL_ID, deadline=None)
    pki = TestPKI.default()
    downloading = asyncio.Event()

    async def fetch_chain(url: str) -> bytes:
        downloading.set()
        await asyncio.Event().wait()
        raise AssertionError("never reached")

    skill.verifier = pki.verifier(fetch_chain=fetch_chain)
    called: list[str] = []

    @skill.intent("Hello")
    def hello() -> Any:
        called.append("Hello")
        return speak("hello")

    post = _SignedPost(pki)
    if whole:  # alexaskill's own server: the endpoint without ASGI's receive
        call = skill._endpoint.answer_whole(post_scope(post.headers), post.body, post.send)
    else:
        call = skill(post_scope(post.headers), post.receive, post.send)
    task = asyncio.ensure_future(call)
    await asyncio.wait_for(downloading.wait(), 30)
    task.cancel()
    try:
        await asyncio.wait_for(asyncio.shield(task), 30)
    except asyncio.CancelledError as exc:
        return post.sent, exc, called
    return post.sent, None, called


@pytest.mark.parametrize("whole", [False, True], ids=["asgi", "whole_body"])
def test_a_request_cancelled_while_its_signature_is_checked_is_answered_503(
    whole: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    sent, raised, called = asyncio.run(_post_cancelled_while_verifying(whole=whole))
    assert [message["type"] for message in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 503
    reason = json.loads(sent[1]["body"])["error"]
    assert "cancelled" in reason
    assert len(reason) <= 200
    # Unverified: never handled. Still cancelled, for whoever cancelled it (a server's shutdown).
    assert called == []
    assert isinstance(raised, asyncio.CancelledError)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert "cancelled before its signature was checked" in caplog.text


def test_in_lambda_a_request_cancelled_while_its_signature_is_checked_blames_no_shutdown(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The skill's ASGI app in AWS Lambda (behind Mangum, the Lambda Web Adapter): the 503's
    # reason and the WARNING said "the server shutting down", though none shuts down there while
    # an invocation lasts; they say what cancels there, as a request cancelled in its handler.
    from alexaskill.handler_bugs import LAMBDA_WEB_CANCELLER

    log_lambda_shared.on_lambda_runtime(monkeypatch)
    caplog.set_level(logging.INFO)
    sent, raised, called = asyncio.run(_post_cancelled_while_verifying(whole=False))
    assert (sent[0]["status"], called) == (503, [])
    assert isinstance(raised, asyncio.CancelledError)
    reason = json.loads(sent[1]["body"])["error"]
    assert reason == "request cancelled before its signature was checked", reason
    assert f"before its signature was checked (by {LAMBDA_WEB_CANCELLER})" in caplog.text
    assert "shutting down" not in caplog.text, caplog.text


def test_a_fetch_chain_that_lets_a_stray_cancellation_out_is_a_failed_download() -> None:
    # A fetch_chain awaiting a task cancelled elsewhere let CancelledError out: the request was
    # not being cancelled, yet the server answered HTTP 500 (the CancelledError went on).
    skill = Skill(SKILL_ID, deadline=None)
    pki = TestPKI.default()
    calls: list[str] = []

    async def fetch_chain(url: str) -> bytes:
        calls.append(url)
        task = asyncio.ensure_future(asyncio.sleep(60))
        task.cancel()
        await task
        raise AssertionError("never reached")

    skill.verifier = pki.verifier(fetch_chain=fetch_chain)
    # The failure is remembered 2 s: a clock that stands still, so that a loaded CI stalling
    # between the two requests does not see it forgotten (and fetched again).
    skill.verifier._downloads._clock = lambda: 0.0

    @skill.intent("Hello")
    def hello() -> Any:
        return speak("hello")

    async def post() -> tuple[int, str]:
        sent = _SignedPost(pki)
        await skill(post_scope(sent.headers), sent.receive, sent.send)
        return sent.sent[0]["status"], json.loads(sent.sent[1]["body"])["error"]

    async def twice() -> list[tuple[int, str]]:
        return [await post(), await post()]

    first, again = asyncio.run(twice())
    assert first == (400, "certificate chain: download failed")
    # Remembered as a failure that may pass, as any other failed download: not fetched again.
    assert again[0] == 400
    assert again[1].startswith("certificate chain: download failed")
    assert len(calls) == 1


def test_requests_cancelled_while_verifying_are_warned_of_once_a_while(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Unverified requests may be forged ones, any number of them under way at shutdown: one
    # WARNING each was a flood (refusals are said once a kind every 10 s, their count after).
    skill = Skill(SKILL_ID, deadline=None)
    pki = TestPKI.default()
    urls: list[str] = []
    all_under_way = asyncio.Event()

    async def fetch_chain(url: str) -> bytes:
        urls.append(url)
        if len(urls) == 3:
            all_under_way.set()
        await asyncio.Event().wait()
        raise AssertionError("never reached")

    skill.verifier = pki.verifier(fetch_chain=fetch_chain)
    sent: list[MutableMapping[str, Any]] = []

    async def scenario() -> None:
        tasks = []
        for name in ("a", "b", "c"):  # three URLs: three downloads under way
            post = _SignedPost(pki, f"https://s3.amazonaws.com/echo.api/{name}.pem", sent)
            call = skill(post_scope(post.headers), post.receive, post.send)
            tasks.append(asyncio.ensure_future(call))
        await asyncio.wait_for(all_under_way.wait(), 30)
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks, timeout=30)
        assert all(task.cancelled() for task in tasks)

    caplog.set_level(logging.WARNING, logger="alexaskill")
    asyncio.run(scenario())
    assert [message["status"] for message in sent if "status" in message] == [503] * 3
    said = [r for r in caplog.records if "cancelled before its signature" in r.getMessage()]
    assert len(said) == 1


def test_a_verifiers_stray_cancellation_is_not_answered_as_the_requests_cancellation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A verifier of one's own whose chain() awaits a task cancelled elsewhere lets CancelledError
    # out while the request's task is not being cancelled: its bug, raised as it came, not the
    # 503 and WARNING of a request cancelled from outside (a server's shutdown). Only the
    # request's own task being cancelled makes that answer.
    from alexaskill.verify import Verifier

    pki = TestPKI.default()

    class Stray(Verifier):
        async def chain(self, url: str) -> Any:
            task = asyncio.ensure_future(asyncio.sleep(60))
            task.cancel()
            await task
            raise AssertionError("never reached")

    skill = Skill(SKILL_ID, deadline=None)
    skill.verifier = Stray([pki.root])
    sent = _SignedPost(pki)
    scope = post_scope(sent.headers)

    async def post(whole: bool) -> tuple[bool, int]:
        if whole:
            call = skill._endpoint.answer_whole(scope, sent.body, sent.send)
        else:
            call = skill(scope, sent.receive, sent.send)
        try:
            await call
        except asyncio.CancelledError:
            task = asyncio.current_task()
            assert task is not None
            return True, task.cancelling()
        return False, 0

    async def both() -> list[tuple[bool, int]]:
        return [await post(whole=False), await post(whole=True)]

    caplog.set_level(logging.WARNING, logger="alexaskill")
    assert asyncio.run(both()) == [(True, 0), (True, 0)]  # raised, the task not cancelled
    assert sent.sent == []  # no 503
    assert "cancelled before its signature" not in caplog.text


class _SignedPost:
    """A Hello signed by ``pki`` (its chain at ``cert_url``), as ASGI's ``receive`` gives it,
    and what the app sent to ``send`` (into ``sent``, if given)."""

    def __init__(
        self,
        pki: TestPKI,
        cert_url: str | None = None,
        sent: list[MutableMapping[str, Any]] | None = None,
    ) -> None:
        self.body = json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Hello")).encode()
        signed = pki.sign(self.body, cert_url=cert_url)
        self.headers = [(b"content-type", b"application/json")]
        self.headers += [(name.lower().encode(), value.encode()) for name, value in signed.items()]
        self.sent: list[MutableMapping[str, Any]] = [] if sent is None else sent

    async def receive(self) -> dict[str, Any]:
        return {"type": "http.request", "body": self.body, "more_body": False}

    async def send(self, message: MutableMapping[str, Any]) -> None:
        self.sent.append(message)
