"""What the server tests share (tests/test_server*.py): the commands users start the server with
(the Dockerfile's CMD, the README's, ``alexaskill serve``), the servers started from them on
127.0.0.1 and stopped by PID, raw requests and answers, and the server's log and memory read.
A platform without POSIX resource limits skips every module that imports it.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from alexaskill.server import DEFAULT_HEADER_TIMEOUT

from .conftest import Servers
from .dockerfile_shared import ROOT, dockerfile_cmd

resource = pytest.importorskip("resource", reason="POSIX resource limits")


#: The server's protocol with a head deadline of 60 s, not 5: past any test's own time, however
#: loaded the machine, so that a connection a test leaves idle is closed to make room, never by
#: the deadline first (an idle keep-alive one needs ``--timeout-keep-alive 60`` too).
PATIENT_HEADS = """
from alexaskill.server import HttpProtocol


class PatientHttp(HttpProtocol):
    header_timeout = 60.0

"""


def serve_cmd(port: int) -> list[str]:
    """``alexaskill serve`` as the README shows it."""
    app = "examples.weather.app:skill"
    return [sys.executable, "-m", "alexaskill", "serve", app, "--port", str(port)]


def readme_cmd(port: int) -> list[str]:
    """The uvicorn line of the README's "Running the server", serving the example skill."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Running the server") :]
    block = section[section.index("```sh\n") + 6 : section.index("```", section.index("```sh") + 5)]
    [line] = [
        line for line in re.sub(r"\\\n\s*", " ", block).splitlines() if line.startswith("uvicorn ")
    ]
    command = line.split("#")[0].split()
    command[1] = "examples.weather.app:skill"
    command[command.index("--port") + 1] = str(port)
    command[command.index("--host") + 1] = "127.0.0.1"
    return [sys.executable, "-m", *command]


#: Options replaced in a command: (option, value) pairs.
Replaced = tuple[tuple[str, str], ...]
COMMANDS: dict[str, Callable[[int], list[str]]] = {
    "dockerfile": dockerfile_cmd,
    "alexaskill-serve": serve_cmd,
    "readme": readme_cmd,
}
#: The slow-client test runs these two (the README's uvicorn line bounds as the Dockerfile does).
SLOW_CLIENT_COMMANDS = ("dockerfile", "alexaskill-serve")


def rss(pid: int) -> int:
    """The resident memory of process ``pid``, in bytes (Linux)."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    [kilobytes] = re.findall(r"VmRSS:\s+(\d+) kB", status)
    return int(kilobytes) * 1024


def run(coro: Coroutine[Any, Any, Any], limit: float = 28) -> Any:
    async def bounded() -> Any:
        return await asyncio.wait_for(coro, limit)

    return asyncio.run(bounded())


def at_least_open_files(count: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < count:
        if hard != resource.RLIM_INFINITY and hard < count:
            pytest.fail(f"this test opens {count} sockets: raise the hard limit (ulimit -Hn)")
        resource.setrlimit(resource.RLIMIT_NOFILE, (count, hard))


async def request(
    port: int,
    raw: bytes,
    limit: float = 30,
    ports: list[int] | None = None,
    sent_after: list[float] | None = None,
) -> tuple[bytes, float]:
    """Send one raw HTTP request on a new connection; the answer (to EOF, within ``limit``
    seconds) and the seconds. ``ports``: the connection's own port is added to it;
    ``sent_after``: the seconds from before its connect to the request's write."""
    started = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    if ports is not None:
        ports.append(writer.get_extra_info("sockname")[1])
    try:
        writer.write(raw)
        if sent_after is not None:
            sent_after.append(time.monotonic() - started)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), limit)
    finally:
        writer.close()
    return answer, time.monotonic() - started


HEALTH = b"GET /health HTTP/1.1\r\nhost: skill\r\nconnection: close\r\n\r\n"
UNSIGNED = (
    b"POST / HTTP/1.1\r\nhost: skill\r\ncontent-type: application/json\r\n"
    b"content-length: 2\r\nconnection: close\r\n\r\n{}"
)


async def genuine(port: int, ports: list[int] | None = None, log: Path | None = None) -> float:
    """The slower of a health check and an (unsigned, so refused) Alexa POST, in seconds;
    ``ports``: their connections' own ports are added to it. ``log``: the server's output, at
    DEBUG, whose lines about the connection limit a failure here shows (`server_said`), and
    which tells a request this side sent too late for the head deadline (`answer`)."""
    mine: list[int] = [] if ports is None else ports
    health, first = await answer(port, HEALTH, mine, log)
    assert health.startswith(b"HTTP/1.1 200"), server_said(health, log, mine)
    refused, second = await answer(port, UNSIGNED, mine, log)
    assert refused.startswith(b"HTTP/1.1 400"), server_said(refused, log, mine)
    assert b"SignatureCertChainUrl header missing" in refused
    return max(first, second)


async def answer(port: int, raw: bytes, ports: list[int], log: Path | None) -> tuple[bytes, float]:
    """`request` of ``raw``, its connection's port added to ``ports``, a reset said as the
    answer; asked again, once, if this side stalled for the whole head deadline between its
    connect and its request (a loaded machine) and the server's log (``log``, at DEBUG) says
    it closed that connection at the deadline, having received nothing on it: as it should.
    (The server's deadline runs from its accept, after the connect: closed before the request
    came, the request was written at least the deadline after the connect.) Anything else (no
    answer to a request sent in time, a connection refused or closed to make room) is the
    answer, for the caller to judge."""
    sent_after: list[float] = []
    before = len(ports)
    try:
        said, seconds = await request(port, raw, ports=ports, sent_after=sent_after)
    except ConnectionError as exc:  # (the request sent after the server's close: a reset)
        said, seconds = repr(exc).encode(), 0.0
    if said.startswith(b"HTTP/") or log is None or len(ports) == before or not sent_after:
        return said, seconds
    if sent_after[0] < DEFAULT_HEADER_TIMEOUT:  # (the request was in time: a real failure)
        return said, seconds
    nothing = rf"head deadline: closed 127\.0\.0\.1:{ports[-1]}\b, which sent nothing"
    if not re.search(nothing, log.read_text(errors="replace", encoding="utf-8")):
        return said, seconds
    return await request(port, raw, ports=ports)


def server_said(got: bytes, log: Path | None, ports: list[int]) -> str:
    """A failure message: the answer ``got`` (its start), and what the server's log (``log``,
    at DEBUG) says of the connections from 127.0.0.1 on ``ports`` (made room for, closed to
    make room, refused, closed at the head deadline), its first errors, its first and last
    lines about the connection limit and how many connections it closed at the head deadline.
    (A string: pytest would cut a list's repr short, the lines that matter in the cut.)"""
    if log is None:
        return repr(got[:200])
    lines = log.read_text(errors="replace", encoding="utf-8").splitlines()
    named = re.compile("|".join(rf"127\.0\.0\.1:{port}\b" for port in ports) or "$^")
    limit = [line for line in lines if "connection limit" in line]
    heads = sum("head deadline" in line for line in lines)
    return "\n".join(
        [
            repr(got[:200]),
            f"the server's log ({log}) says, of this request's connections {ports}:",
            *(line for line in lines if named.search(line)),
            "of errors:",
            *[line for line in lines if " ERROR " in line][:3],  # (a connection's start failed)
            f"of the connection limit ({len(limit)} lines; {heads} of the head deadline):",
            *limit[:3],
            *(["..."] if len(limit) > 6 else []),
            *limit[max(3, len(limit) - 3) :],
        ]
    )


class SharedServers:
    """Servers run by `COMMANDS` (the Dockerfile's CMD with options replaced as given), each
    started once for the module's tests that ask for it and stopped by PID after the last (the
    ``shared`` fixture); one that died is started again.

    Only for tests that need no fresh server's state: each closes its own connections, ends
    with the server still answering (`genuine`), and measures memory from its own start.
    """

    def __init__(self, servers: Servers) -> None:
        self.servers = servers
        self.running: dict[tuple[str, Replaced], tuple[subprocess.Popen[bytes], int]] = {}

    def get(self, how: str, replace: Replaced = ()) -> tuple[subprocess.Popen[bytes], int]:
        """The running server of ``how`` with ``replace``, and its port."""
        key = (how, replace)
        if key not in self.running or self.running[key][0].poll() is not None:
            port = self.servers.free_port()
            if how == "dockerfile":
                command = dockerfile_cmd(port, *replace)
            else:
                assert not replace, replace
                command = COMMANDS[how](port)
            self.running[key] = (self.servers.start(command, port, cwd=ROOT), port)
        return self.running[key]


@pytest.fixture(scope="module")
def shared(module_servers: Servers) -> SharedServers:
    """The servers this module's tests share (`SharedServers`)."""
    return SharedServers(module_servers)


def made_room_for(log: Path) -> set[int]:
    """The ports of the connections (from 127.0.0.1) another was closed to make room for, as
    the server's log says at DEBUG (`alexaskill.server_limits`), in its own order of events:
    each as the connection came, before its request was read."""
    text = log.read_text(errors="replace", encoding="utf-8")
    return {int(port) for port in re.findall(r"to make room for 127\.0\.0\.1:(\d+)", text)}


#: What an endless header's client writes at most: twice what the tests let the server take.
ENDLESS = 64 * 1024 * 1024


async def write_until_closed(writer: asyncio.StreamWriter) -> int:
    """Write an endless header's ``a`` until the server ends the connection (its 431, or a
    reset) or `ENDLESS` bytes are written; the bytes written. No timeout reads "the server
    stopped reading" into a slow drain (a loaded machine): a server that stopped for good
    leaves the drain waiting, and `run`'s bound fails the test."""
    sent, chunk = 0, b"a" * 65536
    with contextlib.suppress(ConnectionError):
        while sent < ENDLESS:
            writer.write(chunk)
            await writer.drain()
            sent += len(chunk)
    return sent


#: The start of a test server's ASGI app: its lifespan, answered.
APP_HEAD = """
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
"""
