"""What the ASGI app does around its start: the server it runs in checked at the lifespan's
start (proxies, loop, workers), a failed start said as the lifespan's failure, and the answer to
every request of a skill that could not start (or of a mount of its that could not: `refusing`),
said (its count too, at the server's end)."""

from __future__ import annotations

import dataclasses
import functools
import logging
import sys
import traceback
from typing import TYPE_CHECKING, Any, Final, NoReturn

from .endpoint import _send
from .error_bodies import error_body
from .exceptions import ConfigurationError
from .server_stop import uvicorn_server_of

if TYPE_CHECKING:
    from types import TracebackType

    from starlette.types import ASGIApp, Receive, Scope, Send

    from .log_repeats import Repeats

__all__ = [
    "NEEDS_ASYNCIO",
    "StartFailure",
    "check_proxies",
    "first_mount",
    "mounted_path",
    "not_started",
    "outgoing_tls_failure",
    "refusing",
    "say_not_started",
    "say_start_failed",
    "say_unsaid_at_loop_end",
    "startup_failed",
    "uvicorn_server",
]

logger = logging.getLogger("alexaskill")


def check_proxies(receive: Receive, *, at_request: bool = False) -> None:
    """At the lifespan's start, say what is wrong with the proxies the server trusts, if it is
    uvicorn: ``uvicorn app:skill`` with ``FORWARDED_ALLOW_IPS=*``, or a list it misreads, would
    otherwise go unsaid (`alexaskill.proxies`); and a TLS handshake it leaves a minute
    (`alexaskill.loops.check_served_loop`); and, under ``--workers``, a worker that ended
    without shutting down (`alexaskill.worker_ends`). ``at_request``: at a mounted skill's first
    request instead (``receive`` a request's), each once a process; not the workers: the note a
    worker makes is removed at its lifespan's end, and a mounted skill runs none, nor any code
    at its worker's end (a SIGTERM ends it, no ``atexit`` run), so every worker stopped as it
    should would be said dead by the next (README, "What a mounted skill's start checks")."""
    from .loops import check_served_loop
    from .proxies import check_served_proxies_once, lifespan_server_config, request_server_config
    from .worker_ends import note_worker

    config = (request_server_config if at_request else lifespan_server_config)(receive)
    if config is not None:
        check_served_proxies_once(config)
        check_served_loop(config)
        if not at_request:
            note_worker(config)


def mounted_path(scope: Scope) -> str:
    """The path of the host app that ``scope``'s request reached the skill under: its
    ``root_path`` below the host app's own (``app_root_path``, which Starlette's ``Mount`` sets
    as it matches: ``"/weather"`` for ``Mount("/weather", app=skill)``, ``"/v1/weather"`` nested
    in ``Mount("/v1")``), or "" (not under a Starlette mount: a server's ``--root-path`` alone is
    no mount of the skill's).

    A path parameter (``Mount("/t/{tenant}", app=skill)``) is named by its pattern
    (``"/t/{tenant}"``), read from the route Starlette's router keeps in the scope
    (``scope["route"]``, the innermost one matched: Starlette 1.7 to 1.10), never by the
    request's value (``/t/acme``), under which every tenant's requests would be said; one of a
    mount above the skill's own, whose pattern that route lacks, from the routes walked down from
    the scope's ``"router"`` (`_walked_pattern`); where neither gives it (a router or middleware
    that hides its routes), the path stops before it: ``"/t/..."``."""
    app_root = scope.get("app_root_path")
    root = scope.get("root_path", "")
    if not isinstance(app_root, str) or not isinstance(root, str):
        return ""
    path = root[len(app_root) :].rstrip("/") if root.startswith(app_root) else ""
    params = scope.get("path_params")
    if not path or not params or not isinstance(params, dict):
        return path
    route = scope.get("route")
    pattern = getattr(route, "path", None)
    convertors = getattr(route, "param_convertors", None)
    if isinstance(pattern, str) and isinstance(convertors, dict) and set(params) <= set(convertors):
        # Every parameter is the route's own: its pattern names the tail its match took (one
        # segment a parameter, unless a ``path`` convertor's, whose length no pattern says).
        depth = pattern.count("/")
        head, tail = path.rsplit("/", depth)[0], "/" + "/".join(path.split("/")[-depth:])
        regex = getattr(route, "path_regex", None)
        if ":path}" not in pattern and regex is not None and regex.match(tail + "/"):
            return head + pattern
    walked = _walked_pattern(scope, app_root, root)
    if walked is not None:
        return walked
    values = {str(value) for value in params.values()}
    segments = path.split("/")
    # (A segment holding a value cuts too: an outer Mount("/org-{org}") is "/org-acme".)
    cut = next(
        (i for i, segment in enumerate(segments) if any(v and v in segment for v in values)),
        len(segments),
    )
    return "/".join(segments[:cut]) + "/..."


def first_mount(scope: Scope, app: object) -> str | None:
    """The path of the first ``Mount`` of ``app`` in the host app's routes (a parameter by its
    pattern), walked from the outermost router (``scope["router"]``) in their order, through
    each ``Mount``'s routes (its app's, or those it was given): the name the host app's routes
    give a skill, whichever of its mounts a request came under first. None where none is
    found (a ``Host``, routes hidden behind middleware of the host's own)."""
    from starlette.routing import Mount, Router

    router = scope.get("router")
    if not isinstance(router, Router):
        return None

    def walk(prefix: str, routes: Any, depth: int) -> str | None:
        if depth > 32:  # (a bound: a route's routes are its app's, which may be anything)
            return None
        for route in routes:
            if not isinstance(route, Mount):
                continue
            if route.app is app:
                return prefix + route.path
            try:
                inner = list(route.routes)
            except Exception:  # (an app's own routes property, for a log line's name)
                inner = []
            found = walk(prefix + route.path, inner, depth + 1)
            if found is not None:
                return found
        return None

    return walk("", router.routes, 0)


def _walked_pattern(scope: Scope, app_root: str, root: str) -> str | None:
    """The patterns of the routes ``scope``'s request was matched through, joined (the mount
    path below ``app_root``, the host app's, down to ``root``, the skill's): matched again, as
    Starlette's routers matched them, from the outermost router (``scope["router"]``) through
    each ``Mount``'s routes (its app's, or the routes it was given); None where a route is
    no ``Mount`` (a ``Host``), hides its routes (middleware) or fails to match, or none matches."""
    from starlette.routing import Match, Mount, Router

    router = scope.get("router")
    if not isinstance(router, Router):
        return None
    walking: dict[str, Any] = {
        "type": scope.get("type", "http"),
        "path": scope.get("path", ""),
        "method": scope.get("method", "GET"),
        "headers": scope.get("headers", []),  # (a Host route reads them)
        "root_path": app_root,
        "path_params": {},
    }
    pattern, routes = "", router.routes
    for _ in range(32):  # (a bound: a route's routes are its app's, which may be anything)
        for route in routes:
            try:
                match, child = route.matches(walking)
            except Exception:  # (a route of the app's own, for a log line's name: the cut)
                return None
            if match is Match.FULL:
                break
        else:
            return None
        if not isinstance(route, Mount):
            return None
        pattern += route.path
        walking.update(child)
        if walking["root_path"] == root:
            return pattern
        routes = route.routes
    return None


def outgoing_tls_failure() -> ConfigurationError | None:
    """Why the process's TLS context for outgoing HTTPS cannot be made (a CA bundle that cannot
    be read: `alexaskill.tls`), or None; asked at the lifespan's start, before its HTTP client
    would fail inside Starlette's lifespan, the start said with a traceback, and at
    `Skill.mount`'s, before its verifier's client would refuse every request."""
    from .tls import tls_context

    try:
        tls_context()
    except ConfigurationError as exc:
        return exc
    return None


@dataclasses.dataclass(frozen=True, slots=True)
class StartFailure:
    """Why the skill could not start, kept until a start succeeds: its error, and the traceback
    it had when the start caught it (a test client raises it again with that one, each time the
    same: raised as it is, it would take on each raise's frames). On AWS Lambda, its error is a
    copy without tracebacks, and None (`Serving._start_failed`)."""

    error: Exception
    traceback: TracebackType | None

    @classmethod
    def of(cls, error: Exception) -> StartFailure:
        """The failure of ``error``, caught at the start just now."""
        return cls(error, error.__traceback__)


def not_started_body(error: Exception) -> bytes:
    """The body of the answer to a request to a skill whose start failed with ``error``: its
    class named (its message, which may name the server's files, goes to the log only)."""
    reason = f"the skill could not start ({type(error).__name__}); the server's log says why"
    return error_body(reason)


async def not_started(scope: Scope, send: Send, error: Exception) -> None:
    """Answer a request to a skill whose start failed with ``error``: HTTP 500, the server's own
    fault and one that lasts (503 would tell clients and load balancers that trying later may
    work, where only a new start helps). A scope type it does not serve (neither, nor a
    lifespan) is refused with an error, as the ASGI spec asks and the started app's router does."""
    if scope["type"] == "http":
        await _send(send, 500, not_started_body(error))
    elif scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1011})
    else:
        raise RuntimeError(f"ASGI scope type {scope['type']!r} not served by alexaskill")


def say_not_started(
    said: Repeats, name: str, error: Exception, kind: str = "http", *, start_said: bool = False
) -> None:
    """Say at ERROR that a request to ``name`` (`log_name`), whose start failed with ``error``,
    was refused (``kind``, its scope's type: what `not_started` did to it said): one line
    without a traceback (the start's to say), once every few seconds with the count of those
    unsaid since, each kind its own (anyone can send requests). ``start_said``: the request's
    line was the start's own, said just now (the next within seconds are counted)."""
    why = f"{type(error).__name__}: {error}"
    noun, done = _NOT_STARTED_DONE.get(kind, (f"{kind} request", "refused with an error"))

    # A partial of a module's function, not a local one: a skill pickled with the count
    # pending raised (`Repeats.__getstate__` keeps each count's say).
    say = functools.partial(_say_not_started_count, name, why, noun, done)
    unsaid = said.unsaid(f"not started: {name}" + (f" ({kind})" if kind != "http" else ""), say)
    if unsaid is not None and not start_said:
        more = f" ({unsaid:,} more before it)" if unsaid else ""
        logger.error(_NOT_STARTED_LINE, name, why, f"a {noun}{more}", done)


def _say_not_started_count(name: str, why: str, noun: str, done: str, key: str, count: int) -> None:
    """Say the ``count`` of requests refused unsaid (`say_not_started`'s)."""
    logger.error(_NOT_STARTED_LINE, name, why, f"{count:,} more {noun}{'s' * (count > 1)}", done)


def say_start_failed(said: Repeats, name: str, error: Exception, kind: str = "http") -> None:
    """Say at ERROR that the start of ``name`` (`log_name`) at a request (of scope type
    ``kind``) failed with ``error``: in one line for a `ConfigurationError`, as the lifespan's
    failure says it (the user's to mend), else with its traceback (a bug); the request's own
    line counted in (`say_not_started`), one of another kind than HTTP's said too."""
    logger.error(
        "%s could not start (%s: %s): every request is answered HTTP 500",
        name,
        type(error).__name__,
        error,
        exc_info=None if isinstance(error, ConfigurationError) else error,
    )
    say_not_started(said, name, error, kind, start_said=kind == "http")


def refusing(said: Repeats, name: str, error: Exception) -> ASGIApp:
    """The ASGI app answering every request of ``name`` (`log_name`: a mount of a skill that
    serves elsewhere), whose start at its first request failed with ``error``, as a skill's
    failed start is answered (`not_started`): the first says the start's failure
    (`say_start_failed`), the others are said as refused (`say_not_started`)."""
    first = True

    async def refuse(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal first
        if first:
            first = False
            say_start_failed(said, name, error, scope["type"])
        else:
            say_not_started(said, name, error, scope["type"])
        await not_started(scope, send, error)

    return refuse


def say_unsaid_at_loop_end(said: Repeats, watch: LoopEndWatch | None = None) -> LoopEndWatch | None:
    """When the running event loop ends (the server's), say the counts ``said`` has yet to say
    (`Repeats.say_unsaid`), as a lifespan's shutdown does (`Skill.aclose`): their timers end
    with the loop. For a start that failed at a request, which no shutdown follows. The watch
    of its end, to be held by the caller (asyncio holds tasks weakly): ``watch`` (one made here
    before) if it is the running loop's, else a new one. On asyncio a task that waits for the
    end (asyncio cancels each one left as its loop ends); on trio (where the start fails:
    `NEEDS_ASYNCIO`), a system task of trio's run (`_say_at_trio_end`); None under neither.

    A later loop's (``watch`` another's: a loop per call, as a test client's requests or
    asyncio.run per call have) says at its end the counts whose window has ended only
    (`ended_windows_only`), as each AWS Lambda invocation's end behind Mangum does: all said
    there, a count came at each call's end, not once a window; the others wait for a later
    loop's timer, the next line of their kind, or a shutdown. Before, none was made: the counts
    of that loop waited so, those of windows ended too.

    Under uvicorn they are said by its shutdown too (`_say_at_shutdown`), all of them: bare
    uvicorn stopped by SIGTERM raises the signal again inside its loop once shut down, and dies
    of it, ending no task (SIGINT ends the loop first). Nothing here wakes before then: the task
    waits on a future, no timer."""
    from .deadline import on_asyncio

    if not on_asyncio():
        trio = sys.modules.get("trio")  # (loaded where trio runs: not imported here)
        try:
            run = None if trio is None else trio.lowlevel.current_trio_token()
        except RuntimeError:  # (no trio run here)
            run = None
        if run is None or (watch is not None and watch[0] is run):
            return watch
        task = _say_at_trio_end(said, ended_only=watch is not None)
        return None if task is None else (run, task)
    import asyncio

    loop = asyncio.get_running_loop()
    if watch is not None and watch[0] is loop:
        return watch
    server = uvicorn_server()
    if server is not None:
        _say_at_shutdown(server, said)
    ended_only = watch is not None

    async def until_loop_end() -> None:
        try:
            await loop.create_future()
        finally:
            _say_unsaid(said, ended_only=ended_only)

    return loop, loop.create_task(until_loop_end())


def _say_unsaid(said: Repeats, *, ended_only: bool) -> None:
    """``said.say_unsaid()``; ``ended_only``: the counts whose window has ended only."""
    if not ended_only:
        said.say_unsaid()
        return
    from .log_repeats import ended_windows_only

    with ended_windows_only():
        said.say_unsaid()


#: A watch of an event loop's end (`say_unsaid_at_loop_end`): the loop (trio's run, by its
#: token), and the task that waits for it there.
LoopEndWatch = tuple[object, object]


def _say_at_trio_end(said: Repeats, *, ended_only: bool = False) -> object:
    """Say ``said``'s counts as trio's run ends (`say_unsaid_at_loop_end` there): a system task
    that waits for its end, cancelled by trio once the run's main task has returned (Hypercorn's
    trio worker's, at its shutdown), as asyncio cancels the tasks left as its loop ends; the
    task, or None outside a trio run (trio not loaded, or not running here)."""
    trio = sys.modules.get("trio")  # (loaded where trio runs: not imported here)
    if trio is None:
        return None

    async def until_run_end() -> None:
        try:
            await trio.sleep_forever()
        finally:  # (a system task's exception would crash the run: say_unsaid raises none)
            _say_unsaid(said, ended_only=ended_only)

    try:
        return trio.lowlevel.spawn_system_task(until_run_end)
    except RuntimeError:  # (no trio run here)
        return None


def _say_at_shutdown(server: Any, said: Repeats) -> None:
    """Say ``said``'s counts as ``server`` (uvicorn's, `uvicorn_server`) shuts down: as its
    ``shutdown`` starts (its main loop saw the ``should_exit`` its SIGTERM or SIGINT handler
    set, or its ``--limit-max-requests`` reached) and once it has ended, its connections closed
    (a request refused while they close said too). Its ``shutdown``, which uvicorn's ``_serve``
    looks up and awaits as it stops (0.42 to 0.55), wrapped on the instance: each skill that
    fails so wraps the one it finds."""
    shutdown = server.shutdown

    async def saying_shutdown(*args: Any, **kwargs: Any) -> Any:
        said.say_unsaid()
        try:
            return await shutdown(*args, **kwargs)
        finally:
            said.say_unsaid()

    server.shutdown = saying_shutdown


def uvicorn_server() -> Any:
    """The uvicorn server (``uvicorn.server.Server``) whose handler takes this process's SIGTERM,
    or None (another server; uvicorn outside the main thread; one without the ``shutdown``
    `_say_at_shutdown` wraps): `alexaskill.server_stop.uvicorn_server_of`, which finds it behind
    the handlers `alexaskill.server_stop.hook_stop` puts in front of it."""
    import signal

    return uvicorn_server_of(signal.getsignal(signal.SIGTERM))


_NOT_STARTED_LINE: Final = "%s could not start (%s): %s %s, no handler run"
#: What a request of each scope type is said as, and what `not_started` did to it.
_NOT_STARTED_DONE: Final = {
    "http": ("request", "answered HTTP 500"),
    "websocket": ("websocket", "closed with code 1011"),
}


NEEDS_ASYNCIO: Final = (
    "alexaskill is served on an asyncio event loop (uvicorn; Hypercorn's asyncio workers), not "
    "on trio: the download of Amazon's signing certificate needs asyncio"
)


async def startup_failed(receive: Receive, send: Send, exc: Exception) -> NoReturn:
    """Answer the lifespan's startup with its failure: ``exc``'s message (and, unless it is a
    `ConfigurationError`, its traceback, as Starlette's lifespan sends one); then raise ``exc``.

    The server says the message (uvicorn logs it at ERROR), not the app: under a test client,
    which says nothing of it, the error raised is its one showing. Raised after the answer, as
    Starlette's own lifespan does: a server (uvicorn) stops quietly at the failure said, and
    Starlette's test client raises it from its ``with``, where a lifespan that returned left it
    waiting for good for the shutdown's answer.
    """
    if isinstance(exc, ConfigurationError):
        said = f"{exc}"
    else:  # a bug: where it is needs saying
        said = "".join(traceback.format_exception(exc)).rstrip("\n")
    message = await receive()
    if message["type"] == "lifespan.startup":
        await send({"type": "lifespan.startup.failed", "message": said})
    raise exc
