"""The load benchmark's profiling (``--profile``): py-spy's command line, its stop when it does
not end, its failure said beside the run's, and the summary of its stacks (no server is
started, no time asserted)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from benchmarks import load, profiling, report, wrk
from tests.processes import stand_in


def test_profile_samples_at_the_rate_asked_and_only_the_lock_holder_if_asked() -> None:
    args = load.parse_args(["--profile", "out", "--profile-rate", "997", "--profile-gil"])
    command = profiling.spy_command(
        "py-spy", 1234, 15, Path("out/floor.txt"), args.profile_rate, True
    )
    assert command[command.index("--rate") + 1] == "997" and "--gil" in command
    assert command[command.index("--pid") + 1] == "1234"
    assert command[command.index("--duration") + 1] == "14"  # within the run
    defaults = load.parse_args(["--profile", "out"])
    assert (defaults.profile_rate, defaults.profile_gil) == (250, False)
    assert "--gil" not in profiling.spy_command("py-spy", 1, 15, Path("x"), 250, False)
    with pytest.raises(SystemExit):  # py-spy's own bound
        load.parse_args(["--profile", "out", "--profile-rate", "0"])


@pytest.mark.parametrize("option", [["--profile-gil"], ["--profile-rate", "997"]])
def test_a_profile_option_without_profile_is_refused_not_ignored(
    option: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        load.parse_args(option)
    assert f"{option[0]} goes with --profile DIR" in capsys.readouterr().err


def spy_stand_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, script: str) -> None:
    """``script`` (sh) in py-spy's place."""
    spy = stand_in(tmp_path, "py-spy", script) / "py-spy"
    monkeypatch.setattr("shutil.which", lambda name: str(spy))


def test_a_py_spy_that_does_not_end_is_stopped_and_said_in_one_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # py-spy's stand-in writes its pid and never ends: once the run's time and its grace are up,
    # it is stopped (none left running) and the harness says so, not a TimeoutExpired traceback.
    spy_stand_in(monkeypatch, tmp_path, f"echo $$ > {tmp_path / 'pid'}\nexec sleep 60\n")
    monkeypatch.setattr(profiling, "SPY_GRACE_SECONDS", 0.5)
    sampled = profiling.sampling(os.getpid(), 0.25, tmp_path / "out.txt")
    with pytest.raises(wrk.BenchmarkError) as raised, sampled:
        while not (tmp_path / "pid").exists() or not (tmp_path / "pid").read_text(encoding="utf-8"):
            time.sleep(0.01)  # the run: until the stand-in is up
    assert str(raised.value) == "py-spy had not ended 0.75 s after the run: stopped"
    with pytest.raises(ProcessLookupError):
        os.kill(int((tmp_path / "pid").read_text(encoding="utf-8")), 0)


@pytest.mark.parametrize(
    ("script", "said"),
    [
        ("echo 'Error: No such process' >&2\nexit 1\n", "py-spy failed: Error: No such process"),
        ("exec sleep 60\n", "py-spy had not ended 0.75 s after the run: stopped"),
    ],
    ids=["failed", "hung"],
)
def test_a_run_that_failed_is_said_first_and_py_spys_failure_beside_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, script: str, said: str
) -> None:
    # The measured run fails (wrk's error), and py-spy fails or hangs after it (the server it
    # sampled gone, say): the run's failure is what went wrong first, not hidden behind py-spy's.
    spy_stand_in(monkeypatch, tmp_path, script)
    monkeypatch.setattr(profiling, "SPY_GRACE_SECONDS", 0.5)
    with (
        pytest.raises(wrk.BenchmarkError) as raised,
        profiling.sampling(os.getpid(), 0.25, tmp_path),
    ):
        raise wrk.BenchmarkError("wrk failed: unable to connect to 127.0.0.1:1")
    assert str(raised.value) == f"wrk failed: unable to connect to 127.0.0.1:1; and {said}"
    # Another exception keeps its kind, py-spy's failure noted on it.
    with pytest.raises(OSError) as other, profiling.sampling(os.getpid(), 0.25, tmp_path):
        raise OSError("the pool file could not be written")
    assert other.value.__notes__ == [said]


def started(tmp_path: Path) -> int:
    """The pid py-spy's stand-in wrote to ``tmp_path``/pid, once it has."""
    while not (tmp_path / "pid").exists() or not (tmp_path / "pid").read_text(encoding="utf-8"):
        time.sleep(0.01)
    return int((tmp_path / "pid").read_text(encoding="utf-8"))


def test_ctrl_c_stops_py_spy_at_once_not_at_the_end_of_its_duration(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # py-spy's stand-in ignores SIGTERM and would sample a run of 600 s (it ends after 5 s, so
    # that a harness waiting for it fails this test, not hangs): at Ctrl-C it is sent SIGTERM,
    # killed once SPY_STOP_SECONDS are up, and the interrupt says so.
    script = f"trap '' TERM\necho $$ > {tmp_path / 'pid'}\nexec sleep 5\n"
    spy_stand_in(monkeypatch, tmp_path, script)
    monkeypatch.setattr(profiling, "SPY_STOP_SECONDS", 0.5)
    with (
        pytest.raises(KeyboardInterrupt) as interrupted,
        profiling.sampling(os.getpid(), 600, tmp_path / "out.txt"),
    ):
        pid = started(tmp_path)
        raise KeyboardInterrupt
    assert interrupted.value.__notes__ == [
        f"py-spy stopped at the interrupt: {tmp_path / 'out.txt'} holds part of the run or nothing"
    ]
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_ctrl_c_after_py_spy_failed_notes_its_failure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # py-spy's stand-in fails before the interrupt (waited for, not reaped: WNOWAIT).
    spy_stand_in(
        monkeypatch, tmp_path, f"echo $$ > {tmp_path / 'pid'}\necho 'Error: gone' >&2\nexit 1\n"
    )
    with (
        pytest.raises(KeyboardInterrupt) as interrupted,
        profiling.sampling(os.getpid(), 600, tmp_path / "out.txt"),
    ):
        os.waitid(os.P_PID, started(tmp_path), os.WEXITED | os.WNOWAIT)
        raise KeyboardInterrupt
    assert interrupted.value.__notes__ == ["py-spy failed: Error: gone"]


def test_the_profile_summary_ranks_the_event_loops_thread_alone(tmp_path: Path) -> None:
    # py-spy's raw stacks of a def row: the loop's thread (Runner.run, as py-spy names it on
    # 3.11), four idle workers waiting for jobs and alexaskill.stalls' thread asleep, which
    # py-spy counts as busy: ranked with them, WorkerPool._work would top the summary.
    loop = "<module> (uvicorn:8);run (asyncio/runners.py:190);Runner.run (asyncio/runners.py:118)"
    worker = "Thread._bootstrap (threading.py:1002);Thread.run (threading.py:982)"
    profile = tmp_path / "def.txt"
    profile.write_text(
        f"{loop};Handling._handle (handling.py:40);verify (verify.py:9) 300\n"
        f"{loop};Handling._handle (handling.py:40);Exchange._body (exchange.py:70) 100\n"
        f"{loop};ExchangeProtocol.data_received (protocol.py:12) 100\n"
        f"{worker};WorkerPool._work (workers.py:88);get (queue.py:180) 400\n"
        f"{worker};_looks (stalls.py:30) 100\n",
        encoding="utf-8",
    )
    share, ranked = report.top_functions(profile)
    assert share == pytest.approx(0.5)  # the loop's 500 samples of 1,000
    assert ranked == [
        (0.8, "Handling._handle (handling.py)"),
        (0.6, "verify (verify.py)"),
        (0.2, "ExchangeProtocol.data_received (protocol.py)"),
        (0.2, "Exchange._body (exchange.py)"),
    ]
    # asyncio.run alone (no Runner before Python 3.11) is the loop's thread too; a server with no
    # loop (gunicorn's sync worker) is ranked whole.
    profile.write_text(
        f"{loop.rsplit(';', 1)[0]};verify (verify.py:9) 3\n{worker} 1\n", encoding="utf-8"
    )
    assert report.top_functions(profile) == (0.75, [])
    profile.write_text(
        f"{worker};handle (sync.py:9);view (app.py:3) 3\n{worker} 1\n", encoding="utf-8"
    )
    assert report.top_functions(profile) == (
        None,
        [(0.75, "view (app.py)"), (0.75, "handle (sync.py)")],
    )
