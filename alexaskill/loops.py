"""The event loop for uvicorn's ``--loop``: a TLS handshake bounded to seconds, not a minute.

uvicorn terminating TLS itself (``--ssl-certfile``) hands each connection to its HTTP protocol
only once the TLS handshake is done; until then asyncio (and uvloop) wait up to 60 seconds
(their default ``ssl_handshake_timeout``, which uvicorn passes no value for and has no option
to change). A client that opens a TCP connection and sends nothing holds a file descriptor for
that minute, out of sight of ``--limit-concurrency`` and of alexaskill's bounds
(`alexaskill.server`): a few hundred connections a second keep tens of thousands open.

`new_event_loop`, given to uvicorn as ``--loop alexaskill.loops:new_event_loop`` (as the
Docker image does; ``alexaskill serve`` gives it through its own), makes the loop uvicorn would
pick itself (uvloop where installed, else asyncio's) whose TLS servers close a connection that
has not finished its handshake within `TLS_HANDSHAKE_TIMEOUT` seconds, and keep at most
`DEFAULT_MAX_PENDING_HANDSHAKES` handshakes under way (the oldest is closed past that:
`_PendingHandshakes` on asyncio, `_CappedHandshakes` on uvloop). Without TLS it changes
nothing. To change the bounds, subclass the loop and give uvicorn yours::

    # UvloopLoop is None where uvloop is not installed: SelectorEventLoop then.
    class Loop(alexaskill.loops.UvloopLoop):
        tls_handshake_timeout = 5.0

    uvicorn app:skill --loop mymodule:Loop --ssl-certfile ... --ssl-keyfile ...
"""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import TYPE_CHECKING, Any, ClassVar, Final

from .log_repeats import due

__all__ = [
    "DEFAULT_MAX_PENDING_HANDSHAKES",
    "TLS_HANDSHAKE_TIMEOUT",
    "TLS_SHUTDOWN_TIMEOUT",
    "BoundedHandshakes",
    "SelectorEventLoop",
    "UvloopLoop",
    "check_served_loop",
    "handshakes_bounded",
    "new_event_loop",
]

#: Seconds a client has to finish its TLS handshake. Alexa's, over the internet, takes well
#: under one; asyncio's own default is 60.
TLS_HANDSHAKE_TIMEOUT: Final = 10.0
#: Seconds a client has to answer the server's TLS ``close_notify`` once the server closes the
#: connection; asyncio's own default is 30, during which a stopping server waits for it (up to
#: its whole ``--timeout-graceful-shutdown``, then an ERROR).
TLS_SHUTDOWN_TIMEOUT: Final = 5.0


class BoundedHandshakes:
    """A mixin, before an event loop class: its TLS servers bound the handshake to
    `tls_handshake_timeout` seconds unless the caller gives its own ``ssl_handshake_timeout``,
    and the TLS shutdown to `tls_shutdown_timeout` (``ssl_shutdown_timeout``) likewise."""

    #: Seconds a client has to finish its TLS handshake (see the module docstring).
    tls_handshake_timeout: ClassVar[float] = TLS_HANDSHAKE_TIMEOUT
    #: Seconds a client has to answer the server's ``close_notify``.
    tls_shutdown_timeout: ClassVar[float] = TLS_SHUTDOWN_TIMEOUT
    #: TLS handshakes under way at once, at most (a real one takes milliseconds).
    max_pending_handshakes: ClassVar[int] = 512

    async def create_server(self, *args: Any, **kwargs: Any) -> asyncio.Server:
        """The loop's ``create_server``, its handshake bounded where it serves TLS."""
        args = self._bound_handshake(args, kwargs)
        server: asyncio.Server = await super().create_server(*args, **kwargs)  # type: ignore[misc]
        return server

    async def create_unix_server(self, *args: Any, **kwargs: Any) -> asyncio.Server:
        """The loop's ``create_unix_server`` (uvicorn's ``--uds``), bounded as `create_server`."""
        args = self._bound_handshake(args, kwargs)
        server: asyncio.Server = await super().create_unix_server(  # type: ignore[misc]
            *args, **kwargs
        )
        return server

    def _bound_handshake(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        _bound_handshake(kwargs, self.tls_handshake_timeout, self.tls_shutdown_timeout)
        if _uvloop is not None and isinstance(self, _uvloop.Loop):
            return _cap_uvloop_handshakes(self, args, kwargs, self.max_pending_handshakes)
        return args


def _bound_handshake(kwargs: dict[str, Any], timeout: float, shutdown: float) -> None:
    # Only with TLS: asyncio refuses a handshake timeout for a server without it.
    if kwargs.get("ssl") is not None:
        if kwargs.get("ssl_handshake_timeout") is None:
            kwargs["ssl_handshake_timeout"] = timeout
        if kwargs.get("ssl_shutdown_timeout") is None:
            kwargs["ssl_shutdown_timeout"] = shutdown


#: TLS handshakes under way at once on a loop of this module's, at most.
DEFAULT_MAX_PENDING_HANDSHAKES: Final = BoundedHandshakes.max_pending_handshakes


class _PendingHandshakes:
    """A mixin, before an asyncio event loop class: at most `max_pending_handshakes` TLS
    handshakes of its servers under way at once; past that the oldest is closed.

    A connection whose handshake is under way is the loop's alone (the HTTP protocol, and so
    ``--limit-concurrency``, sees it once the handshake is done), and asyncio gives each a
    256 KiB read buffer: a client opening connections that send nothing held about 320 KB and
    a file descriptor each for `tls_handshake_timeout` seconds, without any bound on their
    number. (uvloop: `_CappedHandshakes`.)
    """

    max_pending_handshakes: ClassVar[int]  # `BoundedHandshakes`'s
    _pending: dict[Any, None] | None = None
    _pending_said: dict[str, list[float]]  # made with `_pending`: its line said rarely (`due`)

    def _make_ssl_transport(  # asyncio's own, for every TLS connection it makes or accepts
        self, rawsock: Any, protocol: Any, sslcontext: Any, waiter: Any = None, **kwargs: Any
    ) -> Any:
        if not kwargs.get("server_side"):  # a client connection of the app's (httpx...)
            return super()._make_ssl_transport(  # type: ignore[misc]
                rawsock, protocol, sslcontext, waiter, **kwargs
            )
        loop: Any = self
        if waiter is None:  # (the proactor gives none: this one tells when it is done)
            waiter = loop.create_future()
        transport = super()._make_ssl_transport(  # type: ignore[misc]
            rawsock, protocol, sslcontext, waiter, **kwargs
        )
        pending = self._pending
        if pending is None:
            pending = self._pending = {}
            self._pending_said = {}
        pending[transport] = None

        def done(future: asyncio.Future[Any]) -> None:
            pending.pop(transport, None)
            if not future.cancelled():
                future.exception()  # retrieved: a failed handshake is no loop error

        waiter.add_done_callback(done)
        if len(pending) > self.max_pending_handshakes:
            oldest = next(iter(pending))
            del pending[oldest]
            # Soon, not now: one accepted in the same burst has no socket transport yet (its
            # connection_made is scheduled), and aborted now it would close nothing.
            loop.call_soon(oldest.abort)
            _say_too_many(loop, self._pending_said, self.max_pending_handshakes)
        return transport


def _say_too_many(loop: asyncio.AbstractEventLoop, said: dict[str, list[float]], most: int) -> None:
    """Warn that the oldest of over ``most`` handshakes was closed, at most once every 10 s
    (`due`; ``said``: when the loop's or the server's lines were said)."""
    if due(said, "too many", loop.time()) is None:
        return
    logging.getLogger("alexaskill.server").warning(
        "over %d TLS handshakes under way at once: closing the oldest (clients that connect "
        "and send nothing?)",
        most,
    )


if sys.platform == "win32":  # pragma: no cover - as uvicorn's asyncio loop there
    _Asyncio: Any = asyncio.ProactorEventLoop
else:
    _Asyncio = asyncio.SelectorEventLoop


class SelectorEventLoop(_PendingHandshakes, BoundedHandshakes, _Asyncio):
    """asyncio's own event loop (the proactor on Windows), its TLS handshakes bounded in time
    and in number."""


if sys.platform == "win32":  # pragma: no cover

    class _SelectorLoop(_PendingHandshakes, BoundedHandshakes, asyncio.SelectorEventLoop):
        """asyncio's selector loop on Windows, its TLS handshakes bounded: uvicorn's choice in
        the server processes it starts (see `_asyncio_loop`)."""

else:
    _SelectorLoop = SelectorEventLoop


def _asyncio_loop() -> asyncio.AbstractEventLoop:
    """asyncio's loop as uvicorn's ``--loop asyncio`` picks it, bounded: on Windows the
    proactor, but the selector loop in a server process uvicorn started with `multiprocessing`
    (``--workers``, ``--reload``), where the proactor cannot accept on the listening socket it
    inherits (``OSError: [WinError 87]``, uvicorn's issue 1317)."""
    import multiprocessing

    if sys.platform == "win32" and multiprocessing.parent_process() is not None:
        return _SelectorLoop()
    return SelectorEventLoop()


_uvloop: Any
_TLSServerProtocol: Any
if TYPE_CHECKING:
    UvloopLoop = SelectorEventLoop
else:
    try:
        import uvloop as _uvloop
    except ImportError:  # no alexaskill[fast]: asyncio's loop serves
        _uvloop = UvloopLoop = None
    else:

        class UvloopLoop(BoundedHandshakes, _uvloop.Loop):
            """uvloop's event loop (``alexaskill[fast]``), its TLS handshakes bounded.

            A subclass of uvloop's loop costs about 1% of a request (each of its Cython methods
            looks itself up in Python first, in case the subclass overrides it): `new_event_loop`
            bounds uvloop's own loop instead.
            """

        try:  # uvloop's SSLProtocol is no public API: without it, uvloop's own TLS serves

            class _TLSServerProtocol(_uvloop.loop.SSLProtocol):
                """uvloop's TLS protocol for one accepted connection, as its server makes it,
                the handshake counted by a `_CappedHandshakes` from the connection's start.
                (Reads and writes go through uvloop's own C methods: a subclass changes nothing
                there.)"""

                __slots__ = ("_capped", "_waiter_")

                def connection_made(self, transport: Any) -> None:
                    try:
                        super().connection_made(transport)  # the handshake begins
                        self._capped.began(transport, self._waiter_)
                    except Exception as exc:
                        # Raised on, uvloop logged it and left the connection open and
                        # unread: its client waited for the handshake until it gave up.
                        self._capped.failed(transport, exc)

        except (AttributeError, TypeError):
            _TLSServerProtocol = None


class _CappedHandshakes:
    """uvloop's TLS for one server, at most ``most`` handshakes under way at once (past that
    the oldest is closed), as `_PendingHandshakes` does for asyncio.

    uvloop makes a connection's TLS protocol itself and offers no hook to find a connection
    whose handshake is under way (about 55 KB, and a file descriptor, for `tls_handshake_timeout`
    seconds each): the server is made without TLS, and this, its protocol factory, wraps each
    connection's protocol in uvloop's TLS protocol as uvloop's server would.
    """

    __slots__ = (
        "context",
        "factory",
        "handshake",
        "loop",
        "most",
        "pending",
        "said",
        "shutdown",
    )

    def __init__(
        self, loop: Any, factory: Any, context: Any, kwargs: dict[str, Any], most: int
    ) -> None:
        self.loop = loop
        self.factory = factory
        self.context = context
        self.handshake = kwargs.pop("ssl_handshake_timeout", None)
        self.shutdown = kwargs.pop("ssl_shutdown_timeout", None)
        self.most = most
        self.pending: dict[Any, None] = {}
        # When its lines were said (`due`): too many handshakes, a failed start.
        self.said: dict[str, list[float]] = {}

    def __call__(self) -> Any:
        waiter = self.loop.create_future()
        protocol = _TLSServerProtocol(
            self.loop,
            self.factory(),
            self.context,
            waiter,
            server_side=True,
            server_hostname=None,
            ssl_handshake_timeout=self.handshake,
            ssl_shutdown_timeout=self.shutdown,
        )
        protocol._capped = self
        protocol._waiter_ = waiter
        return protocol

    def began(self, transport: Any, waiter: asyncio.Future[None]) -> None:
        """A connection's handshake began: counted until it ends, and the oldest closed if
        there are too many."""
        pending = self.pending
        pending[transport] = None

        def done(future: asyncio.Future[None]) -> None:
            pending.pop(transport, None)
            if not future.cancelled() and future.exception() is not None:
                transport.abort()  # as uvloop's server does (it has closed it, as a rule)

        waiter.add_done_callback(done)
        if len(pending) > self.most:
            oldest = next(iter(pending))
            del pending[oldest]
            oldest.abort()
            _say_too_many(self.loop, self.said, self.most)

    def failed(self, transport: Any, exc: Exception) -> None:
        """A connection's start raised: closed, counted out, and said in one line (at most
        once every 10 s: a failure every connection meets would be a log write each)."""
        self.pending.pop(transport, None)
        transport.abort()
        if due(self.said, "failed", self.loop.time()) is not None:
            logging.getLogger("alexaskill.server").error(
                "a TLS connection failed to start, closed: %s: %s",
                type(exc).__name__,
                str(exc).replace("\n", " "),
            )


_uncapped_said = False  # (`_cap_uvloop_handshakes`)


def _cap_uvloop_handshakes(
    loop: Any, args: tuple[Any, ...], kwargs: dict[str, Any], most: int
) -> tuple[Any, ...]:
    """``create_server``'s arguments for uvloop ``loop``, its TLS handshakes capped at ``most``
    (`_CappedHandshakes`): ``args`` as they should be given, ``kwargs`` changed in place."""
    context = kwargs.get("ssl")
    if context is None:
        return args
    if _TLSServerProtocol is None:
        global _uncapped_said
        if not _uncapped_said:
            _uncapped_said = True
            logging.getLogger("alexaskill.server").warning(
                "this uvloop (%s) has no SSLProtocol class to subclass: TLS handshakes under "
                "way are not capped (only the handshake timeout bounds them)",
                getattr(_uvloop, "__version__", "?"),
            )
        return args
    del kwargs["ssl"]
    if args:
        return (_CappedHandshakes(loop, args[0], context, kwargs, most), *args[1:])
    factory = kwargs["protocol_factory"]
    kwargs["protocol_factory"] = _CappedHandshakes(loop, factory, context, kwargs, most)
    return args


def new_event_loop() -> asyncio.AbstractEventLoop:
    """The loop uvicorn's ``--loop auto`` would make (uvloop where installed, else asyncio's:
    on Windows the proactor, or the selector loop in a ``--workers`` or ``--reload`` server
    process, as uvicorn picks), its TLS handshakes bounded:
    ``--loop alexaskill.loops:new_event_loop``."""
    if _uvloop is None:  # (always on Windows, which uvloop does not run on)
        return _asyncio_loop()
    # uvloop's own class, its two server methods replaced on the instance (a uvloop loop has a
    # __dict__): a subclass would slow every request (see UvloopLoop), these run once a server.
    loop: asyncio.AbstractEventLoop = _uvloop.Loop()
    for name in ("create_server", "create_unix_server"):
        setattr(loop, name, _bounded(loop, getattr(loop, name)))
    return loop


def handshakes_bounded(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether ``loop``'s TLS servers bound the handshake as this module's loops do: one of
    its classes (or a subclass), or a loop `new_event_loop` made."""
    if isinstance(loop, BoundedHandshakes):
        return True
    return getattr(getattr(loop, "create_server", None), "_alexaskill_bounded", False) is True


#: uvicorn's own names for ``--loop`` (``none``: the loop running already).
_UVICORN_LOOPS: Final = ("auto", "asyncio", "uvloop", "none")
_loop_checked = False


def check_served_loop(config: Any) -> None:
    """Once a process: warn on ``"alexaskill.server"`` if uvicorn (its ``Config``) serves TLS
    itself on a loop whose handshakes are not bounded (``uvicorn app:skill --ssl-certfile …``
    without ``--loop alexaskill.loops:new_event_loop``): a handshake then waits 60 s. Said with
    the option to add; nothing for a loop of the user's own (``--loop mymodule:Loop``), which
    may bound it otherwise, nor without TLS. Called at the app's lifespan and at alexaskill's
    server protocol's first connection (`alexaskill.server`), whichever comes first."""
    global _loop_checked
    if _loop_checked:
        return
    _loop_checked = True
    named = getattr(config, "loop", "auto")
    if not getattr(config, "is_ssl", False) or named not in _UVICORN_LOOPS:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    if handshakes_bounded(loop):
        return
    logging.getLogger("alexaskill.server").warning(
        "uvicorn serves TLS on its own event loop (--loop %s), which waits %g s for a TLS "
        "handshake: a client that connects and sends nothing holds a file descriptor that long, "
        "outside --limit-concurrency. Add --loop alexaskill.loops:new_event_loop (the same "
        'loop, the handshake bounded to %g s; README, "HTTPS")',
        named,
        _ASYNCIO_HANDSHAKE_TIMEOUT,
        BoundedHandshakes.tls_handshake_timeout,
    )


#: asyncio's and uvloop's ``ssl_handshake_timeout`` when none is given.
_ASYNCIO_HANDSHAKE_TIMEOUT: Final = 60.0


def _bounded(loop: Any, method: Any) -> Any:
    """``method`` (uvloop ``loop``'s ``create_server``), its TLS handshakes bounded as
    `BoundedHandshakes` bounds them (its `~BoundedHandshakes.tls_handshake_timeout` and
    `~BoundedHandshakes.max_pending_handshakes`, read when a server is made)."""

    async def create(*args: Any, **kwargs: Any) -> asyncio.Server:
        bounds = BoundedHandshakes
        _bound_handshake(kwargs, bounds.tls_handshake_timeout, bounds.tls_shutdown_timeout)
        args = _cap_uvloop_handshakes(loop, args, kwargs, bounds.max_pending_handshakes)
        server: asyncio.Server = await method(*args, **kwargs)
        return server

    create._alexaskill_bounded = True  # type: ignore[attr-defined]
    return create
