"""The Dockerfile read, for the tests that run its commands here (tests/test_dockerfile.py,
test_dockerfile_user.py; test_server.py, test_loops_uvicorn.py and test_cli_serve.py its CMD): its
instructions (`instructions`, `image_env`, `stop_signal`), ENTRYPOINT and CMD as a container runs
them (`container_command`, `dockerfile_cmd`), and its HEALTHCHECK (`healthcheck_command`)."""

from __future__ import annotations

import json
import re
import shlex
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
BIN = str(Path(sys.executable).parent)


def instructions(keyword: str | None = None) -> list[str]:
    """The arguments of every ``keyword`` instruction (every instruction, with its keyword, if
    None), continuation lines joined, comments left out."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    found = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if keyword is None:
            found.append(line)
        elif word.upper() == keyword:
            found.append(rest.strip())
    return found


def image_env() -> dict[str, str]:
    """The variables the image's ENV instructions set."""
    env = {}
    for arguments in instructions("ENV"):
        for item in shlex.split(arguments):
            name, _, value = item.partition("=")
            env[name] = value
    return env


def container_command(port: int) -> list[str]:
    """ENTRYPOINT then CMD, as Docker runs them, listening on 127.0.0.1:``port``."""
    entrypoint = json.loads(instructions("ENTRYPOINT")[-1])
    cmd = json.loads(instructions("CMD")[-1])
    assert cmd[0] == "uvicorn"
    host_at, port_at = cmd.index("--host") + 1, cmd.index("--port") + 1
    assert (cmd[host_at], cmd[port_at]) == ("0.0.0.0", "8080")
    cmd[host_at], cmd[port_at] = "127.0.0.1", str(port)
    return [*entrypoint, *cmd]


def stop_signal() -> signal.Signals:
    """The signal ``docker stop`` sends: the Dockerfile's STOPSIGNAL, else SIGTERM."""
    named = instructions("STOPSIGNAL")
    return signal.Signals[named[-1]] if named else signal.SIGTERM


def healthcheck_command(port: int) -> list[str]:
    """The image's HEALTHCHECK command, asking 127.0.0.1:``port`` (with this interpreter)."""
    (arguments,) = instructions("HEALTHCHECK")
    command = json.loads(arguments.split(" CMD ", 1)[1])
    assert command[0] == "python"
    return [sys.executable, *(part.replace(":8080/", f":{port}/") for part in command[1:])]


def dockerfile_cmd(port: int, *replace: tuple[str, str]) -> list[str]:
    """The Dockerfile's CMD on 127.0.0.1:``port``, options replaced as given."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    [line] = [line for line in text.splitlines() if line.startswith("CMD ")]
    command: list[str] = json.loads(line[4:])
    for option, value in (("--host", "127.0.0.1"), ("--port", str(port)), *replace):
        if option in command:
            command[command.index(option) + 1] = value
        else:
            command += [option, value]
    assert command[0] == "uvicorn"
    return [sys.executable, "-m", *command]
