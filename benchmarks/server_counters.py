"""The kernel's counters of whole servers under wrk, per request: CPU time, faults, switches, calls.

`count_stack.py` counts a server's user-space instructions (valgrind), where the ``async`` row
reads at or below the floor's, yet under `load.py` it serves 0.88-0.95 of the floor and spends
~10% more server CPU a request. This script reads what valgrind does not see, from counts a
loaded machine moves less than it moves time: each `load.py` row's server started, checked,
warmed up and driven by wrk for a fixed time as `load.py` does it (`load.server_specs`,
`load.benchmark_server`: the same command, pinning and environment), while the server's
``/proc/<pid>/stat``, ``/proc/<pid>/status`` and every thread's ``/proc/<pid>/task/*/stat`` and
``status`` are read before, every `POLL_SECONDS` during the run and after. Per request served:
user and system time, minor and major page faults, voluntary and involuntary context switches
(summed over the threads, a thread that exits during the run to its last reading: the process's
``status`` gives its first thread's alone, and no file keeps an exited thread's, so that those of
a thread that starts and exits between two readings are missed, its time and faults printed as
``(unattributed)``), and the threads at the end; each thread group (by its name) apart, so
that a switch or a fault has an owner. Rows are interleaved, every other round in reverse, for
``--rounds`` rounds, and each ratio to the floor is the median of the rounds' own (a round's
rows run minutes closer together than one row's rounds).

Then, unless ``--no-strace``, a separate short round of each row under ``strace -c -f -p``:
system calls per request, by name (strace slows the server many times over: its CPU figures
are not read, only its counts). Where strace may not trace the server (no ptrace rights), the
script stops there with strace's reason, in one line; threads of the server it could not attach
to are said, row by row (their calls are not in the table).

Run from the repository root, with wrk (and strace) installed::

    python benchmarks/server_counters.py                       # floor, async, def, def-info
    python benchmarks/server_counters.py --rows floor async --rounds 5 --duration 5
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import shutil
import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from alexaskill.testing import TestPKI
from benchmarks import load, serving
from benchmarks.endings import no_table, said_in_one_line
from benchmarks.envelopes import Workload
from benchmarks.report import median_run
from benchmarks.rows import ROWS
from benchmarks.servers import save_pki
from benchmarks.strace_counts import PROC, strace_report, tracing

DEFAULT_ROWS: Final = ("floor", "async", "def", "def-info")
#: Seconds between readings of the server's threads during a run: a thread that exits is
#: counted to its last one (a few dozen small files a reading: no load beside wrk's).
POLL_SECONDS: Final = 0.25
#: The per-request figures, in the order they print: (key, heading, scale).
FIGURES: Final = (
    ("utime", "user µs", 1e6),
    ("stime", "sys µs", 1e6),
    ("minflt", "minflt", 1.0),
    ("majflt", "majflt", 1.0),
    ("voluntary", "vol cs", 1.0),
    ("involuntary", "invol cs", 1.0),
)


@dataclass
class ThreadCounters:
    """What one thread (or a group of threads of one name) used: seconds, faults, switches."""

    utime: float = 0.0
    stime: float = 0.0
    minflt: int = 0
    majflt: int = 0
    voluntary: int = 0
    involuntary: int = 0

    def minus(self, other: ThreadCounters) -> ThreadCounters:
        """The counts of ``self`` less ``other``'s (a later reading less an earlier one)."""
        return ThreadCounters(
            self.utime - other.utime,
            self.stime - other.stime,
            self.minflt - other.minflt,
            self.majflt - other.majflt,
            self.voluntary - other.voluntary,
            self.involuntary - other.involuntary,
        )

    def plus(self, other: ThreadCounters) -> ThreadCounters:
        """The counts of ``self`` and ``other`` together."""
        return ThreadCounters(
            self.utime + other.utime,
            self.stime + other.stime,
            self.minflt + other.minflt,
            self.majflt + other.majflt,
            self.voluntary + other.voluntary,
            self.involuntary + other.involuntary,
        )


@dataclass
class Reading:
    """One reading of a process: the whole (``/proc/<pid>/stat``, which keeps the time and
    faults of threads that have exited) and each live thread by id, with its name."""

    whole: ThreadCounters
    threads: dict[int, tuple[str, ThreadCounters]] = field(default_factory=dict)


def _stat(path: Path) -> tuple[str, ThreadCounters]:
    """The name, times and faults of a ``stat`` file (proc(5)); switches left at 0."""
    text = path.read_text()
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text.rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return name, ThreadCounters(
        utime=int(fields[11]) / ticks,
        stime=int(fields[12]) / ticks,
        minflt=int(fields[7]),
        majflt=int(fields[9]),
    )


def _switches(path: Path) -> tuple[int, int]:
    """(voluntary, involuntary) context switches of a ``status`` file: its thread's alone."""
    found = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"):
            found[key] = int(value)
    return found["voluntary_ctxt_switches"], found["nonvoluntary_ctxt_switches"]


def read_process(pid: int, proc: Path = PROC) -> Reading:
    """The counters of process ``pid`` and of each of its live threads (``proc``: /proc)."""
    _, whole = _stat(proc / str(pid) / "stat")
    threads = {}
    for task in (proc / str(pid) / "task").iterdir():
        try:
            name, counters = _stat(task / "stat")
            counters.voluntary, counters.involuntary = _switches(task / "status")
        except (OSError, ValueError, KeyError):
            continue  # the thread exited between the listing and the read
        threads[int(task.name)] = (name, counters)
    # The process's status file gives its first thread's switches only: the sum is every live
    # thread's (`used` adds the threads that exit between readings).
    whole.voluntary = sum(c.voluntary for _, c in threads.values())
    whole.involuntary = sum(c.involuntary for _, c in threads.values())
    return Reading(whole, threads)


def _by_thread(readings: Sequence[Reading]) -> dict[int, tuple[str, ThreadCounters]]:
    """What each thread any of ``readings`` saw used from the first to its last reading (a new
    thread: all of it)."""
    first, last_seen = readings[0].threads, {}
    for reading in readings:
        last_seen.update(reading.threads)
    return {
        tid: (name, counters.minus(first.get(tid, (name, ThreadCounters()))[1]))
        for tid, (name, counters) in last_seen.items()
    }


def by_thread_name(readings: Sequence[Reading]) -> dict[str, ThreadCounters]:
    """What each thread name's threads used from the first reading to the last, a thread that
    exited meanwhile to its last reading."""
    used: dict[str, ThreadCounters] = {}
    for name, counters in _by_thread(readings).values():
        used[name] = used.get(name, ThreadCounters()).plus(counters)
    return used


def used(readings: Sequence[Reading]) -> tuple[ThreadCounters, int]:
    """What the process used from the first reading to the last, and how many threads exited
    meanwhile: times and faults by its ``stat`` (which keeps those of exited threads), switches
    summed over every thread a reading saw, to its last reading (no file of /proc keeps the
    switches of a thread that has exited: the process's ``status`` is its first thread's)."""
    threads = _by_thread(readings)
    whole = readings[-1].whole.minus(readings[0].whole)
    whole.voluntary = sum(c.voluntary for _, c in threads.values())
    whole.involuntary = sum(c.involuntary for _, c in threads.values())
    return whole, len(threads.keys() - readings[-1].threads.keys())


def unattributed(readings: Sequence[Reading]) -> ThreadCounters:
    """The process's time and faults from the first reading to the last that no reading of a
    thread holds: a thread that started and exited between two readings (or one's last moments
    after its last reading), which the process's ``stat`` keeps. Their switches are missed (0):
    no file keeps an exited thread's."""
    threads = ThreadCounters()
    for _, counters in _by_thread(readings).values():
        threads = threads.plus(counters)
    rest = readings[-1].whole.minus(readings[0].whole).minus(threads)
    # The kernel scales and rounds each task's times and the process's apart (proc(5): from
    # their run time, in ticks), so the rest can be about a tick a thread either side of 0 with
    # no thread unseen (`report` says so under the table).
    rest.voluntary = rest.involuntary = 0
    return rest


@dataclass
class Measured:
    """One row's round: the requests wrk counted and what the server used meanwhile."""

    requests: int
    rps: float
    whole: ThreadCounters
    threads: int
    by_name: dict[str, ThreadCounters]
    other_cpu: float
    #: Threads that exited during the run (their switches counted to their last reading).
    exited: int = 0
    #: The process's time and faults no thread's reading holds (`unattributed`).
    unattributed: ThreadCounters = field(default_factory=ThreadCounters)

    def per_request(self, key: str) -> float:
        """Figure ``key`` of `ThreadCounters` a request."""
        return float(getattr(self.whole, key)) / max(1, self.requests)


@contextlib.contextmanager
def polling(pid: int, readings: list[Reading], seconds: float) -> Iterator[None]:
    """Read process ``pid`` into ``readings`` as the block starts, every ``seconds`` while it
    runs, and as it ends."""
    readings.append(read_process(pid))
    done = threading.Event()

    def poll() -> None:
        while not done.wait(seconds):
            try:
                readings.append(read_process(pid))
            except OSError:
                return  # the server is gone: the reading as the block ends says so

    poller = threading.Thread(target=poll, name="server-counters-poll", daemon=True)
    poller.start()
    try:
        yield
    finally:
        done.set()
        poller.join()
    readings.append(read_process(pid))


def measure(
    spec: serving.ServerSpec,
    pki: TestPKI,
    work_dir: Path,
    *,
    seconds: float,
    warmup: float,
    connections: int,
    strace: bool = False,
) -> tuple[Measured, dict[str, int]]:
    """Start ``spec``'s server as `load.py` does (`load.benchmark_server`: checked, warmed up,
    driven for ``seconds``) with its counters read around the run (and, with ``strace``, its
    system calls counted)."""
    readings: list[Reading] = []
    calls: dict[str, int] = {}

    @contextlib.contextmanager
    def counting(pid: int) -> Iterator[None]:
        output = work_dir / f"{spec.name}.strace"
        said = functools.partial(print, f"{spec.name}:", flush=True)
        traced = tracing(pid, output, calls, said) if strace else contextlib.nullcontext()
        with traced, polling(pid, readings, POLL_SECONDS):
            yield

    server_cpu, load_cpu = load.cpus_for_pinning()
    result = load.benchmark_server(
        spec,
        pki,
        Workload(128),
        work_dir,
        seconds=seconds,
        warmup=warmup,
        connections=connections,
        threads=1,
        server_cpu=server_cpu,
        load_cpu=load_cpu,
        say=lambda line: None,
        around=counting,
    )
    whole, exited = used(readings)
    measured = Measured(
        requests=result.requests,
        rps=result.rps,
        whole=whole,
        threads=len(readings[-1].threads),
        by_name=by_thread_name(readings),
        other_cpu=result.other_cpu,
        exited=exited,
        unattributed=unattributed(readings),
    )
    return measured, calls


def _paired(runs: Mapping[str, Sequence[Measured]], name: str, key: str) -> float | None:
    """The median over the rounds of row ``name``'s figure ``key`` over the floor's (a round
    whose floor figure is 0 left out: `report` says in how many)."""
    floors = runs.get("floor")
    if not floors or name == "floor":
        return None
    ratios = [
        mine.per_request(key) / floor.per_request(key)
        for mine, floor in zip(runs[name], floors, strict=False)
        if floor.per_request(key)
    ]
    # median_high: of an even number of rounds a middle one (a figure a round measured, not the
    # mean of two), and the unfavourable one: this ratio is a cost (above 1, the row spends
    # more), as report.round_by_round takes its one cost, where median_low would flatter the row.
    return statistics.median_high(ratios) if ratios else None


def report(runs: Mapping[str, Sequence[Measured]]) -> list[str]:
    """Each row's medians over its rounds, a request, then their ratios to the floor's: of an
    even number of rounds the unfavourable middle one, the higher of a cost (every figure and
    ratio here), the lower of requests/s (as `report.median_run`'s run)."""
    headings = "".join(f"{heading:>10}" for _, heading, _ in FIGURES)
    lines = [f"{'row':18}{'req/s':>8}{headings}{'threads':>9}"]
    for name, measured in runs.items():
        figures = "".join(
            f"{statistics.median_high(m.per_request(key) for m in measured) * scale:>10.3f}"
            for key, _, scale in FIGURES
        )
        rps = statistics.median_low(m.rps for m in measured)
        threads = max(m.threads for m in measured)
        lines.append(f"{name:18}{rps:>8,.0f}{figures}{threads:>9}")
    if "floor" in runs:
        lines += ["", f"{'/ floor (paired)':18}{'':>8}{headings}"]
        for name in runs:
            paired = [_paired(runs, name, key) for key, _, _ in FIGURES]
            if any(ratio is not None for ratio in paired):
                cells = "".join("—".rjust(10) if r is None else f"{r:>10.3f}" for r in paired)
                lines.append(f"{name:18}{'':>8}{cells}")
        # A round whose floor figure is 0 has no ratio: its leaving is said, not hidden in a
        # median over fewer rounds (or a —).
        floors = runs["floor"]
        for key, heading, _ in FIGURES:
            if zeros := sum(1 for floor in floors if not floor.per_request(key)):
                lines.append(
                    f"{heading}: the floor's is 0 in {zeros} of {len(floors)} rounds, "
                    "left out of its ratios"
                )
    lines += ["", "by thread name (median round), a request: user µs, sys µs, minflt, vol, invol"]
    for name, measured in runs.items():
        middle = median_run(measured)
        # None marks the unattributed rest: "" is a thread's name too (prctl lets one be empty).
        named: list[tuple[str | None, ThreadCounters]] = [*sorted(middle.by_name.items())]
        for thread, used in [*named, (None, middle.unattributed)]:
            share = [
                f"{float(getattr(used, key)) / max(1, middle.requests) * scale:9.3f}"
                for key, _, scale in FIGURES
                if key != "majflt"
            ]
            if thread is None:  # its switches are known to no file
                thread, share[-2:] = "(unattributed)", ["—".rjust(9)] * 2
            lines.append(f"  {name:16} {thread:16} " + " ".join(share))
    tick = 1000 / os.sysconf("SC_CLK_TCK")
    lines.append(
        f"(unattributed): the process's own time and faults less its threads' (a thread that "
        f"started and exited between two readings, {POLL_SECONDS:g} s apart), whose switches "
        f"are missed; up to about a tick ({tick:g} ms) a thread either side of 0 is the kernel's "
        "rounding of each thread's time apart from the process's"
    )
    return lines


def round_line(name: str, round_: int, rounds: int, measured: Measured) -> str:
    """What a counted round of row ``name`` prints once it is done."""
    line = (
        f"{name} (round {round_ + 1} of {rounds}): {measured.requests:,} requests, "
        f"{measured.rps:,.0f}/s, other processes {measured.other_cpu:.0%} of a CPU"
    )
    if measured.exited:
        threads = "1 thread" if measured.exited == 1 else f"{measured.exited} threads"
        line += (
            f"; {threads} exited during it (each counted to its last reading, "
            f"{POLL_SECONDS:g} s apart)"
        )
    return line


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line's options (``--help``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", nargs="+", default=list(DEFAULT_ROWS), choices=list(ROWS))
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (3)")
    parser.add_argument("--duration", type=float, default=5, help="seconds measured (5)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up (2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument(
        "--strace-duration", type=float, default=3, help="seconds of the strace round (3)"
    )
    parser.add_argument("--no-strace", action="store_true", help="leave out the strace round")
    args = parser.parse_args(argv)
    if not 1 <= args.rounds <= 9 or not 1 <= args.duration <= 15:
        parser.error("--rounds must be 1 to 9 and --duration 1 to 15 seconds")
    if "ask-sdk" in args.rows:
        parser.error("the ask-sdk row is load.py's alone")
    # uvicorn's workers are children of the process read: its /proc counts none of their work.
    if several := [name for name in args.rows if ROWS[name].workers > 1]:
        parser.error(f"rows of several workers are load.py's alone: {', '.join(several)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    for tool in ["wrk"] + ([] if args.no_strace else ["strace"]):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed: apt-get install {tool}", file=sys.stderr)
            return 2
    loop, parser = load.event_loop_and_parser()
    print(f"wrk: {args.connections} connections, {args.warmup:g} s warm-up, {args.duration:g} s")
    runs: dict[str, list[Measured]] = {name: [] for name in args.rows}
    calls: dict[str, tuple[int, dict[str, int]]] = {}
    where = ["before the first round"]  # what Ctrl-C cut short (endings.said_in_one_line)

    def cut_short() -> str:
        return no_table(where[0], runs, "round")

    def counted() -> int:
        with tempfile.TemporaryDirectory(prefix="alexaskill-counters-") as tmp:
            work_dir = Path(tmp)
            pki = TestPKI()
            pki_dir = save_pki(pki, work_dir / "pki")
            specs = load.server_specs(args.rows, pki_dir, loop, parser, None)
            # The counted rounds and the strace round differ in their length (and strace) alone.
            measure_row = functools.partial(
                measure, pki=pki, work_dir=work_dir, warmup=args.warmup,
                connections=args.connections,
            )  # fmt: skip
            for round_ in range(args.rounds):
                # Every other round in reverse, as load.py runs them: no row always first.
                for spec in specs if round_ % 2 == 0 else specs[::-1]:
                    where[0] = f"in {spec.name}'s round {round_ + 1} of {args.rounds}"
                    measured, _ = measure_row(spec, seconds=args.duration)
                    runs[spec.name].append(measured)
                    print(round_line(spec.name, round_, args.rounds, measured), flush=True)
                    where[0] = f"after {spec.name}'s round {round_ + 1} of {args.rounds}"
            if not args.no_strace:
                for spec in specs:
                    where[0] = f"in {spec.name}'s strace round"
                    measured, found = measure_row(spec, seconds=args.strace_duration, strace=True)
                    calls[spec.name] = (measured.requests, found)
                where[0] = "after the strace round"
        print()
        print("\n".join(report(runs)))
        if calls:
            print("\nsystem calls a request (strace -c -f, a round of its own)")
            print("\n".join(strace_report(calls)))
        return 0

    return said_in_one_line(counted, cut_short)


if __name__ == "__main__":
    raise SystemExit(main())
