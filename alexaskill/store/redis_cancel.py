"""`RedisStore`'s cancels in Redis of a save given up on, or cancelled by its caller, so that
it does nothing if it reaches Redis late: `_Cancels`, the methods that send and read them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, Final, TypeVar

from ..exceptions import StoreError
from .redis_errors import _no_database, _pool_full
from .redis_script import _CANCEL_SCRIPT, _KEPT_A_DAY, _too_large
from .redis_text import _text

if TYPE_CHECKING:
    from redis.asyncio import Redis

T = TypeVar("T")

logger = logging.getLogger("alexaskill")

_NOT_CANCELLED: Final = (
    "%s: a save cancelled by its caller could not be cancelled in Redis (%s): if it reached "
    "Redis, it may still be applied"
)

# The cancels of saves their callers cancelled (`RedisStore._cancel_for_caller`), under way.
_CANCELLING: Final[set[asyncio.Future[None]]] = set()


class _Cancels:
    """The cancels of `RedisStore` (its base: one concern of the store's, kept apart), through
    what the store has: its client, the bound on a command, its words for where Redis is."""

    if TYPE_CHECKING:  # (the store's own, which these methods use)
        _client: Redis
        _redis_error: type[Exception]
        _unanswered: tuple[type[Exception], ...]

        async def _bounded(self, command: Awaitable[T]) -> T: ...

        def _where(self) -> str: ...

        def _scrubbed(self, text: str) -> str: ...

        def _options(self) -> dict[str, Any]: ...

    async def _late_applied(self, token: str) -> bool:
        """Cancel the save of ``token`` after a try refused it, an earlier try unanswered (it
        may reach Redis later, the value mended meanwhile); whether that one was applied."""
        try:
            return await self._set_cancelled(token)
        except self._redis_error as exc:
            logger.warning(
                "%s: a refused save could not be cancelled (%s): its earlier try, unanswered, "
                "may still be applied if it reached Redis",
                self._where(),
                self._scrubbed(str(exc)),
            )
            return False

    def _may_land_late(self, exc: BaseException) -> bool:
        """Whether a try that failed with ``exc`` may have been sent, and so reach Redis
        later: unanswered, but not failed while connecting (redis-py's "Error 111 connecting
        to host:port", "Timeout connecting to server": nothing was sent on that connection)."""
        if isinstance(exc, asyncio.CancelledError):  # given up on by _bounded
            return True
        if _pool_full(exc) or _no_database(exc):  # no connection to send on, or its SELECT
            return False  # refused before any command
        return isinstance(exc, self._unanswered) and "connecting to" not in str(exc)

    async def _cancel(
        self, token: str, failure: StoreError, encoded: dict[str, str], tries: list[BaseException]
    ) -> None:
        """Make sure a save given up on (sent, no answer) is never applied later: set its token
        first, so that the script, reaching Redis late (a congested network, a proxy), does
        nothing. Return if the script had set it (the save was applied after all); else raise
        ``failure``, saying whether the save is cancelled or may still be applied (or too
        large, `_too_large`: Redis dropped the save's connection, yet answers the cancel).

        Sent once, not tried again: the save has had two tries' time already, and Alexa waits
        8 s in all for the answer."""
        try:
            applied = await self._set_cancelled(token)
        except self._redis_error as exc:
            text = str(exc)
            why = "the same error" if text == str(failure.__cause__) else self._scrubbed(text)
            raise StoreError(
                f"{failure}; nor could the save be cancelled ({why}): if it reached Redis, "
                "it may still be applied"
            ) from failure.__cause__
        if applied:
            logger.warning("a Redis save's answer was lost, but Redis had applied it")
            return
        # Its connection dropped on each try, not the cancel's: its size, where both tries were
        # sent (a try that found no Redis to connect to, restarting, says nothing of the size).
        sent = all(self._may_land_late(exc) for exc in tries)
        too_large = _too_large(self._where(), encoded, failure.__cause__, refused=False)
        if too_large is not None and sent:
            raise StoreError(too_large) from failure.__cause__
        raise StoreError(
            f"{failure}; nothing was saved: the save is cancelled in Redis, and does nothing "
            "if it reaches Redis late"
        ) from failure.__cause__

    async def _set_cancelled(self, token: str) -> bool:
        """Set a save's token to ``cancelled`` unless it is set; whether the update script had
        set it (the save was applied). redis-py's errors are raised."""
        # One script sets the token, or else reads it: the writers are told apart by value
        # (the update script's '1', this 'cancelled'), so a cancel sent again after its own
        # answer was lost (redis-py's retry, in a client given) reads its own token, not an
        # applied save. The client is the running loop's: the save's `_retrying` just chose it.
        value = await self._bounded(self._client.eval(_CANCEL_SCRIPT, 1, token, _KEPT_A_DAY))
        return value is not None and _text(value, self) == "1"

    async def _cancel_for_caller(self, token: str) -> None:
        """Cancel in Redis a save its caller cancelled (`_set_cancelled`), waiting for that
        unless cancelled again: then it goes on in a task of its own, the caller not held up.
        In an anyio cancel scope (a task group's, `anyio.fail_after`) the scope cancels the
        caller again at once, so it never waits: the cancel goes on in that task. That task
        cancelled too (its event loop ending: ``asyncio.run`` returning, as at the end of a
        Lambda invocation), the save may still be applied: a WARNING says so."""

        async def cancel() -> None:
            try:
                await self._set_cancelled(token)
            except self._redis_error as exc:
                logger.warning(_NOT_CANCELLED, self._where(), self._scrubbed(str(exc)))
            except asyncio.CancelledError:
                why = "the cancel was cancelled too, its event loop ending"
                logger.warning(_NOT_CANCELLED, self._where(), why)
                raise

        task = asyncio.ensure_future(cancel())
        _CANCELLING.add(task)  # kept until done: the event loop holds only a weak reference
        task.add_done_callback(_CANCELLING.discard)
        # Cancelled again: the task goes on, and the caller's cancellation with it.
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(task)
