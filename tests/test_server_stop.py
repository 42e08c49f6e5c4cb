"""The server's stop signal, seen by alexaskill's handler in front of the server's
(`alexaskill.server_stop`), and a request its shutdown cancels: answered, it ends there (the
cancellation raised to uvicorn was its traceback); its answer cut as it was sent, one line. The
real servers: tests/test_lambda_sigterm.py, tests/test_serve_uvicorn.py."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import pytest

from alexaskill import Skill
from alexaskill.app import DEADLINE_REPLY
from alexaskill.cancellations import CANCELLED_UNVERIFIED, CANCELLED_WARNING
from alexaskill.server_stop import UVICORN_SHUTDOWN

from . import cancelled_shared, deadline_shared
from .app_shared import post_scope
from .cancelled_shared import ended, hanging_skill, post_and_cancel, stopped
from .conftest import SKILL_ID

# At the oldest dependencies too, as tests/test_server.py: the endpoint ends the same under them.
pytestmark = pytest.mark.oldest_dependencies


# The fixtures of tests/cancelled_shared.py (the stop's record, uvicorn's handlers in place).
record = cancelled_shared.record
uvicorns = cancelled_shared.uvicorns
_SIGNALS = cancelled_shared.SIGNALS


@pytest.mark.parametrize("signum", _SIGNALS, ids=["SIGTERM", "SIGINT"])
def test_the_servers_stop_signal_is_noted_and_passed_on(
    record: list[Any], uvicorns: Any, signum: int
) -> None:
    from alexaskill.server_stop import hook_stop, stopped_by

    said: list[int] = []
    servers = {s: signal.getsignal(s) for s in _SIGNALS}
    unhook = hook_stop(said.append)
    assert unhook is not None
    assert stopped_by() == ""
    signal.raise_signal(signum)
    assert (uvicorns.should_exit, said) == (True, [signum])
    assert stopped_by() == signal.Signals(signum).name
    unhook()
    assert {s: signal.getsignal(s) for s in _SIGNALS} == servers
    # Still noted (uvicorn runs the lifespan's shutdown as the requests it cancelled end).
    assert stopped_by() == signal.Signals(signum).name


@pytest.mark.parametrize("signum", _SIGNALS, ids=["SIGTERM", "SIGINT"])
def test_a_handler_of_another_than_uvicorn_is_left_as_it_was_set(
    record: list[Any], uvicorns: Any, signum: int
) -> None:
    # Only uvicorn's own handler, each signal's: one set by the process of its own (a Lambda
    # function's, behind Mangum, for SIGTERM; an application's) saw alexaskill's in its place.
    from alexaskill.server_stop import hook_stop, stopped_by

    def owns(signum: int, frame: object) -> None:
        """A handler of the process's own."""

    signal.signal(signum, owns)
    (other,) = set(_SIGNALS) - {signum}
    unhook = hook_stop()
    assert unhook is not None  # (the other signal's, uvicorn's)
    try:
        assert signal.getsignal(signum) is owns
        assert signal.getsignal(other) != uvicorns.handle_exit
    finally:
        unhook()
    signal.signal(other, owns)
    assert hook_stop() is None
    assert signal.getsignal(signum) is owns and signal.getsignal(other) is owns
    assert stopped_by() == ""


def test_uvicorns_server_is_found_behind_two_hooks_each_passing_the_signal_on(
    record: list[Any], uvicorns: Any
) -> None:
    # Two skills' lifespans in one process (mounted apps): the second finds uvicorn's server
    # behind the first's hook (its __wrapped__), for SIGINT as for SIGTERM, and chains to it.
    from alexaskill.asgi_start import uvicorn_server
    from alexaskill.server_stop import hook_stop, uvicorn_server_of

    said: list[tuple[str, int]] = []
    first = hook_stop(lambda signum: said.append(("first", signum)))
    second = hook_stop(lambda signum: said.append(("second", signum)))
    assert first is not None and second is not None
    assert uvicorn_server() is uvicorns
    assert uvicorn_server_of(signal.getsignal(signal.SIGINT)) is uvicorns
    signal.raise_signal(signal.SIGINT)
    assert said == [("second", signal.SIGINT), ("first", signal.SIGINT)]
    assert uvicorns.should_exit
    second()
    first()
    assert all(signal.getsignal(s) == uvicorns.handle_exit for s in _SIGNALS)


def test_no_hook_over_pythons_own_sigint_nor_a_default_sigterm(record: list[Any]) -> None:
    # Python's SIGINT handler raises KeyboardInterrupt, no server's stop; and a handler in front
    # of it would hide the Ctrl-C that `handler_bugs` reads by it.
    from alexaskill.handler_bugs import _ctrl_c_possible
    from alexaskill.server_stop import hook_stop

    before = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    sigint = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        assert hook_stop() is None
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        assert _ctrl_c_possible()
    finally:
        signal.signal(signal.SIGTERM, before)
        signal.signal(signal.SIGINT, sigint)


@pytest.mark.parametrize("text", [UVICORN_SHUTDOWN, None], ids=["uvicorn's", "a caller's"])
def test_a_request_the_shutdown_cancels_ends_answered(
    record: list[Any], uvicorns: Any, caplog: pytest.LogCaptureFixture, text: str | None
) -> None:
    # Raised again after the apology was sent, the cancellation reached uvicorn, which logged
    # "Exception in ASGI application" and its traceback: nobody waits on it to see it cancelled
    # (uvicorn cancels past its graceful timeout and goes on). Without the stop signal, it goes
    # on still (tests/test_cancelled_answer.py: a caller's timeout waits to see it); so does a
    # caller's own as the server stops, whose WARNING blamed the shutdown all the same.

    async def run() -> tuple[list[MutableMapping[str, Any]], BaseException | None]:
        stopped(signal.SIGTERM)  # (the server of this loop, as uvicorn stops)
        skill, running = hanging_skill()
        post, sent = deadline_shared.signed_hello(skill)
        task = asyncio.create_task(post())
        await asyncio.wait_for(running.wait(), 30)
        task.cancel(text)  # (uvicorn's past its graceful timeout, or a caller's own)
        return await ended(task, sent)

    with caplog.at_level(logging.WARNING, "alexaskill"):
        sent, raised = asyncio.run(run())
    if text is None:
        assert isinstance(raised, asyncio.CancelledError)
        assert "SIGTERM" not in caplog.text, caplog.text
    else:
        assert raised is None
        assert "(the server shutting down (SIGTERM), past its" in caplog.text, caplog.text
    assert sent[0]["status"] == 200
    assert json.loads(sent[1]["body"])["response"]["outputSpeech"]["text"] == DEADLINE_REPLY


@pytest.mark.parametrize("text", [UVICORN_SHUTDOWN, None], ids=["uvicorn's", "a caller's"])
def test_a_request_the_shutdown_cancels_as_its_body_comes_ends_answered_503(
    record: list[Any], uvicorns: Any, caplog: pytest.LogCaptureFixture, text: str | None
) -> None:
    # Its 503 sent, the cancellation was raised on to uvicorn too (its traceback); and its
    # WARNING asked "(the server shutting down, past its --timeout-graceful-shutdown?)". A
    # caller's own cancellation as the server stops (no uvicorn's text) goes on after the 503,
    # and its WARNING blamed the shutdown all the same.

    async def run() -> tuple[list[MutableMapping[str, Any]], BaseException | None]:
        stopped(signal.SIGINT)  # (the server of this loop, as uvicorn stops)
        skill = Skill(SKILL_ID, deadline=None)
        sent: list[MutableMapping[str, Any]] = []
        waiting = asyncio.Event()

        async def receive() -> dict[str, Any]:
            waiting.set()
            await asyncio.Event().wait()  # the body never comes
            raise AssertionError("never reached")

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        scope = post_scope([(b"content-type", b"application/json")])
        task = asyncio.create_task(skill(scope, receive, send))
        await asyncio.wait_for(waiting.wait(), 30)
        task.cancel(text)  # (uvicorn's past its graceful timeout, or a caller's own)
        return await ended(task, sent)

    with caplog.at_level(logging.WARNING, "alexaskill"):
        sent, raised = asyncio.run(run())
    assert sent[0]["status"] == 503
    if text is None:
        assert isinstance(raised, asyncio.CancelledError)
        assert sent[1]["body"] == CANCELLED_UNVERIFIED
        assert CANCELLED_WARNING in caplog.text, caplog.text
        assert "SIGINT" not in caplog.text, caplog.text
        return
    assert raised is None
    assert json.loads(sent[1]["body"]) == {
        "error": "request cancelled before its signature was checked"
    }
    assert (
        "a request was cancelled before its signature was checked (the server shutting down "
        "(SIGINT), past its --timeout-graceful-shutdown): answered HTTP 503"
    ) in caplog.text, caplog.text


def test_an_answer_the_shutdown_cuts_as_it_is_sent_is_said_in_one_line(
    record: list[Any], uvicorns: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # The answer's sending held up (its client reads nothing, the server's writes held) when the
    # shutdown cancels again: the request goes unanswered, said in one WARNING, no traceback.

    async def run() -> BaseException | None:
        stopped(signal.SIGTERM)  # (the server of this loop, as uvicorn stops)
        skill, running = hanging_skill()
        held, _, sending = _held_send()
        post, _ = deadline_shared.signed_hello(skill, held)
        task = asyncio.create_task(post())
        await asyncio.wait_for(running.wait(), 30)
        task.cancel(UVICORN_SHUTDOWN)  # (uvicorn's, past its graceful timeout)
        await asyncio.wait_for(sending.wait(), 30)
        task.cancel(UVICORN_SHUTDOWN)  # (uvicorn's, past its graceful timeout)
        return (await ended(task, []))[1]

    with caplog.at_level(logging.WARNING, "alexaskill"):
        raised = asyncio.run(run())
    assert raised is None
    _said_unanswered_in_one_line(caplog)


def _held_send() -> tuple[
    Callable[[MutableMapping[str, Any]], Awaitable[None]],
    list[MutableMapping[str, Any]],
    asyncio.Event,
]:
    """An ASGI send whose client reads nothing: it notes the message, sets the event, then waits
    for ever (for the shutdown's cancellation). The send, what it noted, and the event."""
    started: list[MutableMapping[str, Any]] = []
    sending = asyncio.Event()

    async def held(message: MutableMapping[str, Any]) -> None:
        started.append(message)
        sending.set()
        await asyncio.Event().wait()  # the client reads nothing

    return held, started, sending


def _said_unanswered_in_one_line(caplog: pytest.LogCaptureFixture) -> None:
    """Fail unless the shutdown's cancellation of a held send was said in one WARNING line, and
    nothing logged a traceback."""
    unsent = [r for r in caplog.records if "cancelled the sending of an answer" in r.message]
    assert [r.getMessage() for r in unsent] == [
        "the server shutting down (SIGTERM) cancelled the sending of an answer, held up by its "
        "client reading nothing: the request goes unanswered"
    ]
    assert all(r.exc_info is None for r in caplog.records)


def test_a_stop_a_server_saw_before_is_not_taken_for_a_later_loops(
    record: list[Any], uvicorns: Any
) -> None:
    # The record was the process's: once a server (its loop) had stopped on a signal, a request
    # answered on another loop after it (uvicorn run again with no lifespan, a TestClient's, a
    # test's) whose caller's timeout cancelled it ended as the shutdown's, its cancellation
    # not raised to the caller that waits to see it, and said as the server's.
    from alexaskill.server_stop import hook_stop, stopped_by

    async def serve_and_stop() -> str:
        unhook = hook_stop()
        assert unhook is not None
        signal.raise_signal(signal.SIGTERM)
        unhook()
        return stopped_by()

    assert asyncio.run(serve_and_stop()) == "SIGTERM"
    assert uvicorns.should_exit
    skill, running = hanging_skill()

    async def later() -> tuple[str, BaseException | None]:
        _, raised = await post_and_cancel(skill, running)
        return stopped_by(), raised

    stopped, raised = asyncio.run(later())
    assert stopped == ""
    assert isinstance(raised, asyncio.CancelledError)


def test_a_lifespan_that_puts_no_hook_keeps_the_stop_its_server_saw(
    record: list[Any], uvicorns: Any
) -> None:
    # The record was cleared as each lifespan on the main thread started, hook put or not: one
    # started on the stopping server's loop with no uvicorn handler in place (a second app's)
    # wiped the noted stop, and the requests the shutdown then cancelled were said the skill's.
    from alexaskill.server_stop import hook_stop, stopped_by

    async def run() -> str:
        stopped(signal.SIGTERM)  # (the server of this loop, as uvicorn stops)
        before = {s: signal.signal(s, signal.SIG_DFL) for s in _SIGNALS}
        try:
            assert hook_stop() is None  # (no uvicorn handler now: nothing put)
        finally:
            for signum, handler in before.items():
                signal.signal(signum, handler)
        return stopped_by()

    assert asyncio.run(run()) == "SIGTERM"


def test_a_hook_put_for_another_loop_keeps_the_stop_a_server_saw(
    record: list[Any], uvicorns: Any
) -> None:
    # A server's stop is its loop's: a hook put for another loop's server (its lifespan started
    # as the first's requests still end) wiped the first's, and its cancelled requests with it.
    from alexaskill.server_stop import hook_stop, stopped_by

    other = asyncio.new_event_loop()
    try:

        async def run() -> tuple[str, str]:
            stopped(signal.SIGTERM)  # (the server of this loop, as uvicorn stops)
            unhook = hook_stop(loop=other)
            assert unhook is not None
            unhook()
            return stopped_by(), await asyncio.to_thread(other.run_until_complete, _asked())

        assert asyncio.run(run()) == ("SIGTERM", "")
    finally:
        other.close()


async def _asked() -> str:
    from alexaskill.server_stop import stopped_by

    return stopped_by()


def test_a_callers_timeout_in_the_app_is_its_own_while_the_server_stops(
    record: list[Any], uvicorns: Any
) -> None:
    # Once the stop signal was seen, every cancellation on the loop was taken for the shutdown's:
    # a middleware's timeout around the skill (asyncio.timeout, wait_for) had its cancellation
    # swallowed, so it returned as if in time, no TimeoutError. Only uvicorn's own (by its text,
    # `_shutdown_cancels`) ends there.
    skill, running = hanging_skill()
    post, sent = deadline_shared.signed_hello(skill)

    async def run() -> BaseException | None:
        stopped(signal.SIGTERM)  # (the server of this loop, as uvicorn stops)

        async def middleware() -> None:
            async with asyncio.timeout(None) as deadline:
                waiter = asyncio.ensure_future(running.wait())
                waiter.add_done_callback(lambda _: deadline.reschedule(-1))
                await post()

        try:
            await middleware()
        except TimeoutError as exc:
            return exc
        return None

    assert isinstance(asyncio.run(run()), TimeoutError)
    assert sent[0]["status"] == 200  # (answered all the same)


def test_an_anyio_scopes_cancel_in_the_app_is_its_own_while_the_server_stops(
    record: list[Any], uvicorns: Any
) -> None:
    # As a timeout's: the scope's cancellation, taken for the shutdown's, ended with the answer,
    # and the scope never saw it caught (a fail_after returned as if in time).
    import anyio

    skill, running = hanging_skill()
    post, sent = deadline_shared.signed_hello(skill)

    async def run() -> bool:
        stopped(signal.SIGTERM)  # (the server of this loop, as uvicorn stops)
        with anyio.CancelScope() as scope:
            waiter = asyncio.ensure_future(running.wait())
            waiter.add_done_callback(lambda _: scope.cancel())
            await post()
        return scope.cancelled_caught

    assert asyncio.run(run())
    assert sent[0]["status"] == 200  # (answered all the same)


@pytest.mark.parametrize(
    ("method", "headers", "status", "whole"),
    [
        ("GET", [], 405, False),
        ("POST", [(b"content-type", b"text/plain")], 415, False),
        (
            "POST",
            [(b"content-type", b"application/json"), (b"content-length", b"9" * 12)],
            413,
            False,
        ),
        ("POST", [(b"content-type", b"text/plain")], 415, True),
    ],
    ids=["405", "415", "413", "415-whole"],
)
def test_a_refusal_the_shutdown_cuts_as_it_is_sent_is_said_in_one_line(
    record: list[Any],
    uvicorns: Any,
    caplog: pytest.LogCaptureFixture,
    method: str,
    headers: list[tuple[bytes, bytes]],
    status: int,
    whole: bool,
) -> None:
    # The endpoint's own refusals (`_send`: a 405, 415, 413, and those of `answer_whole`,
    # alexaskill's server's) lacked the answered path's guard: their sending held up by a
    # client reading nothing when the shutdown's grace ran out, the cancellation went up to
    # uvicorn, its "Exception in ASGI application" and traceback. One WARNING, as an answer's.

    async def run() -> tuple[list[MutableMapping[str, Any]], BaseException | None]:
        stopped(signal.SIGTERM)  # (the server of this loop, as uvicorn stops)
        skill = Skill(SKILL_ID, deadline=None)
        held, started, sending = _held_send()

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"{}", "more_body": False}

        scope = {**post_scope(headers), "method": method}
        if whole:
            task = asyncio.ensure_future(skill._endpoint.answer_whole(scope, b"{}", held))
        else:
            task = asyncio.ensure_future(skill(scope, receive, held))
        await asyncio.wait_for(sending.wait(), 30)
        task.cancel(UVICORN_SHUTDOWN)  # (uvicorn's, past its graceful timeout)
        return await ended(task, started)

    with caplog.at_level(logging.WARNING, "alexaskill"):
        started, raised = asyncio.run(run())
    assert [message["status"] for message in started] == [status]
    assert raised is None
    _said_unanswered_in_one_line(caplog)
