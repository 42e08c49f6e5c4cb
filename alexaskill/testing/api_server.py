"""A `FakeAlexaApi` served over HTTP on a loopback address, for a skill running in another process.

``alexaskill replay --url`` sends requests to a skill served by ``alexaskill serve --dev``: that
skill calls the ``apiEndpoint`` of each request, so the tool serves its fake here and points the
requests at it (``http://127.0.0.1:<port>``, which `AlexaApi` allows for loopback addresses
only). Standard library only: a ``ThreadingHTTPServer`` in a daemon thread, stopped on exit.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Final

from ..shown_names import shown, shown_value

if TYPE_CHECKING:
    from .alexa_api import FakeAlexaApi

__all__ = ["serve_fake_api"]

# A "timeout" fault holds the connection this long (AlexaApi gives up after 2 s by default).
_HOLD_SECONDS: Final = 30.0
_MAX_BODY: Final = 1024 * 1024
# How long a connection may wait for a client's next bytes (a body shorter than its
# Content-Length, a head never ended, an idle keep-alive): then it is dropped. Above httpx's
# 5 s keep-alive expiry, so a pooled connection is let go by the client first.
_READ_SECONDS: Final = 10.0
_POLL_SECONDS: Final = 0.05


def serve_fake_api(
    api: FakeAlexaApi, host: str = "127.0.0.1", port: int = 0
) -> contextlib.AbstractContextManager[str]:
    """Serve ``api`` on ``host:port`` (a loopback IP address, IPv4 or IPv6; port 0: any free
    one); the context's value is the base URL to use, and the server stops as it exits.
    `TypeError` or `ValueError` at the call for a host or port it cannot take."""
    address = _loopback_address(host)
    told = f"serve(port={shown_value(port)}): a port number, 0 to 65535 (0: any free one)"
    if isinstance(port, bool) or not isinstance(port, int):
        raise TypeError(told)
    if not 0 <= port <= 65535:
        raise ValueError(told)
    return _served(api, address, port)


def _loopback_address(host: object) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """``host`` read as a loopback IP address: `TypeError` for no str, `ValueError` for a host
    name ("localhost": which family it is depends on the machine) or another address."""
    told = f"serve(host={shown_value(host)}): a loopback IP address ('127.0.0.1' or '::1')"
    if not isinstance(host, str):
        raise TypeError(told)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"{told}, not a host name") from None
    if not address.is_loopback:
        raise ValueError(f"{told}: the fake Alexa API serves loopback addresses only")
    return address


class _ServerV6(ThreadingHTTPServer):
    """The server on an IPv6 address (``ThreadingHTTPServer`` binds IPv4 ones only)."""

    address_family = socket.AF_INET6


@contextlib.contextmanager
def _served(
    api: FakeAlexaApi, address: ipaddress.IPv4Address | ipaddress.IPv6Address, port: int
) -> Iterator[str]:
    """The server of `serve_fake_api`, running in a daemon thread until the context exits."""
    host = str(address)

    class Handler(_Handler):
        fake = api
        timeout = _READ_SECONDS  # (read here, at each serve: a test may shorten it)

    kind = _ServerV6 if address.version == 6 else ThreadingHTTPServer
    try:
        server = kind((host, port), Handler)
    except OSError as exc:  # (its errno kept; the address and the way out said)
        why = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be served ({exc})"
        told = f"serve(port={port}): {host}:{port} {why}; port=0 takes a free one"
        raise OSError(exc.errno, told) from exc
    server.daemon_threads = True
    # Its stop waits for the loop to look up (every 0.5 s by default): a test suite's hundred
    # simulators, each stopped at its app's shutdown, waited that long each.
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": _POLL_SECONDS},
        name="fake-alexa-api",
        daemon=True,
    )
    thread.start()
    bound_port = server.server_address[1]
    named = f"[{host}]" if address.version == 6 else host
    try:
        yield f"http://{named}:{bound_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeAlexaApi
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # the fake records every call
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_PUT(self) -> None:
        self._answer()

    def do_DELETE(self) -> None:
        self._answer()

    # The methods no Alexa API takes, answered by the fake as in process (`FakeAlexaApi.handle`:
    # a 405 naming those its path takes), not http.server's 501 page for a method it has no
    # do_ method for.
    def do_PATCH(self) -> None:
        self._answer()

    def do_OPTIONS(self) -> None:
        self._answer()

    def do_HEAD(self) -> None:
        self._answer()

    def _answer(self) -> None:
        import httpx

        if self.headers.get("Transfer-Encoding"):  # not read here: it would be taken as none
            self._refuse(411, "a body sent chunked: send it with a Content-Length")
            return
        lengths = {value.strip() for value in self.headers.get_all("Content-Length", ["0"])}
        if len(lengths) > 1:
            # RFC 9112, 6.3: a length given twice with differing values frames no body.
            said = ", ".join(sorted(shown(value) for value in lengths))
            self._refuse(400, f"Content-Length sent with differing values ({said}): send one")
            return
        length = lengths.pop()
        if not (length.isascii() and length.isdigit() and len(length) <= 12):
            # Its body cannot be framed ("ten", "-5", 5000 digits: int() raised): refused, the
            # connection closed, rather than a traceback or the body read as the next request.
            self._refuse(400, f"Content-Length {shown_value(length)} is no size in bytes")
            return
        size = int(length)
        if size > _MAX_BODY:
            self._refuse(413, f"a body of {size:,} bytes: the fake takes {_MAX_BODY:,} at most")
            return
        body, stalled = self._read_body(size)
        if len(body) < size:
            status, why = (408, "no more came in time") if stalled else (400, "the client closed")
            self._refuse(status, f"the body ended after {len(body):,} of its {size:,} bytes: {why}")
            return
        url = f"http://{self.headers.get('Host', 'localhost')}{self.path}"
        # As bytes: the headers were read as Latin-1, and a value may hold a byte past ASCII
        # (obs-text), which httpx refuses in a str (UnicodeEncodeError, the call unanswered).
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in self.headers.items()]
        request = httpx.Request(self.command, url, headers=headers, content=body)
        try:
            response = self.fake.handle(request)
        except httpx.TimeoutException:
            time.sleep(_HOLD_SECONDS)
            self.close_connection = True
            return
        except ValueError as exc:
            # The fake's own data, changed in place since it was given (a fault, a product):
            # said to the caller, in the other process, not as a traceback here and a connection
            # closed unanswered ("Server disconnected").
            self._refuse(500, f"the fake Alexa API's data is wrong: {exc}", "FAKE_DATA")
            return
        self.send_response(response.status_code)
        for name, value in response.headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        # A HEAD's is the GET's length, which `handle` gives beside the body it leaves out.
        told = response.headers.get("content-length") if self.command == "HEAD" else None
        self.send_header("Content-Length", told or str(len(response.content)))
        self.end_headers()
        if self.command != "HEAD":  # (a HEAD's answer has no body: the next would be read in it)
            self.wfile.write(response.content)

    def _read_body(self, size: int) -> tuple[bytes, bool]:
        """Up to ``size`` bytes of the body, and whether the client stalled before it sent them
        all (the connection's read timeout: a body left short would hold this thread forever)."""
        body = b""
        while len(body) < size:
            try:
                chunk = self.rfile.read1(size - len(body))
            except TimeoutError:
                return body, True
            if not chunk:
                break
            body += chunk
        return body, False

    def _refuse(self, status: int, message: str, code: str = "INVALID_REQUEST") -> None:
        """Answer ``status`` with Amazon's error body shape, and close the connection."""
        import json

        content = json.dumps({"code": code, "message": message}).encode()
        self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(content)
