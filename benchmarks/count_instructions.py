"""Instructions per request of each load-benchmark app, counted by valgrind: noise-free ratios.

On a shared machine requests/s move by tens of percent from one minute to the next; the number of
CPU instructions an app executes per request does not. This script serves the apps of
`benchmarks.load` in-process (no server, no sockets: what uvicorn and the kernel cost is the same
for every row and is left out) under ``valgrind --tool=callgrind``, and reads the instructions
each row executed over ``--requests`` requests from the pre-signed load mix. The counts come out
within a fraction of a percent from run to run, busy machine or not.

Instructions are not time: the RSA verify runs at several instructions a cycle, Python code at
fewer, and a busy server adds cache misses. Use these counts to see what a change saves and the
load benchmark (`load.py`) for what it is worth in requests/s. ``def`` rows run their handler in a
worker thread; valgrind runs one thread at a time, so their hop is counted, not its waits.

Run from the repository root, with valgrind (``apt-get install valgrind``)::

    python benchmarks/count_instructions.py                      # about 5 minutes
    python benchmarks/count_instructions.py --compare-with /tmp/before   # each row, before too

Inside valgrind the script is its own child (``--child``): each row's requests are bracketed by
calls to ``os.getppid()``, where callgrind is told to dump its counters (``--dump-before``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parent.parent
#: The rows counted, as in `benchmarks.load` (the same server modules and log settings).
#: ``ssml``: the async row's answers in SSML (every other row's speech is plain text).
ROWS: Final = ("bare", "floor", "async", "def", "def-info", "def-json", "ssml")
#: The alexaskill rows, which --compare-with counts again with the other checkout's alexaskill.
OURS: Final = ("async", "def", "def-info", "def-json", "ssml")
WARMUP: Final = 64

ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def child(work_dir: Path, rows: Sequence[str], requests: int) -> None:
    """Serve ``rows`` in-process, a dump of callgrind's counters after each (under valgrind).

    The packages come from ``PYTHONPATH``: this checkout, or `serving.before_path`'s links.
    """
    from benchmarks.envelopes import SignedRequest
    from benchmarks.profile_hot_path import asgi_scope
    from benchmarks.rows import row

    saved = json.loads((work_dir / "requests.json").read_text())
    signed = [
        SignedRequest(r["kind"], r["body"].encode("latin-1"), r["headers"])
        for r in saved["requests"]
    ]
    # Under valgrind the rows take minutes, longer than a timestamp stays valid (150 s): the
    # verifiers' clock stays at the time of signing (the same function call as the real clock).
    import importlib

    try:
        clock = importlib.import_module("alexaskill.verify.verifier")
    except ImportError:  # a checkout from before verify.py became a package (--compare-with)
        clock = importlib.import_module("alexaskill.verify")
    signed_at = datetime.fromisoformat(saved["signed_at"])
    clock._utcnow = lambda: signed_at  # type: ignore[attr-defined]
    # A def handler runs on the loop once 8 calls took under 2 ms each (alexaskill.pace): under
    # valgrind, ~50 times slower, whether they do would be a matter of chance. They are counted
    # as a server runs them once they proved quick, on the loop (a checkout from before pace:
    # in worker threads, as it ran them all).
    try:
        pace = importlib.import_module("alexaskill.pace")
    except ImportError:
        pass
    else:
        setattr(pace, "QUICK_SECONDS", 60.0)  # noqa: B010 - a module, not a typed object
    # Work done by the clock, not by a request: the deadline's watchdog ticks every 50 ms while
    # requests are in flight, the stall thread looks every 0.25 s. Under valgrind a request
    # takes 100 ms or more, more on a busy machine, so their share of a request varied with the
    # machine's load (4,000-8,000 instructions between runs of one tree on a busy host, perf15).
    # Neither runs inside these rows now (a timer an hour away); what they cost is not a
    # request's.
    deadline = importlib.import_module("alexaskill.deadline")
    setattr(deadline, "RESOLUTION", 3600.0)  # noqa: B010 - a module, not a typed object
    try:
        stalls = importlib.import_module("alexaskill.stalls")
    except ImportError:  # a checkout from before the stall thread (--compare-with)
        pass
    else:
        setattr(stalls, "LOOK_EVERY", 3600.0)  # noqa: B010
    scopes = [asgi_scope(r) for r in signed]
    messages = [{"type": "http.request", "body": r.body, "more_body": False} for r in signed]
    statuses: list[int] = []
    log = (work_dir / "log.txt").open("w")

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    from alexaskill.logs import configure_logging

    def configure(name: str) -> None:
        # The row's request log (logging is global: set before each row's requests).
        env = row(name).env
        level = env.get("ALEXASKILL_LOG_LEVEL", "WARNING")
        configure_logging(level, json="ALEXASKILL_LOG_JSON" in env, stream=log)

    loop = asyncio.new_event_loop()

    async def serve(app: ASGIApp, count: int) -> None:
        for index in range(count):
            message = messages[index % len(messages)]

            async def receive(message: dict[str, Any] = message) -> dict[str, Any]:
                return message

            await app(dict(scopes[index % len(scopes)]), receive, send)

    apps = {name: app_for(name, work_dir / "pki") for name in rows}
    for name, app in apps.items():
        configure(name)
        loop.run_until_complete(serve(app, WARMUP))
    configure(rows[0])
    os.getppid()  # dump: the set-up
    for position, app in enumerate(apps.values()):
        loop.run_until_complete(serve(app, requests))
        if position + 1 < len(rows):
            configure(rows[position + 1])  # counted with this row: once, not per request
        os.getppid()  # dump: this row
    loop.close()
    if set(statuses) != {200}:
        raise SystemExit(f"answers other than 200: {sorted(set(statuses))} (timestamps expired?)")


def app_for(name: str, pki_dir: Path) -> ASGIApp:
    """Row ``name``'s app, as its server module makes it, trusting the PKI in ``pki_dir``."""
    import importlib

    from benchmarks.rows import row

    module = row(name).module
    if module is None:
        raise SystemExit(f"{name} is not served by a module of benchmarks.servers")
    factory = importlib.import_module(f"benchmarks.servers.{module}").create_app
    app: ASGIApp = factory() if module == "bare" else factory(pki_dir)
    return app


def count(
    rows: Sequence[str], requests: int, pki_dir: Path, work_dir: Path, pythonpath: str
) -> dict[str, float]:
    """Instructions per request of each row, from one valgrind run."""
    from alexaskill.testing import TestPKI
    from benchmarks.envelopes import Workload
    from benchmarks.servers import save_pki

    pki = TestPKI()
    save_pki(pki, pki_dir, amazon_shape=False)
    signed = Workload(32).signed(pki)
    payload = {
        "signed_at": datetime.now(UTC).isoformat(),
        "requests": [
            {"kind": r.kind, "body": r.body.decode("latin-1"), "headers": r.headers} for r in signed
        ],
    }
    (work_dir / "requests.json").write_text(json.dumps(payload))
    out = work_dir / "callgrind.out"
    for old in work_dir.glob("callgrind.out*"):
        old.unlink()
    command = [
        "valgrind",
        "--tool=callgrind",
        "--dump-before=getppid",
        f"--callgrind-out-file={out}",
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        str(work_dir),
        "--requests",
        str(requests),
        "--rows",
        *rows,
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": pythonpath}
    env = {k: v for k, v in env.items() if not k.startswith("ALEXASKILL_")}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"valgrind run failed ({done.returncode}):\n{done.stderr[-2000:]}")
    dumps = sorted(work_dir.glob("callgrind.out.*"), key=lambda p: int(p.name.rsplit(".", 1)[1]))
    totals = [_total(dump) for dump in dumps]
    # The first dump is the set-up; then one per row, in order.
    return {name: total / requests for name, total in zip(rows, totals[1:], strict=False)}


def _total(dump: Path) -> int:
    with dump.open() as lines:
        for line in lines:
            if line.startswith(("totals:", "summary:")):
                return int(line.split()[1])
    raise SystemExit(f"{dump}: no totals")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=300, help="requests per row (300)")
    parser.add_argument("--rows", nargs="+", choices=ROWS, default=list(ROWS))
    parser.add_argument(
        "--compare-with",
        type=Path,
        default=None,
        metavar="DIR",
        help="a checkout of another commit: its alexaskill serves the alexaskill rows again",
    )
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.child, args.rows, args.requests)
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: apt-get install valgrind (Debian)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from benchmarks.report import describe_checkout
    from benchmarks.serving import before_path

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="alexaskill-count-") as tmp:
        work_dir = Path(tmp)
        counts = count(args.rows, args.requests, work_dir / "pki", work_dir, str(ROOT))
        before: dict[str, float] = {}
        compared = [name for name in args.rows if name in OURS]
        if args.compare_with is not None and compared:
            shim = before_path(args.compare_with, work_dir)
            before = count(compared, args.requests, work_dir / "pki", work_dir, str(shim))
    print(f"alexaskill: {describe_checkout(ROOT)}")
    if args.compare_with is not None:
        print(f"@before: alexaskill from {describe_checkout(args.compare_with)}")
    print(f"{args.requests} requests a row, in-process, valgrind callgrind ({_elapsed(started)})")
    print()
    # The @before counts themselves too, not only their ratio: a ratio that moved is read as
    # this tree's count or the other's only with both at hand.
    extra = " @before | before / row |" if before else ""
    print("| row | instructions/request | floor / row |" + extra)
    print("|---|---:|---:|" + ("---:|---:|" if before else ""))
    floor = counts.get("floor")
    for name, value in counts.items():
        ratio = f"{floor / value:.3f}" if floor else "n/a"
        line = f"| {name} | {value:,.0f} | {ratio} |"
        if before:
            was = before.get(name)
            line += f" {was:,.0f} | {was / value:.3f} |" if was is not None else " | |"
        print(line)
    return 0


def _elapsed(started: float) -> str:
    return f"{time.monotonic() - started:.0f} s"


if __name__ == "__main__":
    sys.exit(main())
