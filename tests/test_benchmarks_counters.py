"""The kernel's counters of whole servers (`server_counters.py`): what it reads from /proc and
from strace's table, and one short round of it, whose output has the shape the README quotes."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from benchmarks import load, server_counters, serving, strace_counts, wrk
from benchmarks.envelopes import Workload
from benchmarks.server_counters import ThreadCounters
from tests.benchmarks_shared import ATTACHED, STRACE_TABLE, measured
from tests.in_threads import ended
from tests.missing import under_ci
from tests.processes import installed_or_skip, stand_in


def test_strace_summary_gives_calls_by_name_with_or_without_errors_and_no_total() -> None:
    calls = strace_counts.parse_strace_summary(STRACE_TABLE)
    assert calls == {"write": 100, "read": 100, "getpid": 300}


def test_reading_a_process_every_few_ms_keeps_the_switches_of_a_thread_that_exits() -> None:
    finish = threading.Event()
    # It blocks: a switch of its own.
    other = threading.Thread(target=finish.wait, name="exits", daemon=True)
    readings: list[server_counters.Reading] = []

    def seen(native: int) -> list[server_counters.Reading]:
        """The readings that saw the thread after it had blocked once."""
        return [r for r in readings if native in r.threads and r.threads[native][1].voluntary]

    with server_counters.polling(os.getpid(), readings, 0.01):
        other.start()
        native = other.native_id
        assert native is not None
        for _ in range(500):  # until a reading has seen it blocked (it may be on its way)
            if seen(native):
                break
            time.sleep(0.01)
        finish.set()
        ended(other)
        for _ in range(500):  # until a reading has seen it gone (join may return before)
            if native not in readings[-1].threads:
                break
            time.sleep(0.01)
    blocked, last = seen(native)[0], seen(native)[-1]
    # A reading sums every live thread's switches: more than the first thread's (its status).
    whole = blocked.whole
    assert whole.voluntary == sum(c.voluntary for _, c in blocked.threads.values())
    assert whole.voluntary > blocked.threads[os.getpid()][1].voluntary
    assert whole.utime > 0 and whole.minflt > 0
    # Gone from the last reading, the thread's switches count to the last that saw it (it
    # started after the first: all of them) on top of what the threads alive at the end used
    # (the poller's own thread exits too: at least that much on top).
    assert native not in readings[-1].threads
    first = readings[0].threads
    alive = sum(
        c.voluntary - first.get(tid, ("", ThreadCounters()))[1].voluntary
        for tid, (_, c) in readings[-1].threads.items()
    )
    used, exited = server_counters.used(readings)
    assert exited >= 1 and used.voluntary - alive >= last.threads[native][1].voluntary >= 1
    # By name, the same threads: the exited one too (Python 3.11 names no OS thread: "python").
    by_name = server_counters.by_thread_name(readings)
    assert set(by_name) == {name for r in readings for name, _ in r.threads.values()}
    assert sum(c.voluntary for c in by_name.values()) == used.voluntary
    assert all(c.voluntary >= 0 and c.minflt >= 0 for c in by_name.values())


def write_proc(root: Path, pid: int, ticks: int, threads: dict[int, tuple[int, int]]) -> None:
    """A fake ``/proc/<pid>`` under ``root``: the process's ``stat`` (``ticks`` of user time,
    as many faults), and ``threads`` by id, each its (voluntary, involuntary) switches."""

    def stat(tid: int, user: int) -> str:
        # pid (name) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
        return f"{tid} (py thon) S 1 1 1 0 -1 0 {user} 0 0 0 {user} 1 0 0 20 0 1 0\n"

    (root / str(pid) / "task").mkdir(parents=True, exist_ok=True)
    (root / str(pid) / "stat").write_text(stat(pid, ticks), encoding="utf-8")
    for task in (root / str(pid) / "task").iterdir():
        if int(task.name) not in threads:
            shutil.rmtree(task)  # exited (and reaped): gone from the listing
    for tid, (voluntary, involuntary) in threads.items():
        (root / str(pid) / "task" / str(tid)).mkdir(exist_ok=True)
        (root / str(pid) / "task" / str(tid) / "stat").write_text(
            stat(tid, ticks // 2), encoding="utf-8"
        )
        (root / str(pid) / "task" / str(tid) / "status").write_text(
            f"Name:\tpy thon\nvoluntary_ctxt_switches:\t{voluntary}\n"
            f"nonvoluntary_ctxt_switches:\t{involuntary}\n",
            encoding="utf-8",
        )


def test_a_thread_that_exits_during_the_run_counts_its_switches_to_its_last_reading(
    tmp_path: Path,
) -> None:
    # Thread 101 switched 50 times before the run, 80 by the reading in the middle, then exited:
    # its 30 count, as thread 100's 5 do (10 to 15): 35, where the live threads' sums before and
    # after (60, then 15) would read -45. The process's stat keeps the exited thread's time.
    readings = []
    for ticks, threads in [
        (100, {100: (10, 1), 101: (50, 5)}),
        (200, {100: (12, 1), 101: (80, 7)}),
        (300, {100: (15, 2)}),
    ]:
        write_proc(tmp_path, 100, ticks, threads)
        readings.append(server_counters.read_process(100, proc=tmp_path))
    assert readings[0].threads[101][0] == "py thon"
    whole, exited = server_counters.used(readings)
    assert (whole.voluntary, whole.involuntary, exited) == (35, 3, 1)
    ticks = os.sysconf("SC_CLK_TCK")
    assert whole.utime == pytest.approx(200 / ticks) and whole.minflt == 200
    by_name = server_counters.by_thread_name(readings)
    assert (by_name["py thon"].voluntary, by_name["py thon"].involuntary) == (35, 3)


def test_what_no_reading_of_a_thread_holds_is_reported_as_unattributed(tmp_path: Path) -> None:
    # Thread 100 in every reading, 50 ticks (and faults) of its own from first to last; thread
    # 101 in the first two, 50 (ticks // 2: 50 to 100), then gone: while the process's stat moves
    # 200, a thread that started and exited between two readings took the other 100, kept by
    # the kernel in the process's counts. Its switches are nowhere: 0, not the process's sum of
    # live threads' switches less every thread's (101's 5 to 8 and 2 to 3 gone from the last).
    readings = []
    for ticks, user, gone in [(100, 10, (5, 2)), (200, 40, (8, 3)), (300, 60, None)]:
        write_proc(tmp_path, 100, ticks, {100: (user, 1)} | ({101: gone} if gone else {}))
        (tmp_path / "100" / "task" / "100" / "stat").write_text(
            f"100 (py thon) S 1 1 1 0 -1 0 {user} 0 0 0 {user} 1 0 0 20 0 1 0\n", encoding="utf-8"
        )
        readings.append(server_counters.read_process(100, proc=tmp_path))
    rest = server_counters.unattributed(readings)
    ticks = os.sysconf("SC_CLK_TCK")
    assert rest.utime == pytest.approx(100 / ticks) and rest.minflt == 100
    assert (rest.stime, rest.voluntary, rest.involuntary) == (0, 0, 0)
    runs = {"floor": [measured(1000, 0.06, 0.01, 20)]}
    runs["floor"][0].unattributed = server_counters.ThreadCounters(0.002, 0.001, 3)
    lines = server_counters.report(runs)
    unseen = ["floor", "(unattributed)", "2.000", "1.000", "0.003", "—", "—"]
    assert [line.split() for line in lines if "(unattributed) " in line] == [unseen]
    assert any("switches are missed" in line for line in lines)


def test_the_unattributed_row_says_that_a_tick_either_side_of_0_is_rounding() -> None:
    # The kernel rounds each thread's time and the process's apart: with no thread unseen the
    # rest can be a tick below 0 (-1.113 µs a request in a 3 s round of 8,983 requests), which
    # the output says, not left to read as a thread's negative time.
    runs = {"floor": [measured(8983, 0.6, 0.1, 20)]}
    runs["floor"][0].unattributed = server_counters.ThreadCounters(-0.01, 0.0, 0)
    lines = server_counters.report(runs)
    ticks = os.sysconf("SC_CLK_TCK")
    assert any(f"a tick ({1000 / ticks:g} ms) a thread" in line for line in lines)


def test_a_thread_with_an_empty_name_is_its_own_row_not_the_unattributed_rest() -> None:
    # prctl(PR_SET_NAME, "") leaves a thread's name empty ("()" in its stat): its row keeps its
    # switches, and the one (unattributed) row is the rest's.
    runs = {"floor": [measured(1000, 0.06, 0.01, 20)]}
    runs["floor"][0].by_name[""] = ThreadCounters(0.004, 0.002, 5, voluntary=7, involuntary=9)
    lines = server_counters.report(runs)
    by_thread = lines[lines.index(next(line for line in lines if "by thread name" in line)) + 1 :]
    rows = [line.split() for line in by_thread if line.startswith("  ")]
    assert ["floor", "4.000", "2.000", "0.005", "0.007", "0.009"] in rows
    assert [row[1] for row in rows].count("(unattributed)") == 1


def test_a_round_says_how_many_threads_exited_in_the_number_it_is() -> None:
    one, two = measured(1000, 0.06, 0.01, 20), measured(1000, 0.06, 0.01, 20)
    one.exited, two.exited = 1, 2
    assert "; 1 thread exited during it (" in server_counters.round_line("floor", 0, 3, one)
    assert "; 2 threads exited during it (" in server_counters.round_line("floor", 1, 3, two)
    assert server_counters.round_line("floor", 2, 3, measured(1000, 0.06, 0.01, 20)) == (
        "floor (round 3 of 3): 1,000 requests, 200/s, other processes 0% of a CPU"
    )


def test_one_short_round_prints_each_rows_figures_and_ratios_to_the_floor(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    installed_or_skip("wrk", "the load-harness test")
    # A pool of 8 requests, not the script's 128: signing them, twice a row and round (for the
    # correctness check, then for wrk's pool), was most of this test's own CPU: 1,024 bodies,
    # each signed twice (Signature and Signature-256). wrk sends a pool round and round
    # whatever its size, and no figure is checked.
    monkeypatch.setattr(server_counters, "Workload", lambda size: Workload(8))
    # .ci/run installs strace too: in CI the system-call round runs, never silently left out.
    # Elsewhere without strace the counted round runs still, with --no-strace.
    traced = shutil.which("strace") is not None
    if not traced and under_ci():
        installed_or_skip("strace", "the system-call round")
    argv = ["--rows", "floor", "async", "--rounds", "1", "--duration", "1", "--warmup", "0"]
    argv += ["--strace-duration", "1"] if traced else ["--no-strace"]
    assert server_counters.main(argv) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    headings = ["req/s", "user µs", "sys µs", "minflt", "majflt", "vol cs", "invol cs", "threads"]
    table = lines.index(next(line for line in lines if line.startswith("row ")))
    assert lines[table].split()[1:] == " ".join(headings).split()
    for index, name in enumerate(("floor", "async"), start=table + 1):
        cells = lines[index].split()
        assert cells[0] == name and len(cells) == 1 + len(headings)
        assert float(cells[2]) > 0 and int(cells[-1]) >= 1  # user time a request; threads
    ratios = lines[lines.index(next(line for line in lines if line.startswith("/ floor"))) + 1]
    assert ratios.split()[0] == "async" and len(ratios.split()) == 7
    assert any(line.split()[:2] == ["async", "python"] for line in lines if line.startswith("  "))
    if not traced:
        assert "system calls a request" not in out
        return
    assert "strace attached to" not in out  # to every thread of each server
    calls = out.split("system calls a request", 1)[1].splitlines()
    assert calls[1].split() == ["syscall", "floor", "async"]
    by_name = {line.split()[0]: line.split()[1:] for line in calls[2:] if line}
    assert float(by_name["read"][0]) >= 0.9 and float(by_name["total"][1]) > 2


def test_the_ask_sdk_row_rows_of_several_workers_and_long_runs_are_refused() -> None:
    # def-info-2w: /proc/<pid> of uvicorn's supervisor counts none of its workers' requests.
    refused = (["--rows", "ask-sdk"], ["--rows", "def-info-2w"], ["--duration", "60"])
    for argv in (*refused, ["--rounds", "0"]):
        with pytest.raises(SystemExit):
            server_counters.parse_args(argv)


def test_the_per_request_figures_and_their_pairing_read_as_worked_by_hand() -> None:
    # Two rounds (an even number): each figure is a middle round's, never the mean of the two
    # middle ones, and the unfavourable one: of a cost (every figure, and a row's over the
    # floor's) the higher, of requests/s the lower, as load.py's run and ratios are
    # (report.median_run; report.round_by_round's ratios read as requests/s, and its cost).
    runs = {
        "floor": [measured(1000, 0.060, 0.014, 20), measured(2000, 0.140, 0.030, 20)],
        "async": [measured(1000, 0.066, 0.0154, 30), measured(2000, 0.182, 0.039, 60)],
    }
    lines = server_counters.report(runs)
    # floor: 60 and 70 us of user time a request, 14 and 15 of system time, 0.01 faults, 0.02 and
    # 0.01 switches; async: 66 and 91, 15.4 and 19.5, 0.01, 0.03 and 0.03.
    floor = "floor 200 70.000 15.000 0.010 0.000 0.020 0.000 5"
    assert lines[1].split() == floor.split()
    ours = "async 200 91.000 19.500 0.010 0.000 0.030 0.000 5"
    assert lines[2].split() == ours.split()
    # Round by round: user 1.1 and 1.3, system 1.1 and 1.3, faults 1 and 1, switches 1.5 and 3.
    paired = lines[lines.index(next(line for line in lines if line.startswith("/ floor"))) + 1]
    assert paired.split() == ["async", "1.300", "1.300", "1.000", "—", "3.000", "—"]
    # By thread, the round with the lower middle requests/s (the first: 200/s).
    assert "  async            python              66.000" in "\n".join(lines)


def test_a_round_whose_floor_figure_is_0_is_left_out_of_the_ratios_and_said_so() -> None:
    # The floor's major faults: 0 in the first round, 4 in the second; async's 2 and 6. The first
    # round has no ratio (over 0): the median is the second's alone (1.5), and a line says so.
    runs = {
        "floor": [measured(1000, 0.06, 0.01, 20, majflt=0), measured(1000, 0.06, 0.01, 20, 4)],
        "async": [measured(1000, 0.06, 0.01, 20, majflt=2), measured(1000, 0.06, 0.01, 20, 6)],
    }
    lines = server_counters.report(runs)
    paired = lines.index(next(line for line in lines if line.startswith("/ floor"))) + 1
    assert lines[paired].split() == ["async", "1.000", "1.000", "1.000", "1.500", "1.000", "—"]
    assert "majflt: the floor's is 0 in 1 of 2 rounds, left out of its ratios" in lines
    # No involuntary switch in either round: no ratio at all (—), said too.
    assert "invol cs: the floor's is 0 in 2 of 2 rounds, left out of its ratios" in lines
    assert not [line for line in lines if line.startswith(("user µs:", "vol cs:"))]


def fake_harness(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, strace: str
) -> list[tuple[str, dict[str, Any]]]:
    """No server runs and no real strace: ``main``'s rows stand-ins whose `benchmark_server`
    enters its ``around`` and records its arguments (returned), and ``strace`` the script on
    PATH in strace's place."""
    tools = stand_in(tmp_path, "strace", strace)
    monkeypatch.setattr("shutil.which", lambda name: str(tools / name))
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    seen: list[tuple[str, dict[str, Any]]] = []

    def benchmark_server(spec: serving.ServerSpec, *args: Any, **kwargs: Any) -> wrk.LoadResult:
        seen.append((spec.name, kwargs))
        with kwargs["around"](os.getpid()):
            pass
        return wrk.LoadResult(1000, 1.0, 1.0, 2.0, 0, 0, 1.0, 0.2, 0.0, 300.0)

    def server_specs(names: list[str], *args: Any) -> list[serving.ServerSpec]:
        return [serving.ServerSpec(name, []) for name in names]

    monkeypatch.setattr(load, "event_loop_and_parser", lambda: ("asyncio", "h11"))
    monkeypatch.setattr(load, "cpus_for_pinning", lambda: (None, None))
    monkeypatch.setattr(load, "server_specs", server_specs)
    monkeypatch.setattr(load, "benchmark_server", benchmark_server)
    monkeypatch.setattr(server_counters, "TestPKI", object)
    monkeypatch.setattr(server_counters, "save_pki", lambda *args: tmp_path)
    return seen


def test_the_counted_rounds_and_the_strace_round_run_as_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # strace's stand-in writes its table (-o, the 4th argument) and waits for its SIGINT.
    seen = fake_harness(
        monkeypatch, tmp_path, f"cat > \"$4\" <<'EOF'\n{STRACE_TABLE}EOF\n{ATTACHED}exec sleep 60\n"
    )
    argv = ["--rows", "floor", "async", "--rounds", "2", "--duration", "3", "--warmup", "1"]
    argv += ["--connections", "8", "--strace-duration", "2"]
    assert server_counters.main(argv) == 0
    # Rounds interleaved, the second in reverse; then the strace round, of its own length.
    asked = [(name, kw["seconds"], kw["warmup"], kw["connections"]) for name, kw in seen]
    counted = [("floor", 3, 1, 8), ("async", 3, 1, 8), ("async", 3, 1, 8), ("floor", 3, 1, 8)]
    assert asked == [*counted, ("floor", 2, 1, 8), ("async", 2, 1, 8)]
    calls = capsys.readouterr().out.split("system calls a request", 1)[1].splitlines()
    assert calls[2].split() == ["getpid", "0.300", "0.300"]  # 300 calls, 1,000 requests


def test_strace_without_ptrace_rights_fails_in_one_line_that_gives_its_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # strace's stand-in is refused as strace is in a container without CAP_SYS_PTRACE (its
    # reason on stderr, exit 1); the counted rounds pass, the traced one fails.
    refused = "strace: attach: ptrace(PTRACE_SEIZE, $6): Operation not permitted"
    fake_harness(monkeypatch, tmp_path, f'echo "{refused}" >&2\nexit 1\n')
    argv = ["--rows", "floor", "--rounds", "1", "--duration", "1", "--strace-duration", "1"]
    assert server_counters.main(argv) == 1
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 1 and "Traceback" not in errors[0]
    assert "ptrace(PTRACE_SEIZE, " in errors[0] and "Operation not permitted" in errors[0]
    assert "--no-strace" in errors[0]


def test_a_strace_that_does_not_stop_is_killed_and_said_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # strace's stand-in ignores SIGINT (exec keeps that): killed once its time to stop is up.
    fake_harness(monkeypatch, tmp_path, f"trap '' INT\n{ATTACHED}exec sleep 60\n")
    monkeypatch.setattr(strace_counts, "STRACE_STOP_SECONDS", 0.5)
    argv = ["--rows", "floor", "--rounds", "1", "--duration", "1", "--strace-duration", "1"]
    assert server_counters.main(argv) == 1
    errors = capsys.readouterr().err.splitlines()
    assert errors == [
        f"FAILED: strace did not stop within 0.5 s of SIGINT: strace: Process {os.getpid()} "
        "attached with 5 threads; run with --no-strace"
    ]


def test_a_strace_that_never_says_it_attached_is_stopped_and_said_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # strace's stand-in writes its pid and never says it attached: stopped, none left running.
    fake_harness(monkeypatch, tmp_path, f"echo $$ > {tmp_path / 'pid'}\nexec sleep 60\n")
    monkeypatch.setattr(strace_counts, "STRACE_ATTACH_SECONDS", 0.5)
    argv = ["--rows", "floor", "--rounds", "1", "--duration", "1", "--strace-duration", "1"]
    assert server_counters.main(argv) == 1
    errors = capsys.readouterr().err.splitlines()
    assert errors == [
        "FAILED: strace did not say it attached within 0.5 s: it said nothing; run with --no-strace"
    ]
    with pytest.raises(ProcessLookupError):
        os.kill(int((tmp_path / "pid").read_text(encoding="utf-8")), 0)


def test_strace_counting_nothing_gives_the_line_that_says_why_not_its_last(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # strace's stand-in attaches, says what went wrong, and on SIGINT detaches (its last line)
    # and ends without a table.
    cause = "strace: attach: ptrace(PTRACE_SEIZE, 8): Operation not permitted"
    script = f"{ATTACHED}echo '{cause}' >&2\n"
    script += "trap 'echo \"strace: Process $6 detached\" >&2; kill $!; exit 0' INT\n"
    fake_harness(monkeypatch, tmp_path, f"{script}sleep 60 &\nwait\n")
    argv = ["--rows", "floor", "--rounds", "1", "--duration", "1", "--strace-duration", "1"]
    assert server_counters.main(argv) == 1
    errors = capsys.readouterr().err.splitlines()
    assert errors == [f"FAILED: strace counted nothing (exit 0): {cause}; run with --no-strace"]
