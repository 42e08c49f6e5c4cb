"""What the benchmarks' tests share (tests/test_benchmarks_*.py): strace's table and its line on
attaching as a stand-in writes them, a made-up round of the kernel's counters (`measured`) and of
wrk (`run`), and `load.main` run with no server and no tool (`fake_main`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from benchmarks import load, serving, wrk
from benchmarks.server_counters import Measured, ThreadCounters

#: strace's table of calls (``-c``), as its stand-ins write it.
STRACE_TABLE = """\
% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
 40.00    0.000400           4       100           write
 30.00    0.000300           3       100        12 read
 30.00    0.000300           1       300           getpid
------ ----------- ----------- --------- --------- ----------------
100.00    0.001000           2       500        12 total
"""


#: What strace says on attaching to a process of 5 threads (``-f``); $6 is the pid (``-p``).
ATTACHED = 'echo "strace: Process $6 attached with 5 threads" >&2\n'


def measured(requests: int, utime: float, stime: float, switches: int, majflt: int = 0) -> Measured:
    """A made-up 5 s round of ``requests``, with these counts (and a fault a 100 requests)."""
    whole = ThreadCounters(utime, stime, requests // 100, majflt, voluntary=switches)
    return Measured(requests, requests / 5, whole, 5, {"python": whole}, 0.0)


def run(rps: float, cpu_us: float | None = None) -> wrk.LoadResult:
    """A made-up 10 s run at ``rps`` requests/s (``cpu_us`` of server CPU a request)."""
    cpu = 1e6 / rps if cpu_us is None else cpu_us
    return wrk.LoadResult(int(rps * 10), 10.0, 1.0, 2.0, 0, 0, 1.0, 0.2, 0.0, cpu)


def fake_main(
    monkeypatch: pytest.MonkeyPatch, benchmark_server: Callable[..., wrk.LoadResult]
) -> None:
    """No server runs and no tool: `load.main`'s runs are ``benchmark_server``'s."""

    def server_specs(names: list[str], *args: Any, **kwargs: Any) -> list[serving.ServerSpec]:
        return [serving.ServerSpec(name, []) for name in names]

    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(load, "versions", dict)
    monkeypatch.setattr(load, "cpus_for_pinning", lambda: (None, None))
    monkeypatch.setattr(load, "TestPKI", object)
    monkeypatch.setattr(load, "save_pki", lambda *args, **kwargs: None)
    monkeypatch.setattr(load, "server_specs", server_specs)
    monkeypatch.setattr(load, "benchmark_server", benchmark_server)
