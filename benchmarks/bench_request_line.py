"""What the request line costs with requests in flight: CPU, write() calls, context switches.

The load benchmark's `def` apps (`benchmarks.load` rows ``def``, ``def-info``, ``def-json``)
served in-process, ``--concurrency`` requests in flight at once (32, wrk's connections), on
uvloop when installed, the request log written to a file as the server's standard error is. Each
row runs in a child process of its own (logging is global), rounds interleaved; per request it
prints the process CPU time (user + system, the minimum over the rounds: other processes on a
shared machine only ever add to it), and, from the kernel's counters, the ``write()`` calls and
the context switches. What uvicorn and the sockets cost is left out: the same for every row.

``--instructions`` counts instead, under valgrind's callgrind, the instructions of one call of
`log_request` alone (a decoded IntentRequest, 2,000 calls a formatter): written at once, as with
one request at a time; 16 lines to a turn of the event loop, as with requests in flight; and 16
tasks a turn, one line each, none in flight beside another, as a loaded server's quick `def`
handlers run (each task's creation and run subtracted).

Run from the repository root::

    python benchmarks/bench_request_line.py
    python benchmarks/bench_request_line.py --compare-with /tmp/before   # ROW@before too
    python benchmarks/bench_request_line.py --instructions --compare-with /tmp/before
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import MutableMapping, Sequence
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parent.parent
ROWS: Final = ("def", "def-info", "def-json")


def child(work_dir: Path, name: str, requests: int, concurrency: int) -> dict[str, float]:
    """Serve ``requests`` of the load mix to row ``name``'s app; the counters per request."""
    from alexaskill.logs import configure_logging
    from alexaskill.testing import TestPKI
    from benchmarks.envelopes import Workload
    from benchmarks.profile_hot_path import asgi_scope
    from benchmarks.rows import row
    from benchmarks.servers import save_pki, weather_def

    pki = TestPKI()
    app = weather_def.create_app(save_pki(pki, work_dir / "pki", amazon_shape=False))
    signed = Workload(64).signed(pki)
    scopes = [asgi_scope(r) for r in signed]
    messages = [{"type": "http.request", "body": r.body, "more_body": False} for r in signed]
    env = row(name).env
    log = (work_dir / f"{name}.log").open("w")
    configure_logging(
        env.get("ALEXASKILL_LOG_LEVEL", "WARNING"), json="ALEXASKILL_LOG_JSON" in env, stream=log
    )
    statuses: list[int] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async def serve(count: int) -> None:
        indices = iter(range(count))

        async def connection() -> None:
            for index in indices:
                message = messages[index % len(messages)]

                async def receive(message: dict[str, Any] = message) -> dict[str, Any]:
                    return message

                await app(dict(scopes[index % len(scopes)]), receive, send)

        await asyncio.gather(*(connection() for _ in range(concurrency)))

    loop: asyncio.AbstractEventLoop
    if importlib.util.find_spec("uvloop"):
        import uvloop

        loop = uvloop.new_event_loop()
    else:
        loop = asyncio.new_event_loop()
    loop.run_until_complete(serve(requests // 4))  # warm-up: caches, worker threads
    first = _counters()
    loop.run_until_complete(serve(requests))
    last = _counters()
    loop.close()
    log.close()
    if set(statuses) != {200}:
        raise SystemExit(f"{name}: answers other than 200: {sorted(set(statuses))}")
    return {key: (last[key] - first[key]) / requests for key in first}


LINES: Final = 2000
BATCH: Final = 16


def count_child(log_path: Path) -> None:
    """`log_request` alone, each measured part between two calls of ``os.getppid()``."""
    from alexaskill.logs import configure_logging, log_request
    from alexaskill.models import decode_envelope

    fixture = ROOT / "tests" / "fixtures" / "requests" / "IntentRequest.GetWeather.json"
    envelope = decode_envelope(fixture.read_bytes())
    stream = log_path.open("w")
    defer: dict[str, Any] = {}
    if "deferrable" in (log_request.__kwdefaults__ or {}):
        defer["deferrable"] = True

    async def turns(count: int, lines: bool) -> None:
        for _ in range(count // BATCH):
            for _ in range(BATCH if lines else 0):
                log_request(
                    envelope, outcome="ok", status=200, handler_ms=1.234, verify_ms=0.5, **defer
                )
            await asyncio.sleep(0)

    async def line() -> None:
        log_request(envelope, outcome="ok", status=200, handler_ms=1.234, verify_ms=0.5)

    async def no_line() -> None:
        pass

    async def task_turns(count: int, lines: bool) -> None:
        # A turn of the server's loop: a task each request, each to its end (a quick def
        # handler on the loop never awaits), none in flight beside another (not deferrable).
        for _ in range(count // BATCH):
            await asyncio.gather(*(line() if lines else no_line() for _ in range(BATCH)))

    loop = asyncio.new_event_loop()
    for as_json in (False, True):
        configure_logging("INFO", json=as_json, stream=stream)
        for _ in range(200):
            log_request(envelope, outcome="ok", status=200, handler_ms=1.234, verify_ms=0.5)
        os.getppid()
        for _ in range(LINES):
            log_request(envelope, outcome="ok", status=200, handler_ms=1.234, verify_ms=0.5)
        os.getppid()
        loop.run_until_complete(turns(320, True))
        os.getppid()
        loop.run_until_complete(turns(LINES, True))
        os.getppid()
        loop.run_until_complete(turns(LINES, False))  # the turns alone, subtracted
        os.getppid()
        loop.run_until_complete(task_turns(320, True))
        os.getppid()
        loop.run_until_complete(task_turns(LINES, True))
        os.getppid()
        loop.run_until_complete(task_turns(LINES, False))  # the tasks alone, subtracted
        os.getppid()
    loop.close()


def count_line(pythonpath: str) -> dict[str, float]:
    """Instructions a line: plain and JSON, at once and 16 to a turn (callgrind)."""
    with tempfile.TemporaryDirectory(prefix="alexaskill-line-") as tmp:
        out = Path(tmp) / "callgrind.out"
        command = [
            "valgrind", "--tool=callgrind", "--dump-before=getppid",
            f"--callgrind-out-file={out}", sys.executable, str(Path(__file__).resolve()),
            "--count-child", str(Path(tmp) / "log.txt"),
        ]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith("ALEXASKILL_")}
        env.update(PYTHONHASHSEED="0", PYTHONPATH=pythonpath)
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"valgrind run failed:\n{done.stderr[-2000:]}")
        from benchmarks.count_instructions import _total

        dumps = sorted(out.parent.glob("callgrind.out.*"), key=lambda p: int(p.suffix[1:]))
        totals = [_total(dump) for dump in dumps]
    # Dumps, per formatter: warm-up (the set-up too, first), at once, warm-up, 16 a turn, the
    # turns alone, warm-up, 16 tasks a turn, the tasks alone.
    found = {}
    for index, name in enumerate(("plain", "json")):
        at_once, batched, alone, tasks, tasks_alone = (
            totals[part + 8 * index] for part in (1, 3, 4, 6, 7)
        )
        found[name] = at_once / LINES
        found[f"{name}, 16 a turn"] = (batched - alone) / LINES
        found[f"{name}, 16 tasks a turn"] = (tasks - tasks_alone) / LINES
    return found


def _counters() -> dict[str, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    writes = 0
    io = Path("/proc/self/io")
    if io.is_file():
        for line in io.read_text().splitlines():
            if line.startswith("syscw:"):
                writes = int(line.split()[1])
    return {
        "cpu_us": (usage.ru_utime + usage.ru_stime) * 1e6,
        "writes": writes,
        "switches": usage.ru_nvcsw + usage.ru_nivcsw,
    }


def run_child(name: str, requests: int, concurrency: int, pythonpath: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="alexaskill-line-") as tmp:
        command = [
            sys.executable, str(Path(__file__).resolve()), "--child", tmp, "--requests",
            str(requests), "--concurrency", str(concurrency), "--rows", name,
        ]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith("ALEXASKILL_")}
        done = subprocess.run(
            command, env={**env, "PYTHONPATH": pythonpath}, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"{name}: child failed:\n{done.stderr[-2000:]}")
        result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
        return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=4000, help="requests a run (4000)")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight (32)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each row (3)")
    parser.add_argument("--rows", nargs="+", choices=ROWS, default=list(ROWS))
    parser.add_argument("--compare-with", type=Path, default=None, metavar="DIR")
    parser.add_argument(
        "--instructions", action="store_true", help="count log_request's instructions (valgrind)"
    )
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--count-child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.count_child is not None:
        count_child(args.count_child)
        return 0
    if args.instructions:
        return print_counts(args.compare_with)
    if args.child is not None:
        [name] = args.rows
        print(json.dumps(child(args.child, name, args.requests, args.concurrency)))
        return 0
    sys.path.insert(0, str(ROOT))
    from benchmarks.report import describe_checkout
    from benchmarks.serving import before_path

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="alexaskill-line-") as tmp:
        paths = {name: str(ROOT) for name in args.rows}
        if args.compare_with is not None:
            shim = str(before_path(args.compare_with, Path(tmp)))
            paths.update({f"{name}@before": shim for name in args.rows})
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in paths}
        for round_ in range(args.rounds):
            for name in paths if round_ % 2 == 0 else list(paths)[::-1]:
                result = run_child(
                    name.removesuffix("@before"), args.requests, args.concurrency, paths[name]
                )
                runs[name].append(result)
    print(f"alexaskill: {describe_checkout(ROOT)}")
    if args.compare_with is not None:
        print(f"@before: alexaskill from {describe_checkout(args.compare_with)}")
    print(
        f"{args.requests} requests a run, {args.concurrency} in flight, in-process, "
        f"{args.rounds} rounds ({time.monotonic() - started:.0f} s); CPU: the least of the rounds"
    )
    print()
    print("| row | CPU µs/request | line µs/request | write() calls/request | switches/request |")
    print("|---|---:|---:|---:|---:|")
    best = {name: min(r["cpu_us"] for r in results) for name, results in runs.items()}
    for name, results in runs.items():
        quiet = "def@before" if name.endswith("@before") else "def"
        line = best[name] - best[quiet] if quiet in best and name != quiet else None
        writes = sum(r["writes"] for r in results) / len(results)
        switches = sum(r["switches"] for r in results) / len(results)
        print(
            f"| {name} | {best[name]:.0f} | {'' if line is None else f'{line:.1f}'} "
            f"| {writes:.3f} | {switches:.2f} |"
        )
    return 0


def print_counts(before: Path | None) -> int:
    """Print `count_line`'s table, this checkout's and ``before``'s."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.report import describe_checkout
    from benchmarks.serving import before_path

    with tempfile.TemporaryDirectory(prefix="alexaskill-line-") as tmp:
        counts = {"this checkout": count_line(str(ROOT))}
        if before is not None:
            counts["before"] = count_line(str(before_path(before, Path(tmp))))
    print(f"alexaskill: {describe_checkout(ROOT)}")
    if before is not None:
        print(f"before: alexaskill from {describe_checkout(before)}")
    print(f"instructions of one log_request call, {LINES} calls a row (valgrind callgrind)")
    print()
    columns = list(counts["this checkout"])
    print("| alexaskill | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for name, found in counts.items():
        print(f"| {name} | " + " | ".join(f"{found[c]:,.0f}" for c in columns) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
