"""A `BaseException` that is no `Exception` (a Ctrl-C, a skill's own class) let out of the
skill's app by a request, carried to the test as it is. Starlette's test client runs the app
through an anyio portal, whose event loop stops for such an exception: the next request (and
the end of the ``with`` block) said "This portal is not running" instead, and a request made
without ``with`` raised a `concurrent.futures.CancelledError` in its place. `CarryingClient`
is that test client, which raises such an exception from the call that sent the request,
unwrapped: ``client.http`` is public, and a test's ``pytest.raises`` names the skill's class."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

__all__ = ["Carrying", "CarryingClient", "Escaped"]


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
        super().__init__(Carrying(app), raise_server_exceptions=True)

    def send(self, *args: Any, **kwargs: Any) -> Any:
        """httpx's `send` (which ``request``, ``get``, ``post``, … and ``stream`` go through;
        typed loosely: Starlette's client is over ``httpx2`` where it is installed)."""
        try:
            return super().send(*args, **kwargs)
        except Escaped as carried:  # (raised below, from no `except`: no chain to `Escaped`)
            escaped = carried.raised
        raise escaped
