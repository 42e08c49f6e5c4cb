"""The connection limits of `alexaskill.server`'s protocols: the file-descriptor budget and
asyncio's failed accepts ("too many open files")."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Final

from .error_bodies import error_body
from .log_repeats import due
from .server_writes import _refusal

__all__ = ["raise_open_file_limit"]

logger = logging.getLogger("alexaskill.server")

#: File descriptors kept for everything but client connections (listening sockets, logs, the
#: store, certificate downloads, threads' files).
_RESERVED_FDS: Final = 64


#: uvicorn's advice after an upgrade it could not take.
_NO_WEBSOCKETS: Final = (
    "No supported WebSocket library detected. Please use \"pip install 'uvicorn[standard]'\", "
    "or install 'websockets' or 'wsproto' manually."
)

_fd_limit: int | None = None
_ACCEPT_FAILED: Final = "socket.accept() out of system resource"


def raise_open_file_limit() -> int:
    """Raise this process's soft limit on open files to its hard limit; return the new soft limit.

    Many systems start processes with a soft limit of 1,024 and a far higher hard one. Where the
    limit cannot be read (Windows), a large number.
    """
    try:
        import resource
    except ImportError:
        return 1 << 20
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if soft == resource.RLIM_INFINITY:
        return 1 << 20
    if wanted > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return int(soft)


def _connection_budget(loop: asyncio.AbstractEventLoop, config: Any) -> int:
    """How many connections may be open, within the file-descriptor limit.

    asyncio's accept() takes up to ``--backlog`` connections in one go, before any of them
    reaches a protocol that could count it: those need descriptors too. (uvloop hands over each
    connection as it accepts it.) At the process's first connection, the proxies uvicorn
    trusts are checked too (`alexaskill.proxies`): the first moment uvicorn's options are seen.
    """
    global _fd_limit
    first = _fd_limit is None
    if _fd_limit is None:
        _fd_limit = raise_open_file_limit()
        _set_up_logging()  # (what is said next, said as the app's lines are)
        from .proxies import check_served_proxies_once

        check_served_proxies_once(config)  # unless the app's lifespan did already
        from .loops import check_served_loop

        check_served_loop(config)  # the same
    backlog = getattr(config, "backlog", 2048)
    burst = 0 if type(loop).__module__.startswith("uvloop") else backlog
    budget = _fd_limit - _RESERVED_FDS - burst
    if first and budget < 100:
        logger.warning(
            "only %d connections fit in %d file descriptors (%d kept, and --backlog %d for "
            "asyncio's accept): raise the limit (ulimit -n), install uvloop "
            "(alexaskill[fast]) or lower --backlog",
            max(budget, 1),
            _fd_limit,
            _RESERVED_FDS,
            burst,
        )
    return budget


def _set_up_logging() -> None:
    """alexaskill's logging set up at the process's first connection, unless something set up
    some already (`configure_logging_if_unset`), as the app's start does. Without a lifespan
    (``--lifespan off``, a skill mounted in a host app) the app starts at its first request,
    after this connection: the lines said here went to Python's last resort, bare (no level,
    no logger), which a log collector filtering by level dropped. A setting that does not parse
    is left for the app's start to say (a connection's start never fails of it): logging is set
    up all the same, from the log settings that parse. Found set up (by the app's lifespan,
    which read the settings just before), the settings are not read again."""
    from .exceptions import ConfigurationError
    from .settings import configure_logging_if_unset

    with contextlib.suppress(ConfigurationError):
        configure_logging_if_unset(check=False)


def _eviction_order(connection: Any) -> tuple[bool, float, bool]:
    """Which waiting connection (`alexaskill.server`'s) makes room first: one whose client has
    sent no request for longer than the connection's ``silent_grace`` (a flood of connections
    that send nothing makes room among its own, not by closing clients' idle keep-alive
    connections, which Alexa reuses), then the one waiting longest. Within the grace a new
    connection is ranked by its age alone: its client (Alexa over TLS, one round trip after the
    handshake) may be sending its first request now, and a client holding idle connections at
    the limit would otherwise get every newly opened one closed by opening more. At the same
    age (uvloop's clock moves in whole milliseconds), an idle connection goes before a new one."""
    since = connection._waiting_since
    new = connection.cycle is None
    silent = new and connection.loop.time() - since >= min(
        connection.silent_grace, connection.header_timeout / 4
    )
    return not silent, since, new


def _make_room(protocol: Any) -> None:
    """If the connection ``protocol`` (`alexaskill.server`'s, just opened) is one too many,
    close another to make room, or else this one (see "Connections" in that module)."""
    limit = protocol.limit_concurrency
    most = (limit - 1) if limit is not None else protocol.max_connections
    most = max(min(most, _connection_budget(protocol.loop, getattr(protocol, "config", None))), 1)
    connections = protocol.connections
    if len(connections) <= most:
        return
    # A connection already closing, all written, goes first: over TLS it waits for its
    # client's close_notify (up to 30 s), and counted but never chosen, enough of them held
    # every place. (One still writing its answer is busy: the write deadline bounds it,
    # however little is left (`_closing`), and the loops' TLS shutdown timeout over TLS.)
    # Then one that has waited for its client to send a request (or the rest of its
    # body): one that has sent none for over ``silent_grace`` first (`_eviction_order`),
    # else the one waiting longest; if every other one is busy answering a request, refuse
    # this one.
    closing: list[Any] = []
    waiting: list[Any] = []
    for other in connections:
        if other is protocol or not hasattr(other, "_drop"):  # (not one of the bounded)
            continue
        transport = other.transport
        if transport.is_closing():
            if not transport.get_write_buffer_size():
                closing.append(other)
        elif other._waiting_for_client():
            waiting.append(other)
    if closing:
        victim = min(closing, key=lambda other: other._waiting_since)
    else:
        victim = min(waiting, key=_eviction_order, default=protocol)
    if logger.isEnabledFor(logging.DEBUG):
        _say_room_made(most, victim, protocol)
    victim._drop()


def _say_room_made(most: int, victim: Any, protocol: Any) -> None:
    """Say at DEBUG which connection made room for which (``protocol``, new): the server's own
    order of events, which a client cannot see (a test under load, a puzzled operator)."""
    if victim is protocol:
        busy = "connection limit (%d) reached, every connection busy: refused %s"
        logger.debug(busy, most, _peer(protocol))
        return
    waited = victim.loop.time() - victim._waiting_since
    logger.debug(
        "connection limit (%d) reached: closed %s, waiting %.1f s, to make room for %s",
        most,
        _peer(victim),
        waited,
        _peer(protocol),
    )


def _peer(protocol: Any) -> str:
    """The client address of ``protocol``'s connection, as a log line says it (host:port)."""
    peer = protocol.transport.get_extra_info("peername")
    if isinstance(peer, tuple) and len(peer) >= 2:
        return f"{peer[0]}:{peer[1]}"
    return str(peer)


def _due_on(state: Any, key: str, now: float) -> tuple[int, float] | None:
    """`due` (on the loop's clock) for a line of a server's (``state``): a failure every
    connection or request meets, which would otherwise be a log write each."""
    said_by_key: dict[str, list[float]] | None = getattr(state, "_alexaskill_said", None)
    if said_by_key is None:
        said_by_key = state._alexaskill_said = {}
    return due(said_by_key, key, now)


def _say_rarely(logger: logging.Logger, state: Any, line: str, now: float) -> None:
    """Warn ``line`` at most once every `SAY_EVERY` seconds a server (``state``),
    the next time counting the times not said."""
    due = _due_on(state, line, now)
    if due is None:
        return
    unsaid, since = due
    if not unsaid:
        logger.warning(line)
    else:
        logger.warning("%s (and %d more in the %.0f s before)", line, unsaid, since)


#: uvicorn's warnings a client can cause on every request, which its h11 protocol says inline.
_SAID_RARELY: Final = frozenset({"Invalid HTTP request received.", "Exceeded concurrency limit."})


class _RareWarnings:
    """uvicorn's error logger as an h11 connection (`alexaskill.server.H11Protocol`) uses it:
    the warnings of `_SAID_RARELY` said rarely (`_say_rarely`), as on httptools; all else as
    the logger says it."""

    __slots__ = ("_logger", "_loop", "_state")

    def __init__(self, logger: logging.Logger, state: Any, loop: asyncio.AbstractEventLoop):
        self._logger, self._state, self._loop = logger, state, loop

    def warning(self, msg: object, *args: Any, **kwargs: Any) -> None:
        if not args and not kwargs and msg in _SAID_RARELY:
            _say_rarely(self._logger, self._state, str(msg), self._loop.time())
        else:
            self._logger.warning(msg, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._logger, name)


_OVER_LIMIT: Final = error_body("over the server's concurrency limit")
_OVER_LIMIT_HEAD: Final = [
    (b"content-type", b"application/json"),
    (b"content-length", b"%d" % len(_OVER_LIMIT)),
    (b"connection", b"close"),
]


async def _over_limit(scope: Any, receive: Any, send: Any) -> None:
    """The app a request past ``--limit-concurrency`` gets: uvicorn's 503 (its
    ``service_unavailable``), with a short JSON reason as every refusal of alexaskill's."""
    await send({"type": "http.response.start", "status": 503, "headers": _OVER_LIMIT_HEAD})
    await send({"type": "http.response.body", "body": _OVER_LIMIT})


def _say_unsupported_upgrade(protocol: Any) -> None:
    """uvicorn's warnings for a request asking for an upgrade it does not take (``h2c``, or a
    WebSocket without a library), said rarely (`_say_rarely`): a line or two a request, which
    a client sends again and again on one connection, would flood the log."""
    logger, state, now = protocol.logger, protocol.server_state, protocol.loop.time()
    _say_rarely(logger, state, "Unsupported upgrade request.", now)
    if not protocol._should_upgrade_to_ws():
        _say_rarely(logger, state, _NO_WEBSOCKETS, now)


#: The answers to a request with a body asking for an upgrade not taken (`upgrade_refusal`).
_H2C_WITH_BODY: Final = _refusal(
    b"400 Bad Request", "HTTP/2 upgrade (h2c) is not supported: send the request as HTTP/1.1"
)
_UPGRADE_WITH_BODY: Final = _refusal(
    b"400 Bad Request", "an upgrade with a request body is not supported: send it without one"
)


def _has_body(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether a request's headers (lower-case names) give it a body: chunks, or a length."""
    for name, value in headers:
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip(b" 0")):
            return True
    return False


def upgrade_refusal(headers: list[tuple[bytes, bytes]]) -> bytes:
    """The 400 for a request with a body asking for an upgrade the server does not take (on
    either parser): for ``h2c`` (``curl --http2`` to ``http://``), saying to send HTTP/1.1."""
    for name, value in headers:
        if name == b"upgrade" and b"h2c" in [t.strip() for t in value.lower().split(b",")]:
            return _H2C_WITH_BODY
    return _UPGRADE_WITH_BODY


def _guard_accept(loop: asyncio.AbstractEventLoop, connections: set[Any]) -> None:
    """On asyncio, answer "too many open files" on accept() by closing the connections that have
    waited longest, and say so in one line (asyncio would log a traceback per failed accept and
    stop accepting for a second)."""
    if getattr(loop, "_alexaskill_guarded", False):
        return
    previous = loop.get_exception_handler()
    said: dict[str, list[float]] = {}  # when the line was said (`due`)

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message") != _ACCEPT_FAILED:
            if previous is not None:
                previous(loop, context)
            else:
                loop.default_exception_handler(context)
            return
        waiting = sorted(
            (c for c in connections if hasattr(c, "_drop") and c._waiting_for_client()),
            key=_eviction_order,
        )
        for connection in waiting[: max(len(connections) // 10, 1)]:
            connection._drop()
        if due(said, "accept failed", loop.time()) is not None:
            logger.warning(
                "out of file descriptors (%d open connections): closed the ones waiting longest; "
                "raise the limit (ulimit -n) or lower --backlog and --limit-concurrency",
                len(connections),
            )

    loop.set_exception_handler(handler)
    loop._alexaskill_guarded = True  # type: ignore[attr-defined]
