"""Security and content headers, generated: dropped, doubled, spelt in other letters or given odd
values on signed sample requests, each gets a short JSON refusal, and HTTP 200 only when it
carried the genuine signature (and nothing contradicting it or its URL).

The samples, the answer's check, the client and the run's size and seed are tests/fuzz_shared.py's,
as tests/test_fuzz.py's are: ``ALEXASKILL_FUZZ_RUNS`` and ``ALEXASKILL_FUZZ_SEED`` drive this run
too (a quarter of the runs, at least 50).
"""

from __future__ import annotations

import json
import random
from typing import Final

from alexaskill.testing import TestClient

from . import fuzz_shared
from .fuzz_shared import RUNS, SEED, _still_serving, check_answer, samples

# The fixture of tests/fuzz_shared.py, this module's too (tests/deadline_shared.py says why not
# conftest's).
fuzz_client = fuzz_shared.fuzz_client


# --- the headers ------------------------------------------------------------------------------

_CERT_URLS: Final = (
    b"",
    b" ",
    b"http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    b"https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
    b"https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
    b"https://s3.amazonaws.com/echo.api/../evil/x.pem",
    b"https://s3.amazonaws.com@evil.example/echo.api/x.pem",
    b"https://s3.amazonaws.com/echo.api/%2e%2e/x.pem",
    b"https://s3.amazonaws.com/echo.api/\xff\xfe.pem",
    b"https://s3.amazonaws.com/echo.api/" + b"a" * 100_000,
    b"https://s3.amazonaws.com/echo.api/other.pem",
)
_SIGNATURES: Final = (
    b"",
    b"=",
    b"AAAA",
    b"A" * 100_000,
    b"A" * 99_999,
    b"\xff\xfe",
    b"not base64!",
)
_CONTENT_TYPES: Final = (
    b"",
    b"text/plain",
    b"application/jsonx",
    b"application/json; charset=latin-1",
    b"application/json; charset=\xff",
    b"application/json;;;",
    b"APPLICATION/JSON; CHARSET=UTF-8",
    b"application/x-www-form-urlencoded",
    b"multipart/form-data; boundary=x",
)
_CONTENT_LENGTHS: Final = (b"", b"-1", b"0", b"1", b"+5", b"1e3", b"9" * 30, b"\xb2", b"5, 5")
_HEADER_NAMES: Final = {
    b"content-type": _CONTENT_TYPES,
    b"content-length": _CONTENT_LENGTHS,
    b"signaturecertchainurl": _CERT_URLS,
    b"signature-256": _SIGNATURES,
    b"signature": _SIGNATURES,
}


def mutate_headers(
    rng: random.Random, headers: list[tuple[bytes, bytes]], forged_signature: bytes
) -> list[tuple[bytes, bytes]]:
    """One to three changes to ``headers``: a header dropped, given an odd value, sent twice
    (with the same value or another), its name in other letters."""
    headers = list(headers)
    for _ in range(rng.randint(1, 3)):
        name = rng.choice(list(_HEADER_NAMES))
        odd = rng.choice((*_HEADER_NAMES[name], forged_signature))
        places = [i for i, (key, _) in enumerate(headers) if key.lower() == name]
        kind = rng.randrange(5)
        if kind == 0 and places:
            del headers[rng.choice(places)]
        elif kind == 1 and places:
            headers[rng.choice(places)] = (name, odd)
        elif kind == 2:
            headers.insert(rng.randrange(len(headers) + 1), (name, odd))
        elif kind == 3 and places:
            headers.insert(rng.randrange(len(headers) + 1), headers[rng.choice(places)])
        elif places:
            place = rng.choice(places)
            key, value = headers[place]
            spelt = "".join(rng.choice((char.upper(), char)) for char in key.decode())
            headers[place] = (spelt.encode(), value)
    return headers


def _genuine(headers: list[tuple[bytes, bytes]], signed: dict[str, str]) -> bool:
    """Whether ``headers`` carry the genuine signature and one certificate URL (the test PKI
    serves its chain at any URL Amazon's rules allow)."""
    urls = {value for key, value in headers if key.lower() == b"signaturecertchainurl"}
    signatures = {value for key, value in headers if key.lower() == b"signature-256"}
    return len(urls) == 1 and signatures == {signed["Signature-256"].encode()}


def test_odd_security_and_content_headers_get_a_short_json_refusal(
    fuzz_client: TestClient,
) -> None:
    """Headers dropped, doubled, of odd values: never a 500, and never a 200 unless the
    request carried the genuine signature (and nothing contradicting it or its URL)."""
    rng = random.Random(SEED)
    bases = samples()
    failures = []
    for run_number in range(max(RUNS // 4, 50)):
        body = json.dumps(rng.choice(bases)).encode()
        signed = fuzz_client.pki.sign(body, sha1=True)
        other = json.dumps({"forged": run_number}).encode()
        forged = fuzz_client.pki.sign(other)["Signature-256"].encode()
        headers = [
            (b"content-type", b"application/json"),
            *((key.lower().encode(), value.encode()) for key, value in signed.items()),
        ]
        headers = mutate_headers(rng, headers, forged)
        try:
            response = fuzz_client.http.post(fuzz_client.path, content=body, headers=headers)
        except Exception as exc:
            failures.append(f"run {run_number}: {exc!r} for {headers!r:.300}")
            continue
        try:
            payload = response.json()
        except ValueError:
            payload = None
        status = 400 if response.status_code in (413, 415) else response.status_code
        problem = check_answer(status, payload, response.content, None)
        if problem is None and status == 200 and not _genuine(headers, signed):
            problem = "accepted without the genuine signature"
        if problem is not None:
            failures.append(f"run {run_number}: {problem} for {headers!r:.300}")
    assert not failures, "\n".join(failures[:15])
    _still_serving(fuzz_client, bases[-1])
