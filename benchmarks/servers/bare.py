"""Reference (a): bare Starlette, no work: read the body, answer a constant response envelope.

The ceiling of this machine, server and load generator: whatever a skill does comes off it.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from benchmarks.servers import ANSWER


async def answer(request: Request) -> Response:
    await request.body()
    return Response(ANSWER, media_type="application/json")


def create_app() -> Starlette:
    """The app (``uvicorn --factory benchmarks.servers.bare:create_app``)."""
    return Starlette(routes=[Route("/", answer, methods=["POST"])])
