"""What the mutation tests of the verifier's inputs share (tests/test_verify_mutations.py,
test_verify_mutations_headers.py): the run's seed and size (``ALEXASKILL_FUZZ_SEED``,
``ALEXASKILL_FUZZ_RUNS``), the longest refusal allowed, the characters a mutation puts in, a
base64 signature mutated, and whether one still decodes to the genuine bytes."""

from __future__ import annotations

import base64
import binascii
import os
import random
from typing import Final

SEED: Final = int(os.environ.get("ALEXASKILL_FUZZ_SEED", "20261205"))
RUNS: Final = int(os.environ.get("ALEXASKILL_FUZZ_RUNS", "300"))
#: The longest refusal allowed: a short reason, never a traceback.
MAX_REASON: Final = 200
#: Single characters a mutation inserts or substitutes.
CHARS: Final = "/\\.%@:?#;[]-_~ aAeEsS3\t\x00\x7f\u0430\u00e9\uff0e\u2215"
#: What a base64 signature is written with.
BASE64: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


def mutate_signature(rng: random.Random, signature: str) -> str:
    """One or two edits of a base64 ``signature``: a character replaced, inserted or dropped,
    padding added or removed, white space inside."""
    for _ in range(rng.randint(1, 2)):
        at = rng.randrange(len(signature))
        kind = rng.randrange(5)
        if kind == 0:
            signature = signature[:at] + rng.choice(BASE64) + signature[at + 1 :]
        elif kind == 1:
            signature = signature[:at] + rng.choice(BASE64) + signature[at:]
        elif kind == 2:
            signature = signature[:at] + signature[at + 1 :]
        elif kind == 3:
            signature = signature.rstrip("=") if signature.endswith("=") else signature + "="
        else:
            signature = signature[:at] + rng.choice((" ", "\t", "-", "_")) + signature[at:]
    return signature


def decodes_to(signature: str, genuine: bytes) -> bool:
    """Whether ``signature`` is strict base64 of ``genuine``."""
    try:
        return base64.b64decode(signature, validate=True) == genuine
    except (binascii.Error, ValueError):
        return False
