"""Hostile signed bodies as a served skill gets them: alexaskill's own protocol answers a whole
Alexa POST without ASGI (`alexaskill.exchange`), and each answer must be the bytes uvicorn's
protocol writes for the same request through ASGI, HTTP 200 or a short JSON 400 (413 past the
body limit), never a 500, a traceback or an ERROR line.

tests/test_fuzz.py and tests/test_adversarial_requests.py post theirs through the test client,
which is the ASGI way in: served, a skill takes it only for what is not a whole POST. Here the
same mutator's bodies (its seed and size, ``ALEXASKILL_FUZZ_SEED`` and ``ALEXASKILL_FUZZ_RUNS``,
a quarter of the runs, at least 50) and a table of the shapes an attacker would try first go
to both protocols (tests/exchange_harness.py, no socket).
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import random
from collections.abc import Callable
from typing import Any, Final

import pytest

from alexaskill import Skill
from alexaskill.testing import TestPKI
from tests import exchange_harness
from tests.exchange_harness import DOCKER, post, same, serve
from tests.server_protocols import on_httptools

from .fuzz_mutator import encode, mutate
from .fuzz_shared import NOW, RUNS, SEED, check_answer, samples
from .typed_skill import make_skill

# The fixture of tests/exchange_harness.py, this module's too (tests/deadline_shared.py says why
# not conftest's).
through_asgi = exchange_harness.through_asgi

#: A PKI whose chain is valid at the samples' time (tests/fuzz_shared.py's ``NOW``).
PKI: Final = TestPKI(valid_at=NOW)


@pytest.fixture
def skill(through_asgi: list[str], caplog: pytest.LogCaptureFixture) -> Any:
    """tests/typed_skill.py's skill, its app built (the first request takes ASGI), which fails
    its test on an ERROR line or a traceback logged."""
    built = make_skill()
    built.verifier = PKI.verifier(now=lambda: NOW)
    serve(on_httptools(), built, [_signed(b"{}")], **DOCKER)
    through_asgi.clear()
    with caplog.at_level(logging.INFO, logger="alexaskill"):
        yield built
    errors = [
        f"{record.name}: {record.getMessage()[:300]}"
        for record in caplog.records
        if record.levelno >= logging.ERROR or record.exc_info
    ]
    assert not errors, "\n".join(errors[:10])


def _signed(body: bytes) -> bytes:
    signature = (f"{name}: {value}" for name, value in PKI.sign(body).items())
    return post(body, "content-type: application/json", *signature)


def _problem(skill: Skill, body: bytes) -> tuple[int, str | None]:
    """The status both protocols answered ``body`` with, and what is wrong with the answer."""
    try:
        answered, _ = same(skill, [_signed(body)], **DOCKER)
    except AssertionError as exc:  # the protocols wrote different bytes, or logged otherwise
        return 0, f"not answered as through ASGI: {str(exc)[:300]}"
    head, _, payload = b"".join(part for part in answered if isinstance(part, bytes)).partition(
        b"\r\n\r\n"
    )
    status = int(head.split()[1])
    try:
        parsed = json.loads(payload)
    except ValueError:
        parsed = None
    return status, check_answer(status, parsed, payload, None, len(body))


def test_mutated_bodies_are_answered_directly_as_through_asgi(
    skill: Skill, through_asgi: list[str]
) -> None:
    rng = random.Random(SEED)
    bases = samples()
    runs = max(RUNS // 4, 50)
    failures, statuses = [], set()
    for run_number in range(runs):
        body = encode(rng, mutate(rng, rng.choice(bases)))
        status, problem = _problem(skill, body)
        statuses.add(status)
        if problem is not None:
            failures.append(f"run {run_number}: {problem} for {body[:300]!r}")
    assert not failures, f"{len(failures)} of {runs}:\n" + "\n".join(failures[:15])
    assert {200, 400} <= statuses, statuses  # (both kinds of answer were seen)
    assert len(through_asgi) == runs  # uvicorn's protocol's: alexaskill's answered each directly


# --- the shapes an attacker tries first -----------------------------------------------------


def _typed() -> dict[str, Any]:
    """The samples' valid IntentRequest whose handler takes a slot of every type."""
    (typed,) = (s for s in samples() if s["request"].get("intent", {}).get("name") == "Typed")
    return typed


def _changed(change: Callable[[dict[str, Any]], None]) -> bytes:
    envelope = copy.deepcopy(_typed())
    change(envelope)
    return json.dumps(envelope).encode()


def _intent(value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda envelope: envelope["request"].__setitem__("intent", value)


def _slots(value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda envelope: envelope["request"]["intent"].__setitem__("slots", value)


def _slot_field(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(envelope: dict[str, Any]) -> None:
        for slot in envelope["request"]["intent"]["slots"].values():
            slot[field] = value

    return change


_ODD_RESOLUTIONS: Final = {
    "resolutionsPerAuthority": [
        "ER_SUCCESS_MATCH",
        {"status": "ER_SUCCESS_MATCH", "values": {"value": "red"}},
        {"status": {"code": ["ER_SUCCESS_MATCH"]}, "values": [{"value": {"name": 5, "id": {}}}]},
    ]
}


@functools.cache
def _valid() -> bytes:
    """The samples' valid IntentRequest, as sent."""
    return json.dumps(_typed()).encode()


#: name: (what makes the body, the status both protocols answer it with). The bodies are made
#: by the test that sends them, not at import: 10 MB, and 14 readings of the samples, cost
#: every process collecting the suite 0.1 s of CPU.
_SHAPES: Final[dict[str, tuple[Callable[[], bytes], int]]] = {
    "valid": (_valid, 200),
    "intent null": (lambda: _changed(_intent(None)), 400),
    "intent a list": (lambda: _changed(_intent([{"name": "Typed"}])), 400),
    "slots a list": (lambda: _changed(_slots([{"name": "text", "value": "x"}])), 400),
    # (as many as fit under the 128 KB limit: each is a name the handler does not take)
    "4,000 slots": (
        lambda: _changed(_slots({f"s{i}": {"name": f"s{i}"} for i in range(4000)})),
        200,
    ),
    "slot values numbers": (lambda: _changed(_slot_field("value", 5)), 400),
    "slot values objects": (lambda: _changed(_slot_field("value", {"value": "5"})), 400),
    "resolutions of odd shapes": (
        lambda: _changed(_slot_field("resolutions", _ODD_RESOLUTIONS)),
        400,
    ),
    "UTF-16 with a byte order mark": (lambda: json.dumps(_typed()).encode("utf-16"), 400),
    "UTF-32": (lambda: json.dumps(_typed()).encode("utf-32"), 400),
    "truncated": (lambda: _valid()[: len(_valid()) // 2], 400),
    "NaN": (lambda: _valid().replace(b'"version": "1.0"', b'"version": NaN'), 400),
    "10**400": (
        lambda: _valid().replace(b'"version": "1.0"', b'"version": 1' + b"0" * 400),
        400,
    ),
    "lone surrogate": (lambda: _valid().replace(b'"Typed"', b'"Ty\\udc00ped"'), 400),
    "not UTF-8": (lambda: _valid().replace(b'"Typed"', b'"Ty\xffped"'), 400),
    "nested 10,000 deep": (
        lambda: _valid()[:-1] + b', "x": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
        400,
    ),
    "10 MB": (lambda: _valid()[:-1] + b', "x": "' + b"x" * 10_000_000 + b'"}', 413),
}


@pytest.mark.parametrize("name", list(_SHAPES))
def test_an_attackers_first_shapes_are_answered_directly_as_through_asgi(
    skill: Skill, through_asgi: list[str], name: str
) -> None:
    make, expected = _SHAPES[name]
    body = make()
    status, problem = _problem(skill, body)
    assert problem is None, problem
    assert status == expected
    assert len(through_asgi) == 1  # uvicorn's protocol's: alexaskill's answered directly
