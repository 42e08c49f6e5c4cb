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
BODY: Final = json.dumps(RequestFactory().envelope("LaunchRequest")).encode()
SIGNED: Final = {name.lower(): value for name, value in PKI.sign(BODY).items()}
URL: Final = "signaturecertchainurl"


def _raw(
    *,
    method: bytes = b"POST",
    path: bytes = b"/",
    version: bytes = b"HTTP/1.1",
    replace: dict[str, bytes] | None = None,
    add: tuple[bytes, ...] = (),
    length: bool = True,
    body: bytes = BODY,
) -> bytes:
    """A request as Alexa sends it, its headers replaced (``b""`` drops one), added to (whole
    lines, sent as they are) and its body changed; ``length``: whether it says its length."""
    headers = {"host": b"skill", "content-type": b"application/json"}
    headers.update((name, value.encode()) for name, value in SIGNED.items())
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
# (Twice the body limit, 128 KB: one 10 MB long is refused before it has all been sent, and the
# write of the rest fails here; tests/test_fuzz_direct.py sends that one.)
_HUGE: Final = BODY[:-1] + b', "x": "' + b"x" * 256 * 1024 + b'"}'

#: name: (the raw request, the status of its answer).
HOSTILE: Final[dict[str, tuple[bytes, int]]] = {
    "GET": (_raw(method=b"GET"), 405),
    "HEAD": (_raw(method=b"HEAD"), 405),
    "OPTIONS": (_raw(method=b"OPTIONS"), 405),
    "PUT": (_raw(method=b"PUT"), 405),
    "a method of no HTTP": (_raw(method=b"FOO"), 400),
    "path ..": (_raw(path=b"/../../etc/passwd"), 404),
    "path %2e%2e": (_raw(path=b"/%2e%2e/"), 404),
    "path of another byte": (_raw(path=b"/\xff"), 400),
    "HTTP/0.9": (b"POST /\r\n\r\n", 400),
    "HTTP/2.0": (_raw(version=b"HTTP/2.0"), 400),
    "a TLS handshake": (b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\x00" * 100, 400),
    "Content-Length too short": (_raw(length=False, add=(b"content-length: 1",)), 400),
    "Content-Length -1": (_raw(length=False, add=(b"content-length: -1",)), 400),
    "Content-Length twice, differing": (_raw(add=(b"content-length: 5",)), 400),
    "Content-Length and chunked": (_raw(add=(_CHUNKED,)), 400),
    "a chunk size not hex": (_raw(length=False, add=(_CHUNKED,), body=b"zz\r\n" + BODY), 400),
    "a folded header": (
        _raw(
            add=(b"x-note: a", b" b"),
        ),
        400,
    ),
    "NUL in a header": (_raw(add=(b"x-note: a\x00b",)), 400),
    "no Content-Type": (_raw(replace={"content-type": b""}), 415),
    "Signature-256 twice, differing": (_raw(add=(b"signature-256: AAAA",)), 400),
    "the certificate URL twice, differing": (
        _raw(add=(b"signaturecertchainurl: https://x/",)),
        400,
    ),
    "a Signature-256 of 65,000 characters": (_raw(replace={"signature-256": b"A" * 65_000}), 431),
    "the certificate URL with userinfo": (
        _raw(replace={URL: b"https://s3.amazonaws.com@evil.example/echo.api/x.pem"}),
        400,
    ),
    "the certificate URL percent-escaped": (
        _raw(replace={URL: b"https://s3.amazonaws.com/echo.api/%2e%2e/evil.pem"}),
        400,
    ),
    "the certificate URL on port 563": (
        _raw(replace={URL: b"https://s3.amazonaws.com:563/echo.api/x.pem"}),
        400,
    ),
    "the certificate URL's host full-width": (
        _raw(replace={URL: "https://\uff533.amazonaws.com/echo.api/x.pem".encode()}),
        400,
    ),
    "a body twice the limit": (_raw(body=_HUGE), 413),
    "a body twice the limit, chunked": (
        _raw(length=False, add=(_CHUNKED,), body=_chunked(_HUGE, 65_536)),
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
    for genuine in (
        _raw(),
        _raw(length=False, add=(_CHUNKED,), body=_chunked(BODY, 7)),
        _raw(path=b"/?a=b"),
    ):
        status, _, body = answer(genuine)
        assert status == 200 and b"hello" in body, body[:200]
    failures = []
    for name, (raw, expected) in HOSTILE.items():
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
    assert answer(_raw())[0] == 200  # (the worker goes on)
    servers.stop(process)
    log = servers.output[process].read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log and " ERROR " not in log and "ERROR:" not in log, log[-3000:]
