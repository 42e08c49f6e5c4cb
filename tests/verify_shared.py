"""What the verifier's tests (tests/test_verify*.py) share: a fixed now, a body signed as Alexa's
is, a counting fetch_chain, a settable clock, the test PKIs, a chain download refused (one sent
to 127.0.0.1, or through a proxy), and the clients a verifier without one makes, served from
memory; requests refused in a row, the one ERROR line they say, and the clock by which what
failed is tried again (`alexaskill.verify.trust.Refusals`); a verify through a given client
(`verify_via`, `mock_client`) and a download's refusal of a raw answer (`refusal_of_answer`).
tests/conftest.py imports the fixtures (``pki``, ``stranger``, ``pki_2017``, ``own_clients``),
which makes them every test module's."""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
import types
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar

import httpx
import pytest
from cryptography import x509

from alexaskill import Response, Skill, speak
from alexaskill.exceptions import CertificateError, CertificateUnavailableError
from alexaskill.testing import TestClient, TestPKI
from alexaskill.verify import Verifier

# The skill the bodies are for (the verifier does not look at it): the tests' own, from
# tests/skill_ids.py, as conftest, which imports this module, cannot give it yet.
from tests.skill_ids import SKILL_ID

T = TypeVar("T")

NOW = datetime.now(UTC).replace(microsecond=0)
THEN = datetime(2017, 6, 1, 12, 0, tzinfo=UTC)  # when the "old capture" was signed


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def hello_client() -> Iterator[TestClient]:
    """A `TestClient` of a skill that says "Hello." to a launch, for a module's ``client``
    fixture (``yield from hello_client()``)."""
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return speak("Hello.")

    with TestClient(skill) as client:
        yield client


def genuine_launch(client: TestClient) -> bytes:
    """A LaunchRequest of ``client``'s skill, dated now: a body the client signs as Alexa would."""
    envelope = client.factory.envelope("LaunchRequest")
    envelope["request"]["timestamp"] = stamp(datetime.now(UTC))
    return json.dumps(envelope).encode()


def make_body(timestamp: str | None = None, request_type: str = "IntentRequest") -> bytes:
    """A request body shaped like Alexa's: leading space, raw newlines, raw UTF-8."""
    request: dict[str, Any] = {
        "type": request_type,
        "requestId": "amzn1.echo-api.request.0000",
        "locale": "de-CH",
        "intent": {"name": "GetWeather", "slots": {"city": {"name": "city", "value": "Zürich"}}},
    }
    if timestamp is not None:
        request["timestamp"] = timestamp
    envelope = {
        "version": "1.0",
        "context": {"System": {"application": {"applicationId": SKILL_ID}}},
        "request": request,
    }
    return (" " + json.dumps(envelope, ensure_ascii=False, indent=1) + "\n").encode()


BODY = make_body(stamp(NOW))


#: Bodies without a timestamp that can be checked: verify() and verify_envelope() refuse each.
UNUSABLE_TIMESTAMP_BODIES: Final = [
    make_body(None),
    b'{"version": "1.0", "request": {"type": "LaunchRequest", "timestamp": null}}',
    b'{"version": "1.0", "request": {"type": "LaunchRequest", "timestamp": 1563230663}}',
    # A whole number past what a float holds: HTTP 500 before (OverflowError in the repair).
    b'{"version": "1.0", "request": {"type": "LaunchRequest", "timestamp": 1' + b"0" * 400 + b"}}",
    b'{"version": "1.0", "request": {"type": "LaunchRequest", "timestamp": "soon"}}',
    b'{"version": "1.0", "request": ["timestamp"]}',
    b'{"version": "1.0"}',
    b'["not", "an", "envelope"]',
    b"not json at all",
    b"",
    # (its id fixed: a timestamp of the moment would name it differently in each xdist worker)
    pytest.param(b'{"request": {"timestamp": "' + stamp(NOW).encode() + b'"', id="cut-off"),
    # Nested past what the decoder recurses into (RecursionError): a 500 under `serve --dev`.
    b'{"version": "1.0", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}",
]


class Fetcher:
    """A fetch_chain that counts calls, can fail its first calls, and yields to the loop."""

    def __init__(self, pem: bytes, *, failures: int = 0, pem_first: bytes | None = None) -> None:
        self.pem = pem
        self.failures = failures
        self.pem_first = pem_first
        self.calls: list[str] = []

    async def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        for _ in range(3):
            await asyncio.sleep(0)
        if self.failures:
            self.failures -= 1
            raise OSError("connection reset")
        if self.pem_first is not None:
            pem, self.pem_first = self.pem_first, None
            return pem
        return self.pem


def clock(start: datetime = NOW) -> Callable[[], datetime]:
    """A settable clock: ``now.at = ...`` moves it."""

    def now() -> datetime:
        return now.at  # type: ignore[attr-defined, no-any-return]

    now.at = start  # type: ignore[attr-defined]
    return now


def verify_body(pki: TestPKI, body: bytes, **kwargs: Any) -> None:
    kwargs.setdefault("now", lambda: NOW)
    run(pki.verifier(**kwargs).verify(pki.sign(body), body))


def verify_with_chain(pki: TestPKI, pem: bytes, *, now: datetime = NOW, **kwargs: Any) -> None:
    run(pki.verifier(chain=pem, now=lambda: now, **kwargs).verify(pki.sign(BODY), BODY))


async def refusal_from_local(
    pki: TestPKI,
    port: int,
    *,
    scheme: str | None = None,
    roots: ssl.SSLContext | None = None,
    **verifier: Any,
) -> CertificateError:
    """The verifier's refusal of a chain whose download went to ``port`` on 127.0.0.1 (over
    ``scheme``, else the certificate URL's https), through httpx's own transport: its parsers
    and its connection's stages, as in production, not a MockTransport's. TLS trusts ``roots``
    (a client context), else certifi's; ``verifier`` are `Verifier` options."""
    inner = httpx.AsyncHTTPTransport() if roots is None else httpx.AsyncHTTPTransport(verify=roots)

    class ToLocal(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            url = request.url.copy_with(host="127.0.0.1", port=port)
            request.url = url if scheme is None else url.copy_with(scheme=scheme)
            return await inner.handle_async_request(request)

    try:
        async with httpx.AsyncClient(transport=ToLocal()) as client:
            checker = Verifier([pki.root], now=lambda: NOW, http_client=client, **verifier)
            with pytest.raises(CertificateError) as info:
                await checker.verify(pki.sign(BODY), BODY)
            return info.value
    finally:
        await inner.aclose()


def download_refused(
    pki: TestPKI, proxy: str | None, *, download_timeout: float = 1
) -> CertificateUnavailableError:
    """The Verifier's refusal of a chain it downloaded through ``proxy`` (its URL, the client's
    proxy=; None: the one the environment sets), httpx's own transport connecting to it: a
    download that failed (any other refusal fails the test)."""

    async def download() -> CertificateUnavailableError:
        client = (
            httpx.AsyncClient()
            if proxy is None
            else httpx.AsyncClient(proxy=proxy, trust_env=False)
        )
        async with client:
            checker = Verifier(
                [pki.root], now=lambda: NOW, http_client=client, download_timeout=download_timeout
            )
            with pytest.raises(CertificateUnavailableError) as info:
                await checker.verify(pki.sign(BODY), BODY)
        return info.value

    return run(download())


def expired_intermediate(pki: TestPKI) -> x509.Certificate:
    """``pki``'s intermediate certificate again, expired the day before `NOW`."""
    return pki.issue(
        pki.intermediate.subject,
        pki.intermediate_key,
        issuer=(pki.root, pki.root_key),
        not_before=NOW - timedelta(days=30),
        not_after=NOW - timedelta(days=1),
        ca=True,
    )


class _PinnedChain(Verifier):
    """A verifier whose `chain` is its own: one chain for every URL, counting the calls."""

    def __init__(self, chain: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pinned = chain
        self.asked: list[str] = []

    async def chain(self, url: str) -> Any:
        self.asked.append(url)
        return self.pinned


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return TestPKI.default()


@pytest.fixture(scope="module")
def stranger() -> TestPKI:
    """An unrelated PKI with the same names but its own keys."""
    return TestPKI(key_set=1)


@pytest.fixture(scope="module")
def pki_2017() -> TestPKI:
    return TestPKI(valid_at=THEN)


@pytest.fixture
def own_clients(pki: TestPKI, monkeypatch: pytest.MonkeyPatch) -> list[httpx.AsyncClient]:
    """The clients a `Verifier` without one makes, each serving ``pki``'s chain from memory (no
    network): httpx.AsyncClient replaced by a subclass with a mock transport."""
    clients: list[httpx.AsyncClient] = []

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=pki.chain_pem)

    class Served(httpx.AsyncClient):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs, transport=httpx.MockTransport(handler))
            clients.append(self)

    monkeypatch.setattr(httpx, "AsyncClient", Served)
    return clients


def refused_requests(verifier: Verifier, pki: TestPKI, count: int, tag: object = "") -> list[str]:
    """Why ``verifier`` refused ``count`` requests, each naming a certificate URL of its own
    (``tag`` and a number: none refused as a recent failure of another's)."""

    async def requests() -> list[str]:
        refused = []
        for n in range(count):
            url = f"https://s3.amazonaws.com/echo.api/cert-{tag}{n}.pem"
            with pytest.raises(CertificateError) as info:
                await verifier.verify(pki.sign(BODY, cert_url=url), BODY)
            refused.append(str(info.value))
        return refused

    return run(requests())


def said_once(caplog: pytest.LogCaptureFixture) -> str:
    """The one ERROR line ``caplog`` holds (not one a request)."""
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, caplog.text
    return errors[0].getMessage()


def retry_clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The clock by which what failed (a trust store, a TLS context) is tried again, settable:
    ``clock[0] += 1`` (its own only: the event loop's time.monotonic left alone)."""
    clock = [1000.0]
    monkeypatch.setattr(
        "alexaskill.verify.trust.time", types.SimpleNamespace(monotonic=lambda: clock[0])
    )
    return clock


def mock_client(handler: Callable[[httpx.Request], Any]) -> httpx.AsyncClient:
    """A client whose every request ``handler`` answers."""
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def verify_via(pki: TestPKI, client: httpx.AsyncClient, **kwargs: Any) -> None:
    """Verify ``pki``'s signature of BODY at NOW, its chain downloaded through ``client``."""

    async def scenario() -> None:
        async with client:
            verifier = Verifier([pki.root], now=lambda: NOW, http_client=client, **kwargs)
            await verifier.verify(pki.sign(BODY), BODY)

    run(scenario())


def refusal_of_answer(
    pki: TestPKI, answer: bytes, tls: ssl.SSLContext | None = None
) -> CertificateError:
    """The verifier's refusal of a chain whose download a server on 127.0.0.1 answered with
    ``answer``, raw bytes, through httpx's own transport (its parsers, not a MockTransport's),
    over TLS with ``tls`` (the server's context), else over plain HTTP."""

    async def scenario() -> CertificateError:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(answer)
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=tls)
        try:
            port = server.sockets[0].getsockname()[1]
            return await refusal_from_local(pki, port, scheme="http" if tls is None else None)
        finally:
            server.close()
            await server.wait_closed()

    return run(scenario())
