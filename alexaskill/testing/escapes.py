"""A `BaseException` that is no `Exception` (a Ctrl-C, a skill's own class) let out of the
skill's app by a request, carried to the test as it is. Starlette's test client runs the app
through an anyio portal, whose event loop stops for such an exception: the next request (and
the end of the ``with`` block) said "This portal is not running" instead, and a request made
without ``with`` raised a `concurrent.futures.CancelledError` in its place."""

from __future__ import annotations

from typing import Any

__all__ = ["Carrying", "Escaped"]


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
