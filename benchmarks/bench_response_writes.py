"""One write() a response or two: alexaskill's server protocol against uvicorn's, over HTTP and TLS.

uvicorn writes a response's status line and headers, then its body: two system calls, and over
TLS two records, each encrypted and sent on its own. `alexaskill.server.HttpProtocol` holds the
first write until the body comes (`alexaskill.server._HeldWrites`). This script serves one tiny
ASGI app (it reads the request, answers 12 bytes of JSON) under both protocols, on uvloop (over
TLS, `alexaskill.loops`' uvloop, as alexaskill serves TLS), and drives each with wrk: the app
does nearly nothing, so what the protocols do shows.

Each round runs every (protocol, scheme) pair once, in a rotated order; the ratios are of the
same round, their median is printed (of an even number of rounds the lower middle one: a round's
own, and the unfavourable one). The server runs pinned to one CPU, wrk to the other. With
``--strace`` it also counts the server's write() calls for 1,000 requests on one connection.

With ``--count`` it counts instead (no wrk): the instructions each protocol's server runs a
request, under valgrind's callgrind, as the difference between serving 3 N and N keep-alive
requests on one connection, over 2 N: what the protocol, uvicorn and the tiny app cost a request
in the process, steady from run to run where wrk's figures move by 15% (the system calls are
the kernel's, not counted). ``--compare-with DIR`` adds alexaskill's protocol as served by
another checkout (``alexaskill@before``)::

    python benchmarks/bench_response_writes.py --count --compare-with /tmp/before

Run from the repository root, with wrk (``apt-get install wrk``)::

    python benchmarks/bench_response_writes.py --rounds 6 --duration 6
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

from benchmarks.endings import said_in_one_line
from benchmarks.load import cpus_for_pinning
from benchmarks.serving import free_port, localhost_tls, stop, unchecked_tls
from benchmarks.strace_counts import tracing
from benchmarks.wrk import BenchmarkError, process_cpu_seconds

ROOT: Final = Path(__file__).resolve().parent.parent
PROTOCOLS: Final = {"uvicorn": "httptools", "alexaskill": "alexaskill.server:HttpProtocol"}
SCHEMES: Final = ("http", "https")
PYTHONPATH: Final = os.environ.get("PYTHONPATH", "")
#: The event loop of the TLS runs: uvloop with its TLS handshakes bounded, as `alexaskill serve`,
#: the Docker image and load.py's rows run it (`server_command`).
TLS_LOOP: Final = "alexaskill.loops:new_event_loop"
#: Seconds wrk has, beyond its run's length, to end before it is stopped.
WRK_GRACE_SECONDS: Final = 30.0

APP: Final = """
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await receive()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"12")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b'{"ok": true}'})
"""
POST_LUA: Final = """
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
"""
REQUEST: Final = (
    b"POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"
)


def write_files(directory: Path) -> None:
    """The app, wrk's script, and a self-signed certificate for 127.0.0.1."""
    (directory / "tinyapp.py").write_text(APP)
    (directory / "post.lua").write_text(POST_LUA)
    localhost_tls(directory)


def server_command(directory: Path, protocol: str, scheme: str, port: int) -> list[str]:
    # Over TLS, uvloop as alexaskill serves it (`TLS_LOOP`), for both protocols: on uvicorn's own
    # uvloop alexaskill's protocol warns at its first connection that a handshake may take 60 s
    # (`alexaskill.loops.check_served_loop`), a line in the middle of the figures. Over HTTP the
    # two loops are one (the bound is on TLS handshakes), and uvloop's name serves a --compare-with
    # checkout from before alexaskill.loops.
    loop = TLS_LOOP if scheme == "https" else "uvloop"
    command = [
        sys.executable, "-m", "uvicorn", "tinyapp:app", "--app-dir", str(directory),
        "--host", "127.0.0.1", "--port", str(port), "--loop", loop,
        "--http", PROTOCOLS[protocol], "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    if scheme == "https":
        command += ["--ssl-keyfile", str(directory / "key.pem")]
        command += ["--ssl-certfile", str(directory / "cert.pem")]
    return command


@contextlib.contextmanager
def serving(
    command: list[str], port: int, scheme: str, cpu: int | None, checkout: Path | None = None
) -> Iterator[int]:
    if cpu is not None:
        command = ["taskset", "-c", str(cpu), *command]
    environment = dict(os.environ)
    if checkout is not None:  # that checkout's alexaskill, not the installed one
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(checkout), PYTHONPATH]))
    # (Run from the checkout: ``python -m`` puts the working directory first on the path.)
    directory = ROOT if checkout is None else checkout
    process = subprocess.Popen(command, cwd=directory, stdout=subprocess.DEVNULL, env=environment)
    try:
        deadline = time.monotonic() + 60
        while not answers(port, scheme):
            if process.poll() is not None or time.monotonic() > deadline:
                raise BenchmarkError(f"the server did not start: {' '.join(command)}")
            time.sleep(0.1)
        yield process.pid
    finally:
        stop(process)


def answers(port: int, scheme: str) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as raw:
            if scheme == "https":
                with unchecked_tls().wrap_socket(raw) as tls:
                    tls.sendall(REQUEST)
                    return tls.recv(16).startswith(b"HTTP/1.1 200")
            raw.sendall(REQUEST)
            return raw.recv(16).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def load(
    port: int, scheme: str, directory: Path, seconds: int, cpu: int | None, pid: int
) -> tuple[float, float]:
    """(requests/s, server CPU µs a request) under wrk, 32 connections, after 1 s of warm-up."""

    def wrk(duration: int) -> str:
        command = ["wrk", "-t1", "-c32", f"-d{duration}s", "-s", str(directory / "post.lua")]
        command.append(f"{scheme}://127.0.0.1:{port}/")
        if cpu is not None:
            command = ["taskset", "-c", str(cpu), *command]
        waited = duration + WRK_GRACE_SECONDS
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=waited)
        except subprocess.TimeoutExpired:  # (run killed it) main says it in one line
            raise BenchmarkError(
                f"wrk had not ended {waited - duration:g} s after its run of {duration} s: stopped"
            ) from None
        if done.returncode != 0 or "Non-2xx" in done.stdout or "Socket errors" in done.stdout:
            raise BenchmarkError(f"wrk failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    wrk(1)
    before = process_cpu_seconds(pid)
    output = wrk(seconds)
    used = process_cpu_seconds(pid) - before
    found = re.search(r"(\d+) requests in ([\d.]+)s", output)
    if found is None:
        raise BenchmarkError(f"wrk printed no count:\n{output}")
    requests, elapsed = int(found[1]), float(found[2])
    return requests / elapsed, used / requests * 1e6


def count_writes(directory: Path, protocol: str) -> int:
    """write() calls of the server for 1,000 keep-alive requests on one connection (strace)."""
    port = free_port()
    trace = directory / f"strace-{protocol}.txt"
    calls: dict[str, int] = {}
    # strace_counts.tracing: the requests start once strace says it attached, not after a fixed
    # wait, and a strace that does not stop is killed and said in one error.
    with (
        serving(server_command(directory, protocol, "http", port), port, "http", None) as pid,
        tracing(pid, trace, calls),
        socket.create_connection(("127.0.0.1", port)) as connection,
    ):
        for _ in range(1000):
            connection.sendall(REQUEST)
            received = b""
            while not received.endswith(b'{"ok": true}'):
                received += connection.recv(65536)
    return sum(calls.get(name, 0) for name in ("write", "writev", "sendto", "sendmsg"))


def count_instructions(
    directory: Path, protocol: str, requests: int, checkout: Path | None = None
) -> float:
    """Instructions the server runs a request: callgrind's totals for 3 N and N keep-alive
    requests on one connection (after the same warm-up), their difference over 2 N."""
    totals = []
    for count in (requests, 3 * requests):
        port = free_port()
        output = directory / f"callgrind-{protocol}-{count}.out"
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={output}"]
        command += server_command(directory, protocol, "http", port)
        with (
            serving(command, port, "http", None, checkout),
            socket.create_connection(("127.0.0.1", port)) as connection,
        ):
            for _ in range(50 + count):
                connection.sendall(REQUEST)
                received = b""
                while not received.endswith(b'{"ok": true}'):
                    received += connection.recv(65536)
        found = re.search(r"^(?:summary|totals): (\d+)", output.read_text(), re.MULTILINE)
        if found is None:
            raise BenchmarkError(f"callgrind wrote no total to {output}")
        totals.append(int(found[1]))
    return (totals[1] - totals[0]) / (2 * requests)


def counting(directory: Path, requests: int, before: Path | None) -> int:
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: apt-get install valgrind", file=sys.stderr)
        return 2
    rows: list[tuple[str, str, Path | None]] = [(name, name, None) for name in PROTOCOLS]
    if before is not None:
        rows.append(("alexaskill@before", "alexaskill", before.resolve()))
    for label, protocol, checkout in rows:
        count = count_instructions(directory, protocol, requests, checkout)
        print(f"{label:18} {count:9,.0f} instructions a request", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=4, help="rounds (4)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per run (5)")
    parser.add_argument("--strace", action="store_true", help="also count write() calls")
    parser.add_argument(
        "--count", action="store_true", help="count instructions a request (valgrind), no wrk"
    )
    parser.add_argument("--requests", type=int, default=400, help="N for --count (400)")
    parser.add_argument(
        "--compare-with", type=Path, help="with --count: also that checkout's alexaskill protocol"
    )
    args = parser.parse_args(argv)
    where = ["before the first run"]  # what Ctrl-C cut short (endings.said_in_one_line)

    def cut_short() -> str:
        return f"{where[0]}: the figures above are those that finished; no medians"

    return said_in_one_line(lambda: measure(args, where), cut_short)


def measure(args: argparse.Namespace, where: list[str] | None = None) -> int:
    """What ``main``'s arguments ask for: instructions (``--count``) or wrk's rounds; what it
    is doing in ``where[0]`` (if given)."""
    where = [""] if where is None else where
    if args.count:
        where[0] = "in the instruction counts"
        with tempfile.TemporaryDirectory(prefix="bench-writes-") as temporary:
            write_files(Path(temporary))
            return counting(Path(temporary), args.requests, args.compare_with)
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk (Debian)", file=sys.stderr)
        return 2
    server_cpu, wrk_cpu = cpus_for_pinning()
    pairs = [(protocol, scheme) for scheme in SCHEMES for protocol in PROTOCOLS]
    runs: dict[tuple[str, str], list[tuple[float, float]]] = {pair: [] for pair in pairs}
    with tempfile.TemporaryDirectory(prefix="bench-writes-") as temporary:
        directory = Path(temporary)
        write_files(directory)
        if args.strace:
            if shutil.which("strace") is None:
                print("strace is not installed: apt-get install strace", file=sys.stderr)
                return 2
            for protocol in PROTOCOLS:
                where[0] = f"in {protocol}'s write count"
                calls = count_writes(directory, protocol)
                print(f"{protocol}: {calls:,} write() calls for 1,000 requests")
        for round_ in range(args.rounds):
            for protocol, scheme in pairs[round_ % len(pairs) :] + pairs[: round_ % len(pairs)]:
                where[0] = f"in round {round_ + 1} of {args.rounds} ({protocol} over {scheme})"
                port = free_port()
                command = server_command(directory, protocol, scheme, port)
                with serving(command, port, scheme, server_cpu) as pid:
                    result = load(port, scheme, directory, args.duration, wrk_cpu, pid)
                runs[protocol, scheme].append(result)
                print(f"round {round_ + 1} {protocol:10} {scheme:5} {result[0]:9,.0f} requests/s"
                      f" {result[1]:6.1f} µs of server CPU a request")  # fmt: skip
    print()
    for scheme in SCHEMES:
        ours, theirs = runs["alexaskill", scheme], runs["uvicorn", scheme]
        by_rate = [a[0] / u[0] for a, u in zip(ours, theirs, strict=True)]
        by_cpu = [u[1] / a[1] for a, u in zip(ours, theirs, strict=True)]
        listed = ", ".join(f"{r:.2f}" for r in by_rate)
        # median_low: above 1 alexaskill's protocol is the better, so of an even number of
        # rounds the lower middle, a round's own ratio and the unfavourable one, as load.py
        # takes its ratios (benchmarks/README.md, Method), never the mean of the two.
        print(f"{scheme}: alexaskill / uvicorn requests/s, round by round: {listed}; median "
              f"{statistics.median_low(by_rate):.3f}; by server CPU a request "
              f"{statistics.median_low(by_cpu):.3f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
