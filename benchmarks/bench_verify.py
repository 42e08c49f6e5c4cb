"""Cost of a warm `Verifier.verify()` against a bare RSA-2048 PKCS#1 v1.5 SHA-256 verify.

Both are measured in the same run on the same ~2.8 KB body; the target is a ratio of at most 1.5.
Also printed: `Verifier.verify_signature()`, the part of the app's `verify_envelope()` before the
decode the app needs anyway (`verify()` reads the body a second time for the timestamp).
Run with alexaskill installed (``pip install -e .``): ``python benchmarks/bench_verify.py``; or from
a checkout without installing: ``PYTHONPATH=. python benchmarks/bench_verify.py``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from starlette.datastructures import Headers

from alexaskill.testing import TestPKI

ROUNDS = 7
CALLS = 5_000
TARGET = 1.5


def make_body(timestamp: str) -> bytes:
    """An IntentRequest of about 2.8 KB, shaped like Alexa's (leading space, newlines, UTF-8)."""
    slots = {
        name: {"name": name, "value": value, "confirmationStatus": "NONE", "source": "USER"}
        for name, value in [("city", "Zürich"), ("date", "2026-11-27"), ("unit", "celsius")]
    }
    envelope = {
        "version": "1.0",
        "session": {
            "new": False,
            "sessionId": "amzn1.echo-api.session.0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
            "application": {
                "applicationId": "amzn1.ask.skill.12345678-90ab-cdef-1234-567890abcdef"
            },
            "attributes": {"lastCity": "Bern", "turns": 3},
            "user": {"userId": "amzn1.ask.account." + "A" * 200},
        },
        "context": {
            "System": {
                "application": {
                    "applicationId": "amzn1.ask.skill.12345678-90ab-cdef-1234-567890abcdef"
                },
                "user": {"userId": "amzn1.ask.account." + "A" * 200},
                "device": {
                    "deviceId": "amzn1.ask.device." + "B" * 200,
                    "supportedInterfaces": {"AudioPlayer": {}, "Display": {}},
                },
                "apiEndpoint": "https://api.eu.amazonalexa.com",
                "apiAccessToken": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + "C" * 480,
            },
            "Viewport": {"shape": "RECTANGLE", "pixelWidth": 1280, "pixelHeight": 800},
        },
        "request": {
            "type": "IntentRequest",
            "requestId": "amzn1.echo-api.request.11223344-5566-7788-99aa-bbccddeeff00",
            "timestamp": timestamp,
            "locale": "de-CH",
            "intent": {"name": "GetWeather", "confirmationStatus": "NONE", "slots": slots},
        },
    }
    return (" " + json.dumps(envelope, ensure_ascii=False, indent=2) + "\n").encode()


def per_call(run: Callable[[], None]) -> float:
    """Seconds per call of one round of CALLS calls."""
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) / CALLS


def main() -> None:
    pki = TestPKI.default()
    body = make_body(datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    signed = pki.sign(body)
    headers = Headers(headers=signed)  # what a Starlette request carries
    verifier = pki.verifier()
    public_key = pki.leaf_key.public_key()
    signature = pki.leaf_key.sign(body, padding.PKCS1v15(), hashes.SHA256())

    def bare() -> None:
        pkcs1v15, sha256 = padding.PKCS1v15(), hashes.SHA256()
        for _ in range(CALLS):
            public_key.verify(signature, body, pkcs1v15, sha256)

    async def warm_loop() -> None:
        verify = verifier.verify
        for _ in range(CALLS):
            await verify(headers, body)

    async def signature_loop() -> None:
        verify_signature = verifier.verify_signature
        for _ in range(CALLS):
            await verify_signature(headers, body)

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(verifier.verify(headers, body))  # fills the cache
        for _ in range(2):  # warm up both
            bare()
            loop.run_until_complete(warm_loop())
        # Rounds alternate so that both see the same machine; the fastest round of each counts
        # (noise only ever adds time).
        bare_costs, verify_costs, signature_costs = [], [], []
        for _ in range(ROUNDS):
            bare_costs.append(per_call(bare))
            verify_costs.append(per_call(lambda: loop.run_until_complete(warm_loop())))
            signature_costs.append(per_call(lambda: loop.run_until_complete(signature_loop())))
        bare_cost, verify_cost = min(bare_costs), min(verify_costs)
        signature_cost = min(signature_costs)
    finally:
        loop.close()

    ratio = verify_cost / bare_cost
    print(f"body: {len(body)} bytes")
    print(f"bare RSA-2048 PKCS#1 v1.5 SHA-256 verify: {bare_cost * 1e6:8.2f} µs/call")
    print(f"warm Verifier.verify():                  {verify_cost * 1e6:8.2f} µs/call")
    print(f"ratio: {ratio:.2f}x (target <= {TARGET}x) {'OK' if ratio <= TARGET else 'TOO SLOW'}")
    # What the app pays on top of the decode it needs anyway: verify_envelope() is this, then
    # decode_envelope(), then the timestamp read from the decoded request.
    print(
        f"warm Verifier.verify_signature():        {signature_cost * 1e6:8.2f} µs/call "
        f"({signature_cost / bare_cost:.2f}x; no timestamp: the app reads it after its decode)"
    )


if __name__ == "__main__":
    main()
