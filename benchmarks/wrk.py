"""Drive a server with wrk from a pool of pre-signed requests, and measure the CPU on both sides.

`write_pool` writes whole HTTP/1.1 requests to a file that ``pool.lua`` sends in turn; `run_wrk`
runs wrk for a fixed time and returns a `LoadResult`: wrk's counts and latency percentiles, plus
the CPU the server, wrk and every other process on the machine used meanwhile (from /proc), so
that a run disturbed by something else shows it.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from benchmarks.envelopes import SignedRequest

LUA_SCRIPT: Final = Path(__file__).resolve().parent / "pool.lua"


class BenchmarkError(Exception):
    """A server failed to start or to answer correctly, or the load generator failed."""


def raw_request(request: SignedRequest, port: int) -> bytes:
    """The whole HTTP/1.1 request as wrk sends it."""
    lines = ["POST / HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    lines.append(f"Content-Length: {len(request.body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + request.body


def write_pool(path: Path, requests: Sequence[SignedRequest], port: int) -> Path:
    """Write the records pool.lua reads: ``<length>\\n<raw request>`` each."""
    with path.open("wb") as file:
        for request in requests:
            raw = raw_request(request, port)
            file.write(b"%d\n" % len(raw))
            file.write(raw)
    return path


def read_pool(path: Path) -> list[bytes]:
    """The raw requests of a pool file (what pool.lua does, for tests)."""
    data = path.read_bytes()
    records, position = [], 0
    while position < len(data):
        newline = data.index(b"\n", position)
        length = int(data[position:newline])
        records.append(data[newline + 1 : newline + 1 + length])
        position = newline + 1 + length
    return records


@dataclass
class LoadResult:
    """What one wrk run measured, and the CPU each side used meanwhile."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    status_errors: int
    server_cpu: float  # share of one CPU, 0..1
    wrk_cpu: float
    other_cpu: float  # what other processes on the machine used meanwhile, share of one CPU
    cpu_us: float  # server CPU time per request, µs: steadier than requests/s on a busy machine
    rss_mb: float = 0.0  # resident memory of the server's largest process (its worker) at the end

    @property
    def rps(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds


def run_wrk(
    port: int,
    pool: Path,
    *,
    seconds: float,
    connections: int,
    threads: int,
    cpu: int | None,
    server_pid: int,
    tls: bool = False,
) -> LoadResult:
    """Drive 127.0.0.1:``port`` (HTTPS with ``tls``) with wrk for ``seconds``; raise
    `BenchmarkError` if wrk fails."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA_SCRIPT),
        f"{'https' if tls else 'http'}://127.0.0.1:{port}/",
        "--",
        str(pool),
    ]
    if cpu is not None:
        command = ["taskset", "-c", str(cpu), *command]
    cpu_before = process_cpu_seconds(server_pid)
    children_before = _children_cpu_seconds()
    machine_before = machine_cpu_seconds()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        stdout, stderr = process.communicate(timeout=seconds + 30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise BenchmarkError("wrk did not finish in time") from None
    except KeyboardInterrupt:
        # A Ctrl-C that reached this process alone (a kill -INT of it) would leave wrk loading
        # the server until its -d ran out: its figures are not read now, so it is killed.
        process.kill()
        process.communicate()
        raise
    elapsed = time.perf_counter() - started
    machine = (machine_cpu_seconds() - machine_before) / elapsed
    server_seconds = process_cpu_seconds(server_pid) - cpu_before
    server_cpu = server_seconds / elapsed
    wrk_cpu = (_children_cpu_seconds() - children_before) / elapsed  # wrk: the only child reaped
    if process.returncode != 0:
        raise BenchmarkError(f"wrk failed ({process.returncode}): {stderr.decode()[-500:]}")
    for line in stdout.decode().splitlines():
        if line.startswith("WRK_RESULT "):
            data = json.loads(line.removeprefix("WRK_RESULT "))
            break
    else:
        raise BenchmarkError(f"wrk printed no result: {stdout.decode()[-500:]}")
    errors = sum(data[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=errors,
        status_errors=data["status_errors"],
        server_cpu=server_cpu,
        wrk_cpu=wrk_cpu,
        other_cpu=max(0.0, machine - server_cpu - wrk_cpu),
        cpu_us=server_seconds / max(1, data["requests"]) * 1e6,
        rss_mb=process_rss_mb(server_pid),
    )


def _children_cpu_seconds() -> float:
    """CPU seconds used by this process's children that have been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine_cpu_seconds() -> float:
    """CPU seconds all CPUs have spent busy since boot (/proc/stat), or 0 where unreadable."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _with_children(pid: int) -> list[int]:
    """``pid`` and its children (gunicorn's or uvicorn's workers)."""
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return pids


def process_rss_mb(pid: int) -> float:
    """Resident memory (MiB) of the largest of ``pid`` and its children: a worker's, or 0."""
    largest = 0
    for one in _with_children(pid):
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    largest = max(largest, int(line.split()[1]))  # kB
    return largest / 1024


def process_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by process ``pid`` and its children (the workers), or 0."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for one in _with_children(pid):
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total
