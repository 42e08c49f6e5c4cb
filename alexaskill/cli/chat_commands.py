"""``alexaskill chat``'s slash commands: their list (``/help``), and what chat says of a command
given words it does not take (``/json maybe``, ``/device tv``, ``/nope``)."""

from __future__ import annotations

from typing import Final

__all__ = ["HELP", "INTERRUPTED", "command_mistake"]

HELP: Final = """\
commands:
  /launch            open the skill (a LaunchRequest in a new session)
  /end               end the session (a SessionEndedRequest)
  /silence           say nothing: the reprompt, then the session ends
  /json              show each turn's requests and answers as JSON (again: stop)
  /device screen     a device with a screen (or: speaker, the default)
  /locale en-GB      speak another locale (a new session)
{audio}
  /help              this list
  /quit              leave (as does the end of input)
a command is / and its name, with no space between (/json);
anything else is said to the skill."""

#: Why a handler still running when chat stops (Ctrl-C) is cancelled, in its WARNING line: the
#: client's close cancels it, which a server says of its shutdown.
INTERRUPTED: Final = "Ctrl-C: the user interrupted chat, which shows no answer"

#: The commands that take no word after them (``/help`` shows the list whatever follows it).
NO_ARGUMENT: Final = frozenset({"launch", "end", "silence", "json", "player", "quit", "exit", "q"})


def command_mistake(line: str) -> str | None:
    """What chat says of the command ``/LINE`` (the words after the ``/``) it will not run, or
    None to run it: for a command that takes an argument, given none or one it does not know,
    what it takes; for one that takes none, given some, that it takes none; for a name no
    command has, or a space between the ``/`` and the name (``/ json``), that none is so
    named. A command so refused is not run (none is run with words it would drop unsaid)."""
    from .chat_audio import BUTTONS, EVENTS

    words = line.split()
    if words and line[:1].isspace():
        return f"unknown command /{line.rstrip()}: no space after the /, as /{words[0].lower()}"
    said = "/" + " ".join(words)
    name, rest = (words[0].lower(), words[1:]) if words else ("help", [])
    lowered = [word.lower() for word in rest]
    takes = {
        "device": ("screen or speaker", len(rest) == 1 and lowered[0] in ("screen", "speaker")),
        "locale": ("one locale, as en-GB", len(rest) == 1),
        "audio": ("one of " + ", ".join(EVENTS), len(rest) == 1 and lowered[0] in EVENTS),
        "button": ("one of " + ", ".join(BUTTONS), len(rest) == 1 and lowered[0] in BUTTONS),
    }
    if name in takes:
        what, right = takes[name]
        return None if right else f"{said}: /{name} takes {what}"
    if name in NO_ARGUMENT:
        return f"{said}: /{name} takes no argument" if rest else None
    if name == "help":
        return None
    return f"unknown command {said}: /help lists them"
