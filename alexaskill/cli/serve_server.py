"""``alexaskill serve``'s uvicorn server in this process: its socket bound with uvicorn's bind
said in the command's words, "Uvicorn running on" said once it started, a failure to start said
in one line (`ServerNotStarted`)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..log_lists import edit_filters
from .serve_port import address_shown, refuse_unbound
from .serve_workers import _STARTUP_FAILURE

if TYPE_CHECKING:
    from .serve_uvicorn import _Terminated

#: uvicorn's logger, where it says "Uvicorn running on" and a socket it could not bind.
uvicorn_logger = logging.getLogger("uvicorn.error")


class ServerNotStarted(Exception):
    """uvicorn refused what serve gave it (its ``Config``), or failed as its server started:
    said by the command in one line (`alexaskill.cli.serve.run`), exit status 3."""


class _Decided(SystemExit):
    """The exit status serve's server decided (`serve_uvicorn._raise_outcome`; 3, a server in
    this process that did not start: `_serve_here`), raised up to serve's block: a SIGTERM
    landing meanwhile does not replace it (`serve_uvicorn.stopped_by_sigterm`), but is noted in
    ``sigterms``, a stop come before the exit's bound (`serve._bound_exit`)."""

    def __init__(self, status: int, sigterms: list[_Terminated]) -> None:
        super().__init__(status)
        self.sigterms = sigterms

    def __reduce__(self) -> tuple[Any, ...]:
        # BaseException remakes an exception as cls(*args), the status alone, which this
        # __init__ does not take (tests/test_exceptions_remade.py): made again of its parts.
        return type(self), (self.code, self.sigterms), vars(self)


@contextlib.contextmanager
def _starting() -> Iterator[None]:
    """Within it, an exception of uvicorn's is `ServerNotStarted`: it has not started."""
    try:
        yield
    except Exception as exc:
        raise ServerNotStarted(f"{type(exc).__name__}: {exc}") from exc


def _serve_here(make: Callable[[], Any], sockets: list[Any] | None) -> None:
    """Run the server ``make`` makes on ``sockets`` (None: bound by the server), as
    ``uvicorn.run`` runs it: status 3 if it did not start; an exception before it started is
    `ServerNotStarted`, one after raised."""
    server = None
    try:
        server = make()
        with contextlib.suppress(KeyboardInterrupt):
            server.run(sockets=sockets)
    except Exception as exc:
        if server is not None and server.started:
            raise
        raise ServerNotStarted(f"{type(exc).__name__}: {exc}") from exc
    if not server.started:  # as uvicorn.run (a SIGTERM as it is raised up: `_Decided`)
        raise _Decided(_STARTUP_FAILURE, [])


def _announcing_server(config: Any, held: Sequence[logging.LogRecord] = ()) -> Any:
    """uvicorn's `Server` for ``config``, to be given the sockets ``uvicorn.run`` would have it
    bind: it says "Uvicorn running on ..." once started, as where it binds them itself (given
    sockets, it leaves that to `Config.bind_socket`, which makes them for its workers): through
    its private `_log_started_message`, or, a uvicorn without it, as ``held`` (the line
    `_bound` held back) said it then."""
    import uvicorn

    class Announcing(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            said: list[bool] = []

            def running(record: logging.LogRecord) -> bool:
                said.append(_running_on(record))
                return True

            _watch(running)  # (a uvicorn that says it of given sockets too)
            try:
                await super().startup(sockets=sockets)
            finally:
                _unwatch(running)
            if not (self.started and sockets) or any(said):
                return
            if len({sock.getsockname()[1] for sock in sockets}) > 1:
                _say_each_running_on(self.config, sockets)
                return
            if hasattr(self, "_log_started_message"):
                self._log_started_message(sockets)
                return
            for record in held:  # (said now, with the time of now)
                colored = getattr(record, "color_message", None)  # (uvicorn's, in colour)
                extra = {"color_message": colored} if isinstance(colored, str) else None
                uvicorn_logger.log(record.levelno, record.msg, *_args(record), extra=extra)

    return Announcing(config)


def _say_each_running_on(config: Any, sockets: Sequence[Any]) -> None:
    """uvicorn's "Uvicorn running on" line for ``sockets`` on ports of their own (``--port 0``
    on a name of several addresses, no port the system chose free on each: `bind_as_asyncio`),
    naming each address and its port: uvicorn's names the host and the first's port alone. In
    colour where uvicorn's would be (its formatter's ``use_colors``): each address in bold."""
    scheme = "https" if config.is_ssl else "http"
    urls = [f"{scheme}://{address_shown(*sock.getsockname()[:2])}" for sock in sockets]
    # uvicorn's formatter says ``color_message`` in place of the message when it colours, with
    # the same arguments; bold through click (uvicorn's dependency, whose style its own did
    # before it had a private copy of it).
    import click

    message = "Uvicorn running on " + ", ".join(["%s"] * len(urls)) + " (Press CTRL+C to quit)"
    colored = message.replace("%s", click.style("%s", bold=True))
    uvicorn_logger.info(message, *urls, extra={"color_message": colored})


def _args(record: logging.LogRecord) -> tuple[object, ...]:
    """``record``'s arguments, to say its message again (uvicorn's are a tuple)."""
    return record.args if isinstance(record.args, tuple) else ()


def _bound(config: Any, *, held: list[logging.LogRecord] | None = None) -> Any:
    """``config.bind_socket()``; a port taken since `check_port` a `UsageError` in its words
    (`refuse_unbound`), where uvicorn said ``[Errno 98] Address already in use``, naming
    neither host nor port, and exited. ``held``: its "Uvicorn running on" line is put there,
    not said (the server says it once started: `_announcing_server`)."""
    failures: list[tuple[OSError, logging.LogRecord]] = []

    def failed(record: logging.LogRecord) -> bool:
        if isinstance(record.msg, OSError):
            failures.append((record.msg, record))
            return False
        if held is not None and _running_on(record):
            held.append(record)
            return False
        return True

    _watch(failed)  # (where uvicorn's bind_socket says its OSError)
    try:
        return config.bind_socket()
    except SystemExit:
        _unwatch(failed)
        for exc, record in failures:
            refuse_unbound(exc, config.host, config.port)  # (a `UsageError` for the command's)
            uvicorn_logger.handle(record)  # (any other: said as uvicorn said it)
        raise
    finally:
        _unwatch(failed)


def _watch(watcher: Callable[[logging.LogRecord], bool]) -> None:
    """Put ``watcher`` on `uvicorn_logger`, after its filters."""
    edit_filters(uvicorn_logger, lambda filters: [*filters, watcher])


def _unwatch(watcher: Callable[[logging.LogRecord], bool]) -> None:
    """Take ``watcher`` off `uvicorn_logger` (if there)."""
    # A new list, not a removal in place: another thread (one the app's lifespan started) may
    # be logging there, and its record's walk of the filters would skip the one after it.
    edit_filters(uvicorn_logger, lambda filters: [each for each in filters if each is not watcher])


def _running_on(record: logging.LogRecord) -> bool:
    """Whether ``record`` is uvicorn's "Uvicorn running on ..." line."""
    return isinstance(record.msg, str) and record.msg.startswith("Uvicorn running on")
