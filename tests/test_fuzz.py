"""Malformed, forged and odd requests, generated: every one gets HTTP 200 or a short JSON 400.

A seeded mutator takes the sample envelopes under ``tests/fixtures/requests`` (and one intent
whose slots are of every type a handler can take), breaks them structurally (wrong types, nulls,
huge numbers, deep nesting, huge strings, lone surrogates in JSON escapes, duplicate keys,
missing and extra fields, odd slot values and resolutions, odd timestamps, numbers past their
types' range), signs each body with the test PKI as Alexa would and posts it to a skill whose
handlers take typed slots (tests/typed_skill.py). Each answer must be 200 (the handler ran, and
saw slots of the types it declared, and typed integers within Amazon's types) or 400 with a short
JSON reason: never a 500, a traceback, an ERROR line, or a worker that stops answering.
tests/test_fuzz_headers.py does the same to the security and content headers.

The committed run is short, with a fixed seed. For a longer one (both modules read the two
variables, in tests/fuzz_shared.py)::

    ALEXASKILL_FUZZ_RUNS=20000 ALEXASKILL_FUZZ_SEED=7 .venv/bin/python -m pytest -n 0 \
        tests/test_fuzz.py tests/test_fuzz_headers.py
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable

from alexaskill.testing import TestClient

from . import fuzz_shared
from .fuzz_mutator import encode, mutate
from .fuzz_shared import RUNS, SEED, _still_serving, check_answer, samples

# The fixture of tests/fuzz_shared.py, this module's too (tests/deadline_shared.py says why not
# conftest's).
fuzz_client = fuzz_shared.fuzz_client


# --- running ----------------------------------------------------------------------------------


def run(
    client: TestClient, seed: int, runs: int, build: Callable[[random.Random], bytes]
) -> list[str]:
    rng = random.Random(seed)
    failures: list[str] = []
    for run_number in range(runs):
        body = build(rng)
        try:
            result = client.post(body, client.pki.sign(body))
        except Exception as exc:  # a 500 the test client raises, a crash in the app
            failures.append(f"run {run_number}: {exc!r} for {body[:300]!r}")
            continue
        raw = json.dumps(result.json).encode() if result.json is not None else b""
        problem = check_answer(
            result.status_code, result.json, raw, result.handler_error, len(body)
        )
        if problem is not None:
            failures.append(f"run {run_number}: {problem} for {body[:300]!r}")
    return failures


def test_the_samples_pass_unchanged(fuzz_client: TestClient) -> None:
    """The mutator's starting points reach their handlers (else a mutation tests nothing)."""
    for sample in samples():
        body = json.dumps(sample).encode()
        result = fuzz_client.post(body, fuzz_client.pki.sign(body))
        assert result.status_code == 200, (sample["request"]["type"], result.json)
        assert result.handler_error is None, result.handler_error


def test_mutated_signed_requests_get_200_or_a_short_json_400(fuzz_client: TestClient) -> None:
    bases = samples()

    def build(rng: random.Random) -> bytes:
        return encode(rng, mutate(rng, rng.choice(bases)))

    failures = run(fuzz_client, SEED, RUNS, build)
    assert not failures, f"{len(failures)} of {RUNS}:\n" + "\n".join(failures[:15])
    _still_serving(fuzz_client, bases[-1])
