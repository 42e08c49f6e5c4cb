"""An invocation of the skill's ASGI app behind Mangum, its lifespan "auto" (Mangum's default)
against "off": what the lifespan's start and shutdown around each invocation cost.

A function URL's event (API Gateway's HTTP API, version 2.0) carrying a signed IntentRequest,
whose handler counts the user's visits in a `memory://` store; the skill on "AWS Lambda" (the
runtime's variables set), its verifier the test PKI's (no download). Each mode's instance is
started by a first invocation, then timed; interleaved rounds, each mode's fastest kept, CPU
time of this thread (Mangum runs the app on this thread's event loop), in one process. Not
measured: what "auto" saves, the HTTP client kept for the instance, whose connection to Alexa's
APIs a later invocation's call reuses where "off" makes a client, and a TLS handshake, a call.

Mangum is no dependency of alexaskill's (the test extra installs it, for this script's test):
``pip install mangum`` (0.22 runs every invocation on one event loop; 0.20.0 each in a loop of
its own, where no client is kept), then

    python benchmarks/bench_mangum_lifespan.py
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from alexaskill import Skill, speak
from alexaskill.responses import Response
from alexaskill.store import Attributes
from alexaskill.testing import RequestFactory, TestPKI
from benchmarks.timing import per_call

SKILL_ID = "amzn1.ask.skill.11111111-1111-1111-1111-111111111111"
HOST = "abc.lambda-url.us-east-1.on.aws"


class _Context:
    """The part of the Lambda context alexaskill reads (Mangum puts it in the scope)."""

    aws_request_id = "8476a536-e9f4-11e8-9739-2dfe598c3fcd"

    def get_remaining_time_in_millis(self) -> int:
        return 7000


def _skill(pki: TestPKI) -> Skill:
    skill = Skill(SKILL_ID, store="memory://")

    @skill.intent("Count")
    def count(attributes: Attributes) -> Response:
        attributes["visits"] = attributes.get("visits", 0) + 1
        return speak("Counted.")

    skill.verifier = pki.verifier()
    return skill


def _events(pki: TestPKI, count: int) -> Iterator[dict[str, Any]]:
    """``count`` function URL events, each a fresh signed IntentRequest (made before the timing:
    a signature costs more than an invocation)."""
    factory = RequestFactory(SKILL_ID)
    made = []
    for _ in range(count):
        body = json.dumps(factory.intent("Count"))
        headers = {"content-type": "application/json", "host": HOST, **pki.sign(body.encode())}
        http = {"method": "POST", "path": "/", "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1"}
        context = {"http": http, "domainName": HOST, "requestId": "r", "stage": "$default"}
        made.append(
            {
                "version": "2.0",
                "routeKey": "$default",
                "rawPath": "/",
                "rawQueryString": "",
                "headers": headers,
                "requestContext": context,
                "body": body,
                "isBase64Encoded": False,
            }
        )
    return iter(made)


def _candidate(mode: str, pki: TestPKI, calls: int, rounds: int) -> Callable[[], None]:
    from mangum import Mangum

    handler = Mangum(_skill(pki), lifespan=mode)
    events = _events(pki, calls * (rounds + 1) + 1)
    context = _Context()

    def invoke() -> None:
        answer = handler(next(events), context)
        if answer["statusCode"] != 200:
            raise SystemExit(f"{mode}: HTTP {answer['statusCode']}: {answer.get('body')}")

    invoke()  # the instance's first invocation: the skill's start

    def run() -> None:
        for _ in range(calls):
            invoke()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="invocations a round")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    try:
        import mangum  # noqa: F401
    except ImportError:
        raise SystemExit("bench_mangum_lifespan: needs Mangum (pip install mangum)") from None
    os.environ["AWS_LAMBDA_FUNCTION_NAME"] = "skill"
    os.environ["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:9001"
    logging.disable(logging.WARNING)  # (the request lines, the test PKI's warning: in both)
    pki = TestPKI.default()
    candidates = {
        f"lifespan={mode!r}": _candidate(mode, pki, args.calls, args.rounds)
        for mode in ("auto", "off")
    }
    best = per_call(candidates, args.calls, args.rounds, clock=time.thread_time)
    off = best["lifespan='off'"]
    for name, seconds in best.items():
        print(f"{name:18} {seconds * 1e6:8.1f} µs an invocation  {seconds / off:5.2f}x")


if __name__ == "__main__":
    main()
