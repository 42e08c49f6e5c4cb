"""The ``alexaskill`` command's argument parser: the mistakes argparse left unclear said plainly
(an unknown option, a mistyped command, a value of several words the shell split), and
``replay``'s positional arguments taken among its options."""

from __future__ import annotations

import argparse
import itertools
import re
import shlex
import sys
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, NoReturn, TextIO

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

# The options whose value may hold words (an invocation name, a slot's value): a hint for one
# given unquoted, its words split by the shell.
_WORDY: Final = ("invocation", "slot", "field")

# What an option (not a negative number, nor a value of several words) looks like.
_OPTION_LIKE: Final = re.compile(r"--?[A-Za-z][\w-]*")


class Parser(argparse.ArgumentParser):
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
    #: A positional argument of one word (chat's APP) is so only when it was taken from there
    #: and has no ":", which every APP has and no invocation name.
    split_values: Mapping[str, str] = MappingProxyType({})
    #: The top parser: its commands' names, one mistyped suggested (`_suggest_command`).
    commands: tuple[str, ...] = ()
    #: Where the help (``stdout``) and the usage errors (``stderr``) are written; None: to
    #: sys.stdout and sys.stderr, as they are then. `main`'s streams are given to its parsers,
    #: never swapped in for sys.stdout process-wide: another thread's output went to them.
    stdout: TextIO | None = None
    stderr: TextIO | None = None
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
            self._refuse_options_as_values(given)
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
        self._refuse_split_values(given, parsed)
        return parsed, unknown

    def _stray(self, arg: str) -> bool:
        """Whether ``arg`` is an option this parser does not know (nor any abbreviation of)."""
        if arg[:1] != "-" or arg == "-" or arg == "--":
            return False
        if arg[1] != "-" and arg[:2] in self._options:
            return False  # "-oFILE": "-o FILE" to argparse
        name = arg.split("=", 1)[0]
        return not any(known.startswith(name) for known in self._options)

    def _refuse_strays(self, given: list[str]) -> None:
        """Name the options this command does not know before argparse parses: it named a
        missing argument first ("replay --bogus": "the following arguments are required:
        FILE"), and the unknown option only once all else was right. One close to a known
        option is suggested. Only words written as options count (``--name``, ``-x``,
        ``--name=value``), before any ``--``: a negative number or a value with spaces is an
        argument."""
        from ..typos import close_matches

        words = given[: given.index("--")] if "--" in given else given
        strays = [
            arg
            for arg in words
            if _OPTION_LIKE.fullmatch(arg.split("=", 1)[0]) is not None and self._stray(arg)
        ]
        if not strays:
            return
        # (Compared without their dashes, which all share: "--bogus" was close to "--host".)
        known = [name[2:] for name in self._options if name.startswith("--")]
        close = close_matches(strays[0].split("=", 1)[0].lstrip("-"), known)
        hint = f" (did you mean --{close[0]}?)" if close else ""
        self.error(f"unrecognized arguments: {' '.join(strays)}{hint}")

    def _refuse_options_as_values(self, given: list[str]) -> None:
        """Say what value an option needs when it is given an option instead (``--slot -x``):
        argparse said "unrecognized arguments: -x", or for an option it knows "expected one
        argument", neither naming what to give."""
        words = given[: given.index("--")] if "--" in given else given
        for arg, after in itertools.pairwise(words):
            if "=" in arg or _OPTION_LIKE.fullmatch(after.split("=", 1)[0]) is None:
                continue
            action = self._option_named(arg)
            if action is None or action.nargs is not None:
                continue  # (no option, or one of no value or of several)
            if isinstance(action.metavar, str):
                needed = action.metavar
            elif action.choices is not None:
                needed = "one of " + ", ".join(map(str, action.choices))
            else:
                needed = action.dest.upper()
            self.error(f"argument {arg}: expected {needed}, not {after}")

    def _option_named(self, arg: str) -> argparse.Action | None:
        """The action of the option ``arg`` names, in full or abbreviated as argparse takes it
        (a long option's unique beginning); None for a short option with its value attached."""
        if arg in self._options:
            return self._options[arg]
        if arg[:2] != "--" or len(arg) < 3:
            return None
        actions = {
            id(action): action for name, action in self._options.items() if name.startswith(arg)
        }
        return next(iter(actions.values())) if len(actions) == 1 else None

    def _refuse_split_values(
        self, given: list[str], parsed: argparse.Namespace | None = None
    ) -> None:
        """A usage error for an option of `split_values` given one word (not quoted words, not
        ``--name=word``) directly followed by a word that is no option: the rest of a value
        the shell split, or a positional argument? Each can be written so as to say which.
        Before the parse (``parsed`` None), for a positional argument of many words; after
        it, for one of one word taken from there."""
        words = given[: given.index("--")] if "--" in given else given
        for index, arg in enumerate(words[:-2]):
            name = next((name for name in self.split_values if name.startswith(arg)), None)
            value, after = words[index + 1], words[index + 2]
            if len(arg) < 3 or name is None or value[:1] == "-" or after[:1] == "-":
                continue
            if len(value.split()) != 1 or len(after.split()) != 1:
                continue
            taken = self.split_values[name]
            positional = next(
                (action for action in self._given_positionals if action.metavar == taken), None
            )
            if positional is not None and positional.nargs in (None, "?"):
                if parsed is None or getattr(parsed, positional.dest, None) != after:
                    continue
                if ":" in after:
                    continue  # (plainly an APP: no invocation name has a ":")
                self.error(
                    f"is {shlex.quote(after)} the rest of the {name[2:]} name or the {taken}? "
                    f"quote a name of several words ({name} {shlex.quote(f'{value} {after}')}); "
                    f"an {taken} is module:attribute, e.g. app:skill"
                )
            if parsed is None:
                self.error(
                    f"is {shlex.quote(after)} the rest of the {name[2:]} name or an {taken}? "
                    f"quote a name of several words ({name} {shlex.quote(f'{value} {after}')}), "
                    f"or put the {taken}s after -- ({name} {value} -- {shlex.quote(after)})"
                )

    def _suggest_command(self, given: list[str]) -> None:
        """Name the command meant by a mistyped one close to it (argparse listed them all)."""
        from ..typos import close_matches

        typed = next((arg for arg in given if arg[:1] != "-"), None)
        if typed is None or typed in self.commands:
            return
        close = close_matches(typed, self.commands)
        if close:
            self.error(
                f"argument COMMAND: invalid choice: {typed!r} (did you mean {close[0]}? choose "
                f"from {', '.join(self.commands)})"
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
            action = self._options.get(arg)
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
        # Each option string's action, as added: argparse's own table of them is private.
        self._options: dict[str, argparse.Action] = {}
        super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        """`argparse.ArgumentParser.add_argument`, keeping the options' actions and the
        positional arguments' for `_parse_intermixed` (argparse's own lists of them are
        private; a positional one added through a group is not kept, and its stand-ins, not
        found, mean the plain parse)."""
        action = super().add_argument(*args, **kwargs)
        self._keep(action)
        if not action.option_strings:
            self._given_positionals.append(action)
        return action

    def add_argument_group(self, *args: Any, **kwargs: Any) -> Any:
        """`argparse.ArgumentParser.add_argument_group`, whose options are known here too."""
        return self._keeping(super().add_argument_group(*args, **kwargs))

    def add_mutually_exclusive_group(self, *args: Any, **kwargs: Any) -> Any:
        """`argparse.ArgumentParser.add_mutually_exclusive_group`, whose options are known here
        too."""
        return self._keeping(super().add_mutually_exclusive_group(*args, **kwargs))

    def _keeping(self, group: Any) -> Any:
        adding = group.add_argument

        def add_argument(*args: Any, **kwargs: Any) -> argparse.Action:
            action: argparse.Action = adding(*args, **kwargs)
            self._keep(action)
            return action

        group.add_argument = add_argument
        return group

    def _keep(self, action: argparse.Action) -> None:
        self._options.update(dict.fromkeys(action.option_strings, action))

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
            from ..shown_names import shown  # (loaded once a message is due)

            said = shown(text, quoted=True)
            self.error(f"argument {action.metavar or action.dest}: invalid value: {said}")

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        # Every message of argparse's comes here, to sys.stdout or sys.stderr by name (--help,
        # --version, a usage error): the one place to send them to the parser's own streams.
        if file is None or file is sys.stderr:
            file = self.stderr if self.stderr is not None else sys.stderr
        elif file is sys.stdout and self.stdout is not None:
            file = self.stdout
        try:
            super()._print_message(message, file)  # (which ignores an OSError: no reader)
        except ValueError as exc:  # a closed stream, as little read as a closed pipe
            from .streams import lost

            if not lost(exc, file):
                raise

    def error(self, message: str) -> NoReturn:
        from .chat_show import shown_error

        for stand_in, arg in self._stand_ins.items():
            message = message.replace(stand_in, arg)
        super().error(shown_error(message))
