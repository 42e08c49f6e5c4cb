"""`Building`: the Starlette app a `Skill`'s ASGI app serves (its routes: Alexa's endpoint, the
health check, JSON for Starlette's 404 and 405), built at its start with what a start says (request
verification off, a request capture on), and its lifespan: the HTTP client made for the worker,
closed at shutdown with the stores, or kept behind an ASGI adapter the Lambda runtime runs
(`Serving` starts it, and answers before it has started: `alexaskill.asgi`)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator
from typing import TYPE_CHECKING, Any

from .deadline import deadline_grace
from .error_bodies import error_body
from .handling import Handling
from .log_lambda import on_lambda
from .logs import security_logger
from .outgoing_proxies import check_outgoing_proxies
from .settings import configure_logging_if_unset, settings_from_env

if TYPE_CHECKING:
    import asyncio

    import httpx
    from starlette.types import ASGIApp

    from .capture import RequestCapture
    from .endpoint import _Endpoint

__all__ = ["Building"]


class Building(Handling):
    """A `Skill`'s Starlette app, built, and its lifespan (`Serving` adds the ASGI app)."""

    # Set by `Skill.__init__` (documented there).
    path: str
    health_path: str | None
    _app: ASGIApp | None
    _endpoint: _Endpoint
    _http_client: httpx.AsyncClient | None

    def use_capture(self, capture: RequestCapture) -> None:
        """Write every request the endpoint receives to ``capture`` from now on (said at
        WARNING: at start, or now if the skill has started)."""
        self.capture = capture
        if self._app is not None:
            self._say_capture(capture)

    def _say_capture(self, capture: RequestCapture) -> None:
        security_logger.warning(
            "request capture is ON for %s: every request is written to %s, with the user ids "
            "and access tokens it carries. Switch it off once you have your capture.",
            self.log_name,
            capture.directory,
        )

    def _build(self, *, set_up_logging: bool = True) -> ASGIApp:
        from starlette.applications import Starlette
        from starlette.exceptions import HTTPException
        from starlette.responses import JSONResponse, Response
        from starlette.routing import Route

        if set_up_logging:
            configure_logging_if_unset()  # uvicorn sets up its own loggers, not alexaskill's
        else:
            settings_from_env()  # (a value that does not parse fails here)
        # httpx makes no client for a proxy it cannot use: said now, in one line, not as the
        # lifespan's traceback or an ImportError at each certificate download.
        check_outgoing_proxies()
        self._start_saying(self.log_name)  # (each build is a start: its warnings said anew)
        self._on_lambda = on_lambda()
        self._lambda_grace = deadline_grace(self.registry) if self._on_lambda else 0.0
        if self._on_lambda:  # (behind Mangum or the Lambda Web Adapter: once, at the start)
            self._warn_of_store_on_lambda()
        if self.verify is not False and self.verifier is None:
            from .verify import Verifier

            self.verifier = Verifier()
        if self.verifier is not None:
            # Its roots read now (the certifi bundle): one that cannot be stops the start in one
            # line naming the file, not each request (`alexaskill.verify.trust`).
            self.verifier.load_trusted_roots()
        if self.verify is False:
            security_logger.warning(
                "request verification is OFF (Skill(verify=False)) for %s: anyone can call it. "
                "Never run it like this on the internet.",
                self.log_name,
            )
        if self.capture is not None:
            self._say_capture(self.capture)

        async def health(request: Any) -> JSONResponse:
            return JSONResponse({"status": "ok"})

        async def http_error(request: Any, exc: Exception) -> Response:
            # Starlette's 404 and 405 (another path, a method /health does not take), in JSON
            # as every other refusal of the skill, not in plain text.
            assert isinstance(exc, HTTPException)
            body = error_body(exc.detail.lower())
            return Response(body, exc.status_code, exc.headers, "application/json")

        routes = [Route(self.path, self._endpoint)]
        if self.health_path is not None:
            routes.append(Route(self.health_path, health, methods=["GET", "HEAD"]))
        errors = {HTTPException: http_error}
        app = Starlette(routes=routes, exception_handlers=errors, lifespan=self._lifespan)
        # Another path is a 404 in JSON: never a redirect (a slash added or removed, 307 with
        # an empty body), which Alexa does not follow.
        app.router.redirect_slashes = False
        return app

    def _warn_of_store_on_lambda(self) -> None:
        """Say, at a start on AWS Lambda, that the skill's store does not suit it (`Skill`'s,
        which has the store: `alexaskill.lambda_start.warn_of_unsuited_store`)."""

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Any) -> AsyncIterator[None]:
        # One HTTP client per worker for certificate downloads (and the Alexa service APIs),
        # closed at shutdown (behind Mangum, kept: below). Without a lifespan (a Skill mounted
        # in another app runs none) the verifier makes its own client on first use.
        import asyncio

        from .loop_end import closed_at_loop_end
        from .worker_ends import forget_worker

        loop = asyncio.get_running_loop()
        client, closer = self._lifespan_client(loop)
        self._http_client = client
        verifier = self.verifier
        if verifier is not None:
            verifier.use_http_client(client)
        unhook = None
        if not self._behind_runtime_adapter:  # (Mangum's: at each invocation, no server's)
            # The server's stop signal seen, for a request its shutdown cancels to end as such
            # (`alexaskill.server_stop`); in Lambda, its SIGTERM said too, with the requests it
            # cuts (`alexaskill.lambda_sigterm`).
            if on_lambda():
                from .lambda_sigterm import hook_sigterm

                unhook = hook_sigterm(self.log_name, lambda: self._in_flight, loop)
            else:
                from .server_stop import hook_stop

                unhook = hook_stop(loop=loop)
        try:
            yield
        finally:
            if unhook is not None:
                unhook()
            forget_worker()  # ended as it should (`alexaskill.worker_ends`)
            self._http_client = None
            if verifier is not None:
                verifier.use_http_client(None)
            if self._behind_runtime_adapter:
                # An ASGI adapter the Lambda runtime runs (Mangum's default lifespan, "auto")
                # runs the lifespan around each invocation: closing the stores here had a Redis
                # store connect, a DynamoDB store make its client, at each one, and the client
                # made again made a TLS connection to Alexa's APIs again (but a connection is
                # its loop's: on Mangum 0.20.0, a loop each, they connect again). They live for
                # the instance, as under `alexaskill.aws_lambda.handler`, and end with it (Lambda
                # lets no Python exit run: `alexaskill.lambda_exit`); the client is used again
                # in its event loop only (`_lifespan_client`). Told by the requests
                # (`Handling._behind_runtime_adapter`), not by Lambda alone: a server's one
                # shutdown there (uvicorn behind the Lambda Web Adapter, at the instance's end)
                # closes them as anywhere, else a store's `aclose` never ran (what a store of
                # the author's had yet to write, lost).
                # Closed as its loop ends all the same (`closed_at_loop_end`): Mangum 0.20.0
                # ends it after the invocation, and its connections would be left open.
                if closer is None:
                    closer = await closed_at_loop_end(client)
                self._kept_client = (client, loop, closer)
                # The windows ended only: all said here, a flood's count was said once an
                # invocation, not once a window. The others wait for their timer (on this loop,
                # run again at the next invocation), a later invocation's end, or `aclose`; at
                # the instance's end, for Lambda's SIGTERM where it runs (put by the first
                # request: `Handling._noted_behind_adapter`).
                self._say_unsaid(ended_only=True)
            else:
                try:
                    await self._close_at_shutdown()
                finally:
                    # Past the stores' bound, unbounded: httpcore closes its connections shielded
                    # from cancellation, waiting on no peer (no TLS goodbye): nothing to cut.
                    await (client.aclose() if closer is None else closer.aclose())

    def _lifespan_client(
        self, loop: asyncio.AbstractEventLoop
    ) -> tuple[httpx.AsyncClient, AsyncGenerator[None, None] | None]:
        """The lifespan's HTTP client and what closes it: the one an earlier lifespan kept
        (`_kept_client`), if it is of ``loop`` (the running one); else a new one (None: closed
        by no generator yet). One kept in another loop (Mangum 0.20.0 runs each invocation in a
        loop of its own) is dropped: closed as that loop ended, or as it ends."""
        kept, self._kept_client = self._kept_client, None
        if kept is not None and kept[1] is loop and not kept[0].is_closed:
            return kept[0], kept[2]
        import httpx

        from .alexa_api.wire import loopback_without_proxy
        from .tls import tls_context

        # `tls_context` (outgoing HTTPS) loads its CA bundle once per process: each start (a test
        # client's, say) would otherwise spend a few hundred ms of CPU loading it again.
        # No proxy for a loopback apiEndpoint (``serve --dev``'s fake API), as a call's own client.
        client = httpx.AsyncClient(
            timeout=httpx.Timeout(5.0), verify=tls_context(), mounts=loopback_without_proxy()
        )
        return client, None  # (closed by the lifespan's end, or kept with a closer there)
