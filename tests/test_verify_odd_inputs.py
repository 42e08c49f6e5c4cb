"""Odd but plausible requests, as a forger or a broken proxy in front sends them, through the
skill's endpoint with verification on: each is answered (what Amazon's rules take: an upper-case
scheme or host, port 443 written out, a timestamp with another UTC offset or a fraction of a
second) or refused with HTTP 400 and a short JSON reason; never a 500, never a traceback.

Sent as raw header bytes (a header twice, bytes past ASCII read as Latin-1, as ASGI servers
pass them), which the test client's own ``post`` takes only as one str per name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Final

import pytest

from alexaskill.testing import TestClient
from tests.verify_shared import hello_client

pytestmark = pytest.mark.oldest_dependencies

ECHO: Final = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"
#: A request's headers, as ASGI gives them: names and values as bytes, a name maybe twice.
Headers = list[tuple[bytes, bytes]]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    yield from hello_client()


def _post(
    client: TestClient,
    change_body: Callable[[dict[str, Any]], bytes | None] | None = None,
    change_headers: Callable[[Headers], Headers] | None = None,
) -> tuple[int, Any]:
    envelope = client.factory.envelope("LaunchRequest")
    envelope["request"]["timestamp"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = (change_body(envelope) if change_body else None) or json.dumps(envelope).encode()
    signed = client.pki.sign(body)
    headers: Headers = [(b"content-type", b"application/json")]
    headers += [(name.encode(), value.encode()) for name, value in signed.items()]
    if change_headers is not None:
        headers = change_headers(headers)
    response = client.http.post(client.path, content=body, headers=headers)
    assert response.headers["content-type"] == "application/json"
    return response.status_code, response.json()


def _replace(name: bytes, value: bytes) -> Callable[[Headers], Headers]:
    return lambda headers: [(n, value if n.lower() == name else v) for n, v in headers]


def _twice(name: bytes, value: bytes | None = None) -> Callable[[Headers], Headers]:
    """``name`` sent again, with ``value`` (None: its own value again)."""

    def change(headers: Headers) -> Headers:
        first = next(v for n, v in headers if n.lower() == name)
        return [*headers, (name.upper(), first if value is None else value)]

    return change


def _stamped(moment: Callable[[datetime], str]) -> Callable[[dict[str, Any]], bytes]:
    def change(envelope: dict[str, Any]) -> bytes:
        envelope["request"]["timestamp"] = moment(datetime.now(UTC))
        return json.dumps(envelope).encode()

    return change


_PLUS_ONE: Final = timezone(timedelta(hours=1))
_MINUS_FIVE: Final = timezone(timedelta(hours=-5, minutes=-30))

ANSWERED: Final = {
    "a signature header twice, the same value": (None, _twice(b"signature-256")),
    "the certificate URL twice, the same value": (None, _twice(b"signaturecertchainurl")),
    "an upper-case scheme and host": (
        None,
        _replace(b"signaturecertchainurl", b"HTTPS://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem"),
    ),
    "port 443 written out": (
        None,
        _replace(
            b"signaturecertchainurl", b"https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem"
        ),
    ),
    "dot segments that stay under /echo.api/": (
        None,
        _replace(b"signaturecertchainurl", b"https://s3.amazonaws.com/echo.api/../echo.api/x.pem"),
    ),
    "a timestamp at +01:00": (_stamped(lambda now: now.astimezone(_PLUS_ONE).isoformat()), None),
    "a timestamp at -05:30": (_stamped(lambda now: now.astimezone(_MINUS_FIVE).isoformat()), None),
    "a timestamp with milliseconds": (
        _stamped(lambda now: now.isoformat(timespec="milliseconds").replace("+00:00", "Z")),
        None,
    ),
    "a timestamp with nanoseconds": (
        _stamped(lambda now: now.strftime("%Y-%m-%dT%H:%M:%S.123456789Z")),
        None,
    ),
}


@pytest.mark.parametrize("name", list(ANSWERED))
def test_an_odd_request_amazons_rules_take_is_answered(client: TestClient, name: str) -> None:
    status, answer = _post(client, *ANSWERED[name])
    assert status == 200, answer
    assert answer["response"]["outputSpeech"]["text"] == "Hello."


def _body(raw: bytes) -> Callable[[dict[str, Any]], bytes]:
    return lambda envelope: raw


REFUSED: Final = {
    "Signature-256 twice, two values": (None, _twice(b"signature-256", b"AAAA"), "conflicting"),
    "SignatureCertChainUrl twice, two values": (
        None,
        _twice(b"signaturecertchainurl", b"https://s3.amazonaws.com/echo.api/other.pem"),
        "conflicting",
    ),
    "a Latin-1 byte in the certificate URL": (
        None,
        _replace(b"signaturecertchainurl", b"https://s3.amazonaws.com/echo.api/\xe9cho.pem"),
        "certificate URL",
    ),
    "UTF-8 bytes in the certificate URL": (
        None,
        _replace(b"signaturecertchainurl", "https://s3.amazonaws.com/echo.api/é.pem".encode()),
        "certificate URL",
    ),
    "Latin-1 bytes in the signature": (
        None,
        _replace(b"signature-256", b"\xe9\xff" + b"A" * 342 + b"=="),
        "signature",
    ),
    "userinfo in the certificate URL": (
        None,
        _replace(b"signaturecertchainurl", b"https://user@s3.amazonaws.com/echo.api/x.pem"),
        "certificate URL: userinfo",
    ),
    "percent-encoded dot segments": (
        None,
        _replace(b"signaturecertchainurl", b"https://s3.amazonaws.com/echo.api/%2e%2e/x.pem"),
        "certificate URL",
    ),
    "dot segments out of /echo.api/": (
        None,
        _replace(b"signaturecertchainurl", b"https://s3.amazonaws.com/echo.api/../x.pem"),
        "certificate URL: path",
    ),
    "another port": (
        None,
        _replace(b"signaturecertchainurl", b"https://s3.amazonaws.com:8443/echo.api/x.pem"),
        "certificate URL: port",
    ),
    "a timestamp at +01:00, an hour off": (
        _stamped(lambda now: now.replace(tzinfo=_PLUS_ONE).isoformat()),
        None,
        "timestamp: too old",
    ),
    "a timestamp with an offset out of range": (
        _stamped(lambda now: now.strftime("%Y-%m-%dT%H:%M:%S+25:00")),
        None,
        "timestamp",
    ),
    "a timestamp at the midnight that ends 9999-12-31": (
        _stamped(lambda now: "9999-12-31T24:00:00Z"),
        None,
        "timestamp: out of range",
    ),
    "a timestamp in year 1": (
        _stamped(lambda now: "0001-01-01T00:00:00Z"),
        None,
        "timestamp: too old (",
    ),
    "a body that is a list": (_body(b"[]"), None, "malformed request"),
    "a body that is a number": (_body(b"12"), None, "malformed request"),
    "a body that is null": (_body(b"null"), None, "malformed request"),
    "a body nested deeper than the decoder reads": (
        _body(b'{"a":' * 5000 + b"1" + b"}" * 5000),
        None,
        "malformed request",
    ),
    "an envelope whose context is nested deep": (
        _body(
            b'{"request": {"type": "LaunchRequest"}, "context": ' + b"[" * 5000 + b"]" * 5000 + b"}"
        ),
        None,
        "malformed request",
    ),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_an_odd_request_is_a_400_with_a_short_reason(client: TestClient, name: str) -> None:
    change_body, change_headers, reason = REFUSED[name]
    status, answer = _post(client, change_body, change_headers)
    assert status == 400
    assert list(answer) == ["error"]
    assert answer["error"].startswith(reason)
    assert len(answer["error"]) <= 200 and "Traceback" not in answer["error"]
