"""The ASGI app serving a `Skill`: its start (Starlette built lazily, by its lifespan or a first
request: the app and the lifespan are `alexaskill.asgi_build`'s), what it answers before it has
started (how, and what is checked at its start: `alexaskill.asgi_start`; Alexa's raw endpoint is
`alexaskill.endpoint`, and what it answers a POST with `alexaskill.handling`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from .asgi_build import Building
from .asgi_start import (
    NEEDS_ASYNCIO,
    LoopEndWatch,
    StartFailure,
    check_proxies,
    first_mount,
    mounted_path,
    not_started,
    outgoing_tls_failure,
    refusing,
    say_not_started,
    say_start_failed,
    say_unsaid_at_loop_end,
    startup_failed,
)
from .deadline import on_asyncio
from .exceptions import ConfigurationError
from .log_lambda import on_lambda
from .refusal_warnings import REFUSAL_WARNING_EVERY
from .settings import configure_logging_if_unset

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from .log_repeats import Repeats
    from .store import Store

# REFUSAL_WARNING_EVERY lives in `refusal_warnings`: given here still, where the app takes it.
__all__ = ["REFUSAL_WARNING_EVERY", "Serving"]


class Serving(Building):
    """A `Skill` as an ASGI app: ``uvicorn app:skill``, or mounted in another app."""

    # Set by `Skill.__init__` (documented there).
    max_body_size: int
    body_timeout: float
    store: Store
    #: Why the skill's last start failed (its lifespan's, or a first request's without one):
    #: every request is refused (HTTP 500) until a start succeeds.
    _start_failure: StartFailure | None = None
    #: The failure kept for an AWS Lambda instance that was said (`_kept_on_lambda`), if any.
    _kept_said: StartFailure | None = None
    #: The watch that says the count of requests refused after a failed start as uvicorn shuts
    #: down and its event loop ends (`say_unsaid_at_loop_end`): the loop's, and its task, held
    #: (asyncio keeps tasks weakly); made again on a later loop.
    _loop_end_watch: LoopEndWatch | None = None
    #: The path of the host app the skill is mounted under, its name in the log: the first
    #: `SkillMount`'s made (`_mounted_under`); else, under Starlette's own ``Mount``, the host
    #: app's first mount of it (`first_mount`, else the first request's: `mounted_path`), or "".
    _mounted_at: str = ""
    #: Registration as `_start_mounted`'s start found it (`_start_state`), for a failure of
    #: that start at the first request to undo; None if no mount started the skill.
    _mount_found: tuple[bool, bool] | None = None
    _handling_said: Repeats

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the skill as an ASGI app (``uvicorn app:skill``)."""
        app = self._app
        if app is None:
            if scope["type"] == "lifespan":
                await self._start_served(scope, receive, send)
                return
            failure = self._start_failure
            if failure is not None:  # (a request is no new start: the failure stands)
                # Its count said as this loop ends, if no watch of the failure's is on it: one
                # ended with an earlier loop (a server started again, asyncio.run per call).
                self._loop_end_watch = say_unsaid_at_loop_end(
                    self._refusals_said, self._loop_end_watch
                )
                name = self._name_of_mount(scope)  # (said by its mount's path)
                self._refusals_at_sigterm(scope)
                say_not_started(self._refusals_said, name, failure.error, scope["type"])
                await not_started(scope, send, failure.error)
                return
            # No lifespan (``--lifespan off``, Starlette's own Mount): started here, named by
            # the host app's first mount of it, whichever a request came under.
            self._mounted_at = self._mounted_at or first_mount(scope, self) or mounted_path(scope)
            started = self._start_unserved(kind=scope["type"], receive=receive)
            if isinstance(started, StartFailure):  # (no shutdown will say its count)
                self._loop_end_watch = say_unsaid_at_loop_end(
                    self._refusals_said, self._loop_end_watch
                )
                self._refusals_at_sigterm(scope)
                await not_started(scope, send, started.error)
                return
            app = started
        if scope["type"] == "http":
            # Alexa's POSTs skip Starlette's middleware and router (5-7 µs a request): the
            # endpoint answers every outcome itself, 405 to other methods. Under a Mount, the
            # path is the mount's (where Starlette's router would redirect to a slash).
            path: str = scope["path"]
            root: str = scope.get("root_path", "")
            if root and path.startswith(root):
                path = path[len(root) :] or "/"  # "": mounted, and POSTed to the mount path
                if self._mount_found is not None:  # (mounted requests only: one check)
                    # Started by `Skill.mount`, reached first under another route (Starlette's
                    # own Mount): this request is its mounts' first, logging set up here.
                    await self._first_elsewhere(scope, receive, send)
                    return
            if path == self.path:
                await self._endpoint(scope, receive, send)
                return
        elif scope["type"] == "lifespan":
            await self._start_served(scope, receive, send)
            return
        await app(scope, receive, send)

    async def _start_served(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The lifespan: the app built (unless it was), the server checked, then Starlette's.

        A start that fails at any step (the app's build, the checks, Starlette's lifespan up to
        its startup's end) is said as the lifespan's failure and kept: no request is served,
        nor a handler run, until a start succeeds; the handlers may be registered again, as
        before it. One that succeeds clears an earlier failure. On AWS Lambda a start's
        `ConfigurationError` is the instance's (`_kept_on_lambda`): each later lifespan fails
        with it, the skill not built again.
        """
        before = self._start_state()
        app = self._app
        kept = self._kept_on_lambda()
        try:
            if kept is not None:
                raise kept
            if app is None:
                app = self._build()
            self._check_start(served=True)
        except Exception as exc:
            if exc is not kept:
                self._start_failed(exc, before)
            await startup_failed(receive, send, exc)
        check_proxies(receive)
        started = False

        async def noting(message: Message) -> None:
            nonlocal started
            if message["type"] == "lifespan.startup.complete":
                started = True
                self._start_succeeded()
            await send(message)

        self._app = app
        try:
            await app(scope, receive, noting)
        except Exception as exc:
            if not started:  # (Starlette's lifespan said it, with its traceback)
                self._start_failed(exc, before)
            raise

    def _refusals_at_sigterm(self, scope: Scope) -> None:
        """Behind Mangum on AWS Lambda (the invocation's context in ``scope``), a request the
        failed start refused: the count of those refused, its window still open as Lambda shuts
        the instance down, said at Lambda's SIGTERM (`say_at_sigterm`, once a skill), as a
        started skill's first request puts it (`Handling._noted_behind_adapter`), which these
        never reach. (The loop's end says it elsewhere: Mangum's one loop never ends.)"""
        if "aws.context" in scope and on_lambda():
            from .lambda_sigterm import say_at_sigterm

            say_at_sigterm(self._say_unsaid)

    def _kept_on_lambda(self) -> ConfigurationError | None:
        """On AWS Lambda, a copy to raise (`fresh_start_error`) of the `ConfigurationError` an
        earlier start failed with, or None. An adapter (Mangum's default lifespan, "auto") runs
        the lifespan at each invocation; the instance's code and settings cannot change, so
        the build would fail the same way each time, as `alexaskill.aws_lambda.handler` keeps
        such a failure for the instance (`alexaskill.lambda_start`). Any other is tried again.
        The first lifespan it fails is said, once, as the handler says it: the adapter and the
        runtime report it at each invocation, with tracebacks of theirs, not what it means."""
        failure = self._start_failure
        if self._app is not None or failure is None or not _for_the_instance(failure.error):
            return None
        from .lambda_start import fresh_start_error, say_not_started

        if self._kept_said is not failure:
            # Said at the second lifespan, not the first: only an adapter runs another in the
            # process. A server's one (uvicorn behind the Lambda Web Adapter) says the failure
            # itself and exits: no invocation of the instance fails with it.
            self._kept_said = failure
            say_not_started(self.log_name, failure.error)  # (the copy: a record holds it)
        return fresh_start_error(failure.error)

    def _start_unserved(
        self, *, say: bool = True, kind: str = "http", receive: Receive | None = None
    ) -> StartFailure | ASGIApp:
        """Build the app at a request that no lifespan started (once): the app (as it is, if
        built), or its failure, kept and said at ERROR unless not ``say`` (a test client raises
        it): in one line for a `ConfigurationError`, as the lifespan's failure says it, else
        with its traceback; a request of another ``kind`` (scope type) than HTTP's gets its own
        line too. This start's failure is returned with the error raised (on AWS Lambda, the
        one kept is a copy without tracebacks); one kept already is returned as it is: a
        request is no new start. The CA bundle for
        outgoing HTTPS is checked once the app is built, as the lifespan and `Skill.mount` check
        it: one that cannot be loaded is the start's failure, said as `_check_loop`'s (the
        verifier's client would refuse every request with a 400). ``receive``: the request's,
        on the event loop serving it (the app's, not a test client's thread): the server and
        the loop are checked then as the lifespan's start checks them (`check_proxies`,
        `_check_loop`), as at a mounted skill's first request."""
        if self._app is not None:
            return self._app
        if self._start_failure is not None:
            return self._start_failure
        before = self._start_state()
        try:
            app = self._app = self._build()
            tls_failure = outgoing_tls_failure()
        except Exception as exc:
            self._start_failed(exc, before)
            if say:  # (a bug's traceback; a ConfigurationError is the user's: its message)
                say_start_failed(self._refusals_said, self.log_name, exc, kind)
            # The original, with where it failed, for this caller to raise (a test client): on
            # AWS Lambda the failure kept is a copy without tracebacks (`_start_failed`).
            return StartFailure.of(exc)
        if tls_failure is not None:  # (its reason says it all: no traceback)
            if say:
                say_not_started(self._refusals_said, self.log_name, tls_failure, kind)
            return self._start_failed(tls_failure, before)
        if receive is None:
            return app
        check_proxies(receive, at_request=True)
        refused = self._check_loop(before)
        if refused is None:
            return app
        if say:  # (its reason says it all: no traceback)
            say_not_started(self._refusals_said, self.log_name, refused.error, kind)
        return refused

    def _start_succeeded(self) -> None:
        """A start succeeded: an earlier one's failure ends here, and with it the count of the
        requests it refused that its lines had yet to say, said now (`say_not_started`)."""
        if self._start_failure is not None:
            self._start_failure = None
            self._refusals_said.say_unsaid()

    def _start_failed(self, exc: Exception, before: tuple[bool, bool]) -> StartFailure:
        """Keep ``exc`` as the start's failure; the app unbuilt and registration as ``before``
        it (`Registration._restore_start_state`): the skill answered nothing."""
        self._app = None
        self._restore_start_state(before)
        if on_lambda():
            from .lambda_start import kept_start_error

            # A copy without tracebacks (its chain's too), which held the frames of the start
            # that failed, up to its invocation's (Mangum's event and context), as long as it
            # is kept: for the instance, a ConfigurationError (`_kept_on_lambda`), and any
            # failure at a first request without a lifespan (no request starts it again).
            failure = StartFailure(kept_start_error(exc), None)
        else:
            failure = StartFailure.of(exc)
        self._start_failure = failure
        return failure

    def _mounted_under(self, path: str) -> None:
        """A `SkillMount` serves the skill under ``path`` of a host app (`Skill.mount`'s, or one
        made directly): its log lines name it there, unless it has started already, or a
        `SkillMount` made before named it (a name that stays, whichever serves a request)."""
        if self._app is None and not self._mounted_at:  # (the first made names it)
            self._mounted_at = path

    def _start_mounted(self) -> None:
        """Start the skill now, served under a host app's path (`Skill.mount`, its `SkillMount`
        made: `_mounted_under`).

        A host app runs no lifespan of its skills': started here, at the host app's import, a
        setting that does not parse fails there, and what is switched off is said at start.
        """
        if self._app is None:
            before = self._start_state()
            # Logging is set up at the first request (SkillMount.handle): the host app may set
            # up its own after its imports. Its settings are checked now.
            try:
                app = self._build(set_up_logging=False)
                self._check_start(served=False)
            except Exception:
                self._restore_start_state(before)  # (raised at the host app's import)
                raise
            self._app, self._mount_found = app, before
            self._start_succeeded()

    def _check_mounted_server(self, scope: Scope, receive: Receive) -> ASGIApp | None:
        """At a mount's first request (a `SkillMount`'s), on the loop serving it, what
        `_start_mounted` could not do: alexaskill's logging set up, unless the host app set up
        its own by then (`configure_logging_if_unset`); the server's proxies and loop checked
        (`check_proxies`). A loop not asyncio's (a trio host) is the start's failure, kept (each
        request refused, said at ERROR once every few seconds: `not_started`), registration left
        as the mount's start found it. A setting that no longer parses (the environment changed
        since the mount) undoes the mount's start: this request starts the skill, which fails
        there as any start at a request does (`_start_unserved`), said in the same words. Unless
        the skill serves already (another mount's first request passed, or a start of its own):
        it keeps serving, and this mount's start has failed alone, said so naming the mount's
        path; the ASGI app answering its requests instead of the skill is returned (else None).
        """
        found, self._mount_found = self._mount_found, None
        try:
            configure_logging_if_unset()
        except ConfigurationError as exc:
            if self._app is None:  # (this request starts it, and fails there)
                return None
            if found is None:  # serving already: only this mount's start failed
                # (no shutdown will say its count: said as this loop ends)
                self._loop_end_watch = say_unsaid_at_loop_end(
                    self._refusals_said, self._loop_end_watch
                )
                return refusing(self._refusals_said, self._name_of_mount(scope), exc)
            self._app = None
            self._restore_start_state(found)
            return None
        check_proxies(receive, at_request=True)
        if self._app is not None and self._check_loop(found or self._start_state()) is not None:
            # (a trio host: each request refused from here, no shutdown to say their count)
            self._loop_end_watch = say_unsaid_at_loop_end(self._refusals_said, self._loop_end_watch)
        return None

    async def _first_elsewhere(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the first request of a skill `Skill.mount` started that came under another
        route than a `SkillMount` of its (Starlette's own ``Mount``), which ran no first request
        of a mount's: it is run here (`_check_mounted_server`: logging set up, unless the host
        app set up its own; the server checked), then the request served, or refused if the
        skill's start failed there (a setting that no longer parses, a trio loop)."""
        refusing = self._check_mounted_server(scope, receive)
        if refusing is not None:  # (none: this is the first request of the mount's start)
            await refusing(scope, receive, send)
            return
        await self(scope, receive, send)  # (`_mount_found` is None now: served, or refused)

    def _check_loop(self, before: tuple[bool, bool]) -> StartFailure | None:
        """The lifespan's check of the event loop, at the first request of a skill that no
        lifespan started, on the loop serving it: not asyncio's (a trio host), the start's
        failure (`_start_failed`, registration as ``before`` the start), or None."""
        if on_asyncio():
            return None
        return self._start_failed(ConfigurationError(NEEDS_ASYNCIO), before)

    def _check_start(self, *, served: bool) -> None:
        """What a start checks of the process once the app is built, the lifespan's
        (``served``: on the event loop that serves it) and `Skill.mount`'s (at the host app's
        import, where no loop may run yet): an asyncio loop, and a CA bundle for outgoing
        HTTPS (the lifespan's client; a mounted skill's verifier's). `ConfigurationError`."""
        if served and not on_asyncio():
            raise ConfigurationError(NEEDS_ASYNCIO)
        failure = outgoing_tls_failure()
        if failure is not None:
            raise failure

    @property
    def log_name(self) -> str:
        """The skill as the log names it, where it is served and its application ids: ``"the
        skill at /alexa (amzn1.ask.skill.…)"`` (under the host app's path once mounted)."""
        return self._name_at(self._mounted_at)

    def _name_of_mount(self, scope: Scope) -> str:
        """`log_name` of the skill as served by the mount ``scope``'s request came under: a
        `SkillMount`'s by its own path (as `Skill.mount` names the skill, whatever mounts hold
        it), another's by `mounted_path`; not mounted, `log_name`."""
        route = scope.get("route")
        own, mine = getattr(route, "path", None), getattr(route, "skill", None) is self
        if mine and isinstance(own, str):  # (a SkillMount of this skill's)
            return self._name_at(own)
        return self._name_at(mounted_path(scope) or self._mounted_at)

    def _name_at(self, mounted: str) -> str:
        """`log_name` of the skill mounted under ``mounted`` of a host app ("": not mounted)."""
        where = mounted if mounted and self.path == "/" else mounted + self.path
        return f"the skill at {where} ({self._ids_said})"

    @property
    def lambda_log_name(self) -> str:
        """The skill as the AWS Lambda handler's lines name it, by its application ids alone
        (no path serves it there): ``"the skill (amzn1.ask.skill.…)"``."""
        return f"the skill ({self._ids_said})"

    @property
    def _ids_said(self) -> str:
        return "any skill id" if self.skill_ids is None else ", ".join(sorted(self.skill_ids))


def _for_the_instance(error: Exception) -> TypeGuard[ConfigurationError]:
    """Whether a start's ``error`` is kept for the process: a `ConfigurationError` on AWS Lambda,
    whose instance's code and settings cannot change (`Serving._kept_on_lambda`)."""
    return isinstance(error, ConfigurationError) and on_lambda()
