"""`strace_counts.tracing`: strace waited for until it says it attached, stopped however the block
ends (Ctrl-C too), and the server's threads it does not trace named from /proc (each thread's
TracerPid). Stand-ins play strace; /proc is a fake where a test needs one."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from benchmarks import strace_counts, wrk
from tests.benchmarks_shared import ATTACHED, STRACE_TABLE
from tests.processes import stand_in


def test_the_run_waits_for_strace_to_say_it_attached(tmp_path: Path) -> None:
    # strace's stand-in writes its table, then takes a second to attach (a marker, then its
    # line): the block runs once it said so, not after a fixed wait.
    marker = tmp_path / "attached"
    script = f"cat > \"$4\" <<'EOF'\n{STRACE_TABLE}EOF\nsleep 1\ntouch {marker}\n{ATTACHED}"
    tools = stand_in(tmp_path, "strace", f"{script}exec sleep 60\n")
    calls: dict[str, int] = {}
    with pytest.MonkeyPatch.context() as patched:
        patched.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
        with strace_counts.tracing(os.getpid(), tmp_path / "out.strace", calls):
            attached = marker.exists()
    assert attached and calls["getpid"] == 300


def test_a_notice_that_strace_detached_does_not_start_the_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # strace's stand-in says it detached (as it does after SIGINT), never that it attached: the
    # run waits for "attached", so it does not start, and the wait's end says what strace said.
    tools = stand_in(tmp_path, "strace", 'echo "strace: Process $6 detached" >&2\nexec sleep 60\n')
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(strace_counts, "STRACE_ATTACH_SECONDS", 0.5)
    ran = []
    with (
        pytest.raises(wrk.BenchmarkError) as raised,
        strace_counts.tracing(os.getpid(), tmp_path / "out.strace", {}),
    ):
        ran.append(True)
    assert ran == []
    assert str(raised.value) == (
        f"strace did not say it attached within 0.5 s: strace: Process {os.getpid()} detached; "
        "run with --no-strace"
    )


def test_ctrl_c_while_waiting_for_strace_to_attach_stops_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # strace's stand-in writes its pid and has not said it attached when Ctrl-C comes (in the
    # wait's sleep): strace is stopped, not left tracing the server after the harness ended.
    pid_file = tmp_path / "pid"
    tools = stand_in(tmp_path, "strace", f"echo $$ > {pid_file}\nexec sleep 60\n")
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")

    def sleep(seconds: float) -> None:
        if pid_file.exists() and pid_file.read_text(encoding="utf-8"):
            raise KeyboardInterrupt
        time.sleep(seconds)

    # (The module's `time` alone: serving.stop waits with the real one.)
    clock = SimpleNamespace(sleep=sleep, monotonic=time.monotonic)
    monkeypatch.setattr(strace_counts, "time", clock)
    monkeypatch.setattr(strace_counts, "STRACE_STOP_SECONDS", 1.0)  # (SIGKILL after)
    try:
        with (
            pytest.raises(KeyboardInterrupt),
            strace_counts.tracing(os.getpid(), tmp_path / "out.strace", {}),
        ):
            pass
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid_file.read_text(encoding="utf-8")), 0)
    finally:
        if pid_file.exists() and pid_file.read_text(encoding="utf-8"):
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid_file.read_text(encoding="utf-8")), signal.SIGKILL)


def fake_tasks(proc: Path, pid: int, threads: dict[int, tuple[str, int]]) -> None:
    """A fake ``/proc/<pid>/task`` under ``proc``: ``threads`` by id, each its name and the
    pid of its tracer (``TracerPid``, 0: none), as proc(5) gives them."""
    for tid, (name, tracer) in threads.items():
        (proc / str(pid) / "task" / str(tid)).mkdir(parents=True)
        status = f"Name:\t{name}\nState:\tS (sleeping)\nTracerPid:\t{tracer}\n"
        (proc / str(pid) / "task" / str(tid) / "status").write_text(status, encoding="utf-8")


def test_a_thread_started_after_strace_attached_is_followed_not_said_uncounted(
    tmp_path: Path,
) -> None:
    # strace (pid 900) attached to the 3 threads of 100; a 4th started since, followed (-f: its
    # tracer is strace, and strace says so in a line of its own): nothing is left uncounted.
    fake_tasks(tmp_path, 100, {tid: ("python", 900) for tid in (100, 101, 102, 103)})
    said = ["strace: Process 100 attached with 3 threads", "strace: Process 103 attached", ""]
    assert strace_counts.unattached(100, 900, said, tmp_path) is None


def test_threads_strace_did_not_attach_to_are_named_though_it_attached_to_others(
    tmp_path: Path,
) -> None:
    # strace 6 says why it could not attach to a thread other than the first only under -d: a
    # partial failure is its count alone, so the threads it left are named from /proc.
    threads = {100: ("python", 900), 101: ("python", 900), 102: ("asyncio_0", 0)}
    fake_tasks(tmp_path, 100, {**threads, 103: ("worker", 0)})
    said = ["strace: Process 100 attached with 2 threads"]
    assert strace_counts.unattached(100, 900, said, tmp_path) == (
        f"strace attached to 2 of the 4 threads {tmp_path}/100/task lists: the system calls of "
        "threads 102 (asyncio_0), 103 (worker) are not counted"
    )


def test_threads_strace_could_not_attach_to_are_said_not_left_uncounted_silently(
    tmp_path: Path,
) -> None:
    # strace's stand-in plays strace on a fake /proc: it traces (is the tracer of) the threads
    # of process 100 but one, says why for that one, and the run is told which.
    cause = "strace: attach: ptrace(PTRACE_SEIZE, 102): Operation not permitted"
    script = f"cat > \"$4\" <<'EOF'\n{STRACE_TABLE}EOF\necho '{cause}' >&2\n"
    for tid, tracer in ((100, "$$"), (101, "$$"), (102, "0")):
        task = tmp_path / "proc" / "100" / "task" / str(tid)
        status = f'printf "Name:\\tpy\\nTracerPid:\\t{tracer}\\n" > {task}/status\n'
        script += f"mkdir -p {task}\n{status}"
    script += 'echo "strace: Process $6 attached with 2 threads" >&2\nexec sleep 60\n'
    said: list[str] = []
    with pytest.MonkeyPatch.context() as patched:
        tools = stand_in(tmp_path, "strace", script)
        patched.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
        patched.setattr(strace_counts, "PROC", tmp_path / "proc")
        calls: dict[str, int] = {}
        with strace_counts.tracing(100, tmp_path / "out.strace", calls, said.append):
            pass
    assert said == [
        f"strace attached to 2 of the 3 threads {tmp_path}/proc/100/task lists: the system "
        f"calls of thread 102 (py) are not counted ({cause})"
    ]
    assert calls["getpid"] == 300  # counted still, as said


def test_a_thread_another_tool_traces_is_said_traced_by_it_not_left_uncounted(
    tmp_path: Path,
) -> None:
    # py-spy (pid 700) pausing a thread to sample it is its tracer at that moment: the thread is
    # named as traced by py-spy, where it was said "not counted" as if strace could not attach.
    fake_tasks(tmp_path, 100, {100: ("python", 900), 101: ("python", 700), 102: ("worker", 0)})
    (tmp_path / "700").mkdir()
    (tmp_path / "700" / "comm").write_text("py-spy\n", encoding="utf-8")
    said = ["strace: Process 100 attached with 1 threads"]
    assert strace_counts.unattached(100, 900, said, tmp_path) == (
        f"strace attached to 1 of the 3 threads {tmp_path}/100/task lists: the system calls of "
        "thread 102 (worker) are not counted; thread 101 (python) is traced by py-spy (pid 700), "
        "not strace"
    )
    # Every thread strace does not trace traced by another tool (one gone since: no name).
    fake_tasks(tmp_path, 200, {200: ("python", 900), 201: ("python", 700), 202: ("w", 701)})
    assert strace_counts.unattached(200, 900, said, tmp_path) == (
        f"strace attached to 1 of the 3 threads {tmp_path}/200/task lists: thread 201 (python) "
        "is traced by py-spy (pid 700), not strace; thread 202 (w) is traced by pid 701, not strace"
    )
