"""What the worker threads' tests (tests/test_threads*.py) share: how long they wait, a call
that holds its thread until let go, and a wait for a condition."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from alexaskill.threads import WorkerPool

# The longest a test waits for a thread to do something: a loaded CI machine (two cores, three
# workers) stalls a thread for seconds; only a broken pool makes a test wait this long.
WAIT = 30.0
# How long a handler the test holds waits at most: longer than WAIT, so that no stall ends it
# before the test lets it go (each test releases it, in a finally where it matters).
HELD = 60.0


class Stuck:
    """A call that holds its thread until the test lets it go (``release``, set at the latest
    after `HELD`), each call telling that it has begun (`started`)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.running = threading.Semaphore(0)

    def __call__(self) -> None:
        self.running.release()
        self.release.wait(HELD)

    async def started(self, calls: int = 1) -> None:
        """Wait until ``calls`` more calls have begun, each holding a thread."""
        for _ in range(calls):
            assert await asyncio.to_thread(self.running.acquire, timeout=WAIT)

    async def given_up_on(self, pool: WorkerPool) -> None:
        """One call on ``pool``, given up on once it holds a thread (as a deadline does)."""
        call = asyncio.ensure_future(pool.run(self, {}))
        await self.started()
        call.cancel()
        await asyncio.gather(call, return_exceptions=True)


def until(condition: Any) -> bool:
    """Whether ``condition()`` came true within `WAIT` seconds."""
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


async def square(pool: WorkerPool, n: int) -> int:
    return await pool.run(pow, {"base": n, "exp": 2})
