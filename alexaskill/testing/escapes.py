"""Starlette's test client as `TestClient` uses it (`CarryingClient`): what a request lets out of
the skill's app raised as it is, and the skill's POSTs answered in one call into its portal.

A `BaseException` that is no `Exception` (a Ctrl-C, a skill's own class) let out of the
skill's app by a request, carried to the test as it is. Starlette's test client runs the app
through an anyio portal, whose event loop stops for such an exception: the next request (and
the end of the ``with`` block) said "This portal is not running" instead, and a request made
without ``with`` raised a `concurrent.futures.CancelledError` in its place. `CarryingClient`
is that test client, which raises such an exception from the call that sent the request,
unwrapped: ``client.http`` is public, and a test's ``pytest.raises`` names the skill's class.

`CarryingClient.post_whole` is the request `TestClient` sends: Starlette's transport streams a
response, at eight calls into the portal's thread a request (two events, a channel and a cancel
scope made there, the app's task, a wait for the start, one for each part of the body and one
for its end, each a trip to that thread and back); a skill's answer is read whole, so it is
sent and read in one (benchmarks/bench_test_client.py)."""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import unquote

from starlette.testclient import TestClient

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["CLIENT", "Carrying", "CarryingClient", "Escaped"]

#: The address the app sees the requests come from (Starlette's test client's default).
CLIENT: Final = ("testclient", 50000)
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


class Escaped(Exception):
    """Carries ``raised``, the `BaseException` a request let out of the app, past the portal."""

    def __init__(self, raised: BaseException) -> None:
        super().__init__(raised)
        self.raised = raised


class Carrying:
    """The skill as the ASGI app Starlette's test client calls: a `BaseException` out of a
    request goes out as `Escaped`, which the portal hands on as any `Exception`; a
    cancellation (the client's own, when it drops a request) and the lifespan's go out as
    they are."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception:
            raise
        except BaseException as exc:
            import anyio

            if scope.get("type") != "http" or isinstance(exc, anyio.get_cancelled_exc_class()):
                raise
            raise Escaped(exc) from None


class CarryingClient(TestClient):
    """Starlette's test client over `Carrying` (``app``): a `BaseException` a request lets out
    of the app is raised from the call that sent it as it was raised, not as `Escaped`."""

    def __init__(self, app: Any) -> None:
        super().__init__(Carrying(app), raise_server_exceptions=True, client=CLIENT)

    def send(self, *args: Any, **kwargs: Any) -> Any:
        """httpx's `send` (which ``request``, ``get``, ``post``, … and ``stream`` go through;
        typed loosely: Starlette's client is over ``httpx2`` where it is installed)."""
        try:
            return super().send(*args, **kwargs)
        except Escaped as carried:  # (raised below, from no `except`: no chain to `Escaped`)
            escaped = carried.raised
        raise escaped

    def post_whole(self, url: str, *, content: bytes | str, headers: Mapping[str, str]) -> Any:
        """``post(url, content=content, headers=headers)`` as Starlette's client sends it (the
        same request: its headers, the client's own and its cookies; the same scope), its
        answer read whole in one call into the portal (a `httpx.Response`, typed loosely as
        `send`). Its cookies are kept as ``post`` keeps them; a redirect is not followed (a
        skill's app makes none, and Alexa follows none). The app's error is raised as ``post``
        raises it: an `Exception` as it is, a `BaseException` unwrapped (`Carrying`); an app
        that answers nothing, Starlette's `AssertionError`."""
        request = self.build_request("POST", url, content=content, headers=headers)
        with self._portal_factory() as portal:
            # One task, its result waited for, as Starlette waits for its app's task. Left (a
            # Ctrl-C in the wait, or in the start's own), the task is cancelled, as Starlette
            # cancels a request not yet answered, and waited for if it runs.
            scope, answering = _scope(request, self.app_state), _Answering()
            try:
                answer = portal.start_task_soon(
                    self._answer_whole, scope, request.read(), answering
                )
                status, fields, body = answer.result()
            except Escaped as carried:
                escaped = carried.raised
            except BaseException:
                if portal.call(answering.drop):
                    answering.ended.wait()
                raise
            else:
                # (httpx2's where Starlette's client is over it, else httpx's; a stream, as
                # Starlette's transport answers: no content-length added)
                http = sys.modules[type(request).__module__.partition(".")[0]]
                stream = http.ByteStream(body)
                response = http.Response(status, headers=fields, stream=stream, request=request)
                response.read()
                self.cookies.extract_cookies(response)
                return response
        raise escaped

    async def _answer_whole(
        self, scope: dict[str, Any], body: bytes, answering: _Answering
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """The app's answer to the request ``scope`` with ``body``: its status, headers and
        body, checked as Starlette's transport checks the messages; cancelled by
        ``answering.drop``."""
        import anyio

        start: dict[str, Any] = {}
        parts: list[bytes] = []
        complete = anyio.Event()  # (then a second receive hears the client disconnect)
        body_taken = trailers = False

        async def receive() -> dict[str, Any]:
            nonlocal body_taken
            if not body_taken:
                body_taken = True
                return {"type": "http.request", "body": body}
            await complete.wait()
            return {"type": "http.disconnect"}

        async def send(message: Mapping[str, Any]) -> None:
            nonlocal trailers
            kind = message["type"]
            if kind == "http.response.start":
                _check(not start, 'Received multiple "http.response.start" messages.')
                start.update(status=message["status"], headers=message.get("headers", []))
                trailers = message.get("trailers", False)
            elif kind == "http.response.body":
                _check(start, 'Received "http.response.body" without "http.response.start".')
                _check(
                    not complete.is_set(), 'Received "http.response.body" after response completed.'
                )
                parts.append(bytes(message.get("body", b"")))
                if not message.get("more_body", False) and not trailers:
                    complete.set()
            elif kind == "http.response.trailers":
                _check(trailers, 'Received "http.response.trailers" without declaring trailers.')
                if not message.get("more_trailers", False):
                    complete.set()

        if answering.dropped:  # (before the task started: no app called)
            raise AssertionError("TestClient dropped the request before it was sent.")
        try:
            with anyio.CancelScope() as answering.scope:
                try:
                    await self.app(scope, receive, send)
                finally:
                    complete.set()  # (a task of the app's still receiving hears the disconnect)
        finally:
            answering.ended.set()
        # (dropped, the caller raises its own interruption, not this)
        _check(start, "TestClient did not receive any response.")
        return start["status"], start["headers"], b"".join(parts)


def _check(holds: object, broken: str) -> None:
    """Starlette's transport's check of an app's messages (an assert there): raised here
    whatever Python's -O, with its words."""
    if not holds:
        raise AssertionError(broken)


class _Answering:
    """A request's task in the portal, which the thread that stopped waiting for it drops."""

    def __init__(self) -> None:
        self.scope: Any = None  # (its cancel scope, once it runs)
        self.dropped = False
        #: Set as the task ends, once it has run.
        self.ended = threading.Event()

    def drop(self) -> bool:
        """Cancel the task (called in the portal's thread): whether it runs, to be waited for
        (`ended`); one not started yet ends at its start, calling no app."""
        self.dropped = True
        if self.scope is None:
            return False
        self.scope.cancel()
        return True


def _scope(request: Any, state: dict[str, Any]) -> dict[str, Any]:
    """The ASGI scope Starlette's transport makes of an HTTP ``request`` (httpx's or httpx2's)
    for an app whose lifespan ``state`` it is."""
    url = request.url
    headers = [
        (key.lower().encode(), value.encode()) for key, value in request.headers.multi_items()
    ]
    if "host" not in request.headers:  # (httpx always sets it: as Starlette's, in case)
        headers.insert(0, (b"host", url.netloc))
    return {
        "type": "http",
        "http_version": "1.1",
        "method": request.method,
        "path": unquote(url.path),
        "raw_path": url.raw_path.split(b"?", 1)[0],
        "root_path": "",
        "scheme": url.scheme,
        "query_string": url.query,
        "headers": headers,
        "client": CLIENT,
        "server": [url.raw_host.decode("ascii"), url.port or _DEFAULT_PORTS[url.scheme]],
        "extensions": {"http.response.debug": {}, "http.response.trailers": {}},
        "state": state.copy(),
    }
