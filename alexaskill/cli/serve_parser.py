"""``alexaskill serve``'s arguments: the parser's options and their help, and the checks of the
values given (`max_workers`). Split from `serve`, which runs the command."""

from __future__ import annotations

import argparse
import re
from typing import Final

from ..shown_names import shown, shown_value
from .common import APP_HELP, help_text
from .dev import DEV_PKI_ENV
from .inputs import CERT_CHAIN_FILE, MODEL_FILE, PRIVATE_KEY_FILE


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the command to the ``alexaskill`` parser."""
    formatter = argparse.RawDescriptionHelpFormatter
    command = commands.add_parser(
        "serve",
        help="run the skill under uvicorn",
        description=help_text(
            "Run the skill under uvicorn. Requests are verified as Alexa signs them; with --dev "
            "the skill also trusts a local development key (made on first use in "
            f"${DEV_PKI_ENV}, else $XDG_DATA_HOME/alexaskill/dev-pki or "
            "~/.local/share/alexaskill/dev-pki), so that "
            "`alexaskill replay --url` can talk to it, and serves the simulator at /_simulator/ "
            "(talk to the skill in the browser). Never use --dev in production."
        ),
        epilog=help_text(
            "examples:\n  alexaskill serve examples.weather.app:skill --dev --port 8000\n"
            "  alexaskill serve app:skill --dev --model skill-package/interactionModels/custom"
        ),
        formatter_class=formatter,
    )
    command.add_argument(
        "app",
        metavar="APP",
        help=f"{APP_HELP}; or a Starlette or FastAPI app mounting skills (--dev and --capture "
        "then apply to each), or a function of no argument that returns one (an app factory)",
    )
    command.add_argument(
        "--host", type=_host, default="127.0.0.1", help="address to bind (127.0.0.1)"
    )
    command.add_argument(
        "--port",
        type=port,
        default=8000,
        help='port to bind (8000); 0: a free one the system chooses, which the "Uvicorn running '
        'on" line names',
    )
    command.add_argument(
        "--dev",
        action="store_true",
        help="also trust the development key; serve the simulator at /_simulator/",
    )
    command.add_argument(
        "--model",
        type=MODEL_FILE,
        metavar="PATH",
        help="with --dev: the simulator understands what the user says with this ASK CLI "
        "interaction model file (its locale from its name, en-US.json) or directory of them "
        "(interactionModels/custom), not the model built from the APP's code",
    )
    command.add_argument(
        "--reload",
        action="store_true",
        help="restart the server when a Python file changes in the current directory (or in that "
        "of an APP named as a file elsewhere); one server process: not with --workers",
    )
    command.add_argument(
        "--workers",
        type=_workers,
        metavar="N",
        help="serve with N processes, each importing APP (without the option, or 1: this process "
        "alone; at most 4 per CPU, or 8 where that is fewer); over 1, this process imports it "
        "too, an app factory called once, to check it, then supervises them",
    )
    command.add_argument(
        "--timeout-worker-healthcheck",
        type=_seconds,
        metavar="SECONDS",
        help="with --workers over 1 (refused without): a worker that has said its server is up "
        "and then does not answer the supervisor's health check within this time is killed and "
        "replaced (uvicorn's option; 5); one still starting is waited for, said at WARNING after "
        "12 times this (uvicorn 0.51 on), as is a new worker of a restart on SIGHUP",
    )
    command.add_argument(
        "--http",
        default="alexaskill.server:HttpProtocol",
        metavar="CLASS",
        help="uvicorn's HTTP protocol (alexaskill.server:HttpProtocol: bounds request heads and "
        "connections; a subclass of it changes the bounds), or uvicorn's own (auto, h11, "
        "httptools), without alexaskill's bounds",
    )
    command.add_argument(
        "--limit-concurrency",
        type=_limit,
        default=1000,
        metavar="N",
        help="connections open at once: fewer than N (1000; at most 1,048,576, Linux's default "
        "bound on a process's open files); with --http's default, one waiting for its client "
        "makes room for a new one (one that has sent no request for over a second first, else "
        "the one waiting longest), and while all are answering requests a new one is closed at "
        "once",
    )
    command.add_argument(
        "--timeout-graceful-shutdown",
        type=_seconds,
        metavar="SECONDS",
        help="when stopped, wait this long for the requests under way, then cancel them "
        "(default: the served skills' longest deadline, its exception handler's half second "
        "and a second more: 9 with the default deadline)",
    )
    command.add_argument(
        "--access-log",
        action="store_true",
        help="also write uvicorn's line for each request (the skill writes its own for each of "
        "its requests, status included)",
    )
    command.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        help="IP addresses and networks, comma-separated (or exactly *: every address, said "
        "at start), whose X-Forwarded-For and X-Forwarded-Proto are believed: a proxy in front "
        "(uvicorn's option; default $FORWARDED_ALLOW_IPS, else uvicorn's: the loopback "
        "addresses; empty: no proxy, said at start); an entry uvicorn would not read as one "
        "is refused",
    )
    command.add_argument(
        "--capture",
        metavar="DIR",
        help="write every request received to a file in DIR, its body byte for byte (for "
        "`alexaskill certify --replay`); the files hold user ids and access tokens. Of the "
        "headers, those replay needs or that show what a proxy did are kept; the others are "
        "named, their values left out (Authorization, Cookie, ...)",
    )
    command.add_argument(
        "--ssl-certfile",
        type=CERT_CHAIN_FILE,
        metavar="PEM",
        help="serve HTTPS with this certificate chain and --ssl-keyfile's key (a connection that "
        "has not finished its TLS handshake within 10 s is closed)",
    )
    command.add_argument(
        "--ssl-keyfile",
        type=PRIVATE_KEY_FILE,
        metavar="PEM",
        help="the certificate's private key, unencrypted (serve asks for no password)",
    )
    command.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug", "trace"],
        help="the level of uvicorn's own lines (info); alexaskill's follow $ALEXASKILL_LOG_LEVEL",
    )


def _host(text: str) -> str:
    if not text.strip():  # `--host "$HOST"`, the variable unset
        raise argparse.ArgumentTypeError(
            "empty: uvicorn would bind every interface; say 0.0.0.0 (or ::) if that is meant"
        )
    return text


def _workers(text: str) -> int:
    workers, said = _whole(text, "a number of processes")
    if workers < 1:
        raise argparse.ArgumentTypeError(f"{said}: at least one process")
    most = max_workers()
    if workers > most:
        raise argparse.ArgumentTypeError(
            f"{said}: at most {most:,} here (4 per CPU this process may use, or "
            "8): each worker is a whole process importing the app, and past a few per CPU more "
            "only add memory and store connections"
        )
    return workers


def max_workers() -> int:
    """The most ``serve --workers`` takes: 4 per CPU this process may run on, at least 8. An
    async worker keeps its CPU busy alone; a few more leave room for blocking ``def`` handlers.
    Without a bound, ``--workers 100000`` had uvicorn start processes until memory ran out."""
    import os

    try:
        cpus = len(os.sched_getaffinity(0))  # a container's CPU set, where Linux has one
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(8, 4 * cpus)


#: A whole number as int() reads one (a sign, Unicode digits, underscores between them), for
#: telling one it refused for its length (past 4,300 digits) from no number (`_whole`).
_WHOLE: Final = re.compile(r"[+-]?\d+(?:_\d+)*")
#: What `_whole` reads a whole number past 4,300 digits as (with its sign): past every bound.
_PAST_DIGITS: Final = 10**4300


def _whole(text: str, what: str) -> tuple[int, str]:
    """(The int ``text`` writes, that int as a message says it); `ArgumentTypeError` saying
    ``text`` is not ``what`` for no whole number. One past Python's 4,300 digits, which int()
    refuses as it refuses no number, is ±`_PAST_DIGITS` (past every bound here), said as
    given, cut: it was said to be "not a whole number", where it is too large; its leading
    zeros not counted ("000…05" is 5)."""
    try:
        number = int(text)
    except ValueError:
        written = text.strip()
        if _WHOLE.fullmatch(written) is None:
            raise argparse.ArgumentTypeError(f"{shown_value(text)} is not {what}") from None
        # (int() counts leading zeros among its digits: "000…05" is 5, written long)
        sign = written[0] if written[0] in "+-" else ""
        digits = written.removeprefix(sign).replace("_", "")
        # (each a digit int() reads, of any script: U+0660 is a zero too)
        first = next((at for at, digit in enumerate(digits) if int(digit)), len(digits))
        try:
            number = int(sign + (digits[first:] or "0"))
        except ValueError:
            return (-_PAST_DIGITS if sign == "-" else _PAST_DIGITS), shown(written)
    return number, shown(str(number))


def port(text: str) -> int:
    """``--port``'s type: a whole number from 0 to 65535; one out of that range said so, cut (one
    of 5,000 digits was "not a port number", quoted whole)."""
    number, said = _whole(text, "a port number")
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"{said}: out of range (a port is 0 to 65535)")
    return number


def _seconds(text: str) -> int:
    seconds, said = _whole(text, "a whole number of seconds")
    if seconds < 1:
        raise argparse.ArgumentTypeError(f"{said}: at least 1 second")
    if seconds > 86400:  # asyncio's wait_for raised OverflowError past a float, at shutdown
        raise argparse.ArgumentTypeError(f"{said}: at most 86,400 (a day)")
    return seconds


def _limit(text: str) -> int:
    limit, said = _whole(text, "a number")
    if limit < 2:  # connections fewer than N: with 1, none, and every request got a 503
        raise argparse.ArgumentTypeError(
            f"{said}: at least 2 (one connection answering, one waiting)"
        )
    if limit > MAX_LIMIT:  # (uvicorn only compares it with its connections and tasks)
        raise argparse.ArgumentTypeError(
            f"{said}: at most {MAX_LIMIT:,}, the file descriptors Linux lets a process open by "
            "default (fs.nr_open): each connection takes one"
        )
    return limit


#: The most ``--limit-concurrency`` takes: Linux's default bound on a process's open files
#: (fs.nr_open), each connection taking one, so that no connection count reaches a limit past it.
MAX_LIMIT: Final = 2**20
