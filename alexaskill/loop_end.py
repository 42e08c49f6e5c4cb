"""What is closed as the running asyncio event loop ends: `closed_at_loop_end`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator

__all__ = ["closed_at_loop_end"]


class _Closable(Protocol):
    async def aclose(self) -> None: ...


async def _closing(thing: _Closable) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        await thing.aclose()


async def closed_at_loop_end(thing: _Closable) -> AsyncGenerator[None, None]:
    """An async generator, started, whose close closes ``thing``: as the running event loop
    ends (``asyncio.run``, anyio and uvicorn close the ones still open before they close the
    loop), or when the caller closes it. A connection can be closed only in its event loop, and
    a loop's end closes none of its own: one left open there is closed by the garbage collector
    at last, a ResourceWarning each. Held by the caller: the loop holds it weakly."""
    closer = _closing(thing)
    await anext(closer)
    return closer
