"""What httpx's transport needs of an outgoing request sent within a time limit (a certificate
download, a call to Alexa's APIs): its async backend imported before the clock starts
(`load_async_backend`), and the TCP connection of a TLS handshake the time limit cancelled
closed (`OpenedConnection`)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import httpcore

__all__ = ["OpenedConnection", "load_async_backend"]


class OpenedConnection:
    """The TCP connection httpcore opened for one request, and whether its TLS handshake (with
    the server, or with an https:// proxy) is under way: from httpx's ``trace`` extension, for
    `close_cancelled_handshake`."""

    __slots__ = ("handshaking", "stream")

    def __init__(self) -> None:
        #: The last TCP connection opened (its trace's ``connect_tcp``), None before any.
        self.stream: httpcore.AsyncNetworkStream | None = None
        self.handshaking = False

    def note(self, step: str, when: str, info: Mapping[str, object]) -> None:
        """Note httpcore's traced ``step`` (``"connect_tcp"``, ``"start_tls"``...) at ``when``
        (``"started"``, ``"complete"``, ``"failed"``)."""
        if step == "connect_tcp" and when == "complete":
            import httpcore

            opened = info.get("return_value")  # (httpcore's network stream, as it documents)
            self.stream = opened if isinstance(opened, httpcore.AsyncNetworkStream) else None
        elif step == "start_tls" and when != "failed":
            # (A cancellation is traced "failed" too, before `close_cancelled_handshake`.)
            self.handshaking = when == "started"

    async def trace(self, event: str, info: dict[str, object]) -> None:
        """httpx's ``trace`` extension: ``"connection.connect_tcp.complete"`` and the like."""
        step, _, when = event.rpartition(".")
        self.note(step.rpartition(".")[2], when, info)

    async def close_cancelled_handshake(self) -> None:
        """Close the connection whose TLS handshake a cancellation ended (a time limit's).
        httpcore (1.0.9) closes it when the handshake fails (an Exception), not when it is
        cancelled, and its socket stayed open until the garbage collector found it. Past the
        handshake httpcore closes it itself."""
        stream, self.stream = self.stream, None
        if stream is not None and self.handshaking:
            with contextlib.suppress(Exception):  # (closed already: nothing more to do)
                await stream.aclose()


#: The kinds of event loop `load_async_backend` readied this process: ``"asyncio"``, ``"trio"``.
_READIED: Final[set[str]] = set()


def load_async_backend() -> None:
    """Import what httpx's transport imports at its first request on an event loop: anyio's
    backend for it (for asyncio: its sockets, its TLS streams), tens of ms, seconds on a loaded
    machine; and the codec ``socket.getaddrinfo`` encodes a host name with (``idna``: trio calls
    it on the loop's thread, asyncio in a worker thread, within the time limit either way).
    Called before a time limit starts (`Downloads`', an Alexa API call's), which the first
    request spent on it (httpcore's pool imports it, before any connection is traced). Once a
    process for each kind of event loop (asyncio, trio: a process may run both, one after the
    other); inside a running event loop."""
    import asyncio  # (imported already by its callers)

    try:
        asyncio.get_running_loop()
        loop = "asyncio"
    except RuntimeError:  # (anyio's and httpcore's other backend)
        loop = "trio"
    if loop in _READIED:
        return
    # (An anyio that changed fails here, or imports less: the first request imports the rest.)
    with contextlib.suppress(Exception):
        import encodings.idna  # noqa: F401

        import anyio.streams.tls  # (httpcore's TLS, named: not left to what anyio imports)

        anyio.get_current_task()  # (anyio imports its backend for the running loop)
    _READIED.add(loop)
