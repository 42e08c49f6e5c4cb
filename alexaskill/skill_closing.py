"""`Closing`: what a `Skill` opened, closed (its stores, its attribute services' stores, the HTTP
client its verifier made): by its ASGI lifespan's shutdown, a host app's (``await
skill.aclose()``), ``alexaskill serve``'s closing of mounted skills, or the AWS Lambda process's
exit."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from .deadline_answering import DeadlineAnswering

if TYPE_CHECKING:
    import asyncio
    from collections.abc import AsyncGenerator

    import httpx

    from .i18n import Translations
    from .log_repeats import Repeats
    from .store import Store
    from .verify import Verifier

__all__ = ["Closing"]

logger = logging.getLogger("alexaskill")


class Closing(DeadlineAnswering):
    """`aclose` and its variants, said in the log as the skill's (`log_name`)."""

    # Set by `Skill.__init__` (documented there).
    verifier: Verifier | None
    store: Store
    translations: Translations | None
    #: When the warning of each kind of refusal was said (the ASGI app's).
    _refusals_said: Repeats
    #: The HTTP client a lifespan behind Mangum kept for the next one, with its event loop and
    #: what closes it there (`Building._lifespan`): by `aclose` in that loop, or as it ends.
    _kept_client: (
        tuple[httpx.AsyncClient, asyncio.AbstractEventLoop, AsyncGenerator[None, None]] | None
    ) = None

    if TYPE_CHECKING:

        @property
        def log_name(self) -> str:
            """The skill as the log names it (`Serving.log_name`)."""

    async def _close_at_shutdown(self) -> None:
        # Bounded: uvicorn waits for the lifespan's shutdown for good (its graceful timeout bounds
        # the requests only), and a store whose server does not answer held up the exit. On
        # AWS Lambda, by what Lambda leaves after its SIGTERM (`LAMBDA_CLOSE_TIMEOUT`).
        from .log_lambda import on_lambda
        from .store import closing

        what = f"the stores of {self.log_name}"
        bound = closing.shutdown_bound(on_lambda())
        await closing.close_within(self._close_saying, bound, what)

    async def _close_saying(self) -> None:
        """`aclose` at the lifespan's shutdown: a failure is said (once, at ERROR, naming what
        failed), never raised, so that the shutdown completes (the server's "Application
        shutdown failed", with Starlette's traceback, said it of the whole app)."""
        failure = await self.aclose_and_report()
        if failure is not None:
            what, exc = failure
            logger.error(
                "closing %s of %s failed at shutdown (the rest was closed)",
                what,
                self.log_name,
                exc_info=exc,
            )

    async def aclose(self) -> None:
        """Close what the skill opened: its store, the stores its attribute services opened
        (``add_service(…, *attributes_service(…))``), the HTTP client its verifier made for
        itself, and the one its lifespan kept behind Mangum; and say the counts its repeated
        warnings had yet to say (their timers end with the event loop). A request after it
        opens them again. A verifier whose ``aclose`` fails raises its error, once the stores
        are closed.

        The app's shutdown (its ASGI lifespan) closes the same, logging such a failure; not
        behind an adapter the AWS Lambda runtime runs (Mangum), which shuts the app down after
        each invocation. A host app that mounts the skill (`Skill.mount`) runs no lifespan of
        the skill's: call it in the host's own, after its ``yield`` (``await skill.aclose()``).
        The AWS Lambda handler calls it when the Python process exits (a local run's, a test's;
        AWS Lambda ends its own without an exit).
        """
        failure = await self.aclose_and_report()
        if failure is not None:
            raise failure[1]

    def _say_unsaid(self, *, ended_only: bool = False) -> None:
        """Say the counts the repeated warnings had yet to say: their timers end with the loop.
        ``ended_only``: those whose window has ended only (`log_repeats.ended_windows_only`)."""
        if ended_only:
            from .log_repeats import ended_windows_only

            with ended_windows_only():
                self._say_unsaid()
            return
        self._refusals_said.say_unsaid()
        self._store_failures_said.say_unsaid()
        self._handling_said.say_unsaid()
        if self.translations is not None:
            self.translations.say_unsaid()
        verifier = self.verifier
        if verifier is not None:
            # Not left to its `aclose`: a subclass's that calls no `super().aclose()` lost it,
            # and the lifespan's end behind Mangum (each AWS Lambda invocation's) closes no
            # verifier (`Building._lifespan`). A subclass's that raises is said, not raised:
            # raised, it failed `aclose` before the stores were closed (and the lifespan's end).
            try:
                verifier.say_unsaid()
            except Exception:
                logger.exception(
                    "the verifier (%s) of %s failed to say its warnings' counts (closing goes on)",
                    type(verifier).__qualname__,
                    self.log_name,
                )

    async def aclose_and_report(self, *, name: str | None = None) -> tuple[str, Exception] | None:
        """`aclose`, its failure returned, not raised: what failed (``"the verifier
        (MyVerifier)"``) and its error, or None. Each part is closed whatever another did; a
        store that fails is logged as it goes, naming the skill (``name``, `log_name` unless
        given: the AWS Lambda exit's is `lambda_log_name`), and the others closed still. For
        what closes several skills and says which one failed."""
        from .store.closing import close_stores

        self._say_unsaid()
        verifier = self.verifier
        failure: tuple[str, Exception] | None = None
        try:
            if verifier is not None:
                await verifier.aclose()
        except Exception as exc:
            failure = (f"the verifier ({type(verifier).__qualname__})", exc)
        finally:  # (a cancellation too: the stores are closed still)
            await close_stores(self.store, self._services.values(), skill=name or self.log_name)
            kept, self._kept_client = self._kept_client, None
            if kept is not None:
                import asyncio

                # (In another event loop its connections are that loop's: closed as it ends.)
                if kept[1] is asyncio._get_running_loop():
                    await kept[2].aclose()
        return failure
