"""`alexaskill.own_cancellation`: the one check of handler_bugs, verify/fetch and the endpoint
of whether a CancelledError is the request's own cancellation or a stray one."""

from __future__ import annotations

import asyncio

from alexaskill.own_cancellation import cancelled_here, is_cancellation


def test_a_cancelled_error_where_no_loop_runs_is_the_requests_own() -> None:
    # (a def handler's thread: handler_bugs took it so before the check was shared)
    assert cancelled_here(asyncio.CancelledError())
    assert not cancelled_here(RuntimeError("boom"))
    assert not is_cancellation(KeyboardInterrupt())


def test_a_cancelled_error_is_stray_unless_the_running_task_is_being_cancelled() -> None:
    async def checked(awaited: asyncio.Future[None]) -> bool:
        try:
            await awaited
        except asyncio.CancelledError as exc:
            return cancelled_here(exc)
        raise AssertionError("never reached")

    async def main() -> tuple[bool, bool]:
        # Stray: a future it awaited was cancelled elsewhere, not its task.
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        stray = asyncio.ensure_future(checked(future))
        await asyncio.sleep(0)
        future.cancel()
        # Its own: the task itself cancelled from outside (a shutdown, the deadline).
        own = asyncio.ensure_future(checked(asyncio.get_running_loop().create_future()))
        await asyncio.sleep(0)
        own.cancel()
        return await stray, await own

    assert asyncio.run(main()) == (False, True)
