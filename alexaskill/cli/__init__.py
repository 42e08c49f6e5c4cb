"""The ``alexaskill`` command: replay sample requests, serve a skill, write requests and models.

    alexaskill replay APP FILE... [--json] [--keep-skill-id] [--locale L] [--now T]
    alexaskill replay [APP] --url URL FILE... [--json] [--keep-skill-id] [--locale L]
    alexaskill serve APP [--host H] [--port P] [--dev] [--reload]
    alexaskill request TYPE [--intent NAME] [--slot NAME=VALUE]... [--field NAME=VALUE]...
    alexaskill model APP [--locale L] [--invocation NAME] [--output FILE]
    alexaskill certify URL [--json] [--replay CAPTURE] [--dev] [--allow-local] [--cafile PEM]
    alexaskill understand --model MODEL [--locale L] [--now DATETIME] [UTTERANCE...]
    alexaskill chat [APP] [--url URL] [--model FILE] [--locale L] [--device screen]

``APP`` names the `Skill` object as ``module:attribute`` (imported with the current directory on
``sys.path``) or ``path/to/file.py:attribute``.

Exit status (`EXIT_STATUSES`, also in ``alexaskill --help``): 0 when all went well; 1 when a
replayed request, a certify check or ``model --check`` found a problem, or ``serve`` did not stop
cleanly (a worker that did not, a process held at exit by a thread); 2 for a mistake in how
the command was called (a bad APP, a missing file, a server that is not running, a port in
use, ...), reported in one line on stderr that says what to do, never with a traceback; 3 when
``serve`` could not start the app, or uvicorn itself could not start (its ``Config`` refusing an
option, its server failing before it serves); 130 when interrupted (Ctrl-C); 143 when stopped
by SIGTERM (``serve``: 0); 141 when the reader of the output went away (``| head``, a terminal
closed, a stream given to `main` closed; ``--help`` and ``--version``: 0), not when the skill's
own pipe or socket broke (its error, reported as its others). A replayed request fails when
the answer is not HTTP 200 with a response envelope, and also when a handler raised (Alexa
would hear the framework's apology, "Sorry, something went wrong..."), which is what replaying
sample requests is meant to catch (the handler's traceback is logged on stderr).
``certify`` prints one line per check (see `alexaskill.cli.probes`).

``serve --dev`` makes the skill trust, besides Amazon, a development signing PKI kept in
`dev_pki_directory` (made on first use), and ``replay --url`` signs with that PKI: a running
server can be tried with verification left on. The PKI's private keys sit in that directory, so
anyone who can read it can sign requests a ``--dev`` server accepts: never use ``--dev`` in
production.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, TextIO

if TYPE_CHECKING:
    from .common import UsageError, load_skill
    from .dev import DEV_CERT_URL, DEV_PKI_ENV, dev_pki, dev_pki_directory, trust_dev_pki
    from .serve import serve_factory

__all__ = [
    "DEV_CERT_URL",
    "DEV_PKI_ENV",
    "UsageError",
    "dev_pki",
    "dev_pki_directory",
    "load_skill",
    "main",
    "serve_factory",
    "trust_dev_pki",
]

# One module per command, each with add_parser() and run(); the parser lists them in this order.
# They are imported in main(), where a Ctrl-C is caught: the console script imports this module
# before main() runs, and a Ctrl-C during a slow import here was a traceback.
_COMMANDS: Final = ("replay", "serve", "request", "model", "certify", "understand", "chat")
# The commands whose parsers take their positional arguments among their options (`Parser`).
_INTERMIXED: Final = ("replay",)
# The options, per command, whose value of one word followed by a word is ambiguous: the rest
# of the value, or the positional argument named (`Parser.split_values`).
_SPLIT_VALUES: Final = {
    "understand": {"--invocation": "UTTERANCE"},
    "chat": {"--invocation": "APP"},
}

# The names this module gives, from the modules that define them (imported when first asked).
_LAZY: Final = {
    "DEV_CERT_URL": "dev",
    "DEV_PKI_ENV": "dev",
    "dev_pki": "dev",
    "dev_pki_directory": "dev",
    "trust_dev_pki": "dev",
    "UsageError": "common",
    "help_text": "common",
    "load_skill": "common",
    "serve_factory": "serve",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        return getattr(_command(module), name)
    # A submodule (``alexaskill.cli.chat``, ``.probes``): an attribute of the package once
    # imported, as every command was while the package imported them.
    if name.isidentifier() and not name.startswith("__"):
        from importlib.util import find_spec

        if find_spec(f"{__name__}.{name}") is not None:
            return _command(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _command(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{name}")


#: What the exit statuses of every command mean (see the module docstring).
EXIT_STATUSES: Final = (
    "exit status: 0 when all went well; 1 when a replayed request, a certify check or model "
    "--check found a problem, or serve did not stop cleanly; 2 for a mistake in the command "
    "(one line on stderr says what); 3 when serve could not start the app or uvicorn could not "
    "start; 130 when interrupted (Ctrl-C); 143 when stopped by SIGTERM (serve: 0); 141 when the "
    "output's reader closed it (| head)"
)


def parser(
    *, stdout: TextIO | None = None, stderr: TextIO | None = None, command: str | None = None
) -> argparse.ArgumentParser:
    """The argument parser of the ``alexaskill`` command, writing its help to ``stdout`` and its
    usage errors to ``stderr`` (default: sys.stdout and sys.stderr).

    Given ``command`` (one of the commands), the parser of a command line that starts with it:
    that command's parser alone is built, and its module alone imported (building every one
    costs each start of a command ~40 ms of CPU). Such a parser parses that command line as
    the whole one does; its own help would list that command alone.
    """
    from .common import help_text
    from .parsing import Parser

    top = Parser(
        prog="alexaskill",
        description="Test, serve and describe an alexaskill skill.",
        epilog=help_text("Run `alexaskill COMMAND --help` for a command's options.", EXIT_STATUSES),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action=_VersionAction)
    top.names_strays = True
    top.stdout, top.stderr = stdout, stderr
    top.commands = _COMMANDS
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMANDS if command is None else (command,):
        _command(name).add_parser(commands)
        sub = commands.choices[name]
        if isinstance(sub, Parser):
            sub.refuses_unknown = True
            sub.intermixed = name in _INTERMIXED
            sub.split_values = _SPLIT_VALUES.get(name, {})
            sub.stdout, sub.stderr = stdout, stderr
    return top


class _VersionAction(argparse.Action):
    """``--version``, whose version is looked up when asked for: reading the package's metadata
    took tens of milliseconds of every command's start. (argparse's own version action, which
    takes the version when made, is private.)"""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(
            option_strings,
            dest,
            nargs=0,
            default=argparse.SUPPRESS,
            help="show program's version number and exit",
        )

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        # (as argparse's own: to the parser's stdout, with no output to write to left unsaid)
        parser._print_message(f"{parser.prog} {_version()}\n", sys.stdout)
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("alexaskill")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the ``alexaskill`` command with ``argv`` (default: ``sys.argv[1:]``); its exit status.

    It writes to ``stdout`` and ``stderr`` (default: sys.stdout and sys.stderr), never swapping
    them in for sys.stdout and sys.stderr: two threads may each run it with their own, and
    each gets its own skill's log lines (`alexaskill.cli.skill_log`; a line logged in a thread
    the skill started itself goes to none of them while several run). A command stopped by
    SIGTERM (143) leaves its handler as it was before, for the program that called it."""
    return _run(argv, stdout, stderr, program=False)


def _program() -> int:
    """The ``alexaskill`` program (its console script, ``python -m alexaskill``): `main`, but a
    command stopped by SIGTERM leaves SIGTERM ignored, the process about to exit with 143."""
    return _run(None, None, None, program=True)


def _run(
    argv: Sequence[str] | None, stdout: TextIO | None, stderr: TextIO | None, *, program: bool
) -> int:
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    try:
        status = _main(list(sys.argv[1:] if argv is None else argv), out, err, program)
    except (OSError, ValueError) as exc:
        from .streams import reader_gone

        # The reader of `out` or `err` went away (`alexaskill request … | head -1`, a terminal
        # closed): stop quietly, as a shell tool does. A broken pipe of the skill's own is its
        # error, raised as its others are.
        if not reader_gone(exc, out, err):
            raise
        status = 141  # 128 + SIGPIPE, what a shell reports for a tool stopped this way
    # Every way out ends here, where a closed pipe is caught (--help's and --version's too,
    # whose status stays 0, as argparse ignores a failed write), not in Python's flush at exit,
    # which said "Exception ignored ... BrokenPipeError" and made the status 120.
    _settle(out)
    _settle(err)
    return status


def _main(given: list[str], out: TextIO, err: TextIO, program: bool) -> int:
    if given[:1] == ["--version"]:  # as the parser answers it, without building every command's
        try:
            out.write(f"alexaskill {_version()}\n")
        except (OSError, ValueError) as exc:  # (as argparse's: no output to write to)
            from .streams import lost

            if not isinstance(exc, OSError) and not lost(exc, out):
                raise
        return 0
    try:
        # (It imports the commands: the one the command line starts with alone, if it does.)
        named = given[0] if given and given[0] in _COMMANDS else None
        args = parser(stdout=out, stderr=err, command=named).parse_args(given)
    except SystemExit as exc:  # --help, or a usage error argparse has already printed
        if exc.code is not None and not isinstance(exc.code, int):
            err.write(f"{exc.code}\n")  # (as Python prints it: not yet, the parser ended it)
        return _exit_status(exc)
    except KeyboardInterrupt:
        return 130
    from .common import UsageError

    # Whether the process exits once the command returns: `serve` then bounds its exit
    # (`serve.run`), which a caller of `main` goes on after.
    told = {"program": program} if args.command == "serve" else {}
    try:
        with _terminable(args.command, program):
            status: int = _command(args.command).run(args, out, err, **told)
            out.flush()  # here, where a closed pipe is caught (141), not at exit
        return status
    except _Terminated:
        err.write(f"alexaskill {args.command}: stopped (SIGTERM)\n")
        return 143  # 128 + SIGTERM, as the shell reports a process ended by it
    except UsageError as exc:
        from .chat_show import error_line

        err.write(error_line(args.command, str(exc)))
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # an http.py of the directory, say: a failure of (or from) its import
        from .shadowing import shadowing_problem

        shadowed = shadowing_problem(exc)
        if shadowed is None:
            raise
        err.write(f"alexaskill {args.command}: error: {shadowed}\n")
        return 2


def _exit_status(exc: SystemExit) -> int:
    """The status Python exits with once ``exc`` is raised: its code, 0 for None (sys.exit()), 1
    for a message (which it prints)."""
    if exc.code is None:
        return 0
    return exc.code if isinstance(exc.code, int) else 1


class _Terminated(BaseException):
    """A SIGTERM that reached a one-shot command (raised as Ctrl-C raises KeyboardInterrupt)."""


def _terminated(signum: int, frame: object) -> None:
    # Not while one is being handled already (its finally blocks, an event loop's shutdown):
    # a repeat from `_Insisting`, or a second SIGTERM, would cut the clean-up short.
    if not isinstance(sys.exc_info()[1], _Terminated):
        raise _Terminated


@contextlib.contextmanager
def _terminable(command: str, program: bool = False) -> Iterator[None]:
    """Within it, a SIGTERM ends a one-shot command as Ctrl-C does: by an exception, its
    ``finally`` blocks run (a model's temporary files removed), a status of 143 and one line,
    where Python's default was to die of the signal. ``chat`` too, at its prompt as while it
    imports the skill (it has no stop of its own: it died of the signal, -15). Not for
    ``serve``, which stops on its own terms; nor in a thread other than the main one, nor when
    the program that calls `main` has a SIGTERM handler of its own. Stopped so, and the
    ``program`` itself (not a caller of `main`'s), SIGTERM is then ignored, not the default
    again: a second one (a supervisor's, sent again) as the process exits killed it (-15)
    after its "stopped" line."""
    import signal
    import threading

    if (
        command == "serve"
        or threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return
    again: _Insisting | None = None
    stopped = False
    try:
        # In the `try`: a Ctrl-C (or SIGTERM) raised as the handler is set or `_Insisting`
        # starts left `_terminated` in place; the `finally` puts the default back whenever.
        signal.signal(signal.SIGTERM, _terminated)
        again = _Insisting()  # (held before it starts: `stop` then puts back what it had)
        again.start()
        yield
    except _Terminated:
        stopped = True
        raise
    finally:
        # Done again if a SIGTERM (a second one, or the thread's repeat) or a Ctrl-C interrupts
        # it, then raised: the thread ended, its pipe closed and the default back, whenever it
        # came (a Ctrl-C raised in `signal.signal`, before it set the default, left ours).
        interrupted: BaseException | None = None
        for _ in range(3):
            try:
                if again is not None:
                    again.stop()
                if signal.getsignal(signal.SIGTERM) is _terminated:  # (not the skill's own)
                    after = signal.SIG_IGN if stopped and program else signal.SIG_DFL
                    signal.signal(signal.SIGTERM, after)
                break
            except _Terminated as exc:
                interrupted, stopped = exc, True
            except KeyboardInterrupt as exc:
                interrupted = exc
        if interrupted is not None:
            raise interrupted


#: Seconds between `_Insisting`'s repeats of a SIGTERM the command has not yet stopped for.
_AGAIN = 1.0


class _Insisting:
    """A thread that sends a SIGTERM the process got to its main thread again, every `_AGAIN`
    seconds, until stopped (the command has ended). Python may lose one: the handler's
    exception raised in a finaliser is printed and dropped ("Exception ignored in"), and a
    signal that comes just before a blocking call (a read with a --timeout of 300) is handled
    only when the call returns. It hears of each signal from Python's wakeup file
    descriptor, so not where something else set one (an event loop's signal handling)."""

    def __init__(self) -> None:
        import select
        import signal
        import threading

        # Made holding nothing: `_terminable` holds it before `start` has the pipe, the wakeup
        # file descriptor and the thread, each kept here as it is had, so that a Ctrl-C (or a
        # SIGTERM) raised in the start leaves them to `stop`, not to nobody.
        self._read, self._write, self._previous = -1, -1, -1
        self._main = threading.get_ident()
        # The thread imports nothing: a SIGTERM raised in the main thread during an import can
        # leave the import lock held, and the thread waiting for it, joined by `stop`, for ever
        # (seen once in 250 runs).
        self._select, self._kill, self._signum = select.select, signal.pthread_kill, signal.SIGTERM
        # The handler `_terminable` set: once another is in place (the skill's own, or the
        # default put back), no SIGTERM is sent again; the thread waits for `stop`.
        self._getsignal, self._handler = signal.getsignal, signal.getsignal(signal.SIGTERM)
        # Who closes the pipe's read end: the thread, which reads it, or `stop`, come before the
        # thread ran (the thread then never reads it), whichever claims it first (setdefault is
        # atomic). `stop` closing it under the thread's read was an error there, or a read of
        # another descriptor given the same number since.
        self._reader: dict[str, str] = {}
        self._thread = threading.Thread(target=self._watch, name="alexaskill-sigterm", daemon=True)

    def start(self) -> None:
        """Start the thread; none where signals cannot be sent to a thread (Windows), a wakeup
        file descriptor is set already, or no pipe or thread could be had (the command runs
        all the same, as without the repeats). What it had is `stop`'s to put back."""
        import signal

        if not hasattr(signal, "pthread_kill") or not hasattr(signal, "pthread_sigmask"):
            return
        from .signals_held import held

        # A Ctrl-C (or SIGTERM) come meanwhile raised once it is over: landing between
        # os.pipe()'s return and the pair kept, it lost both descriptors; after
        # set_wakeup_fd()'s, the one it replaced. Blocked, a signal sent to this thread waits;
        # held (`held`), one the process's other threads take (a program that calls `main`) is
        # sent again as the handlers are back, their Python handlers run here all the same.
        with held():
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, ())  # (as it is: nothing blocked)
            try:
                # The thread starts with every signal blocked too, and keeps them so: the
                # process's signals go to the main thread, where they interrupt what it waits for.
                signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
                self._started()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)

    def _started(self) -> None:
        """`start`'s work, signals blocked: the pipe, the wakeup file descriptor, the thread."""
        import signal

        try:
            self._read, self._write = os.pipe()
        except OSError:  # (out of descriptors)
            return
        os.set_blocking(self._write, False)  # (as Python requires of a wakeup fd)
        self._previous = signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
        if self._previous != -1:  # another's: left in place, no thread
            signal.set_wakeup_fd(self._previous)
            return
        with contextlib.suppress(RuntimeError):  # (out of threads)
            self._thread.start()

    def _watch(self) -> None:
        if self._reader.setdefault("read", "thread") != "thread":
            return  # `stop` came first, and closed the pipe
        try:
            self._repeat()
        finally:
            os.close(self._read)

    def _repeat(self) -> None:
        seen = False
        while True:
            try:
                ready, _, _ = self._select([self._read], [], [], _AGAIN if seen else None)
                said = os.read(self._read, 512) if ready else None
            except OSError:  # (a pipe that fails: no more repeats, rather than an error here)
                return
            if said == b"":  # `stop` closed the other end
                return
            if said is not None:
                seen = seen or self._signum in said
            elif seen:  # the command runs on: the signal again, to the main thread
                seen = self._getsignal(self._signum) is self._handler
                if seen:
                    self._kill(self._main, self._signum)

    def stop(self) -> None:
        """Put back what the wakeup file descriptor was, and end the thread, which closes its
        own end of the pipe: nothing is left open if a SIGTERM interrupts the wait for it.
        Whatever `start` had, all or part, or nothing; each step once, called again after a
        signal interrupted it (then it waits for the thread again, at most)."""
        import signal

        if self._write != -1:
            try:
                now = signal.set_wakeup_fd(-1)
                if now != self._write:  # another's, set since: left in place
                    signal.set_wakeup_fd(now)
                elif self._previous != -1:  # (`start` interrupted before it put that back)
                    signal.set_wakeup_fd(self._previous)
            finally:
                # (after: no signal's byte is written to a closed descriptor; -1 first, so that
                # it is never closed twice, whatever interrupts this)
                write, self._write = self._write, -1
                os.close(write)
        if self._reader.setdefault("read", "stop") == "stop" and self._read != -1:
            read, self._read = self._read, -1
            os.close(read)
        if self._thread.ident is not None:  # (started: joined, whether it has ended yet or not)
            self._thread.join(_AGAIN)  # (a SIGTERM sent again just now is raised here)


def _settle(stream: TextIO) -> None:
    """Flush ``stream``; if its reader went away (`alexaskill.cli.streams.lost`), point the
    process's own stream (sys.stdout, sys.stderr) at os.devnull: what is left in its buffer goes
    nowhere, and Python's flush at exit does not fail again."""
    try:
        stream.flush()
    except (OSError, ValueError) as exc:
        from .streams import lost

        if not lost(exc, stream):
            raise
        if stream is sys.stdout or stream is sys.stderr:
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                try:
                    os.dup2(devnull, stream.fileno())
                finally:
                    os.close(devnull)
            except (OSError, ValueError):  # no real file behind it
                pass
