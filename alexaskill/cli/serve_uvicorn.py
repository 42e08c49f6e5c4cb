"""``alexaskill serve``'s uvicorn: its options, checked before it starts, and its run."""

from __future__ import annotations

import argparse
import contextlib
import functools
import math
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..shown_names import shown
from .common import UsageError, logger, no_file
from .serve_port import bind_as_asyncio, check_host, check_port
from .serve_port import ipv6_wildcard as _ipv6_wildcard  # (tests replace it here)
from .serve_server import (
    ServerNotStarted,
    _announcing_server,
    _bound,
    _Decided,
    _serve_here,
    _starting,
)
from .serve_tls import _check_tls, _warn_if_alexa_refuses
from .serve_worker_run import serve_till_stopped
from .serve_workers import _STARTUP_FAILURE, _UNCLEAN_STOP, _supervisor, stopped_unclean


def _options(args: argparse.Namespace) -> dict[str, Any]:
    """uvicorn's options for ``args``: bounded as the Docker image's ``CMD`` (see
    alexaskill.server), without uvicorn's access log and ``server`` header, as it."""
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "http": args.http,
        "limit_concurrency": args.limit_concurrency,
        "timeout_keep_alive": 5,
        # The skill writes a line for each of its requests (alexaskill.logs), status included:
        # uvicorn's line would be a second. Without it a Skill's POST also takes the direct
        # path of alexaskill.server behind the proxy-headers middleware (2-4% fewer
        # instructions a request, benchmarks/README.md).
        "access_log": args.access_log,
        "server_header": False,
        "proxy_headers": True,
        # uvicorn's own choice of loop, with TLS handshakes bounded to 10 s (asyncio's: 60)
        # (alexaskill.loops), its default executor's threads left to the exit's bound.
        "loop": "alexaskill.cli.serve_loop:new_event_loop",
    }
    # Stopped (SIGTERM), uvicorn waits this long for the requests under way, then cancels them:
    # without a limit it waits for ever (a handler that never returns). The default lets a
    # request answer through its deadline; run() lengthens it for a longer deadline of the app's.
    waits = args.timeout_graceful_shutdown
    options["timeout_graceful_shutdown"] = _graceful_seconds(()) if waits is None else waits
    if args.timeout_worker_healthcheck is not None:  # else uvicorn's: 5 (Config's since 0.37)
        options["timeout_worker_healthcheck"] = args.timeout_worker_healthcheck
    if args.forwarded_allow_ips is not None:  # else uvicorn's: $FORWARDED_ALLOW_IPS or loopback
        options["forwarded_allow_ips"] = args.forwarded_allow_ips
    _trusts_every_proxy(args)  # a list uvicorn would misread is refused here
    check_host(args.host)
    if (args.ssl_certfile is None) != (args.ssl_keyfile is None):
        raise UsageError("--ssl-certfile and --ssl-keyfile go together")
    if args.ssl_certfile is not None:
        for option, path in (
            ("--ssl-certfile", args.ssl_certfile),
            ("--ssl-keyfile", args.ssl_keyfile),
        ):
            _check_readable(option, path)
        _check_tls(args.ssl_certfile, args.ssl_keyfile)
        options.update(ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile)
    if args.capture is not None and not args.capture.strip():
        # `--capture "$DIR"`, the variable unset: served with no capture, said nowhere.
        raise UsageError("--capture is empty: give a directory, or leave the option out")
    if args.capture is not None:
        from ..capture import blocked_by_a_file

        try:
            blocker = blocked_by_a_file(args.capture)
        except OSError:  # a name too long even to look up: said below, as not made
            blocker = None
        if blocker is not None:  # (the directories above it included)
            raise UsageError(
                f"--capture {shown(args.capture)}: not a directory ({shown(blocker)} is a file)"
            )
        _check_capture_writable(args.capture)
    if ":" not in args.http:
        from uvicorn.config import HTTP_PROTOCOLS

        if args.http not in HTTP_PROTOCOLS:  # uvicorn failed with a traceback as it started
            raise UsageError(
                f"--http {shown(args.http, quoted=True)}: uvicorn's auto, h11 or httptools, or a "
                "class (module:Class)"
            )
    else:
        _check_protocol_class(args.http)
    # Each request in a fresh context whatever --http names (alexaskill's protocols do so
    # themselves): uvicorn's own from 0.45 only with this option, which 0.42 has not.
    import inspect

    import uvicorn

    if "reset_contextvars" in inspect.signature(uvicorn.Config).parameters:
        options["reset_contextvars"] = True
    return options


def _check_protocol_class(http: str) -> None:
    """`UsageError` unless ``--http`` names (module:Class) an HTTP protocol class uvicorn can
    serve with: one that imports, and an `asyncio.Protocol` (uvicorn makes one per connection).
    A module that raised as it was imported was a traceback; anything else named was served,
    every connection then failing."""
    import asyncio

    from uvicorn.importer import ImportFromStringError, import_from_string

    from .common import _import_failure
    from .shadowing import shadowing_problem

    said = shown(http)  # (cut, as uvicorn's own errors, which quote it whole, are)
    try:
        found = import_from_string(http)
    except (Exception, SystemExit) as exc:
        if shadowed := shadowing_problem(exc):  # (an http.py of the directory: not --http's)
            raise UsageError(shadowed) from None
        if isinstance(exc, (ImportFromStringError, ImportError)):
            # ImportError: a dotted module uvicorn's importer lets through (nosuch.module:Proto).
            raise UsageError(f"--http {said}: cannot import it ({shown(str(exc))})") from None
        module = http.partition(":")[0]  # the module's own failure
        raise UsageError(f"--http {said}: {_import_failure(shown(module), exc)}") from None
    if not (isinstance(found, type) and issubclass(found, asyncio.Protocol)):
        raise UsageError(
            f"--http {said}: not an HTTP protocol class (an asyncio.Protocol, such as "
            "alexaskill.server:HttpProtocol or a subclass of it)"
        )


def _trusts_every_proxy(args: argparse.Namespace) -> tuple[str, str] | None:
    """The setting, and its value, that make uvicorn believe every address's ``X-Forwarded-*``
    headers (``*``, ``0.0.0.0/0``), or None; `UsageError` for a list it would misread
    (`check_forwarded_allow_ips`). The value checked is the one uvicorn reads: the option's,
    else ``$FORWARDED_ALLOW_IPS`` (ignored when the option is given)."""
    from ..exceptions import ConfigurationError
    from ..proxies import check_forwarded_allow_ips

    source, value = _proxies_given(args)
    if value is None:  # uvicorn's default: the loopback addresses
        return None
    try:
        return (source, value) if check_forwarded_allow_ips(value, source=source) else None
    except ConfigurationError as exc:
        raise UsageError(str(exc)) from None


def _proxies_given(args: argparse.Namespace) -> tuple[str, str | None]:
    """The setting uvicorn reads its trusted proxies from, and its value (None: not set, and
    uvicorn trusts the loopback addresses): the option's, else ``$FORWARDED_ALLOW_IPS``."""
    from ..proxies import FORWARDED_ALLOW_IPS

    if args.forwarded_allow_ips is not None:
        return "--forwarded-allow-ips", args.forwarded_allow_ips
    return FORWARDED_ALLOW_IPS, os.environ.get(FORWARDED_ALLOW_IPS)


def _say_at_start(args: argparse.Namespace) -> None:
    """Warn, once logging is set up, of what `_options` let through: proxies trusted from every
    address or from none (an empty list), a certificate Alexa refuses."""
    from ..proxies import _setting, say_trusting_everyone

    everyone = _trusts_every_proxy(args)
    if everyone is not None:
        say_trusting_everyone(*everyone)
    source, value = _proxies_given(args)
    if value is not None and not value.replace(",", "").strip():
        # (`--forwarded-allow-ips "$IPS"`, the variable unset, is easily meant as the default)
        # (said cut as the proxies' other messages say it: a list of commas alone may be long)
        logger.warning(
            "%s trusts no proxy, not even on the loopback addresses (uvicorn's default): "
            "X-Forwarded-For and X-Forwarded-Proto are ignored from every address",
            _setting(source, value),
        )
    if args.ssl_certfile is not None:
        _warn_if_alexa_refuses(args.ssl_certfile)


def _graceful_seconds(skills: Any) -> int:
    """How long a stopped server waits for the requests under way of ``skills``: the longest
    of their deadlines (`DEFAULT_DEADLINE` where none has one), the exception handler's grace
    and a second to send the answer; 9 s by default, under the 10 s `docker stop` waits."""
    from ..deadline import DEADLINE_GRACE, DEFAULT_DEADLINE

    deadlines = [skill.deadline for skill in skills if skill.deadline is not None]
    return math.ceil(max(deadlines, default=DEFAULT_DEADLINE) + DEADLINE_GRACE) + 1


def _check_readable(option: str, path: str) -> None:
    """`UsageError` naming ``option`` unless ``path`` is a file this process can read: a
    directory or a device was "no such file", one unreadable "not a PEM certificate"."""
    if not os.path.exists(path):
        raise no_file(path, option)
    if not os.path.isfile(path):
        raise UsageError(f"{option} {shown(path)}: not a file (a directory, a device or a pipe)")
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise UsageError(f"{option} {shown(path)}: {exc.strerror or exc}") from None


def _check_capture_writable(directory: str) -> None:
    """`UsageError` for a ``--capture`` directory that cannot be made or written to, made here
    (as the capture would make it): served, every request's capture failed with a warning."""
    try:
        Path(directory).mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--capture {shown(directory)}: cannot make it ({exc.strerror})") from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise UsageError(f"--capture {shown(directory)}: this user cannot write to it")


class _Terminated(BaseException):
    """SIGTERM reached `stopped_by_sigterm`'s handler: uvicorn has stopped (or had not yet started).

    A BaseException, as KeyboardInterrupt is: an ``except Exception`` in the app's start-up or
    in uvicorn, where the handler is in place, does not swallow it."""


def _terminated(signum: int, frame: object) -> None:
    raise _Terminated


def _noted(came: list[_Terminated], signum: int, frame: object) -> None:
    came.append(_Terminated())  # (a SIGTERM come once uvicorn's run ended: `_run_uvicorn`)


def noted_sigterms(failure: BaseException) -> list[_Terminated]:
    """The SIGTERMs `_run_uvicorn` noted as ``failure``, its error, was raised up through it (a
    server that did not start, a port taken since its check, uvicorn's ``sys.exit(1)``, a
    Ctrl-C; the list, those of its ``finally`` too): stops come meanwhile, which the
    exit's bound takes as come (`serve._came`), as it takes a `_Decided`'s ``sigterms``."""
    noted: list[_Terminated] = vars(failure).get("_alexaskill_sigterms", [])
    return noted


def _run_uvicorn(
    app: Any,
    *,
    env: Mapping[str, str] | None = None,
    starting: Callable[[bool], None] | None = None,
    **options: Any,
) -> None:
    """Serve ``app`` with uvicorn's ``options`` (``uvicorn.run``'s keywords) within
    `stopped_by_sigterm`, as ``uvicorn.run`` would, but through uvicorn's own `Config`,
    `Server`, `ChangeReload` and `_supervisor` made here, not ``uvicorn.run``: a `Config` or
    a start uvicorn refused is `ServerNotStarted` (said in one line, exit status 3), a server
    that did not start exits with status 3. With ``workers`` over 1, its workers are watched
    by `_supervisor` (uvicorn's, saying how a worker ended); on ``::``, one socket is bound as
    for ``workers`` (IPv4 too, where the system allows). First the port is
    checked (`check_port`), and then ``env`` set in this process's environment (the options
    handed to the server processes uvicorn starts): a port refused leaves it as it was. Then
    ``starting`` is called, once uvicorn's sockets are bound, just before uvicorn runs
    (`serve_app.left_to_the_servers`'s: a bind that fails starts no server), told whether the
    server is this process (no ``reload``, one worker). A port taken since the check is said in
    the check's words: where uvicorn would bind it as it started, it is bound here as uvicorn
    binds it (`bind_as_asyncio`) and handed to uvicorn's `Server`, as ``uvicorn.run`` runs it
    (the app loaded by the server, in its loop; "Uvicorn running on" said once it started)."""
    host = options.get("host", "127.0.0.1")
    wildcard = _ipv6_wildcard(host)
    reload = options.get("reload", False)
    one_socket = reload or options.get("workers", 1) > 1 or wildcard
    if "port" in options:  # (serve always gives it)
        check_port(host, options["port"], one_socket=one_socket)
    os.environ.update(env or {})
    # Its block left, serve's handler put back raised serve's _Terminated (serve.run's block):
    # one landing before the run's outcome was raised ended serve "after its stop (SIGTERM)",
    # the 3 or 1 lost. Each is a stop come once the server stopped: noted from the block's
    # put-back (`_noted`) till serve's handler is back, the outcome read whole (`held`: a
    # Ctrl-C sent again once it is raised), none raised in the middle of it (a worker's ERROR
    # said again, or a second SIGTERM come as the first was noted raised out of it). A Ctrl-C
    # so sent replaces the 1 or 3 decided (its __context__): serve exits 130, as a Ctrl-C a
    # moment later does (serve's block holds none), an interactive stop whose unclean workers
    # were said; supervisors stop serve with SIGTERM, noted here, their status kept.
    import signal

    from .signals_held import held

    came: list[_Terminated] = []
    # (None: no supervisor read, were the block ended by a SIGTERM, uvicorn's stop of a server
    # here raised again once it stopped, or one come before the run began)
    supervisor: Any = None
    serves, noting = signal.getsignal(signal.SIGTERM), functools.partial(_noted, came)
    try:
        with stopped_by_sigterm(then=noting, landed=came, errors=True):
            supervisor = _uvicorns_run(app, host, one_socket, starting, options)
        with held(taking={signal.SIGTERM: functools.partial(_noted, came, 0, None)}):
            _raise_outcome(supervisor, came)
    except _Decided as exc:  # (3, a server here that did not start: those noted its, too)
        came[:0] = [each for each in exc.sigterms if each not in came]
        exc.sigterms = came
        raise
    except BaseException as exc:  # (its error, uvicorn's sys.exit(1), a Ctrl-C: `noted_sigterms`)
        vars(exc)["_alexaskill_sigterms"] = came
        raise
    finally:
        if signal.getsignal(signal.SIGTERM) is noting:  # (the main thread's)
            _put_back(signal.SIGTERM, signal.SIG_DFL if serves is None else serves, landed=came)
    if came:
        raise came[0]


def _uvicorns_run(
    app: Any,
    host: str,
    one_socket: bool,
    starting: Callable[[bool], None] | None,
    options: dict[str, Any],
) -> Any:
    """`_run_uvicorn`'s run of uvicorn, within its block: the supervisor of its workers (which
    says how they ended), or None (the server in this process, --reload's)."""
    import uvicorn

    reload = options.get("reload", False)
    here = not reload and options.get("workers", 1) <= 1  # (the server: this process)
    if not one_socket:
        # (bound here only where uvicorn's Server says "Uvicorn running on" of given
        # sockets through its private _log_started_message: a uvicorn without it binds)
        bind = "port" in options and hasattr(uvicorn.Server, "_log_started_message")
        sockets = bind_as_asyncio(host, options["port"]) if bind else None
        if sockets is None:  # (a failure that is uvicorn's to say, binding them itself)
            if starting is not None:
                starting(here)
            # As uvicorn.run runs it, a Config or a start it refused said in one line.
            _serve_here(lambda: uvicorn.Server(uvicorn.Config(app, **options)), None)
            return None
        try:  # (closed however uvicorn ends: its Config refused, its start failed)
            if starting is not None:
                starting(here)
            _serve_here(lambda: _announcing_server(uvicorn.Config(app, **options)), sockets)
        finally:
            for sock in sockets:
                sock.close()
        return None
    with _starting():
        config = uvicorn.Config(app, **options)  # as uvicorn.run makes it, and binds it
    # The server in this process says "Uvicorn running on" once started, as on any other
    # host (`_announcing_server`), not as the socket is bound, before the app's start-up:
    # the line bind_socket says is held back, and said then by a uvicorn whose Server
    # lacks _log_started_message. Under --reload and --workers the supervisor says it as
    # it binds, before the server processes start (uvicorn's order: README, "A running server").
    held: list[Any] = []
    sock = _bound(config, held=held if here else None)
    try:
        if starting is not None:
            starting(here)
        if reload:
            from uvicorn.supervisors import ChangeReload

            with _starting():
                # The reloader stops its server process with SIGTERM (at a restart, and as
                # serve stops): there too it ends with status 0, not by the signal raised
                # again once uvicorn has stopped (`serve_till_stopped`).
                server = functools.partial(
                    serve_till_stopped,
                    uvicorn.Server(config).run,
                    exit_within=config.timeout_graceful_shutdown,
                )
                reloader = ChangeReload(config, target=server, sockets=[sock])
            with contextlib.suppress(KeyboardInterrupt):  # (SIGINT, raised once stopped)
                reloader.run()
            return None
        if here:
            # One socket bound as --workers binds it, IPv4 too where the system's default
            # is so (Linux): asyncio's, which uvicorn.run makes, takes IPv6 only.
            _serve_here(lambda: _announcing_server(config, held), [sock])
            return None
        with _starting():
            supervisor = _supervisor(config, sock)
        with contextlib.suppress(KeyboardInterrupt):
            supervisor.run()
    finally:
        sock.close()  # (the server processes have their own; uvicorn's are closed)
    return supervisor


def _raise_outcome(supervisor: Any, came: list[_Terminated]) -> None:
    """`_Decided` if ``supervisor`` (None: the server ran in this process, or --reload's) says
    serve is to exit with a status of its own: 3, a worker could not start; 1, a worker did not
    stop cleanly (`stopped_unclean`); ``came``: the SIGTERMs come since the server stopped."""
    if getattr(supervisor, "failed_to_start", False):
        raise _Decided(_STARTUP_FAILURE, came)
    if supervisor is not None and stopped_unclean(supervisor):
        raise _Decided(_UNCLEAN_STOP, came)


def _decided_under(exc: BaseException) -> _Decided | None:
    """The `_Decided` exit ``exc`` was raised on its way up (in a ``finally`` it ran), if any:
    uvicorn's own exit of a server that did not start (``sys.exit(3)``, 0.50 on) made one. Not
    past an exception raised ``from None``, which put what it was raised in aside (an app
    factory's sys.exit(3), said as a `UsageError`)."""
    under = exc.__context__
    for _ in range(100):  # (a bound: a chain of contexts has no cycle, but is not kept short)
        if under is None or isinstance(under, _Decided):
            return under
        if isinstance(under, SystemExit) and under.code == _STARTUP_FAILURE:
            return _Decided(_STARTUP_FAILURE, [])
        if under.__suppress_context__:
            return None
        under = under.__context__
    return None


def _error_under(exc: BaseException) -> Exception | None:
    """The error of serve's own ``exc`` was raised on its way up (in a ``finally`` it ran), if
    any: a server that did not start (`ServerNotStarted`), a usage error (a port taken since its
    check). Not past an exception raised ``from None``, as `_decided_under`."""
    under = exc.__context__
    for _ in range(100):  # (a bound, as `_decided_under`'s)
        if under is None or isinstance(under, (ServerNotStarted, UsageError)):
            return under
        if under.__suppress_context__:
            return None
        under = under.__context__
    return None


@contextlib.contextmanager
def stopped_by_sigterm(
    then: Any = None, *, landed: list[_Terminated] | None = None, errors: bool = False
) -> Iterator[list[BaseException]]:
    """Within it, a SIGTERM ends what runs as SIGINT ends uvicorn: the block is left, and the
    process goes on to exit with status 0. ``alexaskill serve`` runs in it from the start, the
    app's import included, to uvicorn's return.

    uvicorn (0.29 on) stops gracefully on SIGTERM, then puts back the handler it found and raises
    the signal again (its "cooperative signal handling"): with Python's default handler there,
    the process died of it, exit status 143 (-15), which docker, compose, Kubernetes and process
    supervisors report as a failed stop; so did a SIGTERM while the app was still loading. With
    this handler there, the block is left instead (a SIGTERM while uvicorn's own handler is in
    place stops uvicorn first, gracefully). Outside the main thread, where no signal handler can
    be set, the block runs as it is. Left, the block puts back the SIGTERM handler it found, or
    ``then`` if given. It gives a list, to which the SIGTERM that ended the block (`_Terminated`)
    is added: serve's run, so ended, was stopped before its server ran, or once it had stopped
    (uvicorn's own run is in a block of its own), which its exit bound says (`serve._bound_exit`).
    One landing as the exit status its server decided (`_Decided`, or uvicorn's status 3 of a
    server that did not start) is raised up through the block is noted in it, and it raised
    again: that status stands. So is one landing as the handler is put back (`_put_back`'s
    ``landed``), added to the list if the block was left otherwise (to ``landed`` if given: a
    stop come once the block's run ended, where the block's own SIGTERM is the run's stop).
    With ``errors`` (serve's blocks), one landing as serve's error (`_error_under`) is raised
    up leaves that error raised, the SIGTERM a stop come after it (`noted_sigterms`). Not in a
    worker's: there a UsageError is taken in the block and said (`serve_worker_run`), and a
    SIGTERM landing as it is said, the error under it, is the stop its supervisor asked for.
    """
    import signal
    import threading

    stops: list[BaseException] = []
    if threading.current_thread() is not threading.main_thread():  # no signals there
        yield stops
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous is None:  # a handler not set from Python: none to put back
        previous = signal.SIG_DFL
    own = landed is None  # (as the handler was put back: the call ran it first)
    landed = [] if landed is None else landed
    error: Exception | None = None  # (serve's error, a SIGTERM landing as it went up)
    try:
        try:
            signal.signal(signal.SIGTERM, _terminated)
            yield stops
        finally:
            _put_back(signal.SIGTERM, previous if then is None else then, landed=landed)
    except _Terminated as exc:  # from the block, or as it ended (before the handler was put back)
        decided = _decided_under(exc)
        error = _error_under(exc) if decided is None and errors else None
        if decided is not None:
            decided.sigterms.extend([exc, *landed])
            raise decided from None
        if error is None:
            stops.append(exc)
        else:  # (the error raised again below: serve says it, its status kept)
            noted = vars(error).setdefault("_alexaskill_sigterms", landed)
            noted.extend([each for each in [exc, *landed] if each not in noted])
    except SystemExit as exc:
        # A SIGTERM landing as the handler was put back, the block left with the exit status
        # its server decided (or uvicorn's 3, `_decided_under`), is a stop come meanwhile too.
        if landed and isinstance(exc, _Decided):
            exc.sigterms.extend(landed)
        elif landed and exc.code == _STARTUP_FAILURE:
            raise _Decided(_STARTUP_FAILURE, list(landed)) from exc
        raise
    if error is not None:
        raise error
    if own:
        stops.extend(landed[:1])  # (a stop come once its run had ended, or before it began)


def _put_back(signum: int, handler: Any, *, landed: list[_Terminated] | None = None) -> None:
    """``signal.signal(signum, handler)``, though a SIGTERM comes as it is called (the handler
    raises `_Terminated` until it is replaced): added to ``landed``, if given, a stop that came,
    else taken as the stop under way. A Ctrl-C come so is raised once the handler is in place:
    raised by the call, before it set it (a pending signal is handled first), it left the
    handler it was to replace."""
    import signal

    interrupted: KeyboardInterrupt | None = None
    while True:
        try:
            signal.signal(signum, handler)
            break
        except _Terminated as exc:
            if landed is not None:
                landed.append(exc)
            continue
        except KeyboardInterrupt as exc:
            interrupted = exc
    if interrupted is not None:
        raise interrupted
