"""`closing_mounted`: ``alexaskill serve`` closes the stores of the skills an app mounts at
shutdown, which the host app's lifespan does not (Starlette runs no lifespan of a mounted app)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["closing_mounted"]

logger = logging.getLogger("alexaskill")


def closing_mounted(app: Any) -> Any:
    """``app``, made to close the skills it mounts (`Skill.aclose`) once its own lifespan has
    shut down; a `Skill` served itself is ``app`` as it is (its lifespan closes it), and so is
    an app that mounts no skill (nothing to close; an ASGI 2 app, say, which uvicorn tells by
    its ``__call__``, stays one)."""
    from ..app import Skill
    from ..served import served_skills

    if isinstance(app, Skill) or not served_skills(app):
        return app
    return _ClosingMounted(app)


class _ClosingMounted:
    """``app`` whose lifespan shutdown also closes the skills its routes mount."""

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

        async def send_after_closing(message: Message) -> None:
            if message["type"] in ("lifespan.shutdown.complete", "lifespan.shutdown.failed"):
                await _close_skills(self.app)
            await send(message)

        await self.app(scope, receive, send_after_closing)


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
