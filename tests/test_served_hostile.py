"""Hostile requests to a skill served as users serve it (``alexaskill serve`` on 127.0.0.1, its
verifier trusting the test PKI, every request signed or forged as an attacker would): methods and
paths it does not serve, framing that lies (lengths, chunks, a folded header), security headers
doubled, overlong or pointing elsewhere, a body past the limit. Each gets a short JSON refusal
with its own status, never a 500, a plain-text answer or a traceback in the server's log, and
the server goes on answering a genuine request.

tests/test_fuzz_direct.py sends hostile bodies through the same protocol without a socket;
tests/test_exchange_framing*.py compare its framing byte for byte with uvicorn's own.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Final

from alexaskill.testing import RequestFactory, TestPKI

from .conftest import Servers
from .processes import free_port
from .server_shared import request, run

SKILL: Final = """
from alexaskill import Skill, speak
from alexaskill.testing import DEFAULT_SKILL_ID, TestPKI

skill = Skill(DEFAULT_SKILL_ID)
skill.verifier = TestPKI.load(".").verifier()


@skill.launch
def launch():
    return speak("hello")
"""

PKI: Final = TestPKI()
URL: Final = "signaturecertchainurl"


def _launch() -> bytes:
    """A LaunchRequest made now: one made as the module was imported was too old to be taken
    once the suite had run for minutes (13 min under CI's load: a 400 for its timestamp)."""
    return json.dumps(RequestFactory().envelope("LaunchRequest")).encode()


def _raw(
    genuine: bytes,
    *,
    method: bytes = b"POST",
    path: bytes = b"/",
    version: bytes = b"HTTP/1.1",
    replace: dict[str, bytes] | None = None,
    add: tuple[bytes, ...] = (),
    length: bool = True,
    body: bytes | None = None,
) -> bytes:
    """A request as Alexa sends it (``genuine``, signed), its headers replaced (``b""`` drops
    one), added to (whole lines, sent as they are) and its body changed (``genuine``'s if None);
    ``length``: whether it says its length."""
    body = genuine if body is None else body
    headers = {"host": b"skill", "content-type": b"application/json"}
    headers.update((name.lower(), value.encode()) for name, value in PKI.sign(genuine).items())
    headers.update(replace or {})
    lines = [b"%s: %s" % (name.encode(), value) for name, value in headers.items() if value]
    if length:
        lines.append(b"content-length: %d" % len(body))
    lines += [*add, b"connection: close"]
    return b"\r\n".join([b"%s %s %s" % (method, path, version), *lines]) + b"\r\n\r\n" + body


def _chunked(body: bytes, size: int) -> bytes:
    parts = (body[i : i + size] for i in range(0, len(body), size))
    return b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts) + b"0\r\n\r\n"


_CHUNKED: Final = b"transfer-encoding: chunked"


def _hostile(genuine: bytes) -> dict[str, tuple[bytes, int]]:
    """name: (the raw request, made of ``genuine``, and the status of its answer)."""
    raw = functools.partial(_raw, genuine)
    # (Twice the body limit, 128 KB: one 10 MB long is refused before it has all been sent,
    # and the write of the rest fails here; tests/test_fuzz_direct.py sends that one.)
    huge = genuine[:-1] + b', "x": "' + b"x" * 256 * 1024 + b'"}'
    return {
        "GET": (raw(method=b"GET"), 405),
        "HEAD": (raw(method=b"HEAD"), 405),
        "OPTIONS": (raw(method=b"OPTIONS"), 405),
        "PUT": (raw(method=b"PUT"), 405),
        "a method of no HTTP": (raw(method=b"FOO"), 400),
        "path ..": (raw(path=b"/../../etc/passwd"), 404),
        "path %2e%2e": (raw(path=b"/%2e%2e/"), 404),
        "path of another byte": (raw(path=b"/\xff"), 400),
        "HTTP/0.9": (b"POST /\r\n\r\n", 400),
        "HTTP/2.0": (raw(version=b"HTTP/2.0"), 400),
        "a TLS handshake": (b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\x00" * 100, 400),
        "Content-Length too short": (raw(length=False, add=(b"content-length: 1",)), 400),
        "Content-Length -1": (raw(length=False, add=(b"content-length: -1",)), 400),
        "Content-Length twice, differing": (raw(add=(b"content-length: 5",)), 400),
        "Content-Length and chunked": (raw(add=(_CHUNKED,)), 400),
        "a chunk size not hex": (raw(length=False, add=(_CHUNKED,), body=b"zz\r\n" + genuine), 400),
        "a folded header": (
            raw(
                add=(b"x-note: a", b" b"),
            ),
            400,
        ),
        "NUL in a header": (raw(add=(b"x-note: a\x00b",)), 400),
        "no Content-Type": (raw(replace={"content-type": b""}), 415),
        "Signature-256 twice, differing": (raw(add=(b"signature-256: AAAA",)), 400),
        "the certificate URL twice, differing": (
            raw(add=(b"signaturecertchainurl: https://x/",)),
            400,
        ),
        "a Signature-256 of 65,000 characters": (
            raw(replace={"signature-256": b"A" * 65_000}),
            431,
        ),
        "the certificate URL with userinfo": (
            raw(replace={URL: b"https://s3.amazonaws.com@evil.example/echo.api/x.pem"}),
            400,
        ),
        "the certificate URL percent-escaped": (
            raw(replace={URL: b"https://s3.amazonaws.com/echo.api/%2e%2e/evil.pem"}),
            400,
        ),
        "the certificate URL on port 563": (
            raw(replace={URL: b"https://s3.amazonaws.com:563/echo.api/x.pem"}),
            400,
        ),
        "the certificate URL's host full-width": (
            raw(replace={URL: "https://\uff533.amazonaws.com/echo.api/x.pem".encode()}),
            400,
        ),
        "a body twice the limit": (raw(body=huge), 413),
        "a body twice the limit, chunked": (
            raw(length=False, add=(_CHUNKED,), body=_chunked(huge, 65_536)),
            413,
        ),
    }


def test_hostile_requests_to_a_served_skill_get_short_json_refusals(
    servers: Servers, tmp_path: Path
) -> None:
    (tmp_path / "hostile.py").write_text(SKILL, encoding="utf-8")
    PKI.save(tmp_path)
    port = free_port()
    command = [sys.executable, "-m", "alexaskill", "serve", "hostile:skill", "--port", str(port)]
    process = servers.start(command, port, cwd=tmp_path)

    def answer(raw: bytes) -> tuple[int, bytes, bytes]:
        got, _ = run(request(port, raw))
        head, _, body = got.partition(b"\r\n\r\n")
        return int(head.split(b" ")[1]), head.lower(), body

    # Sent as Alexa sends it, in one piece or in chunks of 7 bytes, the query ignored.
    launch = _launch()  # (made now, each request within a second of it)
    for genuine in (
        _raw(launch),
        _raw(launch, length=False, add=(_CHUNKED,), body=_chunked(launch, 7)),
        _raw(launch, path=b"/?a=b"),
    ):
        status, _, body = answer(genuine)
        assert status == 200 and b"hello" in body, body[:200]
    failures = []
    for name, (raw, expected) in _hostile(_launch()).items():
        status, head, body = answer(raw)
        if status != expected:
            failures.append(f"{name}: HTTP {status}, not {expected}: {body[:200]!r}")
        elif name == "HEAD":
            continue  # (no body)
        elif b"content-type: application/json" not in head or len(body) > 300:
            failures.append(f"{name}: not a short JSON answer: {head!r} {body[:200]!r}")
        elif not isinstance(json.loads(body).get("error"), str):
            failures.append(f"{name}: no reason: {body[:200]!r}")
    assert not failures, "\n".join(failures)
    assert answer(_raw(_launch()))[0] == 200  # (the worker goes on)
    servers.stop(process)
    log = servers.output[process].read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log and " ERROR " not in log and "ERROR:" not in log, log[-3000:]
