"""Seeded character-level mutations of what tests/test_verify_mutations.py leaves alone: the
``Content-Type`` the endpoint reads before any check, the legacy SHA-1 ``Signature`` beside (or
instead of) ``Signature-256``, and the application id in ``context.System.application`` and
``session.application``.

What must hold: a mutated request is answered only when an independent reading here says it
should be (JSON in UTF-8; the signature header the verifier must read decodes to the genuine
bytes; the id is the skill's, exactly), and is otherwise refused with a short JSON reason (415
for the media type, 400 for the rest), never a 500. Bounded and fast (a fixed seed); for a longer
run, ``ALEXASKILL_FUZZ_RUNS`` and ``ALEXASKILL_FUZZ_SEED`` as in tests/test_verify_mutations.py.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Iterator
from typing import Any, Final

import httpx2  # (what Starlette's test client answers with)
import pytest

from alexaskill.exceptions import VerificationError
from alexaskill.testing import TestClient, TestPKI

from .skill_ids import SKILL_ID
from .verify_mutations_shared import (
    CHARS,
    MAX_REASON,
    RUNS,
    SEED,
    decodes_to,
    mutate_signature,
)
from .verify_shared import BODY, NOW, genuine_launch, hello_client, run

pytestmark = pytest.mark.oldest_dependencies

_GENUINE_TYPE: Final = "application/json; charset=utf-8"
#: Characters a media-type mutation inserts or substitutes, besides the URL mutator's.
_TYPE_CHARS: Final = CHARS + ";=\"',+*xX8"


def _edit(rng: random.Random, text: str, chars: str) -> str:
    """One to three edits of ``text``: a character of ``chars`` inserted or substituted, up to
    four deleted, or a span's case changed."""
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(text) + 1)
        kind = rng.randrange(4)
        if kind == 0:
            text = text[:at] + rng.choice(chars) + text[at:]
        elif kind == 1:
            text = text[:at] + rng.choice(chars) + text[at + 1 :]
        elif kind == 2:
            text = text[:at] + text[at + rng.randint(1, 4) :]
        else:
            text = text[:at] + text[at : at + 6].swapcase() + text[at + 6 :]
    return text


def _json_in_utf8(content_type: str) -> bool:
    """RFC 9110's reading of a media type, done here on its own: ``application/json`` in any
    case, its parameters after semicolons, a ``charset`` (if any) UTF-8."""
    media_type, *parameters = content_type.lower().split(";")
    if media_type.strip(" \t") != "application/json":
        return False
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip(" \t") == "charset" and value.strip(" \t").strip('"') not in (
            "utf-8",
            "utf8",
        ):
            return False
    return True


def _short_refusal(response: httpx2.Response, status: int) -> str | None:
    """Why ``response`` is not a short JSON refusal of ``status``, or None."""
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if (
        response.status_code != status
        or response.headers.get("content-type") != "application/json"
        or not isinstance(payload, dict)
        or set(payload) != {"error"}
        or not isinstance(payload["error"], str)
        or len(payload["error"]) > MAX_REASON
    ):
        return f"{response.status_code} {response.text[:200]}"
    return None


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    yield from hello_client()


def test_mutated_content_types_are_answered_only_when_json_in_utf8(client: TestClient) -> None:
    rng = random.Random(SEED + 3)
    failures = []
    answered = refused = 0
    # One genuine body, signed once, under each media type: the type is what is mutated (a body
    # made and signed twice a run, SHA-256 and SHA-1, was a third of this test's CPU).
    body = genuine_launch(client)
    signed = [(k.lower().encode(), v.encode()) for k, v in client.pki.sign(body).items()]
    for run_number in range(RUNS):
        content_type = _edit(rng, _GENUINE_TYPE, _TYPE_CHARS)
        headers = [(b"content-type", content_type.encode("utf-8")), *signed]
        try:
            response = client.http.post(client.path, content=body, headers=headers)
        except httpx2.LocalProtocolError:  # (a header the HTTP client refuses to send: a NUL)
            continue
        if _json_in_utf8(content_type):
            answered += 1
            problem = None if response.status_code == 200 else response.text[:200]
        else:
            refused += 1
            problem = _short_refusal(response, 415)
        if problem is not None:
            failures.append(f"run {run_number}: {content_type!r}: {problem}")
    assert not failures, "\n".join(failures[:15])
    assert answered > RUNS // 10 and refused > RUNS // 10  # both sides reached


def test_mutated_application_ids_are_answered_only_when_the_skills(client: TestClient) -> None:
    rng = random.Random(SEED + 4)
    failures = []
    answered = 0
    for run_number in range(RUNS):
        envelope: dict[str, Any] = client.factory.envelope("LaunchRequest")
        sent = _edit(rng, SKILL_ID, CHARS) if rng.random() < 0.8 else SKILL_ID
        where = rng.choice(("context", "session", "both"))
        if where != "session":
            envelope["context"]["System"]["application"]["applicationId"] = sent
        if where != "context":
            envelope["session"]["application"]["applicationId"] = sent
        result = client.send_envelope(envelope)
        payload = result.json
        if sent == SKILL_ID:
            answered += 1
            if result.speech != "Hello.":
                failures.append(f"run {run_number}: {where} {sent!r}: {payload!r:.200}")
        elif (
            result.status_code != 400
            or not isinstance(payload, dict)
            or set(payload) != {"error"}
            or len(payload["error"]) > MAX_REASON
        ):
            failures.append(f"run {run_number}: {where} {sent!r}: {result.status_code}")
    assert not failures, "\n".join(failures[:15])
    assert answered > RUNS // 20


def test_mutated_sha1_signatures_count_only_alone_and_when_allowed(pki: TestPKI) -> None:
    """``Signature`` (SHA-1) mutated, alone or beside a genuine or mutated ``Signature-256``:
    the SHA-256 one decides whenever it is sent; SHA-1 alone passes only with ``allow_sha1``."""
    rng = random.Random(SEED + 5)
    lenient = pki.verifier(allow_sha1=True, now=lambda: NOW)
    strict = pki.verifier(now=lambda: NOW)
    failures = []
    passed = 0

    async def outcome(verifier: Any, headers: dict[str, str]) -> bool | str:
        try:
            await verifier.verify(headers, BODY)
        except VerificationError as exc:
            return f"a reason over {MAX_REASON}: {exc}" if len(str(exc)) > MAX_REASON else False
        except Exception as exc:  # any other: a bug
            return repr(exc)
        return True

    # BODY's signatures, made once: PKCS #1 v1.5 signs the same bytes alike at every run.
    signed = pki.sign(BODY, sha1=True)
    genuine_sha1 = base64.b64decode(signed["Signature"])
    genuine_sha256 = base64.b64decode(signed["Signature-256"])
    for run_number in range(RUNS):
        headers = dict(signed)
        mode = rng.randrange(3)  # SHA-1 alone, beside the genuine SHA-256, beside a mutated one
        if mode == 0:
            del headers["Signature-256"]
        if rng.random() < 0.7:
            headers["Signature"] = mutate_signature(rng, headers["Signature"])
        if mode == 2:
            headers["Signature-256"] = mutate_signature(rng, headers["Signature-256"])
        if "Signature-256" in headers:
            expected = decodes_to(headers["Signature-256"], genuine_sha256)
            expected_strict = expected
        else:
            expected = decodes_to(headers["Signature"], genuine_sha1)
            expected_strict = False
        for verifier, wanted in ((lenient, expected), (strict, expected_strict)):
            got = run(outcome(verifier, headers))
            if got != wanted:
                failures.append(f"run {run_number}: {got!r}, not {wanted} for {headers!r:.300}")
            passed += got is True
    assert not failures, "\n".join(failures[:15])
    assert passed > RUNS // 10
