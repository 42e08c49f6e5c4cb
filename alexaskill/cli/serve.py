"""``alexaskill serve``: run the skill under uvicorn (``--dev``: trusting the development PKI)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..app import Skill
    from ..testing import TestPKI

from .common import UsageError, load_app, logger, skills_in
from .dev import trust_local_dev_pki
from .serve_app import asgi_problem as asgi_problem
from .serve_app import check_here, checked_here, left_to_the_servers, served_app
from .serve_closing import closing_mounted
from .serve_exit import exit_bounded
from .serve_handover import (
    _SERVE_APP_ENV,
    _SERVE_CAPTURE_ENV,
    _SERVE_DEV_ENV,
    _SERVE_HOST_ENV,
    _SERVE_MODEL_ENV,
    _SERVE_PORT_ENV,
    _hand_over,
    _handed_over,
)
from .serve_parser import add_parser as add_parser
from .serve_server import ServerNotStarted, _Decided
from .serve_uvicorn import (
    _graceful_seconds,
    _options,
    _put_back,
    _run_uvicorn,
    _say_at_start,
    _Terminated,
    noted_sigterms,
    stopped_by_sigterm,
)
from .serve_worker_run import stop_with_parent
from .serve_workers import _STARTUP_FAILURE, _UNCLEAN_STOP


def _configure_server_logging() -> None:
    """alexaskill's logging as ``uvicorn APP`` sets it up, unless APP set up logging itself.

    That is `configure_logging` from ``ALEXASKILL_LOG_LEVEL`` and ``ALEXASKILL_LOG_JSON`` (as the
    app does at start-up, `configure_logging_if_unset`), before the app's start-up could find
    another handler; other loggers' warnings then show in uvicorn's style, escaped as alexaskill's
    own lines are (`alexaskill.log_format.EscapingFormatter`).
    """
    from ..exceptions import ConfigurationError
    from ..settings import configure_logging_if_unset

    try:
        configure_logging_if_unset()
    except ConfigurationError as exc:  # a level or a boolean that does not parse
        raise UsageError(str(exc)) from None
    # Escaped as alexaskill's own lines are: a skill's handler logging a slot value with a
    # newline or an ANSI escape in it must not forge a line or colour the operator's terminal.
    from ..log_format import EscapingFormatter

    handler = logging.StreamHandler()
    handler.setFormatter(EscapingFormatter("%(levelname)s:     %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])


def serve_factory() -> Any:
    """The app ``serve --reload`` or ``--workers`` runs in each server process uvicorn starts
    (and restarts); in any other process, one line and exit status 3."""
    # Checked first: importing the app could change what the seal is checked with.
    if not _handed_over():
        logger.error(
            "alexaskill.cli.serve:serve_factory serves only the server processes of `alexaskill "
            "serve` --reload or --workers, whose options it reads: run `alexaskill serve APP`, "
            "or give uvicorn the app itself (uvicorn APP)"
        )
        raise SystemExit(_STARTUP_FAILURE)
    from ..proxies import trusting_everyone_said

    # The serve process checked the proxies uvicorn is given (these processes are given the
    # same), and said once, at start, if they are every address: not again here, at each one's
    # first connection.
    trusting_everyone_said()
    stop_with_parent()  # an orphan stops, not serving on without its supervisor
    spec = os.environ[_SERVE_APP_ENV]
    app = checked_here(spec)  # (--workers 1: serve's own process, its app imported already)
    if app is None:
        app = served_app(spec, load_app(spec))  # first: an app's own logging set-up left alone
    app = closing_mounted(app)  # the mounted skills' stop-signal handler, their stores closed
    _configure_server_logging()
    dev = os.environ.get(_SERVE_DEV_ENV) == "1"
    model = os.environ.get(_SERVE_MODEL_ENV) or None
    served = _prepare(spec, app, dev, os.environ.get(_SERVE_CAPTURE_ENV), model)
    if dev:  # said by each server process, as it says it trusts the development key
        _warn_beyond_loopback(os.environ.get(_SERVE_HOST_ENV, ""), os.environ.get(_SERVE_PORT_ENV))
    return served


def _prepare(
    spec: str,
    app: Any,
    dev: bool,
    capture: str | None,
    model: str | None = None,
    *,
    checking: bool = False,
) -> Any:
    """Apply ``--dev`` and ``--capture`` to every skill ``app`` serves; the app to serve.

    With ``--dev`` that is ``app`` with the simulator at ``/_simulator/`` (understanding what
    the user says with ``model``, an ASK CLI model file or directory, if given): without it,
    nothing of the simulator is imported. ``checking``: in ``serve``'s own process under
    ``--reload`` or ``--workers``, which serves nothing: ``capture`` checked, not put on the
    skills (a mounted skill, started, said its line there too: each server process says it),
    the development key loaded (made on first use, once), its warning left to them too.
    """
    from ..shown_names import shown

    if model is not None and not dev:
        raise UsageError("--model is the simulator's: add --dev")
    # /dev/null or a pipe: the simulator would say "no such file" (it reads the file anew)
    if model is not None and os.path.exists(model) and not _file_or_directory(model):
        raise UsageError(
            f"--model {shown(model)}: not a file: name an ASK CLI interaction model file "
            "(en-US.json) or a directory of them"
        )
    skills = skills_in(app) if dev or capture else []
    if (dev or capture) and not skills:
        option = "--dev" if dev else "--capture"
        raise UsageError(
            f"{option}: {shown(spec)} is no Skill and mounts none (its routes were searched, "
            "Mount(…, app=skill) and skill.mount(…) included)"
        )
    # The development PKI is loaded once, for the skills to trust and the simulator to sign
    # with: parsing its keys is most of the time --dev takes to start, in each process.
    pki = None
    for skill in skills:
        # Said once, by each server process: each skill the app mounts trusts the same key,
        # and ``checking`` serves nothing (its server processes say it, as they trust it).
        if dev:
            pki = trust_local_dev_pki(skill, pki, say=pki is None and not checking) or pki
        if capture and not checking:
            _capture(skill, capture)
    if dev:
        return _with_simulator(app, model, pki)
    return app


def _file_or_directory(path: str) -> bool:
    return os.path.isfile(path) or os.path.isdir(path)


def _with_simulator(app: Any, model: str | None, pki: TestPKI | None = None) -> Any:
    """``with_simulator(app, pki=pki, model=model)``, a model that cannot serve reported as
    usage."""
    from ..exceptions import ConfigurationError
    from ..interaction import InteractionModelError
    from ..shown_names import shown
    from ..simulator import ModelFileError, find_skills, with_simulator

    for target in find_skills(app):  # (--model's ConfigurationError is said below)
        try:
            target.skill_id  # noqa: B018
        except ConfigurationError as exc:
            raise UsageError(f"--dev: {exc}") from None
    try:
        served = with_simulator(app, pki=pki, model=model)
        served.simulator.load_model()  # a broken model file is reported now, not on a turn
    except ModelFileError as exc:  # (the name as given, not as the simulator's Path spells it)
        said = f"--model {shown(model)}" if model else "--model"
        raise UsageError(f"{said}: {exc.reason}") from None
    except ValueError as exc:  # (PathTaken, NoSkillFound: the skills' paths, or none: --dev's)
        raise UsageError(f"--dev: {exc}") from None
    except InteractionModelError as exc:
        raise UsageError(f"--model: {'; '.join(exc.problems)}") from None
    except ConfigurationError as exc:
        raise UsageError(f"--model: {exc}") from None
    return served


def _capture(skill: Skill, directory: str) -> None:
    from ..capture import RequestCapture

    skill.use_capture(RequestCapture(directory))


def run(args: argparse.Namespace, out: TextIO, err: TextIO, *, program: bool = False) -> int:
    """``alexaskill serve``; ``program``: run as the alexaskill program, whose process exits once
    it returns (a caller of `main` goes on after it), its exit then bounded (`_bound_exit`)."""
    state = _Run()
    # Stopped by SIGTERM at any point, the app's import included: status 0, as by SIGINT. The
    # program's SIGTERM is then ignored, not Python's default put back, till its exit is bounded
    # (`exit_bounded`, which takes a second one): a second one in between killed it (-15).
    failure: BaseException | None = None  # (what the run raised, its bound's status)
    stops: list[BaseException] = []
    try:
        with stopped_by_sigterm(then=signal.SIG_IGN if program else None, errors=True) as stops:
            _serve(args, state)
    except ServerNotStarted as exc:  # (its traceback at DEBUG, for a report to uvicorn)
        failure = exc
        logger.debug("uvicorn could not start", exc_info=exc.__cause__)
        err.write(f"alexaskill serve: error: uvicorn could not start ({exc})\n")
        return _STARTUP_FAILURE
    except BaseException as exc:
        failure = exc
        raise
    finally:
        if program and state.bound:
            stopped = failure or (stops[0] if stops else None)
            _bound_exit(args, state.bound[0], stopped, ran=state.began)
        elif program and threading.current_thread() is threading.main_thread():
            # Stopped before its bound was known (the APP's import not begun: a Ctrl-C as serve
            # sets up): no bound is armed, so Python's default is put back, not SIGTERM left
            # ignored, deaf to docker stop till its kill, were the process held at exit.
            _put_back(signal.SIGTERM, signal.SIG_DFL)  # (a Ctrl-C then left it ignored)
    return 0


class _Run:
    """What one `run` learns as it goes, for its exit's bound: its own, not the process's (two
    runs in two threads of one process each know their own)."""

    __slots__ = ("began", "bound")

    def __init__(self) -> None:
        #: The seconds the exit is bounded by (--timeout-graceful-shutdown, or the skills'),
        #: once known, as the APP's import begins (`_serve_app`); empty till then.
        self.bound: list[float | None] = []
        #: Whether uvicorn's run has begun, its port checked and bound (`_beginning`): a Ctrl-C
        #: the run ended with came before its server ran, or once it had stopped (`_bound_exit`).
        self.began = False


def _bound_exit(
    args: argparse.Namespace,
    seconds: float | None,
    failure: BaseException | None,
    *,
    ran: bool = False,
) -> None:
    """The program about to exit, its server stopped (in this process, or the server processes
    it started: it imported the app too, to check it), or ``failure`` raised (or a SIGTERM's
    `_Terminated`, which `stopped_by_sigterm` ended the run with): bounded as a
    worker's exit is (`serve_till_stopped`), where a thread of the app's that is not a daemon
    held it for ever."""
    # (1, a worker that did not stop cleanly, is said as a stop: its workers had run; 0 or
    # None is a clean one, which was said as "its error", None with status 1. A message, as
    # sys.exit("...") gives, is an error's.)
    stop = isinstance(failure, SystemExit) and failure.code in (0, None, _UNCLEAN_STOP)
    came = _came(failure, ran)
    first = not ran and isinstance(failure, KeyboardInterrupt)  # (a SIGTERM noted: come after it)
    if came is not None and not first and isinstance(failure, (KeyboardInterrupt, _Terminated)):
        # Raised once uvicorn's run had ended (its first stop taken by uvicorn), before the
        # bound's handler was set: a second Ctrl-C (or SIGTERM), so held it ends at once, said
        # "stopped again", not a first stop before the server ran (held till another).
        if args.reload or (args.workers or 1) > 1:
            stopped = "its server process" if args.reload else "its workers"
            exit_bounded(seconds, who="serve process", after=f"{stopped} stopped", came=came)
        else:
            exit_bounded(seconds, after="its server stopped", came=came)
    elif isinstance(failure, KeyboardInterrupt):
        # A Ctrl-C before the server ran (the app's import, a factory's call) is a stop, not
        # an error (said "after its error"), its status 130, as Python's; a second, come again.
        status, said = _status(failure), "its stop (SIGINT)"
        if came is None:
            exit_bounded(seconds, who="serve process", after=said, status=status)
        else:  # (a SIGTERM come after it: `noted_sigterms`)
            exit_bounded(seconds, who="serve process", after=said, status=status, came=came)
    elif isinstance(failure, _Terminated):
        # So is a SIGTERM then (`stopped_by_sigterm`'s), said "after its server stopped" of a
        # server that never ran: status 1, as a process held after any stop by SIGTERM (exiting
        # unheld, 0).
        exit_bounded(seconds, who="serve process", after="its stop (SIGTERM)")
    elif failure is not None and not stop:
        # Held after its error (a port in use, a server that could not start): the status it
        # says (2, 3), not 1, a stop that was not clean, of a server that may never have run;
        # a signal then is its first stop, not "stopped again".
        status, said = _status(failure), "stopped"
        exit_bounded(
            seconds, who="serve process", after="its error", status=status, stopped=said, came=came
        )
    elif args.reload or (args.workers or 1) > 1:
        stopped = "its server process" if args.reload else "its workers"
        exit_bounded(seconds, who="serve process", after=f"{stopped} stopped", came=came)
    else:
        exit_bounded(seconds, came=came)


def _came(failure: BaseException | None, ran: bool) -> signal.Signals | None:
    """The stop signal that came once the run's server had stopped, before its exit's bound
    was armed: a Ctrl-C or a SIGTERM the run ended with, its server having run (``ran``), or a
    SIGTERM that landed as the exit status its server decided was raised (`_Decided`), or as
    its error was (`noted_sigterms`)."""
    if isinstance(failure, _Decided):
        return signal.SIGTERM if failure.sigterms else None
    if ran and isinstance(failure, KeyboardInterrupt):
        return signal.SIGINT
    if ran and isinstance(failure, _Terminated):
        return signal.SIGTERM
    return signal.SIGTERM if failure is not None and noted_sigterms(failure) else None


def _status(failure: BaseException) -> int:
    """The status `alexaskill.cli` exits with once serve has raised ``failure``."""
    if isinstance(failure, SystemExit):  # (None is 0, as Python exits with; a message, 1)
        from . import _exit_status

        return _exit_status(failure)
    if isinstance(failure, UsageError):
        return 2
    if isinstance(failure, ServerNotStarted):
        return _STARTUP_FAILURE
    return 130 if isinstance(failure, KeyboardInterrupt) else 1


def _serve(args: argparse.Namespace, state: _Run) -> None:
    # A mistake in APP is reported here, not by uvicorn; a factory's app is made here. Under
    # --reload and --workers, what its import says is the server processes' to say, as each
    # imports it again: this one serves nothing. Held until they start: a mistake found first
    # (a usage error, a port in use) starts none, and it is said with the mistake.
    if args.reload or args.workers is not None:
        with left_to_the_servers() as servers_start:
            _serve_app(args, servers_start, state)
    else:
        _serve_app(args, None, state)


def _serve_app(
    args: argparse.Namespace,
    servers_start: Callable[[bool], None] | None,
    state: _Run,
) -> None:
    """Check APP and the options, and run uvicorn; ``servers_start`` (--reload, --workers) is
    called just before it runs: what the check's import said is the servers' from then on.
    ``state`` is given the seconds the server's drain is bounded by, as the app's import
    begins, and told as uvicorn's run begins."""
    # Given before the import (the skills' own once the app is served): a refusal from here on
    # (an import that fails, --model without --dev, --ssl-certfile alone) is bounded at exit as
    # a port in use is, where a thread the import had started held it for ever.
    waits = args.timeout_graceful_shutdown
    bound = state.bound
    bound.append(_graceful_seconds(()) if waits is None else waits)
    loaded = load_app(args.app)
    app = served_app(args.app, loaded)
    if waits is None:
        bound[0] = _graceful_seconds(skills_in(app))
    if args.model is not None and not args.dev:
        raise UsageError("--model is the simulator's: add --dev")
    if args.reload and args.workers is not None:
        raise UsageError("--reload runs one server process: drop --workers")
    if args.timeout_worker_healthcheck is not None and args.workers in (None, 1):
        # Refused, as --model without --dev: taken, it bounded nothing, and nothing said so.
        raise UsageError(
            "--timeout-worker-healthcheck is the supervisor's of --workers 2 or more (one server "
            "process, --reload's too, has none): add --workers N, or drop it"
        )
    options = _options(args)
    options["timeout_graceful_shutdown"] = bound[0]
    _run_servers(args, app, options, servers_start, state)


def _run_servers(
    args: argparse.Namespace,
    app: Any,
    options: dict[str, Any],
    servers_start: Callable[[bool], None] | None,
    state: _Run,
) -> None:
    """`_serve_app`'s run of uvicorn with ``options``, serving ``app`` (in this process) or the
    APP each server process imports (--reload, --workers)."""
    if args.reload or args.workers is not None:
        # Mistakes in --dev, --model or --capture are reported here, once, not by each worker
        # (or the reloader's process) as it fails to start.
        _configure_server_logging()
        _prepare(args.app, app, args.dev, args.capture, args.model, checking=True)
        _log_simulator(args, checking=True)
        _say_at_start(args)
        _say_placeholder_ids(args, app)
        if args.workers is not None:
            if args.dev and args.workers > 1:
                logger.warning(
                    "--dev with --workers %d: the simulator keeps each conversation in the "
                    "process that began it, and a turn another process answers starts it over. "
                    "Talk to the simulator with one worker.",
                    args.workers,
                )
            options["workers"] = args.workers
            if args.workers == 1:  # the server is this process
                check_here(args.app, app)
        else:
            options["reload"] = True
            options["reload_dirs"] = _watched(args.app)
        # uvicorn imports the app in each server process it starts (and restarts): hand the
        # options over through the environment, which those processes inherit.
        handed = _hand_over(args.app, args.dev, args.capture, args.model, args.host, args.port)
        _run_uvicorn(
            "alexaskill.cli.serve:serve_factory",
            factory=True,
            env=handed,
            starting=_beginning(state, servers_start),
            **options,
        )
        return
    _configure_server_logging()
    app = _prepare(args.app, closing_mounted(app), args.dev, args.capture, args.model)
    _log_simulator(args)
    _say_at_start(args)
    _say_placeholder_ids(args, app)
    _run_uvicorn(app, starting=_beginning(state, None), **options)


def _beginning(state: _Run, servers_start: Callable[[bool], None] | None) -> Callable[[bool], None]:
    """`_run_uvicorn`'s ``starting``: ``state`` told that uvicorn's run begins, its port checked
    and bound (a Ctrl-C before, in the check or the bind, is a stop before its server ran), then
    ``servers_start`` called, if given."""

    def began(here: bool) -> None:
        state.began = True
        if servers_start is not None:
            servers_start(here)

    return began


def _say_placeholder_ids(args: argparse.Namespace, app: Any) -> None:
    """Warn of a skill served (not --dev, whose simulator sends it) with the placeholder id:
    said here, once, by serve's own process, not by each worker."""
    if not args.dev:
        from ..refusal_warnings import say_placeholder_ids

        say_placeholder_ids(skill.skill_ids for skill in skills_in(app))


def _watched(spec: str) -> list[str]:
    """The directories ``--reload`` watches: the current one (uvicorn's default), and that of
    an APP named as a file outside it (``../skills/app.py:skill``), whose edits went unseen."""
    from pathlib import Path

    here = Path.cwd()
    target = spec.rpartition(":")[0]
    if not (target.endswith(".py") or "/" in target or os.sep in target):
        return [str(here)]  # a module: imported from here, or installed (not watched)
    directory = Path(target).resolve().parent
    return [str(here)] if directory.is_relative_to(here.resolve()) else [str(here), str(directory)]


def _log_simulator(args: argparse.Namespace, *, checking: bool = False) -> None:
    """Say where the simulator is; and, but when ``checking`` (`_prepare`'s: the servers of
    --reload or --workers say it, as `serve_factory`), that it listens beyond loopback."""
    if args.dev:
        scheme = "https" if args.ssl_certfile is not None else "http"
        host = f"[{args.host}]" if ":" in args.host else args.host
        if args.port == 0:  # the system chooses it as uvicorn binds: not known yet
            # (a port per address, for a name of several bound each on its own: not "the port")
            logger.info(
                "--dev: the simulator is at /_simulator/ on each address of uvicorn's `Uvicorn "
                "running on` line below"
            )
        else:
            logger.info(
                "--dev: the simulator is at %s://%s:%d/_simulator/", scheme, host, args.port
            )
        if not checking:
            _warn_beyond_loopback(args.host, args.port)


def _warn_beyond_loopback(host: str, port: object) -> None:
    if not _loopback(host):
        from ..logs import security_logger  # (here: the parser of every command imports this)

        # --port 0: the system's choice, a port per address where a name has several
        # (`bind_as_asyncio`): the line that names them, not "the port".
        chosen = str(port) == "0"
        security_logger.warning(
            "--dev on %s, not a loopback address: whoever reaches %s can drive the "
            "skill through the simulator and read the requests the development key signs. "
            "Serve --dev on 127.0.0.1 (the default), or keep %s behind a firewall.",
            host,
            "a port of uvicorn's `Uvicorn running on` line" if chosen else f"port {port}",
            "those ports" if chosen else "the port",
        )


def _loopback(host: str) -> bool:
    """Whether uvicorn, given ``--host host``, listens on loopback addresses only: ``localhost``,
    a loopback address in any form the C library reads (``127.1``, ``::ffff:127.0.0.1``), or a
    name each address of which is loopback (uvicorn binds every one of them)."""
    import ipaddress
    import socket

    if host.lower() == "localhost":
        return True
    try:  # as uvicorn binds it: 127.1 and 2130706433 are 127.0.0.1, which ip_address refused
        found = socket.getaddrinfo(
            host.strip("[]"), None, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
        addresses = [ipaddress.ip_address(info[4][0]) for info in found]
    except (OSError, UnicodeError, ValueError):
        return False  # not resolved here: said as beyond loopback
    # ::ffff:127.0.0.1 is 127.0.0.1 (Python before 3.13 calls it no loopback)
    return bool(addresses) and all(
        (getattr(address, "ipv4_mapped", None) or address).is_loopback for address in addresses
    )
