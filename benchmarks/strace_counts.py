"""`server_counters.py`'s system-call round: ``strace -c -f`` attached to a server while a
block runs (waited for until it says it attached, the server's threads it does not trace named,
stopped with SIGINT), its table read into calls by name, and those printed a request by
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

#: Where the kernel lists a process's threads (proc(5)).
PROC: Final = Path("/proc")
#: Seconds strace has to detach and write its table after SIGINT before it is killed.
STRACE_STOP_SECONDS: Final = 60.0
#: Seconds strace has to say it attached to the server before it is stopped.
STRACE_ATTACH_SECONDS: Final = 10.0
#: strace's notices of a process it attached to (with ``-f``, "… attached with N threads") or
#: detached from: never the cause of a failure.
STRACE_NOTICE: Final = re.compile(
    r"strace: Process \d+ (?P<what>attached|detached)(?: with \d+ threads)?"
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


def tracers(pid: int, proc: Path) -> dict[int, tuple[str, int]] | None:
    """Each thread ``proc``/``pid``/task lists, by id: its name and its tracer's pid (0: none);
    None if the process is gone."""
    threads = {}
    try:
        tasks = list((proc / str(pid) / "task").iterdir())
    except OSError:
        return None
    for task in tasks:
        try:
            status = dict(
                line.split(":\t", 1) for line in (task / "status").read_text().splitlines()
            )
            threads[int(task.name)] = (status.get("Name", "?"), int(status.get("TracerPid", 0)))
        except (OSError, ValueError):  # exited since the listing (or not a thread's status)
            continue
    return threads


def unattached(pid: int, tracer: int, said: list[str], proc: Path = PROC) -> str | None:
    """What to say of the threads of ``pid`` that ``tracer`` (strace) does not trace, once it
    said it attached (``said``: why not, if it says), naming them, and a thread another tool
    traces (``TracerPid`` neither strace's nor 0) as traced by it; None if it traces all."""
    # Each thread's tracer, not strace's "attached with N threads" against a count of /proc: a
    # thread started since strace attached is followed (-f) but was in no such count, and a
    # partial failure is a count alone (strace 6 says why it could not attach to a thread
    # other than the first only under -d), which names no thread.
    threads = tracers(pid, proc)
    if threads is None:  # the server gone: its own failure says so
        return None
    missed = sorted(tid for tid, (_, traced_by) in threads.items() if traced_by != tracer)
    if not missed:
        return None
    # A thread another tool traces (py-spy pausing it to sample it, at the moment /proc was
    # read) is said traced by that tool: "not counted" read as if strace could not attach.
    untraced = [tid for tid in missed if threads[tid][1] == 0]
    said_of = []
    if untraced:
        names = ", ".join(f"{tid} ({threads[tid][0]})" for tid in untraced)
        why = "; ".join(line for line in said if line.startswith(STRACE_REFUSED))
        whose = "threads" if len(untraced) > 1 else "thread"
        said_of.append(
            f"the system calls of {whose} {names} are not counted" + (f" ({why})" if why else "")
        )
    said_of += [
        f"thread {tid} ({threads[tid][0]}) is traced by {_process(threads[tid][1], proc)}, "
        "not strace"
        for tid in missed
        if threads[tid][1] != 0
    ]
    return (
        f"strace attached to {len(threads) - len(missed)} of the {len(threads)} threads "
        f"{proc / str(pid) / 'task'} lists: " + "; ".join(said_of)
    )


def _process(pid: int, proc: Path) -> str:
    """Process ``pid`` by its name (``comm``) and pid, or its pid alone if it is gone."""
    try:
        return f"{(proc / str(pid) / 'comm').read_text().strip()} (pid {pid})"
    except OSError:
        return f"pid {pid}"


@contextlib.contextmanager
def tracing(
    pid: int, output: Path, calls: dict[str, int], say: Callable[[str], None] = print
) -> Iterator[None]:
    """Count the system calls of ``pid``'s threads (``strace -c -f``) while the block runs,
    into ``calls``; where strace cannot (no ptrace rights, say), a `BenchmarkError` in its
    words before the block runs. Threads of ``pid`` it does not trace are named (`say`)."""
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
    try:
        while tracer.poll() is None and not attached():
            if time.monotonic() > deadline:
                serving.stop(tracer, STRACE_STOP_SECONDS, signal.SIGINT)  # (then what it said)
                raise refused(f"did not say it attached within {STRACE_ATTACH_SECONDS:g} s")
            time.sleep(0.05)
    except BaseException:
        # Ctrl-C (or any failure) in the wait: strace is stopped, not left tracing the server
        # (a SIGINT sent to this process alone does not reach it). Stopped already: a no-op.
        serving.stop(tracer, STRACE_STOP_SECONDS, signal.SIGINT)
        raise
    if tracer.poll() is not None:
        raise refused(f"could not trace the server (exit {tracer.returncode})")
    if (missed := unattached(pid, tracer.pid, said(), PROC)) is not None:
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
