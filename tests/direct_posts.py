"""Many signed bodies posted to a `TestClient`'s skill in one call: each one's status, JSON and
handler error, as `TestClient.post` tells them (tests/test_adversarial_requests.py sends 2,500).

Starlette's test client crosses into the event loop it serves the skill in eight times a request
(an event, a stream, a cancel scope, the app, each chunk of the answer): half the CPU of such a
request, its RSA signature included; ten of that module's 24 CPU-seconds (7 December 2026). Here
the loop is entered once for them all, each request a plain ASGI call of the app the client
calls, in the lifespan the client runs: the skill, verifier, clock and fake APIs of its `post`.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any, NamedTuple

import anyio

from alexaskill.testing import TestClient
from alexaskill.testing.response import answer_json


class Answer(NamedTuple):
    """What `TestClient.post` would have answered: the status, the JSON (None if the body is
    none) and the exception the skill told its ``on_handler_error`` of (None if none)."""

    status_code: int
    json: Any
    handler_error: Exception | None


def post_signed(client: TestClient, bodies: Iterable[bytes]) -> list[Answer]:
    """Each of ``bodies`` posted to ``client``'s skill signed with ``Signature-256`` alone (the
    legacy SHA-1 header unread where it is: alexaskill.verify.headers), in order. ``client``
    must be in its ``with`` block (its lifespan running)."""
    portal = client.http.portal
    if portal is None:
        raise RuntimeError("post_signed needs the client's `with` block: its lifespan runs")
    skill, app = client.skill, client.http.app
    errors: list[Exception] = []

    async def post(body: bytes) -> Answer:
        signed = {"content-type": "application/json", **client.pki.sign(body, sha1=False)}
        headers = [(b"host", b"testserver"), (b"content-length", str(len(body)).encode())]
        headers += [(name.lower().encode(), value.encode()) for name, value in signed.items()]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "path": client.path,
            "raw_path": client.path.encode(),
            "root_path": "",
            "scheme": "http",
            "query_string": b"",
            "headers": headers,
            "client": ("testclient", 50000),
            "server": ("testserver", 80),
            "extensions": {},
            "state": {},
        }
        received, status, chunks, answered = False, 0, [], anyio.Event()

        async def receive() -> dict[str, Any]:
            nonlocal received
            if received:  # a disconnect once answered, as Starlette's client says it
                await answered.wait()
                return {"type": "http.disconnect"}
            received = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    answered.set()

        errors.clear()
        await app(scope, receive, send)
        return Answer(status, answer_json(b"".join(chunks)), errors[0] if errors else None)

    async def post_all(bodies: list[bytes]) -> list[Answer]:
        return [await post(body) for body in bodies]

    # The skill tells this call's list of its handlers' errors, then the client's again.
    listener, skill.on_handler_error = skill.on_handler_error, errors.append
    try:
        return portal.call(post_all, list(bodies))
    finally:
        skill.on_handler_error = listener
