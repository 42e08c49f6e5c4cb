"""Load benchmark: verified requests per second of alexaskill against reference servers, one run.

From the repository root, with alexaskill installed (``pip install -e .``) or ``PYTHONPATH=.``::

    python benchmarks/load.py                    # bare, floor and the four alexaskill rows
    python benchmarks/load.py --duration 5 --servers floor def-info
    python benchmarks/load.py --ask-sdk /tmp/venv-asksdk   # adds Amazon's SDK (see README)
    python benchmarks/load.py --compare-with /tmp/before   # each alexaskill row, before and now

What one invocation does, for each server in turn: make a throwaway signing PKI (`TestPKI`) and
write its public half for the server; start the server (uvicorn, one worker, access log off,
at ``--log-level=warning``, the same ``--loop`` and ``--http`` for all, but for the rows that
take the Docker image's options, ``def-serve`` (``alexaskill serve`` with its defaults), the
SDK (gunicorn) and ``def-info-2w`` (two workers); pinned to CPU 1 with ``taskset`` when there
are two CPUs, the load generator on CPU 0, but for the rows of several workers); check it
answers correctly (a signed launch and a signed intent answer 200 with speech, a tampered body
gets 400); sign a pool of fresh ~2.8 KB envelopes (timestamps expire after 150 s); warm up;
drive it with ``wrk`` (32 connections, a Lua script cycling through the pre-signed requests)
for a fixed time; stop it. Then print
requests/s, p50 and p99 latency, the CPU each side used, the share of the bare Starlette row and
each row's ratio to what it is read against: the verify + parse floor (against its target,
`rows.ROWS`, if it has one), its ``@before`` twin, the one-worker row by server CPU a request for
a row of several workers, the SDK for ``async``; with ``--rounds``, each round's ratio and their
median (`report.round_by_round`).

Servers (``benchmarks/servers``): ``bare`` (Starlette, no work), ``floor`` (Starlette + one RSA
verify + ``json.loads``); the weather skill, verification on, with ``async def`` handlers
(``async``, the example as shipped), with plain ``def`` handlers (``def``), and with those and the
INFO request line, plain (``def-info``: what the Docker image runs) or JSON (``def-json``);
``def-info-docker``, ``def-info`` with the Docker image's uvicorn options, which are also
``alexaskill serve``'s (alexaskill's bounded HTTP protocol, ``--limit-concurrency 1000``,
``--proxy-headers``…); ``def-serve``, ``alexaskill serve`` itself with all its defaults, serving a
skill that sets up no logging (the README's quick start); ``async-docker``, ``async`` (no request
line) with the Docker image's options: the ``async`` row on alexaskill's protocol instead of
uvicorn's (no target of its own: it shows what the server's protocol is worth); ``def-docker``,
``def-info-docker`` without its request line (what the line costs on that protocol);
``def-info-2w``, the same as ``def-info`` with ``--workers 2`` (not pinned: compare its CPU per
request); ``async-no-deadline`` and ``def-no-deadline``, ``async`` and ``def`` with
``Skill(deadline=None)`` (what the default deadline costs when it is not reached); and, with
``--ask-sdk``, ``ask-sdk`` (Amazon's ASK SDK + flask-ask-sdk under gunicorn, one sync worker).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from alexaskill.testing import TestPKI
from benchmarks.endings import no_table, said_in_one_line
from benchmarks.envelopes import SignedRequest, Workload, encode, tamper
from benchmarks.profiling import sampling
from benchmarks.report import (
    cpu_model,
    describe_checkout,
    median_run,
    round_by_round,
    table,
    top_functions,
    versions,
)
from benchmarks.rows import ALEXASKILL_ROWS, BEFORE, DEFAULT_ROWS, ROWS, row
from benchmarks.servers import save_pki
from benchmarks.serving import (
    ROOT,
    ServerSpec,
    free_port,
    how_started,
    localhost_tls,
    log_tail,
    running,
    unchecked_tls,
)

# How rows start is serving.py's; server_counters.py takes these two through load (``as``:
# re-exported, for mypy's strict mode) so that its tests put stand-ins for them in one place.
from benchmarks.serving import event_loop_and_parser as event_loop_and_parser
from benchmarks.serving import server_specs as server_specs
from benchmarks.wrk import BenchmarkError, LoadResult, run_wrk, write_pool

#: Above this share of a CPU used by other processes during a run, its numbers are suspect.
NOISY: Final = 0.10


#: Answers (status, body) to one POST of ``body`` with ``headers``.
Post = Callable[[bytes, Mapping[str, str]], tuple[int, bytes]]


# --- correctness --------------------------------------------------------------------------------


def speech_of(payload: bytes) -> str | None:
    """The output speech of a response envelope (text or SSML), or None."""
    try:
        data = json.loads(payload)
        speech = data["response"]["outputSpeech"]
        text = speech.get("text") or speech.get("ssml")
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return text if isinstance(text, str) and text else None


def check_correctness(
    post: Post, requests: Sequence[SignedRequest], *, verifies: bool
) -> list[str]:
    """Check a server before loading it; return what was checked, raise `BenchmarkError` if wrong.

    A signed launch and a signed intent must answer 200 with speech; when the server ``verifies``,
    the launch's body with one character changed (same headers) must get 400.
    """
    done = []
    for kind in ("launch", "intent"):
        sample = next(r for r in requests if r.kind == kind)
        status, payload = post(sample.body, sample.headers)
        if status != 200 or speech_of(payload) is None:
            raise BenchmarkError(f"signed {kind}: HTTP {status} {payload[:200]!r}, expected speech")
        done.append(f"signed {kind}: 200, speech {speech_of(payload)!r}")
    if verifies:
        launch = next(r for r in requests if r.kind == "launch")
        status, payload = post(tamper(launch.body), launch.headers)
        if status != 400:
            raise BenchmarkError(f"tampered body: HTTP {status} {payload[:200]!r}, expected 400")
        done.append("tampered body: 400")
    return done


def http_post(port: int, *, tls: bool = False) -> Post:
    """A `Post` over one HTTP/1.1 connection to 127.0.0.1:``port`` (HTTPS with ``tls``, the
    certificate unchecked: `serving.localhost_tls`'s)."""

    def post(body: bytes, headers: Mapping[str, str]) -> tuple[int, bytes]:
        connection = (
            http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=unchecked_tls())
            if tls
            else http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        )
        try:
            connection.request("POST", "/", body=body, headers=dict(headers))
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    return post


# --- one invocation -----------------------------------------------------------------------------


def cpus_for_pinning() -> tuple[int | None, int | None]:
    """(server CPU, load generator CPU): 1 and 0 with taskset and two CPUs, else no pinning."""
    available = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    if shutil.which("taskset") and {0, 1} <= available:
        return 1, 0
    return None, None


def benchmark_server(
    spec: ServerSpec,
    pki: TestPKI,
    workload: Workload,
    work_dir: Path,
    *,
    seconds: float,
    warmup: float,
    connections: int,
    threads: int,
    server_cpu: int | None,
    load_cpu: int | None,
    say: Callable[[str], None] = print,
    profile: Path | None = None,
    profile_rate: int = 250,
    profile_gil: bool = False,
    tls: bool = False,
    around: Callable[[int], contextlib.AbstractContextManager[object]] | None = None,
) -> LoadResult:
    """Start one server, check it, load it, stop it.

    With ``profile`` (a file), py-spy samples the server during the measured run and writes
    its stacks there (py-spy's raw format: one line a stack, frames by ``;``, then a count),
    ``profile_rate`` times a second, only the thread holding the GIL if ``profile_gil``.
    ``around(pid)`` is entered just before the measured run and left just after it
    (`server_counters.py` reads the server's /proc there).
    """
    port = free_port()
    log = work_dir / f"{spec.name}.log"
    with running(spec, port, server_cpu, log, tls=tls) as pid:
        requests = workload.signed(pki)
        post = http_post(port, tls=tls)
        for line in check_correctness(post, requests, verifies=spec.verifies):
            say(f"  {line}")
        # Signed now: the measured run ends well within the 150 s timestamp tolerance.
        requests = workload.signed(pki)
        pool = write_pool(work_dir / f"{spec.name}.pool", requests, port)

        def load(duration: float) -> LoadResult:
            return run_wrk(
                port,
                pool,
                seconds=duration,
                connections=connections,
                threads=threads,
                cpu=load_cpu,
                server_pid=pid,
                tls=tls,
            )

        if warmup > 0:
            load(warmup)
        profiling = sampling(pid, seconds, profile, profile_rate, profile_gil)
        with profiling, around(pid) if around else contextlib.nullcontext():
            result = load(seconds)
    if result.errors or result.status_errors:
        raise BenchmarkError(
            f"{spec.name}: {result.status_errors} non-2xx answers and {result.errors} socket "
            f"errors under load; see {log}:\n{log_tail(log)}"
        )
    return result


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=10, help="seconds per run (10)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up (2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument("--pool", type=int, default=512, help="pre-signed requests (512)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run every server this many times, interleaved, and keep each one's median (1)",
    )
    parser.add_argument(
        "--servers",
        nargs="+",
        choices=list(ROWS),
        default=None,
        help=f"rows to run (default: {' '.join(DEFAULT_ROWS)}, and ask-sdk with --ask-sdk)",
    )
    parser.add_argument(
        "--ask-sdk",
        type=Path,
        default=None,
        metavar="VENV",
        help="a venv with ask-sdk-core, flask-ask-sdk and gunicorn: adds the ASK SDK row",
    )
    parser.add_argument(
        "--minimal-pki",
        action="store_true",
        help="a two-certificate chain (leaf, intermediate) instead of one shaped like Amazon's "
        "four-certificate file, and the test root alone as the ASK SDK's trust store instead of "
        "a bundle of certifi's size: the set-up most favourable to the SDK",
    )
    parser.add_argument(
        "--compare-with",
        type=Path,
        default=None,
        metavar="DIR",
        help="a checkout of another commit (git worktree add DIR COMMIT): adds a twin of each "
        "alexaskill row, ROW@before, served with that checkout's alexaskill, for before/after "
        "ratios measured in one run",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        metavar="DIR",
        help="sample each server with py-spy during its measured run and write DIR/ROW.txt "
        "(the figures of such a run are lower than an unsampled run's: for finding where the "
        "time goes, not for the table)",
    )
    parser.add_argument(
        "--profile-rate",
        type=int,
        default=None,
        metavar="N",
        help="--profile's samples a second (250: enough to rank functions, little enough to "
        "leave the run's figures roughly as they were)",
    )
    parser.add_argument(
        "--profile-gil",
        action="store_true",
        help="--profile samples only the thread holding the GIL (py-spy --gil)",
    )
    parser.add_argument(
        "--tls",
        action="store_true",
        help="uvicorn terminates TLS (a self-signed certificate; wrk's TLS on its CPU): how a "
        "skill serves on port 443 without a proxy in front",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    if args.duration > 15 or args.duration < 1:
        parser.error("--duration must be between 1 and 15 seconds (runs are kept short)")
    if not 1 <= args.rounds <= 5:
        parser.error("--rounds must be between 1 and 5")
    # Without --profile nothing samples: an option of it asked for alone is said, not ignored
    # (--profile-rate's default is None until here so that asking for 250 is seen too).
    if args.profile is None and (args.profile_gil or args.profile_rate is not None):
        given = "--profile-gil" if args.profile_gil else "--profile-rate"
        parser.error(f"{given} goes with --profile DIR")
    if args.profile_rate is None:
        args.profile_rate = 250
    if args.profile_rate < 1:
        parser.error("--profile-rate must be at least 1")
    if args.servers is None:
        args.servers = [*DEFAULT_ROWS] + (["ask-sdk"] if args.ask_sdk else [])
    if args.compare_with:
        args.servers += [name + BEFORE for name in args.servers if name in ALEXASKILL_ROWS]
    return args


def profile_of(directory: Path | None, name: str, round_: int) -> Path | None:
    """Where --profile writes the stacks of row ``name`` in round ``round_`` (0-based)."""
    if directory is None:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    return directory / (f"{name}.txt" if round_ == 0 else f"{name}.{round_ + 1}.txt")


def print_run(result: LoadResult, profiled: Path | None) -> None:
    """What `main` prints of a run that finished: its figures, its profile's summary (if
    ``profiled``), and a warning if other processes used the machine meanwhile."""
    print(
        f"  {result.rps:,.0f} requests/s, p50 {result.p50_ms:.2f} ms, "
        f"p99 {result.p99_ms:.2f} ms, {result.cpu_us:.0f} µs of server CPU per "
        f"request (server CPU {result.server_cpu:.0%}, wrk CPU {result.wrk_cpu:.0%}, "
        f"other processes {result.other_cpu:.0%}), {result.rss_mb:.0f} MiB resident"
    )
    if profiled is not None:
        on_loop, ranked = top_functions(profiled)
        whose = "" if on_loop is None else f" of the loop's thread ({on_loop:.0%})"
        print(f"  profile: {profiled}; most samples{whose} in (inclusive):")
        for share, name in ranked:
            print(f"    {share:6.1%}  {name}")
    if result.other_cpu > NOISY:
        print(
            f"  WARNING: other processes used {result.other_cpu:.0%} of a CPU during "
            "the run: its numbers are not reliable; run again on a quiet machine"
        )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk (Debian)", file=sys.stderr)
        return 2
    loop, parser = event_loop_and_parser()
    server_cpu, load_cpu = cpus_for_pinning()
    found = versions()
    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in found.items()))
    pinning = (
        f"server on CPU {server_cpu}, wrk on CPU {load_cpu}"
        if server_cpu is not None
        else "no pinning (taskset or a second CPU missing)"
    )
    print(
        f"load: wrk, {args.connections} connections, {args.threads} thread(s), "
        f"{args.warmup:g} s warm-up + {args.duration:g} s per server"
    )
    runs: dict[str, list[LoadResult]] = {name: [] for name in args.servers}
    # What Ctrl-C cut short, said in one line (endings.said_in_one_line, endings.no_table): as
    # the keys are made (the test PKI's RSA keys take a while), before the first run, in a run
    # or after it (its profile's summary, the table).
    where = ["as the keys were made"]

    def cut_short() -> str:
        return no_table(where[0], runs, "run")

    def measured() -> int:
        pki = TestPKI()
        # (from here on: the pool, the lines that say it and the checkouts, the servers' specs)
        where[0] = "before the first run"
        workload = Workload(args.pool)
        sizes = [len(encode(e)) for e in workload.envelopes]
        print(
            f"pool: {args.pool} envelopes, 20% LaunchRequest / 80% IntentRequest, "
            f"~{sum(sizes) / len(sizes):,.0f} bytes each, signed with SHA-256 and SHA-1 headers"
        )
        print(
            "PKI (--minimal-pki): a chain of leaf and intermediate; the ASK SDK trusts the test "
            "root alone"
            if args.minimal_pki
            else "PKI: a chain shaped like Amazon's (leaf, intermediate, two cross-signed CAs, the "
            "top one trusted); the ASK SDK's trust store is certifi's bundle plus the test root"
        )
        if args.compare_with:
            print(f"{BEFORE} rows: alexaskill from {describe_checkout(args.compare_with)}")
            print(f"other rows: {describe_checkout(ROOT)}")
        with tempfile.TemporaryDirectory(prefix="alexaskill-bench-") as tmp:
            work_dir = Path(tmp)
            pki_dir = save_pki(pki, work_dir / "pki", amazon_shape=not args.minimal_pki)
            specs = server_specs(
                args.servers,
                pki_dir,
                loop,
                parser,
                args.ask_sdk,
                minimal_pki=args.minimal_pki,
                before=args.compare_with,
                work_dir=work_dir,
                tls=localhost_tls(work_dir / "tls") if args.tls else None,
            )
            print("\n".join(how_started(specs, loop, parser, pinning)))
            for round_ in range(args.rounds):
                # Every other round runs the servers in reverse order, so that a drift of the
                # machine during a round (or an advantage of running first or last) does not
                # favour a row.
                for spec in specs if round_ % 2 == 0 else specs[::-1]:
                    label = f" (round {round_ + 1} of {args.rounds})" if args.rounds > 1 else ""
                    print(f"\n{spec.name}: {row(spec.name).title}{label}")
                    where[0] = f"in {spec.name}'s run{label}"
                    result = benchmark_server(
                        spec,
                        pki,
                        workload,
                        work_dir,
                        seconds=args.duration,
                        warmup=args.warmup,
                        connections=args.connections,
                        threads=args.threads,
                        server_cpu=server_cpu,
                        load_cpu=load_cpu,
                        profile=profile_of(args.profile, spec.name, round_),
                        profile_rate=args.profile_rate,
                        profile_gil=args.profile_gil,
                        tls=args.tls,
                    )
                    where[0] = f"after {spec.name}'s run{label}"
                    runs[spec.name].append(result)
                    print_run(result, profile_of(args.profile, spec.name, round_))
        results = {name: median_run(found_runs) for name, found_runs in runs.items()}
        lines, ratios, by_cpu = round_by_round(runs)
        if args.rounds > 1:
            middle = ", the lower middle one" if args.rounds % 2 == 0 else ""
            print(f"\n(each row: the round with the median requests/s of {args.rounds}{middle})")
            print("\n".join(lines))
        print()
        print(table(results, ratios, by_cpu))
        if args.json is not None:
            payload: dict[str, Any] = {
                "versions": found,
                "cpu": cpu_model(),
                "loop": loop,
                "http": parser,
                "results": {name: {**vars(r), "rps": r.rps} for name, r in results.items()},
                "runs": {
                    name: [{**vars(r), "rps": r.rps} for r in rs] for name, rs in runs.items()
                },
            }
            args.json.write_text(json.dumps(payload, indent=2) + "\n")
        return 0

    return said_in_one_line(measured, cut_short, indent="  ")


if __name__ == "__main__":
    sys.exit(main())
