"""alexaskill's server protocols driven in-process, for the tests of what they write
(tests/test_server_writes.py, the exchange's, the head's size, lingering, proxies): the
protocols (`PROTOCOLS`, their ids, for the ``protocol_class`` fixture of tests/conftest.py:
``@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)``; `on_httptools`
for a test of httptools' alone), a transport that records each write and close (`Transport`), a
protocol connected to one (`connect`), and the event loop let run its pending turns (`settle`)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from uvicorn.config import Config
from uvicorn.server import ServerState

from alexaskill import server as server_module

from .threaded_uvicorn import http_protocol

# Ids, not classes: without httptools `server_module.HttpToolsProtocol` is None, and its cases
# failed with a TypeError where they are to be skipped (failed under CI: `protocol_of`).
PROTOCOLS = ["h11", "httptools"]
App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def protocol_of(name: str) -> type[Any]:
    """alexaskill's protocol of id ``name`` (of `PROTOCOLS`): httptools' skipped without
    httptools, failed under CI (`tests.threaded_uvicorn.http_protocol`)."""
    return http_protocol(name, server_module.HttpToolsProtocol, server_module.H11Protocol)


def on_httptools() -> type[Any]:
    """alexaskill's httptools protocol, for a test of it alone: skipped without httptools,
    failed under CI."""
    return protocol_of("httptools")


class Transport(asyncio.Transport):
    """What a protocol wrote and whether it closed, as one list of events (and their times,
    by `time.monotonic`, the clock of asyncio's loops)."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[bytes | str] = []
        self.times: list[float] = []
        self.closing = False
        self.protocol: asyncio.BaseProtocol = asyncio.Protocol()

    def write(self, data: bytes | bytearray | memoryview) -> None:
        assert not self.closing, "written after close"
        if data:  # h11 ends a sized body with an empty write: a no-op on a real transport
            self.events.append(bytes(data))
            self.times.append(time.monotonic())

    def close(self) -> None:
        if not self.closing:
            self.events.append("close")
            self.times.append(time.monotonic())
        self.closing = True

    def abort(self) -> None:
        self.events.append("abort")
        self.closing = True

    def is_closing(self) -> bool:
        return self.closing

    def get_write_buffer_size(self) -> int:
        return 0  # each write sent at once

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8080), "peername": ("127.0.0.1", 50000)}.get(
            name, default
        )

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self.protocol

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:  # (a WebSocket upgrade)
        self.protocol = protocol

    def writes(self) -> list[bytes]:
        return [event for event in self.events if isinstance(event, bytes)]


def first_write(events: list[bytes | str]) -> bytes:
    """The first of ``events``, which must be a write (not a close or an abort)."""
    assert events and isinstance(events[0], bytes), events
    return events[0]


async def connect(
    protocol_class: type[Any], app: App, *, keep_alive: int = 5
) -> tuple[Any, Transport]:
    config = Config(app=app, lifespan="off", log_level="warning", timeout_keep_alive=keep_alive)
    config.load()
    protocol = protocol_class(config=config, server_state=ServerState(), app_state={})
    transport = Transport()
    transport.protocol = protocol
    protocol.connection_made(transport)
    return protocol, transport


async def settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)
