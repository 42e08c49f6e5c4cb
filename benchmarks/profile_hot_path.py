"""Where one verified request's time goes inside the app: alexaskill stage by stage, in-process.

Calls the ASGI apps the load benchmark serves directly (no server, no sockets), on the load
benchmark's pre-signed envelopes, and prints the cost per request of each stage of alexaskill's
path next to the whole of the reference apps (bare Starlette, verify + parse floor). What the
server itself costs (uvicorn, HTTP parsing, sockets) is the same for every app and is left out:
`benchmarks/load.py` measures it (the bare row).

Run from the repository root with alexaskill installed (``pip install -e .``) or with
``PYTHONPATH=.``: ``python benchmarks/profile_hot_path.py``. For a sampled profile of a server
under load, see benchmarks/README.md (py-spy).
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from alexaskill.logs import configure_logging
from alexaskill.models import decode_envelope
from alexaskill.testing import TestPKI
from benchmarks.envelopes import SignedRequest, Workload
from benchmarks.servers import bare, floor, save_pki, weather
from benchmarks.timing import per_call

try:
    from alexaskill.endpoint import _Endpoint, _read_headers
except ImportError:  # a checkout from before app.py's split (count_instructions --compare-with)
    from alexaskill.app import _Endpoint, _read_headers  # type: ignore[attr-defined,no-redef]

ROUNDS = 7
CALLS = 4_000

ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def asgi_scope(request: SignedRequest) -> dict[str, Any]:
    """The scope uvicorn would pass for ``request`` (header names lower-cased, as bytes)."""
    headers = [(b"host", b"127.0.0.1:8000")]
    headers += [(k.lower().encode(), v.encode("latin-1")) for k, v in request.headers.items()]
    headers.append((b"content-length", str(len(request.body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": "POST",
        "root_path": "",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "headers": headers,
        "state": {},
    }


def main() -> None:
    pki = TestPKI()
    signed = Workload(64).signed(pki)
    requests = list(itertools.islice(itertools.cycle(signed), CALLS))
    scopes = [asgi_scope(r) for r in requests]
    messages = [{"type": "http.request", "body": r.body, "more_body": False} for r in requests]
    # The `async` row's request log: none (load.py serves it at WARNING). Without a set-up of
    # its own the skill would write its INFO line to this terminal for every call timed.
    configure_logging("WARNING")
    with tempfile.TemporaryDirectory(prefix="alexaskill-profile-") as tmp:
        directory = save_pki(pki, Path(tmp))
        skill = weather.create_app(directory)
        apps: dict[str, ASGIApp] = {
            "bare": bare.create_app(),
            "floor": floor.create_app(directory),
            "alexaskill": skill,
        }
    loop = asyncio.new_event_loop()
    statuses: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    def serving(app: ASGIApp) -> Callable[[], None]:
        async def batch() -> None:
            for scope, message in zip(scopes, messages, strict=True):

                async def receive(message: dict[str, Any] = message) -> dict[str, Any]:
                    return message

                await app(dict(scope), receive, send)

        return lambda: loop.run_until_complete(batch())

    endpoint = _Endpoint(skill)
    verifier = skill.verifier
    assert verifier is not None
    header_dicts = [_read_headers(scope["headers"]) for scope in scopes]
    bodies = [r.body for r in requests]
    envelopes = [decode_envelope(body) for body in bodies]
    launches = [e for e in envelopes if e.request.type == "LaunchRequest"]
    intents = [e for e in envelopes if e.request.type == "IntentRequest"]

    def async_stage(step: Callable[[int], Awaitable[Any]]) -> Callable[[], None]:
        async def batch() -> None:
            for index in range(CALLS):
                await step(index)

        return lambda: loop.run_until_complete(batch())

    def sync_stage(step: Callable[[int], Any]) -> Callable[[], None]:
        def batch() -> None:
            for index in range(CALLS):
                step(index)

        return batch

    candidates = {
        "bare app": serving(apps["bare"]),
        "floor app": serving(apps["floor"]),
        "alexaskill app": serving(apps["alexaskill"]),
        "_Endpoint": serving(endpoint),
        "headers": sync_stage(lambda i: _read_headers(scopes[i]["headers"])),
        "_handle": async_stage(lambda i: skill._handle(scopes[i], header_dicts[i], bodies[i])),
        "verify_envelope": async_stage(
            lambda i: verifier.verify_envelope(header_dicts[i], bodies[i])
        ),
        "verify_signature": async_stage(
            lambda i: verifier.verify_signature(header_dicts[i], bodies[i])
        ),
        "decode_envelope": sync_stage(lambda i: decode_envelope(bodies[i])),
        "check_skill_id": sync_stage(lambda i: skill.check_skill_id(envelopes[i])),
        "answer": async_stage(lambda i: skill.answer(envelopes[i])),
        "answer launch": async_stage(lambda i: skill.answer(launches[i % len(launches)])),
        "answer intent": async_stage(lambda i: skill.answer(intents[i % len(intents)])),
    }
    try:
        costs = {name: cost * 1e6 for name, cost in per_call(candidates, CALLS, ROUNDS).items()}
    finally:
        loop.close()
    if set(statuses) != {200}:
        raise SystemExit(f"some requests were not answered with 200: {sorted(set(statuses))}")

    whole = costs["alexaskill app"]
    rows = [
        ("bare Starlette app (reads the body, constant answer)", costs["bare app"]),
        ("floor app (Starlette + RSA verify + json.loads)", costs["floor app"]),
        ("alexaskill app (Skill.__call__), whole", whole),
        ("  Skill.__call__, around _Endpoint", whole - costs["_Endpoint"]),
        ("  _Endpoint, around _handle (checks, body, send)", costs["_Endpoint"] - costs["_handle"]),
        ("    of which the headers it reads", costs["headers"]),
        ("  Skill._handle", costs["_handle"]),
        ("    Verifier.verify_envelope (warm)", costs["verify_envelope"]),
        ("      verify_signature: URL, cached chain, RSA", costs["verify_signature"]),
        ("      decode_envelope", costs["decode_envelope"]),
        ("    check_skill_id", costs["check_skill_id"]),
        ("    answer (dispatch, handler, response, encode)", costs["answer"]),
        ("      LaunchRequest", costs["answer launch"]),
        ("      IntentRequest (GetWeather, with slots)", costs["answer intent"]),
    ]
    print(f"per request, in-process, mean over {len(signed)} envelopes (20% launch, 80% intent)")
    for label, cost in rows:
        print(f"{label:54s} {cost:7.2f} µs")
    print(f"alexaskill app / floor app: {whole / costs['floor app']:.2f}x")
    print(
        "(each stage timed on its own, the fastest of several rounds: the stages add up to about "
        "the whole, not exactly)"
    )


if __name__ == "__main__":
    main()
