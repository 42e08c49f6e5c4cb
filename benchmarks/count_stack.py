"""Instructions per request of whole servers, counted by valgrind: uvicorn, protocol and app.

`count_instructions.py` counts the apps in-process, without a server: what the HTTP protocol
costs is left out, and so is any change to it (`alexaskill.exchange`, or the Docker image's
options). This script starts each `load.py` row's server as `load.py` does (the same command,
options and environment) under ``valgrind --tool=callgrind``, sends it N, then 3 N keep-alive
requests of the load mix on one connection (after the same warm-up), and reads the server's
instructions a request from the two totals: (total(3 N) - total(N)) / 2 N. The kernel's work
(the system calls) is not counted; one request at a time, the request line is written once a
request rather than batched as under load.

``--connections C`` counts under load instead: after the warm-up, wrk sends the mix on C
connections for S, then 3 S seconds (``--seconds``), and a request costs (total(3 S) -
total(S)) / (the difference of the requests wrk counted). Many requests are then read and
answered a turn of the event loop, as in `load.py`'s runs; a row's count there against its count
one at a time tells whether a gap between the two benchmarks is in the instructions at all.
A row whose wrk run had socket errors (timeouts of a server that valgrind and a loaded machine
slow down) is counted again in that round, once, and the output says so; a second time, or
any answer but a 200, ends the run.

Run from the repository root with valgrind (``apt-get install valgrind``)::

    python benchmarks/count_stack.py                         # floor, async, def-info, docker
    python benchmarks/count_stack.py --rows floor def-info-docker --compare-with /tmp/before
    python benchmarks/count_stack.py --rows floor async --connections 32   # under wrk's load
    python benchmarks/count_stack.py --rows floor def-info --repeat 3 --start-timeout 600

Count on an otherwise idle machine: the servers' timers (uvicorn's tick, the deadline's
watchdog, the head deadline's sweep) run by the clock, and valgrind's speed follows the
machine's load, so a busy machine adds instructions a request. Quiet, a row moves by a few
thousand instructions from run to run (``def`` rows most: `alexaskill.pace` moves a handler
between the loop and the worker threads by how long its calls take, fifty times longer under
valgrind): read a change of a few percent from one run, not less.

``--repeat N`` counts every row N times, interleaved (floor, def-info, floor, def-info, ...), and
prints each row's median, its lowest and highest count and their spread ((highest - lowest) /
median), then each ratio as the median of the rounds' own (a round's rows are counted one after
another, closer in time than the same row's rounds): a difference between rows that the spread
of either covers is the machine's load, not the code. Of an even number of rounds a median is a
round's own figure, not the mean of the two middle ones, and the unfavourable one: the higher
middle count (a cost), the lower middle ratio (floor / row and before / row: above 1 the row is
the cheaper).
On a loaded host a server may take minutes to start under valgrind: ``--start-timeout``
(180 s).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Final

from alexaskill.testing import TestPKI
from benchmarks import count_instructions, load, rows, serving
from benchmarks.endings import said_in_one_line
from benchmarks.envelopes import SignedRequest, Workload
from benchmarks.servers import save_pki
from benchmarks.wrk import BenchmarkError, LoadResult, run_wrk, write_pool

DEFAULT_ROWS: Final = ("floor", "async", "def-info", "def-info-docker")
WARMUP: Final = 50
#: Seconds a server has to start under valgrind (imports run fifty times slower too), unless
#: ``--start-timeout`` says otherwise: a loaded host needed more (perf19).
START_TIMEOUT: Final = 180.0


def raw_request(request: SignedRequest) -> bytes:
    """``request`` as the bytes of one HTTP/1.1 POST to ``/``."""
    head = ["POST / HTTP/1.1", "host: 127.0.0.1", f"content-length: {len(request.body)}"]
    head += [f"{name}: {value}" for name, value in request.headers.items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + request.body


def read_answer(connection: socket.socket) -> bytes:
    """One whole answer with a content length (every row's), read from ``connection``."""
    received = b""
    while True:
        chunk = connection.recv(65536)
        if not chunk:
            raise BenchmarkError("the server closed the connection")
        received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        found = re.search(rb"^content-length: *(\d+)", head, re.IGNORECASE | re.MULTILINE)
        if found and len(body) >= int(found[1]):
            return received


def total_instructions(
    spec: serving.ServerSpec,
    pki: TestPKI,
    requests: int,
    output: Path,
    *,
    connections: int = 0,
    seconds: float = 0.0,
    start_timeout: float = START_TIMEOUT,
) -> tuple[int, int]:
    """callgrind's total for a server of ``spec`` that answered ``WARMUP + requests`` POSTs, or
    (with ``connections``) the warm-up and then wrk's load for ``seconds``; and the requests
    answered after the warm-up. The server has ``start_timeout`` seconds to listen."""
    port = serving.free_port()
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={output}"]
    command += [*spec.command, "--host=127.0.0.1", f"--port={port}"]
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("ALEXASKILL_")}
    process = subprocess.Popen(
        command,
        cwd=serving.ROOT,
        env={**inherited, **spec.env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=1)
                break
            except OSError:
                if process.poll() is not None:
                    raise BenchmarkError(f"{spec.name}: the server exited at its start") from None
                if time.monotonic() > deadline:
                    raise BenchmarkError(
                        f"{spec.name}: the server did not start within {start_timeout:g} s "
                        "(--start-timeout)"
                    ) from None
                time.sleep(0.5)
        # Signed now: a timestamp is good for 150 seconds, and the server took long to start.
        mix = [raw_request(r) for r in Workload(64).signed(pki)]
        with connection:
            connection.settimeout(120)
            for index in range(WARMUP + (0 if connections else requests)):
                connection.sendall(mix[index % len(mix)])
                answer = read_answer(connection)
                if not answer.startswith(b"HTTP/1.1 200"):
                    raise BenchmarkError(f"{spec.name}: answered {answer[:40]!r}")
        if connections:
            pool = write_pool(output.with_suffix(".pool"), Workload(64).signed(pki), port)
            result = run_wrk(
                port,
                pool,
                seconds=seconds,
                connections=connections,
                threads=1,
                cpu=None,
                server_pid=process.pid,
            )
            check_load(spec.name, result)
            requests = result.requests
    except KeyboardInterrupt:
        # Ctrl-C: the totals will not be read, so valgrind is not waited for to write them (the
        # grace below, up to 120 s): killed now, as `wrk.run_wrk` kills wrk.
        process.kill()
        process.wait()
        raise
    finally:
        # valgrind writes callgrind's totals as the server exits, slowly on a busy machine: 5 s
        # and a SIGKILL lost them ("no totals" at a load average of ~10). A Ctrl-C in that
        # wait kills it (`serving.stop`), as above.
        serving.stop(process, grace=120.0)
    return count_instructions._total(output), requests


class SocketErrors(BenchmarkError):
    """wrk's socket errors under valgrind, with every answer a 200: timeouts of a server fifty
    times slower on a loaded machine, which another try of the round may not meet."""


def check_load(name: str, result: LoadResult) -> None:
    """Raise if wrk's run of row ``name`` under valgrind had errors: `SocketErrors` if they
    were socket errors alone, `BenchmarkError` if any answer was not a 200."""
    errors = f"{name}: {result.status_errors} non-2xx answers and {result.errors} socket errors"
    if result.status_errors:
        raise BenchmarkError(f"{errors} under valgrind: run again on a quieter machine")
    if result.errors:
        raise SocketErrors(f"{errors} under valgrind")


def per_request(
    spec: serving.ServerSpec,
    pki: TestPKI,
    requests: int,
    work_dir: Path,
    *,
    connections: int = 0,
    seconds: float = 8.0,
    start_timeout: float = START_TIMEOUT,
) -> float:
    """Instructions a request: the difference of two runs, one three times the other."""
    runs = [
        total_instructions(
            spec,
            pki,
            times * requests,
            work_dir / f"{spec.name}-{times}.out",
            connections=connections,
            seconds=times * seconds,
            start_timeout=start_timeout,
        )
        for times in (1, 3)
    ]
    (few, few_requests), (many, many_requests) = runs
    if many_requests <= few_requests:
        raise BenchmarkError(f"{spec.name}: the longer run answered no more requests")
    return (many - few) / (many_requests - few_requests)


def compile_trees(trees: Sequence[Path]) -> None:
    """Compile the Python modules of ``trees`` (their ``alexaskill``, ``benchmarks`` and
    ``examples``), as the servers' interpreter would, before any server is counted.

    Else the first server of a fresh checkout compiles every module it imports, in its N run
    only: (total(3 N) - total(N)) / 2 N read -1,048,632 instructions a request (perf21).
    """
    import compileall

    # Plain .pyc files as well as this process's level: under `python -O count_stack.py` the
    # servers (sys.executable, without -O) still read the plain ones; an inherited
    # PYTHONOPTIMIZE is in both, and in sys.flags.optimize.
    for level in sorted({0, sys.flags.optimize}):
        for tree in trees:
            for name in ("alexaskill", "benchmarks", "examples"):
                if (tree / name).is_dir():
                    compileall.compile_dir(tree / name, quiet=2, optimize=level)


def count_rows(
    names: Sequence[str],
    repeat: int,
    count: Callable[[str], float],
    counts: dict[str, list[float]] | None = None,
) -> dict[str, list[float]]:
    """``count(name)`` of each row, ``repeat`` times, the rows interleaved (A, B, C, A, B, C,
    ...), so that a change of the machine's load falls on every row alike; each count printed
    as it comes, and kept in ``counts`` (if given: what finished, should a count fail)."""
    counts = {name: [] for name in names} if counts is None else counts
    for round_ in range(repeat):
        label = f" (round {round_ + 1} of {repeat})" if repeat > 1 else ""
        for name in names:
            try:
                value = count(name)
            except SocketErrors as exc:
                # A few of wrk's requests timed out on a server slowed by the machine's load,
                # not by the row (perf21 lost a whole --repeat 3 run to 3 of them): that round
                # once more, and a second time ends the run.
                print(f"{exc}: counting round {round_ + 1} of {name} again (once)", flush=True)
                try:
                    value = count(name)
                except SocketErrors as again:
                    raise SocketErrors(f"{again} again: run again on a quieter machine") from exc
            counts[name].append(value)
            print(f"{name:24} {counts[name][-1]:11,.0f} instructions a request{label}", flush=True)
    return counts


def summary(counts: Mapping[str, Sequence[float]]) -> list[str]:
    """The report of `count_rows`' counts: with more than one round, each row's median and
    spread; then the ratios to the floor and to the row's ``@before``, from each round's."""
    lines = []
    if any(len(values) > 1 for values in counts.values()):
        lines.append(f"{'row':24} {'median':>11}  lowest to highest (spread)")
        for name, values in counts.items():
            # A count is a cost: of an even number of rounds the higher middle one, a round's
            # own count and the unfavourable one, as server_counters.py takes its figures.
            middle, low, high = statistics.median_high(values), min(values), max(values)
            spread = (high - low) / middle
            lines.append(f"{name:24} {middle:11,.0f}  {low:,.0f} to {high:,.0f} ({spread:.1%})")
    floor = counts.get("floor")
    for name, values in counts.items():
        ratios = []
        if floor is not None and name != "floor":
            ratios.append(_ratio("floor / row", floor, values))
        before = counts.get(name + rows.BEFORE)
        if before is not None:
            ratios.append(_ratio("before / row", before, values))
        if ratios:
            lines.append(f"{name}: {', '.join(ratios)}")
    return lines


def _ratio(label: str, tops: Sequence[float], bottoms: Sequence[float]) -> str:
    # Paired by round, as load.py pairs its rounds: the median of the rounds' ratios. Above 1
    # the row is the cheaper: of an even number of rounds the lower middle ratio, the
    # unfavourable one, as report.round_by_round takes a ratio read as requests/s.
    paired = [top / bottom for top, bottom in zip(tops, bottoms, strict=True)]
    if len(paired) == 1:
        return f"{label} {paired[0]:.3f}"
    middle = statistics.median_low(paired)
    return f"{label} {middle:.3f} (rounds {min(paired):.3f} to {max(paired):.3f})"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line's options (``--help``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", nargs="+", default=list(DEFAULT_ROWS), choices=rows.ROWS)
    parser.add_argument("--requests", type=int, default=200, help="N (200)")
    parser.add_argument("--compare-with", type=Path, help="also each alexaskill row, that checkout")
    parser.add_argument(
        "--connections", type=int, default=0, help="C: count under wrk's load on C connections"
    )
    parser.add_argument(
        "--seconds", type=float, default=8.0, help="S, with --connections (8; 3 S the second run)"
    )
    parser.add_argument(
        "--start-timeout",
        type=float,
        default=START_TIMEOUT,
        metavar="SECONDS",
        help=f"how long a server may take to start under valgrind ({START_TIMEOUT:g})",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="count every row N times, interleaved: each row's median and spread (1)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be 1 or more")
    if not args.start_timeout > 0:
        parser.error("--start-timeout must be more than 0 seconds")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: apt-get install valgrind", file=sys.stderr)
        return 2
    if args.connections and shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    names = list(args.rows)
    if args.compare_with is not None:
        names += [name + rows.BEFORE for name in args.rows if name in rows.ALEXASKILL_ROWS]
    counts: dict[str, list[float]] = {name: [] for name in names}

    def cut_short() -> str:
        # The row being counted: the first of the fewest counts (count_rows interleaves them).
        fewest = min(map(len, counts.values()))
        name = next(name for name in names if len(counts[name]) == fewest)
        where = f"in {name}'s count" if fewest < args.repeat else "after the counts"
        if args.repeat > 1 and fewest < args.repeat:
            where += f" (round {fewest + 1} of {args.repeat})"
        done = sum(map(len, counts.values()))
        return f"{where}: the counts above are the {done} that finished; no summary"

    def counted() -> int:
        trees = [serving.ROOT] + ([args.compare_with] if args.compare_with is not None else [])
        compile_trees(trees)
        with tempfile.TemporaryDirectory(prefix="alexaskill-stack-") as tmp:
            work_dir = Path(tmp)
            pki = TestPKI()
            pki_dir = save_pki(pki, work_dir / "pki")
            specs = load.server_specs(
                names, pki_dir, "uvloop", "httptools", None,
                before=args.compare_with, work_dir=work_dir,
            )  # fmt: skip
            by_name = {spec.name: spec for spec in specs}

            def count(name: str) -> float:
                return per_request(
                    by_name[name],
                    pki,
                    args.requests,
                    work_dir,
                    connections=args.connections,
                    seconds=args.seconds,
                    start_timeout=args.start_timeout,
                )

            count_rows(names, args.repeat, count, counts)
        for line in summary(counts):
            print(line)
        return 0

    return said_in_one_line(counted, cut_short)


if __name__ == "__main__":
    raise SystemExit(main())
