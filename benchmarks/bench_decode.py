"""Cost of `decode_envelope` against a bare msgspec decode and `json.loads` of the same bodies.

The bodies are the load benchmark's: ~2.8 KB, 20% LaunchRequest, 80% IntentRequest with a
resolved slot, some with non-ASCII city names. Every candidate decodes the same bodies in the
same order, in the same run. ``decode_envelope`` does more than the references (typed values,
a UTF-8 check, a per-type request class), so its ratio to the bare msgspec decode is the price of
typing; the ratio to ``json.loads`` is what a skill gains over decoding into dicts.

Run from the repository root with alexaskill installed (``pip install -e .``) or with
``PYTHONPATH=.``: ``python benchmarks/bench_decode.py``.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import msgspec

from alexaskill.models import decode_envelope
from benchmarks.envelopes import Workload, encode
from benchmarks.timing import per_call

ROUNDS = 7
CALLS = 20_000


def main() -> None:
    workload = Workload(64)
    pool = [encode(envelope) for envelope in workload.envelopes]
    bodies = list(itertools.islice(itertools.cycle(pool), CALLS))
    intents = [b for b, kind in zip(pool, workload.kinds, strict=True) if kind == "intent"]
    any_decoder = msgspec.json.Decoder(Any)
    dict_decoder = msgspec.json.Decoder(dict[str, Any])

    def typed() -> None:
        for body in bodies:
            decode_envelope(body)

    def bare_any() -> None:
        decode = any_decoder.decode
        for body in bodies:
            decode(body)

    def bare_dict() -> None:
        decode = dict_decoder.decode
        for body in bodies:
            decode(body)

    def stdlib() -> None:
        for body in bodies:
            json.loads(body)

    costs = per_call(
        {
            "decode_envelope": typed,
            "msgspec Any": bare_any,
            "msgspec dict": bare_dict,
            "json.loads": stdlib,
        },
        CALLS,
        ROUNDS,
    )
    sizes = [len(body) for body in pool]
    print(
        f"bodies: {len(pool)} ({len(intents)} IntentRequest), mean {sum(sizes) / len(sizes):,.0f} "
        f"bytes, {sum(not b.isascii() for b in pool)} with non-ASCII text"
    )
    print(f"decode_envelope():                   {costs['decode_envelope'] * 1e6:7.2f} µs/call")
    print(f"msgspec.json.decode (Any):           {costs['msgspec Any'] * 1e6:7.2f} µs/call")
    print(f"msgspec.json.decode (dict[str,Any]): {costs['msgspec dict'] * 1e6:7.2f} µs/call")
    print(f"json.loads:                          {costs['json.loads'] * 1e6:7.2f} µs/call")
    typed_cost = costs["decode_envelope"]
    print(f"ratio to msgspec Any: {typed_cost / costs['msgspec Any']:.2f}x")
    print(f"ratio to json.loads:  {typed_cost / costs['json.loads']:.2f}x")


if __name__ == "__main__":
    main()
