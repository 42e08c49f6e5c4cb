"""`alexaskill.own_cancellation`: the one check of handler_bugs, verify/fetch and the endpoint
of whether a CancelledError is the request's own cancellation or a stray one."""

from __future__ import annotations

import asyncio

from alexaskill.cancellations import unlogged
from alexaskill.handler_bugs import handler_bug
from alexaskill.own_cancellation import cancelled_here, is_cancellation, is_trio_cancellation
from tests.missing import imported_or_skip


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


def test_trios_cancelled_is_one_lookup_for_the_answering_and_the_handlers_bugs() -> None:
    # `unlogged` and `handler_bug` each looked trio.Cancelled up for themselves.
    trio = imported_or_skip("trio", "the trio tests")
    caught: list[BaseException] = []

    async def main() -> None:
        with trio.CancelScope() as scope:
            scope.cancel()
            try:
                await trio.sleep(0)
            except trio.Cancelled as exc:
                caught.append(exc)
                raise

    trio.run(main)
    (cancelled,) = caught
    assert is_trio_cancellation(cancelled)
    assert not is_trio_cancellation(asyncio.CancelledError())
    assert not is_trio_cancellation(KeyboardInterrupt())
    assert unlogged(cancelled)  # goes on up without an internal_error line
    assert handler_bug(cancelled) is None  # the request's own: no apology
