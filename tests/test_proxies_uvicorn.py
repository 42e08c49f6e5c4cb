"""uvicorn's internals `alexaskill.proxies` reads to find the server's options (its ``Config``),
pinned: at the lifespan's start (``receive``'s ``__self__``, uvicorn's ``LifespanOn``) and at a
mounted skill's first request (the request cycle's transport's protocol). Found on uvicorn 0.42
to 0.55; a release that moves them fails these tests, where the checks would otherwise go
silent (README, "What a mounted skill's start checks"). .ci/run runs them at pyproject.toml's
floor too. And a server whose internals are not uvicorn's, or not as expected, is no failure:
nothing is checked, the request served."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
import uvicorn
from uvicorn.config import Config

from alexaskill import Response, Skill, speak
from alexaskill.proxies import lifespan_server_config, request_server_config
from alexaskill.testing import DEFAULT_SKILL_ID

from .exchange_harness import serve
from .server_protocols import Transport, on_httptools

pytestmark = pytest.mark.oldest_dependencies

#: The HTTP protocols a request may come through: uvicorn's two, alexaskill's two.
PROTOCOLS = {
    "uvicorn h11": "uvicorn.protocols.http.h11_impl:H11Protocol",
    "uvicorn httptools": "uvicorn.protocols.http.httptools_impl:HttpToolsProtocol",
    "alexaskill h11": "alexaskill.server:H11Protocol",
    "alexaskill httptools": "alexaskill.server:HttpToolsProtocol",
}

REQUEST = b"GET /weather HTTP/1.1\r\nHost: skill.example\r\n\r\n"


def _protocol(name: str) -> type[Any]:
    import importlib

    if name.endswith("httptools"):
        on_httptools()  # skipped without httptools (not an ImportError or None), failed under CI
    module, _, attribute = PROTOCOLS[name].partition(":")
    found: type[Any] = getattr(importlib.import_module(module), attribute)
    return found


async def _ok(send: Any) -> None:
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


@pytest.mark.parametrize("protocol", sorted(PROTOCOLS))
def test_a_request_finds_the_config_of_the_uvicorn_serving_it(protocol: str) -> None:
    found: list[Any] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        found.append(request_server_config(receive))
        await _ok(send)

    serve(_protocol(protocol), app, [REQUEST])
    assert len(found) == 1
    assert isinstance(found[0], Config) and found[0].app is app, (uvicorn.__version__, found)


def test_the_lifespan_finds_the_config_of_the_uvicorn_running_it() -> None:
    from uvicorn.lifespan.on import LifespanOn

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        pass  # pragma: no cover - never run

    config = Config(app=app, lifespan="on")
    config.load()
    assert lifespan_server_config(LifespanOn(config).receive) is config, uvicorn.__version__


class _NoProtocol(Transport):
    """A transport that cannot say its protocol (asyncio's base class raises)."""

    def get_protocol(self) -> asyncio.BaseProtocol:
        raise NotImplementedError


def test_a_transport_that_cannot_say_its_protocol_is_no_server_config() -> None:
    # An asyncio transport of another server, or a wrapper of one: its get_protocol raised out
    # of the first request of a mounted skill (HTTP 500, a traceback), served by nothing.
    class Cycle:
        transport = _NoProtocol()

        async def receive(self) -> None:
            pass  # pragma: no cover - never run

    assert request_server_config(Cycle().receive) is None


def test_a_mounted_skill_whose_server_cannot_be_read_serves_its_first_request(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from starlette.applications import Starlette

    skill = Skill(DEFAULT_SKILL_ID, verify=False)

    @skill.launch
    def launch() -> Response:
        return speak("hi")

    host = Starlette(routes=[skill.mount("/weather")])
    with caplog.at_level(logging.ERROR):
        events, errors = serve(
            _protocol("uvicorn h11"), host, [REQUEST], transport_class=_NoProtocol
        )
    assert errors == [], errors
    assert events and isinstance(events[0], bytes), events
    assert events[0].startswith(b"HTTP/1.1 405 "), events[0]  # (a GET: Alexa POSTs)
