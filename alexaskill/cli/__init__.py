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
replayed request, a certify check or ``model --check`` found a problem; 2 for a mistake in how
the command was called (a bad APP, a missing file, a server that is not running, a port in
use, ...), reported in one line on stderr that says what to do, never with a traceback; 3 when
``serve`` could not start the app, or uvicorn itself could not start (its ``Config`` refusing an
option, its server failing before it serves); 130 when interrupted (Ctrl-C); 143 when stopped
by SIGTERM (``serve``: 0); 141 when the reader of the output went away (``| head``). A replayed
request fails when the answer is not HTTP 200 with a response envelope, and also when a handler
raised (Alexa would hear the framework's apology, "Sorry, something went wrong..."), which is what
replaying sample requests is meant to catch (the handler's traceback is logged on stderr).
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
import re
import shlex
import sys
from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING, Any, Final, NoReturn, TextIO

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
# The commands whose parsers take their positional arguments among their options (`_Parser`).
_INTERMIXED: Final = ("replay",)
# The options, per command, whose value of one word followed by a word is ambiguous: the rest
# of the value, or the positional argument named (`_Parser.split_values`).
_SPLIT_VALUES: Final = {"understand": {"--invocation": "UTTERANCE"}}

# The options whose value may hold words (an invocation name, a slot's value): a hint for one
# given unquoted, its words split by the shell.
_WORDY: Final = ("invocation", "slot", "field")

# What an option (not a negative number, nor a value of several words) looks like.
_OPTION_LIKE: Final = re.compile(r"--?[A-Za-z][\w-]*")

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
    "--check found a problem; 2 for a mistake in the command (one line on stderr says what); "
    "3 when serve could not start the app or uvicorn could not start; 130 when interrupted "
    "(Ctrl-C); 143 when stopped by SIGTERM (serve: 0); 141 when the output's reader closed it "
    "(| head)"
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors show an argument's bytes that are not UTF-8 as read
    (``\\xe9``), not as Python holds them (``\\udce9``); its subcommands' parsers are one too.

    A command's parser with ``intermixed`` set takes its positional arguments anywhere among
    its options, as `parse_intermixed_args` does: ``replay``'s optional APP before its FILEs,
    which plain parsing lost once an option stood between them (``APP --url URL FILE``)."""

    intermixed = False
    #: A command's parser says the arguments it does not know itself, naming the command
    #: (argparse left them to the top parser: "alexaskill: error: unrecognized arguments").
    refuses_unknown = False
    #: The top parser: an unknown option given without a command is named as unknown
    #: (argparse said only "the following arguments are required: COMMAND").
    names_strays = False
    #: Options whose value of one word may be followed by the rest of it, split by the shell,
    #: taken for a positional argument of the command (named here: ``understand --invocation
    #: weather helper`` took "helper" for an UTTERANCE): such a call is refused as ambiguous.
    split_values: Mapping[str, str] = MappingProxyType({})
    _intermixing = False
    _stand_ins: Mapping[str, str] = MappingProxyType({})  # (while parsing: `_parse_intermixed`)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if self._intermixing:
            return super().parse_known_args(args, namespace)
        given = sys.argv[1:] if args is None else list(args)
        if self.names_strays:
            self._name_strays(given)
            self._suggest_command(given)
        if self.refuses_unknown:
            self._refuse_strays(given)
        self._refuse_split_values(given)
        if self.intermixed:
            parsed, unknown = self._parse_intermixed(given, namespace)
        else:
            parsed, unknown = super().parse_known_args(given, namespace)
        if unknown and self.refuses_unknown:
            self.error(
                f"unrecognized arguments: {' '.join(unknown)}{self._unquoted(given, unknown)}"
            )
        return parsed, unknown

    def _stray(self, arg: str) -> bool:
        """Whether ``arg`` is an option this parser does not know (nor any abbreviation of)."""
        if arg[:1] != "-" or arg == "-" or arg == "--":
            return False
        if arg[1] != "-" and arg[:2] in self._option_string_actions:
            return False  # "-oFILE": "-o FILE" to argparse
        name = arg.split("=", 1)[0]
        return not any(known.startswith(name) for known in self._option_string_actions)

    def _refuse_strays(self, given: list[str]) -> None:
        """Name the options this command does not know before argparse parses: it named a
        missing argument first ("replay --bogus": "the following arguments are required:
        FILE"), and the unknown option only once all else was right. One close to a known
        option is suggested. Only words written as options count (``--name``, ``-x``,
        ``--name=value``), before any ``--``: a negative number or a value with spaces is an
        argument."""
        import difflib

        words = given[: given.index("--")] if "--" in given else given
        strays = [
            arg
            for arg in words
            if _OPTION_LIKE.fullmatch(arg.split("=", 1)[0]) is not None and self._stray(arg)
        ]
        if not strays:
            return
        # (Compared without their dashes, which all share: "--bogus" was close to "--host".)
        known = [name[2:] for name in self._option_string_actions if name.startswith("--")]
        close = difflib.get_close_matches(strays[0].split("=", 1)[0].lstrip("-"), known, 1, 0.7)
        hint = f" (did you mean --{close[0]}?)" if close else ""
        self.error(f"unrecognized arguments: {' '.join(strays)}{hint}")

    def _refuse_split_values(self, given: list[str]) -> None:
        """A usage error for an option of `split_values` given one word (not quoted words, not
        ``--name=word``) directly followed by a word that is no option: the rest of a value
        the shell split, or a positional argument? Each can be written so as to say which."""
        words = given[: given.index("--")] if "--" in given else given
        for index, arg in enumerate(words[:-2]):
            name = next((name for name in self.split_values if name.startswith(arg)), None)
            value, after = words[index + 1], words[index + 2]
            if len(arg) < 3 or name is None or value[:1] == "-" or after[:1] == "-":
                continue
            if len(value.split()) == 1 and len(after.split()) == 1:
                taken = self.split_values[name]
                self.error(
                    f"is {shlex.quote(after)} the rest of the {name[2:]} name or an {taken}? "
                    f"quote a name of several words ({name} {shlex.quote(f'{value} {after}')}), "
                    f"or put the {taken}s after -- ({name} {value} -- {shlex.quote(after)})"
                )

    def _suggest_command(self, given: list[str]) -> None:
        """Name the command meant by a mistyped one close to it (argparse listed them all)."""
        import difflib

        typed = next((arg for arg in given if arg[:1] != "-"), None)
        if typed is None or typed in _COMMANDS:
            return
        close = difflib.get_close_matches(typed, _COMMANDS, 1, 0.7)
        if close:
            self.error(
                f"argument COMMAND: invalid choice: {typed!r} (did you mean {close[0]}? choose "
                f"from {', '.join(_COMMANDS)})"
            )

    def _name_strays(self, given: list[str]) -> None:
        """Say the unknown options of a command line that names no command, which argparse
        would report as a missing COMMAND."""
        words = given[: given.index("--")] if "--" in given else given
        if any(arg[:1] != "-" or not self._stray(arg) for arg in words):
            return  # a command (or a mistyped one), or --help or --version: argparse's to answer
        strays = [arg for arg in words if self._stray(arg)]
        if strays:
            self.error(f"unrecognized arguments: {' '.join(strays)}")

    def _unquoted(self, args: list[str], unknown: list[str]) -> str:
        """A hint when the words not understood are the rest of a value of several words the
        shell split: they follow the option's value (``--invocation weather helper``), or, the
        options first, they end the words after it, of which APP (or TYPE) took the first
        (``--invocation weather helper app:skill``: APP was ``helper``)."""
        end = args.index("--") if "--" in args else len(args)
        for index, arg in enumerate(args[: end - 2]):
            action = self._option_string_actions.get(arg)
            if action is None or action.dest not in _WORDY or args[index + 1][:1] == "-":
                continue
            after: list[str] = []  # the words after its value, up to the next option
            for word in args[index + 2 : end]:
                if word[:1] == "-":
                    break
                after.append(word)
            if unknown[0] not in after:
                continue
            taken = after.index(unknown[0])  # (by positional arguments: the value's words)
            left = 0  # how many of the words from there were not understood
            while taken + left < len(after) and left < len(unknown):
                if after[taken + left] != unknown[left]:
                    break
                left += 1
            if taken and taken + left < len(after):
                continue  # (words after them were understood: not a value's)
            value = shlex.quote(" ".join([args[index + 1], *after[:left]]))
            return f" (a value of several words is quoted: {arg} {value})"
        return ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._given_positionals: list[argparse.Action] = []  # (`add_argument`'s, in order)
        super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        """`argparse.ArgumentParser.add_argument`, keeping the positional arguments' actions
        for `_parse_intermixed` (argparse's own list of them is private; one added through a
        group is not kept, and its stand-ins, not found, mean the plain parse)."""
        action = super().add_argument(*args, **kwargs)
        if not action.option_strings:
            self._given_positionals.append(action)
        return action

    def _parse_intermixed(
        self, args: list[str], namespace: argparse.Namespace | None
    ) -> tuple[argparse.Namespace, list[str]]:
        """`parse_known_intermixed_args`, with what follows ``--`` kept positional: Python
        3.11's took ``-- --url`` for the option --url. Each such argument is parsed as a stand-in
        no option parser can mistake (argv holds no NUL), then put back and checked. Should an
        argparse of another version not give every stand-in back as it was, the words are
        parsed plainly instead (`parse_known_args`, which always read ``--`` right, though it
        takes the positional arguments only together)."""
        if "--" not in args:
            return self._parse_known_intermixed(args, namespace)
        split = args.index("--")  # (the first, as argparse reads it)
        tail = args[split + 1 :]
        stand_ins = {f"\0{index}\0": arg for index, arg in enumerate(tail) if arg[:1] == "-"}
        back = {arg: stand_in for stand_in, arg in stand_ins.items()}
        # (The "--" kept: an option before it without its value is still told so, not given
        # the first FILE.)
        marked = args[: split + 1] + [back.get(arg, arg) for arg in tail]
        self._stand_ins = stand_ins
        try:
            parsed, unknown = self._parse_known_intermixed(marked, namespace)
        finally:
            self._stand_ins = MappingProxyType({})
        found = [arg for arg in unknown if arg in stand_ins]
        for action in self._given_positionals:
            value = getattr(parsed, action.dest, None)
            if isinstance(value, str) and value in stand_ins:
                found.append(value)
                setattr(parsed, action.dest, self._given(action, stand_ins[value]))
            elif isinstance(value, list):
                found.extend(item for item in value if item in stand_ins)
                given = [
                    self._given(action, stand_ins[item]) if item in stand_ins else item
                    for item in value
                ]
                setattr(parsed, action.dest, given)
        if sorted(found) != sorted(stand_ins):
            return super().parse_known_args(args, namespace)
        return parsed, [stand_ins.get(arg, arg) for arg in unknown]

    def _parse_known_intermixed(
        self, args: list[str], namespace: argparse.Namespace | None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._intermixing = True  # (the intermixed parse may call parse_known_args for each pass)
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixing = False

    def _given(self, action: argparse.Action, text: str) -> Any:
        """``text`` converted by the argument's type, as argparse converts it (a usage error
        naming the argument if the type refuses it)."""
        if not callable(action.type):
            return text
        try:
            return action.type(text)
        except argparse.ArgumentTypeError as exc:
            self.error(f"argument {action.metavar or action.dest}: {exc}")
        except (TypeError, ValueError):
            self.error(f"argument {action.metavar or action.dest}: invalid value: {text!r}")

    def error(self, message: str) -> NoReturn:
        from .chat_show import shown_error

        for stand_in, arg in self._stand_ins.items():
            message = message.replace(stand_in, arg)
        super().error(shown_error(message))


def parser() -> argparse.ArgumentParser:
    """The argument parser of the ``alexaskill`` command."""
    from .common import help_text

    top = _Parser(
        prog="alexaskill",
        description="Test, serve and describe an alexaskill skill.",
        epilog=help_text("Run `alexaskill COMMAND --help` for a command's options.", EXIT_STATUSES),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action=_VersionAction)
    top.names_strays = True
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMANDS:
        _command(name).add_parser(commands)
        sub = commands.choices[name]
        if isinstance(sub, _Parser):
            sub.refuses_unknown = True
            sub.intermixed = name in _INTERMIXED
            sub.split_values = _SPLIT_VALUES.get(name, {})
    return top


class _VersionAction(argparse._VersionAction):
    """``--version``, whose version is looked up when asked for: reading the package's metadata
    took tens of milliseconds of every command's start."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        self.version = f"%(prog)s {_version()}"
        super().__call__(parser, namespace, values, option_string)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("alexaskill")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the ``alexaskill`` command with ``argv`` (default: ``sys.argv[1:]``); its exit status."""
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] == ["--version"]:  # as the parser answers it, without building every command's
        out.write(f"alexaskill {_version()}\n")
        return 0
    try:
        args = parser().parse_args(given)  # (it imports the commands)
    except SystemExit as exc:  # --help, or a usage error argparse has already printed
        return exc.code if isinstance(exc.code, int) else 2
    except KeyboardInterrupt:
        return 130
    from .common import UsageError

    try:
        with _terminable(args.command):
            status: int = _command(args.command).run(args, out, err)
            out.flush()  # here, where a closed pipe is caught, not at exit
        return status
    except _Terminated:
        err.write(f"alexaskill {args.command}: stopped (SIGTERM)\n")
        return 143  # 128 + SIGTERM, as the shell reports a process ended by it
    except UsageError as exc:
        from .chat_show import shown_error

        err.write(f"alexaskill {args.command}: error: {shown_error(str(exc))}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`alexaskill request … | head -1`): stop quietly, as a shell
        # tool does. What is left in the buffer goes nowhere, so that Python's own flush at
        # exit does not fail again with a traceback.
        if out is sys.stdout:
            _silence_stdout()
        return 141  # 128 + SIGPIPE, what a shell reports for a tool stopped this way
    except Exception as exc:  # an http.py of the directory, say: a failure of (or from) its import
        from .shadowing import shadowing_problem

        shadowed = shadowing_problem(exc)
        if shadowed is None:
            raise
        err.write(f"alexaskill {args.command}: error: {shadowed}\n")
        return 2


class _Terminated(BaseException):
    """A SIGTERM that reached a one-shot command (raised as Ctrl-C raises KeyboardInterrupt)."""


def _terminated(signum: int, frame: object) -> None:
    raise _Terminated


@contextlib.contextmanager
def _terminable(command: str) -> Iterator[None]:
    """Within it, a SIGTERM ends a one-shot command as Ctrl-C does: by an exception, its
    ``finally`` blocks run (a model's temporary files removed), a status of 143 and one line,
    where Python's default was to die of the signal. Not for ``serve`` and ``chat``, which
    stop on their own terms; nor in a thread other than the main one, nor when the program
    that calls `main` has a SIGTERM handler of its own."""
    import signal
    import threading

    if (
        command in ("serve", "chat")
        or threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return
    signal.signal(signal.SIGTERM, _terminated)
    try:
        yield
    finally:
        if signal.getsignal(signal.SIGTERM) is _terminated:  # (not one the skill set since)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file behind sys.stdout
        pass
