"""Ctrl-C ends each benchmark script with one line on stderr and status 130, never a traceback,
wherever it comes (in a run, between runs, while the report is made), its children stopped
(`benchmarks.endings`). Stand-ins run in place of the servers and tools; no time is asserted."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from benchmarks import bench_response_writes, count_stack, load, server_counters, serving, wrk
from tests.benchmarks_shared import fake_main, measured, run
from tests.processes import stand_in


def interrupt(*args: Any, **kwargs: Any) -> Any:
    """A stand-in Ctrl-C comes into."""
    raise KeyboardInterrupt


def test_ctrl_c_in_loads_profile_summary_ends_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The floor's run finished; Ctrl-C comes as its profile is summed up, outside the run.
    fake_main(monkeypatch, lambda *args, **kwargs: run(1000, 300))
    monkeypatch.setattr(load, "top_functions", interrupt)
    argv = ["--servers", "floor", "def-info", "--pool", "8", "--profile", str(tmp_path)]
    assert load.main(argv) == 130
    out, err = capsys.readouterr()
    assert "1,000 requests/s" in out  # the floor's run, printed as it ended
    assert err.splitlines() == [
        "  INTERRUPTED after floor's run: the figures above are the 1 run that finished; no table"
    ]


def test_ctrl_c_while_load_makes_its_table_ends_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_main(monkeypatch, lambda *args, **kwargs: run(1000, 300))
    monkeypatch.setattr(load, "table", interrupt)
    assert load.main(["--servers", "floor", "def-info", "--pool", "8"]) == 130
    assert capsys.readouterr().err.splitlines() == [
        "  INTERRUPTED after def-info's run: the figures above are the 2 runs that finished; "
        "no table"
    ]


def test_a_failure_before_loads_first_run_is_said_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The ask-sdk row without --ask-sdk: server_specs' BenchmarkError, outside any run.
    fake_main(monkeypatch, lambda *args, **kwargs: run(1000, 300))
    monkeypatch.setattr(load, "server_specs", serving.server_specs)
    assert load.main(["--servers", "floor", "ask-sdk", "--pool", "8"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "  FAILED: the ask-sdk row needs --ask-sdk VENV (see README)"
    ]


def test_ctrl_c_in_a_counted_round_of_server_counters_ends_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    done: list[str] = []

    def measure(spec: serving.ServerSpec, **kwargs: Any) -> tuple[Any, dict[str, int]]:
        if done:
            raise KeyboardInterrupt
        done.append(spec.name)
        return measured(1000, 0.06, 0.01, 20), {}

    def server_specs(names: list[str], *args: Any) -> list[serving.ServerSpec]:
        return [serving.ServerSpec(name, []) for name in names]

    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(load, "server_specs", server_specs)
    monkeypatch.setattr(server_counters, "measure", measure)
    monkeypatch.setattr(server_counters, "TestPKI", object)
    monkeypatch.setattr(server_counters, "save_pki", lambda *args: tmp_path)
    assert server_counters.main(["--rows", "floor", "async", "--rounds", "2"]) == 130
    out, err = capsys.readouterr()
    assert "floor (round 1 of 2): 1,000 requests" in out
    assert err.splitlines() == [
        "INTERRUPTED in async's round 1 of 2: the figures above are the 1 round that "
        "finished; no table"
    ]


def test_ctrl_c_in_a_stack_count_ends_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    counted: list[str] = []

    def per_request(spec: serving.ServerSpec, *args: Any, **kwargs: Any) -> float:
        if counted:
            raise KeyboardInterrupt
        counted.append(spec.name)
        return 800_000.0

    monkeypatch.setattr(count_stack, "per_request", per_request)
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(count_stack, "compile_trees", lambda trees: None)
    assert count_stack.main(["--rows", "floor", "async", "--repeat", "2"]) == 130
    out, err = capsys.readouterr()
    assert "800,000 instructions a request (round 1 of 2)" in out
    assert err.splitlines() == [
        "INTERRUPTED in async's count (round 1 of 2): the counts above are the 1 that "
        "finished; no summary"
    ]


def test_ctrl_c_in_a_response_writes_round_stops_its_server_and_ends_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The server is bench_response_writes' own, started for real; Ctrl-C comes in wrk's run.
    servers: list[int] = []

    def measured_load(port: int, scheme: str, directory: Path, *args: Any) -> tuple[float, float]:
        servers.append(args[-1])
        raise KeyboardInterrupt

    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(bench_response_writes, "cpus_for_pinning", lambda: (None, None))
    monkeypatch.setattr(bench_response_writes, "load", measured_load)
    assert bench_response_writes.main(["--rounds", "1", "--duration", "1"]) == 130
    assert capsys.readouterr().err.splitlines() == [
        "INTERRUPTED in round 1 of 1 (uvicorn over http): the figures above are those that "
        "finished; no medians"
    ]
    with pytest.raises(ProcessLookupError):  # the server was stopped
        os.kill(servers[0], 0)


def test_ctrl_c_during_wrks_run_stops_wrk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # wrk's stand-in writes its pid, then sends this process SIGINT (a Ctrl-C that reached the
    # harness alone, a kill -INT of it) and runs on: stopped, not left loading a server.
    # (The half second: the signal comes once run_wrk waits for wrk, not as it starts it.)
    pid_file = tmp_path / "wrk.pid"
    tools = stand_in(
        tmp_path, "wrk", f"echo $$ > {pid_file}\nsleep 0.5\nkill -INT $PPID\nexec sleep 60\n"
    )
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    try:
        with pytest.raises(KeyboardInterrupt):
            wrk.run_wrk(
                1, tmp_path / "pool", seconds=30, connections=1, threads=1, cpu=None,
                server_pid=os.getpid(),
            )  # fmt: skip
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid_file.read_text(encoding="utf-8")), 0)
    finally:
        with contextlib.suppress(ProcessLookupError, ValueError, OSError):
            os.kill(int(pid_file.read_text(encoding="utf-8")), signal.SIGKILL)


def test_ctrl_c_as_load_makes_its_keys_ends_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The test PKI's keys were made before the runs, outside said_in_one_line: a traceback.
    fake_main(monkeypatch, lambda *args, **kwargs: run(1000, 300))
    monkeypatch.setattr(load, "TestPKI", interrupt)
    assert load.main(["--servers", "floor", "--pool", "8"]) == 130
    assert capsys.readouterr().err.splitlines() == [
        "  INTERRUPTED as the keys were made: the figures above are the 0 runs that finished; "
        "no table"
    ]


@pytest.mark.parametrize("cut", ["Workload", "describe_checkout"])
def test_ctrl_c_after_load_made_its_keys_says_what_was_under_way(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, cut: str
) -> None:
    # The keys were made; Ctrl-C came as the pool was made, or as the lines after it were
    # printed (the checkouts described, with --compare-with): it still said "as the keys were made".
    fake_main(monkeypatch, lambda *args, **kwargs: run(1000, 300))
    monkeypatch.setattr(load, cut, interrupt)
    argv = ["--servers", "floor", "--pool", "8", "--compare-with", str(tmp_path)]
    assert load.main(argv) == 130
    assert capsys.readouterr().err.splitlines() == [
        "  INTERRUPTED before the first run: the figures above are the 0 runs that finished; "
        "no table"
    ]


def test_ctrl_c_in_a_stack_count_kills_valgrind_at_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # valgrind was stopped with the grace it has to write its totals (up to 120 s), which no one
    # would read: it is killed before the server is stopped as after a count.
    tools = stand_in(tmp_path, "valgrind", "exec sleep 60\n")
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(socket, "create_connection", interrupt)  # (as the server starts)
    running_when_stopped: list[bool] = []

    def stop(process: Any, grace: float = 5.0) -> bool:
        running_when_stopped.append(process.poll() is None)
        process.kill()
        process.wait()
        return True

    monkeypatch.setattr(serving, "stop", stop)
    spec = serving.ServerSpec("floor", ["uvicorn"])
    with pytest.raises(KeyboardInterrupt):
        count_stack.total_instructions(spec, None, 1, tmp_path / "out")  # type: ignore[arg-type]
    assert running_when_stopped == [False]


def test_ctrl_c_as_valgrind_writes_its_totals_kills_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A count finished: valgrind, sent SIGTERM, has up to 120 s to write its totals. A Ctrl-C in
    # that wait ended the script and left valgrind running. Its stand-in outlives SIGTERM and
    # sends this process SIGINT as it gets it (no request is sent: WARMUP 0, an empty mix).
    pid_file = tmp_path / "valgrind.pid"
    script = f"trap 'kill -INT $PPID' TERM\necho $$ > {pid_file}\nwhile :; do sleep 0.1; done\n"
    tools = stand_in(tmp_path, "valgrind", script)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    ends = socket.socketpair()

    def connected(*args: Any, **kwargs: Any) -> socket.socket:
        # (once the stand-in has set its trap: a SIGTERM before would end it)
        for _ in range(600):
            if pid_file.exists() and pid_file.read_text(encoding="utf-8").strip():
                return ends[0]
            time.sleep(0.05)
        raise AssertionError("the stand-in of valgrind did not start")

    class NoMix:
        def __init__(self, size: int) -> None: ...

        def signed(self, pki: object) -> list[Any]:
            return []

    monkeypatch.setattr(socket, "create_connection", connected)
    monkeypatch.setattr(count_stack, "WARMUP", 0)
    monkeypatch.setattr(count_stack, "Workload", NoMix)
    spec = serving.ServerSpec("floor", ["uvicorn"])
    try:
        with pytest.raises(KeyboardInterrupt):
            count_stack.total_instructions(spec, None, 0, tmp_path / "out")  # type: ignore[arg-type]
        with pytest.raises(ProcessLookupError):  # killed, not left writing its totals
            os.kill(int(pid_file.read_text(encoding="utf-8")), 0)
    finally:
        ends[1].close()
        with contextlib.suppress(ProcessLookupError, ValueError, OSError):
            os.kill(int(pid_file.read_text(encoding="utf-8")), signal.SIGKILL)
