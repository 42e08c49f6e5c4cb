"""`closing_mounted`: ``alexaskill serve`` does for the skills an app mounts what their own
lifespans would (Starlette runs no lifespan of a mounted app): a handler put in front of
uvicorn's stop signals as it starts, their stores closed at shutdown."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable

    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from ..app import Skill

__all__ = ["closing_mounted"]

logger = logging.getLogger("alexaskill")


def closing_mounted(app: Any) -> Any:
    """``app``, made to put the stop signals' handler of the skills it mounts as its lifespan
    starts (`_hook_stops`) and to close them (`Skill.aclose`) once it has shut down; a `Skill`
    served itself is ``app`` as it is (its lifespan does both), and so is an app that mounts no
    skill (nothing to do; an ASGI 2 app, say, which uvicorn tells by its ``__call__``, stays
    one)."""
    from ..app import Skill
    from ..served import served_skills

    if isinstance(app, Skill) or not served_skills(app):
        return app
    return _ClosingMounted(app)


class _ClosingMounted:
    """``app`` whose lifespan also puts the stop signals' handler of the skills its routes
    mount, and whose shutdown closes them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    @property
    def routes(self) -> Any:
        """The app's routes (the tools that look for mounted skills find them)."""
        return getattr(self.app, "routes", [])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        unhooks: list[Callable[[], None]] = []

        async def receive_hooking() -> Message:
            message = await receive()
            if message["type"] == "lifespan.startup":
                # As a skill's own lifespan starts: uvicorn has set its handlers by then.
                unhooks.extend(_hook_stops(self.app))
            return message

        def unhook() -> None:
            while unhooks:
                unhooks.pop()()

        async def send_after_closing(message: Message) -> None:
            if message["type"] in ("lifespan.shutdown.complete", "lifespan.shutdown.failed"):
                unhook()  # (first, as a skill's own lifespan ends)
                await _close_skills(self.app)
            await send(message)

        try:
            await self.app(scope, receive_hooking, send_after_closing)
        finally:
            unhook()  # (a startup that failed, or a lifespan the app refused)


def _hook_stops(app: Any) -> list[Callable[[], None]]:
    """What a mounted skill's own lifespan would put in front of uvicorn's stop signals, for the
    skills ``app`` mounts (`alexaskill.asgi_build`): on AWS Lambda, for each skill, Lambda's
    SIGTERM with its requests under way said (`hook_sigterm`, the skill named as its lines
    name it then); elsewhere one handler for them all, the stop noted for the running loop,
    which each skill's requests ask of (`hook_stop`). What takes each away again (none put
    where `hook_stop` puts none: off the main thread, no uvicorn server's handler)."""
    import asyncio

    from ..log_lambda import on_lambda
    from ..served import served_skills

    loop = asyncio.get_running_loop()
    if not on_lambda():
        from ..server_stop import hook_stop

        hooked = [hook_stop(loop=loop)]
    else:
        hooked = [_hook_sigterm(skill, loop) for _, skill in served_skills(app)]
    return [unhook for unhook in hooked if unhook is not None]


def _hook_sigterm(skill: Skill, loop: asyncio.AbstractEventLoop) -> Callable[[], None] | None:
    """`hook_sigterm` for ``skill``, named by its `log_name` at the signal (its first request,
    under Starlette's own `Mount`, names it by where it is mounted)."""
    from ..lambda_sigterm import hook_sigterm

    return hook_sigterm(lambda: skill.log_name, lambda: skill._in_flight, loop)


async def _close_skills(app: Any) -> None:
    """`Skill.aclose`'s work for each skill ``app`` mounts (a second close, after the host's
    own, is harmless), within `alexaskill.store.closing.CLOSE_TIMEOUT` in all (on AWS Lambda,
    `LAMBDA_CLOSE_TIMEOUT`: `shutdown_bound`); a failure is logged naming what failed (a
    store's by `close_stores`, the verifier's here), the others closed still."""
    import anyio

    from ..log_lambda import on_lambda
    from ..served import served_skills
    from ..store import closing

    bound = closing.shutdown_bound(on_lambda())
    end = anyio.current_time() + bound
    for path, skill in served_skills(app):
        what = f"the stores of the skill at {path}"
        failures: list[tuple[str, Exception]] = []

        async def close(skill: Any = skill, failures: list[Any] = failures) -> None:
            failure = await skill.aclose_and_report()
            if failure is not None:
                failures.append(failure)

        try:
            left = end - anyio.current_time()
            await closing.close_within(close, left, what, shared=bound)
        except Exception:  # (not the verifier's, which `aclose_and_report` returns)
            logger.exception("closing the skill at %s failed", path)
        for failed, exc in failures:
            logger.error(
                "closing %s of the skill at %s failed (the rest was closed)",
                failed,
                path,
                exc_info=exc,
            )
