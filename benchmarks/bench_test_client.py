"""CPU time of a `TestClient` request, as a skill's test suite makes it, by the way it is sent.

A test's request is signed (two RSA-2048 signatures, as Alexa sends ``Signature-256`` and the
legacy ``Signature``), posted to the skill in-process and answered. Starlette's test client, which
`TestClient` runs the skill in, streams each answer through eight calls into its portal's thread
(each a trip there and back); `TestClient` posts through `CarryingClient.post_whole`, one call.
The candidates, each over the README's weather skill in a started client (``with``), in the same
run:

- ``TestClient.launch()``: what a test runs (one call into the portal);
- the same request through Starlette's own transport (``post_whole`` swapped for ``post``);
- the two signatures alone, which no transport saves.

CPU time is the process's (``time.process_time``: the portal's thread as well as the test's),
the fastest of alternating rounds (`benchmarks.timing`). The request log is at WARNING (a test
run's pytest would capture its INFO lines; the same for every candidate).

Run from the repository root: ``python benchmarks/bench_test_client.py [--requests N]``.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Sequence
from typing import Any

from alexaskill.testing import TestClient
from alexaskill.testing.options import envelope_body
from benchmarks.timing import per_call

ROUNDS = 5


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests a round (200)")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"rounds ({ROUNDS})")
    args = parser.parse_args(argv)
    from examples.weather.app import skill

    request_log = logging.getLogger("alexaskill.request")
    level = request_log.level
    request_log.setLevel(logging.WARNING)
    try:
        costs = _costs(skill, args.requests, args.rounds)
    finally:
        request_log.setLevel(level)
    ours, theirs, signed = costs["one call"], costs["starlette"], costs["signing"]
    print(f"requests a round: {args.requests}, rounds: {args.rounds}, CPU time of the process")
    print(f"TestClient.launch(), one call into the portal:   {ours * 1e3:6.2f} ms/request")
    print(f"the same through Starlette's transport:          {theirs * 1e3:6.2f} ms/request")
    print(f"of either, the two signatures alone:             {signed * 1e3:6.2f} ms/request")
    print(f"Starlette's / one call: {theirs / ours:.2f}x")
    print(f"without the signatures: {(theirs - signed) / (ours - signed):.2f}x")


def _costs(skill: Any, requests: int, rounds: int) -> dict[str, float]:
    """Seconds of CPU a request of each candidate (the module's docstring)."""
    with TestClient(skill) as client:
        http = client.http
        body = envelope_body(client.factory.envelope("LaunchRequest"))

        def launches() -> None:
            for _ in range(requests):
                client.launch()

        def through_starlette() -> None:
            http.post_whole = _posting(http)  # type: ignore[method-assign]
            try:
                launches()
            finally:
                del http.post_whole  # (the class's again)

        def signing() -> None:
            for _ in range(requests):
                client.pki.sign(body)

        return per_call(
            {"one call": launches, "starlette": through_starlette, "signing": signing},
            requests,
            rounds,
            clock=time.process_time,
        )


def _posting(http: Any) -> Any:
    """``post_whole`` as Starlette's client's own ``post`` (its transport)."""

    def post(url: str, *, content: bytes, headers: Any) -> Any:
        return http.post(url, content=content, headers=headers)

    return post


if __name__ == "__main__":
    main()
