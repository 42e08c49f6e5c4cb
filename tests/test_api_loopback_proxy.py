"""The app's shared HTTP client takes no proxy to any loopback apiEndpoint, not only 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import anyio
import httpx
import pytest

from alexaskill import AlexaApi
from alexaskill.alexa_api.wire import loopback_without_proxy
from alexaskill.models import decode_envelope
from alexaskill.testing import RequestFactory

from .alexa_api_shared import clients_made


class _Name(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps("John").encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def elsewhere_on_loopback() -> Iterator[str]:
    """An API stand-in on 127.0.0.2, a loopback address other than 127.0.0.1."""
    try:
        server = ThreadingHTTPServer(("127.0.0.2", 0), _Name)
    except OSError as exc:  # (Linux routes all of 127.0.0.0/8 to this machine; others may not)
        pytest.skip(f"127.0.0.2 cannot be bound here: {exc}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.2:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "ALL_PROXY"])
def test_the_shared_client_takes_no_proxy_to_any_loopback_address(
    elsewhere_on_loopback: str, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    # check_endpoint takes all of 127.0.0.0/8, but the shared client's mounts bypassed the
    # proxy for 127.0.0.1, ::1 and localhost alone: 127.0.0.2 went to the proxy, the token with
    # it in clear text, and the call failed (the proxy cannot reach this machine's address).
    monkeypatch.setenv(variable, "http://127.0.0.1:9")  # (the discard port: nothing answers)
    raw = RequestFactory(api_endpoint=elsewhere_on_loopback).intent("Ask")

    async def main() -> str | None:
        async with httpx.AsyncClient(mounts=loopback_without_proxy()) as client:
            api = AlexaApi(decode_envelope(json.dumps(raw)), timeout=30.0, client=client)
            return await api.given_name()

    assert anyio.run(main) == "John"


def test_a_closed_client_sends_nothing_to_another_loopback_address(
    elsewhere_on_loopback: str,
) -> None:
    # A closed client is refused ("nothing was sent") whatever the host; a call to 127.0.0.2,
    # given a client of its own since today, was sent through that one instead.
    from alexaskill.exceptions import AlexaApiError

    raw = RequestFactory(api_endpoint=elsewhere_on_loopback).intent("Ask")

    async def main() -> str | None:
        client = httpx.AsyncClient(mounts=loopback_without_proxy())
        await client.aclose()
        api = AlexaApi(decode_envelope(json.dumps(raw)), timeout=30.0, client=client)
        return await api.given_name()

    with pytest.raises(AlexaApiError, match="HTTP client for Alexa's API is closed"):
        anyio.run(main)


def test_a_call_to_another_loopback_address_makes_its_own_client_before_its_limit(
    elsewhere_on_loopback: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A call to 127.0.0.2 through the app's shared client is sent by a client of its own, without
    # proxy: it was made within the call's time limit, milliseconds of the network's 2 s.
    raw = RequestFactory(api_endpoint=elsewhere_on_loopback).intent("Ask")
    made: list[list[bool]] = []

    async def main() -> str | None:
        async with httpx.AsyncClient(mounts=loopback_without_proxy()) as client:
            made.append(clients_made(monkeypatch))  # (the shared client's making is the app's)
            api = AlexaApi(decode_envelope(json.dumps(raw)), timeout=30.0, client=client)
            return await api.given_name()

    assert anyio.run(main) == "John"
    assert made == [[False]], "the call's own client was made within its time limit"
