"""The server as users start it (the Dockerfile's CMD, ``alexaskill serve``), under slow clients,
an endless header and the file-descriptor limit, and the context variables of one request hidden
from the next: real servers on 127.0.0.1, stopped by PID. (Heads not buffered nor waited on are
in tests/test_server_heads.py, who is closed to make room in tests/test_server_room.py.)

Each test takes at most 30 seconds; the slow-client one waits out the head deadline (5 s, the
default these commands run with) and the body deadline, the example skill's 10 s shortened to 5.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from pathlib import Path

import pytest

from alexaskill import server as server_module
from alexaskill.server import DEFAULT_HEADER_TIMEOUT, DEFAULT_MAX_HEADER_SIZE

from .conftest import Servers
from .dockerfile_shared import ROOT, dockerfile_cmd
from .server_shared import (
    COMMANDS,
    PATIENT_HEADS,
    SLOW_CLIENT_COMMANDS,
    Replaced,
    SharedServers,
    at_least_open_files,
    genuine,
    made_room_for,
    readme_cmd,
    resource,
    rss,
    run,
)
from .server_shared import shared as shared

pytestmark = pytest.mark.oldest_dependencies

#: The body deadline of the skill the slow-client test serves: the example skill, whose
#: ``Skill(body_timeout=...)`` is the default (10 s), given the head deadline's 5 s instead (by
#: `QUICK_BODIES`). The body deadline belongs to the skill, not to the server's protocol: the
#: test waits it out, and 10 s was half of its time.
BODY_TIMEOUT = 5.0
QUICK_BODIES = f"""
from examples.weather.app import skill

skill.body_timeout = {BODY_TIMEOUT}
"""


# --- slow clients (issue 11, point 1) -----------------------------------------------------------


@pytest.mark.parametrize("how", SLOW_CLIENT_COMMANDS)
def test_a_thousand_slow_clients_neither_block_nor_stay(
    servers: Servers, tmp_path: Path, how: str
) -> None:
    # Idle sockets, heads and bodies dribbled a byte at a time: each used to hold its connection
    # for as long as its client liked. Now genuine requests are answered all along (the first
    # while every slow client still holds its place: not kept waiting for their deadlines),
    # memory stays put, heads are cut off at 5 s and bodies answered 408 at `BODY_TIMEOUT`, none
    # before; every slow connection is closed by the server. (No bound on how late: a loaded machine
    # stalls the test and the server by seconds, and closing late is no failure to see. With
    # --limit-concurrency 1000, at most 999 connections are open: the 1,000th, and each genuine
    # request after it, closes the connection that has waited longest, the oldest slow one.
    # A thousand, not fewer: the commands' own limit, which the test fills.)
    at_least_open_files(1500)
    (tmp_path / "quick_bodies.py").write_text(QUICK_BODIES, encoding="utf-8")
    port = servers.free_port()
    command = COMMANDS[how](port)
    command[command.index("examples.weather.app:skill")] = "quick_bodies:skill"
    path = os.pathsep.join(filter(None, (str(tmp_path), os.environ.get("PYTHONPATH"))))
    # At DEBUG the server says which connection made room for which (`made_room_for`).
    env = {**os.environ, "PYTHONPATH": path, "ALEXASKILL_LOG_LEVEL": "DEBUG"}
    server = servers.start(command, port, cwd=ROOT, env=env)

    async def scenario() -> None:
        for _ in range(3):
            await genuine(port)
        before = rss(server.pid)
        kinds = {
            "idle": b"",
            "head": b"POST / HTTP/1.1\r\nhost: skill\r\n",
            "body": b"POST / HTTP/1.1\r\nhost: skill\r\ncontent-type: application/json\r\n"
            b"content-length: 2000\r\n\r\n{",
        }
        slow: list[tuple[str, asyncio.StreamReader, asyncio.StreamWriter]] = []
        opened: list[float] = []
        answers: dict[int, bytes] = {}
        closed_after: dict[int, float] = {}  # seconds after the connection opened

        async def connect(n: int) -> None:
            kind = ("idle", "head", "body")[n % 3]
            # (Timed from before the connect, which the server's deadline runs after: a stall
            # here makes the connection's measured life longer, never shorter.)
            started = time.monotonic()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(kinds[kind])
            slow.append((kind, reader, writer))
            opened.append(started)

        async def watch(n: int, reader: asyncio.StreamReader) -> None:
            try:
                answers[n] = await reader.read()
            except ConnectionError:
                answers[n] = b""
            closed_after[n] = time.monotonic() - opened[n]

        async def dribble() -> None:
            # A byte every half second, until two seconds before the deadline (a byte arriving
            # as the server closes turns its close into a reset, which loses the 408).
            while True:
                await asyncio.sleep(0.5)
                now = time.monotonic()
                for n, (kind, _, writer) in enumerate(slow):
                    deadline = BODY_TIMEOUT if kind == "body" else DEFAULT_HEADER_TIMEOUT
                    if kind == "idle" or n in closed_after or writer.is_closing():
                        continue
                    if now - opened[n] < deadline - 2:
                        writer.write(b"x" if kind == "head" else b" ")

        for batch in range(0, 1000, 100):
            await asyncio.gather(*(connect(n) for n in range(batch, batch + 100)))
        all_open = time.monotonic()
        watchers = [asyncio.ensure_future(watch(n, slow[n][1])) for n in range(len(slow))]
        dribbling = asyncio.ensure_future(dribble())
        during: list[float] = []
        #: For each genuine request, whether the slow connections closed by its answer were
        #: only those closed to make room (one for the 1,000th, one a genuine request).
        held: list[bool] = []

        async def genuine_held() -> None:
            # Held, by this side's count: closed by the answer were one for the 1,000th, one a
            # genuine request, and those whose deadline had come (less the margin below) by the
            # time this side sent the request: a loaded machine can take seconds to open the
            # thousand, and a connection closed at its deadline then is no sign that the
            # genuine request waited for it. Or held, by the server's own order of events: it
            # made room for a genuine connection, at once, as it came (`made_room_for`). (A
            # loaded server can take seconds to answer, meanwhile closing slow ones at their
            # deadlines: no sign either, but this side's count alone failed then.)
            sent = time.monotonic()
            due = sum(
                sent - opened[n]
                >= (BODY_TIMEOUT if kind == "body" else DEFAULT_HEADER_TIMEOUT) - 1.5
                for n, (kind, _, _) in enumerate(slow)
            )
            ports: list[int] = []
            during.append(await genuine(port, ports, log=servers.output[server]))
            counted = len(closed_after) <= 1 + len(during) + due
            held.append(counted or not made_room_for(servers.output[server]).isdisjoint(ports))

        try:
            # The first genuine request at once: every slow connection's head deadline runs from
            # its connect, so each second spent before it here (the memory reading) is margin
            # a loaded machine needs.
            await genuine_held()
            await asyncio.sleep(0.5)
            mid = rss(server.pid)
            while len(during) < 3 or (time.monotonic() - all_open < 2.5 and all(held)):
                await genuine_held()
                await asyncio.sleep(0.2)
            late = rss(server.pid)
            # Answered while every slow client held its place: no deadline had freed one (a
            # condition on the order of events, not a time).
            log = servers.output[server].read_text(errors="replace", encoding="utf-8")
            said = [line for line in log.splitlines() if "connection limit" in line][:5]
            assert held[0], (held, sorted(closed_after.values())[:5], said)
            # Memory: some for 1,000 connections, then no more for dribbling on.
            assert mid - before < 64 * 1024 * 1024, (before, mid)
            assert late - mid < 8 * 1024 * 1024, (mid, late)
            await asyncio.wait(watchers, timeout=BODY_TIMEOUT + 30)  # (all close by ~10 s)
        finally:
            dribbling.cancel()
            for _, _, writer in slow:
                writer.close()
        # (Times are measured from this side of the connection, up to a second apart from the
        # server's on a busy machine.)
        made_room = 0  # connections closed early, without a word, to make room
        answered = {"head": 0, "body": 0}
        for n, (kind, _, _) in enumerate(slow):
            assert n in closed_after, f"{kind} connection {n} still open"
            deadline = BODY_TIMEOUT if kind == "body" else DEFAULT_HEADER_TIMEOUT
            after, answer = closed_after[n], answers[n]
            early = deadline - (1.5 if kind == "idle" else 0.5)
            if not answer and after < early:
                made_room += 1
                continue
            assert deadline - 1.5 < after, (kind, after)
            if kind == "idle":
                assert answer == b""  # nothing came: closed without a word
            elif answer:  # (else reset: on a busy machine a last byte can still cross the close)
                assert answer.startswith(b"HTTP/1.1 408"), (kind, answer)
                if kind == "body":
                    assert f"request body not received within {BODY_TIMEOUT:g} s".encode() in answer
                answered[kind] += 1
        assert made_room <= 1 + len(during)  # one for the 1,000th, one per genuine request
        assert answered["head"] > 280 and answered["body"] > 280, answered
        await genuine(port)

    run(scenario(), limit=BODY_TIMEOUT + 60)
    log = servers.output[server].read_text(errors="replace", encoding="utf-8")
    assert "Traceback" not in log, log[-3000:]


@pytest.mark.parametrize(
    "replace",
    [(), (("--loop", "asyncio"), ("--backlog", "64"))],
    ids=["dockerfile-uvloop", "dockerfile-asyncio-backlog-64"],
)
def test_at_the_file_descriptor_limit_the_server_still_answers(
    servers: Servers, tmp_path: Path, replace: tuple[tuple[str, str], ...]
) -> None:
    # With 256 file descriptors and 800 idle connections, accept() used to fail with EMFILE:
    # the server served nobody, and asyncio logged a traceback for each failure. Open connections
    # now stay within the limit: the one idle longest makes room for the next. (asyncio accepts
    # up to --backlog connections at once before any is counted: hence a smaller one there.)
    # The Dockerfile's CMD, its protocol's head deadline 60 s (`PATIENT_HEADS`), not 5: past the
    # test's own time, so that the genuine requests get room only by the idle ones making it,
    # and those left idle are still open when counted, however slowly a loaded machine opened
    # the 800 (asyncio's accepts, a backlog at a time, took some 5 s under load).
    # The limit the server says it keeps to, at DEBUG, is checked too: with the backlog left
    # out of asyncio's budget the test passed all the same (mostly), the EMFILE fallback
    # (`_guard_accept`) closing connections in its place.
    at_least_open_files(1200)
    burst = int(dict(replace).get("--backlog", 0))  # (uvloop hands connections over one by one)
    (tmp_path / "patient.py").write_text(PATIENT_HEADS, encoding="utf-8")
    port = servers.free_port()

    def limit_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))

    command = dockerfile_cmd(port, ("--http", "patient:PatientHttp"), *replace)
    path = os.pathsep.join(filter(None, (str(tmp_path), os.environ.get("PYTHONPATH"))))
    env = {**os.environ, "PYTHONPATH": path, "ALEXASKILL_LOG_LEVEL": "DEBUG"}
    server = servers.start(command, port, cwd=ROOT, env=env, preexec_fn=limit_files)

    async def scenario() -> int:
        idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        for _ in range(4):  # in bursts, as a flood arrives
            idle += await asyncio.gather(
                *(asyncio.open_connection("127.0.0.1", port) for _ in range(200))
            )
        await asyncio.sleep(0.5)
        try:
            for _ in range(5):
                await genuine(port)
            await asyncio.sleep(0)  # closes already read by the loop are noted on the readers
            # Answered while idle ones still wait for their heads: room was made for the
            # genuine requests (a head deadline, were it reached, would close them all at once).
            # (No clock here: the former 'each answer < 3 s' failed a 3.2 s one.)
            return sum(not r.at_eof() and r.exception() is None for r, _ in idle)
        finally:
            for _, writer in idle:
                writer.close()

    still_open = run(scenario())
    assert still_open >= 50, still_open  # (~130-190 here; none, had they timed out)
    log = servers.output[server].read_text(errors="replace", encoding="utf-8")
    assert "Too many open files" not in log and "Traceback" not in log, log[-3000:]
    # Each connection at the limit leaves room for a burst of accepts (and, below those, for
    # the server's own few descriptors: the listening socket, the loop's, stdio).
    limits = {int(n) for n in re.findall(r"connection limit \((\d+)\) reached", log)}
    assert limits and max(limits) + burst <= 256 - 8, limits  # (128 with 64: 256 - 64 - 64)
    said = [line for line in log.splitlines() if " DEBUG " not in line]
    assert len("\n".join(said)) < 20_000


# --- header size (issue 11, point 2) ------------------------------------------------------------


def test_the_readme_starts_uvicorn_as_the_dockerfile_does() -> None:
    # The slow-client test runs the Dockerfile's CMD; the README's line must bound the same.
    docker, readme = dockerfile_cmd(1), readme_cmd(1)
    assert [a for a in readme if a.startswith("--")] == [a for a in docker if a.startswith("--")]
    for option in (
        "--http",
        "--limit-concurrency",
        "--timeout-keep-alive",
        "--timeout-graceful-shutdown",
    ):
        assert readme[readme.index(option) + 1] == docker[docker.index(option) + 1], option
    assert docker[docker.index("--http") + 1] == "alexaskill.server:HttpProtocol"


@pytest.mark.parametrize(
    ("how", "replace"),
    [
        ("dockerfile", ()),  # httptools: uvicorn itself buffers any size there
        ("dockerfile", (("--http", "alexaskill.server:H11Protocol"),)),
        ("readme", ()),
        ("alexaskill-serve", ()),
    ],
    ids=["dockerfile-httptools", "dockerfile-h11", "readme-uvicorn", "alexaskill-serve"],
)
def test_an_endless_header_is_cut_off(shared: SharedServers, how: str, replace: Replaced) -> None:
    # The image installs alexaskill[fast]: its CMD runs on httptools (the test extra has it too).
    assert server_module.HttpProtocol is server_module.HttpToolsProtocol
    server, port = shared.get(how, replace)

    async def scenario() -> tuple[int, bytes]:
        await genuine(port)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /health HTTP/1.1\r\nhost: skill\r\nx-endless: ")
        answer = asyncio.ensure_future(reader.read())
        sent = 0
        chunk = b"a" * 65536
        try:
            while not answer.done() and sent < 64 * 1024 * 1024:
                writer.write(chunk)
                await writer.drain()
                sent += len(chunk)
                await asyncio.sleep(0)
        except ConnectionError:
            pass
        try:
            return sent, await asyncio.wait_for(answer, 15)
        except ConnectionError:
            return sent, b""
        finally:
            writer.close()

    async def bounded() -> bytes:
        # A head over the limit that ends (256 KiB): less than the connection drops while it
        # lingers (1 MiB), so its 431 is read whole before the close, never cut by a reset.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(b"GET /health HTTP/1.1\r\nhost: skill\r\nx-endless: " + b"a" * 262144)
            return await asyncio.wait_for(reader.read(), 30)
        finally:
            writer.close()

    before = rss(server.pid)
    sent, answer = run(scenario())
    grown = rss(server.pid) - before
    # (Socket buffers on loopback hold a few MB the server never read: the cap is far above.)
    assert sent < 32 * 1024 * 1024, f"the server took {sent} bytes of one header"
    # Its answer may be lost: over 1 MiB was in flight past the head's limit, more than the
    # lingering close drops (`linger_bytes`), and the connection was reset.
    assert answer.startswith(b"HTTP/1.1 431") or answer == b"", answer[:200]
    assert grown < 16 * 1024 * 1024, grown
    # 431 on every protocol (its JSON reason), read whole before the close (`_linger`).
    answer = run(bounded())
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]
    assert answer.endswith(b'{"error": "request head over 16,384 bytes"}'), answer[:400]
    run(genuine(port))  # and the server is still fine
    assert DEFAULT_MAX_HEADER_SIZE == 16 * 1024


# --- context variables -------------------------------------------------------------------------

#: An app answering each request with what a context variable held when it began, then set to
#: the request's path (as a handler's own variable: a user, a trace id).
CONTEXT_APP = """
import contextvars

SEEN = contextvars.ContextVar("seen", default="")


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    before = SEEN.get()
    SEEN.set(scope["path"])
    body = ("[" + before + "]").encode()
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
"""


@pytest.mark.parametrize(
    ("how", "http"),
    [
        ("dockerfile", "alexaskill.server:HttpProtocol"),
        ("dockerfile", "alexaskill.server:H11Protocol"),
        ("alexaskill-serve", "alexaskill.server:HttpProtocol"),
    ],
    ids=["dockerfile", "dockerfile-h11", "alexaskill-serve"],
)
def test_a_request_never_sees_the_context_variables_of_the_one_before(
    servers: Servers, tmp_path: Path, how: str, http: str
) -> None:
    # uvicorn from 0.45 gives each request a fresh context only with its reset_contextvars
    # option, off by default: a request pipelined behind another on its connection began in
    # that one's context, and saw what its handler had set (on uvicorn 0.42, the floor, never).
    (tmp_path / "ctxapp.py").write_text(CONTEXT_APP, encoding="utf-8")
    port = servers.free_port()
    command = COMMANDS[how](port)
    command[command.index("examples.weather.app:skill")] = "ctxapp:app"
    if "--http" in command:
        command[command.index("--http") + 1] = http
    else:
        command += ["--http", http]
    servers.start(command, port, cwd=tmp_path)

    def ask(path: str) -> bytes:
        return f"GET {path} HTTP/1.1\r\nhost: skill\r\n\r\n".encode()

    async def scenario() -> list[bytes]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(ask("/first") + ask("/second") + ask("/third"))  # pipelined
            await writer.drain()
            answers = b""
            while answers.count(b"]") < 3:
                read = await reader.read(4096)
                assert read, answers
                answers += read
            writer.write(ask("/fourth"))  # and one more on the same connection, later
            await writer.drain()
            while answers.count(b"]") < 4:
                read = await reader.read(4096)
                assert read, answers
                answers += read
        finally:
            writer.close()
        return re.findall(rb"\r\n\r\n(\[[^]]*\])", answers)

    assert run(scenario()) == [b"[]"] * 4
