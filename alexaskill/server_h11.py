"""h11's connection as `alexaskill.server.H11Protocol` uses it: stricter on what it takes, and
saying when it closes (`_OneFraming`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

import h11

from .server_limits import _has_body, _over_limit, upgrade_refusal
from .server_target import absolute_form, origin_form_or_asterisk, with_host

if TYPE_CHECKING:
    import asyncio

__all__: list[str] = []  # the server protocol's helper


#: A control character (but HTAB) in a header's value: httptools refuses them (RFC 9110, 5.5).
_CONTROL: Final = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")


class _OneFraming(h11.Connection):
    """h11's connection, refusing a request of no HTTP/1 version, a ``CONNECT``, a control
    character in a header's value, and one framed both by a length and by chunks (RFC 9112,
    6.3), as httptools does: h11 goes by the chunks and keeps the connection, so bytes that a
    proxy in front counted as this request's body would run as a request of their own. And an
    answer sent before the request's body came whole says ``connection: close``, as the
    connection closes after it."""

    _refused = False

    def next_event(self) -> Any:
        if self._refused:  # what comes after is not parsed, as after h11's own refusals
            raise h11.RemoteProtocolError("a request refused before", 400)
        event = super().next_event()
        if type(event) is h11.Request:
            names = [name for name, _ in event.headers]  # (h11's names are lower-case)
            if b"transfer-encoding" in names and b"content-length" in names:
                self._refused = True
                raise h11.RemoteProtocolError("both Content-Length and Transfer-Encoding", 400)
            if any(_CONTROL.search(value) for _, value in event.headers):
                self._refused = True  # (h11 took them: an ESC, into the app's log lines)
                raise h11.RemoteProtocolError("a control character in a header's value", 400)
            if event.http_version not in (b"1.1", b"1.0"):  # (h11 takes HTTP/2.0, HTTP/0.9)
                self._refused = True
                raise h11.RemoteProtocolError("not an HTTP/1 request", 400)
            if event.method == b"CONNECT":  # (a 2xx to it switches h11 to a tunnel)
                self._refused = True
                raise h11.RemoteProtocolError("a CONNECT request (no proxy here)", 400)
            try:
                form = absolute_form(event.target)
                if form is None and not origin_form_or_asterisk(event.target):
                    raise ValueError("an invalid request target")
            except ValueError as error:
                self._refused = True
                raise h11.RemoteProtocolError(str(error), 400) from None
            target, headers = event.target, list(event.headers)
            if form is not None:
                # The absolute form (RFC 9112, 3.2.2), which a server must take: its path and
                # query, as httptools gives (uvicorn took the whole URL for the path), and its
                # host for the Host header's.
                authority, target = form
                headers = with_host(headers, authority)
            if form is not None or b"#" in target:  # (a fragment, which no client sends:
                try:  # dropped, as by httptools)
                    event = h11.Request(
                        method=event.method,
                        headers=headers,
                        target=target.partition(b"#")[0],
                        http_version=event.http_version,
                    )
                except h11.LocalProtocolError:  # ("#x": no target left)
                    self._refused = True
                    raise h11.RemoteProtocolError("an invalid request target", 400) from None
        return event

    def send(self, event: Any) -> bytes | None:  # type: ignore[override]  # (one signature)
        # Answered before the request's body came whole: the connection closes after the
        # answer (`_Bounded.on_response_complete` lingers), and the answer says so.
        if type(event) is h11.Response and self.their_state is h11.SEND_BODY:
            state = getattr(self, "_cstate", None)  # (h11's own, as for a Connection: close)
            if state is not None:
                state.process_keep_alive_disabled()
        sent: bytes | None = super().send(event)
        return sent


class _JsonOverLimit:
    """For uvicorn's h11 protocol: past ``--limit-concurrency`` a 503 with a JSON reason
    (`alexaskill.server_limits._over_limit`), as on httptools, not uvicorn's plain text."""

    limit_concurrency: int | None
    connections: set[Any]
    tasks: set[Any]
    logger: Any
    #: The app, and ``--limit-concurrency`` while uvicorn parses (`handle_events`).
    _app: Any = None
    _limit: int | None = None

    def handle_events(self) -> None:
        # uvicorn's own check of --limit-concurrency answers a plain-text 503: off while it
        # parses, the app it reads for each request (`app`) checks the limit instead.
        limit = self._limit = self.limit_concurrency
        self.limit_concurrency = None
        try:
            super().handle_events()  # type: ignore[misc]  # (uvicorn's, next in the MRO)
        finally:
            self.limit_concurrency, self._limit = limit, None

    @property
    def app(self) -> Any:
        """The app; past ``--limit-concurrency``, while uvicorn parses, a 503 with a JSON
        reason (`_over_limit`), as on httptools."""
        limit = self._limit
        if limit is not None and (len(self.connections) >= limit or len(self.tasks) >= limit):
            self.logger.warning("Exceeded concurrency limit.")  # (said rarely: `_RareWarnings`)
            return _over_limit
        return self._app

    @app.setter
    def app(self, app: Any) -> None:
        self._app = app


class _Refusals:
    """For uvicorn's h11 protocol (`alexaskill.server.H11Protocol`): a request with a body
    asking for an upgrade not taken (``h2c``, a WebSocket without a library) refused as on
    httptools, whose parser never reads such a body (400 with a JSON reason, closed: served on
    one parser and refused on the other, a client that worked on a plain install failed
    behind ``alexaskill[fast]``, the Docker image's); and its refusals seen to at shutdown."""

    if TYPE_CHECKING:
        transport: asyncio.Transport
        headers: list[tuple[bytes, bytes]]
        _lingering: bool

        def _close(self, answer: bytes | None) -> None: ...
        def _get_upgrade(self) -> bytes | None: ...

    #: The refusal of the request whose head was just parsed, or None.
    _refusing: bytes | None = None

    def _should_upgrade(self) -> bool:
        # (uvicorn's `handle_events` hands a request said True for to the next method)
        if super()._should_upgrade():  # type: ignore[misc]  # (uvicorn's, next in the MRO)
            return True
        if self._get_upgrade() is None or not _has_body(self.headers):
            return False
        self._refusing = upgrade_refusal(self.headers)
        return True

    def handle_websocket_upgrade(self, event: Any) -> None:
        refusing, self._refusing = self._refusing, None
        if refusing is None:
            super().handle_websocket_upgrade(event)  # type: ignore[misc]
        else:
            self._close(refusing)  # (`_Bounded._close`: answered, then lingering)

    def shutdown(self) -> None:
        """uvicorn's graceful shutdown; a connection refused (answered by alexaskill, not h11,
        and lingering or closing) just closes. uvicorn told h11 the connection closed, which
        h11, a request received and no response sent by it, raised on: the server stopped with
        a traceback, the other connections and the lifespan's shutdown not seen to."""
        if self._lingering or self.transport.is_closing():
            self.transport.close()
            return
        super().shutdown()  # type: ignore[misc]  # (uvicorn's, next in the MRO)
