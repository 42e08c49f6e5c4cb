"""What `load.py` prints of its runs: the median run of each row, the rounds' ratios paired
with those of the row each is read against, the Markdown table with each ratio against its
target, and the versions and machine the figures come from (no server is started here)."""

from __future__ import annotations

import contextlib
import importlib.metadata
import platform
import statistics
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Final, Protocol, TypeVar

from benchmarks.rows import BEFORE, row
from benchmarks.wrk import LoadResult

#: The alexaskill row the ASK SDK is compared with, and its ratio over the SDK must exceed this.
SDK_ROW: Final = "async"
SDK_TARGET: Final = 35.0
#: Server CPU per request of the two-worker row over the one-worker row's: at most this.
WORKERS_TARGET: Final = 1.10


def top_functions(profile: Path, count: int = 12) -> tuple[float | None, list[tuple[float, str]]]:
    """The share of a py-spy raw profile's samples on the event loop's thread, and the functions
    most of that thread's samples were in (inclusive), as (share of them, name); the thread's
    common trunk (the server's start, the loop's run) left out. A profile with no stack through
    an event loop (the ASK SDK's gunicorn) is ranked whole, its share None."""
    stacks: list[tuple[list[str], int]] = []
    for line in profile.read_text().splitlines():
        stack, _, number = line.rpartition(" ")
        if stack and number.isdigit():
            frames = [_short(frame) for frame in stack.split(";")]
            stacks.append((frames, int(number)))
    # The loop's thread alone: py-spy counts an idle thread as busy (the worker pool's waiting
    # for a job, alexaskill.stalls' asleep), and those would top a def row's summary
    # (benchmarks/README.md, "The request path's time under py-spy").
    looped = [(frames, samples) for frames, samples in stacks if any(map(_runs_loop, frames))]
    share = None
    if looped:
        share = sum(n for _, n in looped) / sum(n for _, n in stacks)
        stacks = looped
    inclusive: dict[str, int] = {}
    for frames, samples in stacks:
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + samples
    total = sum(samples for _, samples in stacks)
    if not total:
        return share, []
    # A frame in every sample of its stack's root is the trunk (uvicorn's start and its loop,
    # a worker thread's wait for jobs): it says nothing of where a request's time goes.
    trunk = {
        frame
        for frames, _ in stacks
        for frame in frames
        if inclusive[frame] == inclusive[frames[0]]
    }
    ranked = sorted((n, f) for f, n in inclusive.items() if f not in trunk)
    return share, [(n / total, frame) for n, frame in reversed(ranked[-count:])]


def _runs_loop(frame: str) -> bool:
    """Whether a `_short` frame is asyncio's ``run`` or ``Runner.run`` (``runners.py``), as
    py-spy names them: the event loop's thread (uvicorn's on Python 3.11 runs its loop, uvloop's
    too, in an ``asyncio.Runner``)."""
    name, _, where = frame.partition(" (")
    return where == "runners.py)" and name.rsplit(".", 1)[-1] == "run"


def _short(frame: str) -> str:
    """``func (path/to/file.py:12)`` as ``func (file.py)``."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.split(':')[0].rsplit('/', 1)[-1]})"


def versions() -> dict[str, str]:
    """Versions of what the numbers depend on."""
    found = {"python": platform.python_version()}
    for package in ("alexaskill", "starlette", "uvicorn", "msgspec", "cryptography", "h11"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            found[package] = importlib.metadata.version(package)
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    found["wrk"] = (wrk.stdout or wrk.stderr).split(" [")[0].removeprefix("wrk ").strip()
    return found


def cpu_model() -> str:
    """The CPU model from /proc/cpuinfo."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


class Run(Protocol):
    """A run of a row: `LoadResult`, or `server_counters.Measured`."""

    @property
    def rps(self) -> float:
        """Requests a second the run served."""
        ...


RunT = TypeVar("RunT", bound=Run)


def median_run(results: Sequence[RunT]) -> RunT:
    """The run with the median requests/s (the lower middle one of an even number)."""
    ordered = sorted(results, key=lambda result: result.rps)
    return ordered[(len(ordered) - 1) // 2]


#: What `paired_ratios` reads of two runs of one round, ``name``'s and ``reference``'s.
Measure = Callable[[LoadResult, LoadResult], float]


def by_requests(ours: LoadResult, theirs: LoadResult) -> float:
    """requests/s of ``ours`` over ``theirs``'s."""
    return ours.rps / theirs.rps


def by_server_cpu(ours: LoadResult, theirs: LoadResult) -> float:
    """Server CPU a request of ``theirs`` over ``ours``'s (as requests/s: above 1, ``ours`` is
    the cheaper)."""
    return theirs.cpu_us / ours.cpu_us


def paired_ratios(
    runs: Mapping[str, Sequence[LoadResult]],
    name: str,
    reference: str,
    measure: Measure = by_requests,
) -> list[float]:
    """``measure`` of ``name``'s run over ``reference``'s, round by round (both ran in each)."""
    pairs = zip(runs.get(name, ()), runs.get(reference, ()), strict=False)
    return [measure(ours, theirs) for ours, theirs in pairs]


#: Ratios by (row, reference row): requests/s, or server CPU a request.
Ratios = Mapping[tuple[str, str], float]


def against_floor(name: str) -> bool:
    """Whether row ``name`` is read against the floor: not bare or the floor itself, not the
    ASK SDK (read as `SDK_ROW`'s reference), not a row of several workers (unpinned: read by
    server CPU a request against its one-worker row), not an ``@before`` twin (read against
    its row)."""
    return (
        name not in ("bare", "floor", "ask-sdk")
        and not name.endswith(BEFORE)
        and row(name).one_worker is None
    )


def round_by_round(
    runs: Mapping[str, Sequence[LoadResult]],
) -> tuple[list[str], dict[tuple[str, str], float], dict[tuple[str, str], float]]:
    """Each row's ratios to what it is read against, from the rounds paired: a line a pair
    listing each round's, and the medians of the rounds' own ratios of requests/s and of server
    CPU a request (of an even number the unfavourable middle one: the lower of a ratio read as
    requests/s, the higher of the several-worker row's cost).

    A row to the floor (`against_floor`) and to its ``@before`` twin, `SDK_ROW` to the ASK SDK,
    by requests/s and by server CPU a request; a row of several workers to its one-worker row by
    server CPU a request alone (unpinned, its requests/s cannot show scaling), keyed (one-worker
    row, row) and printed as the table's target reads it (row over one-worker row); every row's
    share of bare by requests/s, keyed (row, ``"bare"``), for the table's column (no line).

    Paired, not median over median: a row's median round and the floor's may be different
    rounds, minutes apart on a machine whose speed drifts (perf20's ``def-docker`` read 1.005 of
    the floor that way, its rounds 0.931, 0.741, 1.058).
    """
    lines: list[str] = []
    ratios: dict[tuple[str, str], float] = {}
    by_cpu: dict[tuple[str, str], float] = {}

    def listed(paired: list[float], median: float) -> str:
        return f"round by round: {', '.join(f'{r:.3f}' for r in paired)}; median {median:.3f}"

    for name in runs:
        pairs = [(name, "floor")] if against_floor(name) else []
        pairs.append((name, name + BEFORE))
        if name == "ask-sdk":
            pairs.append((SDK_ROW, name))
        for ours, reference in pairs:
            paired = paired_ratios(runs, ours, reference)
            if not paired:
                continue
            # median_low: of an even number of rounds the lower middle one, as `median_run`
            # keeps the lower middle run for the table; a mean of the two middle ones is a
            # figure no round measured.
            ratios[ours, reference] = statistics.median_low(paired)
            by_cpu[ours, reference] = statistics.median_low(
                paired_ratios(runs, ours, reference, by_server_cpu)
            )
            lines.append(f"{ours} / {reference}, {listed(paired, ratios[ours, reference])}")
        # The table's share of bare, paired like the rest (no line: every row has one).
        if name != "bare" and (shares := paired_ratios(runs, name, "bare")):
            ratios[name, "bare"] = statistics.median_low(shares)
        one_worker = row(name).one_worker
        cpu = paired_ratios(runs, one_worker, name, by_server_cpu) if one_worker else []
        if one_worker and cpu:
            # median_high: this ratio is a cost (lower is better), so of an even number of
            # rounds the higher middle one is the unfavourable round median_low gives the rest.
            by_cpu[one_worker, name] = median = statistics.median_high(cpu)
            lines.append(f"{name} / {one_worker}, server CPU per request, {listed(cpu, median)}")
    return lines, ratios, by_cpu


def table(
    results: Mapping[str, LoadResult],
    ratios: Ratios | None = None,
    by_cpu: Ratios | None = None,
) -> str:
    """The results as a Markdown table, then each row's ratios to what it is read against
    (`round_by_round`'s pairs): to the floor (against its target, if it has one), to its
    ``@before`` twin, a row of several workers to its one-worker row, `SDK_ROW` to the SDK.

    ``ratios`` and ``by_cpu`` map (row, reference row) to a ratio of requests/s and of server
    CPU a request that replaces the one computed from ``results`` (`round_by_round`'s: the
    median of the rounds' own ratios is steadier than the ratio of two medians).
    """
    ratios = ratios or {}
    by_cpu = by_cpu or {}
    bare = results.get("bare")
    lines = [
        "| server | requests/s | p50 ms | p99 ms | share of bare | server CPU µs/req "
        "| server CPU | wrk CPU | other | RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def ratio(name: str, reference: str) -> float:
        computed = by_requests(results[name], results[reference])
        return ratios.get((name, reference), computed)

    for name, result in results.items():
        share = f"{ratio(name, 'bare'):.3f}" if bare else "n/a"
        lines.append(
            f"| {row(name).title} | {result.rps:,.0f} | {result.p50_ms:.2f} "
            f"| {result.p99_ms:.2f} | {share} | {result.cpu_us:.0f} | {result.server_cpu:.0%} "
            f"| {result.wrk_cpu:.0%} | {result.other_cpu:.0%} | {result.rss_mb:.0f} |"
        )
    lines.append("")

    def cpu_ratio(name: str, reference: str) -> float:
        computed = by_server_cpu(results[name], results[reference])
        return by_cpu.get((name, reference), computed)

    floor = results.get("floor")
    for name in results:
        spec = row(name)
        if floor is not None and against_floor(name):
            value = ratio(name, "floor")
            against = ""
            if spec.target is not None:
                verdict = "OK" if value >= spec.target else "BELOW TARGET"
                against = f" (target >= {spec.target:.2f}) {verdict}"
            lines.append(
                f"{name} / floor: {value:.3f}{against}; "
                f"by server CPU per request {cpu_ratio(name, 'floor'):.3f}"
            )
        if spec.one_worker is not None and spec.one_worker in results:
            value = cpu_ratio(spec.one_worker, name)
            verdict = "OK" if value <= WORKERS_TARGET else "ABOVE TARGET"
            lines.append(
                f"{name} / {spec.one_worker}, server CPU per request: {value:.3f} "
                f"(target <= {WORKERS_TARGET:.2f}) {verdict}"
            )
        twin = name + BEFORE
        if twin in results:
            lines.append(
                f"{name} / {twin}: {ratio(name, twin):.3f}; "
                f"by server CPU per request {cpu_ratio(name, twin):.3f}"
            )
    sdk, ours = results.get("ask-sdk"), results.get(SDK_ROW)
    if sdk and ours:
        sdk_ratio = ratio(SDK_ROW, "ask-sdk")
        verdict = "OK" if sdk_ratio > SDK_TARGET else "BELOW TARGET"
        lines.append(f"{SDK_ROW} / ASK SDK: {sdk_ratio:.1f}x (target > {SDK_TARGET:g}x) {verdict}")
    return "\n".join(lines).rstrip()


def describe_checkout(directory: Path | None) -> str:
    """``directory`` and the commit checked out there, if git can tell."""
    if directory is None:
        return "?"
    try:
        found = subprocess.run(
            ["git", "-C", str(directory), "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return str(directory)
    return f"{directory} at {found.stdout.strip()[:72]}"
