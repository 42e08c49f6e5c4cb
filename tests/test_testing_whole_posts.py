"""`CarryingClient.post_whole`, the POST `TestClient` sends: one call into Starlette's portal a
request, and otherwise what Starlette's own transport makes of it (scope, answer, errors)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any

import anyio
import anyio.from_thread
import pytest

from alexaskill.testing import TestClient
from alexaskill.testing.escapes import CarryingClient
from examples.weather.app import skill as weather

pytestmark = pytest.mark.oldest_dependencies

Scope = dict[str, Any]
App = Callable[[Scope, Any, Any], Any]
BODY = b'{"version": "1.0"}'
HEADERS = {"Content-Type": "application/json", "Signature-256": "c2ln"}


class _Own(BaseException):
    """A skill's own `BaseException`, not an `Exception`."""


def _client(app: App) -> CarryingClient:
    """Starlette's client as `TestClient` makes it, over ``app`` with a lifespan that starts."""

    async def served(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            for said in ("startup", "shutdown"):
                await receive()
                await send({"type": f"lifespan.{said}.complete"})
            return
        await app(scope, receive, send)

    return CarryingClient(served)


def _answering(*parts: bytes, headers: list[tuple[bytes, bytes]] | None = None) -> App:
    async def app(scope: Scope, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": headers or []})
        for index, part in enumerate(parts):
            more = index + 1 < len(parts)
            await send({"type": "http.response.body", "body": part, "more_body": more})

    return app


@pytest.fixture
def calls_into_portals(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the portal methods the test's requests called (each a trip to its thread)."""
    called: list[str] = []
    portal = anyio.from_thread.BlockingPortal
    for name in ("call", "start_task_soon"):
        method = getattr(portal, name)

        def counted(
            self: Any, *args: Any, _method: Any = method, _name: str = name, **kwargs: Any
        ) -> Any:
            called.append(_name)
            return _method(self, *args, **kwargs)

        monkeypatch.setattr(portal, name, counted)
    yield called


def test_a_test_clients_request_is_one_call_into_its_portal(
    calls_into_portals: list[str],
) -> None:
    # Starlette's transport made eight a request (two events, a channel and a cancel scope,
    # the app's task, the waits for its start, the body and its end): about 2.2 ms of CPU a
    # request of ~6.9 (benchmarks/bench_test_client.py).
    with TestClient(weather) as client:
        client.launch()
        calls_into_portals.clear()
        for _ in range(3):
            assert "Welcome to Weather" in str(client.launch().speech)
        assert calls_into_portals == ["start_task_soon"] * 3


def test_the_app_sees_the_scope_starlettes_transport_makes() -> None:
    seen: list[Scope] = []

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        seen.append(scope)
        await _answering(b"{}")(scope, receive, send)

    with _client(app) as http:
        http.app_state["kept"] = 1  # (the lifespan's state: each request gets a copy)
        http.post("/alexa/en?x=1", content=BODY, headers=HEADERS)
        http.post_whole("/alexa/en?x=1", content=BODY, headers=HEADERS)
    assert len(seen) == 2
    assert seen[1] == seen[0]
    assert seen[1]["state"] == {"kept": 1} and seen[1]["state"] is not http.app_state
    assert (b"signature-256", b"c2ln") in seen[1]["headers"]


@pytest.mark.parametrize(
    "parts", [(b'{"a": 1}',), (b'{"a"', b"", b": 1}")], ids=["one part", "three parts"]
)
def test_the_answer_is_read_whole(parts: tuple[bytes, ...]) -> None:
    app = _answering(*parts, headers=[(b"content-type", b"application/json")])
    with _client(app) as http:
        whole = http.post_whole("/", content=BODY, headers=HEADERS)
        streamed = http.post("/", content=BODY, headers=HEADERS)
    assert (whole.status_code, whole.content) == (200, b'{"a": 1}')
    assert whole.headers == streamed.headers
    assert whole.request.content == BODY


def test_its_cookies_are_kept_as_posts_are() -> None:
    app = _answering(b"{}", headers=[(b"set-cookie", b"seen=1; Path=/")])
    with _client(app) as http:
        http.post_whole("/", content=BODY, headers=HEADERS)
        assert http.cookies.get("seen") == "1"


def test_a_second_receive_hears_the_disconnect_once_answered() -> None:
    heard: list[str] = []

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        await receive()

        async def listen() -> None:
            heard.append((await receive())["type"])

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(listen)
            await anyio.sleep(0.01)
            assert heard == []  # (not before the answer is whole)
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"{", "more_body": True})
            await anyio.sleep(0.01)
            assert heard == []
            await send({"type": "http.response.body", "body": b"}"})

    with _client(app) as http:
        assert http.post_whole("/", content=BODY, headers=HEADERS).content == b"{}"
    assert heard == ["http.disconnect"]


class _Failing:
    """An app whose first two requests raise ``error`` (``after_answer``: once answered)."""

    def __init__(self, error: BaseException, *, after_answer: bool) -> None:
        self.error, self.after_answer, self.failures = error, after_answer, 2

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if self.after_answer or not self.failures:
            await _answering(b"{}")(scope, receive, send)
        if self.failures:
            self.failures -= 1
            raise self.error


@pytest.mark.parametrize("after_answer", [False, True], ids=["before", "after the answer"])
@pytest.mark.parametrize("error", [ValueError("the app's"), _Own("its own")], ids=repr)
def test_the_apps_error_is_raised_as_it_is(error: BaseException, after_answer: bool) -> None:
    with _client(_Failing(error, after_answer=after_answer)) as http:
        for post in (http.post, http.post_whole):
            with pytest.raises(type(error)) as raised:
                post("/", content=BODY, headers=HEADERS)
            assert raised.value is error
        # The portal still runs: the next request is answered.
        assert http.post_whole("/", content=BODY, headers=HEADERS).content == b"{}"


async def _silent(scope: Scope, receive: Any, send: Any) -> None:
    await receive()


@pytest.mark.parametrize(
    ("app", "said"),
    [
        (_silent, "TestClient did not receive any response."),
        (_answering(b"{}", b"late"), None),
    ],
    ids=["no answer", "body after its end"],
)
def test_an_app_that_breaks_asgi_is_told_as_starlette_tells_it(app: App, said: str | None) -> None:
    async def broken(scope: Scope, receive: Any, send: Any) -> None:
        if said is None:  # (a last part sent twice)
            await receive()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"{}"})
            await send({"type": "http.response.body", "body": b"late"})
            return
        await app(scope, receive, send)

    with _client(broken) as http, pytest.raises(AssertionError) as raised:
        http.post_whole("/", content=BODY, headers=HEADERS)
    expected = said or 'Received "http.response.body" after response completed.'
    assert str(raised.value) == expected


def test_without_with_each_request_has_a_portal_of_its_own() -> None:
    http = _client(_answering(b"{}"))
    assert http.post_whole("/", content=BODY, headers=HEADERS).content == b"{}"
    assert http.portal is None


def test_a_ctrl_c_in_the_wait_cancels_the_request(monkeypatch: pytest.MonkeyPatch) -> None:
    # As Starlette's client cancels a request it stops waiting for: the app's task does not
    # run on in the portal, where the client's close would wait for it (for ever: here 20 s).
    started, ended, cancelled = threading.Event(), threading.Event(), threading.Event()

    async def hanging(scope: Scope, receive: Any, send: Any) -> None:
        if started.is_set():  # (the next request: answered)
            await _answering(b"{}")(scope, receive, send)
            return
        started.set()
        try:
            await anyio.sleep(20)
        except anyio.get_cancelled_exc_class():
            cancelled.set()
            raise
        finally:
            ended.set()

    # The Ctrl-C lands in the test's wait for the answer, once the app runs (the first wait:
    # the portal's own calls after it wait as they would).
    result = Future.result

    def interrupted(self: Future[Any], timeout: float | None = None) -> Any:
        monkeypatch.setattr(Future, "result", result)
        assert started.wait(10)
        raise KeyboardInterrupt

    with _client(hanging) as http:
        monkeypatch.setattr(Future, "result", interrupted)
        with pytest.raises(KeyboardInterrupt):
            http.post_whole("/", content=BODY, headers=HEADERS)
        assert ended.is_set() and cancelled.is_set()
        assert http.post_whole("/", content=BODY, headers=HEADERS).content == b"{}"


def test_the_benchmark_compares_both_ways_of_sending(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import bench_test_client

    bench_test_client.main(["--requests", "2", "--rounds", "1"])
    said = capsys.readouterr().out
    for line in (
        "one call into the portal:",
        "through Starlette's transport:",
        "signatures alone:",
    ):
        assert line in said
    assert "Starlette's / one call: " in said and "without the signatures: " in said
