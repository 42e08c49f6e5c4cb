"""Seeded character-level mutations of a genuine ``SignatureCertChainUrl``, ``Signature-256``
and ``request.timestamp``.

tests/test_fuzz_headers.py mutates whole headers with a fixed list of odd values; this one
mutates the URL and the signature a character or a token at a time (dot segments, slashes,
backslashes, percent-escapes, userinfo, ports, case, non-ASCII, controls), the way a forger
probing the parser would. What must hold:

- `check_cert_url` either refuses with a short `CertificateUrlError`, or returns a URL that
  httpx (which downloads it) reads as ``https`` on ``s3.amazonaws.com`` at the default port,
  with a file under ``/echo.api/``, no dot segment, query, fragment or userinfo; and httpx reads
  the URL as sent the same way (no URL accepted that another parser sends elsewhere);
- through a skill, a mutated request is answered only if its URL passes and its signature
  decodes to the genuine bytes, and is otherwise a 400 with a short JSON reason;
- `read_timestamp` refuses a mutated timestamp with `TimestampError`, or it is ISO 8601 by a
  grammar of its own here (two digits a field, minutes and offsets in range), read as that
  grammar reads it.

Bounded and fast (a fixed seed; no clock-dependent assertion). For a longer run::

    ALEXASKILL_FUZZ_RUNS=20000 ALEXASKILL_FUZZ_SEED=9 .venv/bin/python -m pytest -n 0 \
        tests/test_verify_mutations.py
"""

from __future__ import annotations

import base64
import random
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Final

import httpx
import pytest

from alexaskill.exceptions import CertificateUrlError, TimestampError
from alexaskill.testing import TestClient
from alexaskill.timestamps import read_timestamp
from alexaskill.verify import check_cert_url

from .verify_mutations_shared import CHARS, MAX_REASON, RUNS, SEED, decodes_to, mutate_signature
from .verify_shared import genuine_launch, hello_client

pytestmark = pytest.mark.oldest_dependencies

GENUINE_URL: Final = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"
PREFIX: Final = "https://s3.amazonaws.com/echo.api/"

#: Tokens a mutation inserts: the pieces URL parsers disagree on.
_TOKENS: Final = (
    "..",
    "./",
    "../",
    "/..",
    "/.",
    "//",
    ":443",
    ":80",
    ":",
    "@",
    "evil.example",
    "@evil.example",
    "evil.example@",
    "%2e",
    "%2f",
    "%2E%2E",
    "\\..\\",
    "echo.api",
    "/echo.api/",
    "s3.amazonaws.com",
    "https://",
    "http:",
    "[::1]",
    "?x=1",
    "#/echo.api/",
)


def mutate_url(rng: random.Random, url: str) -> str:
    """One to four edits of ``url``: a character or token inserted, replaced or deleted, or a
    span's case changed."""
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(url) + 1)
        kind = rng.randrange(5)
        if kind == 0:
            url = url[:at] + rng.choice(CHARS) + url[at:]
        elif kind == 1:
            url = url[:at] + rng.choice(_TOKENS) + url[at:]
        elif kind == 2 and url:
            url = url[:at] + rng.choice(CHARS) + url[at + 1 :]
        elif kind == 3 and url:
            url = url[:at] + url[at + rng.randint(1, 4) :]
        else:
            end = min(len(url), at + rng.randint(1, 8))
            url = url[:at] + url[at:end].swapcase() + url[end:]
    return url


def _problem_with_accepted(sent: str, checked: str) -> str | None:
    """Why ``checked``, what `check_cert_url` returned for ``sent``, is not safe to download,
    or None."""
    try:
        parsed = httpx.URL(checked)
        as_sent = httpx.URL(sent)
    except Exception as exc:  # (httpx's own InvalidURL, or a ValueError)
        return f"httpx cannot read an accepted URL: {exc!r}"
    where = (parsed.scheme, parsed.host, parsed.port, parsed.userinfo)
    if where != ("https", "s3.amazonaws.com", None, b""):
        return f"downloaded from {parsed.scheme}://{parsed.userinfo!r}@{parsed.host}:{parsed.port}"
    if parsed.query or parsed.fragment or not checked.startswith(PREFIX):
        return "a query, a fragment, or not under the prefix"
    path = parsed.path
    segments = path.split("/")
    if not path.startswith("/echo.api/") or "." in segments or ".." in segments:
        return f"downloaded path {path!r}"
    if not segments[-1] and len(segments) == 3:
        return "no file name"
    if (as_sent.host, as_sent.port) != ("s3.amazonaws.com", None):
        return f"httpx reads the URL as sent as host {as_sent.host!r}, port {as_sent.port}"
    if not as_sent.path.startswith("/echo.api/"):
        return f"httpx reads the URL as sent as path {as_sent.path!r}"
    if check_cert_url(checked) != checked:
        return "not idempotent"
    return None


def test_mutated_cert_urls_are_refused_or_safe_to_download() -> None:
    rng = random.Random(SEED)
    failures = []
    accepted = refused = 0
    for run in range(RUNS * 10):
        url = mutate_url(rng, GENUINE_URL)
        try:
            checked = check_cert_url(url)
        except CertificateUrlError as exc:
            refused += 1
            reason = str(exc)
            if not reason.startswith("certificate URL: ") or len(reason) > MAX_REASON:
                failures.append(f"run {run}: {url!r}: refused as {reason!r}")
            continue
        except Exception as exc:
            failures.append(f"run {run}: {url!r}: {exc!r}")
            continue
        accepted += 1
        problem = _problem_with_accepted(url, checked)
        if problem is not None:
            failures.append(f"run {run}: {url!r} -> {checked!r}: {problem}")
    assert not failures, "\n".join(failures[:15])
    # The mutator reaches both sides (else it tests nothing).
    assert accepted > RUNS // 10
    assert refused > RUNS


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    yield from hello_client()


def _url_passes(url: str) -> bool:
    try:
        check_cert_url(url)
    except CertificateUrlError:
        return False
    return True


def test_mutated_url_and_signature_are_answered_only_when_both_hold(client: TestClient) -> None:
    """Through a skill: a 200 only for a URL that passes with the genuine signature's bytes;
    every other mutation a 400 with a short JSON reason (never a 500)."""
    rng = random.Random(SEED + 1)
    failures = []
    answered = 0
    for run in range(RUNS):
        body = genuine_launch(client)
        headers = client.pki.sign(body, sha1=False)
        genuine_signature = base64.b64decode(headers["Signature-256"])
        if rng.random() < 0.7:
            headers["SignatureCertChainUrl"] = mutate_url(rng, GENUINE_URL)
        else:
            headers["SignatureCertChainUrl"] = GENUINE_URL
        if rng.random() < 0.5:
            headers["Signature-256"] = mutate_signature(rng, headers["Signature-256"])
        raw = [
            (b"content-type", b"application/json"),
            *((name.lower().encode(), value.encode("utf-8")) for name, value in headers.items()),
        ]
        # Every mutation reaches the skill: the test client (Starlette's, no HTTP parser in
        # between) sends a NUL, a control or a non-ASCII byte in a header as it is, and the
        # verifier refuses it with a 400 like any other. (It never raised here: a skipped
        # `httpx.LocalProtocolError` hid nothing, and would have hidden a request never checked.)
        response = client.http.post(client.path, content=body, headers=raw)
        expected = _url_passes(headers["SignatureCertChainUrl"]) and decodes_to(
            headers["Signature-256"], genuine_signature
        )
        status = response.status_code
        if expected:
            answered += 1
            if status != 200:
                failures.append(f"run {run}: {status} {response.text[:200]} for {headers!r:.300}")
            continue
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if (
            status != 400
            or not isinstance(payload, dict)
            or set(payload) != {"error"}
            or not isinstance(payload["error"], str)
            or len(payload["error"]) > MAX_REASON
            or "Traceback" in response.text
        ):
            failures.append(f"run {run}: {status} {response.text[:200]} for {headers!r:.300}")
    assert not failures, "\n".join(failures[:15])
    assert answered > RUNS // 10  # the genuine side is reached too
    body = genuine_launch(client)
    assert client.post(body, client.pki.sign(body)).speech == "Hello."


#: ISO 8601 as Alexa's timestamps could write it, for the reading to be compared with: a
#: calendar date (extended or basic), a T, t or space, hours with optional minutes and seconds
#: (extended or basic, the same throughout), a fraction of the seconds, an optional offset.
_ISO_8601: Final = re.compile(
    r"(?P<Y>\d{4})-?(?P<M>\d\d)-?(?P<D>\d\d)[Tt ]"
    r"(?P<h>\d\d)(?:(?P<c>:?)(?P<m>\d\d)(?:(?P=c)(?P<s>\d\d)(?:[.,](?P<f>\d+))?)?)?"
    r"(?P<z>[Zz]|(?P<sign>[+-])(?P<oh>\d\d)(?::?(?P<om>\d\d))?)?",
    re.A,
)
_TIMESTAMP_CHARS: Final = "0123456789:.,+-TtZzW \x00\u00e9"
_TIMESTAMP_TOKENS: Final = ("+00:60", "+24:00", ":60", "T24", "-00", "+5", "Z+", "..", ",5", "99")
_TIMESTAMPS: Final = (
    "2026-12-05T17:03:09Z",
    "2026-12-05T17:03:09.123+05:30",
    "2026-12-05t17:03:09-0800",
    "20261205T170309Z",
    "2016-12-31T23:59:60Z",
)


def mutate_timestamp(rng: random.Random, timestamp: str) -> str:
    """One to three edits of ``timestamp``: a character or token inserted, a character replaced
    or up to three deleted."""
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(timestamp) + 1)
        kind = rng.randrange(4)
        if kind == 0:
            timestamp = timestamp[:at] + rng.choice(_TIMESTAMP_CHARS) + timestamp[at:]
        elif kind == 1:
            timestamp = timestamp[:at] + rng.choice(_TIMESTAMP_TOKENS) + timestamp[at:]
        elif kind == 2:
            timestamp = timestamp[:at] + rng.choice(_TIMESTAMP_CHARS) + timestamp[at + 1 :]
        else:
            timestamp = timestamp[:at] + timestamp[at + rng.randint(1, 3) :]
    return timestamp


def _as_the_grammar_reads(timestamp: str) -> datetime | None:
    """``timestamp`` read by `_ISO_8601` and datetime's own range checks, or None if it is not
    ISO 8601 (a leap second read as the instant it ends, as the verifier reads it)."""
    match = _ISO_8601.fullmatch(timestamp)
    if match is None:
        return None
    minute, second = int(match["m"] or 0), int(match["s"] or 0)
    offset_minutes = int(match["om"] or 0)
    # 24:00:00 (its fraction all zeros) is the midnight that ends the day; no other hour-24 time.
    end_of_day = match["h"] == "24" and not (minute or second or int(match["f"] or 0))
    if int(match["h"]) > 23 + end_of_day or minute > 59 or second > 60 or offset_minutes > 59:
        return None
    zone = None
    if match["sign"]:
        size = timedelta(hours=int(match["oh"]), minutes=offset_minutes)
        if size >= timedelta(hours=24):
            return None
        zone = timezone(-size if match["sign"] == "-" else size)
    elif match["z"]:
        zone = UTC
    fraction = (match["f"] or "0")[:6].ljust(6, "0")
    try:
        moment = datetime(
            int(match["Y"]),
            int(match["M"]),
            int(match["D"]),
            0 if end_of_day else int(match["h"]),
            minute,
            min(second, 59),
            int(fraction),
            tzinfo=zone,
        )
    except ValueError:
        return None
    if end_of_day:
        return moment + timedelta(days=1)
    return moment + timedelta(seconds=1) if second == 60 else moment


def test_mutated_timestamps_are_refused_or_read_as_iso_8601_reads_them() -> None:
    rng = random.Random(SEED + 2)
    failures = []
    read = 0
    for run in range(RUNS * 10):
        timestamp = mutate_timestamp(rng, rng.choice(_TIMESTAMPS))
        try:
            moment = read_timestamp(timestamp)
        except TimestampError:
            continue
        except Exception as exc:
            failures.append(f"run {run}: {timestamp!r}: {exc!r}")
            continue
        read += 1
        expected = _as_the_grammar_reads(timestamp)
        if expected is None and moment.tzinfo is not None:  # (no offset: refused by the verifier)
            failures.append(f"run {run}: {timestamp!r} read as {moment}, not ISO 8601")
        elif expected is not None and expected != moment:
            failures.append(f"run {run}: {timestamp!r} read as {moment}, not {expected}")
    assert not failures, "\n".join(failures[:15])
    assert read > RUNS // 10
