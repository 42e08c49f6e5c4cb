"""Forged requests through a skill, with verification on (Amazon's "Host a Custom Skill as a
Web Service"): each one is an HTTP 400 with a short JSON reason naming the check, never a 500
and never an answer; a genuine request before and after them is answered."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from alexaskill.testing import TestClient, TestPKI
from tests.conftest import SKILL_ID
from tests.verify_shared import genuine_launch, hello_client

pytestmark = pytest.mark.oldest_dependencies

#: A forged request: (body, headers) made from a genuine body and the client's PKI.
Forge = Callable[[bytes, TestPKI], tuple[bytes, dict[str, str]]]


def _with(**changes: str) -> Forge:
    """The genuine body, signed, with these headers changed (``Signature_256`` for
    ``Signature-256``; "" for an empty value)."""

    def forge(body: bytes, pki: TestPKI) -> tuple[bytes, dict[str, str]]:
        headers = pki.sign(body)
        headers.update({name.replace("_", "-"): value for name, value in changes.items()})
        return body, headers

    return forge


def _without(*names: str) -> Forge:
    def forge(body: bytes, pki: TestPKI) -> tuple[bytes, dict[str, str]]:
        headers = pki.sign(body)
        return body, {name: value for name, value in headers.items() if name not in names}

    return forge


def _resigned(change: Callable[[dict[str, Any]], object]) -> Forge:
    """The genuine envelope changed by ``change``, then signed by the client's own PKI: what a
    replay or a skill-id check must refuse though the signature is good."""

    def forge(body: bytes, pki: TestPKI) -> tuple[bytes, dict[str, str]]:
        envelope = json.loads(body)
        change(envelope)
        changed = json.dumps(envelope).encode()
        return changed, pki.sign(changed)

    return forge


def _timestamp(value: object) -> Callable[[dict[str, Any]], object]:
    return lambda envelope: envelope["request"].__setitem__("timestamp", value)


def _sent(off: timedelta, *, offset: bool = True) -> Callable[[dict[str, Any]], object]:
    """A timestamp ``off`` from the moment the forgery is made (not from the module's import:
    under xdist a test may run minutes after it, and "10 min ahead" would then be on time)."""

    def change(envelope: dict[str, Any]) -> object:
        moment = datetime.now(UTC) + off
        sent = _stamp(moment) if offset else moment.strftime("%Y-%m-%dT%H:%M:%S")
        return _timestamp(sent)(envelope)

    return change


def _x_for_t(envelope: dict[str, Any]) -> None:
    """Now, with an x between the date and the time (Python 3.11's fromisoformat takes any)."""
    _sent(timedelta(0))(envelope)
    request = envelope["request"]
    request["timestamp"] = request["timestamp"].replace("T", "x")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _stranger(body: bytes, pki: TestPKI) -> tuple[bytes, dict[str, str]]:
    return body, TestPKI(key_set=1).sign(body)


def _body_changed(body: bytes, pki: TestPKI) -> tuple[bytes, dict[str, str]]:
    return body.replace(b'"LaunchRequest"', b'"SessionEndedRequest"'), pki.sign(body)


def _sha1_as_sha256(body: bytes, pki: TestPKI) -> tuple[bytes, dict[str, str]]:
    """The body's genuine SHA-1 signature, sent as the SHA-256 one (PKCS#1 v1.5 names the hash
    inside the signature: a verifier must use the header's, not the one it finds there)."""
    return body, {**pki.sign(body), "Signature-256": pki.signature(body, sha1=True)}


def _spaced_signature(body: bytes, pki: TestPKI) -> tuple[bytes, dict[str, str]]:
    """The genuine signature with a space inside (around it, a server strips it)."""
    signature = pki.signature(body)
    return body, {**pki.sign(body), "Signature-256": signature[:8] + " " + signature[8:]}


def _application_id(value: str) -> Callable[[dict[str, Any]], object]:
    def change(envelope: dict[str, Any]) -> object:
        envelope["session"]["application"]["applicationId"] = value
        return envelope["context"]["System"]["application"].__setitem__("applicationId", value)

    return change


def _raw(body: bytes) -> Forge:
    return lambda _, pki: (body, pki.sign(body))


ECHO = "https://s3.amazonaws.com/echo.api/"

FORGERIES: dict[str, tuple[Forge, str]] = {
    "signed by another key": (_stranger, "signature: Signature-256 does not match the body"),
    "body changed after signing": (_body_changed, "signature: Signature-256 does not match"),
    "no signing headers": (
        _without("SignatureCertChainUrl", "Signature-256", "Signature"),
        "certificate URL: SignatureCertChainUrl header missing",
    ),
    "SHA-1 only": (_without("Signature-256"), "signature: Signature-256 header missing"),
    "empty signature": (_with(Signature_256=""), "signature: Signature-256 header is empty"),
    "signature not base64": (_with(Signature_256="@@@"), "not base64"),
    "signature one byte": (_with(Signature_256="AA=="), "does not match"),
    "http URL": (_with(SignatureCertChainUrl="http" + ECHO[5:] + "c.pem"), "scheme"),
    "other host": (_with(SignatureCertChainUrl="https://evil.example/echo.api/c.pem"), "host"),
    "other port": (_with(SignatureCertChainUrl=ECHO.replace(".com", ".com:444") + "c"), "port"),
    "path out of echo.api": (_with(SignatureCertChainUrl=ECHO + "../c.pem"), "path"),
    "userinfo": (_with(SignatureCertChainUrl=ECHO.replace("//", "//u@") + "c.pem"), "userinfo"),
    "percent-escape": (_with(SignatureCertChainUrl=ECHO + "%2e%2e/c.pem"), "percent"),
    "URL too long": (_with(SignatureCertChainUrl=ECHO + "c" * 2000), "longer than"),
    "empty URL": (_with(SignatureCertChainUrl=""), "SignatureCertChainUrl header is empty"),
    "URL host in brackets": (
        _with(SignatureCertChainUrl="https://[s3.amazonaws.com]/echo.api/c.pem"),
        "unparseable",
    ),
    "URL // after :443": (_with(SignatureCertChainUrl=ECHO.replace(".com/", ".com:443//")), "path"),
    "URL empty userinfo": (_with(SignatureCertChainUrl=ECHO.replace("//", "//@")), "userinfo"),
    "SHA-1 signature as Signature-256": (_sha1_as_sha256, "Signature-256 does not match"),
    "space inside the signature": (_spaced_signature, "not base64"),
    "replayed 10 min late": (
        _resigned(_sent(timedelta(minutes=-10))),
        "timestamp: too old",
    ),
    "dated 10 min ahead": (
        _resigned(_sent(timedelta(minutes=10))),
        "timestamp: in the future",
    ),
    "timestamp without offset": (
        _resigned(_sent(timedelta(0), offset=False)),
        "timestamp: no UTC offset",
    ),
    "timestamp not a date": (_resigned(_timestamp("yesterday")), "timestamp: not ISO 8601"),
    "timestamp in year 9999": (_resigned(_timestamp("9999-12-31T23:59:59Z")), "in the future"),
    "timestamp in year 1": (_resigned(_timestamp("0001-01-01T00:00:00Z")), "too old"),
    "timestamp of 100,000 digits": (_resigned(_timestamp("2" * 100_000)), "not ISO 8601"),
    "timestamp with x for T": (_resigned(_x_for_t), "timestamp: not ISO 8601"),
    # (a leap second falls only at the end of a UTC month: before, "too old", read as one)
    "leap second mid-month": (_resigned(_timestamp("2016-12-05T23:59:60Z")), "not ISO 8601"),
    "timestamp missing": (_resigned(lambda e: e["request"].pop("timestamp")), "missing"),
    "timestamp a list": (_resigned(_timestamp([])), "request.timestamp"),
    "timestamp far off epoch": (_resigned(_timestamp(1e300)), "request.timestamp"),
    "another skill": (
        _resigned(
            lambda e: e["context"]["System"]["application"].__setitem__("applicationId", "x")
        ),
        "request is for another skill",
    ),
    "skill id in upper case": (_resigned(_application_id(SKILL_ID.upper())), "another skill"),
    "skill id and a space": (_resigned(_application_id(SKILL_ID + " ")), "another skill"),
    "no skill id anywhere": (
        _resigned(lambda e: (e.pop("context"), e.pop("session"))),
        "request names no application id",
    ),
    "no skill id in the context, ours in the session": (
        _resigned(lambda e: e["context"]["System"].__setitem__("application", None)),
        "request names no application id (context.System.application missing or null)",
    ),
    "another skill in the session": (
        _resigned(lambda e: e["session"]["application"].__setitem__("applicationId", "x")),
        "request is for another skill",
    ),
    "empty body": (_raw(b""), "malformed request"),
    "not UTF-8": (_raw(b"\xff\xfe{}"), "malformed request"),
    "nested too deep": (_raw(b"[" * 100_000), "malformed request"),
    "no envelope": (_raw(b'{"request": null}'), "malformed request"),
}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    yield from hello_client()


@pytest.mark.parametrize("name", list(FORGERIES))
def test_a_forged_request_is_a_400_with_a_short_reason(client: TestClient, name: str) -> None:
    forge, reason = FORGERIES[name]
    genuine = genuine_launch(client)
    assert client.post(genuine, client.pki.sign(genuine)).speech == "Hello."
    body, headers = forge(genuine, client.pki)
    result = client.post(body, headers)
    assert result.status_code == 400, result.json
    assert set(result.json) == {"error"}
    error = result.error
    assert error is not None
    assert reason in error
    assert len(error) <= 200
    assert "Traceback" not in error
    assert client.post(genuine, client.pki.sign(genuine)).speech == "Hello."


def test_a_genuine_request_with_a_lower_case_timestamp_is_answered(client: TestClient) -> None:
    envelope = json.loads(genuine_launch(client))
    envelope["request"]["timestamp"] = envelope["request"]["timestamp"].lower()
    body = json.dumps(envelope).encode()
    assert client.post(body, client.pki.sign(body)).speech == "Hello."


@pytest.mark.parametrize("query", ["verify=false", "verify=0&debug=1", "dev=1", "skip_checks"])
def test_no_query_string_switches_a_check_off(client: TestClient, query: str) -> None:
    # A query parameter that skipped the checks was one of go-alexa's holes: here a query is
    # never read, and a request another key signed, or one not signed, is refused all the same.
    genuine = genuine_launch(client)
    for headers, reason in (
        (TestPKI(key_set=1).sign(genuine), "signature: Signature-256 does not match the body"),
        ({}, "certificate URL: SignatureCertChainUrl header missing"),
    ):
        sent = {"Content-Type": "application/json", **headers}
        answer = client.http.post(f"{client.path}?{query}", content=genuine, headers=sent)
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"].startswith(reason), answer.text
    assert client.post(genuine, client.pki.sign(genuine)).speech == "Hello."
