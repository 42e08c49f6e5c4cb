"""``alexaskill serve --workers``: the supervisor of its server processes, which says how one
ended, and the exit statuses serve and its server processes share. (Each server process's own
run: `serve_worker_run`.)"""

from __future__ import annotations

import logging
import signal
from typing import Any, Final

#: uvicorn's exit status for a server that cannot start (a worker's, then serve's).
_STARTUP_FAILURE: Final = 3
#: serve's exit status once stopped, a worker not having ended with status 0 (`stopped_unclean`).
_UNCLEAN_STOP: Final = 1
#: After how many health-check timeouts (60 s at uvicorn's 5) a worker still starting is said
#: at WARNING, waited for still: a bound that killed it would starve the next one as it did.
_STARTING_SAID_AFTER = 12


def _supervisor(config: Any, sock: Any) -> Any:
    """uvicorn's ``--workers`` supervisor for ``config``, serving ``sock``, but saying at ERROR
    how a worker it replaces ended: its exit status, the signal that killed it, or that it did
    not answer the health check and was killed (uvicorn says "died" at INFO, a line an operator
    filtering for errors never sees). A worker that cannot start stops the rest, as uvicorn's
    does, and serve then exits with status 3 (uvicorn's parent exits 0).

    That replaces uvicorn's restart check with one using its internals of 0.51 on
    (`_says_how_workers_end`); an older uvicorn keeps its own, as bare ``uvicorn --workers``
    runs it, after a look for a worker that could not start (`_startup_checked`). On any, the
    port closes as serve stops (`_port_closed_first`), a worker that cannot start ends serve
    with status 3, and a graceful stop ends each worker with status 0 (`serve_till_stopped`)."""
    import functools
    import inspect

    import uvicorn
    from uvicorn.supervisors import multiprocess

    from .serve_worker_run import serve_till_stopped

    if _says_how_workers_end(multiprocess):
        return _supervisor_class(multiprocess)(config, sockets=[sock])
    worker_logger.info(
        # (No "ERROR" in this INFO line: a grep of the log for errors would find it.)
        "uvicorn %s: its own supervisor watches the workers, and says a worker's end at INFO "
        "(with uvicorn 0.51 or later, alexaskill's says it as an error, with how it ended)",
        getattr(uvicorn, "__version__", "?"),
    )
    options: dict[str, Any] = {"sockets": [sock]}
    if "target" in inspect.signature(multiprocess.Multiprocess).parameters:  # before 0.51
        # The server's run, as uvicorn.run gives it, within `serve_till_stopped`.
        options["target"] = functools.partial(
            serve_till_stopped,
            uvicorn.Server(config).run,
            exit_within=config.timeout_graceful_shutdown,
        )
    return _startup_checked(multiprocess)(config, **options)


def _startup_checked(multiprocess: Any) -> Any:
    """uvicorn's supervisor (of any release), closing its port as it stops, and stopping the
    rest once a worker has exited with uvicorn's start-up failure status, before uvicorn's own
    restart check sees it: ``failed_to_start`` is then set, and serve exits with status 3, as
    with `_supervisor_class`. uvicorn 0.42 to 0.49 started such a worker again and again, for
    ever; 0.50 stopped, but left it among the workers, and serve then said it as a worker that
    did not stop cleanly, and exited 1. (Each release's worker wraps a `multiprocessing`
    process as ``process``, whose ``exitcode`` this reads.) One that ends just as 0.42-0.49
    looks is started again unseen (a race of the 0.5 s loop): its next failure stops them all."""

    class Supervisor(_port_closed_first(multiprocess)):  # type: ignore[misc]
        failed_to_start = False

        def keep_subprocess_alive(self) -> None:
            if self.should_exit.is_set() or self._one_failed_to_start():
                return
            super().keep_subprocess_alive()
            # (one that ended as uvicorn looked: 0.50 stopped, keeping it among the workers)
            self._one_failed_to_start()

        def _one_failed_to_start(self) -> bool:
            if self.failed_to_start:
                return True
            for worker in self.processes:
                if worker.process.exitcode == _STARTUP_FAILURE:
                    worker_logger.error(
                        "worker process [%s] could not start (its log says why): stopping",
                        worker.process.pid,
                    )
                    self.failed_to_start = True
                    self.should_exit.set()
                    return True
            return False

    return Supervisor


def stopped_unclean(supervisor: Any) -> bool:
    """Whether a worker of ``supervisor`` (uvicorn's or `_supervisor_class`'s, once it has run)
    did not end with status 0 as it stopped them, each such worker said at ERROR with how it
    ended: ``serve`` then exits with status 1, not 0 (a stop docker, systemd and Kubernetes
    take for a clean one). One still running as serve stopped it (`_port_closed_first`) that
    died of that SIGTERM before it said that its server was up ended as asked, said at INFO; one
    that had said so (a `Worker`: uvicorn 0.51 on) stopped uncleanly, at ERROR."""
    unclean = False
    asked = getattr(supervisor, "asked_to_stop", ())
    for process in getattr(supervisor, "processes", ()):
        worker = process.process  # (the multiprocessing process, on any uvicorn)
        if worker.exitcode == -signal.SIGTERM and worker in asked:
            up = getattr(process, "up", None)  # (`Worker.up`; none before uvicorn 0.51)
            if callable(up) and up():
                unclean = True
                worker_logger.error(
                    "worker process [%s] was killed by SIGTERM as serve stopped, though it had "
                    "said that its server was up: a SIGTERM handler of the app's (or Python's "
                    "default, put back) stood in uvicorn's place, whose graceful stop drains "
                    "the requests under way",
                    worker.pid,
                )
                continue
            # Dead of the SIGTERM serve sent it, not known to be up: before it had set its
            # handler (its program or uvicorn still imported: `serve_till_stopped`), ended as
            # asked; or its server up, the app's handler in uvicorn's place, and not yet asked
            # (the supervisor hears of it within a tick or two): what is known is said.
            worker_logger.info(
                "worker process [%s] ended by serve's SIGTERM as serve stopped, before it had "
                "said that its server was up (its SIGTERM handler not yet set as it started, "
                "or replaced by the app's)",
                worker.pid,
            )
        elif worker.exitcode != 0:
            unclean = True
            worker_logger.error(
                "worker process [%s] %s as serve stopped",
                worker.pid,
                _how_it_ended(worker.exitcode, False, 0),
            )
    return unclean


def _says_how_workers_end(multiprocess: Any) -> bool:
    """Whether uvicorn's supervisor module (``multiprocess``) has what `_supervisor_class` uses:
    a worker's ``exitcode``, and a worker and the supervisor made as ``(config, sockets)``, as
    uvicorn 0.51 on. Before it, a worker has no ``exitcode`` (0.42-0.49) and both take a
    ``target`` too (to 0.50)."""
    import inspect

    try:
        made_as = [
            list(inspect.signature(made).parameters)
            for made in (multiprocess.Process, multiprocess.Multiprocess)
        ]
    except (AttributeError, TypeError, ValueError):
        return False
    return (
        made_as == [["config", "sockets"]] * 2
        and hasattr(multiprocess.Process, "exitcode")
        and callable(getattr(multiprocess.Multiprocess, "keep_subprocess_alive", None))
    )


def _supervisor_class(multiprocess: Any) -> Any:
    """uvicorn's supervisor (0.51 on), its restart check saying how a worker ended, and judging
    a worker by the health check only once the worker has said that its server is up; its
    restart on SIGHUP waits for each new worker as long as that (`restart_all`)."""

    from .serve_worker_process import Worker

    class Supervisor(_port_closed_first(multiprocess)):  # type: ignore[misc]
        failed_to_start = False
        #: How many signals of the queue a restart on SIGHUP said waiting behind it.
        _queued_said = 0

        def run(self) -> None:
            # uvicorn makes each worker as its module's Process(config, sockets), in four
            # places (at start, in place of one that died, on SIGHUP and SIGTTIN): a `Worker`
            # in each, for as long as this supervisor runs (in serve's process, which runs no
            # other). Overriding the four would copy uvicorn's code of each.
            made_as, multiprocess.Process = multiprocess.Process, Worker
            try:
                super().run()
            finally:
                multiprocess.Process = made_as

        def restart_all(self) -> None:
            # uvicorn's restart on SIGHUP waited --timeout-worker-healthcheck seconds for each
            # new worker to be up, then killed it and abandoned the restart, where a worker of
            # the start is waited for as long as it runs (`keep_subprocess_alive`): on a machine
            # short of CPU a restart failed where a start succeeded. Each new worker is waited
            # for as a starting one is, the others checked meanwhile; one that ends before it
            # is up abandons the restart, which says which workers serve which code. (The
            # workers themselves kept, not their pids: one replaced, its pid could be a new one's.)
            before = list(self.processes)
            self._queued_said = 0
            for index in range(len(self.processes)):
                if self._stopping():
                    return
                new = multiprocess.Process(self.config, self.sockets)  # (a `Worker`: `run`)
                new.start()
                if not self._waited_for(new, index):
                    new.kill()
                    new.join()
                    if not self._stopping():
                        self._abandoned(new, self.processes[index], before)
                    return
                old, self.processes[index] = self.processes[index], new
                old.terminate()
                old.join()

        def _waited_for(self, new: Any, index: int) -> bool:
            """Whether ``new``, a worker of the restart in place of ``self.processes[index]``
            (that one started again meanwhile if it died: named as it is now), said that its
            server is up; false once it ended before, or serve was told to stop (`_stopping`).
            Until then, every half second (the main loop's tick), the other workers are
            checked, as when no restart runs; another SIGHUP (SIGTTIN, SIGTTOU) waits for the
            end of this restart, said (`_say_queued`)."""
            timeout = self.config.timeout_worker_healthcheck
            held = False
            while not self.should_exit.wait(_RESTART_TICK) and not self._stopping():
                if not new.starting():
                    return bool(new.up())  # (not up: its pipe closed, as it ends)
                if not new.process.is_alive():
                    return False
                if new.started_long_ago(_STARTING_SAID_AFTER * timeout):
                    held = True
                    self._queued_said = 0  # (those said at INFO said again, with the remedy)
                    worker_logger.warning(
                        "new worker process [%s] of the restart on SIGHUP has not said that its "
                        "server is up %g s after its start: the restart is held, worker process "
                        "[%s] serving on in its place (hung as it starts? the machine short of "
                        "CPU?): kill -KILL %s abandons the restart",
                        new.pid,
                        _STARTING_SAID_AFTER * timeout,
                        self.processes[index].pid,
                        new.pid,
                    )
                self._say_queued(new, held)
                self.keep_subprocess_alive()
            return False

        def _say_queued(self, new: Any, held: bool) -> None:
            """Say each signal come since the restart began that waits for its end (those
            uvicorn handles but the stops, which end it: `_stopping`), once: at INFO, or at
            WARNING once the restart is ``held`` by ``new``, hung as it starts, with the remedy.
            uvicorn's loop handles them once the restart ends, and said nothing meanwhile.
            (The queue only grows during a restart: uvicorn takes signals out of it between.)"""
            for sig in self.signal_queue[self._queued_said :]:
                name = multiprocess.SIGNALS.get(sig, "")
                if sig in _STOPS or not hasattr(self, f"handle_{name.lower()}"):
                    continue  # (uvicorn has no handler for SIGWINCH, a terminal's resize)
                if held:
                    worker_logger.warning(
                        "SIG%s waits behind the restart on SIGHUP, held by new worker process "
                        "[%s]: handled once it ends (kill -KILL %s abandons it)",
                        name,
                        new.pid,
                        new.pid,
                    )
                else:
                    worker_logger.info(
                        "SIG%s waits behind the restart on SIGHUP: handled once it ends (new "
                        "worker process [%s] still starting)",
                        name,
                        new.pid,
                    )
            self._queued_said = len(self.signal_queue)

        def _stopping(self) -> bool:
            """Whether serve was told to stop: a stop signal queued ends a restart, which
            leaves it to uvicorn's loop. Not handled here: uvicorn's `handle_signals` goes over
            the signals the queue held as it began (SIGHUP and SIGTERM in one tick), taking each
            out of it, and one taken out by the restart raised ValueError, which ended serve's
            loop with its workers serving on."""
            return self.should_exit.is_set() or any(sig in _STOPS for sig in self.signal_queue)

        def _abandoned(self, new: Any, kept: Any, before: list[Any]) -> None:
            """Say the restart abandoned, ``new`` having ended before it was up: how, and which
            workers serve the new code and which the old (``before``: those of the start)."""
            worker_logger.error(
                "new worker process [%s] of the restart on SIGHUP %s before its server was up "
                "(its log says why): keeping worker process [%s]",
                new.pid,
                _how_it_ended(new.exitcode, False, 0),
                kept.pid,
            )
            old = [each.pid for each in self.processes if each in before]
            fresh = [each.pid for each in self.processes if each not in before]
            worker_logger.error(
                "the restart on SIGHUP was abandoned: worker processes serving the new code: "
                "%s; the old: %s. Send SIGHUP again to restart them all",
                _pids(fresh) or "none",
                _pids(old),
            )

        def keep_subprocess_alive(self) -> None:
            if self.should_exit.is_set():
                return
            # (uvicorn's Config has it from 0.37 on, and this class runs on 0.51 on only)
            timeout = self.config.timeout_worker_healthcheck
            for index, process in enumerate(self.processes):
                # Judged by the health check once it has said it is up (`Worker.starting`, which
                # waits for no answer); until then waited for while it runs, as a server in one
                # process is (one that hangs as it starts is not replaced). One starved of CPU
                # as it starts (a small container starting several, a loaded machine) answered
                # none within 5 s, was killed as hung, and each started in its place took as
                # long: none ever served.
                if process.starting() and process.process.is_alive():
                    _say_if_slow(process, timeout)
                    continue
                if process.is_alive(timeout=timeout):
                    continue
                hung = process.exitcode is None  # running, but it did not answer in time
                process.kill()
                process.join()
                if not hung and process.exitcode == _STARTUP_FAILURE:
                    worker_logger.error(
                        "worker process [%s] could not start (its log says why): stopping",
                        process.pid,
                    )
                    self.failed_to_start = True
                    self.should_exit.set()
                    return
                if self.should_exit.is_set():
                    return
                worker_logger.error(
                    "worker process [%s] %s: starting another",
                    process.pid,
                    _how_it_ended(process.exitcode, hung, timeout),
                )
                replacement = Worker(self.config, self.sockets)
                replacement.start()
                self.processes[index] = replacement

    return Supervisor


#: Seconds between a restart's looks at its new worker: the supervisor's main loop's tick.
_RESTART_TICK = 0.5
#: The signals that stop uvicorn's supervisor (handled during a restart on SIGHUP too).
_STOPS: Final = frozenset(
    getattr(signal, f"SIG{name}")
    for name in ("INT", "TERM", "BREAK")
    if hasattr(signal, f"SIG{name}")
)


def _say_if_slow(process: Any, timeout: float) -> None:
    """Say, once, at WARNING, a worker still starting `_STARTING_SAID_AFTER` health-check
    timeouts after its start: waited for, as a bound that killed it would starve the next."""
    if process.started_long_ago(_STARTING_SAID_AFTER * timeout):
        worker_logger.warning(
            "worker process [%s] has not said that its server is up %g s after its start: "
            "waited for, not replaced (hung as it starts? the machine short of CPU?)",
            process.pid,
            _STARTING_SAID_AFTER * timeout,
        )


def _port_closed_first(multiprocess: Any) -> Any:
    """uvicorn's supervisor class (of any release), closing its port as it stops: its copy of
    the listening socket is closed first, so that once each worker has closed its own (as it
    starts draining) a new connection is refused at once. Left open, the kernel still took
    connections into its queue, which nobody accepted: each waited out the drain, then was
    reset. It notes the workers it sends SIGTERM (``asked_to_stop``, for `stopped_unclean`)."""

    class Supervisor(multiprocess.Multiprocess):  # type: ignore[misc]
        #: The workers (their multiprocessing processes) still running as it stopped them, each
        #: sent SIGTERM (`stopped_unclean`).
        asked_to_stop: tuple[Any, ...] = ()

        def terminate_all(self) -> None:
            for sock in self.sockets:
                sock.close()
            self.asked_to_stop = tuple(
                each.process for each in self.processes if each.process.exitcode is None
            )
            super().terminate_all()

    return Supervisor


#: uvicorn's logger, where it says what its supervisor does.
worker_logger = logging.getLogger("uvicorn.error")


def _pids(pids: list[int | None]) -> str:
    """``pids`` for the log, in order: ``[4242], [4250]``."""
    return ", ".join(f"[{pid}]" for pid in sorted(pid or 0 for pid in pids))


def _how_it_ended(exitcode: int | None, hung: bool, timeout: float) -> str:
    """How a worker ended, for the log: ``exitcode`` as `multiprocessing` gives it (minus a
    signal's number), after `_supervisor` killed it if ``hung``."""
    import signal

    if hung:
        return f"did not answer the health check within {timeout:g} s and was killed (SIGKILL)"
    if exitcode is None:  # (not ended: serve stopped before uvicorn stopped its workers)
        return "was still running"
    if exitcode >= 0:
        return f"exited with status {exitcode}"
    try:
        name = signal.Signals(-exitcode).name
    except ValueError:
        name = f"signal {-exitcode}"
    if -exitcode == getattr(signal, "SIGKILL", None):
        # Nothing of alexaskill's or uvicorn's sends it here (a hung one is said above): the
        # kernel's OOM killer does, or an operator's kill of a worker hung as it starts.
        from ..worker_ends import SIGKILL_SENDERS

        return f"was killed by {name} ({SIGKILL_SENDERS})"
    return f"was killed by {name}"
