"""`server_counters.py`'s system-call round: ``strace -c -f`` attached to a server while a
block runs (waited for until it says it attached, the server's threads it could not attach to
said, stopped with SIGINT), its table read into calls by name, and those printed a request by
row. `bench_response_writes.py` counts its server's write() calls with `tracing` too."""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Final

from benchmarks import serving
from benchmarks.wrk import BenchmarkError

#: Seconds strace has to detach and write its table after SIGINT before it is killed.
STRACE_STOP_SECONDS: Final = 60.0
#: Seconds strace has to say it attached to the server before it is stopped.
STRACE_ATTACH_SECONDS: Final = 10.0
#: strace's notices of a process it attached to (with ``-f``, "… attached with N threads") or
#: detached from: never the cause of a failure.
STRACE_NOTICE: Final = re.compile(
    r"strace: Process \d+ (?P<what>attached|detached)(?: with (?P<threads>\d+) threads)?"
)
#: What strace says of a thread or process it could not attach to (why, in its words).
STRACE_REFUSED: Final = "strace: attach: ptrace("


def parse_strace_summary(text: str) -> dict[str, int]:
    """The calls by system call name of ``strace -c``'s table (its ``total`` row left out)."""
    calls = {}
    for line in text.splitlines():
        parts = line.split()
        # "% time  seconds  usecs/call  calls  [errors]  syscall": the errors column may be empty.
        if len(parts) in (5, 6) and parts[-1] != "total":
            try:
                float(parts[0])
                calls[parts[-1]] = int(parts[3])
            except ValueError:
                continue
    return calls


def unattached(pid: int, said: list[str]) -> str | None:
    """What to say of the threads of ``pid`` strace did not attach to, from what it ``said``
    once attached (how many it did, why not the others, if it says), or None if none."""
    notices = [n for line in said if (n := STRACE_NOTICE.match(line)) and n["what"] == "attached"]
    attached = int(notices[0]["threads"] or 1) if notices else 0
    try:
        threads = len(list(Path(f"/proc/{pid}/task").iterdir()))
    except OSError:  # the server gone: its own failure says so
        return None
    if attached >= threads:
        return None
    # strace 6 says why it could not attach to a thread only under -d; the count is all there
    # is then. (A thread started since strace attached to the rest is followed, -f, but counted
    # here: said too, rather than a thread left out silently.)
    missed = threads - attached
    whose = "1 thread's" if missed == 1 else f"{missed} threads'"
    why = "; ".join(line for line in said if line.startswith(STRACE_REFUSED))
    return (
        f"strace attached to {attached} of the {threads} threads /proc/{pid}/task lists: "
        f"{whose} system calls are not counted" + (f" ({why})" if why else "")
    )


@contextlib.contextmanager
def tracing(
    pid: int, output: Path, calls: dict[str, int], say: Callable[[str], None] = print
) -> Iterator[None]:
    """Count the system calls of ``pid``'s threads (``strace -c -f``) while the block runs,
    into ``calls``; where strace cannot (no ptrace rights, say), a `BenchmarkError` in its
    words before the block runs. Threads of ``pid`` it could not attach to are said (`say`)."""
    errors = output.with_suffix(".errors")
    with errors.open("wb") as written:
        tracer = subprocess.Popen(
            ["strace", "-c", "-f", "-o", str(output), "-p", str(pid)],
            stdout=subprocess.DEVNULL,
            stderr=written,
        )

    def said() -> list[str]:
        return [line.strip() for line in errors.read_text(errors="replace").split("\n")]

    def refused(what: str) -> BenchmarkError:
        # The last line that says something, not a notice that strace attached or detached
        # (after SIGINT the last line is "Process N detached"): a notice only if that is all.
        lines = [line for line in said() if line]
        causes = [line for line in lines if not STRACE_NOTICE.match(line)] or lines
        # (a container without CAP_SYS_PTRACE, or kernel.yama.ptrace_scope above 1)
        return BenchmarkError(
            f"strace {what}: {(causes or ['it said nothing'])[-1]}; run with --no-strace"
        )

    def attached() -> bool:
        return any(
            (notice := STRACE_NOTICE.match(line)) and notice["what"] == "attached"
            for line in said()
        )

    # The run starts once strace says it attached (to every thread, with -f): a fixed wait
    # could start it before, uncounted, or wait longer than strace takes.
    deadline = time.monotonic() + STRACE_ATTACH_SECONDS
    while tracer.poll() is None and not attached():
        if time.monotonic() > deadline:
            serving.stop(tracer, STRACE_STOP_SECONDS, signal.SIGINT)
            raise refused(f"did not say it attached within {STRACE_ATTACH_SECONDS:g} s")
        time.sleep(0.05)
    if tracer.poll() is not None:
        raise refused(f"could not trace the server (exit {tracer.returncode})")
    if (missed := unattached(pid, said())) is not None:
        say(missed)
    try:
        yield
    finally:
        # SIGINT: strace detaches and writes its table.
        if not serving.stop(tracer, STRACE_STOP_SECONDS, signal.SIGINT):
            raise refused(f"did not stop within {STRACE_STOP_SECONDS:g} s of SIGINT")
    calls.update(parse_strace_summary(output.read_text()) if output.exists() else {})
    if not calls:
        raise refused(f"counted nothing (exit {tracer.returncode})")


def strace_report(calls: Mapping[str, tuple[int, Mapping[str, int]]]) -> list[str]:
    """System calls a request by row (``calls``: requests and ``strace -c``'s counts), the
    names any row makes at least 0.01 times a request, each row's total last."""
    names = sorted(
        {
            syscall
            for requests, counted in calls.values()
            for syscall, n in counted.items()
            if n / max(1, requests) >= 0.01
        }
    )
    lines = [f"{'syscall':18}" + "".join(f"{row:>12}" for row in calls)]
    for syscall in [*names, "total"]:
        cells = []
        for requests, counted in calls.values():
            n = sum(counted.values()) if syscall == "total" else counted.get(syscall, 0)
            cells.append(f"{n / max(1, requests):>12.3f}")
        lines.append(f"{syscall:18}" + "".join(cells))
    return lines
